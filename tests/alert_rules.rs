//! `[alerts]` rules a trader sets — stalled, behind schedule, a fill above a size, slippage —
//! with the feed driven by hand through `app::update`: each fires at its crossing, once, re-arms
//! when its condition clears, and stays quiet under its threshold. Also the rules' config
//! (parsing, a bad value's error) and their help lines.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use std::path::Path;

use blotter::app::prefs::{BehindScheduleRule, FillAboveRule, SlippageRule, StalledRule};
use blotter::app::{AlertAction, Alerts, BannerLevel, Command, FeedEvent, Msg, State, update};
use blotter::config::Config;
use blotter::domain::{Order, OrderId, OrderStatus, Page, Side};
use common::*;

const ID: &str = "0c0ffee0-614a-4366-b73b-7d7574fd9e15";

/// A BTC-USD TWAP buy of 1 BTC over 10:00–11:00, half filled at 45 000 (arrival 44 950).
fn twap() -> Order {
    let mut o = order(
        ID,
        "BTC-USD",
        Side::Buy,
        OrderStatus::Active,
        "2024-01-15T10:00:00Z",
    );
    o.target_qty = Some(dec("1"));
    o.target_token = Some("BTC".into());
    o.executed_qty = Some(dec("0.5"));
    o.fill_ratio = Some(dec("0.5"));
    o.avg_price = Some(dec("45000"));
    o.executed_notional = Some(dec("22500"));
    o.arrival_price = Some(dec("44950"));
    o
}

/// A state loaded with the fixtures, then `rules`, then the TWAP order at 10:30 (on schedule).
fn start(rules: Alerts) -> State {
    let mut s = loaded_state();
    s.prefs.alerts = rules;
    refresh(&mut s, "2024-01-15T10:30:00Z", twap());
    s.banner = None;
    s
}

fn no_events() -> Alerts {
    Alerts {
        on_error: vec![],
        on_failed: vec![],
        on_complete: vec![],
        ..Alerts::default()
    }
}

fn status() -> Vec<AlertAction> {
    vec![AlertAction::Status]
}

/// The clock moves to `at`, then the venue's active orders arrive: just `o`.
fn refresh(s: &mut State, at: &str, o: Order) -> Vec<Command> {
    update(s, Msg::Tick(ts(at)));
    feed(
        s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: Page::of(vec![o]),
            at: ts(at),
        },
    )
}

/// The banner text (cleared afterwards, so the next reading shows whether it said anything).
fn said(s: &mut State) -> Option<String> {
    s.banner.take().map(|b| b.text)
}

fn filled(qty: &str, ratio: &str) -> Order {
    let mut o = twap();
    o.executed_qty = Some(dec(qty));
    o.fill_ratio = Some(dec(ratio));
    o.executed_notional = None;
    o
}

#[test]
fn stalled_fires_after_n_minutes_without_a_fill_while_behind_once_and_rearms() {
    let mut s = start(Alerts {
        stalled: Some(StalledRule {
            minutes: 10,
            on: status(),
        }),
        ..no_events()
    });
    // Half filled at 10:30 (seen then); at 10:39 behind schedule but 9 minutes: nothing.
    refresh(&mut s, "2024-01-15T10:39:00Z", twap());
    assert_eq!(said(&mut s), None);
    // 10:40: ten minutes without a fill while 16.7 points behind.
    refresh(&mut s, "2024-01-15T10:40:00Z", twap());
    assert_eq!(
        said(&mut s).as_deref(),
        Some("Order 0c0ffee0 BTC-USD stalled: no fill for 10 min, 16.7 points behind schedule")
    );
    // Once: the next refreshes say nothing more.
    refresh(&mut s, "2024-01-15T10:41:00Z", twap());
    refresh(&mut s, "2024-01-15T10:45:00Z", twap());
    assert_eq!(said(&mut s), None);
    // A fill at 10:46 clears it; ten quiet minutes later (still behind) it fires again.
    refresh(&mut s, "2024-01-15T10:46:00Z", filled("0.6", "0.6"));
    refresh(&mut s, "2024-01-15T10:55:00Z", filled("0.6", "0.6"));
    assert_eq!(said(&mut s), None);
    refresh(&mut s, "2024-01-15T10:56:00Z", filled("0.6", "0.6"));
    let text = said(&mut s).unwrap_or_default();
    assert!(text.contains("stalled: no fill for 10 min"), "{text}");
}

