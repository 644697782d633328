//! `verify` recomputes every hash of a bundle and checks that the manifest is consistent with the
//! catalogue; `seal` writes the manifest of a directory.
//!
//! What verify proves: every listed file has the bytes the manifest records, no file is missing
//! or unlisted, every file is a document of the catalogue under an account and region the
//! manifest lists or a file attached by hand below `manual/` that a `manual` entry describes,
//! and every gap or absent record stands for documents the bundle does not hold. What it does
//! not prove: who wrote the manifest. A bundle edited and sealed again verifies; only a manifest
//! hash recorded elsewhere (`verify --expect`) or a signature checked against a public key had
//! out of band (`verify --public-key`, see `sign`) ties a bundle to its collection.

use std::collections::BTreeSet;
use std::fmt;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::catalogue::{is_manual, manual_dir, manual_name, DocId, Matcher};
use super::sign::{self, PublicKey, SignatureChange, SignatureCheck, Signer, SIGNATURE_FILE};
use super::{io_err, sha256_hex, Attachment, Error, FileEntry, Manifest, Tool, MANIFEST_FILE, SCHEMA_VERSION};

/// What `verify` found. A bundle is intact when every list is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Files whose content or size no longer matches the manifest.
    pub changed: Vec<String>,
    /// Files the manifest lists that are not there.
    pub missing: Vec<String>,
    /// Files present in the directory that the manifest does not list.
    pub unlisted: Vec<String>,
    /// Manifest entries that contradict the catalogue or each other, one line each.
    pub inconsistent: Vec<String>,
    /// How many listed files matched.
    pub intact_files: usize,
    /// SHA-256 of manifest.json (set by `verify_dir`).
    pub manifest_sha256: String,
    /// `manifest.json.minisig`: absent, not checked, verified, or what is wrong with it (set by
    /// `verify_dir` and `verify_dir_with_key`).
    pub signature: SignatureCheck,
}

impl VerifyReport {
    /// Every listed file matches, none is missing or unlisted, and the manifest agrees with the
    /// catalogue. (The signature is judged apart: see `signature`.)
    pub fn is_intact(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.unlisted.is_empty() && self.inconsistent.is_empty()
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
        for p in &self.inconsistent {
            writeln!(f, "  manifest: {p}")?;
        }
        Ok(())
    }
}

/// Gives the bytes of a listed file, or `None` when it is not there.
pub(crate) type Fetch<'a> = dyn FnMut(&str) -> Result<Option<Vec<u8>>, Error> + 'a;

/// Compare a manifest with the files at hand and with the catalogue. `fetch` gives the bytes of
/// a listed file (`None`: not there); `intact` receives each file that matches its hash, with
/// its document id, exactly once. `on_disk` lists every file present, for finding unlisted ones.
pub(crate) fn check(
    manifest: &Manifest,
    on_disk: &[String],
    fetch: &mut Fetch<'_>,
    mut intact: impl FnMut(DocId, &str, Vec<u8>),
) -> Result<VerifyReport, Error> {
    let mut report = VerifyReport { inconsistent: structure(manifest), ..VerifyReport::default() };
    for entry in &manifest.files {
        match fetch(&entry.path)? {
            None => report.missing.push(entry.path.clone()),
            Some(bytes) if bytes.len() as u64 != entry.bytes || sha256_hex(&bytes) != entry.sha256 => {
                report.changed.push(entry.path.clone())
            }
            Some(bytes) => {
                report.intact_files += 1;
                // A file attached by hand is hashed like any other, but it is no AWS document.
                if !is_manual(&entry.path) {
                    if let Some(id) = DocId::parse(&entry.path) {
                        intact(id, &entry.path, bytes);
                    }
                }
            }
        }
    }
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    report.unlisted = on_disk.iter().filter(|p| !listed.contains(p.as_str())).cloned().collect();
    Ok(report)
}

