//! Framework catalogues: `mappings/<framework>.toml`, data not code.
//!
//! Each control names its official id, who owns it under the AWS Shared Responsibility Model,
//! how its evidence is obtained, and the checks behind it. Loading validates everything and
//! reports every problem with file, line, column and the fix: unknown keys, unknown owners or
//! evidence methods, unknown or duplicate ids, automated controls without checks.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::checks;

pub mod attestations;
pub mod config_rules;
pub mod service_models;
pub use service_models::ServiceModel;

/// The catalogues compiled into the binary, by file name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("gdpr.toml", include_str!("../../mappings/gdpr.toml")),
    ("hipaa.toml", include_str!("../../mappings/hipaa.toml")),
    ("pci-dss-4.0.toml", include_str!("../../mappings/pci-dss-4.0.toml")),
];

/// Who carries a control under the shared responsibility model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    Aws,
    Shared,
    Customer,
}

impl Owner {
    pub const ALL: [Owner; 3] = [Owner::Aws, Owner::Shared, Owner::Customer];
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Aws => "aws",
            Owner::Shared => "shared",
            Owner::Customer => "customer",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            Owner::Aws => "AWS",
            Owner::Shared => "Shared",
            Owner::Customer => "Customer",
        }
    }
}

/// How a control's evidence is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceMethod {
    /// Decided by auditpack's checks over collected evidence.
    Automated,
    /// Needs documents or interviews that no API holds.
    Manual,
    /// Carried by AWS and evidenced by AWS's own attestations (AWS Artifact).
    Inherited,
}

impl EvidenceMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceMethod::Automated => "automated",
            EvidenceMethod::Manual => "manual",
            EvidenceMethod::Inherited => "inherited",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    framework: RawFramework,
    #[serde(default, rename = "control")]
    controls: Vec<RawControl>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    id: Spanned<String>,
    name: String,
    version: Spanned<String>,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControl {
    id: Spanned<String>,
    section: String,
    title: String,
    description: String,
    owner: Spanned<Owner>,
    evidence: Spanned<EvidenceMethod>,
    #[serde(default)]
    checks: Vec<Spanned<String>>,
    #[serde(default)]
    aws_provides: Option<String>,
    #[serde(default)]
    manual_evidence: Option<String>,
    /// Area of the shared responsibility model (an id of mappings/service-models.toml).
    #[serde(default)]
    area: Option<Spanned<String>>,
    /// The owner under each service model, where it moves with the model.
    #[serde(default)]
    owner_by_model: Option<Spanned<BTreeMap<ServiceModel, Owner>>>,
}

/// A validated framework.
#[derive(Debug, Clone, Serialize)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub version: String,
    pub description: String,
    pub source_file: String,
    pub controls: Vec<Control>,
}

/// A validated control.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub id: String,
    pub section: String,
    pub title: String,
    pub description: String,
    pub owner: Owner,
    pub evidence: EvidenceMethod,
    pub checks: Vec<String>,
    /// For aws and shared controls: what AWS carries and which attestation evidences it.
    pub aws_provides: Option<String>,
    /// For manual controls: what the auditor should ask the customer for.
    pub manual_evidence: Option<String>,
    /// Area of the shared responsibility model, when the catalogue names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// The owner under each service model, for controls whose owner moves with the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_by_model: Option<BTreeMap<ServiceModel, Owner>>,
    /// The AWS Config rules whose results evidence it (`config-rules.toml`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub config_rules: Vec<config_rules::RuleKey>,
}

/// How a framework's controls divide: by owner, by evidence method, by section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub framework: String,
    pub version: String,
    pub controls: usize,
    /// aws, shared, customer (always all three keys).
    pub by_owner: std::collections::BTreeMap<&'static str, usize>,
    /// automated, manual, inherited (always all three keys).
    pub by_evidence: std::collections::BTreeMap<&'static str, usize>,
    /// Sections in catalogue order, with their control counts.
    pub by_section: Vec<(String, usize)>,
    /// Distinct checks the framework uses.
    pub checks: usize,
}

