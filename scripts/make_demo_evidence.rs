//! Builds the demo evidence bundle (examples/demo-evidence) the way a user's bundle is built: by
//! `auditpack collect` with the AWS SDK, against the moto emulator seeded with the fictional
//! account 111122223333. Run it with `bash scripts/make-demo-evidence`.
//!
//! What moto cannot hold is answered in the shape AWS documents, through the test router:
//! - AWS Config configuration items and rule results (moto has no compliance API and its item
//!   timestamps do not parse): from scripts/demo-inventory.json and scripts/demo-inventory/*.json;
//! - the credential report: moto has no root user row and dates everything "now", so the report
//!   is written here with the demo's story (an old key, an unused key, an idle console user),
//!   dated relative to the time of collection;
//! - one throttled call (the details of rule iam-user-mfa-enabled) so the demo shows a gap.
#![allow(dead_code)]

#[path = "../tests/it/inventory.rs"]
mod inventory;
#[path = "../tests/it/moto.rs"]
mod moto;
#[path = "../tests/it/router.rs"]
mod router;

use std::path::PathBuf;
use std::time::Duration;

use auditpack::collect::{self, Options, Progress};
use aws_sdk_config::types::{ConfigRule, ConfigurationRecorder, DeliveryChannel, Owner, RecordingGroup, Scope, Source};
use aws_sdk_iam::config::Credentials;
use chrono::{Duration as Days, Utc};
use serde_json::Value;

use inventory::{Inventory, Item, RuleResults};
use router::{json_error, Reply, Router};

const ACCOUNT: &str = "111122223333";
const HOME: &str = "us-east-1";
const OTHER: &str = "eu-west-1";

fn doc(statement: Value) -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()
}

/// A customer managed policy; returns its ARN.
async fn policy(iam: &aws_sdk_iam::Client, name: &str, statement: Value) -> Result<String, aws_sdk_iam::Error> {
    let out = iam.create_policy().policy_name(name).policy_document(doc(statement)).send().await?;
    Ok(out.policy().and_then(|p| p.arn()).unwrap_or_default().to_string())
}

