//! `Eval`: the context a check runs in. It reads evidence, remembers which files were read, and
//! collects findings; `finish` derives the check status from them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{CheckStatus, Finding, Outcome};
use crate::evidence::{Absent, Bundle, Lookup};

pub struct Eval<'a> {
    pub bundle: &'a Bundle,
    files: BTreeSet<String>,
    findings: Vec<Finding>,
    reasons: Vec<String>,
}

/// A JSON evidence file, or the recorded fact that there is none.
pub enum Doc<'a> {
    Json(std::sync::Arc<Value>),
    Absent(&'a Absent),
}

impl<'a> Eval<'a> {
    pub fn new(bundle: &'a Bundle) -> Self {
        Eval { bundle, files: BTreeSet::new(), findings: Vec::new(), reasons: Vec::new() }
    }

    /// When the evidence was collected: the reference time for every age computed by a check.
    pub fn now(&self) -> DateTime<Utc> {
        self.bundle.manifest.collected_at
    }

    pub fn accounts(&self) -> Vec<String> {
        self.bundle.accounts().to_vec()
    }

    pub fn regions(&self) -> Vec<String> {
        self.bundle.regions().to_vec()
    }

    /// Raw bytes of an evidence file. When it is not there, the scope `scope` is recorded as not
    /// assessed with the reason (gap, absent or never collected) and `None` is returned.
    pub fn bytes(&mut self, path: &str, scope: &str) -> Option<&'a [u8]> {
        match self.bundle.lookup(path) {
            Lookup::Found(bytes) => {
                self.files.insert(path.to_string());
                Some(bytes)
            }
            other => {
                let why = describe_missing(path, other);
                self.not_assessed(scope, why);
                None
            }
        }
    }

    /// A JSON evidence file, or the recorded fact that the API has none (`absent`). Missing files,
    /// gaps and parse errors mark `scope` not assessed and return `None`.
    pub fn doc(&mut self, path: &str, scope: &str) -> Option<Doc<'a>> {
        match self.bundle.lookup(path) {
            Lookup::Found(_) => {
                self.files.insert(path.to_string());
                match self.bundle.json(path).expect("found in the bundle") {
                    Ok(v) => Some(Doc::Json(v)),
                    Err(why) => {
                        self.not_assessed(scope, why);
                        None
                    }
                }
            }
            Lookup::Absent(a) => Some(Doc::Absent(a)),
            other => {
                let why = describe_missing(path, other);
                self.not_assessed(scope, why);
                None
            }
        }
    }

    /// A JSON evidence file that must exist (an `absent` record counts as missing here).
    pub fn json(&mut self, path: &str, scope: &str) -> Option<std::sync::Arc<Value>> {
        match self.doc(path, scope)? {
            Doc::Json(v) => Some(v),
            Doc::Absent(a) => {
                self.not_assessed(scope, format!("{path}: {} answered {} ({})", a.api, a.error, a.message));
                None
            }
        }
    }

    pub fn pass(&mut self, resource: impl Into<String>, detail: impl Into<String>) {
        self.findings.push(Finding { resource: resource.into(), status: CheckStatus::Pass, detail: detail.into() });
    }

    pub fn fail(&mut self, resource: impl Into<String>, detail: impl Into<String>) {
        self.findings.push(Finding { resource: resource.into(), status: CheckStatus::Fail, detail: detail.into() });
    }

    /// Record that `scope` could not be assessed, and why.
    pub fn not_assessed(&mut self, scope: impl Into<String>, why: impl Into<String>) {
        let (scope, why) = (scope.into(), why.into());
        self.reasons.push(format!("{scope}: {why}"));
        self.findings.push(Finding { resource: scope, status: CheckStatus::NotAssessed, detail: why });
    }

    /// Fail if any finding fails; otherwise not assessed if any part could not be assessed (or
    /// nothing at all was examined); otherwise pass.
    pub fn finish(self) -> Outcome {
        let status = if self.findings.iter().any(|f| f.status == CheckStatus::Fail) {
            CheckStatus::Fail
        } else if !self.reasons.is_empty() || self.findings.is_empty() {
            CheckStatus::NotAssessed
        } else {
            CheckStatus::Pass
        };
        let reason = match status {
            CheckStatus::NotAssessed if self.reasons.is_empty() => Some("no evidence was examined".to_string()),
            CheckStatus::NotAssessed => Some(self.reasons.join("; ")),
            _ => None,
        };
        Outcome { status, reason, findings: self.findings, evidence_files: self.files.into_iter().collect() }
    }
}

fn describe_missing(path: &str, lookup: Lookup<'_>) -> String {
    match lookup {
        Lookup::Found(_) => unreachable!("found is not missing"),
        Lookup::Gap(g) => format!("{path} could not be collected: {} failed with {} ({})", g.api, g.error, g.message),
        Lookup::Absent(a) => format!("{path}: {} answered {} ({})", a.api, a.error, a.message),
        Lookup::Missing => format!("{path} is not in the evidence bundle"),
    }
}

/// `v[key]` as a list (missing or not a list: empty).
/// The configuration items of a resources file (`baseConfigurationItems`, or `configurationItems`
/// from get-resource-config-history) that describe a live resource; `None` when the file holds
/// neither list.
pub fn live_items(doc: &Value) -> Option<Vec<&Value>> {
    let items = doc.get("baseConfigurationItems").or_else(|| doc.get("configurationItems"))?.as_array()?;
    Some(items.iter().filter(|i| !text(i, "configurationItemStatus").starts_with("ResourceDeleted")).collect())
}

pub fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// `v[key]` as a string ("" when absent).
pub fn text<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `v[key]` as a boolean; accepts the strings "true"/"false" that Config's supplementary
/// configuration sometimes carries.
pub fn flag(v: &Value, key: &str) -> Option<bool> {
    match v.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A value that AWS sometimes delivers as a JSON document and sometimes as a string holding one
/// (optionally URL-encoded, as IAM policy documents are in the raw API): always a document.
pub fn embedded_json(v: &Value) -> Option<Value> {
    match v {
        Value::String(s) => serde_json::from_str(s).ok().or_else(|| serde_json::from_str(&percent_decode(s)).ok()),
        Value::Null => None,
        other => Some(other.clone()),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
