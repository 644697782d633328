//! Typed readers: one per document of the catalogue. A reader takes the exact bytes that were
//! verified and gives a typed document, or says what is wrong with them. Required fields are
//! required (a missing key is an error, never an empty list), a merged page that still carries
//! a page token is refused, and no time a check measures an age from (credential-report dates,
//! configuration-item capture times) may be later than the end of the collection.
//!
//! Problems with one resource or one policy inside an otherwise sound document are kept with
//! that resource (`Item::state`, `Policy`), so the checks can mark just it not assessed.

mod config;
mod iam;
pub mod items;
pub mod policy;

pub use config::{
    ComplianceByRule, ConfigRules, ConformancePackCompliance, ConformancePackDetails, ConformancePacks, DeliveryChannels, EvaluationResult,
    PackRuleCompliance, Recorder, RecorderStatus, RecorderStatuses, Recorders, RecordingGroup, ResourceCounts, RuleCompliance, RuleDetails,
};
pub use iam::{
    AccessKey, AccountSummary, AttachedPolicy, AuthorizationDetails, CredentialReport, CredentialRow, GroupDetail, InlinePolicy,
    ManagedPolicy, PasswordPolicy, PasswordPolicyBody, RoleDetail, UserDetail, VirtualMfaDevice, VirtualMfaDevices, When,
};
pub use items::{Item, Resources};

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use super::catalogue::{DocId, Kind};

/// What a reader knows besides the bytes: which document it reads and when collection ended.
#[derive(Debug, Clone, Copy)]
pub struct ReadCtx<'a> {
    pub id: &'a DocId,
    pub collected_at: DateTime<Utc>,
}

impl ReadCtx<'_> {
    /// Refuse a time inside the evidence that is later than the end of the collection.
    pub fn not_after(&self, t: DateTime<Utc>, what: &str) -> Result<(), String> {
        if t > self.collected_at {
            return Err(format!(
                "{what} is {}, later than the end of the collection ({}): the manifest's collected_at is wrong or the file was not collected then",
                crate::report::rfc3339(t),
                crate::report::rfc3339(self.collected_at)
            ));
        }
        Ok(())
    }
}

/// A document read from the bundle.
#[derive(Debug)]
pub enum Typed {
    CredentialReport(CredentialReport),
    AuthorizationDetails(AuthorizationDetails),
    PasswordPolicy(PasswordPolicy),
    AccountSummary(AccountSummary),
    VirtualMfaDevices(VirtualMfaDevices),
    Recorders(Recorders),
    RecorderStatus(RecorderStatuses),
    DeliveryChannels(DeliveryChannels),
    ConfigRules(ConfigRules),
    ComplianceByRule(ComplianceByRule),
    RuleDetails(RuleDetails),
    ResourceCounts(ResourceCounts),
    Resources(Resources),
    ConformancePacks(ConformancePacks),
    ConformancePackCompliance(ConformancePackCompliance),
    ConformancePackDetails(ConformancePackDetails),
}

/// A typed document: its kind, and how to find it in a `Typed`.
pub trait Document: Sized + 'static {
    const KIND: Kind;
    fn of(t: &Typed) -> Option<&Self>;
    fn take(t: Typed) -> Option<Self>;
}

macro_rules! documents {
    ($($kind:ident => $ty:ident),* $(,)?) => {
        $(impl Document for $ty {
            const KIND: Kind = Kind::$kind;
            fn of(t: &Typed) -> Option<&Self> {
                match t {
                    Typed::$kind(d) => Some(d),
                    _ => None,
                }
            }
            fn take(t: Typed) -> Option<Self> {
                match t {
                    Typed::$kind(d) => Some(d),
                    _ => None,
                }
            }
        })*
    };
}

documents!(
    CredentialReport => CredentialReport,
    AuthorizationDetails => AuthorizationDetails,
    PasswordPolicy => PasswordPolicy,
    AccountSummary => AccountSummary,
    VirtualMfaDevices => VirtualMfaDevices,
    Recorders => Recorders,
    RecorderStatus => RecorderStatuses,
    DeliveryChannels => DeliveryChannels,
    ConfigRules => ConfigRules,
    ComplianceByRule => ComplianceByRule,
    RuleDetails => RuleDetails,
    ResourceCounts => ResourceCounts,
    Resources => Resources,
    ConformancePacks => ConformancePacks,
    ConformancePackCompliance => ConformancePackCompliance,
    ConformancePackDetails => ConformancePackDetails,
);

