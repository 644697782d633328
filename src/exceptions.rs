//! The accepted-risk file (`--exceptions FILE`): failing findings that the organisation has
//! decided to live with for a while, each with who decided, why, and until when.
//!
//! This module only reads and validates the file and answers "does this entry cover that
//! finding?"; the report decides what an accepted finding does to a control's status. Every
//! problem in the file is reported at once, each with `file:line:column` and the fix, in the
//! same [`Diagnostic`] form as the mapping files.
//!
//! ```toml
//! [[exception]]
//! check = "rds-storage-encryption"         # or: framework = "pci-dss-4.0" with control = "8.3.6"
//! resources = ["arn:aws:rds:*:111122223333:db:legacy-*"]   # optional; absent = every resource
//! justification = "..."
//! approved_by = "J. Doe, CISO"
//! approved_on = 2026-11-15
//! expires_on = 2027-05-31                  # inclusive
//! ticket = "SEC-123"                       # optional
//! ```
//!
//! The file is walked as a spanned TOML tree (`toml::de::DeTable`, where every key and value is a
//! [`Spanned`]) rather than deserialised into a `#[serde(deny_unknown_fields)]` struct: serde
//! stops at the first unknown key or wrong type, and this file must report all of them.

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::checks;
use crate::mappings::{line_col, Catalog, Diagnostic};

/// The keys an `[[exception]]` table may hold; any other key is an error.
pub const KEYS: &[&str] =
    &["check", "framework", "control", "resources", "justification", "approved_by", "approved_on", "expires_on", "ticket"];

/// A loaded and validated accepted-risk file.
#[derive(Debug, Clone)]
pub struct Exceptions {
    /// The path as the user gave it, for messages and the packet.
    pub display: String,
    /// Hex SHA-256 of the file's bytes, printed on the packet so the auditor can tell which
    /// version of the file was applied.
    pub sha256: String,
    /// The entries in file order.
    pub entries: Vec<Entry>,
}

/// One accepted risk: an `[[exception]]` table.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// 1-based position in the file, as messages name it ("exception 3").
    pub index: usize,
    /// Line of the entry's `[[exception]]` header (for an inline table, of its opening brace).
    pub line: usize,
    /// The check, or the framework control, whose failing findings are accepted.
    pub target: Target,
    /// Glob patterns on a finding's resource (`*` any run of characters, `?` one character).
    /// Empty: every resource.
    pub resources: Vec<String>,
    /// Why the risk is accepted.
    pub justification: String,
    /// Who accepted it.
    pub approved_by: String,
    /// The day it was accepted.
    pub approved_on: NaiveDate,
    /// The last day the acceptance holds (inclusive).
    pub expires_on: NaiveDate,
    /// The tracking ticket, when one is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}

/// What an entry accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// A check's failing findings, under every control (of every framework) that uses the check.
    Check { check: String },
    /// The failing findings of a control's checks, for that control of that framework only.
    Control { framework: String, control: String },
}

/// Why an accepted-risk file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not a valid accepted-risk file; every problem found, in file order.
    #[error("{}", .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
    /// The file could not be read.
    #[error("{path}: {err}")]
    Io { path: PathBuf, err: std::io::Error },
}

impl Exceptions {
    /// Read, hash and validate the file at `path` against the frameworks of `catalog`.
    pub fn load(path: &Path, catalog: &Catalog) -> Result<Exceptions, Error> {
        let bytes = std::fs::read(path).map_err(|err| Error::Io { path: path.to_path_buf(), err })?;
        let display = path.display().to_string();
        let sha256 = crate::evidence::sha256_hex(&bytes);
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let (line, column) = line_col(std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(), e.valid_up_to());
            Error::Invalid(vec![Diagnostic {
                file: display.clone(),
                line,
                column,
                message: "the file is not UTF-8 text".into(),
                fix: "save the file as UTF-8".into(),
            }])
        })?;
        let entries = Exceptions::parse(text, &display, catalog).map_err(Error::Invalid)?;
        Ok(Exceptions { display, sha256, entries })
    }

    /// Validate the text of an accepted-risk file; `display` names the file in messages. An
    /// empty file, or one without `[[exception]]` tables, has no entries and is valid. On error,
    /// every problem found, sorted by position. TOML syntax errors are reported alone: a
    /// document that does not parse is not checked further.
    pub fn parse(text: &str, display: &str, catalog: &Catalog) -> Result<Vec<Entry>, Vec<Diagnostic>> {
        let mut sink = Sink { text, display, diags: Vec::new() };
        let (doc, syntax) = DeTable::parse_recoverable(text);
        if !syntax.is_empty() {
            for e in syntax {
                let message = e.message().trim().to_string();
                let span = e.span().unwrap_or(0..0);
                let fix = if message.starts_with("invalid date") || message.starts_with("invalid time") {
                    "write a real calendar date as YYYY-MM-DD, e.g. 2027-03-31".to_string()
                } else if let Some((key @ ("approved_on" | "expires_on"), _)) = bare_value(text, span.start) {
                    format!("write the date as YYYY-MM-DD: {key} = 2027-03-31")
                } else if let Some((key, word)) = bare_value(text, span.start) {
                    format!("put the value in quotes: {key} = \"{word}\"")
                } else {
                    "correct the TOML syntax at this position".to_string()
                };
                sink.at(span, message, fix);
            }
            return Err(sink.finish());
        }
        let check_ids: Vec<&str> = checks::registry().iter().map(|c| c.id).collect();
        let mut entries = Vec::new();
        for (key, value) in doc.into_inner() {
            if key.get_ref() != "exception" {
                sink.at(
                    key.span(),
                    format!("unknown top-level key `{}`", key.get_ref()),
                    format!(
                        "the top level holds only [[exception]] tables: move `{}` under an [[exception]] header, or remove it",
                        key.get_ref()
                    ),
                );
                continue;
            }
            let span = value.span();
            match value.into_inner() {
                DeValue::Array(items) => {
                    for (i, item) in items.into_iter().enumerate() {
                        let span = item.span();
                        match item.into_inner() {
                            DeValue::Table(table) => {
                                if let Some(entry) = sink.entry(catalog, &check_ids, i + 1, span, table) {
                                    entries.push(entry);
                                }
                            }
                            other => sink.at(
                                span,
                                format!("exception {} is {}, not a table", i + 1, a(&other)),
                                "write each accepted risk as a table under an [[exception]] header",
                            ),
                        }
                    }
                }
                DeValue::Table(_) => sink.at(
                    span,
                    "`exception` is a single table, not a list of them".into(),
                    "write the header with double brackets, [[exception]], once per accepted risk",
                ),
                other => sink.at(
                    span,
                    format!("`exception` is {}, not a list of tables", a(&other)),
                    "write each accepted risk as a table under an [[exception]] header",
                ),
            }
        }
        if sink.diags.is_empty() {
            Ok(entries)
        } else {
            Err(sink.finish())
        }
    }
}

