//! Where packets land: whole packets or nothing, previous packets replaced whole, other
//! directories refused, inputs never overwritten, killed runs leaving nothing half-written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use auditpack::output::{PACKET_MARKER, STAGING_MAGIC, STAGING_MARKER, STAGING_PREFIX};

use crate::util::*;

/// Files below a directory: relative name → bytes.
type Files = BTreeMap<String, Vec<u8>>;

/// Every file below `dir` (hidden ones too) with its bytes.
fn snapshot(dir: &Path) -> Files {
    files_below(dir).into_iter().map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect()
}

/// The names of the entries of `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// The staging directories in `dir`.
fn staging_dirs(dir: &Path) -> Vec<String> {
    names(dir).into_iter().filter(|n| n.starts_with(STAGING_PREFIX)).collect()
}

fn restore(dir: &Path, files: &Files) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn report(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["report", "--evidence", DEMO, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
}

/// Exit 2 with the project's error shape.
fn refused(o: &Output, needle: &str) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.starts_with("auditpack: error: ") && err.contains("\n  fix: "), "{err}");
    assert!(err.contains(needle), "the error does not say {needle:?}: {err}");
    err
}

#[test]
fn rerunning_report_into_its_packet_leaves_exactly_the_second_runs_files() {
    let dir = tempdir();
    let out = dir.path().join("packet");
    ok(&report(&out, &[]));
    assert_eq!(names(&out).len(), 10, "nine packet files and the marker: {:?}", names(&out));
    let o = report(&out, &["--format", "json", "--framework", "gdpr"]);
    ok(&o);
    assert!(stderr(&o).contains("replacing the previous packet"), "{}", stderr(&o));
    assert_eq!(names(&out), [PACKET_MARKER, "results.json"]);
    // The same files as a run into a new directory, marker included: byte-identical.
    let fresh = dir.path().join("fresh");
    ok(&report(&fresh, &["--format", "json", "--framework", "gdpr"]));
    assert_eq!(snapshot(&out), snapshot(&fresh));
    let marker: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join(PACKET_MARKER)).unwrap()).unwrap();
    let manifest_sha = auditpack::evidence::sha256_hex(&std::fs::read(Path::new(DEMO).join("manifest.json")).unwrap());
    assert_eq!(marker["evidence_manifest_sha256"], manifest_sha.as_str());
    assert_eq!(
        marker["files"]["results.json"],
        auditpack::evidence::sha256_hex(&std::fs::read(out.join("results.json")).unwrap()).as_str(),
        "the marker lists each packet file with its SHA-256"
    );
    assert_eq!(names(dir.path()), ["fresh", "packet"], "no staging directory left beside --out");
}

