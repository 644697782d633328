//! OSCAL assessment results (`--format oscal`): one `<framework>.oscal.json` per framework, in the
//! OSCAL version compliance-trestle reads ([`OSCAL_VERSION`]). docs/oscal.md describes the mapping.
//!
//! The document is written from the finished report; nothing here decides a status. One
//! `result` holds the run: `reviewed-controls` lists every control of the framework, one
//! `observation` stands for each evidence file the framework's controls used (an AWS file or a
//! document attached by hand), one `finding` states each control's status, and one `risk` stands
//! for each accepted-risk entry that covers (or, expired, would cover) failing findings of the
//! framework. The back matter holds the files with their SHA-256, the bundle manifest, and a
//! stand-in for the assessment plan, which OSCAL requires and auditpack does not write.
//!
//! Only a `pass` is `satisfied`. Every other status is `not-satisfied`: `fail` and
//! `accepted_risk` with reason `fail`, the statuses auditpack did not decide by passing checks
//! (`not_assessed`, `not_applicable`, `manual`, `evidence_attached`, `inherited`) with reason
//! `other`. The auditpack status itself is the finding's `status` property.
//!
//! UUIDs come from the SHA-256 of a name made of the manifest hash, the framework and what the
//! object stands for ([`name_uuid`]): the same report gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::exceptions::Target as ExceptionTarget;
use crate::report::accept::{ExceptionResult, ExceptionState};
use crate::report::manual::AttachmentRef;
use crate::report::{ControlResult, ControlStatus, FileRef, FindingResult, FrameworkReport, Report};

/// The OSCAL version written in `metadata.oscal-version`: `OSCAL_VERSION` of compliance-trestle
/// 5.2.0 (`trestle/oscal/__init__.py`), the release the tests validate with.
pub const OSCAL_VERSION: &str = "1.2.1";

/// The namespace of auditpack's own properties (OSCAL's are those without `ns`).
pub const NS: &str = "https://auditpack.dev/ns/oscal";

/// The assessment-results document of framework `f` of `report`: pretty JSON with a trailing
/// newline.
pub fn assessment_results(report: &Report, f: &FrameworkReport) -> Vec<u8> {
    let doc = Document { assessment_results: Builder::new(report, f).document() };
    let mut out = serde_json::to_vec_pretty(&doc).expect("the OSCAL document serialises");
    out.push(b'\n');
    out
}

/// The OSCAL objective state and reason of a control status.
pub fn objective_status(status: ControlStatus) -> (&'static str, &'static str) {
    match status {
        ControlStatus::Pass => ("satisfied", "pass"),
        ControlStatus::Fail | ControlStatus::AcceptedRisk => ("not-satisfied", "fail"),
        ControlStatus::NotAssessed
        | ControlStatus::NotApplicable
        | ControlStatus::Manual
        | ControlStatus::EvidenceAttached
        | ControlStatus::Inherited => ("not-satisfied", "other"),
    }
}

/// The UUID standing for `name`: the first 16 bytes of its SHA-256 in the layout of an RFC 4122
/// version 4 UUID (version and variant bits set). OSCAL accepts version 4 and 5 only, and
/// compliance-trestle recognises `#uuid` references to back-matter resources only when they are
/// version 4, so a name-based version 5 UUID would leave every resource looking unreferenced to
/// it. The bits are a hash of the name rather than random: the same name always gives the same
/// UUID, and distinct names collide no more often than random UUIDs do.
pub fn name_uuid(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// The OSCAL token (an XML NCName) standing for each control of a framework: the framework id,
/// `_`, and the control id in lower case, letters, digits, `-` and `_` kept and every other run
/// of characters written as one `.` ("Art. 5(1)(f)" in gdpr is `gdpr_art.5.1.f`). Controls whose
/// tokens would coincide get `-` and 8 hex digits of the SHA-256 of their id appended.
pub fn control_tokens(f: &FrameworkReport) -> BTreeMap<String, String> {
    let base: Vec<(String, String)> = f.controls.iter().map(|c| (c.id.clone(), format!("{}_{}", slug(&f.id), slug(&c.id)))).collect();
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, t) in &base {
        *count.entry(t.as_str()).or_default() += 1;
    }
    let tokens: Vec<(String, String)> = base
        .iter()
        .map(|(id, t)| {
            let t = if count[t.as_str()] > 1 { format!("{t}-{}", &crate::evidence::sha256_hex(id.as_bytes())[..8]) } else { t.clone() };
            // An NCName starts with a letter or `_`.
            let t = if t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') { t } else { format!("_{t}") };
            (id.clone(), t)
        })
        .collect();
    tokens.into_iter().collect()
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('.') {
            out.push('.');
        }
    }
    while out.ends_with('.') {
        out.pop();
    }
    out
}

