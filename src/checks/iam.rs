//! Identity and access checks over the IAM credential report, password policy, virtual MFA
//! devices and the account authorization details, all read through their typed readers.

use chrono::{DateTime, Duration, Utc};

use super::policy::{grants_full_admin, grants_service_wildcard, open_statement};
use super::{Check, Duty, Eval, Need, Severity};
use crate::evidence::docs::policy::{Policy, PolicyDocument};
use crate::evidence::docs::{
    AttachedPolicy, AuthorizationDetails, CredentialReport, CredentialRow, InlinePolicy, PasswordPolicy, PasswordPolicyBody,
    VirtualMfaDevices, When,
};
use crate::evidence::{DocId, Kind};

const CRED_REPORT: Need = Need::Doc(Kind::CredentialReport);
const PASSWORD_POLICY: Need = Need::Doc(Kind::PasswordPolicy);
const AUTH_DETAILS: Need = Need::Doc(Kind::AuthorizationDetails);

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
        evidence: &[CRED_REPORT, Need::Doc(Kind::VirtualMfaDevices)],
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

/// How findings name a row: the root user's ARN form, else the user's ARN (or name).
fn resource(row: &CredentialRow, account: &str) -> String {
    if row.is_root() {
        format!("arn:aws:iam::{account}:root")
    } else if row.arn.is_empty() {
        row.user.clone()
    } else {
        row.arn.clone()
    }
}

fn reports<'a>(e: &mut Eval<'a>) -> Vec<(String, &'a CredentialReport)> {
    e.each_account::<CredentialReport>()
}

/// `<path of the account's document>: why`, for findings about one entry of it.
fn in_doc(kind: Kind, account: &str, why: &str) -> String {
    format!("{}: {why}", DocId::global(kind, account).path())
}

fn root_hardware_mfa(e: &mut Eval) {
    for (account, report) in reports(e) {
        let root = report.root();
        let resource = resource(root, &account);
        if !root.mfa_active {
            e.fail(resource, "root user has no MFA device at all");
            continue;
        }
        let Some(devices) = e.doc::<VirtualMfaDevices>(&DocId::global(Kind::VirtualMfaDevices, &account), &account) else { continue };
        match devices.devices.iter().find(|d| d.is_roots()) {
            Some(d) => e.fail(resource, format!("root user's MFA is the virtual device {}", d.serial_number)),
            None => e.pass(resource, "root user has MFA and no virtual device: a hardware device"),
        }
    }
}

fn root_mfa(e: &mut Eval) {
    for (account, report) in reports(e) {
        let root = report.root();
        if root.mfa_active {
            e.pass(resource(root, &account), "root user has an MFA device");
        } else {
            e.fail(resource(root, &account), "root user has no MFA device");
        }
    }
}

fn root_access_keys(e: &mut Eval) {
    for (account, report) in reports(e) {
        let root = report.root();
        let active = root.keys.iter().filter(|k| k.active).count();
        if active == 0 {
            e.pass(resource(root, &account), "root user has no active access key");
        } else {
            e.fail(resource(root, &account), format!("root user has {active} active access key(s)"));
        }
    }
}

fn root_recent_use(e: &mut Eval) {
    let now = e.now();
    for (account, report) in reports(e) {
        let root = report.root();
        let uses =
            [("password", root.password_last_used), ("access key 1", root.keys[0].last_used), ("access key 2", root.keys[1].last_used)];
        let recent: Vec<String> = uses
            .iter()
            .filter_map(|(what, t)| {
                t.at().filter(|t| now - *t < Duration::days(90)).map(|t| format!("{what} used {}", t.format("%Y-%m-%d")))
            })
            .collect();
        if recent.is_empty() {
            e.pass(resource(root, &account), "root user not used in the 90 days before collection");
        } else {
            e.fail(resource(root, &account), format!("root user used recently: {}", recent.join(", ")));
        }
    }
}

/// Users with a console password, per account; accounts with none are not applicable.
fn console_users<'a>(e: &mut Eval<'a>, report: &'a CredentialReport, account: &str) -> Vec<&'a CredentialRow> {
    let users: Vec<&CredentialRow> = report.users().filter(|r| r.password_enabled == Some(true)).collect();
    if users.is_empty() {
        e.not_applicable(account, "no IAM user has a console password");
    }
    users
}

