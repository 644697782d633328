//! Reports and packets: the demo, results.json, PDF and HTML checks, determinism, missing evidence.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::util::*;

fn demo_packet() -> tempfile::TempDir {
    let dir = tempdir();
    let out = run(&["demo", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

#[test]
fn demo_writes_three_html_three_pdf_and_results_json() {
    let dir = demo_packet();
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".auditpack-packet.json",
            "evidence",
            "gdpr.html",
            "gdpr.pdf",
            "hipaa.html",
            "hipaa.pdf",
            "pci-dss-4.0.html",
            "pci-dss-4.0.pdf",
            "results.json",
            "summary.html",
            "summary.pdf"
        ]
    );
    let out = run(&["verify", dir.path().join("evidence").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "the demo writes a bundle that verifies");

    let r = results(dir.path());
    assert_eq!(r["schema_version"], 4);
    // Each check's findings are listed once, whichever controls use the check.
    let checks = r["checks"].as_object().unwrap();
    for f in r["frameworks"].as_array().unwrap() {
        for c in f["controls"].as_array().unwrap() {
            for k in c["checks"].as_array().unwrap() {
                assert!(k.get("findings").is_none(), "findings live under checks");
                assert_eq!(checks[k["id"].as_str().unwrap()]["status"], k["status"]);
            }
        }
    }
    assert_eq!(r["evidence"]["accounts"][0], ACCOUNT);
    assert_eq!(r["evidence"]["collected_at"], demo_collected_at());
    assert_eq!(r["evidence"]["manifest_sha256"].as_str().unwrap().len(), 64);
    let mut statuses = BTreeSet::new();
    for f in r["frameworks"].as_array().unwrap() {
        let controls = f["controls"].as_array().unwrap();
        assert_eq!(f["summary"]["by_status"]["total"].as_u64().unwrap() as usize, controls.len());
        let owners: u64 = ["aws", "shared", "customer"].iter().map(|o| f["summary"]["by_owner"][o]["total"].as_u64().unwrap()).sum();
        assert_eq!(owners as usize, controls.len());
        for c in controls {
            statuses.insert(c["status"].as_str().unwrap().to_string());
            for key in ["id", "title", "owner", "evidence_method", "status", "checks", "evidence_files"] {
                assert!(c.get(key).is_some(), "control lacks {key}");
            }
            for file in c["evidence_files"].as_array().unwrap() {
                assert_eq!(file["sha256"].as_str().unwrap().len(), 64, "{file}");
            }
        }
    }
    let all: BTreeSet<String> = ["pass", "fail", "not_assessed", "manual", "inherited"].iter().map(|s| s.to_string()).collect();
    assert_eq!(statuses, all, "every status appears in the demo");
}

#[test]
fn demo_flags_the_seeded_violations_at_the_right_controls() {
    let dir = demo_packet();
    let r = results(dir.path());
    let control = |fw: &str, id: &str| -> Value {
        r["frameworks"].as_array().unwrap().iter().find(|f| f["id"] == fw).unwrap()["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{fw} {id}"))
            .clone()
    };
    assert_eq!(control("hipaa", "164.312(d)")["status"], "fail", "bob and dave have no MFA");
    assert_eq!(control("pci-dss-4.0", "8.3.6")["status"], "fail", "password length 8");
    // Passwords expire after 90 days, but the same requirement covers access keys, and one is old.
    let rotation = control("pci-dss-4.0", "8.3.9");
    assert_eq!(rotation["status"], "fail", "an access key older than 90 days");
    let statuses: Vec<(&str, &str)> =
        rotation["checks"].as_array().unwrap().iter().map(|k| (k["id"].as_str().unwrap(), k["status"].as_str().unwrap())).collect();
    assert!(
        statuses.contains(&("iam-password-max-age", "pass")) && statuses.contains(&("iam-access-key-rotation", "fail")),
        "{statuses:?}"
    );
    assert_eq!(control("pci-dss-4.0", "8.2.1")["status"], "pass", "the root user is not used");
    assert_eq!(control("pci-dss-4.0", "9.2.1")["status"], "inherited");
    assert_eq!(control("pci-dss-4.0", "12.1.1")["status"], "manual");
    assert_eq!(control("hipaa", "164.308(a)(5)(ii)(C)")["status"], "not_assessed", "eu-west-1 has no recorder, so its trails are unknown");
    assert_eq!(control("pci-dss-4.0", "10.3.4")["status"], "fail", "an unversioned bucket, whatever eu-west-1 holds");
    // The findings behind a control: those of its checks, listed once under `checks`.
    let findings_of = |fw: &str, id: &str| -> String {
        let c = control(fw, id);
        c["checks"].as_array().unwrap().iter().map(|k| r["checks"][k["id"].as_str().unwrap()].to_string()).collect::<Vec<_>>().join("\n")
    };
    let text = findings_of("hipaa", "164.312(d)");
    assert!(text.contains("user/bob") && text.contains("user/dave"));
    let recorder = findings_of("hipaa", "164.312(b)");
    assert!(
        recorder.contains(&format!("{ACCOUNT}/eu-west-1")) && recorder.contains("no configuration recorder"),
        "the region without a recorder is reported"
    );
}

#[test]
fn pdfs_pass_qpdf_and_show_every_control_with_its_status() {
    let dir = demo_packet();
    let r = results(dir.path());
    for f in r["frameworks"].as_array().unwrap() {
        let pdf = dir.path().join(format!("{}.pdf", f["id"].as_str().unwrap()));
        let check = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
        assert_eq!(check.status.code(), Some(0), "qpdf --check {}: {}", pdf.display(), stdout(&check));
        let text = stdout(&tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]));
        for c in f["controls"].as_array().unwrap() {
            let id = c["id"].as_str().unwrap();
            let label = match c["status"].as_str().unwrap() {
                "not_assessed" => "NOT ASSESSED".to_string(),
                other => other.to_uppercase(),
            };
            assert!(text.lines().any(|l| l.contains(id) && l.contains(&label)), "{}: no line with {id} and {label}", pdf.display());
        }
        assert!(text.contains("Page 1 of"), "page numbers");
        assert!(text.contains(r["evidence"]["manifest_sha256"].as_str().unwrap()), "bundle hash on the cover");
    }
}

