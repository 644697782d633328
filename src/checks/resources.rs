//! Data-protection, network, patching and logging checks over AWS Config configuration items
//! (`resources/<AWS__Service__Type>.json`), each item's configuration read once into the typed
//! shape of its resource type.
//!
//! A region whose Config recorder does not record a type cannot prove anything about it: that
//! region is `not_assessed` for the check, never a pass. An item that is no evidence of a live
//! resource is not assessed for that resource. A region with no resource of the type is
//! `not_applicable`.

use std::collections::BTreeSet;

use super::eval::Live;
use super::items::{each_item, field, needed, verdict, verdict_field_str, Fail, Pass, Skip, Unknown, Verdict};
use super::policy::open_statement;
use super::{Check, Duty, Eval, Need, Severity};
use crate::evidence::docs::items::{
    Bucket, Config, DbInstance, IpPermission, KmsKey, LoadBalancer, PatchCompliance, SecurityGroup, Trail, Volume, WebAcl,
};
use crate::evidence::docs::policy::Effect;
use crate::evidence::docs::Resources;
use crate::evidence::{DocId, ResourceType};

pub static CHECKS: &[Check] = &[
    Check {
        id: "s3-default-encryption",
        title: "S3 buckets have default encryption",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "Default encryption makes every object encrypted at rest without relying on each writer to ask for it.",
        remediation: "aws s3api put-bucket-encryption with SSE-KMS (a customer managed key when you need to control and log key use).",
        evidence: &[Need::Items(ResourceType::S3Bucket)],
        run: s3_encryption,
    },
    Check {
        id: "s3-public-access-block",
        title: "S3 buckets block public access",
        duty: Duty::DataProtection,
        severity: Severity::High,
        rationale: "The four Block Public Access settings stop a policy or ACL from making data public by mistake.",
        remediation: "Turn on all four Block Public Access settings on the bucket, or once for the whole account.",
        evidence: &[Need::Items(ResourceType::S3Bucket), Need::Items(ResourceType::S3AccountPublicAccessBlock)],
        run: s3_public_access_block,
    },
    Check {
        id: "s3-no-public-policy",
        title: "No S3 bucket policy grants access to everyone",
        duty: Duty::DataProtection,
        severity: Severity::Critical,
        rationale: "A bucket policy with \"Principal\": \"*\" and no condition publishes the bucket to the internet.",
        remediation: "Remove the public statement or narrow it with a condition (aws:SourceVpce, aws:PrincipalOrgID); serve public content through CloudFront with origin access control.",
        evidence: &[Need::Items(ResourceType::S3Bucket)],
        run: s3_public_policy,
    },
    Check {
        id: "ebs-volume-encryption",
        title: "EBS volumes are encrypted",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "Unencrypted volumes and their snapshots expose data to anyone who gets a copy.",
        remediation: "Enable EBS encryption by default in each region; copy existing volumes through an encrypted snapshot and swap them in.",
        evidence: &[Need::Items(ResourceType::Ec2Volume)],
        run: ebs_encryption,
    },
    Check {
        id: "rds-storage-encryption",
        title: "RDS database storage is encrypted",
        duty: Duty::DataProtection,
        severity: Severity::High,
        rationale: "Encryption at rest protects database files, automated backups, replicas and snapshots.",
        remediation: "Encryption cannot be switched on in place: snapshot the instance, copy the snapshot with encryption, restore from it and cut over.",
        evidence: &[Need::Items(ResourceType::RdsDbInstance)],
        run: rds_encryption,
    },
    Check {
        id: "ec2-sg-no-open-admin-ports",
        title: "No security group opens SSH (22) or RDP (3389) to the internet",
        duty: Duty::NetworkSecurity,
        severity: Severity::High,
        rationale: "Remote administration ports open to 0.0.0.0/0 or ::/0 are scanned and brute-forced within minutes of exposure.",
        remediation: "Remove the rule; reach instances through Systems Manager Session Manager, or allow only known address ranges.",
        evidence: &[Need::Items(ResourceType::Ec2SecurityGroup)],
        run: open_admin_ports,
    },
    Check {
        id: "cloudtrail-multi-region",
        title: "A multi-region CloudTrail trail exists",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::High,
        rationale: "Only a trail that covers every region records API activity in regions nobody expected to be used.",
        remediation: "aws cloudtrail create-trail --is-multi-region-trail (or an organization trail), then start-logging.",
        evidence: &[Need::Items(ResourceType::CloudTrailTrail)],
        run: cloudtrail_multi_region,
    },
    Check {
        id: "cloudtrail-log-validation",
        title: "CloudTrail trails validate their log files",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "Log file validation produces signed digests, so an auditor can prove the logs were not altered or deleted.",
        remediation: "aws cloudtrail update-trail --name TRAIL --enable-log-file-validation",
        evidence: &[Need::Items(ResourceType::CloudTrailTrail)],
        run: cloudtrail_validation,
    },
    Check {
        id: "kms-key-rotation",
        title: "Customer managed KMS keys rotate automatically",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "Automatic rotation limits how much data any one key version protects.",
        remediation: "aws kms enable-key-rotation --key-id KEY for each listed symmetric customer managed key.",
        evidence: &[Need::Items(ResourceType::KmsKey)],
        run: kms_rotation,
    },
    Check {
        id: "ssm-patch-compliance",
        title: "Managed instances have no missing or failed patches",
        duty: Duty::OsPatching,
        severity: Severity::High,
        rationale: "On EC2 the guest operating system is the customer's to patch; a missing security patch is a known way in.",
        remediation: "Run AWS-RunPatchBaseline with Operation=Install on the listed instances (a maintenance window or Patch Manager policy keeps it regular).",
        evidence: &[Need::Items(ResourceType::SsmPatchCompliance)],
        run: patch_compliance,
    },
    Check {
        id: "elb-waf-attached",
        title: "Internet-facing application load balancers have a WAF web ACL",
        duty: Duty::NetworkSecurity,
        severity: Severity::Medium,
        rationale: "A web application firewall in front of public endpoints filters common injection and bot traffic before it reaches the application.",
        remediation: "aws wafv2 associate-web-acl --web-acl-arn ACL --resource-arn LOAD_BALANCER (start from the AWS managed core rule set).",
        evidence: &[Need::Items(ResourceType::ElbV2LoadBalancer), Need::Items(ResourceType::Wafv2WebAcl)],
        run: waf_attached,
    },
    Check {
        id: "s3-versioning",
        title: "S3 buckets keep object versions",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "Versioning keeps earlier versions of every object, so an overwrite or deletion, by mistake or by ransomware, can be undone.",
        remediation: "aws s3api put-bucket-versioning --versioning-configuration Status=Enabled (add lifecycle rules to expire old versions).",
        evidence: &[Need::Items(ResourceType::S3Bucket)],
        run: s3_versioning,
    },
    Check {
        id: "s3-secure-transport",
        title: "S3 bucket policies refuse requests without TLS",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "Without a Deny on aws:SecureTransport = false, clients may read and write the bucket over plain HTTP.",
        remediation: "Add a bucket policy statement denying s3:* when aws:SecureTransport is false.",
        evidence: &[Need::Items(ResourceType::S3Bucket)],
        run: s3_secure_transport,
    },
    Check {
        id: "s3-access-logging",
        title: "S3 buckets log access requests",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Server access logs record who requested which object, evidence CloudTrail keeps only when data events are on.",
        remediation: "aws s3api put-bucket-logging with a target bucket in the log archive.",
        evidence: &[Need::Items(ResourceType::S3Bucket)],
        run: s3_access_logging,
    },
    Check {
        id: "rds-no-public-access",
        title: "RDS instances are not publicly accessible",
        duty: Duty::NetworkSecurity,
        severity: Severity::Critical,
        rationale: "A publicly accessible instance gets a public address: only its security group stands between the database and the internet.",
        remediation: "aws rds modify-db-instance --no-publicly-accessible, and reach it through private subnets or a bastion.",
        evidence: &[Need::Items(ResourceType::RdsDbInstance)],
        run: rds_public,
    },
    Check {
        id: "rds-backups",
        title: "RDS instances keep automated backups",
        duty: Duty::DataProtection,
        severity: Severity::Medium,
        rationale: "With a backup retention of zero there are no automated backups and no point-in-time recovery.",
        remediation: "aws rds modify-db-instance --backup-retention-period 7 (or what the recovery objectives need).",
        evidence: &[Need::Items(ResourceType::RdsDbInstance)],
        run: rds_backups,
    },
    Check {
        id: "rds-multi-az",
        title: "RDS instances run in more than one availability zone",
        duty: Duty::DataProtection,
        severity: Severity::Low,
        rationale: "A Multi-AZ instance fails over to a standby in another zone; a single-AZ one is down while its zone is.",
        remediation: "aws rds modify-db-instance --multi-az during a maintenance window.",
        evidence: &[Need::Items(ResourceType::RdsDbInstance)],
        run: rds_multi_az,
    },
    Check {
        id: "rds-iam-authentication",
        title: "RDS instances accept IAM database authentication",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Low,
        rationale: "With IAM authentication people and applications sign in with short-lived tokens tied to their IAM identity instead of shared database passwords.",
        remediation: "aws rds modify-db-instance --enable-iam-database-authentication, then create database users mapped to IAM.",
        evidence: &[Need::Items(ResourceType::RdsDbInstance)],
        run: rds_iam_auth,
    },
    Check {
        id: "rds-log-exports",
        title: "RDS instances export their logs to CloudWatch Logs",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Database audit, error and slow-query logs kept only on the instance are lost with it and are not watched.",
        remediation: "aws rds modify-db-instance --cloudwatch-logs-export-configuration EnableLogTypes=... (audit, error, postgresql, ...).",
        evidence: &[Need::Items(ResourceType::RdsDbInstance)],
        run: rds_log_exports,
    },
    Check {
        id: "kms-key-not-pending-deletion",
        title: "No customer managed KMS key is scheduled for deletion",
        duty: Duty::DataProtection,
        severity: Severity::High,
        rationale: "Once a key is deleted, everything encrypted under it is lost for good; a scheduled deletion is a last chance to check.",
        remediation: "aws kms cancel-key-deletion --key-id KEY if the key is still needed, then re-enable it.",
        evidence: &[Need::Items(ResourceType::KmsKey)],
        run: kms_pending_deletion,
    },
    Check {
        id: "cloudtrail-kms-encryption",
        title: "CloudTrail logs are encrypted with a KMS key",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "SSE-KMS on the trail makes reading the logs need both S3 access and kms:Decrypt, and every decryption is itself logged.",
        remediation: "aws cloudtrail update-trail --name TRAIL --kms-key-id KEY (the key policy must let CloudTrail use it).",
        evidence: &[Need::Items(ResourceType::CloudTrailTrail)],
        run: cloudtrail_kms,
    },
    Check {
        id: "cloudtrail-cloudwatch-logs",
        title: "CloudTrail trails send events to CloudWatch Logs",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Low,
        rationale: "Events in CloudWatch Logs can raise alarms within minutes (root sign-in, policy changes); files in S3 alone are read after the fact.",
        remediation: "aws cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn ARN --cloud-watch-logs-role-arn ROLE",
        evidence: &[Need::Items(ResourceType::CloudTrailTrail)],
        run: cloudtrail_cloudwatch,
    },
    Check {
        id: "ec2-sg-no-open-all-traffic",
        title: "No security group allows all traffic from the internet",
        duty: Duty::NetworkSecurity,
        severity: Severity::Critical,
        rationale: "A rule for every protocol and port from 0.0.0.0/0 or ::/0 exposes every service the instances run.",
        remediation: "Replace the rule with rules for the ports the service needs, from the sources that need them.",
        evidence: &[Need::Items(ResourceType::Ec2SecurityGroup)],
        run: open_all_traffic,
    },
];

