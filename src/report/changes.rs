//! The comparison with the previous period (`report --previous`): per control how its status
//! moved, per failing finding whether it is new or persisting, the findings resolved since, and
//! the accounts added or removed.
//!
//! Controls and findings are compared on the accounts both periods hold. A failure in an account
//! added since is not a new failure, and one in an account removed since is not fixed: the
//! accounts are listed as added or removed instead.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::{account_of, finding_id, ControlStatus, Report};
use crate::checks::CheckStatus;
use crate::mappings::EvidenceMethod;

/// How a control moved since the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlChange {
    /// Fails now (accepted or not) and did not before.
    NewFailure,
    /// Failed before, passes now (or has nothing in scope).
    Fixed,
    /// Failed before and fails now.
    StillFailing,
    /// Was not assessed (or not in the catalogue) before, passes now.
    NewlyAssessed,
    /// Passed or failed before, lacks evidence now.
    NoLongerAssessed,
    Unchanged,
}

impl ControlChange {
    pub const ALL: [ControlChange; 6] = [
        ControlChange::NewFailure,
        ControlChange::Fixed,
        ControlChange::StillFailing,
        ControlChange::NewlyAssessed,
        ControlChange::NoLongerAssessed,
        ControlChange::Unchanged,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ControlChange::NewFailure => "NEW FAILURE",
            ControlChange::Fixed => "FIXED",
            ControlChange::StillFailing => "STILL FAILING",
            ControlChange::NewlyAssessed => "NEWLY ASSESSED",
            ControlChange::NoLongerAssessed => "NO LONGER ASSESSED",
            ControlChange::Unchanged => "UNCHANGED",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ControlChange::NewFailure => "new_failure",
            ControlChange::Fixed => "fixed",
            ControlChange::StillFailing => "still_failing",
            ControlChange::NewlyAssessed => "newly_assessed",
            ControlChange::NoLongerAssessed => "no_longer_assessed",
            ControlChange::Unchanged => "unchanged",
        }
    }
}

/// How a failing finding relates to the previous period (resolved ones are listed in
/// [`Changes::resolved`], since they are no longer findings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingChange {
    New,
    Persisting,
}

/// The comparison, report-wide.
#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    pub previous: PreviousInfo,
    /// Accounts both periods hold: what controls and findings are compared on.
    pub accounts_compared: Vec<String>,
    pub accounts_added: Vec<String>,
    pub accounts_removed: Vec<String>,
    pub findings: FindingCounts,
    /// Failing findings of the previous period that no longer fail, in compared accounts.
    pub resolved: Vec<ResolvedFinding>,
}

/// What the previous period's packet was.
#[derive(Debug, Clone, Serialize)]
pub struct PreviousInfo {
    /// The path given to `--previous`.
    pub source: String,
    /// How packets name the previous period: its audit period, else the day its evidence was
    /// collected.
    pub label: String,
    pub schema_version: u32,
    pub generated_at: String,
    pub collected_at: String,
    pub manifest_sha256: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    pub new: usize,
    pub persisting: usize,
    pub resolved: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedFinding {
    pub id: String,
    pub check: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub resource: String,
    /// What the previous period found.
    pub detail: String,
}

/// One framework against the previous period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FrameworkChanges {
    /// The score then and now (percent; `None` when no automated control passed or failed).
    pub score_before: Option<usize>,
    pub score_now: Option<usize>,
    pub new_failure: usize,
    pub fixed: usize,
    pub still_failing: usize,
    pub newly_assessed: usize,
    pub no_longer_assessed: usize,
    pub unchanged: usize,
}

impl FrameworkChanges {
    fn add(&mut self, c: ControlChange) {
        *match c {
            ControlChange::NewFailure => &mut self.new_failure,
            ControlChange::Fixed => &mut self.fixed,
            ControlChange::StillFailing => &mut self.still_failing,
            ControlChange::NewlyAssessed => &mut self.newly_assessed,
            ControlChange::NoLongerAssessed => &mut self.no_longer_assessed,
            ControlChange::Unchanged => &mut self.unchanged,
        } += 1;
    }
    pub fn get(&self, c: ControlChange) -> usize {
        match c {
            ControlChange::NewFailure => self.new_failure,
            ControlChange::Fixed => self.fixed,
            ControlChange::StillFailing => self.still_failing,
            ControlChange::NewlyAssessed => self.newly_assessed,
            ControlChange::NoLongerAssessed => self.no_longer_assessed,
            ControlChange::Unchanged => self.unchanged,
        }
    }
}

