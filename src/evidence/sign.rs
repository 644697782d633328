//! Signatures over `manifest.json` in the minisign format (Ed25519): key pairs (`keygen`), the
//! secret key that signs (`Signer`), the public key that checks (`PublicKey`), and
//! `manifest.json.minisig` beside the manifest.
//!
//! The signature covers the exact bytes of `manifest.json`, and so, through the SHA-256 it lists
//! for every file, the whole bundle. Its trusted comment (signed too) says what was signed and
//! when: `auditpack manifest sha256 <hex> signed <RFC 3339 time>`. The files are those the
//! `minisign` command writes and reads, so an auditor can check a bundle with
//! `minisign -Vm manifest.json -p KEY.pub` without auditpack.
//!
//! Secret keys are unencrypted (a signing run needs no one at a keyboard): they are kept like a
//! password. A password-protected minisign key is refused rather than prompted for.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SubsecRound, Utc};

use super::{io_err, sha256_hex, Error};

/// File name of the signature, beside `manifest.json` at the root of a bundle.
pub const SIGNATURE_FILE: &str = "manifest.json.minisig";

/// The start of the trusted comment auditpack writes, followed by the manifest's SHA-256.
const COMMENT_PREFIX: &str = "auditpack manifest sha256 ";

/// Key files and signatures are a few hundred bytes: anything far larger is not one.
const MAX_KEY_FILE: u64 = 64 * 1024;

/// The key id minisign shows: the 8-byte key number as 16 upper-case hex digits.
fn key_id(keynum: &[u8]) -> String {
    let mut n = [0u8; 8];
    n.copy_from_slice(&keynum[..8]);
    format!("{:016X}", u64::from_le_bytes(n))
}

/// A secret key read from a file, ready to sign manifests.
#[derive(Clone)]
pub struct Signer {
    sk: minisign::SecretKey,
    pk: minisign::PublicKey,
    key_id: String,
    path: PathBuf,
}

impl fmt::Debug for Signer {
    // Never the key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer").field("key_id", &self.key_id).field("path", &self.path).finish()
    }
}

impl Signer {
    /// Read an unencrypted minisign secret key (as `auditpack keygen` writes it). A missing,
    /// unreadable, password-protected or malformed file is refused, naming it and the fix.
    pub fn load(path: &Path) -> Result<Signer, Error> {
        let invalid = |message: String| Error::Invalid { path: path.to_path_buf(), message };
        let text = read_small(path).map_err(|e| match e {
            Error::Io { err, .. } if err.kind() == std::io::ErrorKind::NotFound => invalid(format!(
                "the secret key file does not exist\n  fix: pass the file `auditpack keygen --out {}` wrote, or create a key pair with that command",
                path.display()
            )),
            other => other,
        })?;
        let text = String::from_utf8(text).map_err(|_| invalid(not_a_secret_key("it is not text")))?;
        if public_key_text(&text).is_ok() {
            return Err(invalid(
                "is a public key; --sign needs the secret key\n  fix: pass the key file without .pub (the one `auditpack keygen` wrote with mode 0600)".into(),
            ));
        }
        let sk = minisign::SecretKeyBox::from_string(&text)
            .and_then(|b| b.into_unencrypted_secret_key())
            .map_err(|e| {
                if e.to_string().contains("encrypted") {
                    invalid(
                        "is a password-protected minisign key; auditpack signs only with unencrypted keys, so that no prompt can stall a run\n  fix: create a key pair with `auditpack keygen --out FILE` (or `minisign -G -W`) and give its .pub to the auditor".into(),
                    )
                } else {
                    invalid(not_a_secret_key(&e.to_string()))
                }
            })?;
        let pk = minisign::PublicKey::from_secret_key(&sk).map_err(|e| invalid(not_a_secret_key(&e.to_string())))?;
        Ok(Signer { key_id: key_id(sk.keynum()), sk, pk, path: path.to_path_buf() })
    }

