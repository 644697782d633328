//! The command line: help texts with examples, exit codes.

use crate::util::*;

#[test]
fn every_subcommand_has_help_with_an_example() {
    for cmd in ["collect", "report", "verify", "controls", "checks", "demo", "seal", "attach", "keygen", "templates"] {
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

#[test]
fn a_framework_may_be_named_in_any_case_or_by_the_start_of_its_id_and_a_typo_gets_a_suggestion() {
    let dir = tempdir();
    let out = dir.path().join("packet");
    let o =
        run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--framework", "PCI,pci-dss-4.0,Hipaa", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let ids: Vec<&str> = results["frameworks"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["pci-dss-4.0", "hipaa"], "two names of one framework make one packet");
    let o = run(&["controls", "--framework", "PCI-DSS", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["id"], "pci-dss-4.0");
    let o = run(&["controls", "--framework", "gpdr"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `gdpr`?"), "{}", stderr(&o));
}

#[test]
fn regression_closed_stdout_pipe_ends_quietly_instead_of_panicking() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_auditpack"))
        .args(["controls"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, like `| head` does
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn regression_a_directory_without_manifest_is_named_with_the_fix() {
    let dir = tempdir();
    let out = run(&["verify", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("manifest.json: does not exist") && err.contains("fix:") && err.contains("auditpack seal"), "{err}");
    assert_eq!(err.matches("No such file").count(), 0, "no raw OS error repeated: {err}");
}

#[test]
fn regression_sealing_an_empty_directory_is_refused() {
    let dir = tempdir();
    let out = run(&["seal", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("holds no evidence files"), "{}", stderr(&out));
    assert!(!dir.path().join("manifest.json").exists());
}
