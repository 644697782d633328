//! IAM policy documents (identity, trust and bucket policies), decoded once when their document
//! is read. The AWS CLI prints them as JSON objects; the raw API (and AWS Config) hands them over
//! as strings holding JSON, URL-encoded in IAM's case: all three are read.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::OneOrMany;

/// A policy document, or why it could not be read (kept with the principal or bucket it belongs
/// to, which the checks then mark not assessed).
#[derive(Debug, Clone)]
pub struct Policy(pub Result<PolicyDocument, String>);

#[derive(Debug, Clone, Deserialize)]
pub struct PolicyDocument {
    #[serde(rename = "Statement")]
    statement: OneOrMany<Statement>,
}

impl PolicyDocument {
    pub fn statements(&self) -> &[Statement] {
        self.statement.as_slice()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    pub effect: Effect,
    #[serde(default)]
    pub action: Option<OneOrMany<String>>,
    /// Every action but these: an Allow with it grants nearly everything.
    #[serde(default)]
    pub not_action: Option<OneOrMany<String>>,
    #[serde(default)]
    pub resource: Option<OneOrMany<String>>,
    /// Every resource but these.
    #[serde(default)]
    pub not_resource: Option<OneOrMany<String>>,
    #[serde(default)]
    pub principal: Option<Principal>,
    /// Everyone but these principals: an Allow with it is open to the world.
    #[serde(default)]
    pub not_principal: Option<Principal>,
    /// Operator → condition key → values (booleans and numbers as their text).
    #[serde(default)]
    pub condition: Option<BTreeMap<String, BTreeMap<String, OneOrMany<Scalar>>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Principal {
    Any(String),
    Map(BTreeMap<String, OneOrMany<String>>),
}

/// A condition value: IAM accepts strings, booleans and numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Bool(bool),
            Number(serde_json::Number),
        }
        Ok(Scalar(match Raw::deserialize(d)? {
            Raw::Text(s) => s,
            Raw::Bool(b) => b.to_string(),
            Raw::Number(n) => n.to_string(),
        }))
    }
}

impl Statement {
    pub fn allows(&self) -> bool {
        self.effect == Effect::Allow
    }

    pub fn actions(&self) -> &[String] {
        self.action.as_ref().map(OneOrMany::as_slice).unwrap_or_default()
    }

    pub fn resources(&self) -> &[String] {
        self.resource.as_ref().map(OneOrMany::as_slice).unwrap_or_default()
    }

    pub fn not_actions(&self) -> &[String] {
        self.not_action.as_ref().map(OneOrMany::as_slice).unwrap_or_default()
    }

    /// Whether the statement applies to every resource: `"Resource": "*"`, or `NotResource`
    /// (every resource but some).
    pub fn every_resource(&self) -> bool {
        self.resources().iter().any(|r| r == "*") || self.not_resource.is_some()
    }

    /// Whether the statement allows `action` (`service:Operation`, or `service:*` for all of a
    /// service's actions): through `Action` wildcards, or through a `NotAction` that does not
    /// exclude it. IAM compares action names without regard to case.
    pub fn allows_action(&self, action: &str) -> bool {
        if !self.allows() {
            return false;
        }
        let action = action.to_ascii_lowercase();
        let service = action.split(':').next().unwrap_or_default().to_string();
        let matches = |pattern: &String| {
            let p = pattern.to_ascii_lowercase();
            p == "*" || p == "*:*" || p == action || p == format!("{service}:*")
        };
        if self.actions().iter().any(matches) {
            return true;
        }
        // `NotAction` allows everything it does not name; a pattern naming the service (or a
        // prefix of its actions) may take the action out.
        self.not_action.is_some()
            && !self.not_actions().iter().any(|p| {
                let p = p.to_ascii_lowercase();
                p == "*" || p == "*:*" || p == action || p.strip_suffix('*').is_some_and(|prefix| action.starts_with(prefix))
            })
    }

    /// Whether anyone may be the principal: `"*"`, `{"AWS": "*"}`, or `NotPrincipal` (everyone
    /// but the principals it names).
    pub fn open_principal(&self) -> bool {
        self.not_principal.is_some()
            || match &self.principal {
                Some(Principal::Any(s)) => s == "*",
                Some(Principal::Map(m)) => m.get("AWS").is_some_and(|aws| aws.as_slice().iter().any(|a| a == "*")),
                None => false,
            }
    }

    /// Whether a condition pins who may call, as S3 and IAM Access Analyzer count it: a key that
    /// names the caller's network, account, organisation or source, with a value that is not a
    /// wildcard, under an operator that is not `...IfExists`.
    pub fn narrowed_to_known_callers(&self) -> bool {
        const PINNING: [&str; 16] = [
            "aws:sourceip",
            "aws:sourcevpc",
            "aws:sourcevpce",
            "aws:sourcearn",
            "aws:sourceaccount",
            "aws:sourceowner",
            "aws:sourceorgid",
            "aws:sourceorgpaths",
            "aws:principalorgid",
            "aws:principalorgpaths",
            "aws:principalaccount",
            "aws:principalarn",
            "aws:userid",
            "aws:username",
            "s3:dataaccesspointaccount",
            "s3:dataaccesspointarn",
        ];
        self.condition.iter().flatten().any(|(op, body)| {
            !op.to_ascii_lowercase().ends_with("ifexists")
                && !op.to_ascii_lowercase().starts_with("null")
                && body.iter().any(|(key, values)| {
                    PINNING.contains(&key.to_ascii_lowercase().as_str())
                        && values.as_slice().iter().all(|v| !v.0.contains('*') && !v.0.contains('?'))
                })
        })
    }

