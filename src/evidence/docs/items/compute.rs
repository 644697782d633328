//! Typed configurations of EC2 instances and their management, network ACLs, VPCs, flow logs, endpoints and
//! gateways, CloudFront, WAF, Shield, Network Firewall and load balancer listeners. Each struct keeps only what the checks read, with the
//! field names AWS Config writes for the type; a field of the wrong JSON type makes the item
//! unreadable, so its resource is not assessed.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
#[allow(unused_imports)]
use serde::Deserialize;

#[allow(unused_imports)]
use super::{embedded, from_configuration, supplementary, FromItem, Sup, Supplementary};
use crate::evidence::docs::loose_bool;

fn not_read<T>() -> Supplementary<T> {
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// EC2 instances, launch templates, Auto Scaling, Systems Manager inventory

/// `AWS::EC2::Instance`: the DescribeInstances shape, camelCase.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Instance {
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub state: Option<InstanceState>,
    #[serde(default)]
    pub metadata_options: Option<MetadataOptions>,
    #[serde(default)]
    pub public_ip_address: Option<String>,
    #[serde(default)]
    pub network_interfaces: Option<Vec<InstanceInterface>>,
    #[serde(default)]
    pub monitoring: Option<InstanceMonitoring>,
    /// ISO 8601 text as AWS Config writes it (kept raw: a number is no time the check can trust).
    #[serde(default)]
    pub launch_time: Option<serde_json::Value>,
    #[serde(default)]
    pub iam_instance_profile: Option<InstanceProfile>,
}

