//! The evidence bundle contract: verify, seal, refusal of bundles that do not verify.

use std::path::Path;

use auditpack::evidence::{self, Bundle};

use crate::util::*;

#[test]
fn demo_bundle_verifies() {
    let report = evidence::verify_dir(Path::new(DEMO)).unwrap();
    assert!(report.is_intact(), "{report}");
    assert!(report.intact_files >= 25, "demo bundle has {} files", report.intact_files);
    let out = run(&["verify", DEMO]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("intact"));
}

#[test]
fn one_changed_byte_in_any_file_fails_verify_naming_that_file() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let files = files_below(&bundle);
    assert!(files.len() > 20);
    for rel in files.iter().filter(|f| *f != "manifest.json") {
        let path = bundle.join(rel);
        let original = std::fs::read(&path).unwrap();
        let mut changed = original.clone();
        let at = changed.len() / 2;
        changed[at] ^= 0x01;
        std::fs::write(&path, &changed).unwrap();
        let report = evidence::verify_dir(&bundle).unwrap();
        assert_eq!(report.changed, vec![rel.clone()], "flipping a byte of {rel}");
        std::fs::write(&path, &original).unwrap();
    }
    assert!(evidence::verify_dir(&bundle).unwrap().is_intact());
}

#[test]
fn verify_cli_names_the_changed_file_and_report_refuses_the_bundle() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let target = format!("{ACCOUNT}/global/iam/get-account-password-policy.json");
    let text =
        std::fs::read_to_string(bundle.join(&target)).unwrap().replace("\"MinimumPasswordLength\": 8", "\"MinimumPasswordLength\": 9");
    std::fs::write(bundle.join(&target), text).unwrap();

    let out = run(&["verify", bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(&format!("changed:  {target}")), "{}", stdout(&out));

    let packet = dir.path().join("packet");
    let out = run(&["report", "--evidence", bundle.to_str().unwrap(), "--out", packet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not verify"), "{}", stderr(&out));
    assert!(stderr(&out).contains(&target), "{}", stderr(&out));
    assert!(!packet.join("results.json").exists(), "nothing is written from a bundle that does not verify");
}

#[test]
fn missing_and_unlisted_files_are_named() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let gone = format!("{ACCOUNT}/global/iam/list-virtual-mfa-devices.json");
    std::fs::remove_file(bundle.join(&gone)).unwrap();
    std::fs::write(bundle.join(format!("{ACCOUNT}/global/iam/extra.json")), "{}").unwrap();
    let report = evidence::verify_dir(&bundle).unwrap();
    assert_eq!(report.missing, vec![gone]);
    assert_eq!(report.unlisted, vec![format!("{ACCOUNT}/global/iam/extra.json")]);
    assert!(report.changed.is_empty());
}

#[test]
fn seal_keeps_gaps_and_collection_time_and_makes_the_bundle_verify() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    std::fs::write(bundle.join(format!("{ACCOUNT}/us-east-1/config/describe-delivery-channels.json")), "{\"DeliveryChannels\": []}\n")
        .unwrap();
    assert!(!evidence::verify_dir(&bundle).unwrap().is_intact());
    let before = Bundle::open(Path::new(DEMO)).unwrap().manifest;
    let after = evidence::seal_dir(&bundle, &Default::default()).unwrap().manifest;
    assert!(evidence::verify_dir(&bundle).unwrap().is_intact());
    assert_eq!(after.collected_at, before.collected_at);
    assert_eq!(after.gaps, before.gaps);
    assert_eq!(after.accounts, vec![ACCOUNT.to_string()]);
    assert_eq!(after.regions, vec!["eu-west-1".to_string(), "us-east-1".to_string()]);
}

#[test]
fn manifest_errors_name_file_and_line() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let manifest = bundle.join("manifest.json");
    let text =
        std::fs::read_to_string(&manifest).unwrap().replacen("\"schema_version\": 2,", "\"schema_version\": 2,\n  \"surprise\": true,", 1);
    std::fs::write(&manifest, text).unwrap();
    let err = evidence::verify_dir(&bundle).unwrap_err().to_string();
    assert!(err.contains("manifest.json:3:"), "{err}");
    assert!(err.contains("surprise"), "{err}");
    assert!(err.contains("fix:"), "{err}");
}

#[test]
fn manifest_paths_may_not_escape_the_bundle() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let manifest = bundle.join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap().replacen(&format!("\"path\": \"{ACCOUNT}/"), "\"path\": \"../", 1);
    std::fs::write(&manifest, text).unwrap();
    let err = evidence::verify_dir(&bundle).unwrap_err().to_string();
    assert!(err.contains("`..`"), "{err}");
}

#[test]
fn a_schema_1_manifest_is_still_read_with_the_collection_start_taken_as_its_end() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let path = bundle.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    m["schema_version"] = 1.into();
    let started = m.as_object_mut().unwrap().remove("collection_started_at").unwrap();
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let b = auditpack::evidence::Bundle::open(&bundle).expect("schema 1 is read");
    assert_eq!(b.manifest.collection_started_at, b.manifest.collected_at);
    // A schema 1 manifest cannot carry the schema 2 field.
    m["collection_started_at"] = started;
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let err = evidence::verify_dir(&bundle).unwrap_err().to_string();
    assert!(err.contains("collection_started_at is a schema 2 field"), "{err}");
    // Sealing writes schema 2.
    m["schema_version"] = 1.into();
    m.as_object_mut().unwrap().remove("collection_started_at");
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let sealed = evidence::seal_dir(&bundle, &Default::default()).unwrap().manifest;
    assert_eq!(sealed.schema_version, 2);
    assert_eq!(sealed.collection_started_at, sealed.collected_at);
}
