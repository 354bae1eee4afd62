//! The amend form and its validation, by the rules of Tread's `POST /api/amend_order/`
//! (`treadfi-core-order-api.md`, "Amend order", 400 and 422): one of base/quote quantity
//! only, quantities positive, `pov_target` between 0 and 1, `duration` at least 5% more than
//! the time already elapsed, limit price a positive price or a price expression; and, from
//! the order itself, no child order of a multi-order, not with less than 15 seconds left, no
//! new quantity less than 5% above what has already executed. The form says which rule
//! failed; an invalid form is never sent.

use std::str::FromStr;

use jiff::Timestamp;
use rust_decimal::Decimal;

use super::prompt::{Edit, Prompt};
use crate::domain::{LimitPrice, Order, OrderId};
use crate::venue::AmendChanges;

/// The form's fields, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmendField {
    /// `base_asset_qty`, base asset.
    BaseQty,
    /// `quote_asset_qty`, quote asset.
    QuoteQty,
    /// `duration`, seconds.
    Duration,
    /// `pov_target`, ratio 0–1.
    PovTarget,
    /// `limit_price`.
    LimitPrice,
}

impl AmendField {
    /// All fields in display order.
    pub const ALL: [AmendField; 5] = [
        AmendField::BaseQty,
        AmendField::QuoteQty,
        AmendField::Duration,
        AmendField::PovTarget,
        AmendField::LimitPrice,
    ];

    /// Label shown in the form.
    pub fn label(self) -> &'static str {
        match self {
            AmendField::BaseQty => "Base qty",
            AmendField::QuoteQty => "Quote qty",
            AmendField::Duration => "Duration (s)",
            AmendField::PovTarget => "POV target (0–1)",
            AmendField::LimitPrice => "Limit price",
        }
    }
}

/// An open amend form for one order. Fields start empty ("unchanged"); placeholders show the
/// current values.
#[derive(Debug, Clone, PartialEq)]
pub struct AmendForm {
    /// The order being amended.
    pub order_id: OrderId,
    /// One-line description of the order (pair, side, qty) for the dialog title.
    pub summary: String,
    /// Each field's text and cursor, in [`AmendField::ALL`] order (edited like a shell line).
    pub values: [Prompt; 5],
    /// Current values shown as placeholders, in [`AmendField::ALL`] order.
    pub current: [String; 5],
    /// Focused field index.
    pub focus: usize,
    /// The order's start time (to check the duration rule).
    pub time_start: Option<Timestamp>,
    /// When the order's schedule ends (`time_end`, else `time_start` + `duration`), for the
    /// "less than 15 seconds remaining" rule.
    pub time_end: Option<Timestamp>,
    /// The multi-order this order is a child of (`parent_order_id`): the venue refuses to
    /// amend child orders.
    pub parent_order_id: Option<OrderId>,
    /// Already executed, in the base asset (`executed_qty` when the order is sized in base).
    pub executed_base: Option<Decimal>,
    /// Already executed, in the quote asset (`executed_notional`, or `executed_qty` when the
    /// order is sized in quote).
    pub executed_quote: Option<Decimal>,
    /// The last validation error, shown under the form.
    pub error: Option<String>,
}

/// Least time left (seconds) for the venue to accept an amend ("The order is too close to
/// completion (less than 15 seconds remaining)").
pub const MIN_SECS_LEFT: i64 = 15;

impl AmendForm {
    /// A blank form for `order`, with its current values as placeholders.
    pub fn for_order(order: &Order, summary: String) -> Self {
        let opt = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
        let limit = match &order.limit_price {
            Some(LimitPrice::Price(p)) => p.to_string(),
            Some(LimitPrice::Expression(e)) => e.clone(),
            None => "none".into(),
        };
        Self {
            order_id: order.id.clone(),
            summary,
            values: Default::default(),
            current: [
                opt(order.target_qty),
                opt(order.target_notional()),
                order
                    .duration_secs
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                opt(order.pov_target),
                limit,
            ],
            focus: 0,
            time_start: order.time_start,
            time_end: order.time_end.or_else(|| {
                let start = order.time_start?;
                start
                    .checked_add(jiff::SignedDuration::from_secs(order.duration_secs?))
                    .ok()
            }),
            parent_order_id: order.parent_order_id.clone(),
            executed_base: if quote_sized(order) {
                None
            } else {
                order.executed_qty
            },
            executed_quote: if quote_sized(order) {
                order.executed_qty.or(order.executed_notional)
            } else {
                order.executed_notional
            },
            error: None,
        }
    }