fn console_mfa(e: &mut Eval) {
    for (account, report) in reports(e) {
        for row in console_users(e, report, &account) {
            if row.mfa_active {
                e.pass(resource(row, &account), "console password with MFA");
            } else {
                e.fail(resource(row, &account), "console password without MFA");
            }
        }
    }
}

/// Each active key of each user, (row, key number 1|2); accounts with none are not applicable.
fn active_keys<'a>(e: &mut Eval<'a>, report: &'a CredentialReport, account: &str) -> Vec<(&'a CredentialRow, usize)> {
    let keys: Vec<(&CredentialRow, usize)> =
        report.users().flat_map(|r| (0..2).filter(|n| r.keys[*n].active).map(move |n| (r, n + 1))).collect();
    if keys.is_empty() {
        e.not_applicable(account, "no IAM user has an active access key");
    }
    keys
}

fn days_before(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    format!("{} ({} days before collection)", t.format("%Y-%m-%d"), (now - t).num_days())
}

fn key_rotation(e: &mut Eval) {
    let now = e.now();
    for (account, report) in reports(e) {
        for (row, n) in active_keys(e, report, &account) {
            let resource = format!("{} (access key {n})", resource(row, &account));
            match row.keys[n - 1].last_rotated.at() {
                Some(t) if now - t > Duration::days(90) => e.fail(resource, format!("created {}", days_before(now, t))),
                Some(t) => e.pass(resource, format!("created {}", days_before(now, t))),
                None => e.not_assessed(resource, in_doc(Kind::CredentialReport, &account, "no rotation date for this active key")),
            }
        }
    }
}

fn key_unused(e: &mut Eval) {
    let now = e.now();
    for (account, report) in reports(e) {
        for (row, n) in active_keys(e, report, &account) {
            let resource = format!("{} (access key {n})", resource(row, &account));
            let key = &row.keys[n - 1];
            match (key.last_used, key.last_rotated.at()) {
                (When::At(t), _) if now - t > Duration::days(45) => e.fail(resource, format!("last used {}", t.format("%Y-%m-%d"))),
                (When::At(t), _) => e.pass(resource, format!("last used {}", t.format("%Y-%m-%d"))),
                (When::Never, Some(c)) if now - c > Duration::days(45) => {
                    e.fail(resource, format!("never used since it was created {}", c.format("%Y-%m-%d")))
                }
                (When::Never, Some(c)) => e.pass(resource, format!("created {}, less than 45 days ago", c.format("%Y-%m-%d"))),
                _ => e.not_assessed(resource, in_doc(Kind::CredentialReport, &account, "neither a use nor a creation date for this key")),
            }
        }
    }
}

fn two_active_keys(e: &mut Eval) {
    for (account, report) in reports(e) {
        let mut any = false;
        for row in report.users() {
            match row.keys.iter().filter(|k| k.active).count() {
                2 => e.fail(resource(row, &account), "two active access keys"),
                1 => e.pass(resource(row, &account), "one active access key"),
                _ => continue,
            }
            any = true;
        }
        if !any {
            e.not_applicable(&account, "no IAM user has an active access key");
        }
    }
}

