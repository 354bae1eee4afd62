//! A blotter attached to shared feeds: events from each [`Hub`] into one bounded channel, and
//! the command path back — refreshes to the shared feed (rate-limited), actions through
//! [`Hub::act`] (the one action pipeline, here or at the feed process), on-demand fetches for
//! this blotter alone. Used by every SSH session and by `blotter --nats` (a trader's own
//! terminal fed over NATS).

use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::mpsc;

use super::hub::{self, Hub};
use super::{ServeStats, spawn_counted};
use crate::actions::Actor;
use crate::app::FeedEvent;
use crate::audit::AuditLog;
use crate::feed::{self, FeedCommand, FeedHandle};
use crate::venue::Action;

/// Feed events queued per blotter (the forwarder re-syncs one that falls far behind).
const EVENT_QUEUE: usize = 64;

/// Attaches one blotter (an SSH session, or a local terminal) to `hubs` for `who`: returns
/// the handle its loop sends commands to and the receiver its events arrive on. Every task is
/// counted in `stats` and ends when the loop drops both. `audit_file`: this process's audit
/// log (`None` on an edge, where the feed process audits).
pub async fn attach(
    hubs: &[Arc<Hub>],
    who: Actor,
    audit_file: Option<PathBuf>,
    stats: &Arc<ServeStats>,
) -> (FeedHandle, mpsc::Receiver<FeedEvent>) {
    let (events_tx, events_rx) = mpsc::channel(EVENT_QUEUE);
    for hub in hubs {
        spawn_counted(stats, hub::forward(hub.clone(), events_tx.clone()));
    }
    let audit = open_audit(audit_file, &who.user, &events_tx).await;
    let asker = Arc::new(Asker { who, audit });
    let ids: Vec<_> = hubs.iter().map(|h| h.id().clone()).collect();
    let (feed, receivers) = FeedHandle::channels(&ids);
    for (hub, commands) in hubs.iter().zip(receivers) {
        spawn_counted(
            stats,
            run_commands(
                asker.clone(),
                hub.clone(),
                commands,
                events_tx.clone(),
                stats.clone(),
            ),
        );
    }
    (feed, events_rx)
}

/// Who acts from this blotter, and its audit log.
struct Asker {
    who: Actor,
    audit: Option<Arc<AuditLog>>,
}

/// Opens the audit log for `user`; when it cannot be opened, the blotter is told at once.
async fn open_audit(
    path: Option<PathBuf>,
    user: &str,
    events: &mpsc::Sender<FeedEvent>,
) -> Option<Arc<AuditLog>> {
    let path = path?;
    let user = user.to_owned();
    match tokio::task::spawn_blocking(move || AuditLog::open(&path, user)).await {
        Ok(Ok(log)) => Some(Arc::new(log)),
        Ok(Err(e)) => {
            let _ = events
                .send(FeedEvent::Notice {
                    text: format!("AUDIT LOG UNAVAILABLE: {e}"),
                    at: Timestamp::now(),
                })
                .await;
            None
        }
        Err(_) => None,
    }
}

/// One venue's commands from the blotter. Refreshes go to the shared feed (rate-limited);
/// actions go through [`Hub::act`]; a multi-order's children or an order's fills (asked for
/// when the user opens them) are fetched for this blotter alone and answered to it alone.
async fn run_commands(
    asker: Arc<Asker>,
    hub: Arc<Hub>,
    mut commands: mpsc::UnboundedReceiver<FeedCommand>,
    events: mpsc::Sender<FeedEvent>,
    stats: Arc<ServeStats>,
) {
    while let Some(cmd) = commands.recv().await {
        match cmd {
            FeedCommand::Refresh => {
                hub.refresh();
            }
            FeedCommand::Act(action) => {
                spawn_counted(
                    &stats,
                    act(asker.clone(), hub.clone(), action, events.clone()),
                );
            }
            cmd @ (FeedCommand::FetchMulti(_)
            | FeedCommand::FetchFills(_)
            | FeedCommand::HistoryWindow(_)) => {
                let (hub, events) = (hub.clone(), events.clone());
                spawn_counted(&stats, async move {
                    if let Some(ev) =
                        feed::fetch_on_demand(hub.venue().as_ref(), hub.id(), cmd).await
                    {
                        let _ = events.send(ev).await;
                    }
                });
            }
        }
    }
}

/// Carries out (or refuses) one action through [`Hub::act`] (capability and role checked,
/// sent once, audited with the user), reports it to this blotter only, and refreshes the
/// shared feed after anything that reached the venue.
async fn act(asker: Arc<Asker>, hub: Arc<Hub>, action: Action, events: mpsc::Sender<FeedEvent>) {
    let outcome = hub.act(&action, &asker.who, asker.audit.as_ref()).await;
    let _ = events
        .send(FeedEvent::ActionDone {
            action,
            result: outcome.result,
            at: Timestamp::now(),
        })
        .await;
    if let Some(text) = outcome.audit_error {
        let _ = events
            .send(FeedEvent::Notice {
                text,
                at: Timestamp::now(),
            })
            .await;
    }
    if outcome.sent {
        hub.refresh_after_action();
    }
}
