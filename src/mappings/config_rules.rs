//! `mappings/config-rules.toml`: which framework controls each AWS Config rule evidences.
//!
//! Managed rules are recognised by their identifier (`Source.SourceIdentifier`, e.g.
//! `S3_BUCKET_SSL_REQUESTS_ONLY`), whatever name they were deployed under (conformance packs add
//! a suffix to every rule name). PCI DSS requirements are listed per rule, as AWS relates them in
//! its conformance-pack table; HIPAA specifications and GDPR articles follow from the rule's duty
//! (`[duty.<id>]`, each with the reason it evidences them), unless the rule lists its own. A rule
//! also names the auditpack checks that judge what it judges, so the two can be compared.
//!
//! A user's `config-rules.toml` (in `--mappings DIR`) adds to the built-in file: its duties and
//! rules are added, a rule it names replaces the built-in entry of that identifier, and custom
//! rules are mapped by the name they are deployed under (`name = "..."`). Everything is validated
//! with file:line:col and the fix: unknown identifiers, duties, frameworks, controls and checks.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{line_col, Diagnostic, EvidenceMethod, Framework};
use crate::checks;

/// The built-in file.
pub const BUILTIN: &str = include_str!("../../mappings/config-rules.toml");
pub const FILE: &str = "config-rules.toml";
/// The identifiers of the AWS Config managed rules.
const MANAGED: &str = include_str!("../../mappings/aws-config-managed-rules.txt");

/// Whether `id` is the identifier of an AWS Config managed rule.
pub fn is_managed(id: &str) -> bool {
    managed().contains(id)
}

fn managed() -> &'static BTreeSet<&'static str> {
    static SET: std::sync::OnceLock<BTreeSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| MANAGED.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect())
}

/// How a mapped rule is recognised in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKey {
    /// A managed rule, by `Source.SourceIdentifier`, under whatever name it was deployed.
    Identifier(String),
    /// A custom rule, by the name it is deployed under.
    Name(String),
}

impl RuleKey {
    /// The id of its results among the report's checks: `config-rule:S3_BUCKET_SSL_REQUESTS_ONLY`,
    /// or `config-rule-name:my-rule` for a custom rule.
    pub fn check_id(&self) -> String {
        match self {
            RuleKey::Identifier(i) => format!("config-rule:{i}"),
            RuleKey::Name(n) => format!("config-rule-name:{n}"),
        }
    }

    pub fn label(&self) -> &str {
        match self {
            RuleKey::Identifier(i) | RuleKey::Name(i) => i,
        }
    }
}

/// A duty of the shared responsibility model a rule evidences, and the controls that follow.
#[derive(Debug, Clone, Serialize)]
pub struct DutyMap {
    pub id: String,
    pub title: String,
    /// Why a rule of this duty evidences these controls.
    pub reason: String,
    /// Framework id -> control ids.
    pub controls: BTreeMap<String, Vec<String>>,
}

/// One mapped rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMapping {
    pub key: RuleKey,
    pub duty: Option<String>,
    /// The names AWS's conformance packs deploy it under (before their suffix).
    pub names: Vec<String>,
    /// The AWS conformance packs that hold it.
    pub packs: Vec<String>,
    /// Framework id -> control ids, the duty's filled in where the rule lists none.
    pub controls: BTreeMap<String, Vec<String>>,
    /// auditpack checks that judge what the rule judges.
    pub checks: Vec<String>,
    /// Where a check is not mapped to a control the rule is: control id -> why.
    pub unlinked: BTreeMap<String, String>,
    /// Where the file says why the rule evidences its controls (else the duty's reason).
    pub reason: Option<String>,
    /// The file the entry came from.
    pub source_file: String,
}

/// The validated rule map.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleMap {
    pub duties: BTreeMap<String, DutyMap>,
    pub rules: Vec<RuleMapping>,
}

impl RuleMap {
    pub fn get(&self, key: &RuleKey) -> Option<&RuleMapping> {
        self.rules.iter().find(|r| &r.key == key)
    }

