//! Alerts on changes between refreshes: a row that changed flashes; a new ERROR message, or an
//! order turning FAILED or COMPLETE, raises what `[alerts]` asks for (flash, status line, bell).

use super::*;

/// Marks orders whose fill or status changed between two snapshots, and raises the
/// configured alerts (`[alerts] on_failed` / `on_complete`) for orders that just turned FAILED
/// or COMPLETE. Returns the effects the alerts ask for (at most one bell).
pub(super) fn flash_changes(state: &mut State, new: &[Order]) -> Vec<Command> {
    let until = state
        .now
        .checked_add(jiff::SignedDuration::from_secs(2))
        .unwrap_or(state.now);
    let mut changed = Vec::new();
    let mut banners = Vec::new();
    let mut flash_ids = Vec::new();
    let mut bell = false;
    for o in new {
        if let Some(prev) = state.book.order(&o.id) {
            let fill = prev.executed_qty != o.executed_qty;
            let status = prev.status != o.status;
            let on = match (&o.status, status) {
                (OrderStatus::Failed, true) => Some(&state.prefs.alerts.on_failed),
                (OrderStatus::Complete, true) => Some(&state.prefs.alerts.on_complete),
                _ => None,
            };
            if let Some(on) = on {
                if on.contains(&AlertAction::Status) {
                    let reason = o
                        .failure_reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default();
                    banners.push(Banner {
                        text: format!(
                            "Order {} {} {}{reason}",
                            o.id.short(),
                            o.pair,
                            o.status.as_str()
                        ),
                        level: if o.status == OrderStatus::Failed {
                            BannerLevel::Error
                        } else {
                            BannerLevel::Success
                        },
                        at: state.now,
                    });
                }
                if on.contains(&AlertAction::Flash) {
                    flash_ids.push(o.id.clone());
                }
                bell |= on.contains(&AlertAction::Bell);
            }
            if fill || status {
                changed.push((
                    o.id.clone(),
                    Flash {
                        fill,
                        status,
                        until,
                        alert: false,
                    },
                ));
            }
        }
    }
    state.flashes.extend(changed);
    alert_flash(state, flash_ids);
    // A failure outranks a completion in the one banner line.
    let worst = banners
        .iter()
        .rposition(|b| b.level == BannerLevel::Error)
        .or(banners.len().checked_sub(1));
    if let Some(i) = worst {
        state.banner = Some(banners.swap_remove(i));
    }
    if bell {
        vec![Command::Bell]
    } else {
        Vec::new()
    }
}

/// How long an alert keeps its order's row highlighted, seconds.
pub const ALERT_FLASH_SECS: i64 = 5;

/// Highlights the whole row of each order for [`ALERT_FLASH_SECS`] (an `[alerts]` `flash`).
pub(super) fn alert_flash(state: &mut State, ids: Vec<OrderId>) {
    let until = state
        .now
        .checked_add(jiff::SignedDuration::from_secs(ALERT_FLASH_SECS))
        .unwrap_or(state.now);
    for id in ids {
        let f = state.flashes.entry(id).or_insert(Flash {
            fill: false,
            status: false,
            until,
            alert: true,
        });
        f.alert = true;
        f.until = f.until.max(until);
    }
}

/// What the `[alerts]` rules remember between readings of the orders: per order, the highest
/// executed quantity and notional seen, when a fill was last seen and which rules have fired
/// (a rule fires once when its condition starts to hold, and re-arms when it stops holding).
#[derive(Debug, Clone, Default)]
pub struct AlertMemory {
    /// First time the rules ran (`state.now`): a finished order seen for the first time only
    /// raises a slippage alert when it finished after this (not last week's orders on the first
    /// History read, nor older ones when its window widens).
    since: Option<jiff::Timestamp>,
    /// Per order id.
    orders: std::collections::HashMap<OrderId, Seen>,
}

/// One order as the rules last saw it.
#[derive(Debug, Clone)]
struct Seen {
    /// Its venue (memory of orders a venue no longer lists is dropped).
    venue: VenueId,
    /// Highest executed base quantity seen ([`crate::tca::executed_base_qty`]).
    base_high: Option<rust_decimal::Decimal>,
    /// Highest executed notional seen (`executed_notional`, else base quantity × average).
    notional_high: Option<rust_decimal::Decimal>,
    /// When a fill was last seen (see [`crate::app::prefs::StalledRule`]).
    last_fill_at: Timestamp,
    /// Rules whose condition held at the last reading.
    stalled: bool,
    behind: bool,
    slipped: bool,
}

