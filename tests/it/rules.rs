//! AWS Config rules at the controls they evidence: managed rules recognised by identifier under
//! the names conformance packs give them, the account's own rules apart, the user's mappings, and
//! conformance packs in the packet.

use std::collections::{BTreeMap, BTreeSet};

use auditpack::checks::CheckStatus;
use auditpack::mappings::config_rules::RuleKey;
use auditpack::mappings::Catalog;
use auditpack::report::{self, ControlStatus, Report};
use serde_json::{json, Value};

use crate::util::*;

const R: &str = "us-east-1";

fn cfg(file: &str) -> String {
    format!("{ACCOUNT}/{R}/config/{file}")
}

/// The name a conformance pack deploys a rule under.
fn pack_name(rule: &str) -> String {
    format!("{rule}-conformance-pack-k2x9q4")
}

/// The contract's clean account (every check passes; every new resource type is there) running
/// `rules` (deployed name, identifier or owner, compliance), NON_COMPLIANT ones with one
/// resource result each.
fn account_with_rules(rules: &[(String, Option<&str>, &str)]) -> BTreeMap<String, String> {
    let mut files = crate::contract::clean();
    let list: Vec<Value> = rules
        .iter()
        .map(|(name, identifier, _)| {
            let source = match identifier {
                Some(i) if i.starts_with("CUSTOM") => {
                    json!({"Owner": i, "SourceIdentifier": "arn:aws:lambda:us-east-1:111122223333:function:check"})
                }
                Some(i) => json!({"Owner": "AWS", "SourceIdentifier": i}),
                None => json!({"Owner": "AWS", "SourceIdentifier": "INCOMING_SSH_DISABLED"}),
            };
            json!({"ConfigRuleName": name, "ConfigRuleState": "ACTIVE", "Source": source})
        })
        .collect();
    files.insert(cfg("describe-config-rules.json"), json!({ "ConfigRules": list }).to_string());
    let compliance: Vec<Value> =
        rules.iter().map(|(name, _, c)| json!({"ConfigRuleName": name, "Compliance": {"ComplianceType": c}})).collect();
    files.insert(cfg("describe-compliance-by-config-rule.json"), json!({ "ComplianceByConfigRules": compliance }).to_string());
    files.retain(|p, _| !p.contains("/get-compliance-details-by-config-rule/"));
    for (name, _, c) in rules {
        let results = if *c == "NON_COMPLIANT" {
            json!([{"EvaluationResultIdentifier": {"EvaluationResultQualifier": {"ConfigRuleName": name,
                "ResourceType": "AWS::EC2::SecurityGroup", "ResourceId": "sg-web"}}, "ComplianceType": "NON_COMPLIANT",
                "Annotation": "seen by the rule"}])
        } else {
            json!([])
        };
        let path = auditpack::evidence::DocId::rule(ACCOUNT, R, name).path();
        files.insert(path, json!({ "EvaluationResults": results }).to_string());
    }
    files
}

fn build(files: &BTreeMap<String, String>, catalog: &Catalog) -> Report {
    let list: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let b = bundle_with(&[R], &list, vec![], vec![]);
    let frameworks: Vec<&auditpack::mappings::Framework> = catalog.frameworks.iter().collect();
    report::build(&b, &frameworks, &catalog.service_models)
}

fn failing(r: &Report) -> BTreeSet<String> {
    r.frameworks
        .iter()
        .flat_map(|f| f.controls.iter().filter(|c| c.status == ControlStatus::Fail).map(move |c| format!("{} {}", f.id, c.id)))
        .collect()
}

