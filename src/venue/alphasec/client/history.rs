//! The History read of AlphaSec: completed orders (`GET /api/v1/order`), one window per 89
//! days, each paged back by `to`, capped per read.

use super::{AlphaSecClient, DAY_MS, MAX_LIMIT, MAX_RANGE_DAYS, Window, read_windows, windows};
use crate::domain::{Order, Page};
use crate::venue::VenueResult;
use crate::venue::alphasec::convert::decode_orders_page;

impl AlphaSecClient {
    /// `GET /api/v1/order?address=…&from=&to=&limit=`: completed orders (filled, canceled,
    /// rejected). `from_ms`/`to_ms` are ms since the Unix epoch (UTC; at most 90 days apart;
    /// without both the venue covers the last 30 days); `limit` 1–500 (default: the client's).
    ///
    /// # Errors
    /// As [`AlphaSecClient::open_orders`].
    pub async fn history(
        &self,
        from_ms: Option<i64>,
        to_ms: Option<i64>,
        limit: Option<u32>,
    ) -> VenueResult<Page<Order>> {
        let body = self
            .get("/api/v1/order", &self.range(from_ms, to_ms, limit))
            .await?;
        decode_orders_page(&body, &self.tokens)
    }

    /// The orders that finished since `since_ms` (ms since the Unix epoch, UTC), for the
    /// History tab: `GET /api/v1/order?address=…&from=<since>&limit=500` (no `to`: the venue's
    /// "current time"; older than [`MAX_RANGE_DAYS`] days: one window per 89 days, as the
    /// trades read), each window paged back by `to` = the oldest `createdAt` of a full page
    /// (rows seen twice at the edge dropped by order id), newest first. At most
    /// [`MAX_REQUESTS_PER_READ`] requests: beyond that the page is partial. Finished rows only.
    ///
    /// # Errors
    /// As [`AlphaSecClient::open_orders`].
    pub async fn finished_since(&self, since_ms: i64) -> VenueResult<Page<Order>> {
        let now = jiff::Timestamp::now().as_millisecond();
        let since_ms = since_ms.min(now);
        let windows = if since_ms >= now - MAX_RANGE_DAYS * DAY_MS {
            vec![Window {
                from: Some(since_ms),
                to: None,
            }]
        } else {
            windows(now, Some(since_ms))
        };
        let mut all = read_windows(
            windows,
            |from, to| self.history(from, to, Some(MAX_LIMIT)),
            |o: &Order| o.id.clone(),
            |o| o.created_at,
        )
        .await?;
        crate::venue::keep_finished(&mut all);
        Ok(all)
    }
}
