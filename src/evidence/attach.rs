//! `attach`: evidence no API holds (training records, a signed policy, minutes of a risk review)
//! copied into a bundle for a control whose evidence is manual, and recorded in the manifest.
//!
//! A file attached to control C of framework F lives at `manual/F/<C, percent-encoded>/<name>`
//! (`catalogue::manual_dir`), is listed in `files` like every other file, and is described by
//! one `manual` entry: the control, who attached it, when, and an optional note. `verify` then
//! hashes it with the rest of the bundle, so one changed byte is reported; `seal` keeps the
//! entries and refuses an attachment edited since. An attached file is never replaced: a new
//! version is attached under another name.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::catalogue::{manual_dir, manual_name};
use super::sign::{self, SignatureChange, Signer};
use super::verify::{self, VerifyReport};
use super::{io_err, sha256_hex, Attachment, Error, FileEntry, Manifest, MANIFEST_FILE, SCHEMA_VERSION};
use crate::mappings::{Catalog, Control, EvidenceMethod};

/// What to attach, to which control, and who does it.
#[derive(Debug, Clone)]
pub struct AttachOptions {
    /// A framework id of the catalogue, e.g. `hipaa`.
    pub framework: String,
    /// A control id of that framework whose evidence is manual, e.g. `164.308(a)(5)(i)`.
    pub control: String,
    /// Who attaches the files (recorded as `attached_by`).
    pub by: String,
    /// What the files show, if it helps the auditor (recorded as `note`).
    pub note: Option<String>,
    /// The files to copy into the bundle; each keeps its name.
    pub files: Vec<PathBuf>,
    /// Recorded as `attached_at` (the CLI passes `SOURCE_DATE_EPOCH` or now, in whole seconds).
    pub at: DateTime<Utc>,
    /// Sign the manifest (`manifest.json.minisig`) once the files are recorded. Without it, a
    /// signature of the previous manifest is removed when the manifest changes.
    pub signer: Option<Signer>,
}

/// What `attach` did.
#[derive(Debug, Clone)]
pub struct Attached {
    /// The entries this call recorded, in the order of the files given (those already attached
    /// are left out).
    pub recorded: Vec<Attachment>,
    pub signature: SignatureChange,
}

/// A file given to `attach`, read and placed.
struct Source {
    rel: String,
    bytes: Vec<u8>,
}

