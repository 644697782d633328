//! The packet view: what a framework packet shows, in display form. HTML and PDF both render
//! from it, so the two carry the same content.
//!
//! The view borrows its text from the report (`'a`): ids, titles, reasons, findings and file
//! lists are the report's own strings; only what the view composes (anchors, counts, sentences)
//! is allocated here. `Deserialize` is derived for the template check alone, which traces the
//! types' shape and never reads a value (`'de: 'static` where a field's type borrows).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::checks::CheckStatus;
use crate::mappings::Owner;
pub use crate::render::chart::status_class;
use crate::report::accept::ExceptionState;
use crate::report::attest::AttestationState;
use crate::report::changes::{ControlChange, FindingChange};
use crate::report::{ControlStatus, FileRef, FindingResult, FrameworkReport, Report};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Packet<'a> {
    pub title: String,
    pub framework_id: &'a str,
    pub framework_name: &'a str,
    pub framework_version: &'a str,
    pub framework_description: &'a str,
    pub accounts: String,
    pub regions: String,
    pub collected_at: &'a str,
    pub generated_at: &'a str,
    pub manifest_sha256: &'a str,
    /// The bundle's signature in words: verified against the public key given, not checked, or
    /// not signed.
    pub signature: String,
    /// Its trusted comment (what was signed and when), when the signature was verified.
    pub signature_comment: Option<&'a str>,
    pub tool: String,
    /// The audit period, who the packet is for and who prepared it (report options), when given.
    pub period: Option<String>,
    pub prepared_for: Option<String>,
    pub prepared_by: Option<String>,
    pub total_controls: usize,
    pub status_rows: Vec<StatusRow>,
    pub owner_totals: Vec<OwnerTotal>,
    /// For a bundle of several accounts: each account's controls by status (empty otherwise).
    pub by_account: Vec<AccountRow<'a>>,
    /// Controls by status for each section: a bar chart (SVG in HTML, vector in the PDF).
    pub section_bars: Vec<crate::render::chart::Bar>,
    /// Height of that chart's SVG box.
    pub section_svg_height: f32,
    /// The hatch patterns its SVG defines.
    pub chart_patterns: Vec<crate::render::chart::Pattern>,
    pub matrix: Vec<OwnerGroup<'a>>,
    /// The service models the inventory shows, in words (or that it shows none).
    pub service_models: String,
    /// Column heads of the shared responsibility table: the models in use.
    pub model_names: Vec<&'a str>,
    pub srm_rows: Vec<SrmRow<'a>>,
    pub controls: Vec<ControlView<'a>>,
    /// Every check of this framework once, with its findings: controls link here.
    pub findings_by_check: Vec<CheckFindingsView<'a>>,
    pub gaps: Vec<GapView<'a>>,
    pub absent: Vec<GapView<'a>>,
    pub evidence_files: Cow<'a, [FileRef]>,
    /// The exceptions file applied, with its SHA-256 (cover).
    pub exceptions_file: Option<&'a str>,
    pub exceptions_sha256: Option<&'a str>,
    /// "Changes since …", when a previous period was given.
    pub changes: Option<ChangesView<'a>>,
    /// Accepted risks: the exceptions that bear on this framework, when a file was given.
    pub accepted: Option<AcceptedView<'a>>,
    /// Manual controls without current evidence, with what to request.
    pub needed: Vec<NeededRow<'a>>,
    /// Documents attached before the period start: listed, not counted.
    pub stale_attachments: Vec<AttachmentView<'a>>,
    /// The AWS attestations this framework's AWS-owned and shared controls cite.
    pub attestations: Vec<AttestationView<'a>>,
    /// The account's AWS Config rules: those at this framework's controls, and its own.
    pub config_rules: ConfigRulesView<'a>,
    /// "What needs action": the first section after the contents.
    pub action: ActionView<'a>,
    /// The sections of the packet in order, for the contents.
    pub sections: Vec<SectionRef>,
}

