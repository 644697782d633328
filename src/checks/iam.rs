//! Identity and access checks over the IAM credential report, password policy and the account
//! authorization details.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::eval::{embedded_json, flag, list, text, Doc};
use super::policy::{grants_full_admin, grants_service_wildcard, open_principal, statements};
use super::{Check, Duty, Eval, Severity};
use crate::evidence::iam_file;

const CRED_REPORT: &str = "<account>/global/iam/credential-report.csv";
const PASSWORD_POLICY: &str = "<account>/global/iam/get-account-password-policy.json";
const AUTH_DETAILS: &str = "<account>/global/iam/get-account-authorization-details.json";

pub static CHECKS: &[Check] = &[
    Check {
        id: "iam-root-mfa",
        title: "Root user has MFA enabled",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Critical,
        rationale: "The root user can do anything in the account, including closing it; a password alone is one phishing email away from losing the account.",
        remediation: "Sign in as the root user, open Security credentials and assign an MFA device (a hardware key is best for root).",
        evidence: &[CRED_REPORT],
        run: root_mfa,
    },
    Check {
        id: "iam-root-hardware-mfa",
        title: "Root user's MFA is a hardware device",
        duty: Duty::IdentityAndAccess,
        severity: Severity::High,
        rationale: "A virtual MFA app lives on a phone that can be lost, cloned or restored elsewhere; a hardware key for the root user is held and locked away.",
        remediation: "Register a FIDO security key or hardware TOTP token for the root user, then remove the virtual device.",
        evidence: &[CRED_REPORT, "<account>/global/iam/list-virtual-mfa-devices.json"],
        run: root_hardware_mfa,
    },
    Check {
        id: "iam-root-access-keys",
        title: "Root user has no active access keys",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Critical,
        rationale: "A root access key is an unrestricted, long-lived credential that no policy can limit.",
        remediation: "Delete the root user's access keys and give automation an IAM role with only the permissions it needs.",
        evidence: &[CRED_REPORT],
        run: root_access_keys,
    },
    Check {
        id: "iam-root-recent-use",
        title: "Root user not used in the last 90 days",
        duty: Duty::IdentityAndAccess,
        severity: Severity::High,
        rationale: "Everyday work done as root bypasses every permission boundary and leaves an audit trail that names no person.",
        remediation: "Use IAM Identity Center or IAM roles for daily tasks; keep root for the few tasks that need it and review each use.",
        evidence: &[CRED_REPORT],
        run: root_recent_use,
    },
    Check {
        id: "iam-password-min-length",
        title: "Password policy requires at least 14 characters",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Medium,
        rationale: "Length is the strongest single defence of a password against guessing.",
        remediation: "aws iam update-account-password-policy --minimum-password-length 14 (with the other flags you use).",
        evidence: &[PASSWORD_POLICY],
        run: password_length,
    },
    Check {
        id: "iam-password-complexity",
        title: "Password policy requires upper and lower case, digits and symbols",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Medium,
        rationale: "Mixed character classes widen the search space an attacker must cover.",
        remediation: "Set RequireUppercaseCharacters, RequireLowercaseCharacters, RequireNumbers and RequireSymbols in the account password policy.",
        evidence: &[PASSWORD_POLICY],
        run: password_complexity,
    },
    Check {
        id: "iam-password-reuse",
        title: "Password policy prevents reuse of the last 24 passwords",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Low,
        rationale: "Without reuse prevention a forced change can be undone by setting the old password again.",
        remediation: "Set PasswordReusePrevention to 24 in the account password policy.",
        evidence: &[PASSWORD_POLICY],
        run: password_reuse,
    },
    Check {
        id: "iam-password-max-age",
        title: "Passwords expire within 90 days",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Low,
        rationale: "PCI DSS 8.3.9 expects passwords used as the only factor to change at least every 90 days.",
        remediation: "Set MaxPasswordAge to 90 or less, or require MFA for every console user so that the password is never the only factor.",
        evidence: &[PASSWORD_POLICY],
        run: password_max_age,
    },
    Check {
        id: "iam-console-mfa",
        title: "Every IAM user with a console password has MFA",
        duty: Duty::IdentityAndAccess,
        severity: Severity::High,
        rationale: "Console access with only a password is the most common way into a cloud account.",
        remediation: "Assign an MFA device to each listed user, or remove the console password of users who do not need the console.",
        evidence: &[CRED_REPORT],
        run: console_mfa,
    },
    Check {
        id: "iam-access-key-rotation",
        title: "Active access keys are younger than 90 days",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Medium,
        rationale: "The longer a key lives the more places it has been copied to; rotation limits what a leaked key is worth.",
        remediation: "Create a new key, move its users to it, deactivate and then delete the old key; better, replace user keys with roles.",
        evidence: &[CRED_REPORT],
        run: key_rotation,
    },
    Check {
        id: "iam-access-key-unused",
        title: "No active access key has gone unused for 45 days",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Medium,
        rationale: "An unused key is an open door that nobody watches.",
        remediation: "Deactivate keys that have not been used for 45 days, and delete them once nothing breaks.",
        evidence: &[CRED_REPORT],
        run: key_unused,
    },
    Check {
        id: "iam-user-single-active-key",
        title: "No IAM user has two active access keys",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Low,
        rationale: "Two active keys are normal only for the minutes of a rotation; longer, one of them is usually forgotten.",
        remediation: "Finish the rotation: deactivate and delete the older key.",
        evidence: &[CRED_REPORT],
        run: two_active_keys,
    },
    Check {
        id: "iam-console-password-unused",
        title: "No console password has gone unused for 45 days",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Low,
        rationale: "A console password that nobody uses is a credential that only an attacker may need.",
        remediation: "Remove the console password of users who have not signed in for 45 days.",
        evidence: &[CRED_REPORT],
        run: password_unused,
    },
    Check {
        id: "iam-no-full-admin-policies",
        title: "No user, group or role holds a policy that allows \"*\" on \"*\"",
        duty: Duty::IdentityAndAccess,
        severity: Severity::High,
        rationale: "Full administrator rights defeat least privilege: any compromise of the principal is a compromise of the account.",
        remediation: "Replace the policy with one that lists the actions and resources the principal needs; keep break-glass admin access in a monitored role.",
        evidence: &[AUTH_DETAILS],
        run: full_admin,
    },
    Check {
        id: "iam-no-kms-full-access",
        title: "No user, group or role may do everything with every KMS key",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Medium,
        rationale: "\"kms:*\" on every key lets one principal decrypt all data, change key policies and schedule keys for deletion.",
        remediation: "Grant kms:Encrypt, kms:Decrypt and kms:GenerateDataKey on the keys the principal needs; keep key administration in a separate role.",
        evidence: &[AUTH_DETAILS],
        run: kms_full_access,
    },
    Check {
        id: "iam-support-role",
        title: "A user, group or role can open AWS Support cases",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Low,
        rationale: "During an incident someone must reach AWS Support without signing in as root; AWSSupportAccess on a role provides that.",
        remediation: "Attach the AWS managed policy AWSSupportAccess to the incident response role or group.",
        evidence: &[AUTH_DETAILS],
        run: support_role,
    },
    Check {
        id: "iam-no-user-attached-policies",
        title: "Policies are attached to groups or roles, not directly to users",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Low,
        rationale: "Permissions granted user by user drift apart and are hard to review; groups and roles keep them in one place.",
        remediation: "Put the user in a group that carries the policy, then detach the policy from the user.",
        evidence: &[AUTH_DETAILS],
        run: user_attached,
    },
    Check {
        id: "iam-no-user-inline-policies",
        title: "IAM users have no inline policies",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Low,
        rationale: "Inline policies live inside one user and escape the reviews that managed policies get.",
        remediation: "Turn each inline policy into a managed policy attached to a group, then delete the inline policy.",
        evidence: &[AUTH_DETAILS],
        run: user_inline,
    },
    Check {
        id: "iam-role-trust-not-public",
        title: "No role trusts every AWS principal",
        duty: Duty::IdentityAndAccess,
        severity: Severity::Critical,
        rationale: "A trust policy with \"Principal\": \"*\" (or {\"AWS\": \"*\"}) lets any AWS account try to assume the role.",
        remediation: "Name the accounts, roles or services allowed to assume the role; if it must stay broad, add aws:PrincipalOrgID or sts:ExternalId conditions.",
        evidence: &[AUTH_DETAILS],
        run: open_trust,
    },
];

