//! `Eval`: the context a check runs in. It asks the bundle for typed documents, remembers which
//! files were read, and collects findings; `finish` derives the check status from them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::{CheckStatus, Finding, Outcome};
use crate::evidence::docs::items::Config;
use crate::evidence::docs::{Document, Item, RecorderStatuses, Recorders, Resources};
use crate::evidence::{Absent, Bundle, DocId, Kind, Lookup};

pub struct Eval<'a> {
    pub bundle: &'a Bundle,
    files: BTreeSet<String>,
    findings: Vec<Finding>,
    reasons: Vec<String>,
}

impl<'a> Eval<'a> {
    pub fn new(bundle: &'a Bundle) -> Self {
        Eval { bundle, files: BTreeSet::new(), findings: Vec::new(), reasons: Vec::new() }
    }

    /// When collection ended: the reference time for every age computed by a check.
    pub fn now(&self) -> DateTime<Utc> {
        self.bundle.collected_at()
    }

    pub fn accounts(&self) -> Vec<String> {
        self.bundle.accounts().to_vec()
    }

    pub fn regions(&self) -> Vec<String> {
        self.bundle.regions().to_vec()
    }

    /// A document, or the recorded fact that the API has none (`Some(Err(record))`). When it
    /// cannot be used (never collected, a gap, failing its reader), `scope` is marked not
    /// assessed with the reason and `None` is returned.
    pub fn doc_or_absent<T: Document>(&mut self, id: &DocId, scope: &str) -> Option<Result<&'a T, &'a Absent>> {
        let path = id.path();
        match self.bundle.get::<T>(id) {
            Lookup::Found(doc) => {
                self.files.insert(path);
                Some(Ok(doc))
            }
            Lookup::Absent(a) => Some(Err(a)),
            Lookup::Unreadable(why) => {
                self.files.insert(path);
                self.not_assessed(scope, why);
                None
            }
            Lookup::Gap(g) => {
                self.not_assessed(scope, format!("{path} could not be collected: {} failed with {} ({})", g.api, g.error, g.message));
                None
            }
            Lookup::Missing => {
                self.not_assessed(scope, format!("{path} is not in the evidence bundle"));
                None
            }
        }
    }

