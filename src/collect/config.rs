//! AWS Config evidence of one region: recorders and their status, delivery channels, rules, rule
//! compliance (summary and per-resource details for every rule), and the configuration items of
//! every resource type the checks read (list-discovered-resources, then batch-get-resource-config
//! in batches of 100: the cost follows pages, never one call per resource).

use aws_sdk_config::types::{
    BaseConfigurationItem, Compliance, ComplianceByConfigRule, ComplianceContributorCount, ComplianceType, ConfigRule, ConfigRuleState,
    ConfigSnapshotDeliveryProperties, ConfigurationItemStatus, ConfigurationRecorder, ConfigurationRecorderStatus,
    ConformancePackComplianceType, ConformancePackDetail, ConformancePackEvaluationResult, ConformancePackRuleCompliance,
    CustomPolicyDetails, DeliveryChannel, EvaluationMode, EvaluationModeConfiguration, EvaluationResult, EvaluationResultIdentifier,
    EvaluationResultQualifier, EventSource, ExclusionByResourceTypes, MaximumExecutionFrequency, MessageType, Owner, RecorderStatus,
    RecordingFrequency, RecordingGroup, RecordingMode, RecordingModeOverride, RecordingScope, RecordingStrategy, RecordingStrategyType,
    ResourceKey, ResourceType as ResourceType_, Scope, Source, SourceDetail,
};
use aws_sdk_config::Client;
use serde_json::Value;

use super::json::{enum_to_json, j, obj, wrap, ToJson};
use super::{Ctx, Error, Failure};
use crate::evidence::docs::{RecorderStatuses, Recorders};
use crate::evidence::{DocId, Kind, ResourceType};

pub(super) fn path(ctx: &Ctx<'_>, kind: Kind, region: &str) -> String {
    DocId::regional(kind, &ctx.account, region).path()
}

enum_to_json!(
    ComplianceType,
    ConformancePackComplianceType,
    ConfigRuleState,
    ConfigurationItemStatus,
    EvaluationMode,
    EventSource,
    MaximumExecutionFrequency,
    MessageType,
    Owner,
    RecorderStatus,
    RecordingFrequency,
    RecordingScope,
    RecordingStrategyType,
    ResourceType_,
);

/// batch-get-resource-config takes at most 100 keys.
const BATCH: usize = 100;
/// Unprocessed keys are asked for again this many times before they become a gap.
const UNPROCESSED_ROUNDS: usize = 3;

/// Collect one region. `Ok(false)` when the account has not enabled the region (recorded as a
/// gap; the region is then left out of the bundle's regions). With `aggregated`, the rule
/// compliance and the configuration items come from the aggregator (`aggregate`), and only the
/// region's own settings (recorders, channels, rules, conformance packs) are read here.
pub(crate) async fn collect_region(ctx: &Ctx<'_>, client: Client, region: String, probe: bool, aggregated: bool) -> Result<bool, Error> {
    let r = region.as_str();
    let recorders_path = path(ctx, Kind::Recorders, r);
    let recorders = ctx.limited(client.describe_configuration_recorders().send()).await;
    let recorders = match recorders {
        Ok(out) => {
            let items: Vec<Value> = out.configuration_recorders().iter().map(ToJson::to_json).collect();
            Some(ctx.write_json(&recorders_path, &wrap("ConfigurationRecorders", items))?)
        }
        Err(e) => {
            let f = Failure::from_sdk(&e);
            if probe && f.region_not_enabled() {
                let f = Failure::new("RegionNotEnabled", format!("the account has not enabled {r} ({f})"));
                ctx.gap("config:DescribeConfigurationRecorders", Some(r), &recorders_path, f);
                ctx.progress.done(&format!("{}/{r}: not enabled for this account, skipped", ctx.account));
                return Ok(false);
            }
            ctx.gap("config:DescribeConfigurationRecorders", Some(r), &recorders_path, f);
            None
        }
    };

    let (status, channels, rules, packs) = tokio::join!(
        recorder_status(ctx, &client, r),
        delivery_channels(ctx, &client, r),
        rules(ctx, &client, r, aggregated),
        conformance_packs(ctx, &client, r)
    );
    let (status, ()) = (status?, channels?);
    let rule_count = rules?;
    let pack_count = packs?;

    // Resource types a region's recorder does not record cannot be evidence (the checks mark
    // them not assessed), so they are not fetched. The coverage is read from the files just
    // written, through the catalogue's readers, exactly as the checks will read it.
    let mut types = Vec::new();
    if aggregated {
        ctx.progress.done(&format!(
            "{}/{r}: {rule_count} Config rule(s), {pack_count} conformance pack(s); compliance and items from the aggregator",
            ctx.account
        ));
        return Ok(true);
    }
    if let (Some(recorders), Some(status)) = (recorders, status) {
        let id = DocId::regional(Kind::Recorders, &ctx.account, r);
        let recorders: Option<Recorders> = crate::evidence::docs::parse(&recorders, &id);
        let status: Option<RecorderStatuses> =
            crate::evidence::docs::parse(&status, &DocId::regional(Kind::RecorderStatus, &ctx.account, r));
        if let (Some(recorders), Some(status)) = (recorders, status) {
            if !recorders.recorders.is_empty() {
                resource_counts(ctx, &client, r).await?;
            }
            types = ResourceType::ALL.iter().copied().filter(|t| recorders.record(&status, t.as_str())).collect();
        }
    }
    let fetched = futures_util::future::join_all(types.iter().map(|t| resources(ctx, &client, r, *t))).await;
    let mut items = 0;
    for n in fetched {
        items += n?;
    }
    ctx.progress.done(&format!(
        "{}/{r}: {rule_count} Config rule(s), {pack_count} conformance pack(s), {items} configuration item(s) of {} resource type(s)",
        ctx.account,
        types.len()
    ));
    Ok(true)
}

