//! The worker's own work on a push webhook, natively: verify the signature, route the event to
//! its target, admit it to the target's ledger (100 deployments and 1,000 deliveries already
//! kept) and serialize what is stored. Prints one line of JSON (`{"median_ns", "iterations"}`).

use std::time::Instant;

use hatoba_core::deploy::{
    Admission, DeployRequest, Ledger, Routing, Trigger, parse_targets, route,
};
use hatoba_core::github::webhook::{sign, verify_signature};

fn main() {
    let body = include_bytes!("../../tests/fixtures/bench/push.json");
    let secret = b"fake-bench-webhook-secret";
    let header = sign(secret, body);
    let targets = parse_targets(&serde_json::json!([{"name": "stg", "repository": "octo/shop", "branch": "main",
        "region": "eu-west-1", "cluster": "stg", "service": "web", "container": "web", "ecrRepository": "web",
        "taskDefinition": ".aws/task-definition.json"}]))
    .unwrap();
    let mut full = Ledger::default();
    for n in 0..1000u64 {
        full.deliveries.push(format!("delivery {n:032x}"));
    }
    for n in 0..100u64 {
        let request = DeployRequest {
            target: "stg".into(),
            sha: format!("{n:040x}"),
            trigger: Trigger::Manual { by: "api".into() },
            commit_time: None,
            task_definition_arn: None,
            pushed_at: None,
        };
        full.admit(&request, &[], n);
    }
    let rounds = 101;
    let per_round = 50;
    let mut samples = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let start = Instant::now();
        for i in 0..per_round {
            verify_signature(secret, body, Some(&header)).unwrap();
            let Routing::Deploy(requests) = route("push", body, Some("d"), &targets).unwrap()
            else {
                panic!("the push routes");
            };
            let mut ledger = full.clone();
            let keys = [format!("delivery {round}-{i}")];
            let Admission::Accepted { deployment, .. } = ledger.admit(&requests[0], &keys, 1)
            else {
                panic!("admitted");
            };
            std::hint::black_box(serde_json::to_string(&ledger).unwrap());
            std::hint::black_box(serde_json::to_string(&deployment).unwrap());
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
