//! Scriptable actions (`blotter pause|resume|cancel`) against the in-process simulator: the
//! plan is printed, nothing is sent without confirmation, each reply is printed, failures set
//! the exit status, every action is audited, and `--read-only` lets no write request leave.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::process::Stdio;

use blotter::sim::{self, SimConfig, SimHandle};
use secrecy::ExposeSecret;
use tokio::io::AsyncWriteExt;

async fn sim() -> SimHandle {
    sim::spawn(SimConfig {
        auto_advance: false,
        ..SimConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs the binary with `args`, feeding `stdin`; returns (status, stdout, stderr).
async fn run(
    s: &SimHandle,
    dir: &std::path::Path,
    args: &[&str],
    stdin: &str,
) -> (i32, String, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .args(["--treadfi-url", &s.base_url(), "--log-file"])
        .env("TREADFI_API_KEY", s.token().expose_secret())
        .arg(dir.join("log"))
        .arg("--audit-file")
        .arg(dir.join("audit.jsonl"))
        .args(args)
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes()).await;
    }
    let out = child
        .wait_with_output()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn writes(s: &SimHandle) -> usize {
    s.requests().iter().filter(|r| r.method != "GET").count()
}

const ID: &str = "7fecb061-725b-5477-c84c-8e8685ge0f26";

#[tokio::test]
async fn asks_first_and_sends_nothing_without_yes() {
    let s = sim().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) = run(&s, dir.path(), &["pause", ID], "n\n").await;
    assert_eq!(code, 1);
    assert!(
        out.contains("Will pause 1 order(s)") && out.contains(ID),
        "{out}"
    );
    assert!(err.contains("not confirmed"), "{err}");
    assert_eq!(writes(&s), 0);
    s.shutdown().await;
}

#[tokio::test]
async fn yes_sends_each_once_prints_replies_and_audits() {
    let s = sim().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, out, _) = run(&s, dir.path(), &["pause", ID, "--yes"], "").await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("{ID}: Successfully paused order.")),
        "{out}"
    );
    assert_eq!(writes(&s), 1);
    // Pausing again fails at the venue: printed, and the exit status says so.
    let (code, out, _) = run(&s, dir.path(), &["pause", ID, "--yes"], "").await;
    assert_eq!(code, 1);
    assert!(out.contains("FAILED 422 Order is not running."), "{out}");
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap_or_default();
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(lines.len(), 2, "{audit}");
    assert_eq!(lines[0]["action"], "pause");
    assert_eq!(lines[0]["source"], "cli");
    assert_eq!(lines[1]["outcome"]["error"], "422 Order is not running.");
    s.shutdown().await;
}

#[tokio::test]
async fn cancel_all_of_an_account() {
    let s = sim().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, out, _) = run(
        &s,
        dir.path(),
        &["cancel", "--all", "--account", "okx_main", "--yes"],
        "",
    )
    .await;
    assert_eq!(code, 0, "{out}");
    // The plan lists the account's orders, then one cancel_all_orders request goes out.
    assert!(out.matches("\n  ").count() >= 3, "{out}");
    assert!(
        out.contains("as one request (POST /api/cancel_all_orders/"),
        "{out}"
    );
    let writes: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method, r.path, r.query, r.body))
        .collect();
    assert_eq!(
        writes,
        [(
            "POST".to_string(),
            "/api/cancel_all_orders/".to_string(),
            Some("exclude_paused=false".to_string()),
            r#"{"account_names":"okx_main"}"#.to_string()
        )]
    );
    assert!(
        out.contains("all orders of okx_main: Successfully canceled all orders."),
        "{out}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn resume_all_is_one_resume_all_orders_request_and_audited() {
    let s = sim().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, _, _) = run(&s, dir.path(), &["pause", ID, "--yes"], "").await;
    assert_eq!(code, 0);
    s.clear_requests();
    let (code, out, _) = run(&s, dir.path(), &["resume", "--all", "--yes"], "").await;
    assert_eq!(code, 0, "{out}");
    // The plan lists the paused orders (ours among them), then one venue-wide request.
    assert!(out.contains(&format!("  {ID}")), "{out}");
    assert!(
        out.contains("as one request (POST /api/resume_all_orders/)"),
        "{out}"
    );
    let writes: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method, r.path, r.query, r.body))
        .collect();
    assert_eq!(
        writes,
        [(
            "POST".to_string(),
            "/api/resume_all_orders/".to_string(),
            None,
            String::new()
        )]
    );
    assert!(out.contains("all orders: Successfully resumed"), "{out}");
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap_or_default();
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(lines.len(), 2, "{audit}");
    assert_eq!(lines[1]["action"], "resume all");
    assert_eq!(lines[1]["scope"], "all orders");
    assert_eq!(lines[1]["source"], "cli");
    s.shutdown().await;
}

