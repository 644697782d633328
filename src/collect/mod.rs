//! `collect`: the only stage that talks to AWS. It reads IAM (global) and AWS Config (per region)
//! with the AWS SDK for Rust and writes an evidence bundle: one AWS-CLI-shaped file per call
//! (pages merged), then `manifest.json` last, so an interrupted run never leaves a bundle that
//! verifies.
//!
//! A call that fails after the SDK's retries becomes a `gap` in the manifest and collection goes
//! on; a call that answers "there is none" (no password policy) is recorded under `absent`.
//! Credentials, region and profile come from the standard `aws-config` chain; nothing here
//! handles a secret.

/// Pages of a paginator merged, or the failure of the first page that failed.
macro_rules! all_pages {
    ($ctx:expr, $paginator:expr, $items:ident) => {{
        let mut pages = $paginator.send();
        let mut out: Vec<serde_json::Value> = Vec::new();
        let mut failure = None;
        loop {
            let page = $ctx.limited(pages.next()).await;
            match page {
                None => break,
                Some(Ok(p)) => out.extend(p.$items().iter().map($crate::collect::json::ToJson::to_json)),
                Some(Err(e)) => {
                    failure = Some($crate::collect::Failure::from_sdk(&e));
                    break;
                }
            }
        }
        match failure {
            None => Ok(out),
            Some(f) => Err(f),
        }
    }};
}

mod aggregate;
mod calls;
mod config;
mod iam;
pub mod json;
mod org;
mod progress;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use chrono::{SubsecRound, Utc};
use serde_json::Value;
use tokio::sync::Semaphore;

pub use calls::{CallLog, Failure};
pub use org::parse_accounts;
pub use progress::Progress;

use crate::evidence::{
    sha256_hex, Absent, FileEntry, Gap, Manifest, Signature, SignatureChange, Signer, Tool, MANIFEST_FILE, SCHEMA_VERSION,
};

/// Regions of the commercial partition where AWS Config runs, for `--all-regions`. Regions the
/// account has not opted into answer with an authentication error and are reported as gaps.
pub const ALL_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

#[derive(Debug, Clone)]
pub struct Options {
    /// The bundle directory: created, or an existing empty directory.
    pub out: PathBuf,
    pub profile: Option<String>,
    /// Regions to read AWS Config in; empty means the region of the credential chain.
    pub regions: Vec<String>,
    pub all_regions: bool,
    /// One endpoint for every service (an emulator, a proxy); the standard `AWS_ENDPOINT_URL*`
    /// variables work too.
    pub endpoint_url: Option<String>,
    /// Calls in flight at once, across regions.
    pub concurrency: usize,
    /// Attempts per call, the first included (adaptive retry with exponential backoff).
    pub max_attempts: u32,
    /// Time limit of one attempt of one call.
    pub attempt_timeout: Duration,
    /// First retry delay; doubles per attempt, with jitter.
    pub initial_backoff: Duration,
    /// How long to wait for IAM to finish generating the credential report.
    pub report_wait: Duration,
    /// Sign the manifest (`manifest.json.minisig`, written right after it). The CLI loads the
    /// key before any call, so a bad key costs no request.
    pub signer: Option<Signer>,
    /// The role assumed in every account other than the caller's (`arn:aws:iam::<id>:role/NAME`).
    pub role_name: Option<String>,
    /// The accounts to read (`--accounts FILE`); empty means the caller's account alone.
    pub accounts: Vec<String>,
    /// Read the accounts from organizations:ListAccounts (the active ones).
    pub organization: bool,
    /// Read AWS Config evidence through this aggregator instead of account by account.
    pub aggregator: Option<String>,
    /// The region the aggregator lives in (default: the configured one).
    pub aggregator_region: Option<String>,
    /// Accounts read at once (each with its own assumed credentials); calls stay bounded by
    /// `concurrency` across all of them.
    pub parallel_accounts: usize,
}

