//! The evidence catalogue: every document a bundle can hold, where it lives, which AWS actions
//! write it, its scope, and (in `docs`) its typed reader. It is the one place that knows bundle
//! paths: `collect` asks it what to fetch and where to write it, checks ask it for documents,
//! `verify` resolves gaps and refuses files it does not know, and the read-only IAM policy is
//! tested against the actions it lists.

use std::fmt;

/// A kind of evidence document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    CredentialReport,
    AuthorizationDetails,
    PasswordPolicy,
    AccountSummary,
    VirtualMfaDevices,
    Recorders,
    RecorderStatus,
    DeliveryChannels,
    ConfigRules,
    ComplianceByRule,
    RuleDetails,
    ResourceCounts,
    Resources,
    ConformancePacks,
    ConformancePackCompliance,
    ConformancePackDetails,
}

/// Where a document sits: once per account, once per region, once per Config rule of a region,
/// once per resource type of a region, or once per conformance pack of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Region,
    Rule,
    ResourceType,
    Pack,
}

/// What the catalogue says about one kind of document.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub kind: Kind,
    /// The path inside a bundle, with `<account>`, `<region>`, `<rule-name>` or `<resource-type>`.
    pub pattern: &'static str,
    /// Every AWS action whose answer goes into the document (as in an IAM policy).
    pub actions: &'static [&'static str],
    /// The AWS CLI command that prints the same document.
    pub cli: &'static str,
    pub scope: Scope,
    /// Whether the API can answer "there is none" (recorded under `absent`, not as a file).
    pub can_be_absent: bool,
    /// Whether AWS pages the answer (a merged document must not carry a page token).
    pub paged: bool,
}

/// The action `collect` sends first to learn the account id; it writes no document.
pub const IDENTITY_ACTION: &str = "sts:GetCallerIdentity";

/// The actions of an organisation collection that write no document themselves: assuming the
/// read-only role in each account, listing the organisation's accounts, and reading which
/// accounts and regions an aggregator failed to aggregate.
pub const ORGANISATION_ACTIONS: &[&str] =
    &["sts:AssumeRole", "organizations:ListAccounts", "config:DescribeConfigurationAggregatorSourcesStatus"];

