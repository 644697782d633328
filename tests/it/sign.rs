//! Signed evidence: `keygen`, `--sign` on seal and attach, `verify --public-key`, and
//! `report --public-key`, through the binary, with the Debian `minisign` command as the
//! independent check of the files auditpack writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::*;

/// 2026-12-03T09:00:00Z, the time in every trusted comment these tests make.
const EPOCH: &str = "1796288400";
const SIGNED_AT: &str = "2026-12-03T09:00:00Z";
const CONTROL: &str = "164.308(a)(5)(i)";

/// Run auditpack with SOURCE_DATE_EPOCH set, so trusted comments are known.
fn run_at(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_auditpack")).args(args).env("SOURCE_DATE_EPOCH", EPOCH).output().expect("run auditpack")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A key pair in `dir/name` and `dir/name.pub`: the key id and the public key string.
fn keygen(dir: &Path, name: &str) -> (PathBuf, String, String) {
    let key = dir.join(name);
    let out = run(&["keygen", "--out", s(&key)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let field = |label: &str| {
        text.lines().find_map(|l| l.strip_prefix(label)).unwrap_or_else(|| panic!("keygen prints {label:?}:\n{text}")).trim().to_string()
    };
    (key, field("key id"), field("public key string"))
}

fn pub_of(key: &Path) -> PathBuf {
    PathBuf::from(format!("{}.pub", key.display()))
}

/// A demo bundle sealed with `--sign key`.
fn signed_demo(dir: &Path, key: &Path) -> PathBuf {
    let bundle = demo_copy(dir);
    let out = run_at(&["seal", s(&bundle), "--sign", s(key)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(bundle.join("manifest.json.minisig").is_file(), "seal --sign writes the signature");
    bundle
}

fn trusted_comment(bundle: &Path) -> String {
    let manifest = std::fs::read(bundle.join("manifest.json")).unwrap();
    format!("auditpack manifest sha256 {} signed {SIGNED_AT}", auditpack::evidence::sha256_hex(&manifest))
}

fn verify_with(bundle: &Path, key: &str) -> Output {
    run(&["verify", s(bundle), "--public-key", key])
}

/// `minisign -Vm manifest.json -p KEY.pub`, as an auditor runs it.
fn minisign_verify(bundle: &Path, public: &Path) -> Output {
    tool("minisign", &["-Vm", s(&bundle.join("manifest.json")), "-p", s(public)])
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_below(dir).into_iter().map(|rel| (rel.clone(), std::fs::read(dir.join(&rel)).unwrap())).collect()
}

/// Change one byte of a file: the first letter flips its case.
fn flip_one_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let i = bytes.iter().position(u8::is_ascii_alphabetic).expect("a letter to change");
    bytes[i] ^= 0x20;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn keygen_writes_a_0600_secret_key_and_a_pub_file_that_minisign_reads_and_never_overwrites() {
    let dir = tempdir();
    let key = dir.path().join("keys/auditpack");
    let out = run(&["keygen", "--out", s(&key), "--comment", "Acme evidence 2026"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let public = pub_of(&key);
    let pub_text = std::fs::read_to_string(&public).unwrap();
    let lines: Vec<&str> = pub_text.lines().collect();
    assert_eq!(lines.len(), 2, "the standard two-line format:\n{pub_text}");
    let (id, string) = (lines[0].split(' ').nth(5).unwrap(), lines[1]);
    assert_eq!(lines[0], format!("untrusted comment: minisign public key {id} (Acme evidence 2026)"));
    assert!(text.contains(&format!("key id      {id}")) && text.contains(string), "prints the key id and string:\n{text}");
    assert!(text.contains("out of band") && text.contains(s(&public)), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600, "the secret key is private");
    }

    // minisign itself signs with the unencrypted secret key (no password prompt) and checks with the .pub.
    let file = dir.path().join("note.txt");
    std::fs::write(&file, "signed by minisign with an auditpack key\n").unwrap();
    let signed = std::process::Command::new("minisign")
        .args(["-S", "-s", s(&key), "-m", s(&file)])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("minisign is needed by this test; scripts/test installs it");
    assert!(signed.status.success(), "{}", stderr(&signed));
    let checked = tool("minisign", &["-Vm", s(&file), "-p", s(&public)]);
    assert!(checked.status.success(), "{}", stderr(&checked));

    // Neither file is replaced: not the secret key, nor a lone .pub.
    let before = (std::fs::read(&key).unwrap(), pub_text.clone());
    let again = run(&["keygen", "--out", s(&key)]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already there") && stderr(&again).contains("fix: choose another --out path"), "{}", stderr(&again));
    assert_eq!((std::fs::read(&key).unwrap(), std::fs::read_to_string(&public).unwrap()), before);
    let lone = dir.path().join("lone");
    std::fs::write(pub_of(&lone), "someone's key\n").unwrap();
    assert_eq!(run(&["keygen", "--out", s(&lone)]).status.code(), Some(2));
    assert!(!lone.exists(), "no secret key is written beside a .pub it would not match");
}

#[test]
fn a_bundle_sealed_with_sign_verifies_with_the_pub_file_the_key_string_and_minisign() {
    let dir = tempdir();
    let (key, id, string) = keygen(dir.path(), "k");
    let bundle = signed_demo(dir.path(), &key);
    let comment = trusted_comment(&bundle);

    for given in [s(&pub_of(&key)).to_string(), string] {
        let out = verify_with(&bundle, &given);
        assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains(&format!("signed by key {id}: {comment}")), "{}", stdout(&out));
    }
    let out = minisign_verify(&bundle, &pub_of(&key));
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&comment) || stdout(&out).contains(&comment),
        "minisign shows the trusted comment"
    );

    // Without a key the signature is named, not checked.
    let out = run(&["verify", s(&bundle)]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains(&format!("signed by key {id}, not checked (pass --public-key)")), "{}", stdout(&out));
    // The signature is part of the layout: not unlisted, and Bundle::open reads it.
    let opened = auditpack::evidence::Bundle::open(&bundle).unwrap();
    assert!(matches!(opened.signature, auditpack::evidence::SignatureCheck::NotChecked(ref sig) if sig.key_id == id));
}

#[test]
fn one_changed_byte_of_an_evidence_file_fails_verify_on_its_hash() {
    let dir = tempdir();
    let (key, _, _) = keygen(dir.path(), "k");
    let bundle = signed_demo(dir.path(), &key);
    let file = format!("{ACCOUNT}/global/iam/get-account-summary.json");
    flip_one_byte(&bundle.join(&file));
    let out = verify_with(&bundle, s(&pub_of(&key)));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(&format!("changed:  {file}")), "{}", stdout(&out));
}

#[test]
fn one_changed_byte_of_the_manifest_breaks_its_signature_for_auditpack_and_minisign() {
    let dir = tempdir();
    let (key, id, _) = keygen(dir.path(), "k");
    let bundle = signed_demo(dir.path(), &key);
    // One space of the indentation becomes a tab: still valid JSON listing the same hashes.
    let path = bundle.join("manifest.json");
    let mut bytes = std::fs::read(&path).unwrap();
    let i = bytes.windows(2).position(|w| w == b"\n ").unwrap() + 1;
    bytes[i] = b'\t';
    std::fs::write(&path, bytes).unwrap();
    assert!(run(&["verify", s(&bundle)]).status.success(), "the hashes alone do not see it");

    let out = verify_with(&bundle, s(&pub_of(&key)));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains(&format!("does not verify against key {id}")) && text.contains("does not match manifest.json"), "{text}");
    assert!(!minisign_verify(&bundle, &pub_of(&key)).status.success(), "minisign refuses it too");
}

#[test]
fn a_signature_by_another_key_is_refused_naming_both_key_ids() {
    let dir = tempdir();
    let (key, signer_id, _) = keygen(dir.path(), "signer");
    let (other, other_id, _) = keygen(dir.path(), "other");
    let bundle = signed_demo(dir.path(), &key);
    let out = verify_with(&bundle, s(&pub_of(&other)));
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains(&format!("signed by key {signer_id}, not by the key given ({other_id})")), "{text}");
    assert!(!minisign_verify(&bundle, &pub_of(&other)).status.success());
}

#[test]
fn a_missing_malformed_or_linked_signature_fails_verify() {
    let dir = tempdir();
    let (key, id, _) = keygen(dir.path(), "k");
    let bundle = demo_copy(dir.path());
    let out = run(&["verify", s(&bundle)]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("not signed"), "{}", stdout(&out));
    let out = verify_with(&bundle, s(&pub_of(&key)));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(&format!("against key {id}: manifest.json.minisig is missing")), "{}", stdout(&out));

    let sig = bundle.join("manifest.json.minisig");
    std::fs::write(&sig, "untrusted comment: nothing\nnot base64\n").unwrap();
    let out = run(&["verify", s(&bundle)]);
    assert_eq!(out.status.code(), Some(1), "a malformed signature fails even unchecked");
    assert!(stdout(&out).contains("is not a minisign signature"), "{}", stdout(&out));
    let packet = dir.path().join("packet");
    let out = run(&["report", "--evidence", s(&bundle), "--out", s(&packet), "--framework", "hipaa"]);
    assert_eq!(out.status.code(), Some(2), "report refuses it without --public-key too");
    assert!(stderr(&out).contains("is not a minisign signature") && !packet.exists(), "{}", stderr(&out));

    std::fs::remove_file(&sig).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(pub_of(&key), &sig).unwrap();
        let out = run(&["verify", s(&bundle)]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("manifest.json.minisig (a symbolic link)"), "{}", stderr(&out));
    }
}

