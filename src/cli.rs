//! Command-line interface: every subcommand and flag, documented once (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use auditpack::pipeline::Format;

#[derive(Debug, Parser)]
#[command(
    name = "auditpack",
    version,
    about = "Turn AWS evidence into GDPR, HIPAA and PCI DSS v4.0 audit packets, split by who owns each control",
    long_about = "auditpack evaluates an evidence bundle (AWS-CLI-shaped JSON from IAM and AWS Config, with a \
SHA-256 manifest) against GDPR, the HIPAA Security Rule and PCI DSS v4.0, splits every control by owner under \
the AWS Shared Responsibility Model (AWS, shared, customer), and writes HTML and PDF audit packets plus \
results.json. `collect` is the only subcommand that talks to AWS; everything else works offline from the \
bundle.",
    after_help = "Examples:\n  auditpack demo --out demo-packet       # packets of the sample account\n  auditpack collect --out evidence/       # read AWS with your credentials\n  auditpack verify evidence/              # prove a bundle is unchanged\n  auditpack report --evidence evidence/ --out packet/\n  auditpack controls --framework hipaa\n  auditpack attach evidence/ --framework hipaa --control '164.308(a)(5)(i)' \\\n      --by \"J. Doe\" training.pdf\n  auditpack keygen --out keys/auditpack\n  auditpack collect --out evidence/ --sign keys/auditpack\n  auditpack verify evidence/ --public-key keys/auditpack.pub\n\nExit codes: 0 success; 1 `verify` found changed, missing or unlisted files, or a signature that is missing (with --public-key), malformed, by another key or not matching the manifest, `collect --strict` met gaps, or `report --fail-on` met a control in that state; 2 error (bad input, a bad key file, a bundle that does not verify or whose signature does not, invalid mappings)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of the largest variant (report's many flags) costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read IAM and AWS Config with the AWS SDK and write an evidence bundle.
    #[command(
        long_about = "Read the account's IAM evidence (credential report, authorization details, password \
policy, account summary, virtual MFA devices) once, and AWS Config evidence (recorders, delivery channels, \
rules, rule compliance, configuration items of the resource types the checks read) in every selected region, \
and write them as an evidence bundle: AWS-CLI-shaped JSON files plus manifest.json (written last). \
Credentials, profile and region come from the standard AWS chain (environment, ~/.aws profiles, SSO, \
assume-role profiles, instance metadata). Several accounts go into one bundle with --role-name and --accounts \
or --organization (the role is assumed in each account but the caller's own); with --aggregator, AWS Config's \
compliance results and configuration items of every account and region come through the aggregator, and an \
account or region it failed to aggregate is a gap. docs/collect.md walks through the organisation set-up. Only read calls are sent: policy/auditpack-readonly.json lists them. \
A call that still fails after retries (AccessDenied, throttling, timeout) is recorded as a gap in the manifest \
and collection goes on; the controls that need it are reported not_assessed.",
        after_help = "Examples:\n  auditpack collect --out evidence/2026-Q4\n  auditpack collect --out evidence/2026-Q4 --profile audit \\\n      --region us-east-1,eu-west-1\n  auditpack collect --out evidence/2026-Q4 --all-regions --strict\n  auditpack collect --out e/ --endpoint-url http://127.0.0.1:5000   # moto\n  auditpack collect --out evidence/2026-Q4 --sign keys/auditpack\n  auditpack collect --out evidence/org --organization \\\n      --role-name AuditpackReadOnly --region us-east-1,eu-west-1\n  auditpack collect --out evidence/org --accounts accounts.txt \\\n      --role-name AuditpackReadOnly\n  auditpack collect --out evidence/org --aggregator org-all \\\n      --role-name AuditpackReadOnly --all-regions\n\nThen:\n  auditpack verify evidence/2026-Q4\n  auditpack report --evidence evidence/2026-Q4 --out packet/\n\nExit codes: 0 bundle written (gaps are listed on stderr); 1 gaps and --strict; 2 error (no credentials, \
nothing collected, output directory not empty, a --sign key that is missing or not an unencrypted minisign secret key: checked before any call)."
    )]
    Collect {
        /// The bundle directory to create (must be new or empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Named profile from ~/.aws/config (default: AWS_PROFILE or "default").
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// Regions to read AWS Config in (repeat or comma-separate). Default: the profile's or AWS_REGION.
        #[arg(long = "region", value_name = "REGION", value_delimiter = ',', value_parser = parse_region)]
        regions: Vec<String>,
        /// Every commercial region where AWS Config runs; regions the account has not enabled are reported as gaps.
        #[arg(long, conflicts_with = "regions")]
        all_regions: bool,
        /// Send every call to this endpoint (an emulator or a proxy). AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_IAM and AWS_ENDPOINT_URL_CONFIG_SERVICE work too.
        #[arg(long, value_name = "URL", value_parser = parse_endpoint)]
        endpoint_url: Option<String>,
        /// Exit 1 when any call ended in a gap.
        #[arg(long)]
        strict: bool,
        /// Calls in flight at once, across all regions.
        #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
        /// Attempts per call, the first included (adaptive retry, exponential backoff with jitter).
        #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=10))]
        max_attempts: u32,
        /// Time limit of one attempt of one call, in seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
        /// Log every request (-v), and the SDK's own debug log too (-vv), on stderr.
        #[arg(short, long, action = clap::ArgAction::Count)]
        verbose: u8,
        /// The read-only role to assume in every account other than the caller's (arn:aws:iam::<id>:role/NAME; policy/auditpack-member-role.cfn.json deploys it).
        #[arg(long, value_name = "NAME", help_heading = "Organisation")]
        role_name: Option<String>,
        /// The accounts to read: one 12-digit id per line (a name may follow; # starts a comment).
        #[arg(long, value_name = "FILE", requires = "role_name", conflicts_with = "organization", help_heading = "Organisation")]
        accounts: Option<PathBuf>,
        /// Read every active account of the organisation (organizations:ListAccounts, from the management or a delegated administrator account).
        #[arg(long, requires = "role_name", help_heading = "Organisation")]
        organization: bool,
        /// Read AWS Config evidence of every account and region through this aggregator (its account's credentials); IAM still comes from each account.
        #[arg(long, value_name = "NAME", help_heading = "Organisation")]
        aggregator: Option<String>,
        /// The region the aggregator is in (default: the configured region).
        #[arg(long, value_name = "REGION", requires = "aggregator", value_parser = parse_region, help_heading = "Organisation")]
        aggregator_region: Option<String>,
        /// Accounts read at once; calls stay bounded by --concurrency across all of them.
        #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32), help_heading = "Organisation")]
        parallel_accounts: u16,
        #[command(flatten)]
        sign: Sign,
    },
    /// Evaluate an evidence bundle and write the audit packets.
    #[command(
        long_about = "Verify the evidence bundle, run every check the selected frameworks use, and write \
results.json, <framework>.html and <framework>.pdf, and the one-page summary.html and summary.pdf, to the \
output directory; with --format oscal, also <framework>.oscal.json, the OSCAL assessment results of each \
framework (docs/oscal.md). A bundle that does not verify is \
refused (exit 2). Outputs are byte-identical for the same bundle: the generation time is SOURCE_DATE_EPOCH when \
set, else the bundle's collected_at.\n\n\
With --public-key, the bundle must also carry manifest.json.minisig, a minisign signature of its manifest \
by that key: a bundle unsigned, signed by another key or whose manifest changed since signing is refused \
(exit 2) and nothing is written; a manifest.json.minisig that is no minisign signature at all is refused \
with or without --public-key. The cover and the summary say whether the bundle is signed, and by which \
key, and whether that signature was verified (only with --public-key); results.json records it under \
evidence.signature.\n\n\
The packet is written into a staging directory beside OUT and moves into place only when every file is \
written, so OUT never holds half a packet, nor a mix of two runs' files: a failed or interrupted run leaves \
the previous packet as it was. An OUT holding a previous packet (it carries .auditpack-packet.json) is \
replaced whole, files of other frameworks or formats included; an OUT holding anything else is refused \
unless --force. OUT may never be, hold or lie inside the evidence bundle, nor hold the --templates or \
--mappings directory, the current or the home directory.",
        after_help = "Examples:\n  auditpack report --evidence evidence/ --out packet/\n  auditpack report --evidence evidence/ --out packet/ --framework hipaa \\\n      --format pdf\n  auditpack report --evidence evidence/ --out packet/ \\\n      --format html,pdf,json,csv,oscal\n  auditpack report --evidence ev/2026-Q4 --out packet/2026-Q4 \\\n      --previous packet/2026-Q3 --exceptions risks.toml \\\n      --period-start 2026-10-01 --period-end 2026-12-31\n  auditpack report --evidence evidence/ --out old-notes/ --force\n  auditpack report --evidence evidence/ --out packet/ \\\n      --prepared-for \"Acme Corp, 2026-Q4 audit\" --prepared-by \"J. Doe, Security\"\n  auditpack report --evidence evidence/ --out packet/ \\\n      --templates my-templates/ --mappings my-mappings/\n  auditpack report --evidence evidence/ --out packet/ \\\n      --public-key auditpack.pub --archive handoff.zip\n  auditpack report --evidence org-evidence/ --out packet-1111/ \\\n      --account 111122223333\n\n\
The second example replaces the packet of the first whole: packet/ then holds hipaa.pdf and .auditpack-packet.json only. \
The third replaces a directory auditpack did not write, deleting what it held.\n\n\
In a pipeline:\n  auditpack report --evidence e/ --out p/ --previous last/ --fail-on new_failure,not_assessed\n\n\
Exit codes: 0 packet written; 1 packet written, and --fail-on met a control in one of its states (each is named); 2 error (nothing written)."
    )]
    Report {
        /// The evidence bundle directory (holds manifest.json).
        #[arg(long, value_name = "DIR")]
        evidence: PathBuf,
        /// Where to write the packets (created if needed; a previous packet there is replaced whole).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[command(flatten)]
        select: Selection,
        #[command(flatten)]
        cycle: Cycle,
        /// Also write one zip for the auditor: the packet (packet/), the evidence bundle with its manifest and signature (evidence/) and SHA256SUMS of every member; the same inputs give the same bytes (docs/handoff.md).
        #[arg(long, value_name = "FILE.zip")]
        archive: Option<PathBuf>,
        /// Sign the archive's SHA256SUMS with this minisign secret key (SHA256SUMS.minisig in the archive), so the auditor checks every member with `minisign -V` and `sha256sum -c` alone. Needs --archive.
        #[arg(long = "sign", value_name = "KEYFILE", requires = "archive")]
        sign_archive: Option<PathBuf>,
        /// Replace OUT whole even when it holds files auditpack did not write (they are deleted); and an --archive path that holds something other than a zip.
        #[arg(long)]
        force: bool,
        /// Directory of mapping files replacing the built-in ones by file name (gdpr.toml, hipaa.toml, pci-dss-4.0.toml, service-models.toml, attestations.toml); a copy of the shipped mappings/ works as it is.
        #[arg(long, value_name = "DIR")]
        mappings: Option<PathBuf>,
        /// Directory of handlebars templates replacing the built-in ones by file name (packet.html.hbs, control.html.hbs, style.css.hbs, summary.html.hbs).
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// The signer's public key (a minisign .pub file, or the key string itself): the bundle's manifest.json.minisig must verify against it, or nothing is written; the packet then says the signature was verified.
        #[arg(long, value_name = "PUBFILE|KEY")]
        public_key: Option<String>,
        /// No progress lines and no per-framework counts on stderr; warnings, errors and --fail-on's findings still print.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Check every file of an evidence bundle against its manifest.
    #[command(
        long_about = "Recompute the SHA-256 of every file listed in DIR/manifest.json and check the manifest \
against the evidence catalogue. Exit 0 when the bundle is intact; exit 1, naming each problem, when it is not.\n\n\
What verify proves: every listed file has exactly the bytes the manifest records; no file is missing, unlisted, a \
symlink or a special file; every file is a document of the catalogue under an account and region the manifest \
lists, or a file below manual/ that `auditpack attach` recorded (a manual entry with its hash, at its control's \
place); and every gap or absent record stands for documents the bundle does not hold.\n\n\
What it does not prove: that the manifest is the one written at collection. Anyone who edits a file and runs \
`auditpack seal` again gets a bundle that verifies. To tie a bundle to its collection, record the manifest's \
SHA-256 (collect prints it) somewhere the bundle's holder cannot change (a ticket, an email to the auditor) and \
check it with --expect, or sign the manifest (`--sign KEYFILE` on collect, seal and attach) and give the \
auditor the public key out of band.\n\n\
With --public-key, verify also checks manifest.json.minisig, the minisign signature of the exact manifest \
bytes, against that key, and prints the key id and the signature's trusted comment (what was signed and \
when). A signature that is missing, malformed, made by another key or not matching the manifest fails. \
Without --public-key a signature is reported, with its key id, as not checked.",
        after_help = "Examples:\n  auditpack verify evidence/\n  auditpack verify evidence/ --expect 3f1c…   # the SHA-256 collect printed\n  auditpack verify evidence/ --public-key auditpack.pub\n  auditpack verify evidence/ --public-key \"$(tail -n 1 auditpack.pub)\"\n  auditpack verify evidence/ --format json | jq .files.changed\n\nThe same signature check without auditpack: minisign -Vm evidence/manifest.json -p auditpack.pub\n\nExit codes: 0 intact (and the manifest hash matches --expect, and the signature verifies with --public-key); 1 a difference, a manifest hash other than --expect, or a signature that is missing (with --public-key), malformed, by another key or not matching; 2 not a bundle, or a --public-key that is no minisign public key."
    )]
    Verify {
        /// The evidence bundle directory.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// The SHA-256 of manifest.json recorded elsewhere at collection time; verify fails unless the manifest has it.
        #[arg(long, value_name = "SHA256", value_parser = parse_sha256)]
        expect: Option<String>,
        /// The signer's public key, a minisign .pub file or the key string itself (RW…): manifest.json.minisig must be a signature of the manifest by this key.
        #[arg(long, value_name = "PUBFILE|KEY")]
        public_key: Option<String>,
        /// text: lines for people; json: one object (intact, each list of files, the manifest hash, the signature) for scripts and CI. The exit code is the same.
        #[arg(long, value_enum, default_value_t = VerifyFormat::Text)]
        format: VerifyFormat,
    },
    /// List the controls of the catalogues with owner, evidence method and checks.
    #[command(
        after_help = "Examples:\n  auditpack controls\n  auditpack controls --framework pci-dss-4.0 --format json\n  auditpack controls --stats\n  auditpack controls --rules --framework hipaa"
    )]
    Controls {
        /// Only this framework (gdpr, hipaa, pci-dss-4.0; any case, the start of an id is enough: pci).
        #[arg(long, value_name = "ID")]
        framework: Option<String>,
        /// Counts instead of the list: controls by owner, by evidence method and by section.
        #[arg(long)]
        stats: bool,
        /// The AWS Config rule mappings instead: each managed rule identifier (or custom rule
        /// name) with its duty, the conformance packs that hold it, the controls it evidences and
        /// the checks that judge the same thing.
        #[arg(long, conflicts_with = "stats")]
        rules: bool,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// Directory of mapping files replacing the built-in ones.
        #[arg(long, value_name = "DIR")]
        mappings: Option<PathBuf>,
    },
    /// List the checks with their severity, duty and the evidence files they read.
    #[command(after_help = "Examples:\n  auditpack checks\n  auditpack checks --format json")]
    Checks {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Render every packet for the built-in sample account (no AWS needed).
    #[command(
        long_about = "Write the built-in demo evidence bundle to OUT/evidence and render results.json and the \
HTML and PDF packets of every framework into OUT (--format oscal adds the OSCAL assessment results). The sample account has users without MFA, an old access key, \
an admin user, a weak password policy and two regions, one without a Config recorder, so every status appears.\n\n\
The evidence and the packets appear in OUT together, once every file is written. Running the demo again \
replaces OUT whole (it carries .auditpack-packet.json); an OUT holding anything else is refused unless \
--force.",
        after_help = "Examples:\n  auditpack demo --out demo-packet\n  auditpack demo --out demo-packet --framework gdpr --format json\n  auditpack demo --out my-folder --force\n\n\
The second example replaces the first demo whole: demo-packet then holds evidence/, results.json and \
.auditpack-packet.json only. The third replaces a directory auditpack did not write, deleting what it held."
    )]
    Demo {
        /// Where to write the evidence and the packets (a previous demo there is replaced whole).
        #[arg(long, value_name = "DIR", default_value = "auditpack-demo")]
        out: PathBuf,
        #[command(flatten)]
        select: Selection,
        /// Replace OUT whole even when it holds files auditpack did not write (they are deleted).
        #[arg(long)]
        force: bool,
    },
    /// Write manifest.json for a bundle directory assembled by hand (e.g. with the AWS CLI).
    #[command(
        long_about = "Hash every file below DIR and write DIR/manifest.json. An existing manifest keeps its \
collected_at, gaps, absent and manual entries; accounts, regions and files are recomputed from the directory layout \
<account-id>/<region or global>/<service>/<file>. Files below manual/ are kept only as `auditpack attach` \
recorded them: one no manual entry describes, or one edited since, is refused.\n\n\
With --sign KEYFILE, manifest.json.minisig is written next to the manifest: a minisign signature of its exact \
bytes. Without it, a signature the new manifest no longer matches is removed (and stderr says so): a bundle \
never keeps a stale signature.",
        after_help = "Examples:\n  auditpack seal evidence/ --collected-at 2026-11-27T09:00:00Z\n  auditpack seal evidence/ --sign keys/auditpack   # and manifest.json.minisig"
    )]
    Seal {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// When the evidence was collected (RFC 3339, UTC): required for a new manifest, since every age is measured from it.
        #[arg(long, value_name = "TIME")]
        collected_at: Option<chrono::DateTime<chrono::Utc>>,
        #[command(flatten)]
        sign: Sign,
    },
    /// Attach evidence no API holds (training records, a signed policy) to a manual control of a bundle.
    #[command(
        long_about = "Copy each FILE into the evidence bundle BUNDLE as evidence of one control whose evidence \
is manual (`auditpack controls --framework F` shows the method of each), and record it in manifest.json: \
listed in files with its SHA-256 like every other file, and described by a manual entry naming the \
framework, the control, who attached it (--by), when (SOURCE_DATE_EPOCH when set, else now) and --note. \
The copy lives at manual/<framework>/<control id, percent-encoded>/<file name>; the file keeps its name, \
which may hold only A-Z a-z 0-9 . _ - and not start with a dot.\n\n\
The bundle must verify first. A file already attached to the control with the same bytes is skipped; a \
different file of the same name is refused (an attached file is never replaced: rename the new version). \
The copies are written first and the manifest last; if anything fails, the copies are removed and the \
bundle is left as it was. From then on `verify` hashes the attached files with the rest, and `seal` keeps \
them but refuses one edited since.\n\n\
Attaching changes manifest.json, so its SHA-256 changes: the new one is printed, and it is the one to \
record for `verify --expect` in place of the hash printed at collection. For the same reason a signature \
of the old manifest no longer matches: pass --sign KEYFILE to sign the new one, or the old signature is \
removed (stderr says so).",
        after_help = "Examples:\n  auditpack attach evidence/ --framework hipaa --control '164.308(a)(5)(i)' \\\n      --by \"J. Doe\" training-programme-2026.pdf completion-records-2026-Q4.csv\n  auditpack attach evidence/ --framework gdpr --control 'Art. 30' \\\n      --by \"A. Roe, DPO\" --note \"Register of processing, approved 2026-11-02\" \\\n      ropa-2026.xlsx\n\nThen: auditpack verify evidence/ --expect <the SHA-256 attach printed>\n\nExit codes: 0 attached (or already attached); 2 error (a bundle that does not verify, an unknown framework or \
control, a control whose evidence is not manual, a FILE that is missing or not a regular file, a bad --sign \
key); nothing is changed on error."
    )]
    Attach {
        /// The evidence bundle directory (holds manifest.json).
        #[arg(value_name = "BUNDLE")]
        bundle: PathBuf,
        /// The framework of the control (gdpr, hipaa, pci-dss-4.0; any case, the start of an id is enough: pci).
        #[arg(long, value_name = "ID")]
        framework: String,
        /// The control the files evidence, as `auditpack controls` lists it; its evidence must be manual.
        #[arg(long, value_name = "ID")]
        control: String,
        /// Who attaches the files (name and role), recorded in the manifest.
        #[arg(long, value_name = "NAME")]
        by: String,
        /// What the files show, recorded in the manifest.
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// Directory of mapping files replacing the built-in ones (where the control is looked up).
        #[arg(long, value_name = "DIR")]
        mappings: Option<PathBuf>,
        /// The files to attach; each keeps its name.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        sign: Sign,
    },
    /// Create a minisign key pair for signing evidence bundles (--sign) and checking them (--public-key).
    #[command(
        long_about = "Write a new minisign key pair: the secret key to KEYFILE (mode 0600) and the public key to \
KEYFILE.pub, in the format of the minisign tool, so that `minisign -V -p KEYFILE.pub` checks what auditpack \
signs. The secret key is not encrypted, so that `collect --sign` can run unattended: keep it like a password \
(a secrets store, a file only the collecting account can read). Anyone holding it can sign bundles in your \
name.\n\n\
The public key string and the key id are printed. Give KEYFILE.pub (or that string) to the auditor out of \
band (not with the bundle, or whoever can change the bundle can change the key too); they check a bundle \
with `auditpack verify DIR --public-key KEYFILE.pub` or `minisign -Vm DIR/manifest.json -p KEYFILE.pub`. \
Neither file is ever overwritten.",
        after_help = "Examples:\n  auditpack keygen --out keys/auditpack\n  auditpack keygen --out keys/auditpack-2027 --comment \"Acme signing, 2027\"\n\nExit codes: 0 key pair written; 2 error (KEYFILE or KEYFILE.pub exists, or cannot be written)."
    )]
    Keygen {
        /// Where to write the secret key; the public key goes to the same path with .pub appended. Neither may exist.
        #[arg(long, value_name = "KEYFILE")]
        out: PathBuf,
        /// Added to the untrusted comment line of both key files, e.g. who the key belongs to.
        #[arg(long, value_name = "TEXT")]
        comment: Option<String>,
    },
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    #[command(
        long_about = "Print the completion script of a shell to standard output: subcommands, flags, and the values of \
flags that take one of a fixed set (--format, --fail-on). Install it where your shell looks for completions, as \
the examples show.",
        after_help = "Examples:\n  auditpack completions bash \\\n      > ~/.local/share/bash-completion/completions/auditpack\n  auditpack completions zsh > ~/.zfunc/_auditpack   # fpath+=~/.zfunc\n  auditpack completions fish > ~/.config/fish/completions/auditpack.fish\n  auditpack completions powershell >> $PROFILE"
    )]
    Completions(Completions),
    /// Print the manual page (roff), or write one page per subcommand with --out.
    #[command(
        long_about = "Print the manual page of auditpack in roff, generated from the same definition as --help, or \
with --out write auditpack.1 and a page for each subcommand (auditpack-collect.1, auditpack-report.1, ...) into DIR, \
replacing pages of those names.",
        after_help = "Examples:\n  auditpack man | man -l -\n  auditpack man --out ~/.local/share/man/man1 && man auditpack-report"
    )]
    Man(Man),
    /// Write the built-in templates to a directory, to edit and pass back with --templates.
    #[command(
        long_about = "Write the built-in templates (packet.html.hbs, control.html.hbs, style.css.hbs, \
summary.html.hbs) to DIR, to edit and pass back with --templates. An edited file is never overwritten: a file \
that already holds the built-in text is left as is, and if any differs nothing is written and every such file \
is named, unless --force. Other files in DIR are left alone.",
        after_help = "Examples:\n  auditpack templates --out my-templates\n  auditpack report --evidence e/ --out p/ --templates my-templates\n  auditpack templates --out my-templates --force\n\nThe second example restores the built-in text of files you edited."
    )]
    Templates {
        /// The directory to write the templates to (created if needed).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Overwrite files that differ from the built-in templates (your edits are lost).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct Completions {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct Man {
    /// Write a page for auditpack and one for each subcommand (auditpack-report.1, ...) into DIR instead of printing auditpack.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct Selection {
    /// Only these frameworks (repeat or comma-separate): gdpr, hipaa, pci-dss-4.0, in any case; the start of an id is enough (pci). Default: all.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub framework: Vec<String>,
    /// Only these formats (comma-separated). Default: html,pdf,json; oscal only when named.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<Format>,
    /// The audit period the packet covers, printed on the cover (e.g. "2026-10-01 to 2026-12-31").
    #[arg(long, value_name = "TEXT")]
    pub period: Option<String>,
    /// Who the packet is for, printed on the cover (e.g. "Acme Corp, external audit 2026-Q4").
    #[arg(long, value_name = "TEXT")]
    pub prepared_for: Option<String>,
    /// Who prepared the packet, printed on the cover and the sign-off page.
    #[arg(long, value_name = "TEXT")]
    pub prepared_by: Option<String>,
    /// Only this AWS account of an organisation bundle: its evidence, gaps and findings are evaluated alone (the packet still names the whole bundle's manifest hash).
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
}