/// What needs action: the failing and not-assessed controls, customer-owned and shared first,
/// then by the severity of their worst check; then the accepted risks about to expire and the
/// evidence still to be requested.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct ActionView<'a> {
    pub items: Vec<ActionItem<'a>>,
    /// No control fails or lacks evidence.
    pub empty: bool,
    /// Accepted risks that expire within the warning window, in words.
    pub expiring: Vec<String>,
    /// Manual controls without a document for this period: how many, and the first few ids.
    pub needed: usize,
    pub needed_ids: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActionItem<'a> {
    pub id: &'a str,
    pub anchor: String,
    pub title: &'a str,
    pub owner: &'static str,
    pub owner_class: &'static str,
    pub status_label: &'static str,
    pub status_class: &'static str,
    /// The severity of the worst check behind the status.
    pub severity: &'static str,
    /// Why: the control's status reason.
    pub why: &'a str,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct ConfigRulesView<'a> {
    /// Rules the mappings place at this framework's controls.
    pub at_controls: Vec<RuleRow<'a>>,
    /// Custom rules and managed rules no mapping names.
    pub own: Vec<OwnRuleRow<'a>>,
    /// The regions whose rules could not be read, in words (empty when none).
    pub unknown: String,
    /// The conformance packs deployed, with their compliance.
    pub packs: Vec<PackRow<'a>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackRow<'a> {
    pub scope: String,
    pub name: &'a str,
    pub compliance: String,
    pub compliance_class: &'static str,
    /// `3 of 40 rules NON_COMPLIANT, 7 resources`.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleRow<'a> {
    pub rule: &'a str,
    pub deployed_as: String,
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub failing: usize,
    /// This framework's controls it evidences.
    pub controls: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnRuleRow<'a> {
    pub scope: String,
    pub name: &'a str,
    pub kind: &'a str,
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub detail: &'a str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SectionRef {
    pub anchor: &'static str,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct ChangesView<'a> {
    /// The previous period, as section titles name it.
    pub label: &'a str,
    pub previous_collected_at: &'a str,
    pub previous_generated_at: &'a str,
    pub previous_manifest_sha256: &'a str,
    pub previous_source: &'a str,
    pub score_before: String,
    pub score_now: String,
    /// Counts of the controls by change (every kind, in a fixed order).
    pub counts: Vec<ChangeCount>,
    /// The controls whose change is not `unchanged`.
    pub rows: Vec<ChangeRow<'a>>,
    pub accounts_added: Vec<&'a str>,
    pub accounts_removed: Vec<&'a str>,
    pub accounts_compared: String,
    /// Failing findings new since the previous period, persisting, and resolved.
    pub findings_new: usize,
    pub findings_persisting: usize,
    pub findings_resolved: usize,
    pub new_findings: Vec<FindingChangeRow<'a>>,
    pub resolved_findings: Vec<FindingChangeRow<'a>>,
    /// How many of each list the packet leaves out (results.json lists all), when it does.
    pub more_new: Option<String>,
    pub more_resolved: Option<String>,
    /// This framework was not in the previous packet.
    pub not_compared: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeCount {
    pub label: &'static str,
    pub class: &'static str,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeRow<'a> {
    pub id: &'a str,
    pub anchor: String,
    pub title: &'a str,
    pub before_label: &'static str,
    pub before_class: &'static str,
    pub now_label: &'static str,
    pub now_class: &'static str,
    pub change_label: &'static str,
    pub change_class: &'static str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct FindingChangeRow<'a> {
    pub check: &'a str,
    pub resource: &'a str,
    pub detail: &'a str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct AcceptedView<'a> {
    pub file: &'a str,
    pub sha256: &'a str,
    pub judged_on: String,
    pub entries: Vec<ExceptionView<'a>>,
    pub empty: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExceptionView<'a> {
    pub index: usize,
    pub target: String,
    pub resources: String,
    pub justification: &'a str,
    pub approved_by: &'a str,
    pub approved_on: String,
    pub expires_on: String,
    pub ticket: Option<&'a str>,
    pub state_label: &'static str,
    pub state_class: &'static str,
    /// "3 findings accepted, expires in 40 days" and the like.
    pub effect: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NeededRow<'a> {
    pub id: &'a str,
    pub anchor: String,
    pub title: &'a str,
    pub owner: &'static str,
    pub request: &'a str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct AttachmentView<'a> {
    pub control: &'a str,
    pub path: &'a str,
    pub sha256: &'a str,
    pub attached_by: &'a str,
    pub attached_at: &'a str,
    pub note: Option<&'a str>,
    pub stale: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttestationView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: &'static str,
    pub dates: String,
    pub source: &'a str,
    pub note: Option<&'a str>,
    pub state_label: &'static str,
    pub state_class: &'static str,
    pub age: &'a str,
    pub stale: bool,
}

/// A risk accepted on a finding shown under a control.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct AcceptedNote<'a> {
    pub exception: usize,
    pub justification: &'a str,
    pub approved_by: &'a str,
    pub expires_on: String,
    pub ticket: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusRow {
    pub label: &'static str,
    pub class: &'static str,
    pub total: usize,
    pub aws: usize,
    pub shared: usize,
    pub customer: usize,
}

/// One account of an organisation bundle, evaluated alone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct AccountRow<'a> {
    pub account: &'a str,
    pub pass: usize,
    pub fail: usize,
    pub accepted_risk: usize,
    pub not_assessed: usize,
    pub not_applicable: usize,
    pub manual: usize,
    pub inherited: usize,
    /// Its failing customer-owned or shared controls: the first five, and how many more.
    pub failing: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnerTotal {
    pub owner: &'static str,
    pub total: usize,
}

/// One area of the shared responsibility model: its owner per model in use, and its controls.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct SrmRow<'a> {
    pub area: &'a str,
    pub owners: Vec<SrmCell>,
    pub controls: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SrmCell {
    pub owner: &'static str,
    pub owner_class: &'static str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnerGroup<'a> {
    pub owner: &'static str,
    pub owner_class: &'static str,
    pub explanation: &'static str,
    pub controls: Vec<MatrixRow<'a>>,
    pub empty: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MatrixRow<'a> {
    pub id: &'a str,
    pub anchor: String,
    pub title: &'a str,
    pub section: &'a str,
    pub evidence_method: &'static str,
    pub status_label: &'static str,
    pub status_class: &'static str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControlView<'a> {
    pub id: &'a str,
    pub anchor: String,
    pub section: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub owner: &'static str,
    pub owner_class: &'static str,
    /// Why the owner is what it is, when it follows the service models in use.
    pub owner_reason: Option<&'a str>,
    pub evidence_method: &'static str,
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub status_reason: &'a str,
    pub aws_provides: Option<&'a str>,
    pub manual_evidence: Option<&'a str>,
    pub checks: Vec<CheckView<'a>>,
    pub evidence_files: Cow<'a, [FileRef]>,
    /// Against the previous period: the change, and the status then.
    pub change_label: Option<&'static str>,
    pub change_class: Option<&'static str>,
    pub previous_label: Option<&'static str>,
    pub attachments: Vec<AttachmentView<'a>>,
    /// The AWS attestations cited, with their age.
    pub attestations: Vec<AttestationView<'a>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub severity: &'static str,
    pub status_label: &'static str,
    pub status_class: &'static str,
    /// Why the check is not assessed or not applicable, as a sentence.
    pub reason: Option<String>,
    pub remediation: &'a str,
    pub show_remediation: bool,
    /// The first findings (failures first) and those accepted for this control only; the
    /// check's full list is under "Findings by check".
    pub findings: Vec<FindingView<'a>>,
    /// Its anchor under "Findings by check", and its findings counted by result.
    pub anchor: String,
    pub counts: Option<String>,
    /// That the control shows only some of the check's findings, when it does.
    pub more: Option<String>,
}

/// One check under "Findings by check": where it is used and what it found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckFindingsView<'a> {
    pub id: &'a str,
    pub anchor: String,
    pub title: &'a str,
    pub severity: &'static str,
    /// The controls of this framework that use it.
    pub controls: Vec<ControlLink<'a>>,
    pub counts: Option<String>,
    pub findings: Vec<FindingView<'a>>,
    /// How many findings the packet leaves out (results.json lists them all), when it does.
    pub more: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct ControlLink<'a> {
    pub id: &'a str,
    pub anchor: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingView<'a> {
    pub resource: &'a str,
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub detail: &'a str,
    /// `NEW` or `PERSISTING` against the previous period, for failing findings.
    pub change: Option<&'static str>,
    /// The accepted risk, with its justification, approver and expiry.
    pub accepted: Option<AcceptedNote<'a>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct GapView<'a> {
    pub api: &'a str,
    pub scope: String,
    pub error: &'a str,
    pub message: &'a str,
    pub path: &'a str,
}

/// The badge class of a change.
pub fn change_class(c: ControlChange) -> &'static str {
    match c {
        ControlChange::NewFailure => "fail",
        ControlChange::Fixed => "pass",
        ControlChange::StillFailing => "still",
        ControlChange::NewlyAssessed => "newly",
        ControlChange::NoLongerAssessed => "na",
        ControlChange::Unchanged => "napp",
    }
}

fn score_text(s: Option<usize>) -> String {
    s.map(|p| format!("{p}%")).unwrap_or_else(|| "n/a".into())
}

/// How many of a list a packet shows, at most.
pub const MAX_LISTED_CHANGES: usize = 100;

/// The Config rules of the report, as one framework's packet shows them.
fn config_rules_view<'a>(info: &'a crate::report::rules::ConfigRulesInfo, framework: &str) -> ConfigRulesView<'a> {
    let prefix = format!("{framework} ");
    let at_controls = info
        .at_controls
        .iter()
        .filter_map(|r| {
            let controls: Vec<&str> = r.controls.iter().filter_map(|c| c.strip_prefix(&prefix)).collect();
            if controls.is_empty() {
                return None;
            }
            let (status_label, status_class) = check_label(r.status);
            Some(RuleRow {
                rule: r.rule.as_str(),
                deployed_as: r.deployed_as.join(", "),
                status_label,
                status_class,
                failing: r.failing,
                controls: controls.join(", "),
            })
        })
        .collect();
    let own = info
        .own
        .iter()
        .map(|r| {
            let (status_label, status_class) = check_label(r.status);
            OwnRuleRow {
                scope: format!("{}/{}", r.account, r.region),
                name: r.name.as_str(),
                kind: r.kind.as_str(),
                status_label,
                status_class,
                detail: r.detail.as_str(),
            }
        })
        .collect();
    let packs = info
        .conformance_packs
        .iter()
        .map(|p| {
            let class = match p.compliance.as_str() {
                "COMPLIANT" => "pass",
                "NON_COMPLIANT" => "fail",
                _ => "not_assessed",
            };
            let mut detail = format!("{} of {} rules NON_COMPLIANT", p.non_compliant_rules, p.rules);
            if let Some(n) = p.non_compliant_resources {
                detail.push_str(&format!(", {n} non-compliant resource result(s)"));
            }
            if let Some(problem) = &p.problem {
                detail.push_str(&format!(". {problem}"));
            }
            PackRow {
                scope: format!("{}/{}", p.account, p.region),
                name: p.name.as_str(),
                compliance: if p.compliance == "not_assessed" { "NOT ASSESSED".into() } else { p.compliance.replace('_', " ") },
                compliance_class: class,
                detail,
            }
        })
        .collect();
    ConfigRulesView { at_controls, own, unknown: info.unknown_scopes.join(", "), packs }
}

pub fn check_label(s: CheckStatus) -> (&'static str, &'static str) {
    match s {
        CheckStatus::Pass => ("PASS", "pass"),
        CheckStatus::Fail => ("FAIL", "fail"),
        CheckStatus::NotAssessed => ("NOT ASSESSED", "na"),
        CheckStatus::NotApplicable => ("NOT APPLICABLE", "napp"),
        CheckStatus::AcceptedRisk => ("ACCEPTED RISK", "accepted"),
    }
}

/// The most failing or not-assessed findings a packet lists per check, and the most passing ones:
/// a packet stays readable (and fast to render) for accounts with tens of thousands of
/// resources, while results.json keeps every finding.
pub const MAX_LISTED_PROBLEMS: usize = 200;
pub const MAX_LISTED_PASSES: usize = 25;

/// The findings a check shows at each control that uses it: the first few, failures first; the
/// rest are under "Findings by check", once per packet.
pub const MAX_AT_CONTROL: usize = 5;

/// The findings a packet lists (of `sorted`, failures first) and a sentence on those it leaves out.
fn listed<'a>(sorted: &[&'a FindingResult]) -> (Vec<&'a FindingResult>, Option<String>) {
    let (mut problems, mut passes) = (0usize, 0usize);
    let (mut hidden_problems, mut hidden_passes) = (0usize, 0usize);
    let mut shown = Vec::new();
    for &f in sorted {
        let (count, hidden, max) = if f.status == CheckStatus::Pass {
            (&mut passes, &mut hidden_passes, MAX_LISTED_PASSES)
        } else {
            (&mut problems, &mut hidden_problems, MAX_LISTED_PROBLEMS)
        };
        if *count < max {
            *count += 1;
            shown.push(f);
        } else {
            *hidden += 1;
        }
    }
    let more = match (hidden_problems, hidden_passes) {
        (0, 0) => None,
        (p, 0) => Some(format!("{p} more failing or not assessed resources are not listed here; results.json lists every finding.")),
        (0, q) => Some(format!("{q} more passing resources are not listed here; results.json lists every finding.")),
        (p, q) => Some(format!(
            "{p} more failing or not assessed and {q} more passing resources are not listed here; results.json lists every finding."
        )),
    };
    (shown, more)
}

/// `300 findings: 12 failing, 288 passing`, or nothing for a check without findings.
fn counts(findings: &[&FindingResult]) -> Option<String> {
    if findings.is_empty() {
        return None;
    }
    let n = |s: CheckStatus| findings.iter().filter(|f| f.status == s).count();
    let parts: Vec<String> = [
        (CheckStatus::Fail, "failing"),
        (CheckStatus::AcceptedRisk, "accepted"),
        (CheckStatus::NotAssessed, "not assessed"),
        (CheckStatus::Pass, "passing"),
        (CheckStatus::NotApplicable, "not applicable"),
    ]
    .into_iter()
    .filter_map(|(s, word)| Some(n(s)).filter(|&k| k > 0).map(|k| format!("{k} {word}")))
    .collect();
    let total = findings.len();
    Some(format!("{total} finding{}: {}", if total == 1 { "" } else { "s" }, parts.join(", ")))
}

/// Findings in the order an auditor reads them: failures, then what could not be assessed, then
/// passes (stable within each group, so the order stays deterministic).
fn failures_first(findings: &[FindingResult]) -> Vec<&FindingResult> {
    let rank = |s: CheckStatus| match s {
        CheckStatus::Fail => 0,
        CheckStatus::AcceptedRisk => 1,
        CheckStatus::NotAssessed => 2,
        CheckStatus::Pass => 3,
        CheckStatus::NotApplicable => 4,
    };
    let mut sorted: Vec<&FindingResult> = findings.iter().collect();
    sorted.sort_by_key(|f| rank(f.status));
    sorted
}

fn owner_explanation(o: Owner) -> &'static str {
    match o {
        Owner::Aws => "Security of the cloud: AWS carries these controls; the evidence is AWS's third-party attestations (AWS Artifact).",
        Owner::Shared => {
            "Both parties act: AWS provides the capability or the infrastructure side, the customer configures and operates its side."
        }
        Owner::Customer => "Security in the cloud: the customer configures, operates and evidences these controls.",
    }
}

/// An HTML id / PDF destination name for a control id: `164.312(a)(1)` → `ctl-164-312-a-1`.
pub fn anchor(id: &str) -> String {
    slug("ctl", id)
}

/// The anchor of a check under "Findings by check": `s3-default-encryption` → `chk-s3-default-encryption`.
pub fn check_anchor(id: &str) -> String {
    slug("chk", id)
}

fn slug(prefix: &str, id: &str) -> String {
    let mut out = String::from(prefix);
    let mut dash = true;
    for ch in id.chars() {
        if ch.is_ascii_alphanumeric() {
            if dash {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
            dash = false;
        } else {
            dash = true;
        }
    }
    out
}

impl<'a> GapView<'a> {
    fn new(api: &'a str, account: &str, region: Option<&str>, error: &'a str, message: &'a str, path: Option<&'a str>) -> GapView<'a> {
        GapView { api, scope: format!("{account} / {}", region.unwrap_or("global")), error, message, path: path.unwrap_or_default() }
    }
}

impl<'a> Packet<'a> {
    /// The view of framework `f` of `report`: its text borrowed from the report, its display
    /// strings (anchors, counts, sentences) made here.
    pub fn new(report: &'a Report, f: &'a FrameworkReport) -> Packet<'a> {
        let s = &f.summary;
        let status_rows = ControlStatus::ALL
            .iter()
            .map(|&st| StatusRow {
                label: st.label(),
                class: status_class(st),
                total: s.by_status.get(st),
                aws: s.by_owner.aws.get(st),
                shared: s.by_owner.shared.get(st),
                customer: s.by_owner.customer.get(st),
            })
            .collect();
        let owner_totals = Owner::ALL.iter().map(|&o| OwnerTotal { owner: o.title(), total: s.by_owner.get(o).total }).collect();
        let matrix = Owner::ALL
            .iter()
            .map(|&o| {
                // Failing rows first, then those lacking evidence or awaiting the auditor; in
                // catalogue order within a status.
                let mut rows: Vec<&crate::report::ControlResult> = f.controls.iter().filter(|c| c.owner == o).collect();
                rows.sort_by_key(|c| attention_rank(c.status));
                let controls: Vec<MatrixRow> = rows
                    .into_iter()
                    .map(|c| MatrixRow {
                        id: c.id.as_str(),
                        anchor: anchor(&c.id),
                        title: c.title.as_str(),
                        section: c.section.as_str(),
                        evidence_method: c.evidence_method.as_str(),
                        status_label: c.status.label(),
                        status_class: status_class(c.status),
                    })
                    .collect();
                OwnerGroup {
                    owner: o.title(),
                    owner_class: o.as_str(),
                    explanation: owner_explanation(o),
                    empty: controls.is_empty(),
                    controls,
                }
            })
            .collect();
        // Each check's findings, failures first, and their counts: worked out once, shown at every
        // control that uses the check (the first few) and under "Findings by check".
        let mut sorted: std::collections::BTreeMap<&str, (Vec<&FindingResult>, Option<String>)> = std::collections::BTreeMap::new();
        for k in f.controls.iter().flat_map(|c| &c.checks) {
            sorted.entry(k.id.as_str()).or_insert_with(|| {
                let all = failures_first(report.checks.get(&k.id).map(|c| c.findings.as_slice()).unwrap_or_default());
                let n = counts(&all);
                (all, n)
            });
        }
        let note = |index: usize| -> Option<AcceptedNote<'a>> {
            let e = report.exceptions.as_ref()?.entries.iter().find(|e| e.entry.index == index)?;
            Some(AcceptedNote {
                exception: index,
                justification: e.entry.justification.as_str(),
                approved_by: e.entry.approved_by.as_str(),
                expires_on: e.entry.expires_on.to_string(),
                ticket: e.entry.ticket.as_deref(),
            })
        };
        let finding_view = |fd: &'a FindingResult, here: Option<usize>| -> FindingView<'a> {
            // Accepted for this control only: shown as accepted here.
            let status = if here.is_some() { CheckStatus::AcceptedRisk } else { fd.status };
            let (status_label, status_class) = check_label(status);
            FindingView {
                resource: fd.resource.as_str(),
                status_label,
                status_class,
                detail: fd.detail.as_str(),
                change: fd.change.map(|ch| match ch {
                    FindingChange::New => "NEW",
                    FindingChange::Persisting => "PERSISTING",
                }),
                accepted: fd.exception.or(here).and_then(note),
            }
        };
        let attestation_views: Vec<AttestationView> = report.attestations.iter().map(attestation_view).collect();
        let cited = |ids: &[String]| -> Vec<AttestationView> {
            attestation_views.iter().filter(|a| ids.iter().any(|i| i == a.id)).cloned().collect()
        };
        let controls = f
            .controls
            .iter()
            .map(|c| ControlView {
                id: c.id.as_str(),
                anchor: anchor(&c.id),
                section: c.section.as_str(),
                title: c.title.as_str(),
                description: c.description.as_str(),
                owner: c.owner.title(),
                owner_class: c.owner.as_str(),
                owner_reason: c.owner_reason.as_deref(),
                evidence_method: c.evidence_method.as_str(),
                status_label: c.status.label(),
                status_class: status_class(c.status),
                status_reason: c.status_reason.as_str(),
                aws_provides: c.aws_provides.as_deref(),
                manual_evidence: c.manual_evidence.as_deref(),
                checks: c
                    .checks
                    .iter()
                    .map(|k| {
                        let (status_label, status_class) = check_label(k.status);
                        let (all, counted) = sorted.get(k.id.as_str()).map(|(a, n)| (a.as_slice(), n.clone())).unwrap_or_default();
                        let here = |fd: &FindingResult| c.accepted.iter().find(|a| a.finding == fd.id).map(|a| a.exception);
                        // The first few, and every finding accepted for this control only.
                        let findings: Vec<FindingView> = all
                            .iter()
                            .enumerate()
                            .filter(|(i, fd)| *i < MAX_AT_CONTROL || here(fd).is_some())
                            .map(|(_, fd)| finding_view(fd, here(fd)))
                            .collect();
                        let more = (findings.len() < all.len()).then(|| {
                            format!(
                                "{} of its {} findings are shown here; Findings by check lists them under {}.",
                                findings.len(),
                                all.len(),
                                k.id
                            )
                        });
                        CheckView {
                            id: k.id.as_str(),
                            title: k.title.as_str(),
                            severity: k.severity.as_str(),
                            status_label,
                            status_class,
                            reason: k.reason.as_ref().map(|r| match k.status {
                                CheckStatus::NotApplicable => format!("Not applicable: {r}"),
                                _ => format!("Not assessed because: {r}"),
                            }),
                            remediation: k.remediation.as_str(),
                            show_remediation: matches!(k.status, CheckStatus::Fail | CheckStatus::NotAssessed),
                            findings,
                            anchor: check_anchor(&k.id),
                            counts: counted,
                            more,
                        }
                    })
                    .collect(),
                evidence_files: Cow::Borrowed(&c.evidence_files),
                change_label: c.change.map(ControlChange::label),
                change_class: c.change.map(change_class),
                previous_label: c.previous_status.map(ControlStatus::label),
                attachments: c.attachments.iter().map(|a| attachment_view(&c.id, a)).collect(),
                attestations: cited(&c.attestations),
            })
            .collect();
        let findings_by_check: Vec<CheckFindingsView> = sorted
            .iter()
            .map(|(&id, (all, counted))| {
                let uses: Vec<&crate::report::ControlResult> = f.controls.iter().filter(|c| c.checks.iter().any(|k| k.id == id)).collect();
                let k = uses.first().and_then(|c| c.checks.iter().find(|k| k.id == id)).expect("a check listed is used by a control");
                let (shown, more) = listed(all);
                CheckFindingsView {
                    id,
                    anchor: check_anchor(id),
                    title: k.title.as_str(),
                    severity: k.severity.as_str(),
                    controls: uses.iter().map(|c| ControlLink { id: c.id.as_str(), anchor: anchor(&c.id) }).collect(),
                    counts: counted.clone(),
                    findings: shown.into_iter().map(|fd| finding_view(fd, None)).collect(),
                    more,
                }
            })
            .collect();
        // Controls by status for each section, in catalogue order.
        let section_bars: Vec<crate::render::chart::Bar> = {
            let mut sections: Vec<(String, crate::report::StatusCounts)> = Vec::new();
            for c in &f.controls {
                match sections.iter_mut().find(|(s, _)| *s == c.section) {
                    Some((_, counts)) => counts.add(c.status),
                    None => {
                        let mut counts = crate::report::StatusCounts::default();
                        counts.add(c.status);
                        sections.push((c.section.clone(), counts));
                    }
                }
            }
            sections.into_iter().enumerate().map(|(i, (s, counts))| crate::render::chart::status_bar(s, &counts, i)).collect()
        };
        let e = &report.evidence;
        let service_models = if report.service_models.is_empty() {
            "The Config inventory shows no resource type of a known service model, so every model is listed.".to_string()
        } else {
            let uses: Vec<String> = report
                .service_models
                .iter()
                .map(|m| {
                    let types: Vec<String> = m.resource_types.iter().map(|t| format!("{} {}", t.resource_type, t.items)).collect();
                    format!("{} ({})", m.name, types.join(", "))
                })
                .collect();
            format!("Service models in use, from the Config inventory: {}.", uses.join("; "))
        };
        let model_names = f.responsibility.first().map(|r| r.owners.iter().map(|o| o.name.as_str()).collect()).unwrap_or_default();
        let srm_rows = f
            .responsibility
            .iter()
            .map(|r| SrmRow {
                area: r.name.as_str(),
                owners: r.owners.iter().map(|o| SrmCell { owner: o.owner.title(), owner_class: o.owner.as_str() }).collect(),
                controls: if r.controls.is_empty() { "-".to_string() } else { r.controls.join(", ") },
            })
            .collect();
        let changes = changes_view(report, f);
        let accepted = accepted_view(report, f);
        let needed: Vec<NeededRow> = f
            .controls
            .iter()
            .filter(|c| c.status == ControlStatus::Manual)
            .map(|c| NeededRow {
                id: c.id.as_str(),
                anchor: anchor(&c.id),
                title: c.title.as_str(),
                owner: c.owner.title(),
                request: c.manual_evidence.as_deref().unwrap_or("documents showing the control operates"),
            })
            .collect();
        let stale_attachments: Vec<AttachmentView> =
            f.controls.iter().flat_map(|c| c.attachments.iter().filter(|a| a.stale).map(|a| attachment_view(&c.id, a))).collect();
        let cited_here: std::collections::BTreeSet<&str> =
            f.controls.iter().flat_map(|c| c.attestations.iter().map(String::as_str)).collect();
        let framework_attestations: Vec<AttestationView> =
            attestation_views.iter().filter(|a| cited_here.contains(a.id)).cloned().collect();
        let by_account: Vec<AccountRow> = f
            .by_account
            .iter()
            .map(|a| {
                let st = &a.summary.by_status;
                let failing = match a.failing.len() {
                    0 => "none".to_string(),
                    n if n <= 5 => a.failing.join(", "),
                    n => format!("{} and {} more", a.failing[..5].join(", "), n - 5),
                };
                AccountRow {
                    account: a.account.as_str(),
                    pass: st.pass,
                    fail: st.fail,
                    accepted_risk: st.accepted_risk,
                    not_assessed: st.not_assessed,
                    not_applicable: st.not_applicable,
                    manual: st.manual + st.evidence_attached,
                    inherited: st.inherited,
                    failing,
                }
            })
            .collect();
        let action = action_view(report, f, &needed);
        let mut sections = vec![
            SectionRef { anchor: "action", title: "What needs action".into() },
            SectionRef { anchor: "summary", title: "Summary by status and owner".into() },
        ];
        if !by_account.is_empty() {
            sections.push(SectionRef { anchor: "accounts", title: "By account".into() });
        }
        if let Some(c) = &changes {
            sections.push(SectionRef { anchor: "changes", title: format!("Changes since {}", c.label) });
        }
        sections.push(SectionRef { anchor: "matrix", title: "Responsibility matrix".into() });
        sections.push(SectionRef { anchor: "service-models", title: "Shared responsibility by service model".into() });
        sections.push(SectionRef { anchor: "controls", title: "Controls".into() });
        sections.push(SectionRef { anchor: "findings", title: "Findings by check".into() });
        if accepted.is_some() {
            sections.push(SectionRef { anchor: "accepted", title: "Accepted risks".into() });
        }
        sections.push(SectionRef { anchor: "needed", title: "Evidence still needed".into() });
        sections.push(SectionRef { anchor: "config-rules", title: "AWS Config rules".into() });
        if !framework_attestations.is_empty() {
            sections.push(SectionRef { anchor: "attestations", title: "AWS attestations".into() });
        }
        sections.push(SectionRef { anchor: "gaps", title: "Evidence gaps".into() });
        sections.push(SectionRef { anchor: "signoff", title: "Sign-off".into() });
        sections.push(SectionRef { anchor: "files", title: "Evidence files".into() });
        Packet {
            title: format!("{} {} audit packet", f.name, f.version),
            framework_id: f.id.as_str(),
            framework_name: f.name.as_str(),
            framework_version: f.version.as_str(),
            framework_description: f.description.as_str(),
            accounts: e.accounts.join(", "),
            regions: e.regions.join(", "),
            collected_at: e.collected_at.as_str(),
            generated_at: report.generated_at.as_str(),
            manifest_sha256: e.manifest_sha256.as_str(),
            signature: crate::report::SignatureInfo::describe(e.signature.as_ref()),
            signature_comment: e.signature.as_ref().filter(|s| s.verified).map(|s| s.trusted_comment.as_str()),
            tool: format!("{} {}", report.tool.name, report.tool.version),
            period: None,
            prepared_for: None,
            prepared_by: None,
            total_controls: s.by_status.total,
            status_rows,
            owner_totals,
            by_account,
            section_svg_height: crate::render::chart::svg_height(section_bars.len()),
            chart_patterns: crate::render::chart::patterns(),
            section_bars,
            matrix,
            service_models,
            model_names,
            srm_rows,
            controls,
            findings_by_check,
            gaps: e
                .gaps
                .iter()
                .map(|g| GapView::new(&g.api, &g.account, g.region.as_deref(), &g.error, &g.message, g.path.as_deref()))
                .collect(),
            absent: e
                .absent
                .iter()
                .map(|g| GapView::new(&g.api, &g.account, g.region.as_deref(), &g.error, &g.message, g.path.as_deref()))
                .collect(),
            evidence_files: Cow::Borrowed(&e.files),
            exceptions_file: report.exceptions.as_ref().map(|x| x.file.as_str()),
            exceptions_sha256: report.exceptions.as_ref().map(|x| x.sha256.as_str()),
            changes,
            accepted,
            needed,
            stale_attachments,
            attestations: framework_attestations,
            config_rules: config_rules_view(&report.config_rules, &f.id),
            action,
            sections,
        }
    }
}

/// The order of the responsibility matrix: what needs work first.
fn attention_rank(s: ControlStatus) -> u8 {
    match s {
        ControlStatus::Fail => 0,
        ControlStatus::NotAssessed => 1,
        ControlStatus::AcceptedRisk => 2,
        ControlStatus::Manual => 3,
        ControlStatus::EvidenceAttached => 4,
        ControlStatus::Pass => 5,
        ControlStatus::NotApplicable => 6,
        ControlStatus::Inherited => 7,
    }
}

/// How many ids "What needs action" names of the evidence still needed.
const NEEDED_NAMED: usize = 5;

fn action_view<'a>(report: &Report, f: &'a FrameworkReport, needed: &[NeededRow]) -> ActionView<'a> {
    use crate::checks::Severity;
    let owner_rank = |o: Owner| match o {
        Owner::Customer => 0,
        Owner::Shared => 1,
        Owner::Aws => 2,
    };
    let mut items: Vec<((u8, u8, u8, usize), ActionItem)> = f
        .controls
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.status, ControlStatus::Fail | ControlStatus::NotAssessed))
        .map(|(i, c)| {
            let behind = if c.status == ControlStatus::Fail { CheckStatus::Fail } else { CheckStatus::NotAssessed };
            let worst = c.checks.iter().filter(|k| k.status == behind).map(|k| k.severity).min_by_key(|s| s.rank());
            let key = (owner_rank(c.owner), u8::from(c.status != ControlStatus::Fail), worst.map_or(4, Severity::rank), i);
            let item = ActionItem {
                id: c.id.as_str(),
                anchor: anchor(&c.id),
                title: c.title.as_str(),
                owner: c.owner.title(),
                owner_class: c.owner.as_str(),
                status_label: c.status.label(),
                status_class: status_class(c.status),
                severity: worst.map_or("-", Severity::as_str),
                why: c.status_reason.as_str(),
            };
            (key, item)
        })
        .collect();
    items.sort_by_key(|(key, _)| *key);
    let named: Vec<&str> = needed.iter().take(NEEDED_NAMED).map(|n| n.id).collect();
    let needed_ids = match needed.len() {
        n if n > NEEDED_NAMED => format!("{} and {} more", named.join(", "), n - NEEDED_NAMED),
        _ => named.join(", "),
    };
    ActionView {
        empty: items.is_empty(),
        items: items.into_iter().map(|(_, item)| item).collect(),
        expiring: expiring_soon(f, report.exceptions.as_ref()),
        needed: needed.len(),
        needed_ids,
    }
}

