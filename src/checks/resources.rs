//! Data-protection, network, patching and logging checks over AWS Config configuration items
//! (`resources/<AWS__Service__Type>.json`, the output of `batch-get-resource-config`).
//!
//! A region whose Config recorder does not record a type cannot prove anything about it: that
//! region is `not_assessed` for the check, never a pass.

use serde_json::Value;

use super::config_service::RegionRecorders;
use super::eval::{embedded_json, flag, list, live_items, text};
use super::policy::{open_principal, statements};
use super::{Check, Duty, Eval, Severity};
use crate::evidence::resource_file;

pub static CHECKS: &[Check] = &[
    Check {
        id: "s3-default-encryption",
        title: "S3 buckets have default encryption",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "Default encryption makes every object encrypted at rest without relying on each writer to ask for it.",
        remediation: "aws s3api put-bucket-encryption with SSE-KMS (a customer managed key when you need to control and log key use).",
        evidence: &["<account>/<region>/config/resources/AWS__S3__Bucket.json"],
        run: s3_encryption,
    },
    Check {
        id: "s3-public-access-block",
        title: "S3 buckets block public access",
        duty: Duty::DataProtection,
        severity: Severity::High,
        rationale: "The four Block Public Access settings stop a policy or ACL from making data public by mistake.",
        remediation: "Turn on all four Block Public Access settings on the bucket, or once for the whole account.",
        evidence: &["<account>/<region>/config/resources/AWS__S3__Bucket.json", "<account>/<region>/config/resources/AWS__S3__AccountPublicAccessBlock.json"],
        run: s3_public_access_block,
    },
    Check {
        id: "s3-no-public-policy",
        title: "No S3 bucket policy grants access to everyone",
        duty: Duty::DataProtection,
        severity: Severity::Critical,
        rationale: "A bucket policy with \"Principal\": \"*\" and no condition publishes the bucket to the internet.",
        remediation: "Remove the public statement or narrow it with a condition (aws:SourceVpce, aws:PrincipalOrgID); serve public content through CloudFront with origin access control.",
        evidence: &["<account>/<region>/config/resources/AWS__S3__Bucket.json"],
        run: s3_public_policy,
    },
    Check {
        id: "ebs-volume-encryption",
        title: "EBS volumes are encrypted",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "Unencrypted volumes and their snapshots expose data to anyone who gets a copy.",
        remediation: "Enable EBS encryption by default in each region; copy existing volumes through an encrypted snapshot and swap them in.",
        evidence: &["<account>/<region>/config/resources/AWS__EC2__Volume.json"],
        run: ebs_encryption,
    },
    Check {
        id: "rds-storage-encryption",
        title: "RDS database storage is encrypted",
        duty: Duty::DataProtection,
        severity: Severity::High,
        rationale: "Encryption at rest protects database files, automated backups, replicas and snapshots.",
        remediation: "Encryption cannot be switched on in place: snapshot the instance, copy the snapshot with encryption, restore from it and cut over.",
        evidence: &["<account>/<region>/config/resources/AWS__RDS__DBInstance.json"],
        run: rds_encryption,
    },
    Check {
        id: "ec2-sg-no-open-admin-ports",
        title: "No security group opens SSH (22) or RDP (3389) to the internet",
        duty: Duty::NetworkSecurity,
        severity: Severity::High,
        rationale: "Remote administration ports open to 0.0.0.0/0 or ::/0 are scanned and brute-forced within minutes of exposure.",
        remediation: "Remove the rule; reach instances through Systems Manager Session Manager, or allow only known address ranges.",
        evidence: &["<account>/<region>/config/resources/AWS__EC2__SecurityGroup.json"],
        run: open_admin_ports,
    },
    Check {
        id: "cloudtrail-multi-region",
        title: "A multi-region CloudTrail trail exists",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::High,
        rationale: "Only a trail that covers every region records API activity in regions nobody expected to be used.",
        remediation: "aws cloudtrail create-trail --is-multi-region-trail (or an organization trail), then start-logging.",
        evidence: &["<account>/<region>/config/resources/AWS__CloudTrail__Trail.json"],
        run: cloudtrail_multi_region,
    },
    Check {
        id: "cloudtrail-log-validation",
        title: "CloudTrail trails validate their log files",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "Log file validation produces signed digests, so an auditor can prove the logs were not altered or deleted.",
        remediation: "aws cloudtrail update-trail --name TRAIL --enable-log-file-validation",
        evidence: &["<account>/<region>/config/resources/AWS__CloudTrail__Trail.json"],
        run: cloudtrail_validation,
    },
    Check {
        id: "kms-key-rotation",
        title: "Customer managed KMS keys rotate automatically",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "Automatic rotation limits how much data any one key version protects.",
        remediation: "aws kms enable-key-rotation --key-id KEY for each listed symmetric customer managed key.",
        evidence: &["<account>/<region>/config/resources/AWS__KMS__Key.json"],
        run: kms_rotation,
    },
    Check {
        id: "ssm-patch-compliance",
        title: "Managed instances have no missing or failed patches",
        duty: Duty::OsPatching,
        severity: Severity::High,
        rationale: "On EC2 the guest operating system is the customer's to patch; a missing security patch is a known way in.",
        remediation: "Run AWS-RunPatchBaseline with Operation=Install on the listed instances (a maintenance window or Patch Manager policy keeps it regular).",
        evidence: &["<account>/<region>/config/resources/AWS__SSM__PatchCompliance.json"],
        run: patch_compliance,
    },
    Check {
        id: "elb-waf-attached",
        title: "Internet-facing application load balancers have a WAF web ACL",
        duty: Duty::NetworkSecurity,
        severity: Severity::Medium,
        rationale: "A web application firewall in front of public endpoints filters common injection and bot traffic before it reaches the application.",
        remediation: "aws wafv2 associate-web-acl --web-acl-arn ACL --resource-arn LOAD_BALANCER (start from the AWS managed core rule set).",
        evidence: &["<account>/<region>/config/resources/AWS__ElasticLoadBalancingV2__LoadBalancer.json", "<account>/<region>/config/resources/AWS__WAFv2__WebACL.json"],
        run: waf_attached,
    },
    Check {
        id: "s3-versioning",
        title: "S3 buckets keep object versions",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "Versioning keeps earlier versions of every object, so an overwrite or deletion, by mistake or by ransomware, can be undone.",
        remediation: "aws s3api put-bucket-versioning --versioning-configuration Status=Enabled (add lifecycle rules to expire old versions).",
        evidence: &["<account>/<region>/config/resources/AWS__S3__Bucket.json"],
        run: s3_versioning,
    },
    Check {
        id: "s3-secure-transport",
        title: "S3 bucket policies refuse requests without TLS",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "Without a Deny on aws:SecureTransport = false, clients may read and write the bucket over plain HTTP.",
        remediation: "Add a bucket policy statement denying s3:* when aws:SecureTransport is false.",
        evidence: &["<account>/<region>/config/resources/AWS__S3__Bucket.json"],
        run: s3_secure_transport,
    },
    Check {
        id: "s3-access-logging",
        title: "S3 buckets log access requests",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Server access logs record who requested which object, evidence CloudTrail keeps only when data events are on.",
        remediation: "aws s3api put-bucket-logging with a target bucket in the log archive.",
        evidence: &["<account>/<region>/config/resources/AWS__S3__Bucket.json"],
        run: s3_access_logging,
    },
    Check {
        id: "rds-no-public-access",
        title: "RDS instances are not publicly accessible",
        duty: Duty::NetworkSecurity,
        severity: Severity::Critical,
        rationale: "A publicly accessible instance gets a public address: only its security group stands between the database and the internet.",
        remediation: "aws rds modify-db-instance --no-publicly-accessible, and reach it through private subnets or a bastion.",
        evidence: &["<account>/<region>/config/resources/AWS__RDS__DBInstance.json"],
        run: rds_public,
    },
    Check {
        id: "rds-backups",
        title: "RDS instances keep automated backups",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "With a backup retention of zero there are no automated backups and no point-in-time recovery.",
        remediation: "aws rds modify-db-instance --backup-retention-period 7 (or what the recovery objectives need).",
        evidence: &["<account>/<region>/config/resources/AWS__RDS__DBInstance.json"],
        run: rds_backups,
    },
    Check {
        id: "rds-multi-az",
        title: "RDS instances run in more than one availability zone",
        duty: Duty::DataProtection,
        severity: Severity::Low,
        rationale: "A Multi-AZ instance fails over to a standby in another zone; a single-AZ one is down while its zone is.",
        remediation: "aws rds modify-db-instance --multi-az during a maintenance window.",
        evidence: &["<account>/<region>/config/resources/AWS__RDS__DBInstance.json"],
        run: rds_multi_az,
    },
    Check {
        id: "rds-iam-authentication",
        title: "RDS instances accept IAM database authentication",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Low,
        rationale: "With IAM authentication people and applications sign in with short-lived tokens tied to their IAM identity instead of shared database passwords.",
        remediation: "aws rds modify-db-instance --enable-iam-database-authentication, then create database users mapped to IAM.",
        evidence: &["<account>/<region>/config/resources/AWS__RDS__DBInstance.json"],
        run: rds_iam_auth,
    },
    Check {
        id: "rds-log-exports",
        title: "RDS instances export their logs to CloudWatch Logs",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Database audit, error and slow-query logs kept only on the instance are lost with it and are not watched.",
        remediation: "aws rds modify-db-instance --cloudwatch-logs-export-configuration EnableLogTypes=... (audit, error, postgresql, ...).",
        evidence: &["<account>/<region>/config/resources/AWS__RDS__DBInstance.json"],
        run: rds_log_exports,
    },
    Check {
        id: "kms-key-not-pending-deletion",
        title: "No customer managed KMS key is scheduled for deletion",
        duty: Duty::DataProtection,
        severity: Severity::High,
        rationale: "Once a key is deleted, everything encrypted under it is lost for good; a scheduled deletion is a last chance to check.",
        remediation: "aws kms cancel-key-deletion --key-id KEY if the key is still needed, then re-enable it.",
        evidence: &["<account>/<region>/config/resources/AWS__KMS__Key.json"],
        run: kms_pending_deletion,
    },
    Check {
        id: "cloudtrail-kms-encryption",
        title: "CloudTrail logs are encrypted with a KMS key",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "SSE-KMS on the trail makes reading the logs need both S3 access and kms:Decrypt, and every decryption is itself logged.",
        remediation: "aws cloudtrail update-trail --name TRAIL --kms-key-id KEY (the key policy must let CloudTrail use it).",
        evidence: &["<account>/<region>/config/resources/AWS__CloudTrail__Trail.json"],
        run: cloudtrail_kms,
    },
    Check {
        id: "cloudtrail-cloudwatch-logs",
        title: "CloudTrail trails send events to CloudWatch Logs",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Events in CloudWatch Logs can raise alarms within minutes (root sign-in, policy changes); files in S3 alone are read after the fact.",
        remediation: "aws cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn ARN --cloud-watch-logs-role-arn ROLE",
        evidence: &["<account>/<region>/config/resources/AWS__CloudTrail__Trail.json"],
        run: cloudtrail_cloudwatch,
    },
    Check {
        id: "ec2-sg-no-open-all-traffic",
        title: "No security group allows all traffic from the internet",
        duty: Duty::NetworkSecurity,
        severity: Severity::Critical,
        rationale: "A rule for every protocol and port from 0.0.0.0/0 or ::/0 exposes every service the instances run.",
        remediation: "Replace the rule with rules for the ports the service needs, from the sources that need them.",
        evidence: &["<account>/<region>/config/resources/AWS__EC2__SecurityGroup.json"],
        run: open_all_traffic,
    },
];

