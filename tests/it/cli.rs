//! The command line: help texts with examples, exit codes.

use crate::util::*;

#[test]
fn every_subcommand_has_help_with_an_example() {
    for cmd in ["report", "verify", "controls", "checks", "demo", "seal", "templates"] {
        let out = run(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{cmd} --help");
        let text = stdout(&out);
        assert!(text.contains("Example"), "{cmd} --help has no example:\n{text}");
        assert!(text.contains("auditpack "), "{cmd} --help example does not show the command");
    }
    let top = stdout(&run(&["--help"]));
    assert!(top.contains("Exit codes"), "{top}");
}

#[test]
fn checks_command_lists_the_registry() {
    let out = run(&["checks", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), auditpack::checks::registry().len());
    assert!(v[0]["evidence"].as_array().is_some_and(|e| !e.is_empty()));
}

#[test]
fn unknown_framework_is_an_error_that_lists_the_known_ones() {
    let dir = tempdir();
    let out = run(&["report", "--evidence", DEMO, "--out", dir.path().to_str().unwrap(), "--framework", "sox"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("gdpr, hipaa, pci-dss-4.0"), "{}", stderr(&out));
}
