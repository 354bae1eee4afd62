//! `blotter dump`: rows printed once as a table, CSV or JSON.
//!
//! JSON uses the Tread.fi API's field names; every quantity, price and notional is a JSON
//! string holding the exact decimal received (`"45000.00"` stays `"45000.00"`), `null` where
//! the venue sent none (Tread's `limit_price: -1.0` → `null`). Percentages are 0–100 as in the
//! API (`pct_filled`). Strings from the venue are sanitised (control characters neutralised).
//!
//! JSON keeps the venue's own symbol (`BTC/USDT` from Anboto) and strategy text; the table and
//! CSV show what the screen shows: `pair`/`pairs` in the one form (`BTC-USDT`,
//! [`crate::domain::symbol::normalize`]) and `strategy` upper-case.

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::domain::{LimitPrice, MultiOrder, Order, OrderMessage, Placement, Ratio};
use crate::sanitize::clean;

/// Output format of `dump`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DumpFormat {
    /// Aligned text columns.
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// A JSON array of objects with the API's field names.
    Json,
}

/// One output value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Text or exact decimal; `None` → `null`.
    Text(Option<String>),
    /// Integer (e.g. `duration` seconds).
    Int(Option<i64>),
    /// Boolean.
    Bool(bool),
    /// List of strings (`account_names`).
    List(Vec<String>),
}

impl Val {
    fn text(&self) -> String {
        match self {
            Val::Text(Some(s)) => s.clone(),
            Val::Text(None) | Val::Int(None) => String::new(),
            Val::Int(Some(i)) => i.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::List(v) => v.join(","),
        }
    }

    fn json(&self) -> Value {
        match self {
            Val::Text(Some(s)) => Value::String(s.clone()),
            Val::Text(None) | Val::Int(None) => Value::Null,
            Val::Int(Some(i)) => Value::from(*i),
            Val::Bool(b) => Value::Bool(*b),
            Val::List(v) => Value::Array(v.iter().cloned().map(Value::String).collect()),
        }
    }
}

/// A row type that can be dumped: its field names (API names) and values in that order.
pub trait Dump {
    /// Field names, in output order.
    fn fields() -> &'static [&'static str];
    /// Values, same order as [`Dump::fields`].
    fn values(&self) -> Vec<Val>;
}

fn dec(d: Option<Decimal>) -> Val {
    Val::Text(d.map(|d| d.to_string()))
}

/// A ratio as percent text; a ratio whose percentage overflows is written as `?`.
fn pct(r: Option<Ratio>) -> Val {
    Val::Text(r.map(|r| {
        crate::num::percent(r).map_or_else(
            || crate::format::UNREADABLE.to_owned(),
            |p| p.normalize().to_string(),
        )
    }))
}

fn txt(s: Option<&str>) -> Val {
    Val::Text(s.map(|s| clean(s).into_owned()))
}

fn ts(t: Option<Timestamp>) -> Val {
    Val::Text(t.map(|t| t.to_string()))
}

fn list<S: AsRef<str>>(v: &[S]) -> Val {
    Val::List(v.iter().map(|s| clean(s.as_ref()).into_owned()).collect())
}

impl Dump for Order {
    fn fields() -> &'static [&'static str] {
        &[
            "id",
            "custom_order_id",
            "parent_order_id",
            "pair",
            "side",
            "strategy",
            "status",
            "target_order_qty",
            "target_token",
            "executed_qty",
            "target_remaining_qty",
            "pct_filled",
            "average_executed_price",
            "limit_price",
            "executed_notional",
            "buy_token",
            "buy_token_amount",
            "sell_token",
            "sell_token_amount",
            "account_names",
            "exchanges",
            "pov_target",
            "time_start",
            "time_end",
            "duration",
            "created_at",
            "updated_at",
            "total_fee",
            "fee_asset",
            "notes",
            "failure_reason",
        ]
    }

    fn values(&self) -> Vec<Val> {
        let limit = match &self.limit_price {
            Some(LimitPrice::Price(p)) => Some(p.to_string()),
            Some(LimitPrice::Expression(e)) => Some(clean(e).into_owned()),
            None => None,
        };
        vec![
            txt(Some(self.id.as_str())),
            txt(self.custom_order_id.as_deref()),
            txt(self.parent_order_id.as_ref().map(|p| p.as_str())),
            txt(Some(&self.pair)),
            txt(Some(self.side.as_str())),
            txt(self.strategy.as_deref()),
            txt(Some(self.status.as_str())),
            dec(self.target_qty),
            txt(self.target_token.as_deref()),
            dec(self.executed_qty),
            dec(self.remaining_qty),
            pct(self.fill_ratio),
            dec(self.avg_price),
            Val::Text(limit),
            dec(self.executed_notional),
            txt(self.buy_token.as_deref()),
            dec(self.buy_token_amount),
            txt(self.sell_token.as_deref()),
            dec(self.sell_token_amount),
            list(&self.account_names),
            list(&self.exchanges),
            dec(self.pov_target),
            ts(self.time_start),
            ts(self.time_end),
            Val::Int(self.duration_secs),
            ts(self.created_at),
            ts(self.updated_at),
            dec(self.total_fee),
            txt(self.fee_asset.as_deref()),
            txt(self.notes.as_deref()),
            txt(self.failure_reason.as_deref()),
        ]
    }
}

