//! What the check benchmarks share: time a clean input's check, print the median.

use std::time::Instant;

/// Checks `text` 101 times with `check` (which must find nothing in it) and prints
/// `{"median_us": ..., "min_us": ..., "iterations": 101}` for scripts/bench.
pub fn median_check(text: &str, check: fn(&str) -> Vec<hatoba_core::finding::Finding>) {
    assert!(check(text).is_empty(), "the benchmark input is clean");
    let rounds = 101;
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(check(std::hint::black_box(text)));
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    println!(
        "{{\"median_us\": {:.1}, \"min_us\": {:.1}, \"iterations\": {rounds}}}",
        samples[rounds / 2],
        samples[0]
    );
}