fn s3_encryption(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| {
        match verdict!(needed(&b.config.encryption, "ServerSideEncryptionConfiguration")).and_then(|algos| algos.first()) {
            Some(a) => Pass(format!("default encryption {a}")),
            None => Fail("no default encryption configured".into()),
        }
    });
}

fn s3_public_access_block(e: &mut Eval) {
    // An account-level block covers every bucket; read it where it was collected (optional evidence).
    // It counts only where a recorder that is on records it, and only the account's own item.
    let account_blocks = super::monitoring::account_blocks(e);
    each_item::<Bucket>(e, "S3 buckets", |b| {
        if account_blocks.contains(&b.account) {
            return Pass("covered by the account-level Block Public Access settings".into());
        }
        match verdict!(needed(&b.config.public_access_block, "PublicAccessBlockConfiguration")) {
            Some(v) if v.blocks_all() => Pass("all four Block Public Access settings on".into()),
            Some(_) => Fail("Block Public Access is only partly on".into()),
            None => Fail("no Block Public Access configuration".into()),
        }
    });
}

fn s3_public_policy(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| {
        let restricted = match &b.config.public_access_block {
            Ok(Some(v)) => v.restrict_public_buckets == Some(true),
            _ => false,
        };
        // AWS Config always records the entry (`{"policyText": null}` without a policy): an item
        // without it does not say whether the bucket has one.
        let policy = match verdict!(needed(&b.config.policy, "BucketPolicy")) {
            None => return Unknown("the configuration item records no BucketPolicy entry".into()),
            Some(None) => return Pass("no bucket policy".into()),
            Some(Some(policy)) => policy,
        };
        let open = policy.statements().iter().any(|s| open_statement(s) && !s.narrowed_to_known_callers());
        match (open, restricted) {
            (false, _) => Pass("bucket policy names its principals, or pins its callers by network, account or organisation".into()),
            (true, true) => Pass("bucket policy has a public statement, neutralised by RestrictPublicBuckets".into()),
            (true, false) => {
                Fail("bucket policy grants access to everyone (an open principal with no condition pinning the caller)".into())
            }
        }
    });
}