/// One line of text, as OSCAL titles and property values must be: whitespace runs (line breaks
/// included) become one space, and none leads or trails.
fn line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn media_type(path: &str) -> Option<&'static str> {
    match path.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
        Some("json") => Some("application/json"),
        Some("csv") => Some("text/csv"),
        Some("txt") => Some("text/plain"),
        Some("pdf") => Some("application/pdf"),
        _ => None,
    }
}

/// An evidence file of the framework: collected from AWS, or attached by hand to a control.
enum Source<'a> {
    Aws(&'a FileRef),
    Attached(&'a AttachmentRef, &'a ControlResult),
}

impl Source<'_> {
    fn sha256(&self) -> &str {
        match self {
            Source::Aws(f) => &f.sha256,
            Source::Attached(a, _) => &a.sha256,
        }
    }
}

/// A failing finding an accepted-risk entry covers under one control.
struct Covered<'a> {
    control: &'a ControlResult,
    check: &'a str,
    finding: &'a FindingResult,
}

struct Builder<'a> {
    report: &'a Report,
    f: &'a FrameworkReport,
    tokens: BTreeMap<String, String>,
    /// Every evidence file the framework's controls list, by path.
    files: BTreeMap<&'a str, Source<'a>>,
    /// The accepted-risk entries that are risks here, with what each covers.
    risks: Vec<(&'a ExceptionResult, Vec<Covered<'a>>)>,
}

