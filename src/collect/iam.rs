//! IAM evidence (global, read once): the credential report, the account's authorization details,
//! the password policy, the account summary and the virtual MFA devices.

use std::time::Duration;

use aws_sdk_iam::types::{
    AttachedPermissionsBoundary, AttachedPolicy, GroupDetail, InstanceProfile, ManagedPolicyDetail, PermissionsBoundaryAttachmentType,
    PolicyDetail, PolicyVersion, ReportStateType, Role, RoleDetail, RoleLastUsed, Tag, User, UserDetail, VirtualMfaDevice,
};
use aws_sdk_iam::Client;
use serde_json::Value;

use super::json::{enum_to_json, j, obj, policy_document, wrap, ToJson};
use super::{Ctx, Error, Failure};
use crate::evidence::{DocId, Kind};

fn path(ctx: &Ctx<'_>, kind: Kind) -> String {
    DocId::global(kind, &ctx.account).path()
}

enum_to_json!(PermissionsBoundaryAttachmentType);

pub(crate) async fn collect(ctx: &Ctx<'_>, client: &Client) -> Result<(), Error> {
    let (a, b, c, d, e) = tokio::join!(
        credential_report(ctx, client),
        authorization_details(ctx, client),
        password_policy(ctx, client),
        account_summary(ctx, client),
        virtual_mfa_devices(ctx, client),
    );
    a?;
    b?;
    c?;
    d?;
    e?;
    ctx.progress.done(&format!("{}: IAM done", ctx.account));
    Ok(())
}

/// Generate the report, poll until IAM says it is complete (bounded), then fetch it.
async fn credential_report(ctx: &Ctx<'_>, client: &Client) -> Result<(), Error> {
    let path = path(ctx, Kind::CredentialReport);
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        let answer = ctx.limited(client.generate_credential_report().send()).await;
        match answer {
            Ok(out) if out.state() == Some(&ReportStateType::Complete) => break,
            Ok(_) if started.elapsed() + wait > ctx.report_wait => {
                let f = Failure::new(
                    "ReportNotReady",
                    format!("IAM was still generating the credential report after {} s", ctx.report_wait.as_secs()),
                );
                ctx.gap("iam:GenerateCredentialReport", None, &path, f);
                return Ok(());
            }
            Ok(_) => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(e) => {
                ctx.gap("iam:GenerateCredentialReport", None, &path, Failure::from_sdk(&e));
                return Ok(());
            }
        }
    }
    let answer = ctx.limited(client.get_credential_report().send()).await;
    match answer {
        Ok(out) => ctx.write(&path, out.content().map(|b| b.as_ref()).unwrap_or_default()),
        Err(e) => {
            ctx.gap("iam:GetCredentialReport", None, &path, Failure::from_sdk(&e));
            Ok(())
        }
    }
}

/// Every page merged into one document, as `aws iam get-account-authorization-details` prints it.
async fn authorization_details(ctx: &Ctx<'_>, client: &Client) -> Result<(), Error> {
    let path = path(ctx, Kind::AuthorizationDetails);
    let (mut users, mut groups, mut roles, mut policies) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // 1,000 entries per page, the most IAM allows: a large account costs few calls.
    let mut pages = client.get_account_authorization_details().into_paginator().page_size(1000).send();
    loop {
        let page = ctx.limited(pages.next()).await;
        match page {
            None => break,
            Some(Ok(p)) => {
                users.extend(p.user_detail_list().iter().map(ToJson::to_json));
                groups.extend(p.group_detail_list().iter().map(ToJson::to_json));
                roles.extend(p.role_detail_list().iter().map(ToJson::to_json));
                policies.extend(p.policies().iter().map(ToJson::to_json));
            }
            Some(Err(e)) => {
                ctx.gap("iam:GetAccountAuthorizationDetails", None, &path, Failure::from_sdk(&e));
                return Ok(());
            }
        }
    }
    let doc = obj! {
        "UserDetailList" => Some(Value::Array(users)),
        "GroupDetailList" => Some(Value::Array(groups)),
        "RoleDetailList" => Some(Value::Array(roles)),
        "Policies" => Some(Value::Array(policies)),
    };
    ctx.write_json(&path, &doc).map(drop)
}

