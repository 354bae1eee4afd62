//! The Tread.fi active-orders read whole (`active_orders`) and streamed
//! (`active_orders_parts`), on a simulator reply of 100k orders served from memory over
//! loopback HTTP in 64 KiB chunks, measured with a counting global allocator:
//! - the peak of live heap bytes above the start of the read, and what is held after it, for
//!   the whole read, the streamed read with every part kept, and the streamed read with each
//!   part dropped once taken (the read's own working set);
//! - the time to the first part against the time to the whole page (one run each, printed);
//! - (criterion) both reads of a 10k-order reply.
//!
//! Figures are printed before criterion runs (`cargo bench --bench stream_read`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use blotter::domain::{Order, Page};
use blotter::sim::{self, SimConfig};
use blotter::venue::Venue;
use blotter::venue::treadfi::TreadfiClient;
use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::StreamExt;
use secrecy::SecretString;

#[path = "common/counting.rs"]
mod counting;
use counting::{PEAK, live};

const KEY: &str = "bench-key";
const CHUNK: usize = 64 * 1024;

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The simulator's `/api/active_orders/` body with `n` extra orders (its seeded book on top).
async fn sim_body(n: usize) -> Bytes {
    let s = sim::spawn(SimConfig {
        auto_advance: false,
        push: false,
        token: Some(KEY.into()),
        extra_orders: n,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let c = TreadfiClient::new(
        &s.base_url(),
        Some(SecretString::from(KEY)),
        Duration::from_secs(120),
    )
    .unwrap();
    Bytes::from(
        c.get_raw("/api/active_orders/?exclude_paused=false")
            .await
            .unwrap(),
    )
}

/// A server answering every request with `body`, sent in [`CHUNK`]-byte slices of the one
/// buffer (no copy); a client for it.
async fn serve(body: Bytes) -> TreadfiClient {
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move {
            let n = body.len().div_ceil(CHUNK);
            let chunks = (0..n).map(move |i| {
                let end = ((i + 1) * CHUNK).min(body.len());
                Ok::<_, std::io::Error>(body.slice(i * CHUNK..end))
            });
            Body::from_stream(futures_util::stream::iter(chunks))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    TreadfiClient::new(
        &format!("http://{addr}"),
        Some(SecretString::from(KEY)),
        Duration::from_secs(120),
    )
    .unwrap()
}

/// Runs `read`; its peak of live bytes above the start, the bytes still held after it (what
/// it returned), and what it returned.
async fn measured<T>(read: impl std::future::Future<Output = T>) -> (usize, usize, T) {
    let base = live();
    PEAK.store(base, Ordering::Relaxed);
    let out = read.await;
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let held = live().saturating_sub(base);
    (peak, held, out)
}

async fn parts_kept(c: &TreadfiClient) -> (usize, Vec<Order>) {
    let mut parts = c.active_orders_parts();
    let mut rows = Vec::new();
    let mut n = 0;
    while let Some(part) = parts.next().await {
        rows.extend(part.unwrap().rows);
        n += 1;
    }
    (n, rows)
}

async fn parts_dropped(c: &TreadfiClient) -> (usize, usize) {
    let mut parts = c.active_orders_parts();
    let (mut n, mut rows) = (0, 0);
    while let Some(part) = parts.next().await {
        rows += part.unwrap().rows.len();
        n += 1;
    }
    (n, rows)
}

fn memory_figures(rt: &tokio::runtime::Runtime) {
    rt.block_on(async {
        let body = sim_body(100_000).await;
        let c = serve(body.clone()).await;
        // Warm the connection pool and the runtime's buffers.
        c.active_orders().await.unwrap();
        println!("stream_read_body          {} (100k orders)", mb(body.len()));

        let (peak, held, page): (usize, usize, Page<Order>) =
            measured(async { c.active_orders().await.unwrap() }).await;
        println!(
            "stream_read_whole         peak {} above the start, {} held after ({} rows): {} for the read itself",
            mb(peak),
            mb(held),
            page.rows.len(),
            mb(peak.saturating_sub(held))
        );
        drop(page);

        let (peak, held, (n, rows)) = measured(parts_kept(&c)).await;
        println!(
            "stream_read_parts_kept    peak {} above the start, {} held after ({} rows, {n} parts): {} for the read itself",
            mb(peak),
            mb(held),
            rows.len(),
            mb(peak.saturating_sub(held))
        );
        drop(rows);

        let (peak, _, (n, rows)) = measured(parts_dropped(&c)).await;
        println!(
            "stream_read_parts_dropped peak {} above the start ({rows} rows, {n} parts, each dropped when taken)",
            mb(peak)
        );

        let t = Instant::now();
        let mut parts = c.active_orders_parts();
        let first = parts.next().await.unwrap().unwrap();
        let to_first = t.elapsed();
        while parts.next().await.is_some() {}
        let to_last = t.elapsed();
        drop(parts);
        let t = Instant::now();
        c.active_orders().await.unwrap();
        let whole = t.elapsed();
        println!(
            "stream_read_first_part    {:.1} ms ({} rows); last part {:.0} ms; whole read {:.0} ms",
            to_first.as_secs_f64() * 1e3,
            first.rows.len(),
            to_last.as_secs_f64() * 1e3,
            whole.as_secs_f64() * 1e3
        );
    });
}

fn bench_reads(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    memory_figures(&rt);
    let client = rt.block_on(async { serve(sim_body(10_000).await).await });
    let mut g = c.benchmark_group("stream_read_10k");
    g.sample_size(10);
    g.bench_function("whole", |b| {
        b.iter(|| rt.block_on(client.active_orders()).unwrap());
    });
    g.bench_function("parts", |b| {
        b.iter(|| rt.block_on(parts_dropped(&client)));
    });
    g.finish();
}

criterion_group!(benches, bench_reads);
criterion_main!(benches);
