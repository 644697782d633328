//! `collect` with the real AWS SDK against the moto emulator (IAM, Config recorders, channels,
//! rules), with the Config calls moto lacks served by the router's fake inventory, and faults
//! injected by the router.

use std::path::Path;
use std::time::Duration;

use auditpack::collect::{self, Options, Progress};
use auditpack::evidence::{verify_dir, Manifest};
use aws_config::SdkConfig;
use aws_sdk_config::types::{ConfigRule, ConfigurationRecorder, DeliveryChannel, Owner, RecordingGroup, Scope, Source};
use aws_sdk_iam::config::Credentials;
use serde_json::{json, Value};

use super::inventory::{Inventory, Item, RuleResults, MOTO_ACCOUNT};
use super::moto::Moto;
use super::router::{json_error, xml_error, Reply, Req, Router};
use super::util::{run, stderr, stdout, tempdir, tool};

const HOME: &str = "us-east-1";
const OTHER: &str = "eu-west-1";

pub(super) fn options(out: &Path, moto: &Moto, regions: &[&str]) -> Options {
    let mut o = Options::new(out);
    o.endpoint_url = Some(moto.url.clone());
    o.regions = regions.iter().map(|r| r.to_string()).collect();
    o.max_attempts = 3;
    o.initial_backoff = Duration::from_millis(10);
    // Generous: moto answers in milliseconds, but a loaded CI machine running many tests at once
    // must not turn a slow answer into a gap. Tests of the timeout itself set their own.
    o.attempt_timeout = Duration::from_secs(20);
    o.report_wait = Duration::from_secs(20);
    o
}

const ROOT_ARN: &str = concat!("arn:aws:iam::", "123456789012", ":root");

/// IAM always reports the root user first in the credential report; moto leaves it out. Add
/// the row, as IAM writes it for a root user without MFA or keys, to moto's own report.
fn with_root_row(xml: Vec<u8>) -> Vec<u8> {
    let xml = String::from_utf8(xml).expect("IAM answers in UTF-8");
    let (Some(start), Some(end)) = (xml.find("<Content>"), xml.find("</Content>")) else { return xml.into_bytes() };
    let content = &xml[start + "<Content>".len()..end];
    let csv = String::from_utf8(aws_smithy_types::base64::decode(content.trim()).expect("base64 content")).expect("CSV text");
    let (header, rows) = csv.split_once('\n').unwrap_or((&csv, ""));
    let root: Vec<&str> = header
        .split(',')
        .map(|col| match col {
            "user" => "<root_account>",
            "arn" => ROOT_ARN,
            "user_creation_time" => "2019-01-01T00:00:00+00:00",
            "password_enabled" | "password_last_changed" | "password_next_rotation" => "not_supported",
            "mfa_active" | "access_key_1_active" | "access_key_2_active" | "cert_1_active" | "cert_2_active" => "false",
            _ => "N/A",
        })
        .collect();
    let amended = format!("{header}\n{}\n{rows}", root.join(","));
    format!("{}{}{}", &xml[..start + "<Content>".len()], aws_smithy_types::base64::encode(amended), &xml[end..]).into_bytes()
}

pub(super) async fn sdk(o: &Options, router: &Router) -> SdkConfig {
    router.amend("GetCredentialReport", with_root_row);
    collect::loader(o)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .http_client(router.client())
        .load()
        .await
}

/// Plain SDK configuration for seeding moto (no router).
pub(super) async fn seeding(moto: &Moto, region: &str) -> SdkConfig {
    let mut o = Options::new("unused");
    o.endpoint_url = Some(moto.url.clone());
    o.regions = vec![region.to_string()];
    collect::loader(&o).credentials_provider(Credentials::new("testing", "testing", None, None, "tests")).load().await
}

async fn collect_with(o: &Options, router: &Router) -> collect::Outcome {
    let sdk = sdk(o, router).await;
    collect::run(o, &sdk, &Progress::quiet()).await.expect("collect runs")
}

