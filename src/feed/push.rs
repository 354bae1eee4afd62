//! The venue's push channel, followed in its own task: updates applied live, a refetch after
//! every connect, liveness by WebSocket Ping/Pong, and a refused upgrade taken to mean "no push
//! channel here" (polling at the normal rate, asked again after minutes).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use jiff::Timestamp;
use tokio::sync::watch;

use super::{Ctx, backoff};
use crate::app::{FeedEvent, PushStatus};
use crate::venue::{PushEvent, VenueError};

/// A link that stayed up this long resets the reconnect backoff; shorter ones keep growing
/// it, so a channel that opens and drops again at once cannot reconnect (and refetch
/// everything) every few seconds.
const STABLE_LINK: Duration = Duration::from_secs(60);

/// Follows the venue's push channel: applies updates live, and after every connect refetches
/// everything once to repair any gap. Never makes things worse than polling:
/// - a venue with no channel (or `push = "off"`): [`PushStatus::Unavailable`], polling only;
/// - an upgrade answered with an HTTP status ([`VenueError::Http`] from `push()`): no push
///   channel there, [`PushStatus::NoChannel`], polling at the normal rate, next attempt after
///   the error's `retry_after_secs` (the venue's `push_retry_secs`, default 300 s) ±10%;
/// - polling slows ([`LIVE_POLL_SLOWDOWN`]) only once the link has delivered an update, so a
///   channel that connects but carries nothing costs no freshness;
/// - a link that drops or goes silent: polling returns to full speed at once (plus one
///   refetch of everything for the gap), reconnect with backoff and jitter.
pub(super) async fn run(
    ctx: Ctx,
    live: watch::Sender<bool>,
    refresh: Arc<watch::Sender<u64>>,
    details: watch::Sender<u64>,
) {
    let mut failures = 0u32;
    loop {
        let connected = tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            r = ctx.venue.push() => r,
        };
        let (error, refused) = match connected {
            Ok(None) => {
                ctx.emit(ctx.push_status(PushStatus::Unavailable)).await;
                return;
            }
            Err(e) => {
                let refused = matches!(e, VenueError::Http { .. });
                (e, refused)
            }
            Ok(Some(stream)) => {
                let since = tokio::time::Instant::now();
                tracing::info!("push channel live");
                let end = follow_push(&ctx, stream, &live, &refresh, &details).await;
                live.send_replace(false);
                // Polling is back to its normal rate from now on; fetch everything at once for
                // whatever the dead link missed.
                refresh.send_modify(|n| *n += 1);
                let Some(end) = end else { return };
                if since.elapsed() >= STABLE_LINK {
                    failures = 0;
                }
                (end, false)
            }
        };
        let (delay, status) = if refused {
            let delay = refused_retry(&error, fastrand::f64());
            tracing::warn!(error = %crate::sanitize::clean(&error.to_string()), retry_in_s = delay.as_secs(), "no push channel; polling only until the next attempt");
            let retry_at = after(delay);
            (
                delay,
                PushStatus::NoChannel {
                    error: error.to_string(),
                    retry_at,
                },
            )
        } else {
            failures = failures.saturating_add(1);
            let delay = backoff(&ctx.cfg, failures, Some(&error), fastrand::f64());
            tracing::warn!(error = %crate::sanitize::clean(&error.to_string()), retry_in_ms = delay.as_millis() as u64, "push channel down");
            let retry_at = after(delay);
            let status = if error.is_auth() {
                PushStatus::AuthFailed {
                    error: error.to_string(),
                    retry_at,
                }
            } else {
                PushStatus::Reconnecting {
                    error: error.to_string(),
                    retry_at,
                }
            };
            (delay, status)
        };
        if !ctx.emit(ctx.push_status(status)).await {
            return;
        }
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

/// Applies one live link's events until it ends: `Some(why)` when the link went down, `None`
/// when the feed is stopping (cancelled, or the UI has gone).
async fn follow_push(
    ctx: &Ctx,
    mut stream: crate::venue::PushStream,
    live: &watch::Sender<bool>,
    refresh: &watch::Sender<u64>,
    details: &watch::Sender<u64>,
) -> Option<VenueError> {
    if !ctx.emit(ctx.push_status(PushStatus::Live)).await {
        return None;
    }
    refresh.send_modify(|n| *n += 1);
    loop {
        let item = tokio::select! {
            _ = ctx.cancel.cancelled() => return None,
            item = stream.next() => item,
        };
        match item {
            Some(Ok(event)) => {
                // The channel has shown it delivers: from now on polling may slow down. A link
                // that connects but never carries an update leaves polling at full speed.
                live.send_if_modified(|l| !std::mem::replace(l, true));
                if event.touches_details() {
                    details.send_modify(|n| *n += 1);
                }
                if !matches!(event, PushEvent::OrderUpdate { order: Some(_), .. }) {
                    // No usable order in the message: refetch to see the change.
                    refresh.send_modify(|n| *n += 1);
                }
                let ev = FeedEvent::PushUpdate {
                    venue: ctx.cfg.venue_id.clone(),
                    event,
                    at: Timestamp::now(),
                };
                if !ctx.emit(ev).await {
                    return None;
                }
            }
            Some(Err(e)) => return Some(e),
            None => return Some(VenueError::Network("push channel ended".into())),
        }
    }
}

/// Wait after a refused upgrade: the error's `retry_after_secs` (the venue's
/// `push_retry_secs`; 300 s when it gives none), ±10% by `jitter` (0–1), so many blotters
/// don't all knock at once.
pub fn refused_retry(error: &VenueError, jitter: f64) -> Duration {
    let base = match error {
        VenueError::Http {
            retry_after_secs: Some(s),
            ..
        } => Duration::from_secs((*s).max(1)),
        _ => crate::venue::treadfi::ws::RETRY_REFUSED,
    };
    base.mul_f64(0.9 + 0.2 * jitter.clamp(0.0, 1.0))
}

/// Now + `delay` as a timestamp (now when it doesn't fit).
fn after(delay: Duration) -> Timestamp {
    Timestamp::now()
        .checked_add(jiff::SignedDuration::try_from(delay).unwrap_or_default())
        .unwrap_or_else(|_| Timestamp::now())
}
