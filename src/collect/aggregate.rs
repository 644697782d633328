//! AWS Config evidence of every account and region an aggregator covers, read through the
//! aggregate APIs from the aggregator's account: rule compliance (per account and region, then
//! the results of each rule), resource counts, and configuration items (one listing per resource
//! type across all accounts, then batches of 100). The answers are split by account and region
//! and written where the account's own API would have written them, in the same shape, so the
//! checks read both alike. An account or region the aggregator failed to aggregate, or does not
//! cover, is a gap for each of these documents there.
//!
//! The number of requests grows with the pages of the answers and with accounts × regions (one
//! count and one compliance call per rule there), never with resources one by one.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_config::types::{
    AggregateComplianceByConfigRule, AggregateEvaluationResult, AggregateResourceIdentifier, AggregatedSourceStatus,
    AggregatedSourceStatusType, AggregatedSourceType, ResourceCountFilters, ResourceCountGroupKey, ResourceType as ResourceType_,
};
use aws_sdk_config::Client;
use serde_json::Value;

use super::json::{j, obj, wrap, ToJson};
use super::{org, Ctx, Error, Failure};
use crate::evidence::{DocId, Kind, ResourceType};

/// An account and a region.
type Place = (String, String);

/// BatchGetAggregateResourceConfig takes at most 100 identifiers.
const BATCH: usize = 100;
/// Unprocessed identifiers are asked for again this many times before they are written as
/// unprocessed (not assessed).
const UNPROCESSED_ROUNDS: usize = 3;

const COMPLIANCE_API: &str = "config:DescribeAggregateComplianceByConfigRules";
const DETAILS_API: &str = "config:GetAggregateComplianceDetailsByConfigRule";
const COUNTS_API: &str = "config:GetAggregateDiscoveredResourceCounts";
const LIST_API: &str = "config:ListAggregateDiscoveredResources";
const BATCH_API: &str = "config:BatchGetAggregateResourceConfig";

/// What the aggregator says about its sources: which (account or organisation, region) it
/// aggregates, and how the last aggregation went.
struct Sources(Vec<AggregatedSourceStatus>);

impl Sources {
    /// `None` when the aggregator has aggregated `place`, else the gap's failure: it failed
    /// there, its data there is out of date, or it does not aggregate that account or region.
    fn problem(&self, name: &str, (account, region): &Place) -> Option<Failure> {
        let covering: Vec<&AggregatedSourceStatus> = self
            .0
            .iter()
            .filter(|s| s.aws_region() == Some(region.as_str()))
            .filter(|s| s.source_type() == Some(&AggregatedSourceType::Organization) || s.source_id() == Some(account.as_str()))
            .collect();
        if covering.is_empty() {
            return Some(Failure::new("NotAggregated", format!("aggregator {name} does not aggregate account {account} in {region}")));
        }
        for s in covering {
            match s.last_update_status() {
                Some(AggregatedSourceStatusType::Succeeded) => {}
                Some(AggregatedSourceStatusType::Outdated) => {
                    return Some(Failure::new(
                        "AggregationOutdated",
                        format!("aggregator {name} holds out-of-date data of {account} in {region} (source {})", source(s)),
                    ))
                }
                other => {
                    let code = s.last_error_code().filter(|c| !c.is_empty()).unwrap_or("AggregationFailed");
                    let why = s.last_error_message().unwrap_or("no message");
                    let status = other.map(|o| o.as_str().to_string()).unwrap_or_else(|| "no status".into());
                    return Some(Failure::new(
                        code,
                        format!("aggregator {name} failed to aggregate {account} in {region} (source {}, {status}): {why}", source(s)),
                    ));
                }
            }
        }
        None
    }
}

fn source(s: &AggregatedSourceStatus) -> String {
    let kind = s.source_type().map(|t| t.as_str().to_ascii_lowercase()).unwrap_or_default();
    format!("{kind} {}", s.source_id().unwrap_or("?"))
}

