//! Typed configurations of databases, file systems, caches, search and warehouse clusters, streams, queues and
//! topics, secrets, certificates, snapshots and backups. Each struct keeps only what the checks read, with the
//! field names AWS Config writes for the type; a field of the wrong JSON type makes the item
//! unreadable, so its resource is not assessed.
//!
//! The first field of every struct is the resource's own name or id (a string), so a
//! configuration that is not a JSON object cannot be read as one.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{embedded, supplementary, FromItem, Sup, Supplementary};
use crate::evidence::docs::{loose_bool, time};

/// A time as AWS Config writes it in a configuration: ISO 8601 text, or epoch seconds.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ConfigTime {
    Text(String),
    Epoch(f64),
}

impl ConfigTime {
    pub fn time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            ConfigTime::Text(s) => time(s).or_else(|| {
                // AWS Config also writes `2025-01-01T00:00:00.000Z`-like text, and sometimes a
                // space for the `T`.
                chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok().map(|t| t.and_utc())
            }),
            ConfigTime::Epoch(secs) if secs.is_finite() => {
                // Java's Date as milliseconds when it is too large to be seconds.
                let secs = if *secs > 1e11 { secs / 1000.0 } else { *secs };
                chrono::DateTime::from_timestamp(secs.trunc() as i64, 0)
            }
            ConfigTime::Epoch(_) => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// DynamoDB

/// `AWS::DynamoDB::Table`: DescribeTable's camelCase, as the Java SDK names it (`ssedescription`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DynamoDbTable {
    #[serde(default)]
    pub table_name: Option<String>,
    #[serde(default)]
    pub table_arn: Option<String>,
    #[serde(default)]
    pub table_status: Option<String>,
    /// Absent when the table is encrypted with the AWS owned key (the default).
    #[serde(default, rename = "ssedescription", alias = "sSEDescription", alias = "sseDescription")]
    pub sse_description: Option<SseDescription>,
    /// `supplementaryConfiguration.ContinuousBackupsDescription`.
    #[serde(skip, default = "nothing_yet")]
    pub continuous_backups: Supplementary<ContinuousBackups>,
}

