//! The offline pipeline end to end: a verified bundle → checks → controls → packet files.

use std::path::PathBuf;

use anyhow::Result;

use crate::evidence::Bundle;
use crate::mappings::Catalog;
use crate::output;
use crate::render::{html::HtmlRenderer, oscal, pdf, Packet};
use crate::report::{self, Report};

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    /// <framework>.html and summary.html
    Html,
    /// <framework>.pdf and summary.pdf
    Pdf,
    /// results.json (docs/results.md)
    Json,
    /// controls.csv and findings.csv (one row per framework × control, one per finding); not in the default
    Csv,
    /// <framework>.oscal.json: OSCAL 1.2.1 assessment results for OSCAL tools (docs/oscal.md); not in the default
    Oscal,
}

impl Format {
    /// The formats written when none is asked for: CSV and OSCAL are left out, since they are for
    /// tools that import them and not part of the packet people read.
    pub const DEFAULT: [Format; 3] = [Format::Html, Format::Pdf, Format::Json];
}

#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub out: PathBuf,
    /// Framework ids; empty means every framework of the catalogue.
    pub frameworks: Vec<String>,
    /// Formats; empty means [`Format::DEFAULT`].
    pub formats: Vec<Format>,
    pub mappings: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    /// Printed on the cover: the audit period covered.
    pub period: Option<String>,
    /// Printed on the cover: who the packet is for.
    pub prepared_for: Option<String>,
    /// Printed on the cover and the sign-off page: who prepared it.
    pub prepared_by: Option<String>,
    /// The first and last day of the audit period: documents attached before the start do not
    /// evidence this period.
    pub period_start: Option<chrono::NaiveDate>,
    pub period_end: Option<chrono::NaiveDate>,
    /// The accepted risks (`--exceptions FILE`).
    pub exceptions: Option<PathBuf>,
    /// The previous period's packet directory, results.json or evidence bundle (`--previous`).
    pub previous: Option<PathBuf>,
    /// AWS attestations replacing the built-in `mappings/attestations.toml` (`--attestations`).
    pub attestations: Option<PathBuf>,
}

impl ReportOptions {
    /// Options writing the default formats of every framework to `out`, with nothing else set.
    pub fn new(out: PathBuf) -> ReportOptions {
        ReportOptions {
            out,
            frameworks: Vec::new(),
            formats: Vec::new(),
            mappings: None,
            templates: None,
            period: None,
            prepared_for: None,
            prepared_by: None,
            period_start: None,
            period_end: None,
            exceptions: None,
            previous: None,
            attestations: None,
        }
    }
}

/// Read what the options name (exceptions, attestations, the previous period) before any work,
/// so a bad file costs nothing.
fn read_inputs(catalog: &Catalog, selected: &[&crate::mappings::Framework], opts: &ReportOptions) -> Result<Inputs> {
    use crate::report::{changes, manual};
    if let (Some(s), Some(e)) = (opts.period_start, opts.period_end) {
        anyhow::ensure!(s <= e, "--period-start {s} is after --period-end {e}\n  fix: give the first and the last day of the audit period");
    }
    let exceptions = opts.exceptions.as_deref().map(|p| crate::exceptions::Exceptions::load(p, catalog)).transpose()?;
    let attestations = crate::mappings::attestations::Attestations::load(opts.attestations.as_deref(), catalog)?;
    let previous = opts
        .previous
        .as_deref()
        .map(|p| {
            changes::Previous::load(p, |dir| {
                let b = Bundle::open(dir)?;
                let mut r = report::build(&b, selected, &catalog.service_models);
                manual::apply(&mut r, &b.manifest.manual, None);
                Ok(r)
            })
        })
        .transpose()?;
    Ok(Inputs { exceptions, attestations, previous })
}

/// What the options read from files, read once per run.
struct Inputs {
    exceptions: Option<crate::exceptions::Exceptions>,
    attestations: crate::mappings::attestations::Attestations,
    previous: Option<crate::report::changes::Previous>,
}

