//! Every `v4` case of AWS's signing test suite (tests/fixtures/aws-sigv4-test-suite): canonical
//! request, string to sign, signature and signed headers must match AWS's files byte for byte.

use std::fs;
use std::path::{Path, PathBuf};

use hatoba_core::aws::sigv4::{
    AmzDate, Credentials, Payload, Settings, SignableRequest, SigningParams, sign,
};
use serde_json::Value;

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/aws-sigv4-test-suite/v4")
}

struct RawRequest {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Parses the suite's `request.txt`: a request line whose target may hold raw spaces, headers
/// with folded continuation lines, a blank line, the body.
fn parse_request(text: &str) -> RawRequest {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().expect("a request line");
    let (method, rest) = request_line.split_once(' ').unwrap();
    let (target, _version) = rest.rsplit_once(' ').unwrap();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with(' ') || line.starts_with('\t') {
            let last = headers.last_mut().expect("a header before a folded line");
            last.1.push('\n');
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("Name:value");
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    RawRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

fn read(case: &Path, file: &str) -> Option<String> {
    fs::read_to_string(case.join(file)).ok()
}

struct Context {
    credentials: Credentials,
    region: String,
    service: String,
    time: AmzDate,
    settings: Settings,
}

fn context(case: &Path) -> Context {
    let Some(text) = read(case, "context.json") else {
        // The two cases the aws-sigv4 crate added have no context: it signs them at this time,
        // for the service their Host names.
        let region = if case.ends_with("double-url-encode") {
            "us-east-2"
        } else {
            "us-east-1"
        };
        let service = if case.ends_with("double-url-encode") {
            "lambda"
        } else {
            "service"
        };
        return Context {
            credentials: Credentials {
                access_key_id: "ANOTREAL".into(),
                secret_access_key: "notrealrnrELgWzOk3IfjzDKtFBhDby".into(),
                session_token: None,
            },
            region: region.into(),
            service: service.into(),
            time: AmzDate::parse("20210511T154045Z").unwrap(),
            settings: Settings::DEFAULT,
        };
    };
    let v: Value = serde_json::from_str(&text).unwrap();
    let timestamp = v["timestamp"].as_str().unwrap(); // 2015-08-30T12:36:00Z
    let compact: String = timestamp
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .collect();
    Context {
        credentials: Credentials {
            access_key_id: v["credentials"]["access_key_id"].as_str().unwrap().into(),
            secret_access_key: v["credentials"]["secret_access_key"]
                .as_str()
                .unwrap()
                .into(),
            session_token: v["credentials"]["token"].as_str().map(Into::into),
        },
        region: v["region"].as_str().unwrap().into(),
        service: v["service"].as_str().unwrap().into(),
        time: AmzDate::parse(&compact).unwrap(),
        settings: Settings {
            normalize_path: v["normalize"].as_bool().unwrap(),
            double_encode_path: true,
            content_sha256_header: v["sign_body"].as_bool().unwrap_or(false),
            sign_session_token: !v["omit_session_token"].as_bool().unwrap_or(false),
        },
    }
}

/// Header lines of a signed request, names lowercased, sorted: the suite's files and our
/// output may order them differently.
fn header_set(headers: &[(String, String)]) -> Vec<(String, String)> {
    let mut set: Vec<_> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    set.sort();
    set
}

/// Compares with an expectation file; a final newline in the file is not part of the value
/// (one of the crate's additions ends with one, AWS's own files do not).
fn check(what: &str, expected: Option<String>, actual: &str) -> Result<(), String> {
    match expected {
        Some(expected) if expected.strip_suffix('\n').unwrap_or(&expected) != actual => Err(
            format!("{what} differs\n--- expected\n{expected}\n--- actual\n{actual}"),
        ),
        _ => Ok(()),
    }
}

fn run_case(case: &Path) -> Result<(), String> {
    let raw = parse_request(&read(case, "request.txt").unwrap());
    let ctx = context(case);
    let request = SignableRequest {
        method: &raw.method,
        path: &raw.path,
        query: &raw.query,
        headers: &raw.headers,
        payload: Payload::Bytes(&raw.body),
    };
    let params = SigningParams {
        credentials: &ctx.credentials,
        region: &ctx.region,
        service: &ctx.service,
        time: ctx.time,
        settings: ctx.settings,
    };
    let out = sign(&request, &params).map_err(|e| e.to_string())?;
    check(
        "canonical request",
        read(case, "header-canonical-request.txt"),
        &out.canonical_request,
    )?;
    check(
        "string to sign",
        read(case, "header-string-to-sign.txt"),
        &out.string_to_sign,
    )?;
    check(
        "signature",
        read(case, "header-signature.txt"),
        &out.signature,
    )?;
    if read(case, "context.json").is_some() {
        let expected = parse_request(&read(case, "header-signed-request.txt").unwrap());
        let mut actual = raw.headers.clone();
        actual.extend(out.headers.iter().cloned());
        if header_set(&expected.headers) != header_set(&actual) {
            return Err(format!(
                "signed headers differ\n--- expected\n{:?}\n--- actual\n{:?}",
                header_set(&expected.headers),
                header_set(&actual)
            ));
        }
    }
    Ok(())
}

#[test]
fn every_v4_case_of_the_aws_signing_test_suite() {
    let mut cases: Vec<PathBuf> = fs::read_dir(suite_dir())
        .expect("the suite folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 40, "the suite has 40 v4 cases");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            run_case(case)
                .err()
                .map(|e| format!("{}: {e}", case.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