impl<'a> Builder<'a> {
    fn new(report: &'a Report, f: &'a FrameworkReport) -> Builder<'a> {
        let mut files = BTreeMap::new();
        for c in &f.controls {
            for file in &c.evidence_files {
                files.entry(file.path.as_str()).or_insert(Source::Aws(file));
            }
            for a in &c.attachments {
                files.entry(a.path.as_str()).or_insert(Source::Attached(a, c));
            }
        }
        let risks = report
            .exceptions
            .iter()
            .flat_map(|x| x.entries.iter())
            .map(|e| (e, covered(report, f, e)))
            .filter(|(_, covered)| !covered.is_empty())
            .collect();
        Builder { report, f, tokens: control_tokens(f), files, risks }
    }

    /// The UUID of one object of this framework's document of this bundle.
    fn uuid(&self, kind: &str, key: &str) -> String {
        name_uuid(&format!("auditpack|{}|{}|{kind}|{key}", self.report.evidence.manifest_sha256, self.f.id))
    }

    fn file_resource(&self, path: &str) -> String {
        self.uuid("resource", &format!("file|{path}"))
    }

    fn observation_uuid(&self, path: &str) -> String {
        self.uuid("observation", path)
    }

    fn risk_uuid(&self, e: &ExceptionResult) -> String {
        self.uuid("risk", &format!("{}|{}", e.entry.index, e.entry.target_label()))
    }

    fn document(&self) -> AssessmentResults {
        let r = self.report;
        let f = self.f;
        AssessmentResults {
            uuid: self.uuid("assessment-results", ""),
            metadata: Metadata {
                title: line(&format!("{}: assessment results for AWS account {}", f.name, r.evidence.accounts.join(", "))),
                published: r.generated_at.clone(),
                last_modified: r.generated_at.clone(),
                version: r.tool.version.clone(),
                oscal_version: OSCAL_VERSION,
                remarks: format!(
                    "Written by {} {} from the evidence bundle whose manifest.json has SHA-256 {}. The hrefs of evidence \
files are paths inside that bundle, relative to the directory that holds manifest.json, as the manifest lists them.",
                    r.tool.name, r.tool.version, r.evidence.manifest_sha256
                ),
            },
            import_ap: ImportAp {
                href: format!("#{}", self.uuid("resource", "assessment-plan")),
                remarks: "auditpack writes no OSCAL assessment plan: the reference is to a back-matter resource that \
says what stood in for one."
                    .into(),
            },
            results: vec![self.result()],
            back_matter: self.back_matter(),
        }
    }

    fn result(&self) -> ResultSet {
        let r = self.report;
        let f = self.f;
        let s = &f.summary.by_status;
        // The evidence collection the result reflects: the AWS snapshot and every attached
        // document (all times are `report::rfc3339` UTC strings, so they order as text).
        let mut times: Vec<&str> = vec![r.evidence.collected_at.as_str()];
        times.extend(self.files.values().filter_map(|s| match s {
            Source::Attached(a, _) => Some(a.attached_at.as_str()),
            Source::Aws(_) => None,
        }));
        times.sort();
        let mut props = vec![
            prop("framework", &f.id),
            prop("framework-version", &f.version),
            prop("manifest-sha256", &r.evidence.manifest_sha256),
            prop("collected-at", &r.evidence.collected_at),
        ];
        props.extend(r.evidence.accounts.iter().map(|a| prop("account", a)));
        props.extend(r.evidence.regions.iter().map(|g| prop("region", g)));
        if let Some(p) = &r.period {
            props.extend(p.start.map(|d| prop("period-start", &d.to_string())));
            props.extend(p.end.map(|d| prop("period-end", &d.to_string())));
        }
        if let Some(x) = &r.exceptions {
            props.push(prop("exceptions-sha256", &x.sha256));
        }
        let counts: Vec<String> =
            ControlStatus::ALL.iter().filter(|st| s.get(**st) > 0).map(|st| format!("{} {}", s.get(*st), st.as_str())).collect();
        let gaps = r.evidence.gaps.len();
        let description = format!(
            "{tool} {version} evaluated the evidence bundle collected at {collected} from AWS account {accounts} in region \
{regions} against {name} ({fversion}): {total} controls ({counts}).{gaps}\n\n\
Only a control whose automated checks passed on the collected evidence is satisfied. Every other control is \
not-satisfied, and the `status` property (namespace {ns}) of its finding says which auditpack status it has: \
fail, accepted_risk (fails, every failure accepted until a date), not_assessed (evidence missing), not_applicable \
(nothing in scope), manual (needs documents no API holds), evidence_attached (documents attached for the auditor to \
judge) or inherited (carried by AWS, evidenced by AWS's attestations).",
            tool = r.tool.name,
            version = r.tool.version,
            collected = r.evidence.collected_at,
            accounts = r.evidence.accounts.join(", "),
            regions = r.evidence.regions.join(", "),
            name = f.name,
            fversion = f.version,
            total = s.total,
            counts = counts.join(", "),
            gaps = if gaps > 0 {
                format!(
                    " The bundle records {gaps} evidence gap(s), calls that failed at collection: a control whose checks needed \
the missing evidence is not assessed."
                )
            } else {
                String::new()
            },
            ns = NS,
        );
        let include: Vec<ControlRef> = f.controls.iter().map(|c| ControlRef { control_id: self.tokens[&c.id].clone() }).collect();
        ResultSet {
            uuid: self.uuid("result", ""),
            title: line(&format!("{} {} assessment of {}", r.tool.name, r.tool.version, f.name)),
            description,
            start: times[0].to_string(),
            end: times[times.len() - 1].to_string(),
            props,
            links: vec![Link {
                href: format!("#{}", self.uuid("resource", "manifest")),
                rel: "reference",
                text: Some("The evidence bundle's manifest.json".into()),
            }],
            reviewed_controls: ReviewedControls {
                description: format!(
                    "Every control of auditpack's {} catalogue ({} controls). Each control id is written as an OSCAL token: \
the framework id, `_`, and the control id in lower case with punctuation as dots; the `control-id` property of each \
finding's target gives the id as the framework writes it.",
                    f.name,
                    f.controls.len()
                ),
                control_selections: vec![ControlSelection {
                    include_all: include.is_empty().then_some(Empty {}),
                    include_controls: include,
                }],
            },
            observations: self.files.iter().map(|(path, s)| self.observation(path, s)).collect(),
            risks: self.risks.iter().map(|(e, covered)| self.risk(e, covered)).collect(),
            findings: f.controls.iter().map(|c| self.finding(c)).collect(),
        }
    }

    fn observation(&self, path: &str, source: &Source<'_>) -> Observation {
        let users = self
            .f
            .controls
            .iter()
            .filter(|c| c.evidence_files.iter().any(|x| x.path == path) || c.attachments.iter().any(|x| x.path == path))
            .count();
        let (description, methods, collected, mut props) = match source {
            Source::Aws(_) => (
                format!(
                    "AWS evidence file `{path}`, collected from the account and listed with its SHA-256 in the bundle's \
manifest. auditpack's automated checks read it for {users} control(s) of this framework."
                ),
                vec!["TEST"],
                self.report.evidence.collected_at.clone(),
                vec![prop("source", "aws")],
            ),
            Source::Attached(a, c) => {
                let mut d = format!(
                    "Document attached to control {} by {} at {} (`auditpack attach`); auditpack records it for the auditor \
to examine and does not judge it.",
                    c.id, a.attached_by, a.attached_at
                );
                if let Some(note) = &a.note {
                    d.push_str(&format!(" Note: {note}"));
                }
                if a.stale {
                    d.push_str(" It was attached before the period start, so it does not evidence this period.");
                }
                let mut props = vec![prop("source", "attached"), prop("attached-by", &a.attached_by)];
                if a.stale {
                    props.push(prop("stale", "true"));
                }
                (d, vec!["EXAMINE"], a.attached_at.clone(), props)
            }
        };
        props.retain(|p| !p.value.is_empty());
        Observation {
            uuid: self.observation_uuid(path),
            title: line(path),
            description,
            props,
            methods,
            relevant_evidence: vec![RelevantEvidence {
                href: path.to_string(),
                description: "The file as the evidence bundle holds it; its SHA-256 is the `sha256` property and the hash of \
the linked back-matter resource."
                    .into(),
                props: vec![prop("sha256", source.sha256())].into_iter().filter(|p| !p.value.is_empty()).collect(),
                links: vec![Link { href: format!("#{}", self.file_resource(path)), rel: "reference", text: None }],
            }],
            collected,
        }
    }

    fn finding(&self, c: &ControlResult) -> Finding {
        let (state, reason) = objective_status(c.status);
        let mut description = format!("{}: {}", c.status.label(), c.status_reason);
        if !c.checks.is_empty() {
            description.push_str("\n\nChecks:\n");
            for k in &c.checks {
                description.push_str(&format!("\n- `{}` ({}, {}): {}", k.id, k.title, k.severity.as_str(), k.status.as_str()));
                if let Some(why) = &k.reason {
                    description.push_str(&format!(": {}", line(why)));
                }
            }
        }
        if let Some(aws) = &c.aws_provides {
            description.push_str(&format!("\n\nAWS provides: {aws}"));
        }
        if let Some(m) = &c.manual_evidence {
            description.push_str(&format!("\n\nEvidence to request: {m}"));
        }
        let mut props = vec![
            prop("status", c.status.as_str()),
            prop("owner", c.owner.as_str()),
            prop("evidence-method", c.evidence_method.as_str()),
            prop("section", &c.section),
        ];
        props.extend(c.area.iter().map(|a| prop("area", a)));
        props.extend(c.attestations.iter().map(|a| prop("attestation", a)));
        props.retain(|p| !p.value.is_empty());
        let mut seen = BTreeSet::new();
        let related_observations = c
            .evidence_files
            .iter()
            .map(|x| x.path.as_str())
            .chain(c.attachments.iter().map(|a| a.path.as_str()))
            .filter(|p| seen.insert(*p))
            .map(|p| RelatedObservation { observation_uuid: self.observation_uuid(p) })
            .collect();
        let related_risks = self
            .risks
            .iter()
            .filter(|(_, covered)| covered.iter().any(|x| std::ptr::eq(x.control, c)))
            .map(|(e, _)| RelatedRisk { risk_uuid: self.risk_uuid(e) })
            .collect();
        Finding {
            uuid: self.uuid("finding", &c.id),
            title: line(&format!("{} {}", c.id, c.title)),
            description,
            props,
            target: FindingTarget {
                kind: "objective-id",
                target_id: self.tokens[&c.id].clone(),
                title: Some(line(&c.title)).filter(|t| !t.is_empty()),
                props: vec![prop("control-id", &c.id)].into_iter().filter(|p| !p.value.is_empty()).collect(),
                status: ObjectiveStatus { state, reason, remarks: Some(c.status_reason.clone()).filter(|r| !r.trim().is_empty()) },
            },
            related_observations,
            related_risks,
            remarks: c.owner_reason.clone(),
        }
    }

    fn risk(&self, e: &ExceptionResult, covered: &[Covered<'_>]) -> Risk {
        let x = &e.entry;
        let expired = e.state == ExceptionState::Expired;
        let mut statement = if expired {
            format!(
                "The acceptance lapsed after {} (exception {} of the accepted-risk file, {}). These failing findings are no \
longer accepted and count as failures again:\n",
                x.expires_on,
                x.index,
                x.target_label()
            )
        } else {
            format!(
                "Failing findings accepted as a risk until {} inclusive (exception {} of the accepted-risk file, {}):\n",
                x.expires_on,
                x.index,
                x.target_label()
            )
        };
        for k in covered {
            statement
                .push_str(&format!("\n- control {}: `{}` on {} (finding {})", k.control.id, k.check, k.finding.resource, k.finding.id));
        }
        let mut props = vec![
            prop("exception", &x.index.to_string()),
            prop("exception-state", if expired { "expired" } else { "active" }),
            prop("approved-by", &x.approved_by),
            prop("approved-on", &x.approved_on.to_string()),
            prop("expires-on", &x.expires_on.to_string()),
        ];
        props.extend(x.ticket.iter().map(|t| prop("ticket", t)));
        props.extend(x.resources.iter().map(|p| prop("resource-pattern", p)));
        props.retain(|p| !p.value.is_empty());
        let mut entries = vec![RiskLogEntry {
            uuid: self.uuid("risk-log", &format!("{}|approved", x.index)),
            title: "Deviation approved".into(),
            description: format!(
                "Accepted by {} on {}, until {} inclusive{}.",
                x.approved_by,
                x.approved_on,
                x.expires_on,
                x.ticket.as_ref().map(|t| format!(" (ticket {t})")).unwrap_or_default()
            ),
            start: format!("{}T00:00:00Z", x.approved_on),
            status_change: "deviation-approved",
        }];
        if expired {
            entries.push(RiskLogEntry {
                uuid: self.uuid("risk-log", &format!("{}|expired", x.index)),
                title: "Acceptance expired".into(),
                description: format!("The acceptance held until the end of {}; the findings are open again.", x.expires_on),
                start: format!("{}T00:00:00Z", x.expires_on.succ_opt().unwrap_or(x.expires_on)),
                status_change: "open",
            });
        }
        Risk {
            uuid: self.risk_uuid(e),
            title: line(&format!(
                "{} (exception {}): {}",
                if expired { "Expired risk acceptance" } else { "Accepted risk" },
                x.index,
                x.target_label()
            )),
            description: x.justification.trim().to_string(),
            statement,
            props,
            status: if expired { "open" } else { "deviation-approved" },
            // The acceptance holds through its expires_on day (UTC, the day expiry is judged on).
            deadline: format!("{}T23:59:59Z", x.expires_on),
            risk_log: RiskLog { entries },
        }
    }

    fn back_matter(&self) -> BackMatter {
        let r = self.report;
        let mut resources = vec![
            Resource {
                uuid: self.uuid("resource", "assessment-plan"),
                title: line(&format!("Assessment plan: auditpack's {} catalogue", self.f.name)),
                description: Some(format!(
                    "No OSCAL assessment plan was written. The plan this assessment followed is the control catalogue \
auditpack {} applied for {} ({}): every control with its owner under the AWS Shared Responsibility Model, its evidence \
method and the automated checks that decide it (`auditpack controls --framework {}` lists it).",
                    r.tool.version, self.f.name, self.f.version, self.f.id
                )),
                rlinks: Vec::new(),
            },
            Resource {
                uuid: self.uuid("resource", "manifest"),
                title: "Evidence bundle manifest".into(),
                description: Some(
                    "manifest.json of the evidence bundle: every file with its SHA-256, the collection time, accounts, \
regions and evidence gaps. `auditpack verify` checks the bundle against it."
                        .into(),
                ),
                rlinks: vec![Rlink {
                    href: "manifest.json".into(),
                    media_type: Some("application/json"),
                    hashes: sha256_hashes(&r.evidence.manifest_sha256),
                }],
            },
        ];
        resources.extend(self.files.iter().map(|(path, s)| Resource {
            uuid: self.file_resource(path),
            title: line(path),
            description: None,
            rlinks: vec![Rlink { href: path.to_string(), media_type: media_type(path), hashes: sha256_hashes(s.sha256()) }],
        }));
        BackMatter { resources }
    }
}