#[test]
fn stalled_needs_the_order_behind_schedule() {
    let mut s = start(Alerts {
        stalled: Some(StalledRule {
            minutes: 10,
            on: status(),
        }),
        ..no_events()
    });
    // Ahead of schedule (90 % filled at 10:45), no fill for 15 minutes: not stalled.
    refresh(&mut s, "2024-01-15T10:31:00Z", filled("0.9", "0.9"));
    refresh(&mut s, "2024-01-15T10:46:00Z", filled("0.9", "0.9"));
    assert_eq!(said(&mut s), None);
    // Still no fill, and now behind (10:59: 98.3 % of the duration elapsed, 90 % filled).
    refresh(&mut s, "2024-01-15T10:59:00Z", filled("0.9", "0.9"));
    let text = said(&mut s).unwrap_or_default();
    assert!(text.contains("stalled: no fill for 28 min"), "{text}");
}

#[test]
fn behind_schedule_fires_above_its_points_once_and_rearms() {
    let mut s = start(Alerts {
        behind_schedule: Some(BehindScheduleRule {
            points: dec("20"),
            on: status(),
        }),
        ..no_events()
    });
    // 10:40: 16.7 points behind, under 20.
    refresh(&mut s, "2024-01-15T10:40:00Z", twap());
    assert_eq!(said(&mut s), None);
    // 10:45: 25 points behind.
    refresh(&mut s, "2024-01-15T10:45:00Z", twap());
    let b = s.banner.clone().unwrap_or_else(|| panic!("no banner"));
    assert_eq!(
        b.text,
        "Order 0c0ffee0 BTC-USD 25 points behind schedule (alert above 20)"
    );
    assert_eq!(b.level, BannerLevel::Error);
    s.banner = None;
    refresh(&mut s, "2024-01-15T10:46:00Z", twap());
    assert_eq!(said(&mut s), None);
    // Catching up clears it; falling behind again fires again.
    refresh(&mut s, "2024-01-15T10:47:00Z", filled("0.9", "0.9"));
    assert_eq!(said(&mut s), None);
    refresh(&mut s, "2024-01-15T10:59:00Z", filled("0.7", "0.7"));
    let text = said(&mut s).unwrap_or_default();
    assert!(text.contains("28.3 points behind schedule"), "{text}");
}

#[test]
fn fill_above_a_base_size_fires_per_large_fill_only() {
    let mut s = start(Alerts {
        fill_above: Some(FillAboveRule {
            qty: Some(dec("0.2")),
            notional: None,
            on: status(),
        }),
        ..no_events()
    });
    // A fill of 0.2: not above 0.2.
    refresh(&mut s, "2024-01-15T10:31:00Z", filled("0.7", "0.7"));
    assert_eq!(said(&mut s), None);
    // A fill of 0.25.
    refresh(&mut s, "2024-01-15T10:32:00Z", filled("0.95", "0.95"));
    let b = s.banner.clone().unwrap_or_else(|| panic!("no banner"));
    assert_eq!(
        b.text,
        "Order 0c0ffee0 BTC-USD filled 0.25, notional 11250 in one fill"
    );
    assert_eq!(b.level, BannerLevel::Info);
    s.banner = None;
    // The same quantity read again, and a small fill: nothing.
    refresh(&mut s, "2024-01-15T10:33:00Z", filled("0.95", "0.95"));
    refresh(&mut s, "2024-01-15T10:34:00Z", filled("1", "1"));
    assert_eq!(said(&mut s), None);
}

#[test]
fn fill_above_a_notional_counts_the_quote_asset() {
    let mut s = start(Alerts {
        fill_above: Some(FillAboveRule {
            qty: None,
            notional: Some(dec("10000")),
            on: status(),
        }),
        ..no_events()
    });
    // 22 500 → 31 500: a 9 000 fill, under 10 000.
    let mut o = twap();
    o.executed_qty = Some(dec("0.7"));
    o.executed_notional = Some(dec("31500"));
    refresh(&mut s, "2024-01-15T10:31:00Z", o.clone());
    assert_eq!(said(&mut s), None);
    // 31 500 → 45 000: 13 500.
    o.executed_qty = Some(dec("1"));
    o.executed_notional = Some(dec("45000"));
    refresh(&mut s, "2024-01-15T10:32:00Z", o);
    let text = said(&mut s).unwrap_or_default();
    assert!(
        text.contains("filled 0.3, notional 13500 in one fill"),
        "{text}"
    );
}

