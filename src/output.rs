//! Where packets land: a whole packet appears at `--out` at once, or nothing changes there.
//!
//! `report` and `demo` write every file into a staging directory beside `--out` (same parent,
//! `.auditpack-staging-<pid>-<n>/packet`), and only once every file is written does
//! [`Staging::commit`] move it into place: on Linux with `renameat2(RENAME_EXCHANGE)`, so that
//! `--out` names either the previous tree or the new one at every instant, elsewhere (or on a
//! filesystem without the exchange) with two renames. The previous tree is then removed. A run
//! that fails removes its staging directory; a killed one leaves it behind, and the next run into
//! the same parent removes it: it is recognised by its name and by the marker file inside, and
//! left alone while the run that made it is alive (that run holds a lock on the marker).
//!
//! A finished packet carries [`PACKET_MARKER`]. An `--out` that holds one is replaced whole by the
//! next run; one that holds anything else is refused unless `--force`. Some directories are
//! refused even with `--force`, because replacing them would delete what must not be deleted:
//! the filesystem root and the directories directly below it, the home and the current
//! directory, and the evidence bundle, templates and mappings the run reads.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

/// The file every packet carries: marks a directory as one auditpack may replace whole.
pub const PACKET_MARKER: &str = ".auditpack-packet.json";
/// Name prefix of staging directories (followed by `<pid>-<n>`).
pub const STAGING_PREFIX: &str = ".auditpack-staging-";
/// The marker inside a staging directory; its first line is [`STAGING_MAGIC`].
pub const STAGING_MARKER: &str = ".auditpack-staging";
pub const STAGING_MAGIC: &str = "auditpack staging directory";
/// The packet goes here inside the staging directory, so the marker outlives it on removal.
const STAGED_TREE: &str = "packet";
/// Where the two-rename fallback parks the previous tree inside the staging directory.
const OLD_TREE: &str = "previous";
/// An empty staging directory (a run killed between creating it and its marker) is removed
/// once it is this old, so that a run just starting is never disturbed.
const EMPTY_STAGING_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {what}\n  fix: {fix}")]
    Refused { path: PathBuf, what: String, fix: String },
    #[error("{path}: {what}: {err}")]
    Io { path: PathBuf, what: &'static str, err: io::Error },
}

fn io_err<'a>(path: &'a Path, what: &'static str) -> impl FnOnce(io::Error) -> Error + 'a {
    move |err| Error::Io { path: path.to_path_buf(), what, err }
}

fn refused(path: &Path, what: impl Into<String>, fix: impl Into<String>) -> Error {
    Error::Refused { path: path.to_path_buf(), what: what.into(), fix: fix.into() }
}

/// What a directory the run reads is, for the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Evidence,
    Templates,
    Mappings,
    Previous,
    Exceptions,
    Attestations,
}

impl Input {
    fn describe(self) -> &'static str {
        match self {
            Input::Evidence => "the evidence bundle",
            Input::Templates => "the --templates directory",
            Input::Mappings => "the --mappings directory",
            Input::Previous => "the --previous packet or bundle",
            Input::Exceptions => "the --exceptions file",
            Input::Attestations => "the --attestations file",
        }
    }
}

/// How `--out` may be replaced.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Replace an `--out` that holds files but no packet marker (everything in it is deleted).
    pub force: bool,
    inputs: Vec<(PathBuf, Input)>,
}

impl Options {
    pub fn new(force: bool) -> Options {
        Options { force, inputs: Vec::new() }
    }

    /// The evidence bundle the run reads: `--out` may not be it, hold it or lie inside it.
    pub fn evidence(mut self, dir: &Path) -> Options {
        self.inputs.push((dir.to_path_buf(), Input::Evidence));
        self
    }

    /// The `--templates` directory, if any: `--out` may not be it or hold it.
    pub fn templates(mut self, dir: Option<&Path>) -> Options {
        self.inputs.extend(dir.map(|d| (d.to_path_buf(), Input::Templates)));
        self
    }

    /// The previous period's packet or bundle (`--previous`), if any: `--out` may not be it,
    /// hold it or lie inside it.
    pub fn previous(mut self, path: Option<&Path>) -> Options {
        self.inputs.extend(path.map(|d| (d.to_path_buf(), Input::Previous)));
        self
    }

