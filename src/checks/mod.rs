//! The check registry: pure functions over an evidence bundle.
//!
//! A check reads evidence files, never the network, and returns pass / fail / not_assessed with
//! per-resource findings. Missing evidence is never a pass: a file that was not collected, or
//! whose collection failed (a gap), makes the part of the check that needs it `not_assessed`,
//! with the reason. Checks do not know which frameworks use them (`mappings` does).

mod config_rules;
pub(crate) mod config_service;
pub(crate) mod eval;
mod iam;
mod policy;
mod resources;

pub use eval::Eval;

use serde::Serialize;

use crate::evidence::Bundle;

/// Result of a check, or of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    NotAssessed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// The duty of the shared responsibility model a check gathers evidence for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    IdentityAndAccess,
    DataProtection,
    NetworkSecurity,
    OsPatching,
    MonitoringAndLogging,
}

impl Duty {
    pub fn title(self) -> &'static str {
        match self {
            Duty::IdentityAndAccess => "Identity and access management",
            Duty::DataProtection => "Data protection",
            Duty::NetworkSecurity => "Network security",
            Duty::OsPatching => "Operating system patching",
            Duty::MonitoringAndLogging => "Monitoring and logging",
        }
    }
}

/// One examined resource (or scope, such as a region) and what was found there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub resource: String,
    pub status: CheckStatus,
    pub detail: String,
}

/// What a check concluded, with the files it read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub status: CheckStatus,
    /// Why the check is not assessed (which file or gap), when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub findings: Vec<Finding>,
    /// Bundle paths the check read, sorted.
    pub evidence_files: Vec<String>,
}

/// A registered check.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// Stable kebab-case id; mappings refer to it.
    pub id: &'static str,
    pub title: &'static str,
    pub duty: Duty,
    pub severity: Severity,
    pub rationale: &'static str,
    pub remediation: &'static str,
    /// The evidence files it reads, as bundle path patterns.
    pub evidence: &'static [&'static str],
    pub run: fn(&mut Eval),
}

impl Check {
    /// Run the check on a bundle.
    pub fn evaluate(&self, bundle: &Bundle) -> Outcome {
        let mut eval = Eval::new(bundle);
        (self.run)(&mut eval);
        eval.finish()
    }
}

/// Every check, in a stable order (by family, then as declared).
pub fn registry() -> Vec<&'static Check> {
    let mut all: Vec<&'static Check> = Vec::new();
    all.extend(iam::CHECKS.iter());
    all.extend(config_service::CHECKS.iter());
    all.extend(config_rules::CHECKS.iter());
    all.extend(resources::CHECKS.iter());
    all
}

/// Look a check up by id.
pub fn find(id: &str) -> Option<&'static Check> {
    registry().into_iter().find(|c| c.id == id)
}

/// The AWS Config resource types the checks read (from their evidence patterns), sorted: what
/// `collect` fetches configuration items for.
pub fn resource_types() -> Vec<String> {
    let mut types: Vec<String> = registry()
        .iter()
        .flat_map(|c| c.evidence.iter())
        .filter_map(|p| p.split("/config/resources/").nth(1))
        .filter_map(|f| f.strip_suffix(".json"))
        .map(|t| t.replace("__", "::"))
        .collect();
    types.sort();
    types.dedup();
    types
}
