//! AWS Config service documents: recorders and their status, delivery channels, rules, their
//! compliance summary and per-resource results, and the discovered resource counts.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{complete, json, ReadCtx};

#[derive(Debug, Deserialize)]
#[serde(expecting = "the JSON object `aws configservice describe-configuration-recorders` prints")]
pub struct Recorders {
    #[serde(rename = "ConfigurationRecorders")]
    pub recorders: Vec<Recorder>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recorder {
    pub name: String,
    pub recording_group: RecordingGroup,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingGroup {
    #[serde(default)]
    pub all_supported: Option<bool>,
    #[serde(default)]
    pub include_global_resource_types: Option<bool>,
    #[serde(default)]
    pub resource_types: Option<Vec<String>>,
    #[serde(default)]
    pub exclusion_by_resource_types: Option<Exclusions>,
    #[serde(default)]
    pub recording_strategy: Option<RecordingStrategy>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingStrategy {
    #[serde(default)]
    pub use_only: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exclusions {
    #[serde(default)]
    pub resource_types: Option<Vec<String>>,
}

impl RecordingGroup {
    pub fn listed(&self) -> &[String] {
        self.resource_types.as_deref().unwrap_or_default()
    }

    pub fn excluded(&self) -> &[String] {
        self.exclusion_by_resource_types.as_ref().and_then(|e| e.resource_types.as_deref()).unwrap_or_default()
    }

    pub fn all_supported(&self) -> bool {
        self.all_supported == Some(true)
    }

    /// Whether the group records everything but its excluded types (AWS then requires
    /// `allSupported` false).
    pub fn by_exclusion(&self) -> bool {
        self.recording_strategy.as_ref().and_then(|s| s.use_only.as_deref()) == Some("EXCLUSION_BY_RESOURCE_TYPES")
    }

    /// Whether the group takes in configuration items of `resource_type`.
    pub fn covers(&self, resource_type: &str) -> bool {
        let excluded = self.excluded().iter().any(|t| t == resource_type);
        let included = self.by_exclusion() || self.all_supported() || self.listed().iter().any(|t| t == resource_type);
        included && !excluded
    }
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the JSON object `aws configservice describe-configuration-recorder-status` prints")]
pub struct RecorderStatuses {
    #[serde(rename = "ConfigurationRecordersStatus")]
    pub statuses: Vec<RecorderStatus>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecorderStatus {
    pub name: String,
    pub recording: bool,
    #[serde(default)]
    pub last_status: Option<String>,
    #[serde(default)]
    pub last_error_code: Option<String>,
    #[serde(default)]
    pub last_error_message: Option<String>,
}

impl Recorders {
    /// Whether a recorder that is on, and not failing, records `resource_type` in this region:
    /// only then are its items evidence of the resources as they are.
    pub fn record(&self, statuses: &RecorderStatuses, resource_type: &str) -> bool {
        self.recorders.iter().any(|r| statuses.delivers(&r.name) && r.recording_group.covers(resource_type))
    }
}

impl RecorderStatuses {
    pub fn is_recording(&self, name: &str) -> bool {
        self.statuses.iter().any(|s| s.name == name && s.recording)
    }

    /// Recording, and its last delivery did not fail.
    pub fn delivers(&self, name: &str) -> bool {
        self.statuses
            .iter()
            .any(|s| s.name == name && s.recording && !s.last_status.as_deref().is_some_and(|l| l.eq_ignore_ascii_case("failure")))
    }
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the JSON object `aws configservice describe-delivery-channels` prints")]
pub struct DeliveryChannels {
    #[serde(rename = "DeliveryChannels")]
    pub channels: Vec<DeliveryChannel>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryChannel {
    pub name: String,
    #[serde(default)]
    pub s3_bucket_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the JSON object `aws configservice describe-config-rules` prints")]
pub struct ConfigRules {
    #[serde(rename = "ConfigRules")]
    pub rules: Vec<ConfigRule>,
    #[serde(default, rename = "NextToken")]
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ConfigRule {
    #[serde(rename = "ConfigRuleName")]
    pub name: String,
    /// Who wrote the rule and, for AWS's managed rules, which one it is. AWS always returns it;
    /// a rule without it is not recognised as any managed rule.
    #[serde(default, rename = "Source")]
    pub source: Option<RuleSource>,
}

#[derive(Debug, Deserialize)]
pub struct RuleSource {
    /// `AWS` (managed), `CUSTOM_LAMBDA` or `CUSTOM_POLICY`.
    #[serde(rename = "Owner")]
    pub owner: String,
    /// The managed rule's identifier (`S3_BUCKET_SSL_REQUESTS_ONLY`), or a custom rule's Lambda ARN.
    #[serde(default, rename = "SourceIdentifier")]
    pub source_identifier: Option<String>,
}

impl ConfigRule {
    /// The managed rule it is, when AWS owns it.
    pub fn managed_identifier(&self) -> Option<&str> {
        self.source.as_ref().filter(|s| s.owner == "AWS").and_then(|s| s.source_identifier.as_deref())
    }
}

/// A rule listed twice: the document contradicts itself.
fn each_once<'a>(names: impl Iterator<Item = &'a str>, what: &str) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(format!("{what} {name:?} is listed twice"));
        }
    }
    Ok(())
}

pub(super) fn read_rules(bytes: &[u8]) -> Result<ConfigRules, String> {
    let doc: ConfigRules = json(bytes)?;
    complete(None, &[("NextToken", &doc.next_token)])?;
    each_once(doc.rules.iter().map(|r| r.name.as_str()), "rule")?;
    Ok(doc)
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the JSON object `aws configservice describe-compliance-by-config-rule` prints")]
pub struct ComplianceByRule {
    #[serde(rename = "ComplianceByConfigRules")]
    pub rules: Vec<RuleCompliance>,
    #[serde(default, rename = "NextToken")]
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RuleCompliance {
    #[serde(rename = "ConfigRuleName")]
    pub name: String,
    #[serde(default, rename = "Compliance")]
    compliance: Option<Compliance>,
}

#[derive(Debug, Deserialize)]
struct Compliance {
    #[serde(default, rename = "ComplianceType")]
    compliance_type: Option<String>,
}

impl RuleCompliance {
    /// COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE or INSUFFICIENT_DATA; `None` when not given.
    pub fn compliance_type(&self) -> Option<&str> {
        self.compliance.as_ref().and_then(|c| c.compliance_type.as_deref())
    }
}

impl ComplianceByRule {
    pub fn of(&self, rule: &str) -> Option<&RuleCompliance> {
        self.rules.iter().find(|r| r.name == rule)
    }
}

pub(super) fn read_compliance(bytes: &[u8]) -> Result<ComplianceByRule, String> {
    let doc: ComplianceByRule = json(bytes)?;
    complete(None, &[("NextToken", &doc.next_token)])?;
    each_once(doc.rules.iter().map(|r| r.name.as_str()), "the compliance of rule")?;
    Ok(doc)
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the JSON object `aws configservice get-compliance-details-by-config-rule` prints")]
pub struct RuleDetails {
    #[serde(rename = "EvaluationResults")]
    pub results: Vec<EvaluationResult>,
    #[serde(default, rename = "NextToken")]
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EvaluationResult {
    evaluation_result_identifier: Identifier,
    pub compliance_type: String,
    #[serde(default)]
    pub annotation: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Identifier {
    evaluation_result_qualifier: Qualifier,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Qualifier {
    config_rule_name: String,
    resource_type: String,
    resource_id: String,
}

impl EvaluationResult {
    pub fn resource_type(&self) -> &str {
        &self.evaluation_result_identifier.evaluation_result_qualifier.resource_type
    }
    pub fn resource_id(&self) -> &str {
        &self.evaluation_result_identifier.evaluation_result_qualifier.resource_id
    }
    pub fn rule_name(&self) -> &str {
        &self.evaluation_result_identifier.evaluation_result_qualifier.config_rule_name
    }
}

pub(super) fn read_rule_details(bytes: &[u8], ctx: ReadCtx<'_>) -> Result<RuleDetails, String> {
    let doc: RuleDetails = json(bytes)?;
    complete(None, &[("NextToken", &doc.next_token)])?;
    let rule = ctx.id.name.as_deref().unwrap_or_default();
    const TYPES: [&str; 4] = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"];
    if let Some((n, r)) = doc.results.iter().enumerate().find(|(_, r)| !TYPES.contains(&r.compliance_type.as_str())) {
        return Err(format!("evaluation result {} has ComplianceType {:?}, not one of {}", n + 1, r.compliance_type, TYPES.join(", ")));
    }
    if let Some((n, other)) =
        doc.results.iter().enumerate().find(|(_, r)| r.evaluation_result_identifier.evaluation_result_qualifier.config_rule_name != rule)
    {
        return Err(format!(
            "evaluation result {} is for rule {:?}, not for {rule:?} whose file this is",
            n + 1,
            other.evaluation_result_identifier.evaluation_result_qualifier.config_rule_name
        ));
    }
    Ok(doc)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "the JSON object `aws configservice get-discovered-resource-counts` prints")]
pub struct ResourceCounts {
    pub total_discovered_resources: u64,
    pub resource_counts: Vec<ResourceCount>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceCount {
    pub resource_type: String,
    pub count: u64,
}

pub(super) fn read_counts(bytes: &[u8]) -> Result<ResourceCounts, String> {
    let doc: ResourceCounts = json(bytes)?;
    complete(None, &[("nextToken", &doc.next_token)])?;
    Ok(doc)
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the JSON object `aws configservice describe-conformance-packs` prints")]
pub struct ConformancePacks {
    #[serde(rename = "ConformancePackDetails")]
    pub packs: Vec<ConformancePack>,
    #[serde(default, rename = "NextToken")]
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ConformancePack {
    #[serde(rename = "ConformancePackName")]
    pub name: String,
    #[serde(default, rename = "ConformancePackArn")]
    pub arn: Option<String>,
    /// The service that deployed it (an organisation-wide pack), when one did.
    #[serde(default, rename = "CreatedBy")]
    pub created_by: Option<String>,
}

pub(super) fn read_packs(bytes: &[u8]) -> Result<ConformancePacks, String> {
    let doc: ConformancePacks = json(bytes)?;
    complete(None, &[("NextToken", &doc.next_token)])?;
    each_once(doc.packs.iter().map(|p| p.name.as_str()), "conformance pack")?;
    Ok(doc)
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the JSON object `aws configservice describe-conformance-pack-compliance` prints")]
pub struct ConformancePackCompliance {
    #[serde(rename = "ConformancePackName")]
    pub name: String,
    #[serde(rename = "ConformancePackRuleComplianceList")]
    pub rules: Vec<PackRuleCompliance>,
    #[serde(default, rename = "NextToken")]
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct PackRuleCompliance {
    #[serde(rename = "ConfigRuleName")]
    pub rule: String,
    /// COMPLIANT, NON_COMPLIANT or INSUFFICIENT_DATA.
    #[serde(default, rename = "ComplianceType")]
    pub compliance_type: Option<String>,
}

/// The pack name a per-pack document must carry: the one its path names.
fn same_pack(name: &str, ctx: ReadCtx<'_>) -> Result<(), String> {
    match ctx.id.name.as_deref() {
        Some(want) if want != name => Err(format!("the document is of conformance pack {name:?}, in the file of pack {want:?}")),
        _ => Ok(()),
    }
}

pub(super) fn read_pack_compliance(bytes: &[u8], ctx: ReadCtx<'_>) -> Result<ConformancePackCompliance, String> {
    let doc: ConformancePackCompliance = json(bytes)?;
    complete(None, &[("NextToken", &doc.next_token)])?;
    same_pack(&doc.name, ctx)?;
    each_once(doc.rules.iter().map(|r| r.rule.as_str()), "the compliance of rule")?;
    for r in &doc.rules {
        match r.compliance_type.as_deref() {
            Some("COMPLIANT" | "NON_COMPLIANT" | "INSUFFICIENT_DATA") => {}
            Some(other) => return Err(format!("rule {}: unknown ComplianceType {other:?}", r.rule)),
            None => return Err(format!("rule {}: no ComplianceType", r.rule)),
        }
    }
    Ok(doc)
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the JSON object `aws configservice get-conformance-pack-compliance-details` prints")]
pub struct ConformancePackDetails {
    #[serde(rename = "ConformancePackName")]
    pub name: String,
    #[serde(rename = "ConformancePackRuleEvaluationResults")]
    pub results: Vec<EvaluationResult>,
    #[serde(default, rename = "NextToken")]
    next_token: Option<String>,
}

pub(super) fn read_pack_details(bytes: &[u8], ctx: ReadCtx<'_>) -> Result<ConformancePackDetails, String> {
    let doc: ConformancePackDetails = json(bytes)?;
    complete(None, &[("NextToken", &doc.next_token)])?;
    same_pack(&doc.name, ctx)?;
    const TYPES: [&str; 3] = ["COMPLIANT", "NON_COMPLIANT", "INSUFFICIENT_DATA"];
    if let Some((n, r)) = doc.results.iter().enumerate().find(|(_, r)| !TYPES.contains(&r.compliance_type.as_str())) {
        return Err(format!("evaluation result {} has ComplianceType {:?}, not one of {}", n + 1, r.compliance_type, TYPES.join(", ")));
    }
    Ok(doc)
}
