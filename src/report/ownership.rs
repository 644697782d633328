//! Ownership that follows the account: which service models its Config inventory shows, the
//! owner of each control that results, and the responsibility matrix of a framework.

use serde::Serialize;

use crate::checks::{self, Duty};
use std::collections::{BTreeMap, BTreeSet};

use crate::evidence::docs::{ResourceCounts, Resources};
use crate::evidence::{Bundle, Kind, Lookup};
use crate::mappings::service_models::{ServiceModel, Table};
use crate::mappings::{Control, EvidenceMethod, Owner};

/// A service model the account uses, and the inventory that shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ModelUse {
    pub model: ServiceModel,
    pub name: String,
    pub resource_types: Vec<TypeCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TypeCount {
    pub resource_type: String,
    pub items: usize,
}

/// One row of the responsibility matrix: an area, its owner under each model in use, and the
/// framework's controls that fall there.
#[derive(Debug, Clone, Serialize)]
pub struct AreaRow {
    pub id: String,
    pub name: String,
    pub owners: Vec<ModelOwner>,
    pub controls: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelOwner {
    pub model: ServiceModel,
    pub name: String,
    pub owner: Owner,
}

/// The models in use: every resource type the bundle shows at least one resource of, looked up
/// in the table. Types the table does not know are left out.
pub fn models_in_use(bundle: &Bundle, table: &Table) -> Vec<ModelUse> {
    // Per region: get-discovered-resource-counts where it reads (every type the recorder saw),
    // else the live configuration items of the types the bundle holds.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut counted = BTreeSet::new();
    for id in bundle.ids(Kind::ResourceCounts) {
        if let Lookup::Found(doc) = bundle.get::<ResourceCounts>(id) {
            counted.insert(id.scope());
            for rc in &doc.resource_counts {
                *counts.entry(rc.resource_type.clone()).or_default() += rc.count as usize;
            }
        }
    }
    for id in bundle.ids(Kind::Resources) {
        if counted.contains(&id.scope()) {
            continue;
        }
        if let (Lookup::Found(doc), Some(t)) = (bundle.get::<Resources>(id), id.resource_type()) {
            *counts.entry(t.as_str().to_string()).or_default() += doc.items.iter().filter(|i| i.is_live()).count();
        }
    }
    ServiceModel::ALL
        .iter()
        .filter_map(|&model| {
            let resource_types: Vec<TypeCount> = counts
                .iter()
                .filter(|(t, n)| **n > 0 && table.resource_types.get(*t) == Some(&model))
                .map(|(t, n)| TypeCount { resource_type: t.clone(), items: *n })
                .collect();
            (!resource_types.is_empty()).then(|| ModelUse { model, name: table.name(model).to_string(), resource_types })
        })
        .collect()
}

/// The area a control falls in: named in the catalogue, else physical for inherited controls,
/// else the duty of its first check. Organisational controls have none.
pub fn area_of(c: &Control) -> Option<String> {
    if let Some(a) = &c.area {
        return Some(a.clone());
    }
    if c.evidence == EvidenceMethod::Inherited {
        return Some("physical".into());
    }
    let duty = checks::find(c.checks.first()?)?.duty;
    Some(
        match duty {
            Duty::IdentityAndAccess => "identity-access",
            Duty::DataProtection => "data-protection",
            Duty::NetworkSecurity => "network-configuration",
            Duty::OsPatching => "operating-system",
            Duty::MonitoringAndLogging => "monitoring-logging",
            Duty::ApplicationSecurity => "application",
        }
        .to_string(),
    )
}

/// The owner of a control for this account, and why, when it moves with the service model.
pub fn owner_for(c: &Control, in_use: &[ModelUse]) -> (Owner, Option<String>) {
    let Some(by_model) = &c.owner_by_model else { return (c.owner, None) };
    if in_use.is_empty() {
        return (c.owner, Some("No service model shows in the Config inventory, so the catalogue's default owner applies.".into()));
    }
    let parts: Vec<(Owner, String)> = in_use
        .iter()
        .map(|m| {
            let types: Vec<&str> = m.resource_types.iter().map(|t| t.resource_type.as_str()).collect();
            (by_model[&m.model], format!("{} for {} ({})", by_model[&m.model].title(), m.name, types.join(", ")))
        })
        .collect();
    let first = parts[0].0;
    let owner = if parts.iter().all(|(o, _)| *o == first) { first } else { Owner::Shared };
    let why: Vec<String> = parts.into_iter().map(|(_, s)| s).collect();
    (owner, Some(format!("{}: {}.", owner.title(), why.join("; "))))
}

/// The matrix: every area of the table, its owner under each model in use (all three when the
/// inventory shows none), and the controls that fall there.
pub fn matrix(table: &Table, in_use: &[ModelUse], controls: &[(String, Option<String>)]) -> Vec<AreaRow> {
    let models: Vec<ServiceModel> = if in_use.is_empty() { ServiceModel::ALL.to_vec() } else { in_use.iter().map(|m| m.model).collect() };
    table
        .areas
        .iter()
        .map(|a| AreaRow {
            id: a.id.clone(),
            name: a.name.clone(),
            owners: models.iter().map(|&m| ModelOwner { model: m, name: table.name(m).to_string(), owner: a.owner(m) }).collect(),
            controls: controls.iter().filter(|(_, area)| area.as_deref() == Some(a.id.as_str())).map(|(id, _)| id.clone()).collect(),
        })
        .collect()
}
