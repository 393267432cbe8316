//! AWS Signature Version 4 for requests signed in headers, step by step as AWS documents it:
//! canonical request, string to sign, signing key, signature.
//!
//! Everything is returned, not only the `Authorization` header, so that "the request signature
//! we calculated does not match" can be debugged by comparing our canonical request with the one
//! AWS prints (`hatoba aws sign`). The signing time is an input: nothing here reads a clock.

use std::borrow::Cow;
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::hex;
use crate::percent::{percent_decode_bytes, uri_encode, uri_encode_bytes};
pub use crate::time::AmzDate;
use crate::time::InvalidDate;

/// The algorithm name that starts the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The payload hash S3 accepts in place of a real one.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Headers never signed: proxies and clients may add or change them on the way (botocore and the
/// AWS SDKs leave out the same ones).
const UNSIGNED_HEADERS: [&str; 5] = [
    "authorization",
    "expect",
    "transfer-encoding",
    "user-agent",
    "x-amzn-trace-id",
];

/// Headers the signer sets itself.
const SIGNER_HEADERS: [&str; 4] = [
    "x-amz-date",
    "x-amz-content-sha256",
    "x-amz-security-token",
    "authorization",
];

/// AWS credentials. `Debug` never shows the secret or the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The access key id (`AKIA...`/`ASIA...`).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token of temporary credentials.
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// How the payload enters the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// Hash these bytes (what every JSON API and STS need).
    Bytes(&'a [u8]),
    /// `UNSIGNED-PAYLOAD` (S3 only).
    Unsigned,
}

/// The choices that differ between services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Remove `.`/`..` segments and empty segments from the path before encoding it (every
    /// service but S3).
    pub normalize_path: bool,
    /// Percent-encode the path as sent, so `%3D` on the wire signs as `%253D` (every service but
    /// S3, whose canonical path is the path as sent).
    pub double_encode_path: bool,
    /// Add and sign `x-amz-content-sha256` (S3 requires it).
    pub content_sha256_header: bool,
    /// Sign `x-amz-security-token`; when false it is added after signing (a few services want
    /// that; ECS, ECR, S3 and STS sign it).
    pub sign_session_token: bool,
}

impl Settings {
    /// ECS, ECR, STS and the other JSON/query services.
    pub const DEFAULT: Settings = Settings {
        normalize_path: true,
        double_encode_path: true,
        content_sha256_header: false,
        sign_session_token: true,
    };
    /// S3: path as sent, payload hash in `x-amz-content-sha256`.
    pub const S3: Settings = Settings {
        normalize_path: false,
        double_encode_path: false,
        content_sha256_header: true,
        sign_session_token: true,
    };
}

impl Default for Settings {
    fn default() -> Self {
        Settings::DEFAULT
    }
}

/// A request to sign, as the client will send it.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The path as sent (percent-encoded where needed), e.g. `/` or `/bucket/my%20key`.
    pub path: &'a str,
    /// The query string as sent, without `?` (empty for none).
    pub query: &'a str,
    /// The headers as sent, `Host` included. Names in any case; repeated names are allowed.
    pub headers: &'a [(String, String)],
    /// The body, or `UNSIGNED-PAYLOAD`.
    pub payload: Payload<'a>,
}

/// Who signs, for what, and when.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The credentials to sign with.
    pub credentials: &'a Credentials,
    /// The region, e.g. `eu-west-1`.
    pub region: &'a str,
    /// The signing name of the service: `ecs`, `ecr`, `s3`, `sts`.
    pub service: &'a str,
    /// The signing time; it becomes `X-Amz-Date`.
    pub time: AmzDate,
    /// What differs between services.
    pub settings: Settings,
}

