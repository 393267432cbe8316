//! Parse and check a 500-line workflow: median time per check.
//! Prints one line of JSON (`{"median_us": ..., "iterations": ...}`) for scripts/bench.

use std::time::Instant;

fn main() {
    let text = include_str!("../../tests/fixtures/bench/workflow-500-lines.yml");
    assert!(
        hatoba_core::workflow::check(text).is_empty(),
        "the benchmark input is clean"
    );
    let rounds = 101;
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(hatoba_core::workflow::check(std::hint::black_box(text)));
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    println!(
        "{{\"median_us\": {:.1}, \"iterations\": {rounds}}}",
        samples[rounds / 2]
    );
}
