//! What an edge asks of the feed process, as NATS requests on the venue's request subject:
//! actions (with who asked; refused here while the link is lost or stale), refreshes, and
//! the fetches of a venue known only by its description ([`RemoteVenue`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tokio_util::sync::CancellationToken;

use super::edge::{Link, LinkState};
use super::{Reply, Request, VenueMeta, Who, from_json, request_subject, to_json};
use crate::actions::{Actor, Outcome};
use crate::audit::AuditLog;
use crate::domain::{Fill, MultiOrder, Order, OrderId, OrderMessage, Page, Placement};
use crate::serve::hub::Upstream;
use crate::venue::{Action, ActionReply, Capabilities, Venue, VenueError, VenueResult};

/// Longest wait for the feed process to answer an action (it waits for the venue).
const ACTION_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest wait for a fetch.
const FETCH_TIMEOUT: Duration = Duration::from_secs(15);

/// Sends `req` and reads the reply.
async fn request(
    client: &async_nats::Client,
    subject: String,
    req: &Request,
    timeout: Duration,
) -> Result<Reply, VenueError> {
    let body = to_json(req).map_err(|e| VenueError::Network(e.to_string()))?;
    let sent = client.request(subject, body.into());
    let msg = match tokio::time::timeout(timeout, sent).await {
        Err(_) => {
            return Err(VenueError::OutcomeUnknown(
                "the feed process did not answer in time".into(),
            ));
        }
        Ok(Err(e)) => {
            return Err(match e.kind() {
                async_nats::RequestErrorKind::NoResponders => {
                    VenueError::Network("no feed process is answering on NATS; not sent".into())
                }
                async_nats::RequestErrorKind::TimedOut => {
                    VenueError::OutcomeUnknown("the feed process did not answer in time".into())
                }
                _ => VenueError::Network(format!("NATS: {e}")),
            });
        }
        Ok(Ok(m)) => m,
    };
    match from_json::<Reply>(&msg.payload) {
        Ok(Reply::Bad(e)) => Err(VenueError::Decode {
            path: "$".into(),
            message: format!("the feed process could not read the request: {e}"),
        }),
        Ok(r) => Ok(r),
        Err(e) => Err(VenueError::Decode {
            path: "$".into(),
            message: e.to_string(),
        }),
    }
}

/// Refreshes and actions of one venue, as requests to the feed process.
pub(super) struct NatsUpstream {
    link: Arc<Link>,
    subject: String,
    cancel: CancellationToken,
}

impl NatsUpstream {
    /// For the venue with bucket key `key`; stopping it stops the edge (`cancel`).
    pub(super) fn new(link: Arc<Link>, key: &str, cancel: CancellationToken) -> Self {
        Self {
            link,
            subject: request_subject(key),
            cancel,
        }
    }
}

impl Upstream for NatsUpstream {
    fn refresh(&self) {
        let (client, subject) = (self.link.client.clone(), self.subject.clone());
        if let Ok(body) = to_json(&Request::Refresh) {
            tokio::spawn(async move {
                let _ = client.publish(subject, body.into()).await;
            });
        }
    }

    fn act<'a>(
        &'a self,
        venue: &'a Arc<dyn Venue>,
        action: &'a Action,
        who: &'a Actor,
        _audit: Option<&'a Arc<AuditLog>>,
    ) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let started = Instant::now();
            let link = self.link.state();
            let refused = |why: String| Outcome {
                result: Err(VenueError::Network(why)),
                sent: false,
                latency: started.elapsed(),
                audit_error: None,
            };
            if link != LinkState::Live {
                tracing::warn!(user = %who.user, action = action.verb(), link = %link.text(), "action refused at the edge");
                return refused(format!("{}: {} not sent", link.text(), action.verb()));
            }
            let req = Request::Act {
                who: Who {
                    user: who.user.clone(),
                    source: who.source.clone(),
                    role: who.role,
                },
                action: action.clone(),
            };
            let _ = venue;
            match request(
                &self.link.client,
                self.subject.clone(),
                &req,
                ACTION_TIMEOUT,
            )
            .await
            {
                Ok(Reply::Acted {
                    result,
                    sent,
                    audit_error,
                }) => Outcome {
                    result,
                    sent,
                    latency: started.elapsed(),
                    audit_error,
                },
                Ok(other) => refused(format!("unexpected reply from the feed process: {other:?}")),
                Err(e) => Outcome {
                    sent: matches!(e, VenueError::OutcomeUnknown(_)),
                    result: Err(e),
                    latency: started.elapsed(),
                    audit_error: None,
                },
            }
        })
    }

    fn stop(&self) {
        self.cancel.cancel();
    }
}

/// A venue known only from the feed process's description: name, capabilities and request
/// descriptions for the screen; on-demand fetches as requests. It never polls (the hub is
/// fed from the stream) and never acts (actions go through [`Hub::act`]).
pub(super) struct RemoteVenue {
    meta: VenueMeta,
    client: async_nats::Client,
}

impl RemoteVenue {
    pub(super) fn new(meta: VenueMeta, client: async_nats::Client) -> Self {
        Self { meta, client }
    }

    /// Asks the feed process for `req` on this venue's request subject (a fetch).
    async fn fetch(&self, req: &Request) -> VenueResult<Reply> {
        request(
            &self.client,
            request_subject(&self.meta.key),
            req,
            FETCH_TIMEOUT,
        )
        .await
    }

    fn not_here<T>(&self, what: &str) -> VenueResult<T> {
        Err(VenueError::Unsupported {
            venue: self.meta.name.clone(),
            what: format!("{what} (this edge is fed over NATS)"),
        })
    }
}

impl Venue for RemoteVenue {
    fn name(&self) -> &str {
        &self.meta.name
    }

    fn capabilities(&self) -> Capabilities {
        self.meta.capabilities
    }

    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(async { self.not_here("polling") })
    }

    fn multi_orders(&self, _page_number: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>> {
        Box::pin(async { self.not_here("polling") })
    }

    fn multi_order(&self, id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>> {
        let req = Request::FetchMulti(id.clone());
        Box::pin(async move {
            match self.fetch(&req).await? {
                Reply::Multi(r) => *r,
                _ => self.not_here("this reply"),
            }
        })
    }

    fn placements(&self, _order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        Box::pin(async { self.not_here("polling") })
    }

    fn order_errors(&self, _ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>> {
        Box::pin(async { self.not_here("polling") })
    }

    fn describe_request(&self, action: &Action) -> Option<String> {
        match action {
            Action::PauseAll { .. } => self.meta.pause_all.clone(),
            Action::CancelAll { account_names, .. } if account_names.is_empty() => {
                self.meta.cancel_all.clone()
            }
            _ => None,
        }
    }

    fn act(&self, _action: &Action) -> BoxFuture<'_, VenueResult<ActionReply>> {
        Box::pin(async { self.not_here("acting directly") })
    }

    fn fills(&self, order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Fill>>> {
        let req = Request::FetchFills(order_id.clone());
        Box::pin(async move {
            match self.fetch(&req).await? {
                Reply::Fills(r) => r,
                _ => self.not_here("this reply"),
            }
        })
    }
}