pub const CATALOGUE: &[Spec] = &[
    Spec {
        kind: Kind::CredentialReport,
        pattern: "<account>/global/iam/credential-report.csv",
        actions: &["iam:GenerateCredentialReport", "iam:GetCredentialReport"],
        cli: "aws iam get-credential-report (the decoded Content)",
        scope: Scope::Global,
        can_be_absent: false,
        paged: false,
    },
    Spec {
        kind: Kind::AuthorizationDetails,
        pattern: "<account>/global/iam/get-account-authorization-details.json",
        actions: &["iam:GetAccountAuthorizationDetails"],
        cli: "aws iam get-account-authorization-details",
        scope: Scope::Global,
        can_be_absent: false,
        paged: true,
    },
    Spec {
        kind: Kind::PasswordPolicy,
        pattern: "<account>/global/iam/get-account-password-policy.json",
        actions: &["iam:GetAccountPasswordPolicy"],
        cli: "aws iam get-account-password-policy",
        scope: Scope::Global,
        can_be_absent: true,
        paged: false,
    },
    Spec {
        kind: Kind::AccountSummary,
        pattern: "<account>/global/iam/get-account-summary.json",
        actions: &["iam:GetAccountSummary"],
        cli: "aws iam get-account-summary",
        scope: Scope::Global,
        can_be_absent: false,
        paged: false,
    },
    Spec {
        kind: Kind::VirtualMfaDevices,
        pattern: "<account>/global/iam/list-virtual-mfa-devices.json",
        actions: &["iam:ListVirtualMFADevices"],
        cli: "aws iam list-virtual-mfa-devices",
        scope: Scope::Global,
        can_be_absent: false,
        paged: true,
    },
    Spec {
        kind: Kind::Recorders,
        pattern: "<account>/<region>/config/describe-configuration-recorders.json",
        actions: &["config:DescribeConfigurationRecorders"],
        cli: "aws configservice describe-configuration-recorders",
        scope: Scope::Region,
        can_be_absent: false,
        paged: false,
    },
    Spec {
        kind: Kind::RecorderStatus,
        pattern: "<account>/<region>/config/describe-configuration-recorder-status.json",
        actions: &["config:DescribeConfigurationRecorderStatus"],
        cli: "aws configservice describe-configuration-recorder-status",
        scope: Scope::Region,
        can_be_absent: false,
        paged: false,
    },
    Spec {
        kind: Kind::DeliveryChannels,
        pattern: "<account>/<region>/config/describe-delivery-channels.json",
        actions: &["config:DescribeDeliveryChannels"],
        cli: "aws configservice describe-delivery-channels",
        scope: Scope::Region,
        can_be_absent: false,
        paged: false,
    },
    Spec {
        kind: Kind::ConfigRules,
        pattern: "<account>/<region>/config/describe-config-rules.json",
        actions: &["config:DescribeConfigRules"],
        cli: "aws configservice describe-config-rules",
        scope: Scope::Region,
        can_be_absent: false,
        paged: true,
    },
    Spec {
        kind: Kind::ComplianceByRule,
        pattern: "<account>/<region>/config/describe-compliance-by-config-rule.json",
        actions: &["config:DescribeComplianceByConfigRule", "config:DescribeAggregateComplianceByConfigRules"],
        cli: "aws configservice describe-compliance-by-config-rule",
        scope: Scope::Region,
        can_be_absent: false,
        paged: true,
    },
    Spec {
        kind: Kind::RuleDetails,
        pattern: "<account>/<region>/config/get-compliance-details-by-config-rule/<rule-name>.json",
        actions: &["config:GetComplianceDetailsByConfigRule", "config:GetAggregateComplianceDetailsByConfigRule"],
        cli: "aws configservice get-compliance-details-by-config-rule --config-rule-name RULE",
        scope: Scope::Rule,
        can_be_absent: false,
        paged: true,
    },
    Spec {
        kind: Kind::ResourceCounts,
        pattern: "<account>/<region>/config/get-discovered-resource-counts.json",
        actions: &["config:GetDiscoveredResourceCounts", "config:GetAggregateDiscoveredResourceCounts"],
        cli: "aws configservice get-discovered-resource-counts",
        scope: Scope::Region,
        can_be_absent: false,
        paged: true,
    },
    Spec {
        kind: Kind::Resources,
        pattern: "<account>/<region>/config/resources/<resource-type>.json",
        actions: &[
            "config:ListDiscoveredResources",
            "config:BatchGetResourceConfig",
            "config:ListAggregateDiscoveredResources",
            "config:BatchGetAggregateResourceConfig",
        ],
        cli: "aws configservice batch-get-resource-config (every resource list-discovered-resources names)",
        scope: Scope::ResourceType,
        can_be_absent: false,
        paged: false,
    },
    Spec {
        kind: Kind::ConformancePacks,
        pattern: "<account>/<region>/config/describe-conformance-packs.json",
        actions: &["config:DescribeConformancePacks"],
        cli: "aws configservice describe-conformance-packs",
        scope: Scope::Region,
        can_be_absent: false,
        paged: true,
    },
    Spec {
        kind: Kind::ConformancePackCompliance,
        pattern: "<account>/<region>/config/describe-conformance-pack-compliance/<pack-name>.json",
        actions: &["config:DescribeConformancePackCompliance"],
        cli: "aws configservice describe-conformance-pack-compliance --conformance-pack-name PACK",
        scope: Scope::Pack,
        can_be_absent: false,
        paged: true,
    },
    Spec {
        kind: Kind::ConformancePackDetails,
        pattern: "<account>/<region>/config/get-conformance-pack-compliance-details/<pack-name>.json",
        actions: &["config:GetConformancePackComplianceDetails"],
        cli: "aws configservice get-conformance-pack-compliance-details --conformance-pack-name PACK",
        scope: Scope::Pack,
        can_be_absent: false,
        paged: true,
    },
];

impl Kind {
    pub fn spec(self) -> &'static Spec {
        CATALOGUE.iter().find(|s| s.kind == self).expect("every kind is in the catalogue")
    }
}

