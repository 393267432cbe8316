//! `schedule`: each `on.schedule[].cron` is five POSIX cron fields GitHub accepts (numbers in
//! range, `*`, `a-b`, `*/n`, lists, month and weekday names), and does not ask to run more
//! often than every 5 minutes, the shortest interval GitHub runs scheduled workflows at.

use crate::finding::Finding;
use crate::source::Path;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "schedule";

/// The fields: name, lowest, highest, names for values from `lowest`.
const FIELDS: [(&str, u32, u32, &[&str]); 5] = [
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day of month", 1, 31, &[]),
    (
        "month",
        1,
        12,
        &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    ),
    (
        "day of week",
        0,
        6,
        &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    ),
];

/// The values a field selects, or what is wrong with it.
fn field_values(text: &str, field: usize) -> Result<Vec<u32>, String> {
    let (name, low, high, names) = FIELDS[field];
    let value = |s: &str| -> Result<u32, String> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(low + i as u32);
        }
        match s.parse::<u32>() {
            Ok(n) if (low..=high).contains(&n) => Ok(n),
            Ok(n) => Err(format!("{name} {n} is out of range: expected {low}-{high}")),
            Err(_) => Err(format!(
                "`{s}` is not a {name}: expected a number {low}-{high}{}",
                if names.is_empty() {
                    String::new()
                } else {
                    format!(" or a name such as {}", names[0].to_ascii_uppercase())
                }
            )),
        }
    };
    let mut values = Vec::new();
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => match s.parse::<u32>() {
                Ok(n) if n > 0 => (r, n),
                _ => return Err(format!("`/{s}` is not a step: expected a positive number")),
            },
            None => (item, 1),
        };
        let (from, to) = if range == "*" {
            (low, high)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (value(a)?, value(b)?);
            if a > b {
                return Err(format!("range `{range}` runs backwards"));
            }
            (a, b)
        } else {
            let a = value(range)?;
            (a, if step > 1 { high } else { a })
        };
        values.extend((from..=to).step_by(step as usize));
    }
    Ok(values)
}

/// The end of the message of a cron that asks for more than GitHub runs.
const TOO_OFTEN: &str = "GitHub runs scheduled workflows at most every 5 minutes";

/// What is wrong with a cron expression, if anything.
pub(crate) fn problem(cron: &str) -> Option<String> {
    let fields: Vec<&str> = cron.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!(
            "cron `{cron}` has {} fields: expected 5 (minute hour day-of-month month day-of-week)",
            fields.len()
        ));
    }
    let mut minutes = Vec::new();
    let mut hours = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        match field_values(f, i) {
            Ok(v) if i == 0 => minutes = v,
            Ok(v) if i == 1 => hours = v,
            Ok(_) => {}
            Err(e) => return Some(format!("cron `{cron}`: {e}")),
        }
    }
    crate::sort_by_key(&mut minutes, |&m| m);
    minutes.dedup();
    let mut gaps: Vec<u32> = minutes.windows(2).map(|w| w[1] - w[0]).collect();
    if hours.len() > 1
        && let (Some(first), Some(last)) = (minutes.first(), minutes.last())
    {
        gaps.push(60 - last + first);
    }
    match gaps.iter().min() {
        Some(&gap) if gap < 5 => Some(format!(
            "cron `{cron}` asks to run every {gap} minute{}: {TOO_OFTEN}",
            if gap == 1 { "" } else { "s" }
        )),
        _ => None,
    }
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let Some(schedule) = wf.root.get("on").and_then(|on| on.get("schedule")) else {
        return;
    };
    let path = Path::root().key("on").key("schedule");
    let Some(items) = schedule.items() else {
        out.push(Finding::error(
            ID,
            path,
            schedule.pos,
            "`schedule` is a list of `- cron: '...'` entries",
        ));
        return;
    };
    for (i, item) in items.iter().enumerate() {
        match item.get("cron") {
            Some(cron) => match cron.as_str() {
                Some(text) => {
                    if let Some(message) = problem(text) {
                        // GitHub takes a cron more often than every 5 minutes and runs it
                        // every 5: it works, not as written (a warning); a cron it cannot
                        // read is refused (an error).
                        let at = path.index(i).key("cron");
                        out.push(if message.ends_with(TOO_OFTEN) {
                            Finding::warning(ID, at, cron.pos, message)
                        } else {
                            Finding::error(ID, at, cron.pos, message)
                        });
                    }
                }
                None => out.push(Finding::error(
                    ID,
                    path.index(i).key("cron"),
                    cron.pos,
                    format!(
                        "`cron` is {}: expected a string such as '30 5 * * 1-5'",
                        cron.kind()
                    ),
                )),
            },
            None => out.push(Finding::error(
                ID,
                path.index(i),
                item.pos,
                "a schedule entry is `cron: '...'`",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;
    use crate::workflow::rules::findings;

    #[test]
    fn cron_fields_and_interval() {
        assert_eq!(problem("30 5 * * 1-5"), None);
        assert_eq!(problem("*/5 * * * *"), None);
        assert_eq!(problem("0 0 1 JAN,jul SUN"), None);
        assert_eq!(problem("0,30 */2 * * *"), None);
        assert_eq!(problem("58 0,12 * * *"), None);
        assert_eq!(
            problem("* * * * *").unwrap(),
            "cron `* * * * *` asks to run every 1 minute: GitHub runs scheduled workflows at most every 5 minutes"
        );
        assert!(problem("*/2 * * * *").unwrap().contains("every 2 minutes"));
        assert!(problem("58,1 * * * *").unwrap().contains("every 3 minutes"));
        assert_eq!(
            problem("0 24 * * *").unwrap(),
            "cron `0 24 * * *`: hour 24 is out of range: expected 0-23"
        );
        assert_eq!(
            problem("0 0 * * MON-FRI 2024").unwrap(),
            "cron `0 0 * * MON-FRI 2024` has 6 fields: expected 5 (minute hour day-of-month month day-of-week)"
        );
        assert!(
            problem("0 0 * * 7")
                .unwrap()
                .contains("day of week 7 is out of range: expected 0-6")
        );
        assert!(
            problem("0 0 * JANUARY *")
                .unwrap()
                .contains("`JANUARY` is not a month")
        );
        assert!(problem("5-1 * * * *").unwrap().contains("runs backwards"));
        assert!(problem("*/0 * * * *").unwrap().contains("not a step"));
    }

    #[test]
    fn findings_at_the_cron_string() {
        let yaml = "on:\n  schedule:\n    - cron: '*/1 * * * *'\n    - cron: 0 0 * *\njobs: {}\n";
        assert_eq!(
            findings(super::check, yaml),
            [
                "3:13 on.schedule[0].cron: cron `*/1 * * * *` asks to run every 1 minute: GitHub runs scheduled workflows at most every 5 minutes",
                "4:13 on.schedule[1].cron: cron `0 0 * *` has 4 fields: expected 5 (minute hour day-of-month month day-of-week)",
            ]
        );
    }
}
