//! The typed report model: every framework control joined with the outcomes of its checks, its
//! owner and the evidence files behind it; and `results.json`, its serialised form.
//!
//! Control status:
//! - `inherited`: carried by AWS, evidenced by AWS's attestations;
//! - `manual`: needs documents no API holds (checks listed on it are shown as support);
//!   `evidence_attached` once documents are attached to the bundle within the period (the
//!   auditor still judges them, so it is never a pass);
//! - automated controls: `fail` if any check fails, else `not_assessed` if any check lacks
//!   evidence, else `pass` if any check passes, else `not_applicable` (nothing in scope for any
//!   check). Missing evidence is never a pass, and nothing in scope is never counted as one.
//!   A control whose failures are all accepted by unexpired exceptions is `accepted_risk`.
//!
//! The base report is built from the bundle alone ([`build`]); the quarterly cycle adds to it in
//! passes, each in its own module: accepted risks (`accept`), attached manual evidence
//! (`manual`), AWS attestations cited (`attest`), and the comparison with the previous period
//! (`changes`).

pub mod accept;
pub mod attest;
pub mod changes;
pub mod manual;
pub mod ownership;
pub mod rules;

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::checks::{self, CheckStatus, Finding, Outcome, Severity};
use crate::evidence::{Absent, Bundle, Gap};
use crate::mappings::{EvidenceMethod, Framework, Owner};

/// Version of the `results.json` schema this build writes. `--previous` reads 2, 3 and 4. Schema 4
/// adds `config_rules` and the `config-rule:<IDENTIFIER>` results among the checks.
pub const SCHEMA_VERSION: u32 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Pass,
    Fail,
    /// Fails, and every failure is accepted by an unexpired exception: never a pass.
    AcceptedRisk,
    NotAssessed,
    /// Every automated check behind the control found nothing in scope.
    NotApplicable,
    Manual,
    /// A manual control with documents attached to the bundle within the period; the auditor
    /// judges them, so it is never a pass.
    EvidenceAttached,
    Inherited,
}

impl ControlStatus {
    pub const ALL: [ControlStatus; 8] = [
        ControlStatus::Fail,
        ControlStatus::AcceptedRisk,
        ControlStatus::NotAssessed,
        ControlStatus::Pass,
        ControlStatus::NotApplicable,
        ControlStatus::Manual,
        ControlStatus::EvidenceAttached,
        ControlStatus::Inherited,
    ];
    /// The word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            ControlStatus::Pass => "PASS",
            ControlStatus::Fail => "FAIL",
            ControlStatus::AcceptedRisk => "ACCEPTED RISK",
            ControlStatus::NotAssessed => "NOT ASSESSED",
            ControlStatus::NotApplicable => "NOT APPLICABLE",
            ControlStatus::Manual => "MANUAL",
            ControlStatus::EvidenceAttached => "EVIDENCE ATTACHED",
            ControlStatus::Inherited => "INHERITED",
        }
    }
    /// The results.json word.
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Pass => "pass",
            ControlStatus::Fail => "fail",
            ControlStatus::AcceptedRisk => "accepted_risk",
            ControlStatus::NotAssessed => "not_assessed",
            ControlStatus::NotApplicable => "not_applicable",
            ControlStatus::Manual => "manual",
            ControlStatus::EvidenceAttached => "evidence_attached",
            ControlStatus::Inherited => "inherited",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub generated_at: String,
    pub tool: ToolInfo,
    pub evidence: EvidenceInfo,
    /// The service models the account's Config inventory shows, with the resource types behind each.
    pub service_models: Vec<ownership::ModelUse>,
    /// The audit period, when given: attachments older than its start do not count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// The accepted risks applied (`--exceptions`), each with what it matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exceptions: Option<accept::ExceptionsInfo>,
    /// The comparison with the previous period (`--previous`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<changes::Changes>,
    /// The AWS attestations the AWS-owned and shared controls cite.
    pub attestations: Vec<attest::AttestationInfo>,
    pub frameworks: Vec<FrameworkReport>,
    /// Every check the frameworks use, once, with all its findings (controls refer to them by id);
    /// the results of the Config rules mapped to controls too, as `config-rule:<IDENTIFIER>`.
    pub checks: BTreeMap<String, CheckFindings>,
    /// The account's AWS Config rules: those at controls, and its own (custom or unmapped).
    pub config_rules: rules::ConfigRulesInfo,
}