// ---------------------------------------------------------------------------------------------
// Credential report

/// One row of the credential report, keyed by column name.
struct Row(BTreeMap<String, String>);

impl Row {
    fn get(&self, col: &str) -> &str {
        self.0.get(col).map(String::as_str).unwrap_or("")
    }
    fn user(&self) -> &str {
        self.get("user")
    }
    fn is_root(&self) -> bool {
        self.user() == "<root_account>"
    }
    fn is_true(&self, col: &str) -> bool {
        self.get(col) == "true"
    }
    fn time(&self, col: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(self.get(col)).ok().map(|t| t.with_timezone(&Utc))
    }
    fn resource(&self, account: &str) -> String {
        if self.is_root() {
            format!("arn:aws:iam::{account}:root")
        } else {
            let arn = self.get("arn");
            if arn.is_empty() {
                self.user().to_string()
            } else {
                arn.to_string()
            }
        }
    }
}

/// The credential report of every account; accounts whose report is missing are marked not assessed.
fn credential_reports(e: &mut Eval) -> Vec<(String, Vec<Row>)> {
    let mut out = Vec::new();
    for account in e.accounts() {
        let path = iam_file(&account, "credential-report.csv");
        let Some(bytes) = e.bytes(&path, &account) else { continue };
        let mut reader = csv::Reader::from_reader(bytes);
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(err) => {
                e.not_assessed(&account, format!("{path} is not a readable CSV file: {err}"));
                continue;
            }
        };
        if !headers.iter().any(|h| h == "user") {
            e.not_assessed(&account, format!("{path} has no `user` column: it is not an IAM credential report"));
            continue;
        }
        let mut rows = Vec::new();
        for (n, record) in reader.records().enumerate() {
            match record {
                Ok(r) => rows.push(Row(headers.iter().zip(r.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect())),
                Err(err) => e.not_assessed(&account, format!("{path} line {}: {err}", n + 2)),
            }
        }
        out.push((account, rows));
    }
    out
}