    /// The `--exceptions` and `--attestations` files, if any: `--out` may not hold them.
    pub fn files(mut self, exceptions: Option<&Path>, attestations: Option<&Path>) -> Options {
        self.inputs.extend(exceptions.map(|d| (d.to_path_buf(), Input::Exceptions)));
        self.inputs.extend(attestations.map(|d| (d.to_path_buf(), Input::Attestations)));
        self
    }

    /// The `--mappings` directory, if any: `--out` may not be it or hold it.
    pub fn mappings(mut self, dir: Option<&Path>) -> Options {
        self.inputs.extend(dir.map(|d| (d.to_path_buf(), Input::Mappings)));
        self
    }
}

/// `path` made absolute with every symbolic link of its existing part resolved; the part that
/// does not exist yet is appended as written (`.` dropped, `..` going up).
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let parts: Vec<Component> = abs.components().collect();
    for known in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..known].iter().collect();
        if let Ok(mut base) = fs::canonicalize(&prefix) {
            for part in &parts[known..] {
                match part {
                    Component::ParentDir => {
                        base.pop();
                    }
                    Component::CurDir => {}
                    other => base.push(other),
                }
            }
            return Ok(base);
        }
    }
    Ok(abs)
}

fn home_dir() -> Option<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    std::env::var_os(var).filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// Refuse the `--out`s that no `--force` may replace.
fn refuse_dangerous(shown: &Path, out: &Path, opts: &Options) -> Result<(), Error> {
    if out.parent().is_none() {
        return Err(refused(
            shown,
            "is the filesystem root: replacing it would delete everything",
            "pass a dedicated directory for the packet, e.g. --out ./auditpack-packet",
        ));
    }
    if let Some(home) = home_dir().and_then(|h| resolve(&h).ok()) {
        if home.starts_with(out) {
            let what =
                if home == out { "is your home directory".to_string() } else { format!("contains your home directory {}", home.display()) };
            return Err(refused(
                shown,
                format!("{what}: auditpack replaces --out whole, which would delete it"),
                format!("pass a dedicated directory for the packet, e.g. --out {}", home.join("auditpack-packet").display()),
            ));
        }
    }
    if let Some(cwd) = std::env::current_dir().ok().and_then(|c| resolve(&c).ok()) {
        if cwd.starts_with(out) {
            let what = if cwd == out {
                "is the current directory".to_string()
            } else {
                format!("contains the current directory {}", cwd.display())
            };
            return Err(refused(
                shown,
                format!("{what}: auditpack replaces --out whole, which would delete it"),
                "pass a dedicated directory for the packet, e.g. --out ./auditpack-packet",
            ));
        }
    }
    for (dir, input) in &opts.inputs {
        let Ok(dir) = resolve(dir) else { continue };
        let name = input.describe();
        let suffixed = |p: &Path| {
            let mut s = p.as_os_str().to_os_string();
            s.push("-packet");
            PathBuf::from(s)
        };
        // Beside the input; when that is inside `out` too (out holds the input), beside `out`.
        let beside = if suffixed(&dir).starts_with(out) { suffixed(out) } else { suffixed(&dir) };
        if dir == out {
            return Err(refused(
                shown,
                format!("is {name}: replacing it with the packet would delete it"),
                format!("write the packet to a directory of its own, e.g. --out {}", beside.display()),
            ));
        }
        if dir.starts_with(out) {
            return Err(refused(
                shown,
                format!("contains {name} {}: auditpack replaces --out whole, which would delete it", dir.display()),
                format!("write the packet to a directory of its own, e.g. --out {}", beside.display()),
            ));
        }
        if matches!(input, Input::Evidence | Input::Previous) && out.starts_with(&dir) {
            let harm = if *input == Input::Evidence {
                "the packet files would change the bundle, which would no longer verify"
            } else {
                "the packet files would change the previous period's packet or bundle"
            };
            return Err(refused(
                shown,
                format!("is inside {name} {}: {harm}", dir.display()),
                format!("write the packet outside the bundle, e.g. --out {}", beside.display()),
            ));
        }
    }
    Ok(())
}

/// What `--out` holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Existing {
    Absent,
    Empty,
    Packet,
    /// Files without a packet marker: a few of their names, for the message.
    Other(Vec<String>),
}

