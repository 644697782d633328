//! The one-page management summary: per framework a score, counts by status and by owner, the
//! five most important failing customer-owned controls with one line of remediation, and one
//! chart model drawn as inline SVG in HTML and as vector graphics in the PDF.

use serde::{Deserialize, Serialize};

use super::chart::{patterns, status_bar, svg_height, Bar, Chart, LegendItem, STATUSES};
use super::view::expiring_soon;
use crate::checks::CheckStatus;
use crate::mappings::Owner;
use crate::report::attest::AttestationState;
use crate::report::{CheckFindings, ControlStatus, FrameworkReport, Report};

/// How many failing customer-owned controls the summary names per framework.
pub const TOP_ISSUES: usize = 5;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct SummaryView {
    pub title: String,
    pub accounts: String,
    pub regions: String,
    pub collected_at: String,
    pub generated_at: String,
    pub manifest_sha256: String,
    /// The bundle's signature in words (as on the packet covers).
    pub signature: String,
    pub tool: String,
    pub prepared_for: Option<String>,
    pub frameworks: Vec<FrameworkSummary>,
    pub chart: Chart,
    /// "Compared with the packet of …", when a previous period was given.
    pub compared_with: Option<String>,
    /// The exceptions file's SHA-256, when one was applied.
    pub exceptions_sha256: Option<String>,
    /// AWS attestations more than 12 months old (or undated), one line each.
    pub attestation_flags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct FrameworkSummary {
    pub id: String,
    pub name: String,
    pub version: String,
    /// Passing share of the automated controls that could be assessed, e.g. "38%", or "n/a".
    pub score: String,
    pub score_note: String,
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub not_assessed: usize,
    pub not_applicable: usize,
    pub manual: usize,
    pub inherited: usize,
    pub aws: usize,
    pub shared: usize,
    pub customer: usize,
    pub top: Vec<TopIssue>,
    pub no_top: bool,
    pub accepted_risk: usize,
    pub evidence_attached: usize,
    /// Against the previous period: "then 40% → now 45%: 1 fixed, 1 new failure", when compared.
    pub change: Option<String>,
    pub fixed: usize,
    pub new_failures: usize,
    /// Manual controls still without evidence for the period, and the first few of them.
    pub needed: usize,
    pub needed_ids: String,
    /// Accepted risks that expire within 30 days of generation, one line each.
    pub expiring: Vec<String>,
    /// For a bundle of several accounts: the accounts with the most failing customer-owned or
    /// shared controls, then how many others there are, as one sentence.
    pub accounts: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopIssue {
    pub id: String,
    /// The control's anchor in its framework's packet (`{framework}.html#…`, `{framework}.pdf`).
    pub anchor: String,
    pub title: String,
    pub severity: &'static str,
    pub remediation: String,
}

/// How many manual controls still needing evidence the summary names per framework.
pub const NEEDED_NAMED: usize = 3;

/// The first sentence of a text, at most `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let first = text.split(". ").next().unwrap_or(text).trim_end_matches('.');
    if first.chars().count() <= max {
        return format!("{first}.");
    }
    super::chart::shorten(first, max)
}

fn framework_summary(
    f: &FrameworkReport,
    findings: &std::collections::BTreeMap<String, CheckFindings>,
    previous_label: Option<&str>,
    exceptions: Option<&crate::report::accept::ExceptionsInfo>,
) -> FrameworkSummary {
    let s = &f.summary;
    let assessed = s.by_status.pass + s.by_status.fail + s.by_status.accepted_risk;
    // Rounded percentage of passing among assessed automated controls; none assessed: no score.
    // Controls with nothing in scope count neither way; accepted risks count as not passing.
    let napp = s.by_status.not_applicable;
    let mut besides = if napp > 0 { format!("; {napp} not applicable, nothing in scope") } else { String::new() };
    if s.by_status.accepted_risk > 0 {
        besides.push_str(&format!("; {} accepted risk(s) count as not passing", s.by_status.accepted_risk));
    }
    let (score, score_note) = match s.by_status.score() {
        Some(pct) => (format!("{pct}%"), format!("{} of {} assessed automated controls pass{besides}", s.by_status.pass, assessed)),
        None if napp > 0 && s.by_status.not_assessed == 0 => {
            ("n/a".to_string(), format!("nothing in scope: {napp} automated control(s) found no resource to examine"))
        }
        None => ("n/a".to_string(), format!("no automated control could be assessed{besides}")),
    };
    // Failing customer-owned controls, most severe failing check first, then most failures.
    let mut failing: Vec<(u8, std::cmp::Reverse<usize>, TopIssue)> = f
        .controls
        .iter()
        .filter(|c| c.status == ControlStatus::Fail && c.owner == Owner::Customer)
        .filter_map(|c| {
            let worst = c.checks.iter().filter(|k| k.status == CheckStatus::Fail).min_by_key(|k| k.severity.rank())?;
            let failures = c
                .checks
                .iter()
                .filter_map(|k| findings.get(&k.id))
                .flat_map(|k| &k.findings)
                .filter(|x| x.status == CheckStatus::Fail)
                .count();
            Some((
                worst.severity.rank(),
                std::cmp::Reverse(failures),
                TopIssue {
                    id: c.id.clone(),
                    anchor: super::view::anchor(&c.id),
                    title: c.title.clone(),
                    severity: worst.severity.as_str(),
                    remediation: one_line(&worst.remediation, 110),
                },
            ))
        })
        .collect();
    failing.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let top: Vec<TopIssue> = failing.into_iter().take(TOP_ISSUES).map(|(_, _, t)| t).collect();
    let (change, fixed, new_failures) = match (&f.changes, previous_label) {
        (Some(c), Some(label)) => {
            let pct = |p: Option<usize>| p.map(|p| format!("{p}%")).unwrap_or_else(|| "n/a".into());
            (
                Some(format!(
                    "since {label}: score {} → {}; {} fixed, {} new failure(s), {} still failing",
                    pct(c.score_before),
                    pct(c.score_now),
                    c.fixed,
                    c.new_failure,
                    c.still_failing
                )),
                c.fixed,
                c.new_failure,
            )
        }
        (None, Some(label)) => (Some(format!("not in the packet of {label}, so not compared")), 0, 0),
        _ => (None, 0, 0),
    };
    let needed: Vec<&str> = f.controls.iter().filter(|c| c.status == ControlStatus::Manual).map(|c| c.id.as_str()).collect();
    let needed_ids = needed.iter().take(NEEDED_NAMED).copied().collect::<Vec<_>>().join(", ");
    let expiring = expiring_soon(f, exceptions);
    FrameworkSummary {
        accounts: accounts_line(f),
        id: f.id.clone(),
        name: f.name.clone(),
        version: f.version.clone(),
        score,
        score_note,
        total: s.by_status.total,
        pass: s.by_status.pass,
        fail: s.by_status.fail,
        not_assessed: s.by_status.not_assessed,
        not_applicable: s.by_status.not_applicable,
        manual: s.by_status.manual,
        inherited: s.by_status.inherited,
        aws: s.by_owner.aws.total,
        shared: s.by_owner.shared.total,
        customer: s.by_owner.customer.total,
        no_top: top.is_empty(),
        top,
        accepted_risk: s.by_status.accepted_risk,
        evidence_attached: s.by_status.evidence_attached,
        change,
        fixed,
        new_failures,
        needed: needed.len(),
        needed_ids,
        expiring,
    }
}

/// Accounts the summary names per framework; the rest are counted.
pub const ACCOUNTS_NAMED: usize = 3;

/// `By account (12): 444455556666 9 failing, 111122223333 7 failing, …; 9 more accounts`.
fn accounts_line(f: &FrameworkReport) -> Option<String> {
    if f.by_account.is_empty() {
        return None;
    }
    let mut worst: Vec<&crate::report::AccountSummary> = f.by_account.iter().collect();
    // Most failing first; the account id keeps the order fixed among equals.
    worst.sort_by(|a, b| b.failing.len().cmp(&a.failing.len()).then_with(|| a.account.cmp(&b.account)));
    let named: Vec<String> = worst.iter().take(ACCOUNTS_NAMED).map(|a| format!("{} {} failing", a.account, a.failing.len())).collect();
    let rest = worst.len().saturating_sub(ACCOUNTS_NAMED);
    let more = if rest > 0 { format!("; {rest} more account(s), each packet lists them all") } else { String::new() };
    Some(format!("By account ({}), failing customer-owned or shared controls: {}{more}", worst.len(), named.join(", ")))
}

impl SummaryView {
    pub fn new(report: &Report, prepared_for: Option<String>) -> SummaryView {
        let label = report.changes.as_ref().map(|c| c.previous.label.as_str());
        let frameworks: Vec<FrameworkSummary> =
            report.frameworks.iter().map(|f| framework_summary(f, &report.checks, label, report.exceptions.as_ref())).collect();
        let named = |state: AttestationState| -> Vec<&str> {
            report.attestations.iter().filter(|a| a.state == state).map(|a| a.attestation.short_name()).collect()
        };
        let mut attestation_flags = Vec::new();
        let stale = named(AttestationState::Stale);
        if !stale.is_empty() {
            attestation_flags
                .push(format!("more than 12 months old: {}; download the current editions from AWS Artifact", stale.join("; ")));
        }
        let undated = named(AttestationState::Undated);
        if !undated.is_empty() {
            attestation_flags
                .push(format!("not dated: {}; give the dates of the editions you downloaded with --attestations", undated.join("; ")));
        }
        let bars = report
            .frameworks
            .iter()
            .enumerate()
            .map(|(i, f)| status_bar(format!("{} {}", f.name, f.version), &f.summary.by_status, i))
            .collect::<Vec<Bar>>();
        let legend = STATUSES.iter().map(|&st| LegendItem::of(st)).collect();
        let e = &report.evidence;
        SummaryView {
            title: "Management summary".into(),
            accounts: e.accounts.join(", "),
            regions: e.regions.join(", "),
            collected_at: e.collected_at.clone(),
            generated_at: report.generated_at.clone(),
            manifest_sha256: e.manifest_sha256.clone(),
            signature: crate::report::SignatureInfo::describe(e.signature.as_ref()),
            tool: format!("{} {}", report.tool.name, report.tool.version),
            prepared_for,
            frameworks,
            chart: Chart {
                title: "Controls by status, per framework".into(),
                svg_height: svg_height(bars.len()),
                bars,
                legend,
                patterns: patterns(),
            },
            compared_with: report
                .changes
                .as_ref()
                .map(|c| format!("Compared with the packet of {} (evidence collected {})", c.previous.label, c.previous.collected_at)),
            exceptions_sha256: report.exceptions.as_ref().map(|x| x.sha256.clone()),
            attestation_flags,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn remediation_is_cut_to_one_sentence_and_a_length() {
        assert_eq!(one_line("Do this. Then that.", 100), "Do this.");
        let long = "word ".repeat(40);
        let line = one_line(&long, 20);
        assert!(line.chars().count() <= 20 && line.ends_with('…'), "{line}");
    }
}