fn ebs_encryption(e: &mut Eval) {
    each_item::<Volume>(e, "EBS volumes", |v| {
        if verdict!(field(v.config.encrypted, "whether the volume is encrypted")) {
            Pass("encrypted".into())
        } else {
            Fail("not encrypted".into())
        }
    });
}

fn rds_encryption(e: &mut Eval) {
    each_item::<DbInstance>(e, "RDS instances", |db| {
        let engine = db.config.engine.as_deref().unwrap_or("engine not given");
        if verdict!(field(db.config.storage_encrypted, "whether storage is encrypted")) {
            Pass(format!("storage encrypted ({engine})"))
        } else {
            Fail(format!("storage not encrypted ({engine})"))
        }
    });
}

fn sg_name<'a>(sg: &'a Live<SecurityGroup>) -> &'a str {
    sg.config.group_name.as_deref().unwrap_or_else(|| sg.item.display_name())
}

fn open_admin_ports(e: &mut Eval) {
    each_item::<SecurityGroup>(e, "security groups", |sg| {
        let mut open = Vec::new();
        for perm in &sg.config.ip_permissions {
            let sources = perm.world_sources();
            let tcp = matches!(perm.ip_protocol.as_str(), "tcp" | "6");
            if sources.is_empty() || !(perm.all_traffic() || tcp) {
                continue;
            }
            for (port, name) in [(22, "SSH"), (3389, "RDP")] {
                if perm.all_traffic() || covers(perm, port) {
                    open.push(format!("{name} ({port}) from {}", sources.join(" and ")));
                }
            }
        }
        if open.is_empty() {
            Pass(format!("{}: no SSH or RDP ingress from the internet", sg_name(sg)))
        } else {
            Fail(format!("{}: open {}", sg_name(sg), open.join("; ")))
        }
    });
}

