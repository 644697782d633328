//! The account's AWS Config rules in the report: each mapped rule's results at the controls it
//! evidences (as a check with the id `config-rule:<IDENTIFIER>`, one per identifier however many
//! times and under whatever names it is deployed), and the rules no mapping names (custom rules,
//! managed rules auditpack does not map) in a section of their own, which changes no control.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{with_ids, CheckFindings, CheckResult};
use crate::checks::config_rules::{self, Deployed};
use crate::checks::{CheckStatus, Outcome, Severity};
use crate::evidence::docs::{ConformancePackCompliance, ConformancePackDetails, ConformancePacks};
use crate::evidence::{Bundle, DocId, Kind, Lookup};
use crate::mappings::config_rules::RuleKey;
use crate::mappings::Framework;

const REMEDIATION: &str =
    "Fix each resource the rule lists as NON_COMPLIANT (its annotation says what the rule saw), then re-evaluate the rule; or accept the risk in the exceptions file.";

/// What the packet says about the Config rules.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConfigRulesInfo {
    /// Rules the mappings place at controls of the packet's frameworks and the account runs.
    pub at_controls: Vec<MappedRule>,
    /// The account's own rules: custom rules and managed rules no mapping names. They change no
    /// control; a user's `config-rules.toml` can map them.
    pub own: Vec<OwnRule>,
    /// `account/region` scopes whose rule list could not be read: their rules are unknown.
    pub unknown_scopes: Vec<String>,
    /// The conformance packs deployed, with their compliance.
    pub conformance_packs: Vec<PackInfo>,
}

/// One conformance pack and its compliance, as `describe-conformance-pack-compliance` and
/// `get-conformance-pack-compliance-details` give it.
#[derive(Debug, Clone, Serialize)]
pub struct PackInfo {
    pub account: String,
    pub region: String,
    pub name: String,
    /// NON_COMPLIANT when a rule is, COMPLIANT when every rule is, INSUFFICIENT_DATA otherwise;
    /// `not_assessed` when its documents cannot be used.
    pub compliance: String,
    pub rules: usize,
    pub non_compliant_rules: usize,
    /// Resources its rules report NON_COMPLIANT (`None` when the details cannot be used).
    pub non_compliant_resources: Option<usize>,
    /// Why it is not assessed, or which files cannot be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MappedRule {
    /// The id its results carry among the checks.
    pub check_id: String,
    /// The managed rule's identifier, or the custom rule's name.
    pub rule: String,
    /// Where it runs and under which name: `account/region name`.
    pub deployed_as: Vec<String>,
    pub status: CheckStatus,
    /// Resources (or rules) it reports NON_COMPLIANT.
    pub failing: usize,
    /// The controls it evidences, as `framework control`.
    pub controls: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnRule {
    pub account: String,
    pub region: String,
    pub name: String,
    /// `custom (CUSTOM_LAMBDA)`, `managed (IDENTIFIER), not mapped`, or that the document does not say.
    pub kind: String,
    pub status: CheckStatus,
    pub failing: usize,
    /// Why it has its status (the reason when not assessed or not applicable).
    pub detail: String,
}

/// The rules evaluated for one report.
pub struct Evaluated {
    pub info: ConfigRulesInfo,
    results: BTreeMap<RuleKey, (String, Outcome)>,
}

impl Evaluated {
    /// The rule's results as a check of a control, when the account runs the rule.
    pub fn result(&self, key: &RuleKey) -> Option<CheckResult> {
        let (title, outcome) = self.results.get(key)?;
        Some(CheckResult {
            id: key.check_id(),
            title: title.clone(),
            severity: Severity::Medium,
            status: outcome.status,
            reason: outcome.reason.clone(),
            remediation: REMEDIATION.to_string(),
        })
    }

    /// The bundle files the rule's results were read from.
    pub fn files(&self, key: &RuleKey) -> impl Iterator<Item = &str> {
        self.results.get(key).into_iter().flat_map(|(_, o)| o.evidence_files.iter().map(String::as_str))
    }

    /// The findings of every mapped rule, keyed like the checks.
    pub fn findings(&self) -> impl Iterator<Item = (String, CheckFindings)> + '_ {
        self.results.iter().map(|(key, (title, outcome))| {
            let id = key.check_id();
            let findings = with_ids(&id, Severity::Medium, outcome.findings.clone());
            (id, CheckFindings { title: title.clone(), severity: Severity::Medium, status: outcome.status, findings })
        })
    }
}

fn matches(key: &RuleKey, rule: &Deployed) -> bool {
    match key {
        RuleKey::Identifier(i) => rule.identifier.as_deref() == Some(i.as_str()),
        RuleKey::Name(n) => &rule.name == n,
    }
}

fn failing(o: &Outcome) -> usize {
    o.findings.iter().filter(|f| f.status == CheckStatus::Fail).count()
}

