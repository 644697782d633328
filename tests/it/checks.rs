//! Each check family on passing, failing and missing evidence.

use auditpack::checks::{self, CheckStatus};
use auditpack::evidence::{Absent, Bundle};
use serde_json::{json, Value};

use crate::cases::*;
use crate::util::*;

#[test]
fn registry_has_at_least_30_documented_checks_with_unique_ids() {
    let all = checks::registry();
    assert!(all.len() >= 30, "{} checks", all.len());
    let mut ids: Vec<&str> = all.iter().map(|c| c.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "duplicate check ids");
    for c in all {
        assert!(c.id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'), "{}", c.id);
        assert!(!c.title.is_empty() && !c.rationale.is_empty() && !c.remediation.is_empty() && !c.evidence.is_empty(), "{}", c.id);
    }
}

#[test]
fn an_empty_bundle_passes_no_check() {
    let b = bundle(&[]);
    for c in checks::registry() {
        let o = c.evaluate(&b);
        assert_eq!(o.status, CheckStatus::NotAssessed, "{} on an empty bundle: {o:#?}", c.id);
        assert!(o.reason.is_some(), "{} gives no reason", c.id);
    }
}

// --- credential report -------------------------------------------------------------------

const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// A credential-report row: (user, password, password_last_used, mfa, key1 (rotated, used), key2 (rotated, used)).
fn row(user: &str, password: bool, pw_used: &str, mfa: bool, k1: Option<(&str, &str)>, k2: Option<(&str, &str)>) -> String {
    let arn = if user == "<root_account>" { format!("arn:aws:iam::{ACCOUNT}:root") } else { format!("arn:aws:iam::{ACCOUNT}:user/{user}") };
    let key = |k: Option<(&str, &str)>| match k {
        Some((rot, used)) => format!("true,{rot},{used},us-east-1,s3"),
        None => "false,N/A,N/A,N/A,N/A".to_string(),
    };
    format!(
        "{user},{arn},2024-01-01T00:00:00+00:00,{password},{pw_used},2024-01-01T00:00:00+00:00,N/A,{mfa},{},{},false,N/A,false,N/A",
        key(k1),
        key(k2)
    )
}

fn cred_bundle(rows: &[String]) -> Bundle {
    bundle(&[(&format!("{ACCOUNT}/global/iam/credential-report.csv"), format!("{HEADER}\n{}\n", rows.join("\n")))])
}

#[test]
fn credential_report_checks_pass_on_a_clean_account() {
    let b = cred_bundle(&[
        row("<root_account>", false, "2026-01-01T00:00:00+00:00", true, None, None),
        row("alice", true, "2026-11-20T00:00:00+00:00", true, Some(("2026-10-01T00:00:00+00:00", "2026-11-26T00:00:00+00:00")), None),
    ]);
    for id in [
        "iam-root-mfa",
        "iam-root-access-keys",
        "iam-root-recent-use",
        "iam-console-mfa",
        "iam-access-key-rotation",
        "iam-access-key-unused",
        "iam-user-single-active-key",
        "iam-console-password-unused",
    ] {
        let o = assert_status(id, &b, CheckStatus::Pass);
        assert!(o.evidence_files.contains(&format!("{ACCOUNT}/global/iam/credential-report.csv")), "{id} lists its evidence");
    }
}

#[test]
fn credential_report_checks_fail_on_each_violation() {
    let b = cred_bundle(&[
        row("<root_account>", false, "2026-11-01T00:00:00+00:00", false, Some(("2020-01-01T00:00:00+00:00", "N/A")), None),
        row(
            "bob",
            true,
            "2026-08-01T00:00:00+00:00",
            false,
            Some(("2025-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00")),
            Some(("2026-11-20T00:00:00+00:00", "N/A")),
        ),
    ]);
    let expectations = [
        ("iam-root-mfa", "root user has no MFA"),
        ("iam-root-access-keys", "1 active access key"),
        ("iam-root-recent-use", "password used 2026-11-01"),
        ("iam-console-mfa", "without MFA"),
        ("iam-access-key-rotation", "2025-01-01"),
        ("iam-access-key-unused", "last used 2026-01-01"),
        ("iam-user-single-active-key", "two active access keys"),
        ("iam-console-password-unused", "2026-08-01"),
    ];
    for (id, detail) in expectations {
        let o = assert_status(id, &b, CheckStatus::Fail);
        let failing: Vec<&str> = o.findings.iter().filter(|f| f.status == CheckStatus::Fail).map(|f| f.detail.as_str()).collect();
        assert!(failing.iter().any(|d| d.contains(detail)), "{id}: {failing:?} lacks {detail:?}");
    }
    // bob's second key is new and unused for less than 45 days: that key passes.
    let o = eval("iam-access-key-unused", &b);
    assert!(o.findings.iter().any(|f| f.resource.ends_with("(access key 2)") && f.status == CheckStatus::Pass));
}

#[test]
fn credential_report_checks_are_not_assessed_without_the_report_or_with_a_gap() {
    let path = format!("{ACCOUNT}/global/iam/credential-report.csv");
    let missing = bundle(&[]);
    let gapped = bundle_with(&["us-east-1"], &[], vec![gap("iam:GenerateCredentialReport", &path)], vec![]);
    for b in [&missing, &gapped] {
        let o = assert_status("iam-console-mfa", b, CheckStatus::NotAssessed);
        assert!(o.reason.as_deref().unwrap().contains("credential-report.csv"));
    }
    let o = eval("iam-root-mfa", &gapped);
    assert!(o.reason.unwrap().contains("AccessDenied"), "the gap's error is named");
    let broken = bundle(&[(&path, "not,a,credential,report\n1,2,3,4\n".to_string())]);
    assert_status("iam-root-mfa", &broken, CheckStatus::NotAssessed);
}

// --- password policy ---------------------------------------------------------------------

fn policy_bundle(policy: Value) -> Bundle {
    bundle(&[(&format!("{ACCOUNT}/global/iam/get-account-password-policy.json"), json!({ "PasswordPolicy": policy }).to_string())])
}

const PASSWORD_CHECKS: [&str; 4] = ["iam-password-min-length", "iam-password-complexity", "iam-password-reuse", "iam-password-max-age"];

#[test]
fn password_policy_checks_pass_fail_and_treat_no_policy_as_failure() {
    let strong = policy_bundle(json!({
        "MinimumPasswordLength": 16, "RequireSymbols": true, "RequireNumbers": true, "RequireUppercaseCharacters": true,
        "RequireLowercaseCharacters": true, "ExpirePasswords": true, "MaxPasswordAge": 60, "PasswordReusePrevention": 24
    }));
    let weak = policy_bundle(json!({
        "MinimumPasswordLength": 8, "RequireSymbols": false, "RequireNumbers": true, "RequireUppercaseCharacters": true,
        "RequireLowercaseCharacters": true, "ExpirePasswords": false, "PasswordReusePrevention": 3
    }));
    let path = format!("{ACCOUNT}/global/iam/get-account-password-policy.json");
    let none = bundle_with(
        &["us-east-1"],
        &[],
        vec![],
        vec![Absent {
            api: "iam:GetAccountPasswordPolicy".into(),
            account: ACCOUNT.into(),
            region: None,
            path: Some(path),
            error: "NoSuchEntity".into(),
            message: "The Password Policy with domain name 111122223333 cannot be found.".into(),
        }],
    );
    for id in PASSWORD_CHECKS {
        assert_status(id, &strong, CheckStatus::Pass);
        assert_status(id, &weak, CheckStatus::Fail);
        let o = assert_status(id, &none, CheckStatus::Fail);
        assert!(o.findings[0].detail.contains("no password policy"));
        assert_status(id, &bundle(&[]), CheckStatus::NotAssessed);
    }
    let o = eval("iam-password-complexity", &weak);
    assert!(o.findings[0].detail.contains("symbols"));
}

// --- authorization details ---------------------------------------------------------------

fn auth_bundle(details: Value) -> Bundle {
    bundle(&[(&format!("{ACCOUNT}/global/iam/get-account-authorization-details.json"), details.to_string())])
}

fn user(name: &str, attached: &[&str], inline: Value) -> Value {
    json!({
        "UserName": name, "Arn": format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        "AttachedManagedPolicies": attached.iter().map(|a| json!({"PolicyName": a.rsplit('/').next().unwrap(), "PolicyArn": a})).collect::<Vec<_>>(),
        "UserPolicyList": inline, "GroupList": []
    })
}

fn role(name: &str, trust: Value) -> Value {
    json!({"RoleName": name, "Arn": format!("arn:aws:iam::{ACCOUNT}:role/{name}"), "AssumeRolePolicyDocument": trust,
           "RolePolicyList": [], "AttachedManagedPolicies": []})
}

#[test]
fn authorization_details_checks_pass_and_fail() {
    let clean = auth_bundle(json!({
        "UserDetailList": [user("carol", &[], json!([]))],
        "GroupDetailList": [], "Policies": [],
        "RoleDetailList": [role("app", json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))]
    }));
    for id in ["iam-no-full-admin-policies", "iam-no-user-attached-policies", "iam-no-user-inline-policies", "iam-role-trust-not-public"] {
        assert_status(id, &clean, CheckStatus::Pass);
    }
    // The raw API URL-encodes policy documents; the CLI prints them as JSON: both are read.
    let encoded_admin = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
    let bad = auth_bundle(json!({
        "UserDetailList": [
            user("alice", &["arn:aws:iam::aws:policy/AdministratorAccess"], json!([])),
            user("ci", &[], json!([{"PolicyName": "everything", "PolicyDocument": encoded_admin}])),
        ],
        "GroupDetailList": [{"GroupName": "ops", "Arn": format!("arn:aws:iam::{ACCOUNT}:group/ops"), "GroupPolicyList": [],
                              "AttachedManagedPolicies": [{"PolicyName": "OpsAll", "PolicyArn": format!("arn:aws:iam::{ACCOUNT}:policy/OpsAll")}]}],
        "Policies": [{"PolicyName": "OpsAll", "Arn": format!("arn:aws:iam::{ACCOUNT}:policy/OpsAll"), "PolicyVersionList": [
            {"Document": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}}, "IsDefaultVersion": true}]}],
        "RoleDetailList": [
            role("open", json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]})),
            role("partner", json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "sts:AssumeRole",
                                                  "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}]}))]
    }));
    let o = assert_status("iam-no-full-admin-policies", &bad, CheckStatus::Fail);
    let failing: Vec<&str> = o.findings.iter().filter(|f| f.status == CheckStatus::Fail).map(|f| f.resource.as_str()).collect();
    assert_eq!(failing.len(), 3, "alice, ci and the ops group: {failing:?}");
    assert!(failing.iter().any(|r| r.ends_with("group/ops")));
    assert_status("iam-no-user-attached-policies", &bad, CheckStatus::Fail);
    assert_status("iam-no-user-inline-policies", &bad, CheckStatus::Fail);
    let o = assert_status("iam-role-trust-not-public", &bad, CheckStatus::Fail);
    assert_eq!(o.findings.iter().filter(|f| f.status == CheckStatus::Fail).count(), 2);
    assert!(o.findings.iter().any(|f| f.detail.contains("sts:ExternalId")));
    assert_status("iam-role-trust-not-public", &bundle(&[]), CheckStatus::NotAssessed);
}