/// Every AWS action `collect` may send: the catalogue's actions, the identity call and the
/// organisation calls, sorted.
pub fn actions() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = CATALOGUE.iter().flat_map(|s| s.actions.iter().copied()).collect();
    all.push(IDENTITY_ACTION);
    all.extend(ORGANISATION_ACTIONS);
    all.sort();
    all.dedup();
    all
}

/// Declares the resource types: the enum, `ALL` (in declaration order) and their AWS Config names.
macro_rules! resource_types {
    ($($variant:ident => $name:literal,)*) => {
        /// The AWS Config resource types whose configuration items the bundle holds (and `collect`
        /// fetches), each with its typed reader in `docs::items`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        pub enum ResourceType {
            $($variant,)*
        }

        impl ResourceType {
            pub const ALL: &'static [ResourceType] = &[$(ResourceType::$variant,)*];

            /// The AWS Config name, e.g. `AWS::S3::Bucket`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ResourceType::$variant => $name,)*
                }
            }
        }
    };
}

resource_types! {
    CloudTrailTrail => "AWS::CloudTrail::Trail",
    Ec2SecurityGroup => "AWS::EC2::SecurityGroup",
    Ec2Volume => "AWS::EC2::Volume",
    ElbV2LoadBalancer => "AWS::ElasticLoadBalancingV2::LoadBalancer",
    KmsKey => "AWS::KMS::Key",
    RdsDbInstance => "AWS::RDS::DBInstance",
    S3AccountPublicAccessBlock => "AWS::S3::AccountPublicAccessBlock",
    S3Bucket => "AWS::S3::Bucket",
    SsmPatchCompliance => "AWS::SSM::PatchCompliance",
    Wafv2WebAcl => "AWS::WAFv2::WebACL",

    // Compute and network (checks/compute.rs, docs/items/compute.rs).
    Ec2Instance => "AWS::EC2::Instance",
    SsmManagedInstanceInventory => "AWS::SSM::ManagedInstanceInventory",
    Ec2LaunchTemplate => "AWS::EC2::LaunchTemplate",
    AutoScalingLaunchConfiguration => "AWS::AutoScaling::LaunchConfiguration",
    AutoScalingGroup => "AWS::AutoScaling::AutoScalingGroup",
    Ec2NetworkAcl => "AWS::EC2::NetworkAcl",
    Ec2Vpc => "AWS::EC2::VPC",
    Ec2FlowLog => "AWS::EC2::FlowLog",
    Ec2VpcEndpoint => "AWS::EC2::VPCEndpoint",
    Ec2VpnConnection => "AWS::EC2::VPNConnection",
    Ec2TransitGateway => "AWS::EC2::TransitGateway",
    Ec2ClientVpnEndpoint => "AWS::EC2::ClientVpnEndpoint",
    ShieldRegionalProtection => "AWS::ShieldRegional::Protection",
    CloudFrontDistribution => "AWS::CloudFront::Distribution",
    WafWebAcl => "AWS::WAF::WebACL",
    WafRegionalWebAcl => "AWS::WAFRegional::WebACL",
    WafRule => "AWS::WAF::Rule",
    WafRegionalRule => "AWS::WAFRegional::Rule",
    WafRuleGroup => "AWS::WAF::RuleGroup",
    WafRegionalRuleGroup => "AWS::WAFRegional::RuleGroup",
    NetworkFirewallPolicy => "AWS::NetworkFirewall::FirewallPolicy",
    ElbClassicLoadBalancer => "AWS::ElasticLoadBalancing::LoadBalancer",
    ElbV2Listener => "AWS::ElasticLoadBalancingV2::Listener",
    DmsReplicationInstance => "AWS::DMS::ReplicationInstance",
    DmsEndpoint => "AWS::DMS::Endpoint",
    DmsReplicationTask => "AWS::DMS::ReplicationTask",
    SageMakerNotebookInstance => "AWS::SageMaker::NotebookInstance",

    // Data protection (checks/data.rs, docs/items/data.rs).
    DynamoDbTable => "AWS::DynamoDB::Table",
    BackupPlan => "AWS::Backup::BackupPlan",
    BackupSelection => "AWS::Backup::BackupSelection",
    BackupRecoveryPoint => "AWS::Backup::RecoveryPoint",
    EfsFileSystem => "AWS::EFS::FileSystem",
    EfsAccessPoint => "AWS::EFS::AccessPoint",
    OpenSearchDomain => "AWS::OpenSearch::Domain",
    RedshiftCluster => "AWS::Redshift::Cluster",
    RedshiftClusterParameterGroup => "AWS::Redshift::ClusterParameterGroup",
    SnsTopic => "AWS::SNS::Topic",
    SqsQueue => "AWS::SQS::Queue",
    SecretsManagerSecret => "AWS::SecretsManager::Secret",
    AcmCertificate => "AWS::ACM::Certificate",
    RdsDbCluster => "AWS::RDS::DBCluster",
    RdsDbSnapshot => "AWS::RDS::DBSnapshot",
    RdsDbClusterSnapshot => "AWS::RDS::DBClusterSnapshot",
    RdsEventSubscription => "AWS::RDS::EventSubscription",
    S3AccessPoint => "AWS::S3::AccessPoint",
    KinesisStream => "AWS::Kinesis::Stream",
    MskCluster => "AWS::MSK::Cluster",
    AthenaWorkGroup => "AWS::Athena::WorkGroup",

    // Monitoring, logging, applications and identity (checks/monitoring.rs, docs/items/monitoring.rs).
    AmazonMqBroker => "AWS::AmazonMQ::Broker",
    ApiGatewayStage => "AWS::ApiGateway::Stage",
    ApiGatewayV2Stage => "AWS::ApiGatewayV2::Stage",
    AppSyncGraphQlApi => "AWS::AppSync::GraphQLApi",
    CloudWatchAlarm => "AWS::CloudWatch::Alarm",
    CodeBuildProject => "AWS::CodeBuild::Project",
    EcrRepository => "AWS::ECR::Repository",
    EcsService => "AWS::ECS::Service",
    EcsTaskDefinition => "AWS::ECS::TaskDefinition",
    EksCluster => "AWS::EKS::Cluster",
    GuardDutyDetector => "AWS::GuardDuty::Detector",
    LambdaFunction => "AWS::Lambda::Function",
    Route53HostedZone => "AWS::Route53::HostedZone",
    StepFunctionsStateMachine => "AWS::StepFunctions::StateMachine",

}

