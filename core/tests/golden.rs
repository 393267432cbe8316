//! Golden tests, for task definitions (`tests/fixtures/taskdef`) and workflows
//! (`tests/fixtures/workflow`): every `ok/*` file must produce no finding at all, and every
//! `err/NAME.*` exactly the findings in `err/NAME.out` (`LINE:COL: severity: message
//! [rule]`). `HATOBA_BLESS=1 cargo test --test golden` rewrites the `.out` files after a
//! deliberate change; review the diff.

use std::fs;
use std::path::{Path, PathBuf};

type Checker = fn(&str) -> Vec<hatoba_core::finding::Finding>;

fn fixtures(kind: &str) -> Vec<PathBuf> {
    fixtures_of("taskdef", kind)
}

fn fixtures_of(domain: &str, kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(domain)
        .join(kind);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
        })
        .collect();
    files.sort();
    files
}

fn findings(file: &Path, checker: Checker) -> String {
    let text = fs::read_to_string(file).unwrap();
    checker(&text).iter().map(|f| format!("{f}\n")).collect()
}

fn ok_fixtures_are_silent(domain: &str, checker: Checker) {
    let files = fixtures_of(domain, "ok");
    assert!(!files.is_empty());
    for file in files {
        assert_eq!(
            findings(&file, checker),
            "",
            "{} should have no findings",
            file.display()
        );
    }
}

fn err_fixtures_give_exactly_their_expected_findings(domain: &str, checker: Checker) {
    let bless = std::env::var_os("HATOBA_BLESS").is_some();
    let files = fixtures_of(domain, "err");
    assert!(files.len() >= 3);
    let mut failures = Vec::new();
    for file in files {
        let actual = findings(&file, checker);
        let expected_file = file.with_extension("out");
        if bless {
            fs::write(&expected_file, &actual).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_file).unwrap_or_default();
        assert!(!actual.is_empty(), "{} found nothing", file.display());
        if actual != expected {
            failures.push(format!(
                "{}\n--- expected\n{expected}--- actual\n{actual}",
                file.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn taskdef_ok_fixtures_are_silent() {
    ok_fixtures_are_silent("taskdef", hatoba_core::taskdef::check);
}

#[test]
fn taskdef_err_fixtures_give_exactly_their_expected_findings() {
    err_fixtures_give_exactly_their_expected_findings("taskdef", hatoba_core::taskdef::check);
}

#[test]
fn workflow_ok_fixtures_are_silent() {
    ok_fixtures_are_silent("workflow", hatoba_core::workflow::check);
}

#[test]
fn workflow_err_fixtures_give_exactly_their_expected_findings() {
    err_fixtures_give_exactly_their_expected_findings("workflow", hatoba_core::workflow::check);
}

/// Load → save → load gives the same document, for every fixture that loads: nothing is lost,
/// unknown fields included (they are reported, never dropped), and key order is kept.
#[test]
fn every_fixture_round_trips_without_loss() {
    let mut checked = 0;
    for file in fixtures("ok").into_iter().chain(fixtures("err")) {
        let text = fs::read_to_string(&file).unwrap();
        let Some(first) = hatoba_core::taskdef::load(&text).document else {
            continue;
        };
        let first = first.to_json();
        let saved = serde_json::to_string_pretty(&first).unwrap();
        let second = hatoba_core::taskdef::load(&saved)
            .document
            .expect("saved JSON loads")
            .to_json();
        assert_eq!(first, second, "{}", file.display());
        let keys =
            |v: &serde_json::Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
        assert_eq!(keys(&first), keys(&second), "{}: key order", file.display());
        checked += 1;
    }
    assert!(checked >= 14, "{checked}");
    // The misspelled keys of unknown-keys.json are reported and still there.
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/taskdef/err/unknown-keys.json"),
    )
    .unwrap();
    let doc = hatoba_core::taskdef::load(&text)
        .document
        .unwrap()
        .to_json();
    assert!(doc.get("containerDefinition").is_some());
    assert!(doc["containerDefinitions"][0].get("enviroment").is_some());
}
