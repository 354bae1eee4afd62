//! Shared test fixtures: a deterministic state with orders, multi-orders, placements and
//! messages, at a fixed clock.
#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::str::FromStr;

use blotter::app::{FeedEvent, Msg, State, update};
use blotter::domain::*;
use blotter::venue::Capabilities;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use rust_decimal::Decimal;

pub fn ts(s: &str) -> Timestamp {
    s.parse()
        .unwrap_or_else(|e| panic!("bad timestamp {s}: {e}"))
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("bad decimal {s}: {e}"))
}

pub const NOW: &str = "2024-01-15T10:30:00Z";

pub fn order(id: &str, pair: &str, side: Side, status: OrderStatus, created: &str) -> Order {
    let mut o = Order::new(id, pair, side, status);
    o.created_at = Some(ts(created));
    o.updated_at = Some(ts("2024-01-15T10:29:55Z"));
    o.strategy = Some("TWAP".into());
    o.account_names = vec!["binance_main".into()].into();
    o.exchanges = vec!["binance".into()].into();
    o.time_start = Some(ts("2024-01-15T10:00:00Z"));
    o.time_end = Some(ts("2024-01-15T11:00:00Z"));
    o.duration_secs = Some(3600);
    o
}

pub fn orders() -> Vec<Order> {
    let mut a = order(
        "6debb950-614a-4366-b73b-7d7574fd9e15",
        "BTC-USD",
        Side::Buy,
        OrderStatus::Active,
        "2024-01-15T10:00:00Z",
    );
    a.target_qty = Some(dec("0.5"));
    a.target_token = Some("BTC".into());
    a.executed_qty = Some(dec("0.25"));
    a.fill_ratio = Some(dec("0.5"));
    a.avg_price = Some(dec("45000.00"));
    a.limit_price = Some(LimitPrice::Price(dec("46000.00")));
    a.executed_notional = Some(dec("11250.00"));
    a.arrival_price = Some(dec("44950.00"));
    a.notes = Some("Buy BTC over 1 hour".into());
    let mut b = order(
        "7fecb061-725b-5477-c84c-8e8685ge0f26",
        "ETH-USD",
        Side::Sell,
        OrderStatus::Paused,
        "2024-01-15T09:50:00Z",
    );
    b.strategy = Some("VWAP".into());
    b.target_qty = Some(dec("2.5"));
    b.target_token = Some("ETH".into());
    b.executed_qty = Some(dec("1.0"));
    b.fill_ratio = Some(dec("0.4"));
    b.limit_price = None;
    b.account_names = vec!["coinbase_pro".into()].into();
    let mut c = order(
        "984ffec9-f0bf-4b28-9dc1-81d5dfda1794",
        "SOL-USDT",
        Side::Buy,
        OrderStatus::Scheduled,
        "2024-01-15T09:40:00Z",
    );
    c.strategy = Some("POV".into());
    c.sell_token = Some("USDT".into());
    c.sell_token_amount = Some(dec("5000.00"));
    c.pov_target = Some(dec("0.1"));
    vec![a, b, c]
}

pub fn multi_orders() -> Vec<MultiOrder> {
    vec![MultiOrder {
        venue: Default::default(),
        id: OrderId::new("397e42c1-a617-458b-9db9-dc51f326b918"),
        custom_order_id: Some("multi_order_123".into()),
        status: OrderStatus::Active,
        calculated_status: None,
        pairs: vec!["BTC-USDT".into(), "BTC:PERP-USDT".into()],
        account_names: vec!["mock".into()],
        strategy: Some("TWAP".into()),
        executed_notional: Some(dec("93712.607473482")),
        notional_exposure: Some(dec("34.554926518")),
        exposure_tolerance: Some(dec("0.5")),
        fill_ratio: Some(dec("0.75")),
        is_paused: false,
        is_active: true,
        child_order_ids: vec![
            OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15"),
            OrderId::new("54509111-7204-4626-8513-d7f040f76bf3"),
        ],
        child_orders: vec![],
        time_start: Some(ts("2024-01-15T10:00:00Z")),
        duration_secs: Some(600),
        created_at: Some(ts("2024-01-15T10:00:00Z")),
        updated_at: Some(ts("2024-01-15T10:29:50Z")),
        failure_reason: None,
        unreadable: vec![],
    }]
}

