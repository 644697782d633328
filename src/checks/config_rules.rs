//! The account's own AWS Config rules, one rule (or one managed rule identifier) at a time.
//!
//! A managed rule is recognised by its `Source.SourceIdentifier` under whatever name it was
//! deployed (conformance packs suffix every name); `mappings/config-rules.toml` says which
//! controls its results evidence. A NON_COMPLIANT result fails, naming the rule, the resource and
//! the annotation; COMPLIANT passes; NOT_APPLICABLE is not applicable; anything else, or results
//! that contradict the rule's summary, is not assessed with the file named.

use super::{Eval, Outcome};
use crate::evidence::docs::{ComplianceByRule, ConfigRules, RuleDetails};
use crate::evidence::{Bundle, DocId, Kind, Lookup};

/// A rule deployed in one account and region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deployed {
    pub account: String,
    pub region: String,
    pub name: String,
    /// `AWS`, `CUSTOM_LAMBDA`, `CUSTOM_POLICY`; `None` when the document does not say.
    pub owner: Option<String>,
    /// The managed rule's identifier, for rules AWS owns.
    pub identifier: Option<String>,
}

/// Every rule the bundle's `describe-config-rules` documents list, and the scopes
/// (`account/region`) whose rules cannot be read (never collected, a gap, unreadable).
pub fn deployed(bundle: &Bundle) -> (Vec<Deployed>, Vec<String>) {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for account in bundle.accounts() {
        for region in bundle.regions() {
            let id = DocId::regional(Kind::ConfigRules, account, region);
            match bundle.get::<ConfigRules>(&id) {
                Lookup::Found(doc) => out.extend(doc.rules.iter().map(|r| Deployed {
                    account: account.clone(),
                    region: region.clone(),
                    name: r.name.clone(),
                    owner: r.source.as_ref().map(|s| s.owner.clone()),
                    identifier: r.managed_identifier().map(str::to_string),
                })),
                _ => unknown.push(id.scope()),
            }
        }
    }
    out.sort();
    (out, unknown)
}

/// The results of `rules` (one finding per non-compliant resource, else one per rule).
pub fn evaluate(bundle: &Bundle, rules: &[&Deployed]) -> Outcome {
    let mut e = Eval::new(bundle);
    for rule in rules {
        judge(&mut e, rule);
    }
    e.finish()
}

fn judge(e: &mut Eval, rule: &Deployed) {
    let (account, region, name) = (&rule.account, &rule.region, &rule.name);
    let scope = format!("{account}/{region}");
    // Read the rule list too, so the packet names the file that says the rule exists.
    if e.doc::<ConfigRules>(&DocId::regional(Kind::ConfigRules, account, region), &scope).is_none() {
        return;
    }
    let Some(compliance) = e.doc::<ComplianceByRule>(&DocId::regional(Kind::ComplianceByRule, account, region), &scope) else {
        return;
    };
    let rule_scope = format!("{scope} rule {name}");
    // The per-resource results, where the bundle holds them (collect writes them for every
    // rule): unreadable ones leave the rule not assessed, and a summary they contradict is no
    // evidence either.
    let id = DocId::rule(account, region, name);
    let held = matches!(e.bundle.get::<RuleDetails>(&id), Lookup::Found(_) | Lookup::Unreadable(_));
    let details = if held { e.doc::<RuleDetails>(&id, &rule_scope) } else { None };
    let summary = compliance.of(name).and_then(|c| c.compliance_type());
    if held && details.is_none() && summary != Some("NON_COMPLIANT") {
        return; // the unreadable results are recorded as not assessed
    }
    let non_compliant = details.map(|d| d.results.iter().filter(|r| r.compliance_type == "NON_COMPLIANT").count());
    match summary {
        Some("COMPLIANT" | "NOT_APPLICABLE") if non_compliant.unwrap_or(0) > 0 => e.not_assessed(
            rule_scope,
            format!("{id}: the summary says {}, but the evaluation results list NON_COMPLIANT resources", summary.unwrap_or_default()),
        ),
        Some("COMPLIANT") => e.pass(rule_scope, "COMPLIANT"),
        Some("NON_COMPLIANT") => {
            let details = if held { details } else { e.doc::<RuleDetails>(&id, &rule_scope) };
            let Some(details) = details else {
                // The summary alone says the rule is violated: that is a failure, whichever
                // resources it names.
                e.fail(rule_scope, "NON_COMPLIANT (the resources cannot be listed: their evaluation results are not usable)");
                return;
            };
            let mut listed = false;
            for r in details.results.iter().filter(|r| r.compliance_type == "NON_COMPLIANT") {
                let note = r.annotation.as_deref().filter(|n| !n.is_empty()).map(|n| format!(" ({n})")).unwrap_or_default();
                e.fail(format!("{} {} ({region})", r.resource_type(), r.resource_id()), format!("rule {name}: NON_COMPLIANT{note}"));
                listed = true;
            }
            if !listed {
                e.fail(rule_scope, "NON_COMPLIANT (the evaluation results list no resource)");
            }
        }
        Some("NOT_APPLICABLE") => e.not_applicable(rule_scope, "NOT_APPLICABLE: no resource in the rule's scope"),
        Some("INSUFFICIENT_DATA") => e.not_assessed(rule_scope, "INSUFFICIENT_DATA: the rule has not evaluated yet"),
        None => e.not_assessed(rule_scope, "the rule has no compliance result"),
        Some(other) => e.not_assessed(rule_scope, format!("unknown compliance type {other}")),
    }
}
