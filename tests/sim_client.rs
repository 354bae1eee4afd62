//! The real Tread.fi client against the in-process simulator: what is requested (method, path,
//! query, headers, body), the documented replies, deterministic progression, the WebSocket,
//! and faults.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::time::Duration;

use blotter::domain::{OrderId, OrderStatus};
use blotter::sim::{self, Faults, SimConfig, SimHandle};
use blotter::venue::treadfi::TreadfiClient;
use blotter::venue::{Action, AmendChanges, PushEvent, Venue, VenueError};
use futures_util::StreamExt;
use secrecy::SecretString;

const TOKEN: &str = "sim-secret-token";

async fn sim() -> SimHandle {
    sim::spawn(SimConfig {
        auto_advance: false,
        token: Some(TOKEN.into()),
        ..SimConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("sim: {e}"))
}

fn client(s: &SimHandle, key: &str) -> TreadfiClient {
    TreadfiClient::new(
        &s.base_url(),
        Some(SecretString::from(key.to_string())),
        Duration::from_secs(5),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn active_orders_request_includes_paused_and_carries_the_token() {
    let s = sim().await;
    let c = client(&s, TOKEN);
    let page = c.active_orders().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(page.bad_rows.is_empty());
    assert!(
        page.rows.iter().any(|o| o.status == OrderStatus::Paused),
        "paused order shown"
    );
    assert!(
        page.rows
            .iter()
            .any(|o| o.id.as_str() == "7fecb061-725b-5477-c84c-8e8685ge0f26")
    );
    assert!(
        page.rows.iter().any(|o| o.limit_price.is_none()),
        "limit_price -1.0 → no limit"
    );
    let reqs = s.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].path, "/api/active_orders/");
    assert_eq!(reqs[0].query.as_deref(), Some("exclude_paused=false"));
    assert_eq!(
        reqs[0].authorization.as_deref(),
        Some("Token sim-secret-token")
    );
    s.shutdown().await;
}

#[tokio::test]
async fn bad_token_is_a_401_with_the_venue_message() {
    let s = sim().await;
    let err = client(&s, "wrong").active_orders().await.err();
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("401 Invalid token.")
    );
    s.shutdown().await;
}