// --- AWS Config service ------------------------------------------------------------------

#[test]
fn config_service_checks_pass_fail_and_name_the_region_without_a_recorder() {
    let ok = bundle(&owned(&recorder_files("us-east-1", true, true)));
    for id in ["config-recorder-enabled", "config-recorder-all-resources", "config-recorder-healthy", "config-delivery-channel"] {
        assert_status(id, &ok, CheckStatus::Pass);
    }
    let mut files = recorder_files("us-east-1", true, true);
    files.extend(no_recorder("eu-west-1"));
    let two = bundle_with(&["eu-west-1", "us-east-1"], &owned(&files), vec![], vec![]);
    for id in ["config-recorder-enabled", "config-recorder-healthy", "config-delivery-channel"] {
        let o = assert_status(id, &two, CheckStatus::Fail);
        assert!(o.findings.iter().any(|f| f.status == CheckStatus::Fail && f.resource == format!("{ACCOUNT}/eu-west-1")), "{id}: {o:#?}");
    }
    let stopped = bundle(&owned(&recorder_files("us-east-1", false, false)));
    assert_status("config-recorder-enabled", &stopped, CheckStatus::Fail);
    assert_status("config-recorder-all-resources", &stopped, CheckStatus::Fail);
    assert_status("config-recorder-healthy", &stopped, CheckStatus::Fail);
    for id in ["config-recorder-enabled", "config-recorder-all-resources", "config-recorder-healthy", "config-delivery-channel"] {
        assert_status(id, &bundle(&[]), CheckStatus::NotAssessed);
    }
}

