//! Hostile strings from a venue (ESC/CSI/OSC sequences, an OSC 52 clipboard write, BEL, C1
//! controls, bidi overrides, zero-width characters) go through every tab, the detail view,
//! the banner and every export format; the bytes written to a real crossterm backend contain
//! none of them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{FeedEvent, Modal, State, Tab};
use blotter::domain::{MessageLevel, OrderId, OrderMessage, Page};
use blotter::dump::{self, DumpFormat};
use blotter::venue::{Action, VenueError};
use common::*;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const EVIL: &str =
    "x\u{1b}]0;pwned\u{7}\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}31m\u{202e}rev\u{200b}zw\u{7f}";

/// A writer whose bytes the test can read back.
#[derive(Clone, Default)]
struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn bytes_of(state: &State) -> Vec<u8> {
    let sink = Sink::default();
    let backend = CrosstermBackend::new(sink.clone());
    let mut t = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 160, 30)),
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| blotter::ui::render(state, f))
        .unwrap_or_else(|e| panic!("{e}"));
    drop(t);
    sink.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for bad in [
        "\u{1b}]",
        "\u{7}",
        "\u{1b}[2J",
        "\u{9b}",
        "\u{202e}",
        "\u{200b}",
        "\u{7f}",
    ] {
        assert!(!text.contains(bad), "{what}: {bad:?} reached the output");
    }
}

fn hostile_state() -> State {
    let mut s = loaded_state();
    s.size = (160, 30);
    let mut rows = orders();
    rows[0].notes = Some(EVIL.into());
    rows[0].pair = format!("BTC{EVIL}").into();
    rows[0].account_names = vec![EVIL.into()].into();
    rows[0].custom_order_id = Some(EVIL.into());
    rows[0].failure_reason = Some(EVIL.into());
    rows[0].strategy = Some(EVIL.into());
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(rows),
            at: ts(NOW),
        },
    );
    let mut placements = placements();
    placements[0].1.rows[1].failure_reason = Some(EVIL.into());
    placements[0].1.rows[1].exchange = Some(EVIL.into());
    feed(
        &mut s,
        FeedEvent::Placements {
            venue: Default::default(),
            by_order: placements,
            at: ts(NOW),
        },
    );
    let mut msgs = messages();
    msgs.push(OrderMessage {
        venue: Default::default(),
        order_id: OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15"),
        level: MessageLevel::Other(EVIL.into()),
        message: EVIL.into(),
        created_at: Some(ts(NOW)),
    });
    feed(
        &mut s,
        FeedEvent::OrderErrors {
            venue: Default::default(),
            messages: msgs,
            at: ts(NOW),
        },
    );
    feed(
        &mut s,
        FeedEvent::ActionDone {
            action: Action::Pause(OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15")),
            result: Err(VenueError::Http {
                status: 422,
                message: EVIL.into(),
                retry_after_secs: None,
            }),
            at: ts(NOW),
        },
    );
    feed(
        &mut s,
        FeedEvent::FetchFailed {
            venue: Default::default(),
            tab: Tab::Multi,
            error: VenueError::Http {
                status: 500,
                message: EVIL.into(),
                retry_after_secs: None,
            },
            at: ts(NOW),
        },
    );
    s
}

#[test]
fn no_server_control_sequence_reaches_the_terminal() {
    let mut s = hostile_state();
    for tab in Tab::ALL {
        s.tab = tab;
        assert_clean(&format!("{tab:?}"), &bytes_of(&s));
    }
    s.tab = Tab::Active;
    s.modal = Some(Modal::Detail(OrderId::new(
        "6debb950-614a-4366-b73b-7d7574fd9e15",
    )));
    assert_clean("detail", &bytes_of(&s));
    s.modal = None;
    ch(&mut s, 'c');
    assert_clean("confirm", &bytes_of(&s));
    // And the text is still there, visibly neutralised.
    let screen = String::from_utf8_lossy(&bytes_of(&s)).into_owned();
    assert!(screen.contains('␛'), "escape shown visibly");
}