#[tokio::test]
async fn actions_send_documented_requests_and_show_replies() {
    let s = sim().await;
    let c = client(&s, TOKEN);
    let page = c.active_orders().await.unwrap_or_else(|e| panic!("{e}"));
    let active = page
        .rows
        .iter()
        .find(|o| o.status == OrderStatus::Active && o.parent_order_id.is_none())
        .map(|o| o.id.clone())
        .unwrap_or_else(|| panic!("no active order"));
    s.clear_requests();

    let r = c
        .act(&Action::Pause(active.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (r.status, r.message.as_str()),
        (202, "Successfully paused order.")
    );
    let req = &s.requests()[0];
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/api/pause_order/")
    );
    assert_eq!(req.content_type.as_deref(), Some("application/json"));
    assert_eq!(req.body, format!(r#"{{"order_id":"{active}"}}"#));

    let again = c.act(&Action::Pause(active.clone())).await.err();
    assert_eq!(
        again.map(|e| e.to_string()).as_deref(),
        Some("422 Order is not running.")
    );

    let r = c
        .act(&Action::Resume(active.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.message, "Successfully resumed order.");
    let again = c.act(&Action::Resume(active.clone())).await.err();
    assert_eq!(
        again.map(|e| e.to_string()).as_deref(),
        Some("422 Order is not paused.")
    );

    let both = AmendChanges {
        base_asset_qty: "1".parse().ok(),
        quote_asset_qty: "2".parse().ok(),
        ..AmendChanges::default()
    };
    let err = c.act(&Action::Amend(active.clone(), both)).await.err();
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("422 Cannot update both base_asset_qty and quote_asset_qty")
    );
    let ok = AmendChanges {
        limit_price: Some("51000".into()),
        duration_secs: Some(86_400),
        ..AmendChanges::default()
    };
    let r = c
        .act(&Action::Amend(active.clone(), ok))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.message, "Successfully amended order.");

    s.clear_requests();
    let r = c
        .act(&Action::Cancel(active.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.message, "Order canceled!");
    let req = &s.requests()[0];
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.path, format!("/api/order/{active}"));
    let r = c
        .act(&Action::Cancel(active.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.message, "Order already canceled!");
    let missing = c.act(&Action::Cancel(OrderId::new("nope"))).await.err();
    assert_eq!(
        missing.map(|e| e.to_string()).as_deref(),
        Some("404 No order found with given ID!")
    );

    // The canceled order is gone from the active set.
    let page = c.active_orders().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(page.rows.iter().all(|o| o.id != active));
    s.shutdown().await;
}

#[tokio::test]
async fn multi_order_actions() {
    let s = sim().await;
    let c = client(&s, TOKEN);
    let multis = c.multi_orders(1).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(multis.rows.len(), 2);
    let id = multis.rows[0].id.clone();
    let r = c
        .act(&Action::PauseMulti(id.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.message, "Successfully paused multi order.");
    let err = c.act(&Action::PauseMulti(id.clone())).await.err();
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("400 Multi Order already paused or terminated")
    );
    let r = c
        .act(&Action::ResumeMulti(id.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.message, "Successfully resumed multi order.");
    s.clear_requests();
    let r = c
        .act(&Action::CancelMulti(id.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.message, "Multi orders canceled!");
    let req = &s.requests()[0];
    assert_eq!(req.path, "/api/cancel_multi_orders/");
    assert_eq!(req.body, format!(r#"{{"order_ids":["{id}"]}}"#));
    let m = c.multi_order(&id).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.status, OrderStatus::Canceled);
    s.shutdown().await;
}

#[tokio::test]
async fn progression_is_deterministic_and_produces_placements_and_errors() {
    let (a, b) = (sim().await, sim().await);
    a.advance(40);
    b.advance(40);
    let qty = |s: &SimHandle| {
        let c = client(s, TOKEN);
        async move {
            let mut v: Vec<_> = c
                .active_orders()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .rows
                .into_iter()
                .map(|o| {
                    (
                        o.pair,
                        o.side.as_str().to_string(),
                        o.executed_qty.map(|d| d.to_string()),
                    )
                })
                .collect();
            v.sort();
            v
        }
    };
    assert_eq!(qty(&a).await, qty(&b).await);
    let c = client(&a, TOKEN);
    let orders = c
        .active_orders()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .rows;
    let mut failed_placement = false;
    for o in &orders {
        let p = c.placements(&o.id).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(p.bad_rows.is_empty());
        failed_placement |= p
            .rows
            .iter()
            .any(|p| p.status == "FAILED" && p.failure_reason.is_some());
    }
    assert!(
        failed_placement,
        "a FAILED placement with its reason after 40 steps"
    );
    let ids: Vec<_> = orders.iter().map(|o| o.id.clone()).collect();
    let msgs = c.order_errors(&ids).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!msgs.is_empty());
    assert!(
        msgs.windows(2).all(|w| w[0].created_at >= w[1].created_at),
        "newest first"
    );
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn websocket_streams_order_updates_and_rejects_bad_tokens() {
    let s = sim().await;
    let c = client(&s, TOKEN);
    let mut stream = match c.push().await {
        Ok(Some(st)) => st,
        other => panic!("no push stream: {:?}", other.err()),
    };
    // Subscription is processed asynchronously: step until an update arrives.
    let got = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            s.advance(1);
            if let Ok(Some(item)) =
                tokio::time::timeout(Duration::from_millis(200), stream.next()).await
            {
                return item;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no update"));
    match got {
        Ok(PushEvent::OrderUpdate { order, .. }) => assert!(order.is_some()),
        Err(e) => panic!("{e}"),
    }
    // The key never travels in the URL.
    assert!(
        s.requests()
            .iter()
            .all(|r| !r.query.as_deref().unwrap_or("").contains(TOKEN))
    );

    let bad = client(&s, "wrong");
    let mut stream = match bad.push().await {
        Ok(Some(st)) => st,
        other => panic!("no push stream: {:?}", other.err()),
    };
    let end = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    match end {
        Ok(Some(Err(e))) => assert!(e.is_auth(), "{e}"),
        other => panic!("expected an auth failure, got {other:?}"),
    }
    s.shutdown().await;
}

#[tokio::test]
async fn faults_surface_as_typed_errors_and_clear() {
    let s = sim().await;
    let c = TreadfiClient::new(
        &s.base_url(),
        Some(SecretString::from(TOKEN.to_string())),
        Duration::from_millis(500),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    s.set_faults(Faults {
        server_error: true,
        ..Faults::default()
    });
    assert!(matches!(
        c.active_orders().await,
        Err(VenueError::Http { status: 503, .. })
    ));
    s.set_faults(Faults {
        rate_limit_secs: Some(7),
        ..Faults::default()
    });
    assert!(matches!(
        c.active_orders().await,
        Err(VenueError::Http {
            status: 429,
            retry_after_secs: Some(7),
            ..
        })
    ));
    s.set_faults(Faults {
        malformed: true,
        ..Faults::default()
    });
    assert!(matches!(
        c.active_orders().await,
        Err(VenueError::Decode { .. })
    ));
    s.set_faults(Faults {
        stall: true,
        ..Faults::default()
    });
    assert!(matches!(
        c.active_orders().await,
        Err(VenueError::Network(_))
    ));
    s.set_faults(Faults::default());
    assert!(c.active_orders().await.is_ok());
    s.shutdown().await;
}

#[tokio::test]
async fn venue_wide_actions_use_the_documented_endpoints() {
    let s = sim().await;
    let c = client(&s, TOKEN);
    let before = c.active_orders().await.unwrap_or_else(|e| panic!("{e}"));
    let account = before.rows[0].account_names[0].clone();
    s.clear_requests();
    let reply = c
        .act(&Action::CancelAll {
            venue: Default::default(),
            account_names: vec![account.to_string()],
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reply.message, "Successfully canceled all orders.");
    let reply = c
        .act(&Action::PauseAll {
            venue: Default::default(),
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reply.message, "Successfully paused all orders.");
    let reqs = s.requests();
    let seen: Vec<_> = reqs
        .iter()
        .map(|r| {
            (
                r.method.as_str(),
                r.path.as_str(),
                r.query.as_deref(),
                r.body.as_str(),
            )
        })
        .collect();
    let body = format!("{{\"account_names\":\"{account}\"}}");
    assert_eq!(
        seen,
        [
            (
                "POST",
                "/api/cancel_all_orders/",
                Some("exclude_paused=false"),
                body.as_str()
            ),
            ("POST", "/api/pause_all_orders/", None, ""),
        ]
    );
    // The account's orders are gone (paused ones too); every other order is now paused.
    let after = c.active_orders().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        after
            .rows
            .iter()
            .all(|o| !o.account_names.contains(&account))
    );
    assert!(after.rows.iter().all(|o| o.status != OrderStatus::Active));
}