/// Whether a TCP permission's port range takes in `port` (a range AWS did not give takes in all).
fn covers(perm: &IpPermission, port: i64) -> bool {
    match (perm.from_port, perm.to_port) {
        (Some(from), Some(to)) if from >= 0 && to >= 0 => from <= port && port <= to,
        _ => true,
    }
}

fn open_all_traffic(e: &mut Eval) {
    each_item::<SecurityGroup>(e, "security groups", |sg| {
        let open: Vec<&str> = sg.config.ip_permissions.iter().filter(|p| p.all_traffic()).flat_map(|p| p.world_sources()).collect();
        if open.is_empty() {
            Pass(format!("{}: no all-traffic rule from the internet", sg_name(sg)))
        } else {
            Fail(format!("{}: all traffic allowed from {}", sg_name(sg), open.join(" and ")))
        }
    });
}

fn trail_name<'a>(t: &'a Live<Trail>) -> &'a str {
    t.config.name.as_deref().unwrap_or_else(|| t.item.display_name())
}

fn cloudtrail_multi_region(e: &mut Eval) {
    let (trails, assessed) = e.items::<Trail>();
    for account in e.accounts() {
        let own: Vec<&Live<Trail>> = trails.iter().filter(|t| t.account == account).collect();
        let all_regions_assessed = assessed.iter().filter(|s| s.starts_with(&format!("{account}/"))).count() == e.regions().len();
        match own.iter().find(|t| t.config.is_multi_region_trail == Some(true)) {
            Some(t) => e.pass(t.item.id(), format!("multi-region trail {} (home region {})", trail_name(t), t.region)),
            // A multi-region trail may live in a region that could not be assessed: then those
            // regions are already marked not assessed and nothing here is a failure.
            None if all_regions_assessed => {
                let single: Vec<String> = own.iter().map(|t| format!("{} ({})", trail_name(t), t.region)).collect();
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
    each_item::<Trail>(e, "CloudTrail trails", |t| {
        if verdict!(field(t.config.log_file_validation_enabled, "whether log file validation is on")) {
            Pass(format!("trail {}: log file validation on", trail_name(t)))
        } else {
            Fail(format!("trail {}: log file validation off", trail_name(t)))
        }
    });
}

fn cloudtrail_kms(e: &mut Eval) {
    each_item::<Trail>(e, "CloudTrail trails", |t| match t.config.kms_key_id.as_deref().filter(|k| !k.is_empty()) {
        Some(key) => Pass(format!("trail {}: SSE-KMS with {key}", trail_name(t))),
        None => Fail(format!("trail {}: logs encrypted with S3-managed keys only", trail_name(t))),
    });
}

fn cloudtrail_cloudwatch(e: &mut Eval) {
    each_item::<Trail>(e, "CloudTrail trails", |t| match t.config.cloud_watch_logs_log_group_arn.as_deref().filter(|g| !g.is_empty()) {
        Some(group) => Pass(format!("trail {}: delivered to {group}", trail_name(t))),
        None => Fail(format!("trail {}: no CloudWatch Logs delivery", trail_name(t))),
    });
}

/// Whether a key is customer managed; a key that does not say is not assessed.
fn customer_managed(k: &KmsKey) -> Result<bool, Verdict> {
    Ok(verdict_field_str(k.key_manager.as_deref(), "who manages the key")? == "CUSTOMER")
}

fn kms_rotation(e: &mut Eval) {
    each_item::<KmsKey>(e, "customer managed symmetric KMS keys", |k| {
        let c = k.config;
        if !verdict!(customer_managed(c)) {
            return Skip;
        }
        let spec =
            [c.key_spec.as_deref(), c.customer_master_key_spec.as_deref()].into_iter().flatten().next().unwrap_or("SYMMETRIC_DEFAULT");
        let rotatable = verdict!(verdict_field_str(c.key_state.as_deref(), "the key state")) == "Enabled"
            && spec == "SYMMETRIC_DEFAULT"
            && matches!(c.origin.as_deref(), None | Some("AWS_KMS"));
        if !rotatable {
            return Skip;
        }
        match verdict!(needed(&c.rotation, "KeyRotationStatus")) {
            Some(true) => Pass("automatic rotation on".into()),
            Some(false) => Fail("automatic rotation off".into()),
            None => Fail("no rotation status recorded (AWS Config records it only with kms:GetKeyRotationStatus)".into()),
        }
    });
}

/// The states AWS KMS documents for a key.
const KEY_STATES: [&str; 8] =
    ["Creating", "Enabled", "Disabled", "PendingDeletion", "PendingImport", "PendingReplicaDeletion", "Unavailable", "Updating"];

fn kms_pending_deletion(e: &mut Eval) {
    each_item::<KmsKey>(e, "customer managed KMS keys", |k| {
        let c = k.config;
        if !verdict!(customer_managed(c)) {
            return Skip;
        }
        match verdict!(verdict_field_str(c.key_state.as_deref(), "the key state")) {
            state if !KEY_STATES.contains(&state) => Unknown(format!("unknown key state {state:?}")),
            "PendingDeletion" | "PendingReplicaDeletion" => {
                let when = c.deletion_date.as_ref().map(|d| d.as_str().map(str::to_string).unwrap_or_else(|| d.to_string()));
                Fail(format!("scheduled for deletion ({})", when.unwrap_or_else(|| "date not given".into())))
            }
            state => Pass(format!("key state {state}")),
        }
    });
}

fn patch_compliance(e: &mut Eval) {
    each_item::<PatchCompliance>(e, "patch compliance records", |p| {
        let instance = p.item.resource_id.trim_start_matches("AWS::SSM::ManagedInstanceInventory/");
        let patches = p.config.patches();
        let bad: Vec<String> = patches
            .iter()
            .filter(|(_, x)| matches!(x.state.as_deref(), Some("Missing" | "Failed")) || x.status.as_deref() == Some("NON_COMPLIANT"))
            .map(|(id, x)| format!("{id} {}", x.state.as_deref().unwrap_or("")).trim().to_string())
            .collect();
        // A patch passes only on Status COMPLIANT; any other status (or none) says nothing.
        let unknown: Vec<&str> =
            patches.iter().filter(|(_, x)| x.status.as_deref() != Some("COMPLIANT")).map(|(id, _)| id.as_str()).collect();
        if patches.is_empty() {
            Unknown(format!("{instance}: the compliance record lists no patch at all"))
        } else if !bad.is_empty() {
            Fail(format!("{instance}: {} missing or failed: {}", bad.len(), bad.join(", ")))
        } else if !unknown.is_empty() {
            Unknown(format!("{instance}: {} patch(es) with no COMPLIANT status: {}", unknown.len(), unknown.join(", ")))
        } else {
            Pass(format!("{instance}: {} patch(es) recorded, all COMPLIANT", patches.len()))
        }
    });
}

fn waf_attached(e: &mut Eval) {
    // Web ACL items are optional evidence: only a public ALB needs them, and where they were not
    // collected an ALB without its own WAF relationship is not assessed rather than failed.
    // batch-get-resource-config returns items without `relationships`: then the web ACLs exist
    // but not what they protect, and only a region with no web ACL at all is known to leave its
    // ALBs unprotected.
    let mut protected = BTreeSet::new();
    let mut waf_known = BTreeSet::new();
    for account in e.accounts() {
        for region in e.regions() {
            let id = DocId::resources(&account, &region, ResourceType::Wafv2WebAcl);
            let Some(doc) = e.optional::<Resources>(&id, &id.scope()) else { continue };
            let acls: Vec<_> = doc.items.iter().filter(|i| i.state.as_ref().is_ok_and(|c| WebAcl::of(c).is_some())).collect();
            if acls.len() == doc.items.len() && acls.iter().all(|acl| acl.relationships.is_some()) {
                waf_known.insert(id.scope());
            }
            for acl in acls {
                for rel in acl.relationships.iter().flatten() {
                    if rel.resource_type.as_deref() == Some(ResourceType::ElbV2LoadBalancer.as_str()) {
                        protected.extend(rel.resource_id.clone());
                    }
                }
            }
        }
    }
    each_item::<LoadBalancer>(e, "internet-facing application load balancers", |lb| {
        let c = lb.config;
        let scheme = verdict!(verdict_field_str(c.scheme.as_deref(), "the load balancer's scheme"));
        match scheme {
            "internet-facing" => {}
            "internal" => return Skip,
            other => return Unknown(format!("unknown load balancer scheme {other:?}")),
        }
        match c.kind.as_deref() {
            Some("application") | None => {}
            Some("network" | "gateway") => return Skip,
            Some(other) => return Unknown(format!("unknown load balancer type {other:?}")),
        }
        let name = lb.item.display_name();
        let via_lb = lb.item.relationships.iter().flatten().any(|r| r.resource_type.as_deref() == Some(ResourceType::Wafv2WebAcl.as_str()));
        let by_acl = lb.item.arn.as_ref().is_some_and(|a| protected.contains(a)) || protected.contains(&lb.item.resource_id);
        if via_lb || by_acl {
            Pass(format!("{name}: WAF web ACL attached"))
        } else if waf_known.contains(&lb.scope()) {
            Fail(format!("{name}: internet-facing with no WAF web ACL"))
        } else {
            Unknown(format!(
                "{name}: internet-facing; the AWS::WAFv2::WebACL items of {} were not collected with their relationships, so its association is unknown",
                lb.region
            ))
        }
    });
}

fn s3_versioning(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| match verdict!(needed(&b.config.versioning, "BucketVersioningConfiguration")) {
        Some(Some(s)) if s == "Enabled" => Pass("versioning enabled".into()),
        Some(Some(s)) => Fail(format!("versioning {s}")),
        _ => Fail("versioning never enabled".into()),
    });
}

fn s3_secure_transport(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| {
        let policy = verdict!(needed(&b.config.policy, "BucketPolicy"));
        let bucket = format!("arn:aws:s3:::{}", b.item.display_name());
        // As AWS's s3-bucket-ssl-requests-only rule reads it: a Deny, for everyone, of every S3
        // action, on the bucket, when the request is not over TLS.
        let denies_plain_http = policy.and_then(Option::as_ref).is_some_and(|p| {
            p.statements().iter().any(|st| {
                st.effect == Effect::Deny
                    && st.open_principal()
                    && st.actions().iter().any(|a| a == "*" || a.eq_ignore_ascii_case("s3:*"))
                    && st.resources().iter().any(|r| r == "*" || r == &bucket || r.starts_with(&format!("{bucket}/")))
                    && st.condition_values("Bool", "aws:SecureTransport").iter().any(|v| v.eq_ignore_ascii_case("false"))
            })
        });
        if denies_plain_http {
            Pass("bucket policy denies requests without TLS".into())
        } else {
            Fail("no bucket policy statement denies aws:SecureTransport = false".into())
        }
    });
}

fn s3_access_logging(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| {
        match verdict!(needed(&b.config.logging, "BucketLoggingConfiguration")).and_then(Option::as_deref).filter(|t| !t.is_empty()) {
            Some(t) => Pass(format!("access logs go to {t}")),
            None => Fail("server access logging is off".into()),
        }
    });
}