fn attachment_view<'a>(control: &'a str, a: &'a crate::report::manual::AttachmentRef) -> AttachmentView<'a> {
    AttachmentView {
        control,
        path: a.path.as_str(),
        sha256: a.sha256.as_str(),
        attached_by: a.attached_by.as_str(),
        attached_at: a.attached_at.as_str(),
        note: a.note.as_deref(),
        stale: a.stale,
    }
}

fn attestation_view(a: &crate::report::attest::AttestationInfo) -> AttestationView<'_> {
    use crate::mappings::attestations::Kind;
    let x = &a.attestation;
    let dates = match (x.period_start, x.period_end, x.date) {
        (Some(s), Some(e), _) => format!("period {s} to {e}"),
        (None, Some(e), _) => format!("period ending {e}"),
        (_, None, Some(d)) if x.kind == Kind::Agreement => format!("accepted {d}"),
        (_, None, Some(d)) => format!("issued {d}"),
        _ => "date not recorded".to_string(),
    };
    let (state_label, state_class) = match a.state {
        AttestationState::Current => ("CURRENT", "pass"),
        AttestationState::Stale => ("STALE", "fail"),
        AttestationState::Undated => ("UNDATED", "na"),
        AttestationState::Agreement => ("AGREEMENT", "inherited"),
    };
    AttestationView {
        id: x.id.as_str(),
        name: x.name.as_str(),
        kind: match x.kind {
            Kind::Report => "report",
            Kind::Certificate => "certificate",
            Kind::Agreement => "agreement",
        },
        dates,
        source: x.source.as_str(),
        note: x.note.as_deref(),
        state_label,
        state_class,
        age: a.age.as_str(),
        stale: a.state == AttestationState::Stale,
    }
}

