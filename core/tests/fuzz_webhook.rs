//! Fuzzing the webhook route: [`receive`] (size, secret, signature, content type, event parsing,
//! routing) and [`parse_event`] on deliveries mutated from a corpus of every published GitHub
//! example payload (`@octokit/webhooks-examples`, all events) and the regressions kept in
//! `tests/fixtures/fuzz/webhook/`.
//!
//! Each execution mutates a body (bit flips, inserted, deleted and repeated bytes, splices of
//! two payloads, JSON values swapped for hostile ones: huge numbers, deep nesting, long and odd
//! strings, wrong types) and its headers (event names, signatures right for the mutated body or
//! forged, content types, delivery ids), then checks that nothing panics and that every answer
//! keeps the route's promises: a deploy only for a verified JSON body, only to a configured
//! target, only of a commit sha; every refusal says why. A crash is written to
//! `target/fuzz/webhook-crash-*.json` to be kept as a regression.
//!
//! `cargo test` runs 10,000 executions from a fixed seed; `scripts/fuzz` runs it for longer
//! (`HATOBA_FUZZ_EXECUTIONS`, `HATOBA_FUZZ_SEED`) in release mode.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use hatoba_core::deploy::{Delivery, Reception, Target, parse_targets, receive};
use hatoba_core::github::events::parse_event;
use hatoba_core::github::webhook::sign;
use serde_json::{Value, json};

const SECRET: &str = "fake-webhook-secret-for-fuzzing";
const LIMIT: usize = 64 * 1024;
const EVENTS: [&str; 9] = [
    "push",
    "workflow_run",
    "deployment",
    "ping",
    "star",
    "",
    "PUSH",
    "push\u{0}",
    "deployment_status",
];

/// xorshift64*: small, seeded, the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// (event, body) of every published example, and every kept regression.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let path = root().join("node_modules/@octokit/webhooks-examples/api.github.com/index.json");
    let index: Value = serde_json::from_slice(
        &std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e}: run scripts/setup node", path.display())),
    )
    .unwrap();
    let mut out = Vec::new();
    for event in index.as_array().unwrap() {
        let name = event["name"].as_str().unwrap();
        for example in event["examples"].as_array().unwrap() {
            out.push((name.to_owned(), serde_json::to_vec(example).unwrap()));
        }
    }
    for (_, case) in regressions() {
        out.push((case.event.clone(), case.body.clone()));
    }
    out
}

/// Targets for the repositories the examples name, so mutated payloads reach routing.
fn targets() -> Vec<Target> {
    let mut list = Vec::new();
    for (i, repo) in [
        "Codertocat/Hello-World",
        "octo-org/octo-repo",
        "baxterandthehackers/public-repo",
    ]
    .iter()
    .enumerate()
    {
        for (kind, trigger) in [
            ("push", json!({"branch": "main"})),
            ("push2", json!({"branch": "master"})),
            ("run", json!({"workflow": "CI"})),
            ("env", json!({"environment": "production"})),
        ] {
            let mut t = json!({"name": format!("t{i}-{kind}"), "repository": repo, "region": "eu-west-1",
                "cluster": "c", "service": "s", "container": "web", "ecrRepository": "web",
                "taskDefinition": "current"});
            for (k, v) in trigger.as_object().unwrap() {
                t[k] = v.clone();
            }
            list.push(t);
        }
    }
    parse_targets(&Value::Array(list)).unwrap()
}

const HOSTILE: [&str; 14] = [
    "null",
    "true",
    "-0",
    "1e999",
    "18446744073709551616",
    "-9223372036854775809",
    "\"\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "[]",
    "{}",
    "\"0000000000000000000000000000000000000000\"",
    "\"../../../etc/passwd\"",
    "\"refs/heads/main\"",
];

