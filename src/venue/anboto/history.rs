//! The History read of Anboto: `GET /api/v2/trading/order/find` ("Returns the order details
//! for all matching orders"; parameters `startMs`, `endMs`, `limit`), kept to finished orders.
//!
//! The document gives the endpoint no page parameter: a full answer (as many rows as `limit`)
//! is followed by the next one back, `endMs` = the oldest `created_at` of the rows (read when a
//! row carries it; `OrderDetails` does not document it), up to [`HISTORY_MAX_REQUESTS`]
//! requests. Without row times a full answer is returned partial
//! ([`crate::venue::is_partial`]). Anboto sends no arrival price, VWAP, interval volume or
//! fees: its transaction-cost figures show `—`.

use std::collections::HashSet;

use jiff::Timestamp;

use super::AnbotoClient;
use crate::domain::{Order, Page};
use crate::venue::VenueResult;

/// `limit` of one History request (the document gives no maximum; the AlphaSec maximum, 500,
/// keeps answers of a similar size).
pub const HISTORY_LIMIT: u32 = 500;

/// At most this many requests make one History read.
pub const HISTORY_MAX_REQUESTS: u32 = 10;

impl AnbotoClient {
    /// The orders that finished since `since` (UTC): `GET /api/v2/trading/order/find` with
    /// `startMs` = `since` in ms and `limit` = [`HISTORY_LIMIT`] (then `endMs` paging back, see
    /// the module docs), rows seen twice dropped by order id, finished rows only (`FILLED`,
    /// `CANCELLED`, `REJECTED`, `EXPIRED`).
    ///
    /// # Errors
    /// As [`AnbotoClient::find_orders`]; a failure on any request fails the whole read.
    pub async fn finished_since(&self, since: Timestamp) -> VenueResult<Page<Order>> {
        let start = since.as_millisecond();
        let mut all: Page<Order> = Page::default();
        let mut seen = HashSet::new();
        let mut end: Option<i64> = None;
        for n in 1..=HISTORY_MAX_REQUESTS {
            let page = self
                .find_orders(Some(start), end, Some(HISTORY_LIMIT))
                .await?;
            let full = page.rows.len() + page.bad_rows.len() >= HISTORY_LIMIT as usize;
            let rows = page.rows.len();
            let oldest = page
                .rows
                .iter()
                .filter_map(|o| o.created_at)
                .min()
                .map(|t| t.as_millisecond());
            let timed = page.rows.iter().all(|o| o.created_at.is_some());
            all.bad_rows.extend(page.bad_rows);
            for o in page.rows {
                if seen.insert(o.id.clone()) {
                    all.rows.push(o);
                }
            }
            let next = match oldest {
                Some(o) if full && timed && rows > 0 && Some(o) != end && o > start => Some(o),
                _ => None,
            };
            match next {
                Some(o) if n < HISTORY_MAX_REQUESTS => end = Some(o),
                _ => {
                    if full {
                        // More rows than were read: say so.
                        all.page_number = Some(n);
                        all.num_pages = Some(n + 1);
                    }
                    break;
                }
            }
        }
        crate::venue::keep_finished(&mut all);
        Ok(all)
    }
}