/// A configuration item with its `configuration` and `supplementaryConfiguration` decoded.
pub struct Item {
    pub raw: Value,
    pub configuration: Value,
    pub account: String,
    pub region: String,
}

impl Item {
    pub fn id(&self) -> String {
        let arn = text(&self.raw, "arn");
        if arn.is_empty() {
            format!("{} {}", text(&self.raw, "resourceType"), text(&self.raw, "resourceId"))
        } else {
            arn.to_string()
        }
    }
    pub fn name(&self) -> &str {
        let n = text(&self.raw, "resourceName");
        if n.is_empty() {
            text(&self.raw, "resourceId")
        } else {
            n
        }
    }
    /// A supplementary configuration entry, decoded (Config stores these as JSON strings).
    pub fn supplementary(&self, key: &str) -> Option<Value> {
        let v = self.raw.get("supplementaryConfiguration")?.get(key)?;
        match v {
            Value::String(s) if s == "true" || s == "false" => Some(Value::Bool(s == "true")),
            other => embedded_json(other),
        }
    }
    pub fn relationships(&self) -> &[Value] {
        list(&self.raw, "relationships")
    }
}

/// Configuration items of `resource_type` in every account and region. Regions whose recorder
/// does not record the type, or whose file is missing, are marked not assessed; the items of the
/// others are returned (deleted resources left out). The second value lists the regions that
/// were assessed, as `account/region`.
pub fn items(e: &mut Eval, resource_type: &str) -> (Vec<Item>, Vec<String>) {
    let mut out = Vec::new();
    let mut assessed = Vec::new();
    for account in e.accounts() {
        for region in e.regions() {
            let scope = format!("{account}/{region}");
            let Some(recorders) = RegionRecorders::read(e, &account, &region) else { continue };
            if !recorders.records(resource_type) {
                e.not_assessed(
                    &scope,
                    format!("AWS Config is not recording {resource_type} in this region, so its inventory here proves nothing"),
                );
                continue;
            }
            let path = resource_file(&account, &region, resource_type);
            let Some(doc) = e.json(&path, &scope) else { continue };
            let Some(live) = live_items(&doc) else {
                e.not_assessed(&scope, format!("{path} holds neither baseConfigurationItems nor configurationItems"));
                continue;
            };
            assessed.push(scope);
            for raw in live {
                let configuration = raw.get("configuration").and_then(embedded_json).unwrap_or(Value::Null);
                out.push(Item { raw: raw.clone(), configuration, account: account.clone(), region: region.clone() });
            }
        }
    }
    (out, assessed)
}

