//! The check registry: pure functions over an evidence bundle.
//!
//! A check reads typed evidence documents through the catalogue, never the network, and returns
//! pass / fail / not_assessed / not_applicable with per-resource findings. Missing evidence is
//! never a pass: a document that was not collected, whose collection failed (a gap), or that is
//! not of the shape AWS documents makes the part of the check that needs it `not_assessed`,
//! with the reason naming the file. Nothing in scope (no buckets) is `not_applicable`, never a
//! pass. Checks do not know which frameworks use them (`mappings` does).

mod compute;
pub mod config_rules;
mod config_service;
mod data;
pub(crate) mod eval;
mod iam;
mod items;
mod monitoring;
mod policy;
mod resources;

pub use eval::Eval;

use serde::Serialize;

use crate::evidence::catalogue::{Kind, ResourceType};
use crate::evidence::Bundle;

/// Result of a check, or of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    NotAssessed,
    /// Nothing the check examines exists in the account (no buckets, no RDS instances).
    NotApplicable,
    /// A failure an unexpired exception accepts. Checks never return it: the report sets it on
    /// findings (and on a check whose failures are all accepted).
    AcceptedRisk,
}

impl CheckStatus {
    /// The results.json word.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::NotAssessed => "not_assessed",
            CheckStatus::NotApplicable => "not_applicable",
            CheckStatus::AcceptedRisk => "accepted_risk",
        }
    }
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

    /// 0 for the most severe: the order in which packets and the summary list failures.
    pub fn rank(self) -> u8 {
        match self {
            Severity::Critical => 0,
            Severity::High => 1,
            Severity::Medium => 2,
            Severity::Low => 3,
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
    ApplicationSecurity,
}

impl Duty {
    pub fn title(self) -> &'static str {
        match self {
            Duty::IdentityAndAccess => "Identity and access management",
            Duty::DataProtection => "Data protection",
            Duty::NetworkSecurity => "Network security",
            Duty::OsPatching => "Operating system patching",
            Duty::MonitoringAndLogging => "Monitoring and logging",
            Duty::ApplicationSecurity => "Application security",
        }
    }
}

/// One examined resource (or scope, such as a region) and what was found there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub resource: String,
    pub status: CheckStatus,
    pub detail: String,
    /// The account whose evidence it comes from, when the check knows it: a resource's name does
    /// not always say (an S3 bucket's ARN has no account field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
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
    /// The evidence it reads, as documents of the catalogue.
    pub evidence: &'static [Need],
    pub run: fn(&mut Eval),
}

/// Evidence a check needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A document of the catalogue.
    Doc(Kind),
    /// The configuration items of a resource type (and the recorders that show they are recorded).
    Items(ResourceType),
}

impl Need {
    /// The documents behind the need.
    pub fn kinds(self) -> Vec<Kind> {
        match self {
            Need::Doc(k) => vec![k],
            Need::Items(_) => vec![Kind::Recorders, Kind::RecorderStatus, Kind::Resources],
        }
    }

    /// The bundle path pattern of the document (resource types filled in).
    pub fn pattern(self) -> String {
        match self {
            Need::Doc(k) => k.spec().pattern.to_string(),
            Need::Items(t) => Kind::Resources.spec().pattern.replace("<resource-type>", &t.file_stem()),
        }
    }
}

impl Check {
    /// The bundle path patterns of everything it reads (recorders included for resource types).
    pub fn evidence_patterns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for need in self.evidence {
            if let Need::Items(_) = need {
                out.extend([Kind::Recorders, Kind::RecorderStatus].map(|k| k.spec().pattern.to_string()));
            }
            out.push(need.pattern());
        }
        let mut seen = std::collections::BTreeSet::new();
        out.retain(|p| seen.insert(p.clone()));
        out
    }

    /// Whether it reads documents of `kind`.
    pub fn reads(&self, kind: Kind) -> bool {
        self.evidence.iter().any(|n| n.kinds().contains(&kind))
    }

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
    all.extend(resources::CHECKS.iter());
    all.extend(compute::CHECKS.iter());
    all.extend(data::CHECKS.iter());
    all.extend(monitoring::CHECKS.iter());
    all
}

/// Look a check up by id.
/// Names in a finding's detail: all of them up to ten, else the first ten and how many more, so
/// one finding stays one line however many resources it names (results.json keeps each resource's
/// own finding).
pub fn names(list: &[&str]) -> String {
    const MAX: usize = 10;
    if list.len() <= MAX {
        list.join(", ")
    } else {
        format!("{} and {} more", list[..MAX].join(", "), list.len() - MAX)
    }
}

pub fn find(id: &str) -> Option<&'static Check> {
    registry().into_iter().find(|c| c.id == id)
}