/// Collect through aggregator `name` (in `aggregator_region`) for `regions`; `known` are the
/// accounts already asked for. Returns every account in scope: the known ones, the aggregator's
/// account sources, and every account the aggregator holds resources or rules of.
pub(crate) async fn collect(
    ctx: &Ctx<'_>,
    client: &Client,
    name: &str,
    aggregator_region: &str,
    regions: &[String],
    known: &BTreeSet<String>,
) -> Result<BTreeSet<String>, Error> {
    let refused = |message: String| Error::Aggregator { name: name.to_string(), region: aggregator_region.to_string(), message };
    let mut status = Vec::new();
    let mut pages =
        client.describe_configuration_aggregator_sources_status().configuration_aggregator_name(name).limit(100).into_paginator().send();
    while let Some(page) = ctx.limited(pages.next()).await {
        let page = page.map_err(|e| refused(Failure::from_sdk(&e).to_string()))?;
        status.extend(page.aggregated_source_status_list().iter().cloned());
    }
    if status.is_empty() {
        return Err(refused("the aggregator lists no source (no account and no organisation)".into()));
    }
    let sources = Sources(status);

    // Every account the aggregator holds resources of (one call per 1,000 accounts).
    let mut accounts: BTreeSet<String> = known.clone();
    accounts.extend(
        sources
            .0
            .iter()
            .filter(|s| s.source_type() == Some(&AggregatedSourceType::Account))
            .filter_map(|s| s.source_id())
            .filter(|id| org::is_account_id(id))
            .map(str::to_string),
    );
    let mut pages = client
        .get_aggregate_discovered_resource_counts()
        .configuration_aggregator_name(name)
        .group_by_key(ResourceCountGroupKey::AccountId)
        .limit(1000)
        .into_paginator()
        .send();
    while let Some(page) = ctx.limited(pages.next()).await {
        let page = page.map_err(|e| refused(format!("{COUNTS_API} by account: {}", Failure::from_sdk(&e))))?;
        accounts
            .extend(page.grouped_resource_counts().iter().map(|g| g.group_name()).filter(|id| org::is_account_id(id)).map(str::to_string));
    }

    // Rule compliance of every account and region at once.
    let mut compliance: Result<BTreeMap<Place, Vec<Value>>, Failure> = Ok(BTreeMap::new());
    let mut pages =
        client.describe_aggregate_compliance_by_config_rules().configuration_aggregator_name(name).limit(1000).into_paginator().send();
    while let Some(page) = ctx.limited(pages.next()).await {
        match page {
            Ok(p) => {
                let Ok(groups) = compliance.as_mut() else { break };
                for c in p.aggregate_compliance_by_config_rules() {
                    let (Some(account), Some(region)) = (c.account_id(), c.aws_region()) else { continue };
                    accounts.insert(account.to_string());
                    groups.entry((account.to_string(), region.to_string())).or_default().push(c.to_json());
                }
            }
            Err(e) => {
                compliance = Err(Failure::from_sdk(&e));
                break;
            }
        }
    }

    let mut usable = Vec::new();
    for account in &accounts {
        let actx = ctx.for_account(account);
        for region in regions {
            let place = (account.clone(), region.clone());
            match sources.problem(name, &place) {
                Some(failure) => {
                    for api in [COMPLIANCE_API, DETAILS_API, COUNTS_API, BATCH_API] {
                        actx.gap_all(api, Some(region), failure.clone());
                    }
                }
                None => usable.push(place),
            }
        }
    }
    let usable_set: BTreeSet<&Place> = usable.iter().collect();

    let per_place = usable.iter().map(|place| {
        let rules = match &compliance {
            Ok(groups) => Ok(groups.get(place).cloned().unwrap_or_default()),
            Err(f) => Err(f.clone()),
        };
        place_documents(ctx.for_account(&place.0), client, name, place.1.clone(), rules)
    });
    let per_type = ResourceType::ALL.iter().map(|t| resources(ctx, client, name, *t, &usable_set));
    let (placed, typed) = tokio::join!(futures_util::future::join_all(per_place), futures_util::future::join_all(per_type));
    for written in placed.into_iter().chain(typed) {
        written?;
    }
    ctx.progress.done(&format!(
        "aggregator {name}: {} account(s) × {} region(s), {} aggregated, {} gap(s) of aggregation",
        accounts.len(),
        regions.len(),
        usable.len(),
        accounts.len() * regions.len() - usable.len()
    ));
    Ok(accounts)
}

