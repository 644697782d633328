//! Mapping files: the built-in catalogues and the loader's diagnostics.

use auditpack::mappings::{parse, Catalog, EvidenceMethod, Owner};

use crate::util::*;

const HEAD: &str = "[framework]\nid = \"test\"\nname = \"Test\"\nversion = \"1\"\n";

fn errors(text: &str) -> Vec<String> {
    parse("test.toml", "mappings/test.toml", text, &auditpack::mappings::service_models::Table::builtin())
        .expect_err("should be rejected")
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn builtin_catalogues_cover_every_owner_and_evidence_method() {
    let catalog = Catalog::load(None).unwrap();
    assert_eq!(catalog.ids(), vec!["gdpr", "hipaa", "pci-dss-4.0"]);
    for f in &catalog.frameworks {
        assert!(f.controls.len() >= 12, "{} has {} controls", f.id, f.controls.len());
        assert!(!f.version.is_empty());
        for o in Owner::ALL {
            assert!(f.controls.iter().any(|c| c.owner == o), "{} has no {o:?} control", f.id);
        }
        for m in [EvidenceMethod::Automated, EvidenceMethod::Manual, EvidenceMethod::Inherited] {
            assert!(f.controls.iter().any(|c| c.evidence == m), "{} has no {m:?} control", f.id);
        }
    }
    let hipaa = catalog.framework("hipaa").unwrap();
    assert!(hipaa.controls.iter().any(|c| c.id == "164.312(a)(2)(iv)"));
    let pci = catalog.framework("pci-dss-4.0").unwrap();
    assert!(pci.controls.iter().any(|c| c.id == "8.3.6"));
    let gdpr = catalog.framework("gdpr").unwrap();
    assert!(gdpr.controls.iter().any(|c| c.id == "Art. 32(1)(b)"));
}

#[test]
fn unknown_check_id_names_file_line_and_suggests_the_fix() {
    let text = format!(
        "{HEAD}\n[[control]]\nid = \"1\"\nsection = \"s\"\ntitle = \"t\"\ndescription = \"d\"\nowner = \"customer\"\nevidence = \"automated\"\nchecks = [\"iam-root-mfa\", \"iam-rot-mfa\"]\n"
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("mappings/test.toml:13:"), "{}", errs[0]);
    assert!(errs[0].contains("unknown check id \"iam-rot-mfa\""), "{}", errs[0]);
    assert!(errs[0].contains("did you mean \"iam-root-mfa\""), "{}", errs[0]);
    assert!(errs[0].contains("fix:"), "{}", errs[0]);
}

#[test]
fn duplicate_ids_unknown_owner_unknown_keys_and_empty_automated_controls_are_rejected() {
    let control = |id: &str, owner: &str, evidence: &str, checks: &str| {
        format!("\n[[control]]\nid = \"{id}\"\nsection = \"s\"\ntitle = \"t\"\ndescription = \"d\"\nowner = \"{owner}\"\nevidence = \"{evidence}\"\nchecks = [{checks}]\n")
    };
    let dup = format!("{HEAD}{}{}", control("1", "customer", "manual", ""), control("1", "customer", "manual", ""));
    let e = errors(&dup);
    assert!(e[0].contains("duplicate control id \"1\"") && e[0].contains("first defined on line 7"), "{e:?}");
    assert!(e[0].starts_with("mappings/test.toml:16:"), "the second id is on line 16: {e:?}");

    let e = errors(&format!("{HEAD}{}", control("1", "customer", "automated", "")));
    assert!(e[0].contains("automated but lists no checks"), "{e:?}");

    let e = errors(&format!("{HEAD}{}", control("1", "vendor", "manual", "")));
    assert!(e[0].contains("mappings/test.toml:11:") && e[0].contains("vendor"), "owner is on line 11: {e:?}");

    let e = errors(&format!("{HEAD}{}", control("1", "customer", "sometimes", "")));
    assert!(e[0].contains("sometimes"), "{e:?}");

    let e = errors(&format!("{HEAD}{}owners = \"x\"\n", control("1", "customer", "manual", "")));
    assert!(e[0].contains("unknown field `owners`") && e[0].contains(":14:"), "the stray key is on line 14: {e:?}");

    let e = errors(&format!("{HEAD}{}", control("1", "shared", "inherited", "")));
    assert!(e.iter().any(|m| m.contains("inherited but its owner is shared")), "{e:?}");
    assert!(e.iter().any(|m| m.contains("does not say what AWS provides")), "{e:?}");
}

#[test]
fn report_with_a_bad_mappings_directory_fails_with_file_and_line() {
    let dir = tempdir();
    let maps = dir.path().join("maps");
    std::fs::create_dir_all(&maps).unwrap();
    let text = auditpack::mappings::BUILTIN[1].1.replacen("\"iam-password-min-length\"", "\"iam-password-minimum\"", 1);
    let line = text.lines().position(|l| l.contains("iam-password-minimum")).unwrap() + 1;
    std::fs::write(maps.join("hipaa.toml"), text).unwrap();
    let out = run(&["report", "--evidence", DEMO, "--out", dir.path().join("p").to_str().unwrap(), "--mappings", maps.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("hipaa.toml:{line}:")), "{err}");
    assert!(err.contains("unknown check id \"iam-password-minimum\""), "{err}");

    let out = run(&["controls", "--mappings", dir.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not exist"));
}

#[test]
fn controls_command_lists_every_control() {
    let out = run(&["controls", "--framework", "pci-dss-4.0", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = Catalog::load(None).unwrap().framework("pci-dss-4.0").unwrap().controls.len();
    assert_eq!(v[0]["controls"].as_array().unwrap().len(), expected);
    let table = stdout(&run(&["controls"]));
    for id in ["164.310(a)(1)", "Art. 28(3)(c)", "9.2.1"] {
        assert!(table.contains(id), "{id} missing from `controls`");
    }
}

#[test]
fn controls_stats_match_the_catalogues_and_every_check_is_used() {
    let catalog = auditpack::mappings::Catalog::load(None).unwrap();
    let out = run(&["controls", "--stats", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed.as_array().unwrap().len(), catalog.frameworks.len());
    for (f, p) in catalog.frameworks.iter().zip(printed.as_array().unwrap()) {
        assert_eq!(p["framework"], f.id.as_str());
        assert!(!f.version.trim().is_empty(), "{} has a version", f.id);
        assert_eq!(p["controls"].as_u64().unwrap() as usize, f.controls.len());
        for owner in ["aws", "shared", "customer"] {
            let n = f.controls.iter().filter(|c| c.owner.as_str() == owner).count();
            assert_eq!(p["by_owner"][owner].as_u64().unwrap() as usize, n, "{} {owner}", f.id);
        }
        for method in ["automated", "manual", "inherited"] {
            let n = f.controls.iter().filter(|c| c.evidence.as_str() == method).count();
            assert_eq!(p["by_evidence"][method].as_u64().unwrap() as usize, n, "{} {method}", f.id);
        }
        let sections: usize = p["by_section"].as_array().unwrap().iter().map(|s| s[1].as_u64().unwrap() as usize).sum();
        assert_eq!(sections, f.controls.len());
    }
    // The table form says the same numbers.
    let table = stdout(&run(&["controls", "--stats"]));
    for f in &catalog.frameworks {
        assert!(table.contains(&format!("{} ({}): {} controls", f.id, f.version, f.controls.len())), "{table}");
    }
    // No check sits unused: each one is the evidence of some control.
    for check in auditpack::checks::registry() {
        assert!(
            catalog.frameworks.iter().any(|f| f.controls.iter().any(|c| c.checks.iter().any(|k| k == check.id))),
            "check {} is used by no control",
            check.id
        );
    }
}

#[test]
fn hipaa_lists_every_standard_and_implementation_specification() {
    // 45 CFR 164.308-164.316: each standard and implementation specification, by CFR citation.
    const CFR: &[&str] = &[
        "164.308(a)(1)(i)",
        "164.308(a)(1)(ii)(A)",
        "164.308(a)(1)(ii)(B)",
        "164.308(a)(1)(ii)(C)",
        "164.308(a)(1)(ii)(D)",
        "164.308(a)(2)",
        "164.308(a)(3)(i)",
        "164.308(a)(3)(ii)(A)",
        "164.308(a)(3)(ii)(B)",
        "164.308(a)(3)(ii)(C)",
        "164.308(a)(4)(i)",
        "164.308(a)(4)(ii)(A)",
        "164.308(a)(4)(ii)(B)",
        "164.308(a)(4)(ii)(C)",
        "164.308(a)(5)(i)",
        "164.308(a)(5)(ii)(A)",
        "164.308(a)(5)(ii)(B)",
        "164.308(a)(5)(ii)(C)",
        "164.308(a)(5)(ii)(D)",
        "164.308(a)(6)(i)",
        "164.308(a)(6)(ii)",
        "164.308(a)(7)(i)",
        "164.308(a)(7)(ii)(A)",
        "164.308(a)(7)(ii)(B)",
        "164.308(a)(7)(ii)(C)",
        "164.308(a)(7)(ii)(D)",
        "164.308(a)(7)(ii)(E)",
        "164.308(a)(8)",
        "164.308(b)(1)",
        "164.308(b)(4)",
        "164.310(a)(1)",
        "164.310(a)(2)(i)",
        "164.310(a)(2)(ii)",
        "164.310(a)(2)(iii)",
        "164.310(a)(2)(iv)",
        "164.310(b)",
        "164.310(c)",
        "164.310(d)(1)",
        "164.310(d)(2)(i)",
        "164.310(d)(2)(ii)",
        "164.310(d)(2)(iii)",
        "164.310(d)(2)(iv)",
        "164.312(a)(1)",
        "164.312(a)(2)(i)",
        "164.312(a)(2)(ii)",
        "164.312(a)(2)(iii)",
        "164.312(a)(2)(iv)",
        "164.312(b)",
        "164.312(c)(1)",
        "164.312(c)(2)",
        "164.312(d)",
        "164.312(e)(1)",
        "164.312(e)(2)(i)",
        "164.312(e)(2)(ii)",
        "164.314(a)(1)",
        "164.314(a)(2)(i)",
        "164.314(a)(2)(ii)",
        "164.314(a)(2)(iii)",
        "164.314(b)(1)",
        "164.314(b)(2)",
        "164.316(a)",
        "164.316(b)(1)",
        "164.316(b)(2)(i)",
        "164.316(b)(2)(ii)",
        "164.316(b)(2)(iii)",
    ];
    let catalog = auditpack::mappings::Catalog::load(None).unwrap();
    let hipaa = catalog.framework("hipaa").unwrap();
    let ids: Vec<&str> = hipaa.controls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, CFR, "every citation once, in CFR order");
    for c in &hipaa.controls {
        let marked = ["(R)", "(A)", "(standard)"].iter().any(|m| c.title.ends_with(m));
        assert!(marked, "{} is marked required, addressable or standard: {}", c.id, c.title);
        // The data centre's physical safeguards are AWS's; the customer's premises are not.
        if c.id.starts_with("164.310(a)") || c.id == "164.310(d)(2)(i)" || c.id == "164.310(d)(2)(ii)" {
            assert_eq!(c.owner.as_str(), "aws", "{}", c.id);
        }
    }
    for id in ["164.310(b)", "164.310(c)"] {
        assert_eq!(hipaa.controls.iter().find(|c| c.id == id).unwrap().owner.as_str(), "customer", "{id}: the customer's workstations");
    }
    for id in ["164.314(a)(1)", "164.314(a)(2)(i)", "164.308(b)(1)"] {
        assert_eq!(hipaa.controls.iter().find(|c| c.id == id).unwrap().owner.as_str(), "shared", "{id}: the AWS BAA covers AWS's side");
    }
}

#[test]
fn gdpr_covers_the_security_and_accountability_articles() {
    let catalog = auditpack::mappings::Catalog::load(None).unwrap();
    let gdpr = catalog.framework("gdpr").unwrap();
    let article = |c: &str| c.split('(').next().unwrap().trim().to_string();
    let present: Vec<&str> = gdpr.controls.iter().map(|c| c.id.as_str()).collect();
    for needed in [
        "Art. 5(1)(f)",
        "Art. 5(2)",
        "Art. 25(1)",
        "Art. 25(2)",
        "Art. 30",
        "Art. 32(1)(a)",
        "Art. 32(1)(b)",
        "Art. 32(1)(c)",
        "Art. 32(1)(d)",
        "Art. 32(2)",
        "Art. 32(4)",
        "Art. 44",
        "Art. 45",
        "Art. 46",
    ] {
        assert!(present.contains(&needed), "{needed} is missing");
    }
    // Articles cited as a whole: some paragraph of each is there.
    for whole in ["Art. 24", "Art. 28", "Art. 33", "Art. 34", "Art. 35"] {
        assert!(present.iter().any(|id| article(id) == whole), "{whole} is missing");
    }
    // Transfers depend on the regions the customer picks; the processor terms come through the AWS DPA.
    assert_eq!(gdpr.controls.iter().find(|c| c.id == "Art. 44").unwrap().owner.as_str(), "customer");
    assert_eq!(gdpr.controls.iter().find(|c| c.id == "Art. 28(1)").unwrap().owner.as_str(), "shared");
}

#[test]
fn areas_and_owners_by_model_are_validated() {
    let base =
        "[[control]]\nid = \"x\"\nsection = \"s\"\ntitle = \"t\"\ndescription = \"d\"\nowner = \"customer\"\nevidence = \"manual\"\n";
    let errs = errors(&format!("{HEAD}{base}area = \"kitchen\"\n"));
    assert!(errs.iter().any(|e| e.contains("unknown area \"kitchen\"") && e.contains("operating-system")), "{errs:?}");
    let errs = errors(&format!("{HEAD}{base}owner_by_model = {{ iaas = \"customer\" }}\n"));
    assert!(errs.iter().any(|e| e.contains("leaves out paas, saas")), "{errs:?}");
    let ok =
        format!("{HEAD}{base}area = \"operating-system\"\nowner_by_model = {{ iaas = \"customer\", paas = \"aws\", saas = \"aws\" }}\n");
    assert!(parse("test.toml", "mappings/test.toml", &ok, &auditpack::mappings::service_models::Table::builtin()).is_ok());
}

#[test]
fn pci_dss_lists_all_twelve_requirements_with_their_defined_requirements() {
    let catalog = auditpack::mappings::Catalog::load(None).unwrap();
    let pci = catalog.framework("pci-dss-4.0").unwrap();
    assert_eq!(pci.controls.len(), 250, "every x.y.z (and deeper) requirement of v4.0, appendices left out");
    for n in 1..=12 {
        let first = format!("{n}.1.1");
        assert!(pci.controls.iter().any(|c| c.id == first), "{first}");
        assert!(pci.controls.iter().filter(|c| c.id.split('.').next() == Some(&n.to_string())).count() >= 6, "requirement {n}");
    }
    for id in [
        "1.4.3",
        "2.3.2",
        "3.3.1.1",
        "3.7.9",
        "4.2.1.2",
        "5.3.2.1",
        "6.4.3",
        "7.2.5.1",
        "8.3.10.1",
        "9.5.1.2.1",
        "10.2.1.7",
        "11.4.7",
        "12.10.7",
    ] {
        assert!(pci.controls.iter().any(|c| c.id == id), "{id} is missing");
    }
    // Ids are unique and in the standard's order.
    let keys: Vec<Vec<u32>> = pci.controls.iter().map(|c| c.id.split('.').map(|p| p.parse().unwrap()).collect()).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "ordered and unique");
    // The data centre's physical controls are AWS's; patching moves with the service model.
    for id in ["9.2.1", "9.3.2", "9.4.5", "9.4.7"] {
        assert_eq!(pci.controls.iter().find(|c| c.id == id).unwrap().owner.as_str(), "aws", "{id}");
    }
    for id in ["2.2.1", "5.2.1", "6.3.3", "11.3.1"] {
        let c = pci.controls.iter().find(|c| c.id == id).unwrap();
        let by_model = c.owner_by_model.as_ref().unwrap_or_else(|| panic!("{id} follows the service model"));
        assert_eq!(by_model[&auditpack::mappings::ServiceModel::Iaas].as_str(), "customer", "{id} on EC2");
    }
}

#[test]
fn a_copy_of_the_shipped_mappings_directory_is_accepted_and_its_service_model_table_is_used() {
    let dir = tempdir();
    let maps = dir.path().join("maps");
    std::fs::create_dir_all(&maps).unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings");
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), maps.join(entry.file_name())).unwrap();
    }
    assert!(maps.join("service-models.toml").exists());
    let out = dir.path().join("p");
    let o = run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--format", "json", "--mappings", maps.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let shipped_run = dir.path().join("q");
    let o = run(&["report", "--evidence", DEMO, "--out", shipped_run.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), std::fs::read(shipped_run.join("results.json")).unwrap());

    // The table in the directory is the one used: renaming a model shows in results.json.
    let table = std::fs::read_to_string(maps.join("service-models.toml")).unwrap();
    let renamed = table.replacen("name = \"IaaS\"", "name = \"Infrastructure\"", 1);
    assert_ne!(renamed, table, "the shipped table names IaaS");
    std::fs::write(maps.join("service-models.toml"), renamed).unwrap();
    let o = run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--format", "json", "--mappings", maps.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    assert!(r["service_models"].as_array().unwrap().iter().any(|m| m["name"] == "Infrastructure"), "{}", r["service_models"]);

    // A broken table is refused with its file and line, and nothing is written.
    std::fs::write(maps.join("service-models.toml"), table.replacen("[[area]]", "[[area]]\ncolour = \"red\"", 1)).unwrap();
    let fresh = dir.path().join("r");
    let o = run(&["report", "--evidence", DEMO, "--out", fresh.to_str().unwrap(), "--mappings", maps.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("service-models.toml:") && stderr(&o).contains("colour"), "{}", stderr(&o));
    assert!(!fresh.exists());
}