/// Everything signing produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningOutput {
    /// Headers to add to the request, in this order: `X-Amz-Date`, then
    /// `x-amz-content-sha256` and `X-Amz-Security-Token` when used, then `Authorization`.
    pub headers: Vec<(String, String)>,
    /// The `Authorization` header's value.
    pub authorization: String,
    /// `X-Amz-Date`: `20150830T123600Z`.
    pub amz_date: String,
    /// The signed header names, `;`-separated: `host;x-amz-date`.
    pub signed_headers: String,
    /// The hex signature.
    pub signature: String,
    /// The payload hash that was signed (hex, or `UNSIGNED-PAYLOAD`).
    pub content_sha256: String,
    /// The canonical request (step 1).
    pub canonical_request: String,
    /// The string to sign (step 2).
    pub string_to_sign: String,
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningError {
    /// A date that is not `YYYYMMDDTHHMMSSZ`.
    InvalidDate(String),
    /// The request has no `Host` header.
    MissingHost,
    /// A header name or value that cannot be sent (control characters, empty name).
    InvalidHeader(String),
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningError::InvalidDate(d) => {
                write!(
                    f,
                    "invalid date {d:?}: expected YYYYMMDDTHHMMSSZ, e.g. 20150830T123600Z"
                )
            }
            SigningError::MissingHost => write!(f, "the request has no Host header"),
            SigningError::InvalidHeader(h) => write!(f, "invalid header {h:?}"),
        }
    }
}

impl std::error::Error for SigningError {}

impl From<InvalidDate> for SigningError {
    fn from(e: InvalidDate) -> Self {
        SigningError::InvalidDate(e.0)
    }
}

/// Signs `request`: returns the headers to add and every intermediate step.
pub fn sign(
    request: &SignableRequest<'_>,
    params: &SigningParams<'_>,
) -> Result<SigningOutput, SigningError> {
    let amz_date = params.time.amz_date();
    let content_sha256 = match request.payload {
        Payload::Bytes(body) => hex::encode(&Sha256::digest(body)),
        Payload::Unsigned => UNSIGNED_PAYLOAD.to_owned(),
    };

    let mut added: Vec<(String, String)> = vec![("X-Amz-Date".to_owned(), amz_date.clone())];
    if params.settings.content_sha256_header {
        added.push(("x-amz-content-sha256".to_owned(), content_sha256.clone()));
    }
    let token = params.credentials.session_token.as_ref();
    if let (Some(token), true) = (token, params.settings.sign_session_token) {
        added.push(("X-Amz-Security-Token".to_owned(), token.clone()));
    }

    // What the signer sets replaces what the request carried (a stale X-Amz-Date, say).
    let carried = request
        .headers
        .iter()
        .filter(|(name, _)| !SIGNER_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)));
    let headers = canonical_headers(carried.chain(added.iter()))?;
    if !headers.iter().any(|(name, _)| name == "host") {
        return Err(SigningError::MissingHost);
    }
    let mut signed_headers = String::with_capacity(headers.len() * 16);
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }
    let size = headers
        .iter()
        .map(|(n, v)| n.len() + v.len() + 2)
        .sum::<usize>()
        + request.path.len()
        + request.query.len()
        + signed_headers.len()
        + 96;
    let mut canonical_request = String::with_capacity(size);
    canonical_request.extend(request.method.chars().map(|c| c.to_ascii_uppercase()));
    canonical_request.push('\n');
    canonical_request.push_str(&canonical_path(request.path, params.settings));
    canonical_request.push('\n');
    canonical_request.push_str(&canonical_query(request.query));
    canonical_request.push('\n');
    for (name, value) in &headers {
        canonical_request.push_str(name);
        canonical_request.push(':');
        canonical_request.push_str(value);
        canonical_request.push('\n');
    }
    canonical_request.push('\n');
    canonical_request.push_str(&signed_headers);
    canonical_request.push('\n');
    canonical_request.push_str(&content_sha256);

    let date_stamp = params.time.date_stamp();
    let mut scope = String::with_capacity(date_stamp.len() + params.region.len() + 32);
    for part in [&date_stamp, params.region, params.service, "aws4_request"] {
        if !scope.is_empty() {
            scope.push('/');
        }
        scope.push_str(part);
    }
    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + scope.len() + 90);
    for part in [ALGORITHM, "\n", &amz_date, "\n", &scope, "\n"] {
        string_to_sign.push_str(part);
    }
    hex::encode_into(
        &mut string_to_sign,
        &Sha256::digest(canonical_request.as_bytes()),
    );
    let (_, mut mac) = cached_signing_key(
        &params.credentials.secret_access_key,
        &date_stamp,
        params.region,
        params.service,
    );
    mac.update(string_to_sign.as_bytes());
    let signature = hex::encode(&mac.finalize().into_bytes());
    let authorization = format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        params.credentials.access_key_id
    );

    if let (Some(token), false) = (token, params.settings.sign_session_token) {
        added.push(("X-Amz-Security-Token".to_owned(), token.clone()));
    }
    added.push(("Authorization".to_owned(), authorization.clone()));
    Ok(SigningOutput {
        headers: added,
        authorization,
        amz_date,
        signed_headers,
        signature,
        content_sha256,
        canonical_request,
        string_to_sign,
    })
}