/// One mutation of `body`.
fn mutate(rng: &mut Rng, body: &mut Vec<u8>, other: &[u8]) {
    match rng.below(9) {
        0 if !body.is_empty() => {
            let i = rng.below(body.len());
            body[i] ^= 1 << rng.below(8);
        }
        1 => {
            let i = rng.below(body.len() + 1);
            body.insert(i, rng.next() as u8);
        }
        2 if !body.is_empty() => {
            let i = rng.below(body.len());
            let n = rng.below(16).min(body.len() - i);
            body.drain(i..i + n);
        }
        3 if !body.is_empty() => {
            // Repeat a slice: long strings, repeated keys.
            let i = rng.below(body.len());
            let n = rng.below(64).min(body.len() - i);
            let slice = body[i..i + n].to_vec();
            let times = 1 + rng.below(8);
            for _ in 0..times {
                body.splice(i..i, slice.iter().copied());
            }
        }
        4 => {
            // Splice: the head of this payload, the tail of another.
            let i = rng.below(body.len() + 1);
            let j = rng.below(other.len() + 1);
            body.truncate(i);
            body.extend_from_slice(&other[j..]);
        }
        5 => {
            // A value after a colon swapped for a hostile one.
            let colons: Vec<usize> = body
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b':')
                .map(|(i, _)| i)
                .collect();
            if let Some(&at) = colons.get(rng.below(colons.len())) {
                let end = body[at + 1..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']'))
                    .map_or(body.len(), |p| at + 1 + p);
                let value = HOSTILE[rng.below(HOSTILE.len())].as_bytes();
                body.splice(at + 1..end, value.iter().copied());
            }
        }
        6 => {
            // Deep nesting.
            let depth = 1 + rng.below(400);
            let i = rng.below(body.len() + 1);
            let nested: Vec<u8> = std::iter::repeat_n(b'[', depth)
                .chain(std::iter::repeat_n(b']', depth))
                .collect();
            body.splice(i..i, nested);
        }
        7 => body.truncate(rng.below(body.len() + 1)),
        _ => {
            // A field the route reads set to a hostile value, on a parsed copy.
            if let Ok(mut v) = serde_json::from_slice::<Value>(body) {
                let field = [
                    "/after",
                    "/ref",
                    "/deleted",
                    "/repository/full_name",
                    "/workflow_run/head_sha",
                    "/workflow_run/conclusion",
                    "/workflow_run/path",
                    "/deployment/sha",
                    "/deployment/environment",
                    "/head_commit/timestamp",
                    "/action",
                ][rng.below(11)];
                if let Some(slot) = v.pointer_mut(field) {
                    *slot = serde_json::from_str(HOSTILE[rng.below(HOSTILE.len())])
                        .unwrap_or(Value::Null);
                    *body = serde_json::to_vec(&v).unwrap();
                }
            }
        }
    }
}

/// A delivery's headers, as a kept case and a mutated one carry them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Case {
    /// What the case once broke (kept cases only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    why: Option<String>,
    /// The status it must be answered with now (kept cases only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expect: Option<u16>,
    event: String,
    /// `valid` (signed right for the body), `missing`, or the header as sent.
    signature: String,
    content_type: Option<String>,
    delivery: Option<String>,
    #[serde(with = "body_text")]
    body: Vec<u8>,
}

