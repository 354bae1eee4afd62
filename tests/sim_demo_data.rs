//! Demo data that looks real: every fill the simulator serves has the price it traded at and a
//! fee (TAKE fills included: a taker placement has no limit price), every finished order has its
//! arrival price (served on completion, as the document says), and a failed order reads like the document's failures — read
//! through the real clients, in both row shapes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::time::Duration;

use blotter::domain::{Fill, OrderStatus};
use blotter::sim::{self, Shapes, SimConfig, SimHandle};
use blotter::venue::Venue;
use blotter::venue::alphasec::{AlphaSecClient, TokenMap};
use blotter::venue::treadfi::TreadfiClient;
use rust_decimal::Decimal;
use secrecy::SecretString;

const TOKEN: &str = "sim-secret-token";

async fn sim(shapes: Shapes) -> SimHandle {
    sim::spawn(SimConfig {
        auto_advance: false,
        token: Some(TOKEN.into()),
        shapes,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn tread(s: &SimHandle) -> TreadfiClient {
    TreadfiClient::new(
        &s.base_url(),
        Some(SecretString::from(TOKEN.to_string())),
        Duration::from_secs(5),
    )
    .unwrap()
}

/// A fill with a positive price and a positive fee whose notional is price × quantity.
fn assert_priced(f: &Fill) {
    let price = f
        .price
        .unwrap_or_else(|| panic!("fill without a price: {f:?}"));
    let fee = f.fee.unwrap_or_else(|| panic!("fill without a fee: {f:?}"));
    assert!(price > Decimal::ZERO, "{f:?}");
    assert!(fee > Decimal::ZERO, "{f:?}");
    let qty = f
        .qty
        .unwrap_or_else(|| panic!("fill without a quantity: {f:?}"));
    // The fee is a few bps of the fill's notional, not a constant.
    let notional = price * qty;
    assert!(fee < notional * Decimal::new(1, 2), "{f:?}");
    assert!(fee > notional * Decimal::new(1, 5), "{f:?}");
}

#[tokio::test]
async fn every_simulated_fill_has_a_price_and_a_fee_takers_included() {
    for shapes in [Shapes::Sim, Shapes::Docs] {
        let s = sim(shapes).await;
        s.advance(40);
        let c = tread(&s);
        let mut fills = Vec::new();
        let active = c.active_orders().await.unwrap();
        for o in &active.rows {
            if o.executed_qty.is_some_and(|q| q > Decimal::ZERO) {
                let page = c.fills(&o.id).await.unwrap();
                assert!(page.bad_rows.is_empty(), "{:?}", page.bad_rows);
                assert!(
                    !page.rows.is_empty(),
                    "{shapes:?}: {} executed, no fills",
                    o.id
                );
                fills.extend(page.rows);
            }
        }
        assert!(fills.len() > 10, "{shapes:?}: only {} fills", fills.len());
        for f in &fills {
            assert_priced(f);
        }
        if shapes == Shapes::Sim {
            // The document's order-detail shape names the role; takers are among them.
            assert!(
                fills.iter().any(|f| f.role.as_deref() == Some("TAKE")),
                "no TAKE fill among {}",
                fills.len()
            );
        }
        s.shutdown().await;
    }
}

#[tokio::test]
async fn arrival_price_is_served_on_completion_as_the_document_says() {
    // "Computed: market price at order start. Populated on completion": null while an order
    // works, the start's price once it has finished.
    let s = sim(Shapes::Sim).await;
    let c = tread(&s);
    s.advance(5);
    let page = c.active_orders().await.unwrap();
    assert!(page.rows.len() >= 8, "{}", page.rows.len());
    for o in &page.rows {
        assert_eq!(o.arrival_price, None, "{} is still working", o.id);
    }
    let since = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(2))
        .unwrap();
    s.advance(8);
    let history = Venue::history(&c, since).await.unwrap();
    let finished: Vec<_> = history
        .rows
        .iter()
        .filter(|o| o.status == OrderStatus::Complete)
        .collect();
    assert!(!finished.is_empty());
    for o in finished {
        let arrival = o
            .arrival_price
            .unwrap_or_else(|| panic!("{} {} has no arrival price", o.id, o.pair));
        assert!(arrival > Decimal::ZERO);
    }
    s.shutdown().await;
}

#[tokio::test]
async fn a_simulated_failure_reads_like_the_document() {
    let s = sim(Shapes::Sim).await;
    let c = tread(&s);
    let since = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(2))
        .unwrap();
    // The seeded order that fails does so at step 6.
    s.advance(8);
    let history = Venue::history(&c, since).await.unwrap();
    let failed: Vec<_> = history
        .rows
        .iter()
        .filter(|o| o.status == OrderStatus::Failed)
        .collect();
    assert!(failed.len() >= 2, "{failed:?}");
    for o in failed {
        assert_eq!(
            o.failure_reason.as_deref(),
            Some("Insufficient balance for order execution"),
            "{}",
            o.id
        );
    }
    s.shutdown().await;
}

#[tokio::test]
async fn alphasec_trades_have_a_price_and_a_fee_in_proportion() {
    let s = sim(Shapes::Sim).await;
    let tokens: TokenMap = sim::alphasec::DEMO_TOKENS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let c = AlphaSecClient::new(
        &s.alphasec_url(),
        sim::alphasec::DEMO_ADDRESS.into(),
        tokens,
        Duration::from_secs(5),
    )
    .unwrap();
    let open = c.active_orders().await.unwrap();
    let partly = open
        .rows
        .iter()
        .find(|o| o.executed_qty.is_some_and(|q| q > Decimal::ZERO))
        .unwrap_or_else(|| panic!("no part-filled order: {:?}", open.rows));
    let fills = c.fills(&partly.id).await.unwrap();
    assert!(!fills.rows.is_empty());
    for f in &fills.rows {
        assert_priced(f);
    }
    s.shutdown().await;
}
