//! Past one machine: one feed process, many edges, over NATS (JetStream on).
//!
//! ```text
//!  venues ◄──► blotter feed ──► stream BLOTTER_<key> (subject blotter.<key>.events, one event a message,
//!   (secrets here only)   │       JetStream sequence numbers)
//!                         ├──► KV bucket `blotter`: `venues` (what each venue is), `<key>.state`
//!                         │       (the latest full state: the snapshot's events and the sequence they cover)
//!                         ├──► blotter.heartbeat (core NATS, every second)
//!                         ◄─── blotter.<key>.req (request/reply: actions with who asked, refresh, fetches)
//!  edges (`blotter serve --nats`, `blotter --nats`): bucket, then stream from the next sequence;
//!  a gap in sequence numbers, a reconnect or a stream error means "re-read the bucket".
//! ```
//!
//! - [`feed`]: the feed process's side (publish, keep the bucket, answer requests through the
//!   one action pipeline, audit).
//! - [`edge`]: an edge's side (hubs fed from the bucket and the stream, the link state shown in
//!   each venue's header, actions as requests).
//!
//! `<key>` is `v0`, `v1`, … in the feed's configuration order. Payloads are JSON.

pub mod edge;
pub mod feed;
mod remote;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::app::FeedEvent;
use crate::domain::{Fill, MultiOrder, OrderId, Page, VenueId};
use crate::serve::Role;
use crate::venue::{Action, ActionReply, Capabilities, VenueError};

/// The key-value bucket holding what each venue is and its latest full state.
pub const BUCKET: &str = "blotter";
/// Bucket key of the venue list ([`VenueMeta`]s, JSON array).
pub const VENUES_KEY: &str = "venues";
/// Core NATS subject of the feed process's heartbeat ([`Heartbeat`], every [`HEARTBEAT`]).
pub const HEARTBEAT_SUBJECT: &str = "blotter.heartbeat";
/// How often the feed process says it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(1);
/// Heartbeats missed before an edge shows the feed as stale (the same three intervals after
/// which a venue's data is shown stale).
pub const STALE_AFTER_HEARTBEATS: u32 = 3;

/// The JetStream stream of one venue's events.
pub fn stream_name(key: &str) -> String {
    format!("BLOTTER_{}", key.to_ascii_uppercase())
}

/// The subject one venue's events are published on (the stream's only subject, so its
/// sequence numbers have no gaps).
pub fn events_subject(key: &str) -> String {
    format!("blotter.{key}.events")
}

/// The subject of requests to one venue (the only subject an edge publishes to).
pub fn request_subject(key: &str) -> String {
    format!("blotter.{key}.req")
}

/// The bucket key of one venue's latest state ([`StateRecord`]).
pub fn state_key(key: &str) -> String {
    format!("{key}.state")
}

/// What a venue is, for an edge that has no venue configuration (bucket key `venues`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueMeta {
    /// Subject and bucket key of this venue (`v0`, `v1`, …).
    pub key: String,
    /// The id stamped on its rows.
    pub id: VenueId,
    /// Display name (`Tread.fi`, `Anboto (read-only)`, …).
    pub name: String,
    /// What it supports (the feed process checks again).
    pub capabilities: Capabilities,
    /// The embedded demo venue.
    pub demo: bool,
    /// The feed's refresh interval, whole seconds.
    pub refresh_secs: u64,
    /// How its pause-everything request reads (`Venue::describe_request`).
    pub pause_all: Option<String>,
    /// How its cancel-everything request reads.
    pub cancel_all: Option<String>,
}

/// One venue's latest full state (bucket key `<key>.state`): the events that rebuild it and
/// the stream sequence of the last event folded in. An edge applies `events`, then follows
/// the stream from `seq + 1`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StateRecord {
    /// Stream sequence covered (0: none yet).
    pub seq: u64,
    /// The snapshot's events ([`crate::serve::hub::Snapshot::events`]).
    pub events: Vec<FeedEvent>,
}