/// The "Changes since" section of one framework.
fn changes_view<'a>(report: &'a Report, f: &'a FrameworkReport) -> Option<ChangesView<'a>> {
    let ch = report.changes.as_ref()?;
    let fc = f.changes.as_ref();
    // What moved first (new failures, fixes), then what still fails; catalogue order within.
    let rank = |c: ControlChange| match c {
        ControlChange::NewFailure => 0,
        ControlChange::Fixed => 1,
        ControlChange::NoLongerAssessed => 2,
        ControlChange::NewlyAssessed => 3,
        ControlChange::StillFailing => 4,
        ControlChange::Unchanged => 5,
    };
    let mut moved: Vec<&crate::report::ControlResult> =
        f.controls.iter().filter(|c| c.change.is_some_and(|x| x != ControlChange::Unchanged)).collect();
    moved.sort_by_key(|c| c.change.map(rank));
    let rows = moved
        .into_iter()
        .filter_map(|c| {
            let change = c.change?;
            Some(ChangeRow {
                id: c.id.as_str(),
                anchor: anchor(&c.id),
                title: c.title.as_str(),
                before_label: c.previous_status.map(ControlStatus::label).unwrap_or("NOT IN CATALOGUE"),
                before_class: c.previous_status.map(status_class).unwrap_or("napp"),
                now_label: c.status.label(),
                now_class: status_class(c.status),
                change_label: change.label(),
                change_class: change_class(change),
            })
        })
        .collect();
    // The findings of the checks this framework uses.
    let used: std::collections::BTreeSet<&str> = f.controls.iter().flat_map(|c| c.checks.iter().map(|k| k.id.as_str())).collect();
    let mut new_findings: Vec<FindingChangeRow> = Vec::new();
    let mut persisting = 0;
    for (id, k) in report.checks.iter().filter(|(id, _)| used.contains(id.as_str())) {
        for x in &k.findings {
            match x.change {
                Some(FindingChange::New) => {
                    new_findings.push(FindingChangeRow { check: id.as_str(), resource: x.resource.as_str(), detail: x.detail.as_str() })
                }
                Some(FindingChange::Persisting) => persisting += 1,
                None => {}
            }
        }
    }
    let mut resolved_findings: Vec<FindingChangeRow> = ch
        .resolved
        .iter()
        .filter(|r| used.contains(r.check.as_str()))
        .map(|r| FindingChangeRow { check: r.check.as_str(), resource: r.resource.as_str(), detail: r.detail.as_str() })
        .collect();
    let (findings_new, findings_resolved) = (new_findings.len(), resolved_findings.len());
    let more = |n: usize, what: &str| {
        (n > MAX_LISTED_CHANGES)
            .then(|| format!("{} more {what} findings are not listed here; results.json lists every one.", n - MAX_LISTED_CHANGES))
    };
    let (more_new, more_resolved) = (more(findings_new, "new"), more(findings_resolved, "resolved"));
    new_findings.truncate(MAX_LISTED_CHANGES);
    resolved_findings.truncate(MAX_LISTED_CHANGES);
    Some(ChangesView {
        label: ch.previous.label.as_str(),
        previous_collected_at: ch.previous.collected_at.as_str(),
        previous_generated_at: ch.previous.generated_at.as_str(),
        previous_manifest_sha256: ch.previous.manifest_sha256.as_str(),
        previous_source: ch.previous.source.as_str(),
        score_before: score_text(fc.and_then(|c| c.score_before)),
        score_now: score_text(f.summary.by_status.score()),
        counts: ControlChange::ALL
            .iter()
            .map(|&c| ChangeCount { label: c.label(), class: change_class(c), count: fc.map(|x| x.get(c)).unwrap_or(0) })
            .collect(),
        rows,
        accounts_added: ch.accounts_added.iter().map(String::as_str).collect(),
        accounts_removed: ch.accounts_removed.iter().map(String::as_str).collect(),
        accounts_compared: ch.accounts_compared.join(", "),
        findings_new,
        findings_persisting: persisting,
        findings_resolved,
        new_findings,
        resolved_findings,
        more_new,
        more_resolved,
        not_compared: fc.is_none(),
    })
}