/// Returns the bytes written (for the recording coverage) when the call succeeded.
async fn recorder_status(ctx: &Ctx<'_>, client: &Client, r: &str) -> Result<Option<Vec<u8>>, Error> {
    let path = path(ctx, Kind::RecorderStatus, r);
    let answer = ctx.limited(client.describe_configuration_recorder_status().send()).await;
    match answer {
        Ok(out) => {
            let items: Vec<Value> = out.configuration_recorders_status().iter().map(ToJson::to_json).collect();
            Ok(Some(ctx.write_json(&path, &wrap("ConfigurationRecordersStatus", items))?))
        }
        Err(e) => {
            ctx.gap("config:DescribeConfigurationRecorderStatus", Some(r), &path, Failure::from_sdk(&e));
            Ok(None)
        }
    }
}

async fn delivery_channels(ctx: &Ctx<'_>, client: &Client, r: &str) -> Result<(), Error> {
    let path = path(ctx, Kind::DeliveryChannels, r);
    let answer = ctx.limited(client.describe_delivery_channels().send()).await;
    match answer {
        Ok(out) => {
            ctx.write_json(&path, &wrap("DeliveryChannels", out.delivery_channels().iter().map(ToJson::to_json).collect()))?;
            Ok(())
        }
        Err(e) => {
            ctx.gap("config:DescribeDeliveryChannels", Some(r), &path, Failure::from_sdk(&e));
            Ok(())
        }
    }
}

/// The rules, their compliance summary, and the evaluation results of every rule (the rules
/// alone when the aggregator answers for their compliance). Returns the number of rules.
async fn rules(ctx: &Ctx<'_>, client: &Client, r: &str, aggregated: bool) -> Result<usize, Error> {
    let rules_path = path(ctx, Kind::ConfigRules, r);
    let compliance_path = path(ctx, Kind::ComplianceByRule, r);
    let (rules, compliance) =
        tokio::join!(async { all_pages!(ctx, client.describe_config_rules().into_paginator(), config_rules) }, async {
            if aggregated {
                return None;
            }
            Some(all_pages!(ctx, client.describe_compliance_by_config_rule().into_paginator(), compliance_by_config_rules))
        },);
    match compliance {
        None => {}
        Some(Ok(items)) => {
            ctx.write_json(&compliance_path, &wrap("ComplianceByConfigRules", items))?;
        }
        Some(Err(f)) => ctx.gap("config:DescribeComplianceByConfigRule", Some(r), &compliance_path, f),
    }
    let rules = match rules {
        Ok(items) => {
            ctx.write_json(&rules_path, &wrap("ConfigRules", items.clone()))?;
            items
        }
        Err(f) => {
            ctx.gap("config:DescribeConfigRules", Some(r), &rules_path, f);
            return Ok(0);
        }
    };
    let names: Vec<String> =
        rules.iter().filter_map(|rule| rule.get("ConfigRuleName").and_then(Value::as_str)).map(str::to_string).collect();
    if aggregated {
        return Ok(names.len());
    }
    let details = names.iter().map(|name| async move {
        let path = DocId::rule(&ctx.account, r, name).path();
        let pages = all_pages!(
            ctx,
            client.get_compliance_details_by_config_rule().config_rule_name(name).limit(100).into_paginator(),
            evaluation_results
        );
        match pages {
            Ok(items) => ctx.write_json(&path, &wrap("EvaluationResults", items)).map(drop),
            Err(f) => {
                ctx.gap("config:GetComplianceDetailsByConfigRule", Some(r), &path, f);
                Ok(())
            }
        }
    });
    for written in futures_util::future::join_all(details).await {
        written?;
    }
    Ok(names.len())
}

