//! `--format csv`: `controls.csv` (one row per framework × control) and `findings.csv` (one row per
//! finding), for spreadsheets and GRC imports. Row counts equal those of results.json. A cell that
//! a spreadsheet would read as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) gets a leading apostrophe, so evidence text can never run as a formula.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::checks::CheckStatus;
use crate::report::{ControlStatus, Report};

/// A cell as written: formula-looking text neutralised.
pub fn cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// A CSV file written row by row as the report is walked, its cells borrowed from the report:
/// no row is built as owned text first, and findings.csv goes straight to its file.
struct Sheet<W: std::io::Write>(::csv::Writer<W>);

impl<W: std::io::Write> Sheet<W> {
    fn new(out: W, header: &[&str]) -> std::io::Result<Sheet<W>> {
        let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
        w.write_record(header)?;
        Ok(Sheet(w))
    }

    fn row(&mut self, cells: &[&str]) -> std::io::Result<()> {
        for c in cells {
            self.0.write_field(cell(c).as_bytes())?;
        }
        Ok(self.0.write_record(None::<&[u8]>)?)
    }

    fn finish(self) -> std::io::Result<W> {
        self.0.into_inner().map_err(|e| e.into_error())
    }
}

pub const CONTROL_COLUMNS: [&str; 20] = [
    "framework",
    "control",
    "title",
    "section",
    "owner",
    "owner_reason",
    "evidence_method",
    "status",
    "status_reason",
    "change",
    "previous_status",
    "checks",
    "checks_pass",
    "checks_fail",
    "checks_accepted_risk",
    "checks_not_assessed",
    "checks_not_applicable",
    "failing_findings",
    "accepted_findings",
    "attachments",
];

/// `controls.csv`: one row per framework × control, in results.json order.
pub fn controls(report: &Report) -> Vec<u8> {
    let mut sheet = Sheet::new(Vec::new(), &CONTROL_COLUMNS).expect("writing CSV to memory cannot fail");
    for f in &report.frameworks {
        for c in &f.controls {
            let count = |s: CheckStatus| c.checks.iter().filter(|k| k.status == s).count().to_string();
            let failing: usize = c
                .checks
                .iter()
                .filter_map(|k| report.checks.get(&k.id))
                .map(|k| k.findings.iter().filter(|x| x.is_failing()).count())
                .sum();
            let accepted: usize = c.accepted.len()
                + c.checks
                    .iter()
                    .filter_map(|k| report.checks.get(&k.id))
                    .map(|k| k.findings.iter().filter(|x| x.status == CheckStatus::AcceptedRisk).count())
                    .sum::<usize>();
            sheet
                .row(&[
                    &f.id,
                    &c.id,
                    &c.title,
                    &c.section,
                    c.owner.as_str(),
                    c.owner_reason.as_deref().unwrap_or_default(),
                    c.evidence_method.as_str(),
                    c.status.as_str(),
                    &c.status_reason,
                    c.change.map(|x| x.as_str()).unwrap_or_default(),
                    c.previous_status.map(ControlStatus::as_str).unwrap_or_default(),
                    &c.checks.len().to_string(),
                    &count(CheckStatus::Pass),
                    &count(CheckStatus::Fail),
                    &count(CheckStatus::AcceptedRisk),
                    &count(CheckStatus::NotAssessed),
                    &count(CheckStatus::NotApplicable),
                    &failing.to_string(),
                    &accepted.to_string(),
                    &c.attachments.len().to_string(),
                ])
                .expect("writing CSV to memory cannot fail");
        }
    }
    sheet.finish().expect("writing CSV to memory cannot fail")
}

pub const FINDING_COLUMNS: [&str; 12] =
    ["finding", "check", "check_title", "severity", "status", "account", "region", "resource", "detail", "change", "exception", "controls"];

/// `findings.csv`: one row per finding of every check, in results.json order, with the controls
/// (`framework:control`) whose checks produced it, written to `out` as it goes (it is as long as
/// results.json).
pub fn findings(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut controls_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for f in &report.frameworks {
        for c in &f.controls {
            for k in &c.checks {
                controls_of.entry(k.id.as_str()).or_default().push(format!("{}:{}", f.id, c.id));
            }
        }
    }
    let mut sheet = Sheet::new(out, &FINDING_COLUMNS)?;
    for (id, k) in &report.checks {
        let controls = controls_of.get(id.as_str()).map(|v| v.join("; ")).unwrap_or_default();
        for x in &k.findings {
            let change = match x.change {
                Some(crate::report::changes::FindingChange::New) => "new",
                Some(crate::report::changes::FindingChange::Persisting) => "persisting",
                None => "",
            };
            sheet.row(&[
                &x.id,
                id,
                &k.title,
                x.severity.as_str(),
                x.status.as_str(),
                x.account.as_deref().unwrap_or_default(),
                x.region.as_deref().unwrap_or_default(),
                &x.resource,
                &x.detail,
                change,
                &x.exception.map(|n| n.to_string()).unwrap_or_default(),
                &controls,
            ])?;
        }
    }
    sheet.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formula_looking_cells_are_neutralised() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(cell(bad), format!("'{bad}"));
        }
        for fine in ["arn:aws:s3:::b", "111122223333", "", "a=b"] {
            assert_eq!(cell(fine), fine);
        }
    }
}
