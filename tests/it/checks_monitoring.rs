//! The monitoring family of checks (src/checks/monitoring.rs) on passing, failing and missing evidence.

#[allow(unused_imports)]
use auditpack::checks::CheckStatus;
#[allow(unused_imports)]
use serde_json::{json, Value};

#[allow(unused_imports)]
use crate::cases::*;

/// Items of this family's resource types (only types added for it) for the contract's clean
/// account, on which every check passes (tests/it/contract.rs), as (resource type, items); each
/// item shaped as AWS Config writes it (`crate::cases::ci`).
pub fn clean() -> Vec<(&'static str, Vec<Value>)> {
    vec![]
}

fn cases() -> Vec<Case> {
    vec![]
}

#[test]
fn monitoring_checks_pass_fail_and_are_not_assessed_without_evidence() {
    run_cases(cases());
}