/// The feed process's heartbeat.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Heartbeat {
    /// When it was sent.
    pub at: jiff::Timestamp,
}

/// Who asks, as the edge authenticated them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Who {
    /// SSH user (cleaned by the edge) or local user.
    pub user: String,
    /// `ssh SHA256:…` (the key's fingerprint), `ssh demo` or `tui`: the audit log's `source`.
    pub source: String,
    /// The role the edge gave them (the feed process may lower it, never raise it).
    pub role: Role,
}

/// A request to the feed process on [`request_subject`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    /// Carry out an action for `who` (capability, role, send once, audit, reply).
    Act {
        /// Who asks.
        who: Who,
        /// The action.
        action: Action,
    },
    /// Refresh every data set (rate-limited at the feed process).
    Refresh,
    /// One multi-order with its child orders.
    FetchMulti(OrderId),
    /// The fills of one order.
    FetchFills(OrderId),
}

/// The feed process's answer to a [`Request`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Reply {
    /// What became of an action.
    Acted {
        /// The venue's reply, or why it failed or was refused.
        result: Result<ActionReply, VenueError>,
        /// A request reached the venue.
        sent: bool,
        /// Set when the audit line could not be written.
        audit_error: Option<String>,
    },
    /// A refresh was asked for.
    Refreshed,
    /// A multi-order.
    Multi(Box<Result<MultiOrder, VenueError>>),
    /// Fills.
    Fills(Result<Page<Fill>, VenueError>),
    /// The request could not be read.
    Bad(String),
}

/// Why NATS could not be used.
#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    /// Connecting failed.
    #[error("cannot connect to NATS at {url}: {message}")]
    Connect {
        /// The URL (no credentials: those never come from the URL or argv).
        url: String,
        /// Why.
        message: String,
    },
    /// Credentials could not be read.
    #[error("NATS credentials: {0}")]
    Credentials(String),
    /// A JetStream or key-value call failed.
    #[error("NATS JetStream: {0}")]
    JetStream(String),
    /// No feed process has published to this NATS yet.
    #[error(
        "no feed process has published to this NATS (bucket `{BUCKET}` key `{VENUES_KEY}` missing)"
    )]
    NoFeed,
    /// A payload was not what this version writes.
    #[error("NATS payload: {0}")]
    Decode(String),
}

/// How to reach NATS: the URL from the command line, credentials only from the environment
/// or an owner-only file (never argv).
#[derive(Debug, Clone, Default)]
pub struct NatsOptions {
    /// `nats://host:4222` or `tls://host:4222` (comma-separated for a cluster).
    pub url: String,
    /// Client name shown by the server (`blotter-feed`, `blotter-edge`).
    pub name: String,
}

/// Environment variable: a token.
pub const ENV_TOKEN: &str = "NATS_TOKEN";
/// Environment variables: user and password.
pub const ENV_USER: &str = "NATS_USER";
/// See [`ENV_USER`].
pub const ENV_PASSWORD: &str = "NATS_PASSWORD";
/// Environment variable: a file (mode 0600 or stricter) whose first line is `user:password`
/// or a token.
pub const ENV_AUTH_FILE: &str = "NATS_AUTH_FILE";
/// Environment variable: a PEM file of CA certificates for `tls://` (else the system roots).
pub const ENV_CA_FILE: &str = "NATS_CA_FILE";

/// Credentials as found in the environment (or the file it names).
#[derive(Clone, PartialEq, Eq)]
enum Credentials {
    None,
    Token(String),
    UserPassword(String, String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credentials::None => "None",
            Credentials::Token(_) => "Token([redacted])",
            Credentials::UserPassword(..) => "UserPassword([redacted])",
        })
    }
}

/// One line of an auth file: `user:password`, else a token.
fn parse_auth_line(text: &str) -> Credentials {
    let line = text.lines().next().unwrap_or_default().trim();
    match line.split_once(':') {
        _ if line.is_empty() => Credentials::None,
        Some((u, p)) => Credentials::UserPassword(u.to_owned(), p.to_owned()),
        None => Credentials::Token(line.to_owned()),
    }
}