/// The report of a bundle (inputs already read) with everything the options add to it: accepted risks, attached
/// manual evidence, AWS attestations and the comparison with `previous`, when given. Warnings
/// (exceptions that matched nothing or expired) go to `progress`.
fn evaluate(
    bundle: &Bundle,
    catalog: &Catalog,
    selected: &[&crate::mappings::Framework],
    opts: &ReportOptions,
    inputs: &Inputs,
    previous: Option<&crate::report::changes::Previous>,
    progress: &mut dyn FnMut(&str),
) -> Result<Report> {
    use crate::report::{accept, attest, changes, manual};
    let (exceptions, attestations) = (&inputs.exceptions, &inputs.attestations);
    progress(&format!("evaluating {} framework(s) on {} evidence files", selected.len(), bundle.manifest.files.len()));
    let mut report = report::build(bundle, selected, &catalog.service_models);
    let today = report::generation_time(bundle.manifest.collected_at).date_naive();
    if opts.period_start.is_some() || opts.period_end.is_some() {
        report.period = Some(report::Period { start: opts.period_start, end: opts.period_end });
    }
    if let Some(exc) = &exceptions {
        accept::apply(&mut report, exc, today);
        for r in &report.exceptions.as_ref().expect("just applied").entries {
            match r.state {
                accept::ExceptionState::Unmatched => progress(&format!(
                    "warning: {}:{}: exception {} ({}) matches no failing finding; it is listed in the packet as matching nothing",
                    exc.display,
                    r.entry.line,
                    r.entry.index,
                    r.entry.target_label()
                )),
                accept::ExceptionState::Expired => progress(&format!(
                    "warning: {}:{}: exception {} ({}) expired on {}; it no longer applies and is listed as expired",
                    exc.display,
                    r.entry.line,
                    r.entry.index,
                    r.entry.target_label(),
                    r.entry.expires_on
                )),
                accept::ExceptionState::Active => {}
            }
        }
    }
    manual::apply(&mut report, &bundle.manifest.manual, opts.period_start);
    attest::apply(&mut report, attestations, today);
    if let Some(prev) = previous {
        changes::compare(&mut report, prev)?;
    }
    Ok(report)
}

/// Build the report and write the requested files to `opts.out`, all at once (see
/// [`crate::output`]): an `out` holding a previous packet is replaced whole, one holding anything
/// else is refused. Returns the report and the written paths.
pub fn run(bundle: &mut Bundle, opts: &ReportOptions, progress: &mut dyn FnMut(&str)) -> Result<(Report, Vec<PathBuf>)> {
    let safety = output::Options::new(false).templates(opts.templates.as_deref()).mappings(opts.mappings.as_deref());
    let mut staging = output::Staging::begin(&opts.out, &safety, progress)?;
    let report = write(bundle, opts, &mut staging, progress)?;
    let written = staging.commit(&bundle.manifest_sha256, progress)?;
    Ok((report, written))
}

