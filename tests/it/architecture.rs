//! The contract and the module boundaries, held to the code: the read-only policy lists exactly
//! the catalogue's actions, the evidence documentation lists exactly its documents, only
//! `collect` talks to AWS, and `collect` does not reach into `checks`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use auditpack::evidence::catalogue::{self, ResourceType, CATALOGUE};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_read_only_policy_lists_exactly_the_actions_of_the_catalogue() {
    let policy: serde_json::Value =
        serde_json::from_slice(&std::fs::read(Path::new(ROOT).join("policy/auditpack-readonly.json")).unwrap()).unwrap();
    let listed: Vec<&str> = policy["Statement"][0]["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(listed, catalogue::actions(), "policy/auditpack-readonly.json and the catalogue differ");
}

#[test]
fn the_member_role_template_grants_exactly_the_calls_made_inside_a_member_account() {
    let template: serde_json::Value =
        serde_json::from_slice(&std::fs::read(Path::new(ROOT).join("policy/auditpack-member-role.cfn.json")).unwrap()).unwrap();
    let role = &template["Resources"]["AuditpackReadOnlyRole"]["Properties"];
    let listed: Vec<&str> =
        role["Policies"][0]["PolicyDocument"]["Statement"][0]["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    // Inside a member account collect reads IAM and the account's own AWS Config; the aggregate
    // calls, the organisation listing and AssumeRole itself are made from the collecting account.
    let want: Vec<&str> = catalogue::actions()
        .into_iter()
        .filter(|a| !a.contains("Aggregat") && *a != catalogue::IDENTITY_ACTION && !catalogue::ORGANISATION_ACTIONS.contains(a))
        .collect();
    assert_eq!(listed, want, "policy/auditpack-member-role.cfn.json and the catalogue differ");
    assert!(listed.iter().all(|a| a.starts_with("iam:Get")
        || a.starts_with("iam:List")
        || a.starts_with("iam:Generate")
        || a.starts_with("config:Describe")
        || a.starts_with("config:Get")
        || a.starts_with("config:List")
        || a.starts_with("config:BatchGet")));
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Action"], "sts:AssumeRole");
    assert!(
        trust["Principal"]["AWS"]["Fn::Sub"].as_str().unwrap().contains("${CollectorAccountId}"),
        "only the collecting account may assume it"
    );
}

/// The rows of the catalogue table in docs/evidence-bundle.md: (path, actions).
fn documented() -> Vec<(String, Vec<String>)> {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/evidence-bundle.md")).unwrap();
    let ticked = |cell: &str| -> Vec<String> { cell.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    doc.lines()
        .filter(|l| l.starts_with("| `<account>/"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (ticked(cells[1]).remove(0), ticked(cells[2]))
        })
        .collect()
}

#[test]
fn the_evidence_documentation_lists_exactly_the_documents_of_the_catalogue() {
    let want: Vec<(String, Vec<String>)> =
        CATALOGUE.iter().map(|s| (s.pattern.to_string(), s.actions.iter().map(|a| a.to_string()).collect())).collect();
    assert_eq!(documented(), want, "docs/evidence-bundle.md's table and src/evidence/catalogue.rs differ");
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/evidence-bundle.md")).unwrap();
    let types_line = &doc[doc.find("The resource types of the catalogue").expect("the docs list the resource types")..];
    let types_para = &types_line[..types_line.find("\n\n").unwrap()];
    let listed: BTreeSet<&str> = types_para.split('`').skip(1).step_by(2).collect();
    let all: BTreeSet<&str> = ResourceType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(listed, all, "the documented resource types");
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn only_collect_uses_the_aws_sdk_and_collect_does_not_import_checks() {
    let src = Path::new(ROOT).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20);
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&f).unwrap();
        let in_collect = rel.starts_with("collect/");
        for sdk in ["aws_sdk_", "aws_config", "aws_smithy"] {
            if !in_collect {
                assert!(!text.contains(sdk), "src/{rel} uses {sdk}: only src/collect/ talks to AWS");
            }
        }
        if in_collect {
            assert!(!text.contains("crate::checks") && !text.contains("checks::"), "src/{rel} imports checks: collect asks the catalogue");
        }
    }
}