/// Run `judge` on every item of a type; `judge` returns Ok(detail) for a pass, Err(detail) for a
/// fail, or None when the item is out of the check's scope. Assessed regions without any item in
/// scope pass with a note saying so.
fn each_item(e: &mut Eval, resource_type: &str, noun: &str, judge: impl Fn(&Item) -> Option<Result<String, String>>) {
    let (items, assessed) = items(e, resource_type);
    let mut seen = std::collections::BTreeSet::new();
    for item in &items {
        if let Some(verdict) = judge(item) {
            seen.insert(format!("{}/{}", item.account, item.region));
            match verdict {
                Ok(d) => e.pass(item.id(), d),
                Err(d) => e.fail(item.id(), d),
            }
        }
    }
    for scope in assessed {
        if !seen.contains(&scope) {
            e.pass(&scope, format!("no {noun} recorded in this region"));
        }
    }
}

fn s3_encryption(e: &mut Eval) {
    each_item(e, "AWS::S3::Bucket", "S3 buckets", |item| {
        let rules = item.supplementary("ServerSideEncryptionConfiguration").map(|v| list(&v, "rules").to_vec()).unwrap_or_default();
        let algo = rules
            .iter()
            .filter_map(|r| r.pointer("/applyServerSideEncryptionByDefault/sseAlgorithm"))
            .filter_map(Value::as_str)
            .next()
            .map(str::to_string);
        Some(match algo {
            Some(a) => Ok(format!("default encryption {a}")),
            None => Err("no default encryption configured".into()),
        })
    });
}