fn password_unused(e: &mut Eval) {
    let now = e.now();
    for (account, report) in reports(e) {
        for row in console_users(e, report, &account) {
            let resource = resource(row, &account);
            let reference = row.password_last_used.at().or(row.password_last_changed.at()).or(row.user_creation_time.at());
            match reference {
                Some(t) if now - t > Duration::days(45) => {
                    e.fail(resource, format!("console password last used or set {}", t.format("%Y-%m-%d")))
                }
                Some(t) => e.pass(resource, format!("console password last used or set {}", t.format("%Y-%m-%d"))),
                None => e.not_assessed(resource, in_doc(Kind::CredentialReport, &account, "no date for this password")),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Password policy

/// Judge each account's password policy with `rule`; an account without one (IAM answered
/// NoSuchEntity, recorded as absent) fails.
fn password_rule(e: &mut Eval, rule: impl Fn(&PasswordPolicyBody) -> Result<String, String>) {
    for account in e.accounts() {
        let resource = format!("{account} password policy");
        match e.doc_or_absent::<PasswordPolicy>(&DocId::global(Kind::PasswordPolicy, &account), &account) {
            None => {}
            Some(Err(_)) => e.fail(resource, "the account has no password policy (IAM answered NoSuchEntity), so AWS defaults apply"),
            Some(Ok(p)) => match rule(&p.password_policy) {
                Ok(ok) => e.pass(resource, ok),
                Err(bad) => e.fail(resource, bad),
            },
        }
    }
}

fn password_length(e: &mut Eval) {
    password_rule(e, |p| match p.minimum_password_length {
        Some(n) if n >= 14 => Ok(format!("minimum length {n}")),
        Some(n) => Err(format!("minimum length {n}, below 14")),
        None => Err("no minimum length set".into()),
    });
}

fn password_complexity(e: &mut Eval) {
    password_rule(e, |p| {
        let missing: Vec<&str> = [
            (p.require_uppercase_characters, "upper case"),
            (p.require_lowercase_characters, "lower case"),
            (p.require_numbers, "digits"),
            (p.require_symbols, "symbols"),
        ]
        .into_iter()
        .filter(|(on, _)| *on != Some(true))
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
    password_rule(e, |p| match p.password_reuse_prevention {
        Some(n) if n >= 24 => Ok(format!("remembers the last {n} passwords")),
        Some(n) => Err(format!("remembers only the last {n} passwords")),
        None => Err("password reuse is not prevented".into()),
    });
}

fn password_max_age(e: &mut Eval) {
    password_rule(e, |p| match p.max_password_age {
        Some(n) if (1..=90).contains(&n) => Ok(format!("passwords expire after {n} days")),
        Some(n) if n > 90 => Err(format!("passwords expire after {n} days, more than 90")),
        _ => Err("passwords never expire".into()),
    });
}

// ---------------------------------------------------------------------------------------------
// Authorization details

fn auth_details<'a>(e: &mut Eval<'a>) -> Vec<(String, &'a AuthorizationDetails)> {
    e.each_account::<AuthorizationDetails>()
}

/// What a set of policies grants a principal: the names of those that grant it, and those that
/// could not be read.
#[derive(Default)]
struct Grants {
    through: Vec<String>,
    unreadable: Vec<String>,
}

/// Every user, group and role: a failure when an attached or inline policy `grants` (`what`
/// names the grant in findings), not assessed when a policy it holds cannot be read or is
/// attached without its document in `Policies`, a pass otherwise. Managed policies granting it
/// are those whose default version does, plus the AWS managed ones in `known`.
fn principals_granted(e: &mut Eval, grants: fn(&PolicyDocument) -> bool, known: &[&str], what: &str) {
    for (account, details) in auth_details(e) {
        let mut granting: Vec<&str> = known.to_vec();
        let mut unreadable: Vec<&str> = Vec::new();
        let mut documented: Vec<&str> = Vec::new();
        for policy in &details.policies {
            documented.push(&policy.arn);
            match policy.default_document().map(|p| &p.0) {
                Some(Ok(doc)) if grants(doc) => granting.push(&policy.arn),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => unreadable.push(&policy.arn),
            }
        }
        if details.principals() == 0 {
            e.not_applicable(&account, "no IAM users, groups or roles");
        }
        let judge = |attached: &[AttachedPolicy], inline: &[InlinePolicy]| {
            let mut g = Grants::default();
            for a in attached {
                if granting.contains(&a.policy_arn.as_str()) {
                    g.through.push(format!("managed policy {}", a.policy_name));
                } else if unreadable.contains(&a.policy_arn.as_str()) {
                    g.unreadable.push(format!("managed policy {} (its default version cannot be read)", a.policy_name));
                } else if !documented.contains(&a.policy_arn.as_str()) {
                    g.unreadable.push(format!("managed policy {} (attached, but its document is not in Policies)", a.policy_name));
                }
            }
            for p in inline {
                match &p.policy_document.0 {
                    Ok(doc) if grants(doc) => g.through.push(format!("inline policy {}", p.policy_name)),
                    Ok(_) => {}
                    Err(why) => g.unreadable.push(format!("inline policy {} ({why})", p.policy_name)),
                }
            }
            g
        };
        let users = details.user_detail_list.iter().map(|u| ("user", &u.arn, judge(&u.attached_managed_policies, &u.user_policy_list)));
        let groups = details.group_detail_list.iter().map(|g| ("group", &g.arn, judge(&g.attached_managed_policies, &g.group_policy_list)));
        let roles = details.role_detail_list.iter().map(|r| ("role", &r.arn, judge(&r.attached_managed_policies, &r.role_policy_list)));
        let all: Vec<(&str, &String, Grants)> = users.chain(groups).chain(roles).collect();
        for (kind, arn, g) in all {
            if !g.through.is_empty() {
                e.fail(arn, format!("{kind} is granted {what} through {}", g.through.join(", ")));
            } else if !g.unreadable.is_empty() {
                let why = format!("{kind} holds policies that cannot be read: {}", g.unreadable.join(", "));
                e.not_assessed(arn, in_doc(Kind::AuthorizationDetails, &account, &why));
            } else {
                e.pass(arn, format!("{kind} has no policy granting {what}"));
            }
        }
    }
}

fn full_admin(e: &mut Eval) {
    principals_granted(e, grants_full_admin, &[ADMINISTRATOR_ACCESS], "\"*\" on \"*\" (full administrator rights)");
}

fn kms_full_access(e: &mut Eval) {
    principals_granted(e, |doc| grants_service_wildcard(doc, "kms"), &[ADMINISTRATOR_ACCESS], "\"kms:*\" on every key");
}

/// AWS's own full administrator policy: known to grant everything whether or not its document is
/// in the evidence.
const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

const SUPPORT_ACCESS: &str = "arn:aws:iam::aws:policy/AWSSupportAccess";

fn support_role(e: &mut Eval) {
    for (account, details) in auth_details(e) {
        let holds = |attached: &[AttachedPolicy]| attached.iter().any(|a| a.policy_arn == SUPPORT_ACCESS);
        let holders: Vec<&str> = details
            .user_detail_list
            .iter()
            .filter(|u| holds(&u.attached_managed_policies))
            .map(|u| u.arn.as_str())
            .chain(details.group_detail_list.iter().filter(|g| holds(&g.attached_managed_policies)).map(|g| g.arn.as_str()))
            .chain(details.role_detail_list.iter().filter(|r| holds(&r.attached_managed_policies)).map(|r| r.arn.as_str()))
            .collect();
        if holders.is_empty() {
            e.fail(&account, "no user, group or role has AWSSupportAccess: opening a support case during an incident needs the root user");
        } else {
            e.pass(&account, format!("AWSSupportAccess is attached to {}", super::names(&holders)));
        }
    }
}

/// Fail every user for whom `names` (attached or inline policy names) is not empty.
fn users_without(e: &mut Eval, names: fn(&crate::evidence::docs::UserDetail) -> Vec<&str>, ok: &str, bad: &str) {
    for (account, details) in auth_details(e) {
        if details.user_detail_list.is_empty() {
            e.not_applicable(&account, "no IAM users");
        }
        for user in &details.user_detail_list {
            let held = names(user);
            if held.is_empty() {
                e.pass(&user.arn, ok);
            } else {
                e.fail(&user.arn, format!("{bad}: {}", held.join(", ")));
            }
        }
    }
}

fn user_attached(e: &mut Eval) {
    users_without(
        e,
        |u| u.attached_managed_policies.iter().map(|p| p.policy_name.as_str()).collect(),
        "no managed policy attached directly",
        "managed policies attached directly",
    );
}

fn user_inline(e: &mut Eval) {
    users_without(e, |u| u.user_policy_list.iter().map(|p| p.policy_name.as_str()).collect(), "no inline policy", "inline policies");
}

fn open_trust(e: &mut Eval) {
    for (account, details) in auth_details(e) {
        if details.role_detail_list.is_empty() {
            e.not_applicable(&account, "no IAM roles");
        }
        for role in &details.role_detail_list {
            let Policy(doc) = &role.assume_role_policy_document;
            let doc = match doc {
                Ok(doc) => doc,
                Err(why) => {
                    e.not_assessed(
                        &role.arn,
                        in_doc(Kind::AuthorizationDetails, &account, &format!("the trust policy cannot be read: {why}")),
                    );
                    continue;
                }
            };
            let open: Vec<Vec<String>> = doc.statements().iter().filter(|s| open_statement(s)).map(|s| s.condition_keys()).collect();
            match open.first() {
                None => e.pass(&role.arn, "trust policy names its principals"),
                Some(conds) if conds.is_empty() => e.fail(&role.arn, "trust policy allows any AWS principal, with no condition"),
                Some(conds) => {
                    e.fail(&role.arn, format!("trust policy allows any AWS principal, narrowed only by conditions ({})", conds.join(", ")))
                }
            }
        }
    }
}
