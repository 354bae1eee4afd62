//! The one action pipeline (`actions::execute`) against a fake venue that records every request:
//! a viewer's action and an action the venue does not offer never reach the venue (and are
//! audited as refusals); an allowed action is sent exactly once, timed, and its audit line is
//! on disk when `execute` returns (not yet when the request went out); an audit file that
//! cannot be written never hides the venue's reply.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use blotter::actions::{Actor, execute};
use blotter::audit::AuditLog;
use blotter::domain::*;
use blotter::serve::config::Role;
use blotter::venue::*;
use futures_util::future::BoxFuture;
use serde_json::Value;

/// How long the fake venue takes to answer an action.
const ACT_DELAY: Duration = Duration::from_millis(15);

struct Fake {
    caps: Capabilities,
    /// Every action that reached `act`.
    acts: Mutex<Vec<Action>>,
    /// The audit file, read while the request is "in flight".
    audit_path: Option<PathBuf>,
    /// Audit lines on disk at the moment each request went out.
    lines_at_send: Mutex<Vec<usize>>,
}

impl Fake {
    fn new(caps: Capabilities, audit_path: Option<&Path>) -> Self {
        Self {
            caps,
            acts: Mutex::new(Vec::new()),
            audit_path: audit_path.map(Path::to_path_buf),
            lines_at_send: Mutex::new(Vec::new()),
        }
    }
    fn acts(&self) -> Vec<Action> {
        self.acts.lock().unwrap().clone()
    }
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

impl Venue for Fake {
    fn name(&self) -> &str {
        "Fake"
    }
    fn capabilities(&self) -> Capabilities {
        self.caps
    }
    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(async { Ok(Page::of(Vec::new())) })
    }
    fn multi_orders(&self, _page: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>> {
        Box::pin(async { Ok(Page::of(Vec::new())) })
    }
    fn multi_order(&self, _id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>> {
        Box::pin(async { Err(VenueError::Network("n/a".into())) })
    }
    fn placements(&self, _id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        Box::pin(async { Ok(Page::of(Vec::new())) })
    }
    fn order_errors(&self, _ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn act(&self, action: &Action) -> BoxFuture<'_, VenueResult<ActionReply>> {
        self.acts.lock().unwrap().push(action.clone());
        let seen = self.audit_path.as_deref().map_or(0, |p| lines(p).len());
        self.lines_at_send.lock().unwrap().push(seen);
        Box::pin(async move {
            tokio::time::sleep(ACT_DELAY).await;
            Ok(ActionReply {
                status: 202,
                message: "Successfully paused order.".into(),
            })
        })
    }
}

fn trader(source: &str) -> Actor {
    Actor {
        user: "alice".into(),
        source: source.into(),
        role: Role::Trader,
    }
}

fn open_log(dir: &Path) -> (PathBuf, Arc<AuditLog>) {
    let path = dir.join("audit.jsonl");
    let log = AuditLog::open(&path, "alice").unwrap();
    (path, Arc::new(log))
}

#[tokio::test]
async fn a_viewer_is_refused_before_any_request_and_the_refusal_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (path, log) = open_log(dir.path());
    let venue = Fake::new(Capabilities::ALL, Some(&path));
    let viewer = Actor {
        user: "bob".into(),
        source: "ssh SHA256:abc".into(),
        role: Role::Viewer,
    };
    let action = Action::Cancel(OrderId::new("o1"));

    let out = execute(&venue, &action, &viewer, Some(&log)).await;

    assert!(venue.acts().is_empty(), "no request: {:?}", venue.acts());
    assert!(!out.sent);
    let err = out.result.unwrap_err().to_string();
    assert!(err.contains("read-only (viewer)"), "{err}");
    assert_eq!(out.audit_error, None);
    let written = lines(&path);
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(written[0]["source"], "ssh SHA256:abc");
    assert_eq!(written[0]["action"], "cancel");
    assert_eq!(written[0]["outcome"]["ok"], false);
    assert!(
        written[0]["outcome"]["error"]
            .as_str()
            .unwrap()
            .contains("read-only (viewer)")
    );
}

#[tokio::test]
async fn an_action_the_venue_does_not_offer_is_never_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (path, log) = open_log(dir.path());
    // Cancels yes, pauses no; multi-orders exist but their pause needs `pause` too (what
    // read-only mode leaves behind); no venue-wide cancel.
    let caps = Capabilities {
        pause: false,
        pause_all: false,
        cancel_all: false,
        ..Capabilities::ALL
    };
    let venue = Fake::new(caps, Some(&path));
    for action in [
        Action::Pause(OrderId::new("o1")),
        Action::PauseMulti(OrderId::new("m1")),
        Action::CancelAll {
            venue: VenueId::default(),
            account_names: Vec::new(),
        },
    ] {
        let out = execute(&venue, &action, &trader("tui"), Some(&log)).await;
        assert!(!out.sent, "{action:?}");
        assert!(
            matches!(&out.result, Err(VenueError::Unsupported { venue, .. }) if venue == "Fake"),
            "{action:?}: {:?}",
            out.result
        );
    }
    assert!(venue.acts().is_empty(), "no request: {:?}", venue.acts());
    // The refusals are on record like any other outcome.
    let written = lines(&path);
    assert_eq!(written.len(), 3);
    assert!(written.iter().all(|l| l["outcome"]["ok"] == false));

