//! Judging IAM policy documents (identity, trust and bucket policies), read by the evidence
//! catalogue's typed policy reader.

use crate::evidence::docs::policy::{PolicyDocument, Statement};

/// True when a statement allows every action on every resource (`"Action": "*"` on `"Resource": "*"`).
pub fn grants_full_admin(doc: &PolicyDocument) -> bool {
    doc.statements()
        .iter()
        .any(|s| s.allows() && s.actions().iter().any(|a| a == "*" || a == "*:*") && s.resources().iter().any(|r| r == "*"))
}

/// True when a statement allows every action of one service (`"<service>:*"`) on every resource.
pub fn grants_service_wildcard(doc: &PolicyDocument, service: &str) -> bool {
    let wildcard = format!("{service}:*");
    doc.statements().iter().any(|s| s.allows() && s.actions().contains(&wildcard) && s.resources().iter().any(|r| r == "*"))
}

/// True when a statement allows anyone to be the principal (`"Principal": "*"` or `{"AWS": "*"}`);
/// its `condition_keys` say what narrows it.
pub fn open_statement(s: &Statement) -> bool {
    s.allows() && s.open_principal()
}