impl Entry {
    /// Whether the acceptance has lapsed on `today`: the entry still holds on its `expires_on` day.
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expires_on < today
    }

    /// Whether the entry applies to a finding on `resource`: some pattern matches the whole
    /// resource string, or the entry has no patterns.
    pub fn matches_resource(&self, resource: &str) -> bool {
        self.resources.is_empty() || self.resources.iter().any(|p| glob_match(p, resource))
    }

    /// Whether the entry covers a finding of `check` under control `control` of `framework`.
    /// A check entry covers its check under every control; a control entry covers each of that
    /// control's checks, under that control only. Resources and expiry are asked separately.
    pub fn covers(&self, framework: &str, control: &str, check: &str) -> bool {
        match &self.target {
            Target::Check { check: c } => c == check,
            Target::Control { framework: f, control: c } => f == framework && c == control,
        }
    }

    /// What the entry accepts, for messages: "check iam-console-mfa" or "pci-dss-4.0 control 8.3.6".
    pub fn target_label(&self) -> String {
        match &self.target {
            Target::Check { check } => format!("check {check}"),
            Target::Control { framework, control } => format!("{framework} control {control}"),
        }
    }
}

/// Whether `pattern` matches all of `text`: `*` matches any run of characters (also none), `?`
/// exactly one character, everything else itself (case included). There is no way to match a
/// literal `*` or `?`; the ARNs and ids auditpack reports as resources do not use them.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // The last `*` seen: the pattern position after it, and the text position it now stops at.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if p.get(pi) == Some(&'*') {
            star = Some((pi + 1, ti));
            pi += 1;
        } else if p.get(pi).is_some_and(|&c| c == '?' || c == t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((after, stop)) = star {
            // Let the `*` swallow one more character and try again from there.
            star = Some((after, stop + 1));
            pi = after;
            ti = stop + 1;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The values of one `[[exception]]` table, by key, before validation.
#[derive(Default)]
struct RawEntry<'i> {
    check: Option<Spanned<DeValue<'i>>>,
    framework: Option<Spanned<DeValue<'i>>>,
    control: Option<Spanned<DeValue<'i>>>,
    resources: Option<Spanned<DeValue<'i>>>,
    justification: Option<Spanned<DeValue<'i>>>,
    approved_by: Option<Spanned<DeValue<'i>>>,
    approved_on: Option<Spanned<DeValue<'i>>>,
    expires_on: Option<Spanned<DeValue<'i>>>,
    ticket: Option<Spanned<DeValue<'i>>>,
}

/// The target keys of one entry, each present or not.
struct Names {
    check: Option<Named>,
    framework: Option<Named>,
    control: Option<Named>,
}

/// A present target key: its value's span, the value when it is a string, and whether it names
/// something the catalogue knows (and, for a control, something with findings).
struct Named {
    span: Range<usize>,
    text: Option<String>,
    known: bool,
}

/// Collects diagnostics for one file.
struct Sink<'t> {
    text: &'t str,
    display: &'t str,
    diags: Vec<Diagnostic>,
}

