//! Runs the built `hatoba` binary as a user would.

use std::process::Command;

fn hatoba(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hatoba"))
        .args(args)
        .output()
        .expect("the hatoba binary runs")
}

#[test]
fn version_flag_prints_the_crate_version() {
    let out = hatoba(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("hatoba {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_describes_the_tool() {
    let out = hatoba(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Push-to-deploy for Amazon ECS"), "{text}");
    assert!(text.contains("Usage: hatoba"), "{text}");
}

#[test]
fn unknown_subcommand_is_a_usage_error_with_exit_code_2() {
    let out = hatoba(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("unrecognized subcommand 'frobnicate'"),
        "{err}"
    );
}