/// The exceptions that bear on one framework: entries naming one of its checks or controls.
fn accepted_view<'a>(report: &'a Report, f: &FrameworkReport) -> Option<AcceptedView<'a>> {
    use crate::exceptions::Target;
    let x = report.exceptions.as_ref()?;
    let used: std::collections::BTreeSet<&str> = f.controls.iter().flat_map(|c| c.checks.iter().map(|k| k.id.as_str())).collect();
    let entries: Vec<ExceptionView> = x
        .entries
        .iter()
        .filter(|e| match &e.entry.target {
            Target::Check { check } => used.contains(check.as_str()),
            Target::Control { framework, .. } => *framework == f.id,
        })
        .map(|e| {
            let (state_label, state_class) = match e.state {
                ExceptionState::Active => ("ACTIVE", "accepted"),
                ExceptionState::Unmatched => ("MATCHES NOTHING", "na"),
                ExceptionState::Expired => ("EXPIRED", "fail"),
            };
            let effect = match e.state {
                ExceptionState::Active => {
                    format!("accepts {} failing finding(s); expires in {} day(s)", e.findings, e.days_left)
                }
                ExceptionState::Unmatched => "matches no failing finding: check its target and resource patterns".to_string(),
                ExceptionState::Expired if e.findings == 0 => {
                    format!("expired {} day(s) ago; no longer applies (it would cover no failing finding now)", -e.days_left)
                }
                ExceptionState::Expired => format!(
                    "expired {} day(s) ago; no longer applies: the {} failing finding(s) it covered count as failures again",
                    -e.days_left, e.findings
                ),
            };
            ExceptionView {
                index: e.entry.index,
                target: e.entry.target_label(),
                resources: if e.entry.resources.is_empty() { "every resource".to_string() } else { e.entry.resources.join(", ") },
                justification: e.entry.justification.as_str(),
                approved_by: e.entry.approved_by.as_str(),
                approved_on: e.entry.approved_on.to_string(),
                expires_on: e.entry.expires_on.to_string(),
                ticket: e.entry.ticket.as_deref(),
                state_label,
                state_class,
                effect,
            }
        })
        .collect();
    Some(AcceptedView {
        file: x.file.as_str(),
        sha256: x.sha256.as_str(),
        judged_on: x.judged_on.to_string(),
        empty: entries.is_empty(),
        entries,
    })
}

/// Days before expiry from which the summary names an accepted risk.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Active exceptions bearing on `f` that expire within [`EXPIRY_WARNING_DAYS`].
pub(crate) fn expiring_soon(f: &FrameworkReport, exceptions: Option<&crate::report::accept::ExceptionsInfo>) -> Vec<String> {
    use crate::exceptions::Target;
    use crate::report::accept::ExceptionState;
    let Some(x) = exceptions else { return Vec::new() };
    let used: std::collections::BTreeSet<&str> = f.controls.iter().flat_map(|c| c.checks.iter().map(|k| k.id.as_str())).collect();
    x.entries
        .iter()
        .filter(|e| e.state == ExceptionState::Active && e.days_left <= EXPIRY_WARNING_DAYS)
        .filter(|e| match &e.entry.target {
            Target::Check { check } => used.contains(check.as_str()),
            Target::Control { framework, .. } => *framework == f.id,
        })
        .map(|e| {
            format!("exception {} ({}) expires {} (in {} day(s))", e.entry.index, e.entry.target_label(), e.entry.expires_on, e.days_left)
        })
        .collect()
}