/// The conformance packs of the region, and for each its rules' compliance and the evaluation
/// results of its rules (all pages). moto does not implement these calls: tests answer them
/// through the router, shaped as AWS documents them.
async fn conformance_packs(ctx: &Ctx<'_>, client: &Client, r: &str) -> Result<usize, Error> {
    let packs_path = path(ctx, Kind::ConformancePacks, r);
    let packs = match all_pages!(ctx, client.describe_conformance_packs().into_paginator(), conformance_pack_details) {
        Ok(items) => {
            ctx.write_json(&packs_path, &wrap("ConformancePackDetails", items.clone()))?;
            items
        }
        Err(f) => {
            ctx.gap("config:DescribeConformancePacks", Some(r), &packs_path, f);
            return Ok(0);
        }
    };
    let names: Vec<String> =
        packs.iter().filter_map(|p| p.get("ConformancePackName").and_then(Value::as_str)).map(str::to_string).collect();
    let each = names.iter().map(|name| async move {
        let compliance_path = DocId::pack(Kind::ConformancePackCompliance, &ctx.account, r, name).path();
        let details_path = DocId::pack(Kind::ConformancePackDetails, &ctx.account, r, name).path();
        let (compliance, details) = tokio::join!(
            async {
                all_pages!(
                    ctx,
                    client.describe_conformance_pack_compliance().conformance_pack_name(name).limit(100).into_paginator(),
                    conformance_pack_rule_compliance_list
                )
            },
            async {
                all_pages!(
                    ctx,
                    client.get_conformance_pack_compliance_details().conformance_pack_name(name).limit(100).into_paginator(),
                    conformance_pack_rule_evaluation_results
                )
            },
        );
        match compliance {
            Ok(items) => {
                let doc = serde_json::json!({"ConformancePackName": name, "ConformancePackRuleComplianceList": items});
                ctx.write_json(&compliance_path, &doc)?;
            }
            Err(f) => ctx.gap("config:DescribeConformancePackCompliance", Some(r), &compliance_path, f),
        }
        match details {
            Ok(items) => {
                let doc = serde_json::json!({"ConformancePackName": name, "ConformancePackRuleEvaluationResults": items});
                ctx.write_json(&details_path, &doc)?;
            }
            Err(f) => ctx.gap("config:GetConformancePackComplianceDetails", Some(r), &details_path, f),
        }
        Ok::<(), Error>(())
    });
    for written in futures_util::future::join_all(each).await {
        written?;
    }
    Ok(names.len())
}

/// How many resources of every type the recorder has discovered (all pages): the inventory the
/// report reads the service models in use from, at the cost of one call per 100 types.
async fn resource_counts(ctx: &Ctx<'_>, client: &Client, r: &str) -> Result<(), Error> {
    let path = path(ctx, Kind::ResourceCounts, r);
    let mut pages = client.get_discovered_resource_counts().limit(100).into_paginator().send();
    let mut total = None;
    let mut counts = Vec::new();
    loop {
        match ctx.limited(pages.next()).await {
            None => break,
            Some(Ok(p)) => {
                total.get_or_insert(p.total_discovered_resources());
                counts.extend(p.resource_counts().iter().map(ToJson::to_json));
            }
            Some(Err(e)) => {
                ctx.gap("config:GetDiscoveredResourceCounts", Some(r), &path, Failure::from_sdk(&e));
                return Ok(());
            }
        }
    }
    let doc = obj! {
        "totalDiscoveredResources" => Some(Value::from(total.unwrap_or(0))),
        "resourceCounts" => Some(Value::Array(counts)),
    };
    ctx.write_json(&path, &doc).map(drop)
}

