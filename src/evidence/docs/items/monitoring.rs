//! Typed configurations of alarms, GuardDuty detectors, Lambda functions, API Gateway stages,
//! AppSync APIs, container registries, services and task definitions, EKS clusters, build
//! projects, state machines, message brokers and hosted zones. Each struct keeps only what the
//! checks read, with the field names AWS Config writes for the type (camelCase for the older
//! Describe-shaped types, PascalCase for the CloudFormation-registry ones, as the
//! aws-config-resource-schema files give them); a field of the wrong JSON type makes the item
//! unreadable, so its resource is not assessed.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{embedded, supplementary, FromItem, Sup, Supplementary};
use crate::evidence::docs::policy::PolicyDocument;

// ---------------------------------------------------------------------------------------------
// AWS::CloudWatch::Alarm (DescribeAlarms shape)

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alarm {
    #[serde(default)]
    pub alarm_name: Option<String>,
    #[serde(default)]
    pub actions_enabled: Option<bool>,
    #[serde(default)]
    pub alarm_actions: Option<Vec<String>>,
}

// ---------------------------------------------------------------------------------------------
// AWS::GuardDuty::Detector (CloudFormation shape)

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Detector {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub enable: Option<bool>,
}

// ---------------------------------------------------------------------------------------------
// AWS::Lambda::Function (GetFunctionConfiguration shape)

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LambdaFunction {
    #[serde(default)]
    pub function_name: Option<String>,
    #[serde(default)]
    pub runtime: Option<String>,
    /// `Zip` or `Image` (a container image has no managed runtime).
    #[serde(default)]
    pub package_type: Option<String>,
    #[serde(default)]
    pub vpc_config: Option<LambdaVpcConfig>,
    /// The resource-based policy (supplementary `Policy`): `Ok(None)` when the item has none.
    #[serde(skip, default = "no_policy")]
    pub policy: Supplementary<PolicyDocument>,
}