fn block_all(v: &Value) -> bool {
    ["blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"].iter().all(|k| flag(v, k) == Some(true))
}

fn s3_public_access_block(e: &mut Eval) {
    // An account-level block covers every bucket; read it where it was collected (optional evidence).
    let mut account_blocks = std::collections::BTreeSet::new();
    for account in e.accounts() {
        for region in e.regions() {
            let path = resource_file(&account, &region, "AWS::S3::AccountPublicAccessBlock");
            if e.bundle.file(&path).is_some() {
                if let Some(doc) = e.json(&path, &format!("{account}/{region}")) {
                    let items = list(&doc, "baseConfigurationItems");
                    if items.iter().any(|i| i.get("configuration").and_then(embedded_json).is_some_and(|c| block_all(&c))) {
                        account_blocks.insert(account.clone());
                    }
                }
            }
        }
    }
    each_item(e, "AWS::S3::Bucket", "S3 buckets", |item| {
        if account_blocks.contains(&item.account) {
            return Some(Ok("covered by the account-level Block Public Access settings".into()));
        }
        Some(match item.supplementary("PublicAccessBlockConfiguration") {
            Some(v) if block_all(&v) => Ok("all four Block Public Access settings on".into()),
            Some(_) => Err("Block Public Access is only partly on".into()),
            None => Err("no Block Public Access configuration".into()),
        })
    });
}

