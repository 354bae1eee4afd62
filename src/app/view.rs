//! The active-orders view: filter and sort as an index vector into `Book::orders`, rebuilt
//! when the data, the filter or the sort changes — never per frame.
//!
//! Filter syntax: free words match (case-insensitively, as substrings) the id, pair, account,
//! strategy, status or side; field terms narrow to one field: `side:buy`, `status:paused`,
//! `acct:binance_main` (or `account:`), `pair:BTC-*`, `strat:twap`, `id:6deb*`, `venue:anboto`
//! (the `[[venue]]` name). A `*` matches
//! any run of characters. All terms must match.
//!
//! Pairs match in the form the screen shows ([`symbol::normalize`]) as well as the venue's
//! own (strategies match in any case, so `strat:limit` finds `Limit` shown as `LIMIT`): `pair:BTC-USDT` finds Anboto's `BTC/USDT`
//! next to Tread.fi's `BTC-USDT`, and `pair:btc/usdt` finds both too. Sorting by pair uses the
//! shown form, so one market's rows sit together whatever the venue.

use std::cmp::Ordering;

use crate::domain::{MultiOrder, Order, OrderMessage, Placement, symbol};

/// Columns the active-orders tab can be sorted by (`s` cycles, `S` reverses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Newest first (the default).
    #[default]
    Created,
    /// Pair A–Z.
    Pair,
    /// Side.
    Side,
    /// Status.
    Status,
    /// Fill ratio, highest first.
    Fill,
    /// Notional, largest first.
    Notional,
    /// Last update, most recent first.
    Updated,
    /// End time, soonest first.
    TimeLeft,
    /// Account A–Z.
    Account,
}

impl SortKey {
    /// Cycle order.
    pub const ALL: [SortKey; 9] = [
        SortKey::Created,
        SortKey::Pair,
        SortKey::Side,
        SortKey::Status,
        SortKey::Fill,
        SortKey::Notional,
        SortKey::Updated,
        SortKey::TimeLeft,
        SortKey::Account,
    ];

    /// The next key in the cycle.
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The key whose [`SortKey::label`] is `word` (any case); `None` for anything else.
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.label().eq_ignore_ascii_case(word.trim()))
    }

    /// Name shown in the table title.
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Created => "created",
            SortKey::Pair => "pair",
            SortKey::Side => "side",
            SortKey::Status => "status",
            SortKey::Fill => "fill",
            SortKey::Notional => "notional",
            SortKey::Updated => "updated",
            SortKey::TimeLeft => "time left",
            SortKey::Account => "account",
        }
    }
}

/// Sort column and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    /// Column.
    pub key: SortKey,
    /// Reverse the natural direction.
    pub reverse: bool,
}

impl Sort {
    /// True for the default (newest first): the order the feed already delivers.
    pub fn is_default(&self) -> bool {
        *self == Sort::default()
    }
}

/// One filter term.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Any(String),
    Field(Field, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    Pair,
    Side,
    Status,
    Account,
    Strategy,
    Venue,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    terms: Vec<Term>,
}

impl Filter {
    /// Parses filter text (see the module docs). Unknown `field:` prefixes match as free text.
    pub fn parse(text: &str) -> Self {
        let terms = text
            .split_whitespace()
            .map(|word| {
                let lower = word.to_lowercase();
                if let Some((field, value)) = lower.split_once(':') {
                    let f = match field {
                        "id" => Some(Field::Id),
                        "pair" => Some(Field::Pair),
                        "side" => Some(Field::Side),
                        "status" => Some(Field::Status),
                        "acct" | "account" => Some(Field::Account),
                        "strat" | "strategy" => Some(Field::Strategy),
                        "venue" => Some(Field::Venue),
                        _ => None,
                    };
                    if let Some(f) = f {
                        let value = if f == Field::Pair {
                            // `btc/usdt` means the same market as `btc-usdt`.
                            symbol::normalize(value).to_lowercase()
                        } else {
                            value.to_string()
                        };
                        return Term::Field(f, value);
                    }
                }
                Term::Any(lower)
            })
            .collect();
        Self { terms }
    }

