//! The evidence bundle: a directory of AWS-CLI-shaped files plus `manifest.json`.
//!
//! This module owns the bundle's contract (see `docs/evidence-bundle.md`): the catalogue of
//! documents (`catalogue`), their typed readers (`docs`), reading a bundle, verifying every file
//! against the SHA-256 recorded in the manifest, writing a manifest for a directory (`seal`),
//! adding files attached by hand to manual controls (`attach`), and signing the manifest in the
//! minisign format (`sign`).
//! A bundle is read in one pass: each file is read once, hashed, compared with the manifest and
//! parsed from exactly those bytes, so what the checks evaluate is what was verified. It knows
//! nothing about AWS SDKs or pass/fail logic.

mod attach;
pub mod catalogue;
mod consistency;
pub mod docs;
mod manifest;
mod paths;
pub mod sign;
mod verify;

pub use attach::{attach, AttachOptions, Attached};
pub use catalogue::{manual_dir, DocId, Kind, ResourceType};
pub use manifest::{Absent, Attachment, Entry, FileEntry, Gap, Manifest, Tool, MANIFEST_FILE, SCHEMA_VERSION};
pub use sign::{PublicKey, Signature, SignatureChange, SignatureCheck, Signer, SIGNATURE_FILE};
pub use verify::{seal_dir, verify_dir, verify_dir_with_key, SealOptions, Sealed, VerifyReport};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use catalogue::Matcher;
use docs::{Document, Typed};

/// Errors raised while reading or writing a bundle.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {err}")]
    Io { path: PathBuf, err: std::io::Error },
    #[error("{path}:{line}:{column}: {message}\n  fix: {fix}")]
    Manifest { path: PathBuf, line: usize, column: usize, message: String, fix: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{dir}: the bundle does not verify:\n{report}  fix: collect the evidence again, or restore the original files; `auditpack verify {dir}` lists every difference")]
    NotVerified { dir: PathBuf, report: Box<VerifyReport> },
    #[error("{dir}: the bundle's signature does not verify: {problem}\n  fix: {fix}")]
    Signature { dir: PathBuf, problem: String, fix: &'static str },
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |err| Error::Io { path: path.to_path_buf(), err }
}

/// Hex SHA-256 of a byte string.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

/// A verified bundle: the manifest, its own hash, and every listed document read through its
/// typed reader.
#[derive(Debug)]
pub struct Bundle {
    pub manifest: Manifest,
    /// SHA-256 of the `manifest.json` bytes: one hash that pins every file of the bundle.
    pub manifest_sha256: String,
    /// `manifest.json.minisig`: `Unsigned`, `NotChecked` or `Verified` (a bundle whose signature
    /// is refused, or missing while a public key was given, is not opened).
    pub signature: SignatureCheck,
    docs: BTreeMap<DocId, Stored>,
    gaps: Vec<(Matcher, usize)>,
    absent: Vec<(Matcher, usize)>,
    /// The documents read were dropped once the report was built (`release_documents`).
    released: bool,
    /// The one account (and its regions) lookups see while a per-account breakdown is evaluated
    /// (`set_scope`).
    scope: Option<(Vec<String>, Vec<String>)>,
}

#[derive(Debug)]
struct Stored {
    path: String,
    read: Result<Typed, String>,
}

/// The gaps and absences of the manifest as matchers of document ids, with their index there.
type Matchers = Vec<(Matcher, usize)>;

fn matchers(manifest: &Manifest) -> (Matchers, Matchers) {
    let resolve = |entries: Vec<manifest::Entry<'_>>, absent: bool| -> Matchers {
        entries.into_iter().enumerate().filter_map(|(i, e)| Matcher::of(e, absent).ok().map(|m| (m, i))).collect()
    };
    (resolve(manifest.gaps.iter().map(Gap::entry).collect(), false), resolve(manifest.absent.iter().map(Absent::entry).collect(), true))
}

/// The regions of the manifest that `account` has files or gaps in.
fn account_regions(m: &Manifest, account: &str) -> Vec<String> {
    m.regions
        .iter()
        .filter(|r| {
            let dir = format!("{account}/{r}/");
            m.files.iter().any(|f| f.path.starts_with(&dir))
                || m.gaps.iter().any(|g| g.account == account && g.region.as_deref() == Some(r.as_str()))
        })
        .cloned()
        .collect()
}