    /// The rules mapped to one control of a framework.
    pub fn for_control(&self, framework: &str, control: &str) -> Vec<&RuleMapping> {
        self.rules.iter().filter(|r| r.controls.get(framework).is_some_and(|c| c.iter().any(|x| x == control))).collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    duty: BTreeMap<String, Spanned<RawDuty>>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDuty {
    title: String,
    reason: String,
    /// Framework id -> control ids.
    #[serde(default)]
    controls: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    identifier: Option<Spanned<String>>,
    #[serde(default)]
    name: Option<Spanned<String>>,
    #[serde(default)]
    duty: Option<Spanned<String>>,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    packs: Vec<String>,
    #[serde(default)]
    checks: Vec<Spanned<String>>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    unlinked: BTreeMap<String, String>,
    /// Framework id -> control ids (for a framework it leaves out, its duty's).
    #[serde(default)]
    controls: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
}

/// Parse and validate one rule file against the frameworks, adding to `base` (the built-in map,
/// when this is a user's file). With `strict` false (the built-in file read against a user's
/// catalogues), controls and frameworks the catalogues do not hold are left out instead of being
/// errors: the user cannot edit the built-in file.
pub fn parse(
    text: &str,
    display: &str,
    frameworks: &[Framework],
    base: Option<&RuleMap>,
    strict: bool,
) -> Result<RuleMap, Vec<Diagnostic>> {
    let at = |span: Range<usize>, message: String, fix: &str| {
        let (line, column) = line_col(text, span.start);
        Diagnostic { file: display.to_string(), line, column, message, fix: fix.to_string() }
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let fix = if e.message().contains("unknown field") {
            "[duty.<id>] takes title, reason, controls; [[rule]] takes identifier or name, duty, names, packs, controls, checks, reason, unlinked"
        } else {
            "correct the TOML at this position (see docs/mappings.md for the keys of [duty.<id>] and [[rule]])"
        };
        vec![at(e.span().unwrap_or(0..0), e.message().trim().to_string(), fix)]
    })?;
    let mut diags = Vec::new();
    let mut map = base.cloned().unwrap_or_default();
    let known_checks: Vec<&str> = checks::registry().iter().map(|c| c.id).collect();
    let framework_ids: Vec<&str> = frameworks.iter().map(|f| f.id.as_str()).collect();

    // Control lists keyed by framework id: each framework known, each control in it and not
    // inherited (a customer's rule result says nothing about what AWS carries).
    let controls_of = |lists: &BTreeMap<String, Spanned<Vec<Spanned<String>>>>, diags: &mut Vec<Diagnostic>| {
        let mut out = BTreeMap::new();
        for (fw, list) in lists {
            let Some(f) = frameworks.iter().find(|f| &f.id == fw) else {
                if !strict {
                    continue;
                }
                diags.push(at(list.span(), format!("unknown framework {fw:?}"), &format!("use one of: {}", framework_ids.join(", "))));
                continue;
            };
            let mut ids = Vec::new();
            for c in list.get_ref() {
                match f.controls.iter().find(|x| &x.id == c.get_ref()) {
                    None if !strict => {}
                    None => diags.push(at(
                        c.span(),
                        format!("{fw} has no control {:?}", c.get_ref()),
                        "use an id from `auditpack controls --framework` (appendix requirements are not in the catalogue)",
                    )),
                    Some(x) if x.evidence == EvidenceMethod::Inherited => diags.push(at(
                        c.span(),
                        format!("{fw} {} is inherited from AWS: a rule over the account's resources cannot evidence it", c.get_ref()),
                        "remove it; AWS's attestations evidence inherited controls",
                    )),
                    Some(_) if ids.contains(c.get_ref()) => {
                        diags.push(at(c.span(), format!("{fw} {} is listed twice", c.get_ref()), "list each control once"))
                    }
                    Some(_) => ids.push(c.get_ref().clone()),
                }
            }
            out.insert(fw.clone(), ids);
        }
        out
    };

    for (id, duty) in &raw.duty {
        let controls = controls_of(&duty.get_ref().controls, &mut diags);
        if duty.get_ref().reason.trim().is_empty() {
            diags.push(at(
                duty.span(),
                format!("duty {id:?} gives no reason"),
                "say in one line why rules of this duty evidence its controls",
            ));
        }
        map.duties.insert(
            id.clone(),
            DutyMap { id: id.clone(), title: duty.get_ref().title.clone(), reason: duty.get_ref().reason.clone(), controls },
        );
    }
    let mut seen: BTreeMap<RuleKey, usize> = BTreeMap::new();
    for rule in &raw.rule {
        let span = rule.span();
        let r = rule.get_ref();
        let key = match (&r.identifier, &r.name) {
            (Some(i), None) => {
                if !is_managed(i.get_ref()) {
                    let hint = managed()
                        .iter()
                        .map(|m| (strsim::levenshtein(m, i.get_ref()), *m))
                        .min()
                        .filter(|(d, _)| *d <= 4)
                        .map(|(_, m)| format!(" (did you mean {m}?)"))
                        .unwrap_or_default();
                    diags.push(at(
                        i.span(),
                        format!("{:?} is not the identifier of an AWS Config managed rule{hint}", i.get_ref()),
                        "use the rule's Source.SourceIdentifier (aws configservice describe-config-rules), or name a custom rule with name = \"...\"",
                    ));
                    continue;
                }
                RuleKey::Identifier(i.get_ref().clone())
            }
            (None, Some(n)) if !n.get_ref().trim().is_empty() => RuleKey::Name(n.get_ref().clone()),
            (Some(_), Some(n)) => {
                diags.push(at(
                    n.span(),
                    "a rule has both identifier and name".into(),
                    "give identifier for a managed rule, name for a custom one",
                ));
                continue;
            }
            _ => {
                diags.push(at(
                    span,
                    "a [[rule]] needs identifier (managed rule) or name (custom rule)".into(),
                    "add identifier = \"S3_BUCKET_SSL_REQUESTS_ONLY\" or name = \"my-rule\"",
                ));
                continue;
            }
        };
        let line = line_col(text, span.start).0;
        if let Some(first) = seen.insert(key.clone(), line) {
            diags.push(at(span, format!("rule {} is mapped twice (first on line {first})", key.label()), "merge the two entries"));
            continue;
        }
        let mut controls = controls_of(&r.controls, &mut diags);
        let duty = match &r.duty {
            Some(d) => match map.duties.get(d.get_ref()) {
                Some(duty) => {
                    for (fw, list) in &duty.controls {
                        controls.entry(fw.clone()).or_insert_with(|| list.clone());
                    }
                    Some(d.get_ref().clone())
                }
                None => {
                    let known: Vec<&str> = map.duties.keys().map(String::as_str).collect();
                    diags.push(at(d.span(), format!("unknown duty {:?}", d.get_ref()), &format!("use one of: {}", known.join(", "))));
                    None
                }
            },
            None => None,
        };
        for c in &r.checks {
            if !known_checks.contains(&c.get_ref().as_str()) {
                diags.push(at(c.span(), format!("unknown check id {:?}", c.get_ref()), "use an id from `auditpack checks`"));
            }
        }
        controls.retain(|_, v| !v.is_empty());
        if controls.is_empty() && strict {
            diags.push(at(
                span,
                format!("rule {} evidences no control", key.label()),
                "give it a duty, or list its controls under a framework id",
            ));
        }
        let mapping = RuleMapping {
            key: key.clone(),
            duty,
            names: r.names.clone(),
            packs: r.packs.clone(),
            controls,
            checks: r.checks.iter().map(|c| c.get_ref().clone()).collect(),
            unlinked: r.unlinked.clone(),
            reason: r.reason.clone(),
            source_file: display.to_string(),
        };
        match map.rules.iter_mut().find(|m| m.key == key) {
            Some(existing) => *existing = mapping,
            None => map.rules.push(mapping),
        }
    }
    if diags.is_empty() {
        Ok(map)
    } else {
        Err(diags)
    }
}

/// How well the checks agree with the rules they judge the same as: for every (check, rule)
/// pair, the controls of `framework` the rule evidences, and whether the check is mapped there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkCoverage {
    /// (check, control) pairs the rules call for.
    pub wanted: usize,
    /// Of those, the ones the check is mapped to.
    pub held: usize,
    /// The missing ones the file explains (`unlinked`), as "check control: why".
    pub explained: Vec<String>,
    /// The missing ones nothing explains.
    pub missing: Vec<String>,
}

pub fn link_coverage(map: &RuleMap, frameworks: &[Framework], framework: &str) -> LinkCoverage {
    let Some(f) = frameworks.iter().find(|f| f.id == framework) else { return LinkCoverage::default() };
    let mut pairs: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    for rule in &map.rules {
        for control in rule.controls.get(framework).into_iter().flatten() {
            for check in &rule.checks {
                let why = rule.unlinked.get(control).cloned();
                let entry = pairs.entry((check.clone(), control.clone())).or_insert(why.clone());
                if entry.is_none() {
                    *entry = why;
                }
            }
        }
    }
    let mut out = LinkCoverage { wanted: pairs.len(), ..LinkCoverage::default() };
    for ((check, control), why) in pairs {
        let held = f.controls.iter().any(|c| c.id == control && c.checks.contains(&check));
        match (held, why) {
            (true, _) => out.held += 1,
            (false, Some(why)) => out.explained.push(format!("{check} {control}: {why}")),
            (false, None) => out.missing.push(format!("{check} {control}")),
        }
    }
    out
}