    /// The id of the key, as `minisign` shows it.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Sign manifest bytes: the `.minisig` text and what it says. The time in the trusted comment
    /// is `SOURCE_DATE_EPOCH` when set, else now, in whole seconds.
    pub(crate) fn sign(&self, manifest: &[u8]) -> Result<Prepared, Error> {
        let at = crate::report::source_date_epoch().unwrap_or_else(Utc::now).trunc_subsecs(0);
        let trusted = format!("{COMMENT_PREFIX}{} signed {}", sha256_hex(manifest), crate::report::rfc3339(at));
        let untrusted = format!("signature from auditpack secret key {}", self.key_id);
        let sig = minisign::sign(Some(&self.pk), &self.sk, manifest, Some(&trusted), Some(&untrusted)).map_err(|e| Error::Invalid {
            path: self.path.clone(),
            message: format!("could not sign with this key: {e}\n  fix: create a new key pair with `auditpack keygen`"),
        })?;
        Ok(Prepared {
            bytes: sig.to_string().into_bytes(),
            signature: Signature { key_id: self.key_id.clone(), trusted_comment: trusted, text: sig.to_string() },
        })
    }
}

impl Signer {
    /// Sign the SHA256SUMS of a packet's archive: the `.minisig` text, whose trusted comment names
    /// `what`, the bytes' SHA-256 and the packet's generation time `generated` (not the clock, so
    /// the same packet gives the same archive; Ed25519 signatures are deterministic).
    pub fn sign_bytes(&self, what: &str, bytes: &[u8], generated: DateTime<Utc>) -> Result<Vec<u8>, Error> {
        let trusted =
            format!("auditpack {what} sha256 {} of the packet generated {}", sha256_hex(bytes), crate::report::rfc3339(generated));
        let untrusted = format!("signature from auditpack secret key {}", self.key_id);
        let sig = minisign::sign(Some(&self.pk), &self.sk, bytes, Some(&trusted), Some(&untrusted)).map_err(|e| Error::Invalid {
            path: self.path.clone(),
            message: format!("could not sign with this key: {e}\n  fix: create a new key pair with `auditpack keygen`"),
        })?;
        Ok(sig.to_string().into_bytes())
    }
}

fn not_a_secret_key(why: &str) -> String {
    format!(
        "is not a minisign secret key ({why})\n  fix: pass the secret key file `auditpack keygen` wrote (two lines: an untrusted comment and the key)"
    )
}

/// A public key that checks signatures: from a `.pub` file or the key string itself.
#[derive(Clone)]
pub struct PublicKey {
    pk: minisign::PublicKey,
    key_id: String,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey").field("key_id", &self.key_id).finish()
    }
}

impl PublicKey {
    /// `--public-key`: a path to a minisign `.pub` file when a file is there, else the base64
    /// key string (the second line of that file, `RW…`, 56 characters).
    pub fn from_arg(arg: &str) -> Result<PublicKey, Error> {
        let path = Path::new(arg);
        if std::fs::metadata(path).is_ok() {
            return PublicKey::from_file(path);
        }
        let s = arg.trim();
        if s.len() == 56 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=') {
            return PublicKey::from_base64(s).map_err(|why| Error::Invalid {
                path: PathBuf::from(s),
                message: format!("is not a minisign public key ({why})\n  fix: pass the .pub file the signer gave you, or the key string on its second line"),
            });
        }
        Err(Error::Invalid {
            path: path.to_path_buf(),
            message: "is neither a file nor a minisign public key string\n  fix: pass the path of the signer's .pub file, or the key string on its second line (56 characters starting with RW)".into(),
        })
    }

    /// Read a minisign public key file: an untrusted comment line and the key string. A file
    /// holding only the key string is read too.
    pub fn from_file(path: &Path) -> Result<PublicKey, Error> {
        let bytes = read_small(path)?;
        let text = String::from_utf8_lossy(&bytes);
        public_key_text(&text).map_err(|why| Error::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "is not a minisign public key ({why})\n  fix: pass the .pub file `auditpack keygen` (or `minisign -G`) wrote, or the key string on its second line"
            ),
        })
    }

    /// The key from its base64 string.
    pub fn from_base64(s: &str) -> Result<PublicKey, String> {
        let pk = minisign::PublicKey::from_base64(s.trim()).map_err(|e| e.to_string())?;
        if pk.to_bytes().get(..2) != Some(b"Ed".as_slice()) {
            return Err("its algorithm is not Ed25519".into());
        }
        Ok(PublicKey { key_id: key_id(pk.keynum()), pk })
    }

    /// The id of the key, as `minisign` shows it.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The base64 key string (`RW…`), as the second line of the `.pub` file holds it.
    pub fn to_base64(&self) -> String {
        self.pk.to_base64()
    }
}