impl Dump for MultiOrder {
    fn fields() -> &'static [&'static str] {
        &[
            "id",
            "custom_order_id",
            "status",
            "calculated_status",
            "pairs",
            "account_names",
            "strategy",
            "executed_notional",
            "notional_exposure",
            "exposure_tolerance",
            "pct_filled",
            "is_paused",
            "is_active",
            "child_order_ids",
            "start_datetime",
            "duration",
            "created_at",
            "updated_at",
            "failure_reason",
        ]
    }

    fn values(&self) -> Vec<Val> {
        vec![
            txt(Some(self.id.as_str())),
            txt(self.custom_order_id.as_deref()),
            txt(Some(self.status.as_str())),
            txt(self.calculated_status.as_ref().map(|s| s.as_str())),
            list(&self.pairs),
            list(&self.account_names),
            txt(self.strategy.as_deref()),
            dec(self.executed_notional),
            dec(self.notional_exposure),
            dec(self.exposure_tolerance),
            pct(self.fill_ratio),
            Val::Bool(self.is_paused),
            Val::Bool(self.is_active),
            Val::List(
                self.child_order_ids
                    .iter()
                    .map(|i| clean(i.as_str()).into_owned())
                    .collect(),
            ),
            ts(self.time_start),
            Val::Int(self.duration_secs),
            ts(self.created_at),
            ts(self.updated_at),
            txt(self.failure_reason.as_deref()),
        ]
    }
}

impl Dump for Placement {
    fn fields() -> &'static [&'static str] {
        &[
            "id",
            "order_id",
            "exchange",
            "placement_type",
            "qty",
            "executed_qty",
            "price",
            "status",
            "pct_filled",
            "failure_reason",
            "external_id",
            "created_at",
        ]
    }

    fn values(&self) -> Vec<Val> {
        vec![
            txt(Some(&self.id)),
            txt(Some(self.order_id.as_str())),
            txt(self.exchange.as_deref()),
            txt(Some(&self.placement_type)),
            dec(self.qty),
            dec(self.executed_qty),
            dec(self.price),
            txt(Some(&self.status)),
            pct(self.fill_ratio),
            txt(self.failure_reason.as_deref()),
            txt(self.external_id.as_deref()),
            ts(self.created_at),
        ]
    }
}

impl Dump for OrderMessage {
    fn fields() -> &'static [&'static str] {
        &["order_id", "message_type", "message", "created_at"]
    }

    fn values(&self) -> Vec<Val> {
        vec![
            txt(Some(self.order_id.as_str())),
            txt(Some(self.level.as_str())),
            txt(Some(&self.message)),
            ts(self.created_at),
        ]
    }
}

impl Dump for crate::audit::AuditEntry {
    fn fields() -> &'static [&'static str] {
        &[
            "at",
            "user",
            "source",
            "venue",
            "action",
            "scope",
            "order_id",
            "ok",
            "outcome",
            "latency_ms",
        ]
    }

    fn values(&self) -> Vec<Val> {
        vec![
            txt(Some(&self.at)),
            txt(Some(&self.user)),
            txt(Some(&self.source)),
            txt(Some(&self.venue)),
            txt(Some(&self.action)),
            txt(Some(&self.scope)),
            txt(Some(&self.order_id)),
            Val::Bool(self.ok),
            txt(Some(&self.outcome)),
            Val::Int(self.latency_ms.and_then(|m| i64::try_from(m).ok())),
        ]
    }
}

/// Renders rows in a format. Never fails for table/JSON; CSV errors are I/O-free too, so any
/// error is a bug reported as text.
pub fn render<T: Dump>(rows: &[T], format: DumpFormat) -> String {
    match format {
        DumpFormat::Json => json(rows),
        DumpFormat::Csv => csv(rows),
        DumpFormat::Table => table(rows),
    }
}

