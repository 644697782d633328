//! Data-protection checks over configuration items: databases, file systems, caches, search and
//! warehouse clusters, queues and topics, secrets, certificates, snapshots and backup plans. Same
//! rules as `resources`: no recorder, no evidence; nothing in scope is not applicable.
//!
//! Where AWS leaves a property out of the item when it is not set (an SNS topic without a KMS key,
//! an EFS access point without a POSIX user), its absence is judged as "not set" only on an item
//! that names its resource (so it is the resource's description, not an empty or cut-down one);
//! otherwise a field the check needs and the item does not give leaves the resource not assessed.

use std::collections::{BTreeMap, BTreeSet};

use super::eval::Live;
use super::items::{each_item, field, needed, verdict, verdict_field_str, Fail, Pass, Skip, Unknown, Verdict};
use super::policy::open_statement;
use super::{Check, Duty, Eval, Need, Severity};
use crate::evidence::docs::items::{
    AcmCertificate, AthenaWorkGroup, BackupPlan, BackupRecoveryPoint, BackupSelection, Bucket, Config, DbInstance, DynamoDbTable,
    EfsAccessPoint, EfsFileSystem, KinesisStream, MskCluster, OpenSearchDomain, PublicAccessBlock, RdsDbCluster, RdsDbClusterSnapshot,
    RdsDbSnapshot, RdsEventSubscription, RedshiftCluster, RedshiftClusterParameterGroup, S3AccessPoint, SecretsManagerSecret,
    SnapshotAttribute, SnsTopic, SqsQueue, Volume,
};
use crate::evidence::docs::policy::{PolicyDocument, Principal};
use crate::evidence::docs::Resources;
use crate::evidence::{DocId, ResourceType};

use ResourceType as T;

#[allow(clippy::too_many_arguments)]
const fn check(
    id: &'static str,
    title: &'static str,
    duty: Duty,
    severity: Severity,
    rationale: &'static str,
    remediation: &'static str,
    evidence: &'static [Need],
    run: fn(&mut Eval),
) -> Check {
    Check { id, title, duty, severity, rationale, remediation, evidence, run }
}

use Duty::{DataProtection as DP, IdentityAndAccess as IA, MonitoringAndLogging as ML};
use Severity::{Critical, High, Low, Medium};

