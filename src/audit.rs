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
        Action::PauseAll { .. } => ("all orders", Value::Null),
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
        let _ = std::fs::remove_dir_all(dir);
    }
}
