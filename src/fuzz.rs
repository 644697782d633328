//! Entry points of the fuzz targets (`fuzz/`), here so that the corpora and every input that
//! ever crashed replay as ordinary tests (`tests/it/fuzz_corpus.rs`) through the same code.
//! Each takes arbitrary bytes and must return without panicking, whatever they hold.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::evidence::catalogue::{DocId, Kind, ResourceType};
use crate::evidence::docs::{self, ReadCtx};

const ACCOUNT: &str = "111122223333";

fn collected_at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_000_000, 0).expect("a valid time")
}

fn read(id: &DocId, data: &[u8]) {
    let _ = docs::read(data, ReadCtx { id, collected_at: collected_at() });
}

/// The credential report reader.
pub fn credential_report(data: &[u8]) {
    read(&DocId::global(Kind::CredentialReport, ACCOUNT), data);
}

/// The authorization details reader (policy documents included).
pub fn authorization_details(data: &[u8]) {
    read(&DocId::global(Kind::AuthorizationDetails, ACCOUNT), data);
}

/// The configuration item reader: the first byte picks the resource type, the rest is the file.
pub fn config_items(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let t = ResourceType::ALL[pick as usize % ResourceType::ALL.len()];
    read(&DocId::resources(ACCOUNT, "us-east-1", t), rest);
}

/// The manifest, checked against the catalogue as a bundle would be (no files).
pub fn manifest(data: &[u8]) {
    let _ = crate::evidence::Bundle::from_parts(data, BTreeMap::new(), Path::new("<fuzz>"));
}

/// The mappings loader: the first byte picks the file the text is read as (a framework
/// catalogue or the service-model table).
pub fn mappings(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    if pick % 2 == 0 {
        let _ = crate::mappings::parse("gdpr.toml", "<fuzz>/gdpr.toml", &text, &crate::mappings::service_models::Table::builtin());
    } else {
        let _ = crate::mappings::service_models::Table::parse(&text, "<fuzz>/service-models.toml");
    }
}

/// The inputs of the quarterly cycle: the first byte picks an exceptions file, an attestations
/// file (both validated against the built-in catalogues) or a previous period's results.json.
pub fn cycle_inputs(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    thread_local! {
        static CATALOG: crate::mappings::Catalog = crate::mappings::Catalog::load(None).expect("the built-in catalogues load");
    }
    match pick % 3 {
        0 => CATALOG.with(|c| {
            let _ = crate::exceptions::Exceptions::parse(&String::from_utf8_lossy(rest), "<fuzz>/exceptions.toml", c);
        }),
        1 => CATALOG.with(|c| {
            let _ = crate::mappings::attestations::Attestations::parse(&String::from_utf8_lossy(rest), "<fuzz>/attestations.toml", c);
        }),
        _ => {
            let _ = crate::report::changes::Previous::from_results_json(rest, "<fuzz>/results.json");
        }
    }
}