#[test]
fn each_non_compliant_rule_of_both_conformance_packs_fails_exactly_its_controls() {
    let catalog = Catalog::load(None).unwrap();
    let pack_rules: Vec<&auditpack::mappings::config_rules::RuleMapping> =
        catalog.config_rules.rules.iter().filter(|r| !r.packs.is_empty()).collect();
    let in_pack = |p: &str| pack_rules.iter().filter(|r| r.packs.iter().any(|x| x == p)).count();
    assert_eq!(in_pack("pci-dss-4.0"), 127, "every rule of AWS's PCI DSS 4.0 pack is mapped");
    assert_eq!(in_pack("hipaa-security"), 129, "every managed rule of AWS's HIPAA Security pack is mapped");

    // Every pack rule deployed under a conformance-pack name, all COMPLIANT: nothing fails.
    let deployed: Vec<(String, String)> = pack_rules
        .iter()
        .map(|r| {
            let RuleKey::Identifier(i) = &r.key else { panic!("pack rules are managed rules") };
            (pack_name(r.names.first().expect("a pack rule has its pack name")), i.clone())
        })
        .collect();
    let rules = |bad: Option<usize>| -> Vec<(String, Option<&str>, &str)> {
        deployed
            .iter()
            .enumerate()
            .map(|(n, (name, i))| (name.clone(), Some(i.as_str()), if Some(n) == bad { "NON_COMPLIANT" } else { "COMPLIANT" }))
            .collect()
    };
    let clean = build(&account_with_rules(&rules(None)), &catalog);
    assert!(failing(&clean).is_empty(), "the clean account fails nothing: {:?}", failing(&clean));
    assert_eq!(clean.config_rules.at_controls.len(), deployed.len(), "every pack rule is recognised by its identifier");
    assert!(clean.config_rules.own.is_empty(), "{:?}", clean.config_rules.own);

    // One rule NON_COMPLIANT at a time: exactly its published controls fail, naming the rule,
    // the resource and the annotation.
    let mut checked = 0;
    for (n, rule) in pack_rules.iter().enumerate() {
        let r = build(&account_with_rules(&rules(Some(n))), &catalog);
        let want: BTreeSet<String> = rule.controls.iter().flat_map(|(fw, ids)| ids.iter().map(move |id| format!("{fw} {id}"))).collect();
        assert_eq!(failing(&r), want, "{}: the controls that fail", rule.key.label());
        let id = rule.key.check_id();
        let findings = &r.checks[&id].findings;
        let bad: Vec<_> = findings.iter().filter(|f| f.status == CheckStatus::Fail).collect();
        assert_eq!(bad.len(), 1, "{id}: {findings:?}");
        assert!(bad[0].resource.contains("sg-web") && bad[0].detail.contains(&deployed[n].0), "{:?}", bad[0]);
        assert!(bad[0].detail.contains("seen by the rule"), "the annotation is shown: {:?}", bad[0]);
        checked += 1;
    }
    assert_eq!(checked, deployed.len());
}

#[test]
fn not_applicable_rules_are_not_applicable_and_insufficient_data_is_not_assessed() {
    let catalog = Catalog::load(None).unwrap();
    let files = account_with_rules(&[
        (pack_name("s3-bucket-ssl-requests-only"), Some("S3_BUCKET_SSL_REQUESTS_ONLY"), "NOT_APPLICABLE"),
        (pack_name("s3-bucket-versioning-enabled"), Some("S3_BUCKET_VERSIONING_ENABLED"), "INSUFFICIENT_DATA"),
    ]);
    let r = build(&files, &catalog);
    assert_eq!(r.checks["config-rule:S3_BUCKET_SSL_REQUESTS_ONLY"].status, CheckStatus::NotApplicable);
    assert_eq!(r.checks["config-rule:S3_BUCKET_VERSIONING_ENABLED"].status, CheckStatus::NotAssessed);
    // A control whose checks pass but one of whose rules has not evaluated is not assessed, never a pass.
    let versioning = RuleKey::Identifier("S3_BUCKET_VERSIONING_ENABLED".into());
    for f in &r.frameworks {
        for c in f.controls.iter().filter(|c| c.checks.iter().any(|k| k.id == versioning.check_id())) {
            assert_ne!(c.status, ControlStatus::Pass, "{} {}", f.id, c.id);
        }
    }
}

#[test]
fn custom_and_unmapped_rules_are_the_accounts_own_and_a_users_mapping_places_them() {
    let catalog = Catalog::load(None).unwrap();
    let files = account_with_rules(&[
        ("acme-tagging".to_string(), Some("CUSTOM_LAMBDA"), "NON_COMPLIANT"),
        ("org-membership".to_string(), Some("ACCOUNT_PART_OF_ORGANIZATIONS"), "NON_COMPLIANT"),
    ]);
    let r = build(&files, &catalog);
    assert!(failing(&r).is_empty(), "own rules change no control: {:?}", failing(&r));
    let own: Vec<(&str, &str, CheckStatus)> = r.config_rules.own.iter().map(|o| (o.name.as_str(), o.kind.as_str(), o.status)).collect();
    assert_eq!(
        own,
        [
            ("acme-tagging", "custom (CUSTOM_LAMBDA)", CheckStatus::Fail),
            ("org-membership", "managed (ACCOUNT_PART_OF_ORGANIZATIONS), not mapped", CheckStatus::Fail)
        ]
    );

    // The user maps both: the custom rule by name, the managed one by identifier.
    let dir = tempdir();
    std::fs::write(
        dir.path().join("config-rules.toml"),
        "[[rule]]\nname = \"acme-tagging\"\ncontrols = { hipaa = [\"164.312(b)\"] }\n\n[[rule]]\nidentifier = \"ACCOUNT_PART_OF_ORGANIZATIONS\"\nduty = \"governance\"\n",
    )
    .unwrap();
    let mine = Catalog::load(Some(dir.path())).unwrap();
    let r = build(&files, &mine);
    let want: BTreeSet<String> = ["hipaa 164.312(b)", "hipaa 164.308(a)(2)", "gdpr Art. 24(1)"].iter().map(|s| s.to_string()).collect();
    assert_eq!(failing(&r), want);
    assert!(r.config_rules.own.is_empty());
    // The built-in rules are still mapped beside the user's.
    assert!(mine.config_rules.get(&RuleKey::Identifier("S3_BUCKET_SSL_REQUESTS_ONLY".into())).is_some());
}