fn s3_public_policy(e: &mut Eval) {
    each_item(e, "AWS::S3::Bucket", "S3 buckets", |item| {
        let restricted =
            item.supplementary("PublicAccessBlockConfiguration").is_some_and(|v| flag(&v, "restrictPublicBuckets") == Some(true));
        let policy = item.supplementary("BucketPolicy").and_then(|p| p.get("policyText").and_then(embedded_json));
        let Some(policy) = policy else { return Some(Ok("no bucket policy".into())) };
        let open = statements(&policy).into_iter().filter_map(open_principal).any(|conds| conds.is_empty());
        Some(match (open, restricted) {
            (false, _) => Ok("bucket policy names its principals or is conditioned".into()),
            (true, true) => Ok("bucket policy has a public statement, neutralised by RestrictPublicBuckets".into()),
            (true, false) => Err("bucket policy grants access to everyone (\"Principal\": \"*\", no condition)".into()),
        })
    });
}

fn ebs_encryption(e: &mut Eval) {
    each_item(e, "AWS::EC2::Volume", "EBS volumes", |item| {
        Some(if flag(&item.configuration, "encrypted") == Some(true) { Ok("encrypted".into()) } else { Err("not encrypted".into()) })
    });
}

fn rds_encryption(e: &mut Eval) {
    each_item(e, "AWS::RDS::DBInstance", "RDS instances", |item| {
        Some(if flag(&item.configuration, "storageEncrypted") == Some(true) {
            Ok(format!("storage encrypted ({})", text(&item.configuration, "engine")))
        } else {
            Err(format!("storage not encrypted ({})", text(&item.configuration, "engine")))
        })
    });
}

/// The open-to-the-world sources of an ingress permission.
fn world_sources(perm: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for r in list(perm, "ipv4Ranges") {
        if text(r, "cidrIp") == "0.0.0.0/0" {
            out.push("0.0.0.0/0".to_string());
        }
    }
    for r in list(perm, "ipv6Ranges") {
        if text(r, "cidrIpv6") == "::/0" {
            out.push("::/0".to_string());
        }
    }
    for r in list(perm, "ipRanges") {
        if r.as_str() == Some("0.0.0.0/0") && !out.iter().any(|o| o == "0.0.0.0/0") {
            out.push("0.0.0.0/0".to_string());
        }
    }
    out
}

fn open_admin_ports(e: &mut Eval) {
    each_item(e, "AWS::EC2::SecurityGroup", "security groups", |item| {
        let mut open = Vec::new();
        for perm in list(&item.configuration, "ipPermissions") {
            let proto = text(perm, "ipProtocol");
            let all_ports = proto == "-1" || proto == "all";
            let from = perm.get("fromPort").and_then(Value::as_i64).unwrap_or(-1);
            let to = perm.get("toPort").and_then(Value::as_i64).unwrap_or(-1);
            let sources = world_sources(perm);
            if sources.is_empty() || !(all_ports || proto == "tcp" || proto == "6") {
                continue;
            }
            for (port, name) in [(22, "SSH"), (3389, "RDP")] {
                if all_ports || (from <= port && port <= to) {
                    open.push(format!("{name} ({port}) from {}", sources.join(" and ")));
                }
            }
        }
        Some(if open.is_empty() {
            Ok(format!("{}: no SSH or RDP ingress from the internet", item.name()))
        } else {
            Err(format!("{}: open {}", item.name(), open.join("; ")))
        })
    });
}