fn credentials(env: impl Fn(&str) -> Option<String>) -> Result<Credentials, NatsError> {
    if let Some(path) = env(ENV_AUTH_FILE) {
        let path = PathBuf::from(path);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(&path)
                .map_err(|e| NatsError::Credentials(format!("{}: {e}", path.display())))?;
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(NatsError::Credentials(format!(
                    "{} is readable by others; chmod 600 it",
                    path.display()
                )));
            }
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| NatsError::Credentials(format!("{}: {e}", path.display())))?;
        return Ok(parse_auth_line(&text));
    }
    if let Some(token) = env(ENV_TOKEN).filter(|t| !t.is_empty()) {
        return Ok(Credentials::Token(token));
    }
    match (env(ENV_USER), env(ENV_PASSWORD)) {
        (Some(u), Some(p)) => Ok(Credentials::UserPassword(u, p)),
        _ => Ok(Credentials::None),
    }
}

/// Connects (retrying in the background if the server is down at first: the link state is
/// shown, never a hang).
///
/// # Errors
/// Unreadable credentials, or a URL the client rejects.
pub async fn connect(opts: &NatsOptions) -> Result<async_nats::Client, NatsError> {
    let creds = credentials(|k| std::env::var(k).ok())?;
    let mut o = async_nats::ConnectOptions::new()
        .name(&opts.name)
        .retry_on_initial_connect()
        .max_reconnects(None)
        .connection_timeout(Duration::from_secs(5))
        .reconnect_delay_callback(|attempts| {
            Duration::from_millis(250u64.saturating_mul(attempts.min(8) as u64))
        });
    o = match creds {
        Credentials::None => o,
        Credentials::Token(t) => o.token(t),
        Credentials::UserPassword(u, p) => o.user_and_password(u, p),
    };
    if let Ok(ca) = std::env::var(ENV_CA_FILE) {
        o = o.add_root_certificates(PathBuf::from(ca));
    }
    if opts.url.starts_with("tls://") {
        o = o.require_tls(true);
    }
    o.connect(opts.url.as_str())
        .await
        .map_err(|e| NatsError::Connect {
            url: opts.url.clone(),
            message: e.to_string(),
        })
}

/// JSON of a wire value.
fn to_json<T: Serialize>(v: &T) -> Result<Vec<u8>, NatsError> {
    serde_json::to_vec(v).map_err(|e| NatsError::Decode(e.to_string()))
}

/// A wire value from JSON.
fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, NatsError> {
    serde_json::from_slice(bytes).map_err(|e| NatsError::Decode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_the_environment_and_never_print() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(credentials(env(&[])).ok(), Some(Credentials::None));
        let t = credentials(env(&[(ENV_TOKEN, "s3cret")])).ok();
        assert_eq!(t, Some(Credentials::Token("s3cret".into())));
        assert!(!format!("{t:?}").contains("s3cret"));
        let up = credentials(env(&[(ENV_USER, "edge"), (ENV_PASSWORD, "pw")])).ok();
        assert_eq!(
            up,
            Some(Credentials::UserPassword("edge".into(), "pw".into()))
        );
        assert_eq!(
            parse_auth_line("edge:pa:ss\nignored"),
            Credentials::UserPassword("edge".into(), "pa:ss".into())
        );
        assert_eq!(parse_auth_line("tok\n"), Credentials::Token("tok".into()));
    }

    #[test]
    fn an_auth_file_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("auth");
        std::fs::write(&path, "edge:pw\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
        let p = path.display().to_string();
        let env = move |k: &str| (k == ENV_AUTH_FILE).then(|| p.clone());
        assert!(
            matches!(credentials(&env), Err(NatsError::Credentials(m)) if m.contains("chmod 600"))
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            credentials(&env).ok(),
            Some(Credentials::UserPassword("edge".into(), "pw".into()))
        );
    }
}
