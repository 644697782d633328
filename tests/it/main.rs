//! auditpack's integration tests: one binary, one module per area.

mod architecture;
mod attach;
mod bundle;
mod cases;
mod checks;
mod checks_compute;
mod checks_data;
mod checks_monitoring;
mod cli;
mod collect;
mod contract;
mod cycle;
mod exceptions;
mod fuzz_corpus;
mod handoff;
mod inventory;
mod mappings;
mod moto;
mod organisation;
mod oscal;
mod output;
mod report;
mod router;
mod rules;
mod sign;
mod util;