    /// True when no term is set.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether `o` passes every term.
    pub fn matches(&self, o: &Order) -> bool {
        self.terms.iter().all(|t| match t {
            Term::Any(w) => {
                let w = w.as_str();
                contains(o.id.as_str(), w)
                    || contains(&o.pair, w)
                    || contains(&symbol::normalize(&o.pair), w)
                    || o.account_names.iter().any(|a| contains(a, w))
                    || o.strategy.as_deref().is_some_and(|s| contains(s, w))
                    || contains(o.status.as_str(), w)
                    || contains(o.side.as_str(), w)
                    || contains(o.venue.as_str(), w)
            }
            Term::Field(f, pat) => match f {
                Field::Id => glob(pat, o.id.as_str()),
                Field::Pair => glob(pat, &symbol::normalize(&o.pair)) || glob(pat, &o.pair),
                Field::Side => glob(pat, o.side.as_str()),
                Field::Status => glob(pat, o.status.as_str()),
                Field::Account => o.account_names.iter().any(|a| glob(pat, a)),
                Field::Strategy => o.strategy.as_deref().is_some_and(|s| glob(pat, s)),
                Field::Venue => glob(pat, o.venue.as_str()),
            },
        })
    }
}

fn contains(hay: &str, needle_lower: &str) -> bool {
    hay.to_lowercase().contains(needle_lower)
}

/// Case-insensitive glob with `*` wildcards; without a `*` the whole value must match.
fn glob(pattern_lower: &str, value: &str) -> bool {
    let value = value.to_lowercase();
    let parts: Vec<&str> = pattern_lower.split('*').collect();
    if parts.len() == 1 {
        return value == pattern_lower;
    }
    let mut rest = value.as_str();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Indices of `orders` that pass `filter`, in `sort` order. `orders` is already newest first.
pub fn build(orders: &[Order], filter: &Filter, sort: Sort) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..orders.len())
        .filter(|&i| filter.is_empty() || filter.matches(&orders[i]))
        .collect();
    if !sort.is_default() {
        idx.sort_by(|&a, &b| {
            let ord = compare(&orders[a], &orders[b], sort.key);
            // Ties keep the feed's order (newest first) so rows don't jump.
            let ord = if sort.reverse { ord.reverse() } else { ord };
            ord.then(a.cmp(&b))
        });
    }
    idx
}

fn compare(a: &Order, b: &Order, key: SortKey) -> Ordering {
    match key {
        SortKey::Created => b.created_at.cmp(&a.created_at),
        SortKey::Pair => symbol::normalize(&a.pair).cmp(&symbol::normalize(&b.pair)),
        SortKey::Side => a.side.as_str().cmp(b.side.as_str()),
        SortKey::Status => a.status.as_str().cmp(b.status.as_str()),
        SortKey::Fill => b.fill_ratio.cmp(&a.fill_ratio),
        SortKey::Notional => b
            .executed_notional
            .or(b.target_notional())
            .cmp(&a.executed_notional.or(a.target_notional())),
        SortKey::Updated => b.updated_at.cmp(&a.updated_at),
        SortKey::TimeLeft => match (a.time_end, b.time_end) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        SortKey::Account => a.account_names.first().cmp(&b.account_names.first()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrderStatus, Side};

    fn o(id: &str, pair: &str, side: Side, status: OrderStatus, acct: &str) -> Order {
        let mut o = Order::new(id, pair, side, status);
        o.account_names = vec![acct.into()].into();
        o.strategy = Some("TWAP".into());
        o
    }

    #[test]
    fn field_terms_and_globs() {
        let orders = vec![
            o(
                "a1",
                "BTC-USDT",
                Side::Buy,
                OrderStatus::Paused,
                "binance_main",
            ),
            o(
                "b2",
                "ETH-USDT",
                Side::Sell,
                OrderStatus::Active,
                "okx_main",
            ),
            o(
                "c3",
                "BTC:PERP-USDT",
                Side::Buy,
                OrderStatus::Active,
                "binance_main",
            ),
        ];
        let ids = |f: &str| -> Vec<&str> {
            build(&orders, &Filter::parse(f), Sort::default())
                .into_iter()
                .map(|i| orders[i].id.as_str())
                .collect()
        };
        assert_eq!(
            ids("side:buy status:paused acct:binance_main pair:BTC-*"),
            ["a1"]
        );
        assert_eq!(ids("pair:btc*"), ["a1", "c3"]);
        assert_eq!(ids("okx"), ["b2"]);
        assert_eq!(ids("side:buy"), ["a1", "c3"]);
        assert_eq!(ids(""), ["a1", "b2", "c3"]);
        assert_eq!(ids("pair:*perp*"), ["c3"]);
    }

    #[test]
    fn a_pair_term_matches_every_venues_form_of_the_market() {
        let orders = vec![
            o("t", "BTC-USDT", Side::Buy, OrderStatus::Active, "x"),
            o("a", "BTC/USDT", Side::Buy, OrderStatus::Active, "x"),
            o("p", "BTC/USDT:USDT", Side::Buy, OrderStatus::Active, "x"),
            o("e", "ETH/USDT", Side::Buy, OrderStatus::Active, "x"),
        ];
        let ids = |f: &str| -> Vec<&str> {
            build(&orders, &Filter::parse(f), Sort::default())
                .into_iter()
                .map(|i| orders[i].id.as_str())
                .collect()
        };
        assert_eq!(ids("pair:BTC-USDT"), ["t", "a"]);
        assert_eq!(ids("pair:btc/usdt"), ["t", "a"]);
        assert_eq!(ids("pair:BTC:PERP-USDT"), ["p"]);
        assert_eq!(ids("btc-usdt"), ["t", "a"]);
    }

    #[test]
    fn sort_and_reverse_are_stable() {
        let orders = vec![
            o("a", "ETH-USDT", Side::Buy, OrderStatus::Active, "x"),
            o("b", "BTC-USDT", Side::Buy, OrderStatus::Active, "x"),
            o("c", "ETH-USDT", Side::Buy, OrderStatus::Active, "x"),
        ];
        let by_pair = build(
            &orders,
            &Filter::default(),
            Sort {
                key: SortKey::Pair,
                reverse: false,
            },
        );
        assert_eq!(by_pair, [1, 0, 2]);
        let rev = build(
            &orders,
            &Filter::default(),
            Sort {
                key: SortKey::Pair,
                reverse: true,
            },
        );
        assert_eq!(rev, [0, 2, 1]);
    }
}

/// How a tab other than active orders is sorted: `s` cycles the column, `S` reverses it. The
/// active-orders tab has its own, richer [`Sort`] (saved views use it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TabSort {
    /// Index into [`tab_sort_columns`]; 0 is the tab's natural order (multi-orders as the venue
    /// lists them, placements and messages newest first, error groups worst first).
    pub column: usize,
    /// Reverse the column's natural direction.
    pub reverse: bool,
}