/// Evaluate the rules the bundle's accounts run, against the rule keys of `frameworks`' controls.
pub fn evaluate(bundle: &Bundle, frameworks: &[&Framework]) -> Evaluated {
    let (deployed, unknown_scopes) = config_rules::deployed(bundle);
    // The keys the packet's controls name, with the controls.
    let mut keys: BTreeMap<RuleKey, Vec<String>> = BTreeMap::new();
    for f in frameworks {
        for c in &f.controls {
            for k in &c.config_rules {
                keys.entry(k.clone()).or_default().push(format!("{} {}", f.id, c.id));
            }
        }
    }
    let mut results = BTreeMap::new();
    let mut at_controls = Vec::new();
    let mut mapped: BTreeSet<&Deployed> = BTreeSet::new();
    for (key, controls) in &keys {
        let runs: Vec<&Deployed> = deployed.iter().filter(|d| matches(key, d)).collect();
        if runs.is_empty() {
            continue;
        }
        mapped.extend(runs.iter().copied());
        let outcome = config_rules::evaluate(bundle, &runs);
        let names: BTreeSet<&str> = runs.iter().map(|d| d.name.as_str()).collect();
        let title = match key {
            RuleKey::Identifier(i) => format!("AWS Config rule {i} (deployed as {})", names.into_iter().collect::<Vec<_>>().join(", ")),
            RuleKey::Name(n) => format!("AWS Config rule {n}"),
        };
        at_controls.push(MappedRule {
            check_id: key.check_id(),
            rule: key.label().to_string(),
            deployed_as: runs.iter().map(|d| format!("{}/{} {}", d.account, d.region, d.name)).collect(),
            status: outcome.status,
            failing: failing(&outcome),
            controls: controls.clone(),
        });
        results.insert(key.clone(), (title, outcome));
    }
    let own = deployed
        .iter()
        .filter(|d| !mapped.contains(d))
        .map(|d| {
            let outcome = config_rules::evaluate(bundle, &[d]);
            let kind = match (d.owner.as_deref(), d.identifier.as_deref()) {
                (Some("AWS"), Some(i)) => format!("managed ({i}), not mapped"),
                (Some(owner), _) => format!("custom ({owner})"),
                (None, _) => "source not given in describe-config-rules".to_string(),
            };
            let detail = match &outcome.reason {
                Some(r) => r.clone(),
                None => outcome.findings.iter().map(|f| f.detail.clone()).collect::<Vec<_>>().join("; "),
            };
            OwnRule {
                account: d.account.clone(),
                region: d.region.clone(),
                name: d.name.clone(),
                kind,
                status: outcome.status,
                failing: failing(&outcome),
                detail,
            }
        })
        .collect();
    let conformance_packs = packs(bundle);
    Evaluated { info: ConfigRulesInfo { at_controls, own, unknown_scopes, conformance_packs }, results }
}

fn why_not<T>(l: Lookup<'_, T>, path: &str) -> Option<String> {
    match l {
        Lookup::Found(_) => None,
        Lookup::Unreadable(why) => Some(why.to_string()),
        Lookup::Gap(g) => Some(format!("{path} could not be collected: {} failed with {}", g.api, g.error)),
        Lookup::Absent(_) | Lookup::Missing => Some(format!("{path} is not in the evidence bundle")),
    }
}

/// The conformance packs of every account and region whose pack list the bundle holds.
fn packs(bundle: &Bundle) -> Vec<PackInfo> {
    let mut out = Vec::new();
    for account in bundle.accounts() {
        for region in bundle.regions() {
            let Lookup::Found(list) = bundle.get::<ConformancePacks>(&DocId::regional(Kind::ConformancePacks, account, region)) else {
                continue;
            };
            for pack in &list.packs {
                let c_id = DocId::pack(Kind::ConformancePackCompliance, account, region, &pack.name);
                let d_id = DocId::pack(Kind::ConformancePackDetails, account, region, &pack.name);
                let mut info = PackInfo {
                    account: account.clone(),
                    region: region.clone(),
                    name: pack.name.clone(),
                    compliance: "not_assessed".into(),
                    rules: 0,
                    non_compliant_rules: 0,
                    non_compliant_resources: None,
                    problem: None,
                };
                let compliance = bundle.get::<ConformancePackCompliance>(&c_id);
                let details = bundle.get::<ConformancePackDetails>(&d_id);
                let mut problems = Vec::new();
                if let Lookup::Found(d) = &details {
                    info.non_compliant_resources = Some(d.results.iter().filter(|r| r.compliance_type == "NON_COMPLIANT").count());
                }
                match compliance {
                    Lookup::Found(c) => {
                        let of = |t: &str| c.rules.iter().filter(|r| r.compliance_type.as_deref() == Some(t)).count();
                        info.rules = c.rules.len();
                        info.non_compliant_rules = of("NON_COMPLIANT");
                        info.compliance = if info.non_compliant_rules > 0 {
                            "NON_COMPLIANT"
                        } else if !c.rules.is_empty() && of("COMPLIANT") == c.rules.len() {
                            "COMPLIANT"
                        } else {
                            "INSUFFICIENT_DATA"
                        }
                        .into();
                        // Details that list non-compliant resources of a pack whose every rule is
                        // compliant contradict it: no evidence either way.
                        if info.compliance == "COMPLIANT" && info.non_compliant_resources.unwrap_or(0) > 0 {
                            info.compliance = "not_assessed".into();
                            problems.push(format!("{d_id}: lists NON_COMPLIANT resources, but {c_id} says every rule is COMPLIANT"));
                        }
                    }
                    other => problems.extend(why_not(other, &c_id.path())),
                }
                problems.extend(why_not(details, &d_id.path()));
                info.problem = (!problems.is_empty()).then(|| problems.join("; "));
                out.push(info);
            }
        }
    }
    out
}