#[test]
fn a_missing_or_wrong_key_file_is_refused_before_anything_changes() {
    let dir = tempdir();
    let (key, _, _) = keygen(dir.path(), "k");
    let bundle = signed_demo(dir.path(), &key);
    // Something for seal to rewrite, so a refusal is visible.
    std::fs::remove_file(bundle.join(format!("{ACCOUNT}/global/iam/list-virtual-mfa-devices.json"))).unwrap();
    let before = snapshot(&bundle);
    let missing = dir.path().join("no-such-key");
    let junk = dir.path().join("junk");
    std::fs::write(&junk, "untrusted comment: x\nAAAA\n").unwrap();
    let inbox = dir.path().join("training.pdf");
    std::fs::write(&inbox, "%PDF-1.7\n").unwrap();
    let cases = [
        (missing.clone(), "does not exist"),
        (pub_of(&key), "is a public key; --sign needs the secret key"),
        (junk.clone(), "is not a minisign secret key"),
    ];
    for (bad, why) in &cases {
        let seal = run(&["seal", s(&bundle), "--sign", s(bad)]);
        let attach =
            run(&["attach", s(&bundle), "--framework", "hipaa", "--control", CONTROL, "--by", "J. Doe", "--sign", s(bad), s(&inbox)]);
        for out in [seal, attach] {
            assert_eq!(out.status.code(), Some(2));
            let err = stderr(&out);
            assert!(err.contains(s(bad)) && err.contains(why) && err.contains("fix:"), "{err}");
            assert_eq!(snapshot(&bundle), before, "nothing changed");
        }
    }
}