/// The manifest measured against the catalogue: every file a known document under a listed
/// account and region or a file below `manual/` that a `manual` entry describes, no file twice,
/// every gap and absent record resolving to documents the bundle does not hold, and no document
/// both a gap and absent.
pub(crate) fn structure(m: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    // Every age is measured from `collected_at`: one in the future would make recent use look old.
    if m.collected_at > Utc::now() + chrono::Duration::minutes(10) {
        out.push(format!(
            "collected_at {} is in the future: ages would be measured from a time that has not come",
            crate::report::rfc3339(m.collected_at)
        ));
    }
    let accounts: BTreeSet<&str> = m.accounts.iter().map(String::as_str).collect();
    let regions: BTreeSet<&str> = m.regions.iter().map(String::as_str).collect();
    let mut present = Vec::new();
    let mut seen = BTreeSet::new();
    let described: BTreeSet<&str> = m.manual.iter().map(|a| a.path.as_str()).collect();
    for f in &m.files {
        if !seen.insert(f.path.as_str()) {
            out.push(format!("{}: listed twice in files", f.path));
            continue;
        }
        if is_manual(&f.path) {
            // What it is, and that it is where it belongs, its `manual` entry says (below).
            if !described.contains(f.path.as_str()) {
                out.push(format!(
                    "{}: below manual/ but no manual entry describes it (files are attached with `auditpack attach`)",
                    f.path
                ));
            }
            continue;
        }
        let Some(id) = DocId::parse(&f.path) else {
            out.push(format!("{}: not a document of the evidence catalogue (docs/evidence-bundle.md lists them)", f.path));
            continue;
        };
        if !accounts.contains(id.account.as_str()) {
            out.push(format!("{}: account {} is not in the manifest's accounts", f.path, id.account));
        }
        if let Some(r) = id.region.as_deref().filter(|r| !regions.contains(r)) {
            out.push(format!("{}: region {r} is not in the manifest's regions, so its evidence would not be evaluated", f.path));
        }
        present.push(id);
    }
    out.extend(attachments(m));
    let mut resolved: Vec<(&str, Matcher)> = Vec::new();
    let gaps = m.gaps.iter().enumerate().map(|(i, g)| ("gaps", i, g.entry()));
    let entries = gaps.chain(m.absent.iter().enumerate().map(|(i, a)| ("absent", i, a.entry())));
    for (list, i, entry) in entries {
        let name = format!("{list}[{i}] ({}, {}/{})", entry.api, entry.account, entry.region.unwrap_or("global"));
        if !accounts.contains(entry.account) {
            out.push(format!("{name}: account {} is not in the manifest's accounts", entry.account));
            continue;
        }
        match Matcher::of(entry, list == "absent") {
            Err(why) => out.push(format!("{name}: {why}")),
            Ok(matcher) => {
                if let Some(held) = present.iter().find(|id| matcher.matches(id)) {
                    out.push(format!(
                        "{name}: the bundle also holds {held}: a document is either collected or recorded as missing, never both"
                    ));
                }
                resolved.push((list, matcher));
            }
        }
    }
    for (a, (list_a, ma)) in resolved.iter().enumerate() {
        for (list_b, mb) in &resolved[a + 1..] {
            if list_a != list_b && ma.kinds.iter().any(|k| mb.kinds.contains(k)) && ma.account == mb.account && ma.region == mb.region {
                let same_name = ma.name.is_none() || mb.name.is_none() || ma.name == mb.name;
                if same_name {
                    out.push(format!(
                        "the same document is recorded both as a gap and as absent ({} in {}/{})",
                        ma.name.as_deref().unwrap_or("every document"),
                        ma.account,
                        ma.region.as_deref().unwrap_or("global")
                    ));
                }
            }
        }
    }
    out
}

