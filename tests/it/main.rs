//! auditpack's integration tests: one binary, one module per area.

mod bundle;
mod checks;
mod cli;
mod mappings;
mod report;
mod util;