/// The previous period, as much of it as the comparison needs.
#[derive(Debug, Clone)]
pub struct Previous {
    pub info: PreviousInfo,
    pub accounts: Vec<String>,
    pub frameworks: BTreeMap<String, PrevFramework>,
    /// Findings by check id.
    pub findings: BTreeMap<String, Vec<PrevFinding>>,
}

#[derive(Debug, Clone)]
pub struct PrevFramework {
    pub score: Option<usize>,
    pub controls: BTreeMap<String, PrevControl>,
}

#[derive(Debug, Clone)]
pub struct PrevControl {
    pub status: ControlStatus,
    /// Its checks' ids and statuses.
    pub checks: Vec<(String, CheckStatus)>,
}

#[derive(Debug, Clone)]
pub struct PrevFinding {
    pub id: String,
    pub account: Option<String>,
    pub resource: String,
    pub status: CheckStatus,
    pub detail: String,
}

// The shape of results.json that the comparison reads (schema 2, 3 and 4): unknown keys are
// ignored, so later additions do not break it.
#[derive(Deserialize)]
struct RawResults {
    schema_version: u32,
    generated_at: String,
    evidence: RawEvidence,
    #[serde(default)]
    period: Option<RawPeriod>,
    frameworks: Vec<RawFramework>,
    checks: BTreeMap<String, RawCheck>,
}

#[derive(Deserialize)]
struct RawEvidence {
    collected_at: String,
    accounts: Vec<String>,
    manifest_sha256: String,
}

#[derive(Deserialize)]
struct RawPeriod {
    start: Option<String>,
    end: Option<String>,
}

#[derive(Deserialize)]
struct RawFramework {
    id: String,
    controls: Vec<RawControl>,
    summary: RawSummary,
}

#[derive(Deserialize)]
struct RawSummary {
    by_status: RawCounts,
}

#[derive(Deserialize)]
struct RawCounts {
    pass: usize,
    fail: usize,
    #[serde(default)]
    accepted_risk: usize,
}

#[derive(Deserialize)]
struct RawControl {
    id: String,
    status: ControlStatus,
    checks: Vec<RawCheckRef>,
}

#[derive(Deserialize)]
struct RawCheckRef {
    id: String,
    status: RawFindingStatus,
}

#[derive(Deserialize)]
struct RawCheck {
    findings: Vec<RawFinding>,
}

#[derive(Deserialize)]
struct RawFinding {
    #[serde(default)]
    id: Option<String>,
    resource: String,
    status: RawFindingStatus,
    #[serde(default)]
    detail: String,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawFindingStatus {
    Pass,
    Fail,
    NotAssessed,
    NotApplicable,
    AcceptedRisk,
}

impl From<RawFindingStatus> for CheckStatus {
    fn from(s: RawFindingStatus) -> CheckStatus {
        match s {
            RawFindingStatus::Pass => CheckStatus::Pass,
            RawFindingStatus::Fail => CheckStatus::Fail,
            RawFindingStatus::NotAssessed => CheckStatus::NotAssessed,
            RawFindingStatus::NotApplicable => CheckStatus::NotApplicable,
            RawFindingStatus::AcceptedRisk => CheckStatus::AcceptedRisk,
        }
    }
}

/// The `results.json` schema versions `--previous` reads.
pub const READS: [u32; 3] = [2, 3, 4];

fn day(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or(rfc3339).to_string()
}

fn period_label(start: Option<&str>, end: Option<&str>, collected_at: &str) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("the period {s} to {e}"),
        (Some(s), None) => format!("the period from {s}"),
        (None, Some(e)) => format!("the period to {e}"),
        (None, None) => day(collected_at),
    }
}

impl Previous {
    /// A previous period given as a `results.json` file (or the packet directory holding it);
    /// a directory holding `manifest.json` instead is an evidence bundle, which `from_bundle`
    /// evaluates.
    pub fn load(path: &Path, from_bundle: impl FnOnce(&Path) -> Result<Report>) -> Result<Previous> {
        let source = path.display().to_string();
        if path.is_dir() {
            let results = path.join("results.json");
            if results.is_file() {
                return Previous::from_results_json(
                    &std::fs::read(&results).with_context(|| format!("reading {}", results.display()))?,
                    &results.display().to_string(),
                );
            }
            if path.join(crate::evidence::MANIFEST_FILE).is_file() {
                let report = from_bundle(path)?;
                return Ok(Previous::from_report(&report, &source));
            }
            bail!(
                "{source}: --previous needs the previous period's packet directory (holding results.json) or its evidence bundle (holding manifest.json); this directory holds neither\n  fix: point --previous at last quarter's packet or bundle, or render the packet with --format json so that it has results.json"
            );
        }
        let bytes = std::fs::read(path).with_context(|| format!("reading the previous period's results {source}"))?;
        Previous::from_results_json(&bytes, &source)
    }

