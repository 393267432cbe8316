//! Load and check a 50-container task definition: median time per check.
//! Prints one line of JSON (`{"median_us": ..., "min_us": ..., "iterations": ...}`) for scripts/bench.

mod common;

fn main() {
    common::median_check(
        include_str!("../../tests/fixtures/bench/taskdef-50-containers.json"),
        hatoba_core::taskdef::check,
    );
}
