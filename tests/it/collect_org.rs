//! Organisation collection with the real AWS SDK: the read-only role assumed in 20 accounts of
//! moto (its STS switches account by the role's ARN, its IAM and Config keep each account
//! apart), and an AWS Config aggregator whose aggregate APIs moto lacks, answered by the router
//! as the AWS Config API reference shapes them (JSON 1.1, epoch-second times, an empty page that
//! still carries a NextToken). One account's role cannot be assumed and the aggregator failed to
//! aggregate one account in one region: both are gaps, and the checks needing them are not
//! assessed for that account.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use auditpack::collect::{self, Progress};
use auditpack::evidence::verify_dir;
use aws_sdk_config::types::{ConfigRule, Owner, Scope, Source};
use aws_sdk_iam::config::Credentials;
use serde_json::{json, Value};

use super::collect::{check_result, moto_collect, options, read_json, report_json, sdk, seeding, start_recorder};
use super::inventory::{Item, MOTO_ACCOUNT};
use super::moto::Moto;
use super::router::{json_error, xml_error, Reply, Req, Router};
use super::util::{run, stderr, tempdir};

const HOME: &str = "us-east-1";
const OTHER: &str = "eu-west-1";
const ROLE: &str = "AuditpackReadOnly";
const AGGREGATOR: &str = "org-all";
const ACCOUNTS: usize = 20;
/// The account whose role does not exist.
const NO_ROLE: usize = 7;
/// The account the aggregator failed to aggregate in OTHER.
const NOT_AGGREGATED: usize = 3;
const RULE: &str = "s3-bucket-server-side-encryption-enabled";
/// 2026-11-20T08:00:00Z
const AT: f64 = 1_795_161_600.0;

fn account(i: usize) -> String {
    format!("{}", 210_000_000_000u64 + i as u64)
}

fn accounts() -> Vec<String> {
    (0..ACCOUNTS).map(account).collect()
}

fn bucket(i: usize, region: &str) -> String {
    format!("bucket-{i}-{region}")
}

/// Credentials in `account`, through moto's STS.
async fn enter(moto: &Moto, account: &str) -> Credentials {
    let sts = aws_sdk_sts::Client::new(&seeding(moto, HOME).await);
    let out = sts.assume_role().role_arn(format!("arn:aws:iam::{account}:role/{ROLE}")).role_session_name("seed").send().await.unwrap();
    let c = out.credentials().unwrap();
    Credentials::new(c.access_key_id(), c.secret_access_key(), Some(c.session_token().to_string()), None, "seed")
}

/// Each account: a user named after it, a recording recorder with a delivery channel in both
/// regions, and the S3 encryption rule in HOME.
async fn seed(moto: &Moto) {
    for i in 0..ACCOUNTS {
        let credentials = enter(moto, &account(i)).await;
        let base = seeding(moto, HOME).await;
        let iam =
            aws_sdk_iam::Client::from_conf(aws_sdk_iam::config::Builder::from(&base).credentials_provider(credentials.clone()).build());
        iam.create_user().user_name(format!("auditor-{i}")).send().await.unwrap();
        for region in [HOME, OTHER] {
            let conf = aws_sdk_config::config::Builder::from(&base)
                .region(aws_config::Region::new(region))
                .credentials_provider(credentials.clone())
                .build();
            let config = aws_sdk_config::Client::from_conf(conf);
            start_recorder(&config, &format!("config-history-{i}")).await;
            if region == HOME {
                let rule = ConfigRule::builder()
                    .config_rule_name(RULE)
                    .source(
                        Source::builder().owner(Owner::Aws).source_identifier("S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED").build().unwrap(),
                    )
                    .scope(Scope::builder().compliance_resource_types("AWS::S3::Bucket").build())
                    .build();
                config.put_config_rule().config_rule(rule).send().await.unwrap();
            }
        }
    }
}

/// A page of `all` at the request's NextToken (an offset); the first page is always empty and
/// carries a token, as an aggregate API may answer.
fn page(req: &Req, all: &[Value], key: &str, size: usize) -> Reply {
    let token = req.json.get("NextToken").and_then(Value::as_str);
    let Some(start) = token.map(|t| t.parse::<usize>().unwrap()) else {
        return Reply::Json(200, json!({ key: [], "NextToken": "0" }));
    };
    let limit = req.json.get("Limit").and_then(Value::as_u64).unwrap_or(size as u64) as usize;
    let end = (start + limit.min(size)).min(all.len());
    let mut body = json!({ key: all[start..end].to_vec() });
    if end < all.len() {
        body["NextToken"] = Value::String(end.to_string());
    }
    Reply::Json(200, body)
}