/// The `manual` entries measured against `files`: each describes one listed file, with its hash
/// and size, at the place its framework and control give it (`manual_dir`), and no file twice.
fn attachments(m: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for a in &m.manual {
        if !seen.insert(a.path.as_str()) {
            out.push(format!("{}: listed twice in manual", a.path));
            continue;
        }
        match m.files.iter().find(|f| f.path == a.path) {
            None => out.push(format!("{}: a manual entry names it but files does not list it", a.path)),
            Some(f) if f.sha256 != a.sha256 || f.bytes != a.bytes => {
                out.push(format!("{}: its manual entry gives another sha256 or size than its files entry", a.path))
            }
            Some(_) => {}
        }
        if let Err(why) = placed(a) {
            out.push(format!("{}: {why}", a.path));
        }
        if a.attached_by.trim().is_empty() {
            out.push(format!("{}: its manual entry does not say who attached it (attached_by is empty)", a.path));
        }
    }
    out
}

/// Whether an attachment sits exactly at `manual/<framework>/<control, encoded>/<file>`.
fn placed(a: &Attachment) -> Result<(), String> {
    manual_name(&a.framework).map_err(|why| format!("framework id {why}"))?;
    if a.control.is_empty() {
        return Err("its manual entry names no control".into());
    }
    let dir = manual_dir(&a.framework, &a.control);
    match a.path.strip_prefix(&dir).and_then(|rest| rest.strip_prefix('/')) {
        None => Err(format!("is not in {dir}/, where the files attached to {} control {} live", a.framework, a.control)),
        Some(name) => manual_name(name).map_err(|why| format!("file name {why}")),
    }
}

/// Every file below `dir` except the manifest and its signature, as sorted `/`-separated
/// relative paths. Symlinks and special files (FIFOs, devices, sockets) are refused, all of them
/// named, at the names of the manifest and the signature too.
fn list_files(dir: &Path) -> Result<Vec<String>, Error> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>, refused: &mut Vec<String>) -> Result<(), Error> {
        for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
            let entry = entry.map_err(io_err(dir))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(io_err(&path))?;
            let rel: Vec<String> =
                path.strip_prefix(root).expect("below root").components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            let rel = rel.join("/");
            if kind.is_symlink() {
                refused.push(format!("{rel} (a symbolic link)"));
            } else if kind.is_dir() {
                walk(root, &path, out, refused)?;
            } else if kind.is_file() {
                out.push(rel);
            } else {
                refused.push(format!("{rel} (a special file: FIFO, socket or device)"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    let mut refused = Vec::new();
    walk(dir, dir, &mut out, &mut refused)?;
    if !refused.is_empty() {
        refused.sort();
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            message: format!(
                "the bundle may hold only regular files and directories; found:\n    {}\n  fix: replace each with the file itself (copy, do not link), or remove it",
                refused.join("\n    ")
            ),
        });
    }
    out.retain(|p| p != MANIFEST_FILE && p != SIGNATURE_FILE);
    out.sort();
    Ok(out)
}

/// Read a regular file without following a symlink and without blocking on a FIFO swapped in
/// after the directory was listed.
pub(crate) fn read_regular(path: &Path) -> Result<Vec<u8>, Error> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let mut file = options.open(path).map_err(io_err(path))?;
    let meta = file.metadata().map_err(io_err(path))?;
    if !meta.is_file() {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            message: "is not a regular file\n  fix: put the file itself in the bundle".into(),
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes).map_err(io_err(path))?;
    Ok(bytes)
}

/// A listed file's bytes, or `None` when it is not there.
pub(crate) fn read_listed(dir: &Path, rel: &str) -> Result<Option<Vec<u8>>, Error> {
    let path = dir.join(rel);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(Error::Io { path, err }),
        Ok(_) => read_regular(&path).map(Some),
    }
}

/// A bundle directory as read: the manifest (bytes and parsed), the files present, and the bytes
/// of its signature when it has one.
pub(crate) struct Opened {
    pub bytes: Vec<u8>,
    pub manifest: Manifest,
    pub on_disk: Vec<String>,
    pub signature: Option<Vec<u8>>,
}