#[test]
fn a_bad_rule_mapping_names_file_line_and_fix() {
    let dir = tempdir();
    let cases = [
        (
            "[[rule]]\nidentifier = \"S3_BUCKET_SSL_REQUEST_ONLY\"\nduty = \"encryption-in-transit\"\n",
            "2:",
            "did you mean S3_BUCKET_SSL_REQUESTS_ONLY",
        ),
        ("[[rule]]\nidentifier = \"S3_BUCKET_SSL_REQUESTS_ONLY\"\nduty = \"encryption\"\n", "3:", "unknown duty \"encryption\""),
        ("[[rule]]\nname = \"x\"\ncontrols = { hipaa = [\"164.310(a)(1)\"] }\n", "3:", "inherited from AWS"),
        ("[[rule]]\nname = \"x\"\ncontrols = { hipaa = [\"164.999\"] }\n", "3:", "hipaa has no control \"164.999\""),
        ("[[rule]]\nname = \"x\"\ncontrols = { sox = [\"1\"] }\n", "3:", "unknown framework \"sox\""),
        ("[[rule]]\nname = \"x\"\nduty = \"governance\"\nchecks = [\"no-such-check\"]\n", "4:", "unknown check id"),
        ("[[rule]]\nduty = \"governance\"\n", "1:", "needs identifier (managed rule) or name"),
        ("[[rule]]\nname = \"x\"\nduty = \"governance\"\nowner = \"me\"\n", "", "unknown field `owner`"),
        ("[[rule]]\nname = \"x\"\nduty = \"governance\"\n\n[[rule]]\nname = \"x\"\nduty = \"governance\"\n", "5:", "mapped twice"),
    ];
    for (text, line, message) in cases {
        std::fs::write(dir.path().join("config-rules.toml"), text).unwrap();
        let err = Catalog::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("config-rules.toml:") && err.contains(&format!("config-rules.toml:{line}")), "{text}: {err}");
        assert!(err.contains(message) && err.contains("fix:"), "{text}: {err}");
    }
}

#[test]
fn the_checks_agree_with_the_rules_they_judge_the_same_as() {
    let catalog = Catalog::load(None).unwrap();
    let cov = auditpack::mappings::config_rules::link_coverage(&catalog.config_rules, &catalog.frameworks, "pci-dss-4.0");
    assert!(cov.wanted >= 100, "{cov:?}");
    assert!(cov.held * 100 >= cov.wanted * 90, "{} of {} links held: {cov:?}", cov.held, cov.wanted);
    assert!(cov.missing.is_empty(), "links neither held nor explained: {:?}", cov.missing);
}

#[test]
fn the_packet_shows_the_rules_and_the_conformance_packs() {
    let mut files = account_with_rules(&[
        (pack_name("restricted-ssh"), Some("INCOMING_SSH_DISABLED"), "NON_COMPLIANT"),
        ("acme-tagging".to_string(), Some("CUSTOM_LAMBDA"), "COMPLIANT"),
    ]);
    files.insert(
        cfg("describe-conformance-pack-compliance/hipaa-pack.json"),
        json!({"ConformancePackName": "hipaa-pack", "ConformancePackRuleComplianceList": [
            {"ConfigRuleName": pack_name("restricted-ssh"), "ComplianceType": "NON_COMPLIANT", "Controls": []}]})
        .to_string(),
    );
    files.insert(
        cfg("get-conformance-pack-compliance-details/hipaa-pack.json"),
        json!({"ConformancePackName": "hipaa-pack", "ConformancePackRuleEvaluationResults": [{"ComplianceType": "NON_COMPLIANT",
            "EvaluationResultIdentifier": {"EvaluationResultQualifier": {"ConfigRuleName": pack_name("restricted-ssh"),
            "ResourceType": "AWS::EC2::SecurityGroup", "ResourceId": "sg-web"}}}]})
        .to_string(),
    );
    let dir = tempdir();
    let bundle = write_bundle(dir.path(), files);
    let out = dir.path().join("packet");
    ok(&run(&["report", "--evidence", bundle.to_str().unwrap(), "--out", out.to_str().unwrap(), "--framework", "hipaa"]));
    let r = results(&out);
    assert_eq!(r["config_rules"]["conformance_packs"][0]["compliance"], "NON_COMPLIANT");
    assert_eq!(r["config_rules"]["conformance_packs"][0]["non_compliant_resources"], 1);
    let html = std::fs::read_to_string(out.join("hipaa.html")).unwrap();
    for text in ["AWS Config rules", "INCOMING_SSH_DISABLED", "own Config rules", "acme-tagging", "hipaa-pack"] {
        assert!(html.contains(text), "the HTML packet shows {text}");
    }
    let pdf = std::process::Command::new("pdftotext").arg(out.join("hipaa.pdf")).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&pdf.stdout);
    for t in ["AWS Config rules", "INCOMING_SSH_DISABLED", "Conformance packs", "hipaa-pack", "acme-tagging"] {
        assert!(text.contains(t), "the PDF packet shows {t}");
    }
}
