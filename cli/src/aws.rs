//! `hatoba aws ...`: tools for talking to AWS by hand.

use std::io::{self, BufRead, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use hatoba_core::aws::sigv4::{
    AmzDate, Credentials, Payload, Settings, SignableRequest, SigningParams, sign,
};
use hatoba_core::aws::url::SplitUrl;
use serde::Deserialize;
use serde_json::json;

/// One request to sign, as a line of JSON.
#[derive(Debug, Deserialize)]
struct SignInput {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: String,
    region: String,
    service: String,
    access_key: String,
    secret_key: String,
    #[serde(default)]
    session_token: Option<String>,
    #[serde(default)]
    amz_date: Option<String>,
    #[serde(default)]
    unsigned_payload: bool,
}

/// Reads JSON lines from `input`, writes one JSON line of signing output (or of error) per
/// input line to `output`. Returns how many lines failed.
pub fn sign_lines(input: impl BufRead, mut output: impl Write) -> io::Result<usize> {
    let mut failed = 0;
    for (index, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let result = serde_json::from_str::<SignInput>(&line)
            .map_err(|e| format!("line {}: {e}", index + 1))
            .and_then(|input| sign_one(&input).map_err(|e| format!("line {}: {e}", index + 1)));
        let value = result.unwrap_or_else(|message| {
            failed += 1;
            json!({ "error": message })
        });
        writeln!(output, "{value}")?;
    }
    Ok(failed)
}

fn sign_one(input: &SignInput) -> Result<serde_json::Value, String> {
    let url = SplitUrl::parse(&input.url).map_err(|e| e.to_string())?;
    let time = match &input.amz_date {
        Some(text) => AmzDate::parse(text).map_err(|e| format!("amz_date: {e}"))?,
        None => AmzDate::from_unix_seconds(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_err(|e| e.to_string())?
                .as_secs() as i64,
        ),
    };
    let is_s3 = input.service == "s3";
    if input.unsigned_payload && !is_s3 {
        return Err("unsigned_payload: only S3 accepts UNSIGNED-PAYLOAD".into());
    }
    let mut headers = input.headers.clone();
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        headers.push(("host".to_owned(), url.host_header().to_owned()));
    }
    let credentials = Credentials {
        access_key_id: input.access_key.clone(),
        secret_access_key: input.secret_key.clone(),
        session_token: input.session_token.clone(),
    };
    let out = sign(
        &SignableRequest {
            method: &input.method,
            path: url.path,
            query: url.query,
            headers: &headers,
            payload: if input.unsigned_payload {
                Payload::Unsigned
            } else {
                Payload::Bytes(input.body.as_bytes())
            },
        },
        &SigningParams {
            credentials: &credentials,
            region: &input.region,
            service: &input.service,
            time,
            settings: if is_s3 {
                Settings::S3
            } else {
                Settings::DEFAULT
            },
        },
    )
    .map_err(|e| e.to_string())?;
    let mut value = json!({
        "authorization": out.authorization,
        "x_amz_date": out.amz_date,
        "signed_headers": out.signed_headers,
        "signature": out.signature,
        "canonical_request": out.canonical_request,
        "string_to_sign": out.string_to_sign,
    });
    if is_s3 {
        value["x_amz_content_sha256"] = json!(out.content_sha256);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str) -> (usize, Vec<serde_json::Value>) {
        let mut out = Vec::new();
        let failed = sign_lines(input.as_bytes(), &mut out).unwrap();
        let lines = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (failed, lines)
    }

    #[test]
    fn signs_the_suite_get_vanilla_case() {
        // AWS's test suite, get-vanilla: the signature is the one in its header-signature.txt.
        let (failed, out) = run(
            r#"{"method":"GET","url":"https://example.amazonaws.com/","region":"us-east-1","service":"service","access_key":"AKIDEXAMPLE","secret_key":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY","amz_date":"20150830T123600Z"}"#,
        );
        assert_eq!(failed, 0);
        assert_eq!(
            out[0]["signature"],
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
        assert_eq!(out[0]["signed_headers"], "host;x-amz-date");
        assert!(out[0].get("x_amz_content_sha256").is_none());
    }

    #[test]
    fn s3_adds_the_payload_hash() {
        let (_, out) = run(
            r#"{"method":"GET","url":"https://b.s3.amazonaws.com/k","region":"us-east-1","service":"s3","access_key":"AKIDEXAMPLE","secret_key":"x","amz_date":"20150830T123600Z","unsigned_payload":true}"#,
        );
        assert_eq!(out[0]["x_amz_content_sha256"], "UNSIGNED-PAYLOAD");
    }

    #[test]
    fn bad_lines_get_an_error_line_naming_the_line_and_the_rest_go_on() {
        let input = "not json\n\n{\"method\":\"GET\",\"url\":\"ftp://x\",\"region\":\"r\",\"service\":\"s\",\"access_key\":\"a\",\"secret_key\":\"b\"}\n";
        let (failed, out) = run(input);
        assert_eq!(failed, 2);
        assert!(
            out[0]["error"]
                .as_str()
                .unwrap()
                .starts_with("line 1: expected")
        );
        assert!(
            out[1]["error"]
                .as_str()
                .unwrap()
                .starts_with("line 3: invalid URL \"ftp://x\"")
        );
    }
}