/// The quarterly cycle: the previous period, accepted risks, the period, AWS attestations.
#[derive(Debug, clap::Args)]
pub struct Cycle {
    /// The previous period's packet directory (its results.json), a results.json, or its evidence bundle: every packet gains "Changes since" that period.
    #[arg(long, value_name = "PATH")]
    pub previous: Option<PathBuf>,
    /// Accepted risks (TOML, docs/exceptions.md): matching failures become accepted_risk until the entry's expires_on.
    #[arg(long, value_name = "FILE")]
    pub exceptions: Option<PathBuf>,
    /// First day of the audit period (YYYY-MM-DD): manual evidence attached before it does not count.
    #[arg(long, value_name = "DATE")]
    pub period_start: Option<chrono::NaiveDate>,
    /// Last day of the audit period (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub period_end: Option<chrono::NaiveDate>,
    /// AWS attestations with the dates of the reports you downloaded, replacing mappings/attestations.toml (docs/attestations.md).
    #[arg(long, value_name = "FILE")]
    pub attestations: Option<PathBuf>,
    /// Exit 1 when a control of the packet is in one of these states (after exceptions), naming them: new_failure (needs --previous), fail, not_assessed.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATE")]
    pub fail_on: Vec<FailOn>,
}

/// Control states `report --fail-on` exits 1 on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum FailOn {
    /// A control that fails now and did not in the previous period.
    NewFailure,
    /// A failing control (accepted risks are not failures here).
    Fail,
    /// A control that could not be assessed.
    NotAssessed,
}