/// Every configuration item of one type. Returns how many were written. Keys AWS Config still
/// leaves unprocessed after a few rounds, or that it answers with neither an item nor an
/// unprocessed key, go into the file's `unprocessedResourceKeys`: those resources are then not
/// assessed, the others are.
async fn resources(ctx: &Ctx<'_>, client: &Client, r: &str, t: ResourceType) -> Result<usize, Error> {
    let path = DocId::resources(&ctx.account, r, t).path();
    let rt = ResourceType_::from(t.as_str());
    let listed =
        all_pages!(ctx, client.list_discovered_resources().resource_type(rt.clone()).limit(100).into_paginator(), resource_identifiers);
    let ids: Vec<String> = match listed {
        Ok(ids) => ids.iter().filter_map(|i| i.get("resourceId").and_then(Value::as_str)).map(str::to_string).collect(),
        Err(f) => {
            ctx.gap("config:ListDiscoveredResources", Some(r), &path, f);
            return Ok(0);
        }
    };
    let mut items = Vec::new();
    let mut unprocessed: Vec<String> = Vec::new();
    for chunk in ids.chunks(BATCH) {
        let mut keys: Vec<ResourceKey> = chunk
            .iter()
            .map(|id| ResourceKey::builder().resource_type(rt.clone()).resource_id(id).build().expect("type and id are set"))
            .collect();
        for _ in 0..UNPROCESSED_ROUNDS {
            if keys.is_empty() {
                break;
            }
            let answer = ctx.limited(client.batch_get_resource_config().set_resource_keys(Some(keys.clone())).send()).await;
            match answer {
                Ok(out) => {
                    let answered: std::collections::BTreeSet<&str> = out
                        .base_configuration_items()
                        .iter()
                        .filter_map(|i| i.resource_id())
                        .chain(out.unprocessed_resource_keys().iter().map(|k| k.resource_id()))
                        .collect();
                    unprocessed.extend(keys.iter().map(|k| k.resource_id()).filter(|id| !answered.contains(id)).map(str::to_string));
                    items.extend(out.base_configuration_items().iter().map(ToJson::to_json));
                    keys = out.unprocessed_resource_keys().to_vec();
                }
                Err(e) => {
                    ctx.gap("config:BatchGetResourceConfig", Some(r), &path, Failure::from_sdk(&e));
                    return Ok(0);
                }
            }
        }
        unprocessed.extend(keys.iter().map(|k| k.resource_id().to_string()));
    }
    let n = items.len();
    let mut doc = wrap("baseConfigurationItems", items);
    if !unprocessed.is_empty() {
        tracing::warn!(region = r, resource_type = t.as_str(), count = unprocessed.len(), "unprocessed resource keys kept in the file");
        let keys: Vec<Value> = unprocessed
            .into_iter()
            .map(|id| obj! { "resourceType" => Some(Value::from(t.as_str())), "resourceId" => Some(Value::from(id)) })
            .collect();
        doc.as_object_mut().expect("wrap gives an object").insert("unprocessedResourceKeys".into(), Value::Array(keys));
    }
    ctx.write_json(&path, &doc)?;
    Ok(n)
}

impl ToJson for aws_sdk_config::types::ResourceIdentifier {
    fn to_json(&self) -> Value {
        obj! {
            "resourceType" => j(self.resource_type()),
            "resourceId" => j(self.resource_id()),
            "resourceName" => j(self.resource_name()),
            "resourceDeletionTime" => j(self.resource_deletion_time()),
        }
    }
}

impl ToJson for aws_sdk_config::types::ResourceCount {
    fn to_json(&self) -> Value {
        obj! { "resourceType" => j(self.resource_type()), "count" => j(self.count()) }
    }
}

impl ToJson for RecordingStrategy {
    fn to_json(&self) -> Value {
        obj! { "useOnly" => j(self.use_only()) }
    }
}

impl ToJson for ExclusionByResourceTypes {
    fn to_json(&self) -> Value {
        obj! { "resourceTypes" => j(self.resource_types()) }
    }
}

impl ToJson for RecordingGroup {
    fn to_json(&self) -> Value {
        obj! {
            "allSupported" => j(self.all_supported()),
            "includeGlobalResourceTypes" => j(self.include_global_resource_types()),
            "resourceTypes" => j(self.resource_types()),
            "exclusionByResourceTypes" => j(self.exclusion_by_resource_types()),
            "recordingStrategy" => j(self.recording_strategy()),
        }
    }
}

