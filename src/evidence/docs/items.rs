//! Configuration items of one resource type (`resources/<AWS__Service__Type>.json`): the output
//! of `batch-get-resource-config` (`baseConfigurationItems`, with `unprocessedResourceKeys`), or
//! `configurationItems` as other Config calls print them.
//!
//! Each item's embedded `configuration` (a JSON string) is decoded once, into the typed shape
//! of its resource type, keeping only what the checks read. An item that cannot be evidence of
//! a live resource (not recorded, deleted, of another type, for another account or region,
//! listed twice, unprocessed, without or with an unreadable configuration) is kept with the
//! reason, so the checks mark exactly that resource not assessed.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::policy::PolicyDocument;
use super::{loose_bool, time, ReadCtx};
use crate::evidence::catalogue::ResourceType;

/// The items of one resource type in one region.
#[derive(Debug)]
pub struct Resources {
    pub items: Vec<Item>,
}

/// One resource, and either its typed configuration or why it cannot be assessed.
#[derive(Debug)]
pub struct Item {
    pub resource_type: String,
    pub resource_id: String,
    pub arn: Option<String>,
    pub name: Option<String>,
    /// `None` when the call that wrote the item does not return relationships
    /// (batch-get-resource-config).
    pub relationships: Option<Vec<Relationship>>,
    pub state: Result<Configuration, String>,
}

impl Item {
    /// How findings name the resource: its ARN, else its type and id.
    pub fn id(&self) -> String {
        match &self.arn {
            Some(a) if !a.is_empty() => a.clone(),
            _ => format!("{} {}", self.resource_type, self.resource_id),
        }
    }

    /// Its name, else its id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().filter(|n| !n.is_empty()).unwrap_or(&self.resource_id)
    }

    pub fn is_live(&self) -> bool {
        self.state.is_ok()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub resource_id: Option<String>,
}

/// The configuration of an item, in the typed shape of its resource type.
#[derive(Debug)]
pub enum Configuration {
    Trail(Trail),
    SecurityGroup(SecurityGroup),
    Volume(Volume),
    LoadBalancer(LoadBalancer),
    KmsKey(KmsKey),
    DbInstance(DbInstance),
    PublicAccessBlock(PublicAccessBlock),
    Bucket(Box<Bucket>),
    PatchCompliance(PatchCompliance),
    WebAcl(WebAcl),
    /// The resource types each read by its own `FromItem` (in the family modules).
    Family(Family),
}