impl TabSort {
    /// True for the tab's natural order.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The next column of `tab`, in its natural direction.
    pub fn next(self, tab: super::Tab) -> Self {
        let n = tab_sort_columns(tab).len().max(1);
        Self {
            column: (self.column + 1) % n,
            reverse: false,
        }
    }

    /// The column's name on `tab`, for the table title.
    pub fn label(self, tab: super::Tab) -> &'static str {
        tab_sort_columns(tab)
            .get(self.column)
            .copied()
            .unwrap_or("default")
    }
}

/// The columns `s` cycles through on `tab`, the natural order first. Natural directions:
/// status, type and order A–Z; fill, notional, price, quantity and level largest (worst) first;
/// times newest first. (Active orders use [`SortKey`].)
pub fn tab_sort_columns(tab: super::Tab) -> &'static [&'static str] {
    match tab {
        super::Tab::Active => &[],
        super::Tab::Multi => &["default", "status", "fill", "notional", "created"],
        super::Tab::Placements => &["default", "status", "type", "price", "qty"],
        super::Tab::Errors => &["default", "level", "time", "order"],
        super::Tab::History => &[
            "default", "arr bps", "vwap bps", "notional", "status", "pair",
        ],
    }
}

/// Indices of the History rows that pass `filter`, in the tab's sort. The rows are already
/// newest finish first (the natural order); slippage sorts put the largest cost first and
/// orders without the figure last.
pub fn sort_history(rows: &[Order], filter: &Filter, s: TabSort) -> Vec<usize> {
    use crate::tca::slippage_bps;
    let mut idx: Vec<usize> = (0..rows.len())
        .filter(|&i| filter.is_empty() || filter.matches(&rows[i]))
        .collect();
    let arrival = |o: &Order| {
        o.avg_price
            .zip(crate::tca::arrival_price(o))
            .and_then(|(a, r)| slippage_bps(&o.side, a, r))
    };
    let vwap = |o: &Order| {
        o.avg_price
            .zip(o.stats.as_ref().and_then(|s| s.interval_vwap))
            .and_then(|(a, r)| slippage_bps(&o.side, a, r))
    };
    // Largest first, `None` last.
    let desc = |a: Option<rust_decimal::Decimal>, b: Option<rust_decimal::Decimal>| match (a, b) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let by = |f: Cmp<'static, Order>| move |a: &usize, b: &usize| f(&rows[*a], &rows[*b]);
    let cmp: Option<Cmp<'_, usize>> = match s.column {
        1 => Some(Box::new(by(Box::new(move |a, b| {
            desc(arrival(a), arrival(b))
        })))),
        2 => Some(Box::new(by(Box::new(move |a, b| desc(vwap(a), vwap(b)))))),
        3 => Some(Box::new(by(Box::new(move |a, b| {
            desc(a.executed_notional, b.executed_notional)
        })))),
        4 => Some(Box::new(by(Box::new(|a, b| {
            a.status.as_str().cmp(b.status.as_str())
        })))),
        5 => Some(Box::new(by(Box::new(|a, b| {
            symbol::normalize(&a.pair).cmp(&symbol::normalize(&b.pair))
        })))),
        _ => None,
    };
    ordered(&mut idx, s, cmp);
    idx
}