    /// The previous period from a results.json of schema 2, 3 or 4.
    pub fn from_results_json(bytes: &[u8], source: &str) -> Result<Previous> {
        #[derive(Deserialize)]
        struct Version {
            schema_version: Option<u32>,
        }
        let version: Version = serde_json::from_slice(bytes).map_err(|e| {
            anyhow::anyhow!(
                "{source}:{}:{}: not a results.json: {e}\n  fix: pass the results.json auditpack wrote for the previous period, its packet directory, or its evidence bundle",
                e.line(),
                e.column()
            )
        })?;
        match version.schema_version {
            Some(v) if READS.contains(&v) => {}
            Some(v) => bail!(
                "{source}: results.json schema_version {v} cannot be compared: this auditpack reads schema {}\n  fix: pass the previous period's evidence bundle instead (--previous BUNDLE), so that it is evaluated again with this version",
                READS.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            ),
            None => bail!(
                "{source}: has no schema_version, so it is not a results.json auditpack wrote\n  fix: pass the results.json of the previous period's packet, its packet directory, or its evidence bundle"
            ),
        }
        let raw: RawResults = serde_json::from_slice(bytes).map_err(|e| {
            anyhow::anyhow!(
                "{source}:{}:{}: {e}\n  fix: the file is not the results.json auditpack wrote (or was edited); pass the previous period's evidence bundle instead",
                e.line(),
                e.column()
            )
        })?;
        let label = period_label(
            raw.period.as_ref().and_then(|p| p.start.as_deref()),
            raw.period.as_ref().and_then(|p| p.end.as_deref()),
            &raw.evidence.collected_at,
        );
        let frameworks = raw
            .frameworks
            .into_iter()
            .map(|f| {
                let c = &f.summary.by_status;
                let assessed = c.pass + c.fail + c.accepted_risk;
                let score = (c.pass * 100 + assessed / 2).checked_div(assessed);
                let controls = f
                    .controls
                    .into_iter()
                    .map(|c| {
                        (c.id, PrevControl { status: c.status, checks: c.checks.into_iter().map(|k| (k.id, k.status.into())).collect() })
                    })
                    .collect();
                (f.id, PrevFramework { score, controls })
            })
            .collect();
        let findings = raw
            .checks
            .into_iter()
            .map(|(check, k)| {
                let mut seen: BTreeMap<String, usize> = BTreeMap::new();
                let list = k
                    .findings
                    .into_iter()
                    .map(|f| {
                        let n = seen.entry(f.resource.clone()).or_default();
                        // Schema 2 has no ids: they are derived as this version derives them.
                        let id = f.id.unwrap_or_else(|| finding_id(&check, &f.resource, *n));
                        *n += 1;
                        PrevFinding {
                            id,
                            account: account_of(&f.resource),
                            resource: f.resource,
                            status: f.status.into(),
                            detail: f.detail,
                        }
                    })
                    .collect();
                (check, list)
            })
            .collect();
        Ok(Previous {
            info: PreviousInfo {
                source: source.to_string(),
                label,
                schema_version: raw.schema_version,
                generated_at: raw.generated_at,
                collected_at: raw.evidence.collected_at,
                manifest_sha256: raw.evidence.manifest_sha256,
            },
            accounts: raw.evidence.accounts,
            frameworks,
            findings,
        })
    }

    /// The previous period from a report built here (from its evidence bundle).
    pub fn from_report(r: &Report, source: &str) -> Previous {
        let frameworks = r
            .frameworks
            .iter()
            .map(|f| {
                let controls = f
                    .controls
                    .iter()
                    .map(|c| {
                        (
                            c.id.clone(),
                            PrevControl { status: c.status, checks: c.checks.iter().map(|k| (k.id.clone(), k.status)).collect() },
                        )
                    })
                    .collect();
                (f.id.clone(), PrevFramework { score: f.summary.by_status.score(), controls })
            })
            .collect();
        let findings = r
            .checks
            .iter()
            .map(|(id, k)| {
                let list = k
                    .findings
                    .iter()
                    .map(|f| PrevFinding {
                        id: f.id.clone(),
                        account: f.account.clone(),
                        resource: f.resource.clone(),
                        status: f.status,
                        detail: f.detail.clone(),
                    })
                    .collect();
                (id.clone(), list)
            })
            .collect();
        let period = r.period.as_ref();
        let (start, end) = (period.and_then(|p| p.start).map(|d| d.to_string()), period.and_then(|p| p.end).map(|d| d.to_string()));
        Previous {
            info: PreviousInfo {
                source: source.to_string(),
                label: period_label(start.as_deref(), end.as_deref(), &r.evidence.collected_at),
                schema_version: super::SCHEMA_VERSION,
                generated_at: r.generated_at.clone(),
                collected_at: r.evidence.collected_at.clone(),
                manifest_sha256: r.evidence.manifest_sha256.clone(),
            },
            accounts: r.evidence.accounts.clone(),
            frameworks,
            findings,
        }
    }
}