pub static CHECKS: &[Check] = &[
    // DynamoDB
    check("dynamodb-table-kms-encryption", "DynamoDB tables are encrypted with a KMS key", DP, Medium,
        "A table under a KMS key (AWS managed or customer managed) has its key use logged in CloudTrail and can be cut off by key policy; the default AWS owned key offers neither.",
        "aws dynamodb update-table --table-name TABLE --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=KEY",
        &[Need::Items(T::DynamoDbTable)], dynamodb_kms),
    check("dynamodb-table-pitr", "DynamoDB tables have point-in-time recovery", DP, Medium,
        "Point-in-time recovery lets a table be restored to any second of the last 35 days after a bad write or deletion.",
        "aws dynamodb update-continuous-backups --table-name TABLE --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
        &[Need::Items(T::DynamoDbTable)], dynamodb_pitr),
    check("dynamodb-table-backup-plan", "DynamoDB tables are in an AWS Backup plan", DP, Medium,
        "A backup plan takes scheduled, retained copies of the table that survive its deletion and can be kept in another vault or account.",
        "Add the table's ARN (or a matching wildcard) to a backup selection of an AWS Backup plan: aws backup create-backup-selection.",
        &[Need::Items(T::DynamoDbTable), Need::Items(T::BackupSelection), Need::Items(T::BackupPlan)], dynamodb_backup_plan),
    check("ebs-volume-backup-plan", "EBS volumes are in an AWS Backup plan", DP, Medium,
        "Volumes outside any backup plan have no scheduled, retained snapshots to restore from.",
        "Add the volume's ARN (or a matching wildcard) to a backup selection of an AWS Backup plan: aws backup create-backup-selection.",
        &[Need::Items(T::Ec2Volume), Need::Items(T::BackupSelection), Need::Items(T::BackupPlan)], ebs_backup_plan),
    check("rds-instance-backup-plan", "RDS instances are in an AWS Backup plan", DP, Medium,
        "A backup plan keeps snapshots on a schedule and for a retention that outlive the instance's own automated backups.",
        "Add the instance's ARN (or a matching wildcard) to a backup selection of an AWS Backup plan: aws backup create-backup-selection.",
        &[Need::Items(T::RdsDbInstance), Need::Items(T::BackupSelection), Need::Items(T::BackupPlan)], rds_instance_backup_plan),
    check("rds-cluster-backup-plan", "RDS clusters are in an AWS Backup plan", DP, Medium,
        "A backup plan keeps cluster snapshots on a schedule and for a retention that outlive the cluster's own automated backups.",
        "Add the cluster's ARN (or a matching wildcard) to a backup selection of an AWS Backup plan: aws backup create-backup-selection.",
        &[Need::Items(T::RdsDbCluster), Need::Items(T::BackupSelection), Need::Items(T::BackupPlan)], rds_cluster_backup_plan),
    check("backup-recovery-point-encrypted", "AWS Backup recovery points are encrypted", DP, Medium,
        "A backup holds the same data as its source: unencrypted it exposes that data to anyone who can copy or restore it.",
        "Recovery points take the encryption of their vault or source; back up into a vault with a KMS key and delete the unencrypted points once replaced.",
        &[Need::Items(T::BackupRecoveryPoint)], backup_point_encrypted),
    // EFS
    check("efs-encrypted", "EFS file systems are encrypted at rest", DP, High,
        "Encryption at rest protects the file system's data and metadata on the underlying storage.",
        "Encryption is set at creation: create an encrypted file system (aws efs create-file-system --encrypted) and copy the data over with AWS DataSync.",
        &[Need::Items(T::EfsFileSystem)], efs_encrypted),
    check("efs-backup-policy", "EFS file systems have automatic backups on", DP, Medium,
        "The automatic backup policy puts the file system in AWS Backup's default daily plan.",
        "aws efs put-backup-policy --file-system-id FS --backup-policy Status=ENABLED",
        &[Need::Items(T::EfsFileSystem)], efs_backup),
    check("efs-access-point-root-directory", "EFS access points confine clients to a directory", DP, Medium,
        "An access point whose root is the file system's root lets every client using it see and change the whole file system.",
        "Create the access point with --root-directory Path=/app/dir (access points cannot be changed; replace it and move clients).",
        &[Need::Items(T::EfsAccessPoint)], efs_root_directory),
    check("efs-access-point-user-identity", "EFS access points enforce a POSIX user", IA, Medium,
        "With a POSIX user set, every request through the access point runs as that user, whatever identity the client claims.",
        "Create the access point with --posix-user Uid=UID,Gid=GID (access points cannot be changed; replace it and move clients).",
        &[Need::Items(T::EfsAccessPoint)], efs_user_identity),
    // OpenSearch
    check("opensearch-fine-grained-access-control", "OpenSearch domains have fine-grained access control", IA, High,
        "Fine-grained access control authenticates users and limits them by index, document and field instead of trusting every caller the domain policy lets in.",
        "aws opensearch update-domain-config --domain-name DOMAIN --advanced-security-options Enabled=true,... (needs HTTPS, node-to-node and at-rest encryption).",
        &[Need::Items(T::OpenSearchDomain)], opensearch_fgac),
    check("opensearch-audit-logs", "OpenSearch domains publish audit logs", ML, Medium,
        "Audit logs record who queried or changed which index, evidence the search and index slow logs do not give.",
        "aws opensearch update-domain-config --domain-name DOMAIN --log-publishing-options AUDIT_LOGS={CloudWatchLogsLogGroupArn=ARN,Enabled=true}",
        &[Need::Items(T::OpenSearchDomain)], opensearch_audit_logs),
    check("opensearch-slow-logs", "OpenSearch domains publish search and index slow logs to CloudWatch Logs", ML, Low,
        "Slow logs kept in CloudWatch Logs show expensive or unusual queries and indexing, and keep them after the node is gone.",
        "aws opensearch update-domain-config --domain-name DOMAIN --log-publishing-options SEARCH_SLOW_LOGS={...,Enabled=true},INDEX_SLOW_LOGS={...,Enabled=true}",
        &[Need::Items(T::OpenSearchDomain)], opensearch_slow_logs),
    check("opensearch-encryption-at-rest", "OpenSearch domains are encrypted at rest", DP, High,
        "Encryption at rest covers the indices, swap files and automated snapshots of the domain.",
        "aws opensearch update-domain-config --domain-name DOMAIN --encryption-at-rest-options Enabled=true,KmsKeyId=KEY",
        &[Need::Items(T::OpenSearchDomain)], opensearch_at_rest),
    check("opensearch-https-required", "OpenSearch domains require HTTPS", DP, High,
        "Without EnforceHTTPS the domain answers plain HTTP, and queries, results and credentials cross the network in clear.",
        "aws opensearch update-domain-config --domain-name DOMAIN --domain-endpoint-options EnforceHTTPS=true,TLSSecurityPolicy=Policy-Min-TLS-1-2-2019-07",
        &[Need::Items(T::OpenSearchDomain)], opensearch_https),
    check("opensearch-node-to-node-encryption", "OpenSearch domains encrypt traffic between nodes", DP, Medium,
        "Node-to-node encryption wraps the traffic inside the cluster in TLS, so data moving between nodes is not readable on the network.",
        "aws opensearch update-domain-config --domain-name DOMAIN --node-to-node-encryption-options Enabled=true",
        &[Need::Items(T::OpenSearchDomain)], opensearch_node_to_node),
    check("opensearch-not-public", "OpenSearch domains are not open to the internet", DP, Critical,
        "A domain with a public endpoint whose access policy lets anyone in exposes every index to the internet.",
        "Put the domain in a VPC, or narrow its access policy to named principals or source addresses (aws opensearch update-domain-config --access-policies).",
        &[Need::Items(T::OpenSearchDomain)], opensearch_not_public),
    check("opensearch-service-software-current", "OpenSearch domains run the latest service software", DP, Low,
        "Service software updates carry AWS's security fixes for the domain; an update waiting to be applied leaves them out.",
        "aws opensearch start-service-software-update --domain-name DOMAIN (or turn on automatic software updates).",
        &[Need::Items(T::OpenSearchDomain)], opensearch_software),
    // Redshift
    check("redshift-audit-logging", "Redshift clusters have audit logging on", ML, Medium,
        "Audit logging records connections, user changes and queries, the trail needed to reconstruct who read which data.",
        "aws redshift enable-logging --cluster-identifier CLUSTER --log-destination-type cloudwatch --log-exports connectionlog useractivitylog userlog",
        &[Need::Items(T::RedshiftCluster)], redshift_audit),
    check("redshift-automated-snapshots", "Redshift clusters keep automated snapshots", DP, Medium,
        "With a snapshot retention of zero there are no automated snapshots to restore the cluster from.",
        "aws redshift modify-cluster --cluster-identifier CLUSTER --automated-snapshot-retention-period 7",
        &[Need::Items(T::RedshiftCluster)], redshift_snapshots),
    check("redshift-encrypted", "Redshift clusters are encrypted at rest", DP, High,
        "Encryption at rest covers the cluster's data blocks, metadata and snapshots.",
        "aws redshift modify-cluster --cluster-identifier CLUSTER --encrypted --kms-key-id KEY",
        &[Need::Items(T::RedshiftCluster)], redshift_encrypted),
    check("redshift-enhanced-vpc-routing", "Redshift clusters use enhanced VPC routing", DP, Low,
        "Enhanced VPC routing sends COPY and UNLOAD traffic through the VPC, where security groups, endpoints and flow logs apply to it.",
        "aws redshift modify-cluster --cluster-identifier CLUSTER --enhanced-vpc-routing",
        &[Need::Items(T::RedshiftCluster)], redshift_vpc_routing),
    check("redshift-require-tls", "Redshift clusters require TLS connections", DP, High,
        "Unless the cluster's parameter group sets require_ssl, clients may connect and send queries and results in clear.",
        "Set require_ssl=true in a custom parameter group (aws redshift modify-cluster-parameter-group) attached to the cluster, then reboot it.",
        &[Need::Items(T::RedshiftCluster), Need::Items(T::RedshiftClusterParameterGroup)], redshift_tls),
    check("redshift-not-public", "Redshift clusters are not publicly accessible", DP, Critical,
        "A publicly accessible cluster gets a public address: only its security groups stand between the warehouse and the internet.",
        "aws redshift modify-cluster --cluster-identifier CLUSTER --no-publicly-accessible",
        &[Need::Items(T::RedshiftCluster)], redshift_public),
    // Topics, queues, secrets, certificates, streams
    check("sns-topic-kms-encryption", "SNS topics are encrypted with a KMS key", DP, Medium,
        "Server-side encryption protects messages while SNS stores them, under a key whose use is logged and controlled by its policy.",
        "aws sns set-topic-attributes --topic-arn TOPIC --attribute-name KmsMasterKeyId --attribute-value alias/aws/sns (or a customer managed key)",
        &[Need::Items(T::SnsTopic)], sns_kms),
    check("sqs-queue-encrypted", "SQS queues are encrypted at rest", DP, Medium,
        "Server-side encryption (SSE-SQS or SSE-KMS) protects messages while they wait in the queue.",
        "aws sqs set-queue-attributes --queue-url URL --attributes SqsManagedSseEnabled=true (or KmsMasterKeyId=KEY)",
        &[Need::Items(T::SqsQueue)], sqs_encrypted),
    check("secretsmanager-rotation", "Secrets Manager secrets rotate automatically", IA, Medium,
        "A secret that is never rotated stays valid for as long as anyone who ever saw it keeps a copy.",
        "aws secretsmanager rotate-secret --secret-id SECRET --rotation-rules AutomaticallyAfterDays=30 (with a rotation function, or a managed rotation).",
        &[Need::Items(T::SecretsManagerSecret)], secret_rotation),
    check("acm-certificate-not-expiring", "ACM certificates are valid for at least 30 more days", DP, High,
        "An expired certificate breaks TLS for its clients, who then fail or are taught to click through warnings.",
        "Renew or re-import the certificate (DNS validation lets ACM renew its own certificates automatically); replace it where it is in use.",
        &[Need::Items(T::AcmCertificate)], acm_expiry),
    check("acm-certificate-key-algorithm", "ACM certificates use keys of at least RSA 2048 or ECDSA P-256", DP, Medium,
        "Keys shorter than RSA 2048 bits can be factored with resources within reach of a determined attacker.",
        "Request or import a replacement with an RSA 2048+ or EC P-256+ key (aws acm request-certificate --key-algorithm EC_prime256v1) and swap it in.",
        &[Need::Items(T::AcmCertificate)], acm_key_algorithm),
    check("kinesis-stream-encrypted", "Kinesis data streams are encrypted at rest", DP, Medium,
        "Server-side encryption protects the records while the stream retains them.",
        "aws kinesis start-stream-encryption --stream-name STREAM --encryption-type KMS --key-id alias/aws/kinesis",
        &[Need::Items(T::KinesisStream)], kinesis_encrypted),
    check("msk-cluster-tls-in-transit", "MSK clusters encrypt traffic with TLS", DP, High,
        "Client-to-broker and broker-to-broker traffic in plaintext carries the topics' data readable on the network.",
        "aws kafka update-security --cluster-arn ARN --current-version V --encryption-info EncryptionInTransit={ClientBroker=TLS,InCluster=true}",
        &[Need::Items(T::MskCluster)], msk_tls),
    check("athena-workgroup-encrypted", "Athena workgroups encrypt query results", DP, Medium,
        "Query results land in S3 and often hold the very data the query selected; the workgroup setting encrypts them whoever runs the query.",
        "aws athena update-work-group --work-group WG --configuration-updates ResultConfigurationUpdates={EncryptionConfiguration={EncryptionOption=SSE_KMS,KmsKey=KEY}},EnforceWorkGroupConfiguration=true",
        &[Need::Items(T::AthenaWorkGroup)], athena_encrypted),
    // RDS clusters, snapshots, instances, event subscriptions
    check("rds-cluster-storage-encrypted", "RDS clusters are encrypted at rest", DP, High,
        "Encryption at rest covers the cluster volume, its automated backups and snapshots.",
        "Encryption cannot be switched on in place: snapshot the cluster, restore an encrypted copy (--kms-key-id) and cut over.",
        &[Need::Items(T::RdsDbCluster)], rds_cluster_encrypted),
    check("rds-cluster-iam-authentication", "RDS clusters accept IAM database authentication", IA, Low,
        "IAM authentication replaces shared database passwords with short-lived tokens tied to an IAM identity.",
        "aws rds modify-db-cluster --db-cluster-identifier CLUSTER --enable-iam-database-authentication --apply-immediately",
        &[Need::Items(T::RdsDbCluster)], rds_cluster_iam),
    check("rds-cluster-log-exports", "RDS clusters export their logs to CloudWatch Logs", ML, Low,
        "Database logs kept only on the cluster are lost with it and watched by no one.",
        "aws rds modify-db-cluster --db-cluster-identifier CLUSTER --cloudwatch-logs-export-configuration EnableLogTypes=audit,error,...",
        &[Need::Items(T::RdsDbCluster)], rds_cluster_logs),
    check("rds-snapshot-encrypted", "RDS snapshots are encrypted", DP, Medium,
        "A snapshot is a full copy of the database: unencrypted, anyone who can copy or share it can read it.",
        "Copy the snapshot with encryption (aws rds copy-db-snapshot --kms-key-id KEY, or copy-db-cluster-snapshot) and delete the unencrypted one.",
        &[Need::Items(T::RdsDbSnapshot), Need::Items(T::RdsDbClusterSnapshot)], rds_snapshot_encrypted),
    check("rds-snapshot-not-public", "RDS snapshots are not public", DP, Critical,
        "A public snapshot can be restored by any AWS account, with all the data it holds.",
        "aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAP --attribute-name restore --values-to-remove all (or modify-db-cluster-snapshot-attribute).",
        &[Need::Items(T::RdsDbSnapshot), Need::Items(T::RdsDbClusterSnapshot)], rds_snapshot_public),
    check("rds-instance-auto-minor-upgrade", "RDS instances take minor engine upgrades automatically", DP, Low,
        "Minor engine versions carry security fixes; with automatic upgrades they are applied in the maintenance window instead of waiting for someone to remember.",
        "aws rds modify-db-instance --db-instance-identifier DB --auto-minor-version-upgrade",
        &[Need::Items(T::RdsDbInstance)], rds_minor_upgrade),
    check("rds-event-subscription-security-groups", "An RDS event subscription reports DB security group changes and failures", ML, Low,
        "A subscription on DB security group configuration changes and failures tells someone when database network access is changed.",
        "aws rds create-event-subscription --subscription-name NAME --sns-topic-arn TOPIC --source-type db-security-group --event-categories \"configuration change\" failure",
        &[Need::Items(T::RdsEventSubscription)], rds_event_subscription),
    // DocumentDB (AWS::RDS::DBCluster with engine docdb)
    check("docdb-cluster-backup-retention", "DocumentDB clusters keep backups for at least 7 days", DP, Medium,
        "A short backup retention leaves too few days to notice and recover from bad writes or deletion.",
        "aws docdb modify-db-cluster --db-cluster-identifier CLUSTER --backup-retention-period 7",
        &[Need::Items(T::RdsDbCluster)], docdb_backup),
    check("docdb-cluster-log-exports", "DocumentDB clusters export audit and profiler logs", ML, Low,
        "Audit and profiler logs in CloudWatch Logs show who did what on the cluster and which operations ran slowly.",
        "aws docdb modify-db-cluster --db-cluster-identifier CLUSTER --cloudwatch-logs-export-configuration '{\"EnableLogTypes\":[\"audit\",\"profiler\"]}' (and audit_logs=enabled in its parameter group)",
        &[Need::Items(T::RdsDbCluster)], docdb_logs),
    check("docdb-cluster-encrypted", "DocumentDB clusters are encrypted at rest", DP, High,
        "Encryption at rest covers the cluster's storage, backups and snapshots.",
        "Encryption is set at creation: restore a snapshot into a new cluster with --storage-encrypted --kms-key-id KEY and cut over.",
        &[Need::Items(T::RdsDbCluster)], docdb_encrypted),
    check("docdb-snapshot-not-public", "DocumentDB cluster snapshots are not public", DP, Critical,
        "A public snapshot can be restored by any AWS account, with all the data it holds.",
        "aws docdb modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier SNAP --attribute-name restore --values-to-remove all",
        &[Need::Items(T::RdsDbClusterSnapshot)], docdb_snapshot_public),
    // Neptune (AWS::RDS::DBCluster with engine neptune)
    check("neptune-cluster-backup-retention", "Neptune clusters keep backups for at least 7 days", DP, Medium,
        "A short backup retention leaves too few days to notice and recover from bad writes or deletion.",
        "aws neptune modify-db-cluster --db-cluster-identifier CLUSTER --backup-retention-period 7",
        &[Need::Items(T::RdsDbCluster)], neptune_backup),
    check("neptune-cluster-iam-authentication", "Neptune clusters require IAM authentication", IA, Medium,
        "With IAM authentication every request to the graph is signed by an IAM identity, and can be allowed or refused by policy.",
        "aws neptune modify-db-cluster --db-cluster-identifier CLUSTER --enable-iam-database-authentication --apply-immediately",
        &[Need::Items(T::RdsDbCluster)], neptune_iam),
    check("neptune-cluster-audit-log-export", "Neptune clusters export audit logs to CloudWatch Logs", ML, Low,
        "Audit logs in CloudWatch Logs record the queries run on the graph and who ran them, beyond the cluster's own lifetime.",
        "aws neptune modify-db-cluster --db-cluster-identifier CLUSTER --cloudwatch-logs-export-configuration '{\"EnableLogTypes\":[\"audit\"]}' (and neptune_enable_audit_log=1)",
        &[Need::Items(T::RdsDbCluster)], neptune_logs),
    check("neptune-cluster-encrypted", "Neptune clusters are encrypted at rest", DP, High,
        "Encryption at rest covers the cluster's storage, backups and snapshots.",
        "Encryption is set at creation: restore a snapshot into a new cluster with --storage-encrypted --kms-key-id KEY and cut over.",
        &[Need::Items(T::RdsDbCluster)], neptune_encrypted),
    check("neptune-snapshot-encrypted", "Neptune cluster snapshots are encrypted", DP, Medium,
        "A snapshot is a full copy of the graph: unencrypted, anyone who can copy or share it can read it.",
        "aws neptune copy-db-cluster-snapshot --kms-key-id KEY to an encrypted copy, then delete the unencrypted snapshot.",
        &[Need::Items(T::RdsDbClusterSnapshot)], neptune_snapshot_encrypted),
    check("neptune-snapshot-not-public", "Neptune cluster snapshots are not public", DP, Critical,
        "A public snapshot can be restored by any AWS account, with all the data it holds.",
        "aws neptune modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier SNAP --attribute-name restore --values-to-remove all",
        &[Need::Items(T::RdsDbClusterSnapshot)], neptune_snapshot_public),
    // S3
    check("s3-kms-encryption", "S3 buckets encrypt by default with KMS", DP, Low,
        "SSE-KMS makes reading an object need kms:Decrypt on the key as well as S3 access, and logs every use of the key.",
        "aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration with SSEAlgorithm aws:kms and a key, BucketKeyEnabled true.",
        &[Need::Items(T::S3Bucket)], s3_kms),
    check("s3-object-lock", "S3 buckets have Object Lock enabled", DP, Low,
        "Object Lock keeps object versions from being deleted or overwritten, by mistake or by an attacker, for a retention period; where records must be immutable it is required.",
        "aws s3api put-object-lock-configuration --bucket BUCKET --object-lock-configuration ObjectLockEnabled=Enabled,Rule={DefaultRetention={Mode=GOVERNANCE,Days=N}} (versioning must be on).",
        &[Need::Items(T::S3Bucket)], s3_object_lock),
    check("s3-mfa-delete", "S3 buckets require MFA to delete versions", DP, Low,
        "With MFA delete, removing an object version or suspending versioning needs the root user's MFA code, so stolen keys alone cannot destroy history.",
        "As the root user with its MFA device: aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa 'SERIAL CODE'",
        &[Need::Items(T::S3Bucket)], s3_mfa_delete),
    check("s3-lifecycle-rules", "S3 buckets have an active lifecycle rule", DP, Low,
        "Lifecycle rules expire or move data once it is no longer needed, so buckets do not keep personal data longer than they should.",
        "aws s3api put-bucket-lifecycle-configuration --bucket BUCKET with at least one rule whose Status is Enabled.",
        &[Need::Items(T::S3Bucket)], s3_lifecycle),
    check("s3-event-notifications", "S3 buckets send event notifications", ML, Low,
        "Event notifications let object creation and deletion be watched and acted on as they happen.",
        "aws s3api put-bucket-notification-configuration --bucket BUCKET (to SNS, SQS, Lambda, or EventBridge).",
        &[Need::Items(T::S3Bucket)], s3_notifications),
    check("s3-no-public-write-acl", "No S3 bucket ACL lets everyone write", DP, Critical,
        "An ACL grant of WRITE, WRITE_ACP or FULL_CONTROL to AllUsers or AuthenticatedUsers lets anyone add, overwrite or re-permission objects.",
        "Remove the grant (aws s3api put-bucket-acl --bucket BUCKET --acl private), or turn on IgnorePublicAcls, or disable ACLs with Object Ownership BucketOwnerEnforced.",
        &[Need::Items(T::S3Bucket), Need::Items(T::S3AccountPublicAccessBlock)], s3_public_write_acl),
    check("s3-no-cross-account-policy", "S3 bucket policies grant nothing to other accounts", DP, High,
        "A bucket policy statement allowing another account, or anyone, moves control of the data to whoever holds that account.",
        "Remove or narrow the statement to principals of this account (or pin aws:PrincipalAccount to it): aws s3api put-bucket-policy.",
        &[Need::Items(T::S3Bucket)], s3_cross_account),
    check("s3-access-point-block-public-access", "S3 access points block public access", DP, High,
        "An access point without all four Block Public Access settings can be made public by its own policy.",
        "Block Public Access is set when the access point is created: replace it (aws s3control create-access-point --public-access-block-configuration with all four true).",
        &[Need::Items(T::S3AccessPoint)], s3_access_point),
];