/// IAM of the demo account. Its policies are customer managed: moto holds AWS managed policies
/// only when it loads all of them, and then lists every one (about 10 MB) in
/// get-account-authorization-details, too much for a bundle compiled into the binary.
async fn seed_iam(iam: &aws_sdk_iam::Client) -> Result<(), aws_sdk_iam::Error> {
    let admin = policy(iam, "AcmeAdministrator", serde_json::json!({"Effect": "Allow", "Action": "*", "Resource": "*"})).await?;
    let audit = policy(
        iam,
        "AuditorReadOnly",
        serde_json::json!({"Effect": "Allow", "Action": ["iam:Get*", "iam:List*", "config:Describe*", "config:Get*", "cloudtrail:LookupEvents"], "Resource": "*"}),
    )
    .await?;
    let partner = policy(iam, "PartnerReadOnly", serde_json::json!({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::acme-partner-exchange*"})).await?;
    // DeveloperAccess: once "*" on "*" (v1), now narrowed (v2, the default).
    let dev_arn = policy(iam, "DeveloperAccess", serde_json::json!({"Effect": "Allow", "Action": "*", "Resource": "*"})).await?;
    iam.create_policy_version()
        .policy_arn(&dev_arn)
        .policy_document(doc(serde_json::json!({"Effect": "Allow", "Action": ["ec2:*", "s3:*", "logs:*"], "Resource": "*"})))
        .set_as_default(true)
        .send()
        .await?;
    for (group, policy) in [("developers", dev_arn.as_str()), ("auditors", audit.as_str())] {
        iam.create_group().group_name(group).send().await?;
        iam.attach_group_policy().group_name(group).policy_arn(policy).send().await?;
    }
    for (user, group, console) in [
        ("alice", Some("developers"), true),
        ("bob", Some("developers"), true),
        ("carol", Some("auditors"), true),
        ("ci-deploy", None, false),
        ("dave", Some("developers"), true),
    ] {
        iam.create_user().user_name(user).send().await?;
        if let Some(g) = group {
            iam.add_user_to_group().group_name(g).user_name(user).send().await?;
        }
        if console {
            iam.create_login_profile().user_name(user).password("Demo-Initial-Passw0rd!").send().await?;
        }
    }
    iam.attach_user_policy().user_name("alice").policy_arn(&admin).send().await?;
    iam.put_user_policy()
        .user_name("bob")
        .policy_name("bob-extra-s3")
        .policy_document(doc(
            serde_json::json!({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-data-prod/*"}),
        ))
        .send()
        .await?;
    iam.put_user_policy()
        .user_name("ci-deploy")
        .policy_name("deploy-everything")
        .policy_document(doc(serde_json::json!({"Effect": "Allow", "Action": "*", "Resource": "*"})))
        .send()
        .await?;
    for user in ["alice", "bob", "bob", "ci-deploy"] {
        iam.create_access_key().user_name(user).send().await?;
    }
    for user in ["alice", "carol"] {
        let device = iam.create_virtual_mfa_device().virtual_mfa_device_name(user).send().await?;
        let serial = device.virtual_mfa_device().map(|d| d.serial_number().to_string()).unwrap_or_default();
        iam.enable_mfa_device()
            .user_name(user)
            .serial_number(serial)
            .authentication_code1("123456")
            .authentication_code2("654321")
            .send()
            .await?;
    }
    let roles = [
        (
            "OrganizationAccountAccessRole",
            serde_json::json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}),
            Some(admin.as_str()),
        ),
        (
            "partner-readonly",
            serde_json::json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                               "Condition": {"StringEquals": {"sts:ExternalId": "acme-7731"}}}),
            Some(partner.as_str()),
        ),
        (
            "orders-lambda-exec",
            serde_json::json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
            None,
        ),
    ];
    for (role, trust, policy) in roles {
        iam.create_role().role_name(role).assume_role_policy_document(doc(trust)).send().await?;
        if let Some(p) = policy {
            iam.attach_role_policy().role_name(role).policy_arn(p).send().await?;
        }
    }
    iam.put_role_policy()
        .role_name("orders-lambda-exec")
        .policy_name("orders-table")
        .policy_document(doc(serde_json::json!({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                                                "Resource": format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders")})))
        .send()
        .await?;
    iam.update_account_password_policy()
        .minimum_password_length(8)
        .require_symbols(false)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .allow_users_to_change_password(true)
        .max_password_age(90)
        .hard_expiry(false)
        .send()
        .await?;
    Ok(())
}

async fn seed_config(config: &aws_sdk_config::Client, rules: &[Value]) -> Result<(), aws_sdk_config::Error> {
    let recorder = ConfigurationRecorder::builder()
        .name("default")
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"))
        .recording_group(RecordingGroup::builder().all_supported(true).include_global_resource_types(true).build())
        .build();
    config.put_configuration_recorder().configuration_recorder(recorder).send().await?;
    config
        .put_delivery_channel()
        .delivery_channel(DeliveryChannel::builder().name("default").s3_bucket_name("acme-config-logs").build())
        .send()
        .await?;
    config.start_configuration_recorder().configuration_recorder_name("default").send().await?;
    for rule in rules.iter().filter(|r| r["region"] == HOME) {
        let mut scope = Scope::builder();
        for t in rule["scope"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            scope = scope.compliance_resource_types(t);
        }
        let source = Source::builder()
            .owner(Owner::Aws)
            .source_identifier(rule["sourceIdentifier"].as_str().unwrap_or_default())
            .build()
            .expect("owner and identifier are set");
        let rule =
            ConfigRule::builder().config_rule_name(rule["rule"].as_str().unwrap_or_default()).scope(scope.build()).source(source).build();
        config.put_config_rule().config_rule(rule).send().await?;
    }
    Ok(())
}

/// The demo's credential report, dated relative to `now`.
fn credential_report(now: chrono::DateTime<Utc>) -> String {
    let at = |days: i64| (now - Days::days(days)).format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    let arn = |user: &str| format!("arn:aws:iam::{ACCOUNT}:user/{user}");
    let na = || "N/A".to_string();
    let header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,\
mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,\
access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,\
access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    let no_key = || vec!["false".to_string(), na(), na(), na(), na()];
    let key = |rotated: i64, used: Option<(i64, &str)>| {
        let mut k = vec!["true".to_string(), at(rotated)];
        match used {
            Some((days, service)) => k.extend([at(days), HOME.to_string(), service.to_string()]),
            None => k.extend([na(), na(), na()]),
        }
        k
    };
    let no_certs = || vec!["false".to_string(), na(), "false".to_string(), na()];
    let row = |user: String, arn: String, created: i64, password: [String; 4], mfa: bool, k1: Vec<String>, k2: Vec<String>| {
        let mut r = vec![user, arn, at(created)];
        r.extend(password);
        r.push(mfa.to_string());
        r.extend(k1);
        r.extend(k2);
        r.extend(no_certs());
        r.join(",")
    };
    let s = |v: &str| v.to_string();
    let rows = [
        row(
            s("<root_account>"),
            format!("arn:aws:iam::{ACCOUNT}:root"),
            2800,
            [s("not_supported"), at(212), s("not_supported"), s("not_supported")],
            true,
            no_key(),
            no_key(),
        ),
        row(s("alice"), arn("alice"), 2510, [s("true"), at(4), at(90), na()], true, key(60, Some((4, "s3"))), no_key()),
        row(s("bob"), arn("bob"), 1990, [s("true"), at(10), at(293), na()], false, key(547, Some((5, "ec2"))), key(90, None)),
        row(s("carol"), arn("carol"), 1760, [s("true"), at(152), at(330), na()], true, no_key(), no_key()),
        row(s("ci-deploy"), arn("ci-deploy"), 1370, [s("false"), na(), na(), na()], false, key(76, Some((3, "cloudformation"))), no_key()),
        row(s("dave"), arn("dave"), 10, [s("true"), s("no_information"), at(10), na()], false, no_key(), no_key()),
    ];
    format!("{header}\n{}\n", rows.join("\n"))
}

fn inventory_from(data: &Value) -> Inventory {
    let items = data["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            let mut item = Item::new(
                i["region"].as_str().unwrap_or_default(),
                i["resourceType"].as_str().unwrap_or_default(),
                i["resourceId"].as_str().unwrap_or_default(),
                i["configuration"].clone(),
            );
            item.name = i["resourceName"].as_str().unwrap_or_default().to_string();
            item.arn = i["arn"].as_str().map(str::to_string);
            for (k, v) in i["supplementaryConfiguration"].as_object().into_iter().flatten() {
                item = item.with_supplementary(k, v.clone());
            }
            item
        })
        .collect();
    let rules = data["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| RuleResults {
            region: r["region"].as_str().unwrap_or_default().to_string(),
            rule: r["rule"].as_str().unwrap_or_default().to_string(),
            compliance: r["compliance"].as_str().map(str::to_string),
            results: r["results"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|x| {
                    let f = |n: usize| x[n].as_str().unwrap_or_default().to_string();
                    (f(0), f(1), f(2), f(3))
                })
                .collect(),
        })
        .collect();
    // Resources the checks do not read, known to the demo by their count only.
    let extra_counts = data["counts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let f = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (f("region"), f("resourceType"), c["count"].as_u64().unwrap_or(0))
        })
        .collect();
    // Conformance packs: region, name and the names of its rules (among `rules`).
    let packs = data["packs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let f = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            let rules = p["rules"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
            (f("region"), f("name"), rules)
        })
        .collect();
    Inventory { items, rules, page_size: 100, account: ACCOUNT.to_string(), unprocessed_once: 0, extra_counts, packs }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| root.join("examples/demo-evidence"));
    let mut data: Value = serde_json::from_slice(&std::fs::read(root.join("scripts/demo-inventory.json"))?)?;
    // Each family of checks keeps the demo's items of its resource types in its own file,
    // scripts/demo-inventory/<family>.json, of the same shape: merged in file-name order.
    let mut extra: Vec<PathBuf> = match std::fs::read_dir(root.join("scripts/demo-inventory")) {
        Ok(dir) => dir.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect(),
        Err(_) => Vec::new(),
    };
    extra.sort();
    for path in extra {
        let more: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        for key in ["items", "rules", "counts", "packs"] {
            let add = more[key].as_array().cloned().unwrap_or_default();
            match data[key].as_array_mut() {
                Some(list) => list.extend(add),
                None => data[key] = Value::Array(add),
            }
        }
    }

    let moto = moto::Moto::start_with(false, &[("MOTO_ACCOUNT_ID", ACCOUNT)]);
    let staging = tempfile::tempdir()?;
    let out = staging.path().join("bundle");
    let mut opts = Options::new(&out);
    opts.endpoint_url = Some(moto.url.clone());
    opts.regions = vec![HOME.into(), OTHER.into()];
    opts.initial_backoff = Duration::from_millis(50);
    opts.max_attempts = 3;
    let credentials = Credentials::new("demo", "demo", None, None, "demo");

    let seeding = collect::loader(&opts).credentials_provider(credentials.clone()).load().await;
    seed_iam(&aws_sdk_iam::Client::new(&seeding)).await?;
    seed_config(&aws_sdk_config::Client::new(&seeding), data["rules"].as_array().map(Vec::as_slice).unwrap_or_default()).await?;

    let router = Router::default();
    let report = aws_smithy_types::base64::encode(credential_report(Utc::now()));
    router.always("GetCredentialReport", move || {
        Reply::Xml(
            200,
            format!(
                "<GetCredentialReportResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetCredentialReportResult>\
<Content>{report}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>{}</GeneratedTime></GetCredentialReportResult>\
<ResponseMetadata><RequestId>demo</RequestId></ResponseMetadata></GetCredentialReportResponse>",
                Utc::now().format("%Y-%m-%dT%H:%M:%SZ")
            ),
        )
    });
    // moto cannot give the root user an MFA device; the demo's root user has one (the report
    // above), so the account summary says so too, as IAM's would.
    router.amend("GetAccountSummary", |xml| {
        let xml = String::from_utf8(xml).expect("IAM answers in UTF-8");
        let off = "<key>AccountMFAEnabled</key><value>0</value>";
        assert!(xml.contains(off), "moto's account summary changed shape: {xml}");
        xml.replace(off, "<key>AccountMFAEnabled</key><value>1</value>").into_bytes()
    });
    router.on(|r| {
        (r.op == "GetComplianceDetailsByConfigRule" && r.json["ConfigRuleName"] == "iam-user-mfa-enabled")
            .then(|| json_error(400, "ThrottlingException", "Rate exceeded"))
    });
    inventory_from(&data).install(&router);

    let sdk = collect::loader(&opts).credentials_provider(credentials).http_client(router.client()).load().await;
    let outcome = collect::run(&opts, &sdk, &Progress::stderr()).await?;
    drop(moto);

    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    std::fs::create_dir_all(target.parent().unwrap_or(&root))?;
    std::fs::rename(&out, &target).or_else(|_| copy_tree(&out, &target))?;
    eprintln!(
        "make-demo-evidence: {} files, {} gap(s), {} request(s) → {}",
        outcome.manifest.files.len(),
        outcome.manifest.gaps.len(),
        outcome.calls.len(),
        target.display()
    );
    Ok(())
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}