impl Options {
    pub fn new(out: impl Into<PathBuf>) -> Options {
        Options {
            out: out.into(),
            profile: None,
            regions: Vec::new(),
            all_regions: false,
            endpoint_url: None,
            concurrency: 8,
            max_attempts: 4,
            attempt_timeout: Duration::from_secs(30),
            initial_backoff: Duration::from_secs(1),
            report_wait: Duration::from_secs(120),
            signer: None,
            role_name: None,
            accounts: Vec::new(),
            organization: false,
            aggregator: None,
            aggregator_region: None,
            parallel_accounts: 4,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path} already holds files\n  fix: collect into a new or empty directory (each collection is its own bundle)")]
    OutNotEmpty { path: PathBuf },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "cannot identify the AWS account (sts:GetCallerIdentity): {message}\n  fix: check the credentials (`aws sts get-caller-identity` with the same profile), or pass --profile"
    )]
    Identity { message: String },
    #[error("no AWS credentials found{}\n  fix: {}", no_credentials_where(profile), no_credentials_fix(profile))]
    NoCredentials { profile: Option<String> },
    #[error(
        "cannot reach {url} (sts:GetCallerIdentity): {why}\n  fix: check the address and that the endpoint is up and reachable from here (proxy, firewall, VPC endpoint); the credentials were never checked, nothing reached AWS"
    )]
    Unreachable { url: String, why: String },
    #[error(
        "no AWS region is configured\n  fix: pass --region (repeatable) or --all-regions, or set AWS_REGION or a region in the profile"
    )]
    NoRegion,
    #[error(
        "{region:?} is not an AWS region name{}\n  fix: pass region codes such as us-east-1 or eu-west-1",
        suggestion.as_ref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default()
    )]
    BadRegion { region: String, suggestion: Option<String> },
    #[error(
        "nothing could be collected: all {} call(s) failed, the first with {}\n  fix: check that the credentials may read IAM and AWS Config (policy/auditpack-readonly.json) and that the endpoints are reachable",
        gaps.len(),
        gaps.first().map(|g| format!("{} {}: {}", g.api, g.error, g.message)).unwrap_or_default()
    )]
    NothingCollected { gaps: Vec<Gap> },
    #[error(
        "cannot list the organisation's accounts (organizations:ListAccounts): {message}\n  fix: run collect with credentials of the management account or of a delegated administrator, or name the accounts with --accounts FILE"
    )]
    Organization { message: String },
    #[error(
        "cannot read the AWS Config aggregator {name:?} in {region} (config:DescribeConfigurationAggregatorSourcesStatus): {message}\n  fix: check the aggregator's name and region (`aws configservice describe-configuration-aggregators --region {region}`), or pass --aggregator-region"
    )]
    Aggregator { name: String, region: String, message: String },
    /// Signing the manifest failed.
    #[error("{0}")]
    Evidence(#[from] crate::evidence::Error),
}

/// What a collection produced.
#[derive(Debug)]
pub struct Outcome {
    pub manifest: Manifest,
    /// SHA-256 of manifest.json: the bundle's identity.
    pub manifest_sha256: String,
    /// The signature written beside the manifest, with `Options::signer`.
    pub signature: Option<Signature>,
    /// Every request the SDK sent (retries included), as `service:Operation`, in order.
    pub calls: Vec<String>,
}

impl Outcome {
    /// Requests sent to one service (`iam`, `config`, `sts`).
    pub fn calls_to(&self, service: &str) -> usize {
        self.calls.iter().filter(|c| c.split(':').next() == Some(service)).count()
    }
}

/// The SDK configuration loader with auditpack's retry, timeout, profile, region and endpoint
/// settings; `collect` loads it, tests add an HTTP client or credentials before loading.
pub fn loader(opts: &Options) -> aws_config::ConfigLoader {
    let attempts = opts.max_attempts.max(1);
    let retry = RetryConfig::adaptive().with_max_attempts(attempts).with_initial_backoff(opts.initial_backoff);
    // The whole call (all attempts and the waits between them) is bounded as well.
    let total = opts.attempt_timeout * attempts + Duration::from_secs(20) * (attempts - 1);
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(10).min(opts.attempt_timeout))
        .operation_attempt_timeout(opts.attempt_timeout)
        .operation_timeout(total)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(retry).timeout_config(timeouts);
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(r) = opts.regions.first() {
        loader = loader.region(Region::new(r.clone()));
    }
    loader
}

