//! The quarterly cycle: changes since the previous period (`--previous`), manual evidence
//! attached and counted for its period, AWS attestations cited and aged.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::report::pdf_outline;
use crate::util::*;

fn pdf_text(path: &Path) -> String {
    stdout(&tool("pdftotext", &["-layout", path.to_str().unwrap(), "-"]))
}

/// The demo account one quarter on: the password policy fixed (length 14, symbols, reuse
/// prevention) and a new failure (the root user has an active access key).
fn next_quarter(dir: &Path) -> PathBuf {
    let bundle = demo_copy(dir);
    let iam = bundle.join(format!("{ACCOUNT}/global/iam"));
    let policy_path = iam.join("get-account-password-policy.json");
    let mut policy: Value = serde_json::from_slice(&std::fs::read(&policy_path).unwrap()).unwrap();
    let p = policy["PasswordPolicy"].as_object_mut().unwrap();
    p.insert("MinimumPasswordLength".into(), 14.into());
    p.insert("RequireSymbols".into(), true.into());
    p.insert("PasswordReusePrevention".into(), 24.into());
    std::fs::write(&policy_path, serde_json::to_vec_pretty(&policy).unwrap()).unwrap();
    let report_path = iam.join("credential-report.csv");
    let csv = std::fs::read_to_string(&report_path).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let lines: Vec<String> = csv
        .lines()
        .map(|line| {
            if !line.starts_with("<root_account>,") {
                return line.to_string();
            }
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            cells[col("access_key_1_active")] = "true".into();
            cells[col("access_key_1_last_rotated")] = "2026-11-01T00:00:00+00:00".into();
            cells.join(",")
        })
        .collect();
    std::fs::write(&report_path, lines.join("\n") + "\n").unwrap();
    let summary_path = iam.join("get-account-summary.json");
    let mut summary: Value = serde_json::from_slice(&std::fs::read(&summary_path).unwrap()).unwrap();
    summary["SummaryMap"]["AccountAccessKeysPresent"] = 1.into();
    std::fs::write(&summary_path, serde_json::to_vec_pretty(&summary).unwrap()).unwrap();
    auditpack::evidence::seal_dir(&bundle, &Default::default()).unwrap();
    bundle
}

fn framework<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["frameworks"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap()
}

/// Last quarter's packet (the demo) and this quarter's bundle, in `dir`.
fn two_quarters(dir: &Path) -> (PathBuf, PathBuf) {
    let q3 = dir.join("q3");
    ok(&run(&["demo", "--out", q3.to_str().unwrap()]));
    let q4 = next_quarter(&dir.join("q4"));
    (q3, q4)
}