/// A signing key already derived, for the secret, day, region and service it was derived for.
struct CachedKey {
    secret: String,
    date_stamp: String,
    region: String,
    service: String,
    key: [u8; 32],
    /// HMAC under `key` with its pads already hashed: two compressions fewer per signature.
    mac: Hmac<Sha256>,
}

/// How many derived keys are kept: a deploy signs for ECR, ECS, S3 and STS in one region.
const KEY_CACHE: usize = 8;

thread_local! {
    /// The signing keys derived last, newest first. Deriving one takes four HMACs, a third of a
    /// signature's time, and it changes once a day per secret, region and service.
    static KEYS: std::cell::RefCell<Vec<CachedKey>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// [`signing_key`], derived once per secret, day, region and service and then reused, with an
/// HMAC ready to sign under it.
fn cached_signing_key(
    secret: &str,
    date_stamp: &str,
    region: &str,
    service: &str,
) -> ([u8; 32], Hmac<Sha256>) {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        let found = keys.iter().position(|k| {
            k.date_stamp == date_stamp
                && k.service == service
                && k.region == region
                && k.secret == secret
        });
        match found {
            Some(0) => (keys[0].key, keys[0].mac.clone()),
            Some(i) => {
                let hit = keys.remove(i);
                let found = (hit.key, hit.mac.clone());
                keys.insert(0, hit);
                found
            }
            None => {
                let key = signing_key(secret, date_stamp, region, service);
                let mac =
                    Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes keys of any length");
                keys.truncate(KEY_CACHE - 1);
                keys.insert(
                    0,
                    CachedKey {
                        secret: secret.to_owned(),
                        date_stamp: date_stamp.to_owned(),
                        region: region.to_owned(),
                        service: service.to_owned(),
                        key,
                        mac: mac.clone(),
                    },
                );
                (key, mac)
            }
        }
    })
}

