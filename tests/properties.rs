//! Property tests: decoders never panic and isolate bad rows; exact decimals round-trip;
//! any sequence of keys and feed messages keeps `app::update`'s invariants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{FeedEvent, Msg, Tab, update};
use blotter::domain::{OrderId, OrderStatus, Page, Side};
use blotter::venue::treadfi::decode_orders_page;
use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Arbitrary JSON values (as text), including huge numbers, nesting and odd strings.
fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("\"\"".to_string()),
        Just("-1.0".to_string()),
        Just("1e400".to_string()),
        Just("123456789012345678901234567890.123".to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:?}")),
        "[ -~]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        "[0-9]{1,30}(\\.[0-9]{0,30})?".prop_map(|s| format!("\"{s}\"")),
        Just("\"2023-08-08T23:59:06.300319\"".to_string()),
        Just("\"2023-12-01T10:00:00Z\"".to_string()),
        Just("\"\\u001b]0;pwned\\u0007\"".to_string()),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(inner, 0..2).prop_map(|v| {
                let fields: Vec<String> = v
                    .iter()
                    .enumerate()
                    .map(|(i, x)| format!("\"k{i}\":{x}"))
                    .collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    })
}

const FIELDS: [&str; 14] = [
    "id",
    "pair",
    "side",
    "status",
    "executed_qty",
    "target_order_qty",
    "pct_filled",
    "average_executed_price",
    "limit_price",
    "time_start",
    "time_end",
    "account_names",
    "duration",
    "notes",
];

