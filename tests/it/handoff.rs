//! The hand-off: CSV exports, the pipeline gate (`--fail-on`), and the auditor's archive.

use std::path::Path;

use serde_json::Value;

use crate::util::*;

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

#[test]
fn csv_exports_have_a_row_per_control_and_per_finding_of_results_json() {
    let dir = tempdir();
    let out = dir.path().join("packet");
    let risks = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/exceptions.toml");
    ok(&run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--format", "json,csv", "--exceptions", risks]));
    let r = results(&out);
    let (header, controls) = read_csv(&out.join("controls.csv"));
    assert_eq!(header[..8], ["framework", "control", "title", "section", "owner", "owner_reason", "evidence_method", "status"]);
    let total: usize = r["frameworks"].as_array().unwrap().iter().map(|f| f["controls"].as_array().unwrap().len()).sum();
    assert_eq!(controls.len(), total, "one row per framework × control");
    for (row, (f, c)) in controls
        .iter()
        .zip(r["frameworks"].as_array().unwrap().iter().flat_map(|f| f["controls"].as_array().unwrap().iter().map(move |c| (f, c))))
    {
        assert_eq!(
            (row[0].as_str(), row[1].as_str(), row[7].as_str()),
            (f["id"].as_str().unwrap(), c["id"].as_str().unwrap(), c["status"].as_str().unwrap())
        );
        assert_eq!(row[4], c["owner"].as_str().unwrap());
    }
    let (header, findings) = read_csv(&out.join("findings.csv"));
    assert_eq!(
        header,
        [
            "finding",
            "check",
            "check_title",
            "severity",
            "status",
            "account",
            "region",
            "resource",
            "detail",
            "change",
            "exception",
            "controls"
        ]
    );
    let all: Vec<&Value> = r["checks"].as_object().unwrap().values().flat_map(|k| k["findings"].as_array().unwrap()).collect();
    assert_eq!(findings.len(), all.len(), "one row per finding");
    for (row, f) in findings.iter().zip(&all) {
        assert_eq!(
            (row[0].as_str(), row[4].as_str(), row[7].as_str()),
            (f["id"].as_str().unwrap(), f["status"].as_str().unwrap(), f["resource"].as_str().unwrap())
        );
        assert_eq!(row[3], f["severity"].as_str().unwrap());
    }
    let accepted = findings.iter().find(|row| row[4] == "accepted_risk").expect("the example accepts a finding");
    assert_eq!((accepted[1].as_str(), accepted[10].as_str()), ("rds-storage-encryption", "1"));
    let legacy = findings.iter().find(|row| row[7].ends_with("db:legacy-reports")).unwrap();
    assert_eq!((legacy[5].as_str(), legacy[6].as_str()), ("111122223333", "us-east-1"), "account and region");
    // The controls it affects: every framework × control listing its check.
    let expected: Vec<String> = r["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["controls"].as_array().unwrap().iter().map(move |c| (f, c)))
        .filter(|(_, c)| c["checks"].as_array().unwrap().iter().any(|k| k["id"] == legacy[1].as_str()))
        .map(|(f, c)| format!("{}:{}", f["id"].as_str().unwrap(), c["id"].as_str().unwrap()))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(legacy[11], expected.join("; "));
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised() {
    // An IAM user named like a formula, in the demo's credential report and authorization details.
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let iam = bundle.join(format!("{ACCOUNT}/global/iam"));
    for file in ["credential-report.csv", "get-account-authorization-details.json"] {
        let path = iam.join(file);
        let text =
            std::fs::read_to_string(&path).unwrap().replace("user/dave", "user/=HYPERLINK(dave)").replace("dave,", "=HYPERLINK(dave),");
        std::fs::write(&path, text).unwrap();
    }
    auditpack::evidence::seal_dir(&bundle, &Default::default()).unwrap();
    let out = dir.path().join("packet");
    ok(&run(&["report", "--evidence", bundle.to_str().unwrap(), "--out", out.to_str().unwrap(), "--format", "csv"]));
    let text = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    let (_, rows) = read_csv(&out.join("findings.csv"));
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a cell starts like a formula: {cell:?}");
        }
    }
    assert!(text.contains("HYPERLINK(dave)"), "the user is there");
}

#[test]
fn fail_on_exits_1_naming_the_controls_in_that_state_and_still_writes_the_packet() {
    let dir = tempdir();
    let out = dir.path().join("packet");
    let o = run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--format", "json", "--fail-on", "fail"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(out.join("results.json").exists(), "the packet is written");
    let r = results(&out);
    let failing: usize =
        r["frameworks"].as_array().unwrap().iter().map(|f| f["summary"]["by_status"]["fail"].as_u64().unwrap() as usize).sum();
    assert!(failing > 0);
    assert!(err.contains(&format!("--fail-on fail: {failing} control(s) are fail:")) && err.contains("hipaa 164.312(d)"), "{err}");
    // A state no control is in: exit 0.
    let na = r["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["controls"].as_array().unwrap())
        .filter(|c| c["status"] == "not_assessed")
        .count();
    assert!(na > 0);
    let o = run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--format", "json", "--fail-on", "not_assessed"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("{na} control(s) are not_assessed")));
    // Against itself nothing is a new failure.
    let again = dir.path().join("again");
    let o = run(&[
        "report",
        "--evidence",
        DEMO,
        "--out",
        again.to_str().unwrap(),
        "--format",
        "json",
        "--previous",
        out.to_str().unwrap(),
        "--fail-on",
        "new_failure",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("--fail-on new_failure: no control is new_failure"));
    // new_failure without --previous is an error before anything is written.
    let none = dir.path().join("none");
    let o = run(&["report", "--evidence", DEMO, "--out", none.to_str().unwrap(), "--fail-on", "new_failure"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("fix: add --previous") && !none.exists());
}

#[test]
fn the_archive_holds_packet_evidence_and_checksums_and_is_the_same_bytes_each_time() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let zip = dir.path().join("handoff.zip");
    ok(&run(&[
        "report",
        "--evidence",
        bundle.to_str().unwrap(),
        "--out",
        dir.path().join("p").to_str().unwrap(),
        "--format",
        "json,csv,pdf",
        "--archive",
        zip.to_str().unwrap(),
    ]));
    let first = std::fs::read(&zip).unwrap();
    ok(&run(&[
        "report",
        "--evidence",
        bundle.to_str().unwrap(),
        "--out",
        dir.path().join("p").to_str().unwrap(),
        "--format",
        "json,csv,pdf",
        "--archive",
        zip.to_str().unwrap(),
    ]));
    assert!(std::fs::read(&zip).unwrap() == first, "same inputs, same archive bytes");
    // Unzipped, `sha256sum -c SHA256SUMS` passes, and every member is listed.
    let x = dir.path().join("unzipped");
    let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(first)).unwrap();
    archive.extract(&x).unwrap();
    let check = std::process::Command::new("sha256sum").args(["-c", "--strict", "SHA256SUMS"]).current_dir(&x).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}{}", stdout(&check), stderr(&check));
    let listed: Vec<String> =
        std::fs::read_to_string(x.join("SHA256SUMS")).unwrap().lines().map(|l| l.split_once("  ").unwrap().1.to_string()).collect();
    let mut members: Vec<String> = files_below(&x).into_iter().filter(|p| p != "SHA256SUMS").collect();
    members.sort();
    assert_eq!(listed, members, "SHA256SUMS covers every member");
    for needed in [
        "packet/results.json",
        "packet/controls.csv",
        "packet/hipaa.pdf",
        "evidence/manifest.json",
        "evidence/111122223333/global/iam/credential-report.csv",
    ] {
        assert!(members.iter().any(|m| m == needed), "{needed} is in the archive");
    }
    // The unzipped evidence is a bundle that verifies, with the same manifest.
    ok(&run(&["verify", x.join("evidence").to_str().unwrap()]));
    // Not inside the bundle, and not over a file that is not a zip.
    let inside = bundle.join("handoff.zip");
    let o = run(&[
        "report",
        "--evidence",
        bundle.to_str().unwrap(),
        "--out",
        dir.path().join("q").to_str().unwrap(),
        "--archive",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is inside the evidence bundle") && !inside.exists());
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "mine").unwrap();
    let o = run(&[
        "report",
        "--evidence",
        bundle.to_str().unwrap(),
        "--out",
        dir.path().join("q").to_str().unwrap(),
        "--archive",
        notes.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "mine");
}

/// Validate results.json files against docs/results.schema.json with Python's jsonschema (the
/// test venv's, pinned in scripts/test-requirements.txt); returns each file's errors.
pub(crate) fn schema_errors(files: &[&Path]) -> Vec<String> {
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
for path in sys.argv[2:]:
    errors = sorted(v.iter_errors(json.load(open(path))), key=lambda e: list(map(str, e.absolute_path)))
    print(json.dumps([path + ": " + "/".join(map(str, e.absolute_path)) + ": " + e.message for e in errors]))
"#;
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/results.schema.json");
    let mut args = vec!["-c".to_string(), script.to_string(), schema.to_string()];
    args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    let o = std::process::Command::new(venv_python()).args(&args).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o).lines().flat_map(|l| serde_json::from_str::<Vec<String>>(l).unwrap()).collect()
}

#[test]
fn results_json_validates_against_its_json_schema_and_the_schema_is_strict() {
    let dir = tempdir();
    let demo = dir.path().join("demo");
    ok(&run(&["demo", "--out", demo.to_str().unwrap(), "--format", "json"]));
    // Every optional part filled: previous period, exceptions, attachments, period.
    let work = tempdir();
    let cycle = crate::cycle::full_cycle_packet(&demo, work.path());
    let errors = schema_errors(&[&demo.join("results.json"), &cycle.join("results.json")]);
    assert!(errors.is_empty(), "results.json does not match docs/results.schema.json:\n{}", errors.join("\n"));
    // The schema is live: an unknown key, a wrong status and a missing finding id are refused.
    let mut r = results(&cycle);
    r["frameworks"][0]["controls"][0]["status"] = "passed".into();
    r["frameworks"][0]["controls"][0]["colour"] = "green".into();
    let first = r["checks"].as_object_mut().unwrap().values_mut().next().unwrap();
    first["findings"][0].as_object_mut().unwrap().remove("id");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, serde_json::to_vec(&r).unwrap()).unwrap();
    let errors = schema_errors(&[&broken]);
    assert!(errors.iter().any(|e| e.contains("frameworks/0/controls/0/status")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("'colour' was unexpected")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("'id' is a required property")), "{errors:?}");
}

/// The lines of the first ```sh block after `marker` in a document.
fn doc_block(doc: &str, marker: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc)).unwrap();
    let block = &text[text.find(marker).unwrap_or_else(|| panic!("{doc} has {marker}"))..];
    let block = &block[block.find("```sh\n").unwrap() + 6..];
    block[..block.find("```").unwrap()].lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
}