#[test]
fn a_fixed_and_a_new_failure_show_per_control_per_finding_in_results_packets_and_summary() {
    let dir = tempdir();
    let (q3, q4) = two_quarters(dir.path());
    let out = dir.path().join("packet");
    ok(&run(&["report", "--evidence", q4.to_str().unwrap(), "--out", out.to_str().unwrap(), "--previous", q3.to_str().unwrap()]));
    let r = results(&out);
    assert_eq!(r["schema_version"], 4);

    // Per control: the password length requirement is fixed, the root key control fails anew.
    let fixed = control(&r, "pci-dss-4.0", "8.3.6");
    assert_eq!(
        (fixed["previous_status"].as_str(), fixed["status"].as_str(), fixed["change"].as_str()),
        (Some("fail"), Some("pass"), Some("fixed"))
    );
    let new = control(&r, "hipaa", "164.312(a)(2)(i)");
    assert_eq!(
        (new["previous_status"].as_str(), new["status"].as_str(), new["change"].as_str()),
        (Some("pass"), Some("fail"), Some("new_failure"))
    );
    assert_eq!(control(&r, "hipaa", "164.312(d)")["change"], "still_failing");
    let hipaa = &framework(&r, "hipaa")["changes"];
    assert_eq!(hipaa["new_failure"].as_u64(), Some(1), "{hipaa}");
    let pci = &framework(&r, "pci-dss-4.0")["changes"];
    let fixed_here = framework(&r, "pci-dss-4.0")["controls"].as_array().unwrap().iter().filter(|c| c["change"] == "fixed").count();
    assert!(fixed_here >= 1 && pci["fixed"].as_u64() == Some(fixed_here as u64), "{pci}");
    assert!(hipaa["score_before"].is_u64() && hipaa["score_now"].is_u64());

    // Per finding, by stable id: the root key is new, bob's missing MFA persists, and the
    // password policy's findings are resolved.
    let findings = |check: &str| r["checks"][check]["findings"].as_array().unwrap().clone();
    let root = &findings("iam-root-access-keys")[0];
    assert_eq!((root["status"].as_str(), root["change"].as_str()), (Some("fail"), Some("new")));
    let bob = findings("iam-console-mfa").into_iter().find(|f| f["resource"].as_str().unwrap().ends_with("user/bob")).unwrap();
    assert_eq!(bob["change"], "persisting");
    assert!(bob["id"].as_str().unwrap().starts_with("iam-console-mfa/"), "{bob}");
    let resolved: Vec<&str> = r["changes"]["resolved"].as_array().unwrap().iter().map(|f| f["check"].as_str().unwrap()).collect();
    assert_eq!(resolved, ["iam-password-complexity", "iam-password-min-length", "iam-password-reuse"]);
    assert_eq!(r["changes"]["findings"]["new"], 1);
    assert_eq!(r["changes"]["findings"]["resolved"], 3);
    assert_eq!(r["changes"]["accounts_added"], serde_json::json!([]));

    // The packets: a "Changes since" section in the contents and the bookmarks, and both controls.
    let label = r["changes"]["previous"]["label"].as_str().unwrap().to_string();
    let html = std::fs::read_to_string(out.join("hipaa.html")).unwrap();
    assert!(html.contains(&format!("<li><a href=\"#changes\">Changes since {label}</a></li>")), "contents entry");
    assert!(html.contains(&format!("<h2>Changes since {label}</h2>")));
    let changes_html = &html[html.find("<section id=\"changes\">").unwrap()..html.find("<section id=\"matrix\">").unwrap()];
    for needle in ["164.312(a)(2)(i)", "NEW FAILURE", "164.308(a)(5)(ii)(D)", "FIXED", "iam-root-access-keys", "iam-password-min-length"] {
        assert!(changes_html.contains(needle), "HTML changes lack {needle}");
    }
    let pdf = pdf_text(&out.join("hipaa.pdf"));
    let section = &pdf[pdf.rfind(&format!("Changes since {label}\n")).unwrap()..pdf.find("Responsibility matrix\nWho carries").unwrap()];
    // (Table cells wrap: "164.312(a)(2)(i)" is drawn as "164.312(a)(2)" and "(i)".)
    for needle in ["164.312(a)(2)", "NEW FAILURE", "iam-root-access-keys", "Failing findings: 1 new,"] {
        assert!(section.contains(needle), "PDF changes lack {needle}:\n{section}");
    }
    let pci_pdf = pdf_text(&out.join("pci-dss-4.0.pdf"));
    let pci_section =
        &pci_pdf[pci_pdf.rfind(&format!("Changes since {label}\n")).unwrap()..pci_pdf.find("Responsibility matrix\nWho carries").unwrap()];
    for needle in ["8.3.6", "FIXED", "iam-password-min-length"] {
        assert!(pci_section.contains(needle), "PCI PDF changes lack {needle}:\n{pci_section}");
    }
    let outline = pdf_outline(&out.join("hipaa.pdf"));
    assert!(outline.contains(&(0, format!("Changes since {label}"))), "{outline:?}");
    // The summary: score then and now, fixed and new counts, per framework.
    let summary_html = std::fs::read_to_string(out.join("summary.html")).unwrap();
    let summary_pdf = pdf_text(&out.join("summary.pdf"));
    let then_now = format!("score {}% → {}%; {} fixed, 1 new failure(s)", hipaa["score_before"], hipaa["score_now"], hipaa["fixed"]);
    assert!(summary_html.contains(&then_now), "summary.html lacks {then_now}");
    assert!(summary_pdf.replace('\n', " ").contains(&then_now), "summary.pdf lacks {then_now}:\n{summary_pdf}");
    assert_eq!(lopdf::Document::load(out.join("summary.pdf")).unwrap().get_pages().len(), 1, "the summary stays one page");

    // The same pair again: byte-identical files.
    let again = dir.path().join("again");
    ok(&run(&["report", "--evidence", q4.to_str().unwrap(), "--out", again.to_str().unwrap(), "--previous", q3.to_str().unwrap()]));
    for name in ["results.json", "hipaa.html", "hipaa.pdf", "summary.html", "summary.pdf", "pci-dss-4.0.pdf"] {
        assert!(std::fs::read(out.join(name)).unwrap() == std::fs::read(again.join(name)).unwrap(), "{name} differs between runs");
    }
}