    // What it does offer still goes out.
    let out = execute(
        &venue,
        &Action::Cancel(OrderId::new("o1")),
        &trader("tui"),
        Some(&log),
    )
    .await;
    assert!(out.sent);
    assert_eq!(venue.acts(), [Action::Cancel(OrderId::new("o1"))]);
}

#[tokio::test]
async fn an_allowed_action_is_sent_once_timed_and_audited_before_execute_returns() {
    let dir = tempfile::tempdir().unwrap();
    let (path, log) = open_log(dir.path());
    let venue = Fake::new(Capabilities::ALL, Some(&path));
    let action = Action::Pause(OrderId::new("o7"));

    let out = execute(&venue, &action, &trader("cli"), Some(&log)).await;

    assert_eq!(
        venue.acts(),
        std::slice::from_ref(&action),
        "exactly one request"
    );
    assert!(out.sent);
    assert_eq!(out.result.unwrap().message, "Successfully paused order.");
    assert_eq!(out.audit_error, None);
    assert!(out.latency >= ACT_DELAY, "{:?}", out.latency);
    // Nothing was audited when the request went out; the line is on disk now, read straight
    // after `execute` returned, with no waiting.
    assert_eq!(*venue.lines_at_send.lock().unwrap(), [0]);
    let written = lines(&path);
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(written[0]["source"], "cli");
    assert_eq!(written[0]["user"], "alice");
    assert_eq!(written[0]["venue"], "Fake");
    assert_eq!(written[0]["order_id"], "o7");
    assert_eq!(written[0]["outcome"]["ok"], true);
    assert!(
        written[0]["latency_ms"].as_u64().unwrap() >= ACT_DELAY.as_millis() as u64,
        "{}",
        written[0]
    );
}

#[tokio::test]
async fn a_failing_audit_file_never_hides_the_reply() {
    // /dev/full opens for appending, and every write to it fails (ENOSPC).
    let log = Arc::new(AuditLog::open(Path::new("/dev/full"), "alice").unwrap());
    let venue = Fake::new(Capabilities::ALL, None);
    let action = Action::Resume(OrderId::new("o2"));

    let out = execute(&venue, &action, &trader("tui"), Some(&log)).await;

    assert_eq!(venue.acts(), [action], "sent once, not retried");
    assert_eq!(out.result.unwrap().status, 202);
    let text = out.audit_error.unwrap_or_default();
    assert!(text.starts_with("AUDIT LOG WRITE FAILED: "), "{text:?}");
}