/// The compliance summary, each rule's results and the resource counts of one account and
/// region.
async fn place_documents(
    ctx: Ctx<'_>,
    client: &Client,
    name: &str,
    region: String,
    rules: Result<Vec<Value>, Failure>,
) -> Result<(), Error> {
    let r = region.as_str();
    let account = ctx.account.clone();
    let compliance_path = super::config::path(&ctx, Kind::ComplianceByRule, r);
    let names: Vec<String> = match rules {
        Ok(items) => {
            let names = items.iter().filter_map(|i| i.get("ConfigRuleName").and_then(Value::as_str)).map(str::to_string).collect();
            ctx.write_json(&compliance_path, &wrap("ComplianceByConfigRules", items))?;
            names
        }
        Err(f) => {
            ctx.gap(COMPLIANCE_API, Some(r), &compliance_path, f.clone());
            // Without the list of rules no result can be asked for.
            ctx.gap_all(DETAILS_API, Some(r), f);
            Vec::new()
        }
    };
    let details = names.iter().map(|rule| {
        let (ctx, account) = (&ctx, &account);
        async move {
            let path = DocId::rule(account, r, rule).path();
            let pages = all_pages!(
                ctx,
                client
                    .get_aggregate_compliance_details_by_config_rule()
                    .configuration_aggregator_name(name)
                    .config_rule_name(rule)
                    .account_id(account)
                    .aws_region(r)
                    .limit(100)
                    .into_paginator(),
                aggregate_evaluation_results
            );
            match pages {
                Ok(items) => ctx.write_json(&path, &wrap("EvaluationResults", items)).map(drop),
                Err(f) => {
                    ctx.gap(DETAILS_API, Some(r), &path, f);
                    Ok(())
                }
            }
        }
    });
    let counts = async {
        let path = super::config::path(&ctx, Kind::ResourceCounts, r);
        let filters = ResourceCountFilters::builder().account_id(&account).region(r).build();
        let mut pages = client
            .get_aggregate_discovered_resource_counts()
            .configuration_aggregator_name(name)
            .filters(filters)
            .group_by_key(ResourceCountGroupKey::ResourceType)
            .limit(1000)
            .into_paginator()
            .send();
        let (mut total, mut counts) = (None, Vec::new());
        while let Some(page) = ctx.limited(pages.next()).await {
            match page {
                Ok(p) => {
                    total.get_or_insert(p.total_discovered_resources());
                    counts.extend(p.grouped_resource_counts().iter().map(
                        |g| obj! { "resourceType" => Some(Value::from(g.group_name())), "count" => Some(Value::from(g.resource_count())) },
                    ));
                }
                Err(e) => {
                    ctx.gap(COUNTS_API, Some(r), &path, Failure::from_sdk(&e));
                    return Ok(());
                }
            }
        }
        let doc = obj! {
            "totalDiscoveredResources" => Some(Value::from(total.unwrap_or(0))),
            "resourceCounts" => Some(Value::Array(counts)),
        };
        ctx.write_json(&path, &doc).map(drop)
    };
    let (details, counts) = tokio::join!(futures_util::future::join_all(details), counts);
    for written in details {
        written?;
    }
    counts
}