fn cloudtrail_multi_region(e: &mut Eval) {
    let (items, assessed) = items(e, "AWS::CloudTrail::Trail");
    for account in e.accounts() {
        let trails: Vec<&Item> = items.iter().filter(|i| i.account == account).collect();
        let all_regions_assessed = assessed.iter().filter(|s| s.starts_with(&format!("{account}/"))).count() == e.regions().len();
        match trails.iter().find(|i| flag(&i.configuration, "isMultiRegionTrail") == Some(true)) {
            Some(t) => e.pass(t.id(), format!("multi-region trail {} (home region {})", t.name(), t.region)),
            // A multi-region trail may live in a region that could not be assessed: then the
            // regions above are already marked not assessed and nothing here is a failure.
            None if all_regions_assessed => {
                let single: Vec<String> = trails.iter().map(|t| format!("{} ({})", t.name(), t.region)).collect();
                e.fail(
                    &account,
                    if single.is_empty() {
                        "no CloudTrail trail at all".to_string()
                    } else {
                        format!("only single-region trails: {}", single.join(", "))
                    },
                );
            }
            None => {}
        }
    }
}

fn cloudtrail_validation(e: &mut Eval) {
    each_item(e, "AWS::CloudTrail::Trail", "CloudTrail trails", |item| {
        Some(if flag(&item.configuration, "logFileValidationEnabled") == Some(true) {
            Ok(format!("trail {}: log file validation on", item.name()))
        } else {
            Err(format!("trail {}: log file validation off", item.name()))
        })
    });
}

fn kms_rotation(e: &mut Eval) {
    each_item(e, "AWS::KMS::Key", "customer managed symmetric KMS keys", |item| {
        let c = &item.configuration;
        let spec =
            [text(c, "keySpec"), text(c, "customerMasterKeySpec")].into_iter().find(|s| !s.is_empty()).unwrap_or("SYMMETRIC_DEFAULT");
        let rotatable = text(c, "keyManager") == "CUSTOMER"
            && text(c, "keyState") == "Enabled"
            && spec == "SYMMETRIC_DEFAULT"
            && matches!(text(c, "origin"), "" | "AWS_KMS");
        if !rotatable {
            return None;
        }
        Some(match item.supplementary("KeyRotationStatus") {
            Some(Value::Bool(true)) => Ok("automatic rotation on".into()),
            Some(_) => Err("automatic rotation off".into()),
            None => Err("no rotation status recorded (AWS Config records it only with kms:GetKeyRotationStatus)".into()),
        })
    });
}

fn patch_compliance(e: &mut Eval) {
    each_item(e, "AWS::SSM::PatchCompliance", "patch compliance records", |item| {
        let instance = text(&item.raw, "resourceId").trim_start_matches("AWS::SSM::ManagedInstanceInventory/").to_string();
        let patches =
            item.configuration.pointer("/AWS:ComplianceItem/Content/Patch").and_then(Value::as_object).cloned().unwrap_or_default();
        let bad: Vec<String> = patches
            .iter()
            .filter(|(_, p)| matches!(text(p, "PatchState"), "Missing" | "Failed") || text(p, "Status") == "NON_COMPLIANT")
            .map(|(id, p)| format!("{id} {}", text(p, "PatchState")).trim().to_string())
            .collect();
        Some(if bad.is_empty() {
            Ok(format!("{instance}: {} patch(es) recorded, none missing or failed", patches.len()))
        } else {
            Err(format!("{instance}: {} missing or failed: {}", bad.len(), bad.join(", ")))
        })
    });
}