/// Copy `opts.files` into the bundle in `dir` for one manual control, and record them in its
/// manifest. The bundle must verify first, the control must exist and have manual evidence, and
/// every file must be a regular file with a name that can stand in the bundle as it is.
///
/// Returns the entries this call recorded, in the order of `opts.files`. A file already
/// attached to the control with the same bytes is skipped, not recorded twice (and not
/// returned); one whose place holds other bytes is refused. The copies are written first and
/// the manifest last, only `files` and `manual` gaining entries; if anything fails before the
/// manifest is written, the copies are removed, so the bundle is left as it was. Then the
/// signature: with `opts.signer` the manifest is signed (even when nothing new was attached),
/// without it a signature of the replaced manifest is removed.
pub fn attach(dir: &Path, opts: &AttachOptions, catalog: &Catalog) -> Result<Attached, Error> {
    let refuse = |message: String, fix: String| Error::Invalid { path: dir.to_path_buf(), message: format!("{message}\n  fix: {fix}") };

    // What the bundle holds must be what its manifest says before anything is added to it.
    let verify::Opened { bytes: manifest_bytes, manifest, on_disk, .. } = verify::open_dir(dir)?;
    let report = verify::check(&manifest, &on_disk, &mut |p| verify::read_listed(dir, p), |_, _, _| {})?;
    if !report.is_intact() {
        let report = VerifyReport { manifest_sha256: sha256_hex(&manifest_bytes), ..report };
        return Err(Error::NotVerified { dir: dir.to_path_buf(), report: Box::new(report) });
    }

    let control = manual_control(catalog, &opts.framework, &opts.control).map_err(|(message, fix)| refuse(message, fix))?;
    if opts.by.trim().is_empty() {
        return Err(refuse(
            "who attaches the evidence is not given (--by is empty)".into(),
            "pass --by with your name and role, e.g. --by \"J. Doe, Security\"".into(),
        ));
    }
    if opts.note.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(refuse("the note is empty".into(), "say what the files show, or leave --note out".into()));
    }
    if opts.files.is_empty() {
        return Err(refuse("no file to attach".into(), "name at least one FILE".into()));
    }

    let place = manual_dir(&opts.framework, &control.id);
    let mut sources = Vec::new();
    let mut names = BTreeSet::new();
    for from in &opts.files {
        let name = source_name(from)?;
        if !names.insert(name.clone()) {
            return Err(Error::Invalid {
                path: from.clone(),
                message: format!(
                    "has the name of another FILE given ({name}), and both would be {place}/{name}\n  fix: rename one of them"
                ),
            });
        }
        let bytes = verify::read_regular(from)?;
        sources.push(Source { rel: format!("{place}/{name}"), bytes });
    }

    let mut new = Vec::new();
    for source in sources {
        match verify::read_listed(dir, &source.rel)? {
            None => new.push(source),
            // The bundle verified, so a file there is listed, and a `manual` entry of this control describes it.
            Some(held)
                if held == source.bytes
                    && manifest.manual.iter().any(|a| a.path == source.rel && a.framework == opts.framework && a.control == control.id) => {
            }
            Some(_) => {
                return Err(Error::Invalid {
                    path: dir.join(&source.rel),
                    message: format!(
                        "already holds another file attached to {} {} under this name; an attached file is never replaced\n  fix: rename the file (e.g. add a version or a date) and attach it again",
                        opts.framework, control.id
                    ),
                });
            }
        }
    }
    if new.is_empty() {
        // The manifest stays as it is: its signature still covers it, or is made now.
        let prepared = sign::prepare(opts.signer.as_ref(), &manifest_bytes)?;
        let signature = sign::after_write(dir, Some(&manifest_bytes), &manifest_bytes, prepared)?;
        return Ok(Attached { recorded: Vec::new(), signature });
    }

    let recorded: Vec<Attachment> = new
        .iter()
        .map(|s| Attachment {
            framework: opts.framework.clone(),
            control: control.id.clone(),
            path: s.rel.clone(),
            sha256: sha256_hex(&s.bytes),
            bytes: s.bytes.len() as u64,
            attached_by: opts.by.trim().to_string(),
            attached_at: opts.at,
            note: opts.note.as_ref().map(|n| n.trim().to_string()),
        })
        .collect();
    let next = with_attachments(&manifest, &recorded);
    let next_bytes = next.to_json();
    let problems = verify::structure(&next);
    if !problems.is_empty() {
        return Err(refuse(
            format!("the manifest would not verify with these files attached:\n    {}", problems.join("\n    ")),
            "report this as a bug of auditpack attach; nothing was written".into(),
        ));
    }

    // Directories created for the copies, outermost first, so that a failure can remove them too.
    let mut created = Vec::new();
    let mut at = dir.to_path_buf();
    for part in place.split('/') {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_err() {
            created.push(at.clone());
        }
    }
    // Signed in memory before anything is written, so a key that cannot sign changes nothing.
    let prepared = sign::prepare(opts.signer.as_ref(), &next_bytes)?;
    let mut copied = Vec::new();
    match write(dir, &new, &next_bytes, &manifest_bytes, &mut copied) {
        // The manifest now lists the copies: from here on they stay, whatever the signature does.
        Ok(()) => {
            let signature = sign::after_write(dir, Some(&manifest_bytes), &next_bytes, prepared)?;
            Ok(Attached { recorded, signature })
        }
        Err(e) => {
            for path in copied.iter().rev() {
                let _ = std::fs::remove_file(path);
            }
            for path in created.iter().rev() {
                let _ = std::fs::remove_dir(path);
            }
            Err(e)
        }
    }
}

