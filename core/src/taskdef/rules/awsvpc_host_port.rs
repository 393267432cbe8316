//! `awsvpc-host-port`: with `awsvpc` networking a port mapping's `hostPort` must be absent or
//! equal to its `containerPort` (each task has its own network interface).

use crate::finding::Finding;
use crate::taskdef::TaskDefinition;
use crate::taskdef::units::Num;

pub(crate) const ID: &str = "awsvpc-host-port";

pub(crate) fn check(td: &TaskDefinition<'_>, out: &mut Vec<Finding>) {
    if td.network_mode() != "awsvpc" {
        return;
    }
    for (path, container) in td.containers() {
        let mappings = container
            .get("portMappings")
            .and_then(|m| m.items())
            .unwrap_or_default();
        for (i, mapping) in mappings.iter().enumerate() {
            let (Some(host), Some(port)) = (mapping.get("hostPort"), mapping.get("containerPort"))
            else {
                continue;
            };
            let (Some(h), Some(c)) = (host.as_f64(), port.as_f64()) else {
                continue;
            };
            if h != c {
                out.push(Finding::error(
                    ID,
                    path.key("portMappings").index(i).key("hostPort"),
                    host.pos,
                    format!(
                        "hostPort {} differs from containerPort {c} under awsvpc networking: remove hostPort or set it to {c}",
                        Num(h),
                        c = Num(c)
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::taskdef::rules::findings;

    #[test]
    fn host_port_must_match_under_awsvpc() {
        let json = r#"{"networkMode": "awsvpc", "containerDefinitions": [{"name": "a", "portMappings": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 443, "hostPort": 443}, {"containerPort": 9000}]}]}"#;
        assert_eq!(
            findings(super::check, json),
            [
                "1:117 containerDefinitions[0].portMappings[0].hostPort: hostPort 8080 differs from containerPort 80 under awsvpc networking: remove hostPort or set it to 80"
            ]
        );
        assert!(findings(super::check, &json.replace("awsvpc", "bridge")).is_empty());
    }
}