/// Whether `dir` holds a valid packet marker.
fn is_packet(dir: &Path) -> bool {
    let path = dir.join(PACKET_MARKER);
    if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut text = Vec::new();
    let Ok(file) = File::open(&path) else { return false };
    if file.take(1 << 20).read_to_end(&mut text).is_err() {
        return false;
    }
    serde_json::from_slice::<serde_json::Value>(&text).is_ok_and(|v| v.get("auditpack_packet").is_some_and(|n| n.as_u64().is_some()))
}

fn classify(shown: &Path, out: &Path) -> Result<Existing, Error> {
    let meta = match fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Absent),
        Err(e) => return Err(io_err(shown, "reading the output directory")(e)),
    };
    if meta.file_type().is_symlink() {
        // `out` is resolved, so a link here points nowhere.
        return Err(refused(shown, "is a symbolic link to nothing", "remove the link, or pass the directory it should point to"));
    }
    if !meta.is_dir() {
        return Err(refused(
            shown,
            "is a file, not a directory",
            "pass a directory for --out (it is created if needed), or move the file out of the way",
        ));
    }
    let mut names: Vec<String> = fs::read_dir(out)
        .map_err(io_err(shown, "reading the output directory"))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    if names.is_empty() {
        return Ok(Existing::Empty);
    }
    if is_packet(out) {
        return Ok(Existing::Packet);
    }
    names.sort();
    Ok(Existing::Other(names))
}

fn refuse_other(shown: &Path, out: &Path, existing: &Existing, force: bool) -> Result<(), Error> {
    let Existing::Other(names) = existing else { return Ok(()) };
    // Directly below the root: /tmp, /home, /etc, ... are never replaced, --force or not.
    if out.components().filter(|c| matches!(c, Component::Normal(_))).count() <= 1 {
        return Err(refused(
            shown,
            "is a top-level directory that holds files auditpack did not write: replacing it would delete them",
            "pass a dedicated directory for the packet, e.g. --out ./auditpack-packet",
        ));
    }
    if force {
        return Ok(());
    }
    let mut sample: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
    if names.len() > 3 {
        sample.push("…");
    }
    Err(refused(
        shown,
        format!(
            "is not empty and holds no auditpack packet (no {PACKET_MARKER}): {} entr{} ({})",
            names.len(),
            if names.len() == 1 { "y" } else { "ies" },
            sample.join(", ")
        ),
        "pass a new or empty directory, or --force to replace it whole (everything in it is deleted); \
         a packet written by an auditpack without the marker also needs --force once",
    ))
}

/// A staging directory that is ours and no live run owns: its name, its marker, the marker's lock.
fn is_staging_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(STAGING_PREFIX) else { return false };
    let mut parts = rest.split('-');
    let digits = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    digits(parts.next()) && digits(parts.next()) && parts.next().is_none()
}