/// How a resource type of a family module reads its item: from the embedded configuration and,
/// where it needs them, supplementary configuration entries (`sup("BucketPolicy")`).
pub trait FromItem: Sized {
    fn from_item(raw: &RawValue, sup: &Sup<'_>) -> Result<Self, String>;
}

/// The supplementary configuration entries of an item, by key.
pub type Sup<'a> = dyn Fn(&str) -> Option<&'a RawValue> + 'a;

/// `FromItem` for types read from their configuration alone.
#[allow(unused_macros)]
macro_rules! from_configuration {
    ($($t:ty),* $(,)?) => {
        $(impl $crate::evidence::docs::items::FromItem for $t {
            fn from_item(
                raw: &serde_json::value::RawValue,
                _sup: &$crate::evidence::docs::items::Sup<'_>,
            ) -> Result<Self, String> {
                $crate::evidence::docs::items::embedded(raw)
            }
        })*
    };
}
#[allow(unused_imports)]
pub(crate) use from_configuration;

/// Declares the family resource types: the `Family` enum, their `Config` impls and the reader
/// that dispatches on the resource type.
macro_rules! family {
    ($($variant:ident => $rt:ident,)*) => {
        #[derive(Debug)]
        pub enum Family {
            $($variant($variant),)*
        }

        $(impl Config for $variant {
            const TYPE: ResourceType = ResourceType::$rt;
            fn of(c: &Configuration) -> Option<&Self> {
                match c {
                    Configuration::Family(Family::$variant(x)) => Some(x),
                    _ => None,
                }
            }
        })*

        /// The configuration of a family resource type (`None` for the types read in `judge`).
        #[allow(unused_variables)]
        fn read_family(want: ResourceType, raw: &RawValue, sup: &Sup<'_>) -> Option<Result<Configuration, String>> {
            #[allow(unreachable_patterns)]
            match want {
                $(ResourceType::$rt => Some(<$variant as FromItem>::from_item(raw, sup).map(|c| Configuration::Family(Family::$variant(c)))),)*
                _ => None,
            }
        }
    };
}

mod compute;
mod data;
mod monitoring;
#[allow(unused_imports)]
pub use compute::*;
#[allow(unused_imports)]
pub use data::*;
#[allow(unused_imports)]
pub use monitoring::*;

family! {
    // Compute and network (docs/items/compute.rs).
    Instance => Ec2Instance,
    ManagedInstanceInventory => SsmManagedInstanceInventory,
    LaunchTemplate => Ec2LaunchTemplate,
    LaunchConfiguration => AutoScalingLaunchConfiguration,
    AutoScalingGroup => AutoScalingGroup,
    NetworkAcl => Ec2NetworkAcl,
    Vpc => Ec2Vpc,
    FlowLog => Ec2FlowLog,
    VpcEndpoint => Ec2VpcEndpoint,
    VpnConnection => Ec2VpnConnection,
    TransitGateway => Ec2TransitGateway,
    ClientVpnEndpoint => Ec2ClientVpnEndpoint,
    ShieldProtection => ShieldRegionalProtection,
    Distribution => CloudFrontDistribution,
    WafWebAcl => WafWebAcl,
    WafRegionalWebAcl => WafRegionalWebAcl,
    WafRule => WafRule,
    WafRegionalRule => WafRegionalRule,
    WafRuleGroup => WafRuleGroup,
    WafRegionalRuleGroup => WafRegionalRuleGroup,
    FirewallPolicy => NetworkFirewallPolicy,
    ClassicLoadBalancer => ElbClassicLoadBalancer,
    Listener => ElbV2Listener,
    DmsReplicationInstance => DmsReplicationInstance,
    DmsEndpoint => DmsEndpoint,
    DmsReplicationTask => DmsReplicationTask,
    NotebookInstance => SageMakerNotebookInstance,

    // Data protection (docs/items/data.rs).
    DynamoDbTable => DynamoDbTable,
    BackupPlan => BackupPlan,
    BackupSelection => BackupSelection,
    BackupRecoveryPoint => BackupRecoveryPoint,
    EfsFileSystem => EfsFileSystem,
    EfsAccessPoint => EfsAccessPoint,
    OpenSearchDomain => OpenSearchDomain,
    RedshiftCluster => RedshiftCluster,
    RedshiftClusterParameterGroup => RedshiftClusterParameterGroup,
    SnsTopic => SnsTopic,
    SqsQueue => SqsQueue,
    SecretsManagerSecret => SecretsManagerSecret,
    AcmCertificate => AcmCertificate,
    RdsDbCluster => RdsDbCluster,
    RdsDbSnapshot => RdsDbSnapshot,
    RdsDbClusterSnapshot => RdsDbClusterSnapshot,
    RdsEventSubscription => RdsEventSubscription,
    S3AccessPoint => S3AccessPoint,
    KinesisStream => KinesisStream,
    MskCluster => MskCluster,
    AthenaWorkGroup => AthenaWorkGroup,

    // Monitoring, logging, applications and identity (docs/items/monitoring.rs).
    MqBroker => AmazonMqBroker,
    ApiStage => ApiGatewayStage,
    ApiV2Stage => ApiGatewayV2Stage,
    GraphQlApi => AppSyncGraphQlApi,
    Alarm => CloudWatchAlarm,
    BuildProject => CodeBuildProject,
    EcrRepository => EcrRepository,
    EcsService => EcsService,
    TaskDefinition => EcsTaskDefinition,
    EksCluster => EksCluster,
    Detector => GuardDutyDetector,
    LambdaFunction => LambdaFunction,
    HostedZone => Route53HostedZone,
    StateMachine => StepFunctionsStateMachine,

}

/// A typed configuration: its resource type, and how to find it in a `Configuration`.
pub trait Config: Sized + 'static {
    const TYPE: ResourceType;
    fn of(c: &Configuration) -> Option<&Self>;
}

macro_rules! configs {
    ($($variant:ident => $rt:ident),* $(,)?) => {
        $(impl Config for $variant {
            const TYPE: ResourceType = ResourceType::$rt;
            fn of(c: &Configuration) -> Option<&Self> {
                match c {
                    Configuration::$variant(x) => Some(x),
                    _ => None,
                }
            }
        })*
    };
}