impl ToJson for RecordingModeOverride {
    fn to_json(&self) -> Value {
        obj! {
            "description" => j(self.description()),
            "resourceTypes" => j(self.resource_types()),
            "recordingFrequency" => j(self.recording_frequency()),
        }
    }
}

impl ToJson for RecordingMode {
    fn to_json(&self) -> Value {
        obj! {
            "recordingFrequency" => j(self.recording_frequency()),
            "recordingModeOverrides" => j(self.recording_mode_overrides()),
        }
    }
}

impl ToJson for ConfigurationRecorder {
    fn to_json(&self) -> Value {
        obj! {
            "arn" => j(self.arn()),
            "name" => j(self.name()),
            "roleARN" => j(self.role_arn()),
            "recordingGroup" => j(self.recording_group()),
            "recordingMode" => j(self.recording_mode()),
            "recordingScope" => j(self.recording_scope()),
            "servicePrincipal" => j(self.service_principal()),
        }
    }
}

impl ToJson for ConfigurationRecorderStatus {
    fn to_json(&self) -> Value {
        obj! {
            "arn" => j(self.arn()),
            "name" => j(self.name()),
            "lastStartTime" => j(self.last_start_time()),
            "lastStopTime" => j(self.last_stop_time()),
            "recording" => j(self.recording()),
            "lastStatus" => j(self.last_status()),
            "lastErrorCode" => j(self.last_error_code()),
            "lastErrorMessage" => j(self.last_error_message()),
            "lastStatusChangeTime" => j(self.last_status_change_time()),
            "servicePrincipal" => j(self.service_principal()),
        }
    }
}

impl ToJson for ConfigSnapshotDeliveryProperties {
    fn to_json(&self) -> Value {
        obj! { "deliveryFrequency" => j(self.delivery_frequency()) }
    }
}

impl ToJson for DeliveryChannel {
    fn to_json(&self) -> Value {
        obj! {
            "name" => j(self.name()),
            "s3BucketName" => j(self.s3_bucket_name()),
            "s3KeyPrefix" => j(self.s3_key_prefix()),
            "s3KmsKeyArn" => j(self.s3_kms_key_arn()),
            "snsTopicARN" => j(self.sns_topic_arn()),
            "configSnapshotDeliveryProperties" => j(self.config_snapshot_delivery_properties()),
        }
    }
}

impl ToJson for Scope {
    fn to_json(&self) -> Value {
        obj! {
            "ComplianceResourceTypes" => j(self.compliance_resource_types()),
            "TagKey" => j(self.tag_key()),
            "TagValue" => j(self.tag_value()),
            "ComplianceResourceId" => j(self.compliance_resource_id()),
        }
    }
}

impl ToJson for SourceDetail {
    fn to_json(&self) -> Value {
        obj! {
            "EventSource" => j(self.event_source()),
            "MessageType" => j(self.message_type()),
            "MaximumExecutionFrequency" => j(self.maximum_execution_frequency()),
        }
    }
}

impl ToJson for CustomPolicyDetails {
    fn to_json(&self) -> Value {
        obj! {
            "PolicyRuntime" => j(self.policy_runtime()),
            "PolicyText" => j(self.policy_text()),
            "EnableDebugLogDelivery" => j(self.enable_debug_log_delivery()),
        }
    }
}

impl ToJson for Source {
    fn to_json(&self) -> Value {
        obj! {
            "Owner" => j(self.owner()),
            "SourceIdentifier" => j(self.source_identifier()),
            "SourceDetails" => j(self.source_details()),
            "CustomPolicyDetails" => j(self.custom_policy_details()),
        }
    }
}

impl ToJson for EvaluationModeConfiguration {
    fn to_json(&self) -> Value {
        obj! { "Mode" => j(self.mode()) }
    }
}

impl ToJson for ConfigRule {
    fn to_json(&self) -> Value {
        obj! {
            "ConfigRuleName" => j(self.config_rule_name()),
            "ConfigRuleArn" => j(self.config_rule_arn()),
            "ConfigRuleId" => j(self.config_rule_id()),
            "Description" => j(self.description()),
            "Scope" => j(self.scope()),
            "Source" => j(self.source()),
            "InputParameters" => j(self.input_parameters()),
            "MaximumExecutionFrequency" => j(self.maximum_execution_frequency()),
            "ConfigRuleState" => j(self.config_rule_state()),
            "CreatedBy" => j(self.created_by()),
            "EvaluationModes" => j(self.evaluation_modes()),
        }
    }
}