/// The key derived from the secret for one day, region and service (step 3).
pub fn signing_key(secret: &str, date_stamp: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date_stamp.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Lowercased names, sorted, repeated names joined with `,`, values trimmed with inner runs of
/// whitespace (line folds included) collapsed to one space.
/// A canonical header: its lowercase name and collapsed value, borrowed when already so.
type CanonicalHeader<'h> = (Cow<'h, str>, Cow<'h, str>);

fn canonical_headers<'h>(
    headers: impl Iterator<Item = &'h (String, String)>,
) -> Result<Vec<CanonicalHeader<'h>>, SigningError> {
    let mut out: Vec<CanonicalHeader<'h>> = Vec::with_capacity(8);
    for (name, value) in headers {
        let trimmed = name.trim();
        // Most names arrive lowercase already: borrowed, not copied.
        let name: Cow<'h, str> = if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(trimmed.to_ascii_lowercase())
        } else {
            Cow::Borrowed(trimmed)
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err(SigningError::InvalidHeader(name.into_owned()));
        }
        if UNSIGNED_HEADERS.contains(&name.as_ref()) {
            continue;
        }
        let value: Cow<'h, str> = if is_collapsed(value) {
            Cow::Borrowed(value.as_str())
        } else {
            let mut collapsed = String::with_capacity(value.len());
            for word in value.split_ascii_whitespace() {
                if !collapsed.is_empty() {
                    collapsed.push(' ');
                }
                collapsed.push_str(word);
            }
            Cow::Owned(collapsed)
        };
        if value.bytes().any(|b| b.is_ascii_control()) {
            return Err(SigningError::InvalidHeader(name.into_owned()));
        }
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => {
                let joined = existing.to_mut();
                joined.push(',');
                joined.push_str(&value);
            }
            None => out.push((name, value)),
        }
    }
    crate::sort_short(&mut out, |a, b| a.0 < b.0);
    Ok(out)
}

/// Whether a header value is already trimmed with single spaces between words (nothing to
/// collapse).
fn is_collapsed(value: &str) -> bool {
    let bytes = value.as_bytes();
    !bytes.first().is_some_and(u8::is_ascii_whitespace)
        && !bytes.last().is_some_and(u8::is_ascii_whitespace)
        && !bytes
            .windows(2)
            .any(|w| w[0].is_ascii_whitespace() && (w[1].is_ascii_whitespace() || w[0] != b' '))
        && !bytes.iter().any(|b| b.is_ascii_whitespace() && *b != b' ')
}

fn canonical_path(path: &str, settings: Settings) -> String {
    let path = if path.is_empty() { "/" } else { path };
    let normalized;
    let path = if settings.normalize_path {
        normalized = remove_dot_segments(path);
        normalized.as_str()
    } else {
        path
    };
    if settings.double_encode_path {
        uri_encode(path, false)
    } else {
        path.to_owned()
    }
}

/// RFC 3986 dot-segment removal as the AWS SDKs do it: empty segments go too (`//a//` → `/a/`).
fn remove_dot_segments(path: &str) -> String {
    if path == "/" {
        return path.to_owned();
    }
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let mut result = String::with_capacity(path.len());
    if path.starts_with('/') {
        result.push('/');
    }
    result.push_str(&out.join("/"));
    if path.ends_with('/') && !out.is_empty() {
        result.push('/');
    }
    result
}

