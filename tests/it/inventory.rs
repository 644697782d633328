//! A fake AWS Config inventory served through the router, for the calls moto does not implement
//! (or answers with timestamps the SDK cannot read): list-discovered-resources (paged),
//! batch-get-resource-config, describe-compliance-by-config-rule and
//! get-compliance-details-by-config-rule (paged). Bodies follow the AWS Config API reference:
//! JSON 1.1, timestamps as epoch seconds, `configuration` as a JSON string.

use serde_json::{json, Value};

use super::router::{Reply, Req, Router};

pub const MOTO_ACCOUNT: &str = "123456789012";
/// 2026-11-20T08:00:00Z
const CAPTURED: f64 = 1_795_161_600.0;

#[derive(Clone)]
pub struct Item {
    pub region: String,
    pub resource_type: String,
    pub id: String,
    pub name: String,
    /// Defaults to an ARN made up from type, region and id.
    pub arn: Option<String>,
    pub configuration: Value,
    /// Supplementary configuration: each value is sent as a JSON string, as Config does.
    pub supplementary: Vec<(String, Value)>,
}

impl Item {
    pub fn new(region: &str, resource_type: &str, id: &str, configuration: Value) -> Item {
        Item {
            region: region.into(),
            resource_type: resource_type.into(),
            id: id.into(),
            name: id.into(),
            arn: None,
            configuration,
            supplementary: Vec::new(),
        }
    }

    pub fn with_supplementary(mut self, key: &str, value: Value) -> Item {
        self.supplementary.push((key.into(), value));
        self
    }

    fn arn(&self, account: &str) -> String {
        if let Some(arn) = &self.arn {
            return arn.clone();
        }
        let service = self.resource_type.split("::").nth(1).unwrap_or_default().to_ascii_lowercase();
        format!("arn:aws:{service}:{}:{account}:{}", self.region, self.id)
    }

    pub fn configuration_item(&self, account: &str) -> Value {
        let supplementary: serde_json::Map<String, Value> = self
            .supplementary
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(if let Value::String(s) = v { s.clone() } else { v.to_string() })))
            .collect();
        json!({
            "version": "1.3",
            "accountId": account,
            "configurationItemCaptureTime": CAPTURED,
            "configurationItemStatus": "OK",
            "configurationStateId": "1795161600000",
            "arn": self.arn(account),
            "resourceType": self.resource_type,
            "resourceId": self.id,
            "resourceName": self.name,
            "awsRegion": self.region,
            "availabilityZone": "Not Applicable",
            "resourceCreationTime": CAPTURED - 86_400.0,
            "configuration": self.configuration.to_string(),
            "supplementaryConfiguration": supplementary,
        })
    }
}

/// One rule's results in one region.
#[derive(Clone)]
pub struct RuleResults {
    pub region: String,
    pub rule: String,
    /// The rule's overall compliance; derived from `results` when None.
    pub compliance: Option<String>,
    /// (resource type, resource id, COMPLIANT | NON_COMPLIANT, annotation)
    pub results: Vec<(String, String, String, String)>,
}

impl RuleResults {
    fn compliance(&self) -> &str {
        if let Some(c) = &self.compliance {
            c
        } else if self.results.iter().any(|r| r.2 == "NON_COMPLIANT") {
            "NON_COMPLIANT"
        } else if self.results.is_empty() {
            "INSUFFICIENT_DATA"
        } else {
            "COMPLIANT"
        }
    }
}

#[derive(Clone, Default)]
pub struct Inventory {
    pub items: Vec<Item>,
    pub rules: Vec<RuleResults>,
    /// Most entries per page the fake service returns (AWS: 100); 0 means 100.
    pub page_size: usize,
    /// The account the items belong to; empty means moto's default account.
    pub account: String,
    /// The first batch-get-resource-config answer leaves this many of its keys unprocessed.
    pub unprocessed_once: usize,
    /// Resources known only by their count (region, type, count), added to the counts of `items`.
    pub extra_counts: Vec<(String, String, u64)>,
    /// Conformance packs: (region, pack name, the names of its rules among `rules`).
    pub packs: Vec<(String, String, Vec<String>)>,
}

