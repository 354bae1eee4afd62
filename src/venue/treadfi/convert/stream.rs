//! The Tread.fi order list (`GET /api/active_orders/`) decoded while its bytes arrive, in
//! parts: each row cut out by [`RowScanner`] as its last byte lands and decoded on its own
//! exactly as [`decode_orders_page`] decodes a whole body (the same per-row decoder and
//! converter, the same [`BadRow`]s with the same index, id and reason), so concatenating the
//! parts gives what `decode_orders_page` gives for the whole body.

use serde_json::value::RawValue;

use crate::domain::{Order, Page};
use crate::venue::decode::stream::RowScanner;
use crate::venue::treadfi::wire::WireOrder;
use crate::venue::{VenueError, VenueResult};

use super::order;
use super::pages::{decode_one, decode_orders_page};

/// An order list being read: feed the body's chunks, take the rows decoded so far as a part
/// whenever the caller wants one, and [`OrdersInParts::finish`] for the last part.
#[derive(Debug)]
pub(crate) struct OrdersInParts {
    scanner: RowScanner,
    /// Rows decoded since the last part was taken.
    part: Page<Order>,
    /// Rows seen over the whole read, good and bad (the next [`BadRow::index`]).
    index: usize,
}

impl OrdersInParts {
    /// A read of `{"orders": [...], "page_number", "num_pages", ...}` (or a bare array).
    pub(crate) fn new() -> Self {
        Self {
            scanner: RowScanner::new("orders"),
            part: Page::default(),
            index: 0,
        }
    }

    /// Decodes every row that ends in `chunk` into the pending part.
    ///
    /// # Errors
    /// [`VenueError::Decode`] when a row is not one JSON value or the bytes around the rows
    /// are not a JSON array (see [`RowScanner::feed`]); the read is then over.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> VenueResult<()> {
        let Self {
            scanner,
            part,
            index,
        } = self;
        scanner.feed(chunk, |bytes| {
            let raw: &RawValue = serde_json::from_slice(bytes).map_err(|e| VenueError::Decode {
                path: format!("orders[{index}]"),
                message: e.to_string(),
            })?;
            match decode_one(raw, *index, |w: WireOrder| order(w)) {
                Ok(row) => part.rows.push(row),
                Err(bad) => part.bad_rows.push(bad),
            }
            *index = index.saturating_add(1);
            Ok(())
        })
    }

    /// Rows (good and bad) decoded since the last part was taken.
    pub(crate) fn pending(&self) -> usize {
        self.part
            .rows
            .len()
            .saturating_add(self.part.bad_rows.len())
    }

    /// The rows decoded since the last part, as a part (`page_number`/`num_pages` unset).
    pub(crate) fn take_part(&mut self) -> Page<Order> {
        std::mem::take(&mut self.part)
    }

    /// The last part, once the whole body was fed: the rows left, with `page_number` and
    /// `num_pages` read from the envelope. On an error the rows left stay pending (take them
    /// with [`OrdersInParts::take_part`]); call it once.
    ///
    /// # Errors
    /// [`VenueError::Decode`] when the body was cut short, or its envelope is not a JSON object
    /// with an `orders` array (as [`decode_orders_page`] reports it).
    pub(crate) fn finish(&mut self) -> VenueResult<Page<Order>> {
        let tail = decode_orders_page(&self.scanner.finish()?)?;
        let mut last = self.take_part();
        last.page_number = tail.page_number;
        last.num_pages = tail.num_pages;
        Ok(last)
    }
}