#[test]
fn attach_with_sign_signs_the_new_manifest_and_without_it_removes_the_stale_signature() {
    let dir = tempdir();
    let (key, id, _) = keygen(dir.path(), "k");
    let bundle = signed_demo(dir.path(), &key);
    let attach = |name: &str, sign: bool| {
        let file = dir.path().join(name);
        std::fs::write(&file, format!("{name}\n")).unwrap();
        let mut args = vec!["attach", s(&bundle), "--framework", "hipaa", "--control", CONTROL, "--by", "J. Doe"];
        if sign {
            args.extend(["--sign", s(&key)]);
        }
        args.push(s(&file));
        let out = run_at(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        out
    };

    let out = attach("training-2026.pdf", true);
    let comment = trusted_comment(&bundle);
    assert!(stdout(&out).contains(&format!("manifest.json.minisig: signed by key {id}: {comment}")), "{}", stdout(&out));
    assert_eq!(verify_with(&bundle, s(&pub_of(&key))).status.code(), Some(0));
    assert!(minisign_verify(&bundle, &pub_of(&key)).status.success());

    let out = attach("records-Q4.csv", false);
    assert!(
        stderr(&out).contains("removed") && stderr(&out).contains("manifest.json.minisig") && stderr(&out).contains("no longer matches")
    );
    assert!(!bundle.join("manifest.json.minisig").exists(), "no stale signature is left");
    assert_eq!(run(&["verify", s(&bundle)]).status.code(), Some(0), "the bundle still verifies, unsigned");

    // seal: --sign signs again; an unchanged manifest keeps its signature; a changed one loses it.
    assert_eq!(run_at(&["seal", s(&bundle), "--sign", s(&key)]).status.code(), Some(0));
    let out = run(&["seal", s(&bundle)]);
    assert!(stderr(&out).contains("kept"), "{}", stderr(&out));
    assert_eq!(verify_with(&bundle, s(&pub_of(&key))).status.code(), Some(0));
    std::fs::remove_file(bundle.join(format!("{ACCOUNT}/global/iam/list-virtual-mfa-devices.json"))).unwrap();
    let out = run(&["seal", s(&bundle)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("removed"), "{}", stderr(&out));
    assert!(!bundle.join("manifest.json.minisig").exists());
}

#[test]
fn report_with_public_key_refuses_a_tampered_or_unsigned_bundle_and_shows_a_verified_one() {
    let dir = tempdir();
    let (key, id, _) = keygen(dir.path(), "k");
    let public = pub_of(&key);
    let bundle = signed_demo(dir.path(), &key);
    let report = |bundle: &Path, out: &Path, key: Option<&Path>| {
        let mut args = vec!["report", "--evidence", s(bundle), "--out", s(out), "--framework", "hipaa"];
        if let Some(k) = key {
            args.extend(["--public-key", s(k)]);
        }
        run(&args)
    };

    // A good bundle: the key id and "verified" on the cover (HTML and PDF), the summary and in results.json.
    let packet = dir.path().join("packet");
    let out = report(&bundle, &packet, Some(&public));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sig = &results(&packet)["evidence"]["signature"];
    assert_eq!(sig["key_id"], id.as_str());
    assert_eq!(sig["trusted_comment"], trusted_comment(&bundle).as_str());
    assert_eq!(sig["verified"], true);
    let line = format!("minisign key {id}, verified against the public key given");
    let html = std::fs::read_to_string(packet.join("hipaa.html")).unwrap();
    assert!(html.contains(&format!("<th scope=\"row\">Signature</th><td>{line}")), "HTML cover");
    assert!(std::fs::read_to_string(packet.join("summary.html")).unwrap().contains(&line), "HTML summary");
    for pdf in ["hipaa.pdf", "summary.pdf"] {
        let text = stdout(&tool("pdftotext", &["-layout", s(&packet.join(pdf)), "-"]));
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&line), "{pdf}:\n{text}");
    }
    // The same bundle again gives the same packet.
    let again = dir.path().join("again");
    assert_eq!(report(&bundle, &again, Some(&public)).status.code(), Some(0));
    for f in ["results.json", "hipaa.html", "hipaa.pdf"] {
        assert_eq!(std::fs::read(packet.join(f)).unwrap(), std::fs::read(again.join(f)).unwrap(), "{f} is deterministic");
    }

    // Without --public-key: named, not verified.
    let unchecked = dir.path().join("unchecked");
    assert_eq!(report(&bundle, &unchecked, None).status.code(), Some(0));
    assert_eq!(results(&unchecked)["evidence"]["signature"]["verified"], false);
    assert!(std::fs::read_to_string(unchecked.join("hipaa.html")).unwrap().contains(&format!("signed by key {id}, not checked")));

    // Unsigned: refused with --public-key, "not signed" without.
    let plain_dir = tempdir();
    let plain = demo_copy(plain_dir.path());
    let refused = dir.path().join("refused");
    let out = report(&plain, &refused, Some(&public));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("manifest.json.minisig is missing") && stderr(&out).contains("fix:"), "{}", stderr(&out));
    assert!(!refused.exists(), "nothing is written");
    let unsigned = dir.path().join("unsigned");
    assert_eq!(report(&plain, &unsigned, None).status.code(), Some(0));
    assert!(results(&unsigned)["evidence"]["signature"].is_null());
    assert!(std::fs::read_to_string(unsigned.join("hipaa.html")).unwrap().contains("<td>not signed</td>"));

    // Tampered after signing: refused, nothing written.
    let path = bundle.join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap().replacen("\"schema_version\": 2,", "\"schema_version\": 2 ,", 1);
    std::fs::write(&path, text).unwrap();
    let out = report(&bundle, &refused, Some(&public));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not match manifest.json") && stderr(&out).contains("fix:"), "{}", stderr(&out));
    assert!(!refused.exists(), "nothing is written");
}

