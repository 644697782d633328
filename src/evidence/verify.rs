//! `verify` recomputes every hash of a bundle; `seal` writes the manifest of a directory.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::{io_err, sha256_hex, Error, FileEntry, Manifest, Tool, MANIFEST_FILE, SCHEMA_VERSION};

/// What `verify` found. A bundle is intact when every list is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Files whose content or size no longer matches the manifest.
    pub changed: Vec<String>,
    /// Files the manifest lists that are not there.
    pub missing: Vec<String>,
    /// Files present in the directory that the manifest does not list.
    pub unlisted: Vec<String>,
    /// How many listed files matched.
    pub intact_files: usize,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.unlisted.is_empty()
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.changed {
            writeln!(f, "  changed:  {p} (its SHA-256 or size differs from manifest.json)")?;
        }
        for p in &self.missing {
            writeln!(f, "  missing:  {p} (listed in manifest.json, not on disk)")?;
        }
        for p in &self.unlisted {
            writeln!(f, "  unlisted: {p} (on disk, not listed in manifest.json)")?;
        }
        Ok(())
    }
}

/// Compare a manifest with the file contents at hand. `on_disk` lists every file present, for
/// finding unlisted ones (pass `&[]` to skip that part).
pub(crate) fn compare(manifest: &Manifest, files: &BTreeMap<String, Vec<u8>>, on_disk: &[String]) -> VerifyReport {
    let mut report = VerifyReport::default();
    for entry in &manifest.files {
        match files.get(&entry.path) {
            None => report.missing.push(entry.path.clone()),
            Some(bytes) if bytes.len() as u64 != entry.bytes || sha256_hex(bytes) != entry.sha256 => {
                report.changed.push(entry.path.clone())
            }
            Some(_) => report.intact_files += 1,
        }
    }
    let listed: std::collections::BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    report.unlisted = on_disk.iter().filter(|p| !listed.contains(p.as_str())).cloned().collect();
    report
}

/// Every regular file below `dir` except the manifest, as sorted `/`-separated relative paths.
fn list_files(dir: &Path) -> Result<Vec<String>, Error> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), Error> {
        for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
            let entry = entry.map_err(io_err(dir))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(io_err(&path))?;
            if kind.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path.strip_prefix(root).expect("below root");
                let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                out.push(rel.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.retain(|p| p != MANIFEST_FILE);
    out.sort();
    Ok(out)
}

/// Recompute every hash of the bundle in `dir` and compare with its manifest.
pub fn verify_dir(dir: &Path) -> Result<VerifyReport, Error> {
    if !dir.is_dir() {
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            message: "is not a directory\n  fix: pass the evidence bundle directory (the one holding manifest.json)".into(),
        });
    }
    let manifest_path = dir.join(MANIFEST_FILE);
    if !manifest_path.is_file() {
        return Err(Error::Invalid {
            path: manifest_path,
            message: "does not exist: this directory is not an evidence bundle\n  fix: point at the bundle directory (the one holding manifest.json), or create the manifest of a hand-assembled bundle with `auditpack seal DIR`".into(),
        });
    }
    let bytes = std::fs::read(&manifest_path).map_err(io_err(&manifest_path))?;
    let manifest = Manifest::parse(&bytes, &manifest_path)?;
    let on_disk = list_files(dir)?;
    let mut files = BTreeMap::new();
    for entry in &manifest.files {
        let path = dir.join(&entry.path);
        if path.is_file() {
            files.insert(entry.path.clone(), std::fs::read(&path).map_err(io_err(&path))?);
        }
    }
    Ok(compare(&manifest, &files, &on_disk))
}

/// How `seal` fills the fields it cannot derive from the files.
#[derive(Debug, Clone, Default)]
pub struct SealOptions {
    /// Used when the directory has no manifest yet (default: now).
    pub collected_at: Option<DateTime<Utc>>,
}

/// Write `manifest.json` for the files in `dir`. An existing manifest keeps its `collected_at`,
/// `gaps` and `absent`; `files`, `accounts` and `regions` are recomputed from the directory.
/// This is how a bundle assembled by hand with the AWS CLI becomes verifiable.
pub fn seal_dir(dir: &Path, opts: &SealOptions) -> Result<Manifest, Error> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let previous = if manifest_path.exists() {
        let bytes = std::fs::read(&manifest_path).map_err(io_err(&manifest_path))?;
        Some(Manifest::parse(&bytes, &manifest_path)?)
    } else {
        None
    };
    let mut files = Vec::new();
    let mut accounts = std::collections::BTreeSet::new();
    let mut regions = std::collections::BTreeSet::new();
    for rel in list_files(dir)? {
        let mut parts = rel.split('/');
        let (account, scope) = (parts.next().unwrap_or_default(), parts.next());
        if !account.chars().all(|c| c.is_ascii_digit()) || account.len() != 12 || scope.is_none() {
            return Err(Error::Invalid {
                path: dir.join(&rel),
                message: "is not below <12-digit-account-id>/<region or global>/ as the bundle layout requires".into(),
            });
        }
        accounts.insert(account.to_string());
        if let Some(region) = scope.filter(|s| *s != "global") {
            regions.insert(region.to_string());
        }
        let path = dir.join(&rel);
        let bytes = std::fs::read(&path).map_err(io_err(&path))?;
        files.push(FileEntry { path: rel, sha256: sha256_hex(&bytes), bytes: bytes.len() as u64 });
    }
    if files.is_empty() {
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            message: "holds no evidence files to seal\n  fix: put the AWS CLI outputs below <account-id>/<region or global>/<service>/ first (see docs/evidence-bundle.md)".into(),
        });
    }
    let (collected_at, gaps, absent) = match previous {
        Some(m) => (m.collected_at, m.gaps, m.absent),
        None => (opts.collected_at.unwrap_or_else(Utc::now), Vec::new(), Vec::new()),
    };
    for g in &gaps {
        accounts.insert(g.account.clone());
        regions.extend(g.region.clone());
    }
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "auditpack".into(), version: env!("CARGO_PKG_VERSION").into() },
        collected_at,
        accounts: accounts.into_iter().collect(),
        regions: regions.into_iter().collect(),
        files,
        gaps,
        absent,
    };
    crate::util::write_atomic(&manifest_path, &manifest.to_json()).map_err(io_err(&manifest_path))?;
    Ok(manifest)
}