fn good_row(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","pair":"BTC-USDT","side":"buy","status":"ACTIVE","executed_qty":"0.25","target_order_qty":0.5,"pct_filled":"50.00","limit_price":-1.0,"time_start":"2023-12-01T10:00:00Z"}}"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any value in any field: no panic; the good rows around it are always kept.
    #[test]
    fn one_bad_field_never_hides_the_rest(field in 0..FIELDS.len(), value in json_value()) {
        let bad = format!(r#"{{"id":"x","pair":"ETH-USDT","side":"sell","status":"ACTIVE","{}":{}}}"#, FIELDS[field], value);
        let body = format!(r#"{{"orders":[{},{},{}]}}"#, good_row("a"), bad, good_row("b"));
        // The page itself is well-formed: it always decodes (no `if let Ok`: a rejected page
        // would hide every row).
        let page = decode_orders_page(body.as_bytes());
        prop_assert!(page.is_ok(), "{page:?}");
        let page = page.unwrap_or_default();
        let ids: Vec<_> = page.rows.iter().map(|o| o.id.as_str().to_string()).collect();
        prop_assert!(ids.contains(&"a".to_string()) && ids.contains(&"b".to_string()), "{ids:?}");
        prop_assert_eq!(page.rows.len() + page.bad_rows.len(), 3);
        // Issue 14: the row with the bad field stays listed too (only its id can lose it).
        if FIELDS[field] != "id" {
            prop_assert!(ids.contains(&"x".to_string()), "{ids:?} {:?}", page.bad_rows);
            prop_assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
        }
    }

    /// Arbitrary bytes never panic the page decoder.
    #[test]
    fn garbage_bodies_are_errors_not_panics(body in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode_orders_page(&body);
    }

    /// A plain decimal sent as a string or a number comes out with the same text.
    #[test]
    fn decimals_round_trip_exactly(int in "[1-9][0-9]{0,12}", frac in "[0-9]{0,14}", as_number in any::<bool>()) {
        let text = if frac.is_empty() { int.clone() } else { format!("{int}.{frac}") };
        let field = if as_number { text.clone() } else { format!("\"{text}\"") };
        let body = format!(r#"{{"orders":[{{"id":"a","pair":"BTC-USDT","side":"buy","status":"ACTIVE","executed_qty":{field}}}]}}"#);
        let page = decode_orders_page(body.as_bytes());
        prop_assert!(page.is_ok());
        let page = page.unwrap_or_default();
        let got = page.rows.first().and_then(|o| o.executed_qty).map(|d| d.to_string());
        prop_assert_eq!(got, Some(text.clone()));
        let dumped = blotter::dump::render(&page.rows, blotter::dump::DumpFormat::Json);
        let needle = format!("\"executed_qty\": \"{text}\"");
        prop_assert!(dumped.contains(&needle));
    }
}

#[derive(Debug, Clone)]
enum Step {
    Key(char),
    Special(KeyCode),
    Snapshot(Vec<u8>),
    Fail,
    Push(u8, bool),
    ActionDone(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        prop::sample::select(vec![
            'j', 'k', 'g', 'G', 'p', 'r', 'c', 'a', 'y', 'n', '1', '2', '3', '4', 'f', 's', 'S',
            '/', ' ', 'V', 'U', 'K', 'e', '?', 'x', '0'
        ])
        .prop_map(Step::Key),
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::PageDown,
            KeyCode::Backspace,
            KeyCode::Left
        ])
        .prop_map(Step::Special),
        prop::collection::vec(0u8..8, 0..8).prop_map(Step::Snapshot),
        Just(Step::Fail),
        (0u8..8, any::<bool>()).prop_map(|(i, done)| Step::Push(i, done)),
        (0u8..8).prop_map(Step::ActionDone),
    ]
}

fn id(i: u8) -> String {
    format!("order-{i}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever happens, the selection is on an existing row (or none), views index real
    /// orders, and nothing panics.
    #[test]
    fn update_keeps_its_invariants(steps in prop::collection::vec(step(), 1..60)) {
        let mut s = loaded_state();
        for st in steps {
            let msg = match st {
                Step::Key(c) => Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
                Step::Special(k) => Msg::Key(KeyEvent::new(k, KeyModifiers::NONE)),
                Step::Snapshot(ids) => {
                    let rows = ids.iter().map(|&i| order(&id(i), "BTC-USDT", Side::Buy, if i % 3 == 0 { OrderStatus::Paused } else { OrderStatus::Active }, "2024-01-15T10:00:00Z")).collect();
                    Msg::Feed(FeedEvent::ActiveOrders { venue: Default::default(), page: Page::of(rows), at: ts(NOW) })
                }
                Step::Fail => Msg::Feed(FeedEvent::FetchFailed { venue: Default::default(), tab: Tab::Active, error: blotter::venue::VenueError::Network("down".into()), at: ts(NOW) }),
                Step::Push(i, done) => {
                    let o = order(&id(i), "ETH-USDT", Side::Sell, if done { OrderStatus::Complete } else { OrderStatus::Active }, "2024-01-15T10:01:00Z");
                    Msg::Feed(FeedEvent::PushUpdate { venue: Default::default(), event: blotter::venue::PushEvent::OrderUpdate { order_id: o.id.clone(), update_type: "x".into(), order: Some(Box::new(o)) }, at: ts(NOW) })
                }
                Step::ActionDone(i) => Msg::Feed(FeedEvent::ActionDone { action: blotter::venue::Action::Pause(OrderId::new(id(i))), result: Err(blotter::venue::VenueError::OutcomeUnknown("t".into())), at: ts(NOW) }),
            };
            let _ = update(&mut s, msg);
            for tab in Tab::ALL {
                let n = s.row_count(tab);
                if s.views[tab.index()].selected.is_some() {
                    prop_assert!(s.selected_index(tab).is_some_and(|i| i < n), "selection off the rows on {tab:?}");
                }
            }
            prop_assert!(s.book.active_view().iter().all(|&i| i < s.book.orders().len()));
            prop_assert_eq!(s.book.index_len(), s.book.orders().len());
            prop_assert!(
                s.book.orders().iter().enumerate().all(|(i, o)| s.book.position(&o.id) == Some(i)),
                "the id index points at another row"
            );
            prop_assert!(
                s.book.marks().iter().all(|m| s.book.position(m).is_some()),
                "a mark names a missing order"
            );
            let paused = s.book.orders().iter().filter(|o| o.status == OrderStatus::Paused).count();
            prop_assert_eq!(s.book.paused_count(), paused);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any typed input is either accepted by the documented rules or rejected with a message;
    /// an invalid form never reaches a confirmation, so it is never sent.
    #[test]
    fn amend_input_is_accepted_by_the_rules_or_rejected(
        fields in prop::collection::vec("[-0-9.eE a-z]{0,8}", 5),
    ) {
        use blotter::app::amend::validate;
        let values: [String; 5] = [fields[0].clone(), fields[1].clone(), fields[2].clone(), fields[3].clone(), fields[4].clone()];
        let start = ts("2024-01-15T10:00:00Z");
        let now = ts(NOW); // 1800 s elapsed
        match validate(&values, Some(start), now) {
            Ok(c) => {
                prop_assert!(!(c.base_asset_qty.is_some() && c.quote_asset_qty.is_some()));
                for q in [c.base_asset_qty, c.quote_asset_qty].into_iter().flatten() {
                    prop_assert!(q > rust_decimal::Decimal::ZERO);
                }
                if let Some(p) = c.pov_target {
                    prop_assert!(p > rust_decimal::Decimal::ZERO && p <= rust_decimal::Decimal::ONE);
                }
                if let Some(d) = c.duration_secs {
                    prop_assert!(d * 20 >= 1800 * 21);
                }
                if let Some(l) = &c.limit_price {
                    prop_assert!(!l.trim().starts_with('-') && !l.trim().is_empty());
                }
                prop_assert!(!c.is_empty());
            }
            Err(msg) => prop_assert!(!msg.is_empty()),
        }
        // Through the UI: Enter on the form reaches a confirmation only when valid.
        let mut s = loaded_state();
        ch(&mut s, 'a');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                key(&mut s, KeyCode::Tab);
            }
            typed(&mut s, v);
        }
        // Valid for this order: the field rules above plus the order's own (what has executed,
        // time left, child of a multi-order), as the form checks them.
        let valid = match &s.modal {
            Some(blotter::app::Modal::Amend(form)) => form.validate(now).is_ok(),
            other => return Err(TestCaseError::fail(format!("no amend form: {other:?}"))),
        };
        let cmds = key(&mut s, KeyCode::Enter);
        prop_assert!(cmds.is_empty());
        prop_assert_eq!(matches!(s.modal, Some(blotter::app::Modal::Confirm(_))), valid);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Every other decoder: any value in a field never panics and never hides the good rows
    /// around it; arbitrary bytes are errors, not panics.
    #[test]
    fn other_decoders_never_panic_and_keep_good_rows(value in json_value(), body in prop::collection::vec(any::<u8>(), 0..120)) {
        use blotter::venue::treadfi::{decode_multi_orders_page, decode_order_errors, decode_placements_page};
        let id = OrderId::new("o1");
        let good_p = r#"{"id":"p1","qty":0.5,"executed_qty":0.25,"status":"FILLED","placement_type":"MAKE","created_at":"2024-01-15T10:00:00Z"}"#;
        let bad_p = format!(r#"{{"id":"p2","qty":{value},"status":"FAILED","placement_type":"TAKE"}}"#);
        let page = format!(r#"{{"placements":[{good_p},{bad_p},{good_p}]}}"#);
        if let Ok(p) = decode_placements_page(page.as_bytes(), &id) {
            prop_assert_eq!(p.rows.iter().filter(|r| r.id == "p1").count(), 2);
        }
        let good_m = r#"{"id":"m1","status":"ACTIVE","pairs":"BTC-USDT,ETH-USDT","pct_filled":"50.00"}"#;
        let bad_m = format!(r#"{{"id":"m2","status":"ACTIVE","executed_notional":{value}}}"#);
        let page = format!(r#"{{"multi_orders":[{good_m},{bad_m},{good_m}]}}"#);
        if let Ok(p) = decode_multi_orders_page(page.as_bytes()) {
            prop_assert_eq!(p.rows.iter().filter(|r| r.id.as_str() == "m1").count(), 2);
        }
        let errors = format!(r#"{{"o1":[{{"message":"m","message_type":"ERROR","created_at":{value}}}]}}"#);
        let _ = decode_order_errors(errors.as_bytes());
        let _ = decode_placements_page(&body, &id);
        let _ = decode_multi_orders_page(&body);
        let _ = decode_order_errors(&body);
        let _ = blotter::venue::anboto::decode_orders_page(&body);
        let _ = blotter::venue::alphasec::decode_orders_page(&body, &Default::default());
        let anboto = format!(r#"[{{"order_id":1,"symbol":{value}}}]"#);
        let _ = blotter::venue::anboto::decode_orders_page(anboto.as_bytes());
        let alpha = format!(r#"{{"code":200,"errMsg":"","result":[{{"orderId":"a","marketId":{value}}}]}}"#);
        let _ = blotter::venue::alphasec::decode_orders_page(alpha.as_bytes(), &Default::default());

        // Issue 14, asserted unconditionally: the pages are well-formed, so they decode, and
        // the row with the odd value is kept too (its id is readable) on every venue.
        let page = format!(r#"{{"placements":[{good_p},{bad_p},{good_p}]}}"#);
        let p = decode_placements_page(page.as_bytes(), &id).map(|p| p.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>());
        prop_assert_eq!(p.ok(), Some(vec!["p1".to_string(), "p2".to_string(), "p1".to_string()]));
        let page = format!(r#"{{"multi_orders":[{good_m},{bad_m},{good_m}]}}"#);
        let m = decode_multi_orders_page(page.as_bytes()).map(|p| p.rows.iter().map(|r| r.id.as_str().to_string()).collect::<Vec<_>>());
        prop_assert_eq!(m.ok(), Some(vec!["m1".to_string(), "m2".to_string(), "m1".to_string()]));
        let a = blotter::venue::anboto::decode_orders_page(anboto.as_bytes()).map(|p| p.rows.iter().map(|r| r.id.as_str().to_string()).collect::<Vec<_>>());
        prop_assert_eq!(a.ok(), Some(vec!["1".to_string()]));
        let x = blotter::venue::alphasec::decode_orders_page(alpha.as_bytes(), &Default::default()).map(|p| p.rows.iter().map(|r| r.id.as_str().to_string()).collect::<Vec<_>>());
        prop_assert_eq!(x.ok(), Some(vec!["a".to_string()]));
    }
}

#[test]
fn the_other_decoders_accept_the_good_rows_used_above() {
    use blotter::venue::treadfi::{decode_multi_orders_page, decode_placements_page};
    let good_p = r#"{"id":"p1","qty":0.5,"executed_qty":0.25,"status":"FILLED","placement_type":"MAKE","created_at":"2024-01-15T10:00:00Z"}"#;
    let p = decode_placements_page(
        format!(r#"{{"placements":[{good_p},{good_p}]}}"#).as_bytes(),
        &OrderId::new("o1"),
    );
    assert_eq!(p.map(|p| p.rows.len()).ok(), Some(2));
    let good_m =
        r#"{"id":"m1","status":"ACTIVE","pairs":"BTC-USDT,ETH-USDT","pct_filled":"50.00"}"#;
    let m =
        decode_multi_orders_page(format!(r#"{{"multi_orders":[{good_m},{good_m}]}}"#).as_bytes());
    assert_eq!(m.map(|p| p.rows.len()).ok(), Some(2));
}

/// A decimal from the whole range, as JSON text (a number or a string): zero, ±max, the
/// smallest step (1e-28), 28-digit scales, negatives, percentages far above 100, and values
/// just past the range (unreadable).
fn edge_decimal() -> impl Strategy<Value = String> {
    use rust_decimal::Decimal;
    let text = prop_oneof![
        Just("0".to_string()),
        Just("-0".to_string()),
        Just(Decimal::MAX.to_string()),
        Just(Decimal::MIN.to_string()),
        Just("0.0000000000000000000000000001".to_string()),
        Just("-0.0000000000000000000000000001".to_string()),
        Just("1e-28".to_string()),
        Just("7.9228162514264337593543950335".to_string()),
        Just("1000000".to_string()),
        Just("10000".to_string()),
        Just("79228162514264337593543950336".to_string()),
        Just("1e400".to_string()),
        "-?[1-9][0-9]{0,27}",
        ("-?[0-9]", "[0-9]{28}").prop_map(|(i, f)| format!("{i}.{f}")),
        ("-?[1-9][0-9]{0,14}", "[0-9]{1,13}").prop_map(|(i, f)| format!("{i}.{f}")),
    ];
    (text, any::<bool>()).prop_map(|(t, as_number)| if as_number { t } else { format!("\"{t}\"") })
}

/// The names of the numeric fields of a Tread.fi order row that get an edge value.
const EDGE_ORDER_FIELDS: [&str; 12] = [
    "executed_qty",
    "target_order_qty",
    "pct_filled",
    "average_executed_price",
    "limit_price",
    "executed_notional",
    "arrival_price",
    "buy_token_amount",
    "sell_token_amount",
    "pov_target",
    "total_fee",
    "target_remaining_qty",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Issue 14: numbers anywhere in (and just past) the decimal range go through the real
    /// decode → state → render of every tab, the order detail with its fills and chart, the
    /// kill-switch summary, the tab export and `dump` in every format: nothing panics, and the
    /// order is still listed everywhere.
    #[test]
    fn edge_of_range_numbers_never_panic_and_never_hide_the_order(
        order_values in prop::collection::vec(edge_decimal(), EDGE_ORDER_FIELDS.len()),
        fill_values in prop::collection::vec(edge_decimal(), 8),
        other_values in prop::collection::vec(edge_decimal(), 6),
    ) {
        use blotter::app::Modal;
        use blotter::dump::{DumpFormat, render};
        use blotter::venue::treadfi::{decode_fills, decode_multi_orders_page, decode_placements_page};

        let numbers: Vec<String> = EDGE_ORDER_FIELDS
            .iter()
            .zip(&order_values)
            .map(|(k, v)| format!(r#""{k}":{v}"#))
            .collect();
        let row = format!(
            r#"{{"id":"edge-0001","pair":"BTC-USDT","side":"buy","status":"ACTIVE","strategy":"TWAP","account_names":["acct"],"time_start":"2024-01-15T10:00:00Z","time_end":"2024-01-15T11:00:00Z",{}}}"#,
            numbers.join(",")
        );
        let page = decode_orders_page(format!(r#"{{"orders":[{row}]}}"#).as_bytes());
        prop_assert!(page.is_ok(), "{page:?}");
        let page = page.unwrap_or_default();
        prop_assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
        prop_assert_eq!(page.rows.len(), 1);
        let id = page.rows[0].id.clone();

        let mut s = loaded_state();
        s.size = (160, 50);
        feed(&mut s, FeedEvent::ActiveOrders { venue: Default::default(), page, at: ts(NOW) });
        let multi = format!(
            r#"{{"multi_orders":[{{"id":"multi-edge","status":"ACTIVE","pairs":"BTC-USDT","executed_notional":{},"notional_exposure":{},"pct_filled":{}}}]}}"#,
            other_values[0], other_values[1], other_values[2]
        );
        let multi = decode_multi_orders_page(multi.as_bytes());
        prop_assert!(multi.as_ref().is_ok_and(|p| p.rows.len() == 1), "{multi:?}");
        feed(&mut s, FeedEvent::MultiOrders { venue: Default::default(), page: multi.unwrap_or_default(), at: ts(NOW) });
        let placements = format!(
            r#"{{"placements":[{{"id":"pl-edge","qty":{},"executed_qty":{},"price":{},"status":"ACTIVE","placement_type":"MAKE","created_at":"2024-01-15T10:05:00Z"}}]}}"#,
            other_values[3], other_values[4], other_values[5]
        );
        let placements = decode_placements_page(placements.as_bytes(), &id);
        prop_assert!(placements.as_ref().is_ok_and(|p| p.rows.len() == 1), "{placements:?}");
        feed(&mut s, FeedEvent::Placements { venue: Default::default(), by_order: vec![(id.clone(), placements.unwrap_or_default())], at: ts(NOW) });

        // Every tab renders; the order is on the active tab, its placement on the placements tab.
        for tab in Tab::ALL {
            s.tab = tab;
            let text = screen(&s);
            match tab {
                Tab::Active => prop_assert!(text.contains("edge-000"), "{text}"),
                Tab::Multi => prop_assert!(text.contains("multi-ed"), "{text}"),
                Tab::Placements => prop_assert!(text.contains("edge-000"), "{text}"),
                Tab::Errors | Tab::History => {}
            }
        }

        // The detail, with fills at the edge of the range (VWAP, fees, execution curve).
        s.tab = Tab::Active;
        let selected = s.selected_order().map(|o| o.id.clone());
        prop_assert_eq!(selected.as_ref(), Some(&id));
        key(&mut s, KeyCode::Enter);
        prop_assert!(matches!(&s.modal, Some(Modal::Detail(d)) if *d == id), "{:?}", s.modal);
        let fills = format!(
            r#"{{"fills":[{{"executed_price":{},"executed_qty":{},"executed_notional":{},"fee":{},"fill_time":"2024-01-15T10:10:00Z"}},{{"executed_price":{},"executed_qty":{},"fee":{},"fill_time":"2024-01-15T10:20:00Z"}},{{"executed_qty":{},"fill_time":"2024-01-15T10:30:00Z"}}]}}"#,
            fill_values[0], fill_values[1], fill_values[2], fill_values[3], fill_values[4], fill_values[5], fill_values[6], fill_values[7]
        );
        let fills = decode_fills(fills.as_bytes(), &id);
        prop_assert!(fills.is_ok(), "{fills:?}");
        feed(&mut s, FeedEvent::Fills { venue: Default::default(), order_id: id.clone(), result: fills.map_err(|e| blotter::venue::VenueError::Network(e.to_string())), at: ts(NOW) });
        let text = screen(&s);
        prop_assert!(!text.contains("no longer active"), "{text}");
        prop_assert!(text.contains("TWAP"), "{text}");
        key(&mut s, KeyCode::Esc);

        // The kill-switch summary over everything (notional totals per quote asset).
        ch(&mut s, 'K');
        ch(&mut s, 'e');
        ch(&mut s, 'p');
        let confirm = match &s.modal {
            Some(Modal::Confirm(c)) => c.lines.join("\n"),
            other => format!("{other:?}"),
        };
        prop_assert!(confirm.contains("Notional affected"), "{confirm}");
        let _ = screen(&s);
        key(&mut s, KeyCode::Esc);

        // The tab export (CSV and JSON files) and `dump` in every format list the order.
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let written = blotter::tui::export_tab(&s, Tab::Active, dir.path());
        prop_assert!(written.is_ok(), "{written:?}");
        let mut exported = 0;
        for entry in std::fs::read_dir(dir.path()).map_err(|e| TestCaseError::fail(e.to_string()))? {
            let path = entry.map_err(|e| TestCaseError::fail(e.to_string()))?.path();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            prop_assert!(text.contains("edge-0001"), "{}: {text}", path.display());
            exported += 1;
        }
        prop_assert_eq!(exported, 2);
        for format in [DumpFormat::Table, DumpFormat::Csv, DumpFormat::Json] {
            let out = render(s.book.orders(), format);
            prop_assert!(out.contains("edge-000"), "{format:?}: {out}");
            let _ = render(s.book.multi_orders(), format);
            let _ = render(s.book.placements(), format);
        }
    }
}
