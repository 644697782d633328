//! Typed configurations of databases, file systems, caches, search and warehouse clusters, streams, queues and
//! topics, secrets, certificates, snapshots and backups. Each struct keeps only what the checks read, with the
//! field names AWS Config writes for the type; a field of the wrong JSON type makes the item
//! unreadable, so its resource is not assessed.

#[allow(unused_imports)]
use serde::Deserialize;

#[allow(unused_imports)]
use super::{embedded, from_configuration, supplementary, FromItem, Sup, Supplementary};
