//! Keypress → frame latency while 1,000 order updates per second stream into a 10k-order book,
//! through the real event loop (`tui::run`) on a 200×50 `TestBackend`. Also counts frames, to
//! show they are coalesced (never more than ~60 per second, never one per update).
//! `cargo bench --bench keys`; under `cargo test` it runs for a moment only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blotter::app::{FeedEvent, Msg, State, update};
use blotter::domain::{Order, OrderStatus, Page, Side};
use blotter::feed::FeedHandle;
use blotter::venue::{Capabilities, PushEvent};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use rust_decimal::Decimal;

/// A TestBackend that records when each frame was flushed.
struct Timed {
    inner: TestBackend,
    flushes: Arc<Mutex<Vec<Instant>>>,
}

impl blotter::tui::TerminalOut for Timed {
    fn write_raw(&mut self, _bytes: &[u8]) -> std::io::Result<()> {
        Ok(())
    }
}

impl Backend for Timed {
    type Error = <TestBackend as Backend>::Error;
    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(
        &mut self,
        content: I,
    ) -> Result<(), Self::Error> {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(p)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, t: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(t)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.flushes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Instant::now());
        self.inner.flush()
    }
}

fn book(n: usize) -> Vec<Order> {
    (0..n)
        .map(|i| {
            let mut o = Order::new(
                format!("{i:08x}-0000-4000-8000-000000000000"),
                "BTC-USDT",
                Side::Buy,
                OrderStatus::Active,
            );
            o.target_qty = Some(Decimal::from(2));
            o.executed_qty = Some(Decimal::ONE);
            o.created_at = jiff::Timestamp::UNIX_EPOCH
                .checked_add(jiff::SignedDuration::from_secs(i as i64))
                .ok();
            o
        })
        .collect()
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (seconds, key_every) = if full {
        (10u64, Duration::from_millis(50))
    } else {
        (1, Duration::from_millis(100))
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => panic!("{e}"),
    };
    rt.block_on(async move {
        let orders = book(10_000);
        let mut state = State::new("Tread.fi", Capabilities::ALL, jiff::Timestamp::now());
        state.size = (200, 50);
        update(
            &mut state,
            Msg::Feed(FeedEvent::ActiveOrders {
                venue: Default::default(),
                page: Page::of(orders.clone()),
                at: jiff::Timestamp::now(),
            }),
        );
        let flushes = Arc::new(Mutex::new(Vec::new()));
        let mut terminal = match Terminal::new(Timed {
            inner: TestBackend::new(200, 50),
            flushes: flushes.clone(),
        }) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        // 1,000 updates per second: a burst of 10 every 10 ms.
        let (tx, rx) = tokio::sync::mpsc::channel(4096);
        let producer = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(10));
            let mut i = 0usize;
            let end = Instant::now() + Duration::from_secs(seconds);
            while Instant::now() < end {
                tick.tick().await;
                for _ in 0..10 {
                    let mut o = orders[(i * 7919) % orders.len()].clone();
                    o.executed_qty = Some(Decimal::new(i as i64 % 200, 2));
                    i += 1;
                    let ev = FeedEvent::PushUpdate {
                        venue: Default::default(),
                        event: PushEvent::OrderUpdate {
                            order_id: o.id.clone(),
                            update_type: "fill_received".into(),
                            order: Some(Box::new(o)),
                        },
                        at: jiff::Timestamp::now(),
                    };
                    if tx.send(ev).await.is_err() {
                        return i;
                    }
                }
            }
            i
        });
        // Keys: j/k alternately; remember when each was sent.
        let sent = Arc::new(Mutex::new(Vec::new()));
        let sent_in = sent.clone();
        let keys = futures_util::stream::unfold(0u64, move |n| {
            let sent = sent_in.clone();
            async move {
                if n >= (seconds * 1000) / key_every.as_millis() as u64 {
                    return None;
                }
                tokio::time::sleep(key_every).await;
                let code = if n % 2 == 0 {
                    KeyCode::Char('j')
                } else {
                    KeyCode::Char('k')
                };
                sent.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Instant::now());
                Some((
                    Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
                    n + 1,
                ))
            }
        });
        let started = Instant::now();
        let feed = FeedHandle::detached();
        let result = blotter::tui::run(&mut terminal, state, &feed, rx, Box::pin(keys)).await;
        let elapsed = started.elapsed();
        let updates = producer.await.unwrap_or(0);
        if let Err(e) = result {
            panic!("{e}");
        }
        let flushes = flushes.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let sent = sent.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut lat: Vec<Duration> = sent
            .iter()
            .filter_map(|k| {
                flushes
                    .iter()
                    .find(|f| *f >= k)
                    .map(|f| f.duration_since(*k))
            })
            .collect();
        lat.sort();
        let p = |q: f64| {
            lat.get(((lat.len().saturating_sub(1)) as f64 * q).round() as usize)
                .copied()
                .unwrap_or_default()
        };
        println!(
            "{:<55} p50 {:>9.2?}  p99 {:>9.2?}  (n={})",
            "keypress_to_frame_10k_book_1k_updates_per_s",
            p(0.5),
            p(0.99),
            lat.len()
        );
        println!(
            "{:<55} {:.0} frames/s for {:.0} updates/s",
            "frames_coalesced",
            flushes.len() as f64 / elapsed.as_secs_f64(),
            updates as f64 / elapsed.as_secs_f64()
        );
    });
}
