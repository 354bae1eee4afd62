//! The History read of Tread.fi: the orders that finished since a time
//! (`GET /api/orders/?statuses=…&after=…`, every page up to a cap), with each finished order's
//! figures (arrival price, interval VWAP and volume) read once from its detail
//! (`GET /api/order/{id}`) and remembered.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;

use super::{PAGE_SIZE, TreadfiClient, encode, iso, merge_page};
use crate::domain::{ExecutionStats, Order, OrderId, Page};
use crate::venue::VenueResult;
use crate::venue::treadfi::convert::decode_orders_page;

/// [`TreadfiClient::finished_stats`]: order id → what its detail said.
pub(super) type FinishedStats = Arc<Mutex<HashMap<OrderId, Known>>>;

/// What the detail reads of one finished order gave.
#[derive(Debug, Clone)]
pub(super) enum Known {
    /// Its figures (read once, kept).
    Figures(FinishedFigures),
    /// No figures after this many reads; read again until [`HISTORY_DETAIL_TRIES`] (the venue
    /// may fill them in a little after completion; a canceled order may never have any).
    Missing(u8),
}

/// Detail reads of a finished order that came without figures before it is left at `—`.
pub const HISTORY_DETAIL_TRIES: u8 = 3;

/// The figures of a finished order that `GET /api/orders/` leaves out ("basic info, no stats")
/// and `GET /api/order/{id}` fills in on completion.
#[derive(Debug, Clone)]
pub(super) struct FinishedFigures {
    arrival_price: Option<Decimal>,
    stats: Option<Box<ExecutionStats>>,
}

/// `statuses` of the History read: every finished-order word the Tread documents and the
/// official client use (`COMPLETE`/`COMPLETED`, `CANCELED`/`CANCELLED`, `FAILED`), comma-joined
/// as the document's example (`ACTIVE,COMPLETED,CANCELED`).
pub const HISTORY_STATUSES: &str = "COMPLETE,COMPLETED,CANCELED,CANCELLED,FAILED";

/// At most this many pages of `GET /api/orders/` make one History read (2,000 orders at
/// [`PAGE_SIZE`]); a longer history is returned partial ([`crate::venue::is_partial`]).
pub const HISTORY_MAX_PAGES: u32 = 20;

/// At most this many `GET /api/order/{id}` detail reads (for the arrival price, VWAP and
/// interval volume of newly finished orders) per History read; the rest are read next time.
pub const HISTORY_DETAILS_PER_READ: usize = 20;

impl TreadfiClient {
    /// `GET /api/orders/?statuses=`[`HISTORY_STATUSES`]`&after=ISO&page=N&page_size=100` for
    /// N = 1 … `num_pages` (at most [`HISTORY_MAX_PAGES`]): the orders that finished since
    /// `since`, finished rows only. Partial when the cap stopped the read.
    ///
    /// # Errors
    /// As [`TreadfiClient::orders`]; a failure on any page fails the whole read.
    pub async fn finished_orders(&self, since: jiff::Timestamp) -> VenueResult<Page<Order>> {
        let after = encode(&iso(since));
        let url = |n: u32| {
            format!(
                "/api/orders/?statuses={HISTORY_STATUSES}&after={after}&page={n}&page_size={PAGE_SIZE}"
            )
        };
        let first = self.get(&url(1)).await?;
        let mut all = decode_orders_page(&first)?;
        all.page_number = Some(1);
        let pages = all.num_pages.unwrap_or(1).min(HISTORY_MAX_PAGES);
        for n in 2..=pages {
            let body = self.get(&url(n)).await?;
            merge_page(&mut all, decode_orders_page(&body)?, n);
        }
        crate::venue::keep_finished(&mut all);
        Ok(all)
    }

    /// Fills in the arrival price and `stats` of finished orders (that executed something) that
    /// came without them from
    /// `GET /api/order/{id}` (documented fields `arrival_price`, `vwap`, `interval_volume`,
    /// `departure_price`, "populated on completion"): an order's figures are read once and
    /// remembered; one without figures is read again on later calls, at most
    /// [`HISTORY_DETAIL_TRIES`] times. At most [`HISTORY_DETAILS_PER_READ`] reads per call,
    /// newest orders first. A failed read is tried again next time and never fails the list.
    pub(super) async fn add_finished_figures(&self, rows: &mut [Order]) {
        let mut due: Vec<usize> = Vec::new();
        if let Ok(known) = self.finished_stats.lock() {
            for (i, o) in rows.iter_mut().enumerate() {
                // Nothing executed: no slippage or participation to compute, no request.
                if o.stats.is_some() || o.executed_qty.is_some_and(|q| q.is_zero()) {
                    continue;
                }
                match known.get(&o.id) {
                    Some(Known::Figures(f)) => {
                        o.arrival_price = o.arrival_price.or(f.arrival_price);
                        o.stats = f.stats.clone();
                    }
                    Some(Known::Missing(n)) if *n >= HISTORY_DETAIL_TRIES => {}
                    _ => due.push(i),
                }
            }
        }
        due.sort_by_key(|&i| std::cmp::Reverse(rows[i].updated_at));
        due.truncate(HISTORY_DETAILS_PER_READ);
        for i in due {
            let Ok(mut detail) = self.order(&rows[i].id).await else {
                continue;
            };
            let figures = (detail.arrival_price.is_some() || detail.stats.is_some()).then_some(
                FinishedFigures {
                    arrival_price: detail.arrival_price,
                    stats: detail.stats.take(),
                },
            );
            let o = &mut rows[i];
            if let Some(f) = &figures {
                o.arrival_price = o.arrival_price.or(f.arrival_price);
                o.stats = f.stats.clone();
            }
            if let Ok(mut known) = self.finished_stats.lock() {
                let entry = match figures {
                    Some(f) => Known::Figures(f),
                    None => match known.get(&o.id) {
                        Some(Known::Missing(n)) => Known::Missing(n.saturating_add(1)),
                        _ => Known::Missing(1),
                    },
                };
                known.insert(o.id.clone(), entry);
            }
        }
    }
}