/// Collect a bundle into `opts.out` with an already loaded SDK configuration.
pub async fn run(opts: &Options, sdk: &SdkConfig, progress: &Progress) -> Result<Outcome, Error> {
    let regions = select_regions(opts, sdk)?;
    let created = prepare_out(&opts.out)?;
    let outcome = collect_into(opts, sdk, progress, regions).await;
    if outcome.is_err() {
        // A run that fails (no credentials, an unreachable endpoint, an aggregator that cannot
        // be read) leaves --out as it found it: not there, or empty.
        discard_out(&opts.out, created);
    }
    outcome
}

async fn collect_into(opts: &Options, sdk: &SdkConfig, progress: &Progress, regions: Vec<String>) -> Result<Outcome, Error> {
    // Whole seconds: the start rounded down, the end (below) rounded up, so every time the
    // evidence carries lies between the two.
    let started_at = Utc::now().trunc_subsecs(0);
    let log = CallLog::default();

    // STS and IAM are asked in the configured region or else the first selected one (IAM is
    // global: its endpoint signs for us-east-1 in the commercial partition whatever it is).
    let home = sdk.region().cloned().unwrap_or_else(|| Region::new(regions[0].clone()));
    let sts = aws_sdk_sts::Client::from_conf(aws_sdk_sts::config::Builder::from(sdk).region(home.clone()).interceptor(log.clone()).build());
    let identity = sts.get_caller_identity().send().await.map_err(|e| identity_error(opts, &home, &e))?;
    let caller = identity.account().unwrap_or_default().to_string();
    if !org::is_account_id(&caller) {
        return Err(Error::Identity { message: format!("the answer names no 12-digit account id ({caller:?})") });
    }

    let permits = Semaphore::new(opts.concurrency.max(1));
    let state = Mutex::new(State::default());
    let base = Ctx { out: &opts.out, account: caller.clone(), permits: &permits, state: &state, progress, report_wait: opts.report_wait };

    // The accounts: the caller's alone, a list, or the organisation's; an aggregator adds those
    // it aggregates.
    let mut accounts: BTreeSet<String> = if opts.organization {
        org::list_accounts(&base, sdk, &home, &log).await?
    } else if !opts.accounts.is_empty() {
        opts.accounts.iter().cloned().collect()
    } else {
        BTreeSet::from([caller.clone()])
    };
    if let Some(name) = &opts.aggregator {
        let region = opts.aggregator_region.clone().map(Region::new).unwrap_or_else(|| home.clone());
        let conf = aws_sdk_config::config::Builder::from(sdk).region(region.clone()).interceptor(log.clone()).build();
        let client = aws_sdk_config::Client::from_conf(conf);
        let found = aggregate::collect(&base, &client, name, region.as_ref(), &regions, &accounts).await?;
        accounts.extend(found);
    }
    let accounts: Vec<String> = accounts.into_iter().collect();

    progress.start(&accounts, &regions);
    let slots = Semaphore::new(opts.parallel_accounts.max(1));
    let each = accounts.iter().map(|account| {
        let (base, slots, sts, log, regions, home, caller) = (&base, &slots, &sts, &log, &regions, &home, &caller);
        async move {
            let _slot = slots.acquire().await.expect("the semaphore is never closed");
            let clients = Clients { sdk, sts, log, home };
            collect_account(opts, base.for_account(account), caller, clients, regions).await
        }
    });
    let mut collected_regions = BTreeSet::new();
    for result in futures_util::future::join_all(each).await {
        collected_regions.extend(result?);
    }

    let state = state.into_inner().expect("no collection task panicked while holding the state");
    if state.files.is_empty() {
        // No manifest: an empty bundle must not verify as if it were evidence.
        progress.finish();
        return Err(Error::NothingCollected { gaps: state.gaps });
    }
    let ended = Utc::now();
    let collected_at = if ended.trunc_subsecs(0) == ended { ended } else { ended.trunc_subsecs(0) + chrono::Duration::seconds(1) };
    let mut manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "auditpack".into(), version: env!("CARGO_PKG_VERSION").into() },
        collection_started_at: started_at,
        collected_at,
        accounts,
        regions: collected_regions.into_iter().collect(),
        files: state.files,
        gaps: state.gaps,
        absent: state.absent,
        manual: Vec::new(),
    };
    manifest.files.sort_by(|a, b| a.path.cmp(&b.path));
    let order = |e: &Gap| (e.account.clone(), e.region.clone(), e.path.clone(), e.api.clone());
    manifest.gaps.sort_by_key(order);
    manifest.absent.sort_by(|a, b| (&a.account, &a.region, &a.path, &a.api).cmp(&(&b.account, &b.region, &b.path, &b.api)));
    let path = opts.out.join(MANIFEST_FILE);
    let bytes = manifest.to_json();
    let prepared = crate::evidence::sign::prepare(opts.signer.as_ref(), &bytes)?;
    crate::util::write_atomic(&path, &bytes).map_err(|source| Error::Io { path, source })?;
    let signature = match crate::evidence::sign::after_write(&opts.out, None, &bytes, prepared)? {
        SignatureChange::Signed(s) => Some(s),
        _ => None,
    };
    progress.finish();
    Ok(Outcome { manifest, manifest_sha256: sha256_hex(&bytes), signature, calls: log.calls() })
}

