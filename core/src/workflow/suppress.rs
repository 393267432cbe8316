//! `# hatoba-ignore: RULE[, RULE]` in a workflow: on a finding's line, or alone on the line above
//! it, the comment silences those rules there. A rule id Hatoba does not have is a warning of its
//! own, so a typo does not silence nothing quietly.

use crate::finding::{Finding, did_you_mean};
use crate::source::Pos;

use super::rules;

/// The comment's marker.
const MARKER: &str = "hatoba-ignore:";

/// One rule id a comment names, and where.
struct Named<'t> {
    id: &'t str,
    line: u32,
    column: u32,
}

/// Drops from `findings` those a `# hatoba-ignore` comment of `text` silences, and adds a warning
/// for each rule id a comment names that is not a rule.
pub fn apply(text: &str, findings: &mut Vec<Finding>) {
    if !text.contains(MARKER) {
        return;
    }
    let named = comments(text);
    findings.retain(|f| {
        !named
            .iter()
            .any(|n| n.id == f.rule && (f.pos.line == n.line || f.pos.line == n.line + 1))
    });
    let ids = rules::ids();
    for n in &named {
        if ids.contains(&n.id) {
            continue;
        }
        let hint = did_you_mean(n.id, ids.iter().copied())
            .map(|s| format!(": did you mean `{s}`?"))
            .unwrap_or_default();
        findings.push(Finding::warning(
            rules::SUPPRESSION,
            "",
            Pos {
                line: n.line,
                column: n.column,
            },
            format!(
                "`{}` is not a rule of Hatoba's, so this hatoba-ignore silences nothing{hint}",
                n.id
            ),
        ));
    }
}

/// The rule ids of every `# hatoba-ignore:` comment: a `#` that starts its line or follows a
/// blank, then the marker.
fn comments(text: &str) -> Vec<Named<'_>> {
    let mut named = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        let before = line[..at].trim_end();
        let Some(hash) = before.strip_suffix('#') else {
            continue;
        };
        if !(hash.is_empty() || hash.ends_with(char::is_whitespace)) {
            continue;
        }
        let mut byte = at + MARKER.len();
        for part in line[byte..].split(',') {
            let id = part.trim();
            if !id.is_empty() {
                let lead = part.len() - part.trim_start().len();
                named.push(Named {
                    id,
                    line: index as u32 + 1,
                    column: line[..byte + lead].chars().count() as u32 + 1,
                });
            }
            byte += part.len() + 1;
        }
    }
    named
}

#[cfg(test)]
mod tests {
    use crate::workflow::check;

    const RETIRED: &str = "on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v2
";

    fn rules_of(text: &str) -> Vec<(u32, &'static str)> {
        check(text).iter().map(|f| (f.pos.line, f.rule)).collect()
    }

    #[test]
    fn the_workflow_has_its_finding_unsilenced() {
        assert_eq!(rules_of(RETIRED), [(6, "outdated-action")]);
    }

    #[test]
    fn a_comment_on_the_line_silences_the_rule_there() {
        let text = RETIRED.replace("@v2\n", "@v2  # hatoba-ignore: outdated-action\n");
        assert_eq!(rules_of(&text), []);
    }

    #[test]
    fn a_comment_on_the_line_above_silences_the_rule_on_the_next_line_only() {
        let text = RETIRED.replace(
            "      - uses",
            "      # hatoba-ignore: runner-label, outdated-action\n      - uses",
        );
        assert_eq!(rules_of(&text), []);
        let two_above = RETIRED.replace(
            "    steps:",
            "    # hatoba-ignore: outdated-action\n    steps:",
        );
        assert_eq!(rules_of(&two_above), [(7, "outdated-action")]);
    }

    #[test]
    fn another_rule_is_not_silenced() {
        let text = RETIRED.replace("@v2\n", "@v2 # hatoba-ignore: runner-label\n");
        assert_eq!(rules_of(&text), [(6, "outdated-action")]);
    }

    #[test]
    fn an_unknown_rule_is_a_warning_naming_it() {
        let text = RETIRED.replace(
            "@v2\n",
            "@v2 # hatoba-ignore: outdated-actoin, no-such-rule\n",
        );
        let findings = check(&text);
        let names: Vec<_> = findings
            .iter()
            .map(|f| (f.rule, f.pos.column, f.message.as_str()))
            .collect();
        assert_eq!(findings.len(), 3, "{names:?}");
        assert_eq!(findings[0].rule, "outdated-action");
        assert_eq!(
            (findings[1].rule, findings[1].pos.column),
            ("hatoba-ignore", 52)
        );
        assert!(
            findings[1]
                .message
                .contains("did you mean `outdated-action`?"),
            "{names:?}"
        );
        assert_eq!(
            (findings[2].rule, findings[2].pos.column),
            ("hatoba-ignore", 69)
        );
        assert!(
            findings[2].message.contains("`no-such-rule` is not a rule"),
            "{names:?}"
        );
    }

    #[test]
    fn a_marker_that_is_not_a_comment_is_not_one() {
        let named = super::comments("a: x#hatoba-ignore: syntax\nb: 1 # hatoba-ignore: syntax\n");
        assert_eq!(
            named.iter().map(|n| (n.line, n.column)).collect::<Vec<_>>(),
            [(2, 23)]
        );
    }
}
