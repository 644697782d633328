//! SDK output → the JSON the AWS CLI v2 prints for the same call: same key names, absent
//! fields left out, timestamps as ISO 8601 with `+00:00`, IAM policy documents decoded into
//! objects (the CLI URL-decodes them; the SDK hands over the encoded string).

use std::collections::HashMap;

use aws_smithy_types::DateTime;
use serde_json::{Map, Value};

pub(crate) trait ToJson {
    fn to_json(&self) -> Value;
}

impl ToJson for str {
    fn to_json(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for DateTime {
    fn to_json(&self) -> Value {
        Value::String(timestamp(self))
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl ToJson for HashMap<String, String> {
    /// Keys sorted, so the same answer always gives the same bytes.
    fn to_json(&self) -> Value {
        let mut keys: Vec<&String> = self.keys().collect();
        keys.sort();
        Value::Object(keys.into_iter().map(|k| (k.clone(), Value::String(self[k].clone()))).collect())
    }
}

/// What an SDK accessor returns, as an optional JSON field: `Option<&T>` is left out when
/// `None`; plain values, and lists (`&[T]`, empty when the service sent none), are always there.
pub(crate) trait Field {
    fn field(self) -> Option<Value>;
}

impl<T: ToJson + ?Sized> Field for Option<&T> {
    fn field(self) -> Option<Value> {
        self.map(ToJson::to_json)
    }
}

impl<T: ToJson + ?Sized> Field for &T {
    fn field(self) -> Option<Value> {
        Some(self.to_json())
    }
}

impl Field for Option<i32> {
    fn field(self) -> Option<Value> {
        self.map(Value::from)
    }
}

impl Field for Option<bool> {
    fn field(self) -> Option<Value> {
        self.map(Value::Bool)
    }
}

impl Field for i64 {
    fn field(self) -> Option<Value> {
        Some(Value::from(self))
    }
}

impl Field for i32 {
    fn field(self) -> Option<Value> {
        Some(Value::from(self))
    }
}

impl Field for bool {
    fn field(self) -> Option<Value> {
        Some(Value::Bool(self))
    }
}

/// Enumerations print as their wire value.
macro_rules! enum_to_json {
    ($($t:path),* $(,)?) => {
        $(impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::String(self.as_str().to_string())
            }
        })*
    };
}
pub(crate) use enum_to_json;

/// The CLI's rendering of a timestamp: `2026-11-27T09:00:00+00:00`, microseconds when present.
pub fn timestamp(t: &DateTime) -> String {
    let Some(dt) = chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()) else {
        return t.to_string();
    };
    if t.subsec_nanos() == 0 {
        dt.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
    }
}

/// A field of an SDK value (see [`Field`]).
pub(crate) fn j(v: impl Field) -> Option<Value> {
    v.field()
}

/// An IAM policy document: URL-encoded JSON on the wire, an object in the CLI's output. A
/// document that does not decode is kept as the service sent it.
pub(crate) fn policy_document(v: Option<&str>) -> Option<Value> {
    let raw = v?;
    Some(policy_value(raw))
}

/// The document as a JSON value: parsed as it is, else URL-decoded first, else the text itself.
fn policy_value(raw: &str) -> Value {
    serde_json::from_str(raw)
        .or_else(|_| serde_json::from_str(&crate::evidence::docs::policy::percent_decode(raw)))
        .unwrap_or_else(|_| Value::String(raw.to_string()))
}

/// An object of the fields that are present, in the order given.
macro_rules! obj {
    ($($key:literal => $value:expr),* $(,)?) => {{
        let mut m = serde_json::Map::new();
        $(if let Some(v) = $value {
            m.insert($key.to_string(), v);
        })*
        serde_json::Value::Object(m)
    }};
}
pub(crate) use obj;

/// `{ key: [items] }`: the shape of a merged paged answer.
pub(crate) fn wrap(key: &str, items: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert(key.to_string(), Value::Array(items));
    Value::Object(m)
}

/// Pretty-printed with four spaces like the CLI, with a final newline.
pub fn to_cli_bytes(v: &Value) -> Vec<u8> {
    use serde::Serialize;
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, serde_json::ser::PrettyFormatter::with_indent(b"    "));
    v.serialize(&mut ser).expect("a JSON value always serialises");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_print_like_the_cli() {
        assert_eq!(timestamp(&DateTime::from_secs(1_764_234_000)), "2025-11-27T09:00:00+00:00");
        assert_eq!(timestamp(&DateTime::from_millis(1_764_234_000_250)), "2025-11-27T09:00:00.250000+00:00");
    }

    #[test]
    fn policy_documents_are_decoded_and_odd_ones_kept() {
        let enc = Some("%7B%22Version%22%3A%222012-10-17%22%7D");
        assert_eq!(policy_document(enc), Some(serde_json::json!({"Version": "2012-10-17"})));
        assert_eq!(policy_document(Some("not json")), Some(Value::String("not json".into())));
        assert_eq!(policy_document(None), None);
    }

    #[test]
    fn absent_fields_are_left_out() {
        let none: Option<&str> = None;
        let empty: &[String] = &[];
        let v = obj! { "Name" => j(Some("a")), "Other" => j(none), "Count" => j(Some(3)), "List" => j(empty), "On" => j(false) };
        assert_eq!(v, serde_json::json!({"Name": "a", "Count": 3, "List": [], "On": false}));
    }
}
