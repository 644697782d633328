//! `manifest.json`: what was collected, when, the hash of every file, and what could not be read.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Error;

/// File name of the manifest at the root of a bundle.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The manifest schema this build writes. Version 1 (no `collection_started_at`) is still read.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub schema_version: u32,
    pub tool: Tool,
    /// When collection started (schema 1 manifests: the same as `collected_at`).
    #[serde(default = "unset")]
    pub collection_started_at: DateTime<Utc>,
    /// When collection ended: every age a check computes is measured from it, and no time inside
    /// the evidence may be later.
    pub collected_at: DateTime<Utc>,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub files: Vec<FileEntry>,
    #[serde(default)]
    pub gaps: Vec<Gap>,
    #[serde(default)]
    pub absent: Vec<Absent>,
    /// Evidence no API holds (training records, signed policies), attached by hand with
    /// `auditpack attach`: one entry per file under `manual/`, each also listed in `files`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// Evidence that could not be collected. It is never read as a pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    /// `service:Operation`, e.g. `iam:GenerateCredentialReport`.
    pub api: String,
    pub account: String,
    /// `None` for global services (IAM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The evidence file this call would have written; optional where `api`, `account` and
    /// `region` name one document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The error code AWS answered with, e.g. `AccessDenied`.
    pub error: String,
    pub message: String,
}

/// A call that answered "there is none" (e.g. `NoSuchEntity` for the password policy): a fact, not a gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Absent {
    pub api: String,
    pub account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub error: String,
    pub message: String,
}

/// A file attached by hand to a control whose evidence is manual. It lives at
/// `manual/<framework>/<control, percent-encoded>/<file>` (`catalogue::manual_dir`), and its
/// `path`, `sha256` and `bytes` repeat those of its `files` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The framework id, e.g. `hipaa`.
    pub framework: String,
    /// The control id as the framework's catalogue writes it, e.g. `164.308(a)(5)(i)`.
    pub control: String,
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    /// Who attached the file (`--by`).
    pub attached_by: String,
    /// When it was attached (RFC 3339, UTC, whole seconds).
    pub attached_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The fields by which a `gaps` or `absent` record names its documents.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub api: &'a str,
    pub account: &'a str,
    pub region: Option<&'a str>,
    pub path: Option<&'a str>,
}

impl Gap {
    pub fn entry(&self) -> Entry<'_> {
        Entry { api: &self.api, account: &self.account, region: self.region.as_deref(), path: self.path.as_deref() }
    }
}

impl Absent {
    pub fn entry(&self) -> Entry<'_> {
        Entry { api: &self.api, account: &self.account, region: self.region.as_deref(), path: self.path.as_deref() }
    }
}

impl Manifest {
    /// Parse manifest bytes; errors name the file, line and column, and say how to fix it.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Manifest, Error> {
        let mut manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| Error::Manifest {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
            fix: "correct the manifest by hand, or recreate it with `auditpack seal DIR`".into(),
        })?;
        let at = |needle: &str, message: String, fix: &str| Error::Manifest {
            path: path.to_path_buf(),
            line: line_of(bytes, needle),
            column: 1,
            message,
            fix: fix.into(),
        };
        if manifest.schema_version == 1 {
            if manifest.collection_started_at != unset() {
                return Err(at("\"collection_started_at\"", "collection_started_at is a schema 2 field".into(), "set schema_version to 2"));
            }
            if !manifest.manual.is_empty() {
                return Err(at("\"manual\"", "manual is a schema 2 field".into(), "set schema_version to 2 and add collection_started_at"));
            }
            manifest.collection_started_at = manifest.collected_at;
        } else if manifest.schema_version != SCHEMA_VERSION {
            return Err(Error::Manifest {
                path: path.to_path_buf(),
                line: line_of(bytes, "\"schema_version\""),
                column: 1,
                message: format!(
                    "schema_version {} is not supported (this auditpack reads versions 1 and {SCHEMA_VERSION})",
                    manifest.schema_version
                ),
                fix: "use the auditpack version that wrote this bundle, or collect it again".into(),
            });
        }
        if manifest.collection_started_at == unset() {
            return Err(at(
                "\"schema_version\"",
                "collection_started_at is missing".into(),
                "add when the collection started (RFC 3339, UTC), or re-seal with `auditpack seal DIR`",
            ));
        }
        if manifest.collection_started_at > manifest.collected_at {
            return Err(at(
                "\"collected_at\"",
                format!(
                    "the collection ends ({}) before it starts ({})",
                    crate::report::rfc3339(manifest.collected_at),
                    crate::report::rfc3339(manifest.collection_started_at)
                ),
                "collected_at is when the collection ended; correct the two times",
            ));
        }
        let paths = manifest.files.iter().map(|f| f.path.as_str()).chain(manifest.manual.iter().map(|a| a.path.as_str()));
        for entry_path in paths {
            if let Err(why) = super::paths::check_relative(entry_path) {
                return Err(Error::Manifest {
                    path: path.to_path_buf(),
                    line: line_of(bytes, &format!("\"{entry_path}\"")),
                    column: 1,
                    message: format!("file path {entry_path:?} {why}"),
                    fix: "list files by their path relative to the bundle directory, with `/` separators".into(),
                });
            }
        }
        Ok(manifest)
    }

    /// Serialise as pretty JSON with a trailing newline (stable byte output).
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("manifest serialises");
        out.push(b'\n');
        out
    }
}

/// Stands for a time the manifest does not give.
fn unset() -> DateTime<Utc> {
    DateTime::<Utc>::MIN_UTC
}

/// 1-based line of the first occurrence of `needle`, or 1.
fn line_of(bytes: &[u8], needle: &str) -> usize {
    let text = String::from_utf8_lossy(bytes);
    text.find(needle).map(|at| text[..at].matches('\n').count() + 1).unwrap_or(1)
}