// ---------------------------------------------------------------------------------------------
// Small helpers

/// A boolean the check needs: pass when it is `true`.
fn flag(v: Option<bool>, what: &str, on: &str, off: &str) -> Verdict {
    match verdict!(field(v, what)) {
        true => Pass(on.into()),
        false => Fail(off.into()),
    }
}

/// The item names its resource, so a property it leaves out is one AWS says is not set.
fn named(v: Option<&String>, what: &str) -> Result<(), Verdict> {
    match v {
        Some(s) if !s.is_empty() => Ok(()),
        _ => Err(Unknown(format!("the configuration item does not give {what}, so it is no full description of the resource"))),
    }
}

/// The engine of an RDS cluster or snapshot, which decides which family of checks it belongs to.
fn engine(v: Option<&String>) -> Result<&str, Verdict> {
    verdict_field_str(v.map(String::as_str), "the engine")
}

fn is_docdb(engine: &str) -> bool {
    engine == "docdb"
}

fn is_neptune(engine: &str) -> bool {
    engine == "neptune"
}

/// Whether a snapshot's `restore` attribute names `all` (restorable by every AWS account).
fn public_snapshot(attrs: &Result<Option<Vec<SnapshotAttribute>>, String>, key: &str) -> Verdict {
    let attrs = match verdict!(needed(attrs, key)) {
        Some(a) => a,
        None => return Unknown(format!("the configuration item records no {key}, so who may restore it is unknown")),
    };
    let restore: Vec<&str> = attrs
        .iter()
        .filter(|a| a.attribute_name.as_deref() == Some("restore"))
        .flat_map(|a| a.attribute_values.iter().flatten().map(String::as_str))
        .collect();
    if restore.contains(&"all") {
        Fail("public: any AWS account may restore it".into())
    } else if restore.is_empty() {
        Pass("not shared".into())
    } else {
        Pass(format!("shared only with account(s) {}", restore.join(", ")))
    }
}