/// A page of `all` starting at the request's nextToken (an offset here; opaque to the caller).
/// `names` are the list key and the API's spelling of the token and limit fields.
fn page(req: &Req, all: Vec<Value>, page_size: usize, names: [&str; 3]) -> Reply {
    let [key, token, limit] = names;
    let start: usize = req.json.get(token).and_then(Value::as_str).and_then(|t| t.parse().ok()).unwrap_or(0);
    let limit = req.json.get(limit).and_then(Value::as_u64).map(|l| l as usize).filter(|l| *l > 0).unwrap_or(page_size);
    let end = (start + limit.min(page_size)).min(all.len());
    let mut body = json!({ key: all[start.min(all.len())..end].to_vec() });
    if end < all.len() {
        body[token] = Value::String(end.to_string());
    }
    Reply::Json(200, body)
}

impl Inventory {
    pub fn install(self, router: &Router) {
        let page_size = if self.page_size == 0 { 100 } else { self.page_size };
        let account = if self.account.is_empty() { MOTO_ACCOUNT.to_string() } else { self.account.clone() };
        let deferred = std::sync::atomic::AtomicBool::new(self.unprocessed_once == 0);
        router.on(move |req| match req.op.as_str() {
            "ListDiscoveredResources" => {
                let rt = req.json.get("resourceType").and_then(Value::as_str).unwrap_or_default();
                let ids: Vec<Value> = self
                    .items
                    .iter()
                    .filter(|i| i.region == req.region && i.resource_type == rt)
                    .map(|i| json!({ "resourceType": i.resource_type, "resourceId": i.id, "resourceName": i.name }))
                    .collect();
                Some(page(req, ids, page_size, ["resourceIdentifiers", "nextToken", "limit"]))
            }
            "BatchGetResourceConfig" => {
                let mut keys = req.json.get("resourceKeys").and_then(Value::as_array).cloned().unwrap_or_default();
                if keys.len() > 100 {
                    return Some(super::router::json_error(400, "ValidationException", "at most 100 resource keys"));
                }
                let mut unprocessed = Vec::new();
                if !deferred.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    unprocessed = keys.split_off(keys.len().saturating_sub(self.unprocessed_once));
                }
                let items: Vec<Value> = keys
                    .iter()
                    .filter_map(|k| {
                        self.items.iter().find(|i| {
                            i.region == req.region
                                && Some(i.resource_type.as_str()) == k.get("resourceType").and_then(Value::as_str)
                                && Some(i.id.as_str()) == k.get("resourceId").and_then(Value::as_str)
                        })
                    })
                    .map(|i| i.configuration_item(&account))
                    .collect();
                Some(Reply::Json(200, json!({ "baseConfigurationItems": items, "unprocessedResourceKeys": unprocessed })))
            }
            "GetDiscoveredResourceCounts" => {
                let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
                for i in self.items.iter().filter(|i| i.region == req.region) {
                    *counts.entry(i.resource_type.clone()).or_default() += 1;
                }
                for (region, t, n) in &self.extra_counts {
                    if *region == req.region {
                        *counts.entry(t.clone()).or_default() += n;
                    }
                }
                let total: u64 = counts.values().sum();
                let list: Vec<Value> = counts.iter().map(|(t, n)| json!({ "resourceType": t, "count": n })).collect();
                Some(Reply::Json(200, json!({ "totalDiscoveredResources": total, "resourceCounts": list })))
            }
            "DescribeComplianceByConfigRule" => {
                let rules: Vec<Value> = self
                    .rules
                    .iter()
                    .filter(|r| r.region == req.region)
                    .map(|r| {
                        let n = r.results.iter().filter(|x| x.2 == "NON_COMPLIANT").count();
                        let mut c = json!({ "ComplianceType": r.compliance() });
                        if n > 0 {
                            c["ComplianceContributorCount"] = json!({ "CappedCount": n, "CapExceeded": false });
                        }
                        json!({ "ConfigRuleName": r.rule, "Compliance": c })
                    })
                    .collect();
                Some(Reply::Json(200, json!({ "ComplianceByConfigRules": rules })))
            }
            "GetComplianceDetailsByConfigRule" => {
                let name = req.json.get("ConfigRuleName").and_then(Value::as_str).unwrap_or_default();
                let results: Vec<Value> = self
                    .rules
                    .iter()
                    .filter(|r| r.region == req.region && r.rule == name)
                    .flat_map(|r| r.results.iter())
                    .map(|(rt, id, compliance, note)| {
                        json!({
                            "EvaluationResultIdentifier": {
                                "EvaluationResultQualifier": {
                                    "ConfigRuleName": name, "ResourceType": rt, "ResourceId": id, "EvaluationMode": "DETECTIVE"
                                },
                                "OrderingTimestamp": CAPTURED
                            },
                            "ComplianceType": compliance,
                            "ResultRecordedTime": CAPTURED + 60.0,
                            "ConfigRuleInvokedTime": CAPTURED + 30.0,
                            "Annotation": note
                        })
                    })
                    .collect();
                Some(page(req, results, page_size, ["EvaluationResults", "NextToken", "Limit"]))
            }
            "DescribeConformancePacks" => {
                let packs: Vec<Value> = self
                    .packs
                    .iter()
                    .filter(|(region, _, _)| *region == req.region)
                    .map(|(region, name, _)| {
                        json!({
                            "ConformancePackName": name,
                            "ConformancePackArn": format!("arn:aws:config:{region}:{account}:conformance-pack/{name}/conformance-pack-abc123"),
                            "ConformancePackId": "conformance-pack-abc123",
                            "ConformancePackInputParameters": [],
                            "LastUpdateRequestedTime": CAPTURED
                        })
                    })
                    .collect();
                Some(page(req, packs, page_size, ["ConformancePackDetails", "NextToken", "Limit"]))
            }
            "DescribeConformancePackCompliance" | "GetConformancePackComplianceDetails" => {
                let name = req.json.get("ConformancePackName").and_then(Value::as_str).unwrap_or_default();
                let Some((_, _, members)) = self.packs.iter().find(|(region, n, _)| *region == req.region && n == name) else {
                    return Some(super::router::json_error(400, "NoSuchConformancePackException", "no such conformance pack"));
                };
                let rules: Vec<&RuleResults> =
                    self.rules.iter().filter(|r| r.region == req.region && members.contains(&r.rule)).collect();
                let reply = if req.op == "DescribeConformancePackCompliance" {
                    // A conformance pack reports COMPLIANT, NON_COMPLIANT or INSUFFICIENT_DATA only.
                    let list: Vec<Value> = rules
                        .iter()
                        .map(|r| {
                            let c = match r.compliance() {
                                "NOT_APPLICABLE" => "INSUFFICIENT_DATA",
                                other => other,
                            };
                            json!({ "ConfigRuleName": r.rule, "ComplianceType": c, "Controls": [] })
                        })
                        .collect();
                    let mut reply = page(req, list, page_size, ["ConformancePackRuleComplianceList", "NextToken", "Limit"]);
                    if let Reply::Json(_, body) = &mut reply {
                        body["ConformancePackName"] = json!(name);
                    }
                    reply
                } else {
                    let results: Vec<Value> = rules
                        .iter()
                        .flat_map(|r| r.results.iter().map(move |x| (r.rule.as_str(), x)))
                        .filter(|(_, (_, _, c, _))| c == "COMPLIANT" || c == "NON_COMPLIANT")
                        .map(|(rule, (rt, id, compliance, note))| {
                            json!({
                                "ComplianceType": compliance,
                                "EvaluationResultIdentifier": {
                                    "EvaluationResultQualifier": {"ConfigRuleName": rule, "ResourceType": rt, "ResourceId": id, "EvaluationMode": "DETECTIVE"},
                                    "OrderingTimestamp": CAPTURED
                                },
                                "ConfigRuleInvokedTime": CAPTURED + 30.0,
                                "ResultRecordedTime": CAPTURED + 60.0,
                                "Annotation": note
                            })
                        })
                        .collect();
                    let mut reply = page(req, results, page_size, ["ConformancePackRuleEvaluationResults", "NextToken", "Limit"]);
                    if let Reply::Json(_, body) = &mut reply {
                        body["ConformancePackName"] = json!(name);
                    }
                    reply
                };
                Some(reply)
            }
            _ => None,
        });
    }
}
