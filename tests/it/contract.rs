//! The evidence contract tried as an adversary would: a one-account bundle in which every check
//! passes, then every document of the catalogue replaced, one at a time, by a wrong-shaped but
//! sealed file (empty object, empty array, null, a required key missing, a wrong type, a
//! truncated page). No such file may leave a check that reads it, or a control that uses that
//! check, passing; each check that reads it is not assessed with a reason naming the file.

use std::collections::BTreeMap;

use auditpack::checks::{self, CheckStatus, Need};
use auditpack::evidence::{Bundle, DocId, Kind, ResourceType};
use auditpack::mappings::Catalog;
use auditpack::report::{self, ControlStatus};
use serde_json::{json, Value};

use crate::util::*;

const R: &str = "us-east-1";

fn iam(file: &str) -> String {
    format!("{ACCOUNT}/global/iam/{file}")
}

fn cfg(file: &str) -> String {
    format!("{ACCOUNT}/{R}/config/{file}")
}

fn res(t: ResourceType) -> String {
    DocId::resources(ACCOUNT, R, t).path()
}

const CRED_HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
const ROOT_ROW: &str = "<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-05T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
const ALICE_ROW: &str = "alice,arn:aws:iam::111122223333:user/alice,2024-01-01T00:00:00+00:00,true,2026-11-25T00:00:00+00:00,2026-10-01T00:00:00+00:00,N/A,true,true,2026-10-20T00:00:00+00:00,2026-11-26T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

fn credential_report() -> String {
    format!("{CRED_HEADER}\n{ROOT_ROW}\n{ALICE_ROW}\n")
}

/// A configuration item as batch-get-resource-config returns it.
fn item(t: ResourceType, id: &str, configuration: Value, supplementary: Value) -> Value {
    json!({
        "version": "1.3", "accountId": ACCOUNT, "configurationItemCaptureTime": "2026-11-26T08:00:00+00:00",
        "configurationItemStatus": "OK", "arn": format!("arn:aws:test:{R}:{ACCOUNT}:{id}"), "resourceType": t.as_str(),
        "resourceId": id, "resourceName": id, "awsRegion": R, "configuration": configuration.to_string(),
        "supplementaryConfiguration": supplementary,
    })
}

fn items(list: Vec<Value>) -> Value {
    json!({ "baseConfigurationItems": list })
}

fn s(v: Value) -> Value {
    Value::String(v.to_string())
}

