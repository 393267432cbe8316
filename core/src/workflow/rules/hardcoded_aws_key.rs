//! `hardcoded-aws-key`: an AWS access key id (`AKIA…`/`ASIA…`) or a literal
//! `aws-secret-access-key` in a workflow file: anyone who can read the repository can use it.
//! Use OIDC (`role-to-assume`) or a secret.

use crate::finding::Finding;
use crate::source::{self, Value};
use crate::workflow::Workflow;

pub(crate) const ID: &str = "hardcoded-aws-key";

/// Whether `text` holds an access key id: AKIA or ASIA and 16 more capitals or digits.
fn has_access_key_id(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(20).any(|w| {
        (w.starts_with(b"AKIA") || w.starts_with(b"ASIA"))
            && w[4..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    })
}

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    source::walk(wf.root, &mut |path, node| {
        let Value::String(text) = &node.value else {
            return;
        };
        if path.last_key() == Some("aws-secret-access-key") && !text.trim_start().starts_with("${{")
        {
            out.push(Finding::error(
                ID,
                path,
                node.pos,
                "aws-secret-access-key is written in the workflow: remove it, rotate the key, and use role-to-assume (OIDC) or ${{ secrets.NAME }}",
            ));
        } else if has_access_key_id(text) {
            out.push(Finding::error(
                ID,
                path,
                node.pos,
                "an AWS access key id is written in the workflow: remove it, rotate the key, and use role-to-assume (OIDC) or a secret",
            ));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::has_access_key_id;
    use crate::workflow::rules::findings;

    // Built at run time so no key-shaped text sits in the source.
    fn fake_key() -> String {
        ["AKIA", "IOSFODNN7EXAMPLE"].concat()
    }

    #[test]
    fn key_ids_and_literal_secrets() {
        assert!(has_access_key_id(&format!("id={}", fake_key())));
        assert!(!has_access_key_id("AKIAshort"));
        let yaml = format!(
            "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          aws-access-key-id: {}\n          aws-secret-access-key: fake/secret\n          aws-region: eu-west-1\n",
            fake_key()
        );
        let found = findings(super::check, &yaml);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0]
                .starts_with("8:30 jobs.a.steps[0].with.aws-access-key-id: an AWS access key id")
        );
        assert!(found[1].starts_with(
            "9:34 jobs.a.steps[0].with.aws-secret-access-key: aws-secret-access-key is written"
        ));
        let from_secrets = yaml
            .replace(&fake_key(), "${{ secrets.AWS_ACCESS_KEY_ID }}")
            .replace("fake/secret", "${{ secrets.AWS_SECRET_ACCESS_KEY }}");
        assert!(findings(super::check, &from_secrets).is_empty());
    }
}
