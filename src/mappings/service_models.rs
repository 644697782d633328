//! The shared responsibility model as data (`mappings/service-models.toml`): the service model of
//! each AWS Config resource type, and who owns each area of responsibility under each model.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Owner;

pub const BUILTIN: &str = include_str!("../../mappings/service-models.toml");

/// A service model of the shared responsibility model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceModel {
    Iaas,
    Paas,
    Saas,
}

impl ServiceModel {
    pub const ALL: [ServiceModel; 3] = [ServiceModel::Iaas, ServiceModel::Paas, ServiceModel::Saas];
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceModel::Iaas => "iaas",
            ServiceModel::Paas => "paas",
            ServiceModel::Saas => "saas",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelInfo {
    pub name: String,
    pub description: String,
}

/// An area of responsibility and its owner under each service model.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    pub name: String,
    pub iaas: Owner,
    pub paas: Owner,
    pub saas: Owner,
}

impl Area {
    pub fn owner(&self, model: ServiceModel) -> Owner {
        match model {
            ServiceModel::Iaas => self.iaas,
            ServiceModel::Paas => self.paas,
            ServiceModel::Saas => self.saas,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub models: BTreeMap<ServiceModel, ModelInfo>,
    pub resource_types: BTreeMap<String, ServiceModel>,
    #[serde(rename = "area")]
    pub areas: Vec<Area>,
}

impl Table {
    /// The built-in table (validated by a test).
    pub fn builtin() -> Table {
        toml::from_str(BUILTIN).expect("mappings/service-models.toml is valid (tested)")
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    pub fn name(&self, model: ServiceModel) -> &str {
        self.models.get(&model).map(|m| m.name.as_str()).unwrap_or(model.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_parses_and_names_every_model() {
        let t = Table::builtin();
        for m in ServiceModel::ALL {
            assert!(t.models.contains_key(&m), "{m:?}");
        }
        assert_eq!(t.resource_types["AWS::EC2::Instance"], ServiceModel::Iaas);
        assert_eq!(t.resource_types["AWS::RDS::DBInstance"], ServiceModel::Paas);
        assert_eq!(t.resource_types["AWS::S3::Bucket"], ServiceModel::Saas);
        let os = t.area("operating-system").unwrap();
        assert_eq!((os.iaas, os.paas, os.saas), (Owner::Customer, Owner::Aws, Owner::Aws));
        assert!(ServiceModel::ALL.iter().all(|m| t.area("physical").unwrap().owner(*m) == Owner::Aws));
    }
}