    /// The focused field.
    pub fn focused(&self) -> AmendField {
        AmendField::ALL[self.focus % AmendField::ALL.len()]
    }

    /// The focused field's text and cursor.
    fn focused_value(&mut self) -> &mut Prompt {
        let i = self.focus % AmendField::ALL.len();
        &mut self.values[i]
    }

    /// Types a character at the cursor of the focused field (printable characters only).
    pub fn push(&mut self, c: char) {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        self.on_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }

    /// Deletes the character before the cursor of the focused field.
    pub fn backspace(&mut self) {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        self.on_key(&KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
    }

    /// An editing key (←/→, Home/End, Ctrl-A/E/U/W/K, Backspace/Delete, a character) on the
    /// focused field; a change clears the last validation error.
    pub fn on_key(&mut self, key: &crossterm::event::KeyEvent) {
        if self.focused_value().on_key(key) == Edit::Text {
            self.error = None;
        }
    }

    /// The fields' texts, in [`AmendField::ALL`] order.
    pub fn texts(&self) -> [String; 5] {
        self.values.each_ref().map(Prompt::text)
    }

    /// Moves focus down (wrapping).
    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % AmendField::ALL.len();
    }

    /// Moves focus up (wrapping).
    pub fn prev_field(&mut self) {
        self.focus = (self.focus + AmendField::ALL.len() - 1) % AmendField::ALL.len();
    }

    /// Validates the form at time `now`: the order's own rules first (child order, time
    /// left), then the fields, then the new quantity against what has executed. Errors are
    /// user-facing sentences naming the rule.
    pub fn validate(&self, now: Timestamp) -> Result<AmendChanges, String> {
        if let Some(parent) = &self.parent_order_id {
            return Err(format!(
                "Child orders can't be amended (this one belongs to multi-order {}).",
                parent.short()
            ));
        }
        if let Some(end) = self.time_end {
            let left = end.duration_since(now).as_secs();
            if left < MIN_SECS_LEFT {
                return Err(format!(
                    "Too close to completion: {}s left, the venue needs at least {MIN_SECS_LEFT}s.",
                    left.max(0)
                ));
            }
        }
        let changes = validate(&self.texts(), self.time_start, now)?;
        for (new, executed, what) in [
            (changes.base_asset_qty, self.executed_base, "Base qty"),
            (changes.quote_asset_qty, self.executed_quote, "Quote qty"),
        ] {
            if let (Some(new), Some(executed)) = (new, executed) {
                // "The new sell_token_amount is less than 5% above executed quantity".
                let Some(min) = crate::num::mul(executed, Decimal::new(105, 2)) else {
                    return Err(format!(
                        "{what}: the {} already executed is too large to check the 5% rule.",
                        executed.normalize()
                    ));
                };
                if new < min {
                    return Err(format!(
                        "{what} must be at least 5% above the {} already executed (≥ {}).",
                        executed.normalize(),
                        min.normalize()
                    ));
                }
            }
        }
        Ok(changes)
    }
}

/// True when the order is sized in its quote asset (its target token is the pair's quote).
fn quote_sized(order: &Order) -> bool {
    let quote = order.pair.rsplit('-').next().unwrap_or_default();
    order
        .target_token
        .as_deref()
        .is_some_and(|t| !quote.is_empty() && t == quote)
}