#[test]
fn verify_format_json_says_the_same_as_the_text_with_the_same_exit_code() {
    let dir = tempdir();
    let (key, id, _) = keygen(dir.path(), "k");
    let bundle = signed_demo(dir.path(), &key);
    let json = |extra: &[&str]| {
        let mut args = vec!["verify", s(&bundle), "--format", "json"];
        args.extend_from_slice(extra);
        let out = run(&args);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
        (out.status.code(), v)
    };
    let (code, v) = json(&["--public-key", s(&pub_of(&key))]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["ok"], true);
    assert_eq!(v["signature"]["state"], "verified");
    assert_eq!(v["signature"]["key_id"], id.as_str());
    let sha = v["manifest_sha256"].as_str().unwrap().to_string();
    assert_eq!(sha.len(), 64);
    assert!(v["files"]["intact"].as_u64().unwrap() > 0);
    let (code, v) = json(&["--expect", &"0".repeat(64)]);
    assert_eq!(
        (code, &v["expect_matches"], &v["ok"], &v["intact"]),
        (Some(1), &serde_json::json!(false), &serde_json::json!(false), &serde_json::json!(true))
    );
    assert_eq!(v["signature"]["state"], "not_checked");

    let file = format!("{ACCOUNT}/global/iam/get-account-summary.json");
    flip_one_byte(&bundle.join(&file));
    let (code, v) = json(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(v["intact"], false);
    assert_eq!(v["files"]["changed"], serde_json::json!([file]));
    assert_eq!(v["files"]["missing"], serde_json::json!([]));
}
