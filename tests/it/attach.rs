//! `auditpack attach`: manual evidence copied into a bundle, hashed with it and held by verify
//! and seal; every refusal leaves the bundle as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use auditpack::evidence::{self, sha256_hex, Bundle, Manifest};

use crate::util::*;

const CONTROL: &str = "164.308(a)(5)(i)";
const PLACE: &str = "manual/hipaa/164%2E308%28a%29%285%29%28i%29";
/// 2026-12-03T09:00:00Z: after the demo's collection, so attached_at is fixed in every run.
const EPOCH: &str = "1796288400";

/// Run auditpack with SOURCE_DATE_EPOCH set, so `attached_at` is known.
fn run_at(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_auditpack")).args(args).env("SOURCE_DATE_EPOCH", EPOCH).output().expect("run auditpack")
}

/// `attach BUNDLE --framework hipaa --control CONTROL --by … FILE…`, with `extra` flags.
fn attach(bundle: &Path, control: &str, extra: &[&str], files: &[&Path]) -> Output {
    let mut args = vec!["attach", bundle.to_str().unwrap(), "--framework", "hipaa", "--control", control, "--by", "J. Doe, Security"];
    args.extend_from_slice(extra);
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    run_at(&args)
}

/// Two files outside the bundle, to attach.
fn sources(dir: &Path) -> (PathBuf, PathBuf) {
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let pdf = inbox.join("training-programme-2026.pdf");
    let csv = inbox.join("completion-records_Q4.csv");
    std::fs::write(&pdf, b"%PDF-1.7\nsecurity awareness programme 2026\n").unwrap();
    std::fs::write(&csv, "user,completed\nalice,2026-10-04\nbob,2026-11-20\n").unwrap();
    (pdf, csv)
}

/// Every file of a directory with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_below(dir).into_iter().map(|rel| (rel.clone(), std::fs::read(dir.join(&rel)).unwrap())).collect()
}

fn manifest(bundle: &Path) -> Manifest {
    let path = bundle.join("manifest.json");
    Manifest::parse(&std::fs::read(&path).unwrap(), &path).unwrap()
}

/// A demo bundle with the two files attached to CONTROL.
fn attached(dir: &Path) -> PathBuf {
    let bundle = demo_copy(dir);
    let (pdf, csv) = sources(dir);
    let out = attach(&bundle, CONTROL, &["--note", "Programme and Q4 completion records"], &[&pdf, &csv]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    bundle
}

#[test]
fn two_files_attached_to_a_manual_control_are_listed_described_and_verified() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let before = manifest(&bundle);
    let (pdf, csv) = sources(dir.path());
    let out = attach(&bundle, CONTROL, &["--note", "Programme and Q4 completion records"], &[&pdf, &csv]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let pdf_rel = format!("{PLACE}/training-programme-2026.pdf");
    let csv_rel = format!("{PLACE}/completion-records_Q4.csv");
    for (from, rel) in [(&pdf, &pdf_rel), (&csv, &csv_rel)] {
        assert_eq!(std::fs::read(bundle.join(rel)).unwrap(), std::fs::read(from).unwrap(), "{rel} is a copy of {}", from.display());
    }
    let after = manifest(&bundle);
    let manifest_sha256 = sha256_hex(&std::fs::read(bundle.join("manifest.json")).unwrap());
    let text = stdout(&out);
    for rel in [&pdf_rel, &csv_rel] {
        let sha = &after.files.iter().find(|f| &f.path == rel).unwrap_or_else(|| panic!("{rel} is listed in files")).sha256;
        assert!(text.contains(&format!("attached          {sha}  {rel}")), "{text}");
    }
    assert!(text.contains(&format!("manifest.json sha256 {manifest_sha256}")), "{text}");
    assert!(text.contains("the manifest hash changed") && text.contains("--expect"), "{text}");

    // Only `files` and `manual` gain entries; every earlier entry, time and record stays as it was.
    let old: Vec<_> = after.files.iter().filter(|f| !f.path.starts_with("manual/")).cloned().collect();
    assert_eq!(old, before.files, "every previously listed file entry is unchanged");
    assert_eq!(after.files.len(), before.files.len() + 2);
    let mut sorted = after.files.clone();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(after.files, sorted, "files stay in path order");
    assert_eq!(
        (&after.tool, after.collection_started_at, after.collected_at, &after.accounts, &after.regions, &after.gaps, &after.absent),
        (&before.tool, before.collection_started_at, before.collected_at, &before.accounts, &before.regions, &before.gaps, &before.absent)
    );
    let paths: Vec<&str> = after.manual.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, vec![csv_rel.as_str(), pdf_rel.as_str()], "manual entries in (framework, control, path) order");
    for a in &after.manual {
        let f = after.files.iter().find(|f| f.path == a.path).unwrap();
        assert_eq!((&a.sha256, a.bytes), (&f.sha256, f.bytes), "{}", a.path);
        assert_eq!((a.framework.as_str(), a.control.as_str(), a.attached_by.as_str()), ("hipaa", CONTROL, "J. Doe, Security"));
        assert_eq!(auditpack::report::rfc3339(a.attached_at), "2026-12-03T09:00:00Z");
        assert_eq!(a.note.as_deref(), Some("Programme and Q4 completion records"));
    }
    // The demo's own files are byte-identical.
    for (rel, bytes) in snapshot(Path::new(DEMO)).into_iter().filter(|(rel, _)| rel != "manifest.json") {
        assert_eq!(std::fs::read(bundle.join(&rel)).unwrap(), bytes, "{rel}");
    }

    let out = run(&["verify", bundle.to_str().unwrap(), "--expect", &manifest_sha256]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains(&format!("intact ({} files match", before.files.len() + 2)), "{}", stdout(&out));
    let opened = Bundle::open(&bundle).expect("a bundle with attachments opens");
    assert_eq!(opened.manifest.manual, after.manual);
    assert_eq!(opened.manifest_sha256, manifest_sha256);
    assert!(opened.unreadable().is_empty(), "attached files are not read as AWS documents: {:?}", opened.unreadable());
}