#[test]
fn config_rule_results_fail_per_non_compliant_resource() {
    let base = format!("{ACCOUNT}/us-east-1/config");
    let rules = json!({"ConfigRules": [{"ConfigRuleName": "restricted-ssh"}, {"ConfigRuleName": "s3-encrypted"}]}).to_string();
    let compliant = json!({"ComplianceByConfigRules": [
        {"ConfigRuleName": "restricted-ssh", "Compliance": {"ComplianceType": "COMPLIANT"}},
        {"ConfigRuleName": "s3-encrypted", "Compliance": {"ComplianceType": "COMPLIANT"}}]})
    .to_string();
    let ok = bundle(&[
        (&format!("{base}/describe-config-rules.json"), rules.clone()),
        (&format!("{base}/describe-compliance-by-config-rule.json"), compliant.clone()),
    ]);
    assert_eq!(all_rules(&ok).status, CheckStatus::Pass);

    let non = compliant.replacen("COMPLIANT", "NON_COMPLIANT", 1);
    let details = json!({"EvaluationResults": [{"EvaluationResultIdentifier": {"EvaluationResultQualifier": {
        "ConfigRuleName": "restricted-ssh", "ResourceType": "AWS::EC2::SecurityGroup", "ResourceId": "sg-123"}},
        "ComplianceType": "NON_COMPLIANT", "Annotation": "Port 22 open"}]})
    .to_string();
    let bad = bundle(&[
        (&format!("{base}/describe-config-rules.json"), rules.clone()),
        (&format!("{base}/describe-compliance-by-config-rule.json"), non.clone()),
        (&format!("{base}/get-compliance-details-by-config-rule/restricted-ssh.json"), details),
    ]);
    let o = all_rules(&bad);
    assert_eq!(o.status, CheckStatus::Fail);
    assert!(o.findings.iter().any(|f| f.resource.contains("sg-123") && f.detail.contains("Port 22 open")));

    // Details throttled away: the rule is still a failure, said at rule level.
    let gapped = bundle_with(
        &["us-east-1"],
        &[(&format!("{base}/describe-config-rules.json"), rules), (&format!("{base}/describe-compliance-by-config-rule.json"), non)],
        vec![gap("config:GetComplianceDetailsByConfigRule", &format!("{base}/get-compliance-details-by-config-rule/restricted-ssh.json"))],
        vec![],
    );
    let o = all_rules(&gapped);
    assert!(o.findings.iter().any(|f| f.status == CheckStatus::NotAssessed && f.detail.contains("AccessDenied")));
    assert_eq!(all_rules(&bundle(&[])).status, CheckStatus::NotAssessed);
}

