//! Where each kind of evidence lives inside a bundle (file names are the AWS CLI command names).

/// `<account>/global/iam/<file>`
pub fn iam_file(account: &str, file: &str) -> String {
    format!("{account}/global/iam/{file}")
}

/// `<account>/<region>/config/<file>`
pub fn config_file(account: &str, region: &str, file: &str) -> String {
    format!("{account}/{region}/config/{file}")
}

/// `<account>/<region>/config/get-compliance-details-by-config-rule/<rule>.json`
pub fn config_rule_details_file(account: &str, region: &str, rule: &str) -> String {
    format!("{account}/{region}/config/get-compliance-details-by-config-rule/{rule}.json")
}

/// `<account>/<region>/config/resources/AWS__S3__Bucket.json` for `AWS::S3::Bucket`.
pub fn resource_file(account: &str, region: &str, resource_type: &str) -> String {
    format!("{account}/{region}/config/resources/{}.json", resource_type.replace("::", "__"))
}

/// A manifest path must be relative, use `/`, and never climb out of the bundle.
pub(crate) fn check_relative(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.starts_with('/') || path.contains('\\') || path.as_bytes().get(1) == Some(&b':') {
        return Err("is not relative to the bundle");
    }
    if path.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
        return Err("has an empty, `.` or `..` component");
    }
    Ok(())
}