/// Remove what a staging directory holds, the marker last, then the directory itself. `lock`
/// (the open, locked marker) is released just before the marker goes.
fn remove_staging(root: &Path, lock: Option<File>) -> io::Result<()> {
    let gone_ok = |r: io::Result<()>| match r {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    };
    let mut first_err = None;
    if let Ok(entries) = fs::read_dir(root) {
        for entry in entries.flatten() {
            if entry.file_name() == STAGING_MARKER {
                continue;
            }
            let path = entry.path();
            let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
            let r = gone_ok(if is_dir { fs::remove_dir_all(&path) } else { fs::remove_file(&path) });
            if let Err(e) = r {
                first_err.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_err {
        // Keep the marker, so that a later run recognises the rest and tries again.
        return Err(e);
    }
    drop(lock);
    gone_ok(fs::remove_file(root.join(STAGING_MARKER)))?;
    gone_ok(fs::remove_dir(root))
}

/// Remove the staging directories in `parent` left by runs that ended without cleaning up.
/// Returns the removed ones.
fn clean_stale(parent: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = fs::read_dir(parent) else { return removed };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_staging_name) {
            continue;
        }
        let root = entry.path();
        if !fs::symlink_metadata(&root).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let marker = root.join(STAGING_MARKER);
        match fs::symlink_metadata(&marker) {
            Ok(m) if m.is_file() => {
                let Ok(mut file) = File::open(&marker) else { continue };
                let mut head = [0u8; STAGING_MAGIC.len()];
                if file.read_exact(&mut head).is_err() || head != STAGING_MAGIC.as_bytes() {
                    continue;
                }
                // Locked: the run that made it is still going.
                if file.try_lock().is_err() {
                    continue;
                }
                if remove_staging(&root, Some(file)).is_ok() {
                    removed.push(root);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let empty = fs::read_dir(&root).is_ok_and(|mut d| d.next().is_none());
                let old = fs::symlink_metadata(&root)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > EMPTY_STAGING_GRACE);
                if empty && old && fs::remove_dir(&root).is_ok() {
                    removed.push(root);
                }
            }
            _ => {}
        }
    }
    removed
}

fn sync_dir(dir: &Path) {
    // Durability of the directory entries; not possible everywhere (Windows), never fatal.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Swap two directories atomically. `Ok(false)`: the OS or the filesystem cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let to_c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput));
    let (a, b) = (to_c(a)?, to_c(b)?);
    // The raw system call: glibc before 2.28 and some musl builds have no renameat2 wrapper.
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe { libc::syscall(libc::SYS_renameat2, libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// A packet being written: files go into [`Staging::path`] and appear at `--out` on
/// [`Staging::commit`]. Dropped without a commit, it removes everything it wrote.
#[derive(Debug)]
pub struct Staging {
    /// `--out` as the user wrote it, for messages.
    out: PathBuf,
    /// `--out` resolved: absolute, links followed.
    resolved: PathBuf,
    force: bool,
    /// `<parent>/.auditpack-staging-<pid>-<n>`.
    root: PathBuf,
    /// `root/packet`: the tree that becomes `--out`.
    tree: PathBuf,
    /// The open staging marker, locked while this run lives.
    lock: Option<File>,
    /// Files written through [`Staging::write`]: name → SHA-256.
    files: BTreeMap<String, String>,
    removed: bool,
}

impl Staging {
    /// Check `out`, remove stale staging directories beside it, and create this run's.
    pub fn begin(out: &Path, opts: &Options, progress: &mut dyn FnMut(&str)) -> Result<Staging, Error> {
        let resolved = resolve(out).map_err(io_err(out, "resolving the output directory"))?;
        refuse_dangerous(out, &resolved, opts)?;
        let existing = classify(out, &resolved)?;
        refuse_other(out, &resolved, &existing, opts.force)?;
        let parent = resolved.parent().expect("the root is refused above").to_path_buf();
        fs::create_dir_all(&parent).map_err(io_err(&parent, "creating the parent of the output directory"))?;
        #[cfg(unix)]
        if existing != Existing::Absent {
            use std::os::unix::fs::MetadataExt;
            let dev = |p: &Path| fs::metadata(p).map(|m| m.dev()).ok();
            if dev(&resolved) != dev(&parent) {
                return Err(refused(
                    out,
                    "is a mount point: it cannot be replaced by a rename, so the packet could not appear in it at once",
                    format!("write into a directory inside it, e.g. --out {}", out.join("packet").display()),
                ));
            }
        }
        for stale in clean_stale(&parent) {
            progress(&format!("removed {}, left behind by an interrupted run", stale.display()));
        }
        let pid = std::process::id();
        let mut n = 0u32;
        let root = loop {
            let candidate = parent.join(format!("{STAGING_PREFIX}{pid}-{n}"));
            match fs::create_dir(&candidate) {
                Ok(()) => break candidate,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(io_err(&candidate, "creating the staging directory")(e)),
            }
        };
        let mut staging = Staging {
            out: out.to_path_buf(),
            resolved,
            force: opts.force,
            tree: root.join(STAGED_TREE),
            root,
            lock: None,
            files: BTreeMap::new(),
            removed: false,
        };
        let marker = staging.root.join(STAGING_MARKER);
        let mut file = File::create_new(&marker).map_err(io_err(&marker, "creating the staging marker"))?;
        // Where the filesystem has no locks, other runs cannot take this one either and leave it be.
        let _ = file.try_lock();
        let text = format!(
            "{STAGING_MAGIC}\nfor: {}\npid: {pid}\nSafe to delete once that run has ended; the next auditpack run into {} removes it.\n",
            staging.resolved.display(),
            parent.display()
        );
        file.write_all(text.as_bytes()).map_err(io_err(&marker, "writing the staging marker"))?;
        staging.lock = Some(file);
        fs::create_dir(&staging.tree).map_err(io_err(&staging.tree, "creating the staging directory"))?;
        Ok(staging)
    }

    /// The directory to write the packet into (becomes `--out` on commit).
    pub fn path(&self) -> &Path {
        &self.tree
    }

    /// `--out` as given.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Write one packet file (a name relative to the packet, `/`-separated), durably, and list
    /// it in the packet marker.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        self.write_hashed(name, bytes, crate::evidence::sha256_hex(bytes))
    }

    /// `write` for bytes whose SHA-256 the caller already computed (on another thread).
    /// Write a file by streaming it through `fill` (buffered, hashed as it is written), so a large
    /// file such as results.json is never held in memory whole.
    pub fn write_streamed(&mut self, name: &str, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
        use sha2::Digest;
        struct Hashing<W> {
            inner: W,
            hash: sha2::Sha256,
        }
        impl<W: Write> Write for Hashing<W> {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                let n = self.inner.write(buf)?;
                self.hash.update(&buf[..n]);
                Ok(n)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                self.inner.flush()
            }
        }
        let path = self.tree.join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_err(dir, "creating a directory in the staging directory"))?;
        }
        let f = File::create_new(&path).map_err(io_err(&path, "creating a packet file"))?;
        let mut w = Hashing { inner: std::io::BufWriter::with_capacity(1 << 20, f), hash: sha2::Sha256::new() };
        fill(&mut w).and_then(|_| w.flush()).map_err(io_err(&path, "writing a packet file"))?;
        let digest = w.hash.finalize();
        let f = w.inner.into_inner().map_err(|e| e.into_error()).map_err(io_err(&path, "writing a packet file"))?;
        f.sync_all().map_err(io_err(&path, "writing a packet file"))?;
        let sha256: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        self.files.insert(name.to_string(), sha256);
        Ok(())
    }

    pub fn write_hashed(&mut self, name: &str, bytes: &[u8], sha256: String) -> Result<(), Error> {
        let path = self.tree.join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_err(dir, "creating a directory in the staging directory"))?;
        }
        let mut f = File::create_new(&path).map_err(io_err(&path, "creating a packet file"))?;
        f.write_all(bytes).and_then(|_| f.sync_all()).map_err(io_err(&path, "writing a packet file"))?;
        self.files.insert(name.to_string(), sha256);
        Ok(())
    }

    /// The packet marker: deterministic for the same inputs.
    fn marker(&self, evidence_manifest_sha256: &str) -> Vec<u8> {
        let v = serde_json::json!({
            "auditpack_packet": 1,
            "tool": format!("auditpack {}", env!("CARGO_PKG_VERSION")),
            "evidence_manifest_sha256": evidence_manifest_sha256,
            "files": self.files,
        });
        let mut text = serde_json::to_vec_pretty(&v).expect("the marker serialises");
        text.push(b'\n');
        text
    }

    /// Write the packet marker and move the packet into place, replacing what `--out` held.
    /// Returns the packet files at their final paths.
    pub fn commit(mut self, evidence_manifest_sha256: &str, progress: &mut dyn FnMut(&str)) -> Result<Vec<PathBuf>, Error> {
        let marker = self.marker(evidence_manifest_sha256);
        self.write(PACKET_MARKER, &marker)?;
        sync_dir(&self.tree);
        // Look again: --out may have changed while the packet was rendered.
        let existing = classify(&self.out, &self.resolved)?;
        refuse_other(&self.out, &self.resolved, &existing, self.force)?;
        let moved = |e: io::Error| -> Error {
            match e.kind() {
                io::ErrorKind::CrossesDevices | io::ErrorKind::ResourceBusy => refused(
                    &self.out,
                    format!("cannot be replaced by a rename ({e}); is it a mount point?"),
                    format!("write into a directory inside it, e.g. --out {}", self.out.join("packet").display()),
                ),
                _ => Error::Io { path: self.out.clone(), what: "moving the packet into place", err: e },
            }
        };
        if existing == Existing::Absent {
            fs::rename(&self.tree, &self.resolved).map_err(moved)?;
        } else {
            // The new directory takes the old one's permissions (a group-readable packet stays so).
            if let Ok(m) = fs::metadata(&self.resolved) {
                let _ = fs::set_permissions(&self.tree, m.permissions());
            }
            if !exchange(&self.tree, &self.resolved).map_err(moved)? {
                let old = self.root.join(OLD_TREE);
                fs::rename(&self.resolved, &old).map_err(moved)?;
                if let Err(e) = fs::rename(&self.tree, &self.resolved) {
                    let _ = fs::rename(&old, &self.resolved);
                    return Err(moved(e));
                }
            }
        }
        if let Some(parent) = self.resolved.parent() {
            sync_dir(parent);
        }
        let what = match &existing {
            Existing::Absent | Existing::Empty => "",
            Existing::Packet => ", replacing the previous packet",
            Existing::Other(_) => ", replacing what it held (--force)",
        };
        let written: Vec<PathBuf> = self.files.keys().filter(|n| *n != PACKET_MARKER).map(|n| self.out.join(n)).collect();
        progress(&format!("wrote {} file(s) to {}{what}", written.len(), self.out.display()));
        // The staging directory now holds the previous tree (if any).
        self.removed = true;
        if let Err(e) = remove_staging(&self.root, self.lock.take()) {
            progress(&format!(
                "warning: {}: could not remove the previous contents of {} ({e}); the next run tries again",
                self.root.display(),
                self.out.display()
            ));
        }
        Ok(written)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.removed {
            let _ = remove_staging(&self.root, self.lock.take());
        }
    }
}