/// Read the manifest, list the files and read the signature of a bundle directory.
pub(crate) fn open_dir(dir: &Path) -> Result<Opened, Error> {
    if !dir.is_dir() {
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            message: "is not a directory\n  fix: pass the evidence bundle directory (the one holding manifest.json)".into(),
        });
    }
    let manifest_path = dir.join(MANIFEST_FILE);
    if std::fs::symlink_metadata(&manifest_path).is_err() {
        return Err(Error::Invalid {
            path: manifest_path,
            message: "does not exist: this directory is not an evidence bundle\n  fix: point at the bundle directory (the one holding manifest.json), or create the manifest of a hand-assembled bundle with `auditpack seal DIR`".into(),
        });
    }
    let on_disk = list_files(dir)?;
    let bytes = read_regular(&manifest_path)?;
    let manifest = Manifest::parse(&bytes, &manifest_path)?;
    let signature = sign::read_signature(dir)?;
    Ok(Opened { bytes, manifest, on_disk, signature })
}

/// Recompute every hash of the bundle in `dir` and compare with its manifest and the catalogue.
/// A signature is read (and reported malformed when it is) but not checked.
pub fn verify_dir(dir: &Path) -> Result<VerifyReport, Error> {
    verify_dir_with_key(dir, None)
}

/// `verify_dir`, and with a public key, the check of `manifest.json.minisig` against it: the
/// signature must be there, by that key, over the exact manifest bytes.
pub fn verify_dir_with_key(dir: &Path, key: Option<&PublicKey>) -> Result<VerifyReport, Error> {
    let opened = open_dir(dir)?;
    let report = check(&opened.manifest, &opened.on_disk, &mut |p| read_listed(dir, p), |_, _, _| {})?;
    let signature = SignatureCheck::of(opened.signature.as_deref(), &opened.bytes, key);
    Ok(VerifyReport { manifest_sha256: sha256_hex(&opened.bytes), signature, ..report })
}

/// How `seal` fills the fields it cannot derive from the files, and whether it signs.
#[derive(Debug, Clone, Default)]
pub struct SealOptions {
    /// Required when the directory has no manifest yet: when the evidence was collected.
    pub collected_at: Option<DateTime<Utc>>,
    /// Sign the new manifest (`manifest.json.minisig`). Without it, a signature the new manifest
    /// no longer matches is removed.
    pub signer: Option<Signer>,
}

/// What `seal` wrote.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub manifest: Manifest,
    /// SHA-256 of the manifest.json written.
    pub manifest_sha256: String,
    pub signature: SignatureChange,
}