/// A boxed comparator of rows.
type Cmp<'a, T> = Box<dyn Fn(&T, &T) -> Ordering + 'a>;

/// Applies a column's ordering, then the direction; ties keep their order (stable sort).
fn ordered<T>(rows: &mut [T], s: TabSort, cmp: Option<impl Fn(&T, &T) -> Ordering>) {
    if let Some(cmp) = cmp {
        rows.sort_by(cmp);
    }
    if s.reverse {
        rows.reverse();
    }
}

/// Orders `multi_orders` indices for the multi-order tree (the rows themselves keep their
/// positions, which tree rows point at).
pub fn sort_multi_orders(multi: &[MultiOrder], s: TabSort) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..multi.len()).collect();
    let by = |f: fn(&MultiOrder, &MultiOrder) -> Ordering| {
        move |a: &usize, b: &usize| f(&multi[*a], &multi[*b])
    };
    let cmp: Option<Cmp<'_, usize>> = match s.column {
        1 => Some(Box::new(by(|a, b| {
            a.status.as_str().cmp(b.status.as_str())
        }))),
        2 => Some(Box::new(by(|a, b| b.fill_ratio.cmp(&a.fill_ratio)))),
        3 => Some(Box::new(by(|a, b| {
            b.executed_notional.cmp(&a.executed_notional)
        }))),
        4 => Some(Box::new(by(|a, b| b.created_at.cmp(&a.created_at)))),
        _ => None,
    };
    ordered(&mut idx, s, cmp);
    idx
}

/// Sorts placements; the natural order is newest first (ties by id).
pub fn sort_placements(rows: &mut [Placement], s: TabSort) {
    let newest = |a: &Placement, b: &Placement| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| a.id.cmp(&b.id))
    };
    let cmp: Cmp<'_, Placement> = match s.column {
        1 => Box::new(move |a, b| a.status.cmp(&b.status).then_with(|| newest(a, b))),
        2 => Box::new(move |a, b| {
            a.placement_type
                .cmp(&b.placement_type)
                .then_with(|| newest(a, b))
        }),
        3 => Box::new(move |a, b| b.price.cmp(&a.price).then_with(|| newest(a, b))),
        4 => Box::new(move |a, b| b.qty.cmp(&a.qty).then_with(|| newest(a, b))),
        _ => Box::new(newest),
    };
    ordered(rows, s, Some(cmp));
}

/// The order of `rows` (indices) under the errors tab's sort. The natural order is as they
/// arrived (newest first).
pub fn sort_messages(rows: &[OrderMessage], s: TabSort) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    let newest = |a: &OrderMessage, b: &OrderMessage| b.created_at.cmp(&a.created_at);
    let by = |f: Cmp<'static, OrderMessage>| move |a: &usize, b: &usize| f(&rows[*a], &rows[*b]);
    let cmp: Option<Cmp<'_, usize>> = match s.column {
        1 => Some(Box::new(by(Box::new(move |a, b| {
            b.level
                .severity()
                .cmp(&a.level.severity())
                .then_with(|| newest(a, b))
        })))),
        2 => Some(Box::new(by(Box::new(newest)))),
        3 => Some(Box::new(by(Box::new(move |a, b| {
            a.order_id.cmp(&b.order_id).then_with(|| newest(a, b))
        })))),
        _ => None,
    };
    ordered(&mut idx, s, cmp);
    idx
}

/// Sorts grouped errors. The natural order is worst level first, then newest, then key.
pub fn sort_error_groups(rows: &mut [super::ErrorGroup], s: TabSort) {
    use super::ErrorGroup;
    let worst = |a: &ErrorGroup, b: &ErrorGroup| {
        b.worst
            .severity()
            .cmp(&a.worst.severity())
            .then(b.latest.cmp(&a.latest))
            .then(a.key.cmp(&b.key))
    };
    let cmp: Cmp<'_, ErrorGroup> = match s.column {
        2 => Box::new(move |a, b| b.latest.cmp(&a.latest).then_with(|| worst(a, b))),
        3 => Box::new(move |a, b| a.key.cmp(&b.key)),
        _ => Box::new(worst),
    };
    ordered(rows, s, Some(cmp));
}