impl Sink<'_> {
    fn at(&mut self, span: Range<usize>, message: String, fix: impl Into<String>) {
        let (line, column) = line_col(self.text, span.start);
        self.diags.push(Diagnostic { file: self.display.to_string(), line, column, message, fix: fix.into() });
    }

    fn finish(mut self) -> Vec<Diagnostic> {
        self.diags.sort_by_key(|d| (d.line, d.column));
        self.diags.dedup();
        self.diags
    }

    /// Validate entry `index` (whose header is at `header`); `None` when it has errors.
    fn entry(&mut self, catalog: &Catalog, check_ids: &[&str], index: usize, header: Range<usize>, table: DeTable<'_>) -> Option<Entry> {
        let before = self.diags.len();
        let mut raw = RawEntry::default();
        for (key, value) in table {
            let slot = match key.get_ref().as_ref() {
                "check" => &mut raw.check,
                "framework" => &mut raw.framework,
                "control" => &mut raw.control,
                "resources" => &mut raw.resources,
                "justification" => &mut raw.justification,
                "approved_by" => &mut raw.approved_by,
                "approved_on" => &mut raw.approved_on,
                "expires_on" => &mut raw.expires_on,
                "ticket" => &mut raw.ticket,
                other => {
                    let hint = did_you_mean(KEYS, other, 3);
                    self.at(
                        key.span(),
                        format!("exception {index}: unknown key `{other}`{hint}"),
                        format!("remove or rename it; allowed keys: {}", KEYS.join(", ")),
                    );
                    continue;
                }
            };
            *slot = Some(value);
        }

        let check = raw.check.map(|v| self.name(index, "check", v));
        let framework = raw.framework.map(|v| self.name(index, "framework", v));
        let control = raw.control.map(|v| self.name(index, "control", v));
        let target = self.target(catalog, check_ids, index, &header, Names { check, framework, control });

        let resources = raw.resources.map(|v| self.resources(index, v)).unwrap_or_default();
        let justification =
            self.text(index, &header, "justification", raw.justification, "why the risk is accepted and what compensates for it");
        let approved_by = self.text(index, &header, "approved_by", raw.approved_by, "who accepted the risk, with their role");
        let approved_on = match raw.approved_on {
            Some(v) => self.date(index, "approved_on", v),
            None => {
                self.at(
                    header.clone(),
                    format!("exception {index} has no approved_on"),
                    "add approved_on = YYYY-MM-DD, the day the risk was accepted (e.g. approved_on = 2026-10-01)",
                );
                None
            }
        };
        let expires_on = match raw.expires_on {
            Some(v) => {
                let span = v.span();
                self.date(index, "expires_on", v).map(|d| (d, span))
            }
            None => {
                self.at(
                    header.clone(),
                    format!("exception {index} has no expires_on: every accepted risk needs an expiry"),
                    "add expires_on = YYYY-MM-DD, the last day the acceptance holds (e.g. expires_on = 2027-03-31)",
                );
                None
            }
        };
        if let (Some(approved), Some((expires, span))) = (approved_on, &expires_on) {
            if *expires < approved {
                self.at(
                    span.clone(),
                    format!("exception {index} expires on {expires}, before it was approved on {approved}"),
                    format!("set expires_on to {approved} or later"),
                );
            }
        }
        let ticket = raw.ticket.and_then(|v| {
            let s = self.string(index, "ticket", v)?;
            if s.get_ref().trim().is_empty() {
                self.at(
                    s.span(),
                    format!("exception {index}: `ticket` is empty"),
                    "give the tracking ticket (e.g. ticket = \"SEC-123\"), or leave the key out",
                );
                return None;
            }
            Some(s.into_inner())
        });

        if self.diags.len() > before {
            return None;
        }
        Some(Entry {
            index,
            line: line_col(self.text, header.start).0,
            target: target?,
            resources,
            justification: justification?,
            approved_by: approved_by?,
            approved_on: approved_on?,
            expires_on: expires_on?.0,
            ticket,
        })
    }

    /// The value of `key` as a string, or a diagnostic.
    fn string(&mut self, index: usize, key: &str, v: Spanned<DeValue<'_>>) -> Option<Spanned<String>> {
        let span = v.span();
        match v.into_inner() {
            DeValue::String(s) => Some(Spanned::new(span, s.into_owned())),
            other => {
                self.at(
                    span,
                    format!("exception {index}: `{key}` must be a string, not {}", a(&other)),
                    format!("write it in quotes: {key} = \"...\""),
                );
                None
            }
        }
    }

    /// A required, non-empty string.
    fn text(&mut self, index: usize, header: &Range<usize>, key: &str, v: Option<Spanned<DeValue<'_>>>, what: &str) -> Option<String> {
        let Some(v) = v else {
            self.at(header.clone(), format!("exception {index} has no {key}"), format!("add {key} = \"...\": {what}"));
            return None;
        };
        let s = self.string(index, key, v)?;
        if s.get_ref().trim().is_empty() {
            self.at(s.span(), format!("exception {index}: `{key}` is empty"), format!("write {what}"));
            return None;
        }
        Some(s.into_inner())
    }

    /// A TOML local date (`2026-10-01`) or a string holding one (`"2026-10-01"`).
    fn date(&mut self, index: usize, key: &str, v: Spanned<DeValue<'_>>) -> Option<NaiveDate> {
        let span = v.span();
        let example = if key == "expires_on" { "2027-03-31" } else { "2026-10-01" };
        let (problem, fix) = match v.into_inner() {
            DeValue::Datetime(dt) => match (dt.date, dt.time.is_some() || dt.offset.is_some()) {
                (Some(d), false) => match NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()) {
                    Some(date) => return Some(date),
                    None => (format!("{d} is not a calendar date"), format!("write a real date as YYYY-MM-DD: {key} = {example}")),
                },
                (Some(d), true) => (format!("{dt} has a time of day"), format!("write the date alone, as YYYY-MM-DD: {key} = {d}")),
                (None, _) => (format!("{dt} is a time of day, not a date"), format!("write the date as YYYY-MM-DD: {key} = {example}")),
            },
            DeValue::String(s) => match parse_date(&s) {
                Ok(date) => return Some(date),
                Err(Some(d)) => (format!("{s:?} has a time of day"), format!("write the date alone, as YYYY-MM-DD: {key} = {d}")),
                Err(None) => (format!("{s:?} is not a date"), format!("write the date as YYYY-MM-DD: {key} = {example}")),
            },
            other => (format!("{} is not a date", a(&other)), format!("write the date as YYYY-MM-DD: {key} = {example}")),
        };
        self.at(span, format!("exception {index}: `{key}`: {problem}"), fix);
        None
    }

    /// `resources`: a list of non-empty strings.
    fn resources(&mut self, index: usize, v: Spanned<DeValue<'_>>) -> Vec<String> {
        let span = v.span();
        let example = "resources = [\"arn:aws:iam::111122223333:user/legacy-*\"]";
        let items = match v.into_inner() {
            DeValue::Array(items) => items,
            DeValue::String(s) => {
                self.at(
                    span,
                    format!("exception {index}: `resources` must be a list of patterns, not a single string"),
                    format!("put the pattern in brackets: resources = [{s:?}]"),
                );
                return Vec::new();
            }
            other => {
                self.at(
                    span,
                    format!("exception {index}: `resources` must be a list of strings, not {}", a(&other)),
                    format!("list glob patterns: {example}"),
                );
                return Vec::new();
            }
        };
        let mut patterns = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let span = item.span();
            match item.into_inner() {
                DeValue::String(s) if s.trim().is_empty() => self.at(
                    span,
                    format!("exception {index}: pattern {} of `resources` is empty and would match no resource", i + 1),
                    "remove it, or write a pattern such as \"arn:aws:s3:::logs-*\"; leave `resources` out to cover every resource",
                ),
                DeValue::String(s) => patterns.push(s.into_owned()),
                other => self.at(
                    span,
                    format!("exception {index}: pattern {} of `resources` is {}, not a string", i + 1, a(&other)),
                    format!("write every pattern in quotes: {example}"),
                ),
            }
        }
        patterns
    }

    /// A `check`, `framework` or `control` value: where it is and, when it is a string, what.
    fn name(&mut self, index: usize, key: &str, v: Spanned<DeValue<'_>>) -> Named {
        let span = v.span();
        let text = self.string(index, key, v).map(Spanned::into_inner);
        Named { span, text, known: false }
    }

    /// The target, from `check` or from `framework` with `control`, checked against the catalogue.
    fn target(&mut self, catalog: &Catalog, check_ids: &[&str], index: usize, header: &Range<usize>, names: Names) -> Option<Target> {
        let Names { mut check, mut framework, mut control } = names;
        if let Some(c) = &mut check {
            c.known = c.text.as_deref().is_some_and(|id| self.known_check(check_ids, index, id, &c.span));
        }
        if let Some(f) = &mut framework {
            f.known = f.text.as_deref().is_some_and(|id| self.known_framework(catalog, index, id, &f.span));
        }
        if let (Some(f), Some(c)) = (&framework, &mut control) {
            if let (true, Some(framework), Some(id)) = (f.known, f.text.as_deref(), c.text.as_deref()) {
                c.known = self.known_control(catalog, index, framework, id, &c.span);
            }
        }
        let quoted = |n: &Named| n.text.as_deref().map(|t| format!(" {t:?}")).unwrap_or_default();
        match (check, framework, control) {
            (Some(_), Some(other), _) | (Some(_), None, Some(other)) => {
                self.at(
                    other.span,
                    format!("exception {index} names both a check and a control"),
                    "an entry accepts one check (check = \"...\") or one control (framework = \"...\" with control = \"...\"): keep one, and give the other its own [[exception]]",
                );
                None
            }
            (Some(c), None, None) => c.known.then_some(Target::Check { check: c.text? }),
            (None, Some(f), Some(c)) => (f.known && c.known).then_some(Target::Control { framework: f.text?, control: c.text? }),
            (None, Some(f), None) => {
                let id = f.text.as_deref().unwrap_or("<framework>");
                self.at(
                    f.span.clone(),
                    format!("exception {index} names framework{} but no control", quoted(&f)),
                    format!("add control = \"...\" with an id from `auditpack controls --framework {id}`, or name a check instead"),
                );
                None
            }
            (None, None, Some(c)) => {
                let holders: Vec<&str> = match c.text.as_deref() {
                    Some(id) => {
                        catalog.frameworks.iter().filter(|f| f.controls.iter().any(|k| k.id == id)).map(|f| f.id.as_str()).collect()
                    }
                    None => Vec::new(),
                };
                let fix = match holders.as_slice() {
                    [one] => format!("add framework = \"{one}\" (the framework with control{})", quoted(&c)),
                    [] => format!("add framework = \"...\", one of: {}", catalog.ids().join(", ")),
                    many => format!("add framework = \"...\", one of those with control{}: {}", quoted(&c), many.join(", ")),
                };
                self.at(c.span.clone(), format!("exception {index} names control{} but no framework", quoted(&c)), fix);
                None
            }
            (None, None, None) => {
                self.at(
                    header.clone(),
                    format!("exception {index} names neither a check nor a control"),
                    "add check = \"...\" with an id from `auditpack checks`, or framework = \"...\" with control = \"...\"",
                );
                None
            }
        }
    }

    fn known_check(&mut self, check_ids: &[&str], index: usize, id: &str, span: &Range<usize>) -> bool {
        if check_ids.contains(&id) {
            return true;
        }
        let hint = did_you_mean(check_ids, id, 4);
        self.at(span.clone(), format!("exception {index}: unknown check id {id:?}{hint}"), "use an id from `auditpack checks`");
        false
    }

    fn known_framework(&mut self, catalog: &Catalog, index: usize, id: &str, span: &Range<usize>) -> bool {
        if catalog.framework(id).is_some() {
            return true;
        }
        self.at(span.clone(), format!("exception {index}: unknown framework {id:?}"), format!("use one of: {}", catalog.ids().join(", ")));
        false
    }

    /// Whether `control` is a control of `framework` (known) that has checks whose findings
    /// could be accepted.
    fn known_control(&mut self, catalog: &Catalog, index: usize, framework: &str, id: &str, span: &Range<usize>) -> bool {
        let Some(f) = catalog.framework(framework) else { return false };
        let fix = format!("use an id from `auditpack controls --framework {framework}`");
        match f.controls.iter().find(|c| c.id == id) {
            Some(c) if c.checks.is_empty() => {
                self.at(
                    span.clone(),
                    format!(
                        "exception {index}: control {:?} of {framework} is {}: no checks decide it, so it has no findings to accept",
                        c.id,
                        c.evidence.as_str()
                    ),
                    format!("name a control whose evidence is automated ({fix}), or a check"),
                );
                false
            }
            Some(_) => true,
            None => {
                let ids: Vec<&str> = f.controls.iter().map(|c| c.id.as_str()).collect();
                let hint = did_you_mean(&ids, id, 4);
                self.at(span.clone(), format!("exception {index}: unknown control {id:?} in {framework}{hint}"), fix);
                false
            }
        }
    }
}

