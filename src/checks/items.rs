//! What every check over configuration items shares: a verdict per resource, the walk over the
//! live resources of a type (regions with none in scope are not applicable), and the readers of
//! fields a check needs (a field the item does not give leaves that resource not assessed).

use std::collections::BTreeSet;

use super::eval::Live;
use super::{CheckStatus, Eval};
use crate::evidence::docs::items::{Config, Supplementary};
use crate::evidence::DocId;

/// What a check concluded about one resource.
pub(crate) enum Verdict {
    Pass(String),
    Fail(String),
    /// The item lacks what the check needs.
    Unknown(String),
    /// The resource is outside the check's scope (an AWS managed key, an internal load balancer).
    Skip,
}
pub(crate) use Verdict::{Fail, Pass, Skip, Unknown};

/// Run `judge` on every live resource of type `C`. Assessed regions with no resource in scope are
/// not applicable.
pub(crate) fn each_item<C: Config>(e: &mut Eval, noun: &str, judge: impl Fn(&Live<C>) -> Verdict) {
    let (items, assessed) = e.items::<C>();
    let mut seen = BTreeSet::new();
    for live in &items {
        let verdict = judge(live);
        if !matches!(verdict, Skip) {
            seen.insert(live.scope());
        }
        match verdict {
            Pass(d) => e.push_in(&live.account, live.item.id(), CheckStatus::Pass, d),
            Fail(d) => e.push_in(&live.account, live.item.id(), CheckStatus::Fail, d),
            Unknown(d) => e.push_in(
                &live.account,
                live.item.id(),
                CheckStatus::NotAssessed,
                format!("{}: {d}", DocId::resources(&live.account, &live.region, C::TYPE)),
            ),
            Skip => {}
        }
    }
    for scope in assessed {
        if !seen.contains(&scope) {
            e.not_applicable(&scope, format!("no {noun} recorded in this region"));
        }
    }
}

/// A supplementary configuration entry the check needs: its value, or the verdict when it cannot
/// be read.
pub(crate) fn needed<'a, T>(entry: &'a Supplementary<T>, key: &str) -> Result<Option<&'a T>, Verdict> {
    match entry {
        Ok(v) => Ok(v.as_ref()),
        Err(why) => Err(Unknown(format!("its {key} cannot be read: {why}"))),
    }
}

/// A field the check needs; its absence leaves the resource not assessed.
pub(crate) fn field<T: Copy>(v: Option<T>, what: &str) -> Result<T, Verdict> {
    v.ok_or_else(|| Unknown(format!("the configuration item does not say {what}")))
}

macro_rules! verdict {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(verdict) => return verdict,
        }
    };
}
pub(crate) use verdict;

/// A text field the check needs; its absence leaves the resource not assessed.
pub(crate) fn verdict_field_str<'a>(v: Option<&'a str>, what: &str) -> Result<&'a str, Verdict> {
    v.ok_or_else(|| Unknown(format!("the configuration item does not say {what}")))
}