impl ResourceType {
    pub fn parse(name: &str) -> Option<ResourceType> {
        ResourceType::ALL.iter().copied().find(|t| t.as_str() == name)
    }

    /// The file name part: `AWS__S3__Bucket`.
    pub fn file_stem(self) -> String {
        self.as_str().replace("::", "__")
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One document of a bundle: its kind and the place it describes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId {
    pub kind: Kind,
    pub account: String,
    /// `None` for global documents (IAM).
    pub region: Option<String>,
    /// The Config rule name (`RuleDetails`), resource type (`Resources`) or conformance pack name.
    pub name: Option<String>,
}

impl DocId {
    pub fn global(kind: Kind, account: &str) -> DocId {
        DocId { kind, account: account.to_string(), region: None, name: None }
    }

    pub fn regional(kind: Kind, account: &str, region: &str) -> DocId {
        DocId { kind, account: account.to_string(), region: Some(region.to_string()), name: None }
    }

    pub fn rule(account: &str, region: &str, rule: &str) -> DocId {
        DocId { name: Some(rule.to_string()), ..DocId::regional(Kind::RuleDetails, account, region) }
    }

    /// A per-pack document (`ConformancePackCompliance` or `ConformancePackDetails`).
    pub fn pack(kind: Kind, account: &str, region: &str, pack: &str) -> DocId {
        DocId { name: Some(pack.to_string()), ..DocId::regional(kind, account, region) }
    }

    pub fn resources(account: &str, region: &str, t: ResourceType) -> DocId {
        DocId { name: Some(t.as_str().to_string()), ..DocId::regional(Kind::Resources, account, region) }
    }

    pub fn spec(&self) -> &'static Spec {
        self.kind.spec()
    }

    /// The resource type of a `Resources` document.
    pub fn resource_type(&self) -> Option<ResourceType> {
        (self.kind == Kind::Resources).then(|| self.name.as_deref().and_then(ResourceType::parse)).flatten()
    }

    /// `account/region` (or `account` for global documents): how findings name the scope.
    pub fn scope(&self) -> String {
        match &self.region {
            Some(r) => format!("{}/{r}", self.account),
            None => self.account.clone(),
        }
    }

    /// The path of the document inside a bundle.
    pub fn path(&self) -> String {
        let mut path = self.spec().pattern.replace("<account>", &self.account);
        if let Some(r) = &self.region {
            path = path.replace("<region>", r);
        }
        if let Some(n) = &self.name {
            let part = match self.kind {
                Kind::Resources => n.replace("::", "__"),
                _ => file_name(n),
            };
            path = path.replace("<rule-name>", &part).replace("<resource-type>", &part).replace("<pack-name>", &part);
        }
        path
    }

    /// The document a bundle path holds, if the catalogue knows it.
    pub fn parse(path: &str) -> Option<DocId> {
        let parts: Vec<&str> = path.split('/').collect();
        let account = *parts.first()?;
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let id = match parts.as_slice() {
            [_, "global", "iam", file] => {
                let kind = CATALOGUE.iter().find(|s| s.scope == Scope::Global && s.pattern.rsplit('/').next() == Some(*file))?.kind;
                DocId::global(kind, account)
            }
            [_, region, "config", file] if *region != "global" => {
                let kind = CATALOGUE.iter().find(|s| s.scope == Scope::Region && s.pattern.rsplit('/').next() == Some(*file))?.kind;
                DocId::regional(kind, account, region)
            }
            [_, region, "config", "get-compliance-details-by-config-rule", file] if *region != "global" => {
                let rule = rule_name(file.strip_suffix(".json").filter(|r| !r.is_empty())?)?;
                DocId::rule(account, region, &rule)
            }
            [_, region, "config", dir @ ("describe-conformance-pack-compliance" | "get-conformance-pack-compliance-details"), file]
                if *region != "global" =>
            {
                let pack = rule_name(file.strip_suffix(".json").filter(|r| !r.is_empty())?)?;
                let kind = if *dir == "describe-conformance-pack-compliance" {
                    Kind::ConformancePackCompliance
                } else {
                    Kind::ConformancePackDetails
                };
                DocId::pack(kind, account, region, &pack)
            }
            [_, region, "config", "resources", file] if *region != "global" => {
                let t = ResourceType::ALL.iter().copied().find(|t| file.strip_suffix(".json") == Some(t.file_stem().as_str()))?;
                DocId::resources(account, region, t)
            }
            _ => return None,
        };
        (id.path() == path).then_some(id)
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// A Config rule name (or a control id, for `manual_dir`) as a file name: AWS allows almost any
/// character in a rule name (`/` and `..` included), so every byte outside `A-Z a-z 0-9 - _` is
/// written `%XX` (a dot too, so no name can be `.` or `..`). Names made of those characters
/// alone, as rule names mostly are, stay as they are.
pub(crate) fn file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The rule name a file name stands for (`None` when it is not written as `file_name` writes).
fn rule_name(file: &str) -> Option<String> {
    let bytes = file.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The directory below which every file attached by hand lives: no document of the catalogue
/// sits there (their paths start with a 12-digit account id).
pub const MANUAL_ROOT: &str = "manual";

/// Whether a bundle path lies below `manual/`.
pub fn is_manual(path: &str) -> bool {
    path.strip_prefix(MANUAL_ROOT).is_some_and(|rest| rest.starts_with('/'))
}

/// The directory of the files attached to one control: `manual/<framework>/<control>`, the
/// control id percent-encoded as `file_name` writes rule names, so it is one path component
/// whatever the catalogue calls it (`164.308(a)(1)` → `164%2E308%28a%29%281%29`). The framework
/// id is used as it is; `manual_name` says whether it can be.
pub fn manual_dir(framework: &str, control: &str) -> String {
    format!("{MANUAL_ROOT}/{framework}/{}", file_name(control))
}

/// Whether a file (or framework) name may stand as it is in a `manual/` path: only
/// `A-Z a-z 0-9 . _ -`, not starting with a dot (so neither `.`, `..` nor a hidden file).
pub fn manual_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty".into());
    }
    if name.starts_with('.') {
        return Err(format!("{name:?} starts with a dot"));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        return Err(format!("{name:?} holds {c:?}; only A-Z a-z 0-9 . _ - are kept as they are"));
    }
    Ok(())
}

/// The documents a manifest entry (`gaps` or `absent`) stands for: one document, or, for an
/// entry without `path`, every document its action writes in its account and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    pub kinds: Vec<Kind>,
    pub account: String,
    pub region: Option<String>,
    /// A rule name or resource type; `None` matches every one.
    pub name: Option<String>,
}

impl Matcher {
    pub fn matches(&self, id: &DocId) -> bool {
        self.kinds.contains(&id.kind)
            && self.account == id.account
            && self.region == id.region
            && self.name.as_ref().is_none_or(|n| id.name.as_ref() == Some(n))
    }

