//! One redaction layer for every text that leaves Hatoba: log lines, error answers, deployment
//! records, commit-status descriptions. It removes the configured secrets by value (and as JSON
//! escapes them, for a PEM key inside a JSON answer), and whatever has the shape of a credential
//! even when it is not configured: AWS access key ids, GitHub tokens, `Authorization` values,
//! signatures, session tokens and private keys.

use std::borrow::Cow;

/// What a removed secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Removes secrets from text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redactor {
    /// Secret values (and their JSON-escaped forms), longest first.
    values: Vec<String>,
}

/// Secret values shorter than this are not matched by value (they would match ordinary words);
/// the shapes below still apply.
pub const MIN_SECRET_LEN: usize = 8;

/// Which bytes continue a credential after its prefix.
type Continues = fn(u8) -> bool;

/// Shapes of credentials: a prefix, and which bytes continue the secret after it.
const SHAPES: [(&str, Continues); 15] = [
    ("AKIA", upper_alnum),
    ("Credential=", upper_alnum),
    ("ASIA", upper_alnum),
    ("ghp_", word),
    ("gho_", word),
    ("ghu_", word),
    ("ghs_", word),
    ("ghr_", word),
    ("github_pat_", word),
    ("Bearer ", token),
    ("Basic ", token),
    ("sha256=", hex),
    ("Signature=", hex),
    ("X-Amz-Security-Token=", token),
    ("x-amz-security-token: ", token),
];

fn upper_alnum(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}
fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}
fn token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/=%".contains(&b)
}
fn hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

impl Redactor {
    /// A redactor for these secret values (empty and short ones are skipped).
    pub fn new<I, S>(secrets: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut values = Vec::new();
        for secret in secrets {
            let secret = secret.as_ref().trim();
            if secret.len() < MIN_SECRET_LEN {
                continue;
            }
            values.push(secret.to_owned());
            let escaped = serde_json::to_string(secret).expect("strings serialize");
            let escaped = &escaped[1..escaped.len() - 1];
            if escaped != secret {
                values.push(escaped.to_owned());
            }
            // A PEM key is also matched by each of its base64 lines.
            if secret.contains("-----BEGIN") {
                for line in secret.lines().chain(secret.split("\\n")) {
                    let line = line.trim();
                    if line.len() >= 16 && !line.starts_with("-----") {
                        values.push(line.to_owned());
                    }
                }
            }
        }
        // Longest first (a secret containing another is masked whole); equal values side by
        // side for dedup.
        crate::sort_short(&mut values, |a, b| (b.len(), a) < (a.len(), b));
        values.dedup();
        Self { values }
    }

    /// `text` with every secret replaced by [`REDACTED`]; borrowed when there was none.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = Cow::Owned(out.replace(value.as_str(), REDACTED));
            }
        }
        if let Some(cut) = redact_pem(&out) {
            out = Cow::Owned(cut);
        }
        for (prefix, continues) in SHAPES {
            if let Some(cut) = redact_shape(&out, prefix, continues) {
                out = Cow::Owned(cut);
            }
        }
        out
    }
}

/// Replaces what follows each `prefix` (at least 8 bytes of the secret's alphabet) by
/// [`REDACTED`], keeping the prefix so the reader knows what was there.
fn redact_shape(text: &str, prefix: &str, continues: Continues) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = text[from..].find(prefix) {
        let start = from + i + prefix.len();
        let len = bytes[start..].iter().take_while(|b| continues(**b)).count();
        from = start;
        if len >= 8 && !text[start..].starts_with(REDACTED) {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = start + len;
            from = copied;
        }
    }
    (copied > 0).then(|| {
        out.push_str(&text[copied..]);
        out
    })
}

/// Replaces each PEM block (`-----BEGIN ...-----` to `-----END ...-----`) by [`REDACTED`].
fn redact_pem(text: &str) -> Option<String> {
    let start = text.find("-----BEGIN")?;
    let end_marker = text[start..].find("-----END")? + start;
    let end = text[end_marker + 8..]
        .find("-----")
        .map_or(text.len(), |e| end_marker + 8 + e + 5);
    let rest = &text[end..];
    let tail = redact_pem(rest).unwrap_or_else(|| rest.to_owned());
    Some(format!("{}{REDACTED}{tail}", &text[..start]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_values_go_even_inside_other_text_and_json() {
        let r = Redactor::new(["fake-webhook-secret", "short", "line one\nline two"]);
        assert_eq!(
            r.redact("secret fake-webhook-secret, again fake-webhook-secret."),
            "secret [redacted], again [redacted]."
        );
        // Too short to match by value: left alone.
        assert_eq!(r.redact("a short word"), "a short word");
        // As a JSON answer carries it.
        assert_eq!(
            r.redact(r#"{"message":"line one\nline two"}"#),
            r#"{"message":"[redacted]"}"#
        );
        assert!(matches!(r.redact("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn credential_shapes_go_without_being_configured() {
        let r = Redactor::default();
        for (text, expected) in [
            ("key AKIAFAKEEXAMPLE used", "key AKIA[redacted] used"),
            ("ASIAFAKESESSION123", "ASIA[redacted]"),
            ("token ghs_fakefakefakefake1234", "token ghs_[redacted]"),
            ("github_pat_11FAKE_fakefakefake", "github_pat_[redacted]"),
            (
                "Authorization: Bearer fake-admin-token-123",
                "Authorization: Bearer [redacted]",
            ),
            (
                "X-Hub-Signature-256: sha256=0123456789abcdef0123456789abcdef",
                "X-Hub-Signature-256: sha256=[redacted]",
            ),
            (
                "Credential=AKIDFAKEEXAMPLE/20260101/us-east-1/ecs/aws4_request, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
                "Credential=[redacted]/20260101/us-east-1/ecs/aws4_request, Signature=[redacted]",
            ),
            (
                "a -----BEGIN RSA PRIVATE KEY-----\nMIIEfake\n-----END RSA PRIVATE KEY----- b",
                "a [redacted] b",
            ),
            // Too short to be a credential: words stay.
            ("AKIA is a prefix", "AKIA is a prefix"),
            ("Basic auth", "Basic auth"),
        ] {
            assert_eq!(r.redact(text), expected, "{text}");
        }
    }

    #[test]
    fn a_pem_key_is_found_by_its_lines_too() {
        let key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7fakefakefake\n-----END PRIVATE KEY-----";
        let r = Redactor::new([key]);
        assert_eq!(
            r.redact("decoding failed near BKcwggSjAgEAAoIBAQC7fakefakefake"),
            "decoding failed near [redacted]"
        );
    }

    #[test]
    fn a_value_given_twice_is_kept_once() {
        // Equal values of the same length as another are still side by side for dedup.
        let r = Redactor::new(["fake-secret-aaaa", "fake-secret-bbbb", "fake-secret-aaaa"]);
        assert_eq!(r.values.len(), 2);
        assert_eq!(
            r.redact("fake-secret-aaaa fake-secret-bbbb"),
            "[redacted] [redacted]"
        );
    }
}