/// What [`write_new_or_same`] did with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    Written,
    /// Already held exactly this text.
    Unchanged,
    /// Held other text and `force` was given.
    Overwritten,
}

/// Write `files` into `dir` without overwriting an edited file: a file that already holds the
/// text is left as is; if any holds other text, nothing is written and every such file is named,
/// unless `force`. `what` names the files in the message ("the built-in templates").
pub fn write_new_or_same(dir: &Path, files: &[(&str, &[u8])], force: bool, what: &str) -> Result<Vec<(PathBuf, FileState)>, Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(refused(dir, "is a file, not a directory", "pass a directory for --out (it is created if needed)"));
    }
    let mut plan = Vec::new();
    let mut edited = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        let state = match fs::read(&path) {
            Ok(old) if old == *text => FileState::Unchanged,
            Ok(_) => {
                edited.push(path.clone());
                FileState::Overwritten
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => FileState::Written,
            Err(e) => return Err(io_err(&path, "reading")(e)),
        };
        plan.push((path, *text, state));
    }
    if !edited.is_empty() && !force {
        let list: Vec<String> = edited.iter().map(|p| format!("    {}", p.display())).collect();
        return Err(refused(
            dir,
            format!("{} file(s) differ from {what} (edited?); nothing was written:\n{}", edited.len(), list.join("\n")),
            "keep the edits and write to a new directory, or pass --force to overwrite these files with the built-in text",
        ));
    }
    let mut done = Vec::new();
    for (path, text, state) in plan {
        if state != FileState::Unchanged {
            crate::util::write_atomic(&path, text).map_err(io_err(&path, "writing"))?;
        }
        done.push((path, state));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_are_recognised_strictly() {
        assert!(is_staging_name(".auditpack-staging-123-0"));
        for other in
            [".auditpack-staging-", ".auditpack-staging-123", ".auditpack-staging-1-2-3", ".auditpack-staging-x-1", "auditpack-staging-1-2"]
        {
            assert!(!is_staging_name(other), "{other}");
        }
    }

    #[test]
    fn the_root_is_never_an_output_directory() {
        let err = refuse_dangerous(Path::new("/"), Path::new("/"), &Options::new(true)).unwrap_err().to_string();
        assert!(err.contains("is the filesystem root") && err.contains("fix:"), "{err}");
    }

    #[test]
    fn top_level_directories_are_never_replaced_even_with_force() {
        let other = Existing::Other(vec!["a".into()]);
        for dir in ["/tmp", "/home", "/etc"] {
            assert!(refuse_other(Path::new(dir), Path::new(dir), &other, true).is_err(), "{dir}");
        }
        assert!(refuse_other(Path::new("/tmp/x"), Path::new("/tmp/x"), &other, true).is_ok());
        assert!(refuse_other(Path::new("/tmp/x"), Path::new("/tmp/x"), &other, false).is_err());
        assert!(refuse_other(Path::new("/tmp"), Path::new("/tmp"), &Existing::Packet, false).is_ok());
    }

    #[test]
    fn resolve_appends_the_missing_part_to_the_real_existing_one() {
        let cwd = fs::canonicalize(".").unwrap();
        assert_eq!(resolve(Path::new("no-such-dir/./x/../y")).unwrap(), cwd.join("no-such-dir/y"));
        assert_eq!(resolve(Path::new(".")).unwrap(), cwd);
    }
}
