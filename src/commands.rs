//! One function per subcommand; they print results and return the exit code.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use auditpack::{checks, collect, demo, evidence, mappings, output, pipeline, render};

use crate::cli::{Command, ListFormat, Selection};

/// Write to stdout; a closed pipe (`auditpack checks | head`) ends the program quietly.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("auditpack: error: writing to standard output: {e}");
        std::process::exit(2);
    }
}

/// `println!` through `emit`.
macro_rules! say {
    ($($arg:tt)*) => { emit(&format!("{}\n", format_args!($($arg)*))) };
}

pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Report { evidence, out, select, cycle, archive, sign_archive, mappings, templates, force, public_key, quiet } => {
            QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
            let key = public_key.as_deref().map(evidence::PublicKey::from_arg).transpose()?;
            // The archive's key is read before any work, so a bad one costs nothing.
            let archive_signer = sign_archive.as_deref().map(evidence::Signer::load).transpose()?;
            if let Some(a) = &archive {
                auditpack::archive::check_target(a, &evidence, &out, force)?;
            }
            if cycle.fail_on.contains(&crate::cli::FailOn::NewFailure) && cycle.previous.is_none() {
                anyhow::bail!(
                    "--fail-on new_failure needs the previous period to compare with\n  fix: add --previous PACKET (last period's packet directory, results.json or evidence bundle), or use --fail-on fail"
                );
            }
            // Nothing the run reads may be replaced with the packet.
            let safety = output::Options::new(force)
                .evidence(&evidence)
                .templates(templates.as_deref())
                .mappings(mappings.as_deref())
                .previous(cycle.previous.as_deref())
                .files(cycle.exceptions.as_deref(), cycle.attestations.as_deref());
            let staging = output::Staging::begin(&out, &safety, &mut note)?;
            // Refuses a bundle that does not verify, or whose signature does not verify against `key`.
            let mut bundle = auditpack::evidence::Bundle::open_with_key(&evidence, key.as_ref())?;
            let code = report(&mut bundle, staging, select, Some(cycle), mappings, templates)?;
            if let Some(a) = &archive {
                write_archive(a, &out, &evidence, &bundle, archive_signer.as_ref())?;
            }
            Ok(code)
        }
        Command::Verify { dir, expect, public_key, format } => {
            let key = public_key.as_deref().map(evidence::PublicKey::from_arg).transpose()?;
            match format {
                crate::cli::VerifyFormat::Text => verify(&dir, expect.as_deref(), key.as_ref()),
                crate::cli::VerifyFormat::Json => verify_json(&dir, expect.as_deref(), key.as_ref()),
            }
        }
        Command::Collect {
            out,
            profile,
            regions,
            all_regions,
            endpoint_url,
            strict,
            concurrency,
            max_attempts,
            timeout,
            verbose,
            role_name,
            accounts,
            organization,
            aggregator,
            aggregator_region,
            parallel_accounts,
            sign,
        } => {
            // A bad key is refused before any call is sent.
            let signer = signer(&sign)?;
            let mut opts = collect::Options::new(out);
            opts.signer = signer;
            opts.profile = profile;
            opts.regions = regions;
            opts.all_regions = all_regions;
            opts.endpoint_url = endpoint_url;
            opts.concurrency = usize::from(concurrency);
            opts.max_attempts = max_attempts;
            opts.attempt_timeout = std::time::Duration::from_secs(timeout);
            if let Some(file) = accounts {
                let text = std::fs::read_to_string(&file).with_context(|| format!("reading the accounts file {}", file.display()))?;
                opts.accounts = collect::parse_accounts(&text, &file.display().to_string()).map_err(anyhow::Error::msg)?;
            }
            opts.role_name = role_name;
            opts.organization = organization;
            opts.aggregator = aggregator;
            opts.aggregator_region = aggregator_region;
            opts.parallel_accounts = usize::from(parallel_accounts);
            collect_bundle(&opts, strict, verbose)
        }
        Command::Controls { framework, stats, rules, format, mappings } => {
            if rules {
                config_rules(framework.as_deref(), format, mappings.as_deref())
            } else {
                controls(framework.as_deref(), stats, format, mappings.as_deref())
            }
        }
        Command::Checks { format } => list_checks(format),
        Command::Demo { out, select, force } => {
            // The evidence goes into the staging directory too: it appears with the packets.
            let staging = output::Staging::begin(&out, &output::Options::new(force), &mut note)?;
            let evidence = staging.path().join("evidence");
            demo::write_to(&evidence).with_context(|| format!("writing the demo bundle to {}", evidence.display()))?;
            let mut bundle = demo::bundle()?;
            let code = report(&mut bundle, staging, select, None, None, None)?;
            eprintln!("auditpack: demo evidence bundle written to {}", out.join("evidence").display());
            Ok(code)
        }
        Command::Seal { dir, collected_at, sign } => {
            let signer = signer(&sign)?;
            let sealed = evidence::seal_dir(&dir, &evidence::SealOptions { collected_at, signer })?;
            let m = &sealed.manifest;
            say!(
                "sealed {}: {} files, {} account(s), {} region(s), {} gap(s), {} absent",
                dir.join(evidence::MANIFEST_FILE).display(),
                m.files.len(),
                m.accounts.len(),
                m.regions.len(),
                m.gaps.len(),
                m.absent.len()
            );
            say!("manifest.json sha256 {}", sealed.manifest_sha256);
            signature_change(&dir, &sealed.signature);
            Ok(ExitCode::SUCCESS)
        }
        Command::Attach { bundle, framework, control, by, note, mappings, files, sign } => {
            let signer = signer(&sign)?;
            let catalog = mappings::Catalog::load(mappings.as_deref())?;
            let at = auditpack::report::source_date_epoch().unwrap_or_else(chrono::Utc::now);
            let at = chrono::SubsecRound::trunc_subsecs(at, 0);
            let opts = evidence::AttachOptions { framework, control, by, note, files, at, signer };
            let done = evidence::attach(&bundle, &opts, &catalog)?;
            let code = attached(&bundle, &opts, &done.recorded)?;
            signature_change(&bundle, &done.signature);
            Ok(code)
        }
        Command::Keygen { out, comment } => {
            let key = evidence::sign::keygen(&out, comment.as_deref())?;
            say!("secret key  {}  (unencrypted: keep it like a password; it signs with --sign)", key.secret.display());
            say!("public key  {}", key.public.display());
            say!("key id      {}", key.key_id);
            say!("public key string  {}", key.public_key);
            say!(
                "Give {} (or the string above) to the auditor out of band, not with the bundle; they check a signed bundle with\n  auditpack verify DIR --public-key {}\nor\n  minisign -Vm DIR/manifest.json -p {}",
                key.public.display(),
                key.public.display(),
                key.public.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions(c) => {
            let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(c.shell, &mut cmd, "auditpack", &mut script);
            emit(&String::from_utf8(script).context("the completion script is not UTF-8")?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Man(m) => {
            let cmd = <crate::cli::Cli as clap::CommandFactory>::command();
            match m.out {
                None => {
                    let mut page = Vec::new();
                    clap_mangen::Man::new(cmd).render(&mut page).context("rendering the manual page")?;
                    emit(&String::from_utf8(page).context("the manual page is not UTF-8")?);
                }
                Some(dir) => {
                    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
                    let mut cmd = cmd.disable_help_subcommand(true);
                    cmd.build();
                    let pages = std::iter::once(cmd.clone()).chain(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
                    for page in pages {
                        let man = clap_mangen::Man::new(page);
                        let path = dir.join(man.get_filename());
                        let mut text = Vec::new();
                        man.render(&mut text).context("rendering a manual page")?;
                        auditpack::util::write_atomic(&path, &text).with_context(|| format!("writing {}", path.display()))?;
                        say!("{}", path.display());
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Templates { out, force } => {
            let files: Vec<(&str, &[u8])> = render::html::BUILTIN.iter().map(|(name, text)| (*name, text.as_bytes())).collect();
            for (path, state) in output::write_new_or_same(&out, &files, force, "the built-in templates")? {
                match state {
                    output::FileState::Written => {}
                    output::FileState::Unchanged => note(&format!("{}: already the built-in text, left as is", path.display())),
                    output::FileState::Overwritten => {
                        note(&format!("{}: edited, overwritten with the built-in text (--force)", path.display()))
                    }
                }
                say!("{}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A progress line on stderr.
/// `report --quiet`: progress notes and the closing counts are left out.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// A progress line on stderr (none with `--quiet`).
fn note(line: &str) {
    if !quiet() {
        eprintln!("auditpack: {line}");
    }
}

/// The secret key of `--sign`, read before anything is written.
fn signer(sign: &crate::cli::Sign) -> Result<Option<evidence::Signer>> {
    Ok(sign.key.as_deref().map(evidence::Signer::load).transpose()?)
}

/// What rewriting a manifest did to its signature: on stdout when signed, on stderr when a
/// stale signature was removed.
fn signature_change(dir: &Path, change: &evidence::SignatureChange) {
    let path = dir.join(evidence::SIGNATURE_FILE);
    match change {
        evidence::SignatureChange::Signed(s) => {
            say!("{}: signed by key {}: {}", path.display(), s.key_id, s.trusted_comment);
        }
        evidence::SignatureChange::Removed => note(&format!(
            "removed {}: it signed the previous manifest.json and no longer matches; the bundle is now unsigned (pass --sign KEYFILE to sign it)",
            path.display()
        )),
        evidence::SignatureChange::Kept => {
            note(&format!("{} kept: manifest.json is byte for byte what it signed", path.display()))
        }
        evidence::SignatureChange::None => {}
    }
}

fn report(
    bundle: &mut evidence::Bundle,
    mut staging: output::Staging,
    select: Selection,
    cycle: Option<crate::cli::Cycle>,
    mappings: Option<std::path::PathBuf>,
    templates: Option<std::path::PathBuf>,
) -> Result<ExitCode> {
    if let Some(account) = &select.account {
        if !bundle.accounts().contains(account) {
            anyhow::bail!(
                "account {account} is not in this evidence bundle (its accounts: {})\n  fix: pass --account with one of them, or leave it out for every account",
                bundle.accounts().join(", ")
            );
        }
        bundle.restrict_to_account(account);
        note(&format!("evaluating account {account} alone"));
    }
    let mut opts = pipeline::ReportOptions::new(staging.out().to_path_buf());
    opts.frameworks = select.framework;
    opts.formats = select.format;
    opts.mappings = mappings;
    opts.templates = templates;
    opts.period = select.period;
    opts.prepared_for = select.prepared_for;
    opts.prepared_by = select.prepared_by;
    let fail_on = cycle.as_ref().map(|c| c.fail_on.clone()).unwrap_or_default();
    if let Some(c) = cycle {
        opts.previous = c.previous;
        opts.exceptions = c.exceptions;
        opts.period_start = c.period_start;
        opts.period_end = c.period_end;
        opts.attestations = c.attestations;
    }
    let report = pipeline::write(bundle, &opts, &mut staging, &mut note)?;
    staging.commit(&bundle.manifest_sha256, &mut note)?;
    for f in report.frameworks.iter().filter(|_| !quiet()) {
        let s = &f.summary.by_status;
        eprintln!(
            "auditpack: {:<12} {:>3} controls: {} pass, {} fail, {} not assessed, {} not applicable, {} manual, {} inherited",
            f.id, s.total, s.pass, s.fail, s.not_assessed, s.not_applicable, s.manual, s.inherited
        );
    }
    for why in bundle.unreadable() {
        eprintln!("auditpack: warning: {why}; the checks needing it are not assessed");
    }
    if !bundle.manifest.gaps.is_empty() {
        eprintln!(
            "auditpack: the bundle records {} evidence gap(s); the controls that need them are not assessed",
            bundle.manifest.gaps.len()
        );
    }
    gate(&report, &fail_on)
}

/// `--archive`: the packet just written, the bundle and SHA256SUMS in one deterministic zip.
fn write_archive(archive: &Path, out: &Path, evidence: &Path, bundle: &evidence::Bundle, signer: Option<&evidence::Signer>) -> Result<()> {
    use auditpack::archive;
    let members = archive::members(out, evidence, bundle)?;
    let sums = archive::Member { path: archive::SUMS.into(), bytes: archive::sums(&members) };
    let at = auditpack::report::generation_time(bundle.manifest.collected_at);
    let mut extra = vec![];
    if let Some(s) = signer {
        extra.push(archive::Member { path: archive::SUMS_SIGNATURE.into(), bytes: s.sign_bytes(archive::SUMS, &sums.bytes, at)? });
        note(&format!("{} signed with key {}", archive::SUMS, s.key_id()));
    }
    extra.insert(0, sums);
    let bytes = archive::zip(&members, &extra, at)?;
    archive::write(archive, &bytes)?;
    note(&format!(
        "archive {}: {} members and {}, {} KiB, sha256 {}",
        archive.display(),
        members.len(),
        archive::SUMS,
        bytes.len().div_ceil(1024),
        evidence::sha256_hex(&bytes)
    ));
    Ok(())
}

/// `--fail-on`: exit 1 when a control is in one of the states, naming each.
fn gate(report: &auditpack::report::Report, fail_on: &[crate::cli::FailOn]) -> Result<ExitCode> {
    use crate::cli::FailOn;
    use auditpack::report::{changes::ControlChange, ControlStatus};
    let mut hit = false;
    for state in fail_on {
        let matching: Vec<String> = report
            .frameworks
            .iter()
            .flat_map(|f| {
                f.controls
                    .iter()
                    .filter(move |c| match state {
                        FailOn::NewFailure => c.change == Some(ControlChange::NewFailure),
                        FailOn::Fail => c.status == ControlStatus::Fail,
                        FailOn::NotAssessed => c.status == ControlStatus::NotAssessed,
                    })
                    .map(move |c| format!("{} {}", f.id, c.id))
            })
            .collect();
        if matching.is_empty() {
            eprintln!("auditpack: --fail-on {}: no control is {}", state.as_str(), state.as_str());
        } else {
            hit = true;
            eprintln!(
                "auditpack: --fail-on {}: {} control(s) are {}: {}",
                state.as_str(),
                matching.len(),
                state.as_str(),
                matching.join(", ")
            );
        }
    }
    if hit {
        eprintln!("auditpack: exiting 1 (--fail-on); the packet was written");
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

fn verify(dir: &Path, expect: Option<&str>, key: Option<&evidence::PublicKey>) -> Result<ExitCode> {
    let report = evidence::verify_dir_with_key(dir, key)?;
    let signed = signature_report(dir, &report.signature, key);
    let manifest_sha256 = &report.manifest_sha256;
    if report.is_intact() {
        say!("{}: intact ({} files match manifest.json)", dir.display(), report.intact_files);
        say!("manifest.json sha256 {manifest_sha256}");
        let expected = match expect {
            Some(want) if want != manifest_sha256.as_str() => {
                say!(
                    "{}: the manifest is not the one recorded: expected sha256 {want}; the bundle was sealed again or is another bundle",
                    dir.display()
                );
                false
            }
            Some(_) => {
                say!("the manifest is the one recorded (--expect matches)");
                true
            }
            None => true,
        };
        emit(&signed.0);
        Ok(if expected && signed.1 { ExitCode::SUCCESS } else { ExitCode::from(1) })
    } else {
        emit(&format!("{}: the bundle does not verify\n{report}", dir.display()));
        say!(
            "{} changed, {} missing, {} unlisted; {} intact",
            report.changed.len(),
            report.missing.len(),
            report.unlisted.len(),
            report.intact_files
        );
        if !report.inconsistent.is_empty() {
            say!("{} manifest entries contradict the evidence catalogue", report.inconsistent.len());
        }
        emit(&signed.0);
        Ok(ExitCode::from(1))
    }
}

/// `verify --format json`: the same judgement as the text, as one object; the same exit code.
fn verify_json(dir: &Path, expect: Option<&str>, key: Option<&evidence::PublicKey>) -> Result<ExitCode> {
    use evidence::SignatureCheck as C;
    let report = evidence::verify_dir_with_key(dir, key)?;
    let (_, signature_ok) = signature_report(dir, &report.signature, key);
    let signature = match &report.signature {
        C::Unsigned => serde_json::json!({ "state": "unsigned" }),
        C::Missing => {
            serde_json::json!({ "state": "missing", "problem": format!("no {} while --public-key was given", evidence::SIGNATURE_FILE) })
        }
        C::NotChecked(s) => serde_json::json!({ "state": "not_checked", "key_id": s.key_id, "trusted_comment": s.trusted_comment }),
        C::Verified(s) => serde_json::json!({ "state": "verified", "key_id": s.key_id, "trusted_comment": s.trusted_comment }),
        C::Refused(why) => serde_json::json!({ "state": "refused", "problem": why }),
    };
    let expect_matches = expect.map(|want| want == report.manifest_sha256);
    let intact = report.is_intact();
    let ok = intact && expect_matches != Some(false) && signature_ok;
    let out = serde_json::json!({
        "bundle": dir.display().to_string(),
        "ok": ok,
        "intact": intact,
        "manifest_sha256": report.manifest_sha256,
        "expected_sha256": expect,
        "expect_matches": expect_matches,
        "files": {
            "intact": report.intact_files,
            "changed": report.changed,
            "missing": report.missing,
            "unlisted": report.unlisted,
        },
        "inconsistent": report.inconsistent,
        "signature": signature,
    });
    say!("{}", serde_json::to_string_pretty(&out)?);
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The lines `verify` prints about the signature, and whether it passes.
fn signature_report(dir: &Path, check: &evidence::SignatureCheck, key: Option<&evidence::PublicKey>) -> (String, bool) {
    use evidence::SignatureCheck as C;
    match check {
        C::Verified(s) => (
            format!(
                "signed by key {}: {}\nthe signature matches manifest.json and the public key given ({})\n",
                s.key_id,
                s.trusted_comment,
                evidence::SIGNATURE_FILE
            ),
            true,
        ),
        C::NotChecked(s) => (format!("signed by key {}, not checked (pass --public-key)\n", s.key_id), true),
        C::Unsigned => (format!("not signed (no {})\n", evidence::SIGNATURE_FILE), true),
        C::Missing | C::Refused(_) => {
            let against = key.map(|k| format!(" against key {}", k.key_id())).unwrap_or_default();
            (
                format!(
                    "{}: the signature does not verify{against}: {}\n  fix: {}\n",
                    dir.display(),
                    check.problem().unwrap_or_default(),
                    check.fix()
                ),
                false,
            )
        }
    }
}

/// What `attach` did to each FILE, and the manifest hash to record from now on.
fn attached(bundle: &Path, opts: &evidence::AttachOptions, recorded: &[evidence::Attachment]) -> Result<ExitCode> {
    let path = bundle.join(evidence::MANIFEST_FILE);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let manifest = evidence::Manifest::parse(&bytes, &path)?;
    let place = evidence::manual_dir(&opts.framework, &opts.control);
    for file in &opts.files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let rel = format!("{place}/{name}");
        let Some(entry) = manifest.manual.iter().find(|a| a.path == rel) else { continue };
        let state = if recorded.iter().any(|a| a.path == rel) { "attached" } else { "already attached" };
        say!("{state:<16}  {}  {rel}", entry.sha256);
    }
    say!("manifest.json sha256 {}", evidence::sha256_hex(&bytes));
    if recorded.is_empty() {
        say!("nothing new was attached: manifest.json is unchanged");
    } else {
        say!(
            "the manifest hash changed: record the new one above in place of the old (e.g. in the audit ticket); it is the one to give to `auditpack verify {} --expect`",
            bundle.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn controls(framework: Option<&str>, stats: bool, format: ListFormat, dir: Option<&Path>) -> Result<ExitCode> {
    let catalog = mappings::Catalog::load(dir)?;
    let frameworks: Vec<&mappings::Framework> = match framework {
        Some(id) => vec![catalog.select(id)?],
        None => catalog.frameworks.iter().collect(),
    };
    if stats {
        let all: Vec<mappings::Stats> = frameworks.iter().map(|f| f.stats()).collect();
        match format {
            ListFormat::Json => say!("{}", serde_json::to_string_pretty(&all)?),
            ListFormat::Table => {
                for s in &all {
                    let owners: Vec<String> = s.by_owner.iter().map(|(k, v)| format!("{k} {v}")).collect();
                    let methods: Vec<String> = s.by_evidence.iter().map(|(k, v)| format!("{k} {v}")).collect();
                    say!("{} ({}): {} controls, {} distinct checks", s.framework, s.version, s.controls, s.checks);
                    say!("  by owner:    {}", owners.join(", "));
                    say!("  by evidence: {}", methods.join(", "));
                    for (section, n) in &s.by_section {
                        say!("  {n:>4}  {section}");
                    }
                    say!("");
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    match format {
        ListFormat::Json => say!("{}", serde_json::to_string_pretty(&frameworks)?),
        ListFormat::Table => {
            for f in frameworks {
                say!("{} — {} {} ({} controls)", f.id, f.name, f.version, f.controls.len());
                say!("  {:<22} {:<9} {:<10} {:<55} checks", "control", "owner", "evidence", "title");
                for c in &f.controls {
                    say!(
                        "  {:<22} {:<9} {:<10} {:<55} {}",
                        c.id,
                        c.owner.as_str(),
                        c.evidence.as_str(),
                        truncate(&c.title, 55),
                        match (c.checks.is_empty(), c.config_rules.len()) {
                            (true, 0) => "-".to_string(),
                            (false, 0) => c.checks.join(", "),
                            (true, n) => format!("{n} Config rule(s)"),
                            (false, n) => format!("{} + {n} Config rule(s)", c.checks.join(", ")),
                        }
                    );
                }
                say!("");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `controls --rules`: the Config rule mappings, for one framework or all.
fn config_rules(framework: Option<&str>, format: ListFormat, dir: Option<&Path>) -> Result<ExitCode> {
    let catalog = mappings::Catalog::load(dir)?;
    let framework = match framework {
        Some(name) => Some(catalog.select(name)?.id.as_str()),
        None => None,
    };
    let rules: Vec<&mappings::config_rules::RuleMapping> =
        catalog.config_rules.rules.iter().filter(|r| framework.is_none_or(|f| r.controls.contains_key(f))).collect();
    match format {
        ListFormat::Json => {
            say!("{}", serde_json::to_string_pretty(&serde_json::json!({"duties": catalog.config_rules.duties, "rules": rules}))?)
        }
        ListFormat::Table => {
            say!("{} AWS Config rule(s) mapped to controls{}", rules.len(), framework.map(|f| format!(" of {f}")).unwrap_or_default());
            for r in rules {
                let packs = if r.packs.is_empty() { String::new() } else { format!("  [{}]", r.packs.join(", ")) };
                say!("{}  ({}){packs}", r.key.label(), r.duty.as_deref().unwrap_or("no duty"));
                for (fw, ids) in r.controls.iter().filter(|(fw, _)| framework.is_none_or(|f| f == fw.as_str())) {
                    say!("    {fw}: {}", ids.join(", "));
                }
                if !r.checks.is_empty() {
                    say!("    judged the same by: {}", r.checks.join(", "));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn list_checks(format: ListFormat) -> Result<ExitCode> {
    let all = checks::registry();
    let catalog = mappings::Catalog::load(None)?;
    let rules_of = |id: &str| -> Vec<String> {
        catalog.config_rules.rules.iter().filter(|r| r.checks.iter().any(|c| c == id)).map(|r| r.key.label().to_string()).collect()
    };
    match format {
        ListFormat::Json => {
            let rows: Vec<serde_json::Value> = all
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id, "title": c.title, "duty": c.duty, "severity": c.severity,
                        "rationale": c.rationale, "remediation": c.remediation, "evidence": c.evidence_patterns(),
                        "config_rules": rules_of(c.id),
                    })
                })
                .collect();
            say!("{}", serde_json::to_string_pretty(&rows)?);
        }
        ListFormat::Table => {
            say!("{:<30} {:<9} {:<32} title", "id", "severity", "duty");
            for c in all {
                say!("{:<30} {:<9} {:<32} {}", c.id, c.severity.as_str(), c.duty.title(), c.title);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn init_logging(verbose: u8) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    if verbose == 0 {
        return;
    }
    let others = if verbose >= 2 { tracing::Level::DEBUG } else { tracing::Level::WARN };
    let targets = tracing_subscriber::filter::Targets::new().with_target("auditpack", tracing::Level::DEBUG).with_default(others);
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::registry().with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(ansi)).with(targets).init();
}

fn collect_bundle(opts: &collect::Options, strict: bool, verbose: u8) -> Result<ExitCode> {
    init_logging(verbose);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")?;
    let progress = collect::Progress::stderr();
    let outcome = runtime.block_on(async {
        let sdk = collect::loader(opts).load().await;
        collect::run(opts, &sdk, &progress).await
    })?;
    let m = &outcome.manifest;
    let bytes: u64 = m.files.iter().map(|f| f.bytes).sum();
    eprintln!(
        "auditpack: collected {} file(s), {} KiB, account {}, region(s) {} into {}",
        m.files.len(),
        bytes.div_ceil(1024),
        m.accounts.join(", "),
        if m.regions.is_empty() { "none".to_string() } else { m.regions.join(", ") },
        opts.out.display()
    );
    eprintln!(
        "auditpack: {} request(s): IAM {}, Config {}, STS {}",
        outcome.calls.len(),
        outcome.calls_to("iam"),
        outcome.calls_to("config"),
        outcome.calls_to("sts")
    );
    for a in &m.absent {
        eprintln!("auditpack: none: {} ({}): {}", a.api, a.error, a.message);
    }
    if m.gaps.is_empty() {
        eprintln!("auditpack: no gaps: every call answered");
    } else {
        eprintln!("auditpack: {} gap(s); the controls that need them will be not_assessed:", m.gaps.len());
        for g in &m.gaps {
            let place = g.region.as_deref().map(|r| format!(" [{r}]")).unwrap_or_default();
            eprintln!("  {}{place}: {}: {}", g.api, g.error, g.message);
        }
    }
    say!("{}  sha256 {}", opts.out.join(evidence::MANIFEST_FILE).display(), outcome.manifest_sha256);
    if let Some(sig) = &outcome.signature {
        signature_change(&opts.out, &evidence::SignatureChange::Signed(sig.clone()));
    }
    if strict && !m.gaps.is_empty() {
        eprintln!("auditpack: --strict: exiting 1 because of the gaps above");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