/// The bucket of account `i` in `region`: encrypted, except account 0's in HOME, whose policy
/// is public.
fn bucket_item(i: usize, region: &str) -> Item {
    let name = bucket(i, region);
    let mut item = Item::new(region, "AWS::S3::Bucket", &name, json!({ "name": name }));
    item.arn = Some(format!("arn:aws:s3:::{name}"));
    if i == 0 && region == HOME {
        let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{name}/*")}]});
        item.with_supplementary("BucketPolicy", json!({ "policyText": policy.to_string() }))
    } else {
        let sse = json!({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]});
        item.with_supplementary("ServerSideEncryptionConfiguration", sse)
    }
}

fn aggregated(i: usize, region: &str) -> bool {
    !(i == NOT_AGGREGATED && region == OTHER)
}

/// The aggregator (in HOME) over the 20 accounts and both regions, the missing role, and the
/// conformance packs moto does not implement (none, in every account).
fn install(router: &Router) {
    let places: Vec<(usize, &'static str)> = (0..ACCOUNTS).flat_map(|i| [(i, HOME), (i, OTHER)]).collect();
    let places = Arc::new(places);
    router.on(|r| {
        let arn = format!("arn%3Aaws%3Aiam%3A%3A{}%3Arole%2F{ROLE}", account(NO_ROLE));
        (r.op == "AssumeRole" && r.form.contains(&arn)).then(|| {
            xml_error(403, "AccessDenied", "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: sts:AssumeRole")
        })
    });
    router.always("DescribeConformancePacks", || Reply::Json(200, json!({ "ConformancePackDetails": [] })));
    let p = places.clone();
    router.on(move |r| {
        if r.op.contains("Aggregat") && r.json.get("ConfigurationAggregatorName").and_then(Value::as_str) != Some(AGGREGATOR) {
            return Some(json_error(400, "NoSuchConfigurationAggregatorException", "The configuration aggregator does not exist."));
        }
        if r.op.contains("Aggregat") && r.region != HOME {
            return Some(json_error(400, "NoSuchConfigurationAggregatorException", "The configuration aggregator does not exist in this region."));
        }
        match r.op.as_str() {
            "DescribeConfigurationAggregatorSourcesStatus" => {
                let all: Vec<Value> = p
                    .iter()
                    .map(|(i, region)| {
                        let mut s = json!({"SourceId": account(*i), "SourceType": "ACCOUNT", "AwsRegion": region, "LastUpdateStatus": "SUCCEEDED", "LastUpdateTime": AT});
                        if !aggregated(*i, region) {
                            s["LastUpdateStatus"] = json!("FAILED");
                            s["LastErrorCode"] = json!("AuthorizationNotFound");
                            s["LastErrorMessage"] = json!("the source account has not authorized the aggregator in eu-west-1");
                        }
                        s
                    })
                    .collect();
                Some(page(r, &all, "AggregatedSourceStatusList", 100))
            }
            "GetAggregateDiscoveredResourceCounts" => {
                let filters = r.json.get("Filters").cloned().unwrap_or(Value::Null);
                let group = r.json.get("GroupByKey").and_then(Value::as_str).unwrap_or_default();
                let groups: Vec<Value> = match (group, filters.get("AccountId").and_then(Value::as_str), filters.get("Region").and_then(Value::as_str)) {
                    ("ACCOUNT_ID", None, None) => (0..ACCOUNTS).map(|i| json!({"GroupName": account(i), "ResourceCount": 2})).collect(),
                    ("RESOURCE_TYPE", Some(_), Some(_)) => vec![json!({"GroupName": "AWS::S3::Bucket", "ResourceCount": 1})],
                    _ => return Some(json_error(400, "ValidationException", "unexpected grouping in this test")),
                };
                let total = groups.iter().map(|g| g["ResourceCount"].as_i64().unwrap()).sum::<i64>();
                Some(Reply::Json(200, json!({"TotalDiscoveredResources": total, "GroupByKey": group, "GroupedResourceCounts": groups})))
            }
            "DescribeAggregateComplianceByConfigRules" => {
                let all: Vec<Value> = (0..ACCOUNTS)
                    .map(|i| {
                        json!({"ConfigRuleName": RULE, "AccountId": account(i), "AwsRegion": HOME,
                               "Compliance": {"ComplianceType": if i == 0 { "NON_COMPLIANT" } else { "COMPLIANT" }}})
                    })
                    .collect();
                Some(page(r, &all, "AggregateComplianceByConfigRules", 7))
            }
            "GetAggregateComplianceDetailsByConfigRule" => {
                let a = r.json["AccountId"].as_str().unwrap();
                let i = (0..ACCOUNTS).find(|i| account(*i) == a).unwrap();
                let result = json!({
                    "EvaluationResultIdentifier": {"EvaluationResultQualifier": {"ConfigRuleName": RULE, "ResourceType": "AWS::S3::Bucket", "ResourceId": bucket(i, HOME)}, "OrderingTimestamp": AT},
                    "ComplianceType": if i == 0 { "NON_COMPLIANT" } else { "COMPLIANT" },
                    "ResultRecordedTime": AT, "ConfigRuleInvokedTime": AT, "AccountId": a, "AwsRegion": r.json["AwsRegion"],
                });
                Some(page(r, &[result], "AggregateEvaluationResults", 100))
            }
            "ListAggregateDiscoveredResources" => {
                let all: Vec<Value> = if r.json["ResourceType"] == "AWS::S3::Bucket" {
                    p.iter()
                        .map(|(i, region)| json!({"SourceAccountId": account(*i), "SourceRegion": region, "ResourceId": bucket(*i, region), "ResourceType": "AWS::S3::Bucket", "ResourceName": bucket(*i, region)}))
                        .collect()
                } else {
                    Vec::new()
                };
                Some(page(r, &all, "ResourceIdentifiers", 16))
            }
            "BatchGetAggregateResourceConfig" => {
                let ids = r.json["ResourceIdentifiers"].as_array().unwrap();
                if ids.len() > 100 {
                    return Some(json_error(400, "ValidationException", "at most 100 resource identifiers"));
                }
                let items: Vec<Value> = ids
                    .iter()
                    .map(|id| {
                        let a = id["SourceAccountId"].as_str().unwrap();
                        let region = id["SourceRegion"].as_str().unwrap();
                        let i = (0..ACCOUNTS).find(|i| account(*i) == a).unwrap();
                        bucket_item(i, region).configuration_item(a)
                    })
                    .collect();
                Some(Reply::Json(200, json!({"BaseConfigurationItems": items, "UnprocessedResourceIdentifiers": []})))
            }
            _ => None,
        }
    });
}

fn gaps_of<'a>(m: &'a auditpack::evidence::Manifest, account: &str) -> Vec<&'a auditpack::evidence::Gap> {
    m.gaps.iter().filter(|g| g.account == account).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_accounts_through_the_role_and_the_aggregator_make_one_bundle_with_gaps_for_what_failed() {
    let moto = Moto::start(false);
    seed(&moto).await;
    let router = Router::default();
    install(&router);
    let dir = tempdir();
    let out = dir.path().join("evidence");
    let mut o = options(&out, &moto, &[HOME, OTHER]);
    o.role_name = Some(ROLE.into());
    o.accounts = accounts();
    o.aggregator = Some(AGGREGATOR.into());
    let sdk = sdk(&o, &router).await;
    let outcome = collect::run(&o, &sdk, &Progress::quiet()).await.expect("collect runs");
    let m = &outcome.manifest;

    // One bundle: every account, both regions; it verifies.
    assert_eq!(m.accounts, accounts());
    assert_eq!(m.regions, [OTHER, HOME]);
    assert!(verify_dir(&out).unwrap().is_intact(), "the organisation bundle verifies");

    // Each account's IAM was read with its own credentials: its own user, no other's.
    for i in (0..ACCOUNTS).filter(|i| *i != NO_ROLE) {
        let a = account(i);
        let gaad = read_json(&out, &format!("{a}/global/iam/get-account-authorization-details.json"));
        let users: Vec<&str> = gaad["UserDetailList"].as_array().unwrap().iter().map(|u| u["UserName"].as_str().unwrap()).collect();
        assert_eq!(users, [format!("auditor-{i}")], "account {a}");
        let recorders = read_json(&out, &format!("{a}/{OTHER}/config/describe-configuration-recorders.json"));
        assert_eq!(recorders["ConfigurationRecorders"][0]["name"], "default");
        if aggregated(i, OTHER) {
            assert!(gaps_of(m, &a).is_empty(), "account {a}: {:?}", gaps_of(m, &a));
        }
        // The aggregator's items, split by account and region, in the account's own files.
        for region in [HOME, OTHER].into_iter().filter(|r| aggregated(i, r)) {
            let items = read_json(&out, &format!("{a}/{region}/config/resources/AWS__S3__Bucket.json"));
            let ids: Vec<&str> =
                items["baseConfigurationItems"].as_array().unwrap().iter().map(|x| x["resourceId"].as_str().unwrap()).collect();
            assert_eq!(ids, [bucket(i, region)], "{a}/{region}");
        }
        let details = read_json(&out, &format!("{a}/{HOME}/config/get-compliance-details-by-config-rule/{RULE}.json"));
        assert_eq!(
            details["EvaluationResults"][0]["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"],
            bucket(i, HOME)
        );
        assert!(details["EvaluationResults"][0].get("AccountId").is_none(), "the file has the single-account shape");
    }
    // Requests grow with accounts and pages, never with resources one by one: 40 buckets in
    // 16-identifier pages (plus the empty first page) and a single batch.
    let types = auditpack::evidence::ResourceType::ALL.len();
    assert_eq!(router.count("ListAggregateDiscoveredResources"), 2 * (types - 1) + 4, "one listing per type, the buckets in pages");
    assert_eq!(router.count("BatchGetAggregateResourceConfig"), 1);
    assert_eq!(router.count("GetAggregateComplianceDetailsByConfigRule"), 2 * ACCOUNTS, "an empty page then the results, per account");

    // Every call is in the shipped policy, and the organisation run sends every aggregate call it lists.
    let policy: Value =
        serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policy/auditpack-readonly.json")).unwrap())
            .unwrap();
    let allowed: Vec<&str> = policy["Statement"][0]["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    let used: BTreeSet<&str> = outcome.calls.iter().map(String::as_str).collect();
    assert!(used.iter().all(|c| allowed.contains(c)), "{used:?}");
    for a in allowed.iter().filter(|a| a.contains("Aggregat") || **a == "sts:AssumeRole") {
        assert!(used.contains(a), "{a} is in the policy but an organisation run never sends it");
    }

    // The account whose role is missing: a gap for each of its documents, naming the role.
    let missing = account(NO_ROLE);
    let gaps = gaps_of(m, &missing);
    let apis: BTreeSet<&str> = gaps.iter().map(|g| g.api.as_str()).collect();
    for api in [
        "iam:GetAccountAuthorizationDetails",
        "iam:GenerateCredentialReport",
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigRules",
    ] {
        assert!(apis.contains(api), "{api} missing from {apis:?}");
    }
    assert!(
        gaps.iter().all(|g| g.error == "AccessDenied" && g.message.contains(&format!("arn:aws:iam::{missing}:role/{ROLE}"))),
        "{gaps:?}"
    );
    assert!(!out.join(format!("{missing}/global")).exists(), "nothing of its own is written");

    // The account the aggregator failed in OTHER: gaps there, with the aggregator's error.
    let failed = account(NOT_AGGREGATED);
    let gaps = gaps_of(m, &failed);
    assert!(!gaps.is_empty());
    assert!(gaps.iter().all(|g| g.region.as_deref() == Some(OTHER) && g.error == "AuthorizationNotFound"), "{gaps:?}");
    assert!(gaps.iter().any(|g| g.api == "config:BatchGetAggregateResourceConfig"), "{gaps:?}");
    assert!(!out.join(format!("{failed}/{OTHER}/config/resources")).exists());

    // The packet: a breakdown of 20 accounts; the failures and the gaps land on their accounts.
    let results = report_json(&out, &dir.path().join("packet"));
    for fw in results["frameworks"].as_array().unwrap() {
        let rows: Vec<&str> = fw["by_account"].as_array().unwrap().iter().map(|r| r["account"].as_str().unwrap()).collect();
        assert_eq!(rows, accounts(), "{}", fw["id"]);
    }
    let (status, findings) = check_result(&results, "s3-no-public-policy");
    assert_eq!(status, "fail");
    let of = |account: &str, status: &str| -> Vec<Value> {
        findings.iter().filter(|f| f["status"] == status && f["account"] == account).cloned().collect()
    };
    assert!(!of(&account(0), "fail").is_empty(), "account 0's public bucket fails: {findings:?}");
    let unassessed: Vec<String> =
        findings.iter().filter(|f| f["status"] == "not_assessed").map(|f| f["resource"].as_str().unwrap().to_string()).collect();
    assert!(unassessed.iter().any(|r| r == &format!("{missing}/{HOME}")), "no recorder evidence for the role-less account: {unassessed:?}");
    assert!(unassessed.iter().any(|r| r == &format!("{failed}/{OTHER}")), "the region the aggregator failed in: {unassessed:?}");
    assert!(!unassessed.iter().any(|r| r.starts_with(&account(1))), "{unassessed:?}");
    let (_, findings) = check_result(&results, "iam-password-min-length");
    assert!(
        findings.iter().any(|f| f["status"] == "not_assessed"
            && f["resource"] == missing.as_str()
            && f["detail"].as_str().unwrap().contains("AccessDenied")),
        "{findings:?}"
    );
}

/// The binary: `--accounts FILE --role-name` against moto alone (its Config has no compliance
/// API, so those calls are gaps), then `report` writes packets with the per-account breakdown.
#[test]
fn collect_command_reads_the_accounts_of_a_file_through_the_role() {
    let moto = Moto::start(false);
    let dir = tempdir();
    let file = dir.path().join("accounts.txt");
    std::fs::write(&file, "# production\n210000000001 prod\n210000000002,staging\n").unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "210000000001\n2100000000 short\n").unwrap();
    let out = dir.path().join("evidence");
    let base = ["--endpoint-url", &moto.url, "--max-attempts", "1", "--region", HOME, "--out", out.to_str().unwrap()];
    let cmd = |extra: &[&str]| moto_collect().args(base).args(extra).output().unwrap();
    // --accounts needs --role-name; a bad line is named with its number; nothing is written.
    let o = cmd(&["--accounts", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--role-name"), "{}", stderr(&o));
    let o = cmd(&["--accounts", bad.to_str().unwrap(), "--role-name", ROLE]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.txt:2: \"2100000000\" is not an AWS account id"), "{}", stderr(&o));
    assert!(!out.exists(), "a refused run leaves no directory");

    let o = cmd(&["--accounts", file.to_str().unwrap(), "--role-name", ROLE]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = run(&["verify", out.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stderr(&v));
    let manifest = read_json(&out, "manifest.json");
    assert_eq!(manifest["accounts"], json!(["210000000001", "210000000002"]));
    assert!(!Path::new(&out).join(MOTO_ACCOUNT).exists(), "the caller's account is not in the file, so it is not read");
    let packet = dir.path().join("packet");
    let o = run(&["report", "--evidence", out.to_str().unwrap(), "--out", packet.to_str().unwrap(), "--framework", "hipaa"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(packet.join("hipaa.html")).unwrap();
    assert!(html.contains("By account") && html.contains("210000000001") && html.contains("210000000002"));
}

/// `--organization`: the active accounts of moto's organisation, the management account (the
/// caller) with its own credentials and the members through the role; a suspended account is
/// left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organization_flag_reads_every_active_account_of_the_organisation() {
    let moto = Moto::start(false);
    let base = seeding(&moto, HOME).await;
    let orgs = aws_sdk_organizations::Client::new(&base);
    orgs.create_organization().feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All).send().await.unwrap();
    let mut members = Vec::new();
    for name in ["prod", "staging", "retired"] {
        let created = orgs.create_account().email(format!("{name}@example.com")).account_name(name).send().await.unwrap();
        members.push(created.create_account_status().unwrap().account_id().unwrap().to_string());
    }
    // moto's "retired" account is closed again: not active, so not read.
    orgs.close_account().account_id(&members[2]).send().await.unwrap();
    let router = Router::default();
    router.always("DescribeConformancePacks", || Reply::Json(200, json!({ "ConformancePackDetails": [] })));
    let dir = tempdir();
    let out = dir.path().join("evidence");
    let mut o = options(&out, &moto, &[HOME]);
    o.role_name = Some(ROLE.into());
    o.organization = true;
    let sdk = sdk(&o, &router).await;
    let outcome = collect::run(&o, &sdk, &Progress::quiet()).await.expect("collect runs");
    let mut want = vec![MOTO_ACCOUNT.to_string(), members[0].clone(), members[1].clone()];
    want.sort();
    assert_eq!(outcome.manifest.accounts, want);
    assert_eq!(outcome.calls_to("organizations"), 1);
    assert_eq!(outcome.calls.iter().filter(|c| *c == "sts:AssumeRole").count(), 2, "the caller's own account needs no role");
    for a in &want {
        assert!(out.join(format!("{a}/global/iam/get-account-summary.json")).exists(), "{a}");
    }
    assert!(verify_dir(&out).unwrap().is_intact());
}