/// What every account's clients are built from.
struct Clients<'a> {
    sdk: &'a SdkConfig,
    sts: &'a aws_sdk_sts::Client,
    log: &'a CallLog,
    home: &'a Region,
}

/// One account: IAM once and AWS Config in every region (only what the aggregator does not
/// hold, when there is one), with the caller's own credentials in the caller's account and the
/// role's in every other. An account that cannot be entered is a gap for every document it
/// would have had. Returns the regions collected.
async fn collect_account(
    opts: &Options,
    ctx: Ctx<'_>,
    caller: &str,
    clients: Clients<'_>,
    regions: &[String],
) -> Result<Vec<String>, Error> {
    let Clients { sdk, sts, log, home } = clients;
    let aggregated = opts.aggregator.is_some();
    let credentials = if ctx.account == caller {
        None
    } else {
        let entered = match &opts.role_name {
            Some(role) => org::assume(&ctx, sts, role).await,
            None => Err(Failure::new(
                "NoRole",
                format!(
                    "account {} is read through the aggregator only: IAM and the Config settings of another account need a role (pass --role-name)",
                    ctx.account
                ),
            )),
        };
        match entered {
            Ok(credentials) => Some(credentials),
            Err(failure) => {
                org::unreachable(&ctx, regions, aggregated, &failure);
                ctx.progress.done(&format!("{}: not read ({failure})", ctx.account));
                return Ok(Vec::new());
            }
        }
    };
    let mut iam = aws_sdk_iam::config::Builder::from(sdk).region(home.clone()).interceptor(log.clone());
    if let Some(c) = &credentials {
        iam = iam.credentials_provider(c.clone());
    }
    let iam = aws_sdk_iam::Client::from_conf(iam.build());
    let regional = regions.iter().map(|region| {
        let mut conf = aws_sdk_config::config::Builder::from(sdk).region(Region::new(region.clone())).interceptor(log.clone());
        if let Some(c) = &credentials {
            conf = conf.credentials_provider(c.clone());
        }
        let client = aws_sdk_config::Client::from_conf(conf.build());
        config::collect_region(&ctx, client, region.clone(), opts.all_regions, aggregated)
    });
    let (iam_result, region_results) = tokio::join!(iam::collect(&ctx, &iam), futures_util::future::join_all(regional));
    iam_result?;
    let mut collected = Vec::new();
    for (region, result) in regions.iter().zip(region_results) {
        if result? {
            collected.push(region.clone());
        }
    }
    Ok(collected)
}