fn rds_public(e: &mut Eval) {
    each_item::<DbInstance>(e, "RDS instances", |db| {
        if verdict!(field(db.config.publicly_accessible, "whether the instance is publicly accessible")) {
            Fail("publicly accessible".into())
        } else {
            Pass("not publicly accessible".into())
        }
    });
}

fn rds_backups(e: &mut Eval) {
    each_item::<DbInstance>(e, "RDS instances", |db| {
        let days = verdict!(field(db.config.backup_retention_period, "the backup retention period"));
        if days > 0 {
            Pass(format!("automated backups kept {days} day(s)"))
        } else {
            Fail("no automated backups (retention 0)".into())
        }
    });
}

fn rds_multi_az(e: &mut Eval) {
    each_item::<DbInstance>(e, "RDS instances", |db| {
        if verdict!(field(db.config.multi_az, "whether it is Multi-AZ")) {
            Pass("Multi-AZ".into())
        } else {
            Fail("single availability zone".into())
        }
    });
}

fn rds_iam_auth(e: &mut Eval) {
    each_item::<DbInstance>(e, "RDS instances", |db| {
        if db.config.iam_database_authentication_enabled == Some(true) {
            Pass("IAM database authentication on".into())
        } else {
            Fail("IAM database authentication off".into())
        }
    });
}

fn rds_log_exports(e: &mut Eval) {
    each_item::<DbInstance>(e, "RDS instances", |db| match db.config.enabled_cloudwatch_logs_exports.as_deref() {
        Some(logs) if !logs.is_empty() => Pass(format!("exports {}", logs.join(", "))),
        _ => Fail("no logs exported to CloudWatch Logs".into()),
    });
}