impl Framework {
    pub fn stats(&self) -> Stats {
        let mut by_owner: std::collections::BTreeMap<&'static str, usize> =
            [Owner::Aws, Owner::Shared, Owner::Customer].iter().map(|o| (o.as_str(), 0)).collect();
        let mut by_evidence: std::collections::BTreeMap<&'static str, usize> =
            [EvidenceMethod::Automated, EvidenceMethod::Manual, EvidenceMethod::Inherited].iter().map(|m| (m.as_str(), 0)).collect();
        let mut by_section: Vec<(String, usize)> = Vec::new();
        let mut checks = std::collections::BTreeSet::new();
        for c in &self.controls {
            *by_owner.entry(c.owner.as_str()).or_default() += 1;
            *by_evidence.entry(c.evidence.as_str()).or_default() += 1;
            match by_section.iter_mut().find(|(s, _)| *s == c.section) {
                Some((_, n)) => *n += 1,
                None => by_section.push((c.section.clone(), 1)),
            }
            checks.extend(c.checks.iter().map(String::as_str));
        }
        Stats {
            framework: self.id.clone(),
            version: self.version.clone(),
            controls: self.controls.len(),
            by_owner,
            by_evidence,
            by_section,
            checks: checks.len(),
        }
    }
}

/// One problem in a mapping file, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub fix: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}\n  fix: {}", self.file, self.line, self.column, self.message, self.fix)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", .0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
    #[error("{path}: {err}")]
    Io { path: PathBuf, err: std::io::Error },
    #[error("{0}: the mappings directory does not exist\n  fix: pass a directory holding <framework>.toml files, or leave out --mappings to use the built-in catalogues")]
    NoDir(PathBuf),
}

/// All frameworks, in file-name order, and the service-model table their areas refer to.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub frameworks: Vec<Framework>,
    pub service_models: service_models::Table,
    /// An `attestations.toml` of the override directory (how to name it, its text): it replaces
    /// the built-in attestations unless `--attestations` is given.
    pub attestations: Option<(String, String)>,
    /// Which controls each AWS Config rule evidences (built in, and a `config-rules.toml` of the
    /// override directory added to it); also set on each control as `config_rules`.
    pub config_rules: config_rules::RuleMap,
}