fn select_regions(opts: &Options, sdk: &SdkConfig) -> Result<Vec<String>, Error> {
    let mut regions: Vec<String> = if opts.all_regions {
        ALL_REGIONS.iter().map(|r| r.to_string()).collect()
    } else if !opts.regions.is_empty() {
        opts.regions.clone()
    } else {
        vec![sdk.region().ok_or(Error::NoRegion)?.to_string()]
    };
    regions.sort();
    regions.dedup();
    for r in regions.iter().chain(&opts.aggregator_region) {
        check_region(r)?;
    }
    Ok(regions)
}

/// A region code has the form `<area>-<place>-<n>` (`us-gov-west-1` has more parts). Names
/// outside the built-in list are accepted (GovCloud, China, new regions), typos are not.
pub fn check_region(region: &str) -> Result<(), Error> {
    let parts: Vec<&str> = region.split('-').collect();
    let shaped = parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if shaped {
        return Ok(());
    }
    let suggestion = ALL_REGIONS
        .iter()
        .map(|known| (strsim::levenshtein(known, &region.to_ascii_lowercase()), *known))
        .min()
        .filter(|(distance, _)| *distance <= 3)
        .map(|(_, known)| known.to_string());
    Err(Error::BadRegion { region: region.to_string(), suggestion })
}

fn no_credentials_where(profile: &Option<String>) -> String {
    match profile {
        Some(p) => format!(": profile {p:?} is in neither the AWS config nor the credentials file, and no other source (environment, web identity, container, instance metadata) has any"),
        None => " in the environment, the default profile, web identity, the container or instance metadata".into(),
    }
}

fn no_credentials_fix(profile: &Option<String>) -> String {
    match profile {
        Some(p) => format!("create profile {p:?} (`aws configure --profile {p}` or `aws configure sso`), or pass --profile with one of `aws configure list-profiles`"),
        None => "pass --profile NAME, or set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into(),
    }
}

/// The texts of an error and its sources, each once, without the Debug dump the SDK adds.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(e);
    while let Some(err) = next {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ")
}

/// Why the first call failed, in the user's terms: no credentials (naming the profile asked
/// for), an endpoint that cannot be reached (naming it), or what STS answered.
fn identity_error(
    opts: &Options,
    home: &Region,
    e: &aws_sdk_sts::error::SdkError<
        aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
) -> Error {
    use aws_sdk_sts::error::SdkError;
    if let SdkError::DispatchFailure(d) = e {
        let why = std::error::Error::source(e).map(error_chain).unwrap_or_else(|| e.to_string());
        if d.is_io() || d.is_timeout() {
            let url = opts
                .endpoint_url
                .clone()
                .or_else(|| std::env::var("AWS_ENDPOINT_URL_STS").ok())
                .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
                .unwrap_or_else(|| format!("https://sts.{home}.amazonaws.com"));
            return Error::Unreachable { url, why };
        }
        if why.contains("no credentials") || why.contains("credential provider") || why.contains("CredentialsNotLoaded") {
            let profile = opts.profile.clone().or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
            return Error::NoCredentials { profile };
        }
    }
    Error::Identity { message: Failure::from_sdk(e).to_string() }
}

/// An empty or new --out; whether it was created here.
fn prepare_out(out: &Path) -> Result<bool, Error> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::OutNotEmpty { path: out.to_path_buf() });
            }
            Ok(false)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(out).map_err(|source| Error::Io { path: out.to_path_buf(), source })?;
            Ok(true)
        }
        Err(source) => Err(Error::Io { path: out.to_path_buf(), source }),
    }
}