#[derive(Debug, Deserialize)]
pub struct InstanceState {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataOptions {
    #[serde(default)]
    pub http_tokens: Option<String>,
    #[serde(default)]
    pub http_endpoint: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct InstanceInterface {
    #[serde(default)]
    pub association: Option<InterfaceAssociation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InterfaceAssociation {
    #[serde(default)]
    pub public_ip: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct InstanceMonitoring {
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct InstanceProfile {
    #[serde(default)]
    pub arn: Option<String>,
}

/// `AWS::SSM::ManagedInstanceInventory`: the inventory of one instance Systems Manager manages
/// (its resource id is the instance id). Only its existence is read; it must be a JSON object.
#[derive(Debug, Deserialize)]
pub struct ManagedInstanceInventory(#[allow(dead_code)] BTreeMap<String, IgnoredAny>);

/// `AWS::EC2::LaunchTemplate`: CloudFormation property names (PascalCase); the data of the
/// version AWS Config recorded.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplate {
    #[serde(default)]
    pub launch_template_name: Option<String>,
    #[serde(default)]
    pub launch_template_data: Option<LaunchTemplateData>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateData {
    #[serde(default)]
    pub network_interfaces: Option<Vec<TemplateInterface>>,
    #[serde(default)]
    pub metadata_options: Option<TemplateMetadataOptions>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TemplateInterface {
    #[serde(default, deserialize_with = "loose_bool::option")]
    pub associate_public_ip_address: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TemplateMetadataOptions {
    #[serde(default)]
    pub http_tokens: Option<String>,
    #[serde(default)]
    pub http_endpoint: Option<String>,
}

/// `AWS::AutoScaling::LaunchConfiguration`, camelCase.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchConfiguration {
    #[serde(default)]
    pub launch_configuration_name: Option<String>,
    #[serde(default)]
    pub metadata_options: Option<MetadataOptions>,
}

/// `AWS::AutoScaling::AutoScalingGroup`, camelCase.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoScalingGroup {
    #[serde(default)]
    pub auto_scaling_group_name: Option<String>,
    #[serde(default)]
    pub launch_configuration_name: Option<String>,
    #[serde(default)]
    pub launch_template: Option<IgnoredAny>,
    #[serde(default)]
    pub mixed_instances_policy: Option<IgnoredAny>,
}

// ---------------------------------------------------------------------------------------------
// VPC networking

/// `AWS::EC2::NetworkAcl`, camelCase.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkAcl {
    #[serde(default)]
    pub network_acl_id: Option<String>,
    #[serde(default)]
    pub is_default: Option<bool>,
    #[serde(default)]
    pub entries: Option<Vec<NaclEntry>>,
    #[serde(default)]
    pub associations: Option<Vec<NaclAssociation>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NaclEntry {
    pub rule_number: i64,
    pub protocol: String,
    pub rule_action: String,
    pub egress: bool,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub port_range: Option<PortRange>,
}

#[derive(Debug, Deserialize)]
pub struct PortRange {
    #[serde(default)]
    pub from: Option<i64>,
    #[serde(default)]
    pub to: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NaclAssociation {
    #[serde(default)]
    pub subnet_id: Option<String>,
}

/// `AWS::EC2::VPC`, camelCase.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vpc {
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub is_default: Option<bool>,
}

/// `AWS::EC2::FlowLog`, camelCase (`resourceId` is the VPC, subnet or interface it watches).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowLog {
    #[serde(default)]
    pub flow_log_id: Option<String>,
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub flow_log_status: Option<String>,
}

/// `AWS::EC2::VPCEndpoint`, camelCase.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpcEndpoint {
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub service_name: Option<String>,
}

/// `AWS::EC2::VPNConnection`, camelCase.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpnConnection {
    #[serde(default)]
    pub vpn_connection_id: Option<String>,
    #[serde(default)]
    pub vgw_telemetry: Option<Vec<VgwTelemetry>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VgwTelemetry {
    #[serde(default)]
    pub outside_ip_address: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

/// `AWS::EC2::TransitGateway`: CloudFormation property names (PascalCase).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGateway {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub auto_accept_shared_attachments: Option<String>,
}

/// `AWS::EC2::ClientVpnEndpoint`: CloudFormation property names (PascalCase).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientVpnEndpoint {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub connection_log_options: Option<ConnectionLogOptions>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectionLogOptions {
    #[serde(default, deserialize_with = "loose_bool::option")]
    pub enabled: Option<bool>,
}

/// `AWS::ShieldRegional::Protection`: CloudFormation property names (PascalCase).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ShieldProtection {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub resource_arn: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// CloudFront

/// `AWS::CloudFront::Distribution`: the GetDistribution shape, camelCase.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Distribution {
    #[serde(default)]
    pub domain_name: Option<String>,
    #[serde(default)]
    pub distribution_config: Option<DistributionConfig>,
}

/// A CloudFront list: `{"quantity": n, "items": [...]}` (`items` left out when empty).
#[derive(Debug, Deserialize)]
pub struct CfList<T> {
    #[serde(default)]
    pub quantity: Option<i64>,
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistributionConfig {
    #[serde(default)]
    pub default_cache_behavior: Option<CacheBehavior>,
    #[serde(default)]
    pub cache_behaviors: Option<CfList<CacheBehavior>>,
    #[serde(default)]
    pub origins: Option<CfList<Origin>>,
    #[serde(default)]
    pub viewer_certificate: Option<ViewerCertificate>,
    #[serde(default)]
    pub logging: Option<DistributionLogging>,
    #[serde(default, rename = "webACLId")]
    pub web_acl_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheBehavior {
    #[serde(default)]
    pub path_pattern: Option<String>,
    #[serde(default)]
    pub viewer_protocol_policy: Option<String>,
    #[serde(default)]
    pub realtime_log_config_arn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Origin {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub domain_name: Option<String>,
    #[serde(default)]
    pub s3_origin_config: Option<IgnoredAny>,
    #[serde(default)]
    pub custom_origin_config: Option<CustomOriginConfig>,
    #[serde(default)]
    pub origin_access_control_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomOriginConfig {
    #[serde(default)]
    pub origin_protocol_policy: Option<String>,
    #[serde(default)]
    pub origin_ssl_protocols: Option<CfList<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewerCertificate {
    #[serde(default)]
    pub cloud_front_default_certificate: Option<bool>,
    #[serde(default)]
    pub certificate_source: Option<String>,
    #[serde(default)]
    pub ssl_support_method: Option<String>,
    #[serde(default)]
    pub acm_certificate_arn: Option<String>,
    #[serde(default)]
    pub iam_certificate_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DistributionLogging {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub bucket: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// WAF Classic (global and regional) and the rules of WAFv2 web ACLs

/// A WAFv2 rule as the web ACL item lists it (`rules`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wafv2Rule {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub visibility_config: Option<VisibilityConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisibilityConfig {
    #[serde(default)]
    pub cloud_watch_metrics_enabled: Option<bool>,
}

/// A WAF Classic web ACL (`AWS::WAF::WebACL` and `AWS::WAFRegional::WebACL` share the shape).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicWebAcl {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub rules_list: Option<Vec<IgnoredAny>>,
}

/// A WAF Classic rule: its conditions are `predicateList`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicRule {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub predicate_list: Option<Vec<IgnoredAny>>,
}

/// A WAF Classic rule group.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicRuleGroup {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub rules: Option<Vec<IgnoredAny>>,
}

/// `AWS::WAF::WebACL` (global, for CloudFront).
#[derive(Debug, Deserialize)]
pub struct WafWebAcl(pub ClassicWebAcl);
/// `AWS::WAFRegional::WebACL`.
#[derive(Debug, Deserialize)]
pub struct WafRegionalWebAcl(pub ClassicWebAcl);
/// `AWS::WAF::Rule`.
#[derive(Debug, Deserialize)]
pub struct WafRule(pub ClassicRule);
/// `AWS::WAFRegional::Rule`.
#[derive(Debug, Deserialize)]
pub struct WafRegionalRule(pub ClassicRule);
/// `AWS::WAF::RuleGroup`.
#[derive(Debug, Deserialize)]
pub struct WafRuleGroup(pub ClassicRuleGroup);
/// `AWS::WAFRegional::RuleGroup`.
#[derive(Debug, Deserialize)]
pub struct WafRegionalRuleGroup(pub ClassicRuleGroup);

// ---------------------------------------------------------------------------------------------
// Network Firewall

/// `AWS::NetworkFirewall::FirewallPolicy`: DescribeFirewallPolicy, camelCase.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirewallPolicy {
    #[serde(default)]
    pub firewall_policy: Option<FirewallPolicyBody>,
    #[serde(default)]
    pub firewall_policy_response: Option<FirewallPolicyResponse>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirewallPolicyBody {
    #[serde(default)]
    pub stateless_default_actions: Option<Vec<String>>,
    #[serde(default)]
    pub stateless_fragment_default_actions: Option<Vec<String>>,
    #[serde(default)]
    pub stateless_rule_group_references: Option<Vec<IgnoredAny>>,
    #[serde(default)]
    pub stateful_rule_group_references: Option<Vec<IgnoredAny>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirewallPolicyResponse {
    #[serde(default)]
    pub firewall_policy_name: Option<String>,
    #[serde(default)]
    pub number_of_associations: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Load balancers

/// `AWS::ElasticLoadBalancing::LoadBalancer` (Classic): DescribeLoadBalancers, camelCase, with
/// the `LoadBalancerAttributes` supplementary entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicLoadBalancer {
    #[serde(default)]
    pub load_balancer_name: Option<String>,
    #[serde(default)]
    pub listener_descriptions: Option<Vec<ListenerDescription>>,
    #[serde(skip, default = "not_read")]
    pub attributes: Supplementary<ClassicAttributes>,
}

#[derive(Debug, Deserialize)]
pub struct ListenerDescription {
    #[serde(default)]
    pub listener: Option<ClassicListener>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicListener {
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default)]
    pub load_balancer_port: Option<i64>,
    #[serde(default, rename = "sslcertificateId")]
    pub ssl_certificate_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicAttributes {
    #[serde(default)]
    pub access_log: Option<ClassicAccessLog>,
    #[serde(default)]
    pub additional_attributes: Option<Vec<KeyValue>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicAccessLog {
    #[serde(default, deserialize_with = "loose_bool::option")]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub s3_bucket_name: Option<String>,
}

/// `{"key": ..., "value": ...}`, as load balancer attributes are listed.
#[derive(Debug, Deserialize)]
pub struct KeyValue {
    pub key: String,
    #[serde(default)]
    pub value: Option<String>,
}

impl FromItem for ClassicLoadBalancer {
    fn from_item(raw: &serde_json::value::RawValue, sup: &Sup<'_>) -> Result<Self, String> {
        let mut lb: ClassicLoadBalancer = embedded(raw)?;
        lb.attributes = supplementary(sup("LoadBalancerAttributes"));
        Ok(lb)
    }
}

/// `AWS::ElasticLoadBalancingV2::Listener`: CloudFormation property names (PascalCase).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Listener {
    #[serde(default)]
    pub listener_arn: Option<String>,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default)]
    pub ssl_policy: Option<String>,
    #[serde(default)]
    pub default_actions: Option<Vec<ListenerAction>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListenerAction {
    #[serde(default, rename = "Type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub redirect_config: Option<RedirectConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RedirectConfig {
    #[serde(default)]
    pub protocol: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// DMS, SageMaker notebooks

/// `AWS::DMS::ReplicationInstance`: CloudFormation property names (PascalCase).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DmsReplicationInstance {
    #[serde(default)]
    pub replication_instance_identifier: Option<String>,
    #[serde(default, deserialize_with = "loose_bool::option")]
    pub publicly_accessible: Option<bool>,
}

/// `AWS::DMS::Endpoint`: CloudFormation property names (PascalCase).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DmsEndpoint {
    #[serde(default)]
    pub endpoint_identifier: Option<String>,
    #[serde(default)]
    pub engine_name: Option<String>,
    #[serde(default)]
    pub ssl_mode: Option<String>,
    #[serde(default)]
    pub redis_settings: Option<RedisSettings>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RedisSettings {
    #[serde(default)]
    pub ssl_security_protocol: Option<String>,
}

/// `AWS::DMS::ReplicationTask`: CloudFormation property names (PascalCase); the task settings
/// are a JSON document in a string.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DmsReplicationTask {
    #[serde(default)]
    pub replication_task_identifier: Option<String>,
    #[serde(default)]
    pub replication_task_settings: Option<String>,
}

/// `AWS::SageMaker::NotebookInstance`: CloudFormation property names (PascalCase).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotebookInstance {
    #[serde(default)]
    pub notebook_instance_name: Option<String>,
    #[serde(default)]
    pub direct_internet_access: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub root_access: Option<String>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

from_configuration!(
    Instance,
    ManagedInstanceInventory,
    LaunchTemplate,
    LaunchConfiguration,
    AutoScalingGroup,
    NetworkAcl,
    Vpc,
    FlowLog,
    VpcEndpoint,
    VpnConnection,
    TransitGateway,
    ClientVpnEndpoint,
    ShieldProtection,
    Distribution,
    WafWebAcl,
    WafRegionalWebAcl,
    WafRule,
    WafRegionalRule,
    WafRuleGroup,
    WafRegionalRuleGroup,
    FirewallPolicy,
    Listener,
    DmsReplicationInstance,
    DmsEndpoint,
    DmsReplicationTask,
    NotebookInstance,
);