/// Where a control stands, for the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Failing,
    /// Passes, or has nothing in scope.
    Passing,
    NotAssessed,
    /// Manual, evidence attached or inherited: not decided by checks.
    Other,
}

fn state(s: ControlStatus) -> State {
    match s {
        ControlStatus::Fail | ControlStatus::AcceptedRisk => State::Failing,
        ControlStatus::Pass | ControlStatus::NotApplicable => State::Passing,
        ControlStatus::NotAssessed => State::NotAssessed,
        ControlStatus::Manual | ControlStatus::EvidenceAttached | ControlStatus::Inherited => State::Other,
    }
}

/// Where an automated control stands on the compared accounts only, from its checks' findings
/// (`checks`: each check's status and its findings as (account, status)).
/// Each check of a control: its status, and its findings as (account, status).
type Footprint<'a> = Vec<(CheckStatus, Vec<(Option<&'a str>, CheckStatus)>)>;

fn state_on(checks: &Footprint<'_>, keep: &dyn Fn(Option<&str>) -> bool) -> State {
    let kept = || checks.iter().flat_map(|(_, f)| f.iter().filter(|(a, _)| keep(*a)).map(|(_, s)| *s));
    if kept().any(|s| matches!(s, CheckStatus::Fail | CheckStatus::AcceptedRisk)) {
        State::Failing
    } else if kept().any(|s| s == CheckStatus::NotAssessed) || checks.iter().any(|(s, f)| *s == CheckStatus::NotAssessed && f.is_empty()) {
        State::NotAssessed
    } else {
        State::Passing
    }
}

fn change(before: Option<State>, now: State) -> ControlChange {
    use State::*;
    match (before, now) {
        (Some(Failing), Failing) => ControlChange::StillFailing,
        (_, Failing) => ControlChange::NewFailure,
        (Some(Failing), Passing) => ControlChange::Fixed,
        (Some(Failing), _) => ControlChange::NoLongerAssessed,
        (Some(Passing), NotAssessed) => ControlChange::NoLongerAssessed,
        (Some(NotAssessed) | None, Passing) => ControlChange::NewlyAssessed,
        _ => ControlChange::Unchanged,
    }
}

