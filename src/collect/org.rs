//! Several accounts in one run: the list of accounts (a file, or the organisation's), entering
//! each through the read-only role, and the gaps of an account that cannot be entered.

use std::collections::BTreeSet;

use aws_config::{Region, SdkConfig};
use aws_sdk_iam::config::Credentials;

use super::{CallLog, Ctx, Error, Failure};
use crate::evidence::catalogue::{Kind, Scope, CATALOGUE};

/// Twelve digits, as AWS writes an account id.
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The accounts of an `--accounts` file: one id per line, anything after it on the line (a name,
/// after a space, tab or comma) and lines starting with `#` ignored. `source` names the file in
/// errors, with the line.
pub fn parse_accounts(text: &str, source: &str) -> Result<Vec<String>, String> {
    let mut out = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let id = line.split(|c: char| c.is_whitespace() || c == ',').next().unwrap_or_default().trim_matches('"');
        if !is_account_id(id) {
            return Err(format!(
                "{source}:{}: {id:?} is not an AWS account id\n  fix: write one 12-digit account id per line (a name may follow after a space or comma; # starts a comment)",
                n + 1
            ));
        }
        out.insert(id.to_string());
    }
    if out.is_empty() {
        return Err(format!("{source} names no account\n  fix: write one 12-digit account id per line"));
    }
    Ok(out.into_iter().collect())
}

/// The active accounts of the caller's organisation (all pages).
pub(crate) async fn list_accounts(ctx: &Ctx<'_>, sdk: &SdkConfig, home: &Region, log: &CallLog) -> Result<BTreeSet<String>, Error> {
    let conf = aws_sdk_organizations::config::Builder::from(sdk).region(home.clone()).interceptor(log.clone()).build();
    let client = aws_sdk_organizations::Client::from_conf(conf);
    let mut pages = client.list_accounts().into_paginator().send();
    let mut accounts = BTreeSet::new();
    let mut skipped = 0;
    while let Some(page) = ctx.limited(pages.next()).await {
        let page = page.map_err(|e| Error::Organization { message: Failure::from_sdk(&e).to_string() })?;
        for account in page.accounts() {
            let active = match account.state() {
                Some(state) => state.as_str() == "ACTIVE",
                #[allow(deprecated)]
                None => account.status().is_some_and(|s| s.as_str() == "ACTIVE"),
            };
            match account.id() {
                Some(id) if active && is_account_id(id) => {
                    accounts.insert(id.to_string());
                }
                _ => skipped += 1,
            }
        }
    }
    if accounts.is_empty() {
        return Err(Error::Organization { message: "the organisation lists no active account".into() });
    }
    ctx.progress.done(&format!(
        "organisation: {} active account(s){}",
        accounts.len(),
        if skipped > 0 { format!(", {skipped} suspended or closed left out") } else { String::new() }
    ));
    Ok(accounts)
}

/// Temporary credentials of the role `role` in `ctx.account`, or why they could not be had.
pub(crate) async fn assume(ctx: &Ctx<'_>, sts: &aws_sdk_sts::Client, role: &str) -> Result<Credentials, Failure> {
    let arn = format!("arn:aws:iam::{}:role/{role}", ctx.account);
    let answer = ctx.limited(sts.assume_role().role_arn(&arn).role_session_name("auditpack-collect").send()).await;
    let out = answer.map_err(|e| {
        let f = Failure::from_sdk(&e);
        Failure::new(f.code.clone(), format!("cannot assume {arn}: {}", f.message))
    })?;
    let Some(c) = out.credentials() else {
        return Err(Failure::new("NoCredentials", format!("sts:AssumeRole of {arn} answered without credentials")));
    };
    let expiry = std::time::SystemTime::try_from(*c.expiration()).ok();
    Ok(Credentials::new(c.access_key_id(), c.secret_access_key(), Some(c.session_token().to_string()), expiry, "auditpack-assume-role"))
}

/// Whether the aggregator, not the account, writes documents of this kind.
pub(crate) fn from_aggregator(kind: Kind) -> bool {
    matches!(kind, Kind::ComplianceByRule | Kind::RuleDetails | Kind::ResourceCounts | Kind::Resources)
}

/// An account that could not be entered: a gap for every document it would have had (IAM once,
/// AWS Config in each region; with an aggregator, only those the aggregator does not write), so
/// that every check needing them is not assessed for this account.
pub(crate) fn unreachable(ctx: &Ctx<'_>, regions: &[String], aggregated: bool, failure: &Failure) {
    for spec in CATALOGUE {
        let api = spec.actions[0];
        match spec.scope {
            Scope::Global => ctx.gap_all(api, None, failure.clone()),
            _ if aggregated && from_aggregator(spec.kind) => {}
            _ => {
                for r in regions {
                    ctx.gap_all(api, Some(r), failure.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_accounts;

    #[test]
    fn an_accounts_file_takes_ids_names_and_comments_and_names_the_bad_line() {
        let text = "# production\n111122223333 prod\n\n444455556666,staging\n111122223333\n";
        assert_eq!(parse_accounts(text, "a.txt").unwrap(), ["111122223333", "444455556666"]);
        let err = parse_accounts("111122223333\n11112222333 short\n", "a.txt").unwrap_err();
        assert!(err.starts_with("a.txt:2: \"11112222333\" is not an AWS account id"), "{err}");
        assert!(parse_accounts("# none\n\n", "a.txt").unwrap_err().contains("names no account"));
    }
}
