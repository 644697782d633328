//! Typed configurations of log groups, alarms, GuardDuty, Security Hub, Lambda, API Gateway, containers and build
//! projects. Each struct keeps only what the checks read, with the
//! field names AWS Config writes for the type; a field of the wrong JSON type makes the item
//! unreadable, so its resource is not assessed.

#[allow(unused_imports)]
use serde::Deserialize;

#[allow(unused_imports)]
use super::{embedded, from_configuration, supplementary, FromItem, Sup, Supplementary};