/// The failing findings of framework `f` that the accepted-risk entry `e` covers: those it
/// accepts when active, those it would accept when expired; none when it matches nothing.
fn covered<'a>(report: &'a Report, f: &'a FrameworkReport, e: &ExceptionResult) -> Vec<Covered<'a>> {
    let mut out = Vec::new();
    for c in &f.controls {
        for k in &c.checks {
            if !e.entry.covers(&f.id, &c.id, &k.id) {
                continue;
            }
            let Some(found) = report.checks.get(&k.id) else { continue };
            for x in &found.findings {
                let hit = match (e.state, &e.entry.target) {
                    (ExceptionState::Active, ExceptionTarget::Check { .. }) => x.exception == Some(e.entry.index),
                    (ExceptionState::Active, ExceptionTarget::Control { .. }) => {
                        c.accepted.iter().any(|a| a.finding == x.id && a.exception == e.entry.index)
                    }
                    (ExceptionState::Expired, _) => x.is_failing() && e.entry.matches_resource(&x.resource),
                    (ExceptionState::Unmatched, _) => false,
                };
                if hit {
                    out.push(Covered { control: c, check: &k.id, finding: x });
                }
            }
        }
    }
    out
}

/// The SHA-256 of a resource as OSCAL hashes, none when it is not known.
fn sha256_hashes(hex: &str) -> Vec<Hash> {
    if hex.is_empty() {
        Vec::new()
    } else {
        vec![Hash { algorithm: "SHA-256", value: hex.to_string() }]
    }
}

