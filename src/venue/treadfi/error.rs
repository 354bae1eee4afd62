//! Tread.fi error and action-reply bodies → the venue's own text.
//!
//! The documents show errors as `{"error": "..."}`, `{"detail": "..."}`, `{"message": "..."}`,
//! `{"errors": ["a", "b"]}` (and `{"errors": "..."}`), or a bare JSON string; proxies in front
//! of the venue may answer with HTML or plain text.

use serde_json::Value;

use crate::venue::http::truncate;

/// Keys read for a message, in order of preference.
const MESSAGE_KEYS: [&str; 4] = ["error", "detail", "message", "errors"];

/// Text of a JSON message value: a string as is, a list joined with `"; "`, other values
/// as compact JSON.
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(value_text).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        other => Some(other.to_string()),
    }
}

/// The venue's error text from an error response body:
/// `{"error": t}` / `{"detail": t}` / `{"message": t}` → `t`; `{"errors": ["a", "b"]}` →
/// `"a; b"`; a bare JSON string → that string; any other body (HTML, plain text, other
/// JSON) → its text, trimmed and cut to ~200 characters. An empty body gives `""` (the client
/// then shows the HTTP reason phrase).
pub fn decode_error_message(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::String(s)) => s,
        Ok(Value::Object(map)) => MESSAGE_KEYS
            .iter()
            .find_map(|k| map.get(*k).and_then(value_text))
            .unwrap_or_else(|| truncate(&String::from_utf8_lossy(bytes))),
        Ok(Value::Array(items)) => value_text(&Value::Array(items))
            .unwrap_or_else(|| truncate(&String::from_utf8_lossy(bytes))),
        _ => truncate(&String::from_utf8_lossy(bytes)),
    }
}

/// The venue's message in a successful action reply: a bare JSON string (cancel:
/// `"Order canceled!"`) or `{"message": t}` (pause/resume/amend) → the text; any other body →
/// its text cut to ~200 characters.
pub(super) fn reply_message(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::String(s)) => s,
        Ok(Value::Object(map)) => map
            .get("message")
            .and_then(value_text)
            .unwrap_or_else(|| decode_error_message(bytes)),
        _ => truncate(&String::from_utf8_lossy(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::venue::http::MAX_RAW_CHARS;

    #[test]
    fn error_shapes() {
        assert_eq!(
            decode_error_message(br#"{"detail":"Invalid token."}"#),
            "Invalid token."
        );
        assert_eq!(
            decode_error_message(br#"{"error":"Order is not paused."}"#),
            "Order is not paused."
        );
        assert_eq!(
            decode_error_message(br#""No order found with given ID!""#),
            "No order found with given ID!"
        );
        assert_eq!(decode_error_message(br#"{"errors":["a","b"]}"#), "a; b");
        assert_eq!(decode_error_message(br#"{"errors":"one"}"#), "one");
        assert_eq!(decode_error_message(br#"{"message":"m"}"#), "m");
        assert_eq!(
            decode_error_message(b"<html>502</html>"),
            "<html>502</html>"
        );
        let long = "x".repeat(500);
        let cut = decode_error_message(long.as_bytes());
        assert_eq!(cut.chars().count(), MAX_RAW_CHARS + 1);
        assert_eq!(decode_error_message(b""), "");
    }

    #[test]
    fn reply_shapes() {
        assert_eq!(reply_message(br#""Order canceled!""#), "Order canceled!");
        assert_eq!(
            reply_message(br#"{"message":"Successfully paused order."}"#),
            "Successfully paused order."
        );
        assert_eq!(reply_message(b"ok"), "ok");
    }
}
