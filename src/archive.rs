//! `report --archive FILE.zip`: one file for the auditor holding the packet (`packet/`), the
//! evidence bundle with its manifest and signature (`evidence/`), and `SHA256SUMS`, the SHA-256
//! of every member in the format `sha256sum -c` reads. The zip is deterministic: members in path
//! order, every one dated at the report's generation time with the same permissions, so the same
//! inputs give the same bytes.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Datelike, Timelike, Utc};

use crate::evidence::{sha256_hex, Bundle, MANIFEST_FILE, SIGNATURE_FILE};

/// The checksum list at the root of the archive.
pub const SUMS: &str = "SHA256SUMS";
/// Its minisign signature, when the archive is signed (`report --sign`).
pub const SUMS_SIGNATURE: &str = "SHA256SUMS.minisig";

/// One member: its path in the archive and its bytes.
pub struct Member {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The members of an archive of the packet directory `packet` and the bundle `bundle` (read from
/// `evidence`): every packet file, every bundle file as the manifest lists it (each re-read and
/// checked against its recorded SHA-256, so the archive holds exactly the verified evidence),
/// the manifest and its signature.
pub fn members(packet: &Path, evidence: &Path, bundle: &Bundle) -> Result<Vec<Member>> {
    let mut out = Vec::new();
    for rel in files_below(packet)? {
        let bytes = std::fs::read(packet.join(&rel)).with_context(|| format!("reading {}", packet.join(&rel).display()))?;
        out.push(Member { path: format!("packet/{rel}"), bytes });
    }
    for f in &bundle.manifest.files {
        let path = evidence.join(&f.path);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        if sha256_hex(&bytes) != f.sha256 {
            bail!(
                "{}: changed since the bundle was verified at the start of this run\n  fix: run the report again on an unchanged bundle (`auditpack verify {}` lists what differs)",
                path.display(),
                evidence.display()
            );
        }
        out.push(Member { path: format!("evidence/{}", f.path), bytes });
    }
    let manifest =
        std::fs::read(evidence.join(MANIFEST_FILE)).with_context(|| format!("reading {}", evidence.join(MANIFEST_FILE).display()))?;
    if sha256_hex(&manifest) != bundle.manifest_sha256 {
        bail!(
            "{}: changed since the bundle was verified at the start of this run\n  fix: run the report again",
            evidence.join(MANIFEST_FILE).display()
        );
    }
    out.push(Member { path: format!("evidence/{MANIFEST_FILE}"), bytes: manifest });
    let signature = evidence.join(SIGNATURE_FILE);
    if signature.is_file() {
        out.push(Member { path: format!("evidence/{SIGNATURE_FILE}"), bytes: std::fs::read(&signature)? });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// `SHA256SUMS` for the members: one `<sha256>  <path>` line each, in path order.
pub fn sums(members: &[Member]) -> Vec<u8> {
    let mut out = String::new();
    for m in members {
        out.push_str(&format!("{}  {}\n", sha256_hex(&m.bytes), m.path));
    }
    out.into_bytes()
}

/// The zip of `members` (with `extra` after them, e.g. `SHA256SUMS`), every entry dated `at`.
pub fn zip(members: &[Member], extra: &[Member], at: DateTime<Utc>) -> Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    // Zip times are local-less calendar fields from 1980 to 2107.
    let when = zip::DateTime::from_date_and_time(
        at.year().clamp(1980, 2107) as u16,
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
    )
    .unwrap_or_default();
    let options =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).last_modified_time(when).unix_permissions(0o644);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for m in members.iter().chain(extra) {
        w.start_file(m.path.as_str(), options).with_context(|| format!("adding {} to the archive", m.path))?;
        w.write_all(&m.bytes)?;
    }
    Ok(w.finish().context("finishing the archive")?.into_inner())
}

/// Where an archive may be written: not inside the evidence bundle (it would become an unlisted
/// file) nor inside the packet directory (which is replaced whole), and not over a file that is
/// not a zip unless `force`.
pub fn check_target(archive: &Path, evidence: &Path, packet: &Path, force: bool) -> Result<()> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let target = abs(archive);
    for (dir, what) in [(abs(evidence), "the evidence bundle"), (abs(packet), "the packet directory (--out)")] {
        if target.starts_with(&dir) {
            bail!(
                "{}: is inside {what} {}\n  fix: write the archive elsewhere, e.g. --archive {}",
                archive.display(),
                dir.display(),
                dir.with_extension("zip").display()
            );
        }
    }
    if archive.is_dir() {
        bail!(
            "{}: is a directory\n  fix: name the zip file to write, e.g. --archive {}",
            archive.display(),
            archive.join("handoff.zip").display()
        );
    }
    if archive.exists() && !force {
        let mut head = [0u8; 4];
        let is_zip = std::fs::File::open(archive).and_then(|mut f| f.read_exact(&mut head)).is_ok() && head == *b"PK\x03\x04";
        if !is_zip {
            bail!("{}: exists and is not a zip archive; auditpack does not replace it\n  fix: choose another path, or pass --force to replace it", archive.display());
        }
    }
    Ok(())
}

/// Write `bytes` to `archive` atomically (a temporary file beside it, then a rename).
pub fn write(archive: &Path, bytes: &[u8]) -> Result<PathBuf> {
    crate::util::write_atomic(archive, bytes).with_context(|| format!("writing the archive {}", archive.display()))?;
    Ok(archive.to_path_buf())
}

/// Every file below `dir`, as sorted `/`-separated relative paths.
fn files_below(dir: &Path) -> Result<Vec<String>> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<String>) -> Result<()> {
        for e in std::fs::read_dir(d).with_context(|| format!("reading {}", d.display()))? {
            let p = e?.path();
            let kind = std::fs::symlink_metadata(&p)?.file_type();
            if kind.is_dir() {
                walk(root, &p, out)?;
            } else if kind.is_file() {
                let rel: Vec<String> =
                    p.strip_prefix(root).expect("below root").components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                out.push(rel.join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}
