//! Nothing panics on input: every fixture, cut short at many places and with single characters
//! swapped for YAML/JSON/expression punctuation, goes through both checkers. A panic fails the
//! test with the mutated input; findings themselves are not judged here.

use std::path::Path;

/// A small deterministic generator (a linear congruential one): the same mutations every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

const SUBSTITUTES: [&str; 16] = [
    "{", "}", "[", "]", ":", "'", "\"", "$", "${{", "}}", "\n", "-", " ", "\t", "\\", "é",
];

fn fixtures() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut texts = Vec::new();
    for dir in ["taskdef/ok", "taskdef/err", "workflow/ok", "workflow/err"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("fixture directory") {
            let path = entry.expect("entry").path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            ) {
                texts.push(std::fs::read_to_string(&path).expect("fixture text"));
            }
        }
    }
    texts
}

fn mutations(text: &str, rng: &mut Lcg) -> Vec<String> {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let mut out = Vec::new();
    for _ in 0..80 {
        let cut = boundaries[rng.next(boundaries.len())];
        out.push(text[..cut].to_owned());
        let at = boundaries[rng.next(boundaries.len() - 1)];
        let end = boundaries
            .iter()
            .copied()
            .find(|&b| b > at)
            .unwrap_or(text.len());
        let with = SUBSTITUTES[rng.next(SUBSTITUTES.len())];
        out.push(format!("{}{with}{}", &text[..at], &text[end..]));
    }
    out
}

#[test]
fn mutated_fixtures_never_panic_either_checker() {
    let mut rng = Lcg(0x6861_746f_6261);
    let mut checked = 0;
    for text in fixtures() {
        for mutated in mutations(&text, &mut rng) {
            for check in [hatoba_core::taskdef::check, hatoba_core::workflow::check] {
                let result = std::panic::catch_unwind(|| check(&mutated));
                assert!(result.is_ok(), "a checker panicked on:\n{mutated}");
                checked += 1;
            }
        }
    }
    assert!(checked > 2000, "only {checked} checks ran");
}
