//! IAM documents: the credential report (CSV, columns checked by name), the authorization
//! details (users, groups, roles, managed policies with their documents decoded once), the
//! password policy, the account summary and the virtual MFA devices.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::policy::Policy;
use super::{complete, json, time, ReadCtx};

// ---------------------------------------------------------------------------------------------
// Credential report

/// A time column of the credential report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    At(DateTime<Utc>),
    /// `N/A`: never (no password, key never used, ...).
    Never,
    /// `no_information`: IAM has no record (e.g. use before IAM tracked it, October 2014).
    NoInformation,
    /// `not_supported`: the column does not apply to this row (the root user's password dates).
    NotSupported,
}

impl When {
    pub fn at(self) -> Option<DateTime<Utc>> {
        match self {
            When::At(t) => Some(t),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AccessKey {
    pub active: bool,
    pub last_rotated: When,
    pub last_used: When,
}

/// One row of the credential report.
#[derive(Debug, Clone)]
pub struct CredentialRow {
    /// The line of the file the row is on (the header is line 1).
    pub line: usize,
    pub user: String,
    pub arn: String,
    pub user_creation_time: When,
    /// `None` where IAM answers `not_supported` (the root user).
    pub password_enabled: Option<bool>,
    pub password_last_used: When,
    pub password_last_changed: When,
    pub mfa_active: bool,
    pub keys: [AccessKey; 2],
}

impl CredentialRow {
    pub fn is_root(&self) -> bool {
        self.user == ROOT
    }
}

/// The credential report: exactly one root row, then one row per IAM user.
#[derive(Debug, Clone)]
pub struct CredentialReport {
    rows: Vec<CredentialRow>,
}

impl CredentialReport {
    pub fn root(&self) -> &CredentialRow {
        self.rows.iter().find(|r| r.is_root()).expect("the reader requires a root row")
    }

    /// Every IAM user's row (the root row left out).
    pub fn users(&self) -> impl Iterator<Item = &CredentialRow> {
        self.rows.iter().filter(|r| !r.is_root())
    }
}

const ROOT: &str = "<root_account>";

/// The columns the checks read; IAM writes others too (key regions and services, certificates).
const REQUIRED: [&str; 13] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
];

pub(super) fn read_credential_report(bytes: &[u8], ctx: ReadCtx<'_>) -> Result<CredentialReport, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty: it is not an IAM credential report".into());
    }
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers = reader.headers().map_err(|e| format!("is not a readable CSV file: {e}"))?.clone();
    let mut column = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        if column.insert(h.to_string(), i).is_some() {
            return Err(format!("line 1: the column {h:?} appears twice"));
        }
    }
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| !column.contains_key(*c)).collect();
    if !missing.is_empty() {
        return Err(format!("line 1: the header lacks the column(s) {}: it is not a complete IAM credential report", missing.join(", ")));
    }
    let mut rows = Vec::new();
    let mut users = BTreeSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("line {}: {e}", p.line()),
            None => e.to_string(),
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let get = |col: &str| record.get(column[col]).unwrap_or_default();
        let user = get("user").to_string();
        if user.is_empty() {
            return Err(format!("line {line}: the user column is empty"));
        }
        if !users.insert(user.clone()) {
            return Err(format!("line {line}: user {user:?} appears twice"));
        }
        let is_root = user == ROOT;
        let when = |col: &str| -> Result<When, String> {
            let v = get(col);
            let w =
                match v {
                    "N/A" => When::Never,
                    "no_information" => When::NoInformation,
                    "not_supported" => When::NotSupported,
                    _ => When::At(time(v).ok_or_else(|| {
                        format!("line {line}: {col} of {user} is {v:?}, not a time, N/A, no_information or not_supported")
                    })?),
                };
            if let When::At(t) = w {
                ctx.not_after(t, &format!("line {line}: {col} of {user}"))?;
            }
            Ok(w)
        };
        let flag = |col: &str| -> Result<Option<bool>, String> {
            match get(col) {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                "not_supported" if is_root => Ok(None),
                v => Err(format!("line {line}: {col} of {user} is {v:?}, not true or false")),
            }
        };
        let required = |col: &str| -> Result<bool, String> {
            flag(col)?.ok_or_else(|| format!("line {line}: {col} of {user} is not_supported, but IAM always reports it"))
        };
        let key = |n: u8| -> Result<AccessKey, String> {
            Ok(AccessKey {
                active: required(&format!("access_key_{n}_active"))?,
                last_rotated: when(&format!("access_key_{n}_last_rotated"))?,
                last_used: when(&format!("access_key_{n}_last_used_date"))?,
            })
        };
        let arn = get("arn").to_string();
        of_account(&arn, ctx).map_err(|e| format!("line {line}: {e}"))?;
        if is_root && !arn.ends_with(":root") {
            return Err(format!("line {line}: the root user's ARN {arn} does not end in :root"));
        }
        rows.push(CredentialRow {
            line,
            arn,
            user_creation_time: when("user_creation_time")?,
            password_enabled: flag("password_enabled")?,
            password_last_used: when("password_last_used")?,
            password_last_changed: when("password_last_changed")?,
            mfa_active: required("mfa_active")?,
            keys: [key(1)?, key(2)?],
            user,
        });
    }
    if !rows.iter().any(|r| r.is_root()) {
        return Err(format!("has no {ROOT} row: IAM always reports the root user, so the report is not complete"));
    }
    Ok(CredentialReport { rows })
}

