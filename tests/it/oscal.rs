//! `--format oscal`: every `<framework>.oscal.json` is read by compliance-trestle (the pinned
//! release in the test venv, with Python warnings fatal and nothing logged), and says what
//! results.json says: one finding per control, only a pass satisfied, accepted risks as risks,
//! evidence files with their SHA-256.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::util::*;

const NS: &str = "https://auditpack.dev/ns/oscal";
const FRAMEWORKS: [&str; 3] = ["gdpr", "hipaa", "pci-dss-4.0"];
const EXCEPTIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/exceptions.toml");

fn python(args: &[&str], cwd: &Path) -> Output {
    let py = venv_python();
    Command::new(&py)
        // Python warnings (deprecations included) become errors.
        .arg("-W")
        .arg("error")
        .args(args)
        .current_dir(cwd)
        .env_remove("PYTHONWARNINGS")
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}; `bash scripts/test` installs the venv", py.display()))
}

fn text(o: &Output) -> String {
    format!("exit {:?}\nstdout:\n{}\nstderr:\n{}", o.status.code(), stdout(o), stderr(o))
}

/// A trestle workspace (`trestle init`), where `trestle validate -f` takes files.
struct Trestle {
    dir: tempfile::TempDir,
}

impl Trestle {
    fn new() -> Trestle {
        let dir = tempdir();
        let out = python(&["-m", "trestle", "init"], dir.path());
        assert_eq!(
            out.status.code(),
            Some(0),
            "trestle init failed; `bash scripts/test` (or scripts/install-moto) installs the pinned compliance-trestle:\n{}",
            text(&out)
        );
        Trestle { dir }
    }

    /// `trestle validate -f` on a copy of `file` (every registered validator: the model,
    /// duplicate UUIDs, role references, back-matter links) and `AssessmentResults.oscal_read`.
    fn validate(&self, file: &Path) -> Result<(), String> {
        let name = file.file_name().unwrap().to_string_lossy().replace('.', "-");
        let rel = format!("assessment-results/{name}/assessment-results.json");
        let copy = self.dir.path().join(&rel);
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::copy(file, &copy).unwrap();
        let out = python(&["-m", "trestle", "validate", "-f", &rel], self.dir.path());
        let log = text(&out);
        if out.status.code() != Some(0) || !stdout(&out).contains("VALID: Model") || !stderr(&out).is_empty() {
            return Err(format!("trestle validate -f {}:\n{log}", file.display()));
        }
        let read = python(
            &[
                "-c",
                "import pathlib, sys\nfrom trestle.oscal.assessment_results import AssessmentResults\n\
                 m = AssessmentResults.oscal_read(pathlib.Path(sys.argv[1]))\n\
                 assert m is not None, 'oscal_read found no file'\nprint(len(m.results[0].findings or []))",
                copy.to_str().unwrap(),
            ],
            self.dir.path(),
        );
        if read.status.code() != Some(0) || !stderr(&read).is_empty() {
            return Err(format!("AssessmentResults.oscal_read({}):\n{}", file.display(), text(&read)));
        }
        Ok(())
    }
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn generate(args: &[&str]) -> tempfile::TempDir {
    let dir = tempdir();
    let out_dir = dir.path().join("packet");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--out", out_dir.to_str().unwrap()]);
    let out = run(&all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

/// The auditpack property `name` of an OSCAL object (the first one).
fn prop<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    props(v, name).into_iter().next()
}

fn props<'a>(v: &'a Value, name: &str) -> Vec<&'a str> {
    v["props"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|p| p["name"] == name && p["ns"] == NS)
        .map(|p| p["value"].as_str().unwrap())
        .collect()
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map(|a| a.as_slice()).unwrap_or_default()
}

/// The result of an OSCAL document and its findings by the control id they carry.
fn findings_by_control(doc: &Value) -> BTreeMap<String, &Value> {
    list(&doc["assessment-results"]["results"][0], "findings")
        .iter()
        .map(|f| (prop(&f["target"], "control-id").expect("every target carries its control id").to_string(), f))
        .collect()
}