impl ToJson for ComplianceContributorCount {
    fn to_json(&self) -> Value {
        obj! { "CappedCount" => j(self.capped_count()), "CapExceeded" => j(self.cap_exceeded()) }
    }
}

impl ToJson for Compliance {
    fn to_json(&self) -> Value {
        obj! {
            "ComplianceType" => j(self.compliance_type()),
            "ComplianceContributorCount" => j(self.compliance_contributor_count()),
        }
    }
}

impl ToJson for ComplianceByConfigRule {
    fn to_json(&self) -> Value {
        obj! { "ConfigRuleName" => j(self.config_rule_name()), "Compliance" => j(self.compliance()) }
    }
}

impl ToJson for EvaluationResultQualifier {
    fn to_json(&self) -> Value {
        obj! {
            "ConfigRuleName" => j(self.config_rule_name()),
            "ResourceType" => j(self.resource_type()),
            "ResourceId" => j(self.resource_id()),
            "EvaluationMode" => j(self.evaluation_mode()),
        }
    }
}

impl ToJson for EvaluationResultIdentifier {
    fn to_json(&self) -> Value {
        obj! {
            "EvaluationResultQualifier" => j(self.evaluation_result_qualifier()),
            "OrderingTimestamp" => j(self.ordering_timestamp()),
            "ResourceEvaluationId" => j(self.resource_evaluation_id()),
        }
    }
}

impl ToJson for EvaluationResult {
    fn to_json(&self) -> Value {
        obj! {
            "EvaluationResultIdentifier" => j(self.evaluation_result_identifier()),
            "ComplianceType" => j(self.compliance_type()),
            "ResultRecordedTime" => j(self.result_recorded_time()),
            "ConfigRuleInvokedTime" => j(self.config_rule_invoked_time()),
            "Annotation" => j(self.annotation()),
            "ResultToken" => j(self.result_token()),
        }
    }
}

impl ToJson for BaseConfigurationItem {
    fn to_json(&self) -> Value {
        obj! {
            "version" => j(self.version()),
            "accountId" => j(self.account_id()),
            "configurationItemCaptureTime" => j(self.configuration_item_capture_time()),
            "configurationItemStatus" => j(self.configuration_item_status()),
            "configurationStateId" => j(self.configuration_state_id()),
            "arn" => j(self.arn()),
            "resourceType" => j(self.resource_type()),
            "resourceId" => j(self.resource_id()),
            "resourceName" => j(self.resource_name()),
            "awsRegion" => j(self.aws_region()),
            "availabilityZone" => j(self.availability_zone()),
            "resourceCreationTime" => j(self.resource_creation_time()),
            "configuration" => j(self.configuration()),
            "supplementaryConfiguration" => j(self.supplementary_configuration()),
            "recordingFrequency" => j(self.recording_frequency()),
            "configurationItemDeliveryTime" => j(self.configuration_item_delivery_time()),
        }
    }
}

impl ToJson for ConformancePackDetail {
    fn to_json(&self) -> Value {
        obj! {
            "ConformancePackName" => j(self.conformance_pack_name()),
            "ConformancePackArn" => j(self.conformance_pack_arn()),
            "ConformancePackId" => j(self.conformance_pack_id()),
            "DeliveryS3Bucket" => j(self.delivery_s3_bucket()),
            "DeliveryS3KeyPrefix" => j(self.delivery_s3_key_prefix()),
            "LastUpdateRequestedTime" => j(self.last_update_requested_time()),
            "CreatedBy" => j(self.created_by()),
        }
    }
}

impl ToJson for ConformancePackRuleCompliance {
    fn to_json(&self) -> Value {
        obj! {
            "ConfigRuleName" => j(self.config_rule_name()),
            "ComplianceType" => j(self.compliance_type()),
            "Controls" => j(self.controls()),
        }
    }
}

impl ToJson for ConformancePackEvaluationResult {
    fn to_json(&self) -> Value {
        obj! {
            "ComplianceType" => j(self.compliance_type()),
            "EvaluationResultIdentifier" => j(self.evaluation_result_identifier()),
            "ConfigRuleInvokedTime" => j(self.config_rule_invoked_time()),
            "ResultRecordedTime" => j(self.result_recorded_time()),
            "Annotation" => j(self.annotation()),
        }
    }
}