/// The configuration items of one type in every usable account and region: one listing (all
/// pages) across the aggregator, batches of 100, and a file per account and region (empty when
/// the aggregator holds none of the type there).
async fn resources(ctx: &Ctx<'_>, client: &Client, name: &str, t: ResourceType, usable: &BTreeSet<&Place>) -> Result<(), Error> {
    let rt = ResourceType_::from(t.as_str());
    let fail_all = |api: &str, f: Failure| {
        for (account, region) in usable {
            let path = DocId::resources(account, region, t).path();
            ctx.for_account(account).gap(api, Some(region), &path, f.clone());
        }
    };
    let mut ids: Vec<AggregateResourceIdentifier> = Vec::new();
    let mut pages = client
        .list_aggregate_discovered_resources()
        .configuration_aggregator_name(name)
        .resource_type(rt.clone())
        .limit(100)
        .into_paginator()
        .send();
    while let Some(page) = ctx.limited(pages.next()).await {
        match page {
            Ok(p) => ids.extend(
                p.resource_identifiers()
                    .iter()
                    .filter(|i| usable.contains(&(i.source_account_id().to_string(), i.source_region().to_string())))
                    .cloned(),
            ),
            Err(e) => {
                fail_all(LIST_API, Failure::from_sdk(&e));
                return Ok(());
            }
        }
    }
    let mut items: BTreeMap<Place, Vec<Value>> = BTreeMap::new();
    let mut unprocessed: BTreeMap<Place, Vec<String>> = BTreeMap::new();
    let place_of = |i: &AggregateResourceIdentifier| (i.source_account_id().to_string(), i.source_region().to_string());
    for chunk in ids.chunks(BATCH) {
        let mut keys: Vec<AggregateResourceIdentifier> = chunk.to_vec();
        for _ in 0..UNPROCESSED_ROUNDS {
            if keys.is_empty() {
                break;
            }
            let answer = ctx
                .limited(
                    client
                        .batch_get_aggregate_resource_config()
                        .configuration_aggregator_name(name)
                        .set_resource_identifiers(Some(keys.clone()))
                        .send(),
                )
                .await;
            let out = match answer {
                Ok(out) => out,
                Err(e) => {
                    fail_all(BATCH_API, Failure::from_sdk(&e));
                    return Ok(());
                }
            };
            let answered: BTreeSet<(String, String, String)> = out
                .base_configuration_items()
                .iter()
                .map(|i| {
                    (
                        i.account_id().unwrap_or_default().to_string(),
                        i.aws_region().unwrap_or_default().to_string(),
                        i.resource_id().unwrap_or_default().to_string(),
                    )
                })
                .chain(
                    out.unprocessed_resource_identifiers()
                        .iter()
                        .map(|k| (k.source_account_id().to_string(), k.source_region().to_string(), k.resource_id().to_string())),
                )
                .collect();
            for k in &keys {
                let key = (k.source_account_id().to_string(), k.source_region().to_string(), k.resource_id().to_string());
                if !answered.contains(&key) {
                    unprocessed.entry(place_of(k)).or_default().push(k.resource_id().to_string());
                }
            }
            for item in out.base_configuration_items() {
                // An item is filed by the account and region it says it is of; the reader then
                // holds it to its file, so an item of another place is not assessed, never moved.
                let place = match (item.account_id(), item.aws_region()) {
                    (Some(a), Some(r)) => (a.to_string(), r.to_string()),
                    // Without them it goes where it was asked for; the reader, which requires both
                    // fields, then leaves it not assessed.
                    _ => keys
                        .iter()
                        .find(|k| Some(k.resource_id()) == item.resource_id())
                        .map(place_of)
                        .unwrap_or_else(|| place_of(&chunk[0])),
                };
                items.entry(place).or_default().push(item.to_json());
            }
            keys = out.unprocessed_resource_identifiers().to_vec();
        }
        for k in keys {
            unprocessed.entry(place_of(&k)).or_default().push(k.resource_id().to_string());
        }
    }
    for place in usable {
        let (account, region) = *place;
        let path = DocId::resources(account, region, t).path();
        let mut doc = wrap("baseConfigurationItems", items.remove(*place).unwrap_or_default());
        if let Some(keys) = unprocessed.remove(*place) {
            tracing::warn!(
                account,
                region,
                resource_type = t.as_str(),
                count = keys.len(),
                "unprocessed aggregate identifiers kept in the file"
            );
            let keys: Vec<Value> = keys
                .into_iter()
                .map(|id| obj! { "resourceType" => Some(Value::from(t.as_str())), "resourceId" => Some(Value::from(id)) })
                .collect();
            doc.as_object_mut().expect("wrap gives an object").insert("unprocessedResourceKeys".into(), Value::Array(keys));
        }
        ctx.write_json(&path, &doc)?;
    }
    Ok(())
}

impl ToJson for AggregateComplianceByConfigRule {
    /// The shape of describe-compliance-by-config-rule: account and region are the file's.
    fn to_json(&self) -> Value {
        obj! { "ConfigRuleName" => j(self.config_rule_name()), "Compliance" => j(self.compliance()) }
    }
}

impl ToJson for AggregateEvaluationResult {
    /// The shape of get-compliance-details-by-config-rule: account and region are the file's.
    fn to_json(&self) -> Value {
        obj! {
            "EvaluationResultIdentifier" => j(self.evaluation_result_identifier()),
            "ComplianceType" => j(self.compliance_type()),
            "ResultRecordedTime" => j(self.result_recorded_time()),
            "ConfigRuleInvokedTime" => j(self.config_rule_invoked_time()),
            "Annotation" => j(self.annotation()),
        }
    }
}