async fn password_policy(ctx: &Ctx<'_>, client: &Client) -> Result<(), Error> {
    let path = path(ctx, Kind::PasswordPolicy);
    let answer = ctx.limited(client.get_account_password_policy().send()).await;
    match answer {
        Ok(out) => {
            let p = out.password_policy();
            let doc = obj! {
                "PasswordPolicy" => p.map(|p| obj! {
                    "MinimumPasswordLength" => j(p.minimum_password_length()),
                    "RequireSymbols" => j(p.require_symbols()),
                    "RequireNumbers" => j(p.require_numbers()),
                    "RequireUppercaseCharacters" => j(p.require_uppercase_characters()),
                    "RequireLowercaseCharacters" => j(p.require_lowercase_characters()),
                    "AllowUsersToChangePassword" => j(p.allow_users_to_change_password()),
                    "ExpirePasswords" => j(p.expire_passwords()),
                    "MaxPasswordAge" => j(p.max_password_age()),
                    "PasswordReusePrevention" => j(p.password_reuse_prevention()),
                    "HardExpiry" => j(p.hard_expiry()),
                }),
            };
            ctx.write_json(&path, &doc).map(drop)
        }
        // No policy set is a fact about the account (the password checks fail on it), not a gap.
        Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => {
            ctx.absent("iam:GetAccountPasswordPolicy", None, &path, Failure::from_sdk(&e));
            Ok(())
        }
        Err(e) => {
            ctx.gap("iam:GetAccountPasswordPolicy", None, &path, Failure::from_sdk(&e));
            Ok(())
        }
    }
}

async fn account_summary(ctx: &Ctx<'_>, client: &Client) -> Result<(), Error> {
    let path = path(ctx, Kind::AccountSummary);
    let answer = ctx.limited(client.get_account_summary().send()).await;
    match answer {
        Ok(out) => {
            let mut entries: Vec<(String, i32)> =
                out.summary_map().map(|m| m.iter().map(|(k, v)| (k.as_str().to_string(), *v)).collect()).unwrap_or_default();
            entries.sort();
            let map: serde_json::Map<String, Value> = entries.into_iter().map(|(k, v)| (k, Value::from(v))).collect();
            ctx.write_json(&path, &obj! { "SummaryMap" => Some(Value::Object(map)) }).map(drop)
        }
        Err(e) => {
            ctx.gap("iam:GetAccountSummary", None, &path, Failure::from_sdk(&e));
            Ok(())
        }
    }
}

async fn virtual_mfa_devices(ctx: &Ctx<'_>, client: &Client) -> Result<(), Error> {
    let path = path(ctx, Kind::VirtualMfaDevices);
    let mut devices = Vec::new();
    let mut pages = client.list_virtual_mfa_devices().into_paginator().page_size(1000).send();
    loop {
        let page = ctx.limited(pages.next()).await;
        match page {
            None => break,
            Some(Ok(p)) => devices.extend(p.virtual_mfa_devices().iter().map(ToJson::to_json)),
            Some(Err(e)) => {
                ctx.gap("iam:ListVirtualMFADevices", None, &path, Failure::from_sdk(&e));
                return Ok(());
            }
        }
    }
    ctx.write_json(&path, &wrap("VirtualMFADevices", devices)).map(drop)
}

impl ToJson for Tag {
    fn to_json(&self) -> Value {
        obj! { "Key" => j(self.key()), "Value" => j(self.value()) }
    }
}

impl ToJson for PolicyDetail {
    fn to_json(&self) -> Value {
        obj! { "PolicyName" => j(self.policy_name()), "PolicyDocument" => policy_document(self.policy_document()) }
    }
}

impl ToJson for AttachedPolicy {
    fn to_json(&self) -> Value {
        obj! { "PolicyName" => j(self.policy_name()), "PolicyArn" => j(self.policy_arn()) }
    }
}

impl ToJson for AttachedPermissionsBoundary {
    fn to_json(&self) -> Value {
        obj! {
            "PermissionsBoundaryType" => j(self.permissions_boundary_type()),
            "PermissionsBoundaryArn" => j(self.permissions_boundary_arn()),
        }
    }
}

impl ToJson for RoleLastUsed {
    fn to_json(&self) -> Value {
        obj! { "LastUsedDate" => j(self.last_used_date()), "Region" => j(self.region()) }
    }
}

impl ToJson for Role {
    fn to_json(&self) -> Value {
        obj! {
            "Path" => j(self.path()),
            "RoleName" => j(self.role_name()),
            "RoleId" => j(self.role_id()),
            "Arn" => j(self.arn()),
            "CreateDate" => j(self.create_date()),
            "AssumeRolePolicyDocument" => policy_document(self.assume_role_policy_document()),
            "Description" => j(self.description()),
            "MaxSessionDuration" => j(self.max_session_duration()),
            "PermissionsBoundary" => j(self.permissions_boundary()),
            "Tags" => j(self.tags()),
            "RoleLastUsed" => j(self.role_last_used()),
        }
    }
}

