//! The shared harness for checks over configuration items: items shaped as AWS Config writes
//! them, a bundle of one resource type (with the recorder that records it), and the four
//! outcomes every such check must give: pass on a good item, fail on a bad one, not applicable
//! where a recorded region has nothing in scope, not assessed without the items or the recorder.

use auditpack::checks::{self, CheckStatus, Outcome};
use auditpack::evidence::Bundle;
use serde_json::{json, Value};

use crate::util::*;

pub fn eval(id: &str, b: &Bundle) -> Outcome {
    checks::find(id).unwrap_or_else(|| panic!("no check {id}")).evaluate(b)
}

pub fn assert_status(id: &str, b: &Bundle, want: CheckStatus) -> Outcome {
    let o = eval(id, b);
    assert_eq!(o.status, want, "{id}: {:#?}", o);
    o
}

pub fn recorder_files(region: &str, recording: bool, all: bool) -> Vec<(String, String)> {
    let base = format!("{ACCOUNT}/{region}/config");
    vec![
        (
            format!("{base}/describe-configuration-recorders.json"),
            json!({"ConfigurationRecorders": [{"name": "default", "recordingGroup": {"allSupported": all, "includeGlobalResourceTypes": all, "resourceTypes": if all { json!([]) } else { json!(["AWS::EC2::Volume"]) }}}]}).to_string(),
        ),
        (
            format!("{base}/describe-configuration-recorder-status.json"),
            json!({"ConfigurationRecordersStatus": [{"name": "default", "recording": recording, "lastStatus": if recording { "SUCCESS" } else { "FAILURE" }}]}).to_string(),
        ),
        (format!("{base}/describe-delivery-channels.json"), json!({"DeliveryChannels": [{"name": "default", "s3BucketName": "logs"}]}).to_string()),
    ]
}

pub fn no_recorder(region: &str) -> Vec<(String, String)> {
    let base = format!("{ACCOUNT}/{region}/config");
    vec![
        (format!("{base}/describe-configuration-recorders.json"), "{\"ConfigurationRecorders\": []}".into()),
        (format!("{base}/describe-configuration-recorder-status.json"), "{\"ConfigurationRecordersStatus\": []}".into()),
        (format!("{base}/describe-delivery-channels.json"), "{\"DeliveryChannels\": []}".into()),
    ]
}

pub fn owned(files: &[(String, String)]) -> Vec<(&str, String)> {
    files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect()
}

pub fn ci(resource_type: &str, id: &str, configuration: Value, supplementary: Value) -> Value {
    json!({"accountId": ACCOUNT, "resourceType": resource_type, "resourceId": id, "resourceName": id,
           "arn": format!("arn:aws:test:::{id}"), "awsRegion": "us-east-1", "configurationItemStatus": "OK",
           "configuration": configuration.to_string(), "supplementaryConfiguration": supplementary})
}

/// A recorded region holding `items` of `resource_type` and, from `with`, the items of other types
/// a check joins with (an ALB's web ACLs: an empty list unless given).
pub fn resources_bundle_with(resource_type: &str, items: Vec<Value>, with: &[(&str, Vec<Value>)]) -> Bundle {
    let mut files = recorder_files("us-east-1", true, true);
    let mut others: Vec<(&str, Vec<Value>)> = with.to_vec();
    if resource_type == "AWS::ElasticLoadBalancingV2::LoadBalancer" && !others.iter().any(|(t, _)| *t == "AWS::WAFv2::WebACL") {
        others.push(("AWS::WAFv2::WebACL", vec![]));
    }
    for (t, its) in others {
        if t != resource_type {
            files.push((crate::util::resource_path(ACCOUNT, "us-east-1", t), json!({"baseConfigurationItems": its}).to_string()));
        }
    }
    files.push((crate::util::resource_path(ACCOUNT, "us-east-1", resource_type), json!({"baseConfigurationItems": items}).to_string()));
    bundle(&owned(&files))
}

pub fn resources_bundle(resource_type: &str, items: Vec<Value>) -> Bundle {
    resources_bundle_with(resource_type, items, &[])
}

/// One check on one good and one bad item of its resource type.
pub struct Case {
    pub check: &'static str,
    pub resource_type: &'static str,
    pub good: Value,
    pub bad: Value,
    /// Items of other resource types every bundle of the case holds (what the check joins with).
    pub with: Vec<(&'static str, Vec<Value>)>,
    /// What a recorded region with no item of the type gives (not applicable unless said).
    pub when_empty: CheckStatus,
}

#[allow(dead_code)]
impl Case {
    pub fn new(check: &'static str, resource_type: &'static str, good: Value, bad: Value) -> Case {
        Case { check, resource_type, good, bad, with: Vec::new(), when_empty: CheckStatus::NotApplicable }
    }

    pub fn with(mut self, resource_type: &'static str, items: Vec<Value>) -> Case {
        self.with.push((resource_type, items));
        self
    }

    pub fn when_empty(mut self, status: CheckStatus) -> Case {
        self.when_empty = status;
        self
    }

    fn bundle(&self, items: Vec<Value>) -> Bundle {
        resources_bundle_with(self.resource_type, items, &self.with)
    }
}

/// Every case on the four outcomes: pass on its good item, fail on its bad one (both reading
/// the type's file), its `when_empty` status with no item, and not assessed when the items were
/// never collected or no recorder records the type.
pub fn run_cases(cases: Vec<Case>) {
    let mut seen = std::collections::BTreeSet::new();
    for case in &cases {
        seen.insert(case.check);
        let o = assert_status(case.check, &case.bundle(vec![case.good.clone()]), CheckStatus::Pass);
        let file = crate::util::resource_path(ACCOUNT, "us-east-1", case.resource_type);
        assert!(o.evidence_files.contains(&file), "{} lists {file}: {:?}", case.check, o.evidence_files);
        let o = assert_status(case.check, &case.bundle(vec![case.bad.clone()]), CheckStatus::Fail);
        assert!(o.findings.iter().any(|f| f.status == CheckStatus::Fail && !f.detail.is_empty()), "{}: {o:#?}", case.check);
        let o = assert_status(case.check, &case.bundle(vec![]), case.when_empty);
        if case.when_empty == CheckStatus::NotApplicable {
            assert!(o.reason.as_deref().unwrap_or_default().contains("nothing in scope"), "{}", case.check);
        }
        // Recorder on, but the type's items were never collected.
        let mut files = recorder_files("us-east-1", true, true);
        for (t, its) in &case.with {
            files.push((crate::util::resource_path(ACCOUNT, "us-east-1", t), json!({"baseConfigurationItems": its}).to_string()));
        }
        assert_status(case.check, &bundle(&owned(&files)), CheckStatus::NotAssessed);
        // Items present, but no recorder records the type there: the inventory proves nothing.
        let mut files = no_recorder("us-east-1");
        files.push((file.clone(), json!({"baseConfigurationItems": [case.good.clone()]}).to_string()));
        let o = assert_status(case.check, &bundle(&owned(&files)), CheckStatus::NotAssessed);
        assert!(o.reason.unwrap_or_default().contains("not recording"), "{}", case.check);
        // A configuration of the wrong shape is no evidence: that resource is not assessed.
        let mut broken = case.good.clone();
        broken["configuration"] = json!("[1, 2, 3]");
        let o = eval(case.check, &case.bundle(vec![broken]));
        assert_ne!(o.status, CheckStatus::Pass, "{}: a configuration that is a list passed: {o:#?}", case.check);
    }
    assert_eq!(seen.len(), cases.len(), "one case per check");
}