/// The outline of a PDF as (depth, title), in document order.
pub(crate) fn pdf_outline(path: &Path) -> Vec<(usize, String)> {
    let doc = lopdf::Document::load(path).unwrap();
    let catalog = doc.catalog().unwrap();
    let outlines = doc.dereference(catalog.get(b"Outlines").unwrap()).unwrap().1.as_dict().unwrap();
    fn walk(doc: &lopdf::Document, first: Option<lopdf::Object>, depth: usize, out: &mut Vec<(usize, String)>) {
        let mut next = first;
        while let Some(reference) = next {
            let item = doc.dereference(&reference).unwrap().1.as_dict().unwrap();
            out.push((depth, pdf_string(item.get(b"Title").unwrap())));
            walk(doc, item.get(b"First").ok().cloned(), depth + 1, out);
            next = item.get(b"Next").ok().cloned();
        }
    }
    let mut entries = Vec::new();
    walk(&doc, outlines.get(b"First").ok().cloned(), 0, &mut entries);
    entries
}

/// Decode a PDF text string (UTF-16BE with BOM, or bytes).
fn pdf_string(o: &lopdf::Object) -> String {
    let bytes = o.as_str().unwrap();
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[test]
fn pdf_structure_has_metadata_outline_per_control_and_a_unicode_font() {
    let dir = demo_packet();
    let r = results(dir.path());
    let hipaa = r["frameworks"].as_array().unwrap().iter().find(|f| f["id"] == "hipaa").unwrap();
    let doc = lopdf::Document::load(dir.path().join("hipaa.pdf")).unwrap();
    assert!(doc.get_pages().len() >= 5, "{} pages", doc.get_pages().len());
    let info = doc.trailer.get(b"Info").and_then(|i| doc.dereference(i)).unwrap().1.as_dict().unwrap().clone();
    assert!(pdf_string(info.get(b"Title").unwrap()).contains("HIPAA"));
    assert_eq!(pdf_string(info.get(b"Author").unwrap()), "auditpack");
    let created: String = demo_collected_at().chars().filter(char::is_ascii_digit).collect();
    assert!(pdf_string(info.get(b"CreationDate").unwrap()).starts_with(&format!("D:{created}")), "creation date = collected_at");

    let entries = pdf_outline(&dir.path().join("hipaa.pdf"));
    let top: Vec<&str> = entries.iter().filter(|(d, _)| *d == 0).map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        top,
        [
            "Cover",
            "What needs action",
            "Summary by status and owner",
            "Responsibility matrix",
            "Shared responsibility by service model",
            "Controls",
            "Findings by check",
            "Evidence still needed",
            "AWS Config rules",
            "AWS attestations",
            "Evidence gaps",
            "Sign-off",
            "Evidence files"
        ]
    );
    // The entries nested under a top-level one, in order.
    let under = |section: &str| -> Vec<&str> {
        entries
            .iter()
            .skip_while(|(d, t)| !(*d == 0 && t == section))
            .skip(1)
            .take_while(|(d, _)| *d == 1)
            .map(|(_, t)| t.as_str())
            .collect()
    };
    let nested = under("Controls");
    let controls = hipaa["controls"].as_array().unwrap();
    assert_eq!(nested.len(), controls.len(), "one nested entry per control");
    for (entry, c) in nested.iter().zip(controls) {
        assert!(entry.starts_with(c["id"].as_str().unwrap()), "{entry} out of order");
    }
    // One per check the framework uses, by id.
    let checks: std::collections::BTreeSet<&str> =
        controls.iter().flat_map(|c| c["checks"].as_array().unwrap().iter().map(|k| k["id"].as_str().unwrap())).collect();
    let by_check = under("Findings by check");
    assert_eq!(by_check.len(), checks.len(), "one nested entry per check");
    for (entry, id) in by_check.iter().zip(&checks) {
        assert!(entry.starts_with(&format!("{id} ")), "{entry} is not {id}");
    }
    let fonts: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"FontDescriptor"))
        .map(|d| String::from_utf8_lossy(d.get(b"FontName").unwrap().as_name().unwrap()).into_owned())
        .collect();
    assert!(fonts.iter().any(|f| f.contains("DejaVu")), "embedded fonts: {fonts:?}");
    assert!(doc.objects.values().filter_map(|o| o.as_dict().ok()).any(|d| d.has(b"FontFile2")), "the font program is embedded");
    // Only the glyphs drawn are embedded: the whole DejaVu Sans face alone is over 700 KB.
    let font_bytes: usize =
        doc.objects.values().filter_map(|o| o.as_stream().ok()).filter(|s| s.dict.has(b"Length1")).map(|s| s.content.len()).sum();
    assert!(font_bytes > 0 && font_bytes < 150_000, "the embedded font programs take {font_bytes} bytes: the fonts are not subset");
}