// ---------------------------------------------------------------------------------------------
// DynamoDB

fn dynamodb_kms(e: &mut Eval) {
    each_item::<DynamoDbTable>(e, "DynamoDB tables", |t| {
        verdict!(named(t.config.table_name.as_ref(), "the table name"));
        match &t.config.sse_description {
            // DescribeTable gives no SSEDescription for a table under the AWS owned key.
            None => Fail("encrypted with the AWS owned key (no KMS key)".into()),
            Some(d) => match (d.sse_type.as_deref(), d.status.as_deref()) {
                (Some("KMS"), Some("ENABLED" | "UPDATING") | None) => {
                    Pass(format!("encrypted with KMS key {}", d.kms_master_key_arn.as_deref().unwrap_or("(not named)")))
                }
                (Some("KMS"), Some(s)) => Fail(format!("KMS encryption is {s}")),
                (Some(other), _) => Fail(format!("encryption type {other}, not KMS")),
                (None, _) => Unknown("the SSE description does not say the encryption type".into()),
            },
        }
    });
}

fn dynamodb_pitr(e: &mut Eval) {
    each_item::<DynamoDbTable>(e, "DynamoDB tables", |t| {
        let Some(backups) = verdict!(needed(&t.config.continuous_backups, "ContinuousBackupsDescription")) else {
            return Unknown("the configuration item records no ContinuousBackupsDescription".into());
        };
        let status = backups.point_in_time_recovery_description.as_ref().and_then(|p| p.point_in_time_recovery_status.as_deref());
        match verdict!(verdict_field_str(status, "the point-in-time recovery status")) {
            "ENABLED" => Pass("point-in-time recovery enabled".into()),
            other => Fail(format!("point-in-time recovery {other}")),
        }
    });
}

// ---------------------------------------------------------------------------------------------
// AWS Backup plans: which resources their selections cover

/// One selection, as far as it can be resolved from configuration items.
struct Selection {
    label: String,
    resources: Vec<String>,
    not_resources: Vec<String>,
    /// Why the resources it covers cannot be known (tag conditions, its plan not recorded).
    unresolved: Option<String>,
}

/// The selections of one region, and whether every selection item there could be read.
#[derive(Default)]
struct RegionSelections {
    selections: Vec<Selection>,
    complete: bool,
}

/// `*` in a pattern matches any run of characters (AWS Backup's wildcard selections).
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Every item of a region's document was read as a live resource of the type.
fn all_live(e: &mut Eval, scope: &str, t: ResourceType, live: usize) -> bool {
    let Some((account, region)) = scope.split_once('/') else { return false };
    let id = DocId::resources(account, region, t);
    e.optional::<Resources>(&id, scope).is_some_and(|doc| doc.items.len() == live)
}

fn backup_selections(e: &mut Eval) -> BTreeMap<String, RegionSelections> {
    let (plans, plan_scopes) = e.items::<BackupPlan>();
    let mut plan_names: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut plan_counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in &plans {
        *plan_counts.entry(p.scope()).or_default() += 1;
        if let Some(id) = &p.config.backup_plan_id {
            let name = p.config.backup_plan.as_ref().and_then(|b| b.backup_plan_name.clone()).unwrap_or_else(|| id.clone());
            plan_names.insert((p.scope(), id.clone()), name);
        }
    }
    let mut plans_complete = BTreeSet::new();
    for scope in &plan_scopes {
        let n = plan_counts.get(scope).copied().unwrap_or(0);
        if all_live(e, scope, T::BackupPlan, n) {
            plans_complete.insert(scope.clone());
        }
    }
    let (selections, scopes) = e.items::<BackupSelection>();
    let mut out: BTreeMap<String, RegionSelections> = BTreeMap::new();
    for scope in &scopes {
        out.entry(scope.clone()).or_default();
    }
    for s in &selections {
        let c = s.config;
        let body = c.backup_selection.as_ref();
        let name = body.and_then(|b| b.selection_name.clone()).unwrap_or_else(|| s.item.display_name().to_string());
        let plan = c.backup_plan_id.as_ref().and_then(|id| plan_names.get(&(s.scope(), id.clone())));
        let label = match plan {
            Some(p) => format!("backup plan {p} (selection {name})"),
            None => format!("selection {name}"),
        };
        let unresolved = match (body, plan) {
            (None, _) => Some(format!("selection {name} does not say which resources it selects")),
            (Some(b), _) if b.has_tag_conditions() => {
                Some(format!("selection {name} chooses resources by tags, which the configuration items do not let auditpack resolve"))
            }
            (Some(_), None) if plans_complete.contains(&s.scope()) => {
                Some(format!("selection {name} belongs to a plan that is not among the recorded AWS::Backup::BackupPlan items"))
            }
            (Some(_), None) => Some(format!("selection {name}: the AWS::Backup::BackupPlan items of its region are not all usable")),
            _ => None,
        };
        let entry = out.entry(s.scope()).or_default();
        entry.selections.push(Selection {
            label,
            resources: body.and_then(|b| b.resources.clone()).unwrap_or_default(),
            not_resources: body.and_then(|b| b.not_resources.clone()).unwrap_or_default(),
            unresolved,
        });
    }
    let counts: Vec<(String, usize)> = out.iter().map(|(k, v)| (k.clone(), v.selections.len())).collect();
    for (scope, n) in counts {
        let complete = all_live(e, &scope, T::BackupSelection, n);
        if let Some(r) = out.get_mut(&scope) {
            r.complete = complete;
        }
    }
    out
}

/// Whether a backup selection of the resource's region covers it.
fn backup_verdict<C>(live: &Live<'_, C>, arn: Option<&str>, regions: &BTreeMap<String, RegionSelections>) -> Verdict {
    let Some(arn) = arn.filter(|a| !a.is_empty()) else {
        return Unknown("the configuration item gives no ARN to match against backup selections".into());
    };
    let Some(region) = regions.get(&live.scope()) else {
        return Unknown(format!(
            "the AWS::Backup::BackupSelection items of {} cannot be used, so its backup coverage is unknown",
            live.region
        ));
    };
    let mut doubts = Vec::new();
    for s in &region.selections {
        let chosen = s.resources.iter().any(|p| glob(p, arn)) && !s.not_resources.iter().any(|p| glob(p, arn));
        match &s.unresolved {
            None if chosen => return Pass(format!("selected by {}", s.label)),
            None => {}
            Some(why) => doubts.push(why.clone()),
        }
    }
    if !region.complete {
        doubts.push(format!("some AWS::Backup::BackupSelection items of {} could not be read", live.region));
    }
    if doubts.is_empty() {
        Fail("no AWS Backup plan selects it".into())
    } else {
        Unknown(format!("no selection names it by ARN or wildcard, and {}", doubts.join("; ")))
    }
}

