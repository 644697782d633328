//! Reading IAM policy documents (identity policies, trust policies, bucket policies).

use serde_json::Value;

/// The statements of a policy document (`Statement` may be one object or a list).
pub fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    }
}

/// A string-or-list field as a list of strings.
pub fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn allows(stmt: &Value) -> bool {
    stmt.get("Effect").and_then(Value::as_str) == Some("Allow")
}

/// True when a statement allows every action on every resource (`"Action": "*"` on `"Resource": "*"`).
pub fn grants_full_admin(doc: &Value) -> bool {
    statements(doc).into_iter().any(|s| {
        allows(s) && strings(s.get("Action")).iter().any(|a| *a == "*" || *a == "*:*") && strings(s.get("Resource")).contains(&"*")
    })
}

/// True when a statement allows every action of one service (`"<service>:*"`) on every resource.
pub fn grants_service_wildcard(doc: &Value, service: &str) -> bool {
    let wildcard = format!("{service}:*");
    statements(doc)
        .into_iter()
        .any(|s| allows(s) && strings(s.get("Action")).contains(&wildcard.as_str()) && strings(s.get("Resource")).contains(&"*"))
}

/// True when a statement lets anyone be the principal (`"Principal": "*"` or `{"AWS": "*"}`).
/// Returns the condition keys that narrow it, if any, for the finding's detail.
pub fn open_principal(stmt: &Value) -> Option<Vec<String>> {
    if !allows(stmt) {
        return None;
    }
    let open = match stmt.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(map)) => map.get("AWS").map(|aws| strings(Some(aws)).contains(&"*")).unwrap_or(false),
        _ => false,
    };
    if !open {
        return None;
    }
    let mut keys = Vec::new();
    if let Some(Value::Object(ops)) = stmt.get("Condition") {
        for (op, body) in ops {
            if let Value::Object(k) = body {
                keys.extend(k.keys().map(|key| format!("{op} {key}")));
            }
        }
    }
    Some(keys)
}