/// The control `id` of `framework`, if its evidence is manual; else what is wrong and the fix.
fn manual_control<'c>(catalog: &'c Catalog, framework: &str, id: &str) -> Result<&'c Control, (String, String)> {
    let f = catalog.select(framework).map_err(|e| {
        let e = e.to_string();
        let (what, fix) = e.split_once("\n  fix: ").unwrap_or((e.as_str(), ""));
        (what.to_string(), fix.to_string())
    })?;
    if let Err(why) = manual_name(&f.id) {
        return Err((
            format!("framework id {why}, so it cannot name a directory of the bundle"),
            "rename the mapping file (the framework id is its name) to letters, digits, `.`, `_` and `-`".into(),
        ));
    }
    let list = format!("`auditpack controls --framework {}` lists its controls and the evidence of each", f.id);
    let Some(control) = f.controls.iter().find(|c| c.id == id) else {
        let hint = f
            .controls
            .iter()
            .map(|c| (strsim::levenshtein(&c.id, id), c.id.as_str()))
            .min()
            .filter(|(d, _)| *d <= 4)
            .map(|(_, c)| format!(" (did you mean {c:?}?)"))
            .unwrap_or_default();
        return Err((format!("framework {} has no control {id:?}{hint}", f.id), list));
    };
    let why = match control.evidence {
        EvidenceMethod::Manual => return Ok(control),
        EvidenceMethod::Automated => format!(
            "automated, not manual: its status comes from auditpack's checks over the collected AWS evidence ({}), not from files attached by hand",
            control.checks.join(", ")
        ),
        EvidenceMethod::Inherited => {
            "inherited, not manual: AWS carries it, and AWS's own attestations (SOC 2, PCI DSS AOC, in AWS Artifact) evidence it".into()
        }
    };
    Err((
        format!("the evidence of {} {} is {why}", f.id, control.id),
        format!("attach files to a control whose evidence is manual; {list}"),
    ))
}

/// The name a FILE keeps in the bundle, after checking that it is a regular file.
fn source_name(from: &Path) -> Result<String, Error> {
    let invalid = |message: String| Error::Invalid { path: from.to_path_buf(), message };
    let meta = match std::fs::symlink_metadata(from) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(invalid("does not exist\n  fix: name a file that exists (relative to the current directory, or absolute)".into()));
        }
        other => other.map_err(io_err(from))?,
    };
    if meta.file_type().is_symlink() {
        return Err(invalid(
            "is a symbolic link\n  fix: attach the file itself: a link can point anywhere, and what it points to can change".into(),
        ));
    }
    if meta.is_dir() {
        return Err(invalid("is a directory\n  fix: attach the files in it, each named as a FILE".into()));
    }
    if !meta.is_file() {
        return Err(invalid("is not a regular file (a FIFO, socket or device)\n  fix: attach a regular file".into()));
    }
    let name = from.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if let Err(why) = manual_name(&name) {
        return Err(invalid(format!(
            "cannot keep its name in the bundle: {why}\n  fix: rename the file, e.g. to {}, and attach it again",
            suggested_name(&name)
        )));
    }
    Ok(name)
}

/// A name `manual_name` accepts, close to `name`: every other character becomes `-`.
fn suggested_name(name: &str) -> String {
    let kept: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' }).collect();
    let kept = kept.trim_start_matches('.');
    if kept.is_empty() {
        "evidence.pdf".into()
    } else {
        kept.into()
    }
}

/// `manifest` with the attachments added: each file in `files` at its place in path order, and
/// each entry in `manual` in (framework, control, path) order. Nothing else changes, except that
/// a schema 1 manifest is written as schema 2 (which `manual` needs), as `seal` does.
fn with_attachments(manifest: &Manifest, recorded: &[Attachment]) -> Manifest {
    let mut next = manifest.clone();
    next.schema_version = SCHEMA_VERSION;
    for a in recorded {
        let entry = FileEntry { path: a.path.clone(), sha256: a.sha256.clone(), bytes: a.bytes };
        let i = next.files.partition_point(|f| f.path < entry.path);
        next.files.insert(i, entry);
        let key = |m: &Attachment| (m.framework.clone(), m.control.clone(), m.path.clone());
        let i = next.manual.partition_point(|m| key(m) < key(a));
        next.manual.insert(i, a.clone());
    }
    next
}

/// Write the copies, then the manifest. `copied` receives every file written, for undoing.
fn write(dir: &Path, new: &[Source], next: &[u8], read_bytes: &[u8], copied: &mut Vec<PathBuf>) -> Result<(), Error> {
    for source in new {
        let path = dir.join(&source.rel);
        crate::util::write_atomic(&path, &source.bytes).map_err(io_err(&path))?;
        copied.push(path);
    }
    let manifest_path = dir.join(MANIFEST_FILE);
    // Another run that changed the manifest meanwhile would lose its entries to this one.
    if verify::read_regular(&manifest_path)? != read_bytes {
        return Err(Error::Invalid {
            path: manifest_path,
            message: "changed while the files were being attached\n  fix: attach again once nothing else writes to the bundle".into(),
        });
    }
    crate::util::write_atomic(&manifest_path, next).map_err(io_err(&manifest_path))
}
