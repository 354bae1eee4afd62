//! [`AnbotoClient`] behind the [`Venue`] trait: what the blotter asks of every venue, mapped
//! onto Anboto's endpoints (and refused where Anboto has no such thing).

use futures_util::future::BoxFuture;

use crate::domain::{MultiOrder, Order, OrderId, OrderMessage, Page, Placement};
use crate::venue::anboto::convert::{decode_error_message, decode_order_summary, order_messages};
use crate::venue::{Action, ActionReply, Capabilities, Venue, VenueError, VenueResult};

use super::{ANBOTO_CAPABILITIES, AnbotoClient, NAME, cancel_target};

impl AnbotoClient {
    /// [`Action::CancelMany`]: one `POST order/cancelMany`; the summaries folded into one reply.
    async fn act_cancel_many(&self, ids: &[OrderId]) -> VenueResult<ActionReply> {
        if ids.is_empty() {
            return Ok(ActionReply {
                status: 200,
                message: "Nothing to cancel".into(),
            });
        }
        let summaries = self.cancel_many(ids).await?;
        // Each refusal names its order where the summary does (`order_id`, else
        // `client_order_id`), so the banner can say which orders were not cancelled.
        let failures: Vec<String> = summaries
            .iter()
            .filter_map(|s| {
                let failure = s.failure()?;
                let who = s
                    .order_id
                    .as_ref()
                    .map(ToString::to_string)
                    .or_else(|| s.client_order_id.clone());
                Some(match who {
                    Some(id) => format!("{id}: {failure}"),
                    None => failure,
                })
            })
            .collect();
        if !failures.is_empty() {
            return Err(VenueError::Http {
                status: 200,
                message: format!(
                    "{} of {} cancels refused: {}",
                    failures.len(),
                    ids.len(),
                    failures.join("; ")
                ),
                retry_after_secs: None,
            });
        }
        Ok(ActionReply {
            status: 200,
            message: format!("Cancel requested for {} order(s)", ids.len()),
        })
    }
}

impl Venue for AnbotoClient {
    fn name(&self) -> &str {
        NAME
    }

    fn capabilities(&self) -> Capabilities {
        ANBOTO_CAPABILITIES
    }

    /// `POST /api/v2/trading/order/cancel` and `POST /api/v2/trading/order/cancelMany` (with
    /// the number of ids); `None` for actions Anboto does not have.
    fn describe_request(&self, action: &Action) -> Option<String> {
        match action {
            Action::Cancel(_) => Some("POST /api/v2/trading/order/cancel".into()),
            Action::CancelMany { order_ids, .. } => Some(format!(
                "POST /api/v2/trading/order/cancelMany ({} order id(s))",
                order_ids.len()
            )),
            _ => None,
        }
    }

    /// `GET /api/v2/trading/order/open`, without rows in a final state (`FILLED`,
    /// `CANCELLED`, `REJECTED`, `EXPIRED`) should the venue list one: those have left the
    /// active set.
    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(async move {
            let mut page = self.open_orders().await?;
            page.rows.retain(|o| !o.status.is_terminal());
            Ok(page)
        })
    }

    /// [`AnbotoClient::finished_since`]: `GET /api/v2/trading/order/find?startMs=…`, finished
    /// rows only.
    fn history(&self, since: jiff::Timestamp) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        Box::pin(self.finished_since(since))
    }

    /// Anboto has no multi-orders: an empty page, no request.
    fn multi_orders(&self, _page_number: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>> {
        Box::pin(async { Ok(Page::default()) })
    }

    /// Anboto has no multi-orders: [`VenueError::Unsupported`], no request.
    fn multi_order(&self, _id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>> {
        Box::pin(async {
            Err(VenueError::Unsupported {
                venue: NAME.into(),
                what: "multi-orders".into(),
            })
        })
    }

    /// The v2 trading API exposes no child orders or fills: an empty page, no request.
    fn placements(&self, _order_id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        Box::pin(async { Ok(Page::default()) })
    }

    /// Derived: `GET order/byId` for these ids, then [`order_messages`] (rejection codes
    /// and messages, rejected statuses). No ids → empty, no request.
    fn order_errors(&self, order_ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>> {
        let ids = order_ids.to_vec();
        Box::pin(async move {
            let page = self.orders_by_id(&ids).await?;
            Ok(order_messages(&page.rows))
        })
    }

    /// [`Action::CancelMany`] → `POST order/cancelMany`, once (see
    /// [`AnbotoClient::cancel_many`]); a summary reporting a rejection makes the whole reply a
    /// [`VenueError::Http`] naming the failures.
    /// [`Action::Cancel`] → `POST order/cancel`, once (no retry, also not after a clock
    /// correction). A 2xx summary reporting a rejection (`error_code`, `REJECTED`,
    /// `CANCEL_REJECTED`) is a [`VenueError::Http`] with `CODE: message`. Every other action is
    /// [`VenueError::Unsupported`] without a request.
    fn act(&self, action: &Action) -> BoxFuture<'_, VenueResult<ActionReply>> {
        let action = action.clone();
        Box::pin(async move {
            if let Action::CancelMany { order_ids, .. } = &action {
                return self.act_cancel_many(order_ids).await;
            }
            let Action::Cancel(id) = &action else {
                return Err(VenueError::Unsupported {
                    venue: NAME.into(),
                    what: action.verb().into(),
                });
            };
            let (status, body) = self
                .post("/api/v2/trading/order/cancel", &cancel_target(id))
                .await?;
            match decode_order_summary(&body) {
                Ok(s) => match s.failure() {
                    Some(failure) => Err(VenueError::Http {
                        status,
                        message: failure,
                        retry_after_secs: None,
                    }),
                    None => {
                        let text = s.text();
                        Ok(ActionReply {
                            status,
                            message: if text.is_empty() {
                                "Cancel requested".into()
                            } else {
                                text
                            },
                        })
                    }
                },
                Err(_) => Ok(ActionReply {
                    status,
                    message: decode_error_message(&body),
                }),
            }
        })
    }
}
