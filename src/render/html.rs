//! HTML packets: handlebars 6 in strict mode over the typed `Packet` view. The default templates
//! are compiled in; a `--templates DIR` replaces them file by file (`packet.html.hbs`,
//! `control.html.hbs`, `findings.html.hbs`, `style.css.hbs`, `summary.html.hbs`), and any other `*.hbs` there becomes a
//! partial. Every field a template names is checked against the view types when the templates
//! are loaded (`template_check`), so a typo fails `report` before anything is written.

use std::path::{Path, PathBuf};

use handlebars::Handlebars;

use super::summary::SummaryView;
use super::template_check::{self, Problem, Source, Sources};
use super::view::Packet;

/// The templates compiled into the binary: (file name, text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("packet.html.hbs", include_str!("../../templates/packet.html.hbs")),
    ("control.html.hbs", include_str!("../../templates/control.html.hbs")),
    ("findings.html.hbs", include_str!("../../templates/findings.html.hbs")),
    ("style.css.hbs", include_str!("../../templates/style.css.hbs")),
    ("summary.html.hbs", include_str!("../../templates/summary.html.hbs")),
];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}: the templates directory does not exist\n  fix: pass a directory holding packet.html.hbs and/or its partials, or leave out --templates")]
    NoDir(PathBuf),
    #[error("{path}: {err}")]
    Io { path: PathBuf, err: std::io::Error },
    #[error(
        "template {name}: {source}\n  fix: correct the template syntax; `auditpack templates --out DIR` writes the defaults to start from"
    )]
    Template { name: String, source: Box<handlebars::TemplateError> },
    #[error("{}", problems_text(.0))]
    Fields(Vec<Problem>),
    #[error("the schema of the {name} view cannot be traced: {reason}\n  fix: this is a bug in auditpack's view types; please report it")]
    Schema { name: &'static str, reason: String },
    #[error("rendering {name}: {source}\n  fix: the field exists but holds no value in this packet (fields that may be empty are null in some controls): guard it with {{{{#if field}}}} before {{{{#with field}}}} or {{{{#each field}}}}; docs/templates.md lists the fields")]
    Render { name: String, source: Box<handlebars::RenderError> },
}

/// At most this many problems are listed; the rest are counted.
const MAX_PROBLEMS: usize = 20;

fn problems_text(problems: &[Problem]) -> String {
    let mut lines: Vec<String> = problems.iter().take(MAX_PROBLEMS).map(Problem::to_string).collect();
    if problems.len() > MAX_PROBLEMS {
        lines.push(format!("… and {} more problems in the templates", problems.len() - MAX_PROBLEMS));
    }
    lines.join("\n")
}

pub struct HtmlRenderer {
    hb: Handlebars<'static>,
}

fn template_name(file: &str) -> &str {
    file.strip_suffix(".hbs").unwrap_or(file)
}

impl HtmlRenderer {
    pub fn new(override_dir: Option<&Path>) -> Result<HtmlRenderer, Error> {
        let mut hb = Handlebars::new();
        // Evidence strings are shown, never obeyed: HTML-escaped, and control and bidi characters
        // written out (render::visible).
        hb.register_escape_fn(|s| handlebars::html_escape(&super::visible::visible(s)));
        hb.set_strict_mode(true);
        hb.set_dev_mode(false);
        let mut sources = Sources::new();
        for (file, text) in BUILTIN {
            hb.register_template_string(template_name(file), *text)
                .map_err(|e| Error::Template { name: format!("built-in {file}"), source: Box::new(e) })?;
            sources.insert(template_name(file).to_string(), Source { label: format!("built-in {file}"), text: text.to_string() });
        }
        if let Some(dir) = override_dir {
            if !dir.is_dir() {
                return Err(Error::NoDir(dir.to_path_buf()));
            }
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|err| Error::Io { path: dir.to_path_buf(), err })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("hbs"))
                .collect();
            files.sort();
            for path in files {
                let text = std::fs::read_to_string(&path).map_err(|err| Error::Io { path: path.clone(), err })?;
                let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
                hb.register_template_string(template_name(&file), &text)
                    .map_err(|e| Error::Template { name: path.display().to_string(), source: Box::new(e) })?;
                sources.insert(template_name(&file).to_string(), Source { label: path.display().to_string(), text });
            }
        }
        let packet = template_check::schema_of::<Packet>().map_err(|reason| Error::Schema { name: "packet", reason })?;
        let summary = template_check::schema_of::<SummaryView>().map_err(|reason| Error::Schema { name: "summary", reason })?;
        let problems = template_check::check(&hb, &sources, &[("packet.html", packet), ("summary.html", summary)]);
        if !problems.is_empty() {
            return Err(Error::Fields(problems));
        }
        Ok(HtmlRenderer { hb })
    }

    /// The one-page management summary.
    pub fn render_summary(&self, summary: &SummaryView) -> Result<String, Error> {
        self.hb.render("summary.html", summary).map_err(|e| Error::Render { name: "summary.html".into(), source: Box::new(e) })
    }

    pub fn render(&self, packet: &Packet) -> Result<String, Error> {
        self.hb.render("packet.html", packet).map_err(|e| Error::Render { name: "packet.html".into(), source: Box::new(e) })
    }
}