/// The key of a `.pub` file's text.
fn public_key_text(text: &str) -> Result<PublicKey, String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().ok_or("the file is empty")?;
    let key = if first.starts_with("untrusted comment:") { lines.next().ok_or("no key after the comment line")? } else { first };
    if lines.next().is_some() {
        return Err("more than a comment line and a key".into());
    }
    if key.len() != 56 {
        return Err(format!("the key line has {} characters, not 56", key.len()));
    }
    PublicKey::from_base64(key)
}

/// A file of at most `MAX_KEY_FILE` bytes.
fn read_small(path: &Path) -> Result<Vec<u8>, Error> {
    let meta = std::fs::metadata(path).map_err(io_err(path))?;
    if !meta.is_file() {
        return Err(Error::Invalid { path: path.to_path_buf(), message: "is not a regular file\n  fix: pass the key file itself".into() });
    }
    if meta.len() > MAX_KEY_FILE {
        return Err(Error::Invalid {
            path: path.to_path_buf(),
            message: format!("is {} bytes, far more than a minisign key\n  fix: pass the key file itself", meta.len()),
        });
    }
    std::fs::read(path).map_err(io_err(path))
}

/// A signature of `manifest.json`: who signed (the key id) and what its trusted comment says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The id of the key that made it, as `minisign` shows it.
    pub key_id: String,
    /// The trusted comment (signed with the manifest), e.g.
    /// `auditpack manifest sha256 3f1c… signed 2026-12-02T10:00:00Z`.
    pub trusted_comment: String,
    text: String,
}

impl Signature {
    /// Parse the text of a `.minisig` file; why not, when it is not one.
    pub fn parse(bytes: &[u8]) -> Result<Signature, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
        let sig = minisign::SignatureBox::from_string(text).map_err(|e| e.to_string())?;
        let trusted_comment = sig.trusted_comment().map_err(|e| e.to_string())?;
        Ok(Signature { key_id: key_id(sig.keynum()), trusted_comment, text: text.to_string() })
    }

    /// Whether this signature, by `key`, covers exactly `manifest`; why not, when it does not.
    pub fn check(&self, key: &PublicKey, manifest: &[u8]) -> Result<(), String> {
        if self.key_id != key.key_id {
            return Err(format!(
                "signed by key {}, not by the key given ({}): it was made with another secret key",
                self.key_id, key.key_id
            ));
        }
        let sig = minisign::SignatureBox::from_string(&self.text).map_err(|e| e.to_string())?;
        minisign::verify(&key.pk, &sig, std::io::Cursor::new(manifest), true, false, true).map_err(|e| {
            format!("does not match manifest.json ({e}): the manifest, or the signature and its trusted comment, changed after signing")
        })?;
        // A valid signature whose comment names another manifest was made by the key's holder,
        // but says something false: not a signature to rest on.
        if let Some(rest) = self.trusted_comment.strip_prefix(COMMENT_PREFIX) {
            let named = rest.split(' ').next().unwrap_or_default();
            let actual = sha256_hex(manifest);
            if named != actual {
                return Err(format!("its trusted comment names manifest sha256 {named}, but manifest.json has sha256 {actual}"));
            }
        }
        Ok(())
    }
}

