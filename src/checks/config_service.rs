//! Monitoring checks over the AWS Config service itself: recorders, their status, delivery
//! channels. Also the recorder coverage that resource checks rely on: a region whose recorder
//! does not record a type proves nothing about that type.

use serde_json::Value;

use super::eval::{flag, list, text};
use super::{Check, Duty, Eval, Severity};
use crate::evidence::config_file;

const RECORDERS: &str = "<account>/<region>/config/describe-configuration-recorders.json";
const RECORDER_STATUS: &str = "<account>/<region>/config/describe-configuration-recorder-status.json";
const CHANNELS: &str = "<account>/<region>/config/describe-delivery-channels.json";

pub static CHECKS: &[Check] = &[
    Check {
        id: "config-recorder-enabled",
        title: "An AWS Config recorder exists and is recording in every region",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::High,
        rationale: "Without a recorder there is no inventory and no configuration history: changes in that region go unseen, and resource checks there cannot be assessed.",
        remediation: "aws configservice put-configuration-recorder and start-configuration-recorder in each region (or deploy the recorder to every region with CloudFormation StackSets).",
        evidence: &[RECORDERS, RECORDER_STATUS],
        run: recorder_enabled,
    },
    Check {
        id: "config-recorder-all-resources",
        title: "Config recorders record all resource types, global types included",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "A recorder limited to a list of types misses every resource outside it, and without global types IAM changes are not recorded.",
        remediation: "Set recordingGroup.allSupported to true, and includeGlobalResourceTypes to true in one region (the home region of the account).",
        evidence: &[RECORDERS],
        run: recorder_all_resources,
    },
    Check {
        id: "config-recorder-healthy",
        title: "Config recorders report a successful last delivery",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "A recorder that is on but failing (missing role permissions, a deleted bucket) records nothing.",
        remediation: "Read lastErrorCode and lastErrorMessage in describe-configuration-recorder-status and repair the recorder's role or delivery bucket.",
        evidence: &[RECORDER_STATUS],
        run: recorder_healthy,
    },
    Check {
        id: "config-delivery-channel",
        title: "Every region with a recorder has a delivery channel",
        duty: Duty::MonitoringAndLogging,
        severity: Severity::Medium,
        rationale: "The delivery channel sends configuration history and snapshots to S3; without it the history exists only inside the service.",
        remediation: "aws configservice put-delivery-channel with an S3 bucket (ideally in a central log archive account).",
        evidence: &[CHANNELS],
        run: delivery_channel,
    },
];

/// The recorders of one region and their status, as read from the bundle.
pub struct RegionRecorders {
    pub recorders: Vec<Value>,
    pub status: Vec<Value>,
}

impl RegionRecorders {
    /// Read both files; `None` (and the scope marked not assessed) when either is missing.
    pub fn read(e: &mut Eval, account: &str, region: &str) -> Option<RegionRecorders> {
        let scope = format!("{account}/{region}");
        let recorders = e.json(&config_file(account, region, "describe-configuration-recorders.json"), &scope);
        let status = e.json(&config_file(account, region, "describe-configuration-recorder-status.json"), &scope);
        Some(RegionRecorders {
            recorders: list(&*recorders?, "ConfigurationRecorders").to_vec(),
            status: list(&*status?, "ConfigurationRecordersStatus").to_vec(),
        })
    }

    fn is_recording(&self, name: &str) -> bool {
        self.status.iter().any(|s| text(s, "name") == name && flag(s, "recording") == Some(true))
    }

    /// Whether a recorder that is on records `resource_type` here.
    pub fn records(&self, resource_type: &str) -> bool {
        self.recorders.iter().any(|r| {
            if !self.is_recording(text(r, "name")) {
                return false;
            }
            let group = r.get("recordingGroup").cloned().unwrap_or(Value::Null);
            let listed =
                |v: Option<&Value>| list(v.unwrap_or(&Value::Null), "resourceTypes").iter().any(|t| t.as_str() == Some(resource_type));
            let excluded = listed(group.get("exclusionByResourceTypes"));
            let all = flag(&group, "allSupported").unwrap_or(false);
            let in_list = list(&group, "resourceTypes").iter().any(|t| t.as_str() == Some(resource_type));
            (all || in_list) && !excluded
        })
    }
}