    /// A document that must exist (an `absent` record makes `scope` not assessed too).
    pub fn doc<T: Document>(&mut self, id: &DocId, scope: &str) -> Option<&'a T> {
        match self.doc_or_absent::<T>(id, scope)? {
            Ok(doc) => Some(doc),
            Err(a) => {
                self.not_assessed(scope, format!("{}: {} answered {} ({})", id.path(), a.api, a.error, a.message));
                None
            }
        }
    }

    /// The global document of every account that has a usable one (the others are marked not
    /// assessed).
    pub fn each_account<T: Document>(&mut self) -> Vec<(String, &'a T)> {
        let mut out = Vec::new();
        for account in self.accounts() {
            if let Some(doc) = self.doc::<T>(&DocId::global(T::KIND, &account), &account) {
                out.push((account, doc));
            }
        }
        out
    }

    /// The regional document of every account and region, as (`account/region`, document).
    pub fn each_region<T: Document>(&mut self) -> Vec<(DocId, &'a T)> {
        let mut out = Vec::new();
        for account in self.accounts() {
            for region in self.regions() {
                let id = DocId::regional(T::KIND, &account, &region);
                if let Some(doc) = self.doc::<T>(&id, &id.scope()) {
                    out.push((id, doc));
                }
            }
        }
        out
    }

    /// The recorders and their status in one region; `None` (and the region not assessed) when
    /// either cannot be used.
    pub fn recorders(&mut self, account: &str, region: &str) -> Option<(&'a Recorders, &'a RecorderStatuses)> {
        let scope = format!("{account}/{region}");
        let recorders = self.doc::<Recorders>(&DocId::regional(Kind::Recorders, account, region), &scope);
        let status = self.doc::<RecorderStatuses>(&DocId::regional(Kind::RecorderStatus, account, region), &scope);
        Some((recorders?, status?))
    }

    /// The live resources of type `C` in every account and region, with their typed
    /// configuration. A region whose recorder does not record the type, or whose document cannot
    /// be used, is marked not assessed, and so is every item that is no evidence of a live
    /// resource. The second value lists the regions that were assessed (`account/region`).
    pub fn items<C: Config>(&mut self) -> (Vec<Live<'a, C>>, Vec<String>) {
        let mut out = Vec::new();
        let mut assessed = Vec::new();
        for account in self.accounts() {
            for region in self.regions() {
                let scope = format!("{account}/{region}");
                let Some((recorders, status)) = self.recorders(&account, &region) else { continue };
                if !recorders.record(status, C::TYPE.as_str()) {
                    self.not_assessed(
                        &scope,
                        format!("AWS Config is not recording {} in this region, so its inventory here proves nothing", C::TYPE),
                    );
                    continue;
                }
                let id = DocId::resources(&account, &region, C::TYPE);
                let Some(doc) = self.doc::<Resources>(&id, &scope) else { continue };
                assessed.push(scope);
                for item in &doc.items {
                    match &item.state {
                        Ok(cfg) => match C::of(cfg) {
                            Some(config) => out.push(Live { item, config, account: account.clone(), region: region.clone() }),
                            None => self.not_assessed(item.id(), format!("{id}: the configuration was read as another resource type")),
                        },
                        Err(why) => self.not_assessed(item.id(), format!("{id}: {why}")),
                    }
                }
            }
        }
        (out, assessed)
    }

    /// Optional evidence: the document when the bundle holds it. A document that is there but
    /// fails its reader is not assessed for `scope`; one never collected is simply `None`.
    pub fn optional<T: Document>(&mut self, id: &DocId, scope: &str) -> Option<&'a T> {
        match self.bundle.get::<T>(id) {
            Lookup::Found(_) | Lookup::Unreadable(_) => self.doc::<T>(id, scope),
            _ => None,
        }
    }

    pub fn pass(&mut self, resource: impl Into<String>, detail: impl Into<String>) {
        self.push(resource, CheckStatus::Pass, detail);
    }

    pub fn fail(&mut self, resource: impl Into<String>, detail: impl Into<String>) {
        self.push(resource, CheckStatus::Fail, detail);
    }

    /// Nothing the check looks at exists in `scope` (no buckets, no IAM users): said as such,
    /// never counted as a pass.
    pub fn not_applicable(&mut self, scope: impl Into<String>, detail: impl Into<String>) {
        self.push(scope, CheckStatus::NotApplicable, detail);
    }

    /// Record that `scope` could not be assessed, and why.
    pub fn not_assessed(&mut self, scope: impl Into<String>, why: impl Into<String>) {
        let (scope, why) = (scope.into(), why.into());
        self.reasons.push(format!("{scope}: {why}"));
        self.findings.push(Finding { resource: scope, status: CheckStatus::NotAssessed, detail: why, account: None });
    }

    fn push(&mut self, resource: impl Into<String>, status: CheckStatus, detail: impl Into<String>) {
        self.findings.push(Finding { resource: resource.into(), status, detail: detail.into(), account: None });
    }

    /// A finding on a resource of `account`'s evidence (`not_assessed` when `status` says so).
    pub fn push_in(&mut self, account: &str, resource: impl Into<String>, status: CheckStatus, detail: impl Into<String>) {
        if status == CheckStatus::NotAssessed {
            self.not_assessed(resource, detail);
        } else {
            self.push(resource, status, detail);
        }
        self.findings.last_mut().expect("just pushed").account = Some(account.to_string());
    }

    /// Fail if any finding fails; else not assessed if any part could not be assessed (or
    /// nothing at all was examined); else pass if anything passed; else not applicable.
    pub fn finish(self) -> Outcome {
        let any = |s: CheckStatus| self.findings.iter().any(|f| f.status == s);
        let status = if any(CheckStatus::Fail) {
            CheckStatus::Fail
        } else if !self.reasons.is_empty() || self.findings.is_empty() {
            CheckStatus::NotAssessed
        } else if any(CheckStatus::Pass) {
            CheckStatus::Pass
        } else {
            CheckStatus::NotApplicable
        };
        let reason = match status {
            CheckStatus::NotAssessed if self.reasons.is_empty() => Some("no evidence was examined".to_string()),
            CheckStatus::NotAssessed => Some(self.reasons.join("; ")),
            CheckStatus::NotApplicable => {
                let scopes: Vec<String> = self.findings.iter().map(|f| format!("{}: {}", f.resource, f.detail)).collect();
                Some(format!("nothing in scope ({})", scopes.join("; ")))
            }
            _ => None,
        };
        Outcome { status, reason, findings: self.findings, evidence_files: self.files.into_iter().collect() }
    }
}

/// A live resource with its typed configuration.
pub struct Live<'a, C> {
    pub item: &'a Item,
    pub config: &'a C,
    pub account: String,
    pub region: String,
}

impl<C> Live<'_, C> {
    pub fn scope(&self) -> String {
        format!("{}/{}", self.account, self.region)
    }
}