/// The audit period a packet covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<chrono::NaiveDate>,
}

/// The findings of one check; a check used by many controls lists them once.
#[derive(Debug, Clone, Serialize)]
pub struct CheckFindings {
    pub title: String,
    pub severity: Severity,
    pub status: CheckStatus,
    pub findings: Vec<FindingResult>,
}

/// One finding of a check, with a stable id: the same check and resource give the same id in
/// every period, which is what `--previous` compares by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingResult {
    pub id: String,
    /// The AWS account the resource belongs to, when its name says (an ARN or `account/region`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region, when the resource's name says (an ARN's region field, or `account/region`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The severity of its check.
    pub severity: Severity,
    pub resource: String,
    /// `accepted_risk` when an exception naming the check accepts it (everywhere the check is used).
    pub status: CheckStatus,
    pub detail: String,
    /// The exception that accepts it (its position in the exceptions file, from 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<usize>,
    /// For a failing finding, against the previous period: `new` or `persisting`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<changes::FindingChange>,
}

impl FindingResult {
    /// Failing, accepted or not.
    pub fn is_failing(&self) -> bool {
        matches!(self.status, CheckStatus::Fail | CheckStatus::AcceptedRisk)
    }
}

/// The stable id of the `n`-th finding (from 0) of `check` on `resource`: the check id and 12
/// hex digits of a SHA-256 of check and resource (and `n` when a check names a resource twice).
pub fn finding_id(check: &str, resource: &str, n: usize) -> String {
    let key = if n == 0 { format!("{check}\n{resource}") } else { format!("{check}\n{resource}\n{n}") };
    format!("{check}/{}", &crate::evidence::sha256_hex(key.as_bytes())[..12])
}

/// The account a resource name belongs to: the account field of an ARN, or the leading account
/// id of an `account/region` scope.
pub fn account_of(resource: &str) -> Option<String> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = resource.strip_prefix("arn:") {
        let account = rest.split(':').nth(3)?;
        return is_account(account).then(|| account.to_string());
    }
    let first = resource.split(['/', ' ', ':']).next()?;
    is_account(first).then(|| first.to_string())
}

/// The region a resource name belongs to: the region field of an ARN, or the region of an
/// `account/region` scope.
pub fn region_of(resource: &str) -> Option<String> {
    let is_region = |s: &str| {
        let parts: Vec<&str> = s.split('-').collect();
        parts.len() >= 3
            && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
            && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
    };
    if let Some(rest) = resource.strip_prefix("arn:") {
        let region = rest.split(':').nth(2)?;
        return is_region(region).then(|| region.to_string());
    }
    let (_, after) = resource.split_once('/')?;
    let region = after.split([' ', '/']).next()?;
    (account_of(resource).is_some() && is_region(region)).then(|| region.to_string())
}