    /// Resolve a manifest entry through the catalogue: its action must write a document, its
    /// region must fit the document's scope, and its path (optional) must be that document.
    pub fn of(e: super::manifest::Entry<'_>, absent: bool) -> Result<Matcher, String> {
        Matcher::resolve(e.api, e.account, e.region, e.path, absent)
    }

    pub fn resolve(api: &str, account: &str, region: Option<&str>, path: Option<&str>, absent: bool) -> Result<Matcher, String> {
        let specs: Vec<&Spec> = CATALOGUE.iter().filter(|s| s.actions.contains(&api)).collect();
        if specs.is_empty() {
            let known = actions();
            let hint = known
                .iter()
                .map(|a| (strsim::levenshtein(a, api), *a))
                .min()
                .filter(|(d, _)| *d <= 4)
                .map(|(_, a)| format!(" (did you mean {a}?)"))
                .unwrap_or_default();
            return Err(format!("api {api:?} writes no evidence document{hint}"));
        }
        if absent && !specs.iter().any(|s| s.can_be_absent) {
            return Err(format!("{api} cannot answer \"there is none\": only a missing password policy is recorded under absent"));
        }
        let global = specs[0].scope == Scope::Global;
        match (global, region) {
            (true, Some(r)) => return Err(format!("{api} is global (IAM) but the entry names region {r:?}")),
            (false, None) => return Err(format!("{api} is regional but the entry names no region")),
            _ => {}
        }
        let mut matcher = Matcher {
            kinds: specs.iter().map(|s| s.kind).collect(),
            account: account.to_string(),
            region: region.map(str::to_string),
            name: None,
        };
        if let Some(p) = path {
            let id = DocId::parse(p).ok_or_else(|| format!("path {p:?} is not a document of the evidence catalogue"))?;
            if !matcher.kinds.contains(&id.kind) || id.account != account || id.region.as_deref() != region {
                return Err(format!("path {p:?} is not a document {api} writes for {account}/{}", region.unwrap_or("global")));
            }
            matcher.kinds = vec![id.kind];
            matcher.name = id.name;
        }
        Ok(matcher)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_the_catalogue() {
        let a = "111122223333";
        let ids = vec![
            DocId::global(Kind::CredentialReport, a),
            DocId::global(Kind::PasswordPolicy, a),
            DocId::regional(Kind::Recorders, a, "eu-west-1"),
            DocId::regional(Kind::ResourceCounts, a, "us-east-1"),
            DocId::rule(a, "us-east-1", "restricted-ssh"),
            DocId::resources(a, "us-east-1", ResourceType::S3Bucket),
        ];
        for id in ids {
            assert_eq!(DocId::parse(&id.path()), Some(id.clone()), "{}", id.path());
        }
        assert_eq!(
            DocId::resources(a, "us-east-1", ResourceType::Ec2Volume).path(),
            format!("{a}/us-east-1/config/resources/AWS__EC2__Volume.json")
        );
        // Rule names are AWS's to choose: none can climb out of the bundle or hide as `..`.
        for rule in ["../../etc/passwd", "..", ".", "a/b", "tab\tand space", "ünï", "100%", "plain-rule_1"] {
            let id = DocId::rule(a, "us-east-1", rule);
            let path = id.path();
            let file = path.rsplit('/').next().unwrap();
            assert!(crate::evidence::paths::check_relative(&path).is_ok(), "{path}");
            assert_eq!(path.matches('/').count(), 4, "{path}");
            assert!(!file.starts_with('.'), "{path}");
            assert_eq!(DocId::parse(&path), Some(id), "{rule} round-trips");
        }
        assert!(DocId::rule(a, "us-east-1", "restricted-ssh").path().ends_with("/restricted-ssh.json"));
        assert_eq!(
            DocId::parse(&format!("{a}/us-east-1/config/get-compliance-details-by-config-rule/a%2fb.json")),
            None,
            "one spelling per name"
        );
        for bad in [
            "111122223333/global/iam/notes.txt",
            "111122223333/global/config/describe-config-rules.json",
            "111122223333/us-east-1/iam/credential-report.csv",
            "11112222333/global/iam/credential-report.csv",
            "111122223333/us-east-1/config/resources/AWS__Example__Unknown.json",
            "111122223333/us-east-1/config/get-compliance-details-by-config-rule/.json",
        ] {
            assert_eq!(DocId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn manual_dirs_encode_the_control_id_as_one_path_component() {
        assert_eq!(manual_dir("hipaa", "164.308(a)(1)"), "manual/hipaa/164%2E308%28a%29%281%29");
        assert_eq!(manual_dir("hipaa", "164.308(a)(5)(i)"), "manual/hipaa/164%2E308%28a%29%285%29%28i%29");
        assert_eq!(manual_dir("gdpr", "Art-32"), "manual/gdpr/Art-32");
        for control in ["../../etc", "..", ".", "a/b", "12.10.1", "Art. 30", "ünï"] {
            let dir = manual_dir("pci-dss-4.0", control);
            assert!(crate::evidence::paths::check_relative(&dir).is_ok(), "{dir}");
            assert_eq!(dir.matches('/').count(), 2, "{dir}");
            let last = dir.rsplit('/').next().unwrap();
            assert!(!last.starts_with('.'), "{dir}");
            assert_eq!(rule_name(last).as_deref(), Some(control), "{control} can be read back");
            assert!(is_manual(&dir));
        }
        assert_ne!(manual_dir("x", "a.b"), manual_dir("x", "a_b"), "distinct ids, distinct directories");
        assert!(!is_manual("manual") && !is_manual("manuals/x") && !is_manual("111122223333/global/iam/x"));
        for ok in ["training-2026.pdf", "Policy_v2.docx", "a"] {
            assert!(manual_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".", "..", ".hidden", "a b.pdf", "a/b", "a\\b", "ünï.pdf", "a%2E.pdf"] {
            assert!(manual_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn manifest_entries_resolve_by_api_account_and_region() {
        let a = "111122223333";
        let m = Matcher::resolve("iam:GetAccountPasswordPolicy", a, None, None, true).unwrap();
        assert!(m.matches(&DocId::global(Kind::PasswordPolicy, a)));
        let m = Matcher::resolve("config:GetComplianceDetailsByConfigRule", a, Some("us-east-1"), None, false).unwrap();
        assert!(m.matches(&DocId::rule(a, "us-east-1", "any-rule")));
        assert!(!m.matches(&DocId::rule(a, "eu-west-1", "any-rule")));
        assert!(Matcher::resolve("iam:GetAccountPasswordPolicy", a, Some("us-east-1"), None, false).is_err());
        assert!(Matcher::resolve("config:DescribeConfigRules", a, None, None, false).is_err());
        assert!(Matcher::resolve("iam:GetAccountSummary", a, None, None, true).is_err(), "only the password policy can be absent");
        let e = Matcher::resolve("iam:GetAccountPasswordPolicyy", a, None, None, false).unwrap_err();
        assert!(e.contains("did you mean iam:GetAccountPasswordPolicy"), "{e}");
        let p = format!("{a}/global/iam/credential-report.csv");
        assert!(Matcher::resolve("iam:GetAccountSummary", a, None, Some(&p), false).is_err(), "path of another action");
        assert!(Matcher::resolve("iam:GenerateCredentialReport", a, None, Some(&p), false).is_ok());
    }
}