/// Every document of the catalogue, shaped as AWS documents it, for an account where every
/// check passes.
pub fn clean() -> BTreeMap<String, String> {
    let narrow =
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme/*"}]});
    let ec2_trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let tls_only = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": "arn:aws:s3:::acme-data/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
    let block = json!({"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": true, "restrictPublicBuckets": true});
    let alb = format!("arn:aws:elasticloadbalancing:{R}:{ACCOUNT}:loadbalancer/app/web/1");
    let lb_attributes = json!([{"key": "deletion_protection.enabled", "value": "true"}, {"key": "access_logs.s3.enabled", "value": "true"},
        {"key": "access_logs.s3.bucket", "value": "acme-lb-logs"}]);
    let mut lb = item(
        ResourceType::ElbV2LoadBalancer,
        "web",
        json!({"scheme": "internet-facing", "type": "application"}),
        json!({"LoadBalancerAttributes": s(lb_attributes)}),
    );
    lb["arn"] = json!(alb);
    let mut acl = item(
        ResourceType::Wafv2WebAcl,
        "acl",
        json!({"name": "acl", "rules": [{"name": "core", "priority": 0,
        "visibilityConfig": {"sampledRequestsEnabled": true, "cloudWatchMetricsEnabled": true, "metricName": "core"}}]}),
        json!({}),
    );
    acl["relationships"] =
        json!([{"resourceType": "AWS::ElasticLoadBalancingV2::LoadBalancer", "resourceId": alb, "relationshipName": "Is associated with"}]);
    let docs: Vec<(String, Value)> = vec![
        (
            iam("get-account-authorization-details.json"),
            json!({
                "UserDetailList": [{"UserName": "alice", "UserId": "AIDA1", "Arn": "arn:aws:iam::111122223333:user/alice", "Path": "/",
                    "CreateDate": "2024-01-01T00:00:00+00:00", "GroupList": ["ops"], "UserPolicyList": [], "AttachedManagedPolicies": []}],
                "GroupDetailList": [{"GroupName": "ops", "Arn": "arn:aws:iam::111122223333:group/ops",
                    "GroupPolicyList": [{"PolicyName": "read", "PolicyDocument": narrow}],
                    "AttachedManagedPolicies": [{"PolicyName": "AWSSupportAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSSupportAccess"},
                        {"PolicyName": "AcmeRead", "PolicyArn": "arn:aws:iam::111122223333:policy/AcmeRead"}]}],
                "RoleDetailList": [{"RoleName": "app", "Arn": "arn:aws:iam::111122223333:role/app", "AssumeRolePolicyDocument": ec2_trust,
                    "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": [], "CreateDate": "2024-01-01T00:00:00+00:00",
                    "RoleLastUsed": {"LastUsedDate": "2026-11-25T00:00:00+00:00", "Region": "us-east-1"}}],
                "Policies": [{"PolicyName": "AcmeRead", "Arn": "arn:aws:iam::111122223333:policy/AcmeRead", "DefaultVersionId": "v1",
                    "PolicyVersionList": [{"Document": narrow, "VersionId": "v1", "IsDefaultVersion": true}]}, crate::checks::support_access()],
            }),
        ),
        (
            iam("get-account-password-policy.json"),
            json!({"PasswordPolicy": {"MinimumPasswordLength": 16, "RequireSymbols": true,
            "RequireNumbers": true, "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true, "AllowUsersToChangePassword": true,
            "ExpirePasswords": true, "MaxPasswordAge": 90, "PasswordReusePrevention": 24}}),
        ),
        (iam("get-account-summary.json"), json!({"SummaryMap": {"Users": 1, "Groups": 1, "Roles": 1}})),
        (
            iam("list-virtual-mfa-devices.json"),
            json!({"VirtualMFADevices": [{"SerialNumber": "arn:aws:iam::111122223333:mfa/alice",
            "User": {"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice"}, "EnableDate": "2024-01-02T00:00:00+00:00"}]}),
        ),
        (
            cfg("describe-configuration-recorders.json"),
            json!({"ConfigurationRecorders": [{"name": "default",
            "roleARN": "arn:aws:iam::111122223333:role/config", "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": true,
            "resourceTypes": [], "exclusionByResourceTypes": {"resourceTypes": []}}}]}),
        ),
        (
            cfg("describe-configuration-recorder-status.json"),
            json!({"ConfigurationRecordersStatus": [{"name": "default",
            "recording": true, "lastStatus": "SUCCESS", "lastStartTime": "2026-01-01T00:00:00+00:00"}]}),
        ),
        (cfg("describe-delivery-channels.json"), json!({"DeliveryChannels": [{"name": "default", "s3BucketName": "acme-config"}]})),
        (
            cfg("describe-config-rules.json"),
            json!({"ConfigRules": [{"ConfigRuleName": "restricted-ssh", "ConfigRuleState": "ACTIVE",
            "Source": {"Owner": "AWS", "SourceIdentifier": "INCOMING_SSH_DISABLED"}}]}),
        ),
        (
            cfg("describe-compliance-by-config-rule.json"),
            json!({"ComplianceByConfigRules": [{"ConfigRuleName": "restricted-ssh",
            "Compliance": {"ComplianceType": "COMPLIANT"}}]}),
        ),
        (
            cfg("get-compliance-details-by-config-rule/restricted-ssh.json"),
            json!({"EvaluationResults": [{"EvaluationResultIdentifier":
            {"EvaluationResultQualifier": {"ConfigRuleName": "restricted-ssh", "ResourceType": "AWS::EC2::SecurityGroup", "ResourceId": "sg-web"}},
            "ComplianceType": "COMPLIANT"}]}),
        ),
        (
            cfg("get-discovered-resource-counts.json"),
            json!({"totalDiscoveredResources": 3,
            "resourceCounts": [{"resourceType": "AWS::EC2::Volume", "count": 1}, {"resourceType": "AWS::S3::Bucket", "count": 1},
                {"resourceType": "AWS::RDS::DBInstance", "count": 1}]}),
        ),
        (
            res(ResourceType::S3Bucket),
            items(vec![item(
                ResourceType::S3Bucket,
                "acme-data",
                json!({"name": "acme-data"}),
                json!({
                    "ServerSideEncryptionConfiguration": s(json!({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]})),
                    "PublicAccessBlockConfiguration": s(block.clone()),
                    "BucketPolicy": s(json!({"policyText": tls_only.to_string()})),
                    "BucketVersioningConfiguration": s(json!({"status": "Enabled", "isMfaDeleteEnabled": true})),
                    "BucketLoggingConfiguration": s(json!({"destinationBucketName": "acme-logs", "logFilePrefix": "acme-data/"})),
                    "AccessControlList": s(json!({"grantSet": null, "grantList": [{"grantee": {"id": "abc", "displayName": null},
                        "permission": "FullControl"}], "owner": {"displayName": null, "id": "abc"}, "isRequesterCharged": false})),
                    "BucketNotificationConfiguration": s(json!({"configurations": {"uploads": {"type": "QueueConfiguration",
                        "queueARN": "arn:aws:sqs:us-east-1:111122223333:uploads", "events": ["s3:ObjectCreated:*"], "filter": null}}})),
                    "BucketLifecycleConfiguration": s(json!({"rules": [{"id": "expire", "status": "Enabled", "expirationInDays": 365}]})),
                    "ObjectLockConfiguration": s(json!({"objectLockEnabled": "Enabled", "rule": null})),
                }),
            )]),
        ),
        (
            res(ResourceType::S3AccountPublicAccessBlock),
            items(vec![item(ResourceType::S3AccountPublicAccessBlock, ACCOUNT, block, json!({}))]),
        ),
        (
            res(ResourceType::Ec2Volume),
            items(vec![item(ResourceType::Ec2Volume, "vol-1", json!({"volumeId": "vol-1", "encrypted": true}), json!({}))]),
        ),
        (
            res(ResourceType::RdsDbInstance),
            items(vec![item(
                ResourceType::RdsDbInstance,
                "db-1",
                json!({"engine": "postgres",
            "storageEncrypted": true, "publiclyAccessible": false, "backupRetentionPeriod": 7, "multiAZ": true,
            "iAMDatabaseAuthenticationEnabled": true, "enabledCloudwatchLogsExports": ["postgresql"], "autoMinorVersionUpgrade": true}),
                json!({}),
            )]),
        ),
        (
            res(ResourceType::Ec2SecurityGroup),
            items(vec![
                item(
                    ResourceType::Ec2SecurityGroup,
                    "sg-web",
                    json!({"groupName": "web",
            "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipv6Ranges": [], "ipRanges": ["0.0.0.0/0"]},
                {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipv4Ranges": [{"cidrIp": "10.0.0.0/8"}], "ipv6Ranges": [], "ipRanges": ["10.0.0.0/8"]}]}),
                    json!({}),
                ),
                item(
                    ResourceType::Ec2SecurityGroup,
                    "sg-default",
                    json!({"groupName": "default", "groupId": "sg-default", "vpcId": "vpc-1",
                "ipPermissions": [], "ipPermissionsEgress": []}),
                    json!({}),
                ),
            ]),
        ),
        (
            res(ResourceType::CloudTrailTrail),
            items(vec![item(
                ResourceType::CloudTrailTrail,
                "main",
                json!({"name": "main",
            "isMultiRegionTrail": true, "logFileValidationEnabled": true, "kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/k",
            "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:trail", "s3BucketName": "acme-data",
            "hasInsightSelectors": true}),
                json!({}),
            )]),
        ),
        (
            res(ResourceType::KmsKey),
            items(vec![item(
                ResourceType::KmsKey,
                "key-1",
                json!({"keyId": "key-1", "keyManager": "CUSTOMER",
            "keyState": "Enabled", "keySpec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS"}),
                json!({"KeyRotationStatus": "true"}),
            )]),
        ),
        (
            res(ResourceType::SsmPatchCompliance),
            items(vec![item(
                ResourceType::SsmPatchCompliance,
                "AWS::SSM::ManagedInstanceInventory/i-1",
                json!({"AWS:ComplianceItem": {"ComplianceType": "Patch", "Content": {"Patch": {"openssl": {"PatchState": "Installed", "Status": "COMPLIANT"}}}}}),
                json!({}),
            )]),
        ),
        (
            cfg("describe-conformance-packs.json"),
            json!({"ConformancePackDetails": [{"ConformancePackName": "hipaa-pack", "ConformancePackId": "conformance-pack-1",
                "ConformancePackArn": "arn:aws:config:us-east-1:111122223333:conformance-pack/hipaa-pack/conformance-pack-1"}]}),
        ),
        (
            cfg("describe-conformance-pack-compliance/hipaa-pack.json"),
            json!({"ConformancePackName": "hipaa-pack", "ConformancePackRuleComplianceList": [
                {"ConfigRuleName": "restricted-ssh", "ComplianceType": "COMPLIANT", "Controls": []}]}),
        ),
        (
            cfg("get-conformance-pack-compliance-details/hipaa-pack.json"),
            json!({"ConformancePackName": "hipaa-pack", "ConformancePackRuleEvaluationResults": [{"ComplianceType": "COMPLIANT",
                "EvaluationResultIdentifier": {"EvaluationResultQualifier": {"ConfigRuleName": "restricted-ssh",
                "ResourceType": "AWS::EC2::SecurityGroup", "ResourceId": "sg-web"}}}]}),
        ),
        (res(ResourceType::ElbV2LoadBalancer), items(vec![lb])),
        (res(ResourceType::Wafv2WebAcl), items(vec![acl])),
    ];
    let mut files: BTreeMap<String, String> = docs.into_iter().map(|(p, v)| (p, serde_json::to_string_pretty(&v).unwrap())).collect();
    // The resource types of the check families, each family's clean items from its test module.
    for (t, list) in [crate::checks_compute::clean(), crate::checks_data::clean(), crate::checks_monitoring::clean()].into_iter().flatten()
    {
        let path = crate::util::resource_path(ACCOUNT, R, t);
        assert!(!files.contains_key(&path), "{t} is in clean() twice");
        files.insert(path, serde_json::to_string_pretty(&items(list)).unwrap());
    }
    files.insert(iam("credential-report.csv"), credential_report());
    files
}

fn seal(files: &BTreeMap<String, String>) -> Result<Bundle, auditpack::evidence::Error> {
    seal_with(files, vec![], vec![])
}

fn seal_with(
    files: &BTreeMap<String, String>,
    gaps: Vec<auditpack::evidence::Gap>,
    absent: Vec<auditpack::evidence::Absent>,
) -> Result<Bundle, auditpack::evidence::Error> {
    try_bundle(&[R], &files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect::<Vec<_>>(), gaps, absent)
}

/// The kinds (and resource type) of the document at `path`.
fn need_of(path: &str) -> (Kind, Option<ResourceType>) {
    let id = DocId::parse(path).unwrap_or_else(|| panic!("{path} is not in the catalogue"));
    (id.kind, id.resource_type())
}

/// Whether a check reads the document at `path`.
fn reads(check: &checks::Check, path: &str) -> bool {
    let (kind, t) = need_of(path);
    check.evidence.iter().any(|n| match (n, t) {
        (Need::Items(nt), Some(t)) => *nt == t,
        (Need::Items(_), None) => matches!(kind, Kind::Recorders | Kind::RecorderStatus),
        (Need::Doc(k), _) => *k == kind,
    })
}

/// Every check that reads `path` is not assessed naming it, and no control using one passes.
fn assert_refused(b: &Bundle, path: &str, case: &str) {
    let catalog = Catalog::load(None).unwrap();
    let frameworks: Vec<&auditpack::mappings::Framework> = catalog.frameworks.iter().collect();
    let r = report::build(b, &frameworks, &catalog.service_models);
    let readers: Vec<&checks::Check> = checks::registry().into_iter().filter(|c| reads(c, path)).collect();
    for c in &readers {
        // A check no framework maps yet is not in the report: judge its own outcome.
        let (status, findings): (CheckStatus, Vec<(CheckStatus, String)>) = match r.checks.get(c.id) {
            Some(k) => (k.status, k.findings.iter().map(|f| (f.status, f.detail.clone())).collect()),
            None => {
                let o = c.evaluate(b);
                (o.status, o.findings.into_iter().map(|f| (f.status, f.detail)).collect())
            }
        };
        assert_eq!(status, CheckStatus::NotAssessed, "{case}: {} on {path}: {:#?}", c.id, findings);
        let named = findings.iter().any(|(s, d)| *s == CheckStatus::NotAssessed && d.contains(path));
        assert!(named, "{case}: {} does not name {path}: {:#?}", c.id, findings);
    }
    for f in &r.frameworks {
        for c in &f.controls {
            if c.checks.iter().any(|k| readers.iter().any(|x| x.id == k.id)) {
                assert_ne!(c.status, ControlStatus::Pass, "{case}: {} {} passes on a broken {path}", f.id, c.id);
            }
        }
    }
    if readers.is_empty() {
        // Read by no check (the account summary, the resource counts): still named as unusable.
        assert!(b.unreadable().iter().any(|w| w.starts_with(path)), "{case}: {path} not reported unreadable: {:?}", b.unreadable());
    }
}

#[test]
fn in_the_clean_bundle_every_check_passes() {
    let b = seal(&clean()).expect("the clean bundle verifies");
    assert!(b.unreadable().is_empty(), "{:?}", b.unreadable());
    for c in checks::registry() {
        let o = c.evaluate(&b);
        assert_eq!(o.status, CheckStatus::Pass, "{}: {:#?}", c.id, o);
    }
}

/// The top-level list of a JSON document (its required key), and whether AWS pages it, with
/// the page token the merged document must not carry.
fn shape(path: &str) -> (&'static str, Option<(&'static str, Value)>) {
    match need_of(path).0 {
        Kind::AuthorizationDetails => ("UserDetailList", Some(("IsTruncated", json!(true)))),
        Kind::PasswordPolicy => ("PasswordPolicy", None),
        Kind::AccountSummary => ("SummaryMap", None),
        Kind::VirtualMfaDevices => ("VirtualMFADevices", Some(("Marker", json!("page-2")))),
        Kind::Recorders => ("ConfigurationRecorders", None),
        Kind::RecorderStatus => ("ConfigurationRecordersStatus", None),
        Kind::DeliveryChannels => ("DeliveryChannels", None),
        Kind::ConfigRules => ("ConfigRules", Some(("NextToken", json!("page-2")))),
        Kind::ComplianceByRule => ("ComplianceByConfigRules", Some(("NextToken", json!("page-2")))),
        Kind::RuleDetails => ("EvaluationResults", Some(("NextToken", json!("page-2")))),
        Kind::ResourceCounts => ("resourceCounts", Some(("nextToken", json!("page-2")))),
        Kind::Resources => ("baseConfigurationItems", Some(("nextToken", json!("page-2")))),
        Kind::ConformancePacks => ("ConformancePackDetails", Some(("NextToken", json!("page-2")))),
        Kind::ConformancePackCompliance => ("ConformancePackRuleComplianceList", Some(("NextToken", json!("page-2")))),
        Kind::ConformancePackDetails => ("ConformancePackRuleEvaluationResults", Some(("NextToken", json!("page-2")))),
        Kind::CredentialReport => unreachable!("the credential report is CSV"),
    }
}

/// The wrong-shaped variants of one JSON document.
fn json_variants(path: &str, text: &str) -> Vec<(String, String)> {
    let doc: Value = serde_json::from_str(text).unwrap();
    let (key, page) = shape(path);
    let mut out = vec![
        ("empty object".to_string(), "{}".to_string()),
        ("empty array".to_string(), "[]".to_string()),
        ("null".to_string(), "null".to_string()),
        ("empty file".to_string(), String::new()),
        ("truncated bytes".to_string(), text[..text.len() / 2].to_string()),
    ];
    let mut missing = doc.clone();
    missing.as_object_mut().unwrap().remove(key);
    out.push((format!("{key} missing"), missing.to_string()));
    let mut lower = serde_json::Map::new();
    for (k, v) in doc.as_object().unwrap() {
        lower.insert(k.to_lowercase(), v.clone());
    }
    out.push(("lower-case keys".to_string(), Value::Object(lower).to_string()));
    let mut wrong = doc.clone();
    wrong[key] = json!("not a list");
    out.push((format!("{key} of the wrong type"), wrong.to_string()));
    if let Some((token, value)) = page {
        let mut truncated = doc.clone();
        truncated[token] = value;
        if token == "IsTruncated" {
            truncated["Marker"] = json!("page-2");
        }
        out.push((format!("a truncated page ({token})"), truncated.to_string()));
    }
    out
}

#[test]
fn every_json_document_of_the_wrong_shape_is_not_assessed_and_passes_no_control() {
    let base = clean();
    let mut cases = 0;
    for (path, text) in &base {
        if path.ends_with(".csv") {
            continue;
        }
        for (case, bad) in json_variants(path, text) {
            let mut files = base.clone();
            files.insert(path.clone(), bad);
            let b = seal(&files).unwrap_or_else(|e| panic!("{case} of {path}: the bundle still verifies: {e}"));
            assert_refused(&b, path, &case);
            cases += 1;
        }
    }
    // Every JSON document of the catalogue was tried.
    let kinds: std::collections::BTreeSet<Kind> = base.keys().map(|p| need_of(p).0).collect();
    assert_eq!(kinds.len(), auditpack::evidence::catalogue::CATALOGUE.len(), "a document of the catalogue is left out");
    assert!(cases >= 21 * 8, "{cases} cases");
}

#[test]
fn a_credential_report_of_the_wrong_shape_is_not_assessed_and_passes_no_control() {
    let path = iam("credential-report.csv");
    let without = |col: &str| {
        let cols: Vec<&str> = CRED_HEADER.split(',').collect();
        let i = cols.iter().position(|c| *c == col).unwrap();
        let drop = |line: &str| line.split(',').enumerate().filter(|(n, _)| *n != i).map(|(_, v)| v).collect::<Vec<_>>().join(",");
        format!("{}\n{}\n{}\n", drop(CRED_HEADER), drop(ROOT_ROW), drop(ALICE_ROW))
    };
    let cases: Vec<(&str, String)> = vec![
        ("empty file", String::new()),
        ("JSON instead of CSV", "{}".into()),
        ("header only", format!("{CRED_HEADER}\n")),
        ("no root row", format!("{CRED_HEADER}\n{ALICE_ROW}\n")),
        ("access_key_1_active missing", without("access_key_1_active")),
        ("password_enabled missing", without("password_enabled")),
        ("password_last_used missing", without("password_last_used")),
        ("mfa_active not a boolean", format!("{CRED_HEADER}\n{ROOT_ROW}\n{}\n", ALICE_ROW.replacen(",true,true,", ",yes,true,", 1))),
        (
            "a date that is no date",
            format!("{CRED_HEADER}\n{ROOT_ROW}\n{}\n", ALICE_ROW.replace("2026-10-20T00:00:00+00:00", "last month")),
        ),
        ("a row cut short", format!("{CRED_HEADER}\n{ROOT_ROW}\nalice,arn:aws:iam::111122223333:user/alice,2024-01-01T00:00:00+00:00\n")),
        ("a user twice", format!("{CRED_HEADER}\n{ROOT_ROW}\n{ALICE_ROW}\n{ALICE_ROW}\n")),
        (
            "a use after the collection ended",
            format!("{CRED_HEADER}\n{ROOT_ROW}\n{}\n", ALICE_ROW.replace("2026-11-26T00:00:00+00:00", "2027-02-01T00:00:00+00:00")),
        ),
    ];
    for (case, text) in cases {
        let mut files = clean();
        files.insert(path.clone(), text);
        let b = seal(&files).unwrap();
        assert_refused(&b, &path, case);
    }
}

#[test]
fn config_items_that_are_no_evidence_of_a_live_resource_are_not_assessed() {
    let path = res(ResourceType::Ec2SecurityGroup);
    let sg = |f: &dyn Fn(&mut Value)| {
        let mut doc: Value = serde_json::from_str(&clean()[&path]).unwrap();
        f(&mut doc["baseConfigurationItems"][0]);
        doc.to_string()
    };
    let cases: Vec<(&str, String)> = vec![
        ("no configuration", sg(&|i| drop(i.as_object_mut().unwrap().remove("configuration")))),
        ("an unparseable configuration", sg(&|i| i["configuration"] = json!("{\"ipPermissions\": [tru"))),
        ("a configuration of the wrong shape", sg(&|i| i["configuration"] = json!("{\"ipPermissions\": \"all\"}"))),
        ("a configuration without ipPermissions", sg(&|i| i["configuration"] = json!("{\"groupName\": \"web\"}"))),
        ("ResourceNotRecorded", sg(&|i| i["configurationItemStatus"] = json!("ResourceNotRecorded"))),
        ("ResourceDeleted", sg(&|i| i["configurationItemStatus"] = json!("ResourceDeleted"))),
        ("an item of another type", sg(&|i| i["resourceType"] = json!("AWS::EC2::Volume"))),
        ("an item of another account", sg(&|i| i["accountId"] = json!("999999999999"))),
        ("an item of another region", sg(&|i| i["awsRegion"] = json!("eu-west-1"))),
        ("the same resource twice", {
            let mut doc: Value = serde_json::from_str(&clean()[&path]).unwrap();
            let first = doc["baseConfigurationItems"][0].clone();
            doc["baseConfigurationItems"].as_array_mut().unwrap().push(first);
            doc.to_string()
        }),
        (
            "zero items and an unprocessed open security group",
            json!({"baseConfigurationItems": [], "unprocessedResourceKeys": [{"resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-open"}]})
                .to_string(),
        ),
        ("a capture time after the collection ended", sg(&|i| i["configurationItemCaptureTime"] = json!("2027-01-01T00:00:00+00:00"))),
        ("both item lists", json!({"baseConfigurationItems": [], "configurationItems": []}).to_string()),
    ];
    for (case, text) in cases {
        let mut files = clean();
        files.insert(path.clone(), text);
        let b = seal(&files).unwrap();
        assert_refused(&b, &path, case);
    }
    // An unprocessed key is that resource not assessed, while the items that came back are.
    let mut doc: Value = serde_json::from_str(&clean()[&path]).unwrap();
    doc["unprocessedResourceKeys"] = json!([{"resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-open"}]);
    let mut files = clean();
    files.insert(path.clone(), doc.to_string());
    let o = checks::find("ec2-sg-no-open-admin-ports").unwrap().evaluate(&seal(&files).unwrap());
    assert_eq!(o.status, CheckStatus::NotAssessed);
    let status_of = |needle: &str| o.findings.iter().find(|f| f.resource.contains(needle)).map(|f| f.status);
    assert_eq!(status_of("sg-open"), Some(CheckStatus::NotAssessed));
    assert_eq!(status_of("sg-web"), Some(CheckStatus::Pass));
}

#[test]
fn a_policy_document_that_cannot_be_read_leaves_its_principal_not_assessed() {
    let path = iam("get-account-authorization-details.json");
    for (case, bad) in [
        ("not JSON", json!("{\"Statement\": [")),
        ("no Statement", json!({"Version": "2012-10-17"})),
        ("Effect Permit", json!({"Statement": {"Effect": "Permit", "Action": "*", "Resource": "*"}})),
    ] {
        let mut doc: Value = serde_json::from_str(&clean()[&path]).unwrap();
        doc["GroupDetailList"][0]["GroupPolicyList"][0]["PolicyDocument"] = bad;
        let mut files = clean();
        files.insert(path.clone(), doc.to_string());
        let b = seal(&files).unwrap();
        let o = checks::find("iam-no-full-admin-policies").unwrap().evaluate(&b);
        assert_eq!(o.status, CheckStatus::NotAssessed, "{case}: {o:#?}");
        let group = o.findings.iter().find(|f| f.resource.ends_with("group/ops")).unwrap();
        assert_eq!(group.status, CheckStatus::NotAssessed, "{case}");
        assert!(group.detail.contains(&path) && group.detail.contains("inline policy read"), "{case}: {}", group.detail);
        let user = o.findings.iter().find(|f| f.resource.ends_with("user/alice")).unwrap();
        assert_eq!(user.status, CheckStatus::Pass, "{case}: the other principals are still assessed");
    }
}

fn gap_of(api: &str, region: Option<&str>, path: Option<String>) -> auditpack::evidence::Gap {
    auditpack::evidence::Gap {
        api: api.into(),
        account: ACCOUNT.into(),
        region: region.map(str::to_string),
        path,
        error: "AccessDenied".into(),
        message: "not authorized".into(),
    }
}

fn absent_of(api: &str, path: Option<String>) -> auditpack::evidence::Absent {
    auditpack::evidence::Absent {
        api: api.into(),
        account: ACCOUNT.into(),
        region: None,
        path,
        error: "NoSuchEntity".into(),
        message: "The Password Policy with domain name 111122223333 cannot be found.".into(),
    }
}

fn refused(result: Result<Bundle, auditpack::evidence::Error>, needle: &str) {
    match result {
        Ok(_) => panic!("the bundle verifies, but should be refused for {needle:?}"),
        Err(e) => assert!(e.to_string().contains(needle), "{e}"),
    }
}

#[test]
fn gaps_and_absent_records_resolve_through_the_catalogue() {
    let base = clean();
    // A gap for a document the bundle also holds: which one is true?
    let p = iam("credential-report.csv");
    refused(seal_with(&base, vec![gap_of("iam:GetCredentialReport", None, Some(p.clone()))], vec![]), "never both");
    refused(seal_with(&base, vec![gap_of("iam:GetCredentialReport", None, None)], vec![]), "never both");
    // Entries that resolve to no document.
    refused(seal_with(&base, vec![gap_of("iam:GetCredentialReports", None, None)], vec![]), "did you mean iam:GetCredentialReport");
    refused(seal_with(&base, vec![gap_of("iam:GetAccountSummary", Some(R), None)], vec![]), "is global");
    refused(seal_with(&base, vec![gap_of("config:DescribeConfigRules", None, None)], vec![]), "names no region");
    refused(
        seal_with(&base, vec![gap_of("iam:GetAccountSummary", None, Some(cfg("describe-config-rules.json")))], vec![]),
        "is not a document",
    );
    let mut other = gap_of("iam:GetAccountSummary", None, None);
    other.account = "999999999999".into();
    refused(seal_with(&base, vec![other], vec![]), "not in the manifest's accounts");
    refused(seal_with(&base, vec![], vec![absent_of("iam:GetAccountSummary", None)]), "cannot answer \"there is none\"");

    // An absent record written by hand, without path: the account has no password policy, and
    // the password controls fail (PCI DSS 8.3.6 among them).
    let mut files = base.clone();
    files.remove(&iam("get-account-password-policy.json"));
    let b = seal_with(&files, vec![], vec![absent_of("iam:GetAccountPasswordPolicy", None)]).unwrap();
    let catalog = Catalog::load(None).unwrap();
    let pci = catalog.framework("pci-dss-4.0").unwrap();
    let r = report::build(&b, &[pci], &catalog.service_models);
    assert_eq!(r.checks["iam-password-min-length"].status, CheckStatus::Fail);
    assert_eq!(r.frameworks[0].controls.iter().find(|c| c.id == "8.3.6").unwrap().status, ControlStatus::Fail);
    // And a gap written without path stands for the document too: not assessed, naming it.
    let b = seal_with(&files, vec![gap_of("iam:GetAccountPasswordPolicy", None, None)], vec![]).unwrap();
    let o = checks::find("iam-password-min-length").unwrap().evaluate(&b);
    assert_eq!(o.status, CheckStatus::NotAssessed);
    assert!(o.reason.unwrap().contains("get-account-password-policy.json could not be collected"));
    // The same document both a gap and absent.
    refused(
        seal_with(&files, vec![gap_of("iam:GetAccountPasswordPolicy", None, None)], vec![absent_of("iam:GetAccountPasswordPolicy", None)]),
        "both as a gap and as absent",
    );
}

#[test]
fn files_must_sit_under_the_accounts_and_regions_the_manifest_lists() {
    let base = clean();
    let files: Vec<(&str, String)> = base.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    // The region dropped from `regions` while its files stay listed: refused, not silently unread.
    refused(try_bundle(&[], &files, vec![], vec![]), "region us-east-1 is not in the manifest's regions");
    // A file the catalogue does not know.
    let mut more = files.clone();
    more.push(("111122223333/global/iam/notes.txt", "hello".into()));
    refused(try_bundle(&[R], &more, vec![], vec![]), "not a document of the evidence catalogue");
}

#[test]
fn the_collection_times_bound_every_time_in_the_evidence() {
    let files: BTreeMap<String, Vec<u8>> = clean().into_iter().map(|(p, t)| (p, t.into_bytes())).collect();
    // Collected "before" the evidence: the credential report is refused, so no age comes out
    // negative and nothing passes on it.
    let mut m = manifest_of(&[R], &files, vec![], vec![]);
    m.collection_started_at = "2026-01-01T00:00:00Z".parse().unwrap();
    m.collected_at = "2026-06-01T00:00:00Z".parse().unwrap();
    let b = Bundle::from_parts(&m.to_json(), files.clone(), std::path::Path::new("<test>")).unwrap();
    let path = iam("credential-report.csv");
    assert_refused(&b, &path, "collected_at earlier than the evidence");
    let o = checks::find("iam-access-key-rotation").unwrap().evaluate(&b);
    assert!(o.reason.unwrap().contains("later than the end of the collection"));
    assert!(!o.findings.iter().any(|f| f.detail.contains("-") && f.detail.contains("days before")), "no negative age");
    // A collection that ends before it starts is no manifest.
    let mut m = manifest_of(&[R], &files, vec![], vec![]);
    m.collection_started_at = "2026-11-28T00:00:00Z".parse().unwrap();
    refused(Bundle::from_parts(&m.to_json(), files, std::path::Path::new("<test>")), "ends");
}

/// The clean bundle written to `dir` and sealed.
fn on_disk(dir: &std::path::Path) -> std::path::PathBuf {
    write_bundle(dir, clean())
}

#[test]
fn symlinks_and_special_files_in_a_bundle_are_refused_by_seal_verify_and_report() {
    let dir = tempdir();
    let bundle = on_disk(dir.path());
    assert!(auditpack::evidence::verify_dir(&bundle).unwrap().is_intact());
    let summary = bundle.join(iam("get-account-summary.json"));
    let real = dir.path().join("summary.json");
    std::fs::rename(&summary, &real).unwrap();
    std::os::unix::fs::symlink(&real, &summary).unwrap();
    let fifo = bundle.join(format!("{ACCOUNT}/global/iam/pipe"));
    assert!(tool("mkfifo", &[fifo.to_str().unwrap()]).status.success());
    for result in
        [auditpack::evidence::verify_dir(&bundle).map(|_| ()), auditpack::evidence::seal_dir(&bundle, &Default::default()).map(|_| ())]
    {
        let e = result.expect_err("refused").to_string();
        assert!(e.contains("get-account-summary.json (a symbolic link)") && e.contains("pipe (a special file"), "{e}");
    }
    let out = dir.path().join("packet");
    let o = run(&["report", "--evidence", bundle.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a symbolic link"), "{}", stderr(&o));
    let o = run(&["verify", bundle.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn report_evaluates_exactly_the_bytes_it_verified_while_a_file_is_swapped_under_it() {
    let dir = tempdir();
    let bundle = on_disk(dir.path());
    let path = bundle.join(iam("credential-report.csv"));
    let sealed = std::fs::read(&path).unwrap();
    // Alice loses her MFA in the swapped-in copy: evaluated, it would fail iam-console-mfa.
    let altered = String::from_utf8(sealed.clone()).unwrap().replacen(",N/A,true,true,", ",N/A,false,true,", 1).into_bytes();
    assert_ne!(altered, sealed);
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let (path, stop) = (path.clone(), stop.clone());
        let (sealed, altered) = (sealed.clone(), altered.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (tmp, bytes) = if n.is_multiple_of(2) { (&a, &altered) } else { (&b, &sealed) };
                std::fs::write(tmp, bytes).unwrap();
                std::fs::rename(tmp, &path).unwrap();
                n += 1;
            }
        })
    };
    let (mut evaluated, mut refused_runs) = (0, 0);
    for i in 0..12 {
        let out = dir.path().join(format!("p{i}"));
        let o = run(&["report", "--evidence", bundle.to_str().unwrap(), "--out", out.to_str().unwrap(), "--format", "json"]);
        match o.status.code() {
            Some(0) => {
                evaluated += 1;
                let r: Value = serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
                assert_eq!(r["checks"]["iam-console-mfa"]["status"], "pass", "run {i} evaluated bytes it did not verify");
            }
            Some(2) => {
                refused_runs += 1;
                assert!(stderr(&o).contains("credential-report.csv"), "{}", stderr(&o));
            }
            other => panic!("run {i}: exit {other:?}: {}", stderr(&o)),
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().unwrap();
    eprintln!("swap test: {evaluated} runs evaluated the sealed bytes, {refused_runs} refused a changed file");
    assert_eq!(evaluated + refused_runs, 12);
}

#[test]
fn verify_expect_ties_the_bundle_to_a_manifest_hash_recorded_elsewhere() {
    let dir = tempdir();
    let bundle = on_disk(dir.path());
    let o = run(&["verify", bundle.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let hash = stdout(&o).lines().find_map(|l| l.strip_prefix("manifest.json sha256 ")).unwrap().trim().to_string();
    assert_eq!(hash, auditpack::evidence::sha256_hex(&std::fs::read(bundle.join("manifest.json")).unwrap()));
    let o = run(&["verify", bundle.to_str().unwrap(), "--expect", &hash.to_uppercase()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Edited and sealed again: it still verifies, but it is not the recorded manifest.
    let summary = bundle.join(iam("get-account-summary.json"));
    std::fs::write(&summary, r#"{"SummaryMap": {"Users": 0}}"#).unwrap();
    auditpack::evidence::seal_dir(&bundle, &Default::default()).unwrap();
    assert_eq!(run(&["verify", bundle.to_str().unwrap()]).status.code(), Some(0), "a re-sealed bundle verifies");
    let o = run(&["verify", bundle.to_str().unwrap(), "--expect", &hash]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("not the one recorded"), "{}", stdout(&o));
    let o = run(&["verify", bundle.to_str().unwrap(), "--expect", "abc"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("64 hexadecimal digits"), "{}", stderr(&o));
}

#[test]
fn control_characters_and_bidi_overrides_in_evidence_are_shown_escaped_in_html_and_pdf() {
    let dir = tempdir();
    let mut files = clean();
    // A security group whose name reverses the text after it, and a user ARN with a bell and an
    // escape sequence: both end up in findings.
    let sg = res(ResourceType::Ec2SecurityGroup);
    let doc = files[&sg].replace("\"groupName\\\":\\\"web\\\"", "\"groupName\\\":\\\"web\\u202Eexe.txt\\\"");
    assert_ne!(doc, files[&sg]);
    files.insert(sg, doc);
    let cred = iam("credential-report.csv");
    files.insert(cred.clone(), files[&cred].replace("user/alice,", "user/al\u{7}ice\u{1b}[31m,"));
    let root = write_bundle(dir.path(), files.clone());
    let out = dir.path().join("packet");
    let o = run(&["report", "--evidence", root.to_str().unwrap(), "--out", out.to_str().unwrap(), "--framework", "pci-dss-4.0"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let results = std::fs::read_to_string(out.join("results.json")).unwrap();
    assert!(results.contains("web\u{202E}exe.txt"), "results.json keeps the evidence as it is");
    let html = std::fs::read_to_string(out.join("pci-dss-4.0.html")).unwrap();
    let pdf = stdout(&tool("pdftotext", &["-layout", out.join("pci-dss-4.0.pdf").to_str().unwrap(), "-"]));
    for (name, text) in [("HTML", &html), ("PDF", &pdf)] {
        assert!(text.contains("web[U+202E]exe.txt"), "{name} shows the override");
        // (pdftotext may interleave a table's columns, so the pieces are looked for one by one.)
        // (A long cell breaks after a separator or before a bracket: the escapes stay whole.)
        assert!(
            text.contains("al[U+0007]ice") && text.contains("[U+001B]") && text.contains("[31m"),
            "{name} shows the control characters"
        );
        for raw in ['\u{202E}', '\u{7}', '\u{1b}'] {
            assert!(!text.contains(raw), "{name} holds a raw {:?}", raw);
        }
    }
}

// --- regressions found by an adversarial review -------------------------------------------

/// The clean bundle with one JSON document changed by `f`.
fn with(path: &str, f: impl FnOnce(&mut Value)) -> BTreeMap<String, String> {
    let mut files = clean();
    let mut doc: Value = serde_json::from_str(&files[path]).unwrap();
    f(&mut doc);
    files.insert(path.to_string(), doc.to_string());
    files
}

fn status(check: &str, files: &BTreeMap<String, String>) -> (CheckStatus, String) {
    let o = checks::find(check).unwrap().evaluate(&seal(files).expect("the bundle verifies"));
    let why = o.findings.iter().map(|f| format!("{}: {}", f.resource, f.detail)).collect::<Vec<_>>().join("; ");
    (o.status, why)
}

fn assert_check(check: &str, files: &BTreeMap<String, String>, want: CheckStatus, case: &str) -> String {
    let (got, why) = status(check, files);
    assert_eq!(got, want, "{case}: {check}: {why}");
    why
}

const GAAD: &str = "111122223333/global/iam/get-account-authorization-details.json";

#[test]
fn regression_broad_grants_are_seen_through_wildcards_notaction_notresource_and_case() {
    let inline = |statement: Value| {
        with(GAAD, |d| d["GroupDetailList"][0]["GroupPolicyList"][0]["PolicyDocument"] = json!({"Statement": [statement]}))
    };
    let kms = "iam-no-kms-full-access";
    let admin = "iam-no-full-admin-policies";
    for (case, st) in [
        ("Action *", json!({"Effect": "Allow", "Action": "*", "Resource": "*"})),
        ("KMS:* in capitals", json!({"Effect": "Allow", "Action": "KMS:*", "Resource": "*"})),
        ("NotAction leaving KMS in", json!({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})),
        ("every key by ARN", json!({"Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:*:*:key/*"})),
    ] {
        assert_check(kms, &inline(st), CheckStatus::Fail, case);
    }
    assert_check(kms, &inline(json!({"Effect": "Allow", "NotAction": "kms:*", "Resource": "*"})), CheckStatus::Pass, "NotAction kms:*");
    assert_check(
        admin,
        &inline(json!({"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::x"})),
        CheckStatus::Fail,
        "NotResource",
    );
    // AdministratorAccess attached by ARN grants kms:* too, with or without its document.
    let attached = with(GAAD, |d| {
        d["RoleDetailList"][0]["AttachedManagedPolicies"] =
            json!([{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}])
    });
    assert_check(kms, &attached, CheckStatus::Fail, "AdministratorAccess");
    assert_check(admin, &attached, CheckStatus::Fail, "AdministratorAccess");
    // An attached policy whose document is not in Policies grants an unknown set of rights.
    let undocumented = with(GAAD, |d| {
        d["UserDetailList"][0]["AttachedManagedPolicies"] =
            json!([{"PolicyName": "All", "PolicyArn": "arn:aws:iam::111122223333:policy/All"}])
    });
    let why = assert_check(admin, &undocumented, CheckStatus::NotAssessed, "attached without its document");
    assert!(why.contains("not in Policies"), "{why}");
    // A policy written with `Statement` twice is not read as its last copy.
    let mut files = clean();
    let compact = serde_json::from_str::<Value>(&files[GAAD]).unwrap().to_string();
    let text = compact.replacen(
        "\"PolicyName\":\"read\",\"PolicyDocument\":{",
        "\"PolicyName\":\"read\",\"PolicyDocument\":{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}],",
        1,
    );
    assert_ne!(text, compact, "the fixture shape changed");
    files.insert(GAAD.into(), text);
    assert_check(admin, &files, CheckStatus::NotAssessed, "Statement twice");
}

fn bucket_with(f: impl FnOnce(&mut Value)) -> BTreeMap<String, String> {
    with(&res(ResourceType::S3Bucket), |d| f(&mut d["baseConfigurationItems"][0]["supplementaryConfiguration"]))
}

fn bucket_policy(statement: Value) -> BTreeMap<String, String> {
    bucket_with(|sup| sup["BucketPolicy"] = s(json!({"policyText": json!({"Statement": [statement]}).to_string()})))
}

#[test]
fn regression_bucket_policies_are_public_unless_a_condition_pins_the_caller() {
    let public = "s3-no-public-policy";
    let no_entry = bucket_with(|sup| drop(sup.as_object_mut().unwrap().remove("BucketPolicy")));
    assert_check(public, &no_entry, CheckStatus::NotAssessed, "no BucketPolicy entry");
    let none = bucket_with(|sup| sup["BucketPolicy"] = s(json!({"policyText": null})));
    assert_check(public, &none, CheckStatus::Pass, "policyText null");
    // Without the account-level and bucket-level RestrictPublicBuckets, the policy decides.
    let open = |cond: Value| {
        let mut files = bucket_policy(
            json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-data/*", "Condition": cond}),
        );
        let mut doc: Value = serde_json::from_str(&files[&res(ResourceType::S3Bucket)]).unwrap();
        doc["baseConfigurationItems"][0]["supplementaryConfiguration"]["PublicAccessBlockConfiguration"] =
            s(json!({"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": true, "restrictPublicBuckets": false}));
        files.insert(res(ResourceType::S3Bucket), doc.to_string());
        files
    };
    assert_check(public, &open(json!({"Bool": {"aws:SecureTransport": "true"}})), CheckStatus::Fail, "HTTPS for everyone");
    assert_check(public, &open(json!({"StringLike": {"aws:UserAgent": "*"}})), CheckStatus::Fail, "any user agent");
    assert_check(public, &open(json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}})), CheckStatus::Pass, "one VPC endpoint");
    let not_principal = bucket_policy(
        json!({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "*"}),
    );
    let mut files = not_principal;
    let mut doc: Value = serde_json::from_str(&files[&res(ResourceType::S3Bucket)]).unwrap();
    doc["baseConfigurationItems"][0]["supplementaryConfiguration"]["PublicAccessBlockConfiguration"] =
        s(json!({"restrictPublicBuckets": false}));
    files.insert(res(ResourceType::S3Bucket), doc.to_string());
    assert_check(public, &files, CheckStatus::Fail, "NotPrincipal");
    // TLS only: a Deny, for everyone, of every S3 action on the bucket.
    let tls = "s3-secure-transport";
    let deny = |principal: Value, action: &str| {
        bucket_policy(json!({"Effect": "Deny", "Principal": principal, "Action": action, "Resource": "arn:aws:s3:::acme-data/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
    };
    assert_check(tls, &deny(json!("*"), "s3:*"), CheckStatus::Pass, "deny everyone s3:*");
    assert_check(tls, &deny(json!({"AWS": "arn:aws:iam::111122223333:user/x"}), "s3:*"), CheckStatus::Fail, "deny one user");
    assert_check(tls, &deny(json!("*"), "s3:PutObjectTagging"), CheckStatus::Fail, "deny one action");
}

#[test]
fn regression_documents_that_contradict_the_account_summary_or_the_resource_counts_are_not_assessed() {
    let summary = iam("get-account-summary.json");
    let more_users = with(&summary, |d| d["SummaryMap"]["Users"] = json!(2));
    for check in ["iam-console-mfa", "iam-root-mfa"] {
        let why = assert_check(check, &more_users, CheckStatus::NotAssessed, "a user missing from the credential report");
        assert!(why.contains("lists 1 IAM user(s)") && why.contains("get-account-summary.json"), "{why}");
    }
    assert_check("iam-user-single-active-key", &more_users, CheckStatus::NotAssessed, "a user missing from the details too");
    let more_roles = with(&summary, |d| d["SummaryMap"]["Roles"] = json!(4));
    assert_check("iam-role-trust-not-public", &more_roles, CheckStatus::NotAssessed, "roles missing from the details");
    let root_mfa_off = with(&summary, |d| d["SummaryMap"]["AccountMFAEnabled"] = json!(0));
    assert_check("iam-root-mfa", &root_mfa_off, CheckStatus::NotAssessed, "the summary says root has no MFA");
    let root_keys = with(&summary, |d| d["SummaryMap"]["AccountAccessKeysPresent"] = json!(1));
    assert_check("iam-root-access-keys", &root_keys, CheckStatus::NotAssessed, "the summary says root has keys");
    // The resources file holds fewer buckets than AWS Config discovered.
    let counts = cfg("get-discovered-resource-counts.json");
    let more_buckets = with(&counts, |d| d["resourceCounts"][1]["count"] = json!(12));
    let why = assert_check("s3-default-encryption", &more_buckets, CheckStatus::NotAssessed, "buckets missing");
    assert!(why.contains("holds 1 AWS::S3::Bucket item(s)") && why.contains("discovered 12"), "{why}");
    // The same summary, consistent: all still pass.
    assert_check("iam-console-mfa", &with(&summary, |d| d["SummaryMap"]["Users"] = json!(1)), CheckStatus::Pass, "consistent");
}

#[test]
fn regression_evidence_of_another_account_is_refused() {
    let other = |text: &str| text.replace("arn:aws:iam::111122223333:", "arn:aws:iam::222233334444:");
    for path in [iam("credential-report.csv"), GAAD.to_string(), iam("list-virtual-mfa-devices.json")] {
        let mut files = clean();
        files.insert(path.clone(), other(&files[&path]));
        let b = seal(&files).unwrap();
        assert_refused(&b, &path, "ARNs of another account");
        assert!(b.unreadable().iter().any(|w| w.contains("222233334444")), "{:?}", b.unreadable());
    }
    let sg = res(ResourceType::Ec2SecurityGroup);
    for key in ["accountId", "awsRegion"] {
        let files = with(&sg, |d| drop(d["baseConfigurationItems"][0].as_object_mut().unwrap().remove(key)));
        assert_refused(&seal(&files).unwrap(), &sg, &format!("an item without {key}"));
    }
}

#[test]
fn regression_patches_account_level_blocks_key_states_and_schemes_are_read_strictly() {
    let patch = res(ResourceType::SsmPatchCompliance);
    for (case, p) in [
        ("no status", json!({})),
        ("InstalledRejected without status", json!({"PatchState": "InstalledRejected"})),
        ("UNSPECIFIED_DATA", json!({"PatchState": "Installed", "Status": "UNSPECIFIED_DATA"})),
    ] {
        let files = with(&patch, |d| {
            d["baseConfigurationItems"][0]["configuration"] =
                json!(json!({"AWS:ComplianceItem": {"Content": {"Patch": {"openssl": p}}}}).to_string())
        });
        assert_check("ssm-patch-compliance", &files, CheckStatus::NotAssessed, case);
    }
    // The account-level block counts only where it is recorded, and only as the account's own item.
    let without_own = bucket_with(|sup| drop(sup.as_object_mut().unwrap().remove("PublicAccessBlockConfiguration")));
    assert_check("s3-public-access-block", &without_own, CheckStatus::Pass, "covered by the account-level block");
    let mut files = without_own.clone();
    let mut rec: Value = serde_json::from_str(&files[&cfg("describe-configuration-recorders.json")]).unwrap();
    rec["ConfigurationRecorders"][0]["recordingGroup"]["exclusionByResourceTypes"]["resourceTypes"] =
        json!(["AWS::S3::AccountPublicAccessBlock"]);
    files.insert(cfg("describe-configuration-recorders.json"), rec.to_string());
    assert_check("s3-public-access-block", &files, CheckStatus::Fail, "the block's type is not recorded");
    let mut files = without_own;
    let mut pab: Value = serde_json::from_str(&files[&res(ResourceType::S3AccountPublicAccessBlock)]).unwrap();
    pab["baseConfigurationItems"][0]["resourceId"] = json!("999999999999");
    files.insert(res(ResourceType::S3AccountPublicAccessBlock), pab.to_string());
    assert_check("s3-public-access-block", &files, CheckStatus::Fail, "another account's block");
    let key = with(&res(ResourceType::KmsKey), |d| {
        d["baseConfigurationItems"][0]["configuration"] = json!(json!({"keyManager": "CUSTOMER", "keyState": "Deleting"}).to_string())
    });
    assert_check("kms-key-not-pending-deletion", &key, CheckStatus::NotAssessed, "unknown key state");
    let lb = with(&res(ResourceType::ElbV2LoadBalancer), |d| {
        d["baseConfigurationItems"][0]["configuration"] = json!(json!({"scheme": "internet_facing", "type": "application"}).to_string())
    });
    assert_check("elb-waf-attached", &lb, CheckStatus::NotAssessed, "unknown scheme");
}

#[test]
fn regression_rule_results_recorders_and_real_aws_shapes() {
    // A NON_COMPLIANT summary whose results could not be collected still fails.
    let rules = cfg("describe-compliance-by-config-rule.json");
    let details = cfg("get-compliance-details-by-config-rule/restricted-ssh.json");
    let mut files = with(&rules, |d| d["ComplianceByConfigRules"][0]["Compliance"]["ComplianceType"] = json!("NON_COMPLIANT"));
    files.remove(&details);
    let b = seal_with(&files, vec![gap_of("config:GetComplianceDetailsByConfigRule", Some(R), Some(details.clone()))], vec![]).unwrap();
    assert_eq!(all_rules(&b).status, CheckStatus::Fail);
    // A result of a compliance type AWS does not have refuses the document.
    let odd = with(&details, |d| d["EvaluationResults"][0]["ComplianceType"] = json!("non_compliant"));
    assert_refused(&seal(&odd).unwrap(), &details, "an unknown ComplianceType");
    // A recorder that is recording but failing to deliver: its items are no evidence.
    let status_path = cfg("describe-configuration-recorder-status.json");
    let failing = with(&status_path, |d| d["ConfigurationRecordersStatus"][0]["lastStatus"] = json!("FAILURE"));
    assert_check("ebs-volume-encryption", &failing, CheckStatus::NotAssessed, "a failing recorder");
    assert_check("config-recorder-healthy", &failing, CheckStatus::Fail, "a failing recorder");
    // The API model spells the status Success.
    assert_check(
        "config-recorder-healthy",
        &with(&status_path, |d| d["ConfigurationRecordersStatus"][0]["lastStatus"] = json!("Success")),
        CheckStatus::Pass,
        "Success",
    );
    // A second, service-linked recorder beside the customer's stopped one.
    let two = {
        let mut files = with(&cfg("describe-configuration-recorders.json"), |d| {
            d["ConfigurationRecorders"]
                .as_array_mut()
                .unwrap()
                .insert(0, json!({"name": "stopped", "recordingGroup": {"allSupported": true}}))
        });
        let mut st: Value = serde_json::from_str(&files[&status_path]).unwrap();
        st["ConfigurationRecordersStatus"].as_array_mut().unwrap().insert(0, json!({"name": "stopped", "recording": false}));
        files.insert(status_path.clone(), st.to_string());
        files
    };
    assert_check("config-recorder-enabled", &two, CheckStatus::Pass, "one of two recorders recording");
    // Real AWS shapes that are not errors: IAM leaves UserPolicyList out for a user without inline
    // policies; a recorder records all but its exclusions; CLI v1 prints epoch times.
    let no_list = with(GAAD, |d| drop(d["UserDetailList"][0].as_object_mut().unwrap().remove("UserPolicyList")));
    assert_check("iam-no-user-inline-policies", &no_list, CheckStatus::Pass, "UserPolicyList left out");
    let exclusion = with(&cfg("describe-configuration-recorders.json"), |d| {
        d["ConfigurationRecorders"][0]["recordingGroup"] = json!({"allSupported": false, "includeGlobalResourceTypes": false,
            "exclusionByResourceTypes": {"resourceTypes": ["AWS::EC2::Instance"]}, "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}})
    });
    assert_check("ebs-volume-encryption", &exclusion, CheckStatus::Pass, "recording by exclusion");
    let epoch =
        with(&res(ResourceType::Ec2Volume), |d| d["baseConfigurationItems"][0]["configurationItemCaptureTime"] = json!(1795680000.123));
    assert_check("ebs-volume-encryption", &epoch, CheckStatus::Pass, "an epoch capture time");
}

#[test]
fn regression_a_collection_time_in_the_future_and_a_seal_without_one_are_refused() {
    let files: BTreeMap<String, Vec<u8>> = clean().into_iter().map(|(p, t)| (p, t.into_bytes())).collect();
    let mut m = manifest_of(&[R], &files, vec![], vec![]);
    m.collected_at = "2030-01-01T00:00:00Z".parse().unwrap();
    refused(Bundle::from_parts(&m.to_json(), files, std::path::Path::new("<test>")), "is in the future");
    let dir = tempdir();
    let root = dir.path().join("e");
    std::fs::create_dir_all(root.join("111122223333/global/iam")).unwrap();
    std::fs::write(root.join("111122223333/global/iam/get-account-summary.json"), r#"{"SummaryMap": {}}"#).unwrap();
    let e = auditpack::evidence::seal_dir(&root, &Default::default()).unwrap_err().to_string();
    assert!(e.contains("--collected-at"), "{e}");
    assert!(!root.join("manifest.json").exists());
}