/// A bundle's signature as `verify` and `report` see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SignatureCheck {
    /// No `manifest.json.minisig`, and no public key asked for one.
    #[default]
    Unsigned,
    /// No `manifest.json.minisig`, while a public key was given to check it.
    Missing,
    /// A signature, not checked: no public key was given.
    NotChecked(Signature),
    /// A signature checked against the public key given: it covers this manifest.
    Verified(Signature),
    /// What is wrong with the signature: malformed, by another key, or not matching the manifest.
    Refused(String),
}

impl SignatureCheck {
    /// Judge the bytes of `manifest.json.minisig` (`None`: no such file) against the manifest
    /// bytes and, when given, the public key.
    pub fn of(signature: Option<&[u8]>, manifest: &[u8], key: Option<&PublicKey>) -> SignatureCheck {
        let Some(bytes) = signature else {
            return if key.is_some() { SignatureCheck::Missing } else { SignatureCheck::Unsigned };
        };
        let sig = match Signature::parse(bytes) {
            Ok(sig) => sig,
            Err(why) => return SignatureCheck::Refused(format!("{SIGNATURE_FILE} is not a minisign signature ({why})")),
        };
        match key {
            None => SignatureCheck::NotChecked(sig),
            Some(k) => match sig.check(k, manifest) {
                Ok(()) => SignatureCheck::Verified(sig),
                Err(why) => SignatureCheck::Refused(format!("{SIGNATURE_FILE}: {why}")),
            },
        }
    }

    /// The signature, when there is one that is not refused.
    pub fn signature(&self) -> Option<&Signature> {
        match self {
            SignatureCheck::NotChecked(s) | SignatureCheck::Verified(s) => Some(s),
            SignatureCheck::Unsigned | SignatureCheck::Missing | SignatureCheck::Refused(_) => None,
        }
    }

    /// What is wrong, when a public key was given and the signature is missing, or when the
    /// signature is refused.
    pub fn problem(&self) -> Option<String> {
        match self {
            SignatureCheck::Missing => Some(format!("{SIGNATURE_FILE} is missing: the bundle is not signed")),
            SignatureCheck::Refused(why) => Some(why.clone()),
            _ => None,
        }
    }

    /// How to get past the problem `problem` names.
    pub fn fix(&self) -> &'static str {
        match self {
            SignatureCheck::Missing => {
                "have the holder of the secret key sign the bundle (`auditpack seal DIR --sign KEYFILE`), or leave out --public-key to accept an unsigned bundle"
            }
            _ => {
                "get the bundle again from whoever signed it, or the public key of the key that signed it; do not rest an audit on this bundle until `auditpack verify DIR --public-key KEY` passes"
            }
        }
    }
}

/// What rewriting a manifest did to its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureChange {
    /// There was none, and none was asked for.
    None,
    /// `manifest.json.minisig` now signs the new manifest.
    Signed(Signature),
    /// The manifest was rewritten without `--sign`: the previous signature no longer matched it
    /// and was removed.
    Removed,
    /// The manifest came out byte for byte as it was, so its signature still covers it.
    Kept,
}

/// A signature made in memory, before anything is written.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    bytes: Vec<u8>,
    signature: Signature,
}

/// The signature of `manifest`, made before anything is written so that a bad key changes
/// nothing.
pub(crate) fn prepare(signer: Option<&Signer>, manifest: &[u8]) -> Result<Option<Prepared>, Error> {
    signer.map(|s| s.sign(manifest)).transpose()
}

