//! Audit log: every action sent to a venue, one JSON object per line, appended, flushed and
//! fsynced before the result is shown to the user. Never contains API keys (actions carry
//! none); venue text is sanitised.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::sanitize::clean;
use crate::venue::{Action, ActionReply, VenueError};

/// An append-only audit file shared by every action task.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
    user: String,
}

impl AuditLog {
    /// Opens (creating if needed, with its directory) `path` for appending. `user` is who acts:
    /// the local login name, or the SSH user.
    ///
    /// # Errors
    /// When the directory or file cannot be created or opened.
    pub fn open(path: &Path, user: impl Into<String>) -> std::io::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            user: user.into(),
        })
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one action with its outcome and latency, then flushes and fsyncs.
    ///
    /// # Errors
    /// When the write or the sync fails (the caller shows it: an action must never be
    /// silently unaudited).
    pub fn record(
        &self,
        venue: &str,
        action: &Action,
        result: &Result<ActionReply, VenueError>,
        latency: Duration,
        source: &str,
    ) -> std::io::Result<()> {
        let line = entry(
            &self.user,
            venue,
            action,
            result,
            latency,
            source,
            Timestamp::now(),
        );
        let mut text = line.to_string();
        text.push('\n');
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        f.write_all(text.as_bytes())?;
        f.flush()?;
        f.sync_data()
    }
}

/// The JSON object for one action (pure; `at` is when it completed).
pub fn entry(
    user: &str,
    venue: &str,
    action: &Action,
    result: &Result<ActionReply, VenueError>,
    latency: Duration,
    source: &str,
    at: Timestamp,
) -> Value {
    let (scope, changes) = match action {
        Action::Amend(_, c) => (
            "order",
            json!({
                "base_asset_qty": c.base_asset_qty.map(|d| d.to_string()),
                "quote_asset_qty": c.quote_asset_qty.map(|d| d.to_string()),
                "duration": c.duration_secs,
                "pov_target": c.pov_target.map(|d| d.to_string()),
                "limit_price": c.limit_price.as_deref().map(|l| clean(l).into_owned()),
            }),
        ),
        Action::PauseMulti(_) | Action::ResumeMulti(_) | Action::CancelMulti(_) => {
            ("multi-order", Value::Null)
        }
        Action::PauseAll { .. } | Action::ResumeAll { .. } => ("all orders", Value::Null),
        // A bulk cancel names every order it carried (`order_id` only says how many).
        Action::CancelMany { order_ids, .. } => (
            "orders",
            json!({ "order_ids": order_ids.iter().map(|i| clean(i.as_str()).into_owned()).collect::<Vec<_>>() }),
        ),
        Action::CancelAll { account_names, .. } if account_names.is_empty() => {
            ("all orders", Value::Null)
        }
        Action::CancelAll { account_names, .. } => (
            "account",
            json!({ "account_names": account_names.iter().map(|a| clean(a).into_owned()).collect::<Vec<_>>() }),
        ),
        _ => ("order", Value::Null),
    };
    let outcome = match result {
        Ok(r) => json!({"ok": true, "status": r.status, "reply": clean(&r.message)}),
        Err(e) => json!({"ok": false, "error": clean(&e.to_string())}),
    };
    json!({
        "at": at.to_string(),
        "user": user,
        "source": source,
        "venue": venue,
        "action": action.verb(),
        "scope": scope,
        "order_id": clean(action.order_id().as_str()),
        "changes": changes,
        "outcome": outcome,
        "latency_ms": latency.as_millis() as u64,
    })
}

/// One line of the audit log as the in-app viewer (`L`) shows it. Text fields are sanitised
/// again on read (the file may have been edited by hand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Completion time as written (`at`, RFC 3339 UTC).
    pub at: String,
    /// Who acted: local login or SSH user (`user`).
    pub user: String,
    /// Where from: `tui`, `cli`, `ssh SHA256:…` (`source`).
    pub source: String,
    /// Venue name (`venue`).
    pub venue: String,
    /// `pause`, `resume`, `cancel`, `amend`, … (`action`).
    pub action: String,
    /// `order`, `orders` (a bulk cancel by id), `multi-order`, `account`, `all orders` (`scope`).
    pub scope: String,
    /// The order or multi-order id, or the stand-in for a venue-wide action (`order_id`).
    pub order_id: String,
    /// The venue accepted it (`outcome.ok`).
    pub ok: bool,
    /// `202 Successfully paused order.` or the error text (`outcome`).
    pub outcome: String,
    /// Time from sending to the reply, milliseconds (`latency_ms`).
    pub latency_ms: Option<u64>,
}

/// The newest entries of an audit log file, for the viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditTail {
    /// The file read.
    pub path: PathBuf,
    /// Entries, newest first.
    pub entries: Vec<AuditEntry>,
    /// Lines that were not audit entries (counted, shown, never hidden).
    pub bad_lines: usize,
}

/// Most bytes read from the end of the file for the viewer (about 3,000 entries).
const TAIL_BYTES: u64 = 1 << 20;