fn waf_attached(e: &mut Eval) {
    // Web ACL items are optional evidence: only a public ALB needs them, and where they were not
    // collected an ALB without its own WAF relationship is not assessed rather than failed.
    // batch-get-resource-config returns items without `relationships`: then the web ACLs exist
    // but not what they protect, and only a region with no web ACL at all is known to leave its
    // ALBs unprotected.
    let mut protected = std::collections::BTreeSet::new();
    let mut waf_known = std::collections::BTreeSet::new();
    for account in e.accounts() {
        for region in e.regions() {
            let path = resource_file(&account, &region, "AWS::WAFv2::WebACL");
            if e.bundle.file(&path).is_none() {
                continue;
            }
            let scope = format!("{account}/{region}");
            let Some(doc) = e.json(&path, &scope) else { continue };
            let acls = list(&doc, "baseConfigurationItems");
            if acls.iter().all(|acl| acl.get("relationships").is_some()) {
                waf_known.insert(scope);
            }
            for acl in acls {
                for rel in list(acl, "relationships") {
                    if text(rel, "resourceType") == "AWS::ElasticLoadBalancingV2::LoadBalancer" {
                        protected.insert(text(rel, "resourceId").to_string());
                    }
                }
            }
        }
    }
    let (lbs, assessed) = items(e, "AWS::ElasticLoadBalancingV2::LoadBalancer");
    let mut seen = std::collections::BTreeSet::new();
    for lb in &lbs {
        let c = &lb.configuration;
        if text(c, "scheme") != "internet-facing" || !matches!(text(c, "type"), "application" | "") {
            continue;
        }
        let scope = format!("{}/{}", lb.account, lb.region);
        seen.insert(scope.clone());
        let via_lb = lb.relationships().iter().any(|r| text(r, "resourceType") == "AWS::WAFv2::WebACL");
        if via_lb || protected.contains(text(&lb.raw, "arn")) || protected.contains(text(&lb.raw, "resourceId")) {
            e.pass(lb.id(), format!("{}: WAF web ACL attached", lb.name()));
        } else if waf_known.contains(&scope) {
            e.fail(lb.id(), format!("{}: internet-facing with no WAF web ACL", lb.name()));
        } else {
            e.not_assessed(
                lb.id(),
                format!(
                    "{}: internet-facing; the AWS::WAFv2::WebACL items of {} were not collected with their relationships, so its association is unknown",
                    lb.name(),
                    lb.region
                ),
            );
        }
    }
    for scope in assessed {
        if !seen.contains(&scope) {
            e.pass(&scope, "no internet-facing application load balancers recorded in this region");
        }
    }
}

fn s3_versioning(e: &mut Eval) {
    each_item(e, "AWS::S3::Bucket", "S3 buckets", |item| {
        let status = item.supplementary("BucketVersioningConfiguration").map(|v| text(&v, "status").to_string()).unwrap_or_default();
        Some(if status == "Enabled" {
            Ok("versioning enabled".into())
        } else if status.is_empty() {
            Err("versioning never enabled".into())
        } else {
            Err(format!("versioning {status}"))
        })
    });
}

fn s3_secure_transport(e: &mut Eval) {
    each_item(e, "AWS::S3::Bucket", "S3 buckets", |item| {
        let policy = item.supplementary("BucketPolicy").and_then(|p| p.get("policyText").and_then(embedded_json));
        let denies_plain_http = policy.as_ref().is_some_and(|p| {
            statements(p).iter().any(|st| {
                text(st, "Effect") == "Deny"
                    && st
                        .pointer("/Condition/Bool/aws:SecureTransport")
                        .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                        .is_some_and(|v| v == "false")
            })
        });
        Some(if denies_plain_http {
            Ok("bucket policy denies requests without TLS".into())
        } else {
            Err("no bucket policy statement denies aws:SecureTransport = false".into())
        })
    });
}

fn s3_access_logging(e: &mut Eval) {
    each_item(e, "AWS::S3::Bucket", "S3 buckets", |item| {
        let target = item.supplementary("BucketLoggingConfiguration").map(|v| text(&v, "destinationBucketName").to_string());
        Some(match target.filter(|t| !t.is_empty()) {
            Some(t) => Ok(format!("access logs go to {t}")),
            None => Err("server access logging is off".into()),
        })
    });
}

