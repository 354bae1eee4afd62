//! Actions and on-demand fetches: each action goes through [`crate::actions::execute`] (sent
//! exactly once, timed, audited with fsync) in its own task before its result is shown, and is
//! followed by a refresh; fills and a
//! multi-order's children are fetched when the user opens them.

use jiff::Timestamp;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

use super::{Ctx, FeedCommand, log_bad_rows};
use crate::actions::Actor;
use crate::app::{FeedEvent, Tab};
use crate::domain::{OrderId, VenueId};
use crate::venue::Venue;

pub(super) async fn run(
    ctx: Ctx,
    mut commands: mpsc::UnboundedReceiver<FeedCommand>,
    refresh: Arc<watch::Sender<u64>>,
    focus: watch::Sender<Option<OrderId>>,
    window: watch::Sender<crate::history::Window>,
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
            // The history poller reads the new window at once and from then on.
            FeedCommand::HistoryWindow(w) => {
                window.send_replace(w);
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
                    let outcome = crate::actions::execute(
                        ctx.venue.as_ref(),
                        &action,
                        &Actor::tui(),
                        ctx.cfg.audit.as_ref(),
                    )
                    .await;
                    ctx.emit(FeedEvent::ActionDone {
                        action,
                        result: outcome.result,
                        at: Timestamp::now(),
                    })
                    .await;
                    if let Some(text) = outcome.audit_error {
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

/// Carries out a fetch the user asked for by opening something — `FetchFills` (the detail's
/// fills), `FetchMulti` (a multi-order's children) or `HistoryWindow` (the History tab in a
/// wider window) — and returns the event that answers it (`Fills`, `MultiOrderDetail`,
/// `History`, or `FetchFailed` on the tab). Used by the feed
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
        FeedCommand::HistoryWindow(w) => {
            let since = w.start(Timestamp::now());
            match venue.history(since).await {
                Ok(page) => {
                    log_bad_rows("history", &page);
                    FeedEvent::History {
                        venue: venue_id.clone(),
                        page,
                        since,
                        acted: Vec::new(),
                        at: Timestamp::now(),
                    }
                }
                Err(error) => FeedEvent::FetchFailed {
                    venue: venue_id.clone(),
                    tab: Tab::History,
                    error,
                    at: Timestamp::now(),
                },
            }
        }
        FeedCommand::Refresh | FeedCommand::Act(_) => return None,
    })
}
