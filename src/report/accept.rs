//! Accepted risk (`--exceptions FILE`): failing findings that a named approver accepted until a
//! date. A check entry accepts the check's failing findings wherever the check is used (their
//! status in `checks` becomes `accepted_risk`); a control entry accepts the failing findings of
//! that control's checks for that control only (listed in the control's `accepted`). A control
//! whose failures are all accepted is `accepted_risk`: never a pass, and not passing in the score.
//! An expired entry no longer applies; it is listed as expired with what it would have covered.

use chrono::NaiveDate;
use serde::Serialize;

use super::{summarise, ControlStatus, Report};
use crate::checks::CheckStatus;
use crate::exceptions::{Entry, Exceptions, Target};

/// The exceptions file as applied.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionsInfo {
    pub file: String,
    pub sha256: String,
    /// The day expiry was judged on (the generation time's date).
    pub judged_on: NaiveDate,
    pub entries: Vec<ExceptionResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExceptionResult {
    #[serde(flatten)]
    pub entry: Entry,
    pub state: ExceptionState,
    /// Failing findings it accepts (for an expired entry: those it would accept).
    pub findings: usize,
    /// Days from the generation date to `expires_on` (negative once expired).
    pub days_left: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionState {
    /// Unexpired and accepting at least one failing finding.
    Active,
    /// Unexpired, but no failing finding matches it.
    Unmatched,
    /// `expires_on` has passed: it accepts nothing.
    Expired,
}

impl ExceptionState {
    pub fn label(self) -> &'static str {
        match self {
            ExceptionState::Active => "active",
            ExceptionState::Unmatched => "matches nothing",
            ExceptionState::Expired => "expired",
        }
    }
}

/// A failing finding accepted for one control by an entry naming that control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcceptedFinding {
    pub finding: String,
    pub check: String,
    pub resource: String,
    /// The entry's position in the exceptions file, from 1.
    pub exception: usize,
}

/// Apply the exceptions to the report, as of `today`.
pub fn apply(report: &mut Report, exceptions: &Exceptions, today: NaiveDate) {
    let mut counts = vec![0usize; exceptions.entries.len()];
    // Check entries: the finding itself becomes accepted_risk.
    for (n, e) in exceptions.entries.iter().enumerate() {
        let Target::Check { check } = &e.target else { continue };
        let Some(k) = report.checks.get_mut(check) else { continue };
        for f in k.findings.iter_mut().filter(|f| f.status == CheckStatus::Fail && e.matches_resource(&f.resource)) {
            counts[n] += 1;
            if !e.is_expired(today) {
                f.status = CheckStatus::AcceptedRisk;
                f.exception = Some(e.index);
            }
        }
        if k.status == CheckStatus::Fail && !k.findings.iter().any(|f| f.status == CheckStatus::Fail) {
            k.status = CheckStatus::AcceptedRisk;
        }
    }
    // Control entries, and the statuses of the controls.
    let checks = &report.checks;
    for f in report.frameworks.iter_mut() {
        for c in f.controls.iter_mut() {
            for (n, e) in exceptions.entries.iter().enumerate() {
                if !matches!(&e.target, Target::Control { .. }) || !c.checks.iter().any(|k| e.covers(&f.id, &c.id, &k.id)) {
                    continue;
                }
                for k in &c.checks {
                    let Some(found) = checks.get(&k.id) else { continue };
                    for x in found.findings.iter().filter(|x| x.status == CheckStatus::Fail && e.matches_resource(&x.resource)) {
                        counts[n] += 1;
                        if !e.is_expired(today) && !c.accepted.iter().any(|a| a.finding == x.id) {
                            c.accepted.push(AcceptedFinding {
                                finding: x.id.clone(),
                                check: k.id.clone(),
                                resource: x.resource.clone(),
                                exception: e.index,
                            });
                        }
                    }
                }
            }
            if c.status != ControlStatus::Fail {
                continue;
            }
            let mut failing = 0;
            for k in c.checks.iter_mut().filter(|k| k.status == CheckStatus::Fail) {
                let open = checks
                    .get(&k.id)
                    .map(|x| {
                        x.findings.iter().filter(|x| x.status == CheckStatus::Fail && !c.accepted.iter().any(|a| a.finding == x.id)).count()
                    })
                    .unwrap_or(1);
                if open == 0 {
                    k.status = CheckStatus::AcceptedRisk;
                } else {
                    failing += 1;
                }
            }
            if failing == 0 {
                let accepted = c.checks.iter().filter(|k| k.status == CheckStatus::AcceptedRisk).count();
                c.status = ControlStatus::AcceptedRisk;
                let unassessed = c.checks.iter().filter(|k| k.status == CheckStatus::NotAssessed).count();
                let besides = if unassessed > 0 { format!("; {unassessed} more lack evidence") } else { String::new() };
                c.status_reason = format!(
                    "{accepted} of {} checks fail, and every failure is an accepted risk (see the exceptions){besides}; not a pass.",
                    c.checks.len()
                );
            }
        }
        f.summary = summarise(&f.controls);
    }
    // A check accepted wherever it is used shows so in the controls that are not decided by
    // their checks too (manual controls list checks as support).
    for f in report.frameworks.iter_mut() {
        for c in f.controls.iter_mut() {
            for k in c.checks.iter_mut() {
                if k.status == CheckStatus::Fail && report.checks.get(&k.id).is_some_and(|x| x.status == CheckStatus::AcceptedRisk) {
                    k.status = CheckStatus::AcceptedRisk;
                }
            }
        }
    }
    let entries = exceptions
        .entries
        .iter()
        .zip(counts)
        .map(|(e, findings)| {
            let state = if e.is_expired(today) {
                ExceptionState::Expired
            } else if findings == 0 {
                ExceptionState::Unmatched
            } else {
                ExceptionState::Active
            };
            ExceptionResult { entry: e.clone(), state, findings, days_left: (e.expires_on - today).num_days() }
        })
        .collect();
    report.exceptions =
        Some(ExceptionsInfo { file: exceptions.display.clone(), sha256: exceptions.sha256.clone(), judged_on: today, entries });
}
