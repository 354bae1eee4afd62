//! The simulator refuses what the Tread.fi documents say the venue refuses: auth other than
//! `Authorization: Token <key>`, undocumented endpoints, the amend rules (400/404/422 with the
//! documented bodies), and the bulk endpoints' 400 and partial-failure 422 replies. Raw HTTP,
//! so each refusal is checked by method, path, status and body.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::time::Duration;

use blotter::sim::{self, Faults, SimConfig, SimHandle};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

async fn sim_with(cfg: SimConfig) -> SimHandle {
    sim::spawn(cfg).await.unwrap_or_else(|e| panic!("sim: {e}"))
}

async fn sim() -> SimHandle {
    sim_with(SimConfig {
        auto_advance: false,
        ..SimConfig::default()
    })
    .await
}

/// Sends `method path` with `auth` as the `Authorization` header (none when `None`) and an
/// optional JSON body; returns (status, body as JSON, `Null` when not JSON).
async fn call(
    s: &SimHandle,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let http = {
        blotter::venue::install_crypto_provider();
        reqwest::Client::new()
    };
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let mut req = http
        .request(method, format!("{}{path}", s.base_url()))
        .timeout(Duration::from_secs(5));
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("{e}"));
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn token(s: &SimHandle) -> String {
    format!("Token {}", s.token().expose_secret())
}

/// As the venue's user would: with the right key.
async fn api(s: &SimHandle, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    call(s, method, path, Some(&token(s)), body).await
}

/// The open orders as the simulator lists them (paused included).
async fn open_orders(s: &SimHandle) -> Vec<Value> {
    let (status, v) = api(s, "GET", "/api/active_orders/?exclude_paused=false", None).await;
    assert_eq!(status, 200);
    v["orders"].as_array().cloned().unwrap_or_default()
}