fn root_row<'r>(e: &mut Eval, account: &str, rows: &'r [Row]) -> Option<&'r Row> {
    let root = rows.iter().find(|r| r.is_root());
    if root.is_none() {
        e.not_assessed(account, "the credential report has no <root_account> row");
    }
    root
}

fn root_hardware_mfa(e: &mut Eval) {
    for (account, rows) in credential_reports(e) {
        let Some(root) = root_row(e, &account, &rows) else { continue };
        let resource = root.resource(&account);
        if !root.is_true("mfa_active") {
            e.fail(resource, "root user has no MFA device at all");
            continue;
        }
        let path = iam_file(&account, "list-virtual-mfa-devices.json");
        let Some(devices) = e.json(&path, &account) else { continue };
        let virtual_root = list(&devices, "VirtualMFADevices")
            .iter()
            .find(|d| d.get("User").map(|u| text(u, "Arn")).is_some_and(|arn| arn.ends_with(":root")));
        match virtual_root {
            Some(d) => e.fail(resource, format!("root user's MFA is the virtual device {}", text(d, "SerialNumber"))),
            None => e.pass(resource, "root user has MFA and no virtual device: a hardware device"),
        }
    }
}

fn root_mfa(e: &mut Eval) {
    for (account, rows) in credential_reports(e) {
        let Some(root) = root_row(e, &account, &rows) else { continue };
        if root.is_true("mfa_active") {
            e.pass(root.resource(&account), "root user has an MFA device");
        } else {
            e.fail(root.resource(&account), "root user has no MFA device");
        }
    }
}

fn root_access_keys(e: &mut Eval) {
    for (account, rows) in credential_reports(e) {
        let Some(root) = root_row(e, &account, &rows) else { continue };
        let active: Vec<&str> = ["access_key_1_active", "access_key_2_active"].into_iter().filter(|c| root.is_true(c)).collect();
        if active.is_empty() {
            e.pass(root.resource(&account), "root user has no active access key");
        } else {
            e.fail(root.resource(&account), format!("root user has {} active access key(s)", active.len()));
        }
    }
}

fn root_recent_use(e: &mut Eval) {
    let now = e.now();
    for (account, rows) in credential_reports(e) {
        let Some(root) = root_row(e, &account, &rows) else { continue };
        let uses = [
            ("password", root.time("password_last_used")),
            ("access key 1", root.time("access_key_1_last_used_date")),
            ("access key 2", root.time("access_key_2_last_used_date")),
        ];
        let recent: Vec<String> = uses
            .iter()
            .filter_map(|(what, t)| t.filter(|t| now - *t < Duration::days(90)).map(|t| format!("{what} used {}", t.format("%Y-%m-%d"))))
            .collect();
        if recent.is_empty() {
            e.pass(root.resource(&account), "root user not used in the 90 days before collection");
        } else {
            e.fail(root.resource(&account), format!("root user used recently: {}", recent.join(", ")));
        }
    }
}