// ---------------------------------------------------------------------------------------------
// Authorization details

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", expecting = "the JSON object `aws iam get-account-authorization-details` prints")]
pub struct AuthorizationDetails {
    pub user_detail_list: Vec<UserDetail>,
    pub group_detail_list: Vec<GroupDetail>,
    pub role_detail_list: Vec<RoleDetail>,
    pub policies: Vec<ManagedPolicy>,
    #[serde(default)]
    is_truncated: Option<bool>,
    #[serde(default)]
    marker: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserDetail {
    pub user_name: String,
    pub arn: String,
    /// IAM leaves this key out for a user without inline policies (unlike `GroupPolicyList`
    /// and `RolePolicyList`, always sent), so here alone a missing key means none.
    #[serde(default)]
    pub user_policy_list: Vec<InlinePolicy>,
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupDetail {
    pub group_name: String,
    pub arn: String,
    pub group_policy_list: Vec<InlinePolicy>,
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleDetail {
    pub role_name: String,
    pub arn: String,
    pub role_policy_list: Vec<InlinePolicy>,
    pub attached_managed_policies: Vec<AttachedPolicy>,
    pub assume_role_policy_document: Policy,
    /// When the role was created (ISO 8601).
    #[serde(default)]
    pub create_date: Option<String>,
    /// When the role was last used; IAM sends an empty object for a role not used within the
    /// period it tracks (400 days).
    #[serde(default)]
    pub role_last_used: Option<RoleLastUsed>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleLastUsed {
    #[serde(default)]
    pub last_used_date: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InlinePolicy {
    pub policy_name: String,
    pub policy_document: Policy,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    pub policy_name: String,
    pub policy_arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicy {
    pub arn: String,
    pub policy_version_list: Vec<PolicyVersion>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    pub document: Policy,
    pub is_default_version: bool,
}

impl ManagedPolicy {
    /// The document of the default version (`None` when no version is marked default).
    pub fn default_document(&self) -> Option<&Policy> {
        self.policy_version_list.iter().find(|v| v.is_default_version).map(|v| &v.document)
    }
}

impl AuthorizationDetails {
    pub fn principals(&self) -> usize {
        self.user_detail_list.len() + self.group_detail_list.len() + self.role_detail_list.len()
    }
}

pub(super) fn read_authorization_details(bytes: &[u8], ctx: ReadCtx<'_>) -> Result<AuthorizationDetails, String> {
    let doc: AuthorizationDetails = json(bytes)?;
    complete(doc.is_truncated, &[("Marker", &doc.marker)])?;
    let principals = doc
        .user_detail_list
        .iter()
        .map(|u| &u.arn)
        .chain(doc.group_detail_list.iter().map(|g| &g.arn))
        .chain(doc.role_detail_list.iter().map(|r| &r.arn));
    for arn in principals {
        of_account(arn, ctx)?;
    }
    for p in &doc.policies {
        // AWS managed policies carry the account `aws`.
        if arn_account(&p.arn) != Some("aws") {
            of_account(&p.arn, ctx)?;
        }
    }
    Ok(doc)
}

/// The account field of an ARN (`arn:partition:service:region:account:resource`).
fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    (parts.next() == Some("arn")).then_some(())?;
    parts.nth(3)
}

/// An ARN must name the account whose file it is in: another account's document copied into the
/// bundle is no evidence of this one.
fn of_account(arn: &str, ctx: ReadCtx<'_>) -> Result<(), String> {
    match arn_account(arn) {
        Some(a) if a == ctx.id.account => Ok(()),
        Some(a) => Err(format!("{arn} is of account {a:?}, but the file is account {}'s", ctx.id.account)),
        None => Err(format!("{arn:?} is not an ARN")),
    }
}

// ---------------------------------------------------------------------------------------------
// Password policy, account summary, virtual MFA devices

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", expecting = "the JSON object `aws iam get-account-password-policy` prints")]
pub struct PasswordPolicy {
    pub password_policy: PasswordPolicyBody,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicyBody {
    #[serde(default)]
    pub minimum_password_length: Option<i64>,
    #[serde(default)]
    pub require_symbols: Option<bool>,
    #[serde(default)]
    pub require_numbers: Option<bool>,
    #[serde(default)]
    pub require_uppercase_characters: Option<bool>,
    #[serde(default)]
    pub require_lowercase_characters: Option<bool>,
    #[serde(default)]
    pub max_password_age: Option<i64>,
    #[serde(default)]
    pub password_reuse_prevention: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", expecting = "the JSON object `aws iam get-account-summary` prints")]
pub struct AccountSummary {
    pub summary_map: BTreeMap<String, i64>,
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the JSON object `aws iam list-virtual-mfa-devices` prints")]
pub struct VirtualMfaDevices {
    #[serde(rename = "VirtualMFADevices")]
    pub devices: Vec<VirtualMfaDevice>,
    #[serde(default, rename = "IsTruncated")]
    is_truncated: Option<bool>,
    #[serde(default, rename = "Marker")]
    marker: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VirtualMfaDevice {
    pub serial_number: String,
    #[serde(default)]
    pub user: Option<MfaUser>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaUser {
    pub arn: String,
}

impl VirtualMfaDevice {
    /// Whether the device is assigned to the root user.
    pub fn is_roots(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.arn.ends_with(":root"))
    }
}

pub(super) fn read_virtual_mfa_devices(bytes: &[u8], ctx: ReadCtx<'_>) -> Result<VirtualMfaDevices, String> {
    let doc: VirtualMfaDevices = json(bytes)?;
    complete(doc.is_truncated, &[("Marker", &doc.marker)])?;
    for d in &doc.devices {
        of_account(&d.serial_number, ctx)?;
        if let Some(u) = &d.user {
            of_account(&u.arn, ctx)?;
        }
    }
    Ok(doc)
}