/// Build the report and write the requested files into `staging` (`opts.out` is not used: the
/// files reach it when the caller commits the staging).
///
/// The bundle's documents are released once the report is built (`Bundle::release_documents`);
/// its manifest stays.
pub fn write(bundle: &mut Bundle, opts: &ReportOptions, staging: &mut output::Staging, progress: &mut dyn FnMut(&str)) -> Result<Report> {
    let catalog = Catalog::load(opts.mappings.as_deref())?;
    let selected: Vec<&crate::mappings::Framework> = if opts.frameworks.is_empty() {
        catalog.frameworks.iter().collect()
    } else {
        let mut picked: Vec<&crate::mappings::Framework> = Vec::new();
        for name in &opts.frameworks {
            let f = catalog.select(name)?;
            // `pci` and `pci-dss-4.0` name one framework: one packet.
            if !picked.iter().any(|p| p.id == f.id) {
                picked.push(f);
            }
        }
        picked
    };
    let formats = if opts.formats.is_empty() { Format::DEFAULT.to_vec() } else { opts.formats.clone() };
    let inputs = read_inputs(&catalog, &selected, opts)?;
    let mut report = evaluate(bundle, &catalog, &selected, opts, &inputs, inputs.previous.as_ref(), progress)?;
    if bundle.accounts().len() > 1 {
        by_account(bundle, &catalog, &selected, opts, &inputs, &mut report, progress)?;
    }
    bundle.release_documents();
    let html = if formats.contains(&Format::Html) { Some(HtmlRenderer::new(opts.templates.as_deref())?) } else { None };
    // Every file is rendered from the finished report and independently of the others: render
    // them on all cores, then write them in one fixed order.
    let summary = crate::render::summary::SummaryView::new(&report, opts.prepared_for.clone());
    let mut jobs: Vec<Job> = Vec::new();
    if formats.contains(&Format::Csv) {
        jobs.push(Job::Csv);
    }
    jobs.push(Job::Summary);
    jobs.extend(report.frameworks.iter().map(Job::Framework));
    let render_job = |job: &Job| -> Result<Vec<(String, String, Vec<u8>)>> {
        let mut files = Vec::new();
        match job {
            Job::Csv => {
                files.push(("controls.csv".to_string(), crate::render::csv::controls(&report)));
            }
            Job::Summary => {
                if let Some(h) = &html {
                    files.push(("summary.html".to_string(), h.render_summary(&summary)?.into_bytes()));
                }
                if formats.contains(&Format::Pdf) {
                    files.push(("summary.pdf".to_string(), pdf::render_summary(&summary)));
                }
            }
            Job::Framework(f) => {
                if html.is_some() || formats.contains(&Format::Pdf) {
                    let mut packet = Packet::new(&report, f);
                    packet.period = opts.period.clone();
                    packet.prepared_for = opts.prepared_for.clone();
                    packet.prepared_by = opts.prepared_by.clone();
                    if let Some(h) = &html {
                        files.push((format!("{}.html", f.id), h.render(&packet)?.into_bytes()));
                    }
                    if formats.contains(&Format::Pdf) {
                        files.push((format!("{}.pdf", f.id), pdf::render(&packet)));
                    }
                }
                // OSCAL is written from the report itself, not from the packet view.
                if formats.contains(&Format::Oscal) {
                    files.push((format!("{}.oscal.json", f.id), oscal::assessment_results(&report, f)));
                }
            }
        }
        Ok(files.into_iter().map(|(name, bytes)| (name, crate::evidence::sha256_hex(&bytes), bytes)).collect())
    };
    // results.json and findings.csv are streamed to their files (they grow with the findings:
    // 110 MB each for 10,000 users and 100,000 items), never held in memory whole.
    if formats.contains(&Format::Json) {
        staging.write_streamed("results.json", |w| report.write_json(w))?;
        progress("rendered results.json");
    }
    if formats.contains(&Format::Csv) {
        staging.write_streamed("findings.csv", |w| crate::render::csv::findings(&report, w))?;
        progress("rendered findings.csv");
    }
    for rendered in crate::util::in_parallel(&jobs, render_job) {
        for (name, sha256, bytes) in rendered? {
            staging.write_hashed(&name, &bytes, sha256)?;
            progress(&format!("rendered {name}"));
        }
    }
    Ok(report)
}

/// Each account of an organisation bundle evaluated alone, with the same exceptions, attached
/// documents and attestations as read once for the run (no comparison with the previous
/// period), into every framework's `by_account`.
fn by_account(
    bundle: &mut Bundle,
    catalog: &Catalog,
    selected: &[&crate::mappings::Framework],
    opts: &ReportOptions,
    inputs: &Inputs,
    report: &mut Report,
    progress: &mut dyn FnMut(&str),
) -> Result<()> {
    let accounts = bundle.accounts().to_vec();
    for (i, account) in accounts.iter().enumerate() {
        progress(&format!("evaluating account {account} alone ({} of {})", i + 1, accounts.len()));
        bundle.set_scope(Some(account));
        // Its warnings were given for the whole bundle already.
        let one = evaluate(bundle, catalog, selected, opts, inputs, None, &mut |_| {});
        bundle.set_scope(None);
        for (f, of) in report.frameworks.iter_mut().zip(&one?.frameworks) {
            f.by_account.push(crate::report::AccountSummary::of(account, of));
        }
    }
    Ok(())
}

/// One piece of the packet to render.
enum Job<'a> {
    Csv,
    Summary,
    Framework(&'a crate::report::FrameworkReport),
}