/// `cancel --all` on Anboto (the embedded demo desk: no config, no venue URL) is one
/// `cancelMany` carrying every open order, printed once and audited once with every id.
#[tokio::test]
async fn cancel_all_on_anboto_is_one_cancel_many_naming_every_order() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .arg("--log-file")
        .arg(dir.path().join("log"))
        .arg("--audit-file")
        .arg(dir.path().join("audit.jsonl"))
        .args(["--venue", "anboto", "cancel", "--all", "--yes"])
        .env("HOME", dir.path())
        .env_remove("TREADFI_API_KEY")
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let listed: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with("as one request"))
        .collect();
    assert!(listed.len() >= 2, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "  as one request: POST /api/v2/trading/order/cancelMany ({} order id(s))",
            listed.len()
        )),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("Cancel requested for").count(),
        1,
        "one reply for one request: {stdout}"
    );
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap_or_default();
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(lines.len(), 1, "{audit}");
    assert_eq!(lines[0]["action"], "cancel many");
    assert_eq!(lines[0]["scope"], "orders");
    assert_eq!(lines[0]["changes"]["order_ids"], serde_json::json!(listed));
    assert_eq!(lines[0]["outcome"]["ok"], true);
}

#[tokio::test]
async fn read_only_lets_no_write_request_leave() {
    let s = sim().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, out, _) = run(&s, dir.path(), &["--read-only", "cancel", ID, "--yes"], "").await;
    assert_eq!(code, 1);
    assert!(out.contains("read-only"), "{out}");
    assert_eq!(writes(&s), 0);
    s.shutdown().await;
}

#[tokio::test]
async fn dump_audit_prints_every_action_newest_first_without_contacting_the_venue() {
    let s = sim().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, _, _) = run(&s, dir.path(), &["pause", ID, "--yes"], "").await;
    assert_eq!(code, 0);
    let (code, _, _) = run(&s, dir.path(), &["resume", ID, "--yes"], "").await;
    assert_eq!(code, 0);
    s.clear_requests();

    let (code, out, err) = run(&s, dir.path(), &["dump", "audit", "--format", "csv"], "").await;
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("at,user,source,venue,action,scope,order_id,ok,outcome,latency_ms")
    );
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[1].contains(",resume,order,") && lines[1].contains(ID),
        "newest first:\n{out}"
    );
    assert!(
        lines[2].contains(",pause,order,") && lines[2].contains(",true,"),
        "{out}"
    );
    assert!(s.requests().is_empty(), "no request for a local read");
    s.shutdown().await;
}

/// Kill the process mid-run (SIGKILL, no chance to flush): every action whose reply was
/// already printed is in the audit log, because the entry is fsynced before the reply is shown.
#[tokio::test]
async fn killed_mid_run_every_reply_already_shown_is_in_the_audit_log() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let s = sim().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (_, json, _) = run(&s, dir.path(), &["dump", "active", "--format", "json"], "").await;
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap_or_default();
    let ids: Vec<String> = rows
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
    assert!(ids.len() >= 8, "{json}");
    // Slow replies, so the kill lands in the middle of the run.
    s.set_faults(blotter::sim::Faults {
        latency_ms: 150,
        ..Default::default()
    });
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_blotter"))
        .args(["--treadfi-url", &s.base_url(), "--log-file"])
        .env("TREADFI_API_KEY", s.token().expose_secret())
        .arg(dir.path().join("log"))
        .arg("--audit-file")
        .arg(dir.path().join("audit.jsonl"))
        .arg("cancel")
        .args(&ids)
        .arg("--yes")
        .env("HOME", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let mut shown = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some((id, _)) = line.split_once(": ")
            && ids.iter().any(|i| i == id)
        {
            shown.push(id.to_string());
            if shown.len() == 3 {
                break;
            }
        }
    }
    child.start_kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait().await;
    assert_eq!(shown.len(), 3, "three replies before the kill");

    let audit =
        blotter::audit::read_all(&dir.path().join("audit.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    for id in &shown {
        assert!(
            audit
                .entries
                .iter()
                .any(|e| e.order_id == *id && e.action == "cancel"),
            "{id} was shown but is not in the audit log: {:?}",
            audit.entries
        );
    }
    assert!(
        audit.entries.len() < ids.len(),
        "killed mid-way: {} of {} audited",
        audit.entries.len(),
        ids.len()
    );
    s.shutdown().await;
}