fn each_region(e: &mut Eval, mut f: impl FnMut(&mut Eval, &str, &str)) {
    for account in e.accounts() {
        for region in e.regions() {
            f(e, &account, &region);
        }
    }
}

fn recorder_enabled(e: &mut Eval) {
    each_region(e, |e, account, region| {
        let scope = format!("{account}/{region}");
        let Some(r) = RegionRecorders::read(e, account, region) else { return };
        match r.recorders.first() {
            None => e.fail(scope, "no configuration recorder"),
            Some(rec) if r.is_recording(text(rec, "name")) => e.pass(scope, format!("recorder {} is recording", text(rec, "name"))),
            Some(rec) => e.fail(scope, format!("recorder {} exists but is stopped", text(rec, "name"))),
        }
    });
}

fn recorder_all_resources(e: &mut Eval) {
    for account in e.accounts() {
        let mut global_somewhere = false;
        let mut any_recorder = false;
        for region in e.regions() {
            let scope = format!("{account}/{region}");
            let Some(v) = e.json(&config_file(&account, &region, "describe-configuration-recorders.json"), &scope) else { continue };
            let recorders = list(&v, "ConfigurationRecorders");
            if recorders.is_empty() {
                e.fail(scope, "no configuration recorder, so nothing is recorded");
                continue;
            }
            for rec in recorders {
                any_recorder = true;
                let group = rec.get("recordingGroup").cloned().unwrap_or(Value::Null);
                let excluded = list(group.get("exclusionByResourceTypes").unwrap_or(&Value::Null), "resourceTypes").len();
                if flag(&group, "includeGlobalResourceTypes") == Some(true) {
                    global_somewhere = true;
                }
                if flag(&group, "allSupported") == Some(true) && excluded == 0 {
                    e.pass(&scope, format!("recorder {} records all supported types", text(rec, "name")));
                } else if excluded > 0 {
                    e.fail(&scope, format!("recorder {} excludes {excluded} resource type(s)", text(rec, "name")));
                } else {
                    e.fail(
                        &scope,
                        format!("recorder {} records only {} listed type(s)", text(rec, "name"), list(&group, "resourceTypes").len()),
                    );
                }
            }
        }
        if any_recorder && !global_somewhere {
            e.fail(&account, "no recorder includes global resource types (IAM), so IAM changes are not recorded");
        } else if global_somewhere {
            e.pass(&account, "global resource types are recorded");
        }
    }
}

fn recorder_healthy(e: &mut Eval) {
    each_region(e, |e, account, region| {
        let scope = format!("{account}/{region}");
        let path = config_file(account, region, "describe-configuration-recorder-status.json");
        let Some(v) = e.json(&path, &scope) else { return };
        let statuses = list(&v, "ConfigurationRecordersStatus");
        if statuses.is_empty() {
            e.fail(scope, "no configuration recorder, so nothing can be healthy");
            return;
        }
        for s in statuses {
            let name = text(s, "name");
            let last = text(s, "lastStatus");
            if flag(s, "recording") == Some(true) && last == "SUCCESS" {
                e.pass(&scope, format!("recorder {name}: recording, last status SUCCESS"));
            } else if flag(s, "recording") != Some(true) {
                e.fail(&scope, format!("recorder {name} is not recording"));
            } else {
                let err = [text(s, "lastErrorCode"), text(s, "lastErrorMessage")]
                    .into_iter()
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(": ");
                e.fail(
                    &scope,
                    format!(
                        "recorder {name}: last status {}{}",
                        if last.is_empty() { "unknown" } else { last },
                        if err.is_empty() { String::new() } else { format!(" ({err})") }
                    ),
                );
            }
        }
    });
}

fn delivery_channel(e: &mut Eval) {
    each_region(e, |e, account, region| {
        let scope = format!("{account}/{region}");
        let Some(v) = e.json(&config_file(account, region, "describe-delivery-channels.json"), &scope) else { return };
        match list(&v, "DeliveryChannels").first() {
            Some(c) => e.pass(scope, format!("delivery channel {} to s3://{}", text(c, "name"), text(c, "s3BucketName"))),
            None => e.fail(scope, "no delivery channel"),
        }
    });
}
