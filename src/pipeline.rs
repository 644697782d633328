//! The offline pipeline end to end: a verified bundle → checks → controls → packet files.

use std::path::PathBuf;

use anyhow::Result;

use crate::evidence::Bundle;
use crate::mappings::Catalog;
use crate::output;
use crate::render::{html::HtmlRenderer, pdf, Packet};
use crate::report::{self, Report};

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    Html,
    Pdf,
    Json,
}

#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub out: PathBuf,
    /// Framework ids; empty means every framework of the catalogue.
    pub frameworks: Vec<String>,
    /// Formats; empty means all.
    pub formats: Vec<Format>,
    pub mappings: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    /// Printed on the cover: the audit period covered.
    pub period: Option<String>,
    /// Printed on the cover: who the packet is for.
    pub prepared_for: Option<String>,
    /// Printed on the cover and the sign-off page: who prepared it.
    pub prepared_by: Option<String>,
}

/// Build the report and write the requested files to `opts.out`, all at once (see
/// [`crate::output`]): an `out` holding a previous packet is replaced whole, one holding anything
/// else is refused. Returns the report and the written paths.
pub fn run(bundle: &Bundle, opts: &ReportOptions, progress: &mut dyn FnMut(&str)) -> Result<(Report, Vec<PathBuf>)> {
    let safety = output::Options::new(false).templates(opts.templates.as_deref()).mappings(opts.mappings.as_deref());
    let mut staging = output::Staging::begin(&opts.out, &safety, progress)?;
    let report = write(bundle, opts, &mut staging, progress)?;
    let written = staging.commit(&bundle.manifest_sha256, progress)?;
    Ok((report, written))
}

/// Build the report and write the requested files into `staging` (`opts.out` is not used: the
/// files reach it when the caller commits the staging).
pub fn write(bundle: &Bundle, opts: &ReportOptions, staging: &mut output::Staging, progress: &mut dyn FnMut(&str)) -> Result<Report> {
    let catalog = Catalog::load(opts.mappings.as_deref())?;
    let selected: Vec<&crate::mappings::Framework> = if opts.frameworks.is_empty() {
        catalog.frameworks.iter().collect()
    } else {
        opts.frameworks.iter().map(|id| catalog.select(id)).collect::<Result<_>>()?
    };
    let formats = if opts.formats.is_empty() { vec![Format::Html, Format::Pdf, Format::Json] } else { opts.formats.clone() };
    progress(&format!("evaluating {} framework(s) on {} evidence files", selected.len(), bundle.manifest.files.len()));
    let report = report::build(bundle, &selected, &catalog.service_models);
    let html = if formats.contains(&Format::Html) { Some(HtmlRenderer::new(opts.templates.as_deref())?) } else { None };
    // Every file is rendered from the finished report and independently of the others: render
    // them on all cores, then write them in one fixed order.
    let summary = crate::render::summary::SummaryView::new(&report, opts.prepared_for.clone());
    let mut jobs: Vec<Job> = Vec::new();
    if formats.contains(&Format::Json) {
        jobs.push(Job::Results);
    }
    jobs.push(Job::Summary);
    jobs.extend(report.frameworks.iter().map(Job::Framework));
    let render_job = |job: &Job| -> Result<Vec<(String, String, Vec<u8>)>> {
        let mut files = Vec::new();
        match job {
            Job::Results => files.push(("results.json".to_string(), report.to_json())),
            Job::Summary => {
                if let Some(h) = &html {
                    files.push(("summary.html".to_string(), h.render_summary(&summary)?.into_bytes()));
                }
                if formats.contains(&Format::Pdf) {
                    files.push(("summary.pdf".to_string(), pdf::render_summary(&summary)));
                }
            }
            Job::Framework(f) => {
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
        }
        Ok(files.into_iter().map(|(name, bytes)| (name, crate::evidence::sha256_hex(&bytes), bytes)).collect())
    };
    for rendered in crate::util::in_parallel(&jobs, render_job) {
        for (name, sha256, bytes) in rendered? {
            staging.write_hashed(&name, &bytes, sha256)?;
            progress(&format!("rendered {name}"));
        }
    }
    Ok(report)
}

/// One piece of the packet to render.
enum Job<'a> {
    Results,
    Summary,
    Framework(&'a crate::report::FrameworkReport),
}