configs!(
    Trail => CloudTrailTrail,
    SecurityGroup => Ec2SecurityGroup,
    Volume => Ec2Volume,
    LoadBalancer => ElbV2LoadBalancer,
    KmsKey => KmsKey,
    DbInstance => RdsDbInstance,
    PublicAccessBlock => S3AccountPublicAccessBlock,
    Bucket => S3Bucket,
    PatchCompliance => SsmPatchCompliance,
    WebAcl => Wafv2WebAcl,
);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trail {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub is_multi_region_trail: Option<bool>,
    #[serde(default)]
    pub log_file_validation_enabled: Option<bool>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// The bucket the trail delivers its log files to.
    #[serde(default)]
    pub s3_bucket_name: Option<String>,
    #[serde(default)]
    pub has_insight_selectors: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroup {
    #[serde(default)]
    pub group_name: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    pub ip_permissions: Vec<IpPermission>,
    /// Egress rules (`None` when the item does not give them).
    #[serde(default)]
    pub ip_permissions_egress: Option<Vec<IpPermission>>,
}

/// One ingress permission, reduced when read to what the checks judge (a group can carry
/// thousands of address ranges; only whether the internet is among them matters here).
#[derive(Debug, Deserialize)]
#[serde(from = "RawPermission")]
pub struct IpPermission {
    pub ip_protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    /// Open to 0.0.0.0/0 (an IPv4 range or the older `ipRanges` list).
    pub open_v4: bool,
    /// Open to ::/0.
    pub open_v6: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPermission {
    ip_protocol: String,
    #[serde(default)]
    from_port: Option<i64>,
    #[serde(default)]
    to_port: Option<i64>,
    #[serde(default)]
    ipv4_ranges: Vec<Ipv4Range>,
    #[serde(default)]
    ipv6_ranges: Vec<Ipv6Range>,
    #[serde(default)]
    ip_ranges: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ipv4Range {
    cidr_ip: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ipv6Range {
    cidr_ipv6: String,
}

impl From<RawPermission> for IpPermission {
    fn from(p: RawPermission) -> IpPermission {
        IpPermission {
            open_v4: p.ipv4_ranges.iter().any(|r| r.cidr_ip == "0.0.0.0/0") || p.ip_ranges.iter().any(|r| r == "0.0.0.0/0"),
            open_v6: p.ipv6_ranges.iter().any(|r| r.cidr_ipv6 == "::/0"),
            ip_protocol: p.ip_protocol,
            from_port: p.from_port,
            to_port: p.to_port,
        }
    }
}

impl IpPermission {
    /// Every protocol and port (`-1`).
    pub fn all_traffic(&self) -> bool {
        matches!(self.ip_protocol.as_str(), "-1" | "all")
    }

    /// The sources open to the whole internet.
    pub fn world_sources(&self) -> Vec<&'static str> {
        [(self.open_v4, "0.0.0.0/0"), (self.open_v6, "::/0")].into_iter().filter(|(open, _)| *open).map(|(_, s)| s).collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    #[serde(default)]
    pub encrypted: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancer {
    #[serde(default)]
    pub scheme: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub load_balancer_name: Option<String>,
    /// From the `LoadBalancerAttributes` supplementary entry: `Ok(None)` when the item has none.
    #[serde(skip, default = "nothing_yet")]
    pub attributes: Supplementary<Vec<KeyValue>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KmsKey {
    #[serde(default)]
    pub key_manager: Option<String>,
    #[serde(default)]
    pub key_state: Option<String>,
    #[serde(default)]
    pub key_spec: Option<String>,
    #[serde(default)]
    pub customer_master_key_spec: Option<String>,
    #[serde(default)]
    pub origin: Option<String>,
    #[serde(default)]
    pub deletion_date: Option<serde_json::Value>,
    /// From the supplementary configuration: `Ok(None)` when AWS Config recorded none.
    #[serde(skip, default = "nothing_yet")]
    pub rotation: Supplementary<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DbInstance {
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub storage_encrypted: Option<bool>,
    #[serde(default)]
    pub publicly_accessible: Option<bool>,
    #[serde(default)]
    pub backup_retention_period: Option<i64>,
    #[serde(default, rename = "multiAZ")]
    pub multi_az: Option<bool>,
    #[serde(default, rename = "iAMDatabaseAuthenticationEnabled")]
    pub iam_database_authentication_enabled: Option<bool>,
    #[serde(default)]
    pub enabled_cloudwatch_logs_exports: Option<Vec<String>>,
    #[serde(default)]
    pub auto_minor_version_upgrade: Option<bool>,
    #[serde(default, rename = "dBInstanceArn")]
    pub db_instance_arn: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicAccessBlock {
    #[serde(default)]
    pub block_public_acls: Option<bool>,
    #[serde(default)]
    pub ignore_public_acls: Option<bool>,
    #[serde(default)]
    pub block_public_policy: Option<bool>,
    #[serde(default)]
    pub restrict_public_buckets: Option<bool>,
}

impl PublicAccessBlock {
    /// All four settings on.
    pub fn blocks_all(&self) -> bool {
        [self.block_public_acls, self.ignore_public_acls, self.block_public_policy, self.restrict_public_buckets]
            .iter()
            .all(|v| *v == Some(true))
    }
}

/// A supplementary configuration entry: `Ok(None)` when the item has none, `Err` when it cannot
/// be read.
pub type Supplementary<T> = Result<Option<T>, String>;

#[derive(Debug)]
pub struct Bucket {
    pub encryption: Supplementary<Vec<String>>,
    pub public_access_block: Supplementary<PublicAccessBlock>,
    /// `Ok(Some(None))`: the entry says the bucket has no policy.
    pub policy: Supplementary<Option<PolicyDocument>>,
    pub versioning: Supplementary<Option<String>>,
    pub logging: Supplementary<Option<String>>,
    /// `BucketVersioningConfiguration.isMfaDeleteEnabled` (`Ok(Some(None))`: the entry says null).
    pub mfa_delete: Supplementary<Option<bool>>,
    /// The grants of the bucket ACL (`AccessControlList`).
    pub acl: Supplementary<Vec<AclGrant>>,
    /// The names of the event notification configurations (`BucketNotificationConfiguration`),
    /// with `EventBridge` when events go to EventBridge.
    pub notifications: Supplementary<Vec<String>>,
    /// The lifecycle rules (`BucketLifecycleConfiguration`).
    pub lifecycle: Supplementary<Vec<LifecycleRule>>,
    /// `ObjectLockConfiguration.objectLockEnabled`.
    pub object_lock: Supplementary<Option<String>>,
}

/// One grant of a bucket ACL: who (`AllUsers`, `AuthenticatedUsers`, `LogDelivery`, or a
/// canonical user id / e-mail) and what (`FullControl`, `Write`, `WriteAcp`, `Read`, `ReadAcp`).
#[derive(Debug, Clone)]
pub struct AclGrant {
    pub grantee: String,
    pub permission: String,
}

impl AclGrant {
    /// Granted to everyone, or to every AWS account holder.
    pub fn public(&self) -> bool {
        matches!(self.grantee.as_str(), "AllUsers" | "AuthenticatedUsers")
    }

    /// Lets the grantee write objects or change the ACL.
    pub fn writes(&self) -> bool {
        let p: String = self.permission.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        matches!(p.as_str(), "fullcontrol" | "write" | "writeacp")
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleRule {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct PatchCompliance {
    #[serde(rename = "AWS:ComplianceItem")]
    item: ComplianceItem,
}

#[derive(Debug, Deserialize)]
struct ComplianceItem {
    #[serde(rename = "Content")]
    content: PatchContent,
}

#[derive(Debug, Deserialize)]
struct PatchContent {
    #[serde(rename = "Patch")]
    patch: BTreeMap<String, Patch>,
}

#[derive(Debug, Deserialize)]
pub struct Patch {
    #[serde(default, rename = "PatchState")]
    pub state: Option<String>,
    #[serde(default, rename = "Status")]
    pub status: Option<String>,
}

impl PatchCompliance {
    pub fn patches(&self) -> &BTreeMap<String, Patch> {
        &self.item.content.patch
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebAcl {
    #[serde(default)]
    pub name: Option<String>,
    /// `None` when the item does not list the rules.
    #[serde(default)]
    pub rules: Option<Vec<Wafv2Rule>>,
}

// ---------------------------------------------------------------------------------------------
// Reading

#[derive(Deserialize)]
#[serde(expecting = "the JSON object `aws configservice batch-get-resource-config` prints")]
struct RawFile<'a> {
    #[serde(default, borrow, rename = "baseConfigurationItems")]
    base: Option<Vec<&'a RawValue>>,
    #[serde(default, borrow, rename = "configurationItems")]
    history: Option<Vec<&'a RawValue>>,
    #[serde(default, rename = "unprocessedResourceKeys")]
    unprocessed: Option<Vec<ResourceKey>>,
    #[serde(default, rename = "nextToken")]
    next_token: Option<String>,
}

/// A time as the AWS CLI prints it: ISO 8601 (CLI v2), or seconds since the epoch (CLI v1's
/// default format).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Stamp {
    Text(String),
    Epoch(f64),
}

impl Stamp {
    fn time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            Stamp::Text(s) => time(s),
            Stamp::Epoch(secs) if secs.is_finite() => {
                chrono::DateTime::from_timestamp(secs.trunc() as i64, (secs.fract().abs() * 1e9) as u32)
            }
            Stamp::Epoch(_) => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceKey {
    resource_type: String,
    resource_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawItem<'a> {
    resource_type: String,
    resource_id: String,
    configuration_item_status: String,
    #[serde(default)]
    configuration_item_capture_time: Option<Stamp>,
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    resource_name: Option<String>,
    account_id: String,
    aws_region: String,
    #[serde(default, borrow)]
    configuration: Option<&'a RawValue>,
    #[serde(default, borrow)]
    supplementary_configuration: Option<BTreeMap<String, &'a RawValue>>,
    #[serde(default)]
    relationships: Option<Vec<Relationship>>,
}

pub(super) fn read(bytes: &[u8], ctx: ReadCtx<'_>) -> Result<Resources, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty".into());
    }
    let file: RawFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    super::complete(None, &[("nextToken", &file.next_token)])?;
    let raw_items = match (file.base, file.history) {
        (Some(items), None) | (None, Some(items)) => items,
        (None, None) => return Err("holds neither baseConfigurationItems nor configurationItems".into()),
        (Some(_), Some(_)) => return Err("holds both baseConfigurationItems and configurationItems: one call's output per file".into()),
    };
    let want = ctx.id.resource_type().expect("a resources document has a resource type");
    let mut items = Vec::with_capacity(raw_items.len());
    for (n, raw) in raw_items.iter().enumerate() {
        let item: RawItem = serde_json::from_str(raw.get()).map_err(|e| format!("item {}: {e}", n + 1))?;
        if let Some(stamp) = &item.configuration_item_capture_time {
            let t = stamp.time().ok_or_else(|| format!("item {}: configurationItemCaptureTime {stamp:?} is not a time", n + 1))?;
            ctx.not_after(t, &format!("the capture time of item {} ({})", n + 1, item.resource_id))?;
        }
        let state = judge(&item, want, ctx);
        items.push(Item {
            state,
            resource_type: item.resource_type,
            resource_id: item.resource_id,
            arn: item.arn,
            name: item.resource_name,
            relationships: item.relationships,
        });
    }
    // The same resource twice: the file contradicts itself, so neither copy is evidence.
    let mut seen = BTreeMap::new();
    let mut twice = BTreeSet::new();
    for item in &items {
        if seen.insert((item.resource_type.clone(), item.resource_id.clone()), ()).is_some() {
            twice.insert((item.resource_type.clone(), item.resource_id.clone()));
        }
    }
    for item in items.iter_mut().filter(|i| twice.contains(&(i.resource_type.clone(), i.resource_id.clone()))) {
        item.state = Err("the file lists this resource more than once, with nothing to tell which item is current".into());
    }
    for key in file.unprocessed.unwrap_or_default() {
        items.push(Item {
            state: Err("AWS Config left it unprocessed (unprocessedResourceKeys), so its configuration was not collected".into()),
            resource_type: key.resource_type,
            resource_id: key.resource_id,
            arn: None,
            name: None,
            relationships: None,
        });
    }
    Ok(Resources { items })
}

/// The configuration of one item, or why the item is no evidence of a live resource.
fn judge(item: &RawItem<'_>, want: ResourceType, ctx: ReadCtx<'_>) -> Result<Configuration, String> {
    if item.resource_type != want.as_str() {
        return Err(format!("the item is of type {}, in the file of {want}", item.resource_type));
    }
    match item.configuration_item_status.as_str() {
        "OK" | "ResourceDiscovered" => {}
        "ResourceNotRecorded" => return Err("AWS Config does not record it (ResourceNotRecorded)".into()),
        s @ ("ResourceDeleted" | "ResourceDeletedNotRecorded") => {
            return Err(format!("the item says the resource was deleted ({s}), so it describes no live resource"))
        }
        other => return Err(format!("unknown configurationItemStatus {other:?}")),
    }
    if item.account_id != ctx.id.account {
        return Err(format!("the item is of account {}, in the file of account {}", item.account_id, ctx.id.account));
    }
    if let Some(want_region) = ctx.id.region.as_deref().filter(|r| *r != item.aws_region) {
        return Err(format!("the item is of region {}, in the file of region {want_region}", item.aws_region));
    }
    let raw = item.configuration.ok_or("the item has no configuration")?;
    let sup = |key: &str| item.supplementary_configuration.as_ref().and_then(|m| m.get(key)).copied();
    if let Some(read) = read_family(want, raw, &sup) {
        return read;
    }
    Ok(match want {
        ResourceType::CloudTrailTrail => Configuration::Trail(embedded(raw)?),
        ResourceType::Ec2SecurityGroup => Configuration::SecurityGroup(embedded(raw)?),
        ResourceType::Ec2Volume => Configuration::Volume(embedded(raw)?),
        ResourceType::ElbV2LoadBalancer => {
            let mut lb: LoadBalancer = embedded(raw)?;
            lb.attributes = supplementary(sup("LoadBalancerAttributes"));
            Configuration::LoadBalancer(lb)
        }
        ResourceType::KmsKey => {
            let mut key: KmsKey = embedded(raw)?;
            key.rotation = supplementary::<RotationFlag>(sup("KeyRotationStatus")).map(|v| v.map(|f| f.0));
            Configuration::KmsKey(key)
        }
        ResourceType::RdsDbInstance => Configuration::DbInstance(embedded(raw)?),
        ResourceType::S3AccountPublicAccessBlock => Configuration::PublicAccessBlock(embedded(raw)?),
        ResourceType::S3Bucket => {
            let _: BucketConfiguration = embedded(raw)?;
            Configuration::Bucket(Box::new(Bucket {
                encryption: supplementary::<Encryption>(sup("ServerSideEncryptionConfiguration"))
                    .map(|e| e.map(|e| e.rules.into_iter().filter_map(|r| r.default.map(|d| d.algorithm)).collect())),
                public_access_block: supplementary(sup("PublicAccessBlockConfiguration")),
                policy: supplementary::<BucketPolicy>(sup("BucketPolicy")).and_then(|p| match p {
                    None => Ok(None),
                    Some(BucketPolicy { policy_text: None }) => Ok(Some(None)),
                    Some(BucketPolicy { policy_text: Some(text) }) => {
                        PolicyDocument::from_text(&text).map(|d| Some(Some(d))).map_err(|e| format!("BucketPolicy: {e}"))
                    }
                }),
                versioning: supplementary::<Versioning>(sup("BucketVersioningConfiguration")).map(|v| v.map(|v| v.status)),
                logging: supplementary::<Logging>(sup("BucketLoggingConfiguration")).map(|v| v.map(|l| l.destination_bucket_name)),
                mfa_delete: supplementary::<Versioning>(sup("BucketVersioningConfiguration")).map(|v| v.map(|v| v.mfa_delete)),
                acl: supplementary::<Acl>(sup("AccessControlList")).and_then(|a| a.map(Acl::grants).transpose()),
                notifications: supplementary::<Notifications>(sup("BucketNotificationConfiguration")).map(|n| n.map(Notifications::names)),
                lifecycle: supplementary::<Lifecycle>(sup("BucketLifecycleConfiguration")).map(|l| l.map(|l| l.rules.unwrap_or_default())),
                object_lock: supplementary::<ObjectLock>(sup("ObjectLockConfiguration")).map(|o| o.map(|o| o.object_lock_enabled)),
            }))
        }
        ResourceType::SsmPatchCompliance => Configuration::PatchCompliance(embedded(raw)?),
        ResourceType::Wafv2WebAcl => Configuration::WebAcl(embedded(raw)?),
        #[allow(unreachable_patterns)]
        other => unreachable!("{other} is read by read_family"),
    })
}

/// Decode an embedded document: a JSON string holding JSON (as AWS Config writes it), or the
/// JSON itself.
pub(crate) fn embedded<T: DeserializeOwned>(raw: &RawValue) -> Result<T, String> {
    let text = raw.get();
    let result = if text.starts_with('"') {
        let inner: String = serde_json::from_str(text).map_err(|e| e.to_string())?;
        serde_json::from_str(&inner)
    } else {
        serde_json::from_str(text)
    };
    result.map_err(|e| format!("the configuration cannot be read: {e}"))
}

/// A supplementary configuration entry, decoded like `configuration`.
pub(crate) fn supplementary<T: DeserializeOwned>(raw: Option<&RawValue>) -> Supplementary<T> {
    match raw {
        None => Ok(None),
        Some(r) if r.get() == "null" => Ok(None),
        Some(r) => embedded(r).map(Some),
    }
}

fn nothing_yet<T>() -> Supplementary<T> {
    Ok(None)
}

#[derive(Deserialize)]
struct BucketConfiguration {}

#[derive(Deserialize)]
struct RotationFlag(#[serde(deserialize_with = "rotation_flag")] bool);

fn rotation_flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    loose_bool::option(d)?.ok_or_else(|| serde::de::Error::custom("KeyRotationStatus is null"))
}

#[derive(Deserialize)]
struct Encryption {
    rules: Vec<EncryptionRule>,
}

#[derive(Deserialize)]
struct EncryptionRule {
    #[serde(default, rename = "applyServerSideEncryptionByDefault")]
    default: Option<EncryptionDefault>,
}

#[derive(Deserialize)]
struct EncryptionDefault {
    #[serde(rename = "sseAlgorithm")]
    algorithm: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BucketPolicy {
    #[serde(default)]
    policy_text: Option<String>,
}

#[derive(Deserialize)]
struct Versioning {
    #[serde(default)]
    status: Option<String>,
    #[serde(default, rename = "isMfaDeleteEnabled", deserialize_with = "loose_bool::option")]
    mfa_delete: Option<bool>,
}

/// `AccessControlList`: the Java SDK's `AccessControlList` (`grantList`, or `grantSet`), a
/// group grantee written as its name (`"AllUsers"`) or its URI, a canonical user as an object.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Acl {
    #[serde(default)]
    grant_list: Option<Vec<RawGrant>>,
    #[serde(default)]
    grant_set: Option<Vec<RawGrant>>,
}

#[derive(Deserialize)]
struct RawGrant {
    grantee: serde_json::Value,
    permission: String,
}

impl Acl {
    fn grants(self) -> Result<Vec<AclGrant>, String> {
        let list = match (self.grant_list, self.grant_set) {
            (Some(l), _) => l,
            (None, Some(s)) => s,
            (None, None) => return Err("AccessControlList: neither grantList nor grantSet".into()),
        };
        list.into_iter()
            .map(|g| {
                let grantee = match &g.grantee {
                    serde_json::Value::String(s) => group_name(s),
                    serde_json::Value::Object(o) => {
                        let text = |k: &str| o.get(k).and_then(|v| v.as_str()).map(str::to_string);
                        match text("uri").or_else(|| text("URI")).or_else(|| text("identifier")).or_else(|| text("id")) {
                            Some(s) => group_name(&s),
                            None => return Err(format!("AccessControlList: a grantee with no id or URI ({})", g.grantee)),
                        }
                    }
                    other => return Err(format!("AccessControlList: a grantee of unknown shape ({other})")),
                };
                Ok(AclGrant { grantee, permission: g.permission })
            })
            .collect()
    }
}

/// `AllUsers` for the group's name or its URI; other grantees as they are.
fn group_name(s: &str) -> String {
    for group in ["AllUsers", "AuthenticatedUsers", "LogDelivery"] {
        if s == group || s.ends_with(&format!("/groups/global/{group}")) || s.ends_with(&format!("/groups/s3/{group}")) {
            return group.to_string();
        }
    }
    s.to_string()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notifications {
    configurations: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    event_bridge_configuration: Option<serde_json::Value>,
}

impl Notifications {
    fn names(self) -> Vec<String> {
        let mut names: Vec<String> = self.configurations.into_keys().collect();
        if self.event_bridge_configuration.as_ref().is_some_and(|v| !v.is_null() && v != &serde_json::Value::Bool(false)) {
            names.push("EventBridge".into());
        }
        names
    }
}

#[derive(Deserialize)]
struct Lifecycle {
    #[serde(default)]
    rules: Option<Vec<LifecycleRule>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ObjectLock {
    #[serde(default)]
    object_lock_enabled: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Logging {
    #[serde(default)]
    destination_bucket_name: Option<String>,
}