/// After `manifest.json` of `dir` was written (`previous`: the bytes it replaced, if any): write
/// the prepared signature, or remove a signature the new bytes made stale. A signature is never
/// left that does not match the manifest: when the new one cannot be written, the old one is
/// removed and the error says so.
pub(crate) fn after_write(
    dir: &Path,
    previous: Option<&[u8]>,
    written: &[u8],
    prepared: Option<Prepared>,
) -> Result<SignatureChange, Error> {
    let path = dir.join(SIGNATURE_FILE);
    let exists = std::fs::symlink_metadata(&path).is_ok();
    match prepared {
        Some(p) => match crate::util::write_atomic(&path, &p.bytes) {
            Ok(()) => Ok(SignatureChange::Signed(p.signature)),
            Err(err) => {
                let removed = !exists || std::fs::remove_file(&path).is_ok();
                Err(Error::Invalid {
                    path: path.clone(),
                    message: format!(
                        "manifest.json was written, but its signature could not be: {err}{}\n  fix: sign it again with `auditpack seal {} --sign KEYFILE` once the directory is writable",
                        if removed { "" } else { "; the previous signature, which no longer matches, could not be removed either: delete it" },
                        dir.display()
                    ),
                })
            }
        },
        None if !exists => Ok(SignatureChange::None),
        None if previous == Some(written) => Ok(SignatureChange::Kept),
        None => match std::fs::remove_file(&path) {
            Ok(()) => Ok(SignatureChange::Removed),
            Err(err) => Err(Error::Invalid {
                path: path.clone(),
                message: format!(
                    "manifest.json was rewritten, so this signature no longer matches it, and it could not be removed: {err}\n  fix: delete it, or sign the bundle again with --sign"
                ),
            }),
        },
    }
}

/// The bytes of `manifest.json.minisig` in `dir`, or `None` when there is none. A symlink, a
/// directory or a special file at that name is refused.
pub(crate) fn read_signature(dir: &Path) -> Result<Option<Vec<u8>>, Error> {
    let path = dir.join(SIGNATURE_FILE);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(Error::Io { path, err }),
        Ok(meta) if meta.is_file() && meta.len() > MAX_KEY_FILE => Err(Error::Invalid {
            path,
            message: format!(
                "is {} bytes, far more than a minisign signature\n  fix: remove it, or sign the bundle again with --sign",
                meta.len()
            ),
        }),
        Ok(_) => super::verify::read_regular(&path).map(Some),
    }
}

/// A new key pair's files and identity.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// The unencrypted secret key (mode 0600).
    pub secret: PathBuf,
    /// The public key: `secret` with `.pub` appended.
    pub public: PathBuf,
    pub key_id: String,
    /// The public key string (the second line of the `.pub` file).
    pub public_key: String,
}

