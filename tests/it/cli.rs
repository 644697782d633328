//! The command line: help texts with examples, exit codes.

use crate::util::*;

#[test]
fn every_subcommand_has_help_with_an_example() {
    let all = subcommands();
    assert!(["collect", "report", "verify", "completions", "man"].iter().all(|c| all.iter().any(|s| s == c)), "{all:?}");
    for cmd in all.iter().map(String::as_str) {
        let out = run(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{cmd} --help");
        let text = stdout(&out);
        assert!(text.contains("Example"), "{cmd} --help has no example:\n{text}");
        assert!(text.contains("auditpack "), "{cmd} --help example does not show the command");
    }
    let top = stdout(&run(&["--help"]));
    assert!(top.contains("Exit codes"), "{top}");
}

#[test]
fn completions_cover_every_subcommand_in_each_shell() {
    let subcommands = ["collect", "report", "verify", "seal", "attach", "demo", "controls", "checks", "keygen", "templates"];
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for sub in subcommands {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
        assert!(
            script.contains("aggregator") && script.contains("framework") && script.contains("evidence"),
            "{shell} completion lacks flags"
        );
    }
    // bash reads the script without a syntax error and registers the completion function.
    let script = stdout(&run(&["completions", "bash"]));
    let check = std::process::Command::new("bash").arg("-c").arg(format!("{script}\ncomplete -p auditpack")).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    assert!(String::from_utf8_lossy(&check.stdout).contains("auditpack"));
    let bad = run(&["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_manual_page_is_roff_from_the_cli_definition_and_one_page_per_subcommand() {
    let page = stdout(&run(&["man"]));
    assert!(page.starts_with(".ie") || page.contains(".TH auditpack 1"), "{}", &page[..page.len().min(200)]);
    assert!(page.contains(".TH auditpack 1"));
    assert!(page.contains("report") && page.contains("collect"));
    assert_eq!(stdout(&run(&["man"])), page, "the page is the same on every run");
    let dir = tempdir();
    let out = dir.path().join("man1");
    let o = run(&["man", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for want in ["auditpack.1", "auditpack-collect.1", "auditpack-report.1", "auditpack-verify.1", "auditpack-man.1"] {
        assert!(names.iter().any(|n| n == want), "{want} missing from {names:?}");
    }
    let report = std::fs::read_to_string(out.join("auditpack-report.1")).unwrap();
    assert!(report.contains(".TH auditpack-report 1") && report.contains("\\-\\-evidence"), "{report}");
}

#[test]
fn checks_command_lists_the_registry() {
    let out = run(&["checks", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), auditpack::checks::registry().len());
    assert!(v[0]["evidence"].as_array().is_some_and(|e| !e.is_empty()));
}

#[test]
fn unknown_framework_is_an_error_that_lists_the_known_ones() {
    let dir = tempdir();
    let out = run(&["report", "--evidence", DEMO, "--out", dir.path().to_str().unwrap(), "--framework", "sox"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("gdpr, hipaa, pci-dss-4.0"), "{}", stderr(&out));
}

#[test]
fn a_framework_may_be_named_in_any_case_or_by_the_start_of_its_id_and_a_typo_gets_a_suggestion() {
    let dir = tempdir();
    let out = dir.path().join("packet");
    let o =
        run(&["report", "--evidence", DEMO, "--out", out.to_str().unwrap(), "--framework", "PCI,pci-dss-4.0,Hipaa", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let results: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let ids: Vec<&str> = results["frameworks"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["pci-dss-4.0", "hipaa"], "two names of one framework make one packet");
    let o = run(&["controls", "--framework", "PCI-DSS", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["id"], "pci-dss-4.0");
    let o = run(&["controls", "--framework", "gpdr"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `gdpr`?"), "{}", stderr(&o));
}

#[test]
fn regression_closed_stdout_pipe_ends_quietly_instead_of_panicking() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_auditpack"))
        .args(["controls"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, like `| head` does
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn regression_a_directory_without_manifest_is_named_with_the_fix() {
    let dir = tempdir();
    let out = run(&["verify", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("manifest.json: does not exist") && err.contains("fix:") && err.contains("auditpack seal"), "{err}");
    assert_eq!(err.matches("No such file").count(), 0, "no raw OS error repeated: {err}");
}

#[test]
fn regression_sealing_an_empty_directory_is_refused() {
    let dir = tempdir();
    let out = run(&["seal", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("holds no evidence files"), "{}", stderr(&out));
    assert!(!dir.path().join("manifest.json").exists());
}

/// The subcommands `auditpack --help` lists (the first word of each entry), `help` left out.
fn subcommands() -> Vec<String> {
    let top = stdout(&run(&["--help"]));
    let list = top.split("Commands:\n").nth(1).expect("--help lists the commands");
    list.lines()
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|s| s != "help")
        .collect()
}

/// The README's "Commands" block names every subcommand and every flag the CLI has, so it
/// cannot fall behind the definition.
#[test]
fn the_readme_commands_block_lists_every_subcommand_and_flag() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("## Commands\n\n```text\n").expect("README has a Commands block") + "## Commands\n\n```text\n".len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let subcommands = subcommands();
    assert!(subcommands.len() >= 12, "{subcommands:?}");
    let mut missing = Vec::new();
    for sub in subcommands.iter().map(String::as_str) {
        let head = format!("auditpack {sub}");
        let Some(at) = block.lines().position(|l| l == head || l.starts_with(&format!("{head} "))) else {
            missing.push(head);
            continue;
        };
        let lines: Vec<&str> =
            block.lines().skip(at).enumerate().take_while(|(i, l)| *i == 0 || !l.starts_with("auditpack ")).map(|(_, l)| l).collect();
        let text = lines.join("\n");
        let help = stdout(&run(&[sub, "--help"]));
        // The option lines of the help: `  -v, --verbose` or `      --out <DIR>`, their first long flag.
        let flags = help
            .lines()
            .filter(|l| (2..=6).contains(&(l.len() - l.trim_start().len())) && l.trim_start().starts_with('-'))
            .filter_map(|l| l.split([' ', ',']).find(|w| w.starts_with("--")).map(|w| w.trim_end_matches('.')));
        for flag in flags {
            if ["--help", "--version"].contains(&flag) {
                continue;
            }
            let listed = text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).any(|w| w == flag);
            if !listed && !missing.contains(&format!("{sub} {flag}")) {
                missing.push(format!("{sub} {flag}"));
            }
        }
    }
    assert!(missing.is_empty(), "README's Commands block lacks: {missing:?}");
}

#[test]
fn report_quiet_leaves_out_progress_and_counts_but_not_the_packet() {
    let dir = tempdir();
    let (loud, hushed) = (dir.path().join("loud"), dir.path().join("quiet"));
    let o = run(&["report", "--evidence", DEMO, "--out", loud.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success() && stderr(&o).contains("controls:"), "{}", stderr(&o));
    let o = run(&["report", "-q", "--evidence", DEMO, "--out", hushed.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Only warnings stay: the demo bundle's recorded gap.
    let lines: Vec<String> = stderr(&o).lines().map(str::to_string).collect();
    assert!(lines.iter().all(|l| l.contains("evidence gap") || l.contains("warning:")), "{lines:?}");
    assert!(lines.len() == 1, "{lines:?}");
    assert_eq!(std::fs::read(loud.join("results.json")).unwrap(), std::fs::read(hushed.join("results.json")).unwrap());
    // --fail-on still names what it met.
    let o = run(&["report", "--quiet", "--evidence", DEMO, "--out", hushed.to_str().unwrap(), "--format", "json", "--fail-on", "fail"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).is_empty(), "the failing controls are named");
}

/// Examples fit an 80-column terminal, so clap never wraps one mid-command; a command longer
/// than that continues on the next line after a shell `\`.
#[test]
fn help_examples_fit_80_columns_and_continue_only_after_a_backslash() {
    let mut pages = vec![(String::from("auditpack"), stdout(&run(&["--help"])))];
    for sub in &subcommands() {
        pages.push((sub.clone(), stdout(&run(&[sub, "--help"]))));
    }
    for (name, help) in pages {
        let examples: Vec<&str> =
            help.split("Examples:\n").nth(1).unwrap_or_default().lines().take_while(|l| !l.trim().is_empty()).collect();
        assert!(!examples.is_empty(), "{name} has examples");
        let mut previous = "";
        for line in examples {
            assert!(line.chars().count() <= 80, "{name}: {} columns: {line}", line.chars().count());
            assert!(line.starts_with("  auditpack ") || previous.ends_with('\\'), "{name}: a wrapped or stray example line: {line:?}");
            previous = line;
        }
    }
}

/// The README's counts of checks and resource types are those of the registry.
#[test]
fn the_readme_counts_the_checks_and_resource_types_there_are() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let checks = auditpack::checks::registry().len();
    let types = auditpack::evidence::ResourceType::ALL.len();
    assert!(readme.contains(&format!("{checks} checks cover {types} AWS Config resource types")), "README: {checks} checks, {types} types");
    assert!(readme.contains(&format!("({checks} pure checks over typed evidence")), "README's pipeline line: {checks} checks");
}
