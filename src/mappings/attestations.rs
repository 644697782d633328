//! `mappings/attestations.toml`: AWS's own attestations (SOC 2 report, PCI DSS AOC, ISO/IEC
//! 27001 certificate, the HIPAA BAA), which the AWS-owned and shared controls cite. Built in, or
//! replaced whole with `--attestations FILE` by the dates of the reports the customer downloaded.
//! Validated like the framework catalogues: every problem with file:line:col and the fix.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{line_col, Catalog, Diagnostic, Error};

/// The built-in file.
pub const BUILTIN: &str = include_str!("../../mappings/attestations.toml");
pub const FILE: &str = "attestations.toml";

/// What kind of document an attestation is: reports and certificates age, agreements do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Report,
    Certificate,
    Agreement,
}

/// One attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attestation {
    pub id: String,
    pub name: String,
    /// A few words for the one-page summary (default: `name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_start: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_end: Option<NaiveDate>,
    /// Issue date (certificate, report without a period) or acceptance date (agreement).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Where the customer downloads it.
    pub source: String,
    /// Ids of the frameworks whose AWS-owned and shared controls cite it.
    pub frameworks: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Attestation {
    pub fn short_name(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.name)
    }

    /// The date its age is measured from: the end of its period, else its date.
    pub fn as_of(&self) -> Option<NaiveDate> {
        self.period_end.or(self.date)
    }
}

/// The attestations, and where they were read from.
#[derive(Debug, Clone)]
pub struct Attestations {
    pub source: String,
    pub list: Vec<Attestation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default, rename = "attestation")]
    attestations: Vec<RawAttestation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttestation {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    short: Option<String>,
    kind: Spanned<Kind>,
    #[serde(default)]
    period_start: Option<Spanned<toml::Value>>,
    #[serde(default)]
    period_end: Option<Spanned<toml::Value>>,
    #[serde(default)]
    date: Option<Spanned<toml::Value>>,
    source: Spanned<String>,
    frameworks: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    note: Option<String>,
}

