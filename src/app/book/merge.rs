//! Merging one venue's fresh rows into the rows of every venue.

use std::cmp::Ordering;

use crate::domain::{Order, OrderStatus, VenueId};

/// Newest first, then by id (the order of every order list).
pub fn newest_first(a: &Order, b: &Order) -> Ordering {
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

/// Merges `fresh` (sorted by [`newest_first`]) into `orders` (sorted the same way) in place,
/// with `flags` kept parallel to `orders` (each new row's flag `flag`). No second copy of
/// `orders` is made: the vector grows by `fresh.len()` and rows move back from the end, each
/// at most once. Returns the lowest position whose row changed (the old length when every new
/// row went after the last one: then every earlier position still holds its row).
pub(super) fn merge_in(
    orders: &mut Vec<Order>,
    flags: &mut Vec<bool>,
    mut fresh: Vec<Order>,
    flag: bool,
) -> usize {
    let n = orders.len();
    let after_last = match (orders.last(), fresh.first()) {
        (_, None) => return n,
        (None, Some(_)) => true,
        (Some(l), Some(f)) => newest_first(l, f) != Ordering::Greater,
    };
    flags.resize(n, false);
    if after_last {
        flags.resize(n.saturating_add(fresh.len()), flag);
        grow_gently(orders, fresh.len());
        orders.append(&mut fresh);
        return n;
    }
    // Empty slots at the end, filled from the back with the later of the two runs' tails.
    let k = fresh.len();
    grow_gently(orders, k);
    orders.resize_with(n.saturating_add(k), || {
        Order::new("", "", crate::domain::Side::Buy, OrderStatus::Active)
    });
    flags.resize(n.saturating_add(k), false);
    let mut old = n;
    let mut w = n.saturating_add(k);
    while let Some(f) = fresh.last() {
        w = w.saturating_sub(1);
        let old_later = old > 0
            && orders
                .get(old - 1)
                .is_some_and(|o| newest_first(o, f) == Ordering::Greater);
        if old_later {
            old -= 1;
            orders.swap(old, w);
            flags.swap(old, w);
        } else if let (Some(slot), Some(f)) = (orders.get_mut(w), fresh.pop()) {
            *slot = f;
            if let Some(fl) = flags.get_mut(w) {
                *fl = flag;
            }
        }
    }
    w
}

/// Makes room for `more` rows, growing by a quarter rather than doubling: a 100k-order book
/// read in parts grows its vector ~30 times, and doubling left it with up to half its
/// capacity unused (at 100k rows of 552 bytes, 72 MB held for 55 MB of rows, issue 19). Still
/// amortised: each growth copies the rows once and adds a quarter of them in room.
pub(super) fn grow_gently<T>(rows: &mut Vec<T>, more: usize) {
    let needed = rows.len().saturating_add(more);
    if needed > rows.capacity() {
        let target = needed.max(rows.len().saturating_add(rows.len() / 4));
        rows.reserve_exact(target.saturating_sub(rows.len()));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly
mod growth_tests {
    use super::grow_gently;

    #[test]
    fn a_vector_grown_in_many_parts_wastes_at_most_a_quarter_of_its_rows() {
        let mut rows: Vec<u64> = Vec::new();
        for part in 0..100u64 {
            grow_gently(&mut rows, 1000);
            rows.extend(part * 1000..(part + 1) * 1000);
            assert!(rows.capacity() >= rows.len());
        }
        assert_eq!(rows.len(), 100_000);
        assert!(
            rows.capacity() <= 125_000,
            "capacity {} for 100k rows",
            rows.capacity()
        );
    }

    #[test]
    fn room_already_there_is_not_grown() {
        let mut rows: Vec<u8> = Vec::with_capacity(10);
        grow_gently(&mut rows, 10);
        assert_eq!(rows.capacity(), 10);
    }
}
