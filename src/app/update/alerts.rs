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