impl Attestations {
    /// The attestations of `file`, else those of the `--mappings` directory, else the built-in ones.
    pub fn load(file: Option<&Path>, catalog: &Catalog) -> Result<Attestations, Error> {
        match file {
            None => match &catalog.attestations {
                Some((display, text)) => Attestations::parse(text, display, catalog).map_err(Error::Invalid),
                None => Attestations::parse(BUILTIN, &format!("mappings/{FILE}"), catalog).map_err(Error::Invalid),
            },
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|err| Error::Io { path: path.to_path_buf(), err })?;
                Attestations::parse(&text, &path.display().to_string(), catalog).map_err(Error::Invalid)
            }
        }
    }

    /// Parse and validate an attestations file; `display` names it in messages.
    pub fn parse(text: &str, display: &str, catalog: &Catalog) -> Result<Attestations, Vec<Diagnostic>> {
        let at = |span: std::ops::Range<usize>, message: String, fix: &str| {
            let (line, column) = line_col(text, span.start);
            Diagnostic { file: display.to_string(), line, column, message, fix: fix.to_string() }
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            let fix = if message.contains("unknown field") {
                "allowed keys: id, name, short, kind, period_start, period_end, date, source, frameworks, note (docs/attestations.md)"
            } else if message.contains("unknown variant") {
                "kind is one of report, certificate, agreement"
            } else if message.contains("missing field") {
                "every [[attestation]] needs id, name, kind, source and frameworks"
            } else {
                "correct the TOML syntax at this position"
            };
            vec![at(e.span().unwrap_or(0..0), message, fix)]
        })?;
        let mut diags = Vec::new();
        let mut list: Vec<Attestation> = Vec::new();
        let date = |v: &Option<Spanned<toml::Value>>, key: &str, diags: &mut Vec<Diagnostic>| -> Option<NaiveDate> {
            let v = v.as_ref()?;
            let text = match v.get_ref() {
                toml::Value::Datetime(d) if d.date.is_some() && d.time.is_none() && d.offset.is_none() => d.to_string(),
                toml::Value::String(s) => s.clone(),
                _ => String::new(),
            };
            match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    diags.push(at(
                        v.span(),
                        format!("{key} is not a date"),
                        &format!("write the day as YYYY-MM-DD, e.g. {key} = 2026-09-30"),
                    ));
                    None
                }
            }
        };
        for a in raw.attestations {
            let id = a.id.get_ref().trim().to_string();
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
                diags.push(at(
                    a.id.span(),
                    format!("attestation id {:?} is not a kebab-case id", a.id.get_ref()),
                    "use lower-case letters, digits and dashes, e.g. \"soc2-type2\"",
                ));
            }
            if list.iter().any(|x| x.id == id) {
                diags.push(at(a.id.span(), format!("duplicate attestation id {id:?}"), "give each attestation its own id"));
            }
            for (key, v) in [("name", &a.name), ("source", &a.source)] {
                if v.get_ref().trim().is_empty() {
                    diags.push(at(
                        v.span(),
                        format!("{key} is empty"),
                        &format!(
                            "say {}",
                            if key == "name" { "which report it is" } else { "where the customer downloads it (AWS Artifact)" }
                        ),
                    ));
                }
            }
            let (start, end, on) = (
                date(&a.period_start, "period_start", &mut diags),
                date(&a.period_end, "period_end", &mut diags),
                date(&a.date, "date", &mut diags),
            );
            if let (Some(s), Some(e)) = (start, end) {
                if e < s {
                    diags.push(at(
                        a.period_end.as_ref().map(|v| v.span()).unwrap_or(0..0),
                        format!("period_end {e} is before period_start {s}"),
                        "correct the two dates",
                    ));
                }
            }
            if start.is_some() && end.is_none() {
                diags.push(at(
                    a.period_start.as_ref().map(|v| v.span()).unwrap_or(0..0),
                    "period_start without period_end".into(),
                    "add period_end, the last day the report covers",
                ));
            }
            let known = catalog.ids();
            if a.frameworks.get_ref().is_empty() {
                diags.push(at(
                    a.frameworks.span(),
                    "frameworks is empty: no control would cite it".into(),
                    &format!("list the frameworks it evidences: {}", known.join(", ")),
                ));
            }
            for f in a.frameworks.get_ref() {
                if !known.contains(&f.get_ref().as_str()) {
                    diags.push(at(f.span(), format!("unknown framework {:?}", f.get_ref()), &format!("use one of: {}", known.join(", "))));
                }
            }
            list.push(Attestation {
                id,
                name: a.name.into_inner(),
                short: a.short,
                kind: *a.kind.get_ref(),
                period_start: start,
                period_end: end,
                date: on,
                source: a.source.into_inner(),
                frameworks: a.frameworks.into_inner().into_iter().map(Spanned::into_inner).collect(),
                note: a.note,
            });
        }
        if diags.is_empty() {
            Ok(Attestations { source: display.to_string(), list })
        } else {
            Err(diags)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::load(None).expect("built-in catalogues load")
    }

    #[test]
    fn the_builtin_file_loads() {
        let a = Attestations::load(None, &catalog()).unwrap();
        assert!(a.list.iter().any(|x| x.id == "soc2-type2" && x.period_end.is_some()));
        assert!(a.list.iter().any(|x| x.kind == Kind::Agreement && x.frameworks == ["hipaa"]));
    }

    #[test]
    fn bad_entries_are_named_with_line_and_fix() {
        let text = "[[attestation]]\nid = \"x\"\nname = \"X\"\nkind = \"report\"\nperiod_start = 2026-04-01\nperiod_end = \"2026-13-01\"\nsource = \"Artifact\"\nframeworks = [\"pci\"]\n";
        let d = Attestations::parse(text, "a.toml", &catalog()).unwrap_err();
        let all: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert!(all.iter().any(|m| m.starts_with("a.toml:6:14: period_end is not a date")), "{all:?}");
        assert!(all.iter().any(|m| m.starts_with("a.toml:8:15: unknown framework \"pci\"") && m.contains("pci-dss-4.0")), "{all:?}");
        let d = Attestations::parse("[[attestation]]\nid = \"x\"\nwhen = 1\n", "a.toml", &catalog()).unwrap_err();
        assert!(d[0].to_string().contains("unknown field `when`") && d[0].fix.contains("allowed keys"), "{}", d[0]);
    }
}
