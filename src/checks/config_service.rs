//! Monitoring checks over the AWS Config service itself: recorders, their status, delivery
//! channels.

use super::{Check, Duty, Eval, Need, Severity};
use crate::evidence::docs::{DeliveryChannels, RecorderStatuses, Recorders};
use crate::evidence::Kind;

const RECORDERS: Need = Need::Doc(Kind::Recorders);
const RECORDER_STATUS: Need = Need::Doc(Kind::RecorderStatus);
const CHANNELS: Need = Need::Doc(Kind::DeliveryChannels);

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

fn recorder_enabled(e: &mut Eval) {
    for account in e.accounts() {
        for region in e.regions() {
            let scope = format!("{account}/{region}");
            let Some((recorders, status)) = e.recorders(&account, &region) else { continue };
            // A region may hold a service-linked recorder beside the customer's own: one recording is enough.
            match recorders.recorders.iter().find(|r| status.is_recording(&r.name)) {
                Some(rec) => e.pass(scope, format!("recorder {} is recording", rec.name)),
                None if recorders.recorders.is_empty() => e.fail(scope, "no configuration recorder"),
                None => {
                    let names: Vec<&str> = recorders.recorders.iter().map(|r| r.name.as_str()).collect();
                    e.fail(scope, format!("recorder(s) {} exist but none is recording", names.join(", ")))
                }
            }
        }
    }
}

fn recorder_all_resources(e: &mut Eval) {
    let regional = e.each_region::<Recorders>();
    for account in e.accounts() {
        let mut global_somewhere = false;
        let mut any_recorder = false;
        for (id, doc) in regional.iter().filter(|(id, _)| id.account == account) {
            let scope = id.scope();
            if doc.recorders.is_empty() {
                e.fail(scope, "no configuration recorder, so nothing is recorded");
                continue;
            }
            for rec in &doc.recorders {
                any_recorder = true;
                let group = &rec.recording_group;
                if group.include_global_resource_types == Some(true) {
                    global_somewhere = true;
                }
                let excluded = group.excluded().len();
                if group.all_supported() && excluded == 0 {
                    e.pass(&scope, format!("recorder {} records all supported types", rec.name));
                } else if excluded > 0 {
                    e.fail(&scope, format!("recorder {} excludes {excluded} resource type(s)", rec.name));
                } else {
                    e.fail(&scope, format!("recorder {} records only {} listed type(s)", rec.name, group.listed().len()));
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
    for (id, doc) in e.each_region::<RecorderStatuses>() {
        let scope = id.scope();
        if doc.statuses.is_empty() {
            e.fail(scope, "no configuration recorder, so nothing can be healthy");
            continue;
        }
        for s in &doc.statuses {
            let last = s.last_status.as_deref().unwrap_or("");
            // The CLI prints SUCCESS; the API model spells it Success.
            if s.recording && last.eq_ignore_ascii_case("success") {
                e.pass(&scope, format!("recorder {}: recording, last status SUCCESS", s.name));
            } else if !s.recording {
                e.fail(&scope, format!("recorder {} is not recording", s.name));
            } else {
                let err: Vec<&str> = [s.last_error_code.as_deref(), s.last_error_message.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter(|t| !t.is_empty())
                    .collect();
                e.fail(
                    &scope,
                    format!(
                        "recorder {}: last status {}{}",
                        s.name,
                        if last.is_empty() { "unknown" } else { last },
                        if err.is_empty() { String::new() } else { format!(" ({})", err.join(": ")) }
                    ),
                );
            }
        }
    }
}

fn delivery_channel(e: &mut Eval) {
    for (id, doc) in e.each_region::<DeliveryChannels>() {
        match doc.channels.first() {
            Some(c) => e.pass(id.scope(), format!("delivery channel {} to s3://{}", c.name, c.s3_bucket_name.as_deref().unwrap_or("?"))),
            None => e.fail(id.scope(), "no delivery channel"),
        }
    }
}