/// Compare `report` with the previous period, filling `changes` of the report, of each
/// framework, of each control and of each failing finding.
pub fn compare(report: &mut Report, prev: &Previous) -> Result<()> {
    let now_accounts: BTreeSet<&str> = report.evidence.accounts.iter().map(String::as_str).collect();
    let then_accounts: BTreeSet<&str> = prev.accounts.iter().map(String::as_str).collect();
    let compared: BTreeSet<String> = now_accounts.intersection(&then_accounts).map(|a| a.to_string()).collect();
    if compared.is_empty() {
        bail!(
            "{}: the previous packet covers account(s) {} and this one {}: they share no account, so there is nothing to compare\n  fix: pass the previous packet of the same account(s), or leave out --previous",
            prev.info.source,
            join_or_none(&prev.accounts),
            join_or_none(&report.evidence.accounts)
        );
    }
    let same_accounts = now_accounts == then_accounts;
    let keep = |a: Option<&str>| a.is_none_or(|a| compared.contains(a));

    // Findings: failing now against failing then, on the compared accounts.
    let mut counts = FindingCounts::default();
    let mut resolved = Vec::new();
    for (check, k) in report.checks.iter_mut() {
        let then: &[PrevFinding] = prev.findings.get(check).map(Vec::as_slice).unwrap_or_default();
        let failing_then: BTreeSet<&str> =
            then.iter().filter(|f| matches!(f.status, CheckStatus::Fail | CheckStatus::AcceptedRisk)).map(|f| f.id.as_str()).collect();
        let mut failing_now = BTreeSet::new();
        for f in k.findings.iter_mut().filter(|f| f.is_failing()) {
            failing_now.insert(f.id.clone());
            if !keep(f.account.as_deref()) {
                continue;
            }
            let c = if failing_then.contains(f.id.as_str()) { FindingChange::Persisting } else { FindingChange::New };
            match c {
                FindingChange::New => counts.new += 1,
                FindingChange::Persisting => counts.persisting += 1,
            }
            f.change = Some(c);
        }
        for f in then.iter().filter(|f| failing_then.contains(f.id.as_str()) && !failing_now.contains(&f.id) && keep(f.account.as_deref()))
        {
            resolved.push(ResolvedFinding {
                id: f.id.clone(),
                check: check.clone(),
                account: f.account.clone(),
                resource: f.resource.clone(),
                detail: f.detail.clone(),
            });
        }
    }
    counts.resolved = resolved.len();

    // Previous findings by check, as (account, status), for controls compared on fewer accounts.
    let then_findings = |id: &str| -> Vec<(Option<&str>, CheckStatus)> {
        prev.findings.get(id).map(|l| l.iter().map(|f| (f.account.as_deref(), f.status)).collect()).unwrap_or_default()
    };
    let checks = &report.checks;
    for f in report.frameworks.iter_mut() {
        let Some(then) = prev.frameworks.get(&f.id) else { continue };
        let mut fc = FrameworkChanges { score_before: then.score, score_now: f.summary.by_status.score(), ..Default::default() };
        for c in f.controls.iter_mut() {
            let before = then.controls.get(&c.id);
            let (s_then, s_now) = match before {
                Some(b) if !same_accounts && c.evidence_method == EvidenceMethod::Automated && state(b.status) != State::Other => {
                    let now_checks: Footprint<'_> = c
                        .checks
                        .iter()
                        .map(|k| {
                            let found = checks
                                .get(&k.id)
                                .map(|x| x.findings.iter().map(|f| (f.account.as_deref(), f.status)).collect())
                                .unwrap_or_default();
                            (k.status, found)
                        })
                        .collect();
                    // A check accepted for this control only still fails on the comparison.
                    let then_checks: Footprint<'_> = b.checks.iter().map(|(id, status)| (*status, then_findings(id))).collect();
                    let now = match state(c.status) {
                        State::Other => State::Other,
                        _ => state_on(&now_checks, &keep),
                    };
                    (Some(state_on(&then_checks, &keep)), now)
                }
                Some(b) => (Some(state(b.status)), state(c.status)),
                None => (None, state(c.status)),
            };
            let ch = change(s_then, s_now);
            fc.add(ch);
            c.previous_status = before.map(|b| b.status);
            c.change = Some(ch);
        }
        f.changes = Some(fc);
    }
    let added = now_accounts.difference(&then_accounts).map(|a| a.to_string()).collect();
    let removed = then_accounts.difference(&now_accounts).map(|a| a.to_string()).collect();
    report.changes = Some(Changes {
        previous: prev.info.clone(),
        accounts_compared: compared.into_iter().collect(),
        accounts_added: added,
        accounts_removed: removed,
        findings: counts,
        resolved,
    });
    Ok(())
}

fn join_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_changes_follow_the_table() {
        use State::*;
        assert_eq!(change(Some(Failing), Failing), ControlChange::StillFailing);
        assert_eq!(change(Some(Passing), Failing), ControlChange::NewFailure);
        assert_eq!(change(Some(NotAssessed), Failing), ControlChange::NewFailure);
        assert_eq!(change(Some(Failing), Passing), ControlChange::Fixed);
        assert_eq!(change(Some(Failing), NotAssessed), ControlChange::NoLongerAssessed);
        assert_eq!(change(Some(Passing), NotAssessed), ControlChange::NoLongerAssessed);
        assert_eq!(change(Some(NotAssessed), Passing), ControlChange::NewlyAssessed);
        assert_eq!(change(None, Passing), ControlChange::NewlyAssessed);
        assert_eq!(change(Some(Passing), Passing), ControlChange::Unchanged);
        assert_eq!(change(Some(Other), Other), ControlChange::Unchanged);
    }

    #[test]
    fn a_failure_only_in_an_account_outside_the_comparison_does_not_count() {
        let keep = |a: Option<&str>| a != Some("444455556666");
        let only_new_account =
            vec![(CheckStatus::Fail, vec![(Some("444455556666"), CheckStatus::Fail), (Some("111122223333"), CheckStatus::Pass)])];
        assert_eq!(state_on(&only_new_account, &keep), State::Passing);
        let both = vec![(CheckStatus::Fail, vec![(Some("111122223333"), CheckStatus::Fail)])];
        assert_eq!(state_on(&both, &keep), State::Failing);
        let unassessed = vec![(CheckStatus::NotAssessed, vec![])];
        assert_eq!(state_on(&unassessed, &keep), State::NotAssessed);
    }
}