#[test]
fn a_changed_missing_or_unlisted_file_below_manual_fails_verify_naming_it() {
    let dir = tempdir();
    let bundle = attached(dir.path());
    let rel = format!("{PLACE}/training-programme-2026.pdf");
    let path = bundle.join(&rel);
    let original = std::fs::read(&path).unwrap();

    let mut changed = original.clone();
    changed[3] ^= 0x01;
    std::fs::write(&path, &changed).unwrap();
    let out = run(&["verify", bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(&format!("changed:  {rel}")), "{}", stdout(&out));
    assert!(Bundle::open(&bundle).unwrap_err().to_string().contains(&rel), "report refuses it too");

    std::fs::remove_file(&path).unwrap();
    let out = run(&["verify", bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(&format!("missing:  {rel}")), "{}", stdout(&out));

    std::fs::write(&path, &original).unwrap();
    let extra = format!("{PLACE}/slipped-in.txt");
    std::fs::write(bundle.join(&extra), "not attached").unwrap();
    let out = run(&["verify", bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(&format!("unlisted: {extra}")), "{}", stdout(&out));
    std::fs::remove_file(bundle.join(&extra)).unwrap();
    assert!(evidence::verify_dir(&bundle).unwrap().is_intact());
}

#[test]
fn manual_entries_that_contradict_files_or_their_place_are_inconsistent() {
    let dir = tempdir();
    let bundle = attached(dir.path());
    let path = bundle.join("manifest.json");
    let original: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let rel = format!("{PLACE}/completion-records_Q4.csv");
    let inconsistent = |edit: &dyn Fn(&mut serde_json::Value), needle: &str| {
        let mut m = original.clone();
        edit(&mut m);
        std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
        let report = evidence::verify_dir(&bundle).unwrap();
        assert!(report.inconsistent.iter().any(|p| p.contains(&rel) && p.contains(needle)), "{needle}: {report}");
    };
    inconsistent(&|m| m["manual"][0]["sha256"] = "0".repeat(64).into(), "another sha256 or size");
    inconsistent(&|m| m["manual"][0]["bytes"] = 1.into(), "another sha256 or size");
    inconsistent(
        &|m| {
            let first = m["manual"][0].clone();
            m["manual"].as_array_mut().unwrap().push(first);
        },
        "listed twice in manual",
    );
    inconsistent(&|m| drop(m["manual"].as_array_mut().unwrap().remove(0)), "no manual entry describes it");
    inconsistent(
        &|m| m["manual"][0]["control"] = "164.308(a)(5)(ii)(A)".into(),
        "is not in manual/hipaa/164%2E308%28a%29%285%29%28ii%29%28A%29/",
    );
    inconsistent(&|m| m["manual"][0]["framework"] = "gdpr".into(), "is not in manual/gdpr/");
    inconsistent(
        &|m| {
            let files = m["files"].as_array_mut().unwrap();
            let at = files.iter().position(|f| f["path"] == rel.as_str()).unwrap();
            files.remove(at);
        },
        "files does not list it",
    );
    std::fs::write(&path, serde_json::to_vec_pretty(&original).unwrap()).unwrap();
    assert!(evidence::verify_dir(&bundle).unwrap().is_intact());
}

#[test]
fn every_refused_attachment_leaves_the_bundle_byte_identical() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let (pdf, csv) = sources(dir.path());
    let before = snapshot(&bundle);
    let refused = |args: &[&str], needles: &[&str]| {
        let mut all = vec!["attach", bundle.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = run_at(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        for needle in needles {
            assert!(stderr(&out).contains(needle), "{args:?}: {needle:?} in\n{}", stderr(&out));
        }
        assert_eq!(snapshot(&bundle), before, "{args:?} changed the bundle");
    };
    let (pdf, csv) = (pdf.to_str().unwrap(), csv.to_str().unwrap());
    let hipaa = |control: &'static str| ["--framework", "hipaa", "--control", control, "--by", "J. Doe"];

    refused(
        &["--framework", "sox", "--control", CONTROL, "--by", "J. Doe", pdf],
        &["unknown framework \"sox\"", "gdpr, hipaa, pci-dss-4.0"],
    );
    refused(
        &[&hipaa("164.308(a)(5)(1)")[..], &[pdf]].concat(),
        &["no control \"164.308(a)(5)(1)\"", "did you mean \"164.308(a)(5)(i)\"", "auditpack controls --framework hipaa"],
    );
    refused(
        &[&hipaa("164.308(a)(5)(ii)(B)")[..], &[pdf]].concat(),
        &["evidence of hipaa 164.308(a)(5)(ii)(B) is automated, not manual", "its status comes from auditpack's checks"],
    );
    refused(&[&hipaa("164.310(a)(1)")[..], &[pdf]].concat(), &["evidence of hipaa 164.310(a)(1) is inherited, not manual", "attestations"]);
    let gone = dir.path().join("inbox/gone.pdf");
    refused(&[&hipaa(CONTROL)[..], &[pdf, gone.to_str().unwrap()]].concat(), &["gone.pdf: does not exist"]);
    refused(&[&hipaa(CONTROL)[..], &[dir.path().join("inbox").to_str().unwrap()]].concat(), &["is a directory"]);
    let link = dir.path().join("link.pdf");
    std::os::unix::fs::symlink(pdf, &link).unwrap();
    refused(&[&hipaa(CONTROL)[..], &[link.to_str().unwrap()]].concat(), &["is a symbolic link"]);
    let spaced = dir.path().join("my training.pdf");
    std::fs::write(&spaced, "x").unwrap();
    refused(&[&hipaa(CONTROL)[..], &[csv, spaced.to_str().unwrap()]].concat(), &["holds ' '", "rename the file, e.g. to my-training.pdf"]);
    let hidden = dir.path().join(".training.pdf");
    std::fs::write(&hidden, "x").unwrap();
    refused(&[&hipaa(CONTROL)[..], &[hidden.to_str().unwrap()]].concat(), &["starts with a dot"]);
    let twin = dir.path().join("training-programme-2026.pdf");
    std::fs::write(&twin, "another file of the same name").unwrap();
    refused(&[&hipaa(CONTROL)[..], &[pdf, twin.to_str().unwrap()]].concat(), &["has the name of another FILE"]);
    refused(&["--framework", "hipaa", "--control", CONTROL, "--by", " ", pdf], &["--by is empty"]);

    // A bundle that does not verify gets nothing added.
    let policy = bundle.join(format!("{ACCOUNT}/global/iam/get-account-password-policy.json"));
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, text.replace("\"MinimumPasswordLength\": 8", "\"MinimumPasswordLength\": 9")).unwrap();
    let tampered = snapshot(&bundle);
    let out = attach(&bundle, CONTROL, &[], &[Path::new(pdf)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not verify") && stderr(&out).contains("get-account-password-policy.json"), "{}", stderr(&out));
    assert_eq!(snapshot(&bundle), tampered);
}

#[test]
fn the_same_file_attached_again_is_skipped_and_another_of_its_name_is_refused() {
    let dir = tempdir();
    let bundle = attached(dir.path());
    let before = snapshot(&bundle);
    let (pdf, _) = sources(dir.path());
    let out = attach(&bundle, CONTROL, &[], &[&pdf]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rel = format!("{PLACE}/training-programme-2026.pdf");
    assert!(stdout(&out).contains(&format!("already attached  {}  {rel}", sha256_hex(&std::fs::read(&pdf).unwrap()))), "{}", stdout(&out));
    assert!(stdout(&out).contains("manifest.json is unchanged"), "{}", stdout(&out));
    assert_eq!(snapshot(&bundle), before, "nothing recorded twice");

    // One new file beside one already attached: only the new one is recorded.
    let minutes = dir.path().join("inbox/review-minutes.txt");
    std::fs::write(&minutes, "minutes").unwrap();
    let out = attach(&bundle, CONTROL, &[], &[&pdf, &minutes]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("already attached") && stdout(&out).contains(&format!("attached          {}", sha256_hex(b"minutes"))));
    assert_eq!(manifest(&bundle).manual.len(), 3);
    let before = snapshot(&bundle);

    std::fs::write(&pdf, "the programme, revised").unwrap();
    let out = attach(&bundle, CONTROL, &[], &[&pdf]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already holds another file") && stderr(&out).contains("rename the file"), "{}", stderr(&out));
    assert_eq!(snapshot(&bundle), before);
}

#[test]
fn seal_keeps_attachments_and_refuses_edited_or_undescribed_ones() {
    let dir = tempdir();
    let bundle = attached(dir.path());
    let before = manifest(&bundle);
    let sealed = evidence::seal_dir(&bundle, &Default::default()).unwrap().manifest;
    assert_eq!(sealed.manual, before.manual);
    assert_eq!(sealed.files, before.files);
    assert!(evidence::verify_dir(&bundle).unwrap().is_intact());
    Bundle::open(&bundle).expect("a sealed bundle with attachments opens");

    let rel = format!("{PLACE}/completion-records_Q4.csv");
    let path = bundle.join(&rel);
    let original = std::fs::read(&path).unwrap();
    let manifest_before = std::fs::read(bundle.join("manifest.json")).unwrap();
    std::fs::write(&path, "user,completed\nalice,2026-10-04\n").unwrap();
    let out = run(&["seal", bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&rel) && stderr(&out).contains("auditpack attach") && stderr(&out).contains("restore"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(bundle.join("manifest.json")).unwrap(), manifest_before, "seal adopts no edited attachment");

    std::fs::write(&path, &original).unwrap();
    let stray = format!("{PLACE}/stray.pdf");
    std::fs::write(bundle.join(&stray), "x").unwrap();
    let err = evidence::seal_dir(&bundle, &Default::default()).unwrap_err().to_string();
    assert!(err.contains(&stray) && err.contains("no manual entry") && err.contains("auditpack attach"), "{err}");
    assert_eq!(std::fs::read(bundle.join("manifest.json")).unwrap(), manifest_before);
}

#[test]
fn a_schema_1_manifest_gains_its_attachments_as_schema_2() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let path = bundle.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    m["schema_version"] = 1.into();
    m.as_object_mut().unwrap().remove("collection_started_at");
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let (pdf, _) = sources(dir.path());
    let out = attach(&bundle, CONTROL, &[], &[&pdf]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = manifest(&bundle);
    assert_eq!((after.schema_version, after.collection_started_at), (2, after.collected_at));
    assert_eq!(after.manual.len(), 1);
    assert!(evidence::verify_dir(&bundle).unwrap().is_intact());
}