    /// `operator key` of every condition, for findings.
    pub fn condition_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        for (op, body) in self.condition.iter().flatten() {
            keys.extend(body.keys().map(|k| format!("{op} {k}")));
        }
        keys
    }

    /// The values a condition operator gives a key.
    pub fn condition_values(&self, operator: &str, key: &str) -> Vec<&str> {
        self.condition
            .as_ref()
            .and_then(|c| c.get(operator))
            .and_then(|body| body.get(key))
            .map(|v| v.as_slice().iter().map(|s| s.0.as_str()).collect())
            .unwrap_or_default()
    }
}

impl PolicyDocument {
    /// Parse a document given as JSON text, plain or URL-encoded.
    pub fn from_text(text: &str) -> Result<PolicyDocument, String> {
        match serde_json::from_str(text) {
            Ok(doc) => Ok(doc),
            Err(plain) => {
                let decoded = percent_decode(text);
                if decoded == text {
                    return Err(format!("the policy document is not valid: {plain}"));
                }
                serde_json::from_str(&decoded).map_err(|e| format!("the policy document is not valid: {e}"))
            }
        }
    }
}

impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Policy, D::Error> {
        // Kept as text and parsed into the typed document, so a key written twice (two
        // `Statement`s, say) is an error instead of the last one winning.
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get();
        Ok(Policy(if text.starts_with('"') {
            serde_json::from_str::<String>(text).map_err(|e| e.to_string()).and_then(|s| PolicyDocument::from_text(&s))
        } else if text == "null" {
            Err("the policy document is null".into())
        } else {
            serde_json::from_str(text).map_err(|e| format!("the policy document is not valid: {e}"))
        }))
    }
}

/// Undo URL encoding (`%7B` → `{`, `+` → space), as IAM's raw API applies to policy documents.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                match hex.and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_read_as_objects_strings_and_url_encoded_strings() {
        let obj: Policy = serde_json::from_str(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#).unwrap();
        assert_eq!(obj.0.unwrap().statements()[0].actions(), ["*"]);
        let text: Policy = serde_json::from_str(r#""{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": [\"s3:*\"]}]}""#).unwrap();
        assert_eq!(text.0.unwrap().statements()[0].effect, Effect::Deny);
        let encoded: Policy =
            serde_json::from_str(r#""%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%7D%5D%7D""#)
                .unwrap();
        assert_eq!(encoded.0.unwrap().statements()[0].actions(), ["s3:*"]);
        let twice = r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}], "Statement": []}"#;
        for bad in [r#""not json""#, "null", r#"{"Statement": {"Effect": "Permit"}}"#, "{}", r#""%7B%""#, twice] {
            let p: Policy = serde_json::from_str(bad).unwrap();
            assert!(p.0.is_err(), "{bad} read as a policy");
        }
    }

    #[test]
    fn percent_decoding_leaves_stray_percent_signs() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn conditions_keep_booleans_as_text() {
        let p: Policy = serde_json::from_str(
            r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": false}}}]}"#,
        )
        .unwrap();
        let doc = p.0.unwrap();
        let st = &doc.statements()[0];
        assert_eq!(st.condition_values("Bool", "aws:SecureTransport"), ["false"]);
        assert!(st.open_principal());
        assert_eq!(st.condition_keys(), ["Bool aws:SecureTransport"]);
    }
}

#[cfg(test)]
mod judging {
    use super::*;

    fn statement(json: &str) -> Statement {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn actions_are_matched_by_wildcard_notaction_and_without_case() {
        assert!(statement(r#"{"Effect": "Allow", "Action": "*"}"#).allows_action("kms:Decrypt"));
        assert!(statement(r#"{"Effect": "Allow", "Action": "KMS:*"}"#).allows_action("kms:*"));
        assert!(statement(r#"{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"]}"#).allows_action("kms:*"));
        assert!(!statement(r#"{"Effect": "Allow", "NotAction": "kms:*"}"#).allows_action("kms:*"));
        assert!(!statement(r#"{"Effect": "Allow", "Action": "kms:Decrypt"}"#).allows_action("kms:*"));
        assert!(!statement(r#"{"Effect": "Deny", "Action": "*"}"#).allows_action("kms:*"));
        assert!(statement(r#"{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::x"}"#).every_resource());
    }

    #[test]
    fn only_conditions_that_pin_the_caller_narrow_an_open_principal() {
        let open =
            |cond: &str| statement(&format!(r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Condition": {cond}}}"#));
        assert!(open(r#"{"StringEquals": {"aws:SourceVpce": "vpce-1"}}"#).narrowed_to_known_callers());
        assert!(open(r#"{"StringEquals": {"aws:PrincipalOrgID": ["o-abc"]}}"#).narrowed_to_known_callers());
        assert!(!open(r#"{"Bool": {"aws:SecureTransport": "true"}}"#).narrowed_to_known_callers());
        assert!(!open(r#"{"StringLike": {"aws:UserAgent": "*"}}"#).narrowed_to_known_callers());
        assert!(!open(r#"{"StringLike": {"aws:SourceVpce": "vpce-*"}}"#).narrowed_to_known_callers());
        assert!(!open(r#"{"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}"#).narrowed_to_known_callers());
        assert!(statement(r#"{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:*"}"#).open_principal());
    }
}