/// Which orders a reading brought.
pub(super) enum RuleScope<'a> {
    /// One venue's active orders (a refresh).
    Active(&'a VenueId),
    /// One venue's finished orders (a History read).
    History(&'a VenueId),
    /// One order (a pushed update).
    Order(&'a OrderId),
}

/// One rule firing for one order.
struct Hit {
    id: OrderId,
    text: String,
    level: BannerLevel,
    on: Vec<AlertAction>,
}

/// The executed notional of `o` in the quote asset: `executed_notional`, else executed base
/// quantity × average price (whose rise between two readings is exactly the new fills'
/// notional).
fn cumulative_notional(o: &Order) -> Option<rust_decimal::Decimal> {
    o.executed_notional.or_else(|| {
        crate::tca::executed_base_qty(o)
            .zip(o.avg_price)
            .and_then(|(q, p)| crate::num::mul(q, p))
    })
}

/// Runs the `[alerts]` rules (stalled, behind schedule, fill above, slippage) over the orders
/// a reading brought, after the book has them; returns a bell if a firing rule asks for one.
/// Nothing happens (and nothing is remembered) when no rule is set.
pub(super) fn check_rules(state: &mut State, scope: RuleScope) -> Vec<Command> {
    if !state.prefs.alerts.has_rules() {
        return Vec::new();
    }
    let now = state.now;
    let mut mem = std::mem::take(&mut state.alert_memory);
    let since = *mem.since.get_or_insert(now);
    let rules = &state.prefs.alerts;
    let book = &state.book;
    let mut hits = Vec::new();
    let mut visit = |o: &Order| check_order(&mut mem, rules, o, now, since, &mut hits);
    match &scope {
        RuleScope::Active(venue) => book
            .orders()
            .iter()
            .filter(|o| &o.venue == *venue)
            .for_each(&mut visit),
        RuleScope::History(venue) => book
            .history()
            .rows()
            .iter()
            .filter(|o| &o.venue == *venue)
            .for_each(&mut visit),
        RuleScope::Order(id) => {
            if let Some(o) = book.find_order(id) {
                visit(o);
            }
        }
    }
    if let RuleScope::Active(venue) | RuleScope::History(venue) = scope {
        // Orders this venue no longer lists anywhere are forgotten.
        mem.orders
            .retain(|id, seen| &seen.venue != venue || book.find_order(id).is_some());
    }
    state.alert_memory = mem;
    raise(state, hits)
}

/// The rules for one order: updates its memory and adds a hit per rule that starts to hold.
fn check_order(
    mem: &mut AlertMemory,
    rules: &crate::app::Alerts,
    o: &Order,
    now: Timestamp,
    since: Timestamp,
    hits: &mut Vec<Hit>,
) {
    use rust_decimal::Decimal;
    let base = crate::tca::executed_base_qty(o);
    let notional = cumulative_notional(o);
    let finished = o.status.is_terminal();
    let first = !mem.orders.contains_key(&o.id);
    // A finished order first seen here: remember its state without alerting unless it
    // finished while the blotter ran.
    let quiet = first && finished && crate::history::finished_at(o).is_none_or(|at| at <= since);
    if first {
        mem.orders.insert(
            o.id.clone(),
            Seen {
                venue: o.venue.clone(),
                base_high: base,
                notional_high: notional,
                last_fill_at: if base.is_none_or(|b| b.is_zero()) {
                    o.time_start.map_or(now, |t| t.min(now))
                } else {
                    now
                },
                stalled: false,
                behind: false,
                slipped: false,
            },
        );
    }
    let Some(seen) = mem.orders.get_mut(&o.id) else {
        return;
    };
    let mut hit = |text: String, level: BannerLevel, on: &[AlertAction]| {
        hits.push(Hit {
            id: o.id.clone(),
            text: format!("Order {} {} {text}", o.id.short(), o.pair),
            level,
            on: on.to_vec(),
        });
    };
    // Fill: the executed quantity (or notional) above the highest seen before.
    let rise = |now: Option<Decimal>, high: Option<Decimal>| {
        now.zip(high)
            .and_then(|(n, h)| crate::num::sub(n, h))
            .filter(|d| *d > Decimal::ZERO)
    };
    let (fill_base, fill_notional) = if first {
        (None, None)
    } else {
        (
            rise(base, seen.base_high),
            rise(notional, seen.notional_high),
        )
    };
    if fill_base.is_some() || fill_notional.is_some() {
        seen.last_fill_at = now;
        if let Some(r) = &rules.fill_above {
            let by_qty = r.qty.zip(fill_base).is_some_and(|(t, q)| q > t);
            let by_notional = r.notional.zip(fill_notional).is_some_and(|(t, n)| n > t);
            if by_qty || by_notional {
                let size = [
                    fill_base.map(|q| q.normalize().to_string()),
                    fill_notional.map(|n| format!("notional {}", n.round_dp(2).normalize())),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                hit(
                    format!("filled {size} in one fill"),
                    BannerLevel::Info,
                    &r.on,
                );
            }
        }
    }
    seen.base_high = seen.base_high.max(base);
    seen.notional_high = seen.notional_high.max(notional);
    // Schedule: working orders only (a paused order falls behind on purpose).
    let gap = if finished || o.status == OrderStatus::Paused {
        None
    } else {
        match (o.time_start, o.duration_secs, o.fill_ratio) {
            (Some(s), Some(d), Some(f)) => crate::tca::schedule_gap(now, s, d, f),
            _ => None,
        }
    };
    let points = gap.and_then(crate::num::percent);
    let points_text = |p: Decimal| p.round_dp(1).normalize().to_string();
    if let Some(r) = &rules.stalled {
        let quiet_secs = now.duration_since(seen.last_fill_at).as_secs();
        let holds = gap.is_some_and(|g| g > Decimal::ZERO)
            && quiet_secs >= i64::from(r.minutes).saturating_mul(60);
        if holds && !seen.stalled && !quiet {
            hit(
                format!(
                    "stalled: no fill for {} min, {} points behind schedule",
                    quiet_secs / 60,
                    points.map(points_text).unwrap_or_default()
                ),
                BannerLevel::Error,
                &r.on,
            );
        }
        seen.stalled = holds;
    }
    if let Some(r) = &rules.behind_schedule {
        let holds = points.is_some_and(|p| p > r.points);
        if holds && !seen.behind && !quiet {
            hit(
                format!(
                    "{} points behind schedule (alert above {})",
                    points.map(points_text).unwrap_or_default(),
                    r.points
                ),
                BannerLevel::Error,
                &r.on,
            );
        }
        seen.behind = holds;
    }
    if let Some(r) = &rules.slippage {
        let slip = o
            .avg_price
            .zip(crate::tca::arrival_price(o))
            .and_then(|(a, r)| crate::tca::slippage_bps(&o.side, a, r));
        let holds = slip.is_some_and(|s| s > r.bps);
        if holds && !seen.slipped && !quiet {
            hit(
                format!(
                    "slippage {} bps vs arrival (alert above {})",
                    slip.map(|s| s.round_dp(1).normalize().to_string())
                        .unwrap_or_default(),
                    r.bps
                ),
                BannerLevel::Error,
                &r.on,
            );
        }
        seen.slipped = holds;
    }
}

/// Carries out what the hits ask for: flashes, one banner line (the first hit's, `(+N more)`;
/// a failure set by this same reading is not overwritten by a fill) and at most one bell.
fn raise(state: &mut State, hits: Vec<Hit>) -> Vec<Command> {
    let flash: Vec<OrderId> = hits
        .iter()
        .filter(|h| h.on.contains(&AlertAction::Flash))
        .map(|h| h.id.clone())
        .collect();
    alert_flash(state, flash);
    let said: Vec<&Hit> = hits
        .iter()
        .filter(|h| h.on.contains(&AlertAction::Status))
        .collect();
    if let Some(first) = said
        .iter()
        .find(|h| h.level == BannerLevel::Error)
        .or(said.first())
    {
        let keep = state.banner.as_ref().is_some_and(|b| {
            b.level == BannerLevel::Error && b.at == state.now && first.level != BannerLevel::Error
        });
        if !keep {
            let more = match said.len() {
                0 | 1 => String::new(),
                n => format!(" (+{} more)", n - 1),
            };
            state.banner = Some(Banner {
                text: format!("{}{more}", first.text),
                level: first.level,
                at: state.now,
            });
        }
    }
    if hits.iter().any(|h| h.on.contains(&AlertAction::Bell)) {
        vec![Command::Bell]
    } else {
        Vec::new()
    }
}
