//! Parse and check a 500-line workflow: median time per check.
//! Prints one line of JSON (`{"median_us": ..., "min_us": ..., "iterations": ...}`) for scripts/bench.

mod common;

fn main() {
    common::median_check(
        include_str!("../../tests/fixtures/bench/workflow-500-lines.yml"),
        hatoba_core::workflow::check,
    );
}