/// Checks every document of a packet against results.json; returns the documents by framework.
fn check_packet(packet: &Path, trestle: &Trestle) -> BTreeMap<String, Value> {
    let results = json(&packet.join("results.json"));
    let oscal_version = python(&["-c", "import trestle.oscal as o; print(o.OSCAL_VERSION)"], packet);
    assert_eq!(oscal_version.status.code(), Some(0), "{}", text(&oscal_version));
    let trestle_version = stdout(&oscal_version).trim().to_string();
    let files: BTreeMap<&str, &str> =
        list(&results["evidence"], "files").iter().map(|f| (f["path"].as_str().unwrap(), f["sha256"].as_str().unwrap())).collect();
    let mut docs = BTreeMap::new();
    for f in list(&results, "frameworks") {
        let id = f["id"].as_str().unwrap();
        let path = packet.join(format!("{id}.oscal.json"));
        if let Err(e) = trestle.validate(&path) {
            panic!("{e}");
        }
        let doc = json(&path);
        let ar = &doc["assessment-results"];
        assert_eq!(ar["metadata"]["oscal-version"], trestle_version.as_str(), "the OSCAL version the installed trestle writes");
        assert_eq!(ar["metadata"]["last-modified"], results["generated_at"]);
        assert_eq!(ar["metadata"]["published"], results["generated_at"]);
        assert_eq!(ar["metadata"]["version"], results["tool"]["version"]);
        let result = &ar["results"][0];
        assert_eq!(list(ar, "results").len(), 1);
        assert_eq!(prop(result, "framework"), Some(id));
        assert_eq!(prop(result, "manifest-sha256"), results["evidence"]["manifest_sha256"].as_str());

        // Observations: evidence files of the bundle, each with its SHA-256, and its back-matter
        // resource carrying the same hash.
        let resources: BTreeMap<String, &Value> =
            list(&ar["back-matter"], "resources").iter().map(|r| (format!("#{}", r["uuid"].as_str().unwrap()), r)).collect();
        let mut observed: BTreeMap<&str, (&str, String)> = BTreeMap::new();
        for o in list(result, "observations") {
            let ev = &o["relevant-evidence"][0];
            let href = ev["href"].as_str().unwrap();
            let sha = prop(ev, "sha256").expect("relevant evidence carries the file's sha256");
            let attached = prop(o, "source") == Some("attached");
            if !attached {
                assert_eq!(files.get(href), Some(&sha), "{href}: an evidence file of the bundle with its sha256");
                assert_eq!(o["methods"], serde_json::json!(["TEST"]));
                assert_eq!(o["collected"], results["evidence"]["collected_at"]);
            }
            let res = resources[ev["links"][0]["href"].as_str().unwrap()];
            assert_eq!(res["rlinks"][0]["href"], href);
            assert_eq!(res["rlinks"][0]["hashes"][0]["algorithm"], "SHA-256");
            assert_eq!(res["rlinks"][0]["hashes"][0]["value"], sha);
            observed.insert(o["uuid"].as_str().unwrap(), (href, sha.to_string()));
        }
        assert!(!observed.is_empty(), "{id}: observations of the evidence files");

        // One finding per control, in the same order, and every control reviewed.
        let controls = list(f, "controls");
        let findings = list(result, "findings");
        assert_eq!(findings.len(), controls.len(), "{id}: one finding per control");
        let reviewed = list(&result["reviewed-controls"]["control-selections"][0], "include-controls");
        assert_eq!(reviewed.len(), controls.len());
        let mut targets = BTreeSet::new();
        for ((c, finding), r) in controls.iter().zip(findings).zip(reviewed) {
            let target = &finding["target"];
            assert_eq!(prop(target, "control-id"), c["id"].as_str());
            assert_eq!(target["target-id"], r["control-id"]);
            assert_eq!(target["type"], "objective-id");
            assert!(targets.insert(target["target-id"].as_str().unwrap()), "target ids are distinct");
            let status = c["status"].as_str().unwrap();
            assert_eq!(prop(finding, "status"), Some(status));
            assert_eq!(prop(finding, "owner"), c["owner"].as_str(), "{id} {}: the owner", c["id"]);
            assert_eq!(prop(finding, "evidence-method"), c["evidence_method"].as_str());
            let (state, reason) = match status {
                "pass" => ("satisfied", "pass"),
                "fail" | "accepted_risk" => ("not-satisfied", "fail"),
                _ => ("not-satisfied", "other"),
            };
            assert_eq!(target["status"]["state"], state, "{id} {}: {status}", c["id"]);
            assert_eq!(target["status"]["reason"], reason, "{id} {}: {status}", c["id"]);
            assert_eq!(target["status"]["remarks"], c["status_reason"]);
            // Its related observations are exactly the control's evidence files and attachments.
            let want: BTreeSet<(&str, &str)> = list(c, "evidence_files")
                .iter()
                .chain(list(c, "attachments"))
                .map(|x| (x["path"].as_str().unwrap(), x["sha256"].as_str().unwrap()))
                .collect();
            let got: BTreeSet<(&str, &str)> = list(finding, "related-observations")
                .iter()
                .map(|o| {
                    let (href, sha) = &observed[o["observation-uuid"].as_str().unwrap()];
                    (*href, sha.as_str())
                })
                .collect();
            assert_eq!(got, want, "{id} {}: related observations", c["id"]);
        }
        docs.insert(id.to_string(), doc);
    }
    docs
}

