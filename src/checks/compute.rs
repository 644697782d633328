//! Operating-system and network checks over configuration items: EC2 instances and their
//! management, network ACLs, VPCs and their flow logs, load balancer listeners, CloudFront, WAF and
//! Shield. Same rules as `resources`: no recorder, no evidence; nothing in scope is not applicable.

#[allow(unused_imports)]
use super::items::{each_item, field, needed, verdict, verdict_field_str, Fail, Pass, Skip, Unknown, Verdict};
use super::Check;

pub static CHECKS: &[Check] = &[];