#[test]
fn the_previous_bundle_compares_as_its_packet_does() {
    let dir = tempdir();
    let (q3, q4) = two_quarters(dir.path());
    let by_packet = dir.path().join("by-packet");
    let by_bundle = dir.path().join("by-bundle");
    ok(&run(&[
        "report",
        "--evidence",
        q4.to_str().unwrap(),
        "--out",
        by_packet.to_str().unwrap(),
        "--previous",
        q3.join("results.json").to_str().unwrap(),
        "--format",
        "json",
    ]));
    ok(&run(&[
        "report",
        "--evidence",
        q4.to_str().unwrap(),
        "--out",
        by_bundle.to_str().unwrap(),
        "--previous",
        q3.join("evidence").to_str().unwrap(),
        "--format",
        "json",
    ]));
    let (a, b) = (results(&by_packet), results(&by_bundle));
    assert_eq!(a["changes"]["findings"], b["changes"]["findings"]);
    assert_eq!(a["changes"]["resolved"], b["changes"]["resolved"]);
    for f in ["gdpr", "hipaa", "pci-dss-4.0"] {
        assert_eq!(framework(&a, f)["changes"], framework(&b, f)["changes"], "{f}");
    }
}

#[test]
fn a_schema_2_results_json_is_compared_by_derived_finding_ids() {
    let dir = tempdir();
    let (q3, q4) = two_quarters(dir.path());
    // Schema 2 had no finding ids, no accounts and no accepted_risk.
    let mut old = results(&q3);
    old["schema_version"] = 2.into();
    for (_, k) in old["checks"].as_object_mut().unwrap() {
        for f in k["findings"].as_array_mut().unwrap() {
            let f = f.as_object_mut().unwrap();
            f.remove("id");
            f.remove("account");
        }
    }
    let path = dir.path().join("old-results.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&old).unwrap()).unwrap();
    let out = dir.path().join("packet");
    ok(&run(&[
        "report",
        "--evidence",
        q4.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--previous",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let r = results(&out);
    assert_eq!(r["changes"]["previous"]["schema_version"], 2);
    assert_eq!((r["changes"]["findings"]["new"].as_u64(), r["changes"]["findings"]["resolved"].as_u64()), (Some(1), Some(3)));
}

#[test]
fn accounts_added_or_removed_are_listed_and_their_findings_are_neither_new_nor_resolved() {
    let dir = tempdir();
    let (q3, q4) = two_quarters(dir.path());
    // This quarter's passing controls that passed last quarter too.
    let now = dir.path().join("now");
    ok(&run(&["report", "--evidence", q4.to_str().unwrap(), "--out", now.to_str().unwrap(), "--format", "json"]));
    let now = results(&now);
    // Last quarter also covered account 444455556666, where each of those controls failed (and
    // only there): its first check had a failing finding in that account.
    let mut old = results(&q3);
    old["evidence"]["accounts"] = serde_json::json!([ACCOUNT, "444455556666"]);
    let mut passing = Vec::new();
    for f in now["frameworks"].as_array().unwrap() {
        for c in f["controls"].as_array().unwrap().iter().filter(|c| c["status"] == "pass") {
            let check = c["checks"][0]["id"].as_str().unwrap();
            let then = old["frameworks"].as_array_mut().unwrap().iter_mut().find(|x| x["id"] == f["id"]).unwrap();
            let then = then["controls"].as_array_mut().unwrap().iter_mut().find(|x| x["id"] == c["id"]).unwrap();
            if then["status"] != "pass" {
                continue; // fixed this quarter in the account both hold
            }
            then["status"] = "fail".into();
            passing.push((f["id"].as_str().unwrap().to_string(), c["id"].as_str().unwrap().to_string()));
            let gone = serde_json::json!({
                "id": format!("{check}/0000{}", passing.len()), "account": "444455556666",
                "resource": format!("arn:aws:iam::444455556666:user/gone-{}", passing.len()), "status": "fail", "detail": "failed there"
            });
            old["checks"][check]["findings"].as_array_mut().unwrap().push(gone);
        }
    }
    assert!(!passing.is_empty(), "the demo has passing controls");
    let path = dir.path().join("two-accounts.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&old).unwrap()).unwrap();
    let out = dir.path().join("packet");
    ok(&run(&["report", "--evidence", q4.to_str().unwrap(), "--out", out.to_str().unwrap(), "--previous", path.to_str().unwrap()]));
    let r = results(&out);
    assert_eq!(r["changes"]["accounts_removed"], serde_json::json!(["444455556666"]));
    assert_eq!(r["changes"]["accounts_compared"], serde_json::json!([ACCOUNT]));
    let resolved = r["changes"]["resolved"].as_array().unwrap();
    assert!(resolved.iter().all(|f| f["account"] != "444455556666"), "a removed account's finding is not resolved: {resolved:?}");
    // Those controls failed last quarter only in the removed account: compared on the account
    // both quarters hold, they are unchanged, not fixed.
    for (f, id) in &passing {
        let c = control(&r, f, id);
        assert_eq!((c["previous_status"].as_str(), c["change"].as_str()), (Some("fail"), Some("unchanged")), "{f} {id}");
    }
    let html = std::fs::read_to_string(out.join("pci-dss-4.0.html")).unwrap();
    assert!(html.contains("<strong>Accounts removed since:</strong> 444455556666"), "listed as removed");
}

#[test]
fn a_previous_packet_of_other_accounts_or_an_unknown_schema_is_refused_with_the_fix() {
    let dir = tempdir();
    let (q3, q4) = two_quarters(dir.path());
    let out = dir.path().join("packet");
    let previous = |r: &Value, name: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(r).unwrap()).unwrap();
        run(&["report", "--evidence", q4.to_str().unwrap(), "--out", out.to_str().unwrap(), "--previous", path.to_str().unwrap()])
    };
    let mut other = results(&q3);
    other["evidence"]["accounts"] = serde_json::json!(["999988887777"]);
    let o = previous(&other, "other.json");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("share no account") && stderr(&o).contains("fix: pass the previous packet of the same account(s)"),
        "{}",
        stderr(&o)
    );
    let mut future = results(&q3);
    future["schema_version"] = 9.into();
    let o = previous(&future, "future.json");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("schema_version 9 cannot be compared")
            && stderr(&o).contains("fix: pass the previous period's evidence bundle"),
        "{}",
        stderr(&o)
    );
    // Truncated, or of the right schema but missing what the comparison needs.
    let truncated = dir.path().join("truncated.json");
    let whole = std::fs::read(q3.join("results.json")).unwrap();
    std::fs::write(&truncated, &whole[..whole.len() / 2]).unwrap();
    let o = run(&["report", "--evidence", q4.to_str().unwrap(), "--out", out.to_str().unwrap(), "--previous", truncated.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{}:", truncated.display())) && stderr(&o).contains("fix: "), "{}", stderr(&o));
    let mut no_checks = results(&q3);
    no_checks.as_object_mut().unwrap().remove("checks");
    let o = previous(&no_checks, "no-checks.json");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing field `checks`") && stderr(&o).contains("fix: "), "{}", stderr(&o));
    let mut bad_status = results(&q3);
    bad_status["frameworks"][0]["controls"][0]["status"] = "passed".into();
    let o = previous(&bad_status, "bad-status.json");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown variant `passed`"), "{}", stderr(&o));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = run(&["report", "--evidence", q4.to_str().unwrap(), "--out", out.to_str().unwrap(), "--previous", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("holds neither"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing written on a refused --previous");
}

#[test]
fn attached_evidence_makes_a_manual_control_evidence_attached_never_pass_and_stale_before_the_period() {
    let dir = tempdir();
    let bundle = demo_copy(dir.path());
    let doc = dir.path().join("training-2026.pdf");
    std::fs::write(&doc, b"%PDF-1.4\nsecurity awareness training records\n").unwrap();
    let control_id = "164.308(a)(5)(i)";
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_auditpack"))
        .args([
            "attach",
            bundle.to_str().unwrap(),
            "--framework",
            "hipaa",
            "--control",
            control_id,
            "--by",
            "J. Doe",
            "--note",
            "Q4 records",
        ])
        .arg(&doc)
        .env("SOURCE_DATE_EPOCH", "1793000000") // 2026-10-26
        .output()
        .unwrap();
    ok(&o);
    ok(&run(&["verify", bundle.to_str().unwrap()]));
    let out = dir.path().join("packet");
    ok(&run(&[
        "report",
        "--evidence",
        bundle.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--period-start",
        "2026-10-01",
        "--period-end",
        "2026-12-31",
    ]));
    let r = results(&out);
    let c = control(&r, "hipaa", control_id);
    assert_eq!(c["status"], "evidence_attached");
    let a = &c["attachments"][0];
    assert_eq!((a["attached_by"].as_str(), a["stale"].as_bool(), a["note"].as_str()), (Some("J. Doe"), Some(false), Some("Q4 records")));
    assert_eq!(a["sha256"].as_str().unwrap(), auditpack::evidence::sha256_hex(&std::fs::read(&doc).unwrap()));
    assert_eq!(framework(&r, "hipaa")["summary"]["by_status"]["evidence_attached"], 1);
    assert_eq!(framework(&r, "hipaa")["summary"]["by_status"]["pass"], 1, "attaching never adds a pass");
    let html = std::fs::read_to_string(out.join("hipaa.html")).unwrap();
    let article = &html[html.find("id=\"ctl-164-308-a-5-i\"").unwrap()..];
    let article = &article[..article.find("</article>").unwrap()];
    assert!(
        article.contains("EVIDENCE ATTACHED") && article.contains("training-2026.pdf") && article.contains(a["sha256"].as_str().unwrap())
    );
    let needed = &html[html.find("<section id=\"needed\">").unwrap()..];
    let needed = &needed[..needed.find("</section>").unwrap()];
    assert!(!needed.contains(">164.308(a)(5)(i)<"), "no longer needed");
    assert!(needed.contains(">164.308(a)(1)(i)<"), "other manual controls still needed");
    let pdf = pdf_text(&out.join("hipaa.pdf"));
    assert!(pdf.contains("EVIDENCE ATTACHED") && pdf.contains("Evidence still needed"));

    // With the period starting after the attachment, it is stale: the control is manual again.
    let later = dir.path().join("later");
    ok(&run(&[
        "report",
        "--evidence",
        bundle.to_str().unwrap(),
        "--out",
        later.to_str().unwrap(),
        "--period-start",
        "2027-01-01",
        "--format",
        "json,html",
    ]));
    let r = results(&later);
    let c = control(&r, "hipaa", control_id);
    assert_eq!((c["status"].as_str(), c["attachments"][0]["stale"].as_bool()), (Some("manual"), Some(true)));
    let html = std::fs::read_to_string(later.join("hipaa.html")).unwrap();
    assert!(html.contains("Documents attached before the period start") && html.contains("training-2026.pdf"));
}

#[test]
fn attestations_are_cited_by_aws_and_shared_controls_and_flagged_when_old() {
    let dir = tempdir();
    let file = dir.path().join("attestations.toml");
    std::fs::write(
        &file,
        "[[attestation]]\nid = \"soc2\"\nname = \"AWS SOC 2 Type II report\"\nshort = \"SOC 2\"\nkind = \"report\"\nperiod_start = 2025-04-01\nperiod_end = 2025-09-30\nsource = \"AWS Artifact\"\nframeworks = [\"hipaa\"]\n\n[[attestation]]\nid = \"baa\"\nname = \"AWS BAA\"\nkind = \"agreement\"\ndate = 2024-01-15\nsource = \"AWS Artifact\"\nframeworks = [\"hipaa\"]\n",
    )
    .unwrap();
    let out = dir.path().join("packet");
    ok(&run(&["demo", "--out", dir.path().join("demo").to_str().unwrap(), "--format", "json"]));
    let bundle = dir.path().join("demo/evidence");
    ok(&run(&[
        "report",
        "--evidence",
        bundle.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--framework",
        "hipaa",
        "--attestations",
        file.to_str().unwrap(),
    ]));
    let r = results(&out);
    let states: Vec<(&str, &str)> =
        r["attestations"].as_array().unwrap().iter().map(|a| (a["id"].as_str().unwrap(), a["state"].as_str().unwrap())).collect();
    assert_eq!(states, [("soc2", "stale"), ("baa", "agreement")]);
    let hipaa = framework(&r, "hipaa");
    for c in hipaa["controls"].as_array().unwrap() {
        let cites = c["attestations"].as_array().map(|a| a.len()).unwrap_or(0);
        if c["owner"] == "customer" {
            assert_eq!(cites, 0, "{} is the customer's: it cites nothing", c["id"]);
        } else {
            assert_eq!(cites, 2, "{} is {}: it cites both", c["id"], c["owner"]);
        }
    }
    let html = std::fs::read_to_string(out.join("hipaa.html")).unwrap();
    assert!(html.contains("<section id=\"attestations\">") && html.contains("STALE"));
    let summary = std::fs::read_to_string(out.join("summary.html")).unwrap();
    assert!(summary.contains("more than 12 months old: SOC 2"), "flagged in the summary");
    let pdf = pdf_text(&out.join("hipaa.pdf"));
    assert!(pdf.contains("AWS attestations") && pdf.contains("STALE"));

    // A bad attestations file is an error with file:line:col and the fix; nothing is written.
    std::fs::write(&file, "[[attestation]]\nid = \"soc2\"\nname = \"x\"\nkind = \"report\"\nperiod_end = \"last spring\"\nsource = \"a\"\nframeworks = [\"hipaa\"]\n").unwrap();
    let bad = dir.path().join("bad");
    let o =
        run(&["report", "--evidence", bundle.to_str().unwrap(), "--out", bad.to_str().unwrap(), "--attestations", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{}:5:14: period_end is not a date", file.display()))
            && stderr(&o).contains("fix: write the day as YYYY-MM-DD"),
        "{}",
        stderr(&o)
    );
    assert!(!bad.exists());
}

#[test]
fn the_readme_quarterly_cycle_runs_on_the_demo_bundle() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = &readme[readme.find("<!-- quarterly-cycle").expect("the README marks its quarterly cycle example")..];
    let block = &block[block.find("```sh\n").unwrap() + 6..];
    let block = &block[..block.find("```").unwrap()];
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("examples")).unwrap();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/exceptions.toml"), dir.path().join("examples/exceptions.toml")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_auditpack")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let o = std::process::Command::new("sh")
            .args(["-c", line])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "README line failed: {line}\n{}", stderr(&o));
    }
    let r = results(&dir.path().join("q4"));
    assert!(r["changes"]["previous"]["label"].is_string(), "compared with q3");
    assert!(r["exceptions"]["entries"].as_array().is_some_and(|e| !e.is_empty()), "exceptions applied");
    assert_eq!(control(&r, "hipaa", "164.308(a)(5)(i)")["status"], "evidence_attached");
    let accepted = r["exceptions"]["entries"].as_array().unwrap().iter().filter(|e| e["state"] == "active").count();
    assert!(accepted >= 1, "the shipped example accepts a demo failure: {}", r["exceptions"]);
}

