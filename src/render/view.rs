//! The packet view: what a framework packet shows, in display form. HTML and PDF both render
//! from it, so the two carry the same content.

use serde::{Deserialize, Serialize};

use crate::checks::{CheckStatus, Finding};
use crate::mappings::Owner;
use crate::report::{ControlStatus, FileRef, FrameworkReport, Report};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Packet {
    pub title: String,
    pub framework_id: String,
    pub framework_name: String,
    pub framework_version: String,
    pub framework_description: String,
    pub accounts: String,
    pub regions: String,
    pub collected_at: String,
    pub generated_at: String,
    pub manifest_sha256: String,
    pub tool: String,
    /// The audit period, who the packet is for and who prepared it (report options), when given.
    pub period: Option<String>,
    pub prepared_for: Option<String>,
    pub prepared_by: Option<String>,
    pub total_controls: usize,
    pub status_rows: Vec<StatusRow>,
    pub owner_totals: Vec<OwnerTotal>,
    /// Controls by status for each section: a bar chart (SVG in HTML, vector in the PDF).
    pub section_bars: Vec<crate::render::summary::Bar>,
    /// Height of that chart's SVG box.
    pub section_svg_height: f32,
    pub matrix: Vec<OwnerGroup>,
    /// The service models the inventory shows, in words (or that it shows none).
    pub service_models: String,
    /// Column heads of the shared responsibility table: the models in use.
    pub model_names: Vec<String>,
    pub srm_rows: Vec<SrmRow>,
    pub controls: Vec<ControlView>,
    pub gaps: Vec<GapView>,
    pub absent: Vec<GapView>,
    pub evidence_files: Vec<FileRef>,
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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnerTotal {
    pub owner: &'static str,
    pub total: usize,
}

/// One area of the shared responsibility model: its owner per model in use, and its controls.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct SrmRow {
    pub area: String,
    pub owners: Vec<SrmCell>,
    pub controls: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SrmCell {
    pub owner: &'static str,
    pub owner_class: &'static str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnerGroup {
    pub owner: &'static str,
    pub owner_class: &'static str,
    pub explanation: &'static str,
    pub controls: Vec<MatrixRow>,
    pub empty: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MatrixRow {
    pub id: String,
    pub anchor: String,
    pub title: String,
    pub section: String,
    pub evidence_method: &'static str,
    pub status_label: &'static str,
    pub status_class: &'static str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControlView {
    pub id: String,
    pub anchor: String,
    pub section: String,
    pub title: String,
    pub description: String,
    pub owner: &'static str,
    /// Why the owner is what it is, when it follows the service models in use.
    pub owner_reason: Option<String>,
    pub evidence_method: &'static str,
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub status_reason: String,
    pub aws_provides: Option<String>,
    pub manual_evidence: Option<String>,
    pub checks: Vec<CheckView>,
    pub evidence_files: Vec<FileRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckView {
    pub id: String,
    pub title: String,
    pub severity: &'static str,
    pub status_label: &'static str,
    pub status_class: &'static str,
    /// Why the check is not assessed or not applicable, as a sentence.
    pub reason: Option<String>,
    pub remediation: String,
    pub show_remediation: bool,
    pub findings: Vec<FindingView>,
    /// How many findings the packet leaves out (results.json lists them all), when it does.
    pub more: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingView {
    pub resource: String,
    pub status_label: &'static str,
    pub status_class: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GapView {
    pub api: String,
    pub scope: String,
    pub error: String,
    pub message: String,
    pub path: String,
}

pub fn status_class(s: ControlStatus) -> &'static str {
    match s {
        ControlStatus::Pass => "pass",
        ControlStatus::Fail => "fail",
        ControlStatus::NotAssessed => "na",
        ControlStatus::NotApplicable => "napp",
        ControlStatus::Manual => "manual",
        ControlStatus::Inherited => "inherited",
    }
}

pub fn check_label(s: CheckStatus) -> (&'static str, &'static str) {
    match s {
        CheckStatus::Pass => ("PASS", "pass"),
        CheckStatus::Fail => ("FAIL", "fail"),
        CheckStatus::NotAssessed => ("NOT ASSESSED", "na"),
        CheckStatus::NotApplicable => ("NOT APPLICABLE", "napp"),
    }
}

/// The most failing or not-assessed findings a packet lists per check, and the most passing ones:
/// a packet stays readable (and fast to render) for accounts with tens of thousands of
/// resources, while results.json keeps every finding.
pub const MAX_LISTED_PROBLEMS: usize = 200;
pub const MAX_LISTED_PASSES: usize = 25;

/// The findings a packet lists (failures first) and a sentence on those it leaves out.
fn listed(findings: &[Finding]) -> (Vec<&Finding>, Option<String>) {
    let (mut problems, mut passes) = (0usize, 0usize);
    let (mut hidden_problems, mut hidden_passes) = (0usize, 0usize);
    let mut shown = Vec::new();
    for f in failures_first(findings) {
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

/// Findings in the order an auditor reads them: failures, then what could not be assessed, then
/// passes (stable within each group, so the order stays deterministic).
fn failures_first(findings: &[Finding]) -> Vec<&Finding> {
    let rank = |s: CheckStatus| match s {
        CheckStatus::Fail => 0,
        CheckStatus::NotAssessed => 1,
        CheckStatus::Pass => 2,
        CheckStatus::NotApplicable => 3,
    };
    let mut sorted: Vec<&Finding> = findings.iter().collect();
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
    let mut out = String::from("ctl");
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

impl GapView {
    fn new(api: &str, account: &str, region: Option<&str>, error: &str, message: &str, path: Option<&str>) -> GapView {
        GapView {
            api: api.to_string(),
            scope: format!("{account} / {}", region.unwrap_or("global")),
            error: error.to_string(),
            message: message.to_string(),
            path: path.unwrap_or_default().to_string(),
        }
    }
}

impl Packet {
    pub fn new(report: &Report, f: &FrameworkReport) -> Packet {
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
                let controls: Vec<MatrixRow> = f
                    .controls
                    .iter()
                    .filter(|c| c.owner == o)
                    .map(|c| MatrixRow {
                        id: c.id.clone(),
                        anchor: anchor(&c.id),
                        title: c.title.clone(),
                        section: c.section.clone(),
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
        let all_findings =
            |k: &crate::report::CheckResult| -> &[Finding] { report.checks.get(&k.id).map(|c| c.findings.as_slice()).unwrap_or_default() };
        let controls = f
            .controls
            .iter()
            .map(|c| ControlView {
                id: c.id.clone(),
                anchor: anchor(&c.id),
                section: c.section.clone(),
                title: c.title.clone(),
                description: c.description.clone(),
                owner: c.owner.title(),
                owner_reason: c.owner_reason.clone(),
                evidence_method: c.evidence_method.as_str(),
                status_label: c.status.label(),
                status_class: status_class(c.status),
                status_reason: c.status_reason.clone(),
                aws_provides: c.aws_provides.clone(),
                manual_evidence: c.manual_evidence.clone(),
                checks: c
                    .checks
                    .iter()
                    .map(|k| {
                        let (status_label, status_class) = check_label(k.status);
                        let (shown, more) = listed(all_findings(k));
                        CheckView {
                            id: k.id.clone(),
                            title: k.title.clone(),
                            severity: k.severity.as_str(),
                            status_label,
                            status_class,
                            reason: k.reason.as_ref().map(|r| match k.status {
                                CheckStatus::NotApplicable => format!("Not applicable: {r}"),
                                _ => format!("Not assessed because: {r}"),
                            }),
                            remediation: k.remediation.clone(),
                            show_remediation: matches!(k.status, CheckStatus::Fail | CheckStatus::NotAssessed),
                            findings: shown
                                .into_iter()
                                .map(|fd| {
                                    let (status_label, status_class) = check_label(fd.status);
                                    FindingView { resource: fd.resource.clone(), status_label, status_class, detail: fd.detail.clone() }
                                })
                                .collect(),
                            more,
                        }
                    })
                    .collect(),
                evidence_files: c.evidence_files.clone(),
            })
            .collect();
        // Controls by status for each section, in catalogue order.
        let section_bars: Vec<crate::render::summary::Bar> = {
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
            sections.into_iter().enumerate().map(|(i, (s, counts))| crate::render::summary::status_bar(s, &counts, i)).collect()
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
        let model_names = f.responsibility.first().map(|r| r.owners.iter().map(|o| o.name.clone()).collect()).unwrap_or_default();
        let srm_rows = f
            .responsibility
            .iter()
            .map(|r| SrmRow {
                area: r.name.clone(),
                owners: r.owners.iter().map(|o| SrmCell { owner: o.owner.title(), owner_class: o.owner.as_str() }).collect(),
                controls: if r.controls.is_empty() { "-".to_string() } else { r.controls.join(", ") },
            })
            .collect();
        Packet {
            title: format!("{} {} audit packet", f.name, f.version),
            framework_id: f.id.clone(),
            framework_name: f.name.clone(),
            framework_version: f.version.clone(),
            framework_description: f.description.clone(),
            accounts: e.accounts.join(", "),
            regions: e.regions.join(", "),
            collected_at: e.collected_at.clone(),
            generated_at: report.generated_at.clone(),
            manifest_sha256: e.manifest_sha256.clone(),
            tool: format!("{} {}", report.tool.name, report.tool.version),
            period: None,
            prepared_for: None,
            prepared_by: None,
            total_controls: s.by_status.total,
            status_rows,
            owner_totals,
            section_svg_height: crate::render::summary::svg_height(section_bars.len()),
            section_bars,
            matrix,
            service_models,
            model_names,
            srm_rows,
            controls,
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
            evidence_files: e.files.clone(),
        }
    }
}