fn rds_public(e: &mut Eval) {
    each_item(e, "AWS::RDS::DBInstance", "RDS instances", |item| {
        Some(match flag(&item.configuration, "publiclyAccessible") {
            Some(true) => Err("publicly accessible".into()),
            Some(false) => Ok("not publicly accessible".into()),
            None => Err("the configuration item does not say whether it is publicly accessible".into()),
        })
    });
}

fn rds_backups(e: &mut Eval) {
    each_item(e, "AWS::RDS::DBInstance", "RDS instances", |item| {
        let days = item.configuration.get("backupRetentionPeriod").and_then(Value::as_i64).unwrap_or(0);
        Some(if days > 0 { Ok(format!("automated backups kept {days} day(s)")) } else { Err("no automated backups (retention 0)".into()) })
    });
}

fn rds_multi_az(e: &mut Eval) {
    each_item(e, "AWS::RDS::DBInstance", "RDS instances", |item| {
        Some(if flag(&item.configuration, "multiAZ") == Some(true) {
            Ok("Multi-AZ".into())
        } else {
            Err("single availability zone".into())
        })
    });
}

fn kms_pending_deletion(e: &mut Eval) {
    each_item(e, "AWS::KMS::Key", "customer managed KMS keys", |item| {
        let c = &item.configuration;
        if text(c, "keyManager") != "CUSTOMER" {
            return None;
        }
        Some(match text(c, "keyState") {
            "PendingDeletion" | "PendingReplicaDeletion" => Err(format!("scheduled for deletion ({})", text(c, "deletionDate"))),
            state => Ok(format!("key state {}", if state.is_empty() { "unknown" } else { state })),
        })
    });
}

fn cloudtrail_kms(e: &mut Eval) {
    each_item(e, "AWS::CloudTrail::Trail", "CloudTrail trails", |item| {
        let key = text(&item.configuration, "kmsKeyId");
        Some(if key.is_empty() {
            Err(format!("trail {}: logs encrypted with S3-managed keys only", item.name()))
        } else {
            Ok(format!("trail {}: SSE-KMS with {key}", item.name()))
        })
    });
}

fn cloudtrail_cloudwatch(e: &mut Eval) {
    each_item(e, "AWS::CloudTrail::Trail", "CloudTrail trails", |item| {
        let group = text(&item.configuration, "cloudWatchLogsLogGroupArn");
        Some(if group.is_empty() {
            Err(format!("trail {}: no CloudWatch Logs delivery", item.name()))
        } else {
            Ok(format!("trail {}: delivered to {group}", item.name()))
        })
    });
}

fn open_all_traffic(e: &mut Eval) {
    each_item(e, "AWS::EC2::SecurityGroup", "security groups", |item| {
        let open: Vec<String> = list(&item.configuration, "ipPermissions")
            .iter()
            .filter(|p| matches!(text(p, "ipProtocol"), "-1" | "all"))
            .flat_map(world_sources)
            .collect();
        Some(if open.is_empty() {
            Ok(format!("{}: no all-traffic rule from the internet", item.name()))
        } else {
            Err(format!("{}: all traffic allowed from {}", item.name(), open.join(" and ")))
        })
    });
}

fn rds_iam_auth(e: &mut Eval) {
    each_item(e, "AWS::RDS::DBInstance", "RDS instances", |item| {
        Some(if flag(&item.configuration, "iAMDatabaseAuthenticationEnabled") == Some(true) {
            Ok("IAM database authentication on".into())
        } else {
            Err("IAM database authentication off".into())
        })
    });
}

fn rds_log_exports(e: &mut Eval) {
    each_item(e, "AWS::RDS::DBInstance", "RDS instances", |item| {
        let logs: Vec<&str> = list(&item.configuration, "enabledCloudwatchLogsExports").iter().filter_map(Value::as_str).collect();
        Some(if logs.is_empty() { Err("no logs exported to CloudWatch Logs".into()) } else { Ok(format!("exports {}", logs.join(", "))) })
    });
}
