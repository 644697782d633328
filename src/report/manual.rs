//! Manual evidence attached to the bundle (`auditpack attach`): a manual control with documents
//! attached within the period is `evidence_attached` (the auditor still judges them, so it is
//! never a pass); documents attached before the period start are listed as stale and do not
//! count. A manual control without current documents stays `manual` and is listed as evidence
//! still needed.

use chrono::NaiveDate;
use serde::Serialize;

use super::{rfc3339, summarise, ControlStatus, Report};
use crate::evidence::Attachment;
use crate::mappings::EvidenceMethod;

/// An attached document as a control lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentRef {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub attached_by: String,
    pub attached_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Attached before the period start: listed, but it does not evidence this period.
    pub stale: bool,
}

/// Join the attachments with their controls, as of the period starting `period_start`.
pub fn apply(report: &mut Report, attachments: &[Attachment], period_start: Option<NaiveDate>) {
    if attachments.is_empty() {
        return;
    }
    for f in report.frameworks.iter_mut() {
        for c in f.controls.iter_mut() {
            let mut refs: Vec<AttachmentRef> = attachments
                .iter()
                .filter(|a| a.framework == f.id && a.control == c.id)
                .map(|a| AttachmentRef {
                    path: a.path.clone(),
                    sha256: a.sha256.clone(),
                    bytes: a.bytes,
                    attached_by: a.attached_by.clone(),
                    attached_at: rfc3339(a.attached_at),
                    note: a.note.clone(),
                    stale: period_start.is_some_and(|s| a.attached_at.date_naive() < s),
                })
                .collect();
            if refs.is_empty() {
                continue;
            }
            refs.sort_by(|a, b| (&a.attached_at, &a.path).cmp(&(&b.attached_at, &b.path)));
            let current: Vec<&AttachmentRef> = refs.iter().filter(|r| !r.stale).collect();
            if c.evidence_method == EvidenceMethod::Manual {
                if let Some(last) = current.last() {
                    let mut by: Vec<&str> = current.iter().map(|r| r.attached_by.as_str()).collect();
                    by.sort();
                    by.dedup();
                    c.status = ControlStatus::EvidenceAttached;
                    c.status_reason = format!(
                        "{} document(s) attached by {}, the latest on {}; the auditor judges them, so this is not a pass.",
                        current.len(),
                        by.join(", "),
                        &last.attached_at[..10]
                    );
                } else {
                    let start = period_start.map(|d| d.to_string()).unwrap_or_default();
                    c.status_reason = format!(
                        "Every document attached was attached before the period start ({start}), so none evidences this period; attach current evidence."
                    );
                }
            }
            c.attachments = refs;
        }
        f.summary = summarise(&f.controls);
    }
}
