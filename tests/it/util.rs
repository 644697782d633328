//! Shared helpers: in-memory bundles, a copy of the demo bundle, running the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use auditpack::evidence::{sha256_hex, Absent, Bundle, FileEntry, Gap, Manifest, Tool, SCHEMA_VERSION};

pub const ACCOUNT: &str = "111122223333";
pub const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo-evidence");

/// An in-memory bundle of the given files (and gaps / absent records), collected 2026-11-27.
pub fn bundle_with(regions: &[&str], files: &[(&str, String)], gaps: Vec<Gap>, absent: Vec<Absent>) -> Bundle {
    try_bundle(regions, files, gaps, absent).expect("test bundle verifies")
}

/// The manifest of such a bundle.
pub fn manifest_of(regions: &[&str], files: &BTreeMap<String, Vec<u8>>, gaps: Vec<Gap>, absent: Vec<Absent>) -> Manifest {
    Manifest {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "auditpack".into(), version: "test".into() },
        collection_started_at: "2026-11-27T08:59:00Z".parse().unwrap(),
        collected_at: "2026-11-27T09:00:00Z".parse().unwrap(),
        accounts: vec![ACCOUNT.into()],
        regions: regions.iter().map(|r| r.to_string()).collect(),
        files: files.iter().map(|(p, b)| FileEntry { path: p.clone(), sha256: sha256_hex(b), bytes: b.len() as u64 }).collect(),
        gaps,
        absent,
        manual: Vec::new(),
    }
}

/// The same, or why it does not verify.
pub fn try_bundle(
    regions: &[&str],
    files: &[(&str, String)],
    gaps: Vec<Gap>,
    absent: Vec<Absent>,
) -> Result<Bundle, auditpack::evidence::Error> {
    let map: BTreeMap<String, Vec<u8>> = files.iter().map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())).collect();
    let manifest = manifest_of(regions, &map, gaps, absent);
    Bundle::from_parts(&manifest.to_json(), map, Path::new("<test>"))
}

/// The bundle path of the configuration items of a resource type (`AWS::S3::Bucket`).
pub fn resource_path(account: &str, region: &str, resource_type: &str) -> String {
    let t = auditpack::evidence::ResourceType::parse(resource_type).unwrap_or_else(|| panic!("{resource_type} is not in the catalogue"));
    auditpack::evidence::DocId::resources(account, region, t).path()
}

pub fn bundle(files: &[(&str, String)]) -> Bundle {
    bundle_with(&["us-east-1"], files, vec![], vec![])
}

/// A gap for the document at `path` (its region read from the path).
pub fn gap(api: &str, path: &str) -> Gap {
    Gap {
        api: api.into(),
        account: ACCOUNT.into(),
        region: path.split('/').nth(1).filter(|r| *r != "global").map(str::to_string),
        path: Some(path.into()),
        error: "AccessDenied".into(),
        message: "not authorized".into(),
    }
}

/// When the demo bundle was collected (its manifest's `collected_at`, RFC 3339).
pub fn demo_collected_at() -> String {
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(Path::new(DEMO).join("manifest.json")).unwrap()).unwrap();
    manifest["collected_at"].as_str().unwrap().to_string()
}

/// Write `files` (bundle path, text) to `dir/evidence`, seal it as collected 2026-11-27T09:00:00Z,
/// and return that path.
pub fn write_bundle(dir: &Path, files: impl IntoIterator<Item = (String, String)>) -> PathBuf {
    let root = dir.join("evidence");
    for (p, t) in files {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
    let opts = auditpack::evidence::SealOptions { collected_at: Some("2026-11-27T09:00:00Z".parse().unwrap()), ..Default::default() };
    auditpack::evidence::seal_dir(&root, &opts).unwrap();
    root
}

/// A fresh temporary directory (removed when dropped).
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Copy the demo bundle into `dir/evidence` and return that path.
pub fn demo_copy(dir: &Path) -> PathBuf {
    let dest = dir.join("evidence");
    copy_dir(Path::new(DEMO), &dest);
    dest
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Run the auditpack binary with arguments.
pub fn run(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_auditpack")).args(args).env_remove("SOURCE_DATE_EPOCH").output().expect("run auditpack")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run an external tool that the test script installs; a missing tool fails the test.
pub fn tool(name: &str, args: &[&str]) -> Output {
    std::process::Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed by this test and could not run ({e}); scripts/test installs it"))
}

/// Every file below a directory, relative, sorted.
pub fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(root: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out)
            } else {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The Python of the test virtualenv that scripts/install-moto sets up ($AUDITPACK_VENV, else
/// ~/.cache/auditpack-venv); a test needing it fails, never skips, when it is missing.
pub fn venv_python() -> PathBuf {
    let venv = std::env::var_os("AUDITPACK_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/auditpack-venv"));
    let python = venv.join("bin/python");
    assert!(python.exists(), "the test virtualenv is not installed at {}: run `bash scripts/test`, which installs it", venv.display());
    python
}

/// The results.json of a packet directory.
pub fn results(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap()
}

/// Assert that a run of the binary exited 0, showing its output when it did not.
pub fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o));
}

/// One control of one framework of a results.json.
pub fn control<'a>(r: &'a serde_json::Value, framework: &str, id: &str) -> &'a serde_json::Value {
    let f = r["frameworks"].as_array().unwrap().iter().find(|f| f["id"] == framework).unwrap_or_else(|| panic!("no framework {framework}"));
    f["controls"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no control {framework} {id}"))
}

/// The results of every AWS Config rule a bundle lists, as one outcome.
pub fn all_rules(b: &Bundle) -> auditpack::checks::Outcome {
    let (deployed, _) = auditpack::checks::config_rules::deployed(b);
    auditpack::checks::config_rules::evaluate(b, &deployed.iter().collect::<Vec<_>>())
}