/// " (did you mean \"x\"?)" for the candidate closest to `word`, when within `max` edits.
fn did_you_mean(candidates: &[&str], word: &str, max: usize) -> String {
    candidates
        .iter()
        .map(|k| (strsim::levenshtein(k, word), *k))
        .min()
        .filter(|(d, _)| *d <= max)
        .map(|(_, k)| format!(" (did you mean {k:?}?)"))
        .unwrap_or_default()
}

/// A value's type with its article, for messages: "an integer", "a table".
fn a(v: &DeValue<'_>) -> String {
    match v {
        DeValue::Integer(_) | DeValue::Array(_) => format!("an {}", v.type_str()),
        DeValue::Datetime(_) => "a date-time".into(),
        _ => format!("a {}", v.type_str()),
    }
}

/// When `offset` starts an unquoted word right after `key =` (`check = iam-console-mfa`, which
/// TOML reads as a botched number or keyword): the key and the word.
fn bare_value(text: &str, offset: usize) -> Option<(&str, &str)> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let (key, between) = text[line_start..offset].split_once('=')?;
    let key = key.trim();
    let simple_key = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let rest = &text[offset..];
    let word = &rest[..rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#')).unwrap_or(rest.len())];
    let bare = word.starts_with(|c: char| c.is_ascii_alphabetic()) && !matches!(word, "true" | "false" | "inf" | "nan");
    (simple_key && between.trim().is_empty() && bare).then_some((key, word))
}