impl Catalog {
    /// The built-in catalogues, with files of `override_dir` replacing them by file name (and
    /// any further `*.toml` there added). A `service-models.toml` there replaces the built-in
    /// service-model table and an `attestations.toml` the built-in attestations, so a copy of the
    /// shipped `mappings/` directory works as it is.
    pub fn load(override_dir: Option<&Path>) -> Result<Catalog, Error> {
        let mut sources: BTreeMap<String, (String, String)> =
            BUILTIN.iter().map(|(name, text)| (name.to_string(), (format!("mappings/{name}"), text.to_string()))).collect();
        if let Some(dir) = override_dir {
            if !dir.is_dir() {
                return Err(Error::NoDir(dir.to_path_buf()));
            }
            let entries = std::fs::read_dir(dir).map_err(|err| Error::Io { path: dir.to_path_buf(), err })?;
            for entry in entries {
                let path = entry.map_err(|err| Error::Io { path: dir.to_path_buf(), err })?.path();
                if path.extension().and_then(|e| e.to_str()) == Some("toml") {
                    let text = std::fs::read_to_string(&path).map_err(|err| Error::Io { path: path.clone(), err })?;
                    let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
                    sources.insert(name, (path.display().to_string(), text));
                }
            }
        }
        let mut diagnostics = Vec::new();
        let table = match sources.remove(service_models::FILE) {
            None => service_models::Table::builtin(),
            Some((display, text)) => match service_models::Table::parse(&text, &display) {
                Ok(t) => t,
                Err(d) => return Err(Error::Invalid(d)),
            },
        };
        let attestations = sources.remove(attestations::FILE);
        let user_rules = sources.remove(config_rules::FILE);
        let mut frameworks: Vec<Framework> = Vec::new();
        for (name, (display, text)) in &sources {
            match parse(name, display, text, &table) {
                Ok(f) => frameworks.push(f),
                Err(mut d) => diagnostics.append(&mut d),
            }
        }
        if !diagnostics.is_empty() {
            return Err(Error::Invalid(diagnostics));
        }
        // The built-in rule file is strict against the built-in catalogues only.
        let builtin_catalogues = override_dir.is_none()
            || frameworks
                .iter()
                .all(|f| BUILTIN.iter().any(|(name, text)| f.source_file == format!("mappings/{name}") && !text.is_empty()));
        let mut rules = config_rules::parse(config_rules::BUILTIN, "mappings/config-rules.toml", &frameworks, None, builtin_catalogues)
            .map_err(Error::Invalid)?;
        if let Some((display, text)) = &user_rules {
            rules = config_rules::parse(text, display, &frameworks, Some(&rules), true).map_err(Error::Invalid)?;
        }
        for f in &mut frameworks {
            for c in &mut f.controls {
                c.config_rules = rules.for_control(&f.id, &c.id).into_iter().map(|r| r.key.clone()).collect();
            }
        }
        let catalog = Catalog { frameworks, service_models: table, attestations, config_rules: rules };
        // An attestations file of the directory is checked now, like the catalogues beside it.
        if let Some((display, text)) = &catalog.attestations {
            attestations::Attestations::parse(text, display, &catalog).map_err(Error::Invalid)?;
        }
        Ok(catalog)
    }

    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.frameworks.iter().map(|f| f.id.as_str()).collect()
    }

    /// The framework a user named on the command line: its id in any letter case, or the
    /// start of one id alone with punctuation left out (`PCI`, `pci-dss`, `HIPAA`); else an
    /// error that lists the ids, led by the closest when the name looks like a typo of one.
    pub fn select(&self, name: &str) -> anyhow::Result<&Framework> {
        if let Some(f) = self.framework(name) {
            return Ok(f);
        }
        let squash = |s: &str| -> String { s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect() };
        let key = squash(name);
        let hits: Vec<&Framework> =
            if key.is_empty() { Vec::new() } else { self.frameworks.iter().filter(|f| squash(&f.id).starts_with(&key)).collect() };
        match hits.as_slice() {
            [one] => Ok(one),
            [] => {
                let squashed: Vec<(String, &str)> = self.frameworks.iter().map(|f| (squash(&f.id), f.id.as_str())).collect();
                let near = crate::util::suggest(&key, squashed.iter().map(|(s, _)| s.as_str()))
                    .and_then(|s| squashed.iter().find(|(q, _)| q == s).map(|(_, id)| *id))
                    .map(|id| format!("did you mean `{id}`? "))
                    .unwrap_or_default();
                anyhow::bail!("unknown framework {name:?}\n  fix: {near}use one of: {}", self.ids().join(", "))
            }
            many => anyhow::bail!(
                "framework {name:?} could be any of {}\n  fix: name one of them in full",
                many.iter().map(|f| f.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map(|nl| before.len() - nl).unwrap_or(before.len() + 1);
    (line, column)
}

/// Parse and validate one mapping file against the service-model table its areas refer to.
/// `name` is its file name, `display` how to name it in messages.
pub fn parse(name: &str, display: &str, text: &str, table: &service_models::Table) -> Result<Framework, Vec<Diagnostic>> {
    let at = |span: Range<usize>, message: String, fix: &str| {
        let (line, column) = line_col(text, span.start);
        Diagnostic { file: display.to_string(), line, column, message, fix: fix.to_string() }
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_string();
        let fix = if message.contains("unknown field") {
            "remove or rename the key; allowed keys are listed in docs/mappings.md"
        } else if message.contains("unknown variant") {
            "owner is one of aws, shared, customer; evidence is one of automated, manual, inherited"
        } else if message.contains("missing field") {
            "add the missing key (see docs/mappings.md for what each control needs)"
        } else {
            "correct the TOML syntax at this position"
        };
        vec![at(span, message, fix)]
    })?;

    let mut diags = Vec::new();
    let expected_id = name.trim_end_matches(".toml");
    if raw.framework.id.get_ref() != expected_id {
        diags.push(at(
            raw.framework.id.span(),
            format!("framework id {:?} does not match the file name {name:?}", raw.framework.id.get_ref()),
            &format!("set id = \"{expected_id}\" or rename the file to {}.toml", raw.framework.id.get_ref()),
        ));
    }
    if raw.framework.version.get_ref().trim().is_empty() {
        diags.push(at(
            raw.framework.version.span(),
            "framework version is empty".into(),
            "give the version of the standard the catalogue follows",
        ));
    }
    let known: Vec<&str> = checks::registry().iter().map(|c| c.id).collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut controls = Vec::new();
    for c in raw.controls {
        let id = c.id.get_ref().clone();
        if let Some(first_line) = seen.get(&id) {
            diags.push(at(
                c.id.span(),
                format!("duplicate control id {id:?} (first defined on line {first_line})"),
                "give each control its own id, or merge the two entries",
            ));
        } else {
            seen.insert(id.clone(), line_col(text, c.id.span().start).0);
        }
        for check in &c.checks {
            if !known.contains(&check.get_ref().as_str()) {
                let suggestion = known
                    .iter()
                    .map(|k| (strsim::levenshtein(k, check.get_ref()), *k))
                    .min()
                    .filter(|(d, _)| *d <= 4)
                    .map(|(_, k)| format!(" (did you mean {k:?}?)"))
                    .unwrap_or_default();
                diags.push(at(
                    check.span(),
                    format!("unknown check id {:?}{suggestion}", check.get_ref()),
                    "use an id from `auditpack checks`",
                ));
            }
        }
        let (owner, evidence) = (*c.owner.get_ref(), *c.evidence.get_ref());
        match evidence {
            EvidenceMethod::Automated if c.checks.is_empty() => diags.push(at(
                c.evidence.span(),
                format!("control {id:?} is automated but lists no checks"),
                "add the checks that evidence it, or set evidence = \"manual\"",
            )),
            EvidenceMethod::Inherited if owner != Owner::Aws => diags.push(at(
                c.evidence.span(),
                format!("control {id:?} is inherited but its owner is {}", owner.as_str()),
                "only AWS-owned controls are inherited; use manual or automated for shared and customer controls",
            )),
            EvidenceMethod::Inherited if !c.checks.is_empty() => diags.push(at(
                c.evidence.span(),
                format!("control {id:?} is inherited but lists checks"),
                "inherited controls are evidenced by AWS attestations; remove the checks or change the owner",
            )),
            _ => {}
        }
        if owner != Owner::Customer && c.aws_provides.as_deref().unwrap_or("").trim().is_empty() {
            diags.push(at(
                c.owner.span(),
                format!("control {id:?} is owned by {} but does not say what AWS provides", owner.as_str()),
                "add aws_provides = \"...\" naming what AWS carries and the attestation (e.g. SOC 2, PCI DSS AOC) that evidences it",
            ));
        }
        if let Some(area) = &c.area {
            if table.area(area.get_ref()).is_none() {
                let known: Vec<&str> = table.areas.iter().map(|a| a.id.as_str()).collect();
                diags.push(at(area.span(), format!("unknown area {:?}", area.get_ref()), &format!("use one of: {}", known.join(", "))));
            }
        }
        if let Some(by_model) = &c.owner_by_model {
            let missing: Vec<&str> = ServiceModel::ALL.iter().filter(|m| !by_model.get_ref().contains_key(m)).map(|m| m.as_str()).collect();
            if !missing.is_empty() {
                diags.push(at(
                    by_model.span(),
                    format!("owner_by_model of {id:?} leaves out {}", missing.join(", ")),
                    "give the owner under every model: owner_by_model = { iaas = \"customer\", paas = \"aws\", saas = \"aws\" }",
                ));
            }
        }
        controls.push(Control {
            id,
            section: c.section,
            title: c.title,
            description: c.description,
            owner,
            evidence,
            checks: c.checks.into_iter().map(Spanned::into_inner).collect(),
            aws_provides: c.aws_provides,
            manual_evidence: c.manual_evidence,
            area: c.area.map(Spanned::into_inner),
            owner_by_model: c.owner_by_model.map(Spanned::into_inner),
            config_rules: Vec::new(),
        });
    }
    if controls.is_empty() {
        diags.push(at(0..0, "the file defines no [[control]]".into(), "add at least one [[control]] table"));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Framework {
        id: raw.framework.id.into_inner(),
        name: raw.framework.name,
        version: raw.framework.version.into_inner(),
        description: raw.framework.description,
        source_file: display.to_string(),
        controls,
    })
}

#[cfg(test)]
mod tests {
    use super::Catalog;

    #[test]
    fn a_framework_is_named_by_its_id_in_any_case_or_a_unique_start_and_a_typo_gets_a_suggestion() {
        let catalog = Catalog::load(None).unwrap();
        for (name, id) in [
            ("pci-dss-4.0", "pci-dss-4.0"),
            ("pci", "pci-dss-4.0"),
            ("PCI-DSS", "pci-dss-4.0"),
            ("PCI DSS 4", "pci-dss-4.0"),
            ("HIPAA", "hipaa"),
            ("Gdpr", "gdpr"),
        ] {
            assert_eq!(catalog.select(name).unwrap().id, id, "{name}");
        }
        let e = catalog.select("hipa-security").unwrap_err().to_string();
        assert!(e.starts_with("unknown framework \"hipa-security\"\n  fix: use one of: gdpr, hipaa, pci-dss-4.0"), "{e}");
        let e = catalog.select("gpdr").unwrap_err().to_string();
        assert!(e.contains("fix: did you mean `gdpr`? use one of:"), "{e}");
        assert!(catalog.select("-").is_err(), "punctuation alone names nothing");
        assert!(catalog.select("").is_err());
    }
}
