//! Completion and hover at the places people ask most, in the 89 KB task definition and the
//! 500-line workflow: median time per call. Prints one JSON line per place for scripts/bench:
//! `{"place": ..., "median_us": ..., "options": ...}`.

use std::time::Instant;

use hatoba_core::assist::{Language, complete, hover};

/// Times `ask` 101 times and prints its median.
fn time(place: &str, options: usize, ask: impl Fn()) {
    let rounds = 101;
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            ask();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    println!(
        "{{\"place\": \"{place}\", \"median_us\": {:.1}, \"options\": {options}}}",
        samples[rounds / 2]
    );
}

fn main() {
    let taskdef = include_str!("../../tests/fixtures/bench/taskdef-50-containers.json");
    let workflow = include_str!("../../tests/fixtures/bench/workflow-500-lines.yml");
    // A key being written in the last container (the whole text is read around it).
    let last = taskdef
        .rfind("\"essential\"")
        .expect("a container's essential");
    let taskdef = &format!("{}\"ulim\", {}", &taskdef[..last], &taskdef[last..]);
    let at = last + "\"ulim".len();
    let keys = complete(Language::TaskDefinition, taskdef, at)
        .options
        .len();
    assert_eq!(keys, 1, "ulimits completes in the last container");
    time("task definition, a key of the last container", keys, || {
        std::hint::black_box(complete(Language::TaskDefinition, taskdef, at));
    });
    time(
        "task definition, hover on a key of the last container",
        1,
        || {
            std::hint::black_box(hover(Language::TaskDefinition, taskdef, last + 2));
        },
    );
    // An expression in a step of a late job: the document is read for the job's step ids.
    let id = workflow.find("- id: test-18").expect("a step id");
    let next = id + workflow[id..].find("      - uses:").expect("a later step");
    let line = "      - run: echo ${{ steps.";
    let text = format!("{}{line}\n{}", &workflow[..next], &workflow[next..]);
    let end = next + line.len();
    let steps = complete(Language::Workflow, &text, end).options.len();
    assert_eq!(steps, 1, "the step before completes");
    time("workflow, `${{ steps.` in a late job", steps, || {
        std::hint::black_box(complete(Language::Workflow, &text, end));
    });
}
