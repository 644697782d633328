//! Every AWS Config rule result: a NON_COMPLIANT evaluation anywhere is a failure of this check,
//! listed per rule and resource.

use super::{Check, Duty, Eval, Need, Severity};
use crate::evidence::docs::{ComplianceByRule, ConfigRules, RuleDetails};
use crate::evidence::{DocId, Kind, Lookup};

pub static CHECKS: &[Check] = &[Check {
    id: "config-rules-compliant",
    title: "AWS Config rules report no NON_COMPLIANT resources",
    duty: Duty::MonitoringAndLogging,
    severity: Severity::Medium,
    rationale: "Config rules are the account's own continuous controls; a non-compliant result is a known deviation that the audit must show.",
    remediation: "Fix each listed resource (the annotation says what the rule saw), or document an exception for the rule; then re-evaluate the rule.",
    evidence: &[Need::Doc(Kind::ConfigRules), Need::Doc(Kind::ComplianceByRule), Need::Doc(Kind::RuleDetails)],
    run: rules_compliant,
}];

fn rules_compliant(e: &mut Eval) {
    for account in e.accounts() {
        for region in e.regions() {
            let scope = format!("{account}/{region}");
            let Some(rules) = e.doc::<ConfigRules>(&DocId::regional(Kind::ConfigRules, &account, &region), &scope) else { continue };
            let Some(compliance) = e.doc::<ComplianceByRule>(&DocId::regional(Kind::ComplianceByRule, &account, &region), &scope) else {
                continue;
            };
            if rules.rules.is_empty() {
                e.not_assessed(&scope, "no AWS Config rules are deployed in this region, so there are no rule results to report");
                continue;
            }
            for rule in &rules.rules {
                let name = &rule.name;
                let rule_scope = format!("{scope} rule {name}");
                // The per-resource results, where the bundle holds them (collect writes them for
                // every rule): unreadable ones leave the rule not assessed, and a summary they
                // contradict is no evidence either.
                let id = DocId::rule(&account, &region, name);
                let held = matches!(e.bundle.get::<RuleDetails>(&id), Lookup::Found(_) | Lookup::Unreadable(_));
                let details = if held { e.doc::<RuleDetails>(&id, &rule_scope) } else { None };
                let summary = compliance.of(name).and_then(|c| c.compliance_type());
                if held && details.is_none() && summary != Some("NON_COMPLIANT") {
                    continue; // the unreadable results are recorded as not assessed
                }
                let non_compliant = details.map(|d| d.results.iter().filter(|r| r.compliance_type == "NON_COMPLIANT").count());
                match summary {
                    Some("COMPLIANT" | "NOT_APPLICABLE") if non_compliant.unwrap_or(0) > 0 => e.not_assessed(
                        rule_scope,
                        format!(
                            "{id}: the summary says {}, but the evaluation results list NON_COMPLIANT resources",
                            summary.unwrap_or_default()
                        ),
                    ),
                    Some("COMPLIANT") => e.pass(rule_scope, "COMPLIANT"),
                    Some("NON_COMPLIANT") => {
                        let details = if held { details } else { e.doc::<RuleDetails>(&id, &rule_scope) };
                        let Some(details) = details else {
                            // The summary alone says the rule is violated: that is a failure,
                            // whichever resources it names.
                            e.fail(rule_scope, "NON_COMPLIANT (the resources cannot be listed: their evaluation results are not usable)");
                            continue;
                        };
                        let mut listed = false;
                        for r in details.results.iter().filter(|r| r.compliance_type == "NON_COMPLIANT") {
                            let note = r.annotation.as_deref().filter(|n| !n.is_empty()).map(|n| format!(" ({n})")).unwrap_or_default();
                            e.fail(
                                format!("{} {} ({region})", r.resource_type(), r.resource_id()),
                                format!("rule {name}: NON_COMPLIANT{note}"),
                            );
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
        }
    }
}
