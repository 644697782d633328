//! Monitoring, logging, application-security and identity checks over configuration items and
//! IAM evidence: log groups, alarms, GuardDuty, Security Hub, Lambda, API Gateway, containers and
//! IAM roles. Same rules as `resources`: no recorder, no evidence; nothing in scope is not applicable.

#[allow(unused_imports)]
use super::items::{each_item, field, needed, verdict, verdict_field_str, Fail, Pass, Skip, Unknown, Verdict};
use super::Check;

pub static CHECKS: &[Check] = &[];