fn id_of(o: &Value) -> String {
    o["id"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn auth_is_token_only_and_always_on() {
    let s = sim().await;
    let key = s.token();
    assert_eq!(key.expose_secret().len(), 40, "a random 40-hex key");
    let other = sim().await;
    assert_ne!(
        key.expose_secret(),
        other.token().expose_secret(),
        "each simulator makes its own key"
    );
    let path = "/api/active_orders/";
    let invalid = json!({"detail": "Invalid token."});
    assert_eq!(
        call(&s, "GET", path, None, None).await,
        (
            401,
            json!({"detail": "Authentication credentials were not provided."})
        )
    );
    let bearer = format!("Bearer {}", key.expose_secret());
    assert_eq!(
        call(&s, "GET", path, Some(&bearer), None).await,
        (401, invalid.clone())
    );
    assert_eq!(
        call(&s, "GET", path, Some("Token wrong"), None).await,
        (401, invalid.clone())
    );
    let bare = key.expose_secret().to_string();
    assert_eq!(
        call(&s, "GET", path, Some(&bare), None).await,
        (401, invalid.clone())
    );
    let other_key = token(&other);
    assert_eq!(
        call(&s, "GET", path, Some(&other_key), None).await,
        (401, invalid.clone())
    );
    // Writes too, and nothing changes.
    let before = open_orders(&s).await;
    let target = id_of(&before[0]);
    assert_eq!(
        call(
            &s,
            "POST",
            "/api/pause_order/",
            Some(&bearer),
            Some(json!({"order_id": target}))
        )
        .await,
        (401, invalid.clone())
    );
    assert_eq!(open_orders(&s).await, before);
    // The simulator's own controls need the key as well.
    assert_eq!(
        call(&s, "GET", "/_sim/faults", None, None).await.0,
        401,
        "admin without the key"
    );
    assert_eq!(api(&s, "GET", "/_sim/faults", None).await.0, 200);
    assert_eq!(api(&s, "GET", path, None).await.0, 200);
    s.shutdown().await;
    other.shutdown().await;
}

#[tokio::test]
async fn a_configured_key_is_the_only_key() {
    let s = sim_with(SimConfig {
        auto_advance: false,
        token: Some("my-demo-key".into()),
        ..SimConfig::default()
    })
    .await;
    assert_eq!(s.token().expose_secret(), "my-demo-key");
    let path = "/api/active_orders/";
    assert_eq!(
        call(&s, "GET", path, Some("Token my-demo-key"), None)
            .await
            .0,
        200
    );
    assert_eq!(
        call(&s, "GET", path, Some("Token my-demo-ke"), None)
            .await
            .0,
        401
    );
    assert_eq!(
        call(&s, "GET", path, Some("Token my-demo-keyy"), None)
            .await
            .0,
        401
    );
    s.shutdown().await;
}

#[tokio::test]
async fn endpoints_the_documents_do_not_have_are_404_like_django() {
    let s = sim().await;
    let not_found = json!({"detail": "Not found."});
    let multi = {
        let (status, v) = api(&s, "GET", "/api/multi_orders/", None).await;
        assert_eq!(status, 200);
        v["multi_orders"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert!(!multi.is_empty());
    for (method, path) in [
        ("GET", "/api/nope/"),
        ("POST", "/api/cancel_order/"),
        ("GET", "/api/order/"),
        ("POST", "/api/multi_order/cancel/"),
        // The old admin paths are gone from the venue's surface.
        ("GET", "/admin/faults"),
        ("POST", "/admin/step"),
        ("POST", "/admin/paused"),
    ] {
        assert_eq!(
            api(&s, method, path, None).await,
            (404, not_found.clone()),
            "{method} {path}"
        );
    }
    // The official client's multi-order cancel is not in the document: the path exists for
    // GET only.
    assert_eq!(
        api(&s, "DELETE", &format!("/api/multi_order/{multi}"), None).await,
        (405, json!({"detail": "Method \"DELETE\" not allowed."}))
    );
    assert_eq!(
        api(&s, "GET", &format!("/api/multi_order/{multi}"), None)
            .await
            .1["status"],
        json!("ACTIVE"),
        "still active: the DELETE did nothing"
    );
    assert_eq!(
        api(&s, "POST", "/api/active_orders/", Some(json!({}))).await,
        (405, json!({"detail": "Method \"POST\" not allowed."}))
    );
    // The push channel is served by default …
    assert_eq!(
        call(&s, "GET", "/ws/orders/", None, None).await.0,
        400,
        "a plain GET on the WebSocket path is a failed upgrade, not a 404"
    );
    s.shutdown().await;
    // … and not at all when switched off.
    let quiet = sim_with(SimConfig {
        auto_advance: false,
        push: false,
        ..SimConfig::default()
    })
    .await;
    assert_eq!(
        call(&quiet, "GET", "/ws/orders/", None, None).await,
        (404, not_found)
    );
    quiet.shutdown().await;
}

fn error(text: &str) -> Value {
    json!({ "error": text })
}

#[tokio::test]
async fn amend_refuses_each_documented_rule_with_its_body() {
    let s = sim().await;
    let orders = open_orders(&s).await;
    let top_active = orders
        .iter()
        .find(|o| o["status"] == "ACTIVE" && o["parent_order_id"].is_null())
        .map(id_of)
        .unwrap_or_else(|| panic!("no active top-level order"));
    let child = orders
        .iter()
        .find(|o| o["parent_order_id"].is_string())
        .map(id_of)
        .unwrap_or_else(|| panic!("no child order"));
    // Seeded: the paused ETH VWAP sell of 12.5, 30% executed (3.75).
    let paused = orders
        .iter()
        .find(|o| o["status"] == "PAUSED")
        .cloned()
        .unwrap_or_else(|| panic!("no paused order"));
    assert_eq!(paused["executed_qty"], json!("3.75"));
    let amend = |id: &str, changes: Value| json!({"order_id": id, "changes": changes});
    let path = "/api/amend_order/";
    let cases: Vec<(&str, Value, u16, Value)> = vec![
        (
            "missing changes",
            json!({"order_id": top_active}),
            400,
            error("Missing required field(s): order_id, changes"),
        ),
        (
            "changes not an object",
            json!({"order_id": top_active, "changes": "duration=900"}),
            400,
            error("Missing required field(s): order_id, changes"),
        ),
        (
            "non-numeric quantity",
            amend(&top_active, json!({"base_asset_qty": "lots"})),
            400,
            error("base_asset_qty is invalid"),
        ),
        (
            "unknown order",
            amend("no-such-order", json!({"duration": 900})),
            404,
            error("Order no-such-order not found"),
        ),
        (
            "both quantities",
            amend(
                &top_active,
                json!({"base_asset_qty": "1", "quote_asset_qty": "2"}),
            ),
            422,
            error("Cannot update both base_asset_qty and quote_asset_qty"),
        ),
        (
            "child order",
            amend(&child, json!({"duration": 86400})),
            422,
            error("Cannot amend a child order"),
        ),
        (
            "quantity under 5% above executed",
            amend(&id_of(&paused), json!({"base_asset_qty": "3.9"})),
            422,
            error("New quantity must be at least 5% above the executed quantity"),
        ),
        (
            "quantity not positive",
            amend(&top_active, json!({"base_asset_qty": "0"})),
            422,
            error("Quantity must be positive"),
        ),
        (
            "duration under 5% above elapsed",
            amend(&top_active, json!({"duration": 10})),
            422,
            error("Duration must be at least 5% more than elapsed time"),
        ),
        (
            "pov_target outside 0-1",
            amend(&top_active, json!({"pov_target": 1.5})),
            422,
            error("pov_target must be between 0 and 1"),
        ),
        (
            "invalid limit price",
            amend(&top_active, json!({"limit_price": "cheap"})),
            422,
            error("Invalid limit price"),
        ),
    ];
    let before = open_orders(&s).await;
    for (rule, body, status, reply) in cases {
        assert_eq!(
            api(&s, "POST", path, Some(body)).await,
            (status, reply),
            "{rule}"
        );
    }
    assert_eq!(
        open_orders(&s).await,
        before,
        "no refused amend changed a row"
    );
    // 5% above executed is fine (3.75 × 1.05 = 3.9375).
    assert_eq!(
        api(
            &s,
            "POST",
            path,
            Some(amend(&id_of(&paused), json!({"base_asset_qty": "3.9375"})))
        )
        .await,
        (202, json!({"message": "Successfully amended order."}))
    );
    s.shutdown().await;
}

#[tokio::test]
async fn amend_refuses_an_order_with_less_than_15_seconds_left() {
    let s = sim().await;
    let orders = open_orders(&s).await;
    // The youngest active top-level order: 5% of its elapsed time is only a few seconds.
    let o = orders
        .iter()
        .filter(|o| o["status"] == "ACTIVE" && o["parent_order_id"].is_null())
        .max_by_key(|o| o["time_start"].as_str().unwrap_or_default().to_string())
        .cloned()
        .unwrap_or_else(|| panic!("no active order"));
    let start: jiff::Timestamp = o["time_start"]
        .as_str()
        .unwrap_or_default()
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let elapsed = jiff::Timestamp::now().duration_since(start).as_secs();
    // Just over 5% above the elapsed time: accepted, and leaves about 5% + 3 s, under 15 s.
    let duration = elapsed * 21 / 20 + 3;
    assert!(
        duration - elapsed < 15,
        "seeded order too old for this test"
    );
    let body = |d: i64| json!({"order_id": id_of(&o), "changes": {"duration": d}});
    assert_eq!(
        api(&s, "POST", "/api/amend_order/", Some(body(duration))).await,
        (202, json!({"message": "Successfully amended order."}))
    );
    assert_eq!(
        api(&s, "POST", "/api/amend_order/", Some(body(86_400))).await,
        (422, error("Order is too close to completion to amend"))
    );
    s.shutdown().await;
}

#[tokio::test]
async fn bulk_endpoints_answer_400_when_there_is_nothing_to_do() {
    let s = sim().await;
    let ok = |m: &str| (200, json!({ "message": m }));
    let bad = |m: &str| (400, json!({ "message": m }));
    assert_eq!(
        api(&s, "POST", "/api/resume_all_orders/", None).await,
        ok("Successfully resumed all orders.")
    );
    assert_eq!(
        api(&s, "POST", "/api/resume_all_orders/", None).await,
        bad("No paused orders to resume.")
    );
    assert_eq!(
        api(&s, "POST", "/api/pause_all_orders/", None).await,
        ok("Successfully paused all orders.")
    );
    assert_eq!(
        api(&s, "POST", "/api/pause_all_orders/", None).await,
        bad("No active orders to cancel."),
        "the document's pause sample reads 'cancel'"
    );
    assert_eq!(
        api(
            &s,
            "POST",
            "/api/cancel_all_orders/",
            Some(json!({"account_names": "bad_account"}))
        )
        .await,
        bad(
            "No active orders to cancel. Failed to fetch accounts: ['Account not found: bad_account']"
        )
    );
    // cancel_all_orders with nothing to cancel is a 200 ("or no orders to cancel"); paused
    // orders are excluded by default, so this cancels only the scheduled one.
    assert_eq!(
        api(&s, "POST", "/api/cancel_all_orders/", None).await,
        ok("Successfully canceled all orders.")
    );
    assert_eq!(
        api(&s, "POST", "/api/cancel_all_orders/", None).await,
        ok("Successfully canceled all orders.")
    );
    assert!(
        open_orders(&s)
            .await
            .iter()
            .all(|o| o["status"] == "PAUSED"),
        "paused orders survive exclude_paused=true (the default)"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn bulk_partial_failure_is_the_documented_422_and_the_failed_orders_stay() {
    let s = sim().await;
    let active: Vec<String> = open_orders(&s)
        .await
        .iter()
        .filter(|o| o["status"] == "ACTIVE")
        .map(id_of)
        .collect();
    assert!(active.len() >= 4);
    let failing = vec![active[0].clone(), active[1].clone()];
    s.set_faults(Faults {
        bulk_fail: failing.clone(),
        ..Faults::default()
    });
    let (status, body) = api(&s, "POST", "/api/pause_all_orders/", None).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        error(&format!(
            "Paused {} orders with 2 failures: ['{}', '{}']",
            active.len() - 2,
            failing[0],
            failing[1]
        ))
    );
    let after = open_orders(&s).await;
    let status_of = |id: &str| {
        after
            .iter()
            .find(|o| o["id"] == id)
            .map(|o| o["status"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(status_of(&failing[0]), json!("ACTIVE"));
    assert_eq!(status_of(&failing[1]), json!("ACTIVE"));
    assert_eq!(status_of(&active[2]), json!("PAUSED"));
    let (status, body) = api(&s, "POST", "/api/cancel_all_orders/", None).await;
    assert_eq!(status, 422);
    // Only the two still-active ones and the scheduled one qualify; the two fail.
    let text = body["error"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("Canceled 1 orders with 2 failures: ['Failed to cancel order "),
        "{text}"
    );
    assert!(
        text.contains(&failing[0]) && text.contains(&failing[1]),
        "{text}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn the_demo_desk_hands_the_simulators_random_key_to_its_client() {
    let s = sim().await;
    let venues =
        blotter::desk::demo_venues(&s, Duration::from_secs(5)).unwrap_or_else(|e| panic!("{e}"));
    let (_, treadfi) = venues
        .iter()
        .find(|(id, _)| id.as_str() == "treadfi")
        .unwrap_or_else(|| panic!("no treadfi demo venue"));
    let page = treadfi
        .active_orders()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(page.rows.len() >= 12);
    let auth: Vec<Option<String>> = s
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| r.authorization)
        .collect();
    assert_eq!(auth, vec![Some(token(&s))]);
    s.shutdown().await;
}

#[tokio::test]
async fn the_client_shows_the_bulk_refusals_in_the_venues_words() {
    use blotter::venue::{Action, Venue};
    let s = sim().await;
    let c = blotter::venue::treadfi::TreadfiClient::new(
        &s.base_url(),
        Some(s.token()),
        Duration::from_secs(5),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let pause_all = Action::PauseAll {
        venue: Default::default(),
    };
    let active: Vec<String> = open_orders(&s)
        .await
        .iter()
        .filter(|o| o["status"] == "ACTIVE")
        .map(id_of)
        .collect();
    s.set_faults(Faults {
        bulk_fail: vec![active[0].clone()],
        ..Faults::default()
    });
    let partial = c.act(&pause_all).await.err().map(|e| e.to_string());
    assert_eq!(
        partial,
        Some(format!(
            "422 Paused {} orders with 1 failures: ['{}']",
            active.len() - 1,
            active[0]
        ))
    );
    s.set_faults(Faults::default());
    let reply = c.act(&pause_all).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reply.message, "Successfully paused all orders.");
    let nothing = c.act(&pause_all).await.err().map(|e| e.to_string());
    assert_eq!(nothing.as_deref(), Some("400 No active orders to cancel."));
    s.shutdown().await;
}

#[tokio::test]
async fn write_bodies_must_be_json_as_the_documents_say() {
    let s = sim().await;
    let target = open_orders(&s)
        .await
        .iter()
        .find(|o| o["status"] == "ACTIVE")
        .map(id_of)
        .unwrap_or_else(|| panic!("no active order"));
    let body = json!({ "order_id": target }).to_string();
    let send = |content_type: Option<&'static str>| {
        let mut req = {
            blotter::venue::install_crypto_provider();
            reqwest::Client::new()
        }
        .post(format!("{}/api/pause_order/", s.base_url()))
        .header("Authorization", token(&s))
        .body(body.clone());
        if let Some(ct) = content_type {
            req = req.header("Content-Type", ct);
        }
        async move {
            let r = req.send().await.unwrap_or_else(|e| panic!("{e}"));
            let status = r.status().as_u16();
            let text = r.text().await.unwrap_or_default();
            (
                status,
                serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
            )
        }
    };
    assert_eq!(
        send(Some("text/plain")).await,
        (
            415,
            json!({"detail": "Unsupported media type \"text/plain\" in request."})
        )
    );
    assert_eq!(
        send(None).await,
        (400, error("Missing required field: order_id"))
    );
    assert_eq!(
        send(Some("application/json")).await,
        (202, json!({"message": "Successfully paused order."}))
    );
    s.shutdown().await;
}

/// The placements of `order_id` the simulator lists with `extra` query parameters:
/// (status, body).
async fn placements(s: &SimHandle, order_id: &str, extra: &str) -> (u16, Value) {
    api(
        s,
        "GET",
        &format!("/api/placements/?order_id={order_id}&page_size=1000{extra}"),
        None,
    )
    .await
}

fn placement_times(body: &Value) -> Vec<(String, jiff::Timestamp)> {
    body["placements"]
        .as_array()
        .unwrap_or_else(|| panic!("no placements list: {body}"))
        .iter()
        .map(|p| {
            let at = p["created_at"].as_str().unwrap();
            (p["id"].as_str().unwrap().to_owned(), at.parse().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn placements_honour_after_and_before_with_and_without_a_zone() {
    let s = sim().await;
    // Several steps far enough apart that placements get distinct creation times.
    for _ in 0..6 {
        s.advance(1);
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    // An order with placements from at least three distinct times.
    let mut found = None;
    for o in open_orders(&s).await {
        let (status, body) = placements(&s, &id_of(&o), "").await;
        assert_eq!(status, 200, "{body}");
        let mut times: Vec<jiff::Timestamp> =
            placement_times(&body).iter().map(|(_, t)| *t).collect();
        times.sort();
        times.dedup();
        if times.len() >= 3 {
            found = Some((id_of(&o), placement_times(&body), times));
            break;
        }
    }
    let (order_id, all, times) = found.expect("an order with placements at 3 distinct times");
    let cut = times[1];
    let later: Vec<&String> = all
        .iter()
        .filter(|(_, t)| *t > cut)
        .map(|(id, _)| id)
        .collect();
    let earlier: Vec<&String> = all
        .iter()
        .filter(|(_, t)| *t < cut)
        .map(|(id, _)| id)
        .collect();
    assert!(!later.is_empty() && !earlier.is_empty());
    assert!(
        later.len() + earlier.len() < all.len(),
        "some at the cut itself"
    );

    let naive = cut.strftime("%Y-%m-%dT%H:%M:%S%.6f").to_string();
    let plus_two = cut
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(2)))
        .strftime("%Y-%m-%dT%H:%M:%S%.6f%:z")
        .to_string()
        .replace('+', "%2B");
    for written in [cut.to_string(), naive.clone(), plus_two] {
        let (status, body) = placements(&s, &order_id, &format!("&after={written}")).await;
        assert_eq!(status, 200, "after={written}: {body}");
        let ids: Vec<String> = placement_times(&body)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids.iter().collect::<Vec<_>>(), later, "after={written}");
        assert_eq!(body["count"], later.len(), "after={written}");

        let (status, body) = placements(&s, &order_id, &format!("&before={written}")).await;
        assert_eq!(status, 200, "before={written}: {body}");
        let ids: Vec<String> = placement_times(&body)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids.iter().collect::<Vec<_>>(), earlier, "before={written}");
    }
    // A bare date long ago: everything.
    let (status, body) = placements(&s, &order_id, "&after=2020-01-01").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(placement_times(&body).len(), all.len());

    // Not ISO 8601: the document's 400 for a bad date parameter.
    for bad in ["yesterday", "2024-13-01T00:00:00Z", "1700000000000"] {
        assert_eq!(
            placements(&s, &order_id, &format!("&after={bad}")).await,
            (400, json!({"message": "Invalid after date format"})),
            "after={bad}"
        );
    }
    assert_eq!(
        placements(&s, &order_id, "&before=soon").await,
        (400, json!({"message": "Invalid before date format"}))
    );
}