/// The path of the public key beside a secret key file: `.pub` appended to its name.
pub fn public_key_path(secret: &Path) -> PathBuf {
    let mut name = secret.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Write a new key pair: the unencrypted secret key to `out` (mode 0600) and the public key to
/// `out.pub`, both in minisign's format. Neither file may exist; `comment` (one line) is added
/// to the untrusted comment line of both.
pub fn keygen(out: &Path, comment: Option<&str>) -> Result<NewKey, Error> {
    let public = public_key_path(out);
    if let Some(c) = comment {
        if c.trim().is_empty() || c.chars().any(char::is_control) || c.len() > 200 {
            return Err(Error::Invalid {
                path: out.to_path_buf(),
                message: "--comment must be one line of at most 200 bytes, without control characters\n  fix: shorten the comment, or leave it out".into(),
            });
        }
    }
    let taken: Vec<String> =
        [out, public.as_path()].iter().filter(|p| std::fs::symlink_metadata(p).is_ok()).map(|p| p.display().to_string()).collect();
    if !taken.is_empty() {
        return Err(Error::Invalid {
            path: out.to_path_buf(),
            message: format!(
                "a key file is already there ({}): keygen never replaces a key (bundles signed with it would no longer verify against a new one)\n  fix: choose another --out path, or delete the old key files if you really mean to replace the key",
                taken.join(", ")
            ),
        });
    }
    let pair = minisign::KeyPair::generate_unencrypted_keypair().map_err(|e| Error::Invalid {
        path: out.to_path_buf(),
        message: format!("could not generate a key pair: {e}\n  fix: run keygen again"),
    })?;
    let id = key_id(pair.pk.keynum());
    let extra = comment.map(|c| format!(" ({})", c.trim())).unwrap_or_default();
    let public_key = pair.pk.to_base64();
    let secret_text = format!("untrusted comment: auditpack secret key {id}, unencrypted{extra}\n{}", secret_base64(&pair.sk, out)?);
    let public_text = format!("untrusted comment: minisign public key {id}{extra}\n{public_key}\n");
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    create_new(out, secret_text.as_bytes(), 0o600)?;
    if let Err(e) = create_new(&public, public_text.as_bytes(), 0o644) {
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    Ok(NewKey { secret: out.to_path_buf(), public, key_id: id, public_key })
}

/// The key line of a secret key's box (minisign's format: the base64 after the comment line).
fn secret_base64(sk: &minisign::SecretKey, out: &Path) -> Result<String, Error> {
    let boxed = sk
        .to_box(None)
        .map_err(|e| Error::Invalid { path: out.to_path_buf(), message: format!("could not encode the secret key: {e}") })?;
    let text = boxed.into_string();
    let line = text.lines().nth(1).unwrap_or_default();
    Ok(format!("{line}\n"))
}

/// Create a file that must not exist yet, with `mode` on Unix; removed again if writing fails.
fn create_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(io_err(path))?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(err) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(Error::Io { path: path.to_path_buf(), err });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(dir: &Path) -> (Signer, PublicKey) {
        let key = keygen(&dir.join("k"), None).unwrap();
        (Signer::load(&key.secret).unwrap(), PublicKey::from_file(&key.public).unwrap())
    }

    #[test]
    fn a_signature_checks_against_its_key_and_the_exact_bytes_only() {
        let dir = tempfile::tempdir().unwrap();
        let (signer, key) = pair(dir.path());
        assert_eq!(signer.key_id(), key.key_id());
        let manifest = b"{\"schema_version\": 2}\n";
        let sig = signer.sign(manifest).unwrap();
        let check = |bytes: &[u8], k: &PublicKey| SignatureCheck::of(Some(&sig.bytes), bytes, Some(k));
        assert!(matches!(check(manifest, &key), SignatureCheck::Verified(_)));
        assert!(sig.signature.trusted_comment.starts_with(&format!("{COMMENT_PREFIX}{} signed ", sha256_hex(manifest))));
        match check(b"{\"schema_version\": 3}\n", &key) {
            SignatureCheck::Refused(why) => assert!(why.contains("does not match manifest.json"), "{why}"),
            other => panic!("{other:?}"),
        }
        let (_, other) = pair(&dir.path().join("other"));
        match check(manifest, &other) {
            SignatureCheck::Refused(why) => assert!(why.contains(signer.key_id()) && why.contains(other.key_id()), "{why}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(SignatureCheck::of(None, manifest, None), SignatureCheck::Unsigned);
        assert_eq!(SignatureCheck::of(None, manifest, Some(&key)), SignatureCheck::Missing);
        assert!(
            matches!(SignatureCheck::of(Some(b"junk"), manifest, None), SignatureCheck::Refused(why) if why.contains("not a minisign signature"))
        );
    }

    #[test]
    fn the_key_string_and_the_pub_file_give_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = keygen(&dir.path().join("k"), Some("Acme evidence 2026")).unwrap();
        let from_file = PublicKey::from_arg(key.public.to_str().unwrap()).unwrap();
        let from_string = PublicKey::from_arg(&key.public_key).unwrap();
        assert_eq!((from_file.key_id(), from_file.to_base64()), (from_string.key_id(), from_string.to_base64()));
        assert!(PublicKey::from_arg("not-a-key").is_err());
        // The secret key is not a public key, and the public key does not sign.
        assert!(PublicKey::from_file(&key.secret).is_err());
        let err = Signer::load(&key.public).unwrap_err().to_string();
        assert!(err.contains("is a public key"), "{err}");
    }

    #[test]
    fn a_key_id_is_minisigns_little_endian_hex() {
        assert_eq!(key_id(&[0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01]), "0123456789ABCDEF");
    }
}
