//! `report --exceptions FILE`: accepted risks with an approver and an expiry, through the binary.

use std::path::Path;

use serde_json::Value;

use crate::util::*;

fn counts<'a>(r: &'a Value, framework: &str) -> &'a Value {
    &r["frameworks"].as_array().unwrap().iter().find(|f| f["id"] == framework).unwrap()["summary"]["by_status"]
}

/// PCI DSS 8.3.6 fails in the demo on the password policy's length and complexity; this accepts
/// both findings for that control until the end of 2026, and names a check on a resource that
/// does not exist.
const FILE: &str = r#"[[exception]]
framework = "pci-dss-4.0"
control = "8.3.6"
justification = "Sign-in goes through the corporate identity provider, which enforces 14 characters."
approved_by = "A. Smith, Head of Platform"
approved_on = 2026-11-01
expires_on = 2026-12-31
ticket = "SEC-77"

[[exception]]
check = "s3-access-logging"
resources = ["arn:aws:s3:::no-such-bucket-*"]
justification = "Buckets being decommissioned."
approved_by = "J. Doe, CISO"
approved_on = 2026-11-01
expires_on = 2027-02-28
"#;

fn report(dir: &Path, file: &Path, epoch: Option<&str>) -> (std::process::Output, std::path::PathBuf) {
    let out = dir.join(format!("packet-{}", epoch.unwrap_or("collection")));
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_auditpack"));
    cmd.args(["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--exceptions", file.to_str().unwrap()]);
    match epoch {
        Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    (cmd.output().unwrap(), out)
}

#[test]
fn an_accepted_failure_is_accepted_risk_until_it_expires_then_fails_again() {
    let dir = tempdir();
    let file = dir.path().join("risks.toml");
    std::fs::write(&file, FILE).unwrap();
    let plain = dir.path().join("plain");
    let o = run(&["report", "--evidence", DEMO, "--out", plain.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = results(&plain);
    assert_eq!(control(&before, "pci-dss-4.0", "8.3.6")["status"], "fail");

    // Judged on the demo's collection day (2026-12-02): in force.
    let (o, out) = report(dir.path(), &file, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("exception 2 (check s3-access-logging) matches no failing finding"), "{}", stderr(&o));
    let r = results(&out);
    let c = control(&r, "pci-dss-4.0", "8.3.6");
    assert_eq!(c["status"], "accepted_risk", "{c}");
    assert!(c["status_reason"].as_str().unwrap().contains("not a pass"));
    let mut accepted: Vec<&str> = c["accepted"].as_array().unwrap().iter().map(|a| a["check"].as_str().unwrap()).collect();
    accepted.sort();
    assert_eq!(accepted, ["iam-password-complexity", "iam-password-min-length"]);
    // For that control only: the finding still fails in checks and in HIPAA.
    assert_eq!(r["checks"]["iam-password-min-length"]["findings"][0]["status"], "fail");
    assert_eq!(control(&r, "hipaa", "164.308(a)(5)(ii)(D)")["status"], "fail");
    // Counted as not passing: one fewer failure, one accepted risk, the same passes and score.
    let (b, n) = (counts(&before, "pci-dss-4.0"), counts(&r, "pci-dss-4.0"));
    assert_eq!(
        (n["fail"].as_u64().unwrap() + 1, n["accepted_risk"].as_u64(), &n["pass"]),
        (b["fail"].as_u64().unwrap(), Some(1), &b["pass"])
    );
    let states: Vec<&str> = r["exceptions"]["entries"].as_array().unwrap().iter().map(|e| e["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["active", "unmatched"]);
    let sha = auditpack::evidence::sha256_hex(FILE.as_bytes());
    assert_eq!(r["exceptions"]["sha256"], sha.as_str());
    // In the packets: the status, the justification, approver and expiry, and the file's hash.
    let html = std::fs::read_to_string(out.join("pci-dss-4.0.html")).unwrap();
    assert!(html.contains(&format!("<tr><th scope=\"row\">Exceptions file SHA-256</th><td class=\"hash\">{sha}")), "hash on the cover");
    let article = &html[html.find("id=\"ctl-8-3-6\"").unwrap()..];
    let article = &article[..article.find("</article>").unwrap()];
    assert!(
        article.contains("ACCEPTED RISK") && article.contains("A. Smith, Head of Platform") && article.contains("expires 2026-12-31"),
        "{article}"
    );
    let section = &html[html.find("<section id=\"accepted\">").unwrap()..];
    assert!(section.contains("ACTIVE") && section.contains("MATCHES NOTHING") && section.contains("SEC-77"));
    let pdf = stdout(&tool("pdftotext", &["-layout", out.join("pci-dss-4.0.pdf").to_str().unwrap(), "-"]));
    assert!(pdf.contains("ACCEPTED RISK") && pdf.contains(&sha) && pdf.contains("Accepted risks"));
    assert!(std::fs::read_to_string(out.join("summary.html")).unwrap().contains(&sha), "hash on the summary");

    // Judged on 2027-01-05 (SOURCE_DATE_EPOCH): expired, so the control fails again.
    let (o, out) = report(dir.path(), &file, Some("1799107200"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("exception 1 (pci-dss-4.0 control 8.3.6) expired on 2026-12-31"), "{}", stderr(&o));
    let r = results(&out);
    assert_eq!(control(&r, "pci-dss-4.0", "8.3.6")["status"], "fail");
    assert_eq!(r["exceptions"]["entries"][0]["state"], "expired");
    assert_eq!(counts(&r, "pci-dss-4.0")["accepted_risk"], 0);
    let html = std::fs::read_to_string(out.join("pci-dss-4.0.html")).unwrap();
    assert!(html[html.find("<section id=\"accepted\">").unwrap()..].contains("EXPIRED"));
}

#[test]
fn a_check_entry_accepts_the_finding_everywhere_the_check_is_used() {
    let dir = tempdir();
    let file = dir.path().join("risks.toml");
    std::fs::write(
        &file,
        "[[exception]]\ncheck = \"iam-support-role\"\njustification = \"AWS Support is reached through the managed-services partner.\"\napproved_by = \"J. Doe\"\napproved_on = 2026-11-01\nexpires_on = 2027-03-31\n",
    )
    .unwrap();
    let (o, out) = report(dir.path(), &file, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = results(&out);
    let f = &r["checks"]["iam-support-role"];
    assert_eq!(
        (f["status"].as_str(), f["findings"][0]["status"].as_str(), f["findings"][0]["exception"].as_u64()),
        (Some("accepted_risk"), Some("accepted_risk"), Some(1))
    );
    for fw in r["frameworks"].as_array().unwrap() {
        for c in fw["controls"].as_array().unwrap() {
            for k in c["checks"].as_array().unwrap().iter().filter(|k| k["id"] == "iam-support-role") {
                assert_eq!(k["status"], "accepted_risk", "{} {}", fw["id"], c["id"]);
                assert_ne!(c["status"], "pass", "an accepted failure never makes a pass: {} {}", fw["id"], c["id"]);
            }
        }
    }
}

#[test]
fn a_malformed_exceptions_file_is_refused_with_file_line_column_and_fix_and_writes_nothing() {
    let dir = tempdir();
    let file = dir.path().join("risks.toml");
    let cases: [(&str, &str); 4] = [
        ("[[exception]]\ncheck = \"iam-user-mfa\"\njustification = \"j\"\napproved_by = \"a\"\napproved_on = 2026-11-01\nexpires_on = 2027-01-01\n", ":2:9: exception 1: unknown check id \"iam-user-mfa\""),
        ("[[exception]]\ncheck = \"iam-console-mfa\"\njustification = \"j\"\napproved_by = \"a\"\napproved_on = 2026-11-01\n", ":1:1: exception 1 has no expires_on: every accepted risk needs an expiry"),
        ("[[exception]]\ncheck = \"iam-console-mfa\"\njustification = \"j\"\napproved_by = \"a\"\napproved_on = 2026-11-01\nexpires_on = 2026-10-01\n", ":6:14: exception 1 expires on 2026-10-01, before it was approved on 2026-11-01"),
        ("[[exception]]\ncheck = \"iam-console-mfa\"\njustification = \"j\"\napproved_by = \"a\"\napproved_on = \"1 Nov 2026\"\nexpires_on = 2027-01-01\n", ":5:15: exception 1: `approved_on`: \"1 Nov 2026\" is not a date"),
    ];
    for (text, message) in cases {
        std::fs::write(&file, text).unwrap();
        let (o, out) = report(dir.path(), &file, None);
        assert_eq!(o.status.code(), Some(2), "{text}");
        let err = stderr(&o);
        assert!(err.contains(&format!("{}{message}", file.display())), "expected {message} in:\n{err}");
        assert!(err.contains("  fix: "), "{err}");
        assert!(!out.exists(), "nothing written for {text}");
    }
}
