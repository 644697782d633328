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

/// The file name of the table, in the built-in mappings and in a `--mappings` directory.
pub const FILE: &str = "service-models.toml";

impl Table {
    /// The built-in table (validated by a test).
    pub fn builtin() -> Table {
        Table::parse(BUILTIN, "mappings/service-models.toml").expect("mappings/service-models.toml is valid (tested)")
    }

    /// Parse and validate a table; problems name the file, line and column.
    pub fn parse(text: &str, display: &str) -> Result<Table, Vec<super::Diagnostic>> {
        let at = |span: std::ops::Range<usize>, message: String, fix: &str| {
            let (line, column) = super::line_col(text, span.start);
            super::Diagnostic { file: display.to_string(), line, column, message, fix: fix.to_string() }
        };
        let table: Table = toml::from_str(text).map_err(|e| {
            let fix = if e.message().contains("unknown field") {
                "allowed keys: [models.<iaas|paas|saas>] name, description; [resource_types] \"AWS::Type\" = \"iaas\"; [[area]] id, name, iaas, paas, saas"
            } else {
                "correct the TOML at this position (docs/mappings.md describes the file)"
            };
            vec![at(e.span().unwrap_or(0..0), e.message().trim().to_string(), fix)]
        })?;
        let mut diags = Vec::new();
        let missing: Vec<&str> = ServiceModel::ALL.iter().filter(|m| !table.models.contains_key(m)).map(|m| m.as_str()).collect();
        if !missing.is_empty() {
            diags.push(at(
                0..0,
                format!("[models] leaves out {}", missing.join(", ")),
                "name and describe all three models: iaas, paas, saas",
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in &table.areas {
            if a.id.trim().is_empty() || !seen.insert(a.id.as_str()) {
                let offset = text.find(&format!("id = \"{}\"", a.id)).unwrap_or(0);
                diags.push(at(offset..offset, format!("area id {:?} is empty or defined twice", a.id), "give each [[area]] its own id"));
            }
        }
        if table.areas.is_empty() {
            diags.push(at(0..0, "the table defines no [[area]]".into(), "add the areas of responsibility"));
        }
        if diags.is_empty() {
            Ok(table)
        } else {
            Err(diags)
        }
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
