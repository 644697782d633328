//! Every AWS Config rule result: a NON_COMPLIANT evaluation anywhere is a failure of this check,
//! listed per rule and resource.

use super::eval::{list, text};
use super::{Check, Duty, Eval, Severity};
use crate::evidence::{config_file, config_rule_details_file};

pub static CHECKS: &[Check] = &[Check {
    id: "config-rules-compliant",
    title: "AWS Config rules report no NON_COMPLIANT resources",
    duty: Duty::MonitoringAndLogging,
    severity: Severity::Medium,
    rationale: "Config rules are the account's own continuous controls; a non-compliant result is a known deviation that the audit must show.",
    remediation: "Fix each listed resource (the annotation says what the rule saw), or document an exception for the rule; then re-evaluate the rule.",
    evidence: &[
        "<account>/<region>/config/describe-config-rules.json",
        "<account>/<region>/config/describe-compliance-by-config-rule.json",
        "<account>/<region>/config/get-compliance-details-by-config-rule/<rule-name>.json",
    ],
    run: rules_compliant,
}];

fn rules_compliant(e: &mut Eval) {
    for account in e.accounts() {
        for region in e.regions() {
            let scope = format!("{account}/{region}");
            let Some(rules) = e.json(&config_file(&account, &region, "describe-config-rules.json"), &scope) else { continue };
            let Some(compliance) = e.json(&config_file(&account, &region, "describe-compliance-by-config-rule.json"), &scope) else {
                continue;
            };
            let rules = list(&rules, "ConfigRules");
            if rules.is_empty() {
                e.not_assessed(&scope, "no AWS Config rules are deployed in this region, so there are no rule results to report");
                continue;
            }
            for rule in rules {
                let name = text(rule, "ConfigRuleName");
                let verdict = list(&compliance, "ComplianceByConfigRules")
                    .iter()
                    .find(|c| text(c, "ConfigRuleName") == name)
                    .and_then(|c| c.get("Compliance"))
                    .map(|c| text(c, "ComplianceType"))
                    .unwrap_or("");
                let rule_scope = format!("{scope} rule {name}");
                match verdict {
                    "COMPLIANT" => e.pass(rule_scope, "COMPLIANT"),
                    "NON_COMPLIANT" => {
                        let path = config_rule_details_file(&account, &region, name);
                        let Some(details) = e.json(&path, &rule_scope) else { continue };
                        let mut listed = false;
                        for r in list(&details, "EvaluationResults").iter().filter(|r| text(r, "ComplianceType") == "NON_COMPLIANT") {
                            let q = r.pointer("/EvaluationResultIdentifier/EvaluationResultQualifier");
                            let resource = q.map(|q| format!("{} {}", text(q, "ResourceType"), text(q, "ResourceId"))).unwrap_or_default();
                            let note = text(r, "Annotation");
                            e.fail(
                                format!("{resource} ({region})"),
                                format!("rule {name}: NON_COMPLIANT{}", if note.is_empty() { String::new() } else { format!(" ({note})") }),
                            );
                            listed = true;
                        }
                        if !listed {
                            e.fail(rule_scope, "NON_COMPLIANT (the evaluation results list no resource)");
                        }
                    }
                    "NOT_APPLICABLE" => e.pass(rule_scope, "NOT_APPLICABLE: no resource in scope"),
                    "INSUFFICIENT_DATA" => e.not_assessed(rule_scope, "INSUFFICIENT_DATA: the rule has not evaluated yet"),
                    "" => e.not_assessed(rule_scope, "the rule has no compliance result"),
                    other => e.not_assessed(rule_scope, format!("unknown compliance type {other}")),
                }
            }
        }
    }
}