#[test]
fn oscal_demo_documents_pass_trestle_and_say_what_results_json_says() {
    let dir = generate(&["demo", "--format", "oscal,json"]);
    let packet = dir.path().join("packet");
    let mut names: Vec<String> =
        std::fs::read_dir(&packet).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [".auditpack-packet.json", "evidence", "gdpr.oscal.json", "hipaa.oscal.json", "pci-dss-4.0.oscal.json", "results.json"],
        "only the formats asked for"
    );
    let trestle = Trestle::new();
    let docs = check_packet(&packet, &trestle);
    assert_eq!(docs.keys().map(String::as_str).collect::<Vec<_>>(), FRAMEWORKS);
    // The demo's failing, not-assessed, manual and inherited controls: none looks satisfied.
    let hipaa = findings_by_control(&docs["hipaa"]);
    let failing = hipaa.values().find(|f| prop(f, "status") == Some("fail")).expect("the demo fails HIPAA controls");
    assert_eq!(failing["target"]["status"]["state"], "not-satisfied");
    assert!(prop(failing, "owner").is_some_and(|o| ["aws", "shared", "customer"].contains(&o)));
    for status in ["not_assessed", "manual", "inherited"] {
        let f = hipaa.values().find(|f| prop(f, "status") == Some(status)).unwrap_or_else(|| panic!("a HIPAA control is {status}"));
        assert_eq!(f["target"]["status"]["state"], "not-satisfied", "{status} is never satisfied");
    }
    assert!(list(&docs["hipaa"]["assessment-results"]["results"][0], "risks").is_empty(), "no exceptions, no risks");
}

#[test]
fn oscal_documents_are_byte_identical_when_rendered_twice() {
    let a = generate(&["report", "--evidence", DEMO, "--format", "oscal"]);
    let b = generate(&["report", "--evidence", DEMO, "--format", "oscal", "--exceptions", EXCEPTIONS]);
    let c = generate(&["report", "--evidence", DEMO, "--format", "oscal", "--exceptions", EXCEPTIONS]);
    for id in FRAMEWORKS {
        let name = format!("packet/{id}.oscal.json");
        let (b_bytes, c_bytes) = (std::fs::read(b.path().join(&name)).unwrap(), std::fs::read(c.path().join(&name)).unwrap());
        assert!(b_bytes == c_bytes, "{id}: two runs differ");
        assert!(b_bytes.ends_with(b"}\n"), "{id}: pretty JSON with a trailing newline");
        // The same bundle gives the same UUIDs, accepted risks or not.
        let (x, y) = (json(&a.path().join(&name)), json(&b.path().join(&name)));
        assert_eq!(x["assessment-results"]["uuid"], y["assessment-results"]["uuid"]);
        assert_eq!(
            x["assessment-results"]["results"][0]["findings"][0]["uuid"],
            y["assessment-results"]["results"][0]["findings"][0]["uuid"]
        );
    }
}

/// The risk of the accepted-risk entry numbered `index`.
fn risk(doc: &Value, index: usize) -> Option<&Value> {
    list(&doc["assessment-results"]["results"][0], "risks").iter().find(|r| prop(r, "exception") == Some(&index.to_string()))
}

fn related_risks(finding: &Value) -> Vec<&str> {
    list(finding, "related-risks").iter().map(|r| r["risk-uuid"].as_str().unwrap()).collect()
}