/// A packet with every section of the quarterly cycle, written to `out`: next quarter's bundle
/// (under `work`) with a document attached, against the demo packet in `previous`, with the shipped
/// example exceptions and a period.
pub(crate) fn full_cycle_packet(previous: &Path, work: &Path) -> PathBuf {
    let bundle = next_quarter(work);
    let doc = work.join("policy.txt");
    std::fs::write(&doc, "Information security policy, approved 2026-10-02\n").unwrap();
    ok(&run(&[
        "attach",
        bundle.to_str().unwrap(),
        "--framework",
        "hipaa",
        "--control",
        "164.308(a)(1)(i)",
        "--by",
        "J. Doe",
        doc.to_str().unwrap(),
    ]));
    let out = work.join("packet");
    let exceptions = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/exceptions.toml");
    ok(&run(&[
        "report",
        "--evidence",
        bundle.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--previous",
        previous.to_str().unwrap(),
        "--exceptions",
        exceptions,
        "--period-start",
        "2026-10-01",
        "--period-end",
        "2026-12-31",
    ]));
    out
}

#[test]
fn the_previous_period_is_named_by_its_audit_period_when_it_had_one() {
    let dir = tempdir();
    let q3 = dir.path().join("q3");
    ok(&run(&[
        "report",
        "--evidence",
        DEMO,
        "--out",
        q3.to_str().unwrap(),
        "--format",
        "json",
        "--period-start",
        "2026-07-01",
        "--period-end",
        "2026-09-30",
    ]));
    let out = dir.path().join("q4");
    ok(&run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--format", "json,html", "--previous", q3.to_str().unwrap()]));
    let r = results(&out);
    assert_eq!(r["changes"]["previous"]["label"], "the period 2026-07-01 to 2026-09-30");
    let html = std::fs::read_to_string(out.join("gdpr.html")).unwrap();
    assert!(html.contains("<h2>Changes since the period 2026-07-01 to 2026-09-30</h2>"));
    // The same evidence both times: nothing moved, nothing new, nothing resolved.
    for f in r["frameworks"].as_array().unwrap() {
        let c = &f["changes"];
        assert_eq!(
            (c["new_failure"].as_u64(), c["fixed"].as_u64(), c["no_longer_assessed"].as_u64()),
            (Some(0), Some(0), Some(0)),
            "{}",
            f["id"]
        );
    }
    assert_eq!((r["changes"]["findings"]["new"].as_u64(), r["changes"]["findings"]["resolved"].as_u64()), (Some(0), Some(0)));
}
