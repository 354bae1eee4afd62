//! Actions and on-demand fetches: each action is sent exactly once in its own task, timed,
//! audited (fsync) before its result is shown, and followed by a refresh; fills and a
//! multi-order's children are fetched when the user opens them.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::{mpsc, watch};

use super::{Ctx, FeedCommand, log_bad_rows};
use crate::app::{FeedEvent, Tab};
use crate::domain::{OrderId, VenueId};
use crate::venue::{Action, Venue, VenueError};

pub(super) async fn run(
    ctx: Ctx,
    mut commands: mpsc::UnboundedReceiver<FeedCommand>,
    refresh: Arc<watch::Sender<u64>>,
    focus: watch::Sender<Option<OrderId>>,
) {
    loop {
        let cmd = tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            c = commands.recv() => match c { Some(c) => c, None => return },
        };
        match cmd {
            FeedCommand::Refresh => {
                refresh.send_modify(|n| *n += 1);
            }
            FeedCommand::FetchFills(_) | FeedCommand::FetchMulti(_) => {
                // The order whose detail was opened is the one on screen: its placements are
                // read every cycle from now on.
                if let FeedCommand::FetchFills(id) = &cmd {
                    focus.send_replace(Some(id.clone()));
                }
                let ctx = ctx.clone();
                tokio::spawn(async move {
                    if let Some(ev) =
                        fetch_on_demand(ctx.venue.as_ref(), &ctx.cfg.venue_id, cmd).await
                    {
                        ctx.emit(ev).await;
                    }
                });
            }
            FeedCommand::Act(action) => {
                let ctx = ctx.clone();
                let refresh = refresh.clone();
                tokio::spawn(async move {
                    tracing::info!(action = action.verb(), order = %crate::sanitize::clean(action.order_id().as_str()), "sending action");
                    let started = std::time::Instant::now();
                    let result = ctx.venue.act(&action).await;
                    let audit_error = audit(&ctx, &action, &result, started.elapsed()).await;
                    match &result {
                        Ok(r) => {
                            tracing::info!(action = action.verb(), order = %crate::sanitize::clean(action.order_id().as_str()), status = r.status, reply = %crate::sanitize::clean(&r.message), "action done")
                        }
                        Err(e) => {
                            tracing::warn!(action = action.verb(), order = %crate::sanitize::clean(action.order_id().as_str()), error = %crate::sanitize::clean(&e.to_string()), "action failed")
                        }
                    }
                    ctx.emit(FeedEvent::ActionDone {
                        action,
                        result,
                        at: Timestamp::now(),
                    })
                    .await;
                    if let Some(text) = audit_error {
                        ctx.emit(FeedEvent::Notice {
                            text,
                            at: Timestamp::now(),
                        })
                        .await;
                    }
                    refresh.send_modify(|n| *n += 1);
                });
            }
        }
    }
}

/// Writes the audit line (fsynced, off the async threads); returns a message if that failed.
async fn audit(
    ctx: &Ctx,
    action: &Action,
    result: &Result<crate::venue::ActionReply, VenueError>,
    latency: Duration,
) -> Option<String> {
    let log = ctx.cfg.audit.clone()?;
    let (venue, action, result) = (ctx.venue.name().to_string(), action.clone(), result.clone());
    let written =
        tokio::task::spawn_blocking(move || log.record(&venue, &action, &result, latency, "tui"))
            .await;
    match written {
        Ok(Ok(())) => None,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "audit log write failed");
            Some(format!("AUDIT LOG WRITE FAILED: {e}"))
        }
        Err(e) => Some(format!("AUDIT LOG WRITE FAILED: {e}")),
    }
}

/// Carries out a fetch the user asked for by opening something — `FetchFills` (the detail's
/// fills) or `FetchMulti` (a multi-order's children) — and returns the event that answers it
/// (`Fills`, `MultiOrderDetail`, or `FetchFailed` on the multi-order tab). Used by the feed
/// task and by an SSH session's own command path. `None` for any other command.
pub async fn fetch_on_demand(
    venue: &dyn Venue,
    venue_id: &VenueId,
    cmd: FeedCommand,
) -> Option<FeedEvent> {
    Some(match cmd {
        FeedCommand::FetchFills(order_id) => {
            let result = venue.fills(&order_id).await;
            if let Ok(page) = &result {
                log_bad_rows("fills", page);
            }
            FeedEvent::Fills {
                venue: venue_id.clone(),
                order_id,
                result,
                at: Timestamp::now(),
            }
        }
        FeedCommand::FetchMulti(id) => match venue.multi_order(&id).await {
            Ok(multi) => FeedEvent::MultiOrderDetail {
                venue: venue_id.clone(),
                multi: Box::new(multi),
                at: Timestamp::now(),
            },
            Err(error) => {
                tracing::warn!(tab = Tab::Multi.title(), error = %crate::sanitize::clean(&error.to_string()), "fetch failed");
                FeedEvent::FetchFailed {
                    venue: venue_id.clone(),
                    tab: Tab::Multi,
                    error,
                    at: Timestamp::now(),
                }
            }
        },
        FeedCommand::Refresh | FeedCommand::Act(_) => return None,
    })
}