/// Write `manifest.json` for the files in `dir`. An existing manifest keeps its collection times,
/// `gaps`, `absent` and `manual`; `files`, `accounts` and `regions` are recomputed from the
/// directory. This is how a bundle assembled by hand with the AWS CLI becomes verifiable. A
/// directory whose files or records the catalogue does not accept is refused, and nothing is
/// written. Files below `manual/` are kept only with the bytes they were attached with: one no
/// `manual` entry describes, or one edited since, is refused (seal never adopts an attachment;
/// `attach` records them).
///
/// With `opts.signer`, `manifest.json.minisig` is written after the manifest; without it, a
/// signature of the previous manifest is removed unless the manifest came out unchanged.
pub fn seal_dir(dir: &Path, opts: &SealOptions) -> Result<Sealed, Error> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let (previous_bytes, previous) = if std::fs::symlink_metadata(&manifest_path).is_ok() {
        let bytes = read_regular(&manifest_path)?;
        let parsed = Manifest::parse(&bytes, &manifest_path)?;
        (Some(bytes), Some(parsed))
    } else {
        (None, None)
    };
    let mut files = Vec::new();
    let mut accounts = BTreeSet::new();
    let mut regions = BTreeSet::new();
    let mut unknown = Vec::new();
    let mut unattached = Vec::new();
    let mut edited = Vec::new();
    let attached: &[Attachment] = previous.as_ref().map_or(&[], |m| m.manual.as_slice());
    for rel in list_files(dir)? {
        if is_manual(&rel) {
            let bytes = read_regular(&dir.join(&rel))?;
            let entry = FileEntry { path: rel, sha256: sha256_hex(&bytes), bytes: bytes.len() as u64 };
            match attached.iter().find(|a| a.path == entry.path) {
                None => unattached.push(entry.path),
                Some(a) if a.sha256 != entry.sha256 || a.bytes != entry.bytes => edited.push(entry.path),
                Some(_) => files.push(entry),
            }
            continue;
        }
        let Some(id) = DocId::parse(&rel) else {
            unknown.push(rel);
            continue;
        };
        accounts.insert(id.account.clone());
        regions.extend(id.region.clone());
        let path = dir.join(&rel);
        let bytes = read_regular(&path)?;
        files.push(FileEntry { path: rel, sha256: sha256_hex(&bytes), bytes: bytes.len() as u64 });
    }
    if !unknown.is_empty() {
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            message: format!(
                "holds files that are not documents of the evidence catalogue:\n    {}\n  fix: name each file as docs/evidence-bundle.md lists (<account-id>/<region or global>/<service>/<file>), or move it out of the bundle",
                unknown.join("\n    ")
            ),
        });
    }
    if !unattached.is_empty() {
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            message: format!(
                "holds files below manual/ that no manual entry of manifest.json describes:\n    {}\n  fix: move each out of the bundle and attach it again with `auditpack attach DIR --framework F --control ID --by NAME FILE`, which records who attached it and when",
                unattached.join("\n    ")
            ),
        });
    }
    if !edited.is_empty() {
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            message: format!(
                "holds attached files whose bytes differ from those they were attached with:\n    {}\n  fix: restore each as it was attached (its manual entry in manifest.json gives the sha256); to attach the edited version, save it outside the bundle under another name and attach it with `auditpack attach`",
                edited.join("\n    ")
            ),
        });
    }
    if files.iter().all(|f| is_manual(&f.path)) {
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            message: "holds no evidence files to seal\n  fix: put the AWS CLI outputs below <account-id>/<region or global>/<service>/ first (see docs/evidence-bundle.md)".into(),
        });
    }
    let (started, collected_at, gaps, absent, manual) = match previous {
        Some(m) => (m.collection_started_at, m.collected_at, m.gaps, m.absent, m.manual),
        None => {
            // Not "now": evidence gathered in January and sealed in June would make every age
            // five months too old, and recent use of the root user look old.
            let at = opts.collected_at.ok_or_else(|| Error::Invalid {
                path: manifest_path.clone(),
                message: "a new manifest needs the time the evidence was collected\n  fix: pass --collected-at with the time the AWS CLI calls ended (RFC 3339, UTC), e.g. --collected-at 2026-11-27T09:00:00Z".into(),
            })?;
            (at, at, Vec::new(), Vec::new(), Vec::new())
        }
    };
    for g in &gaps {
        accounts.insert(g.account.clone());
        // A region the account has not enabled stays out of the regions evaluated.
        if g.error != "RegionNotEnabled" {
            regions.extend(g.region.clone());
        }
    }
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "auditpack".into(), version: env!("CARGO_PKG_VERSION").into() },
        collection_started_at: started,
        collected_at,
        accounts: accounts.into_iter().collect(),
        regions: regions.into_iter().collect(),
        files,
        gaps,
        absent,
        manual,
    };
    let problems = structure(&manifest);
    if !problems.is_empty() {
        return Err(Error::Invalid {
            path: manifest_path,
            message: format!(
                "the records kept from the previous manifest contradict the files:\n    {}\n  fix: correct or remove those gaps, absent or manual entries in manifest.json (or restore the files they name), then seal again",
                problems.join("\n    ")
            ),
        });
    }
    let bytes = manifest.to_json();
    let prepared = sign::prepare(opts.signer.as_ref(), &bytes)?;
    crate::util::write_atomic(&manifest_path, &bytes).map_err(io_err(&manifest_path))?;
    let signature = sign::after_write(dir, previous_bytes.as_deref(), &bytes, prepared)?;
    Ok(Sealed { manifest, manifest_sha256: sha256_hex(&bytes), signature })
}