fn console_mfa(e: &mut Eval) {
    for (account, rows) in credential_reports(e) {
        let mut any = false;
        for row in rows.iter().filter(|r| !r.is_root() && r.is_true("password_enabled")) {
            any = true;
            if row.is_true("mfa_active") {
                e.pass(row.resource(&account), "console password with MFA");
            } else {
                e.fail(row.resource(&account), "console password without MFA");
            }
        }
        if !any {
            e.pass(&account, "no IAM user has a console password");
        }
    }
}

/// Each active key of each user: (row, key number 1|2).
fn active_keys(rows: &[Row]) -> Vec<(&Row, u8)> {
    rows.iter()
        .filter(|r| !r.is_root())
        .flat_map(|r| [1u8, 2].into_iter().filter(|n| r.is_true(&format!("access_key_{n}_active"))).map(move |n| (r, n)))
        .collect()
}

fn key_rotation(e: &mut Eval) {
    let now = e.now();
    for (account, rows) in credential_reports(e) {
        let keys = active_keys(&rows);
        if keys.is_empty() {
            e.pass(&account, "no IAM user has an active access key");
        }
        for (row, n) in keys {
            let resource = format!("{} (access key {n})", row.resource(&account));
            match row.time(&format!("access_key_{n}_last_rotated")) {
                Some(t) if now - t > Duration::days(90) => {
                    e.fail(resource, format!("created {} ({} days before collection)", t.format("%Y-%m-%d"), (now - t).num_days()))
                }
                Some(t) => e.pass(resource, format!("created {} ({} days before collection)", t.format("%Y-%m-%d"), (now - t).num_days())),
                None => e.not_assessed(resource, "the credential report gives no rotation date for this key"),
            }
        }
    }
}

fn key_unused(e: &mut Eval) {
    let now = e.now();
    for (account, rows) in credential_reports(e) {
        let keys = active_keys(&rows);
        if keys.is_empty() {
            e.pass(&account, "no IAM user has an active access key");
        }
        for (row, n) in keys {
            let resource = format!("{} (access key {n})", row.resource(&account));
            let last_used = row.time(&format!("access_key_{n}_last_used_date"));
            let created = row.time(&format!("access_key_{n}_last_rotated"));
            match (last_used, created) {
                (Some(t), _) if now - t > Duration::days(45) => e.fail(resource, format!("last used {}", t.format("%Y-%m-%d"))),
                (Some(t), _) => e.pass(resource, format!("last used {}", t.format("%Y-%m-%d"))),
                (None, Some(c)) if now - c > Duration::days(45) => {
                    e.fail(resource, format!("never used since it was created {}", c.format("%Y-%m-%d")))
                }
                (None, Some(c)) => e.pass(resource, format!("created {}, less than 45 days ago", c.format("%Y-%m-%d"))),
                (None, None) => e.not_assessed(resource, "the credential report gives neither a use nor a creation date"),
            }
        }
    }
}

fn two_active_keys(e: &mut Eval) {
    for (account, rows) in credential_reports(e) {
        let mut any = false;
        for row in rows.iter().filter(|r| !r.is_root()) {
            let active = [1, 2].iter().filter(|n| row.is_true(&format!("access_key_{n}_active"))).count();
            if active == 2 {
                e.fail(row.resource(&account), "two active access keys");
                any = true;
            } else if active == 1 {
                e.pass(row.resource(&account), "one active access key");
                any = true;
            }
        }
        if !any {
            e.pass(&account, "no IAM user has an active access key");
        }
    }
}