#[test]
fn a_pushed_large_fill_fires_once_and_the_next_poll_stays_quiet() {
    let mut s = start(Alerts {
        fill_above: Some(FillAboveRule {
            qty: Some(dec("0.1")),
            notional: None,
            on: vec![AlertAction::Bell, AlertAction::Flash],
        }),
        ..no_events()
    });
    let big = filled("0.8", "0.8");
    let cmds = feed(
        &mut s,
        FeedEvent::PushUpdate {
            venue: Default::default(),
            event: blotter::venue::PushEvent::OrderUpdate {
                order_id: big.id.clone(),
                update_type: "UPDATE".into(),
                order: Some(Box::new(big.clone())),
            },
            at: ts("2024-01-15T10:30:00Z"),
        },
    );
    assert_eq!(cmds, vec![Command::Bell]);
    assert!(s.banner.is_none(), "bell and flash only");
    assert!(s.flashes.get(&OrderId::new(ID)).is_some_and(|f| f.alert));
    // The regular poll brings the same quantity: no second bell.
    assert!(refresh(&mut s, "2024-01-15T10:30:02Z", big).is_empty());
}

#[test]
fn slippage_fires_past_its_bps_on_live_orders_once_and_rearms() {
    let mut s = start(Alerts {
        slippage: Some(SlippageRule {
            bps: dec("25"),
            on: status(),
        }),
        ..no_events()
    });
    let at_avg = |avg: &str| {
        let mut o = twap();
        o.avg_price = Some(dec(avg));
        o
    };
    // 45 000 vs 44 950 is 11.1 bps at the start: nothing; 45 100 is 33.4 bps.
    refresh(&mut s, "2024-01-15T10:31:00Z", at_avg("45100"));
    assert_eq!(
        said(&mut s).as_deref(),
        Some("Order 0c0ffee0 BTC-USD slippage 33.4 bps vs arrival (alert above 25)")
    );
    refresh(&mut s, "2024-01-15T10:32:00Z", at_avg("45110"));
    assert_eq!(said(&mut s), None);
    // Back under 25 bps (22.2), then past it again.
    refresh(&mut s, "2024-01-15T10:33:00Z", at_avg("45050"));
    assert_eq!(said(&mut s), None);
    refresh(&mut s, "2024-01-15T10:34:00Z", at_avg("45150"));
    let text = said(&mut s).unwrap_or_default();
    assert!(text.contains("slippage 44.5 bps"), "{text}");
}

#[test]
fn slippage_on_history_only_for_orders_finishing_while_running() {
    let mut s = start(Alerts {
        slippage: Some(SlippageRule {
            bps: dec("25"),
            on: status(),
        }),
        ..no_events()
    });
    let finished = |id: &str, avg: &str, at: &str| {
        let mut o = twap();
        o.id = OrderId::new(id);
        o.status = OrderStatus::Complete;
        o.avg_price = Some(dec(avg));
        o.updated_at = Some(ts(at));
        o
    };
    let history = |s: &mut State, rows: Vec<Order>| {
        feed(
            s,
            FeedEvent::History {
                venue: Default::default(),
                page: Page::of(rows),
                since: ts("2024-01-15T00:00:00Z"),
                acted: vec![],
                at: s.now,
            },
        )
    };
    // Yesterday's costly order in the first read: not news.
    let old = finished(
        "11111111-0000-0000-0000-000000000000",
        "45200",
        "2024-01-15T09:00:00Z",
    );
    history(&mut s, vec![old.clone()]);
    assert_eq!(said(&mut s), None);
    // One finishing at 10:35 with 40 bps of cost (and one with 11 bps): the first alerts.
    update(&mut s, Msg::Tick(ts("2024-01-15T10:36:00Z")));
    let new = finished(
        "22222222-0000-0000-0000-000000000000",
        "45130",
        "2024-01-15T10:35:00Z",
    );
    let cheap = finished(
        "33333333-0000-0000-0000-000000000000",
        "45000",
        "2024-01-15T10:35:00Z",
    );
    history(&mut s, vec![old.clone(), new.clone(), cheap.clone()]);
    assert_eq!(
        said(&mut s).as_deref(),
        Some("Order 22222222 BTC-USD slippage 40 bps vs arrival (alert above 25)")
    );
    history(&mut s, vec![old, new, cheap]);
    assert_eq!(said(&mut s), None);
}

#[test]
fn rules_are_off_by_default() {
    let d = Alerts::default();
    assert!(d.stalled.is_none() && d.behind_schedule.is_none());
    assert!(d.fill_above.is_none() && d.slippage.is_none());
    let mut s = loaded_state();
    s.banner = None;
    // Far behind, a huge fill and heavy slippage: no rule, no banner.
    let mut o = filled("0.9", "0.1");
    o.avg_price = Some(dec("46000"));
    refresh(&mut s, "2024-01-15T10:30:00Z", twap());
    refresh(&mut s, "2024-01-15T10:59:00Z", o);
    assert_eq!(said(&mut s), None);
}