fn sh(line: &str, dir: &Path) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_auditpack")).parent().unwrap().to_path_buf();
    std::process::Command::new("sh")
        .args(["-c", line])
        .current_dir(dir)
        .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()))
        .output()
        .unwrap()
}

#[test]
fn an_auditor_checks_a_signed_archive_with_sha256sum_and_minisign_alone_as_docs_handoff_says() {
    let dir = tempdir();
    let d = dir.path();
    // What docs/handoff.md has the team do, on the demo bundle (seal --sign stands for collect --sign).
    let bundle = demo_copy(d);
    ok(&run(&["keygen", "--out", d.join("signing.key").to_str().unwrap()]));
    ok(&run(&["seal", bundle.to_str().unwrap(), "--sign", d.join("signing.key").to_str().unwrap()]));
    std::fs::write(d.join("training.txt"), "training records\n").unwrap();
    ok(&run(&[
        "attach",
        bundle.to_str().unwrap(),
        "--framework",
        "hipaa",
        "--control",
        "164.308(a)(5)(i)",
        "--by",
        "J. Doe",
        "--sign",
        d.join("signing.key").to_str().unwrap(),
        d.join("training.txt").to_str().unwrap(),
    ]));
    let zip = d.join("acme-2026-Q4.zip");
    let report = |out: &str| {
        run(&[
            "report",
            "--evidence",
            bundle.to_str().unwrap(),
            "--out",
            d.join(out).to_str().unwrap(),
            "--format",
            "json,csv,html",
            "--public-key",
            d.join("signing.key.pub").to_str().unwrap(),
            "--archive",
            zip.to_str().unwrap(),
            "--sign",
            d.join("signing.key").to_str().unwrap(),
        ])
    };
    ok(&report("packet"));
    // Every member but the signature is the same bytes for the same inputs (minisign signatures
    // are randomised, so SHA256SUMS.minisig differs from run to run, and verifies every time).
    let members = |bytes: Vec<u8>| {
        let mut z = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = std::collections::BTreeMap::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut b).unwrap();
            out.insert(f.name().unwrap().to_string(), b);
        }
        out
    };
    let mut first = members(std::fs::read(&zip).unwrap());
    ok(&report("packet"));
    let mut second = members(std::fs::read(&zip).unwrap());
    assert!(first.remove("SHA256SUMS.minisig").is_some() && second.remove("SHA256SUMS.minisig").is_some());
    assert!(first == second, "the same members for the same inputs");

    let signed = results(&d.join("packet"));
    assert_eq!(signed["evidence"]["signature"]["verified"], true);
    let errors = schema_errors(&[&d.join("packet/results.json")]);
    assert!(errors.is_empty(), "a signed bundle's results.json matches the schema: {errors:?}");

    // What the auditor runs, line by line as the document gives it.
    let auditor = doc_block("docs/handoff.md", "<!-- auditor:");
    assert!(auditor.len() >= 4, "{auditor:?}");
    for line in &auditor {
        let o = sh(line, d);
        assert_eq!(o.status.code(), Some(0), "{line}\n{}{}", stdout(&o), stderr(&o));
    }
    let x = d.join("acme-2026-Q4");
    let evidence_check = doc_block("docs/handoff.md", "without auditpack:");
    let o = sh(&evidence_check[0], &x);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        std::fs::read_to_string(x.join("SHA256SUMS")).unwrap().contains("  evidence/manual/hipaa/"),
        "the attachment is in the archive"
    );

    // One changed byte anywhere is caught: in a member by sha256sum, in the list by minisign.
    let member = x.join("packet/results.json");
    let mut bytes = std::fs::read(&member).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&member, bytes).unwrap();
    assert_ne!(sh("sha256sum -c --quiet SHA256SUMS", &x).status.code(), Some(0), "a changed member fails sha256sum -c");
    let sums = x.join("SHA256SUMS");
    let text = std::fs::read_to_string(&sums).unwrap();
    std::fs::write(&sums, text.replacen('0', "1", 1)).unwrap();
    let o = sh("minisign -Vm SHA256SUMS -p ../signing.key.pub", &x);
    assert_ne!(o.status.code(), Some(0), "an edited SHA256SUMS fails minisign -V: {}", stdout(&o));
}
