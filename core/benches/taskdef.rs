//! Load and check a 50-container task definition: median time per check.
//! Prints one line of JSON (`{"median_us": ..., "iterations": ...}`) for scripts/bench.

use std::time::Instant;

fn main() {
    let text = include_str!("../../tests/fixtures/bench/taskdef-50-containers.json");
    assert!(
        hatoba_core::taskdef::check(text).is_empty(),
        "the benchmark input is clean"
    );
    let rounds = 101;
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(hatoba_core::taskdef::check(std::hint::black_box(text)));
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    println!(
        "{{\"median_us\": {:.1}, \"iterations\": {rounds}}}",
        samples[rounds / 2]
    );
}
