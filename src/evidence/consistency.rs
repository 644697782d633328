//! Rules across documents: what one document says exists must be in the documents that list it.
//! A file that holds fewer users, groups, roles or resources than the account summary or the
//! discovered-resource counts say there are is incomplete (a page dropped, a file trimmed), and
//! root-user flags that contradict the account summary leave the credential report in doubt.
//! Such a document is read as failing its reader, naming both files, so every check needing it
//! is not assessed.

use std::collections::BTreeMap;

use super::catalogue::{DocId, Kind};
use super::docs::{AccountSummary, AuthorizationDetails, CredentialReport, Document, ResourceCounts, Resources};
use super::Stored;

fn typed<'a, T: Document>(docs: &'a BTreeMap<DocId, Stored>, id: &DocId) -> Option<&'a T> {
    docs.get(id).and_then(|s| s.read.as_ref().ok()).and_then(T::of)
}

/// Apply every rule, turning each contradicted document into a reader failure.
pub(super) fn apply(docs: &mut BTreeMap<DocId, Stored>) {
    let mut refused: Vec<(DocId, String)> = Vec::new();
    let accounts: Vec<String> = docs.keys().map(|id| id.account.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    for account in &accounts {
        let summary_id = DocId::global(Kind::AccountSummary, account);
        let Some(summary) = typed::<AccountSummary>(docs, &summary_id) else { continue };
        let said = |key: &str| summary.summary_map.get(key).copied();
        let report_id = DocId::global(Kind::CredentialReport, account);
        if let Some(report) = typed::<CredentialReport>(docs, &report_id) {
            let mut why = Vec::new();
            let users = report.users().count() as i64;
            if let Some(n) = said("Users").filter(|n| users < *n) {
                why.push(format!("it lists {users} IAM user(s), but {summary_id} says the account has {n}"));
            }
            let root = report.root();
            if let Some(mfa) = said("AccountMFAEnabled").filter(|m| (*m == 1) != root.mfa_active) {
                why.push(format!("its root row says MFA {}, but {summary_id} says AccountMFAEnabled {mfa}", root.mfa_active));
            }
            let keys = root.keys.iter().any(|k| k.active);
            if let Some(k) = said("AccountAccessKeysPresent").filter(|k| (*k == 1) != keys) {
                why.push(format!("its root row says active access keys {keys}, but {summary_id} says AccountAccessKeysPresent {k}"));
            }
            if !why.is_empty() {
                refused.push((report_id, why.join("; ")));
            }
        }
        let details_id = DocId::global(Kind::AuthorizationDetails, account);
        if let Some(d) = typed::<AuthorizationDetails>(docs, &details_id) {
            let lists = [
                ("Users", "user(s)", d.user_detail_list.len()),
                ("Groups", "group(s)", d.group_detail_list.len()),
                ("Roles", "role(s)", d.role_detail_list.len()),
            ];
            let why: Vec<String> = lists
                .iter()
                .filter_map(|(key, noun, held)| {
                    said(key).filter(|n| (*held as i64) < *n).map(|n| format!("it lists {held} {noun}, but {summary_id} says {key} {n}"))
                })
                .collect();
            if !why.is_empty() {
                refused.push((details_id, why.join("; ")));
            }
        }
    }
    let counted: Vec<DocId> = docs.keys().filter(|id| id.kind == Kind::ResourceCounts).cloned().collect();
    for counts_id in counted {
        let Some(counts) = typed::<ResourceCounts>(docs, &counts_id) else { continue };
        let region = counts_id.region.as_deref().unwrap_or_default();
        for id in
            docs.keys().filter(|id| id.kind == Kind::Resources && id.account == counts_id.account && id.region.as_deref() == Some(region))
        {
            let (Some(t), Some(doc)) = (id.resource_type(), typed::<Resources>(docs, id)) else { continue };
            let discovered: u64 = counts.resource_counts.iter().filter(|c| c.resource_type == t.as_str()).map(|c| c.count).sum();
            let held = doc.items.len() as u64;
            if held < discovered {
                refused.push((
                    id.clone(),
                    format!("it holds {held} {t} item(s), but {counts_id} says AWS Config discovered {discovered}: the file is incomplete"),
                ));
            }
        }
    }
    for (id, why) in refused {
        if let Some(stored) = docs.get_mut(&id) {
            stored.read = Err(format!("{}: {why}", stored.path));
        }
    }
}
