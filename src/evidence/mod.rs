//! The evidence bundle: a directory of AWS-CLI-shaped JSON files plus `manifest.json`.
//!
//! This module owns the bundle's on-disk contract (see `docs/evidence-bundle.md`): reading a
//! bundle into memory, verifying every file against the SHA-256 recorded in the manifest,
//! writing a manifest for a directory (`seal`), and looking a file up in a way that tells a
//! check *why* evidence is not there (a recorded gap, a recorded "there is none", or simply
//! never collected). It knows nothing about AWS SDKs or pass/fail logic.

mod manifest;
mod paths;
mod verify;

pub use manifest::{Absent, FileEntry, Gap, Manifest, Tool, MANIFEST_FILE, SCHEMA_VERSION};
pub use paths::{config_file, config_rule_details_file, iam_file, resource_file};
pub use verify::{seal_dir, verify_dir, SealOptions, VerifyReport};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Errors raised while reading or writing a bundle.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {err}")]
    Io { path: PathBuf, err: std::io::Error },
    #[error("{path}:{line}:{column}: {message}\n  fix: {fix}")]
    Manifest { path: PathBuf, line: usize, column: usize, message: String, fix: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{dir}: the bundle does not verify:\n{report}\n  fix: collect the evidence again, or restore the original files; `auditpack verify {dir}` lists every difference")]
    NotVerified { dir: PathBuf, report: VerifyReport },
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |err| Error::Io { path: path.to_path_buf(), err }
}

/// Hex SHA-256 of a byte string.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A verified bundle held in memory: the manifest, its own hash, and every listed file.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub manifest: Manifest,
    /// SHA-256 of the `manifest.json` bytes: one hash that pins every file of the bundle.
    pub manifest_sha256: String,
    files: BTreeMap<String, Vec<u8>>,
    /// JSON files parsed so far: every check reading a file shares one parse.
    parsed: std::sync::Arc<std::sync::Mutex<BTreeMap<String, Parsed>>>,
}

/// A parsed JSON evidence file, or why it does not parse.
pub type Parsed = Result<std::sync::Arc<serde_json::Value>, String>;

/// What a lookup of one evidence file found.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    /// The file is in the bundle.
    Found(&'a [u8]),
    /// The API answered that there is none (e.g. no password policy): a fact, recorded in `absent`.
    Absent(&'a Absent),
    /// The API could not be read (AccessDenied, throttling): recorded in `gaps`.
    Gap(&'a Gap),
    /// Neither the file nor any record of it: it was never collected.
    Missing,
}

impl Bundle {
    /// Build a bundle from a manifest's bytes and a file table, checking every hash.
    pub fn from_parts(manifest_bytes: &[u8], files: BTreeMap<String, Vec<u8>>, origin: &Path) -> Result<Bundle, Error> {
        let manifest = Manifest::parse(manifest_bytes, &origin.join(MANIFEST_FILE))?;
        let report = verify::compare(&manifest, &files, &[]);
        if !report.is_intact() {
            return Err(Error::NotVerified { dir: origin.to_path_buf(), report });
        }
        let files = manifest.files.iter().map(|f| (f.path.clone(), files.get(&f.path).cloned().unwrap_or_default())).collect();
        Ok(Bundle { manifest_sha256: sha256_hex(manifest_bytes), manifest, files, parsed: Default::default() })
    }

    /// Read and verify a bundle directory. A bundle that does not verify is refused.
    pub fn open(dir: &Path) -> Result<Bundle, Error> {
        let report = verify_dir(dir)?;
        if !report.is_intact() {
            return Err(Error::NotVerified { dir: dir.to_path_buf(), report });
        }
        let manifest_path = dir.join(MANIFEST_FILE);
        let manifest_bytes = std::fs::read(&manifest_path).map_err(io_err(&manifest_path))?;
        let manifest = Manifest::parse(&manifest_bytes, &manifest_path)?;
        let mut files = BTreeMap::new();
        for entry in &manifest.files {
            let path = dir.join(&entry.path);
            files.insert(entry.path.clone(), std::fs::read(&path).map_err(io_err(&path))?);
        }
        Ok(Bundle { manifest_sha256: sha256_hex(&manifest_bytes), manifest, files, parsed: Default::default() })
    }

    /// The raw bytes of a listed file.
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// A listed file parsed as JSON, parsed once however often it is asked for. `None` when the
    /// file is not in the bundle; `Err` says where it does not parse.
    pub fn json(&self, path: &str) -> Option<Parsed> {
        let bytes = self.file(path)?;
        let mut cache = self.parsed.lock().expect("parse cache lock");
        let entry = cache.entry(path.to_string()).or_insert_with(|| {
            serde_json::from_slice(bytes)
                .map(std::sync::Arc::new)
                .map_err(|e| format!("{path} is not valid JSON (line {}, column {}): {e}", e.line(), e.column()))
        });
        Some(entry.clone())
    }

    /// The SHA-256 recorded for a listed file.
    pub fn file_sha256(&self, path: &str) -> Option<&str> {
        self.manifest.files.iter().find(|f| f.path == path).map(|f| f.sha256.as_str())
    }

    /// Look an evidence file up, saying why it is not there when it is not.
    pub fn lookup(&self, path: &str) -> Lookup<'_> {
        if let Some(bytes) = self.files.get(path) {
            return Lookup::Found(bytes);
        }
        if let Some(absent) = self.manifest.absent.iter().find(|a| a.path.as_deref() == Some(path)) {
            return Lookup::Absent(absent);
        }
        if let Some(gap) = self.manifest.gaps.iter().find(|g| g.path.as_deref() == Some(path)) {
            return Lookup::Gap(gap);
        }
        Lookup::Missing
    }

    /// Accounts in the bundle, sorted.
    pub fn accounts(&self) -> &[String] {
        &self.manifest.accounts
    }

    /// Regions in the bundle, sorted.
    pub fn regions(&self) -> &[String] {
        &self.manifest.regions
    }
}