const EVERYTHING: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const OPEN_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
const EC2_TRUST: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// The seeded account: alice (console password, no MFA, AdministratorAccess attached, one key),
/// bob (console password with MFA), carol (no console, inline `*:*`, two active keys), a weak
/// password policy, a role anyone may assume, a Config recorder, delivery channel and two
/// managed rules in us-east-1 only.
async fn seed(moto: &Moto) {
    let sdk = seeding(moto, HOME).await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    for user in ["alice", "bob", "carol"] {
        iam.create_user().user_name(user).send().await.unwrap();
    }
    for user in ["alice", "bob"] {
        iam.create_login_profile().user_name(user).password("Initial-Passw0rd!").send().await.unwrap();
    }
    iam.create_access_key().user_name("alice").send().await.unwrap();
    iam.attach_user_policy().user_name("alice").policy_arn("arn:aws:iam::aws:policy/AdministratorAccess").send().await.unwrap();
    let mfa = iam.create_virtual_mfa_device().virtual_mfa_device_name("bob").send().await.unwrap();
    let serial = mfa.virtual_mfa_device().unwrap().serial_number().to_string();
    iam.enable_mfa_device()
        .user_name("bob")
        .serial_number(serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
    iam.put_user_policy().user_name("carol").policy_name("everything").policy_document(EVERYTHING).send().await.unwrap();
    iam.create_access_key().user_name("carol").send().await.unwrap();
    iam.create_access_key().user_name("carol").send().await.unwrap();
    iam.update_account_password_policy().minimum_password_length(8).require_symbols(false).send().await.unwrap();
    iam.create_role().role_name("open-trust").assume_role_policy_document(OPEN_TRUST).send().await.unwrap();
    iam.create_role().role_name("app-server").assume_role_policy_document(EC2_TRUST).send().await.unwrap();

    let config = aws_sdk_config::Client::new(&sdk);
    start_recorder(&config, "acme-config-history").await;
    for (name, identifier, scope) in [
        ("restricted-ssh", "INCOMING_SSH_DISABLED", "AWS::EC2::SecurityGroup"),
        ("s3-bucket-server-side-encryption-enabled", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "AWS::S3::Bucket"),
    ] {
        config.put_config_rule().config_rule(managed_rule(name, identifier, scope)).send().await.unwrap();
    }
}

fn managed_rule(name: &str, identifier: &str, scope: &str) -> ConfigRule {
    ConfigRule::builder()
        .config_rule_name(name)
        .scope(Scope::builder().compliance_resource_types(scope).build())
        .source(Source::builder().owner(Owner::Aws).source_identifier(identifier).build().unwrap())
        .build()
}

/// The configuration items and rule results of the seeded account (us-east-1).
fn inventory() -> Inventory {
    let public_policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-public-site/*"}]});
    let block_all = json!({"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": true, "restrictPublicBuckets": true});
    let sse = json!({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}, "bucketKeyEnabled": true}]});
    Inventory {
        items: vec![
            Item::new(HOME, "AWS::S3::Bucket", "acme-public-site", json!({"name": "acme-public-site"}))
                .with_supplementary("BucketPolicy", json!({"policyText": public_policy.to_string()})),
            Item::new(HOME, "AWS::S3::Bucket", "acme-records", json!({"name": "acme-records"}))
                .with_supplementary("ServerSideEncryptionConfiguration", sse)
                .with_supplementary("PublicAccessBlockConfiguration", block_all),
            Item::new(
                HOME,
                "AWS::EC2::SecurityGroup",
                "sg-0ssh0open0000001",
                json!({"groupId": "sg-0ssh0open0000001", "groupName": "bastion", "ipPermissions": [
                    {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipv6Ranges": [], "ipRanges": ["0.0.0.0/0"]}
                ]}),
            ),
            Item::new(HOME, "AWS::EC2::Volume", "vol-0plain000000001", json!({"volumeId": "vol-0plain000000001", "encrypted": false})),
            Item::new(
                HOME,
                "AWS::CloudTrail::Trail",
                "acme-trail",
                json!({"name": "acme-trail", "isMultiRegionTrail": true, "logFileValidationEnabled": true}),
            ),
        ],
        rules: vec![
            RuleResults {
                region: HOME.into(),
                rule: "restricted-ssh".into(),
                compliance: None,
                results: vec![(
                    "AWS::EC2::SecurityGroup".into(),
                    "sg-0ssh0open0000001".into(),
                    "NON_COMPLIANT".into(),
                    "SSH open to the world".into(),
                )],
            },
            RuleResults {
                region: HOME.into(),
                rule: "s3-bucket-server-side-encryption-enabled".into(),
                compliance: None,
                results: vec![("AWS::S3::Bucket".into(), "acme-records".into(), "COMPLIANT".into(), String::new())],
            },
        ],
        // A conformance pack holding the SSH rule (its rules keep their names here).
        packs: vec![(HOME.into(), "OrgConformsPack-hipaa".into(), vec!["restricted-ssh".into()])],
        ..Inventory::default()
    }
}

pub(super) fn read_json(dir: &Path, path: &str) -> Value {
    let bytes = std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|v| v[key].as_str().unwrap().to_string()).collect()
}

/// Render results.json for a bundle with the binary and return it.
pub(super) fn report_json(evidence: &Path, out: &Path) -> Value {
    let o = run(&["report", "--evidence", evidence.to_str().unwrap(), "--out", out.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "report failed: {}", stderr(&o));
    read_json(out, "results.json")
}

/// (status, findings) of a check as the report saw it (the first control that uses it).
pub(super) fn check_result(results: &Value, check: &str) -> (String, Vec<Value>) {
    for fw in results["frameworks"].as_array().unwrap() {
        for control in fw["controls"].as_array().unwrap() {
            for c in control["checks"].as_array().unwrap() {
                if c["id"] == check {
                    let findings = results["checks"][check]["findings"].as_array().unwrap().clone();
                    return (c["status"].as_str().unwrap().to_string(), findings);
                }
            }
        }
    }
    panic!("no control uses check {check}")
}

/// Every control of every framework whose mapping lists `check`, with its reported status.
fn controls_using(results: &Value, check: &str) -> Vec<(String, String, String)> {
    let catalog = auditpack::mappings::Catalog::load(None).unwrap();
    let mut out = Vec::new();
    for fw in results["frameworks"].as_array().unwrap() {
        let id = fw["id"].as_str().unwrap();
        let mapped = catalog.framework(id).unwrap();
        let uses =
            |c: &&auditpack::mappings::Control| c.checks.iter().any(|k| k == check) || c.config_rules.iter().any(|k| k.check_id() == check);
        for control in mapped.controls.iter().filter(uses) {
            let reported = fw["controls"].as_array().unwrap().iter().find(|c| c["id"] == control.id.as_str()).unwrap();
            out.push((id.to_string(), control.id.clone(), reported["status"].as_str().unwrap().to_string()));
        }
    }
    out
}

fn failing_resources(findings: &[Value]) -> Vec<String> {
    findings.iter().filter(|f| f["status"] == "fail").map(|f| format!("{} {}", f["resource"], f["detail"])).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_writes_the_seeded_account_as_a_bundle_that_verifies_and_reports_its_violations() {
    let moto = Moto::start(true);
    seed(&moto).await;
    let router = Router::default();
    inventory().install(&router);
    let dir = tempdir();
    let out = dir.path().join("evidence");
    let outcome = collect_with(&options(&out, &moto, &[HOME, OTHER]), &router).await;
    let m: &Manifest = &outcome.manifest;

    assert!(m.gaps.is_empty(), "unexpected gaps: {:?}", m.gaps);
    assert_eq!(m.accounts, vec![MOTO_ACCOUNT.to_string()]);
    assert_eq!(m.regions, vec![OTHER.to_string(), HOME.to_string()]);
    assert!(verify_dir(&out).unwrap().is_intact(), "the collected bundle verifies");
    let manifest_bytes = std::fs::read(out.join("manifest.json")).unwrap();
    assert_eq!(outcome.manifest_sha256, auditpack::evidence::sha256_hex(&manifest_bytes));

    // IAM, in the AWS CLI's key names, with what was seeded.
    let iam = |f: &str| format!("{MOTO_ACCOUNT}/global/iam/{f}");
    let gaad = read_json(&out, &iam("get-account-authorization-details.json"));
    let users = &gaad["UserDetailList"];
    assert_eq!(names(users, "UserName"), ["alice", "bob", "carol"]);
    let alice = &users[0];
    assert_eq!(alice["AttachedManagedPolicies"][0]["PolicyArn"], "arn:aws:iam::aws:policy/AdministratorAccess");
    let carol = &users[2];
    assert_eq!(carol["UserPolicyList"][0]["PolicyName"], "everything");
    assert_eq!(carol["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"], "*", "policy documents are decoded objects");
    let open = gaad["RoleDetailList"].as_array().unwrap().iter().find(|r| r["RoleName"] == "open-trust").unwrap();
    assert_eq!(open["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"], "*");
    let policy = read_json(&out, &iam("get-account-password-policy.json"));
    assert_eq!(policy["PasswordPolicy"]["MinimumPasswordLength"], 8);
    assert_eq!(policy["PasswordPolicy"]["RequireSymbols"], false);
    let summary = read_json(&out, &iam("get-account-summary.json"));
    assert_eq!(summary["SummaryMap"]["Users"], 3);
    let mfa = read_json(&out, &iam("list-virtual-mfa-devices.json"));
    assert_eq!(mfa["VirtualMFADevices"][0]["User"]["UserName"], "bob");
    let report = std::fs::read_to_string(out.join(iam("credential-report.csv"))).unwrap();
    let header: Vec<&str> = report.lines().next().unwrap().split(',').collect();
    let row = |user: &str| -> Vec<String> {
        report.lines().find(|l| l.starts_with(&format!("{user},"))).unwrap().split(',').map(str::to_string).collect()
    };
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(row("alice")[col("password_enabled")], "true");
    assert_eq!(row("alice")[col("mfa_active")], "false");
    assert_eq!(row("bob")[col("mfa_active")], "true");
    assert_eq!(row("carol")[col("access_key_2_active")], "true");

    // Config: a recorder and channel in us-east-1, none in eu-west-1; rules and their results.
    let cfg = |r: &str, f: &str| format!("{MOTO_ACCOUNT}/{r}/config/{f}");
    let recorders = read_json(&out, &cfg(HOME, "describe-configuration-recorders.json"));
    assert_eq!(recorders["ConfigurationRecorders"][0]["name"], "default");
    assert_eq!(recorders["ConfigurationRecorders"][0]["recordingGroup"]["allSupported"], true);
    let status = read_json(&out, &cfg(HOME, "describe-configuration-recorder-status.json"));
    assert_eq!(status["ConfigurationRecordersStatus"][0]["recording"], true);
    assert_eq!(
        read_json(&out, &cfg(HOME, "describe-delivery-channels.json"))["DeliveryChannels"][0]["s3BucketName"],
        "acme-config-history"
    );
    assert_eq!(read_json(&out, &cfg(OTHER, "describe-configuration-recorders.json")), json!({"ConfigurationRecorders": []}));
    let rules = read_json(&out, &cfg(HOME, "describe-config-rules.json"));
    let mut rule_names = names(&rules["ConfigRules"], "ConfigRuleName");
    rule_names.sort();
    assert_eq!(rule_names, ["restricted-ssh", "s3-bucket-server-side-encryption-enabled"]);
    assert_eq!(rules["ConfigRules"][0]["Source"]["Owner"], "AWS");
    let details = read_json(&out, &cfg(HOME, "get-compliance-details-by-config-rule/restricted-ssh.json"));
    let result = &details["EvaluationResults"][0];
    assert_eq!(result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"], "sg-0ssh0open0000001");
    assert_eq!(result["ResultRecordedTime"], "2026-11-20T08:01:00+00:00", "timestamps printed as the CLI does");
    let buckets = read_json(&out, &cfg(HOME, "resources/AWS__S3__Bucket.json"));
    assert_eq!(names(&buckets["baseConfigurationItems"], "resourceName"), ["acme-public-site", "acme-records"]);
    assert!(buckets["baseConfigurationItems"][0]["configuration"].is_string(), "configuration stays a JSON string as in the CLI");
    assert!(!out.join(cfg(OTHER, "resources")).exists(), "no resource calls where nothing is recorded");
    let counts = read_json(&out, &cfg(HOME, "get-discovered-resource-counts.json"));
    assert_eq!(counts["totalDiscoveredResources"], 5);
    let s3 = counts["resourceCounts"].as_array().unwrap().iter().find(|c| c["resourceType"] == "AWS::S3::Bucket").unwrap();
    assert_eq!(s3["count"], 2);

    // The packet flags each seeded violation, at every control mapped to it.
    let results = report_json(&out, &dir.path().join("packet"));
    let expect_fail = [
        ("iam-console-mfa", "alice"),
        ("iam-no-full-admin-policies", "alice"),
        ("iam-no-full-admin-policies", "carol"),
        ("iam-password-min-length", "8"),
        ("iam-role-trust-not-public", "open-trust"),
        ("iam-no-user-inline-policies", "carol"),
        ("iam-no-user-attached-policies", "alice"),
        ("config-recorder-enabled", OTHER),
        ("config-rule:INCOMING_SSH_DISABLED", "sg-0ssh0open0000001"),
        ("ec2-sg-no-open-admin-ports", "sg-0ssh0open0000001"),
        ("s3-no-public-policy", "acme-public-site"),
        ("ebs-volume-encryption", "vol-0plain000000001"),
    ];
    for (check, culprit) in expect_fail {
        let (status, findings) = check_result(&results, check);
        assert_eq!(status, "fail", "{check} should fail: {findings:?}");
        let failing = failing_resources(&findings);
        assert!(failing.iter().any(|f| f.contains(culprit)), "{check}: no failing finding names {culprit}: {failing:?}");
        let controls = controls_using(&results, check);
        assert!(!controls.is_empty(), "{check} is mapped to no control");
        for (fw, control, status) in controls {
            // A manual control lists checks as support only; its status stays manual.
            if status != "manual" {
                assert_eq!(status, "fail", "{fw} {control} uses failing check {check}");
            }
        }
    }
    for check in ["iam-console-mfa", "iam-no-full-admin-policies"] {
        let (_, findings) = check_result(&results, check);
        assert!(!failing_resources(&findings).iter().any(|f| f.contains("bob")), "{check}: bob has MFA and no admin policy");
    }
    // The conformance pack, its rules' compliance and their results were collected and are shown.
    let packs = results["config_rules"]["conformance_packs"].as_array().unwrap();
    assert_eq!(packs.len(), 1, "{packs:?}");
    assert_eq!(packs[0]["name"], "OrgConformsPack-hipaa");
    assert_eq!(packs[0]["compliance"], "NON_COMPLIANT");
    assert_eq!(packs[0]["non_compliant_rules"], 1);
    assert_eq!(packs[0]["non_compliant_resources"], 1);
    for dir in ["describe-conformance-pack-compliance", "get-conformance-pack-compliance-details"] {
        assert!(out.join(cfg(HOME, &format!("{dir}/OrgConformsPack-hipaa.json"))).exists(), "{dir}");
    }
    // The multi-region trail is found; eu-west-1 (no recorder) keeps the check from a full pass.
    let (status, findings) = check_result(&results, "cloudtrail-multi-region");
    assert_ne!(status, "fail");
    assert!(findings.iter().any(|f| f["status"] == "pass" && f["detail"].as_str().unwrap().contains("acme-trail")), "{findings:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_sends_only_read_calls_listed_in_the_shipped_policy() {
    let policy_text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policy/auditpack-readonly.json")).unwrap();
    let policy: Value = serde_json::from_str(&policy_text).expect("policy/auditpack-readonly.json is JSON");
    assert_eq!(policy["Version"], "2012-10-17");
    let statements = policy["Statement"].as_array().expect("a Statement list");
    let mut allowed = Vec::new();
    for s in statements {
        assert_eq!(s["Effect"], "Allow");
        assert_eq!(s["Resource"], "*");
        allowed.extend(s["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()));
    }

    let moto = Moto::start(true);
    seed(&moto).await;
    // IAM itself judges the document: moto validates policy grammar on create-policy.
    let iam = aws_sdk_iam::Client::new(&seeding(&moto, HOME).await);
    iam.create_policy().policy_name("auditpack-readonly").policy_document(&policy_text).send().await.expect("IAM accepts the policy");

    let router = Router::default();
    inventory().install(&router);
    let dir = tempdir();
    let outcome = collect_with(&options(&dir.path().join("e"), &moto, &[HOME, OTHER]), &router).await;
    let mut used: Vec<String> = outcome.calls.clone();
    used.sort();
    used.dedup();
    for call in &used {
        let op = call.split(':').nth(1).unwrap();
        let read = ["Get", "List", "Describe", "Select", "BatchGet"].iter().any(|p| op.starts_with(p)) || op == "GenerateCredentialReport";
        assert!(read, "{call} is not a read call");
        assert!(allowed.contains(call), "{call} is sent but not in policy/auditpack-readonly.json");
    }
    // Exactly the actions used: nothing in the policy that collect does not need. The aggregate
    // and organisation calls are sent by an organisation run (tests/it/collect_org.rs).
    let organisation = |a: &String| a.contains("Aggregat") || auditpack::evidence::catalogue::ORGANISATION_ACTIONS.contains(&a.as_str());
    let mut listed: Vec<String> = allowed.iter().filter(|a| !organisation(a)).cloned().collect();
    listed.sort();
    assert_eq!(listed, used, "the policy lists exactly the actions a full collect of one account sends");
    // The interceptor sees what went over the wire: the router counted the same requests.
    assert_eq!(outcome.calls.len(), router.seen().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_server_errors_and_timeouts_are_retried_then_recorded_as_gaps() {
    let moto = Moto::start(false);
    seed_light(&moto).await;
    let router = Router::default();
    router.always("DescribeDeliveryChannels", || json_error(400, "ThrottlingException", "Rate exceeded"));
    router.always("GetAccountPasswordPolicy", || xml_error(503, "ServiceUnavailable", "Service is unavailable"));
    router.always("DescribeConfigRules", || Reply::Hang);
    Inventory::default().install(&router);
    let dir = tempdir();
    let out = dir.path().join("evidence");
    let mut opts = options(&out, &moto, &[HOME]);
    opts.attempt_timeout = Duration::from_secs(3);
    let outcome = collect_with(&opts, &router).await;

    let gap = |api: &str| outcome.manifest.gaps.iter().find(|g| g.api == api).unwrap_or_else(|| panic!("no gap for {api}"));
    assert_eq!(gap("config:DescribeDeliveryChannels").error, "ThrottlingException");
    assert_eq!(gap("config:DescribeDeliveryChannels").region.as_deref(), Some(HOME));
    assert_eq!(gap("iam:GetAccountPasswordPolicy").error, "ServiceUnavailable");
    assert_eq!(gap("iam:GetAccountPasswordPolicy").region, None);
    assert_eq!(gap("config:DescribeConfigRules").error, "Timeout");
    assert_eq!(
        gap("config:DescribeDeliveryChannels").path.as_deref(),
        Some(format!("{MOTO_ACCOUNT}/{HOME}/config/describe-delivery-channels.json").as_str())
    );
    // Each was tried max_attempts times before giving up.
    for op in ["DescribeDeliveryChannels", "GetAccountPasswordPolicy", "DescribeConfigRules"] {
        assert_eq!(router.count(op), opts.max_attempts as usize, "{op} attempts");
    }
    // The rest was collected; the bundle verifies and lists the gaps.
    assert!(out.join(format!("{MOTO_ACCOUNT}/global/iam/get-account-authorization-details.json")).exists());
    assert!(out.join(format!("{MOTO_ACCOUNT}/{HOME}/config/describe-configuration-recorders.json")).exists());
    assert!(!out.join(format!("{MOTO_ACCOUNT}/{HOME}/config/describe-delivery-channels.json")).exists());
    assert!(verify_dir(&out).unwrap().is_intact());

    let results = report_json(&out, &dir.path().join("packet"));
    let mut affected = Vec::new();
    // The rule list timed out: the region's rules are unknown, said as such.
    let unknown: Vec<&str> = results["config_rules"]["unknown_scopes"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(unknown, [format!("{MOTO_ACCOUNT}/{HOME}")], "the rules of a region whose rule list timed out are unknown");
    for check in ["config-delivery-channel", "iam-password-min-length", "iam-password-complexity"] {
        let (status, _) = check_result(&results, check);
        assert_eq!(status, "not_assessed", "{check} lost its evidence to a gap");
        for (fw, control, status) in controls_using(&results, check) {
            assert_ne!(status, "pass", "{fw} {control} must not pass without {check}'s evidence");
            affected.push((fw, control, status));
        }
    }
    // A control whose other checks did not fail is itself not assessed (PCI DSS 8.3.6 rests on
    // the password policy alone); one with another failing check stays failed.
    assert!(affected.iter().any(|(fw, c, s)| fw == "pci-dss-4.0" && c == "8.3.6" && s == "not_assessed"), "{affected:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_throttled_once_is_retried_and_leaves_no_gap() {
    let moto = Moto::start(false);
    seed_light(&moto).await;
    let router = Router::default();
    let throttled = std::sync::atomic::AtomicBool::new(false);
    router.on(move |r| {
        (r.op == "GetAccountAuthorizationDetails" && !throttled.swap(true, std::sync::atomic::Ordering::SeqCst))
            .then(|| xml_error(400, "Throttling", "Rate exceeded"))
    });
    Inventory::default().install(&router);
    let dir = tempdir();
    let outcome = collect_with(&options(&dir.path().join("e"), &moto, &[HOME]), &router).await;
    assert_eq!(router.count("GetAccountAuthorizationDetails"), 2, "one throttled attempt, one retry");
    assert!(outcome.manifest.gaps.is_empty(), "{:?}", outcome.manifest.gaps);
    assert!(outcome.manifest.files.iter().any(|f| f.path.ends_with("get-account-authorization-details.json")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_on_the_credential_report_is_a_gap_and_everything_else_is_collected() {
    let moto = Moto::start(false);
    seed_light(&moto).await;
    let router = Router::default();
    router.always("GenerateCredentialReport", || {
        xml_error(
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:GenerateCredentialReport",
        )
    });
    Inventory::default().install(&router);
    let dir = tempdir();
    let out = dir.path().join("evidence");
    let outcome = collect_with(&options(&out, &moto, &[HOME]), &router).await;

    assert_eq!(outcome.manifest.gaps.len(), 1, "{:?}", outcome.manifest.gaps);
    let g = &outcome.manifest.gaps[0];
    assert_eq!((g.api.as_str(), g.error.as_str()), ("iam:GenerateCredentialReport", "AccessDenied"));
    assert_eq!(g.path.as_deref(), Some(format!("{MOTO_ACCOUNT}/global/iam/credential-report.csv").as_str()));
    assert_eq!(router.count("GenerateCredentialReport"), 1, "AccessDenied is not retried");
    assert_eq!(router.count("GetCredentialReport"), 0);
    for f in ["get-account-authorization-details.json", "get-account-summary.json", "list-virtual-mfa-devices.json"] {
        assert!(out.join(format!("{MOTO_ACCOUNT}/global/iam/{f}")).exists(), "{f} still collected");
    }
    // No password policy was set: recorded as absent, not as a gap.
    assert_eq!(outcome.manifest.absent.len(), 1);
    assert_eq!(outcome.manifest.absent[0].error, "NoSuchEntity");

    let results = report_json(&out, &dir.path().join("packet"));
    let mut not_assessed = 0;
    for check in ["iam-root-mfa", "iam-console-mfa", "iam-access-key-unused"] {
        let (status, _) = check_result(&results, check);
        assert_eq!(status, "not_assessed", "{check} needs the credential report");
        for (fw, control, status) in controls_using(&results, check) {
            assert_ne!(status, "pass", "{fw} {control} must not pass without the credential report");
            not_assessed += usize::from(status == "not_assessed");
        }
    }
    assert!(not_assessed > 0, "some control rests on the credential report alone and is not assessed");
    // The password policy checks fail on the missing policy rather than being not assessed.
    assert_eq!(check_result(&results, "iam-password-min-length").0, "fail");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paged_answers_are_merged_and_items_fetched_in_batches_of_100() {
    let moto = Moto::start(false);
    seed_light(&moto).await;
    let router = Router::default();
    let mut inv = Inventory { page_size: 40, unprocessed_once: 30, ..Inventory::default() };
    for n in 0..250 {
        let name = format!("bucket-{n:03}");
        inv.items.push(Item::new(HOME, "AWS::S3::Bucket", &name, json!({"name": name})));
    }
    inv.rules.push(RuleResults {
        region: HOME.into(),
        rule: "restricted-ssh".into(),
        compliance: None,
        results: (0..90).map(|n| ("AWS::EC2::SecurityGroup".into(), format!("sg-{n:04}"), "COMPLIANT".into(), String::new())).collect(),
    });
    inv.install(&router);
    let config = aws_sdk_config::Client::new(&seeding(&moto, HOME).await);
    config
        .put_config_rule()
        .config_rule(managed_rule("restricted-ssh", "INCOMING_SSH_DISABLED", "AWS::EC2::SecurityGroup"))
        .send()
        .await
        .unwrap();
    let dir = tempdir();
    let out = dir.path().join("e");
    let outcome = collect_with(&options(&out, &moto, &[HOME]), &router).await;
    assert!(outcome.manifest.gaps.is_empty(), "{:?}", outcome.manifest.gaps);

    let buckets = read_json(&out, &format!("{MOTO_ACCOUNT}/{HOME}/config/resources/AWS__S3__Bucket.json"));
    let got = names(&buckets["baseConfigurationItems"], "resourceId");
    assert_eq!(got.len(), 250);
    assert_eq!(got.first().unwrap(), "bucket-000");
    assert_eq!(got.last().unwrap(), "bucket-249");
    let s3_lists =
        router.seen().iter().filter(|r| r.op == "ListDiscoveredResources" && r.json["resourceType"] == "AWS::S3::Bucket").count();
    assert_eq!(s3_lists, 7, "250 identifiers in pages of 40");
    let batches: Vec<usize> = router
        .seen()
        .iter()
        .filter(|r| r.op == "BatchGetResourceConfig")
        .map(|r| r.json["resourceKeys"].as_array().unwrap().len())
        .collect();
    // The first answer left 30 keys unprocessed: they are asked for again, then the rest.
    assert_eq!(batches, [100, 30, 100, 50]);
    let details = read_json(&out, &format!("{MOTO_ACCOUNT}/{HOME}/config/get-compliance-details-by-config-rule/restricted-ssh.json"));
    assert_eq!(details["EvaluationResults"].as_array().unwrap().len(), 90, "three pages merged");
    assert_eq!(router.count("GetComplianceDetailsByConfigRule"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_the_account_has_not_enabled_is_a_gap_and_left_out() {
    let moto = Moto::start(false);
    let router = Router::default();
    router.on(|r| {
        (r.region != HOME && r.region != OTHER && r.op == "DescribeConfigurationRecorders")
            .then(|| json_error(400, "UnrecognizedClientException", "The security token included in the request is invalid."))
    });
    Inventory::default().install(&router);
    let dir = tempdir();
    let out = dir.path().join("e");
    let mut opts = options(&out, &moto, &[]);
    opts.all_regions = true;
    let outcome = collect_with(&opts, &router).await;
    assert_eq!(outcome.manifest.regions, vec![OTHER.to_string(), HOME.to_string()]);
    let disabled = collect::ALL_REGIONS.len() - 2;
    assert_eq!(outcome.manifest.gaps.len(), disabled);
    assert!(outcome.manifest.gaps.iter().all(|g| g.error == "RegionNotEnabled"));
    // A disabled region costs one call, not one per API.
    let to_disabled = router.seen().iter().filter(|r| r.region == "ap-east-1").count();
    assert_eq!(to_disabled, 1);
    // The packet lists those regions among the gaps and assesses the two enabled ones.
    let results = report_json(&out, &dir.path().join("packet"));
    assert_eq!(results["evidence"]["gaps"].as_array().unwrap().len(), disabled);
    assert_eq!(results["evidence"]["regions"], json!([OTHER, HOME]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_collect_leaves_no_bundle_that_verifies() {
    let moto = Moto::start(false);
    seed_light(&moto).await;
    let router = Router::default();
    router.always("DescribeConfigRules", || Reply::Hang);
    let dir = tempdir();
    let out = dir.path().join("e");
    let mut opts = options(&out, &moto, &[HOME]);
    opts.attempt_timeout = Duration::from_secs(60);
    let sdk = sdk(&opts, &router).await;
    let progress = Progress::quiet();
    let run = collect::run(&opts, &sdk, &progress);
    // Interrupt the run once IAM evidence is on disk (the Config rules call hangs meanwhile), however
    // slow the machine is.
    let gaad = out.join(format!("{MOTO_ACCOUNT}/global/iam/get-account-authorization-details.json"));
    let written = async {
        while !gaad.exists() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::select! {
        _ = run => panic!("the run finished although a call hangs"),
        _ = written => {}
        _ = tokio::time::sleep(Duration::from_secs(120)) => panic!("no IAM evidence was written within 120 s"),
    }
    assert!(!out.join("manifest.json").exists());
    assert!(verify_dir(&out).is_err(), "a bundle without its manifest never verifies");
}

/// One IAM user (no managed policies needed) and a recording recorder in us-east-1.
async fn seed_light(moto: &Moto) {
    let sdk = seeding(moto, HOME).await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    iam.create_user().user_name("dave").send().await.unwrap();
    iam.create_login_profile().user_name("dave").password("Initial-Passw0rd!").send().await.unwrap();
    start_recorder(&aws_sdk_config::Client::new(&sdk), "config-history").await;
}

/// A recorder of every resource type with a delivery channel to `bucket`, recording.
pub(super) async fn start_recorder(config: &aws_sdk_config::Client, bucket: &str) {
    let recorder = ConfigurationRecorder::builder()
        .name("default")
        .role_arn(format!("arn:aws:iam::{MOTO_ACCOUNT}:role/config-recorder"))
        .recording_group(RecordingGroup::builder().all_supported(true).include_global_resource_types(true).build())
        .build();
    config.put_configuration_recorder().configuration_recorder(recorder).send().await.unwrap();
    let channel = DeliveryChannel::builder().name("default").s3_bucket_name(bucket).build();
    config.put_delivery_channel().delivery_channel(channel).send().await.unwrap();
    config.start_configuration_recorder().configuration_recorder_name("default").send().await.unwrap();
}

// ---- the binary ----

/// `auditpack collect` blind to the machine's AWS set-up: no credentials, profile, region or
/// endpoint from the environment, no config or credentials file, no instance metadata.
pub fn isolated_collect() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_auditpack"));
    c.arg("collect")
        .env("AWS_CONFIG_FILE", "/nonexistent/auditpack-test")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/auditpack-test")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
    ] {
        c.env_remove(var);
    }
    c
}

/// `isolated_collect` with moto's test credentials.
pub fn moto_collect() -> std::process::Command {
    let mut c = isolated_collect();
    c.env("AWS_ACCESS_KEY_ID", "testing").env("AWS_SECRET_ACCESS_KEY", "testing");
    c
}

fn collect_cmd(moto: &Moto, args: &[&str]) -> std::process::Output {
    moto_collect()
        .args(["--endpoint-url", &moto.url, "--max-attempts", "2", "--timeout", "30"])
        .args(args)
        .output()
        .expect("run auditpack collect")
}

#[test]
fn collect_command_writes_a_bundle_that_verify_and_report_accept() {
    let moto = Moto::start(false);
    let dir = tempdir();
    let out = dir.path().join("evidence");
    let out_s = out.to_str().unwrap();

    // No region anywhere: a clear error before any file is written.
    let o = collect_cmd(&moto, &["--out", out_s]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no AWS region is configured") && stderr(&o).contains("fix:"), "{}", stderr(&o));

    // moto does not implement the Config compliance calls: they become gaps, the run succeeds.
    let o = collect_cmd(&moto, &["--out", out_s, "--region", HOME]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("gap(s)") && err.contains("config:DescribeComplianceByConfigRule"), "{err}");
    assert!(err.contains("request(s): IAM"), "{err}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("manifest.json  sha256 "), "prints the bundle's identity");
    let v = run(&["verify", out_s]);
    assert!(v.status.success(), "{}", stderr(&v));
    let results = report_json(&out, &dir.path().join("packet"));
    // moto has no conformance-pack API either: its pack list is a gap too.
    let gaps = results["evidence"]["gaps"].as_array().unwrap();
    assert!(gaps.iter().any(|g| g["api"] == "config:DescribeConformancePacks"), "{gaps:?}");

    // The directory now holds a bundle: collect refuses to mix a second one into it.
    let o = collect_cmd(&moto, &["--out", out_s, "--region", HOME]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already holds files"), "{}", stderr(&o));

    // --strict turns gaps into exit 1 (the bundle is still written).
    let strict = dir.path().join("strict");
    let o = collect_cmd(&moto, &["--out", strict.to_str().unwrap(), "--region", HOME, "--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(strict.join("manifest.json").exists());
}

#[test]
fn collect_with_sign_refuses_a_bad_key_before_any_call_and_signs_the_manifest_with_a_good_one() {
    let moto = Moto::start(false);
    let dir = tempdir();
    let out = dir.path().join("evidence");
    let out_s = out.to_str().unwrap();

    // A missing key: refused before any request, nothing written.
    let missing = dir.path().join("no-such-key");
    let o = collect_cmd(&moto, &["--out", out_s, "--region", HOME, "--sign", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(missing.to_str().unwrap()) && err.contains("does not exist") && err.contains("fix:"), "{err}");
    assert!(!err.contains("request(s)"), "no call was sent: {err}");
    assert!(!out.exists(), "nothing is written");

    let key = dir.path().join("auditpack");
    let k = run(&["keygen", "--out", key.to_str().unwrap()]);
    assert_eq!(k.status.code(), Some(0), "{}", stderr(&k));
    let public = format!("{}.pub", key.display());
    let o = collect_cmd(&moto, &["--out", out_s, "--region", HOME, "--sign", key.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let manifest_sha256 = auditpack::evidence::sha256_hex(&std::fs::read(out.join("manifest.json")).unwrap());
    assert!(text.contains(&format!(": auditpack manifest sha256 {manifest_sha256} signed ")), "{text}");
    let v = run(&["verify", out_s, "--public-key", &public]);
    assert_eq!(v.status.code(), Some(0), "{}{}", stdout(&v), stderr(&v));
    let m = tool("minisign", &["-Vm", out.join("manifest.json").to_str().unwrap(), "-p", &public]);
    assert!(m.status.success(), "{}", stderr(&m));
}

#[test]
fn collect_without_credentials_fails_with_a_fix() {
    let moto = Moto::start(false);
    let dir = tempdir();
    let o = isolated_collect()
        .args(["--out", dir.path().join("e").to_str().unwrap(), "--region", HOME, "--endpoint-url", &moto.url, "--timeout", "3"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("no AWS credentials found") && err.contains("fix: pass --profile"), "{err}");
    assert!(!err.contains("DispatchFailure") && !err.contains("ProviderAttempt"), "no Debug dump: {err}");
    assert!(!dir.path().join("e").exists(), "a failed collect leaves no --out behind");
}

/// The four ways collect most often cannot start, each one or two sentences with its fix, no
/// Debug dump, and no --out left behind.
#[test]
fn collect_errors_name_the_missing_profile_the_unreachable_url_and_bad_names_at_parse_time() {
    let dir = tempdir();
    let out = dir.path().join("e");
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let collect = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = isolated_collect();
        c.args(["--out", out.to_str().unwrap(), "--timeout", "3", "--max-attempts", "1"]).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(err.lines().filter(|l| !l.trim().is_empty()).count() <= 4, "short: {err}");
        assert!(!err.contains("DispatchFailure") && !err.contains("{ "), "no Debug dump: {err}");
        assert!(!out.exists(), "no --out left behind: {err}");
        err
    };
    let keys = [("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")];
    let err = collect(&["--region", HOME, "--profile", "audit-prod", "--endpoint-url", &closed], &[]);
    assert!(err.contains("profile \"audit-prod\" is in neither") && err.contains("aws configure --profile audit-prod"), "{err}");
    let err = collect(&["--region", HOME, "--endpoint-url", &closed], &keys);
    assert!(err.contains(&format!("cannot reach {closed}")) && !err.contains("check the credentials"), "{err}");
    let err = collect(&["--region", "eu-west1"], &keys);
    assert!(err.contains("invalid value 'eu-west1' for '--region") && err.contains("did you mean eu-west-1?"), "{err}");
    let err = collect(&["--region", HOME, "--endpoint-url", "localhost:5000"], &keys);
    assert!(err.contains("is not an http:// or https:// URL") && err.contains("fix: write it as http://HOST:PORT"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_authorization_details_are_read_in_pages_of_1000_and_merged() {
    let moto = Moto::start(false);
    let router = Router::default();
    // Two pages as IAM sends them: the first truncated with a Marker.
    router.on(|r| {
        if r.op != "GetAccountAuthorizationDetails" {
            return None;
        }
        let user = |name: &str| {
            format!(
                "<member><Path>/</Path><UserName>{name}</UserName><UserId>AIDA{name}</UserId>\
<Arn>arn:aws:iam::123456789012:user/{name}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate>\
<UserPolicyList/><GroupList/><AttachedManagedPolicies/><Tags/></member>"
            )
        };
        let (users, more) = match r.form_field("Marker") {
            None => (user("page-one"), "<IsTruncated>true</IsTruncated><Marker>next-page</Marker>"),
            Some(_) => (user("page-two"), "<IsTruncated>false</IsTruncated>"),
        };
        Some(Reply::Xml(
            200,
            format!(
                "<GetAccountAuthorizationDetailsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
<GetAccountAuthorizationDetailsResult>{more}<UserDetailList>{users}</UserDetailList><GroupDetailList/>\
<RoleDetailList/><Policies/></GetAccountAuthorizationDetailsResult>\
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>"
            ),
        ))
    });
    Inventory::default().install(&router);
    let dir = tempdir();
    let out = dir.path().join("e");
    let outcome = collect_with(&options(&out, &moto, &[HOME]), &router).await;
    assert!(outcome.manifest.gaps.is_empty(), "{:?}", outcome.manifest.gaps);
    let gaad = read_json(&out, &format!("{MOTO_ACCOUNT}/global/iam/get-account-authorization-details.json"));
    assert_eq!(names(&gaad["UserDetailList"], "UserName"), ["page-one", "page-two"]);
    let asked: Vec<Req> = router.seen().into_iter().filter(|r| r.op == "GetAccountAuthorizationDetails").collect();
    assert_eq!(asked.len(), 2);
    assert!(asked.iter().all(|r| r.form_field("MaxItems") == Some("1000")), "pages of 1000");
    assert_eq!(asked[1].form_field("Marker"), Some("next-page"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_call_is_denied_nothing_is_written_that_could_verify() {
    let moto = Moto::start(false);
    let router = Router::default();
    router.on(|r| match r.op.as_str() {
        "GetCallerIdentity" => None,
        op if r.form.is_empty() => Some(json_error(400, "AccessDeniedException", &format!("not authorized to perform config:{op}"))),
        op => Some(xml_error(403, "AccessDenied", &format!("not authorized to perform iam:{op}"))),
    });
    let dir = tempdir();
    let out = dir.path().join("e");
    let opts = options(&out, &moto, &[HOME]);
    let sdk = sdk(&opts, &router).await;
    let err = collect::run(&opts, &sdk, &Progress::quiet()).await.unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("nothing could be collected") && text.contains("AccessDenied") && text.contains("fix:"), "{text}");
    assert!(!out.join("manifest.json").exists());
}