#[derive(Debug, Deserialize)]
pub struct SseDescription {
    #[serde(default, alias = "Status")]
    pub status: Option<String>,
    #[serde(default, rename = "ssetype", alias = "sSEType", alias = "sseType", alias = "SSEType")]
    pub sse_type: Option<String>,
    #[serde(default, rename = "kmsmasterKeyArn", alias = "kMSMasterKeyArn", alias = "kmsMasterKeyArn", alias = "KMSMasterKeyArn")]
    pub kms_master_key_arn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContinuousBackups {
    #[serde(default)]
    pub continuous_backups_status: Option<String>,
    #[serde(default)]
    pub point_in_time_recovery_description: Option<PitrDescription>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PitrDescription {
    #[serde(default)]
    pub point_in_time_recovery_status: Option<String>,
}

impl FromItem for DynamoDbTable {
    fn from_item(raw: &serde_json::value::RawValue, sup: &Sup<'_>) -> Result<Self, String> {
        let mut t: DynamoDbTable = embedded(raw)?;
        t.continuous_backups = supplementary(sup("ContinuousBackupsDescription"));
        Ok(t)
    }
}

// ---------------------------------------------------------------------------------------------
// AWS Backup

/// `AWS::Backup::BackupPlan`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupPlan {
    #[serde(default)]
    pub backup_plan_id: Option<String>,
    #[serde(default)]
    pub backup_plan: Option<BackupPlanBody>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupPlanBody {
    #[serde(default)]
    pub backup_plan_name: Option<String>,
    #[serde(default, alias = "Rules")]
    pub backup_plan_rule: Option<Vec<BackupRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupRule {
    #[serde(default)]
    pub rule_name: Option<String>,
}

/// `AWS::Backup::BackupSelection`: which resources a plan backs up.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupSelection {
    #[serde(default)]
    pub selection_id: Option<String>,
    #[serde(default)]
    pub backup_plan_id: Option<String>,
    #[serde(default)]
    pub backup_selection: Option<SelectionBody>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SelectionBody {
    #[serde(default)]
    pub selection_name: Option<String>,
    /// ARNs, `*`, or ARN patterns with `*`.
    #[serde(default)]
    pub resources: Option<Vec<String>>,
    #[serde(default)]
    pub not_resources: Option<Vec<String>>,
    /// Tag conditions (`ListOfTags`, `Conditions`): which resources they choose depends on tags
    /// the items of this family do not carry.
    #[serde(default)]
    pub list_of_tags: Option<serde_json::Value>,
    #[serde(default)]
    pub conditions: Option<serde_json::Value>,
}

impl SelectionBody {
    /// Whether the selection chooses by tags as well as (or instead of) by resource.
    pub fn has_tag_conditions(&self) -> bool {
        fn non_empty(v: &Option<serde_json::Value>) -> bool {
            match v {
                None | Some(serde_json::Value::Null) => false,
                Some(serde_json::Value::Array(a)) => !a.is_empty(),
                Some(serde_json::Value::Object(o)) => o.values().any(|v| non_empty(&Some(v.clone()))),
                Some(serde_json::Value::String(s)) => !s.is_empty(),
                Some(_) => true,
            }
        }
        non_empty(&self.list_of_tags) || non_empty(&self.conditions)
    }
}

/// `AWS::Backup::RecoveryPoint`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupRecoveryPoint {
    #[serde(default)]
    pub recovery_point_arn: Option<String>,
    #[serde(default)]
    pub resource_arn: Option<String>,
    #[serde(default)]
    pub is_encrypted: Option<bool>,
    #[serde(default)]
    pub status: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// EFS

/// `AWS::EFS::FileSystem` (CloudFormation's PascalCase).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EfsFileSystem {
    #[serde(default)]
    pub file_system_id: Option<String>,
    #[serde(default)]
    pub encrypted: Option<bool>,
    #[serde(default)]
    pub backup_policy: Option<EfsBackupPolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EfsBackupPolicy {
    #[serde(default)]
    pub status: Option<String>,
}

/// `AWS::EFS::AccessPoint`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EfsAccessPoint {
    #[serde(default)]
    pub access_point_id: Option<String>,
    #[serde(default)]
    pub file_system_id: Option<String>,
    /// Absent when the access point does not impose a POSIX identity.
    #[serde(default)]
    pub posix_user: Option<PosixUser>,
    /// Absent when the access point exposes the file system's root (`/`).
    #[serde(default)]
    pub root_directory: Option<RootDirectory>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PosixUser {
    /// A string in CloudFormation's shape, a number in the EFS API's.
    #[serde(default)]
    pub uid: Option<StringOrNumber>,
    #[serde(default)]
    pub gid: Option<StringOrNumber>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum StringOrNumber {
    Text(String),
    Number(serde_json::Number),
}

impl std::fmt::Display for StringOrNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StringOrNumber::Text(s) => f.write_str(s),
            StringOrNumber::Number(n) => write!(f, "{n}"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RootDirectory {
    #[serde(default)]
    pub path: Option<String>,
}

from_configuration!(BackupPlan, BackupSelection, BackupRecoveryPoint, EfsFileSystem, EfsAccessPoint);

// ---------------------------------------------------------------------------------------------
// OpenSearch

/// `AWS::OpenSearch::Domain` (CloudFormation's PascalCase).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OpenSearchDomain {
    #[serde(default)]
    pub domain_name: Option<String>,
    #[serde(default)]
    pub advanced_security_options: Option<EnabledFlag>,
    /// Log type (`AUDIT_LOGS`, `INDEX_SLOW_LOGS`, ...) to its publishing option; absent or
    /// without a type when nothing is published.
    #[serde(default)]
    pub log_publishing_options: Option<BTreeMap<String, LogPublishing>>,
    #[serde(default)]
    pub encryption_at_rest_options: Option<EnabledFlag>,
    #[serde(default)]
    pub node_to_node_encryption_options: Option<EnabledFlag>,
    #[serde(default)]
    pub domain_endpoint_options: Option<DomainEndpointOptions>,
    #[serde(default, rename = "VPCOptions")]
    pub vpc_options: Option<VpcOptions>,
    /// The resource policy, as JSON text or a JSON object.
    #[serde(default)]
    pub access_policies: Option<serde_json::Value>,
    #[serde(default)]
    pub service_software_options: Option<ServiceSoftwareOptions>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnabledFlag {
    #[serde(default)]
    pub enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogPublishing {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub cloud_watch_logs_log_group_arn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainEndpointOptions {
    #[serde(default, rename = "EnforceHTTPS")]
    pub enforce_https: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcOptions {
    #[serde(default)]
    pub subnet_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceSoftwareOptions {
    #[serde(default)]
    pub update_available: Option<bool>,
    #[serde(default)]
    pub current_version: Option<String>,
    #[serde(default)]
    pub new_version: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Redshift

/// `AWS::Redshift::Cluster` (DescribeClusters' camelCase), with its `LoggingStatus`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedshiftCluster {
    #[serde(default)]
    pub cluster_identifier: Option<String>,
    #[serde(default)]
    pub encrypted: Option<bool>,
    #[serde(default)]
    pub publicly_accessible: Option<bool>,
    #[serde(default)]
    pub enhanced_vpc_routing: Option<bool>,
    #[serde(default)]
    pub automated_snapshot_retention_period: Option<i64>,
    #[serde(default)]
    pub cluster_parameter_groups: Option<Vec<RedshiftParameterGroupStatus>>,
    #[serde(skip, default = "nothing_yet")]
    pub logging: Supplementary<RedshiftLogging>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedshiftParameterGroupStatus {
    #[serde(default)]
    pub parameter_group_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedshiftLogging {
    #[serde(default, deserialize_with = "loose_bool::option")]
    pub logging_enabled: Option<bool>,
}

impl FromItem for RedshiftCluster {
    fn from_item(raw: &serde_json::value::RawValue, sup: &Sup<'_>) -> Result<Self, String> {
        let mut c: RedshiftCluster = embedded(raw)?;
        c.logging = supplementary(sup("LoggingStatus"));
        Ok(c)
    }
}

/// `AWS::Redshift::ClusterParameterGroup`, with its parameters (supplementary `Parameters`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedshiftClusterParameterGroup {
    #[serde(default)]
    pub parameter_group_name: Option<String>,
    #[serde(skip, default = "nothing_yet")]
    pub parameters: Supplementary<Vec<RedshiftParameter>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedshiftParameter {
    #[serde(default)]
    pub parameter_name: Option<String>,
    #[serde(default)]
    pub parameter_value: Option<String>,
}

impl FromItem for RedshiftClusterParameterGroup {
    fn from_item(raw: &serde_json::value::RawValue, sup: &Sup<'_>) -> Result<Self, String> {
        let mut g: RedshiftClusterParameterGroup = embedded(raw)?;
        g.parameters = supplementary(sup("Parameters"));
        Ok(g)
    }
}

// ---------------------------------------------------------------------------------------------
// Queues, topics, secrets, certificates, streams

/// `AWS::SNS::Topic`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SnsTopic {
    #[serde(default)]
    pub topic_arn: Option<String>,
    /// Absent when the topic is not encrypted.
    #[serde(default)]
    pub kms_master_key_id: Option<String>,
}

/// `AWS::SQS::Queue` (queue attributes; AWS Config writes the booleans as strings).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SqsQueue {
    #[serde(default)]
    pub queue_arn: Option<String>,
    #[serde(default)]
    pub kms_master_key_id: Option<String>,
    #[serde(default, deserialize_with = "loose_bool::option")]
    pub sqs_managed_sse_enabled: Option<bool>,
}

/// `AWS::SecretsManager::Secret`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretsManagerSecret {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub rotation_enabled: Option<bool>,
    #[serde(default)]
    pub deleted: Option<bool>,
}

/// `AWS::ACM::Certificate` (DescribeCertificate's camelCase).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AcmCertificate {
    #[serde(default)]
    pub domain_name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub not_after: Option<ConfigTime>,
    #[serde(default)]
    pub key_algorithm: Option<String>,
}

/// `AWS::Kinesis::Stream`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KinesisStream {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub arn: Option<String>,
    /// Absent when the stream is not encrypted.
    #[serde(default)]
    pub stream_encryption: Option<StreamEncryption>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamEncryption {
    #[serde(default)]
    pub encryption_type: Option<String>,
}

/// `AWS::MSK::Cluster`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MskCluster {
    #[serde(default)]
    pub cluster_name: Option<String>,
    #[serde(default)]
    pub encryption_info: Option<MskEncryptionInfo>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MskEncryptionInfo {
    #[serde(default)]
    pub encryption_in_transit: Option<MskInTransit>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MskInTransit {
    #[serde(default)]
    pub client_broker: Option<String>,
    #[serde(default)]
    pub in_cluster: Option<bool>,
}

/// `AWS::Athena::WorkGroup`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AthenaWorkGroup {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub work_group_configuration: Option<WorkGroupConfiguration>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WorkGroupConfiguration {
    #[serde(default)]
    pub result_configuration: Option<ResultConfiguration>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultConfiguration {
    /// Absent when query results are written unencrypted.
    #[serde(default)]
    pub encryption_configuration: Option<AthenaEncryption>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AthenaEncryption {
    #[serde(default)]
    pub encryption_option: Option<String>,
}

/// `AWS::S3::AccessPoint`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3AccessPoint {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub public_access_block_configuration: Option<AccessPointBlock>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessPointBlock {
    #[serde(default)]
    pub block_public_acls: Option<bool>,
    #[serde(default)]
    pub ignore_public_acls: Option<bool>,
    #[serde(default)]
    pub block_public_policy: Option<bool>,
    #[serde(default)]
    pub restrict_public_buckets: Option<bool>,
}

from_configuration!(
    OpenSearchDomain,
    SnsTopic,
    SqsQueue,
    SecretsManagerSecret,
    AcmCertificate,
    KinesisStream,
    MskCluster,
    AthenaWorkGroup,
    S3AccessPoint
);

// ---------------------------------------------------------------------------------------------
// RDS clusters (Aurora, Neptune and DocumentDB are all AWS::RDS::DBCluster), snapshots, event
// subscriptions

/// `AWS::RDS::DBCluster` (the Java SDK's camelCase: `dbclusterIdentifier`,
/// `iamdatabaseAuthenticationEnabled`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RdsDbCluster {
    #[serde(default, rename = "dbclusterIdentifier", alias = "dBClusterIdentifier")]
    pub identifier: Option<String>,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub storage_encrypted: Option<bool>,
    #[serde(default, rename = "iamdatabaseAuthenticationEnabled", alias = "iAMDatabaseAuthenticationEnabled")]
    pub iam_database_authentication_enabled: Option<bool>,
    #[serde(default)]
    pub enabled_cloudwatch_logs_exports: Option<Vec<String>>,
    #[serde(default)]
    pub backup_retention_period: Option<i64>,
}

/// One attribute of a snapshot (`restore` lists the accounts allowed to restore it; `all` is
/// everyone).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotAttribute {
    #[serde(default)]
    pub attribute_name: Option<String>,
    #[serde(default)]
    pub attribute_values: Option<Vec<String>>,
}

/// `AWS::RDS::DBSnapshot`, with its `DBSnapshotAttributes`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RdsDbSnapshot {
    #[serde(default, rename = "dBSnapshotIdentifier", alias = "dbsnapshotIdentifier")]
    pub identifier: Option<String>,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub encrypted: Option<bool>,
    #[serde(skip, default = "nothing_yet")]
    pub attributes: Supplementary<Vec<SnapshotAttribute>>,
}

impl FromItem for RdsDbSnapshot {
    fn from_item(raw: &serde_json::value::RawValue, sup: &Sup<'_>) -> Result<Self, String> {
        let mut s: RdsDbSnapshot = embedded(raw)?;
        s.attributes = supplementary(sup("DBSnapshotAttributes"));
        Ok(s)
    }
}

/// `AWS::RDS::DBClusterSnapshot`, with its `DBClusterSnapshotAttributes`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RdsDbClusterSnapshot {
    #[serde(default, rename = "dbclusterSnapshotIdentifier", alias = "dBClusterSnapshotIdentifier")]
    pub identifier: Option<String>,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub storage_encrypted: Option<bool>,
    #[serde(skip, default = "nothing_yet")]
    pub attributes: Supplementary<Vec<SnapshotAttribute>>,
}

impl FromItem for RdsDbClusterSnapshot {
    fn from_item(raw: &serde_json::value::RawValue, sup: &Sup<'_>) -> Result<Self, String> {
        let mut s: RdsDbClusterSnapshot = embedded(raw)?;
        s.attributes = supplementary(sup("DBClusterSnapshotAttributes"));
        Ok(s)
    }
}

/// `AWS::RDS::EventSubscription`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RdsEventSubscription {
    #[serde(default)]
    pub cust_subscription_id: Option<String>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub source_type: Option<String>,
    /// Empty: every category.
    #[serde(default)]
    pub event_categories_list: Option<Vec<String>>,
}

from_configuration!(RdsDbCluster, RdsEventSubscription);

fn nothing_yet<T>() -> Supplementary<T> {
    Ok(None)
}