fn prop(name: &'static str, value: &str) -> Prop {
    Prop { name, ns: NS, value: line(value) }
}

// The subset of the OSCAL assessment-results model written here, in OSCAL's JSON names.

#[derive(Serialize)]
struct Document {
    #[serde(rename = "assessment-results")]
    assessment_results: AssessmentResults,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct AssessmentResults {
    uuid: String,
    metadata: Metadata,
    import_ap: ImportAp,
    results: Vec<ResultSet>,
    back_matter: BackMatter,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Metadata {
    title: String,
    published: String,
    last_modified: String,
    version: String,
    oscal_version: &'static str,
    remarks: String,
}

#[derive(Serialize)]
struct ImportAp {
    href: String,
    remarks: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ResultSet {
    uuid: String,
    title: String,
    description: String,
    start: String,
    end: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<Link>,
    reviewed_controls: ReviewedControls,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    observations: Vec<Observation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    risks: Vec<Risk>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    findings: Vec<Finding>,
}

#[derive(Serialize)]
struct Prop {
    name: &'static str,
    ns: &'static str,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Link {
    href: String,
    rel: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ReviewedControls {
    description: String,
    control_selections: Vec<ControlSelection>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ControlSelection {
    /// Only for a framework without controls, where include-controls may not be empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    include_all: Option<Empty>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    include_controls: Vec<ControlRef>,
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ControlRef {
    control_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Observation {
    uuid: String,
    title: String,
    description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
    methods: Vec<&'static str>,
    relevant_evidence: Vec<RelevantEvidence>,
    collected: String,
}

#[derive(Serialize)]
struct RelevantEvidence {
    href: String,
    description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
    links: Vec<Link>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Finding {
    uuid: String,
    title: String,
    description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
    target: FindingTarget,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_observations: Vec<RelatedObservation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_risks: Vec<RelatedRisk>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remarks: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct FindingTarget {
    #[serde(rename = "type")]
    kind: &'static str,
    target_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
    status: ObjectiveStatus,
}

#[derive(Serialize)]
struct ObjectiveStatus {
    state: &'static str,
    reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    remarks: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct RelatedObservation {
    observation_uuid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct RelatedRisk {
    risk_uuid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Risk {
    uuid: String,
    title: String,
    description: String,
    statement: String,
    props: Vec<Prop>,
    status: &'static str,
    deadline: String,
    risk_log: RiskLog,
}

#[derive(Serialize)]
struct RiskLog {
    entries: Vec<RiskLogEntry>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct RiskLogEntry {
    uuid: String,
    title: String,
    description: String,
    start: String,
    status_change: &'static str,
}

#[derive(Serialize)]
struct BackMatter {
    resources: Vec<Resource>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Resource {
    uuid: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rlinks: Vec<Rlink>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Rlink {
    href: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    media_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash>,
}

#[derive(Serialize)]
struct Hash {
    algorithm: &'static str,
    value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_uuids_are_rfc_4122_version_4_and_follow_the_name() {
        let pattern = |u: &str| {
            let parts: Vec<&str> = u.split('-').collect();
            parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
                && u.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
                && parts[2].starts_with('4')
                && parts[3].starts_with(['8', '9', 'a', 'b'])
        };
        for name in ["", "auditpack|x|gdpr|finding|Art. 30", "a much longer name than sixteen bytes of hash"] {
            let u = name_uuid(name);
            assert!(pattern(&u), "{u}");
            assert_eq!(u, name_uuid(name));
        }
        assert_ne!(name_uuid("a"), name_uuid("b"));
        // SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 …: version and variant bits set over it.
        assert_eq!(name_uuid("abc"), "ba7816bf-8f01-4fea-8141-40de5dae2223");
    }

    #[test]
    fn only_a_pass_is_satisfied() {
        for s in ControlStatus::ALL {
            let (state, reason) = objective_status(s);
            assert_eq!(state == "satisfied", s == ControlStatus::Pass, "{s:?}");
            let want = match s {
                ControlStatus::Pass => "pass",
                ControlStatus::Fail | ControlStatus::AcceptedRisk => "fail",
                _ => "other",
            };
            assert_eq!(reason, want, "{s:?}");
        }
    }

    #[test]
    fn control_ids_become_distinct_ncname_tokens() {
        assert_eq!(slug("Art. 5(1)(f)"), "art.5.1.f");
        assert_eq!(slug("164.308(a)(1)(ii)(A)"), "164.308.a.1.ii.a");
        assert_eq!(slug("1.2.1"), "1.2.1");
        assert_eq!(slug("pci-dss-4.0"), "pci-dss-4.0");
        assert_eq!(slug("(x) "), "x");
        let ids = ["Art. 30", "Art.30", "art 30", "1.2.1", "()"];
        let f = FrameworkReport {
            id: "9fw".into(),
            name: "N".into(),
            version: "1".into(),
            description: String::new(),
            summary: Default::default(),
            changes: None,
            responsibility: Vec::new(),
            controls: ids.iter().map(|id| control(id)).collect(),
            by_account: Vec::new(),
        };
        let tokens = control_tokens(&f);
        let distinct: BTreeSet<&String> = tokens.values().collect();
        assert_eq!(distinct.len(), ids.len(), "{tokens:?}");
        let first = |c: char| c.is_ascii_alphabetic() || c == '_';
        let rest = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        for t in tokens.values() {
            assert!(t.starts_with(first) && t.chars().all(rest), "{t} is not an NCName");
        }
        assert_eq!(tokens["1.2.1"], "_9fw_1.2.1");
        assert!(tokens["Art. 30"].starts_with("_9fw_art.30-"), "colliding ids get a hash suffix: {tokens:?}");
    }

    fn control(id: &str) -> ControlResult {
        ControlResult {
            id: id.into(),
            section: String::new(),
            title: String::new(),
            description: String::new(),
            owner: crate::mappings::Owner::Customer,
            owner_reason: None,
            area: None,
            evidence_method: crate::mappings::EvidenceMethod::Manual,
            status: ControlStatus::Manual,
            status_reason: String::new(),
            aws_provides: None,
            manual_evidence: None,
            checks: Vec::new(),
            evidence_files: Vec::new(),
            accepted: Vec::new(),
            attachments: Vec::new(),
            attestations: Vec::new(),
            previous_status: None,
            change: None,
        }
    }
}
