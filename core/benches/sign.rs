//! Signing an ECS RegisterTaskDefinition request: median time per signature.
//! Prints one line of JSON (`{"median_ns": ..., "iterations": ...}`) for scripts/bench.

use std::time::Instant;

use hatoba_core::aws::sigv4::{
    AmzDate, Credentials, Payload, Settings, SignableRequest, SigningParams, sign,
};

fn main() {
    let body = include_bytes!("../../tests/fixtures/bench/register-task-definition.json");
    let headers = vec![
        ("host".to_owned(), "ecs.eu-west-1.amazonaws.com".to_owned()),
        (
            "content-type".to_owned(),
            "application/x-amz-json-1.1".to_owned(),
        ),
        (
            "x-amz-target".to_owned(),
            "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition".to_owned(),
        ),
    ];
    let credentials = Credentials {
        access_key_id: "AKIDFAKEBENCH".into(),
        secret_access_key: "fake-bench-secret".into(),
        session_token: Some("FAKE-SESSION-TOKEN".into()),
    };
    let request = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        payload: Payload::Bytes(body),
    };
    let params = SigningParams {
        credentials: &credentials,
        region: "eu-west-1",
        service: "ecs",
        time: AmzDate::parse("20261127T080000Z").unwrap(),
        settings: Settings::DEFAULT,
    };
    // HATOBA_BENCH_ROUNDS shortens the run (for profilers).
    let rounds = std::env::var("HATOBA_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(101);
    let per_round = 200;
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..per_round {
            std::hint::black_box(sign(std::hint::black_box(&request), &params).unwrap());
        }
        samples.push(start.elapsed().as_nanos() as f64 / per_round as f64);
    }
    samples.sort_by(f64::total_cmp);
    println!(
        "{{\"median_ns\": {:.0}, \"iterations\": {}}}",
        samples[rounds / 2],
        rounds * per_round
    );
}