/// Findings with their ids, accounts, regions and the check's severity.
fn with_ids(check: &str, severity: Severity, findings: Vec<Finding>) -> Vec<FindingResult> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    findings
        .into_iter()
        .map(|f| {
            let n = seen.entry(f.resource.clone()).or_default();
            let id = finding_id(check, &f.resource, *n);
            *n += 1;
            FindingResult {
                id,
                account: f.account.clone().or_else(|| account_of(&f.resource)),
                region: region_of(&f.resource),
                severity,
                resource: f.resource,
                status: f.status,
                detail: f.detail,
                exception: None,
                change: None,
            }
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceInfo {
    pub collected_at: String,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub manifest_sha256: String,
    pub files: Vec<FileRef>,
    pub gaps: Vec<Gap>,
    pub absent: Vec<Absent>,
    /// The minisign signature of manifest.json, when the bundle has one (`null` when not).
    pub signature: Option<SignatureInfo>,
}

/// A bundle's signature (`manifest.json.minisig`) as the report saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureInfo {
    /// The id of the key that made it, as minisign shows it (16 hex digits).
    pub key_id: String,
    /// What the signer signed and when, e.g. `auditpack manifest sha256 … signed 2026-12-02T10:00:00Z`.
    pub trusted_comment: String,
    /// Checked against the public key given (`report --public-key`): true only then.
    pub verified: bool,
}

impl SignatureInfo {
    /// The report's view of a bundle's signature check.
    pub fn of(check: &crate::evidence::SignatureCheck) -> Option<SignatureInfo> {
        let verified = matches!(check, crate::evidence::SignatureCheck::Verified(_));
        check.signature().map(|s| SignatureInfo { key_id: s.key_id.clone(), trusted_comment: s.trusted_comment.clone(), verified })
    }

    /// One line for the packet cover and the summary.
    pub fn describe(info: Option<&SignatureInfo>) -> String {
        match info {
            Some(s) if s.verified => format!("minisign key {}, verified against the public key given", s.key_id),
            Some(s) => format!("signed by key {}, not checked", s.key_id),
            None => "not signed".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct FileRef {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkReport {
    pub id: String,
    pub name: String,
    pub version: String,
    pub description: String,
    pub summary: Summary,
    /// Against the previous period: the score then and now, and how many controls changed how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<changes::FrameworkChanges>,
    /// Areas of the shared responsibility model, their owners under the models in use, and the
    /// controls that fall there.
    pub responsibility: Vec<ownership::AreaRow>,
    pub controls: Vec<ControlResult>,
    /// For a bundle of several accounts: each account's counts, evaluated as if it were alone.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_account: Vec<AccountSummary>,
}

/// One account's part of a framework: its controls by status and owner, and its failing
/// controls that the customer owns or shares, in catalogue order.
#[derive(Debug, Clone, Serialize)]
pub struct AccountSummary {
    pub account: String,
    #[serde(flatten)]
    pub summary: Summary,
    pub failing: Vec<String>,
}

impl AccountSummary {
    pub fn of(account: &str, f: &FrameworkReport) -> AccountSummary {
        AccountSummary {
            account: account.to_string(),
            summary: f.summary.clone(),
            failing: f.controls.iter().filter(|c| c.status == ControlStatus::Fail && c.owner != Owner::Aws).map(|c| c.id.clone()).collect(),
        }
    }
}

/// Counts of controls by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub accepted_risk: usize,
    pub not_assessed: usize,
    pub not_applicable: usize,
    pub manual: usize,
    pub evidence_attached: usize,
    pub inherited: usize,
}

impl StatusCounts {
    pub fn add(&mut self, s: ControlStatus) {
        self.total += 1;
        *match s {
            ControlStatus::Pass => &mut self.pass,
            ControlStatus::Fail => &mut self.fail,
            ControlStatus::AcceptedRisk => &mut self.accepted_risk,
            ControlStatus::NotAssessed => &mut self.not_assessed,
            ControlStatus::NotApplicable => &mut self.not_applicable,
            ControlStatus::Manual => &mut self.manual,
            ControlStatus::EvidenceAttached => &mut self.evidence_attached,
            ControlStatus::Inherited => &mut self.inherited,
        } += 1;
    }
    pub fn get(&self, s: ControlStatus) -> usize {
        match s {
            ControlStatus::Pass => self.pass,
            ControlStatus::Fail => self.fail,
            ControlStatus::AcceptedRisk => self.accepted_risk,
            ControlStatus::NotAssessed => self.not_assessed,
            ControlStatus::NotApplicable => self.not_applicable,
            ControlStatus::Manual => self.manual,
            ControlStatus::EvidenceAttached => self.evidence_attached,
            ControlStatus::Inherited => self.inherited,
        }
    }

    /// The passing share of the automated controls that passed or failed (accepted risks count as
    /// not passing), as a rounded percentage; `None` when none did.
    pub fn score(&self) -> Option<usize> {
        let assessed = self.pass + self.fail + self.accepted_risk;
        (self.pass * 100 + assessed / 2).checked_div(assessed)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OwnerCounts {
    pub aws: StatusCounts,
    pub shared: StatusCounts,
    pub customer: StatusCounts,
}

impl OwnerCounts {
    pub fn get(&self, o: Owner) -> &StatusCounts {
        match o {
            Owner::Aws => &self.aws,
            Owner::Shared => &self.shared,
            Owner::Customer => &self.customer,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub by_status: StatusCounts,
    pub by_owner: OwnerCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlResult {
    pub id: String,
    pub section: String,
    pub title: String,
    pub description: String,
    /// The owner for this account (see `owner_reason` when it follows the service models).
    pub owner: Owner,
    /// Why the owner is what it is, for controls whose owner moves with the service model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_reason: Option<String>,
    /// The area of the shared responsibility model the control falls in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    pub evidence_method: EvidenceMethod,
    pub status: ControlStatus,
    /// One sentence saying why the control has its status.
    pub status_reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_provides: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manual_evidence: Option<String>,
    pub checks: Vec<CheckResult>,
    pub evidence_files: Vec<FileRef>,
    /// The failing findings accepted for this control by exceptions naming it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accepted: Vec<accept::AcceptedFinding>,
    /// Documents attached to the bundle for this control (`auditpack attach`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<manual::AttachmentRef>,
    /// Ids of the AWS attestations (`attestations`) that evidence what AWS carries here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attestations: Vec<String>,
    /// The status in the previous period's packet, when compared (`--previous`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_status: Option<ControlStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<changes::ControlChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: CheckStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub remediation: String,
}

/// The generation time: `SOURCE_DATE_EPOCH` when set (reproducible builds), else the time the
/// evidence was collected, so the same bundle always gives the same packet.
pub fn generation_time(collected_at: DateTime<Utc>) -> DateTime<Utc> {
    source_date_epoch().unwrap_or(collected_at)
}

/// `SOURCE_DATE_EPOCH` (seconds since 1970-01-01T00:00:00Z), when it is set to such a number.
pub fn source_date_epoch() -> Option<DateTime<Utc>> {
    std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).and_then(|secs| DateTime::from_timestamp(secs, 0))
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Run every check the frameworks use (each once) and join the outcomes with the controls.
pub fn build(bundle: &Bundle, frameworks: &[&Framework], table: &crate::mappings::service_models::Table) -> Report {
    // Every check the frameworks use, once; checks are pure and independent, so they run on all
    // cores.
    let mut used: Vec<&str> = frameworks.iter().flat_map(|f| f.controls.iter()).flat_map(|c| c.checks.iter().map(String::as_str)).collect();
    used.sort();
    used.dedup();
    let checks: Vec<&'static checks::Check> =
        used.iter().map(|id| checks::find(id).expect("mappings are validated against the registry")).collect();
    let evaluated = crate::util::in_parallel(&checks, |check| check.evaluate(bundle));
    let outcomes: BTreeMap<&str, (&'static checks::Check, Outcome)> = used.into_iter().zip(checks.into_iter().zip(evaluated)).collect();
    let rules = rules::evaluate(bundle, frameworks);
    let in_use = ownership::models_in_use(bundle, table);
    let file_ref = |path: &str| FileRef { path: path.to_string(), sha256: bundle.file_sha256(path).unwrap_or_default().to_string() };
    let m = &bundle.manifest;
    let frameworks = frameworks
        .iter()
        .map(|f| {
            let controls: Vec<ControlResult> = f
                .controls
                .iter()
                .map(|c| {
                    let checks: Vec<CheckResult> = c
                        .checks
                        .iter()
                        .map(|id| {
                            let (check, outcome) = &outcomes[id.as_str()];
                            CheckResult {
                                id: check.id.to_string(),
                                title: check.title.to_string(),
                                severity: check.severity,
                                status: outcome.status,
                                reason: outcome.reason.clone(),
                                remediation: check.remediation.to_string(),
                            }
                        })
                        .collect();
                    let mut files: Vec<FileRef> =
                        c.checks.iter().flat_map(|id| outcomes[id.as_str()].1.evidence_files.iter().map(|p| file_ref(p))).collect();
                    // The results of the Config rules mapped here, for the rules the account runs.
                    let rule_results: Vec<CheckResult> = c.config_rules.iter().filter_map(|k| rules.result(k)).collect();
                    files.extend(c.config_rules.iter().flat_map(|k| rules.files(k)).map(&file_ref));
                    files.sort();
                    files.dedup();
                    let (status, status_reason) = control_status(c.evidence, &checks, &rule_results);
                    let mut checks = checks;
                    checks.extend(rule_results);
                    let (owner, owner_reason) = ownership::owner_for(c, &in_use);
                    ControlResult {
                        id: c.id.clone(),
                        section: c.section.clone(),
                        title: c.title.clone(),
                        description: c.description.clone(),
                        owner,
                        owner_reason,
                        area: ownership::area_of(c),
                        evidence_method: c.evidence,
                        status,
                        status_reason,
                        aws_provides: c.aws_provides.clone(),
                        manual_evidence: c.manual_evidence.clone(),
                        checks,
                        evidence_files: files,
                        accepted: Vec::new(),
                        attachments: Vec::new(),
                        attestations: Vec::new(),
                        previous_status: None,
                        change: None,
                    }
                })
                .collect();
            let areas: Vec<(String, Option<String>)> = controls.iter().map(|c| (c.id.clone(), c.area.clone())).collect();
            FrameworkReport {
                id: f.id.clone(),
                name: f.name.clone(),
                version: f.version.clone(),
                description: f.description.clone(),
                summary: summarise(&controls),
                changes: None,
                responsibility: ownership::matrix(table, &in_use, &areas),
                controls,
                by_account: Vec::new(),
            }
        })
        .collect();
    Report {
        schema_version: SCHEMA_VERSION,
        generated_at: rfc3339(generation_time(m.collected_at)),
        tool: ToolInfo { name: "auditpack".into(), version: env!("CARGO_PKG_VERSION").into() },
        // The outcomes are not needed any more: their findings move into the report.
        checks: outcomes
            .into_iter()
            .map(|(id, (check, outcome))| {
                let findings = with_ids(id, check.severity, outcome.findings);
                (
                    id.to_string(),
                    CheckFindings { title: check.title.to_string(), severity: check.severity, status: outcome.status, findings },
                )
            })
            .chain(rules.findings())
            .collect(),
        config_rules: rules.info,
        period: None,
        exceptions: None,
        changes: None,
        attestations: Vec::new(),
        service_models: in_use,
        evidence: EvidenceInfo {
            collected_at: rfc3339(m.collected_at),
            accounts: m.accounts.clone(),
            regions: m.regions.clone(),
            manifest_sha256: bundle.manifest_sha256.clone(),
            files: m.files.iter().map(|f| FileRef { path: f.path.clone(), sha256: f.sha256.clone() }).collect(),
            gaps: m.gaps.clone(),
            absent: m.absent.clone(),
            signature: SignatureInfo::of(&bundle.signature),
        },
        frameworks,
    }
}

/// Counts of the controls by status and by owner.
pub fn summarise(controls: &[ControlResult]) -> Summary {
    let mut summary = Summary::default();
    for c in controls {
        summary.by_status.add(c.status);
        match c.owner {
            Owner::Aws => summary.by_owner.aws.add(c.status),
            Owner::Shared => summary.by_owner.shared.add(c.status),
            Owner::Customer => summary.by_owner.customer.add(c.status),
        }
    }
    summary
}

/// The status of a control from its checks and the results of the Config rules mapped to it. A
/// NON_COMPLIANT rule fails a manual control too: the deviation is known whatever the documents say.
fn control_status(method: EvidenceMethod, checks: &[CheckResult], rule_results: &[CheckResult]) -> (ControlStatus, String) {
    let failing_rules: Vec<&str> =
        rule_results.iter().filter(|r| r.status == CheckStatus::Fail).map(|r| r.id.trim_start_matches("config-rule:")).collect();
    let all: Vec<CheckResult> = checks.iter().chain(rule_results).cloned().collect();
    let checks = &all[..];
    let count = |s: CheckStatus| checks.iter().filter(|c| c.status == s).count();
    match method {
        EvidenceMethod::Inherited => (ControlStatus::Inherited, "Carried by AWS; evidenced by AWS's attestations in AWS Artifact.".into()),
        EvidenceMethod::Manual if !failing_rules.is_empty() => (
            ControlStatus::Fail,
            format!(
                "The AWS Config rule{} {} report{} NON_COMPLIANT resources; the rest of the control needs evidence no AWS API holds.",
                if failing_rules.len() == 1 { "" } else { "s" },
                failing_rules.join(", "),
                if failing_rules.len() == 1 { "s" } else { "" }
            ),
        ),
        EvidenceMethod::Manual => {
            (ControlStatus::Manual, "Needs evidence that no AWS API holds; the auditor collects it from the customer.".into())
        }
        EvidenceMethod::Automated => {
            let (fail, na, pass) = (count(CheckStatus::Fail), count(CheckStatus::NotAssessed), count(CheckStatus::Pass));
            let napp = count(CheckStatus::NotApplicable);
            let n = checks.len();
            let besides = if napp > 0 { format!(" ({napp} found nothing in scope)") } else { String::new() };
            if fail > 0 {
                (ControlStatus::Fail, format!("{fail} of {n} checks fail."))
            } else if na > 0 {
                (ControlStatus::NotAssessed, format!("{na} of {n} checks lack evidence; no check fails."))
            } else if pass > 0 {
                (ControlStatus::Pass, format!("{pass} of {n} checks pass on the collected evidence{besides}."))
            } else {
                (ControlStatus::NotApplicable, format!("Nothing in scope: none of the {n} checks found a resource to examine."))
            }
        }
    }
}

impl Report {
    /// `results.json` written to `w`: the bytes of [`Report::to_json`], without holding them.
    pub fn write_json(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    }

    /// `results.json` bytes: pretty JSON, stable key order, trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_json(&mut out).expect("a report serialises to memory");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{account_of, region_of};

    #[test]
    fn accounts_and_regions_are_read_from_arns_and_scopes() {
        let cases = [
            ("arn:aws:iam::111122223333:user/bob", Some("111122223333"), None),
            ("arn:aws:rds:us-east-1:111122223333:db:orders", Some("111122223333"), Some("us-east-1")),
            ("arn:aws:s3:::bucket", None, None),
            ("111122223333/eu-west-1", Some("111122223333"), Some("eu-west-1")),
            ("111122223333/us-east-1 rule iam-user-mfa-enabled", Some("111122223333"), Some("us-east-1")),
            ("111122223333 password policy", Some("111122223333"), None),
            ("arn:aws:iam::111122223333:user/bob (access key 1)", Some("111122223333"), None),
            ("not/an-arn", None, None),
        ];
        for (resource, account, region) in cases {
            assert_eq!(account_of(resource).as_deref(), account, "{resource}");
            assert_eq!(region_of(resource).as_deref(), region, "{resource}");
        }
    }
}