fn json<T: Dump>(rows: &[T]) -> String {
    let arr: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut m = Map::new();
            for (k, v) in T::fields().iter().zip(r.values()) {
                m.insert((*k).to_string(), v.json());
            }
            Value::Object(m)
        })
        .collect();
    let mut out =
        serde_json::to_string_pretty(&Value::Array(arr)).unwrap_or_else(|e| format!("[] // {e}"));
    out.push('\n');
    out
}

/// A row's values as the screen shows them (table and CSV): pairs normalised, strategies
/// upper-case; everything else as in JSON.
fn shown<T: Dump>(r: &T) -> Vec<Val> {
    use crate::domain::symbol;
    let mut values = r.values();
    for (field, v) in T::fields().iter().zip(values.iter_mut()) {
        match (*field, v) {
            ("pair", Val::Text(Some(p))) => *p = symbol::normalize(p).into_owned(),
            ("strategy", Val::Text(Some(s))) => *s = symbol::strategy(s).into_owned(),
            ("pairs", Val::List(ps)) => {
                for p in ps {
                    *p = symbol::normalize(p).into_owned();
                }
            }
            _ => {}
        }
    }
    values
}

fn csv<T: Dump>(rows: &[T]) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut result = w.write_record(T::fields());
    for r in rows {
        if result.is_err() {
            break;
        }
        result = w.write_record(shown(r).iter().map(Val::text));
    }
    match (result, w.into_inner()) {
        (Ok(()), Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        (Err(e), _) => format!("csv error: {e}\n"),
        (_, Err(e)) => format!("csv error: {e}\n"),
    }
}

/// Columns shown by the table format (the full set is in CSV/JSON).
fn table<T: Dump>(rows: &[T]) -> String {
    let fields = T::fields();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            shown(r)
                .iter()
                .map(|v| match v.text() {
                    s if s.is_empty() => "-".to_string(),
                    s => s,
                })
                .collect()
        })
        .collect();
    // Keep the table readable: drop columns that are empty in every row.
    let keep: Vec<usize> = (0..fields.len())
        .filter(|&i| cells.iter().any(|row| row[i] != "-"))
        .collect();
    let widths: Vec<usize> = keep
        .iter()
        .map(|&i| {
            cells
                .iter()
                .map(|row| row[i].chars().count())
                .chain([fields[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |vals: Vec<&str>, out: &mut String| {
        let parts: Vec<String> = vals
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(keep.iter().map(|&i| fields[i]).collect(), &mut out);
    for row in &cells {
        line(keep.iter().map(|&i| row[i].as_str()).collect(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrderStatus, Side};
    use std::str::FromStr;

    #[test]
    fn json_keeps_exact_decimals_and_nulls() {
        let mut o = Order::new("id-1", "BTC-USD", Side::Buy, OrderStatus::Paused);
        o.limit_price = None;
        o.avg_price = Decimal::from_str("45000.00").ok();
        o.notes = Some("evil\u{1b}]0;x\u{7}".into());
        let out = render(&[o], DumpFormat::Json);
        assert!(
            out.contains(r#""average_executed_price": "45000.00""#),
            "{out}"
        );
        assert!(out.contains(r#""limit_price": null"#), "{out}");
        assert!(!out.contains('\u{1b}'));
    }

    #[test]
    fn csv_and_table_show_the_one_symbol_json_keeps_the_venues() {
        let mut o = Order::new("an-1", "BTC/USDT", Side::Buy, OrderStatus::Active);
        o.strategy = Some("Limit".into());
        let rows = [o];
        let csv = render(&rows, DumpFormat::Csv);
        assert!(csv.contains("an-1,,,BTC-USDT,buy,LIMIT,"), "{csv}");
        let table = render(&rows, DumpFormat::Table);
        assert!(
            table.contains("BTC-USDT") && table.contains("LIMIT"),
            "{table}"
        );
        assert!(!table.contains("BTC/USDT"), "{table}");
        let json = render(&rows, DumpFormat::Json);
        assert!(json.contains(r#""pair": "BTC/USDT""#), "{json}");
        assert!(json.contains(r#""strategy": "Limit""#), "{json}");
    }

    #[test]
    fn csv_has_header_and_row() {
        let o = Order::new("id-1", "BTC-USD", Side::Sell, OrderStatus::Active);
        let out = render(&[o], DumpFormat::Csv);
        let mut lines = out.lines();
        assert!(
            lines
                .next()
                .is_some_and(|h| h.starts_with("id,custom_order_id"))
        );
        assert!(
            lines
                .next()
                .is_some_and(|r| r.starts_with("id-1,,,BTC-USD,sell"))
        );
    }
}