/// What a lookup of one document found.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a, T> {
    /// The document is in the bundle and reads as AWS documents it.
    Found(&'a T),
    /// The document is in the bundle but fails its reader: why (naming the file).
    Unreadable(&'a str),
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
        let on_disk: Vec<String> = files.keys().cloned().collect();
        let mut files = files;
        Bundle::assemble(manifest, manifest_bytes, &on_disk, origin, |path| Ok(files.remove(path)))
    }

    /// Read and verify a bundle directory in one pass. A bundle that does not verify, or holds
    /// symlinks or special files, or a signature that is not a minisign signature, is refused. A
    /// signature is read, not checked: see [`Bundle::open_with_key`].
    pub fn open(dir: &Path) -> Result<Bundle, Error> {
        Bundle::open_with_key(dir, None)
    }

    /// `open`, and with a public key, the check of the signature: a bundle whose
    /// `manifest.json.minisig` is missing, by another key, or does not match its manifest is
    /// refused.
    pub fn open_with_key(dir: &Path, key: Option<&PublicKey>) -> Result<Bundle, Error> {
        let opened = verify::open_dir(dir)?;
        let mut bundle = Bundle::assemble(opened.manifest, &opened.bytes, &opened.on_disk, dir, |path| verify::read_listed(dir, path))?;
        let check = SignatureCheck::of(opened.signature.as_deref(), &opened.bytes, key);
        if let Some(problem) = check.problem() {
            return Err(Error::Signature { dir: dir.to_path_buf(), problem, fix: check.fix() });
        }
        bundle.signature = check;
        Ok(bundle)
    }

    fn assemble(
        manifest: Manifest,
        manifest_bytes: &[u8],
        on_disk: &[String],
        origin: &Path,
        mut fetch: impl FnMut(&str) -> Result<Option<Vec<u8>>, Error>,
    ) -> Result<Bundle, Error> {
        let collected_at = manifest.collected_at;
        let docs = std::sync::Mutex::new(BTreeMap::new());
        let parse = |id: DocId, path: String, bytes: Vec<u8>| {
            let read = docs::read(&bytes, docs::ReadCtx { id: &id, collected_at }).map_err(|why| format!("{path}: {why}"));
            drop(bytes);
            docs.lock().expect("no parser panicked").insert(id, Stored { path, read });
        };
        // A large bundle is parsed by workers while the next file is read and hashed: the channel
        // holds one file, so at most a few are in memory at once. A small one is parsed as it is
        // read; threads would cost more than they save.
        let total: u64 = manifest.files.iter().map(|f| f.bytes).sum();
        let workers = if total < 4 << 20 { 0 } else { std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4) };
        let report = if workers == 0 {
            verify::check(&manifest, on_disk, &mut fetch, |id, path, bytes| parse(id, path.to_string(), bytes))
        } else {
            let (tx, rx) = std::sync::mpsc::sync_channel::<(DocId, String, Vec<u8>)>(1);
            let rx = std::sync::Mutex::new(rx);
            std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(|| loop {
                        let next = rx.lock().expect("no parser panicked").recv();
                        let Ok((id, path, bytes)) = next else { break };
                        parse(id, path, bytes);
                    });
                }
                let report = verify::check(&manifest, on_disk, &mut fetch, |id, path, bytes| {
                    tx.send((id, path.to_string(), bytes)).expect("the parsers run until the channel closes");
                });
                drop(tx);
                report
            })
        }?;
        let mut docs = docs.into_inner().expect("no parser panicked");
        if !report.is_intact() {
            return Err(Error::NotVerified { dir: origin.to_path_buf(), report: Box::new(report) });
        }
        consistency::apply(&mut docs);
        let (gaps, absent) = matchers(&manifest);
        Ok(Bundle {
            manifest_sha256: sha256_hex(manifest_bytes),
            manifest,
            signature: SignatureCheck::Unsigned,
            docs,
            gaps,
            absent,
            released: false,
            scope: None,
        })
    }

    /// Look a document up, saying why it is not there (or not usable) when it is not.
    pub fn get<T: Document>(&self, id: &DocId) -> Lookup<'_, T> {
        debug_assert_eq!(id.kind, T::KIND, "a document is asked for with the reader of its kind");
        assert!(!self.released, "evidence is read after the report that needed it was built");
        if self.scope.as_ref().is_some_and(|(accounts, _)| accounts[0] != id.account) {
            return Lookup::Missing;
        }
        if let Some(stored) = self.docs.get(id) {
            return match &stored.read {
                Ok(t) => T::of(t).map(Lookup::Found).unwrap_or(Lookup::Unreadable("the document was read as another kind")),
                Err(why) => Lookup::Unreadable(why),
            };
        }
        if let Some((_, i)) = self.absent.iter().find(|(m, _)| m.matches(id)) {
            return Lookup::Absent(&self.manifest.absent[*i]);
        }
        if let Some((_, i)) = self.gaps.iter().find(|(m, _)| m.matches(id)) {
            return Lookup::Gap(&self.manifest.gaps[*i]);
        }
        Lookup::Missing
    }

    /// The documents of one kind that the bundle holds, in path order of their ids.
    pub fn ids(&self, kind: Kind) -> impl Iterator<Item = &DocId> {
        assert!(!self.released, "evidence is read after the report that needed it was built");
        let only = self.scope.as_ref().map(|(accounts, _)| accounts[0].as_str());
        self.docs.keys().filter(move |id| id.kind == kind && only.is_none_or(|a| id.account == a))
    }

    /// Keep only one account's evidence (`report --account`): its documents, gaps and absences,
    /// the files under its directory and the bundle-wide ones (attached documents), and the regions
    /// it has evidence or gaps for. `manifest_sha256` still pins the whole bundle the packet came
    /// from, which `verify` checks as before. The caller checks that the account is in the bundle.
    pub fn restrict_to_account(&mut self, account: &str) {
        let m = &mut self.manifest;
        let dirs: Vec<String> = m.accounts.iter().map(|a| format!("{a}/")).collect();
        let own = format!("{account}/");
        m.files.retain(|f| f.path.starts_with(&own) || !dirs.iter().any(|d| f.path.starts_with(d.as_str())));
        m.gaps.retain(|g| g.account == account);
        m.absent.retain(|a| a.account == account);
        m.regions = account_regions(m, account);
        m.accounts.retain(|a| a == account);
        self.docs.retain(|id, _| id.account == account);
        (self.gaps, self.absent) = matchers(&self.manifest);
    }

    /// Drop the documents read, keeping the manifest and why any document failed its reader: once
    /// the report is built it holds everything the packet shows, and rendering a large account's
    /// packets needs the memory (the typed documents of 100,000 configuration items take 65 MB).
    pub fn release_documents(&mut self) {
        self.docs.retain(|_, s| s.read.is_err());
        self.released = true;
    }

    /// Why each document that fails its reader does (the text starts with its path). The checks
    /// needing them are not assessed.
    pub fn unreadable(&self) -> Vec<&str> {
        self.docs.values().filter_map(|s| s.read.as_ref().err().map(String::as_str)).collect()
    }

    /// The SHA-256 recorded for a listed file.
    pub fn file_sha256(&self, path: &str) -> Option<&str> {
        self.manifest.files.iter().find(|f| f.path == path).map(|f| f.sha256.as_str())
    }

    /// The end of the collection: the reference time for every age a check computes.
    pub fn collected_at(&self) -> DateTime<Utc> {
        self.manifest.collected_at
    }

    /// Accounts in the bundle, sorted (the one account in scope, while one is).
    pub fn accounts(&self) -> &[String] {
        self.scope.as_ref().map_or(&self.manifest.accounts, |(accounts, _)| accounts)
    }

    /// Regions in the bundle, sorted (those the account in scope has evidence or gaps for).
    pub fn regions(&self) -> &[String] {
        self.scope.as_ref().map_or(&self.manifest.regions, |(_, regions)| regions)
    }

    /// Let the checks see one account only (`Some`), or every account again (`None`): how a
    /// packet's per-account breakdown is evaluated, each account exactly as if it were alone.
    /// The manifest, and so the evidence listed in the packet, is unchanged.
    pub fn set_scope(&mut self, account: Option<&str>) {
        self.scope = account.map(|a| (vec![a.to_string()], account_regions(&self.manifest, a)));
    }
}