/// Parses one JSON line written by [`AuditLog::record`] (pure).
///
/// # Errors
/// When the line is not a JSON object with at least `at` and `action`.
pub fn parse_line(line: &str) -> Result<AuditEntry, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let text = |key: &str| -> String {
        match &v[key] {
            Value::String(s) => clean(s).into_owned(),
            Value::Null => String::new(),
            other => clean(&other.to_string()).into_owned(),
        }
    };
    if !v.is_object() || v["at"].is_null() || v["action"].is_null() {
        return Err("not an audit entry".into());
    }
    let outcome = &v["outcome"];
    let ok = outcome["ok"].as_bool().unwrap_or(false);
    let outcome_text = if ok {
        let status = outcome["status"]
            .as_u64()
            .map(|s| format!("{s} "))
            .unwrap_or_default();
        format!("{status}{}", outcome["reply"].as_str().unwrap_or(""))
    } else {
        outcome["error"].as_str().unwrap_or("").to_string()
    };
    Ok(AuditEntry {
        at: text("at"),
        user: text("user"),
        source: text("source"),
        venue: text("venue"),
        action: text("action"),
        scope: text("scope"),
        order_id: text("order_id"),
        ok,
        outcome: clean(&outcome_text).into_owned(),
        latency_ms: v["latency_ms"].as_u64(),
    })
}

/// Reads the newest entries of the audit log at `path` (at most `max`, from its last MiB),
/// newest first.
///
/// # Errors
/// When the file cannot be opened or read (a missing file is an empty log).
pub fn tail(path: &Path, max: usize) -> std::io::Result<AuditTail> {
    read(path, max, Some(TAIL_BYTES))
}

/// Every entry of the audit log at `path`, newest first (`blotter dump audit`).
///
/// # Errors
/// When the file cannot be opened or read (a missing file is an empty log).
pub fn read_all(path: &Path) -> std::io::Result<AuditTail> {
    read(path, usize::MAX, None)
}

fn read(path: &Path, max: usize, last_bytes: Option<u64>) -> std::io::Result<AuditTail> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(AuditTail {
                path: path.to_path_buf(),
                entries: Vec::new(),
                bad_lines: 0,
            });
        }
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let start = last_bytes.map_or(0, |n| len.saturating_sub(n));
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<&str> = text.lines().collect();
    if start > 0 && !lines.is_empty() {
        // Began mid-line.
        lines.remove(0);
    }
    let mut entries = Vec::new();
    let mut bad_lines = 0;
    for line in lines.iter().rev().filter(|l| !l.trim().is_empty()) {
        if entries.len() >= max {
            break;
        }
        match parse_line(line) {
            Ok(e) => entries.push(e),
            Err(_) => bad_lines += 1,
        }
    }
    Ok(AuditTail {
        path: path.to_path_buf(),
        entries,
        bad_lines,
    })
}

/// The local login name (`USER`, else `LOGNAME`, else `unknown`).
pub fn local_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrderId;

    #[test]
    fn every_completed_action_is_on_disk_as_one_json_line() {
        let dir = std::env::temp_dir().join(format!("blotter-audit-{}", std::process::id()));
        let path = dir.join("audit.jsonl");
        let _ = std::fs::remove_file(&path);
        let log = AuditLog::open(&path, "alice").unwrap_or_else(|e| panic!("{e}"));
        let ok = Ok(ActionReply {
            status: 202,
            message: "Successfully paused order.".into(),
        });
        let err = Err(VenueError::Http {
            status: 422,
            message: "Order is not paused.".into(),
            retry_after_secs: None,
        });
        for i in 0..3 {
            let r = if i == 1 { &err } else { &ok };
            let a = Action::Pause(OrderId::new(format!("o{i}")));
            assert!(
                log.record("Tread.fi", &a, r, Duration::from_millis(12), "tui")
                    .is_ok()
            );
        }
        // Drop the writer as if the process died right after: every line is already synced.
        drop(log);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<Value> = text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1]["outcome"]["error"], "422 Order is not paused.");
        assert_eq!(lines[0]["user"], "alice");
        assert_eq!(lines[2]["order_id"], "o2");

        // The viewer reads them back newest first; a stray line is counted, not fatal.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(b"not json\n"))
            .unwrap_or_else(|e| panic!("{e}"));
        let t = tail(&path, 100).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.bad_lines, 1);
        let ids: Vec<_> = t.entries.iter().map(|e| e.order_id.as_str()).collect();
        assert_eq!(ids, ["o2", "o1", "o0"]);
        assert!(!t.entries[1].ok);
        assert_eq!(t.entries[1].outcome, "422 Order is not paused.");
        assert_eq!(t.entries[0].outcome, "202 Successfully paused order.");
        assert_eq!(t.entries[0].latency_ms, Some(12));
        assert_eq!(tail(&path, 2).map(|t| t.entries.len()).ok(), Some(2));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_missing_log_is_empty_and_server_text_is_cleaned() {
        let t = tail(Path::new("/nonexistent/blotter/audit.jsonl"), 10);
        assert!(t.is_ok_and(|t| t.entries.is_empty()));
        let e = parse_line(
            r#"{"at":"2026-01-01T00:00:00Z","action":"cancel","user":"x\u001b[2J","outcome":{"ok":false,"error":"bad\u0007"}}"#,
        );
        let e = e.unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !e.user.contains('\u{1b}') && !e.outcome.contains('\u{7}'),
            "{e:?}"
        );
        assert!(parse_line("{}").is_err());
    }
}
