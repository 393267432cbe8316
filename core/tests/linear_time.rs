//! The checks cost time linear in their input: each shape of input that once took time
//! quadratic in its size is checked at N and at 4N (doubled twice), and the larger may take at
//! most 10 times as long (linear is 4, quadratic 16; the margin is for caches, which hold the
//! small input and not the large). The two sizes are timed in turn, five times each, and the
//! best of each compared, so a busy machine slows both sides alike rather than failing the test.

use std::time::{Duration, Instant};

fn time(text: &str, check: fn(&str) -> usize) -> Duration {
    let start = Instant::now();
    std::hint::black_box(check(std::hint::black_box(text)));
    start.elapsed()
}

fn assert_linear(shape: &str, make: fn(usize) -> String, check: fn(&str) -> usize, n: usize) {
    let small = make(n);
    let large = make(4 * n);
    // Same findings per expression at both sizes: the work is the same kind.
    assert_eq!(check(&large), 4 * check(&small), "{shape}");
    let (mut a, mut b) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        a = a.min(time(&small, check));
        b = b.min(time(&large, check));
    }
    let ratio = b.as_secs_f64() / a.as_secs_f64();
    println!("{shape}: {n} → {a:?}, {} → {b:?}, ratio {ratio:.2}", 4 * n);
    assert!(
        ratio < 10.0,
        "{shape}: four times the input took {ratio:.2} times as long ({a:?} → {b:?})"
    );
}

fn workflow_findings(text: &str) -> usize {
    hatoba_core::workflow::check(text).len()
}

fn one_run_line(expression: &str, n: usize) -> String {
    let line: Vec<&str> = std::iter::repeat_n(expression, n).collect();
    format!(
        "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo {}\n",
        line.join(" ")
    )
}

#[test]
fn many_expressions_on_one_run_line() {
    // A wrong step output on each: one finding per expression, each placed on the line.
    assert_linear(
        "${{ steps.x.outputs.y }} × N on one line",
        |n| one_run_line("${{ steps.x.outputs.y }}", n),
        workflow_findings,
        5_000,
    );
}

#[test]
fn many_untrusted_expressions_on_one_run_line() {
    assert_linear(
        "${{ github.event.issue.title }} × N on one line",
        |n| one_run_line("${{ github.event.issue.title }}", n),
        workflow_findings,
        5_000,
    );
}

#[test]
fn many_lines_of_expressions_in_one_script() {
    assert_linear(
        "N script lines with two expressions",
        |n| {
            let lines: Vec<&str> = std::iter::repeat_n(
                "          echo ${{ github.event.issue.title }} ${{ steps.x.outputs.y }}",
                n,
            )
            .collect();
            format!(
                "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n{}\n",
                lines.join("\n")
            )
        },
        workflow_findings,
        2_500,
    );
}