fn password_unused(e: &mut Eval) {
    let now = e.now();
    for (account, rows) in credential_reports(e) {
        let mut any = false;
        for row in rows.iter().filter(|r| !r.is_root() && r.is_true("password_enabled")) {
            any = true;
            let resource = row.resource(&account);
            let reference =
                row.time("password_last_used").or_else(|| row.time("password_last_changed")).or_else(|| row.time("user_creation_time"));
            match reference {
                Some(t) if now - t > Duration::days(45) => {
                    e.fail(resource, format!("console password last used or set {}", t.format("%Y-%m-%d")))
                }
                Some(t) => e.pass(resource, format!("console password last used or set {}", t.format("%Y-%m-%d"))),
                None => e.not_assessed(resource, "the credential report gives no date for this password"),
            }
        }
        if !any {
            e.pass(&account, "no IAM user has a console password");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Password policy

/// The password policy of each account: `Some(policy)`, or `None` when the account has none
/// (recorded as absent), which fails every password-policy check.
fn password_policies(e: &mut Eval) -> Vec<(String, Option<Value>)> {
    let mut out = Vec::new();
    for account in e.accounts() {
        let path = iam_file(&account, "get-account-password-policy.json");
        match e.doc(&path, &account) {
            Some(Doc::Json(v)) => match v.get("PasswordPolicy") {
                Some(p) => out.push((account, Some(p.clone()))),
                None => e.not_assessed(&account, format!("{path} has no PasswordPolicy object")),
            },
            Some(Doc::Absent(_)) => out.push((account, None)),
            None => {}
        }
    }
    out
}

fn password_rule(e: &mut Eval, rule: impl Fn(&Value) -> Result<String, String>) {
    for (account, policy) in password_policies(e) {
        let resource = format!("{account} password policy");
        match policy {
            None => e.fail(resource, "the account has no password policy (IAM answered NoSuchEntity), so AWS defaults apply"),
            Some(p) => match rule(&p) {
                Ok(ok) => e.pass(resource, ok),
                Err(bad) => e.fail(resource, bad),
            },
        }
    }
}

fn number(p: &Value, key: &str) -> Option<i64> {
    p.get(key).and_then(Value::as_i64)
}

fn password_length(e: &mut Eval) {
    password_rule(e, |p| match number(p, "MinimumPasswordLength") {
        Some(n) if n >= 14 => Ok(format!("minimum length {n}")),
        Some(n) => Err(format!("minimum length {n}, below 14")),
        None => Err("no minimum length set".into()),
    });
}

fn password_complexity(e: &mut Eval) {
    password_rule(e, |p| {
        let missing: Vec<&str> = [
            ("RequireUppercaseCharacters", "upper case"),
            ("RequireLowercaseCharacters", "lower case"),
            ("RequireNumbers", "digits"),
            ("RequireSymbols", "symbols"),
        ]
        .into_iter()
        .filter(|(key, _)| flag(p, key) != Some(true))
        .map(|(_, name)| name)
        .collect();
        if missing.is_empty() {
            Ok("requires all four character classes".into())
        } else {
            Err(format!("does not require {}", missing.join(", ")))
        }
    });
}

fn password_reuse(e: &mut Eval) {
    password_rule(e, |p| match number(p, "PasswordReusePrevention") {
        Some(n) if n >= 24 => Ok(format!("remembers the last {n} passwords")),
        Some(n) => Err(format!("remembers only the last {n} passwords")),
        None => Err("password reuse is not prevented".into()),
    });
}

fn password_max_age(e: &mut Eval) {
    password_rule(e, |p| match number(p, "MaxPasswordAge") {
        Some(n) if (1..=90).contains(&n) => Ok(format!("passwords expire after {n} days")),
        Some(n) if n > 90 => Err(format!("passwords expire after {n} days, more than 90")),
        _ => Err("passwords never expire".into()),
    });
}

// ---------------------------------------------------------------------------------------------
// Authorization details

fn auth_details(e: &mut Eval) -> Vec<(String, std::sync::Arc<Value>)> {
    let mut out = Vec::new();
    for account in e.accounts() {
        let path = iam_file(&account, "get-account-authorization-details.json");
        if let Some(v) = e.json(&path, &account) {
            out.push((account, v));
        }
    }
    out
}

/// Managed policies (by ARN) whose default version `grants`, plus the AWS managed ones in `known`
/// (AWS managed documents are in the evidence only when attached in the account).
fn policy_arns_granting(details: &Value, grants: fn(&Value) -> bool, known: &[&str]) -> Vec<String> {
    let mut arns: Vec<String> = known.iter().map(|a| a.to_string()).collect();
    for policy in list(details, "Policies") {
        let default = list(policy, "PolicyVersionList").iter().find(|v| flag(v, "IsDefaultVersion") == Some(true));
        if let Some(doc) = default.and_then(|v| v.get("Document")).and_then(embedded_json) {
            if grants(&doc) {
                arns.push(text(policy, "Arn").to_string());
            }
        }
    }
    arns
}

/// Every user, group and role: a failure when an attached or inline policy `grants` (`what`
/// names the grant in findings), a pass otherwise.
fn principals_granted(e: &mut Eval, grants: fn(&Value) -> bool, known: &[&str], what: &str) {
    for (account, details) in auth_details(e) {
        let granting = policy_arns_granting(&details, grants, known);
        let principals = ["UserDetailList", "GroupDetailList", "RoleDetailList"].iter().map(|k| list(&details, k).len()).sum::<usize>();
        if principals == 0 {
            e.pass(&account, "no IAM users, groups or roles");
        }
        let kinds = [
            ("UserDetailList", "UserPolicyList", "user"),
            ("GroupDetailList", "GroupPolicyList", "group"),
            ("RoleDetailList", "RolePolicyList", "role"),
        ];
        for (list_key, inline_key, kind) in kinds {
            for principal in list(&details, list_key) {
                let arn = text(principal, "Arn");
                let mut through = Vec::new();
                for attached in list(principal, "AttachedManagedPolicies") {
                    if granting.iter().any(|a| a == text(attached, "PolicyArn")) {
                        through.push(format!("managed policy {}", text(attached, "PolicyName")));
                    }
                }
                for inline in list(principal, inline_key) {
                    if inline.get("PolicyDocument").and_then(embedded_json).is_some_and(|d| grants(&d)) {
                        through.push(format!("inline policy {}", text(inline, "PolicyName")));
                    }
                }
                if through.is_empty() {
                    e.pass(arn, format!("{kind} has no policy granting {what}"));
                } else {
                    e.fail(arn, format!("{kind} is granted {what} through {}", through.join(", ")));
                }
            }
        }
    }
}

fn full_admin(e: &mut Eval) {
    principals_granted(
        e,
        grants_full_admin,
        &["arn:aws:iam::aws:policy/AdministratorAccess"],
        "\"*\" on \"*\" (full administrator rights)",
    );
}

fn kms_full_access(e: &mut Eval) {
    principals_granted(e, |doc| grants_service_wildcard(doc, "kms"), &[], "\"kms:*\" on every key");
}

const SUPPORT_ACCESS: &str = "arn:aws:iam::aws:policy/AWSSupportAccess";

fn support_role(e: &mut Eval) {
    for (account, details) in auth_details(e) {
        let holders: Vec<String> = ["UserDetailList", "GroupDetailList", "RoleDetailList"]
            .iter()
            .flat_map(|k| list(&details, k))
            .filter(|p| list(p, "AttachedManagedPolicies").iter().any(|a| text(a, "PolicyArn") == SUPPORT_ACCESS))
            .map(|p| text(p, "Arn").to_string())
            .collect();
        if holders.is_empty() {
            e.fail(&account, "no user, group or role has AWSSupportAccess: opening a support case during an incident needs the root user");
        } else {
            e.pass(&account, format!("AWSSupportAccess is attached to {}", holders.join(", ")));
        }
    }
}

/// Fail every user whose `key` list (attached or inline policies) is not empty.
fn users_without(e: &mut Eval, key: &str, ok: &str, bad: &str) {
    for (account, details) in auth_details(e) {
        let users = list(&details, "UserDetailList");
        if users.is_empty() {
            e.pass(&account, "no IAM users");
        }
        for user in users {
            let names: Vec<&str> = list(user, key).iter().map(|p| text(p, "PolicyName")).collect();
            if names.is_empty() {
                e.pass(text(user, "Arn"), ok);
            } else {
                e.fail(text(user, "Arn"), format!("{bad}: {}", names.join(", ")));
            }
        }
    }
}

fn user_attached(e: &mut Eval) {
    users_without(e, "AttachedManagedPolicies", "no managed policy attached directly", "managed policies attached directly");
}

fn user_inline(e: &mut Eval) {
    users_without(e, "UserPolicyList", "no inline policy", "inline policies");
}

fn open_trust(e: &mut Eval) {
    for (account, details) in auth_details(e) {
        let roles = list(&details, "RoleDetailList");
        if roles.is_empty() {
            e.pass(&account, "no IAM roles");
        }
        for role in roles {
            let arn = text(role, "Arn");
            let Some(doc) = role.get("AssumeRolePolicyDocument").and_then(embedded_json) else {
                e.not_assessed(arn, "the role has no readable trust policy");
                continue;
            };
            let open: Vec<Vec<String>> = statements(&doc).into_iter().filter_map(open_principal).collect();
            match open.first() {
                None => e.pass(arn, "trust policy names its principals"),
                Some(conds) if conds.is_empty() => e.fail(arn, "trust policy allows any AWS principal, with no condition"),
                Some(conds) => {
                    e.fail(arn, format!("trust policy allows any AWS principal, narrowed only by conditions ({})", conds.join(", ")))
                }
            }
        }
    }
}
