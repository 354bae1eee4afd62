//! Delay from the simulator changing an order to the blotter's state holding the change, via
//! the WebSocket and via polling (100 ms interval), against the loopback simulator. Prints
//! p50/p99. `cargo bench --bench latency`; under `cargo test` it runs a few samples only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::sync::Arc;
use std::time::{Duration, Instant};

use blotter::app::{Msg, State, update};
use blotter::domain::{MultiOrder, Order, OrderId, OrderMessage, Page, Placement};
use blotter::feed::{self, FeedConfig};
use blotter::sim::{self, SimConfig};
use blotter::venue::treadfi::TreadfiClient;
use blotter::venue::{Action, ActionReply, Capabilities, Venue, VenueResult};
use futures_util::future::BoxFuture;
use rust_decimal::Decimal;

/// The real client with its push channel hidden, to measure polling alone.
struct PollOnly(TreadfiClient);

impl Venue for PollOnly {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }
    fn active_orders(&self) -> BoxFuture<'_, VenueResult<Page<Order>>> {
        self.0.active_orders()
    }
    fn multi_orders(&self, n: u32) -> BoxFuture<'_, VenueResult<Page<MultiOrder>>> {
        self.0.multi_orders(n)
    }
    fn multi_order(&self, id: &OrderId) -> BoxFuture<'_, VenueResult<MultiOrder>> {
        self.0.multi_order(id)
    }
    fn placements(&self, id: &OrderId) -> BoxFuture<'_, VenueResult<Page<Placement>>> {
        self.0.placements(id)
    }
    fn order_errors(&self, ids: &[OrderId]) -> BoxFuture<'_, VenueResult<Vec<OrderMessage>>> {
        self.0.order_errors(ids)
    }
    fn act(&self, a: &Action) -> BoxFuture<'_, VenueResult<ActionReply>> {
        self.0.act(a)
    }
}

fn executed_total(s: &State) -> Decimal {
    s.book.orders().iter().filter_map(|o| o.executed_qty).sum()
}

async fn measure(
    venue: Arc<dyn Venue>,
    sim: &sim::SimHandle,
    samples: usize,
    wait_live: bool,
) -> Vec<Duration> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(4096);
    let cfg = FeedConfig {
        interval: Duration::from_millis(100),
        ..FeedConfig::default()
    };
    let handle = feed::spawn(venue.clone(), cfg, tx);
    let mut state = State::new(venue.name(), venue.capabilities(), jiff::Timestamp::now());
    // Settle: first snapshot (and the live stream, when measuring it).
    loop {
        let Some(ev) = rx.recv().await else { break };
        update(&mut state, Msg::Feed(ev));
        let live = state.venues[0].push == blotter::app::PushStatus::Live;
        if !state.book.orders().is_empty() && (live || !wait_live) {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(ev) = rx.try_recv() {
        update(&mut state, Msg::Feed(ev));
    }
    let mut out = Vec::with_capacity(samples);
    for _ in 0..samples {
        let before = executed_total(&state);
        let t0 = Instant::now();
        sim.advance(1);
        while let Ok(Some(ev)) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            update(&mut state, Msg::Feed(ev));
            if executed_total(&state) != before {
                out.push(t0.elapsed());
                break;
            }
        }
        // Let the rest of this step's updates land before the next sample.
        tokio::time::sleep(Duration::from_millis(120)).await;
        while let Ok(ev) = rx.try_recv() {
            update(&mut state, Msg::Feed(ev));
        }
    }
    handle.stop();
    out
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).copied().unwrap_or_default()
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let samples = if full { 200 } else { 5 };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => panic!("{e}"),
    };
    rt.block_on(async {
        let sim = match sim::spawn(SimConfig {
            auto_advance: false,
            ..SimConfig::default()
        })
        .await
        {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let client =
            || match TreadfiClient::new(&sim.base_url(), Some(sim.token()), Duration::from_secs(5))
            {
                Ok(c) => c,
                Err(e) => panic!("{e}"),
            };
        let mut ws = measure(Arc::new(client()), &sim, samples, true).await;
        let mut poll = measure(Arc::new(PollOnly(client())), &sim, samples, false).await;
        println!(
            "{:<55} p50 {:>9.2?}  p99 {:>9.2?}  (n={})",
            "change_to_state_via_websocket",
            pct(&mut ws, 0.5),
            pct(&mut ws, 0.99),
            ws.len()
        );
        println!(
            "{:<55} p50 {:>9.2?}  p99 {:>9.2?}  (n={})",
            "change_to_state_via_polling_100ms",
            pct(&mut poll, 0.5),
            pct(&mut poll, 0.99),
            poll.len()
        );
        sim.shutdown().await;
    });
}