#[test]
fn rerunning_the_demo_replaces_evidence_and_packets_whole() {
    let dir = tempdir();
    let out = dir.path().join("demo");
    ok(&run(&["demo", "--out", out.to_str().unwrap()]));
    std::fs::write(out.join("evidence/stray.json"), "{}").unwrap();
    ok(&run(&["demo", "--out", out.to_str().unwrap(), "--format", "json", "--framework", "gdpr"]));
    assert_eq!(names(&out), [PACKET_MARKER, "evidence", "results.json"]);
    let v = run(&["verify", out.join("evidence").to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "the new evidence, not the old one with a stray file: {}", stdout(&v));
    assert_eq!(names(dir.path()), ["demo"]);
}

#[test]
fn a_directory_without_the_marker_is_refused_untouched_and_replaced_whole_with_force() {
    let dir = tempdir();
    let out = dir.path().join("mine");
    std::fs::create_dir_all(out.join("sub")).unwrap();
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    std::fs::write(out.join("sub/results.json"), "mine").unwrap();
    let before = snapshot(&out);
    for cmd in ["report", "demo"] {
        let o = if cmd == "report" { report(&out, &[]) } else { run(&["demo", "--out", out.to_str().unwrap()]) };
        let err = refused(&o, out.to_str().unwrap());
        assert!(err.contains("--force") && err.contains("notes.txt"), "{err}");
        assert_eq!(snapshot(&out), before, "{cmd} changed the refused directory");
        assert_eq!(names(dir.path()), ["mine"], "{cmd} left something beside it");
    }
    // A packet-looking marker that is not one does not count either.
    std::fs::write(out.join(PACKET_MARKER), "not json").unwrap();
    refused(&report(&out, &[]), "no auditpack packet");
    let o = report(&out, &["--force", "--format", "json"]);
    ok(&o);
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(names(&out), [PACKET_MARKER, "results.json"], "replaced whole: nothing of the old contents is left");

    // An empty directory is fine; a file is not a directory.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    ok(&report(&empty, &["--format", "json"]));
    assert_eq!(names(&empty), [PACKET_MARKER, "results.json"]);
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    refused(&report(&file, &["--force"]), "is a file");
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

#[test]
fn out_inside_equal_to_or_containing_the_bundle_is_refused_even_with_force() {
    let dir = tempdir();
    let root = dir.path().join("work");
    let bundle = demo_copy(&root);
    let before = snapshot(&root);
    let cases = [
        (bundle.join("packet"), "is inside the evidence bundle"),
        (bundle.clone(), "is the evidence bundle"),
        (root.clone(), "contains the evidence bundle"),
    ];
    for (out, says) in &cases {
        for force in [false, true] {
            let mut args = vec!["report", "--evidence", bundle.to_str().unwrap(), "--out", out.to_str().unwrap()];
            if force {
                args.push("--force");
            }
            let o = run(&args);
            let err = refused(&o, says);
            assert!(err.contains(out.to_str().unwrap()), "names --out: {err}");
            assert_eq!(snapshot(&root), before, "{} (force {force}) wrote something", out.display());
            assert_eq!(names(dir.path()), ["work"]);
        }
    }
    let v = run(&["verify", bundle.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    // The same through a relative path and a symbolic link.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&bundle, dir.path().join("link")).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_auditpack"))
            .args(["report", "--evidence", "work/evidence", "--out", "link/sub", "--force"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        refused(&o, "is inside the evidence bundle");
        assert_eq!(snapshot(&root), before);
    }
}

#[test]
fn out_holding_the_templates_mappings_home_or_current_directory_is_refused_even_with_force() {
    let dir = tempdir();
    let parent = dir.path().join("p");
    let tpl = parent.join("tpl");
    ok(&run(&["templates", "--out", tpl.to_str().unwrap()]));
    let maps = parent.join("maps");
    std::fs::create_dir_all(&maps).unwrap();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/mappings/gdpr.toml"), maps.join("gdpr.toml")).unwrap();
    let before = snapshot(&parent);
    let bin = env!("CARGO_BIN_EXE_auditpack");
    let p = parent.to_str().unwrap();
    let cases: Vec<(Command, &str)> = vec![
        (
            {
                let mut c = Command::new(bin);
                c.args(["report", "--evidence", DEMO, "--out", p, "--force", "--templates", tpl.to_str().unwrap()]);
                c
            },
            "contains the --templates directory",
        ),
        (
            {
                let mut c = Command::new(bin);
                c.args(["report", "--evidence", DEMO, "--out", tpl.to_str().unwrap(), "--force", "--templates", tpl.to_str().unwrap()]);
                c
            },
            "is the --templates directory",
        ),
        (
            {
                let mut c = Command::new(bin);
                c.args(["report", "--evidence", DEMO, "--out", p, "--force", "--mappings", maps.to_str().unwrap()]);
                c
            },
            "contains the --mappings directory",
        ),
        (
            {
                let mut c = Command::new(bin);
                c.args(["report", "--evidence", DEMO, "--out", p, "--force"]).env("HOME", parent.join("tpl"));
                c
            },
            "contains your home directory",
        ),
        (
            {
                let mut c = Command::new(bin);
                c.args(["demo", "--out", ".", "--force"]).current_dir(&parent);
                c
            },
            "is the current directory",
        ),
        (
            {
                let mut c = Command::new(bin);
                c.args(["demo", "--out", "..", "--force"]).current_dir(&maps);
                c
            },
            "contains the current directory",
        ),
    ];
    for (mut cmd, says) in cases {
        let o = cmd.output().unwrap();
        refused(&o, says);
        assert_eq!(snapshot(&parent), before, "{says}: something changed");
        assert_eq!(names(&parent), ["maps", "tpl"], "{says}: something was left");
    }
}

#[test]
fn templates_out_never_overwrites_an_edited_file_without_force() {
    let dir = tempdir();
    let tpl = dir.path().join("tpl");
    let o = run(&["templates", "--out", tpl.to_str().unwrap()]);
    ok(&o);
    let builtin = snapshot(&tpl);
    assert_eq!(builtin.len(), auditpack::render::html::BUILTIN.len());
    // Twice is fine: every file already holds the built-in text.
    let o = run(&["templates", "--out", tpl.to_str().unwrap()]);
    ok(&o);
    assert_eq!(stdout(&o).lines().count(), builtin.len(), "every file is still listed");
    assert!(stderr(&o).contains("left as is"), "{}", stderr(&o));
    assert_eq!(snapshot(&tpl), builtin);

    // Two edited files, one deleted, one of the user's own: refused, both edits named, nothing written.
    std::fs::write(tpl.join("packet.html.hbs"), "my packet").unwrap();
    std::fs::write(tpl.join("style.css.hbs"), "my style").unwrap();
    std::fs::remove_file(tpl.join("summary.html.hbs")).unwrap();
    std::fs::write(tpl.join("extra.hbs"), "my partial").unwrap();
    let edited = snapshot(&tpl);
    let o = run(&["templates", "--out", tpl.to_str().unwrap()]);
    let err = refused(&o, "2 file(s) differ");
    for name in ["packet.html.hbs", "style.css.hbs"] {
        assert!(err.contains(tpl.join(name).to_str().unwrap()), "{name} not named: {err}");
    }
    assert!(!err.contains("control.html.hbs") && err.contains("--force"), "{err}");
    assert_eq!(snapshot(&tpl), edited, "nothing written, not even the missing file");
    assert!(stdout(&o).is_empty());

    let o = run(&["templates", "--out", tpl.to_str().unwrap(), "--force"]);
    ok(&o);
    let mut restored = builtin.clone();
    restored.insert("extra.hbs".into(), b"my partial".to_vec());
    assert_eq!(snapshot(&tpl), restored, "--force restores the built-in text and leaves other files alone");

    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    refused(&run(&["templates", "--out", file.to_str().unwrap()]), "is a file");
}

#[test]
fn a_failure_while_writing_leaves_the_previous_packet_and_no_staging_directory() {
    let dir = tempdir();
    let out = dir.path().join("packet");
    ok(&report(&out, &["--framework", "gdpr"]));
    let previous = snapshot(&out);
    // A template that fails to render, after results.json and the summary are written.
    let tpl = dir.path().join("tpl");
    std::fs::create_dir(&tpl).unwrap();
    std::fs::write(tpl.join("control.html.hbs"), "<p>{{titel}}</p>").unwrap();
    let not_a_dir = dir.path().join("not-a-dir");
    std::fs::write(&not_a_dir, "x").unwrap();
    for templates in [&tpl, &not_a_dir] {
        let o = report(&out, &["--templates", templates.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("fix:"), "{}", stderr(&o));
        assert_eq!(snapshot(&out), previous, "the previous packet changed");
        assert_eq!(staging_dirs(dir.path()), Vec::<String>::new());
    }
    // Fields are checked when the templates load, before anything renders; a field that is null
    // in this packet (`aws_provides` of a customer control) still fails in the middle of it.
    let mid = dir.path().join("mid");
    std::fs::create_dir(&mid).unwrap();
    std::fs::write(mid.join("control.html.hbs"), "{{#with aws_provides}}<p>{{this}}</p>{{/with}}").unwrap();
    let o = report(&out, &["--templates", mid.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("rendered results.json"), "the failure is mid-packet: {}", stderr(&o));
    assert_eq!(snapshot(&out), previous, "the previous packet changed");
    assert_eq!(staging_dirs(dir.path()), Vec::<String>::new());
    std::fs::remove_dir_all(&mid).unwrap();
    // Into a new directory: no directory at all.
    let new = dir.path().join("new");
    assert_eq!(report(&new, &["--templates", tpl.to_str().unwrap()]).status.code(), Some(2));
    assert!(!new.exists());
    assert_eq!(names(dir.path()), ["not-a-dir", "packet", "tpl"]);
}

#[test]
fn stale_staging_directories_are_removed_and_nothing_else() {
    let dir = tempdir();
    let make = |name: &str, marker: Option<&str>| -> PathBuf {
        let d = dir.path().join(name);
        std::fs::create_dir_all(d.join("packet/deep")).unwrap();
        std::fs::write(d.join("packet/deep/results.json"), "half").unwrap();
        if let Some(text) = marker {
            std::fs::write(d.join(STAGING_MARKER), text).unwrap();
        }
        d
    };
    let ours = format!("{STAGING_MAGIC}\nfor: somewhere\npid: 1\n");
    let stale = make(&format!("{STAGING_PREFIX}1-0"), Some(&ours));
    let unmarked = make(&format!("{STAGING_PREFIX}2-0"), None);
    let foreign_marker = make(&format!("{STAGING_PREFIX}3-0"), Some("something else\n"));
    let other_name = make(".auditpack-staging-x", Some(&ours));
    let busy = make(&format!("{STAGING_PREFIX}4-0"), Some(&ours));
    let just_made = dir.path().join(format!("{STAGING_PREFIX}5-0"));
    std::fs::create_dir(&just_made).unwrap();
    // A run still going holds the lock on its marker.
    let lock = std::fs::File::open(busy.join(STAGING_MARKER)).unwrap();
    lock.lock().unwrap();

    let out = dir.path().join("packet");
    let o = report(&out, &["--format", "json"]);
    ok(&o);
    assert!(stderr(&o).contains("left behind by an interrupted run"), "{}", stderr(&o));
    assert!(!stale.exists(), "the stale staging directory is removed");
    for kept in [&unmarked, &foreign_marker, &other_name, &busy, &just_made] {
        assert!(kept.exists(), "{} was removed", kept.display());
    }
    assert!(busy.join("packet/deep/results.json").exists() && unmarked.join("packet/deep/results.json").exists());
    drop(lock);
    ok(&report(&out, &["--format", "json"]));
    assert!(!busy.exists(), "removed once its run has ended");
    assert!(unmarked.exists() && foreign_marker.exists() && other_name.exists());
}

/// A small deterministic generator for the kill delays (xorshift), seeded from the clock; the
/// seed is in every failure message.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
        Rng(seed)
    }
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The last line `report` prints before it moves the packet into place.
const LAST_RENDERED: &str = "rendered pci-dss-4.0.pdf";

/// When to SIGKILL a `report`.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// This long after the start.
    After(Duration),
    /// This long after it said it rendered its last file: while it moves the packet into place.
    AfterLastRender(Duration),
}

/// Spawn `report` on the demo bundle into `out`, stderr piped.
fn spawn_report(out: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_auditpack"))
        .args(["report", "--evidence", DEMO, "--out", out.to_str().unwrap()])
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Read the child's stderr up to the line holding `needle` (false: it ended first).
fn wait_for_line(child: &mut std::process::Child, needle: &str) -> bool {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(child.stderr.as_mut().unwrap()).lines();
    lines.any(|l| l.is_ok_and(|l| l.contains(needle)))
}

fn report_killed(out: &Path, kill: Kill) {
    let mut child = spawn_report(out);
    match kill {
        Kill::After(delay) => std::thread::sleep(delay),
        Kill::AfterLastRender(delay) => {
            if wait_for_line(&mut child, LAST_RENDERED) {
                std::thread::sleep(delay);
            }
        }
    }
    let _ = child.kill(); // SIGKILL; an error means it has already exited
    child.wait().unwrap();
}

/// A normal `report` of the demo bundle here: how long it takes, how long of that it spends
/// after its last render (moving the packet into place), and what it writes.
struct Reference {
    run: Duration,
    commit: Duration,
    files: Files,
}

fn reference_run(dir: &Path) -> Reference {
    let out = dir.join("reference");
    let started = Instant::now();
    let mut child = spawn_report(&out);
    assert!(wait_for_line(&mut child, LAST_RENDERED), "report never printed {LAST_RENDERED:?}");
    let rendered = Instant::now();
    assert!(child.wait().unwrap().success());
    let (run, commit) = (started.elapsed(), rendered.elapsed());
    let files = snapshot(&out);
    assert!(files.contains_key(PACKET_MARKER) && files.len() == 10, "{:?}", files.keys());
    Reference { run, commit, files }
}

/// Run `report` into a fresh `--out` (or one holding `previous`) again and again, killing it at
/// moments spread from 0 to a bit past a normal run, then at moments spread over the time it
/// spends moving the packet into place, and `check` what `--out` holds after each. Then one
/// more run must remove what the killed runs left.
fn kill_repeatedly(r: &Reference, previous: Option<&Files>, check: &dyn Fn(Option<Files>, &str)) {
    const ANY_TIME: usize = 10;
    const AT_COMMIT: usize = 5;
    let dir = tempdir();
    let out = dir.path().join("packet");
    let mut rng = Rng::new();
    let seed = rng.0;
    let mut outcomes = BTreeMap::new();
    for i in 0..ANY_TIME + AT_COMMIT {
        match previous {
            Some(files) => restore(&out, files),
            None if out.exists() => std::fs::remove_dir_all(&out).unwrap(),
            None => {}
        }
        // Strata across the span, a random moment in each.
        let kill = if i < ANY_TIME {
            Kill::After(r.run.mul_f64(1.3 * (i as f64 + rng.unit()) / ANY_TIME as f64))
        } else {
            Kill::AfterLastRender(r.commit.mul_f64(1.5 * ((i - ANY_TIME) as f64 + rng.unit()) / AT_COMMIT as f64))
        };
        report_killed(&out, kill);
        let state = out.exists().then(|| snapshot(&out));
        let outcome = match &state {
            None => "no --out",
            Some(files) if *files == r.files => "the new packet",
            Some(files) if Some(files) == previous => "the previous packet",
            Some(_) => "something else",
        };
        *outcomes.entry((matches!(kill, Kill::After(_)), outcome)).or_insert(0) += 1;
        check(
            state,
            &format!("run {i}, killed {kill:?} (a normal run takes {:?}, {:?} of it after the last render; seed {seed})", r.run, r.commit),
        );
    }
    eprintln!("killed runs (any time?, what --out held): {outcomes:?}");
    ok(&report(&out, &["--format", "json"]));
    for left in staging_dirs(dir.path()) {
        // Only a run killed between creating its directory and its marker leaves an empty one,
        // which a later run removes once it is a minute old.
        assert!(names(&dir.path().join(&left)).is_empty(), "{left} still holds files after the next run");
    }
}

#[test]
fn a_killed_report_leaves_no_packet_or_a_complete_one() {
    let dir = tempdir();
    let r = reference_run(dir.path());
    kill_repeatedly(&r, None, &|state, when| {
        if let Some(files) = state {
            let names: Vec<&String> = files.keys().collect();
            assert!(files == r.files, "{when}: --out exists but is not the complete packet: {names:?}");
        }
    });
}

#[test]
fn a_killed_report_leaves_the_previous_packet_intact_or_the_new_one() {
    let dir = tempdir();
    let r = reference_run(dir.path());
    let previous_dir = dir.path().join("previous");
    // Another selection and another cover: a mix of the two runs would show.
    ok(&report(&previous_dir, &["--framework", "gdpr", "--prepared-by", "The previous run"]));
    let previous = snapshot(&previous_dir);
    assert_ne!(previous.get("gdpr.html"), r.files.get("gdpr.html"));
    kill_repeatedly(&r, Some(&previous), &|state, when| {
        let Some(files) = state else {
            if cfg!(target_os = "linux") {
                panic!("{when}: --out is gone; the exchange should keep it in place");
            }
            return;
        };
        let names: Vec<&String> = files.keys().collect();
        assert!(files == previous || files == r.files, "{when}: --out is neither the previous packet nor the new one: {names:?}");
    });
}