/// Read one document with the reader its kind names. The error says what is wrong, without the
/// path (the caller names the file).
pub fn read(bytes: &[u8], ctx: ReadCtx<'_>) -> Result<Typed, String> {
    Ok(match ctx.id.kind {
        Kind::CredentialReport => Typed::CredentialReport(iam::read_credential_report(bytes, ctx)?),
        Kind::AuthorizationDetails => Typed::AuthorizationDetails(iam::read_authorization_details(bytes, ctx)?),
        Kind::PasswordPolicy => Typed::PasswordPolicy(json(bytes)?),
        Kind::AccountSummary => Typed::AccountSummary(json(bytes)?),
        Kind::VirtualMfaDevices => Typed::VirtualMfaDevices(iam::read_virtual_mfa_devices(bytes, ctx)?),
        Kind::Recorders => Typed::Recorders(json(bytes)?),
        Kind::RecorderStatus => Typed::RecorderStatus(json(bytes)?),
        Kind::DeliveryChannels => Typed::DeliveryChannels(json(bytes)?),
        Kind::ConfigRules => Typed::ConfigRules(config::read_rules(bytes)?),
        Kind::ComplianceByRule => Typed::ComplianceByRule(config::read_compliance(bytes)?),
        Kind::RuleDetails => Typed::RuleDetails(config::read_rule_details(bytes, ctx)?),
        Kind::ResourceCounts => Typed::ResourceCounts(config::read_counts(bytes)?),
        Kind::Resources => Typed::Resources(items::read(bytes, ctx)?),
        Kind::ConformancePacks => Typed::ConformancePacks(config::read_packs(bytes)?),
        Kind::ConformancePackCompliance => Typed::ConformancePackCompliance(config::read_pack_compliance(bytes, ctx)?),
        Kind::ConformancePackDetails => Typed::ConformancePackDetails(config::read_pack_details(bytes, ctx)?),
    })
}

/// Read bytes as the document `id` names, outside a bundle (no collection time to hold them to):
/// how `collect` reads back what it wrote.
pub fn parse<T: Document>(bytes: &[u8], id: &DocId) -> Option<T> {
    debug_assert_eq!(id.kind, T::KIND);
    let ctx = ReadCtx { id, collected_at: DateTime::<Utc>::MAX_UTC };
    read(bytes, ctx).ok().and_then(T::take)
}

/// Parse a JSON document into its typed shape; the error gives line and column.
pub(crate) fn json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty".into());
    }
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}

/// A merged document must be complete: a page token left in it means a page is missing.
pub(crate) fn complete(is_truncated: Option<bool>, tokens: &[(&str, &Option<String>)]) -> Result<(), String> {
    if is_truncated == Some(true) {
        return Err("IsTruncated is true: a page is missing (merge every page into the document)".into());
    }
    for (name, token) in tokens {
        if token.as_deref().is_some_and(|t| !t.is_empty()) {
            return Err(format!("{name} is set: a page is missing (merge every page into the document)"));
        }
    }
    Ok(())
}

/// An ISO 8601 time as AWS prints it (`2026-11-20T08:00:00+00:00`, `...Z`, fractions allowed).
pub(crate) fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// Booleans that AWS Config sometimes writes as the strings "true" / "false".
pub(crate) mod loose_bool {
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Text(String),
    }

    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Option::<Raw>::deserialize(d)? {
            None => Ok(None),
            Some(Raw::Bool(b)) => Ok(Some(b)),
            Some(Raw::Text(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Raw::Text(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(Raw::Text(s)) => Err(serde::de::Error::custom(format!("expected a boolean, found {s:?}"))),
        }
    }
}

/// `"x"` or `["x", "y"]`, as IAM policies write actions, resources and principals.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(x) => std::slice::from_ref(x),
            OneOrMany::Many(v) => v,
        }
    }
}