#[test]
fn exports_escape_hostile_text() {
    let s = hostile_state();
    for format in [DumpFormat::Table, DumpFormat::Csv, DumpFormat::Json] {
        assert_clean(
            &format!("orders {format:?}"),
            dump::render(s.book.orders(), format).as_bytes(),
        );
        assert_clean(
            &format!("placements {format:?}"),
            dump::render(s.book.placements(), format).as_bytes(),
        );
        assert_clean(
            &format!("messages {format:?}"),
            dump::render(s.book.messages(), format).as_bytes(),
        );
    }
}

/// A writer collecting log output.
#[derive(Clone, Default)]
struct LogSink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogSink {
    /// Everything logged so far.
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

/// The log of this test binary: one global subscriber, installed once. (A subscriber scoped
/// to one test thread races tracing's per-callsite interest cache with the other test threads
/// meeting the same `warn!`, and can miss lines under load.) Tests count only the lines that
/// name their own order.
fn global_logs() -> &'static LogSink {
    static LOGS: std::sync::OnceLock<LogSink> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = LogSink::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        logs
    })
}

/// Lines of `log` that name both `order` and `what`.
fn lines_about(log: &str, order: &str, what: &str) -> usize {
    log.lines()
        .filter(|l| l.contains(order) && l.contains(what))
        .count()
}

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Issue 14: an order with fields that cannot be read (a number past the decimal range, an
/// object where a price belongs) stays listed with those cells as `?` and the rest as sent,
/// its detail names each field with the reason, the log says so once, and it can still be
/// cancelled.
#[test]
fn an_order_with_unreadable_fields_stays_listed_explained_and_actionable() {
    use blotter::app::{Command, Modal};
    use blotter::venue::Action;
    let body =
        br#"{"orders":[{"id":"unread-7f3a","pair":"SOL-USDT","side":"sell","status":"ACTIVE",
        "strategy":"TWAP","executed_qty":"1e99","target_order_qty":"12.5",
        "average_executed_price":{"nested":1},"limit_price":-1.0,"account_names":["desk_a"]}]}"#;
    let logs = global_logs();
    // Decoded twice (two polls): logged once.
    let _ = blotter::venue::treadfi::decode_orders_page(body);
    let page = blotter::venue::treadfi::decode_orders_page(body).unwrap();
    assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
    assert_eq!(page.rows.len(), 1);
    let log = logs.text();
    assert_eq!(
        lines_about(&log, "unread-7f3a", "path=executed_qty"),
        1,
        "{log}"
    );
    assert_eq!(
        lines_about(&log, "unread-7f3a", "path=average_executed_price"),
        1,
        "{log}"
    );
    assert!(
        log.contains("WARN") && log.contains("unread-7f3a") && log.contains("treadfi"),
        "{log}"
    );

    let mut s = loaded_state();
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page,
            at: ts(NOW),
        },
    );
    let text = screen(&s);
    let line = text
        .lines()
        .find(|l| l.contains("unread-7"))
        .unwrap_or_else(|| panic!("order not listed:\n{text}"));
    // Filled, Fill (derived from the executed quantity) and Avg px show `?`; the rest of the
    // row is as sent.
    assert_eq!(line.matches(" ? ").count(), 3, "{line}");
    for shown in ["SOL-USDT", "SELL", "TWAP", "ACTIVE", "12.5", "desk_a"] {
        assert!(line.contains(shown), "{shown} missing from {line}");
    }

    // The detail lists each unreadable field with its reason.
    key(&mut s, crossterm::event::KeyCode::Enter);
    assert!(matches!(s.modal, Some(Modal::Detail(_))), "{:?}", s.modal);
    let detail = screen(&s);
    assert!(detail.contains("unreadable fields (2)"), "{detail}");
    assert!(
        detail.contains(r#"executed_qty: invalid decimal "1e99""#),
        "{detail}"
    );
    assert!(detail.contains("average_executed_price: "), "{detail}");
    key(&mut s, crossterm::event::KeyCode::Esc);

    // And it can be cancelled like any other order.
    ch(&mut s, 'c');
    let cmds = ch(&mut s, 'y');
    assert_eq!(
        cmds,
        vec![Command::Act {
            venue: Default::default(),
            action: Action::Cancel(OrderId::new("unread-7f3a")),
        }]
    );
}