impl FailOn {
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::NewFailure => "new_failure",
            FailOn::Fail => "fail",
            FailOn::NotAssessed => "not_assessed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    Text,
    Json,
}

/// Signing the manifest a command writes.
#[derive(Debug, clap::Args)]
pub struct Sign {
    /// Sign manifest.json with this unencrypted minisign secret key (from `auditpack keygen`): manifest.json.minisig is written beside it. The key is read before anything is written.
    #[arg(long = "sign", value_name = "KEYFILE")]
    pub key: Option<PathBuf>,
}

/// A region code (`eu-west-1`), checked before anything is sent; a typo gets a suggestion.
fn parse_region(s: &str) -> Result<String, String> {
    auditpack::collect::check_region(s).map(|()| s.to_string()).map_err(|e| e.to_string())
}

/// `http://` or `https://`, a host, maybe a port and a path: what the SDK can send to.
fn parse_endpoint(s: &str) -> Result<String, String> {
    let fix = "write it as http://HOST:PORT or https://HOST, e.g. http://127.0.0.1:5000 for an emulator";
    let Some(rest) = s.strip_prefix("http://").or_else(|| s.strip_prefix("https://")) else {
        return Err(format!("{s:?} is not an http:// or https:// URL\n  fix: {fix}"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.find(']') {
        Some(end) => (&authority[..=end], authority[end + 1..].strip_prefix(':')),
        None => match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    let host_ok = !host.is_empty() && !host.contains('@') && host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._[]:".contains(&b));
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    if !host_ok || !port_ok || s.chars().any(char::is_whitespace) {
        return Err(format!("{s:?} has no usable host{}\n  fix: {fix}", if port_ok { "" } else { " and port" }));
    }
    Ok(s.to_string())
}

/// A hex SHA-256 as printed by `collect` (64 hex digits, either case).
fn parse_sha256(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(format!("{s:?} is not a SHA-256 (64 hexadecimal digits, as `auditpack collect` prints it)"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[cfg(test)]
mod tests {
    use super::parse_endpoint;

    #[test]
    fn endpoint_urls_need_a_scheme_a_host_and_a_port_that_is_a_number() {
        for ok in [
            "http://127.0.0.1:5000",
            "https://config.eu-west-1.amazonaws.com",
            "http://localhost:4566/",
            "http://[::1]:5000",
            "http://[::1]",
        ] {
            assert!(parse_endpoint(ok).is_ok(), "{ok}");
        }
        for bad in ["127.0.0.1:5000", "http://", "http://:5000", "http://host:port", "http://host:70000", "ftp://host", "http://a b"] {
            let e = parse_endpoint(bad).unwrap_err();
            assert!(e.contains("fix: write it as http://HOST:PORT"), "{bad}: {e}");
        }
    }
}