fn dynamodb_backup_plan(e: &mut Eval) {
    let regions = backup_selections(e);
    each_item::<DynamoDbTable>(e, "DynamoDB tables", |t| {
        let arn = t.item.arn.as_deref().or(t.config.table_arn.as_deref());
        backup_verdict(t, arn, &regions)
    });
}

fn ebs_backup_plan(e: &mut Eval) {
    let regions = backup_selections(e);
    each_item::<Volume>(e, "EBS volumes", |v| backup_verdict(v, v.item.arn.as_deref(), &regions));
}

fn rds_instance_backup_plan(e: &mut Eval) {
    let regions = backup_selections(e);
    each_item::<DbInstance>(e, "RDS instances", |db| {
        let arn = db.item.arn.as_deref().or(db.config.db_instance_arn.as_deref());
        backup_verdict(db, arn, &regions)
    });
}

fn rds_cluster_backup_plan(e: &mut Eval) {
    let regions = backup_selections(e);
    each_item::<RdsDbCluster>(e, "RDS clusters", |c| {
        if is_docdb(verdict!(engine(c.config.engine.as_ref()))) {
            return Skip;
        }
        backup_verdict(c, c.item.arn.as_deref(), &regions)
    });
}

fn backup_point_encrypted(e: &mut Eval) {
    each_item::<BackupRecoveryPoint>(e, "AWS Backup recovery points", |p| {
        flag(p.config.is_encrypted, "whether the recovery point is encrypted", "encrypted", "not encrypted")
    });
}

// ---------------------------------------------------------------------------------------------
// EFS

fn efs_encrypted(e: &mut Eval) {
    each_item::<EfsFileSystem>(e, "EFS file systems", |f| {
        flag(f.config.encrypted, "whether the file system is encrypted", "encrypted at rest", "not encrypted at rest")
    });
}

fn efs_backup(e: &mut Eval) {
    each_item::<EfsFileSystem>(e, "EFS file systems", |f| {
        let status = f.config.backup_policy.as_ref().and_then(|b| b.status.as_deref());
        match verdict!(verdict_field_str(status, "the backup policy status")) {
            "ENABLED" => Pass("automatic backups on".into()),
            other => Fail(format!("automatic backups {other}")),
        }
    });
}

fn efs_root_directory(e: &mut Eval) {
    each_item::<EfsAccessPoint>(e, "EFS access points", |a| {
        verdict!(named(a.config.access_point_id.as_ref(), "the access point id"));
        // Without RootDirectory the access point exposes the file system's root.
        match a.config.root_directory.as_ref().map(|r| r.path.as_deref().unwrap_or("/")).unwrap_or("/") {
            "/" | "" => Fail("root directory is the file system's root (/)".into()),
            path => Pass(format!("clients confined to {path}")),
        }
    });
}

fn efs_user_identity(e: &mut Eval) {
    each_item::<EfsAccessPoint>(e, "EFS access points", |a| {
        verdict!(named(a.config.access_point_id.as_ref(), "the access point id"));
        match &a.config.posix_user {
            Some(u) => match (&u.uid, &u.gid) {
                (Some(uid), Some(gid)) => Pass(format!("requests run as uid {uid}, gid {gid}")),
                _ => Unknown("the POSIX user does not give both its uid and gid".into()),
            },
            None => Fail("no POSIX user enforced: clients act as whatever user they claim".into()),
        }
    });
}

// ---------------------------------------------------------------------------------------------
// OpenSearch

fn opensearch_fgac(e: &mut Eval) {
    each_item::<OpenSearchDomain>(e, "OpenSearch domains", |d| {
        flag(
            d.config.advanced_security_options.as_ref().and_then(|o| o.enabled),
            "whether fine-grained access control is enabled (AdvancedSecurityOptions)",
            "fine-grained access control enabled",
            "fine-grained access control disabled",
        )
    });
}

/// Whether the domain publishes a log type; `None` when the item does not say.
fn publishes(d: &OpenSearchDomain, log: &str) -> Result<bool, Verdict> {
    named(d.domain_name.as_ref(), "the domain name")?;
    match &d.log_publishing_options {
        // No LogPublishingOptions: nothing is published.
        None => Ok(false),
        Some(opts) => match opts.get(log) {
            None => Ok(false),
            Some(o) => Ok(field(o.enabled, &format!("whether {log} are enabled"))?),
        },
    }
}

fn opensearch_audit_logs(e: &mut Eval) {
    each_item::<OpenSearchDomain>(e, "OpenSearch domains", |d| {
        if verdict!(publishes(d.config, "AUDIT_LOGS")) {
            Pass("audit logs published".into())
        } else {
            Fail("audit logs not published".into())
        }
    });
}

fn opensearch_slow_logs(e: &mut Eval) {
    each_item::<OpenSearchDomain>(e, "OpenSearch domains", |d| {
        let search = verdict!(publishes(d.config, "SEARCH_SLOW_LOGS"));
        let index = verdict!(publishes(d.config, "INDEX_SLOW_LOGS"));
        match (search, index) {
            (true, true) => Pass("search and index slow logs published".into()),
            (true, false) => Fail("index slow logs not published".into()),
            (false, true) => Fail("search slow logs not published".into()),
            (false, false) => Fail("neither search nor index slow logs published".into()),
        }
    });
}

fn opensearch_at_rest(e: &mut Eval) {
    each_item::<OpenSearchDomain>(e, "OpenSearch domains", |d| {
        flag(
            d.config.encryption_at_rest_options.as_ref().and_then(|o| o.enabled),
            "whether encryption at rest is enabled",
            "encrypted at rest",
            "not encrypted at rest",
        )
    });
}

fn opensearch_https(e: &mut Eval) {
    each_item::<OpenSearchDomain>(e, "OpenSearch domains", |d| {
        flag(
            d.config.domain_endpoint_options.as_ref().and_then(|o| o.enforce_https),
            "whether HTTPS is enforced (DomainEndpointOptions.EnforceHTTPS)",
            "HTTPS enforced",
            "plain HTTP accepted",
        )
    });
}

fn opensearch_node_to_node(e: &mut Eval) {
    each_item::<OpenSearchDomain>(e, "OpenSearch domains", |d| {
        flag(
            d.config.node_to_node_encryption_options.as_ref().and_then(|o| o.enabled),
            "whether node-to-node encryption is enabled",
            "node-to-node encryption enabled",
            "node-to-node traffic not encrypted",
        )
    });
}

/// Whether a resource policy lets anyone in: an Allow for an open principal that no condition
/// pins to known callers.
fn public_policy(doc: &PolicyDocument) -> bool {
    doc.statements().iter().any(|s| open_statement(s) && !s.narrowed_to_known_callers())
}

fn opensearch_not_public(e: &mut Eval) {
    each_item::<OpenSearchDomain>(e, "OpenSearch domains", |d| {
        verdict!(named(d.config.domain_name.as_ref(), "the domain name"));
        if d.config.vpc_options.as_ref().and_then(|v| v.subnet_ids.as_ref()).is_some_and(|s| !s.is_empty()) {
            return Pass("in a VPC: no public endpoint".into());
        }
        let policy = match &d.config.access_policies {
            None | Some(serde_json::Value::Null) => {
                return Unknown("public endpoint, and the configuration item gives no access policy to tell who may use it".into())
            }
            Some(serde_json::Value::String(text)) if text.trim().is_empty() => {
                return Pass("public endpoint with no access policy: no one is allowed through it".into())
            }
            Some(serde_json::Value::String(text)) => PolicyDocument::from_text(text),
            Some(v) => serde_json::from_value::<PolicyDocument>(v.clone()).map_err(|e| e.to_string()),
        };
        match policy {
            Err(why) => Unknown(format!("its access policy cannot be read: {why}")),
            Ok(p) if public_policy(&p) => Fail("public endpoint whose access policy allows anyone".into()),
            Ok(_) => Pass("public endpoint, but its access policy names its principals or pins its callers".into()),
        }
    });
}

