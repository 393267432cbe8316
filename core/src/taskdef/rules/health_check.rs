//! `health-check`: a container health check's timings within ECS's ranges (interval 5–300 s,
//! timeout 2–120 s, retries 1–10, startPeriod 0–300 s), a warning when the timeout is not below
//! the interval (AWS accepts it; the reference states no such rule), and a command
//! starting with CMD or CMD-SHELL.

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;
use crate::taskdef::units::Num;

pub(crate) const ID: &str = "health-check";

const RANGES: [(&str, f64, f64); 4] = [
    ("interval", 5.0, 300.0),
    ("timeout", 2.0, 120.0),
    ("retries", 1.0, 10.0),
    ("startPeriod", 0.0, 300.0),
];

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    for (path, container) in td.containers() {
        let Some(hc) = container
            .get("healthCheck")
            .filter(|h| h.members().is_some())
        else {
            continue;
        };
        let hc_path = path.key("healthCheck");
        for (key, min, max) in RANGES {
            let Some(node) = hc.get(key) else { continue };
            let Some(v) = node.as_f64() else { continue };
            if v < min || v > max {
                out.push(Finding::error(
                    ID,
                    hc_path.key(key),
                    node.pos,
                    format!(
                        "healthCheck {key} {} is out of range: expected {} to {}",
                        Num(v),
                        Num(min),
                        Num(max)
                    ),
                ));
            }
        }
        let interval = hc.get("interval").and_then(|n| n.as_f64()).unwrap_or(30.0);
        if let Some(timeout) = hc
            .get("timeout")
            .filter(|t| t.as_f64().is_some_and(|t| t >= interval))
        {
            // The ECS reference states no such constraint (AWS accepts it): a warning, as a
            // check that can outlast its interval is rarely meant.
            out.push(Finding::warning(
                ID,
                hc_path.key("timeout"),
                timeout.pos,
                format!(
                    "healthCheck timeout {} is not shorter than its interval {}: a check may still run when the next one starts",
                    Num(timeout.as_f64().unwrap_or_default()),
                    Num(interval)
                ),
            ));
        }
        if let Some(first) = hc
            .get("command")
            .and_then(|c| c.items())
            .and_then(|c| c.first())
            && !matches!(first.as_str(), Some("CMD" | "CMD-SHELL" | "NONE"))
        {
            out.push(Finding::error(
                    ID,
                    hc_path.key("command").index(0),
                    first.pos,
                    "healthCheck command must start with \"CMD\" (exec form) or \"CMD-SHELL\" (shell form)",
                ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn ranges_and_command_form() {
        let json = r#"{"containerDefinitions": [{"name": "a", "healthCheck": {"command": ["curl -f http://localhost/"], "interval": 3, "timeout": 5, "retries": 11}}]}"#;
        let found = findings(super::check, json);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found[0].contains("healthCheck interval 3 is out of range: expected 5 to 300"));
        assert!(found[1].contains("healthCheck retries 11 is out of range: expected 1 to 10"));
        assert!(found[2].contains("healthCheck timeout 5 is not shorter than its interval 3"));
        assert!(found[3].contains("must start with \"CMD\""));
        let good = r#"{"containerDefinitions": [{"name": "a", "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 30, "timeout": 5}}]}"#;
        assert!(findings(super::check, good).is_empty());
    }
}