mod body_text {
    //! Bodies kept as text when they are UTF-8, else as a list of bytes.
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(body: &[u8], s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(body) {
            Ok(text) => text.serialize(s),
            Err(_) => body.serialize(s),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Body {
        Text(String),
        Bytes(Vec<u8>),
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        Ok(match Body::deserialize(d)? {
            Body::Text(t) => t.into_bytes(),
            Body::Bytes(b) => b,
        })
    }
}

fn regressions() -> Vec<(PathBuf, Case)> {
    let dir = root().join("tests/fixtures/fuzz/webhook");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let case: Case = serde_json::from_slice(&std::fs::read(&path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((path, case));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Runs one case and checks the route's promises; the panic message says which broke.
fn execute(case: &Case, targets: &[Target]) -> Reception {
    let signature = match case.signature.as_str() {
        "valid" => Some(sign(SECRET.as_bytes(), &case.body)),
        "missing" => None,
        other => Some(other.to_owned()),
    };
    let reception = receive(
        &Delivery {
            signature: signature.as_deref(),
            event: Some(&case.event),
            delivery: case.delivery.as_deref(),
            content_type: case.content_type.as_deref(),
            body: &case.body,
        },
        Some(SECRET),
        LIMIT,
        || Some(targets.to_vec()),
    );
    // The event parser alone, on the same bytes.
    let _ = parse_event(&case.event, &case.body);
    let verified = case.signature == "valid";
    match &reception {
        Reception::Deploy { requests, keys } => {
            assert!(verified, "a deploy from an unverified delivery");
            assert!(case.body.len() <= LIMIT);
            assert!(!requests.is_empty());
            for r in requests {
                assert!(
                    targets.iter().any(|t| t.name == r.target),
                    "unknown target {}",
                    r.target
                );
                assert!(
                    matches!(r.sha.len(), 40 | 64) && r.sha.bytes().all(|b| b.is_ascii_hexdigit()),
                    "deploy of {:?}, not a commit sha",
                    r.sha
                );
            }
            assert!(
                keys.last()
                    .is_some_and(|k| k.starts_with("body ") && k.len() == 5 + 64)
            );
        }
        Reception::CheckAction(action) => {
            assert!(verified, "a check run action from an unverified delivery");
            assert!(
                targets.iter().any(|t| t.name == action.target),
                "unknown target {}",
                action.target
            );
        }
        Reception::Review { target, request } => {
            assert!(verified, "a review from an unverified delivery");
            assert!(
                targets.iter().any(|t| t.name == *target),
                "unknown target {target}"
            );
            assert!(
                matches!(request.head_sha.len(), 40 | 64),
                "review of {:?}, not a commit sha",
                request.head_sha
            );
        }
        Reception::Ping | Reception::Ignored(_) | Reception::BadPayload(_) => {
            assert!(verified, "{reception:?} from an unverified delivery");
        }
        Reception::Unauthorized(why) | Reception::UnsupportedMediaType(why) => {
            assert!(!why.is_empty())
        }
        Reception::TooLarge { .. } => assert!(case.body.len() > LIMIT),
        Reception::NoSecret | Reception::NotConfigured => {
            panic!("{reception:?} with a secret and targets configured")
        }
    }
    if let Reception::Ignored(why) | Reception::BadPayload(why) = &reception {
        assert!(!why.is_empty(), "a refusal that does not say why");
    }
    reception
}

fn mutated_case(rng: &mut Rng, corpus: &[(String, Vec<u8>)]) -> Case {
    let (event, body) = &corpus[rng.below(corpus.len())];
    let other = &corpus[rng.below(corpus.len())].1;
    let mut body = body.clone();
    for _ in 0..1 + rng.below(4) {
        mutate(rng, &mut body, other);
    }
    let event = if rng.chance(85) {
        event.clone()
    } else {
        EVENTS[rng.below(EVENTS.len())].to_owned()
    };
    let signature = if rng.chance(80) {
        "valid".to_owned()
    } else {
        [
            "missing",
            "sha256=",
            "sha256=zz",
            "sha1=0000000000000000000000000000000000000000",
            " sha256=0000000000000000000000000000000000000000000000000000000000000000 ",
            "sha256=ÿÿ",
        ][rng.below(6)]
        .to_owned()
    };
    let content_type = match rng.below(6) {
        0 => None,
        1 => Some("application/x-www-form-urlencoded".to_owned()),
        2 => Some("APPLICATION/JSON; charset=utf-8".to_owned()),
        3 => Some(";".to_owned()),
        _ => Some("application/json".to_owned()),
    };
    let delivery = match rng.below(4) {
        0 => None,
        1 => Some("x".repeat(rng.below(5000))),
        _ => Some(format!("{:032x}", rng.next())),
    };
    Case {
        why: None,
        expect: None,
        event,
        signature,
        content_type,
        delivery,
        body,
    }
}

#[test]
fn kept_regressions_still_pass() {
    let targets = targets();
    let cases = regressions();
    assert!(
        !cases.is_empty(),
        "tests/fixtures/fuzz/webhook holds no case"
    );
    for (path, case) in cases {
        let outcome = catch_unwind(AssertUnwindSafe(|| execute(&case, &targets)));
        let Ok(reception) = outcome else {
            panic!("{} broke the route again", path.display());
        };
        if let Some(status) = case.expect {
            assert_eq!(
                reception.status(),
                status,
                "{}: {reception:?}",
                path.display()
            );
        }
    }
}

#[test]
fn mutated_deliveries_never_panic_and_keep_the_routes_promises() {
    let executions: u64 = std::env::var("HATOBA_FUZZ_EXECUTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let seed: u64 = std::env::var("HATOBA_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x4841_544F_4241);
    let corpus = corpus();
    let targets = targets();
    let mut rng = Rng(seed | 1);
    let mut seen = std::collections::BTreeMap::<&'static str, u64>::new();
    let started = std::time::Instant::now();
    for n in 0..executions {
        let case = mutated_case(&mut rng, &corpus);
        let outcome = catch_unwind(AssertUnwindSafe(|| execute(&case, &targets)));
        match outcome {
            Ok(r) => {
                *seen
                    .entry(match r {
                        Reception::Deploy { .. } => "deploy",
                        Reception::Review { .. } => "review",
                        Reception::CheckAction(_) => "check action",
                        Reception::Ping => "ping",
                        Reception::Ignored(_) => "ignored",
                        Reception::BadPayload(_) => "bad payload",
                        Reception::Unauthorized(_) => "unauthorized",
                        Reception::UnsupportedMediaType(_) => "unsupported media type",
                        Reception::TooLarge { .. } => "too large",
                        Reception::NoSecret | Reception::NotConfigured => "not configured",
                    })
                    .or_default() += 1;
            }
            Err(_) => {
                let dir = root().join("target/fuzz");
                std::fs::create_dir_all(&dir).unwrap();
                let path = dir.join(format!("webhook-crash-{seed}-{n}.json"));
                std::fs::write(&path, serde_json::to_vec_pretty(&case).unwrap()).unwrap();
                panic!(
                    "execution {n} (seed {seed}) broke the route: kept in {}; move it to tests/fixtures/fuzz/webhook/ once fixed",
                    path.display()
                );
            }
        }
    }
    let elapsed = started.elapsed();
    println!(
        "{executions} executions in {elapsed:.1?} ({:.0}/s), corpus {} payloads, seed {seed}: {seen:?}",
        executions as f64 / elapsed.as_secs_f64(),
        corpus.len()
    );
    // The mutations reach every answer, deploys included: the fuzzing goes past the signature.
    for answer in [
        "deploy",
        "ignored",
        "bad payload",
        "unauthorized",
        "unsupported media type",
    ] {
        assert!(
            seen.get(answer).copied().unwrap_or(0) > 0,
            "no {answer} in {seen:?}"
        );
    }
}
