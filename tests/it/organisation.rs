//! Organisation bundles: several accounts in one bundle, and `report --account` evaluating one alone.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::util::*;

const OTHER: &str = "777788889999";

/// The demo account twice: as itself, and as `OTHER` (every file copied with its account id
/// replaced), where the credential report was not collected. Sealed as one bundle, collected when
/// the demo was.
fn two_accounts(dir: &Path) -> std::path::PathBuf {
    let demo = Path::new(DEMO).join(ACCOUNT);
    let mut files = Vec::new();
    for path in walk(&demo) {
        let rel = path.strip_prefix(DEMO).unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        if !rel.ends_with("credential-report.csv") {
            files.push((rel.replacen(ACCOUNT, OTHER, 1), text.replace(ACCOUNT, OTHER)));
        }
        files.push((rel, text));
    }
    let root = dir.join("evidence");
    for (p, t) in files {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
    let opts = auditpack::evidence::SealOptions { collected_at: Some(demo_collected_at().parse().unwrap()), ..Default::default() };
    auditpack::evidence::seal_dir(&root, &opts).unwrap();
    root
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every finding of a results.json as (check, finding id, status, account), the account `None`
/// when the resource's name does not say (an S3 bucket's ARN).
type Found = BTreeSet<(String, String, String, Option<String>)>;

fn findings(r: &Value) -> Found {
    let mut out = BTreeSet::new();
    for (check, c) in r["checks"].as_object().unwrap() {
        for f in c["findings"].as_array().unwrap() {
            let text = |k: &str| f[k].as_str().unwrap().to_string();
            out.insert((check.clone(), text("id"), text("status"), f["account"].as_str().map(str::to_string)));
        }
    }
    out
}

fn of(found: &Found, account: Option<&str>) -> Found {
    found.iter().filter(|f| f.3.as_deref() == account).cloned().collect()
}

fn report(evidence: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["report", "--evidence", evidence.to_str().unwrap(), "--out", out.to_str().unwrap(), "--format", "json,html"];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn report_account_evaluates_one_account_of_an_organisation_bundle_alone() {
    let dir = tempdir();
    let evidence = two_accounts(dir.path());
    let all = dir.path().join("all");
    ok(&report(&evidence, &all, &[]));
    let r_all = results(&all);
    assert_eq!(r_all["evidence"]["accounts"], serde_json::json!([ACCOUNT, OTHER]));
    let missing = format!("{OTHER}/global/iam/credential-report.csv");

    // The demo account alone: exactly its part of the whole, and nothing of the other account.
    let one = dir.path().join("one");
    let o = report(&evidence, &one, &["--account", ACCOUNT]);
    ok(&o);
    assert!(stderr(&o).contains(&format!("evaluating account {ACCOUNT} alone")));
    let r_one = results(&one);
    assert_eq!(r_one["evidence"]["accounts"], serde_json::json!([ACCOUNT]));
    assert_eq!(r_one["evidence"]["manifest_sha256"], r_all["evidence"]["manifest_sha256"], "the packet names the bundle it came from");
    let (mine, whole) = (findings(&r_one), findings(&r_all));
    assert!(mine.iter().all(|f| f.3.is_none() || f.3.as_deref() == Some(ACCOUNT)), "every finding is the account's own");
    assert!(of(&mine, Some(ACCOUNT)).len() > 100);
    assert_eq!(of(&mine, Some(ACCOUNT)), of(&whole, Some(ACCOUNT)), "the same findings as its part of the whole bundle");
    assert!(of(&mine, None).is_subset(&of(&whole, None)));
    assert!(of(&whole, Some(OTHER)).len() > 100, "the whole bundle has the other account's findings too");
    let files: Vec<&str> = r_one["evidence"]["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(!files.is_empty() && files.iter().all(|p| p.starts_with(&format!("{ACCOUNT}/"))), "{files:?}");
    let text = std::fs::read_to_string(one.join("results.json")).unwrap();
    let at = text.find(OTHER).map(|i| &text[i.saturating_sub(300)..(i + 100).min(text.len())]);
    assert_eq!(at, None, "the other account appears nowhere in the one-account packet");
    assert!(!std::fs::read_to_string(one.join("hipaa.html")).unwrap().contains(OTHER));

    // The other account: its missing credential report leaves the checks needing it not assessed,
    // naming the file, for that account; the demo account's same checks were assessed.
    let other = dir.path().join("other");
    ok(&report(&evidence, &other, &["--account", OTHER]));
    let r_other = results(&other);
    let not_assessed: BTreeSet<&str> = r_other["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["controls"].as_array().unwrap())
        .flat_map(|c| c["checks"].as_array().unwrap())
        .filter(|k| k["status"] == "not_assessed" && k["reason"].as_str().is_some_and(|why| why.contains(&missing)))
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    assert!(!not_assessed.is_empty(), "some check needs the credential report");
    for id in &not_assessed {
        assert_ne!(r_one["checks"][*id]["status"], "not_assessed", "{id} was assessed for {ACCOUNT}");
    }
    assert!(!std::fs::read_to_string(other.join("results.json")).unwrap().contains(&format!("\"{ACCOUNT}")));

    // The whole bundle's packets break each framework down by account: each account's counts are
    // those of its packet alone, and so are its failing customer-owned or shared controls.
    for (alone, account) in [(&r_one, ACCOUNT), (&r_other, OTHER)] {
        for (f, f_alone) in r_all["frameworks"].as_array().unwrap().iter().zip(alone["frameworks"].as_array().unwrap()) {
            assert!(f_alone.get("by_account").is_none(), "a one-account packet has no breakdown");
            let row = f["by_account"].as_array().unwrap().iter().find(|a| a["account"] == account).unwrap();
            assert_eq!(row["by_status"], f_alone["summary"]["by_status"], "{} {account}", f["id"]);
            assert_eq!(row["by_owner"], f_alone["summary"]["by_owner"], "{} {account}", f["id"]);
            let failing: Vec<&Value> = f_alone["controls"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["status"] == "fail" && c["owner"] != "aws")
                .map(|c| &c["id"])
                .collect();
            assert!(!failing.is_empty());
            assert_eq!(row["failing"].as_array().unwrap().iter().collect::<Vec<_>>(), failing);
        }
    }
    // Findings name their account even where the resource's name does not (an S3 bucket's ARN).
    let buckets: Vec<&Value> = r_all["checks"]["s3-versioning"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource"].as_str().unwrap().starts_with("arn:aws:s3:::"))
        .collect();
    assert!(!buckets.is_empty());
    let owners: BTreeSet<&str> = buckets.iter().map(|f| f["account"].as_str().expect("the bucket's account")).collect();
    assert_eq!(owners, BTreeSet::from([ACCOUNT, OTHER]));
    let hipaa_all = r_all["frameworks"].as_array().unwrap().iter().find(|f| f["id"] == "hipaa").unwrap();
    assert_eq!(hipaa_all["by_account"].as_array().unwrap().len(), 2);
    let html = std::fs::read_to_string(all.join("hipaa.html")).unwrap();
    let section = html.split("<section id=\"accounts\">").nth(1).expect("a By account section").split("</section>").next().unwrap();
    assert!(section.contains(&format!("<th scope=\"row\">{ACCOUNT}</th>")) && section.contains(&format!("<th scope=\"row\">{OTHER}</th>")));
    let summary = std::fs::read_to_string(all.join("summary.html")).unwrap();
    assert!(summary.contains("By account (2), failing customer-owned or shared controls:"), "{summary}");
    assert!(!std::fs::read_to_string(one.join("hipaa.html")).unwrap().contains("<section id=\"accounts\">"));
    let errors = crate::handoff::schema_errors(&[&all.join("results.json"), &one.join("results.json")]);
    assert!(errors.is_empty(), "results.json does not match docs/results.schema.json:\n{}", errors.join("\n"));
}

#[test]
fn report_account_refuses_an_account_not_in_the_bundle_and_writes_nothing() {
    let dir = tempdir();
    let evidence = two_accounts(dir.path());
    let out = dir.path().join("packet");
    let o = report(&evidence, &out, &["--account", "999999999999"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("account 999999999999 is not in this evidence bundle"), "{err}");
    assert!(err.contains(&format!("its accounts: {ACCOUNT}, {OTHER}")) && err.contains("fix: pass --account with one of them"), "{err}");
    assert!(!out.exists(), "nothing is written");
}