/// Pairs sorted by encoded name then value; each name and value decoded, then encoded the AWS
/// way, so a query sent encoded or not signs the same.
fn canonical_query(query: &str) -> String {
    if query.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode_bytes(&percent_decode_bytes(name), true),
                uri_encode_bytes(&percent_decode_bytes(value), true),
            )
        })
        .collect();
    crate::sort_short(&mut pairs, |a, b| a < b);
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: token.map(Into::into),
        }
    }

    #[test]
    fn a_bad_date_reads_the_same_as_a_signing_error() {
        let err = AmzDate::parse("20150230T000000Z").unwrap_err();
        let signing = SigningError::from(err.clone());
        assert_eq!(
            signing,
            SigningError::InvalidDate("20150230T000000Z".to_owned())
        );
        assert_eq!(signing.to_string(), err.to_string());
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let shown = format!("{:?}", creds(Some("FAKE-SESSION-TOKEN")));
        assert!(shown.contains("AKIDEXAMPLE"));
        assert!(!shown.contains("EXAMPLEKEY"), "{shown}");
        assert!(!shown.contains("FAKE-SESSION-TOKEN"), "{shown}");
    }

    fn sign_simple(
        headers: &[(String, String)],
        settings: Settings,
    ) -> Result<SigningOutput, SigningError> {
        let credentials = creds(Some("FAKE-SESSION-TOKEN"));
        sign(
            &SignableRequest {
                method: "GET",
                path: "/my bucket/a+b=c",
                query: "",
                headers,
                payload: Payload::Unsigned,
            },
            &SigningParams {
                credentials: &credentials,
                region: "eu-west-1",
                service: "s3",
                time: AmzDate::from_unix_seconds(1_440_938_160),
                settings,
            },
        )
    }

    #[test]
    fn a_request_without_host_is_refused() {
        assert_eq!(
            sign_simple(&[], Settings::S3),
            Err(SigningError::MissingHost)
        );
    }

    #[test]
    fn s3_signs_the_payload_header_and_the_session_token() {
        let host = [("Host".to_owned(), "b.s3.eu-west-1.amazonaws.com".to_owned())];
        let out = sign_simple(&host, Settings::S3).unwrap();
        assert_eq!(
            out.signed_headers,
            "host;x-amz-content-sha256;x-amz-date;x-amz-security-token"
        );
        assert_eq!(out.content_sha256, UNSIGNED_PAYLOAD);
        // S3's canonical path is the path as given.
        assert!(out.canonical_request.starts_with("GET\n/my bucket/a+b=c\n"));
        let names: Vec<&str> = out.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "X-Amz-Date",
                "x-amz-content-sha256",
                "X-Amz-Security-Token",
                "Authorization"
            ]
        );
    }

    #[test]
    fn user_agent_and_stale_signer_headers_are_not_signed() {
        let headers = [
            ("Host".to_owned(), "ecs.eu-west-1.amazonaws.com".to_owned()),
            ("User-Agent".to_owned(), "hatoba".to_owned()),
            ("X-Amz-Date".to_owned(), "19990101T000000Z".to_owned()),
        ];
        let out = sign_simple(&headers, Settings::DEFAULT).unwrap();
        assert_eq!(out.signed_headers, "host;x-amz-date;x-amz-security-token");
        assert!(
            out.canonical_request
                .contains("x-amz-date:20150830T123600Z\n")
        );
        assert!(!out.canonical_request.contains("1999"));
    }

    #[test]
    fn cached_keys_are_the_derived_ones_for_each_secret_day_region_and_service() {
        let combos = [
            ("secret-a", "20261127", "eu-west-1", "ecs"),
            ("secret-a", "20261128", "eu-west-1", "ecs"),
            ("secret-a", "20261127", "us-east-1", "ecs"),
            ("secret-a", "20261127", "eu-west-1", "ecr"),
            ("secret-b", "20261127", "eu-west-1", "ecs"),
        ];
        // Twice round, more combinations than the cache holds: every key is still right.
        for _ in 0..2 {
            for round in 0..3 {
                for (i, (secret, day, region, service)) in combos.iter().enumerate() {
                    let expected = signing_key(secret, day, region, service);
                    let (key, mut mac) = cached_signing_key(secret, day, region, service);
                    assert_eq!(key, expected, "round {round}, combination {i}");
                    mac.update(b"string to sign");
                    let signed: [u8; 32] = mac.finalize().into_bytes().into();
                    assert_eq!(signed, hmac(&expected, b"string to sign"));
                }
            }
        }
        for n in 0..(KEY_CACHE + 3) {
            let region = format!("region-{n}");
            assert_eq!(
                cached_signing_key("s", "20261127", &region, "ecs").0,
                signing_key("s", "20261127", &region, "ecs")
            );
        }
        KEYS.with(|k| assert!(k.borrow().len() <= KEY_CACHE));
    }

    #[test]
    fn a_query_signs_the_same_encoded_or_not() {
        // A query is decoded before it is encoded, so both spellings sign the same.
        assert_eq!(canonical_query("b=2&a=%41&a=1"), "a=1&a=A&b=2");
        assert_eq!(canonical_query("k&x=%FF"), "k=&x=%FF");
    }
}