fn opensearch_software(e: &mut Eval) {
    each_item::<OpenSearchDomain>(e, "OpenSearch domains", |d| {
        let o = d.config.service_software_options.as_ref();
        let current = o.and_then(|o| o.current_version.as_deref()).unwrap_or("(version not named)");
        match verdict!(field(o.and_then(|o| o.update_available), "whether a service software update is available")) {
            false => Pass(format!("service software {current} is current")),
            true => Fail(format!(
                "service software {current}; update {} available",
                o.and_then(|o| o.new_version.as_deref()).unwrap_or("(version not named)")
            )),
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Redshift

fn redshift_audit(e: &mut Eval) {
    each_item::<RedshiftCluster>(e, "Redshift clusters", |c| {
        let Some(l) = verdict!(needed(&c.config.logging, "LoggingStatus")) else {
            return Unknown("the configuration item records no LoggingStatus".into());
        };
        flag(l.logging_enabled, "whether audit logging is enabled", "audit logging on", "audit logging off")
    });
}

fn redshift_snapshots(e: &mut Eval) {
    each_item::<RedshiftCluster>(e, "Redshift clusters", |c| {
        let days = verdict!(field(c.config.automated_snapshot_retention_period, "the automated snapshot retention period"));
        if days > 0 {
            Pass(format!("automated snapshots kept {days} day(s)"))
        } else {
            Fail("no automated snapshots (retention 0)".into())
        }
    });
}

fn redshift_encrypted(e: &mut Eval) {
    each_item::<RedshiftCluster>(e, "Redshift clusters", |c| {
        flag(c.config.encrypted, "whether the cluster is encrypted", "encrypted at rest", "not encrypted at rest")
    });
}

fn redshift_vpc_routing(e: &mut Eval) {
    each_item::<RedshiftCluster>(e, "Redshift clusters", |c| {
        flag(c.config.enhanced_vpc_routing, "whether enhanced VPC routing is on", "enhanced VPC routing on", "enhanced VPC routing off")
    });
}

fn redshift_public(e: &mut Eval) {
    each_item::<RedshiftCluster>(e, "Redshift clusters", |c| {
        match verdict!(field(c.config.publicly_accessible, "whether the cluster is publicly accessible")) {
            false => Pass("not publicly accessible".into()),
            true => Fail("publicly accessible".into()),
        }
    });
}

fn redshift_tls(e: &mut Eval) {
    // require_ssl of every parameter group, by region and name (None: the group's parameters
    // cannot be read).
    let (groups, scopes) = e.items::<RedshiftClusterParameterGroup>();
    let mut require_ssl: BTreeMap<(String, String), Result<Option<String>, String>> = BTreeMap::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for g in &groups {
        *counts.entry(g.scope()).or_default() += 1;
        let name = g.config.parameter_group_name.clone().unwrap_or_else(|| g.item.resource_id.clone());
        let value = match &g.config.parameters {
            Ok(Some(params)) => {
                Ok(params.iter().find(|p| p.parameter_name.as_deref() == Some("require_ssl")).and_then(|p| p.parameter_value.clone()))
            }
            Ok(None) => Err(format!("parameter group {name} has no Parameters recorded")),
            Err(why) => Err(format!("the Parameters of parameter group {name} cannot be read: {why}")),
        };
        require_ssl.insert((g.scope(), name), value);
    }
    let mut complete = BTreeSet::new();
    for scope in &scopes {
        let n = counts.get(scope).copied().unwrap_or(0);
        if all_live(e, scope, T::RedshiftClusterParameterGroup, n) {
            complete.insert(scope.clone());
        }
    }
    let scopes: BTreeSet<String> = scopes.into_iter().collect();
    each_item::<RedshiftCluster>(e, "Redshift clusters", |c| {
        let groups: Vec<&str> =
            c.config.cluster_parameter_groups.iter().flatten().filter_map(|g| g.parameter_group_name.as_deref()).collect();
        let Some(name) = groups.first() else {
            return Unknown("the configuration item names no parameter group".into());
        };
        if !scopes.contains(&c.scope()) {
            return Unknown(format!("the AWS::Redshift::ClusterParameterGroup items of {} cannot be used", c.region));
        }
        match require_ssl.get(&(c.scope(), name.to_string())) {
            None if complete.contains(&c.scope()) => {
                Unknown(format!("its parameter group {name} is not among the recorded parameter groups, so require_ssl is unknown"))
            }
            None => Unknown(format!("its parameter group {name} could not be read")),
            Some(Err(why)) => Unknown(why.clone()),
            Some(Ok(Some(v))) if v.eq_ignore_ascii_case("true") => Pass(format!("parameter group {name} sets require_ssl=true")),
            Some(Ok(Some(v))) => Fail(format!("parameter group {name} sets require_ssl={v}")),
            // Redshift's default for require_ssl is false.
            Some(Ok(None)) => Fail(format!("parameter group {name} does not set require_ssl (default false)")),
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Topics, queues, secrets, certificates, streams

fn sns_kms(e: &mut Eval) {
    each_item::<SnsTopic>(e, "SNS topics", |t| {
        verdict!(named(t.config.topic_arn.as_ref(), "the topic ARN"));
        match t.config.kms_master_key_id.as_deref().filter(|k| !k.is_empty()) {
            Some(k) => Pass(format!("encrypted with {k}")),
            None => Fail("not encrypted at rest (no KMS key)".into()),
        }
    });
}

fn sqs_encrypted(e: &mut Eval) {
    each_item::<SqsQueue>(e, "SQS queues", |q| {
        verdict!(named(q.config.queue_arn.as_ref(), "the queue ARN"));
        if let Some(k) = q.config.kms_master_key_id.as_deref().filter(|k| !k.is_empty()) {
            Pass(format!("SSE-KMS with {k}"))
        } else if q.config.sqs_managed_sse_enabled == Some(true) {
            Pass("SSE-SQS".into())
        } else {
            Fail("not encrypted at rest".into())
        }
    });
}

fn secret_rotation(e: &mut Eval) {
    each_item::<SecretsManagerSecret>(e, "Secrets Manager secrets", |s| {
        verdict!(named(s.config.name.as_ref(), "the secret name"));
        if s.config.deleted == Some(true) {
            return Skip;
        }
        // DescribeSecret leaves RotationEnabled out when rotation was never configured.
        match s.config.rotation_enabled {
            Some(true) => Pass("automatic rotation on".into()),
            _ => Fail("automatic rotation off".into()),
        }
    });
}

fn acm_expiry(e: &mut Eval) {
    let now = e.now();
    each_item::<AcmCertificate>(e, "ACM certificates", |c| {
        match verdict!(verdict_field_str(c.config.status.as_deref(), "the certificate status")) {
            "ISSUED" | "EXPIRED" => {}
            // Never issued, revoked or inactive: no validity to run out.
            _ => return Skip,
        }
        let Some(t) = c.config.not_after.as_ref() else { return Unknown("the configuration item does not say notAfter".into()) };
        let Some(t) = t.time() else { return Unknown(format!("notAfter {t:?} is not a time")) };
        let days = (t - now).num_days();
        let domain = c.config.domain_name.as_deref().unwrap_or("(domain not named)");
        if t <= now {
            Fail(format!("{domain}: expired on {}", t.format("%Y-%m-%d")))
        } else if days < 30 {
            Fail(format!("{domain}: expires on {} ({days} day(s) after collection)", t.format("%Y-%m-%d")))
        } else {
            Pass(format!("{domain}: valid until {}", t.format("%Y-%m-%d")))
        }
    });
}

fn acm_key_algorithm(e: &mut Eval) {
    each_item::<AcmCertificate>(e, "ACM certificates", |c| {
        let algo = verdict!(verdict_field_str(c.config.key_algorithm.as_deref(), "the key algorithm"));
        // The API documents RSA_2048, EC_prime256v1...; certificates describe themselves as RSA-2048.
        match algo.replace('-', "_").as_str() {
            "RSA_2048" | "RSA_3072" | "RSA_4096" | "EC_prime256v1" | "EC_secp384r1" | "EC_secp521r1" => Pass(format!("key {algo}")),
            "RSA_1024" => Fail(format!("key {algo}: too short")),
            _ => Unknown(format!("unknown key algorithm {algo:?}")),
        }
    });
}

fn kinesis_encrypted(e: &mut Eval) {
    each_item::<KinesisStream>(e, "Kinesis data streams", |s| {
        verdict!(named(s.config.name.as_ref().or(s.config.arn.as_ref()), "the stream name"));
        match s.config.stream_encryption.as_ref().and_then(|x| x.encryption_type.as_deref()) {
            Some("KMS") => Pass("server-side encryption with KMS".into()),
            Some(other) => Fail(format!("encryption type {other}")),
            None => Fail("no server-side encryption".into()),
        }
    });
}

fn msk_tls(e: &mut Eval) {
    each_item::<MskCluster>(e, "MSK clusters", |c| {
        let Some(t) = c.config.encryption_info.as_ref().and_then(|i| i.encryption_in_transit.as_ref()) else {
            return Unknown("the configuration item does not give EncryptionInfo.EncryptionInTransit".into());
        };
        let client = verdict!(verdict_field_str(t.client_broker.as_deref(), "the client-broker encryption"));
        let in_cluster = verdict!(field(t.in_cluster, "whether in-cluster traffic is encrypted"));
        match (client, in_cluster) {
            ("TLS", true) => Pass("TLS between clients and brokers and between brokers".into()),
            ("TLS", false) => Fail("traffic between brokers is not encrypted".into()),
            (other, _) => Fail(format!("client-broker traffic {other}")),
        }
    });
}

fn athena_encrypted(e: &mut Eval) {
    each_item::<AthenaWorkGroup>(e, "Athena workgroups", |w| {
        verdict!(named(w.config.name.as_ref(), "the workgroup name"));
        if w.config.state.as_deref() == Some("DISABLED") {
            return Skip;
        }
        let Some(cfg) = &w.config.work_group_configuration else {
            return Unknown("the configuration item does not give WorkGroupConfiguration".into());
        };
        match cfg
            .result_configuration
            .as_ref()
            .and_then(|r| r.encryption_configuration.as_ref())
            .and_then(|e| e.encryption_option.as_deref())
        {
            Some(opt) => Pass(format!("query results encrypted with {opt}")),
            None => Fail("query results not encrypted".into()),
        }
    });
}

// ---------------------------------------------------------------------------------------------
// RDS clusters (every engine but DocumentDB, which has its own checks), snapshots, instances

fn rds_cluster<'a>(c: &'a Live<'_, RdsDbCluster>) -> Result<&'a RdsDbCluster, Verdict> {
    if is_docdb(engine(c.config.engine.as_ref())?) {
        return Err(Skip);
    }
    Ok(c.config)
}

fn rds_cluster_encrypted(e: &mut Eval) {
    each_item::<RdsDbCluster>(e, "RDS clusters", |c| {
        let c = verdict!(rds_cluster(c));
        flag(c.storage_encrypted, "whether the storage is encrypted", "storage encrypted", "storage not encrypted")
    });
}

fn rds_cluster_iam(e: &mut Eval) {
    each_item::<RdsDbCluster>(e, "RDS clusters", |c| {
        let c = verdict!(rds_cluster(c));
        flag(
            c.iam_database_authentication_enabled,
            "whether IAM database authentication is enabled",
            "IAM database authentication on",
            "IAM database authentication off",
        )
    });
}

fn rds_cluster_logs(e: &mut Eval) {
    each_item::<RdsDbCluster>(e, "RDS clusters", |c| {
        let c = verdict!(rds_cluster(c));
        match c.enabled_cloudwatch_logs_exports.as_deref() {
            Some(logs) if !logs.is_empty() => Pass(format!("exports {}", logs.join(", "))),
            _ => Fail("no logs exported to CloudWatch Logs".into()),
        }
    });
}

fn rds_snapshot_encrypted(e: &mut Eval) {
    each_item::<RdsDbSnapshot>(e, "RDS DB snapshots", |s| {
        if is_docdb(verdict!(engine(s.config.engine.as_ref()))) {
            return Skip;
        }
        flag(s.config.encrypted, "whether the snapshot is encrypted", "encrypted", "not encrypted")
    });
    each_item::<RdsDbClusterSnapshot>(e, "RDS cluster snapshots", |s| {
        if is_docdb(verdict!(engine(s.config.engine.as_ref()))) {
            return Skip;
        }
        flag(s.config.storage_encrypted, "whether the snapshot is encrypted", "encrypted", "not encrypted")
    });
}

fn rds_snapshot_public(e: &mut Eval) {
    each_item::<RdsDbSnapshot>(e, "RDS DB snapshots", |s| {
        if is_docdb(verdict!(engine(s.config.engine.as_ref()))) {
            return Skip;
        }
        public_snapshot(&s.config.attributes, "DBSnapshotAttributes")
    });
    each_item::<RdsDbClusterSnapshot>(e, "RDS cluster snapshots", |s| {
        if is_docdb(verdict!(engine(s.config.engine.as_ref()))) {
            return Skip;
        }
        public_snapshot(&s.config.attributes, "DBClusterSnapshotAttributes")
    });
}

fn rds_minor_upgrade(e: &mut Eval) {
    each_item::<DbInstance>(e, "RDS instances", |db| {
        if db.config.engine.as_deref().is_some_and(is_docdb) {
            return Skip;
        }
        flag(
            db.config.auto_minor_version_upgrade,
            "whether automatic minor version upgrades are on",
            "automatic minor version upgrades on",
            "automatic minor version upgrades off",
        )
    });
}

/// Whether a subscription reports configuration changes and failures of DB security groups.
fn covers_security_groups(s: &RdsEventSubscription) -> Result<bool, String> {
    let source = s.source_type.as_deref().ok_or("the subscription does not say its source type")?;
    let enabled = s.enabled.ok_or("the subscription does not say whether it is enabled")?;
    let categories = s.event_categories_list.as_deref().unwrap_or_default();
    let all = categories.is_empty();
    Ok(enabled
        && source == "db-security-group"
        && (all || (categories.iter().any(|c| c == "configuration change") && categories.iter().any(|c| c == "failure"))))
}

fn rds_event_subscription(e: &mut Eval) {
    // One verdict per region: a region passes when any enabled subscription covers DB security
    // groups for configuration changes and failures.
    let (subs, scopes) = e.items::<RdsEventSubscription>();
    let mut by_scope: BTreeMap<String, Vec<&Live<'_, RdsEventSubscription>>> = BTreeMap::new();
    for s in &subs {
        by_scope.entry(s.scope()).or_default().push(s);
    }
    for scope in scopes {
        let list = by_scope.remove(&scope).unwrap_or_default();
        let mut doubts = Vec::new();
        let mut found = None;
        for s in &list {
            match covers_security_groups(s.config) {
                Ok(true) => found = Some(s.item.display_name().to_string()),
                Ok(false) => {}
                Err(why) => doubts.push(format!("{}: {why}", s.item.display_name())),
            }
        }
        let complete = all_live(e, &scope, T::RdsEventSubscription, list.len());
        match found {
            Some(name) => e.pass(&scope, format!("event subscription {name} reports DB security group configuration changes and failures")),
            None if doubts.is_empty() && complete => {
                e.fail(&scope, "no enabled RDS event subscription reports DB security group configuration changes and failures")
            }
            None if doubts.is_empty() => e.not_assessed(
                &scope,
                "no readable subscription covers DB security groups, and some AWS::RDS::EventSubscription items could not be read",
            ),
            None => e.not_assessed(&scope, doubts.join("; ")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// DocumentDB and Neptune

fn cluster_of<'a>(c: &'a Live<'_, RdsDbCluster>, wanted: fn(&str) -> bool) -> Result<&'a RdsDbCluster, Verdict> {
    if !wanted(engine(c.config.engine.as_ref())?) {
        return Err(Skip);
    }
    Ok(c.config)
}

fn retention_7_days(c: &RdsDbCluster) -> Verdict {
    let days = verdict!(field(c.backup_retention_period, "the backup retention period"));
    if days >= 7 {
        Pass(format!("backups kept {days} day(s)"))
    } else {
        Fail(format!("backups kept {days} day(s), fewer than 7"))
    }
}

fn exports(c: &RdsDbCluster, wanted: &[&str]) -> Verdict {
    let logs = c.enabled_cloudwatch_logs_exports.as_deref().unwrap_or_default();
    let missing: Vec<&str> = wanted.iter().copied().filter(|w| !logs.iter().any(|l| l == w)).collect();
    if missing.is_empty() {
        Pass(format!("exports {}", logs.join(", ")))
    } else {
        Fail(format!("does not export {} logs", missing.join(" and ")))
    }
}

fn docdb_backup(e: &mut Eval) {
    each_item::<RdsDbCluster>(e, "DocumentDB clusters", |c| retention_7_days(verdict!(cluster_of(c, is_docdb))));
}

fn docdb_logs(e: &mut Eval) {
    each_item::<RdsDbCluster>(e, "DocumentDB clusters", |c| exports(verdict!(cluster_of(c, is_docdb)), &["audit", "profiler"]));
}

fn docdb_encrypted(e: &mut Eval) {
    each_item::<RdsDbCluster>(e, "DocumentDB clusters", |c| {
        let c = verdict!(cluster_of(c, is_docdb));
        flag(c.storage_encrypted, "whether the storage is encrypted", "storage encrypted", "storage not encrypted")
    });
}

fn docdb_snapshot_public(e: &mut Eval) {
    each_item::<RdsDbClusterSnapshot>(e, "DocumentDB cluster snapshots", |s| {
        if !is_docdb(verdict!(engine(s.config.engine.as_ref()))) {
            return Skip;
        }
        public_snapshot(&s.config.attributes, "DBClusterSnapshotAttributes")
    });
}

fn neptune_backup(e: &mut Eval) {
    each_item::<RdsDbCluster>(e, "Neptune clusters", |c| retention_7_days(verdict!(cluster_of(c, is_neptune))));
}

fn neptune_iam(e: &mut Eval) {
    each_item::<RdsDbCluster>(e, "Neptune clusters", |c| {
        let c = verdict!(cluster_of(c, is_neptune));
        flag(
            c.iam_database_authentication_enabled,
            "whether IAM database authentication is enabled",
            "IAM authentication on",
            "IAM authentication off",
        )
    });
}

fn neptune_logs(e: &mut Eval) {
    each_item::<RdsDbCluster>(e, "Neptune clusters", |c| exports(verdict!(cluster_of(c, is_neptune)), &["audit"]));
}

fn neptune_encrypted(e: &mut Eval) {
    each_item::<RdsDbCluster>(e, "Neptune clusters", |c| {
        let c = verdict!(cluster_of(c, is_neptune));
        flag(c.storage_encrypted, "whether the storage is encrypted", "storage encrypted", "storage not encrypted")
    });
}

fn neptune_snapshot_encrypted(e: &mut Eval) {
    each_item::<RdsDbClusterSnapshot>(e, "Neptune cluster snapshots", |s| {
        if !is_neptune(verdict!(engine(s.config.engine.as_ref()))) {
            return Skip;
        }
        flag(s.config.storage_encrypted, "whether the snapshot is encrypted", "encrypted", "not encrypted")
    });
}

fn neptune_snapshot_public(e: &mut Eval) {
    each_item::<RdsDbClusterSnapshot>(e, "Neptune cluster snapshots", |s| {
        if !is_neptune(verdict!(engine(s.config.engine.as_ref()))) {
            return Skip;
        }
        public_snapshot(&s.config.attributes, "DBClusterSnapshotAttributes")
    });
}

// ---------------------------------------------------------------------------------------------
// S3

fn s3_kms(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| {
        let algos = verdict!(needed(&b.config.encryption, "ServerSideEncryptionConfiguration"));
        match algos.and_then(|a| a.first()).map(String::as_str) {
            Some(a @ ("aws:kms" | "aws:kms:dsse")) => Pass(format!("default encryption {a}")),
            Some(a) => Fail(format!("default encryption {a}, not KMS")),
            None => Fail("no default encryption configured".into()),
        }
    });
}

fn s3_object_lock(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| match verdict!(needed(&b.config.object_lock, "ObjectLockConfiguration")) {
        Some(Some(s)) if s == "Enabled" => Pass("Object Lock enabled".into()),
        _ => Fail("Object Lock not enabled".into()),
    });
}

fn s3_mfa_delete(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| match verdict!(needed(&b.config.mfa_delete, "BucketVersioningConfiguration")) {
        Some(Some(true)) => Pass("MFA delete enabled".into()),
        _ => Fail("MFA delete not enabled".into()),
    });
}

fn s3_lifecycle(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| {
        let rules = verdict!(needed(&b.config.lifecycle, "BucketLifecycleConfiguration")).map(Vec::as_slice).unwrap_or_default();
        let active: Vec<&str> =
            rules.iter().filter(|r| r.status.as_deref() == Some("Enabled")).map(|r| r.id.as_deref().unwrap_or("(unnamed)")).collect();
        if active.is_empty() {
            Fail("no enabled lifecycle rule".into())
        } else {
            Pass(format!("lifecycle rule(s) {}", active.join(", ")))
        }
    });
}

fn s3_notifications(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| match verdict!(needed(&b.config.notifications, "BucketNotificationConfiguration")) {
        // AWS Config records the entry (`{"configurations": {}}`) for every bucket.
        None => Unknown("the configuration item records no BucketNotificationConfiguration".into()),
        Some(n) if n.is_empty() => Fail("no event notifications".into()),
        Some(n) => Pass(format!("event notifications: {}", n.join(", "))),
    });
}

/// The accounts whose account-level Block Public Access ignores public ACLs (where the item was
/// collected and is recorded).
fn accounts_ignoring_public_acls(e: &mut Eval) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for account in e.accounts() {
        for region in e.regions() {
            let id = DocId::resources(&account, &region, T::S3AccountPublicAccessBlock);
            let Some(doc) = e.optional::<Resources>(&id, &id.scope()) else { continue };
            let Some((recorders, status)) = e.recorders(&account, &region) else { continue };
            if !recorders.record(status, T::S3AccountPublicAccessBlock.as_str()) {
                continue;
            }
            let ignores = doc
                .items
                .iter()
                .filter(|i| i.resource_id == account)
                .filter_map(|i| i.state.as_ref().ok())
                .filter_map(PublicAccessBlock::of)
                .any(|b| b.ignore_public_acls == Some(true));
            if ignores {
                out.insert(account.clone());
            }
        }
    }
    out
}

fn s3_public_write_acl(e: &mut Eval) {
    let ignoring = accounts_ignoring_public_acls(e);
    each_item::<Bucket>(e, "S3 buckets", |b| {
        let Some(grants) = verdict!(needed(&b.config.acl, "AccessControlList")) else {
            return Unknown("the configuration item records no AccessControlList".into());
        };
        let open: Vec<String> =
            grants.iter().filter(|g| g.public() && g.writes()).map(|g| format!("{} to {}", g.permission, g.grantee)).collect();
        if open.is_empty() {
            return Pass("the ACL grants no write access to everyone".into());
        }
        let bucket_ignores = matches!(&b.config.public_access_block, Ok(Some(p)) if p.ignore_public_acls == Some(true));
        if bucket_ignores {
            Pass(format!("the ACL grants {}, but IgnorePublicAcls is on for the bucket", open.join(", ")))
        } else if ignoring.contains(&b.account) {
            Pass(format!("the ACL grants {}, but IgnorePublicAcls is on for the account", open.join(", ")))
        } else {
            Fail(format!("the ACL grants {}", open.join(", ")))
        }
    });
}

/// The accounts a principal element names that are not `own` (`*` for anyone).
fn foreign_principals(p: &Principal, own: &str) -> Vec<String> {
    let aws: Vec<&str> = match p {
        Principal::Any(s) => vec![s.as_str()],
        Principal::Map(m) => m.get("AWS").map(|v| v.as_slice().iter().map(String::as_str).collect()).unwrap_or_default(),
    };
    aws.into_iter()
        .filter_map(|a| {
            if a == "*" {
                return Some("*".to_string());
            }
            // An account id, or an ARN whose fifth field is the account.
            let account = if a.starts_with("arn:") { a.split(':').nth(4).unwrap_or_default() } else { a };
            (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) && account != own).then(|| a.to_string())
        })
        .collect()
}

fn s3_cross_account(e: &mut Eval) {
    each_item::<Bucket>(e, "S3 buckets", |b| {
        let policy = match verdict!(needed(&b.config.policy, "BucketPolicy")) {
            None => return Unknown("the configuration item records no BucketPolicy entry".into()),
            Some(None) => return Pass("no bucket policy".into()),
            Some(Some(p)) => p,
        };
        let own = b.account.as_str();
        let mut grants = Vec::new();
        for st in policy.statements().iter().filter(|s| s.allows()) {
            if st.not_principal.is_some() {
                grants.push("everyone but the principals a NotPrincipal names".to_string());
                continue;
            }
            let Some(p) = &st.principal else { continue };
            for who in foreign_principals(p, own) {
                // An open principal pinned to this account is no grant to another.
                let pinned = ["StringEquals", "StringLike"].iter().any(|op| {
                    ["aws:PrincipalAccount", "aws:SourceAccount"].iter().any(|k| {
                        let v = st.condition_values(op, k);
                        !v.is_empty() && v.iter().all(|a| *a == own)
                    })
                });
                if who == "*" && pinned {
                    continue;
                }
                grants.push(if who == "*" { "everyone (*)".to_string() } else { who });
            }
        }
        if grants.is_empty() {
            Pass("the bucket policy grants access only within this account".into())
        } else {
            grants.dedup();
            Fail(format!("the bucket policy allows {}", grants.join(", ")))
        }
    });
}

fn s3_access_point(e: &mut Eval) {
    each_item::<S3AccessPoint>(e, "S3 access points", |a| {
        let Some(p) = &a.config.public_access_block_configuration else {
            return Unknown("the configuration item does not give its PublicAccessBlockConfiguration".into());
        };
        let settings = [
            ("BlockPublicAcls", p.block_public_acls),
            ("IgnorePublicAcls", p.ignore_public_acls),
            ("BlockPublicPolicy", p.block_public_policy),
            ("RestrictPublicBuckets", p.restrict_public_buckets),
        ];
        if let Some((name, _)) = settings.iter().find(|(_, v)| v.is_none()) {
            return Unknown(format!("the configuration item does not say {name}"));
        }
        let off: Vec<&str> = settings.iter().filter(|(_, v)| *v == Some(false)).map(|(n, _)| *n).collect();
        if off.is_empty() {
            Pass("all four Block Public Access settings on".into())
        } else {
            Fail(format!("{} off", off.join(", ")))
        }
    });
}