pub fn placements() -> Vec<(OrderId, Page<Placement>)> {
    let id = OrderId::new("6debb950-614a-4366-b73b-7d7574fd9e15");
    let p = |pid: &str, ty: &str, status: &str, reason: Option<&str>, created: &str| Placement {
        venue: Default::default(),
        id: pid.into(),
        order_id: id.clone(),
        exchange: Some("binance".into()),
        placement_type: ty.into(),
        qty: Some(dec("0.125")),
        executed_qty: Some(if status == "FILLED" {
            dec("0.125")
        } else {
            dec("0")
        }),
        price: if ty == "TAKE" {
            None
        } else {
            Some(dec("45000.00"))
        },
        status: status.into(),
        failure_reason: reason.map(String::from),
        fill_ratio: None,
        external_id: None,
        created_at: Some(ts(created)),
        unreadable: vec![],
    };
    vec![(
        id.clone(),
        Page::of(vec![
            p("pl-1", "MAKE", "FILLED", None, "2024-01-15T10:15:00Z"),
            p(
                "pl-2",
                "TAKE",
                "FAILED",
                Some("MIN_AMOUNT"),
                "2024-01-15T10:20:00Z",
            ),
            p("pl-3", "MAKE", "ACTIVE", None, "2024-01-15T10:25:00Z"),
        ]),
    )]
}

/// One order message of the single (unnamed) venue at `at`.
pub fn message(id: &str, level: MessageLevel, text: &str, at: &str) -> OrderMessage {
    OrderMessage {
        venue: Default::default(),
        order_id: OrderId::new(id),
        level,
        message: text.into(),
        created_at: Some(ts(at)),
    }
}

pub fn messages() -> Vec<OrderMessage> {
    let m = message;
    vec![
        m(
            "6debb950-614a-4366-b73b-7d7574fd9e15",
            MessageLevel::Info,
            "Generating execution schedule",
            "2024-01-15T10:25:00Z",
        ),
        m(
            "6debb950-614a-4366-b73b-7d7574fd9e15",
            MessageLevel::Error,
            "Insufficient balance for order execution",
            "2024-01-15T10:30:00Z",
        ),
        m(
            "7fecb061-725b-5477-c84c-8e8685ge0f26",
            MessageLevel::Warn,
            "Order partially filled due to market conditions",
            "2024-01-15T10:28:00Z",
        ),
    ]
}

/// A state loaded with every fixture, as the feed would deliver them.
pub fn loaded_state() -> State {
    let now = ts(NOW);
    let mut s = State::new("Tread.fi", Capabilities::ALL, now);
    // The venue-wide requests as the Tread.fi adapter itself describes them.
    let tread = blotter::venue::treadfi::TreadfiClient::new(
        "http://127.0.0.1:9",
        None,
        std::time::Duration::from_secs(1),
    )
    .unwrap();
    s.venues[0] = s.venues[0].clone().described_by(&tread);
    s.size = (160, 30);
    let at = ts("2024-01-15T10:29:58Z");
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(orders()),
            at,
        },
    );
    feed(
        &mut s,
        FeedEvent::MultiOrders {
            venue: Default::default(),
            page: Page::of(multi_orders()),
            at,
        },
    );
    feed(
        &mut s,
        FeedEvent::Placements {
            venue: Default::default(),
            by_order: placements(),
            at,
        },
    );
    feed(
        &mut s,
        FeedEvent::OrderErrors {
            venue: Default::default(),
            messages: messages(),
            at,
        },
    );
    s
}

pub fn feed(s: &mut State, ev: FeedEvent) -> Vec<blotter::app::Command> {
    update(s, Msg::Feed(ev))
}

pub fn key(s: &mut State, code: KeyCode) -> Vec<blotter::app::Command> {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ch(s: &mut State, c: char) -> Vec<blotter::app::Command> {
    key(s, KeyCode::Char(c))
}

pub fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        ch(s, c);
    }
}

/// The buffer `ui::render` draws for `state` at its own size (cells with their styles).
pub fn draw(state: &State) -> ratatui::buffer::Buffer {
    let backend = ratatui::backend::TestBackend::new(state.size.0, state.size.1);
    let mut t = ratatui::Terminal::new(backend).unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| blotter::ui::render(state, f))
        .unwrap_or_else(|e| panic!("{e}"));
    t.backend().buffer().clone()
}

/// The screen `ui::render` draws for `state` at its own size, as text (trailing spaces
/// trimmed per line).
pub fn screen(state: &State) -> String {
    let b = draw(state);
    let mut out = String::new();
    for y in 0..b.area.height {
        let line: String = (0..b.area.width)
            .map(|x| b[(x, y)].symbol().to_string())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
