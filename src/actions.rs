//! The one action pipeline: capability check → role check → send once → time it → audit
//! (fsync, off the async threads) → report. The TUI's feed task, the scriptable CLI
//! (`blotter pause|resume|cancel`) and SSH sessions all act through [`execute`]; only here is
//! a venue's [`Venue::act`] called for a user's action.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::audit::AuditLog;
use crate::sanitize::clean;
use crate::serve::config::Role;
use crate::venue::{Action, ActionReply, Capabilities, Venue, VenueError};

/// Who asks for an action and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Local login name or SSH user (for the log; the audit file carries its own user).
    pub user: String,
    /// Where from, as written in the audit log's `source`: `tui`, `cli`, `ssh SHA256:…`,
    /// `ssh demo`.
    pub source: String,
    /// What the actor may do: the local TUI and CLI act as [`Role::Trader`]; an SSH user has
    /// the role of its `authorized_keys` entry.
    pub role: Role,
}

impl Actor {
    /// The local terminal user (`source` = `tui`), a trader.
    pub fn tui() -> Self {
        Self::local("tui")
    }

    /// The scriptable CLI (`source` = `cli`), a trader.
    pub fn cli() -> Self {
        Self::local("cli")
    }

    fn local(source: &str) -> Self {
        Self {
            user: crate::audit::local_user(),
            source: source.into(),
            role: Role::Trader,
        }
    }
}

/// What became of one action.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The venue's reply, or why it failed or was refused.
    pub result: Result<ActionReply, VenueError>,
    /// A request was handed to the venue (false: refused by capability or role first).
    pub sent: bool,
    /// From the start of [`execute`] to the reply (or refusal).
    pub latency: Duration,
    /// `AUDIT LOG WRITE FAILED: …` when the audit line could not be written and synced.
    pub audit_error: Option<String>,
}

/// Whether `caps` offer `action` (pure). Multi-order actions need both
/// [`Capabilities::multi_orders`] and the matching single-order capability (read-only mode
/// clears the latter and keeps the former).
pub fn supported(caps: &Capabilities, action: &Action) -> bool {
    match action {
        Action::Pause(_) => caps.pause,
        Action::Resume(_) => caps.resume,
        Action::Cancel(_) => caps.cancel,
        Action::Amend(..) => caps.amend,
        Action::PauseMulti(_) => caps.multi_orders && caps.pause,
        Action::ResumeMulti(_) => caps.multi_orders && caps.resume,
        Action::CancelMulti(_) => caps.multi_orders && caps.cancel,
        Action::PauseAll { .. } => caps.pause_all,
        Action::ResumeAll { .. } => caps.resume_all,
        Action::CancelMany { .. } => caps.cancel_many,
        Action::CancelAll { .. } => caps.cancel_all,
    }
}

/// Whether `role` may send `action` (pure). A viewer's action is refused here, before any
/// request exists, whatever the screen offered.
///
/// # Errors
/// [`VenueError::Unsupported`] naming the action and `read-only (viewer)`.
pub fn authorize(role: Role, action: &Action, venue: &str) -> Result<(), VenueError> {
    match role {
        Role::Trader => Ok(()),
        Role::Viewer => Err(VenueError::Unsupported {
            venue: venue.to_string(),
            what: format!("{} — read-only (viewer)", action.verb()),
        }),
    }
}

/// Carries out one action for `who`: refuses it when the venue's [`Capabilities`] (cleared by
/// `--read-only`) do not offer it or when `who` is a viewer — no request is built then —
/// else sends it exactly once (never retried) and times it; then writes the audit line
/// (`who.source`, venue, action, reply or refusal, latency) and fsyncs it on a blocking
/// thread, all before returning, so the caller reports only audited results.
pub async fn execute(
    venue: &dyn Venue,
    action: &Action,
    who: &Actor,
    audit: Option<&Arc<AuditLog>>,
) -> Outcome {
    let started = Instant::now();
    let order = clean(action.order_id().as_str()).into_owned();
    let refused = if supported(&venue.capabilities(), action) {
        authorize(who.role, action, venue.name()).err()
    } else {
        Some(VenueError::Unsupported {
            venue: venue.name().to_string(),
            what: action.verb().to_string(),
        })
    };
    let sent = refused.is_none();
    let result = match refused {
        Some(e) => Err(e),
        None => {
            tracing::info!(user = %who.user, source = %who.source, action = action.verb(), order = %order, "sending action");
            venue.act(action).await
        }
    };
    let latency = started.elapsed();
    match &result {
        Ok(r) => {
            tracing::info!(user = %who.user, source = %who.source, action = action.verb(), order = %order, status = r.status, reply = %clean(&r.message), "action done")
        }
        Err(e) => {
            tracing::warn!(user = %who.user, source = %who.source, action = action.verb(), order = %order, sent, error = %clean(&e.to_string()), "action failed or refused")
        }
    }
    let audit_error = match audit {
        None => None,
        Some(log) => {
            record(
                log.clone(),
                venue.name(),
                action,
                &result,
                latency,
                &who.source,
            )
            .await
        }
    };
    Outcome {
        result,
        sent,
        latency,
        audit_error,
    }
}

/// Writes one audit line (fsynced) on a blocking thread; the failure text if that failed.
async fn record(
    log: Arc<AuditLog>,
    venue: &str,
    action: &Action,
    result: &Result<ActionReply, VenueError>,
    latency: Duration,
    source: &str,
) -> Option<String> {
    let (venue, action, result, source) = (
        venue.to_string(),
        action.clone(),
        result.clone(),
        source.to_string(),
    );
    let written =
        tokio::task::spawn_blocking(move || log.record(&venue, &action, &result, latency, &source))
            .await;
    let error = match written {
        Ok(Ok(())) => return None,
        Ok(Err(e)) => e.to_string(),
        Err(e) => e.to_string(),
    };
    tracing::error!(error = %error, "audit log write failed");
    Some(format!("AUDIT LOG WRITE FAILED: {error}"))
}