/// Undo `prepare_out` after a failed run: remove the directory it created, or empty the one
/// that was empty before (everything in it was written by this run).
fn discard_out(out: &Path, created: bool) {
    let removed = if created {
        std::fs::remove_dir_all(out)
    } else {
        std::fs::read_dir(out).and_then(|entries| {
            for entry in entries {
                let path = entry?.path();
                if path.is_dir() && !path.is_symlink() {
                    std::fs::remove_dir_all(&path)?
                } else {
                    std::fs::remove_file(&path)?
                }
            }
            Ok(())
        })
    };
    if let Err(e) = removed {
        tracing::warn!(path = %out.display(), error = %e, "could not remove what the failed run wrote");
    }
}

#[cfg(test)]
mod tests {
    use super::check_region;

    #[test]
    fn region_names_are_checked_and_typos_get_a_suggestion() {
        for ok in ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-7"] {
            assert!(check_region(ok).is_ok(), "{ok}");
        }
        let err = check_region("us-east1").unwrap_err().to_string();
        assert!(err.contains("did you mean us-east-1?"), "{err}");
        assert!(check_region("").is_err());
        assert!(check_region("US-EAST-1").is_err());
    }
}

#[derive(Default)]
struct State {
    files: Vec<FileEntry>,
    gaps: Vec<Gap>,
    absent: Vec<Absent>,
}

/// What every collection task of one account shares: where to write, the account, and (with
/// every other account of the run) the bound on calls in flight and the manifest entries
/// gathered so far.
#[derive(Clone)]
pub(crate) struct Ctx<'a> {
    out: &'a Path,
    pub account: String,
    permits: &'a Semaphore,
    state: &'a Mutex<State>,
    pub progress: &'a Progress,
    pub report_wait: Duration,
}

impl Ctx<'_> {
    /// The same run, writing for another account.
    pub fn for_account(&self, account: &str) -> Self {
        Ctx { account: account.to_string(), ..self.clone() }
    }

    /// Run one call once a slot is free: at most `--concurrency` calls are in flight.
    pub async fn limited<F: std::future::Future>(&self, call: F) -> F::Output {
        let _slot = self.permits.acquire().await.expect("the semaphore is never closed");
        call.await
    }

    /// Write one evidence file (atomically) and list it for the manifest.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        let full = self.out.join(path);
        crate::util::write_atomic(&full, bytes).map_err(|source| Error::Io { path: full, source })?;
        let entry = FileEntry { path: path.to_string(), sha256: sha256_hex(bytes), bytes: bytes.len() as u64 };
        self.state.lock().expect("state lock").files.push(entry);
        self.progress.file(path);
        Ok(())
    }

    /// Write a JSON evidence file; returns the bytes written.
    pub fn write_json(&self, path: &str, value: &Value) -> Result<Vec<u8>, Error> {
        let bytes = json::to_cli_bytes(value);
        self.write(path, &bytes)?;
        Ok(bytes)
    }

    /// A call that failed after retries: its file is not written, the manifest says why.
    pub fn gap(&self, api: &str, region: Option<&str>, path: &str, failure: Failure) {
        self.gap_entry(api, region, Some(path), failure);
    }

    /// A gap for every document `api` writes in this account and region (no path: the call that
    /// would have named them was never made).
    pub fn gap_all(&self, api: &str, region: Option<&str>, failure: Failure) {
        self.gap_entry(api, region, None, failure);
    }

    fn gap_entry(&self, api: &str, region: Option<&str>, path: Option<&str>, failure: Failure) {
        tracing::warn!(api, account = self.account, region, path, error = %failure.code, "gap: {}", failure.message);
        self.progress.gap(&self.account, api, region, &failure);
        self.state.lock().expect("state lock").gaps.push(Gap {
            api: api.to_string(),
            account: self.account.clone(),
            region: region.map(str::to_string),
            path: path.map(str::to_string),
            error: failure.code,
            message: failure.message,
        });
    }

    /// A call that answered "there is none".
    pub fn absent(&self, api: &str, region: Option<&str>, path: &str, failure: Failure) {
        self.state.lock().expect("state lock").absent.push(Absent {
            api: api.to_string(),
            account: self.account.clone(),
            region: region.map(str::to_string),
            path: Some(path.to_string()),
            error: failure.code,
            message: failure.message,
        });
    }
}