impl ToJson for InstanceProfile {
    fn to_json(&self) -> Value {
        obj! {
            "Path" => j(self.path()),
            "InstanceProfileName" => j(self.instance_profile_name()),
            "InstanceProfileId" => j(self.instance_profile_id()),
            "Arn" => j(self.arn()),
            "CreateDate" => j(self.create_date()),
            "Roles" => j(self.roles()),
            "Tags" => j(self.tags()),
        }
    }
}

impl ToJson for UserDetail {
    fn to_json(&self) -> Value {
        obj! {
            "Path" => j(self.path()),
            "UserName" => j(self.user_name()),
            "UserId" => j(self.user_id()),
            "Arn" => j(self.arn()),
            "CreateDate" => j(self.create_date()),
            "UserPolicyList" => j(self.user_policy_list()),
            "GroupList" => j(self.group_list()),
            "AttachedManagedPolicies" => j(self.attached_managed_policies()),
            "PermissionsBoundary" => j(self.permissions_boundary()),
            "Tags" => j(self.tags()),
        }
    }
}

impl ToJson for GroupDetail {
    fn to_json(&self) -> Value {
        obj! {
            "Path" => j(self.path()),
            "GroupName" => j(self.group_name()),
            "GroupId" => j(self.group_id()),
            "Arn" => j(self.arn()),
            "CreateDate" => j(self.create_date()),
            "GroupPolicyList" => j(self.group_policy_list()),
            "AttachedManagedPolicies" => j(self.attached_managed_policies()),
        }
    }
}

impl ToJson for RoleDetail {
    fn to_json(&self) -> Value {
        obj! {
            "Path" => j(self.path()),
            "RoleName" => j(self.role_name()),
            "RoleId" => j(self.role_id()),
            "Arn" => j(self.arn()),
            "CreateDate" => j(self.create_date()),
            "AssumeRolePolicyDocument" => policy_document(self.assume_role_policy_document()),
            "InstanceProfileList" => j(self.instance_profile_list()),
            "RolePolicyList" => j(self.role_policy_list()),
            "AttachedManagedPolicies" => j(self.attached_managed_policies()),
            "PermissionsBoundary" => j(self.permissions_boundary()),
            "Tags" => j(self.tags()),
            "RoleLastUsed" => j(self.role_last_used()),
        }
    }
}

impl ToJson for PolicyVersion {
    fn to_json(&self) -> Value {
        obj! {
            "Document" => policy_document(self.document()),
            "VersionId" => j(self.version_id()),
            "IsDefaultVersion" => j(self.is_default_version()),
            "CreateDate" => j(self.create_date()),
        }
    }
}

impl ToJson for ManagedPolicyDetail {
    fn to_json(&self) -> Value {
        obj! {
            "PolicyName" => j(self.policy_name()),
            "PolicyId" => j(self.policy_id()),
            "Arn" => j(self.arn()),
            "Path" => j(self.path()),
            "DefaultVersionId" => j(self.default_version_id()),
            "AttachmentCount" => j(self.attachment_count()),
            "PermissionsBoundaryUsageCount" => j(self.permissions_boundary_usage_count()),
            "IsAttachable" => j(self.is_attachable()),
            "Description" => j(self.description()),
            "CreateDate" => j(self.create_date()),
            "UpdateDate" => j(self.update_date()),
            "PolicyVersionList" => j(self.policy_version_list()),
        }
    }
}

impl ToJson for User {
    fn to_json(&self) -> Value {
        obj! {
            "Path" => j(self.path()),
            "UserName" => j(self.user_name()),
            "UserId" => j(self.user_id()),
            "Arn" => j(self.arn()),
            "CreateDate" => j(self.create_date()),
            "PasswordLastUsed" => j(self.password_last_used()),
            "PermissionsBoundary" => j(self.permissions_boundary()),
            "Tags" => j(self.tags()),
        }
    }
}

impl ToJson for VirtualMfaDevice {
    fn to_json(&self) -> Value {
        obj! {
            "SerialNumber" => j(self.serial_number()),
            "User" => j(self.user()),
            "EnableDate" => j(self.enable_date()),
            "Tags" => j(self.tags()),
        }
    }
}