/// `YYYY-MM-DD`, exactly. On failure, the date part when the string is a date followed by a time.
fn parse_date(s: &str) -> Result<NaiveDate, Option<NaiveDate>> {
    let strict = |s: &str| {
        let b = s.as_bytes();
        let shaped =
            b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        shaped.then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()).flatten()
    };
    if let Some(d) = strict(s) {
        return Ok(d);
    }
    let time_follows = s.len() > 10 && s.is_char_boundary(10) && matches!(s.as_bytes()[10], b'T' | b't' | b' ');
    Err(if time_follows { strict(&s[..10]) } else { None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn catalog() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::load(None).expect("the built-in catalogues load"))
    }

    fn parse(text: &str) -> Result<Vec<Entry>, Vec<Diagnostic>> {
        Exceptions::parse(text, "exc.toml", catalog())
    }

    /// The diagnostics of `text`, as printed.
    fn errors(text: &str) -> Vec<String> {
        match parse(text) {
            Ok(entries) => panic!("expected errors, got {} entries", entries.len()),
            Err(d) => d.iter().map(|d| d.to_string()).collect(),
        }
    }

    /// A valid entry with `target` as its first lines, and `extra` in place of nothing.
    fn entry_with(target: &str, extra: &str) -> String {
        format!(
            "[[exception]]\n{target}\njustification = \"legacy database, decommissioned in Q2\"\napproved_by = \"J. Doe, CISO\"\napproved_on = 2026-10-01\nexpires_on = 2027-03-31\n{extra}"
        )
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_example_file_holds_a_check_entry_and_an_expired_control_entry() {
        let entries = parse(include_str!("../examples/exceptions.toml")).unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(entries.len(), 2);
        let (check, control) = (&entries[0], &entries[1]);
        assert_eq!(check.target, Target::Check { check: "rds-storage-encryption".into() });
        assert_eq!(check.resources, ["arn:aws:rds:*:111122223333:db:legacy-*"]);
        assert!(check.matches_resource("arn:aws:rds:us-east-1:111122223333:db:legacy-reports"));
        assert!(!check.matches_resource("arn:aws:rds:us-east-1:111122223333:db:orders-prod"));
        assert_eq!((check.approved_on, check.expires_on), (date("2026-11-15"), date("2027-05-31")));
        assert!(!check.is_expired(date("2026-12-02")));
        assert_eq!(control.target, Target::Control { framework: "pci-dss-4.0".into(), control: "8.3.6".into() });
        assert!(control.resources.is_empty());
        assert!(control.is_expired(date("2026-12-02")));
        assert_eq!((check.index, control.index), (1, 2));
    }

    #[test]
    fn a_valid_entry_reads_every_key() {
        let text = entry_with(
            "check = \"iam-console-mfa\"",
            "resources = [\"arn:aws:iam::111122223333:user/legacy-*\", \"arn:aws:iam::111122223333:user/dave\"]\nticket = \"SEC-123\"\n",
        );
        let entries = parse(&format!("# accepted risks\n\n{text}")).unwrap();
        let e = &entries[0];
        assert_eq!((e.index, e.line), (1, 3));
        assert_eq!(e.target_label(), "check iam-console-mfa");
        assert_eq!(e.resources.len(), 2);
        assert_eq!(e.justification, "legacy database, decommissioned in Q2");
        assert_eq!(e.approved_by, "J. Doe, CISO");
        assert_eq!(e.ticket.as_deref(), Some("SEC-123"));
        let json = serde_json::to_value(e).unwrap();
        assert_eq!(json["target"], serde_json::json!({ "kind": "check", "check": "iam-console-mfa" }));
        assert_eq!(json["expires_on"], "2027-03-31");
    }

    #[test]
    fn empty_files_and_files_without_entries_are_valid() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse("# no accepted risks yet\n\n").unwrap().is_empty());
        assert!(parse("exception = []\n").unwrap().is_empty());
    }

    #[test]
    fn dates_may_be_quoted_and_duplicate_entries_are_allowed() {
        let one = entry_with("check = \"iam-console-mfa\"", "").replace("approved_on = 2026-10-01", "approved_on = \"2026-10-01\"");
        let entries = parse(&format!("{one}\n{one}")).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].approved_on, date("2026-10-01"));
        assert_eq!((entries[1].index, entries[1].line), (2, 8));
        // An entry that is approved and expires on the same day is valid.
        let same_day = entry_with("check = \"iam-console-mfa\"", "").replace("expires_on = 2027-03-31", "expires_on = 2026-10-01");
        assert_eq!(parse(&same_day).unwrap()[0].expires_on, date("2026-10-01"));
    }

    #[test]
    fn inline_tables_are_entries_too() {
        let text = "exception = [\n  { check = \"iam-console-mfa\", justification = \"j\", approved_by = \"a\", approved_on = 2026-10-01, expires_on = 2027-03-31 },\n]\n";
        let entries = parse(text).unwrap();
        assert_eq!((entries[0].index, entries[0].line), (1, 2));
    }

    #[test]
    fn every_toml_syntax_error_is_reported() {
        assert_eq!(
            errors("[[exception]]\ncheck = iam-console-mfa\n\n[[exception]]\nticket = \"SEC-1\n"),
            [
                "exc.toml:2:9: invalid float, expected `inf`\n  fix: put the value in quotes: check = \"iam-console-mfa\"",
                "exc.toml:5:16: invalid basic string, expected `\"`\n  fix: correct the TOML syntax at this position",
            ]
        );
        let text = entry_with("check = \"iam-console-mfa\"", "").replace("expires_on = 2027-03-31", "expires_on = next year");
        assert_eq!(
            errors(&text),
            ["exc.toml:6:14: string values must be quoted, expected literal string\n  fix: write the date as YYYY-MM-DD: expires_on = 2027-03-31"]
        );
    }

    #[test]
    fn an_impossible_calendar_date_is_a_syntax_error_whose_fix_shows_the_form() {
        assert_eq!(
            errors(&entry_with("check = \"iam-console-mfa\"", "").replace("approved_on = 2026-10-01", "approved_on = 2026-13-01")),
            ["exc.toml:5:15: invalid date, expected month between 01 and 12\n  fix: write a real calendar date as YYYY-MM-DD, e.g. 2027-03-31"]
        );
    }

    #[test]
    fn unknown_keys_are_all_reported_with_the_allowed_keys() {
        let text = format!("owner = \"sec\"\n\n{}", entry_with("check = \"iam-console-mfa\"", "expires = 2027-01-01\nnote = \"x\"\n"));
        let allowed = "check, framework, control, resources, justification, approved_by, approved_on, expires_on, ticket";
        assert_eq!(
            errors(&text),
            [
                "exc.toml:1:1: unknown top-level key `owner`\n  fix: the top level holds only [[exception]] tables: move `owner` under an [[exception]] header, or remove it".to_string(),
                format!("exc.toml:9:1: exception 1: unknown key `expires` (did you mean \"expires_on\"?)\n  fix: remove or rename it; allowed keys: {allowed}"),
                format!("exc.toml:10:1: exception 1: unknown key `note`\n  fix: remove or rename it; allowed keys: {allowed}"),
            ]
        );
    }

    #[test]
    fn every_listed_key_is_read() {
        for key in KEYS {
            let unknown = errors(&format!("[[exception]]\n{key} = 1\n")).into_iter().filter(|d| d.contains("unknown key")).count();
            assert_eq!(unknown, 0, "{key}");
        }
    }

    #[test]
    fn a_single_exception_table_is_rejected() {
        assert_eq!(
            errors("[exception]\ncheck = \"iam-console-mfa\"\n"),
            ["exc.toml:1:1: `exception` is a single table, not a list of them\n  fix: write the header with double brackets, [[exception]], once per accepted risk"]
        );
    }

    #[test]
    fn an_exception_key_that_is_not_a_list_of_tables_is_rejected() {
        assert_eq!(
            errors("exception = \"iam-console-mfa\"\n"),
            ["exc.toml:1:13: `exception` is a string, not a list of tables\n  fix: write each accepted risk as a table under an [[exception]] header"]
        );
        assert_eq!(
            errors("exception = [\"iam-console-mfa\"]\n"),
            ["exc.toml:1:14: exception 1 is a string, not a table\n  fix: write each accepted risk as a table under an [[exception]] header"]
        );
    }

    #[test]
    fn an_entry_without_a_target_is_rejected() {
        assert_eq!(
            errors(&entry_with("ticket = \"SEC-1\"", "")),
            ["exc.toml:1:1: exception 1 names neither a check nor a control\n  fix: add check = \"...\" with an id from `auditpack checks`, or framework = \"...\" with control = \"...\""]
        );
    }

    #[test]
    fn an_entry_with_both_a_check_and_a_control_is_rejected() {
        assert_eq!(
            errors(&entry_with("check = \"iam-console-mfa\"\nframework = \"pci-dss-4.0\"\ncontrol = \"8.3.6\"", "")),
            ["exc.toml:3:13: exception 1 names both a check and a control\n  fix: an entry accepts one check (check = \"...\") or one control (framework = \"...\" with control = \"...\"): keep one, and give the other its own [[exception]]"]
        );
    }

    #[test]
    fn a_framework_without_a_control_and_a_control_without_a_framework_are_rejected() {
        assert_eq!(
            errors(&entry_with("framework = \"pci-dss-4.0\"", "")),
            ["exc.toml:2:13: exception 1 names framework \"pci-dss-4.0\" but no control\n  fix: add control = \"...\" with an id from `auditpack controls --framework pci-dss-4.0`, or name a check instead"]
        );
        assert_eq!(
            errors(&entry_with("control = \"8.3.6\"", "")),
            ["exc.toml:2:11: exception 1 names control \"8.3.6\" but no framework\n  fix: add framework = \"pci-dss-4.0\" (the framework with control \"8.3.6\")"]
        );
        assert_eq!(
            errors(&entry_with("control = \"9.9.9.9\"", "")),
            ["exc.toml:2:11: exception 1 names control \"9.9.9.9\" but no framework\n  fix: add framework = \"...\", one of: gdpr, hipaa, pci-dss-4.0"]
        );
    }

    #[test]
    fn an_unknown_check_id_is_rejected_with_a_suggestion() {
        assert_eq!(
            errors(&entry_with("check = \"iam-console-mfaa\"", "")),
            ["exc.toml:2:9: exception 1: unknown check id \"iam-console-mfaa\" (did you mean \"iam-console-mfa\"?)\n  fix: use an id from `auditpack checks`"]
        );
        assert_eq!(
            errors(&entry_with("check = \"no-such-thing-at-all\"", "")),
            ["exc.toml:2:9: exception 1: unknown check id \"no-such-thing-at-all\"\n  fix: use an id from `auditpack checks`"]
        );
    }

    #[test]
    fn an_unknown_framework_lists_the_known_ones() {
        assert_eq!(
            errors(&entry_with("framework = \"pci\"\ncontrol = \"8.3.6\"", "")),
            ["exc.toml:2:13: exception 1: unknown framework \"pci\"\n  fix: use one of: gdpr, hipaa, pci-dss-4.0"]
        );
    }

    #[test]
    fn an_unknown_control_is_rejected_with_a_suggestion_from_its_framework() {
        assert_eq!(
            errors(&entry_with("framework = \"pci-dss-4.0\"\ncontrol = \"8.3.6x\"", "")),
            ["exc.toml:3:11: exception 1: unknown control \"8.3.6x\" in pci-dss-4.0 (did you mean \"8.3.6\"?)\n  fix: use an id from `auditpack controls --framework pci-dss-4.0`"]
        );
    }

    #[test]
    fn a_control_without_checks_has_nothing_to_accept() {
        assert_eq!(
            errors(&entry_with("framework = \"pci-dss-4.0\"\ncontrol = \"1.1.1\"", "")),
            ["exc.toml:3:11: exception 1: control \"1.1.1\" of pci-dss-4.0 is manual: no checks decide it, so it has no findings to accept\n  fix: name a control whose evidence is automated (use an id from `auditpack controls --framework pci-dss-4.0`), or a check"]
        );
    }

    #[test]
    fn missing_dates_are_rejected() {
        let text = entry_with("check = \"iam-console-mfa\"", "")
            .replace("approved_on = 2026-10-01\n", "")
            .replace("expires_on = 2027-03-31\n", "");
        assert_eq!(
            errors(&text),
            [
                "exc.toml:1:1: exception 1 has no approved_on\n  fix: add approved_on = YYYY-MM-DD, the day the risk was accepted (e.g. approved_on = 2026-10-01)",
                "exc.toml:1:1: exception 1 has no expires_on: every accepted risk needs an expiry\n  fix: add expires_on = YYYY-MM-DD, the last day the acceptance holds (e.g. expires_on = 2027-03-31)",
            ]
        );
    }

    #[test]
    fn missing_or_empty_justification_and_approver_are_rejected() {
        let missing = entry_with("check = \"iam-console-mfa\"", "")
            .replace("justification = \"legacy database, decommissioned in Q2\"\n", "")
            .replace("approved_by = \"J. Doe, CISO\"\n", "");
        assert_eq!(
            errors(&missing),
            [
                "exc.toml:1:1: exception 1 has no justification\n  fix: add justification = \"...\": why the risk is accepted and what compensates for it",
                "exc.toml:1:1: exception 1 has no approved_by\n  fix: add approved_by = \"...\": who accepted the risk, with their role",
            ]
        );
        let empty = entry_with("check = \"iam-console-mfa\"", "")
            .replace("\"legacy database, decommissioned in Q2\"", "\"  \"")
            .replace("\"J. Doe, CISO\"", "\"\"");
        assert_eq!(
            errors(&empty),
            [
                "exc.toml:3:17: exception 1: `justification` is empty\n  fix: write why the risk is accepted and what compensates for it",
                "exc.toml:4:15: exception 1: `approved_by` is empty\n  fix: write who accepted the risk, with their role",
            ]
        );
    }

    #[test]
    fn strings_of_the_wrong_type_and_an_empty_ticket_are_rejected() {
        assert_eq!(
            errors(&entry_with("check = 42", "ticket = \"\"\n")),
            [
                "exc.toml:2:9: exception 1: `check` must be a string, not an integer\n  fix: write it in quotes: check = \"...\"",
                "exc.toml:7:10: exception 1: `ticket` is empty\n  fix: give the tracking ticket (e.g. ticket = \"SEC-123\"), or leave the key out",
            ]
        );
    }

    #[test]
    fn values_that_are_not_dates_show_the_date_form() {
        let with = |approved: &str, expires: &str| {
            entry_with("check = \"iam-console-mfa\"", "")
                .replace("approved_on = 2026-10-01", &format!("approved_on = {approved}"))
                .replace("expires_on = 2027-03-31", &format!("expires_on = {expires}"))
        };
        assert_eq!(
            errors(&with("2026-10-01T09:30:00", "\"next year\"")),
            [
                "exc.toml:5:15: exception 1: `approved_on`: 2026-10-01T09:30:00 has a time of day\n  fix: write the date alone, as YYYY-MM-DD: approved_on = 2026-10-01",
                "exc.toml:6:14: exception 1: `expires_on`: \"next year\" is not a date\n  fix: write the date as YYYY-MM-DD: expires_on = 2027-03-31",
            ]
        );
        assert_eq!(
            errors(&with("\"2026-10-01 09:30\"", "\"2027-02-30\"")),
            [
                "exc.toml:5:15: exception 1: `approved_on`: \"2026-10-01 09:30\" has a time of day\n  fix: write the date alone, as YYYY-MM-DD: approved_on = 2026-10-01",
                "exc.toml:6:14: exception 1: `expires_on`: \"2027-02-30\" is not a date\n  fix: write the date as YYYY-MM-DD: expires_on = 2027-03-31",
            ]
        );
        assert_eq!(
            errors(&with("09:30:00", "20270331")),
            [
                "exc.toml:5:15: exception 1: `approved_on`: 09:30:00 is a time of day, not a date\n  fix: write the date as YYYY-MM-DD: approved_on = 2026-10-01",
                "exc.toml:6:14: exception 1: `expires_on`: an integer is not a date\n  fix: write the date as YYYY-MM-DD: expires_on = 2027-03-31",
            ]
        );
        assert_eq!(
            errors(&with("\"2026-1-1\"", "2027-03-31T00:00:00Z")),
            [
                "exc.toml:5:15: exception 1: `approved_on`: \"2026-1-1\" is not a date\n  fix: write the date as YYYY-MM-DD: approved_on = 2026-10-01",
                "exc.toml:6:14: exception 1: `expires_on`: 2027-03-31T00:00:00Z has a time of day\n  fix: write the date alone, as YYYY-MM-DD: expires_on = 2027-03-31",
            ]
        );
    }

    #[test]
    fn an_entry_that_expires_before_it_was_approved_is_rejected() {
        let text = entry_with("check = \"iam-console-mfa\"", "").replace("expires_on = 2027-03-31", "expires_on = 2026-09-30");
        assert_eq!(
            errors(&text),
            ["exc.toml:6:14: exception 1 expires on 2026-09-30, before it was approved on 2026-10-01\n  fix: set expires_on to 2026-10-01 or later"]
        );
    }

    #[test]
    fn resources_must_be_a_list_of_non_empty_strings() {
        assert_eq!(
            errors(&entry_with("check = \"iam-console-mfa\"", "resources = [\"arn:aws:iam::111122223333:user/dave\", \"\", 7]\n")),
            [
                "exc.toml:7:53: exception 1: pattern 2 of `resources` is empty and would match no resource\n  fix: remove it, or write a pattern such as \"arn:aws:s3:::logs-*\"; leave `resources` out to cover every resource",
                "exc.toml:7:57: exception 1: pattern 3 of `resources` is an integer, not a string\n  fix: write every pattern in quotes: resources = [\"arn:aws:iam::111122223333:user/legacy-*\"]",
            ]
        );
        assert_eq!(
            errors(&entry_with("check = \"iam-console-mfa\"", "resources = \"arn:aws:iam::111122223333:user/dave\"\n")),
            ["exc.toml:7:13: exception 1: `resources` must be a list of patterns, not a single string\n  fix: put the pattern in brackets: resources = [\"arn:aws:iam::111122223333:user/dave\"]"]
        );
        assert_eq!(
            errors(&entry_with("check = \"iam-console-mfa\"", "resources = { arn = \"x\" }\n")),
            ["exc.toml:7:13: exception 1: `resources` must be a list of strings, not a table\n  fix: list glob patterns: resources = [\"arn:aws:iam::111122223333:user/legacy-*\"]"]
        );
    }

    #[test]
    fn problems_in_several_entries_are_all_reported_in_file_order() {
        let good = entry_with("check = \"iam-console-mfa\"", "");
        let text = format!(
            "{}\n{good}\n{}",
            entry_with("check = \"iam-console-mfaa\"", ""),
            entry_with("framework = \"hipaa\"", "").replace("expires_on = 2027-03-31\n", "")
        );
        let got = errors(&text);
        let heads: Vec<&str> = got.iter().map(|d| d.lines().next().unwrap()).collect();
        assert_eq!(
            heads,
            [
                "exc.toml:2:9: exception 1: unknown check id \"iam-console-mfaa\" (did you mean \"iam-console-mfa\"?)",
                "exc.toml:15:1: exception 3 has no expires_on: every accepted risk needs an expiry",
                "exc.toml:16:13: exception 3 names framework \"hipaa\" but no control",
            ]
        );
    }

    #[test]
    fn globs_match_the_whole_resource() {
        assert!(glob_match("legacy-*", "legacy-a"));
        assert!(glob_match("legacy-*", "legacy-"));
        assert!(!glob_match("legacy-*", "x-legacy-a"));
        assert!(glob_match("*legacy-*", "x-legacy-a"));
        assert!(glob_match("user/?ob", "user/bob"));
        assert!(!glob_match("user/?ob", "user/ob"));
        assert!(!glob_match("user/?ob", "user/bbob"));
        assert!(glob_match("a?c", "aéc"), "`?` is one character, not one byte");
        assert!(glob_match("arn:aws:iam::111122223333:user/dave", "arn:aws:iam::111122223333:user/dave"));
        assert!(!glob_match("arn:aws:iam::111122223333:user/dave", "arn:aws:iam::111122223333:user/dave2"));
        assert!(!glob_match("arn:aws:iam::111122223333:user/dave", "arn:aws:iam::111122223333:user/dav"));
        assert!(glob_match("a*b*c", "a-b-b-c"));
        assert!(!glob_match("a*b*c", "a-b-b-"));
        assert!(glob_match("*", ""));
        assert!(glob_match("**", "anything"));
        assert!(glob_match("arn:*:db:*-prod", "arn:aws:rds:us-east-1:111122223333:db:orders-prod"));
    }

    #[test]
    fn entries_cover_their_check_everywhere_or_their_control_only() {
        let parsed = parse(&format!(
            "{}\n{}",
            entry_with("check = \"iam-password-min-length\"", ""),
            entry_with("framework = \"pci-dss-4.0\"\ncontrol = \"8.3.6\"", "resources = [\"111122223333 *\"]\n")
        ))
        .unwrap();
        let (check, control) = (&parsed[0], &parsed[1]);
        assert!(check.covers("pci-dss-4.0", "8.3.6", "iam-password-min-length"));
        assert!(check.covers("hipaa", "164.308(a)(5)(ii)(D)", "iam-password-min-length"));
        assert!(!check.covers("pci-dss-4.0", "8.3.6", "iam-password-complexity"));
        assert!(control.covers("pci-dss-4.0", "8.3.6", "iam-password-min-length"));
        assert!(control.covers("pci-dss-4.0", "8.3.6", "iam-password-complexity"));
        assert!(!control.covers("pci-dss-4.0", "8.3.7", "iam-password-min-length"));
        assert!(!control.covers("hipaa", "8.3.6", "iam-password-min-length"));
        assert_eq!(control.target_label(), "pci-dss-4.0 control 8.3.6");
        assert!(check.matches_resource("anything at all"), "no patterns: every resource");
        assert!(control.matches_resource("111122223333 password policy"));
        assert!(!control.matches_resource("arn:aws:iam::111122223333:user/bob"));
    }

    #[test]
    fn expiry_is_inclusive() {
        let e = &parse(&entry_with("check = \"iam-console-mfa\"", "")).unwrap()[0];
        assert!(!e.is_expired(date("2027-03-30")));
        assert!(!e.is_expired(date("2027-03-31")), "the entry still holds on its expiry day");
        assert!(e.is_expired(date("2027-04-01")));
    }

    #[test]
    fn load_hashes_the_file_and_reports_io_and_encoding_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("exceptions.toml");
        let text = entry_with("check = \"iam-console-mfa\"", "");
        std::fs::write(&path, &text).unwrap();
        let loaded = Exceptions::load(&path, catalog()).unwrap();
        assert_eq!(loaded.display, path.display().to_string());
        assert_eq!(loaded.sha256, crate::evidence::sha256_hex(text.as_bytes()));
        assert_eq!(loaded.sha256.len(), 64);
        assert_eq!(loaded.entries.len(), 1);

        let missing = dir.path().join("missing.toml");
        let err = Exceptions::load(&missing, catalog()).unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
        assert!(err.to_string().starts_with(&format!("{}: ", missing.display())), "{err}");

        std::fs::write(&path, b"# ok\n\xff\n").unwrap();
        let err = Exceptions::load(&path, catalog()).unwrap_err();
        assert_eq!(err.to_string(), format!("{}:2:1: the file is not UTF-8 text\n  fix: save the file as UTF-8", path.display()));
    }

    #[test]
    fn an_invalid_file_displays_every_diagnostic_one_after_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("exc.toml");
        std::fs::write(&path, "[[exception]]\n[[exception]]\n").unwrap();
        let err = Exceptions::load(&path, catalog()).unwrap_err();
        let Error::Invalid(diags) = &err else { panic!("{err}") };
        assert_eq!(diags.len(), 10, "{err}");
        assert_eq!(err.to_string(), diags.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"));
    }

    /// The code blocks of a Markdown text: (language, body).
    fn code_blocks(doc: &str) -> Vec<(&str, String)> {
        let mut blocks = Vec::new();
        let mut open: Option<(&str, String)> = None;
        for line in doc.lines() {
            match (&mut open, line.strip_prefix("```")) {
                (None, Some(lang)) => open = Some((lang, String::new())),
                (Some(_), Some("")) => blocks.push(open.take().unwrap()),
                (Some((_, body)), _) => {
                    body.push_str(line);
                    body.push('\n');
                }
                (None, None) => {}
            }
        }
        blocks
    }

    #[test]
    fn the_documented_files_and_messages_are_the_ones_the_loader_gives() {
        let blocks = code_blocks(include_str!("../docs/exceptions.md"));
        let mut pairs = 0;
        for (i, (lang, body)) in blocks.iter().enumerate() {
            if *lang != "toml" {
                continue;
            }
            let printed =
                Exceptions::parse(body, "exceptions.toml", catalog()).map_err(|d| d.iter().map(|d| format!("{d}\n")).collect::<String>());
            match blocks.get(i + 1) {
                Some(("text", want)) => {
                    assert_eq!(printed.err().as_deref(), Some(want.as_str()), "docs/exceptions.md, block {}", i + 1);
                    pairs += 1;
                }
                _ => assert!(printed.is_ok(), "docs/exceptions.md, block {}: {printed:?}", i + 1),
            }
        }
        assert_eq!(pairs, 2, "the two error examples");
    }
}