fn no_policy() -> Supplementary<PolicyDocument> {
    Ok(None)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LambdaVpcConfig {
    #[serde(default)]
    pub subnet_ids: Option<Vec<String>>,
}

impl FromItem for LambdaFunction {
    fn from_item(raw: &serde_json::value::RawValue, sup: &Sup<'_>) -> Result<Self, String> {
        let mut f: LambdaFunction = embedded(raw)?;
        f.policy = supplementary::<PolicyDocument>(sup("Policy")).map_err(|e| format!("Policy: {e}"));
        Ok(f)
    }
}

// ---------------------------------------------------------------------------------------------
// AWS::ApiGateway::Stage (GetStage shape) and AWS::ApiGatewayV2::Stage

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiStage {
    #[serde(default)]
    pub stage_name: Option<String>,
    #[serde(default)]
    pub cache_cluster_enabled: Option<bool>,
    #[serde(default)]
    pub tracing_enabled: Option<bool>,
    #[serde(default)]
    pub web_acl_arn: Option<String>,
    /// Per method (`*/*` for the stage default, `~1path/GET` for one method).
    #[serde(default)]
    pub method_settings: Option<BTreeMap<String, MethodSetting>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodSetting {
    #[serde(default)]
    pub logging_level: Option<String>,
    #[serde(default)]
    pub caching_enabled: Option<bool>,
    #[serde(default)]
    pub cache_data_encrypted: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiV2Stage {
    #[serde(default)]
    pub stage_name: Option<String>,
    #[serde(default)]
    pub access_log_settings: Option<AccessLogSettings>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessLogSettings {
    #[serde(default)]
    pub destination_arn: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// AWS::AppSync::GraphQLApi (CloudFormation shape)

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GraphQlApi {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub log_config: Option<AppSyncLogConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppSyncLogConfig {
    #[serde(default)]
    pub field_log_level: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// AWS::ECR::Repository (CloudFormation shape)

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EcrRepository {
    #[serde(default)]
    pub repository_name: Option<String>,
    #[serde(default)]
    pub image_scanning_configuration: Option<ImageScanning>,
    #[serde(default)]
    pub lifecycle_policy: Option<LifecyclePolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageScanning {
    #[serde(default)]
    pub scan_on_push: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecyclePolicy {
    #[serde(default)]
    pub lifecycle_policy_text: Option<String>,
    #[serde(default)]
    pub registry_id: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// AWS::ECS::Service and AWS::ECS::TaskDefinition (CloudFormation shape)

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EcsService {
    #[serde(default)]
    pub service_name: Option<String>,
    #[serde(default)]
    pub launch_type: Option<String>,
    #[serde(default)]
    pub platform_version: Option<String>,
    #[serde(default)]
    pub capacity_provider_strategy: Option<Vec<CapacityProviderItem>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CapacityProviderItem {
    #[serde(default)]
    pub capacity_provider: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskDefinition {
    #[serde(default)]
    pub family: Option<String>,
    /// `ACTIVE` or `INACTIVE` (a deregistered revision).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub network_mode: Option<String>,
    #[serde(default)]
    pub pid_mode: Option<String>,
    #[serde(default)]
    pub container_definitions: Option<Vec<ContainerDefinition>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerDefinition {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub privileged: Option<bool>,
    #[serde(default)]
    pub readonly_root_filesystem: Option<bool>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub environment: Option<Vec<NameValue>>,
    #[serde(default)]
    pub log_configuration: Option<LogConfiguration>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NameValue {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogConfiguration {
    #[serde(default)]
    pub log_driver: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// AWS::EKS::Cluster (CloudFormation shape)

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksCluster {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub resources_vpc_config: Option<EksVpcConfig>,
    #[serde(default)]
    pub encryption_config: Option<Vec<EksEncryption>>,
    #[serde(default)]
    pub logging: Option<EksLogging>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksVpcConfig {
    #[serde(default)]
    pub endpoint_public_access: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksEncryption {
    #[serde(default)]
    pub resources: Option<Vec<String>>,
    #[serde(default)]
    pub provider: Option<EksKeyProvider>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksKeyProvider {
    #[serde(default)]
    pub key_arn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksLogging {
    #[serde(default)]
    pub cluster_logging: Option<EksClusterLogging>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksClusterLogging {
    #[serde(default)]
    pub enabled_types: Option<Vec<EksLogType>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksLogType {
    #[serde(rename = "Type")]
    pub kind: String,
}

// ---------------------------------------------------------------------------------------------
// AWS::CodeBuild::Project (BatchGetProjects shape)

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildProject {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub environment: Option<BuildEnvironment>,
    #[serde(default)]
    pub logs_config: Option<BuildLogs>,
    #[serde(default)]
    pub source: Option<BuildSource>,
    #[serde(default)]
    pub secondary_sources: Option<Vec<BuildSource>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildEnvironment {
    #[serde(default)]
    pub environment_variables: Option<Vec<BuildVariable>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildVariable {
    pub name: String,
    #[serde(default)]
    pub value: Option<String>,
    /// `PLAINTEXT`, `PARAMETER_STORE` or `SECRETS_MANAGER`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildLogs {
    #[serde(default)]
    pub cloud_watch_logs: Option<BuildLogTarget>,
    #[serde(default)]
    pub s3_logs: Option<BuildLogTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildLogTarget {
    /// `ENABLED` or `DISABLED`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub encryption_disabled: Option<bool>,
    #[serde(default)]
    pub location: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildSource {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// AWS::StepFunctions::StateMachine, AWS::AmazonMQ::Broker, AWS::Route53::HostedZone
// (CloudFormation shape)

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StateMachine {
    #[serde(default)]
    pub state_machine_name: Option<String>,
    #[serde(default)]
    pub logging_configuration: Option<StateMachineLogging>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StateMachineLogging {
    /// `ALL`, `ERROR`, `FATAL` or `OFF`.
    #[serde(default)]
    pub level: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MqBroker {
    #[serde(default)]
    pub broker_name: Option<String>,
    /// `ACTIVEMQ` or `RABBITMQ`.
    #[serde(default)]
    pub engine_type: Option<String>,
    #[serde(default)]
    pub logs: Option<MqLogs>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MqLogs {
    #[serde(default)]
    pub audit: Option<bool>,
    #[serde(default)]
    pub general: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HostedZone {
    #[serde(default)]
    pub name: Option<String>,
    /// The VPCs a private zone is associated with (none for a public zone).
    #[serde(default, rename = "VPCs")]
    pub vpcs: Option<Vec<serde_json::Value>>,
    /// The query logging configuration; the schema flattens it to
    /// `QueryLoggingConfig.CloudWatchLogsLogGroupArn.CloudWatchLogsLogGroupArn`, so it is read
    /// as an object or a list of them, its log group as a string or such an object.
    #[serde(default)]
    pub query_logging_config: Option<serde_json::Value>,
}

impl HostedZone {
    /// The log group query logs go to: `Ok(None)` when the item says none, `Err` when the entry
    /// is of a shape not documented.
    pub fn query_log_group(&self) -> Result<Option<String>, String> {
        use serde_json::Value;
        fn group(v: &Value) -> Result<Option<String>, String> {
            match v {
                Value::Null => Ok(None),
                Value::Object(m) => match m.get("CloudWatchLogsLogGroupArn") {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s.clone()).filter(|s| !s.is_empty())),
                    Some(inner @ Value::Object(_)) => group(inner),
                    Some(other) => Err(format!("CloudWatchLogsLogGroupArn is {other}, not an ARN")),
                },
                other => Err(format!("QueryLoggingConfig holds {other}, not an object")),
            }
        }
        match &self.query_logging_config {
            None => Ok(None),
            Some(Value::Array(list)) => {
                for v in list {
                    if let Some(g) = group(v)? {
                        return Ok(Some(g));
                    }
                }
                Ok(None)
            }
            Some(v) => group(v),
        }
    }
}

from_configuration!(
    Alarm,
    Detector,
    ApiStage,
    ApiV2Stage,
    GraphQlApi,
    EcrRepository,
    EcsService,
    TaskDefinition,
    EksCluster,
    BuildProject,
    StateMachine,
    MqBroker,
    HostedZone
);
