//! Data-protection checks over configuration items: databases, file systems, caches, search and
//! warehouse clusters, queues and topics, secrets, certificates, snapshots and backup plans. Same
//! rules as `resources`: no recorder, no evidence; nothing in scope is not applicable.

#[allow(unused_imports)]
use super::items::{each_item, field, needed, verdict, verdict_field_str, Fail, Pass, Skip, Unknown, Verdict};
use super::Check;

pub static CHECKS: &[Check] = &[];