#[test]
fn html_is_self_contained_and_shows_every_control() {
    let dir = demo_packet();
    let r = results(dir.path());
    for f in r["frameworks"].as_array().unwrap() {
        let html = std::fs::read_to_string(dir.path().join(format!("{}.html", f["id"].as_str().unwrap()))).unwrap();
        for attr in ["src=\"", "href=\""] {
            for (at, _) in html.match_indices(attr) {
                let value = &html[at + attr.len()..];
                assert!(value.starts_with('#'), "external reference {attr}{}", &value[..value.find('"').unwrap()]);
            }
        }
        assert!(!html.contains("<script"), "no script needed to read it");
        assert!(html.contains("<style>") && html.contains("@media print"));
        for c in f["controls"].as_array().unwrap() {
            let id = c["id"].as_str().unwrap().replace('&', "&amp;");
            assert!(html.contains(&id), "{id}");
        }
        assert!(html.contains("Responsibility matrix") && html.contains("Evidence gaps"));
        assert!(html.contains("ThrottlingException"), "the demo's gap is shown");
    }
}

#[test]
fn two_runs_give_byte_identical_outputs_and_source_date_epoch_sets_the_time() {
    let dir = tempdir();
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    for out in [&a, &b] {
        let o = run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let one = run(&["report", "--evidence", DEMO, "--out", c.to_str().unwrap(), "--framework", "hipaa", "--format", "pdf"]);
    assert_eq!(one.status.code(), Some(0));
    for name in [
        "results.json",
        "gdpr.html",
        "gdpr.pdf",
        "hipaa.html",
        "hipaa.pdf",
        "pci-dss-4.0.html",
        "pci-dss-4.0.pdf",
        "summary.html",
        "summary.pdf",
    ] {
        assert_eq!(std::fs::read(a.join(name)).unwrap(), std::fs::read(b.join(name)).unwrap(), "{name} differs between runs");
    }
    assert_eq!(
        std::fs::read(a.join("hipaa.pdf")).unwrap(),
        std::fs::read(c.join("hipaa.pdf")).unwrap(),
        "a PDF does not depend on what else the run renders"
    );
    assert!(!c.join("hipaa.html").exists() && !c.join("results.json").exists(), "--format pdf writes only PDF");

    let d = dir.path().join("d");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_auditpack"))
        .args(["report", "--evidence", DEMO, "--out", d.to_str().unwrap(), "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(results(&d)["generated_at"], "2026-01-01T00:00:00Z");
    assert_eq!(results(&a)["generated_at"], demo_collected_at(), "without SOURCE_DATE_EPOCH: collected_at");
}

#[test]
fn deleting_an_evidence_file_turns_its_controls_not_assessed_never_pass() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let gone = format!("{ACCOUNT}/global/iam/credential-report.csv");
    std::fs::remove_file(bundle.join(&gone)).unwrap();
    auditpack::evidence::seal_dir(&bundle, &Default::default()).unwrap();
    let out = dir.path().join("packet");
    let o = run(&["report", "--evidence", bundle.to_str().unwrap(), "--out", out.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = results(&out);
    let readers: Vec<&str> =
        auditpack::checks::registry().iter().filter(|c| c.reads(auditpack::evidence::Kind::CredentialReport)).map(|c| c.id).collect();
    assert!(readers.len() >= 8);
    let mut affected = 0;
    for f in r["frameworks"].as_array().unwrap() {
        for c in f["controls"].as_array().unwrap() {
            let checks = c["checks"].as_array().unwrap();
            let uses: Vec<&Value> = checks.iter().filter(|k| readers.contains(&k["id"].as_str().unwrap())).collect();
            for k in &uses {
                assert_eq!(k["status"], "not_assessed", "{} in {}", k["id"], c["id"]);
                assert!(k["reason"].as_str().unwrap().contains(&gone), "the reason names the missing file");
            }
            if !uses.is_empty() && c["evidence_method"] == "automated" {
                affected += 1;
                assert_ne!(c["status"], "pass", "{} passed without its evidence", c["id"]);
                if checks.iter().all(|k| readers.contains(&k["id"].as_str().unwrap())) {
                    assert_eq!(c["status"], "not_assessed", "{}", c["id"]);
                }
            }
        }
    }
    assert!(affected >= 5, "{affected} controls used the credential report");
}

#[test]
fn templates_override_replaces_files_and_strict_mode_catches_typos() {
    let dir = tempdir();
    let tpl = dir.path().join("tpl");
    let o = run(&["templates", "--out", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let custom = std::fs::read_to_string(tpl.join("packet.html.hbs"))
        .unwrap()
        .replace("<p class=\"kicker\">Audit packet</p>", "<p class=\"kicker\">Quarterly review Q4</p>");
    std::fs::write(tpl.join("packet.html.hbs"), custom).unwrap();
    std::fs::remove_file(tpl.join("style.css.hbs")).unwrap();
    let out = dir.path().join("p");
    let o = run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--format", "html", "--templates", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.join("hipaa.html")).unwrap();
    assert!(html.contains("Quarterly review Q4"));
    assert!(html.contains("--fail:"), "the built-in style is still used where no override exists");

    std::fs::write(tpl.join("control.html.hbs"), "<p>{{titel}}</p>").unwrap();
    let o = run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--format", "html", "--templates", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("titel"), "{}", stderr(&o));
}

#[test]
fn templates_naming_a_missing_field_fail_at_load_before_anything_is_written() {
    let dir = tempdir();
    let tpl = dir.path().join("tpl");
    let o = run(&["templates", "--out", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    // The typo strict mode cannot see: `{{#if finding}}` would quietly drop every findings table.
    let control = std::fs::read_to_string(tpl.join("control.html.hbs")).unwrap();
    assert!(control.contains("{{#if findings}}"));
    let control = control.replace("{{#if findings}}", "{{#if finding}}");
    std::fs::write(tpl.join("control.html.hbs"), &control).unwrap();
    let at = control.find("{{#if finding}}").unwrap();
    let line = control[..at].matches('\n').count() + 1;
    let column = at - control[..at].rfind('\n').map_or(0, |i| i + 1) + "{{#if ".len() + 1;
    let out = dir.path().join("p");
    let o = run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--templates", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let file = tpl.join("control.html.hbs");
    assert!(
        err.contains(&format!("template {}, line {line}, column {column}: `finding` is not a field of CheckView", file.display())),
        "{err}"
    );
    assert!(err.contains("fix: did you mean `findings`?"), "{err}");
    assert!(!out.exists(), "nothing is written when a template is wrong");

    // A user partial is checked where it is used: inside the control loop, against ControlView.
    std::fs::write(tpl.join("control.html.hbs"), control.replace("{{#if finding}}", "{{#if findings}}")).unwrap();
    let packet =
        std::fs::read_to_string(tpl.join("packet.html.hbs")).unwrap().replace("{{> control.html}}", "{{> control.html}}{{> extra}}");
    std::fs::write(tpl.join("packet.html.hbs"), packet).unwrap();
    std::fs::write(tpl.join("extra.hbs"), "<p>{{status_reason}}</p>").unwrap();
    let o = run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--format", "html", "--templates", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(tpl.join("extra.hbs"), "<p>{{framework_name}}</p>").unwrap();
    let out2 = dir.path().join("p2");
    let o = run(&["report", "--evidence", DEMO, "--out", out2.to_str().unwrap(), "--format", "html", "--templates", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "template {}, line 1, column 6: `framework_name` is not a field of ControlView",
            tpl.join("extra.hbs").display()
        )),
        "{err}"
    );
    assert!(err.contains("`{{@root.framework_name}}`"), "{err}");
    assert!(!out2.exists());
}

/// A bundle with one region recording everything and configuration items of the given types.
fn inventory_bundle(types: &[&str]) -> auditpack::evidence::Bundle {
    let base = format!("{ACCOUNT}/us-east-1/config");
    let mut files: Vec<(String, String)> = vec![
        (
            format!("{base}/describe-configuration-recorders.json"),
            serde_json::json!({"ConfigurationRecorders": [{"name": "default", "recordingGroup": {"allSupported": true}}]}).to_string(),
        ),
        (
            format!("{base}/describe-configuration-recorder-status.json"),
            serde_json::json!({"ConfigurationRecordersStatus": [{"name": "default", "recording": true}]}).to_string(),
        ),
    ];
    for t in types {
        let item = serde_json::json!({"resourceType": t, "resourceId": "r-1", "configurationItemStatus": "OK", "configuration": "{}", "accountId": ACCOUNT, "awsRegion": "us-east-1"});
        files
            .push((crate::util::resource_path(ACCOUNT, "us-east-1", t), serde_json::json!({"baseConfigurationItems": [item]}).to_string()));
    }
    let refs: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    bundle(&refs)
}

#[test]
fn the_owner_of_patching_follows_the_service_models_in_the_inventory() {
    let catalog = auditpack::mappings::Catalog::load(None).unwrap();
    let pci = catalog.framework("pci-dss-4.0").unwrap();
    let owner_of = |types: &[&str]| {
        let report = auditpack::report::build(&inventory_bundle(types), &[pci], &catalog.service_models);
        let c = report.frameworks[0].controls.iter().find(|c| c.id == "6.3.3").unwrap().clone();
        (c.owner.as_str(), c.owner_reason.unwrap_or_default(), report)
    };
    // EC2 only: the customer patches the guest operating systems.
    let (owner, why, report) = owner_of(&["AWS::EC2::Volume"]);
    assert_eq!(owner, "customer", "{why}");
    assert!(why.contains("IaaS") && why.contains("AWS::EC2::Volume"), "{why}");
    assert_eq!(report.service_models.len(), 1);
    // RDS only: AWS patches the platform.
    let (owner, why, _) = owner_of(&["AWS::RDS::DBInstance"]);
    assert_eq!(owner, "aws", "{why}");
    assert!(why.contains("PaaS"), "{why}");
    // Both: shared, and the reason says who does what.
    let (owner, why, report) = owner_of(&["AWS::EC2::Volume", "AWS::RDS::DBInstance"]);
    assert_eq!(owner, "shared");
    assert!(why.contains("Customer for IaaS") && why.contains("AWS for PaaS"), "{why}");
    let os = report.frameworks[0].responsibility.iter().find(|r| r.id == "operating-system").unwrap();
    let owners: Vec<(&str, &str)> = os.owners.iter().map(|o| (o.name.as_str(), o.owner.as_str())).collect();
    assert_eq!(owners, [("IaaS", "customer"), ("PaaS", "aws")], "the matrix shows the models in use only");
    assert!(os.controls.iter().any(|c| c == "6.3.3"));
    // Lambda known from the resource counts alone (collect writes them for every type): PaaS.
    let base = format!("{ACCOUNT}/us-east-1/config");
    let counts =
        serde_json::json!({"totalDiscoveredResources": 7, "resourceCounts": [{"resourceType": "AWS::Lambda::Function", "count": 7}]});
    let b = bundle(&[(&format!("{base}/get-discovered-resource-counts.json"), counts.to_string())]);
    let report = auditpack::report::build(&b, &[pci], &catalog.service_models);
    assert_eq!(report.service_models.len(), 1);
    assert_eq!(report.service_models[0].resource_types[0].resource_type, "AWS::Lambda::Function");
    assert_eq!(report.service_models[0].resource_types[0].items, 7);
    assert_eq!(report.frameworks[0].controls.iter().find(|c| c.id == "6.3.3").unwrap().owner.as_str(), "aws");
    // Nothing in the inventory: the catalogue's default owner, said so.
    let (owner, why, report) = owner_of(&[]);
    assert_eq!(owner, "shared");
    assert!(why.contains("default owner"), "{why}");
    assert_eq!(report.frameworks[0].responsibility[0].owners.len(), 3, "every model listed when none is known");
}

#[test]
fn packets_show_the_service_models_and_the_matrix_by_area() {
    let dir = demo_packet();
    let r = results(dir.path());
    let models: Vec<&str> = r["service_models"].as_array().unwrap().iter().map(|m| m["model"].as_str().unwrap()).collect();
    assert_eq!(models, ["iaas", "paas", "saas"], "the demo runs EC2, RDS and S3");
    let html = std::fs::read_to_string(dir.path().join("pci-dss-4.0.html")).unwrap();
    assert!(html.contains("Shared responsibility by service model") && html.contains("Operating system: hardening and patching"));
    assert!(html.contains("Owner for this account:"), "the per-control reason is shown");
    // The section chart as inline SVG: one bar per section, a rect per status present in it.
    let svg = html.split("<title id=\"section-chart-title\">").nth(1).unwrap().split("</svg>").next().unwrap();
    let sections: std::collections::BTreeSet<&str> =
        r["frameworks"][2]["controls"].as_array().unwrap().iter().map(|c| c["section"].as_str().unwrap()).collect();
    assert_eq!(svg.matches("<text").count(), 2 * sections.len(), "a label and a line of counts per section");
    assert!(svg.matches("<rect").count() >= sections.len());
    let text = stdout(&tool("pdftotext", &["-layout", dir.path().join("pci-dss-4.0.pdf").to_str().unwrap(), "-"]));
    assert!(text.contains("Areas of responsibility by service model"));
    assert!(text.lines().any(|l| l.contains("Virtualisation layer") && l.matches("AWS").count() == 3), "one owner per model in use");
}

#[test]
fn packets_list_at_most_200_problems_per_check_and_results_json_keeps_all() {
    let base = format!("{ACCOUNT}/us-east-1/config");
    let volumes: Vec<Value> = (0..300)
        .map(|i| serde_json::json!({"resourceType": "AWS::EC2::Volume", "resourceId": format!("vol-{i:03}"), "configurationItemStatus": "OK", "configuration": "{\"encrypted\": false}", "accountId": ACCOUNT, "awsRegion": "us-east-1"}))
        .collect();
    let mut b = bundle(&[
        (
            &format!("{base}/describe-configuration-recorders.json"),
            serde_json::json!({"ConfigurationRecorders": [{"name": "default", "recordingGroup": {"allSupported": true}}]}).to_string(),
        ),
        (
            &format!("{base}/describe-configuration-recorder-status.json"),
            serde_json::json!({"ConfigurationRecordersStatus": [{"name": "default", "recording": true}]}).to_string(),
        ),
        (
            &crate::util::resource_path(ACCOUNT, "us-east-1", "AWS::EC2::Volume"),
            serde_json::json!({"baseConfigurationItems": volumes}).to_string(),
        ),
    ]);
    let dir = tempdir();
    let mut opts = auditpack::pipeline::ReportOptions::new(dir.path().to_path_buf());
    opts.frameworks = vec!["gdpr".into()];
    auditpack::pipeline::run(&mut b, &opts, &mut |_| {}).unwrap();
    let r = results(dir.path());
    let uses = control_ids_using(&r, "ebs-volume-encryption");
    assert!(uses.len() >= 2, "the check is used at several GDPR controls: {uses:?}");
    let control = r["frameworks"][0]["controls"].as_array().unwrap().iter().find(|c| c["id"] == uses[0].as_str()).unwrap();
    let ebs = control["checks"].as_array().unwrap().iter().find(|c| c["id"] == "ebs-volume-encryption").unwrap();
    assert_eq!(ebs["status"], "fail");
    assert_eq!(r["checks"]["ebs-volume-encryption"]["findings"].as_array().unwrap().len(), 300, "results.json keeps every finding");
    let html = std::fs::read_to_string(dir.path().join("gdpr.html")).unwrap();
    // Under "Findings by check", once: the first 200 failures and a sentence on the rest.
    let (controls, by_check) = html.split_once("<section id=\"findings\">").expect("a Findings by check section");
    let ebs = by_check.split("<div class=\"check\" id=\"chk-ebs-volume-encryption\">").nth(1).unwrap().split("</div>").next().unwrap();
    assert!(ebs.contains("vol-199<") && !ebs.contains("vol-200<"), "the first 200 are listed");
    assert!(ebs.contains("100 more failing or not assessed resources are not listed here"));
    assert!(ebs.contains("300 findings: 300 failing"));
    assert_eq!(ebs.matches("vol-000<").count(), 1, "each check's findings are listed once");
    // At each control that uses the check: the first five, the counts, and a link to the full list.
    let at_controls: Vec<&str> = controls
        .split("<a href=\"#chk-ebs-volume-encryption\"><code>")
        .skip(1)
        .map(|rest| rest.split("<div class=\"check\">").next().unwrap().split("</article>").next().unwrap())
        .collect();
    assert_eq!(at_controls.len(), uses.len(), "the check links to its findings from every control that uses it");
    for block in at_controls {
        assert!(block.contains("vol-000<") && block.contains("vol-004<"));
        assert!(!block.contains("vol-005<"), "a control shows the first five");
        assert!(block.contains("300 findings: 300 failing"));
        assert!(
            block.contains("5 of its 300 findings are shown here; Findings by check lists them under ebs-volume-encryption."),
            "{block}"
        );
    }
    let text = stdout(&tool("pdftotext", &["-layout", dir.path().join("gdpr.pdf").to_str().unwrap(), "-"]));
    assert!(text.contains("100 more failing or not assessed resources"));
    assert!(text.contains("Findings by check") && text.contains("5 of its 300 findings are shown here"));
    // As in the HTML: one row, under Findings by check (a control lists only the first five).
    let rows: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with("FAIL") && l.contains("vol-199")).collect();
    assert_eq!(rows.len(), 1, "the PDF lists each check's findings once too: {rows:?}");
    assert!(text.find("Findings by check\n").is_some_and(|at| text[at..].contains(rows[0])));
    assert_eq!(controls.matches("vol-199<").count(), 0);
}

/// The ids of the controls of the first framework in results.json that use `check`.
fn control_ids_using(r: &Value, check: &str) -> Vec<String> {
    r["frameworks"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["checks"].as_array().unwrap().iter().any(|k| k["id"] == check))
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn packets_carry_prepared_for_and_by_and_a_sign_off_page() {
    let dir = tempdir();
    let out = dir.path().join("p");
    let o = run(&[
        "report",
        "--evidence",
        DEMO,
        "--out",
        out.to_str().unwrap(),
        "--framework",
        "gdpr",
        "--prepared-for",
        "Acme Corp, 2026-Q4 external audit",
        "--prepared-by",
        "Jo Doe, Security",
        "--period",
        "2026-10-01 to 2026-12-31",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.join("gdpr.html")).unwrap();
    assert!(html.contains("Acme Corp, 2026-Q4 external audit") && html.contains("Jo Doe, Security"));
    assert!(html.contains("id=\"signoff\"") && html.contains("Reviewed by") && html.contains("Approved by"));
    let text = stdout(&tool("pdftotext", &["-layout", out.join("gdpr.pdf").to_str().unwrap(), "-"]));
    assert!(text.contains("Prepared for") && text.contains("Acme Corp, 2026-Q4 external audit"));
    assert!(text.contains("Audit period") && text.contains("2026-10-01 to 2026-12-31"));
    assert!(html.contains("2026-10-01 to 2026-12-31"));
    let signoff = text.split("\nSign-off\n").nth(1).expect("a sign-off page");
    for role in ["Prepared by", "Reviewed by", "Approved by", "Signature", "Date"] {
        assert!(signoff.contains(role), "{role} on the sign-off page");
    }
    assert!(signoff.contains("Jo Doe, Security"));
}

#[test]
fn the_management_summary_is_one_page_and_shows_the_numbers_of_results_json() {
    let dir = demo_packet();
    let r = results(dir.path());
    let pdf = dir.path().join("summary.pdf");
    let check = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let doc = lopdf::Document::load(&pdf).unwrap();
    assert_eq!(doc.get_pages().len(), 1, "summary.pdf is exactly one page");
    let text = stdout(&tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]));
    let html = std::fs::read_to_string(dir.path().join("summary.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("<rect"), "an inline SVG chart");
    assert!(!html.contains("<script") && !html.contains("src="), "self-contained");
    for f in r["frameworks"].as_array().unwrap() {
        let s = &f["summary"];
        let n = |v: &Value| v.as_u64().unwrap().to_string();
        let b = |k: &str| n(&s["by_status"][k]);
        let o = |k: &str| n(&s["by_owner"][k]["total"]);
        let row: Vec<String> =
            ["total", "pass", "fail", "accepted_risk", "not_assessed", "not_applicable", "manual", "evidence_attached", "inherited"]
                .iter()
                .map(|k| b(k))
                .chain(["aws", "shared", "customer"].iter().map(|k| o(k)))
                .collect();
        // The PDF prints the counts as two lines of text (a twelve-column table would break its
        // headings mid-word), the HTML as one table row, in this order.
        let by_status = format!(
            "{} pass · {} fail · {} accepted risk · {} not assessed · {} not applicable · {} manual · {} evidence attached · {} inherited",
            b("pass"),
            b("fail"),
            b("accepted_risk"),
            b("not_assessed"),
            b("not_applicable"),
            b("manual"),
            b("evidence_attached"),
            b("inherited")
        );
        let by_owner = format!("{} controls; by owner: AWS {} · shared {} · customer {}", b("total"), o("aws"), o("shared"), o("customer"));
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&by_status) && flat.contains(&by_owner), "summary.pdf shows {by_status} and {by_owner} for {}", f["id"]);
        let html_row = format!("<tr><td>{}</td></tr>", row.join("</td><td>"));
        assert!(html.contains(&html_row), "summary.html shows {html_row} for {}", f["id"]);
        // Every failing customer-owned control named in the summary is one in results.json.
        let failing: Vec<&str> = f["controls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "fail" && c["owner"] == "customer")
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert!(!failing.is_empty());
        let fw = f["id"].as_str().unwrap();
        // Each links to its control in the framework's packet.
        let top_rows: Vec<&str> = html.split(&format!("<th scope=\"row\"><a href=\"{fw}.html#ctl-")).skip(1).collect();
        let named = failing
            .iter()
            .filter(|id| top_rows.iter().any(|row| row.split_once("\">").is_some_and(|(_, rest)| rest.starts_with(&format!("{id} ")))))
            .count();
        assert_eq!(named, failing.len().min(5), "{}: the top five failing customer controls", f["id"]);
    }
    assert!(text.contains(&r["evidence"]["collected_at"].as_str().unwrap().to_string()), "the evidence date");
}

/// The Nu HTML checker jar that scripts/test installs (or AUDITPACK_VNU_JAR).
fn vnu_jar() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("AUDITPACK_VNU_JAR") {
        return p.into();
    }
    let dir = std::env::var_os("AUDITPACK_VNU")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/auditpack-vnu"));
    dir.join("node_modules/vnu-jar/build/dist/vnu.jar")
}

#[test]
fn html_packets_and_the_summary_pass_the_nu_html_checker() {
    let jar = vnu_jar();
    assert!(jar.exists(), "the Nu HTML checker is not installed at {}: run `bash scripts/test`, which installs vnu-jar", jar.display());
    let dir = demo_packet();
    // And a packet with every section of the quarterly cycle: changes, accepted risks, evidence
    // attached, evidence still needed, attestations.
    let work = tempdir();
    let cycle = crate::cycle::full_cycle_packet(dir.path(), work.path());
    let names = ["gdpr.html", "hipaa.html", "pci-dss-4.0.html", "summary.html"];
    let files: Vec<String> = names
        .iter()
        .map(|f| dir.path().join(f))
        .chain(names.iter().map(|f| cycle.join(f)))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["-jar".to_string(), jar.to_string_lossy().into_owned(), "--errors-only".into()];
    args.extend(files);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = tool("java", &args);
    assert_eq!(o.status.code(), Some(0), "the Nu HTML checker reports errors:\n{}{}", stdout(&o), stderr(&o));
    // The checker itself is live: it rejects a broken page.
    let broken = dir.path().join("broken.html");
    std::fs::write(&broken, "<!DOCTYPE html><html lang=en><head><title>x</title></head><body><p><div></p></body></html>").unwrap();
    let o = tool("java", &["-jar", jar.to_str().unwrap(), "--errors-only", broken.to_str().unwrap()]);
    assert_ne!(o.status.code(), Some(0), "vnu accepts a broken page: is it really running?");
}

/// An account with nothing in it: a root user, no IAM users, groups or roles, a recorder that
/// records everything and found nothing.
fn empty_account(dir: &Path) -> std::path::PathBuf {
    let iam = |f: &str| format!("{ACCOUNT}/global/iam/{f}");
    let cfg = |f: &str| format!("{ACCOUNT}/us-east-1/config/{f}");
    let mut files: Vec<(String, String)> = vec![
        (iam("credential-report.csv"), "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n".into()),
        (iam("get-account-authorization-details.json"), r#"{"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}"#.into()),
        (iam("get-account-password-policy.json"), r#"{"PasswordPolicy": {"MinimumPasswordLength": 14, "RequireSymbols": true, "RequireNumbers": true, "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true, "MaxPasswordAge": 90, "PasswordReusePrevention": 24}}"#.into()),
        (iam("get-account-summary.json"), r#"{"SummaryMap": {"Users": 0}}"#.into()),
        (iam("list-virtual-mfa-devices.json"), r#"{"VirtualMFADevices": []}"#.into()),
        (cfg("describe-configuration-recorders.json"), r#"{"ConfigurationRecorders": [{"name": "default", "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": true}}]}"#.into()),
        (cfg("describe-configuration-recorder-status.json"), r#"{"ConfigurationRecordersStatus": [{"name": "default", "recording": true, "lastStatus": "SUCCESS"}]}"#.into()),
        (cfg("describe-delivery-channels.json"), r#"{"DeliveryChannels": [{"name": "default", "s3BucketName": "logs"}]}"#.into()),
        (cfg("describe-config-rules.json"), r#"{"ConfigRules": []}"#.into()),
        (cfg("describe-compliance-by-config-rule.json"), r#"{"ComplianceByConfigRules": []}"#.into()),
        (cfg("get-discovered-resource-counts.json"), r#"{"totalDiscoveredResources": 0, "resourceCounts": []}"#.into()),
    ];
    for &t in auditpack::evidence::ResourceType::ALL {
        files.push((auditpack::evidence::DocId::resources(ACCOUNT, "us-east-1", t).path(), r#"{"baseConfigurationItems": []}"#.into()));
    }
    write_bundle(dir, files)
}

#[test]
fn an_empty_account_is_not_applicable_everywhere_and_scores_only_what_was_assessed() {
    let dir = tempdir();
    let bundle = empty_account(dir.path());
    let out = dir.path().join("packet");
    let o = run(&["report", "--evidence", bundle.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = results(&out);
    let checks = r["checks"].as_object().unwrap();
    let napp: Vec<&String> = checks.iter().filter(|(_, c)| c["status"] == "not_applicable").map(|(id, _)| id).collect();
    for id in ["s3-default-encryption", "ebs-volume-encryption", "rds-backups", "iam-console-mfa", "iam-no-full-admin-policies"] {
        assert!(napp.iter().any(|n| *n == id), "{id} is not not_applicable: {}", checks[id]);
        assert!(checks[id]["findings"].as_array().unwrap().iter().all(|f| f["status"] != "pass"), "{id}: nothing in scope passes");
    }
    let summary = std::fs::read_to_string(out.join("summary.html")).unwrap();
    let summary_pdf = stdout(&tool("pdftotext", &["-layout", out.join("summary.pdf").to_str().unwrap(), "-"]));
    assert!(summary.contains("Not applicable"), "summary.html has the column");
    assert!(summary_pdf.contains("applicable") && summary_pdf.contains("NOT APPLICABLE"), "summary.pdf has the column and the legend");
    let mut any_napp_control = false;
    for f in r["frameworks"].as_array().unwrap() {
        let s = &f["summary"]["by_status"];
        let (pass, fail, napp) = (s["pass"].as_u64().unwrap(), s["fail"].as_u64().unwrap(), s["not_applicable"].as_u64().unwrap());
        let controls = f["controls"].as_array().unwrap();
        assert_eq!(napp as usize, controls.iter().filter(|c| c["status"] == "not_applicable").count());
        any_napp_control |= napp > 0;
        for c in controls.iter().filter(|c| c["status"] == "not_applicable") {
            assert!(c["checks"].as_array().unwrap().iter().all(|k| k["status"] == "not_applicable"), "{}", c["id"]);
        }
        // The score counts passing and failing controls only.
        let score = (pass * 100 + (pass + fail) / 2).checked_div(pass + fail).map_or("n/a".to_string(), |pct| format!("{pct}%"));
        let id = f["id"].as_str().unwrap();
        let section = &summary[summary.find(&format!("id=\"fw-{id}\"")).unwrap()..];
        assert!(section.contains(&format!("<span class=\"score\">{score}</span>")), "{id}: score {score}");
        assert!(section.contains(&format!("<td>{napp}</td>")), "{id}: the not applicable count");
        let html = std::fs::read_to_string(out.join(format!("{id}.html"))).unwrap();
        let pdf = stdout(&tool("pdftotext", &["-layout", out.join(format!("{id}.pdf")).to_str().unwrap(), "-"]));
        if napp > 0 {
            assert!(html.contains("badge napp\">NOT APPLICABLE"), "{id}.html");
            assert!(pdf.contains("NOT APPLICABLE"), "{id}.pdf");
        }
    }
    assert!(any_napp_control, "some control has nothing in scope");
}