/// Issue 14, the other tables: a multi-order and a placement with an unreadable number stay
/// listed with `?` in that column, and the strip under the table names the field and why.
#[test]
fn multi_orders_and_placements_with_unreadable_fields_show_question_marks() {
    use blotter::venue::treadfi::{decode_multi_orders_page, decode_placements_page};
    let multi = decode_multi_orders_page(
        br#"{"multi_orders":[{"id":"mq-00001","status":"ACTIVE","pairs":"BTC-USDT",
            "executed_notional":"NaN-ish","strategy":"TWAP","account_names":"desk_m"}]}"#,
    )
    .unwrap();
    assert!(multi.bad_rows.is_empty(), "{:?}", multi.bad_rows);
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let placements = decode_placements_page(
        br#"{"placements":[{"id":"pq-1","qty":[1,2],"executed_qty":"0.5","price":"101.5",
            "status":"ACTIVE","placement_type":"MAKE","created_at":"2024-01-15T10:05:00Z"}]}"#,
        &id,
    )
    .unwrap();
    assert!(placements.bad_rows.is_empty(), "{:?}", placements.bad_rows);
    let mut s = loaded_state();
    feed(
        &mut s,
        FeedEvent::MultiOrders {
            venue: Default::default(),
            page: multi,
            at: ts(NOW),
        },
    );
    feed(
        &mut s,
        FeedEvent::Placements {
            venue: Default::default(),
            by_order: vec![(id, placements)],
            at: ts(NOW),
        },
    );

    s.tab = Tab::Multi;
    let text = screen(&s);
    let line = text
        .lines()
        .find(|l| l.contains("mq-00001"))
        .unwrap_or_else(|| panic!("multi-order not listed:\n{text}"));
    assert_eq!(line.matches(" ? ").count(), 1, "{line}");
    assert!(line.contains("TWAP") && line.contains("desk_m"), "{line}");
    assert!(
        text.contains(r#"? unreadable: executed_notional: invalid decimal "NaN-ish""#),
        "{text}"
    );

    s.tab = Tab::Placements;
    let text = screen(&s);
    let line = text
        .lines()
        .find(|l| l.contains("101.5"))
        .unwrap_or_else(|| panic!("placement not listed:\n{text}"));
    assert_eq!(line.matches(" ? ").count(), 1, "{line}");
    assert!(line.contains("0.5") && line.contains("MAKE"), "{line}");
}

/// Issue 14: expanding a multi-order (`GET /api/multi_order/{id}`) whose child has an
/// unreadable number keeps the multi-order and every child, the field named by its path.
#[test]
fn a_multi_order_detail_with_an_unreadable_child_field_keeps_every_child() {
    let m = blotter::venue::treadfi::decode_multi_order(
        br#"{"id":"m-1","status":"ACTIVE","child_orders":[
            {"id":"c-1","pair":"BTC-USDT","side":"buy","executed_qty":"1e99"},
            {"id":"c-2","pair":"ETH-USDT","side":"sell","executed_qty":"0.5"}]}"#,
    )
    .unwrap();
    let children: Vec<_> = m.child_orders.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(children, ["c-1", "c-2"]);
    assert_eq!(m.child_orders[0].executed_qty, None);
    assert_eq!(m.unreadable.len(), 1, "{:?}", m.unreadable);
    assert_eq!(m.unreadable[0].path, "child_orders[0].executed_qty");
    // Without a readable id there is nothing to show it under: still an error.
    assert!(blotter::venue::treadfi::decode_multi_order(br#"{"id":null}"#).is_err());
}

/// Issue 14: a field found unreadable by the conversion rather than the row repair (here a
/// `stats` value) is logged too, once across polls, and listed on the order.
#[test]
fn a_field_only_the_conversion_finds_unreadable_is_logged_once() {
    let body = br#"{"orders":[{"id":"stats-bad-1","pair":"ETH-USDT","side":"buy",
        "status":"COMPLETE","stats":{"arrival_price":"1650.5","vwap":{"x":1}}}]}"#;
    let logs = global_logs();
    let _ = blotter::venue::treadfi::decode_orders_page(body);
    let page = blotter::venue::treadfi::decode_orders_page(body).unwrap();
    let paths: Vec<&str> = page.rows[0]
        .unreadable
        .iter()
        .map(|u| u.path.as_str())
        .collect();
    assert_eq!(paths, ["stats.vwap"]);
    let log = logs.text();
    assert_eq!(
        lines_about(&log, "stats-bad-1", "path=stats.vwap"),
        1,
        "{log}"
    );
}