// --- configuration items -----------------------------------------------------------------

fn s3(enc: bool, pab: bool, public: bool) -> Value {
    let mut sup = serde_json::Map::new();
    if enc {
        sup.insert(
            "ServerSideEncryptionConfiguration".into(),
            json!(json!({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}).to_string()),
        );
    }
    let flag = pab;
    sup.insert(
        "PublicAccessBlockConfiguration".into(),
        json!(json!({"blockPublicAcls": flag, "ignorePublicAcls": flag, "blockPublicPolicy": flag, "restrictPublicBuckets": flag})
            .to_string()),
    );
    if public {
        let policy = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}).to_string();
        sup.insert("BucketPolicy".into(), json!(json!({"policyText": policy}).to_string()));
    }
    ci("AWS::S3::Bucket", "bucket", json!({"name": "bucket"}), Value::Object(sup))
}

fn rds(cfg: Value) -> Value {
    ci("AWS::RDS::DBInstance", "db", cfg, json!({}))
}

fn bucket_with(key: &str, value: Value) -> Value {
    ci("AWS::S3::Bucket", "bucket", json!({"name": "bucket"}), json!({ key: value.to_string() }))
}

fn cases() -> Vec<Case> {
    let sg = |cidr: &str, port: i64| {
        ci(
            "AWS::EC2::SecurityGroup",
            "sg-1",
            json!({"groupName": "g", "ipPermissions": [{"ipProtocol": "tcp", "fromPort": port, "toPort": port, "ipv4Ranges": [{"cidrIp": cidr}], "ipv6Ranges": []}]}),
            json!({}),
        )
    };
    let key = |rot: &str| {
        ci(
            "AWS::KMS::Key",
            "k1",
            json!({"keyManager": "CUSTOMER", "keyState": "Enabled", "keySpec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS"}),
            json!({"KeyRotationStatus": rot}),
        )
    };
    let patch = |state: &str| {
        ci(
            "AWS::SSM::PatchCompliance",
            "AWS::SSM::ManagedInstanceInventory/i-1",
            json!({"AWS:ComplianceItem": {"Content": {"Patch": {"kernel": {"PatchState": state,
                "Status": if state == "Installed" { "COMPLIANT" } else { "NON_COMPLIANT" }}}}}}),
            json!({}),
        )
    };
    let trail = |multi: bool, valid: bool| {
        ci("AWS::CloudTrail::Trail", "t", json!({"isMultiRegionTrail": multi, "logFileValidationEnabled": valid}), json!({}))
    };
    let tls_policy = |deny: bool| {
        let st = if deny {
            json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])
        } else {
            json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "*"}])
        };
        bucket_with("BucketPolicy", json!({"policyText": json!({"Statement": st}).to_string()}))
    };
    let trail_cfg = |cfg: Value| ci("AWS::CloudTrail::Trail", "t", cfg, json!({}));
    let sg_all = |cidr: &str| {
        ci(
            "AWS::EC2::SecurityGroup",
            "sg-2",
            json!({"groupName": "g", "ipPermissions": [{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": cidr}], "ipv6Ranges": []}]}),
            json!({}),
        )
    };
    let kms_state = |state: &str| {
        ci("AWS::KMS::Key", "k2", json!({"keyManager": "CUSTOMER", "keyState": state, "deletionDate": "2026-12-07T00:00:00Z"}), json!({}))
    };
    let extra = vec![
        Case {
            check: "s3-versioning",
            resource_type: "AWS::S3::Bucket",
            good: bucket_with("BucketVersioningConfiguration", json!({"status": "Enabled"})),
            bad: bucket_with("BucketVersioningConfiguration", json!({"status": "Suspended"})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "s3-secure-transport",
            resource_type: "AWS::S3::Bucket",
            good: tls_policy(true),
            bad: tls_policy(false),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "s3-access-logging",
            resource_type: "AWS::S3::Bucket",
            good: bucket_with("BucketLoggingConfiguration", json!({"destinationBucketName": "logs"})),
            bad: bucket_with("BucketLoggingConfiguration", json!({"destinationBucketName": null})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "rds-no-public-access",
            resource_type: "AWS::RDS::DBInstance",
            good: rds(json!({"publiclyAccessible": false})),
            bad: rds(json!({"publiclyAccessible": true})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "rds-backups",
            resource_type: "AWS::RDS::DBInstance",
            good: rds(json!({"backupRetentionPeriod": 7})),
            bad: rds(json!({"backupRetentionPeriod": 0})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "rds-iam-authentication",
            resource_type: "AWS::RDS::DBInstance",
            good: rds(json!({"iAMDatabaseAuthenticationEnabled": true})),
            bad: rds(json!({"iAMDatabaseAuthenticationEnabled": false})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "rds-log-exports",
            resource_type: "AWS::RDS::DBInstance",
            good: rds(json!({"enabledCloudwatchLogsExports": ["error", "postgresql"]})),
            bad: rds(json!({"enabledCloudwatchLogsExports": []})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "rds-multi-az",
            resource_type: "AWS::RDS::DBInstance",
            good: rds(json!({"multiAZ": true})),
            bad: rds(json!({"multiAZ": false})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "kms-key-not-pending-deletion",
            resource_type: "AWS::KMS::Key",
            good: kms_state("Enabled"),
            bad: kms_state("PendingDeletion"),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "cloudtrail-kms-encryption",
            resource_type: "AWS::CloudTrail::Trail",
            good: trail_cfg(json!({"name": "t", "kmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/k"})),
            bad: trail_cfg(json!({"name": "t"})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "cloudtrail-cloudwatch-logs",
            resource_type: "AWS::CloudTrail::Trail",
            good: trail_cfg(json!({"name": "t", "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:trail"})),
            bad: trail_cfg(json!({"name": "t", "cloudWatchLogsLogGroupArn": ""})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "ec2-sg-no-open-all-traffic",
            resource_type: "AWS::EC2::SecurityGroup",
            good: sg_all("10.0.0.0/8"),
            bad: sg_all("0.0.0.0/0"),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
    ];
    let mut all = vec![
        Case {
            check: "s3-default-encryption",
            resource_type: "AWS::S3::Bucket",
            good: s3(true, true, false),
            bad: s3(false, true, false),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "s3-public-access-block",
            resource_type: "AWS::S3::Bucket",
            good: s3(true, true, false),
            bad: s3(true, false, false),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "s3-no-public-policy",
            resource_type: "AWS::S3::Bucket",
            good: s3(true, true, true),
            bad: s3(true, false, true),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "ebs-volume-encryption",
            resource_type: "AWS::EC2::Volume",
            good: ci("AWS::EC2::Volume", "vol-1", json!({"encrypted": true}), json!({})),
            bad: ci("AWS::EC2::Volume", "vol-1", json!({"encrypted": false}), json!({})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "rds-storage-encryption",
            resource_type: "AWS::RDS::DBInstance",
            good: ci("AWS::RDS::DBInstance", "db", json!({"storageEncrypted": true, "engine": "postgres"}), json!({})),
            bad: ci("AWS::RDS::DBInstance", "db", json!({"storageEncrypted": false, "engine": "mysql"}), json!({})),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "ec2-sg-no-open-admin-ports",
            resource_type: "AWS::EC2::SecurityGroup",
            good: sg("10.0.0.0/8", 22),
            bad: sg("0.0.0.0/0", 3389),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "cloudtrail-multi-region",
            resource_type: "AWS::CloudTrail::Trail",
            good: trail(true, false),
            bad: trail(false, true),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "cloudtrail-log-validation",
            resource_type: "AWS::CloudTrail::Trail",
            good: trail(false, true),
            bad: trail(true, false),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "kms-key-rotation",
            resource_type: "AWS::KMS::Key",
            good: key("true"),
            bad: key("false"),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "ssm-patch-compliance",
            resource_type: "AWS::SSM::PatchCompliance",
            good: patch("Installed"),
            bad: patch("Missing"),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
        Case {
            check: "elb-waf-attached",
            resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
            good: {
                let mut lb = ci(
                    "AWS::ElasticLoadBalancingV2::LoadBalancer",
                    "guarded",
                    json!({"scheme": "internet-facing", "type": "application"}),
                    json!({}),
                );
                lb["relationships"] = json!([{"resourceType": "AWS::WAFv2::WebACL", "resourceId": "acl-1"}]);
                lb
            },
            bad: ci(
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "web",
                json!({"scheme": "internet-facing", "type": "application"}),
                json!({}),
            ),
            with: vec![],
            when_empty: CheckStatus::NotApplicable,
        },
    ];
    all.extend(extra);
    all
}

#[test]
fn resource_checks_pass_and_fail_on_configuration_items() {
    for case in cases() {
        assert_status(case.check, &resources_bundle(case.resource_type, vec![case.good]), CheckStatus::Pass);
        let o = assert_status(case.check, &resources_bundle(case.resource_type, vec![case.bad]), CheckStatus::Fail);
        assert!(o.evidence_files.iter().any(|f| f.contains("/config/resources/")), "{}: {:?}", case.check, o.evidence_files);
    }
}

#[test]
fn resource_checks_are_not_applicable_where_a_recorded_region_has_no_resource_in_scope() {
    for case in cases() {
        let empty = resources_bundle(case.resource_type, vec![]);
        if case.check == "cloudtrail-multi-region" {
            // An account needs a trail: none at all is a failure, not "nothing in scope".
            assert_status(case.check, &empty, CheckStatus::Fail);
            continue;
        }
        let o = assert_status(case.check, &empty, CheckStatus::NotApplicable);
        assert!(o.reason.unwrap().contains("nothing in scope"), "{}", case.check);
    }
    let internal = ci("AWS::ElasticLoadBalancingV2::LoadBalancer", "in", json!({"scheme": "internal", "type": "application"}), json!({}));
    let b = resources_bundle("AWS::ElasticLoadBalancingV2::LoadBalancer", vec![internal]);
    assert_status("elb-waf-attached", &b, CheckStatus::NotApplicable);
}

#[test]
fn resource_checks_are_not_assessed_without_items_or_without_a_recorder() {
    for case in cases() {
        // Recorder on, but the items were never collected.
        let b = bundle(&owned(&recorder_files("us-east-1", true, true)));
        assert_status(case.check, &b, CheckStatus::NotAssessed);
        // Items present, but no recorder records the type there: the inventory proves nothing.
        let mut files = no_recorder("us-east-1");
        files.push((
            crate::util::resource_path(ACCOUNT, "us-east-1", case.resource_type),
            json!({"baseConfigurationItems": []}).to_string(),
        ));
        let o = assert_status(case.check, &bundle(&owned(&files)), CheckStatus::NotAssessed);
        assert!(o.reason.unwrap().contains("not recording"), "{}", case.check);
    }
}

#[test]
fn waf_association_is_read_from_the_web_acl_relationships() {
    let lb = ci("AWS::ElasticLoadBalancingV2::LoadBalancer", "web", json!({"scheme": "internet-facing", "type": "application"}), json!({}));
    let acl = json!({"accountId": ACCOUNT, "awsRegion": "us-east-1", "resourceType": "AWS::WAFv2::WebACL", "resourceId": "acl", "configuration": "{}",
                     "configurationItemStatus": "OK", "relationships": [{"resourceType": "AWS::ElasticLoadBalancingV2::LoadBalancer", "resourceId": "arn:aws:test:::web"}]});
    let mut files = recorder_files("us-east-1", true, true);
    files.push((
        crate::util::resource_path(ACCOUNT, "us-east-1", "AWS::ElasticLoadBalancingV2::LoadBalancer"),
        json!({"baseConfigurationItems": [lb]}).to_string(),
    ));
    files.push((
        crate::util::resource_path(ACCOUNT, "us-east-1", "AWS::WAFv2::WebACL"),
        json!({"baseConfigurationItems": [acl]}).to_string(),
    ));
    assert_status("elb-waf-attached", &bundle(&owned(&files)), CheckStatus::Pass);
}

#[test]
fn web_acls_without_relationships_leave_a_public_alb_not_assessed() {
    // batch-get-resource-config (what collect writes) has no relationships: an ACL exists, but
    // what it protects is unknown, so the ALB is neither passed nor failed.
    let lb = ci("AWS::ElasticLoadBalancingV2::LoadBalancer", "web", json!({"scheme": "internet-facing", "type": "application"}), json!({}));
    let acl = json!({"accountId": ACCOUNT, "awsRegion": "us-east-1", "resourceType": "AWS::WAFv2::WebACL", "resourceId": "acl", "configuration": "{}",
                     "configurationItemStatus": "OK"});
    let mut files = recorder_files("us-east-1", true, true);
    files.push((
        crate::util::resource_path(ACCOUNT, "us-east-1", "AWS::ElasticLoadBalancingV2::LoadBalancer"),
        json!({"baseConfigurationItems": [lb]}).to_string(),
    ));
    files.push((
        crate::util::resource_path(ACCOUNT, "us-east-1", "AWS::WAFv2::WebACL"),
        json!({"baseConfigurationItems": [acl]}).to_string(),
    ));
    let o = assert_status("elb-waf-attached", &bundle(&owned(&files)), CheckStatus::NotAssessed);
    assert!(o.findings.iter().any(|f| f.detail.contains("relationships")), "{:?}", o.findings);
}

#[test]
fn root_hardware_mfa_tells_a_virtual_device_from_a_hardware_one() {
    let report = format!("{HEADER}\n{}\n", row("<root_account>", false, "2026-01-01T00:00:00+00:00", true, None, None));
    let with_devices = |devices: Value| {
        bundle(&[
            (&format!("{ACCOUNT}/global/iam/credential-report.csv"), report.clone()),
            (&format!("{ACCOUNT}/global/iam/list-virtual-mfa-devices.json"), json!({ "VirtualMFADevices": devices }).to_string()),
        ])
    };
    let alice = json!({"SerialNumber": "arn:aws:iam::111122223333:mfa/alice", "User": {"Arn": "arn:aws:iam::111122223333:user/alice"}});
    let root =
        json!({"SerialNumber": "arn:aws:iam::111122223333:mfa/root-account-mfa-device", "User": {"Arn": "arn:aws:iam::111122223333:root"}});
    assert_status("iam-root-hardware-mfa", &with_devices(json!([alice.clone()])), CheckStatus::Pass);
    let o = assert_status("iam-root-hardware-mfa", &with_devices(json!([alice, root])), CheckStatus::Fail);
    assert!(o.findings.iter().any(|f| f.detail.contains("root-account-mfa-device")));
    // Without the device list the kind of device is unknown.
    let only_report = bundle(&[(&format!("{ACCOUNT}/global/iam/credential-report.csv"), report.clone())]);
    assert_status("iam-root-hardware-mfa", &only_report, CheckStatus::NotAssessed);
}

/// AWSSupportAccess as get-account-authorization-details lists an attached AWS managed policy.
pub fn support_access() -> Value {
    json!({"PolicyName": "AWSSupportAccess", "Arn": "arn:aws:iam::aws:policy/AWSSupportAccess", "DefaultVersionId": "v1",
        "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "support:*", "Resource": "*"}]},
        "VersionId": "v1", "IsDefaultVersion": true}]})
}

#[test]
fn kms_wildcard_and_support_access_are_read_from_authorization_details() {
    let policy = |action: &str| json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]});
    let details = |inline_action: &str, support: bool| {
        let mut role = json!({"RoleName": "ops", "Arn": "arn:aws:iam::111122223333:role/ops",
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "RolePolicyList": [
            {"PolicyName": "p", "PolicyDocument": policy(inline_action)}], "AttachedManagedPolicies": []});
        if support {
            role["AttachedManagedPolicies"] =
                json!([{"PolicyName": "AWSSupportAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSSupportAccess"}]);
        }
        bundle(&[(
            &format!("{ACCOUNT}/global/iam/get-account-authorization-details.json"),
            json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [role], "Policies": [support_access()]}).to_string(),
        )])
    };
    assert_status("iam-no-kms-full-access", &details("kms:Decrypt", true), CheckStatus::Pass);
    let o = assert_status("iam-no-kms-full-access", &details("kms:*", true), CheckStatus::Fail);
    assert!(o.findings.iter().any(|f| f.resource.ends_with("role/ops") && f.detail.contains("inline policy p")));
    assert_status("iam-support-role", &details("s3:GetObject", true), CheckStatus::Pass);
    assert_status("iam-support-role", &details("s3:GetObject", false), CheckStatus::Fail);
    assert_status("iam-support-role", &bundle(&[]), CheckStatus::NotAssessed);
}

#[test]
fn every_customer_duty_has_at_least_three_checks_and_the_network_has_groups_acls_waf_and_shield() {
    use auditpack::checks::Duty;
    let all = checks::registry();
    for duty in [
        Duty::DataProtection,
        Duty::IdentityAndAccess,
        Duty::OsPatching,
        Duty::NetworkSecurity,
        Duty::ApplicationSecurity,
        Duty::MonitoringAndLogging,
    ] {
        let n = all.iter().filter(|c| c.duty == duty).count();
        assert!(n >= 3, "{}: {n} checks", duty.title());
    }
    let network: Vec<&str> = all.iter().filter(|c| c.duty == Duty::NetworkSecurity).map(|c| c.id).collect();
    for part in ["-sg-", "nacl", "waf", "shield"] {
        let n = network.iter().filter(|id| id.contains(part)).count();
        assert!(n >= 1, "no network check for {part}: {network:?}");
    }
    let groups_and_acls = network.iter().filter(|id| id.contains("-sg-") || id.contains("security-group") || id.contains("nacl")).count();
    assert!(groups_and_acls >= 3, "{network:?}");
}
