//! Render tests: each tab, the help overlay, dialogs and the error banner on a `TestBackend`,
//! snapshotted with insta; colours of the cells that carry meaning are asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

mod common;

use blotter::app::{FeedEvent, Modal, State, Tab};
use blotter::venue::VenueError;
use common::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

fn draw(s: &State) -> Buffer {
    let backend = TestBackend::new(s.size.0, s.size.1);
    let mut t = Terminal::new(backend).unwrap_or_else(|e| panic!("{e}"));
    t.draw(|f| blotter::ui::render(s, f))
        .unwrap_or_else(|e| panic!("{e}"));
    t.backend().buffer().clone()
}

fn text(b: &Buffer) -> String {
    let area = b.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(b[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// First cell whose row text contains `needle` starting at that column.
fn find(b: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let t = text(b);
    for (y, line) in t.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count();
            return Some((x as u16, y as u16));
        }
    }
    None
}

fn fg_at(b: &Buffer, needle: &str) -> Color {
    let (x, y) =
        find(b, needle).unwrap_or_else(|| panic!("{needle:?} not on screen:\n{}", text(b)));
    b[(x, y)].fg
}

#[test]
fn active_orders_tab() {
    let s = loaded_state();
    let b = draw(&s);
    insta::assert_snapshot!(text(&b));
    // Exact decimals as received.
    let t = text(&b);
    assert!(t.contains("45000.00"), "{t}");
    assert!(t.contains("0.25  0.5 BTC"), "{t}");
    // Meaningful colours: sides and statuses.
    assert_eq!(fg_at(&b, "⏸ PAUSED"), Color::Yellow);
    assert_eq!(fg_at(&b, "SELL"), Color::Red);
    assert_eq!(fg_at(&b, "SCHEDULED"), Color::Cyan);
}

#[test]
fn multi_orders_tab() {
    let mut s = loaded_state();
    s.tab = Tab::Multi;
    insta::assert_snapshot!(text(&draw(&s)));
}

#[test]
fn placements_tab() {
    let mut s = loaded_state();
    s.tab = Tab::Placements;
    let b = draw(&s);
    insta::assert_snapshot!(text(&b));
    assert_eq!(fg_at(&b, "FAILED"), Color::Red);
    assert!(text(&b).contains("MIN_AMOUNT"));
}

#[test]
fn order_errors_tab() {
    let mut s = loaded_state();
    // Unread ERRORs are flagged on the tab bar until the tab is opened.
    let t = text(&draw(&s));
    assert!(t.contains("1 new ERROR"), "{t}");
    ch(&mut s, '4');
    let b = draw(&s);
    insta::assert_snapshot!(text(&b));
    assert_eq!(fg_at(&b, "ERROR"), Color::Red);
    assert_eq!(fg_at(&b, "WARN "), Color::Yellow);
    // Newest first.
    let t = text(&b);
    let err = t.find("Insufficient balance").unwrap_or(usize::MAX);
    let info = t.find("Generating execution").unwrap_or(0);
    assert!(err < info, "newest first:\n{t}");
}

#[test]
fn help_overlay() {
    let mut s = loaded_state();
    ch(&mut s, '?');
    assert!(matches!(s.modal, Some(Modal::Help)));
    let t = text(&draw(&s));
    insta::assert_snapshot!(t);
    assert!(t.contains("q/Ctrl-c"));
}

#[test]
fn confirm_dialog_names_the_order_and_defaults_to_no() {
    let mut s = loaded_state();
    ch(&mut s, 'c');
    let b = draw(&s);
    let t = text(&b);
    insta::assert_snapshot!(t);
    assert!(t.contains("Cancel order?"));
    assert!(t.contains("BUY 0.5 BTC BTC-USD"));
    // "No" is the highlighted (reversed) button.
    let (x, y) = find(&b, " No (n) ").unwrap_or_else(|| panic!("no button:\n{t}"));
    assert!(
        b[(x, y)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    );
    let (x, y) = find(&b, " Yes (y) ").unwrap_or_else(|| panic!("no button:\n{t}"));
    assert!(
        !b[(x, y)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    );
}

#[test]
fn amend_form() {
    let mut s = loaded_state();
    ch(&mut s, 'a');
    typed(&mut s, "0.6");
    insta::assert_snapshot!(text(&draw(&s)));
}

#[test]
fn error_banner_and_stale_header() {
    let mut s = loaded_state();
    feed(
        &mut s,
        FeedEvent::FetchFailed {
            venue: Default::default(),
            tab: Tab::Active,
            error: VenueError::Http {
                status: 503,
                message: "Service unavailable".into(),
                retry_after_secs: None,
            },
            at: ts(NOW),
        },
    );
    ch(&mut s, 'r');
    ch(&mut s, 'y');
    feed(
        &mut s,
        FeedEvent::ActionDone {
            action: blotter::venue::Action::Resume(blotter::domain::OrderId::new(
                "6debb950-614a-4366-b73b-7d7574fd9e15",
            )),
            result: Err(VenueError::Http {
                status: 422,
                message: "Order is not paused.".into(),
                retry_after_secs: None,
            }),
            at: ts(NOW),
        },
    );
    let b = draw(&s);
    let t = text(&b);
    insta::assert_snapshot!(t);
    assert!(t.contains("422 Order is not paused."));
    assert!(t.contains("503 Service unavailable"));
    assert_eq!(b[find(&b, "✖").unwrap_or((0, 0))].bg, Color::Red);
}

#[test]
fn no_color_strips_colours_but_keeps_text() {
    let mut s = loaded_state();
    s.color = false;
    let b = draw(&s);
    assert_eq!(fg_at(&b, "SELL"), Color::Reset);
    assert!(text(&b).contains("⏸ PAUSED"));
}

#[test]
fn server_strings_cannot_inject_escapes() {
    let mut s = loaded_state();
    let mut rows = orders();
    rows[0].notes = Some("hi\u{1b}]0;pwned\u{7}\u{1b}[2J".into());
    rows[0].pair = "BTC\u{1b}[31m-USD".into();
    feed(
        &mut s,
        FeedEvent::ActiveOrders {
            venue: Default::default(),
            page: blotter::domain::Page::of(rows),
            at: ts(NOW),
        },
    );
    let t = text(&draw(&s));
    assert!(!t.contains('\u{1b}'));
    assert!(!t.contains('\u{7}'));
    assert!(t.contains("␛]0;pwned"));
}

#[test]
fn demo_marker_and_empty_state() {
    let mut s = State::new("Tread.fi", blotter::venue::Capabilities::ALL, ts(NOW));
    s.size = (120, 20);
    s.demo = true;
    let t = text(&draw(&s));
    assert!(t.contains(" DEMO "));
    assert!(t.contains("waiting for the venue"));
}

#[test]
fn frozen_header_counts_pending_updates() {
    let mut s = loaded_state();
    ch(&mut s, 'f');
    for _ in 0..37 {
        feed(
            &mut s,
            FeedEvent::ActiveOrders {
                venue: Default::default(),
                page: blotter::domain::Page::of(orders()),
                at: ts(NOW),
            },
        );
    }
    let t = text(&draw(&s));
    assert!(t.contains("FROZEN — 37 updates pending"), "{t}");
}

#[test]
fn header_shows_live_and_reconnect_countdown() {
    use blotter::app::PushStatus;
    let mut s = loaded_state();
    feed(
        &mut s,
        FeedEvent::Push {
            venue: Default::default(),
            status: PushStatus::Live,
            at: ts(NOW),
        },
    );
    let t = text(&draw(&s));
    assert!(
        t.lines().next().is_some_and(|l| l.contains("● live")),
        "{t}"
    );
    feed(
        &mut s,
        FeedEvent::Push {
            venue: Default::default(),
            status: PushStatus::Reconnecting {
                error: "websocket closed".into(),
                retry_at: ts("2024-01-15T10:30:04Z"),
            },
            at: ts(NOW),
        },
    );
    let t = text(&draw(&s));
    assert!(t.contains("reconnecting in 4s"), "{t}");
}

#[test]
fn detail_view() {
    let mut s = loaded_state();
    key(&mut s, crossterm::event::KeyCode::Enter);
    let t = text(&draw(&s));
    insta::assert_snapshot!(t);
    assert!(t.contains("6debb950-614a-4366-b73b-7d7574fd9e15"));
    assert!(t.contains("MIN_AMOUNT"));
    assert!(t.contains("Insufficient balance"));
    // 45000 against an arrival of 44950: paid 11.1 bps above it.
    assert!(
        t.contains("arrival 44950.00   avg vs arrival 11.1 bps"),
        "{t}"
    );
}

#[test]
fn filter_and_sort_in_the_title() {
    let mut s = loaded_state();
    ch(&mut s, '/');
    typed(&mut s, "side:buy");
    ch(&mut s, '\r');
    key(&mut s, crossterm::event::KeyCode::Enter);
    ch(&mut s, 's');
    let t = text(&draw(&s));
    assert!(t.contains("filter: side:buy (2 of 3)"), "{t}");
    assert!(t.contains("sort: pair ↓"), "{t}");
}

#[test]
fn kill_switch_dialog_and_marks() {
    let mut s = loaded_state();
    ch(&mut s, ' ');
    ch(&mut s, 'k');
    ch(&mut s, 'K');
    let t = text(&draw(&s));
    insta::assert_snapshot!(t);
    assert!(t.contains("account binance_main (2 orders)"), "{t}");
    assert!(t.contains("everything (3 orders)"), "{t}");
    assert!(t.contains("1 marked"), "{t}");
}

#[test]
fn narrow_80x24_drops_whole_columns_and_never_cuts_a_number() {
    let mut s = loaded_state();
    blotter::app::update(
        &mut s,
        blotter::app::Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    for tab in Tab::ALL {
        s.tab = tab;
        let b = draw(&s);
        let t = text(&b);
        if tab == Tab::Active {
            insta::assert_snapshot!(t.clone());
        }
        // Header words are whole (a cut column would show e.g. "lled" for "Filled").
        for fragment in ["lled", "Pai", "mit", "nal", "px"] {
            assert!(
                !t.split_whitespace()
                    .any(|w| w.trim_matches('│') == fragment),
                "{tab:?} cut a column: {fragment:?}\n{t}"
            );
        }
        // Every decimal shown is a whole value from the fixtures (no ".00" stubs).
        for line in t.lines().filter(|l| l.starts_with('│')) {
            for word in line.split_whitespace() {
                assert!(
                    !word.starts_with('.'),
                    "{tab:?}: cut number {word:?} in {line}"
                );
            }
        }
    }
}

/// Every run of cells with a non-default style: `(x,y) "text" fg bg modifiers`, one per line
/// (what a theme changes, reviewable in a snapshot).
fn styles(b: &Buffer) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for y in 0..b.area.height {
        let mut x = 0;
        while x < b.area.width {
            let c = &b[(x, y)];
            let key = (c.fg, c.bg, c.modifier);
            let start = x;
            let mut run = String::new();
            while x < b.area.width {
                let d = &b[(x, y)];
                if (d.fg, d.bg, d.modifier) != key {
                    break;
                }
                run.push_str(d.symbol());
                x += 1;
            }
            let plain = key
                == (
                    Color::Reset,
                    Color::Reset,
                    ratatui::style::Modifier::empty(),
                );
            if !plain && !run.trim().is_empty() {
                let _ = writeln!(
                    out,
                    "({start},{y}) {:?} fg={:?} bg={:?} {:?}",
                    run.trim(),
                    key.0,
                    key.1,
                    key.2
                );
            }
        }
    }
    out
}

fn themed(name: blotter::ui::theme::ThemeName) -> Buffer {
    let mut s = loaded_state();
    s.prefs.theme = name;
    s.size = (160, 12);
    draw(&s)
}

#[test]
fn theme_dark_active_tab() {
    let b = themed(blotter::ui::theme::ThemeName::Dark);
    insta::assert_snapshot!(format!("{}\n{}", text(&b), styles(&b)));
    assert_eq!(fg_at(&b, "BUY"), Color::Green);
    assert_eq!(fg_at(&b, "SELL"), Color::Red);
    assert_eq!(fg_at(&b, "⏸ PAUSED"), Color::Yellow);
    assert_eq!(fg_at(&b, "ACTIVE "), Color::Green);
    assert_eq!(fg_at(&b, "SCHEDULED"), Color::Cyan);
}

#[test]
fn theme_light_active_tab_uses_dark_variants() {
    let b = themed(blotter::ui::theme::ThemeName::Light);
    insta::assert_snapshot!(format!("{}\n{}", text(&b), styles(&b)));
    // Dark green / dark red / dark amber (xterm 28, 124, 130): readable on white.
    assert_eq!(fg_at(&b, "BUY"), Color::Indexed(28));
    assert_eq!(fg_at(&b, "SELL"), Color::Indexed(124));
    assert_eq!(fg_at(&b, "⏸ PAUSED"), Color::Indexed(130));
    assert_eq!(fg_at(&b, "ACTIVE "), Color::Indexed(28));
    assert_eq!(fg_at(&b, "SCHEDULED"), Color::Indexed(30));
    // No yellow or white text anywhere without a background of its own.
    for cell in b.content() {
        if cell.bg == Color::Reset {
            assert!(
                !matches!(
                    cell.fg,
                    Color::Yellow | Color::LightYellow | Color::White | Color::Gray
                ),
                "{cell:?}"
            );
        }
    }
}

#[test]
fn theme_mono_has_no_colour_at_all() {
    let b = themed(blotter::ui::theme::ThemeName::Mono);
    insta::assert_snapshot!(format!("{}\n{}", text(&b), styles(&b)));
    assert!(
        b.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "a colour in mono"
    );
    // Meaning survives as text and attributes: the paused status is bold.
    let (x, y) = find(&b, "⏸ PAUSED").unwrap_or_default();
    assert!(b[(x, y)].modifier.contains(ratatui::style::Modifier::BOLD));
    let t = text(&b);
    assert!(t.contains("BUY") && t.contains("SELL") && t.contains("SCHEDULED"));
}

#[test]
fn color_off_renders_mono_whatever_the_theme() {
    let mut s = loaded_state();
    s.prefs.theme = blotter::ui::theme::ThemeName::Light;
    s.color = false;
    let b = draw(&s);
    assert!(b.content().iter().all(|c| c.fg == Color::Reset));
}

#[test]
fn help_and_footer_show_overridden_keys() {
    let mut s = loaded_state();
    s.prefs.keymap = blotter::app::keymap::Keymap::default()
        .with_overrides([
            ("pause", vec!["p", "F5"]),
            ("kill_switch", vec!["Ctrl-k"]),
            ("down", vec!["Down", "n"]),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
    ch(&mut s, '?');
    let t = text(&draw(&s));
    insta::assert_snapshot!(t);
    assert!(t.contains("p/F5 pause selected order"), "{t}");
    assert!(t.contains("Ctrl-k kill switch"), "{t}");
    assert!(t.contains("↓/n move down"), "{t}");
    assert!(t.contains("p/F5 pause  "), "footer:\n{t}");
    assert!(t.contains("↑/k ↓/n move"), "footer:\n{t}");
    assert!(!t.contains("   K kill"), "{t}");
}

#[test]
fn a_nats_edge_header_shows_its_feed_link_live_lost_and_stale_with_its_age() {
    use blotter::app::FeedLink;
    let mut s = loaded_state();
    let header = |s: &State| {
        text(&draw(s))
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        !header(&s).contains("feed"),
        "no link locally: {}",
        header(&s)
    );
    feed(
        &mut s,
        FeedEvent::Link {
            link: FeedLink::Live,
            at: ts(NOW),
        },
    );
    assert!(header(&s).contains("feed ● live"), "{}", header(&s));
    assert_eq!(fg_at(&draw(&s), "feed ● live"), Color::Green);
    feed(
        &mut s,
        FeedEvent::Link {
            link: FeedLink::Lost,
            at: ts(NOW),
        },
    );
    assert!(
        header(&s).contains("feed lost — reconnecting"),
        "{}",
        header(&s)
    );
    feed(
        &mut s,
        FeedEvent::Link {
            link: FeedLink::Stale {
                since: ts("2024-01-15T10:29:18Z"),
            },
            at: ts(NOW),
        },
    );
    assert!(header(&s).contains("feed stale 42s"), "{}", header(&s));
    assert_eq!(fg_at(&draw(&s), "feed stale 42s"), Color::Yellow);
    // The age counts up with the clock, without a new event.
    blotter::app::update(&mut s, blotter::app::Msg::Tick(ts("2024-01-15T10:30:10Z")));
    assert!(header(&s).contains("feed stale 52s"), "{}", header(&s));
}

#[test]
fn the_detail_chart_says_from_fills_only_when_fills_with_times_came_back() {
    let mut s = loaded_state();
    s.size = (150, 50);
    key(&mut s, crossterm::event::KeyCode::Enter);
    let id = s.selected_order_id().unwrap();
    // The venue answered with no fills: the line is the straight line to the fill now.
    s.fills = Some((id.clone(), Some(Ok(blotter::domain::Page::default()))));
    let t = text(&draw(&s));
    assert!(t.contains("executed ⣿"), "{t}");
    assert!(!t.contains("from fills"), "{t}");
    // One fill with a time and a quantity: now it is drawn from the fills.
    let fill = blotter::domain::Fill {
        venue: Default::default(),
        order_id: id.clone(),
        placement_id: None,
        exchange: None,
        role: None,
        price: None,
        qty: Some("0.1".parse().unwrap()),
        notional: None,
        fee: None,
        fee_asset: None,
        time: Some(ts("2024-01-15T10:10:00Z")),
    };
    s.fills = Some((id, Some(Ok(blotter::domain::Page::of(vec![fill])))));
    let t = text(&draw(&s));
    assert!(t.contains("(from fills)"), "{t}");
}
