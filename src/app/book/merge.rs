//! Merging one venue's fresh rows into the rows of every venue.

use crate::domain::{Order, VenueId};

/// Newest first, then by id (the order of every order list).
pub fn newest_first(a: &Order, b: &Order) -> std::cmp::Ordering {
    b.created_at
        .cmp(&a.created_at)
        .then_with(|| a.id.cmp(&b.id))
}

/// Replaces one venue's rows in a list holding every venue's rows: the other venues' rows are
/// kept as they are (one venue's refresh or failure never touches another's). `fresh` must be
/// sorted by `cmp`; the result is too. With a single venue this is just `fresh`.
pub(super) fn replace_venue_rows<T>(
    mut all: Vec<T>,
    venue: &VenueId,
    fresh: Vec<T>,
    venue_of: impl Fn(&T) -> &VenueId,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    all.retain(|r| venue_of(r) != venue);
    if all.is_empty() {
        return fresh;
    }
    // Merge two sorted lists (stable: on equal keys, kept rows first).
    let mut out = Vec::with_capacity(all.len().saturating_add(fresh.len()));
    let mut a = all.into_iter().peekable();
    let mut b = fresh.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => cmp(x, y) != std::cmp::Ordering::Greater,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
    out
}

/// Whether replacing `venue`'s rows of `all` with `fresh` (sorted as `all` is) leaves every
/// order id where it was: `all` holds only that venue's rows and `fresh` names the same ids in
/// the same order. Then an index by id built for `all` holds for the result too.
pub(super) fn same_ids_at_same_places(all: &[Order], venue: &VenueId, fresh: &[Order]) -> bool {
    all.len() == fresh.len()
        && all
            .iter()
            .zip(fresh)
            .all(|(a, b)| &a.venue == venue && a.id == b.id)
}