#[test]
fn oscal_accepted_risks_are_risks_linked_from_the_findings_they_cover() {
    let dir = generate(&["report", "--evidence", DEMO, "--format", "oscal,json", "--exceptions", EXCEPTIONS]);
    let packet = dir.path().join("packet");
    let trestle = Trestle::new();
    let docs = check_packet(&packet, &trestle);
    let results = json(&packet.join("results.json"));
    let entries = list(&results["exceptions"], "entries");
    let (active, expired) = (&entries[0], &entries[1]);
    assert_eq!((active["state"].as_str(), expired["state"].as_str()), (Some("active"), Some("expired")));

    // The check entry (rds-storage-encryption) bears on every framework that uses the check.
    for id in FRAMEWORKS {
        let r = risk(&docs[id], 1).unwrap_or_else(|| panic!("{id}: the accepted rds-storage-encryption risk"));
        assert_eq!(r["description"], active["justification"].as_str().unwrap().trim());
        assert_eq!(r["deadline"], "2027-05-31T23:59:59Z", "the last day it holds, to its end");
        assert_eq!(r["status"], "deviation-approved");
        assert_eq!(prop(r, "approved-by"), Some("J. Doe, CISO"));
        assert_eq!(prop(r, "approved-on"), Some("2026-11-15"));
        assert_eq!(prop(r, "ticket"), Some("SEC-1042"));
        assert!(r["statement"].as_str().unwrap().contains("legacy-reports"), "the statement names the accepted resource");
        let uuid = r["uuid"].as_str().unwrap();
        let fw = list(&results, "frameworks").iter().find(|f| f["id"] == id).unwrap();
        let using: BTreeSet<String> = list(fw, "controls")
            .iter()
            .filter(|c| list(c, "checks").iter().any(|k| k["id"] == "rds-storage-encryption"))
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        let linking: BTreeSet<String> =
            findings_by_control(&docs[id]).into_iter().filter(|(_, f)| related_risks(f).contains(&uuid)).map(|(c, _)| c).collect();
        assert_eq!(linking, using, "{id}: every control using the check links the risk");
    }
    // The expired control entry (PCI DSS 8.3.6) is an open risk there only, linked from 8.3.6,
    // which fails again.
    assert!(risk(&docs["gdpr"], 2).is_none() && risk(&docs["hipaa"], 2).is_none());
    let r = risk(&docs["pci-dss-4.0"], 2).expect("the lapsed 8.3.6 acceptance");
    assert_eq!(r["status"], "open");
    assert_eq!(r["deadline"], "2026-11-30T23:59:59Z");
    assert_eq!(r["description"], expired["justification"]);
    assert_eq!(prop(r, "exception-state"), Some("expired"));
    let f = findings_by_control(&docs["pci-dss-4.0"])["8.3.6"];
    assert_eq!(prop(f, "status"), Some("fail"));
    assert_eq!(f["target"]["status"]["state"], "not-satisfied");
    assert!(related_risks(f).contains(&r["uuid"].as_str().unwrap()));
}