/// Validates raw field texts (in [`AmendField::ALL`] order) into the changes to send.
pub fn validate(
    values: &[String; 5],
    time_start: Option<Timestamp>,
    now: Timestamp,
) -> Result<AmendChanges, String> {
    let [base, quote, duration, pov, limit] = values.each_ref().map(|v| v.trim());
    let mut changes = AmendChanges::default();
    if !base.is_empty() && !quote.is_empty() {
        return Err("Set base qty or quote qty, not both.".into());
    }
    if !base.is_empty() {
        changes.base_asset_qty = Some(positive_decimal(base, "Base qty")?);
    }
    if !quote.is_empty() {
        changes.quote_asset_qty = Some(positive_decimal(quote, "Quote qty")?);
    }
    if !duration.is_empty() {
        let secs: i64 = duration
            .parse()
            .map_err(|_| format!("Duration must be whole seconds, got {duration:?}."))?;
        if secs <= 0 {
            return Err("Duration must be positive.".into());
        }
        if let Some(start) = time_start {
            let elapsed = now.duration_since(start).as_secs().max(0).unsigned_abs();
            // Tread: "Must be at least 5% more than elapsed time".
            let min = i64::try_from(elapsed + elapsed.div_ceil(20)).unwrap_or(i64::MAX);
            if secs < min {
                return Err(format!(
                    "Duration must be at least 5% more than the {elapsed}s elapsed (≥ {min}s)."
                ));
            }
        }
        changes.duration_secs = Some(secs);
    }
    if !pov.is_empty() {
        let p = Decimal::from_str(pov)
            .map_err(|_| format!("POV target must be a number between 0 and 1, got {pov:?}."))?;
        if p <= Decimal::ZERO || p > Decimal::ONE {
            return Err(format!(
                "POV target is a ratio between 0 and 1 (e.g. 0.1 for 10%), got {pov}."
            ));
        }
        changes.pov_target = Some(p);
    }
    if !limit.is_empty() {
        if let Ok(p) = Decimal::from_str(limit) {
            if p <= Decimal::ZERO {
                return Err("Limit price must be a positive number.".into());
            }
        } else if limit.starts_with('-') {
            return Err("Limit price must be a positive number.".into());
        }
        changes.limit_price = Some(limit.to_string());
    }
    if changes.is_empty() {
        return Err("Nothing to amend: fill in at least one field.".into());
    }
    Ok(changes)
}

fn positive_decimal(text: &str, what: &str) -> Result<Decimal, String> {
    let d =
        Decimal::from_str(text).map_err(|_| format!("{what} must be a number, got {text:?}."))?;
    if d <= Decimal::ZERO {
        return Err(format!("{what} must be positive."));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(v: [&str; 5]) -> [String; 5] {
        v.map(String::from)
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn base_and_quote_together_rejected() {
        let err = validate(&vals(["1", "2", "", "", ""]), None, Timestamp::UNIX_EPOCH).unwrap_err();
        assert!(err.contains("not both"), "{err}");
    }

    #[test]
    fn pov_must_be_a_ratio() {
        assert!(validate(&vals(["", "", "", "10", ""]), None, Timestamp::UNIX_EPOCH).is_err());
        let ok = validate(&vals(["", "", "", "0.1", ""]), None, Timestamp::UNIX_EPOCH);
        assert_eq!(
            ok.map(|c| c.pov_target.map(|d| d.to_string())),
            Ok(Some("0.1".into()))
        );
    }

    #[test]
    fn duration_must_exceed_elapsed_by_five_percent() {
        let start = t("2024-01-01T00:00:00Z");
        let now = t("2024-01-01T00:10:00Z"); // 600 s elapsed → ≥ 630 s
        assert!(validate(&vals(["", "", "629", "", ""]), Some(start), now).is_err());
        let ok = validate(&vals(["", "", "630", "", ""]), Some(start), now);
        assert_eq!(ok.map(|c| c.duration_secs), Ok(Some(630)));
    }

    #[test]
    fn exact_decimals_are_kept() {
        let c = validate(
            &vals(["0.50000000", "", "", "", "51000"]),
            None,
            Timestamp::UNIX_EPOCH,
        );
        let c = c.unwrap_or_default();
        assert_eq!(
            c.base_asset_qty.map(|d| d.to_string()),
            Some("0.50000000".into())
        );
        assert_eq!(c.limit_price.as_deref(), Some("51000"));
    }

    #[test]
    fn empty_form_and_bad_numbers_rejected() {
        assert!(validate(&vals(["", "", "", "", ""]), None, Timestamp::UNIX_EPOCH).is_err());
        assert!(validate(&vals(["abc", "", "", "", ""]), None, Timestamp::UNIX_EPOCH).is_err());
        assert!(validate(&vals(["-1", "", "", "", ""]), None, Timestamp::UNIX_EPOCH).is_err());
        assert!(validate(&vals(["", "", "", "", "-5"]), None, Timestamp::UNIX_EPOCH).is_err());
    }
}