#[test]
fn config_parses_every_rule_with_units() {
    let cfg = Config::parse(
        r#"
[alerts.stalled]
minutes = 15
on = ["status", "flash"]

[alerts.behind_schedule]
points = 12.5

[alerts.fill_above]
qty = "0.5"
notional = 25000

[alerts.slippage]
bps = 30
on = ["bell"]
"#,
        Path::new("c.toml"),
    )
    .unwrap();
    let a = &cfg.alerts;
    assert_eq!(
        a.stalled,
        Some(StalledRule {
            minutes: 15,
            on: vec![AlertAction::Status, AlertAction::Flash]
        })
    );
    assert_eq!(
        a.behind_schedule,
        Some(BehindScheduleRule {
            points: dec("12.5"),
            on: vec![AlertAction::Status]
        })
    );
    assert_eq!(
        a.fill_above,
        Some(FillAboveRule {
            qty: Some(dec("0.5")),
            notional: Some(dec("25000")),
            on: vec![AlertAction::Status]
        })
    );
    assert_eq!(
        a.slippage,
        Some(SlippageRule {
            bps: dec("30"),
            on: vec![AlertAction::Bell]
        })
    );
    // The events keep their defaults.
    assert_eq!(a.on_failed, [AlertAction::Status, AlertAction::Flash]);
    assert_eq!(
        a.help_lines(),
        [
            "a new ERROR message → status",
            "an order turns FAILED → status, flash",
            "an order turns COMPLETE → status",
            "stalled: no fill for 15 min while behind schedule → status, flash",
            "behind schedule by more than 12.5 points → status",
            "a single fill above 0.5 base or 25000 quote notional → status",
            "slippage vs arrival above 30 bps (cost) → bell",
        ]
    );
    assert_eq!(
        Config::parse("", Path::new("c.toml"))
            .unwrap()
            .alerts
            .help_lines()
            .len(),
        3
    );
}

#[test]
fn config_bad_rule_values_are_clear_errors() {
    for (toml, expect) in [
        (
            "[alerts.behind_schedule]\npoints = 150\n",
            "[alerts.behind_schedule] points is percentage points of the schedule, from 0 to \
             under 100, not 150",
        ),
        (
            "[alerts.stalled]\nminutes = 0\n",
            "[alerts.stalled] minutes must be at least 1",
        ),
        (
            "[alerts.fill_above]\non = [\"bell\"]\n",
            "[alerts.fill_above] needs qty (base asset) or notional (quote asset)",
        ),
        (
            "[alerts.fill_above]\nqty = -1\n",
            "[alerts.fill_above] qty must be above 0, not -1",
        ),
        ("[alerts.slippage]\nbps = -5\n", "at least 0, not -5"),
        (
            "[alerts.slippage]\nbps = \"lots\"\n",
            "\"lots\" is not a number",
        ),
        ("[alerts.stalled]\nminute = 5\n", "unknown field `minute`"),
        ("[alerts.stalled]\nminutes = 5\non = [\"siren\"]\n", "siren"),
    ] {
        let err = Config::parse(toml, Path::new("c.toml"))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains(expect), "{toml}: {err}");
        assert!(err.contains("c.toml"), "{err}");
    }
}

#[test]
fn a_paused_order_is_neither_stalled_nor_behind() {
    let mut s = start(Alerts {
        stalled: Some(StalledRule {
            minutes: 10,
            on: status(),
        }),
        behind_schedule: Some(BehindScheduleRule {
            points: dec("20"),
            on: status(),
        }),
        ..no_events()
    });
    let paused = || {
        let mut o = twap();
        o.status = OrderStatus::Paused;
        o
    };
    // Paused at 10:30, half filled: at 10:50 it is 33 points behind with 20 minutes without a
    // fill, on purpose.
    refresh(&mut s, "2024-01-15T10:31:00Z", paused());
    refresh(&mut s, "2024-01-15T10:50:00Z", paused());
    assert_eq!(said(&mut s), None);
    // Resumed, the same order is both.
    refresh(&mut s, "2024-01-15T10:51:00Z", twap());
    let text = said(&mut s).unwrap_or_default();
    assert!(text.contains("stalled: no fill for 21 min"), "{text}");
    assert!(text.ends_with("(+1 more)"), "{text}");
}