#[test]
fn oscal_an_accepted_risk_control_is_not_satisfied_and_links_its_deviation() {
    let dir = tempdir();
    let file = dir.path().join("risks.toml");
    std::fs::write(
        &file,
        "[[exception]]\nframework = \"pci-dss-4.0\"\ncontrol = \"8.3.6\"\njustification = \"Passwords are enforced by the \
identity provider.\"\napproved_by = \"A. Smith\"\napproved_on = 2026-11-01\nexpires_on = 2027-01-31\n",
    )
    .unwrap();
    let out_dir = dir.path().join("packet");
    let out = run(&[
        "report",
        "--evidence",
        DEMO,
        "--framework",
        "pci-dss-4.0",
        "--format",
        "oscal,json",
        "--exceptions",
        file.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = check_packet(&out_dir, &Trestle::new());
    let doc = &docs["pci-dss-4.0"];
    let f = findings_by_control(doc)["8.3.6"];
    assert_eq!(prop(f, "status"), Some("accepted_risk"));
    assert_eq!(f["target"]["status"]["state"], "not-satisfied", "an accepted risk is never satisfied");
    assert_eq!(f["target"]["status"]["reason"], "fail");
    let r = risk(doc, 1).expect("the deviation");
    assert_eq!(r["status"], "deviation-approved");
    assert_eq!(r["deadline"], "2027-01-31T23:59:59Z");
    assert_eq!(related_risks(f), [r["uuid"].as_str().unwrap()]);
    assert_eq!(r["risk-log"]["entries"][0]["status-change"], "deviation-approved");
    assert_eq!(r["risk-log"]["entries"][0]["start"], "2026-11-01T00:00:00Z");
}

#[test]
fn oscal_attached_documents_are_examined_observations_of_their_control() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let doc_path = dir.path().join("training-q4.txt");
    std::fs::write(&doc_path, "Security awareness training records, Q4 2026\n").unwrap();
    let out = run(&[
        "attach",
        bundle.to_str().unwrap(),
        "--framework",
        "hipaa",
        "--control",
        "164.308(a)(5)(i)",
        "--by",
        "J. Doe, Security",
        doc_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out_dir = dir.path().join("packet");
    let out = run(&[
        "report",
        "--evidence",
        bundle.to_str().unwrap(),
        "--framework",
        "hipaa",
        "--format",
        "oscal,json",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = check_packet(&out_dir, &Trestle::new());
    let results = json(&out_dir.join("results.json"));
    let control = list(&results["frameworks"][0], "controls").iter().find(|c| c["id"] == "164.308(a)(5)(i)").unwrap().clone();
    let attachment = &control["attachments"][0];
    let result = &docs["hipaa"]["assessment-results"]["results"][0];
    let o = list(result, "observations")
        .iter()
        .find(|o| o["relevant-evidence"][0]["href"] == attachment["path"])
        .expect("an observation of the attached document");
    assert_eq!(o["methods"], serde_json::json!(["EXAMINE"]));
    assert_eq!(o["collected"], attachment["attached_at"]);
    assert_eq!(prop(&o["relevant-evidence"][0], "sha256"), attachment["sha256"].as_str());
    assert_eq!(prop(o, "attached-by"), Some("J. Doe, Security"));
    assert_eq!(result["end"], attachment["attached_at"], "the result ends with the last evidence collected");
    assert_eq!(result["start"], results["evidence"]["collected_at"]);
    let f = findings_by_control(&docs["hipaa"])["164.308(a)(5)(i)"];
    assert_eq!(prop(f, "status"), Some("evidence_attached"));
    assert_eq!(f["target"]["status"]["state"], "not-satisfied", "the auditor judges attached documents");
    assert_eq!(f["target"]["status"]["reason"], "other");
}

/// A change to a document.
type Edit = Box<dyn FnOnce(&mut Value)>;

/// A copy of `doc` changed by `edit`, written to `dir/name`.
fn broken(doc: &Value, dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut v = doc.clone();
    edit(&mut v);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    path
}

#[test]
fn oscal_trestle_rejects_broken_copies_so_the_validation_is_live() {
    let dir = generate(&["demo", "--framework", "gdpr", "--format", "oscal"]);
    let good = dir.path().join("packet/gdpr.oscal.json");
    let trestle = Trestle::new();
    trestle.validate(&good).unwrap_or_else(|e| panic!("{e}"));
    let doc = json(&good);
    let cases: Vec<(&str, &str, Edit)> = vec![
        // Version 1 is not an OSCAL UUID (only 4 and 5 are).
        (
            "bad-uuid.json",
            "findings[0].uuid",
            Box::new(|v: &mut Value| {
                let f = &mut v["assessment-results"]["results"][0]["findings"][0]["uuid"];
                let mut u = f.as_str().unwrap().to_string();
                u.replace_range(14..15, "1");
                *f = Value::String(u);
            }),
        ),
        (
            "no-import-ap.json",
            "import-ap",
            Box::new(|v: &mut Value| drop(v["assessment-results"].as_object_mut().unwrap().remove("import-ap"))),
        ),
        (
            "bad-state.json",
            "target.status.state",
            Box::new(|v: &mut Value| v["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "passed".into()),
        ),
        // Valid, but trestle warns: a back-matter resource nothing refers to.
        (
            "unreferenced-resource.json",
            "not referenced",
            Box::new(|v: &mut Value| {
                let resources = v["assessment-results"]["back-matter"]["resources"].as_array_mut().unwrap();
                let mut extra = resources[1].clone();
                extra["uuid"] = "0b0e3d8c-2f4b-4c1e-9a57-3c2d1e0f4a5b".into();
                resources.push(extra);
            }),
        ),
        (
            "duplicate-uuid.json",
            "duplicate uuids",
            Box::new(|v: &mut Value| {
                let r = &mut v["assessment-results"]["results"][0];
                let first = r["findings"][0]["uuid"].clone();
                r["findings"][1]["uuid"] = first;
            }),
        ),
    ];
    for (name, reason, edit) in cases {
        let path = broken(&doc, dir.path(), name, edit);
        let err = trestle.validate(&path).err().unwrap_or_else(|| panic!("trestle accepted {name}"));
        assert!(err.contains(reason), "{name} is refused for another reason than {reason:?}:\n{err}");
    }
}
