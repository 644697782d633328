//! Judging IAM policy documents (identity, trust and bucket policies), read by the evidence
//! catalogue's typed policy reader.

use crate::evidence::docs::policy::{PolicyDocument, Statement};

/// True when a statement allows every action on every resource (`"Action": "*"` on `"Resource":
/// "*"`, or on every resource but some, through `NotResource`).
pub fn grants_full_admin(doc: &PolicyDocument) -> bool {
    doc.statements().iter().any(|s| s.allows() && s.actions().iter().any(|a| a == "*" || a == "*:*") && s.every_resource())
}

/// True when a statement allows every action of one service (`"<service>:*"`, `"*"`, or a
/// `NotAction` that leaves the service in) on all of that service's resources.
pub fn grants_service_wildcard(doc: &PolicyDocument, service: &str) -> bool {
    let wildcard = format!("{service}:*");
    let all_of_service = |s: &Statement| {
        s.every_resource()
            || s.resources().iter().any(|r| {
                let r = r.to_ascii_lowercase();
                (r.starts_with(&format!("arn:aws:{service}:")) || r.starts_with(&format!("arn:*:{service}:")))
                    && (r.ends_with("/*") || r.ends_with(":*"))
            })
    };
    doc.statements().iter().any(|s| s.allows_action(&wildcard) && all_of_service(s))
}

/// True when a statement allows anyone to be the principal (`"Principal": "*"`, `{"AWS": "*"}`
/// or `NotPrincipal`); its `condition_keys` say what narrows it.
pub fn open_statement(s: &Statement) -> bool {
    s.allows() && s.open_principal()
}
