//! AWS's side, cited: every AWS-owned and shared control names the AWS attestations of its
//! framework (`mappings/attestations.toml`), and an attestation whose date is more than 12 months
//! before the generation time is flagged as stale.

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::Report;
use crate::mappings::attestations::{Attestation, Attestations, Kind};
use crate::mappings::{EvidenceMethod, Owner};

/// An attestation as the report cites it.
#[derive(Debug, Clone, Serialize)]
pub struct AttestationInfo {
    #[serde(flatten)]
    pub attestation: Attestation,
    /// `current`, `stale` (more than 12 months old at generation), `undated` (a report or
    /// certificate whose date the file does not give) or `agreement` (does not age).
    pub state: AttestationState,
    /// One sentence on its age, for people.
    pub age: String,
    /// How many controls cite it.
    pub cited_by: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttestationState {
    Current,
    Stale,
    Undated,
    Agreement,
}

/// Whether a report dated `as_of` is more than 12 months old on `today`.
pub fn is_stale(as_of: NaiveDate, today: NaiveDate) -> bool {
    as_of.checked_add_months(Months::new(12)).is_some_and(|limit| limit < today)
}

fn state_of(a: &Attestation, today: NaiveDate) -> (AttestationState, String) {
    match (a.kind, a.as_of()) {
        (Kind::Agreement, Some(d)) => (AttestationState::Agreement, format!("an agreement, accepted {d}; it does not age")),
        (Kind::Agreement, None) => (AttestationState::Agreement, "an agreement; the date it was accepted is not recorded".into()),
        (_, None) => {
            (AttestationState::Undated, "its date is not recorded: give the date of the edition you downloaded with --attestations".into())
        }
        (_, Some(d)) if is_stale(d, today) => (
            AttestationState::Stale,
            format!("dated {d}, more than 12 months before this packet: download the current edition from AWS Artifact"),
        ),
        (_, Some(d)) => (AttestationState::Current, format!("dated {d}, within 12 months of this packet")),
    }
}

/// Cite the attestations on the AWS-owned and shared controls of the frameworks each lists, and
/// list those cited at least once in `report.attestations`.
pub fn apply(report: &mut Report, attestations: &Attestations, today: NaiveDate) {
    let mut cited = vec![0usize; attestations.list.len()];
    for f in report.frameworks.iter_mut() {
        for c in f.controls.iter_mut() {
            if c.owner == Owner::Customer && c.evidence_method != EvidenceMethod::Inherited {
                continue;
            }
            for (i, a) in attestations.list.iter().enumerate() {
                if a.frameworks.contains(&f.id) {
                    c.attestations.push(a.id.clone());
                    cited[i] += 1;
                }
            }
        }
    }
    report.attestations = attestations
        .list
        .iter()
        .zip(cited)
        .filter(|(_, n)| *n > 0)
        .map(|(a, cited_by)| {
            let (state, age) = state_of(a, today);
            AttestationInfo { attestation: a.clone(), state, age, cited_by }
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_is_the_limit() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(!is_stale(d("2025-12-02"), d("2026-12-02")));
        assert!(is_stale(d("2025-12-01"), d("2026-12-02")));
        assert!(!is_stale(d("2026-09-30"), d("2026-12-02")));
    }
}
