//! Every example of the venue documents is a fixture, and each one is read the way a person
//! would read it on screen. Issue 14 ("every documented shape, read").
//!
//! - `tests/fixtures/treadfi/doc_blocks/`: every Tread.fi code block that is not already a
//!   fixture of its own, verbatim (see that folder's `README.md`): error and success bodies,
//!   mostly inside the documents' OpenAPI-like wrappers, each scenario's text checked here;
//!   the request bodies; the non-JSON originals of the converted fixtures.
//! - Tread.fi's action replies (`reply_*.json`) and the Anboto examples that had no value
//!   assertions yet.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly

use std::path::{Path, PathBuf};

use blotter::domain::{OrderId, OrderStatus, Side};
use blotter::venue::treadfi::{decode_error_message, decode_order, decode_orders_page};
use rust_decimal::Decimal;
use serde_json::Value;

fn dir(venue: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(venue)
}

fn read(venue: &str, name: &str) -> Vec<u8> {
    let path = dir(venue).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn block(name: &str) -> Vec<u8> {
    read("treadfi/doc_blocks", name)
}

/// The response bodies of one documented block: each `examples[].response` or
/// `content."application/json".example` of a `{"<status>": {...}}` wrapper, else the block.
fn bodies(v: &Value) -> Vec<Value> {
    let Some((status, w)) = v.as_object().and_then(|m| m.iter().next()) else {
        return vec![v.clone()];
    };
    if v.as_object().map(|m| m.len()) != Some(1) || status.parse::<u16>().is_err() {
        return vec![v.clone()];
    }
    if let Some(examples) = w["examples"].as_array() {
        return examples.iter().map(|e| e["response"].clone()).collect();
    }
    let example = &w["content"]["application/json"]["example"];
    assert!(!example.is_null(), "{status}: no example in {w}");
    vec![example.clone()]
}

/// What the blotter shows for each documented error or success body: the venue's own text.
/// (Success replies go through the client's `reply_message`, which reads `{"message": t}` and
/// bare strings exactly as `decode_error_message` does.)
const MESSAGES: &[(&str, &[&str])] = &[
    (
        "core_amend_order_400.json",
        &["Missing required field(s): order_id, changes"],
    ),
    (
        "core_amend_order_403.json",
        &["Superusers on retail cannot place orders"],
    ),
    (
        "core_amend_order_404.json",
        &["Order 6debb950-614a-4366-b73b-7d7574fd9e15 not found"],
    ),
    (
        "core_amend_order_422.json",
        &["Cannot update both base_asset_qty and quote_asset_qty"],
    ),
    (
        "core_amend_order_500.json",
        &["An unexpected error occurred. Please try again later."],
    ),
    (
        "core_cancel_all_orders_200.json",
        &["Successfully canceled all orders."],
    ),
    (
        "core_cancel_all_orders_400.json",
        &[
            "No active orders to cancel. Failed to fetch accounts: ['Account not found: bad_account']",
        ],
    ),
    (
        "core_cancel_all_orders_422.json",
        &[
            "Canceled 2 orders with 1 failures: ['Failed to cancel order 12345'] Failed to fetch accounts: ['Account not found: bad_account']",
        ],
    ),
    (
        "core_cancel_all_orders_response.json",
        &["Successfully canceled all orders."],
    ),
    (
        "core_cancel_order_200.json",
        &["Order canceled!", "Order already canceled!"],
    ),
    (
        "core_cancel_order_400.json",
        &["No order ID given!", "Invalid order ID format"],
    ),
    (
        "core_cancel_order_401.json",
        &[
            "Authentication credentials were not provided.",
            "Invalid token header. No credentials provided.",
            "Token has expired.",
            "Unauthorized",
        ],
    ),
    (
        "core_cancel_order_404.json",
        &[
            "No order found with given ID!",
            "Order not found or access denied",
        ],
    ),
    (
        "core_cancel_order_422.json",
        &[
            "Failed to cancel all placements",
            "Unexpected cancel failure",
            "Failed to commit cancellation changes",
            "Connection timeout while canceling placements",
            "Order is in a state that cannot be canceled",
        ],
    ),
    (
        "core_cancel_order_500.json",
        &[
            "Database connection failed",
            "Exchange API service unavailable",
            "Failed to queue cleanup tasks",
            "Something went wrong",
        ],
    ),
    (
        "core_get_active_orders_400.json",
        &["Account display name 'invalid_account' not found for user"],
    ),
    (
        "core_get_active_orders_401.json",
        &[
            "Authentication credentials were not provided.",
            "Invalid token.",
        ],
    ),
    (
        "core_get_all_orders_400.json",
        &[
            "Invalid after date format",
            "Invalid after date format",
            "Account display name 'invalid_account' not found for user",
            "Missing required fields: ['pair', 'accounts', 'side', 'duration', 'strategy']",
            "Need one of the qty fields: ['base_asset_qty', 'quote_asset_qty', 'sell_token_amount']",
            "Cannot have more than one of the qty fields: ['base_asset_qty', 'quote_asset_qty', 'sell_token_amount']",
            "Invalid order data; Pair is required; Side must be either 'Buy' or 'Sell'",
            "Superusers on retail cannot place orders",
        ],
    ),
    (
        "core_get_all_orders_401.json",
        &[
            "Authentication credentials were not provided.",
            "Invalid token.",
        ],
    ),
    (
        "core_get_all_orders_500.json",
        &["An unexpected error occurred. Please try again later."],
    ),
    (
        "core_get_order_details_by_custom_id_400.json",
        &[
            "custom_order_ids parameter is required",
            "Account display name 'invalid_account' not found for user",
            "Invalid after date format",
        ],
    ),
    (
        "core_get_order_details_by_custom_id_401.json",
        &[
            "Authentication credentials were not provided.",
            "Invalid token header. No credentials provided.",
            "Token has expired.",
        ],
    ),
    (
        "core_get_order_details_by_custom_id_500.json",
        &[
            "Database connection failed",
            "Price feed service unavailable",
            "Something went wrong",
        ],
    ),
    ("core_get_order_errors_400.json", &["No order ID given!"]),
    (
        "core_get_order_errors_401.json",
        &["Order 6debb950-614a-4366-b73b-7d7574fd9e15 does not belong to you"],
    ),
    (
        "core_get_order_errors_404.json",
        &["Order 6debb950-614a-4366-b73b-7d7574fd9e15 not found"],
    ),
    (
        "core_get_order_summary_400.json",
        &["No order ID given!", "Invalid order ID format"],
    ),
    (
        "core_get_order_summary_401.json",
        &[
            "Authentication credentials were not provided.",
            "Invalid token header. No credentials provided.",
            "Token has expired.",
            "Unauthorized",
        ],
    ),
    (
        "core_get_order_summary_404.json",
        &[
            "No order found with given ID!",
            "Order not found or access denied",
        ],
    ),
    (
        "core_get_order_summary_500.json",
        &[
            "Database connection failed",
            "Price feed service unavailable",
            "Something went wrong",
        ],
    ),
    (
        "core_get_orders_with_statistics_400.json",
        &["page_size cannot be greater than 1000"],
    ),
    (
        "core_get_orders_with_statistics_401.json",
        &["Unauthorized"],
    ),
    (
        "core_pause_all_orders_200.json",
        &["Successfully paused all orders."],
    ),
    (
        "core_pause_all_orders_400.json",
        &[
            "No active orders to cancel. Failed to fetch accounts: ['Account not found: bad_account']",
        ],
    ),
    ("core_pause_all_orders_401.json", &["Unauthorized"]),
    (
        "core_pause_all_orders_422.json",
        &["Paused 5 orders with 2 failures: ['order-id-1', 'order-id-2']"],
    ),
    (
        "core_pause_all_orders_response.json",
        &["Successfully paused all orders."],
    ),
    ("core_pause_order_202.json", &["Successfully paused order."]),
    (
        "core_pause_order_400.json",
        &[
            "Missing required field: order_id",
            "Invalid order ID format",
        ],
    ),
    (
        "core_pause_order_401.json",
        &[
            "Authentication credentials were not provided.",
            "Invalid token header. No credentials provided.",
            "Token has expired.",
        ],
    ),
    (
        "core_pause_order_404.json",
        &["No order found with given ID!"],
    ),
    (
        "core_pause_order_422.json",
        &[
            "Order is not running.",
            "Order is not running.",
            "Order is not running.",
            "Failed to cancel all placements",
            "Unexpected cancel failure",
            "Failed to commit pause order changes: Database connection failed",
            "Failed to commit pause order changes: Connection timeout",
            "Order not found.",
        ],
    ),
    (
        "core_pause_order_500.json",
        &[
            "Database connection failed",
            "Market data service unavailable",
            "Failed to send pause notification",
            "Something went wrong",
        ],
    ),
    (
        "core_resume_all_orders_200.json",
        &["Successfully resumed all orders."],
    ),
    (
        "core_resume_all_orders_400.json",
        &["No paused orders to resume."],
    ),
    ("core_resume_all_orders_401.json", &["Unauthorized"]),
    (
        "core_resume_all_orders_response.json",
        &["Successfully resumed all orders."],
    ),
    (
        "core_resume_order_202.json",
        &["Successfully resumed order."],
    ),
    (
        "core_resume_order_400.json",
        &["Missing required field: order_id"],
    ),
    ("core_resume_order_404.json", &["Order not found."]),
    ("core_resume_order_422.json", &["Order is not paused."]),
    (
        "core_submit_an_order_400.json",
        &[
            "Need one of the qty fields: ['base_asset_qty', 'quote_asset_qty', 'sell_token_amount']",
            "Cannot have more than one of the qty fields: ['base_asset_qty', 'quote_asset_qty', 'sell_token_amount']",
            "Invalid strategy: 6fe4ba3e-c578-45bd-824c-c523bf3c56de",
            "Account display name 'invalid_account' not found for user",
            "Invalid buy_token ASDF",
            "Limit price must be a positive number",
        ],
    ),
    (
        "core_submit_an_order_401.json",
        &[
            "Authentication credentials were not provided.",
            "Invalid token header. No credentials provided.",
            "Token has expired.",
        ],
    ),
    (
        "core_submit_an_order_403.json",
        &[
            "Superusers on retail cannot place orders",
            "Access denied to specified accounts",
            "Trading not allowed for this pair on the specified venue",
        ],
    ),
    (
        "core_submit_an_order_422.json",
        &[
            "Insufficient balance for order execution",
            "Market is closed for the specified trading pair",
            "Order size exceeds exchange limits",
            "Strategy parameters not compatible with selected trading pair",
        ],
    ),
    (
        "core_submit_an_order_500.json",
        &[
            "Database connection failed",
            "Price feed service unavailable",
            "Something went wrong",
        ],
    ),
    (
        "multi_cancel_multi_orders_400.json",
        &["Missing required field: order_ids or custom_order_ids"],
    ),
    (
        "multi_cancel_multi_orders_422.json",
        &["Unexpected failure while cancelling order"],
    ),
    (
        "multi_get_multi_order_400.json",
        &["unable to get multi order"],
    ),
    ("multi_get_multi_order_404.json", &["multi order not found"]),
    (
        "multi_get_multi_orders_400.json",
        &["<field_name> is invalid"],
    ),
    (
        "multi_pause_multi_order_400.json",
        &["Multi Order already paused or terminated"],
    ),
    (
        "multi_pause_multi_order_404.json",
        &["No multi order found with given ID!"],
    ),
    (
        "multi_pause_multi_order_422.json",
        &["Failed to pause all child orders: <error details>"],
    ),
    (
        "multi_pause_multi_order_500.json",
        &["Internal server error"],
    ),
    (
        "multi_resume_multi_order_400.json",
        &["Missing required field: multi_order_id"],
    ),
    (
        "multi_resume_multi_order_422.json",
        &["Failed to resume all child orders: <error details>"],
    ),
];

#[test]
fn every_documented_tread_message_is_shown_as_the_venue_wrote_it() {
    for (name, want) in MESSAGES {
        let v: Value =
            serde_json::from_slice(&block(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got: Vec<String> = bodies(&v)
            .iter()
            .map(|b| decode_error_message(&serde_json::to_vec(b).unwrap()))
            .collect();
        assert_eq!(got, *want, "{name}");
    }
    // Straight from the bytes too (no wrapper): the 404 of "Pause order" is a bare object.
    assert_eq!(
        decode_error_message(&block("core_pause_order_404.json")),
        "No order found with given ID!"
    );
    // The multi-order 401 puts the text under `example` (an OpenAPI slip): no message key, so
    // the body is shown as sent rather than guessed at.
    let raw = block("multi_resume_multi_order_401.json");
    assert_eq!(
        decode_error_message(&raw),
        String::from_utf8_lossy(&raw).trim()
    );
}

#[test]
fn every_block_in_doc_blocks_is_checked() {
    let mut names: Vec<String> = std::fs::read_dir(dir("treadfi/doc_blocks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    let checked = |n: &str| {
        MESSAGES.iter().any(|(m, _)| *m == n)
            || [
                // the_stats_200_wrapper_holds_exactly_the_extracted_fixture
                "core_get_orders_with_statistics_200.json",
                // every_documented_tread_message_is_shown_as_the_venue_wrote_it
                "multi_resume_multi_order_401.json",
                // the_non_json_examples_are_kept_verbatim_and_converted_faithfully
                "core_get_order_summary_200.txt",
                "core_get_order_details_200.txt",
                "core_get_order_details_by_custom_id_200.txt",
                "core_get_order_details_401.txt",
                "core_amend_order_202.txt",
                // the_documented_request_bodies_name_what_the_blotter_sends
                "core_pause_order_request.json",
                "core_resume_order_request.json",
                "core_amend_order_request.json",
                "core_cancel_all_orders_request.json",
                "core_submit_an_order_request.json",
            ]
            .contains(&n)
    };
    let unchecked: Vec<_> = names.iter().filter(|n| !checked(n)).collect();
    assert!(
        unchecked.is_empty(),
        "fixtures without a test: {unchecked:?}"
    );
    assert_eq!(names.len(), 79, "{names:?}");
}

#[test]
fn the_stats_200_wrapper_holds_exactly_the_extracted_fixture() {
    let v: Value =
        serde_json::from_slice(&block("core_get_orders_with_statistics_200.json")).unwrap();
    let [body] = &bodies(&v)[..] else {
        panic!("one example")
    };
    let extracted: Value =
        serde_json::from_slice(&read("treadfi", "orders_with_stats_200.json")).unwrap();
    assert_eq!(*body, extracted);
    let page = decode_orders_page(&serde_json::to_vec(body).unwrap()).unwrap();
    let o = &page.rows[0];
    assert_eq!(
        (o.pair.as_str(), &o.side, &o.status),
        ("BTC/USDT", &Side::Buy, &OrderStatus::Complete)
    );
    assert_eq!(o.arrival_price, Some(Decimal::new(4495000000000, 8)));
}

/// The documents' non-JSON examples (Python reprs in `<pre>` HTML, `//` comments, one with
/// stray braces) are kept verbatim as `.txt`; the converted fixture is what the README's
/// conversion rules make of them. Checked by applying those rules here.
fn convert(text: &str) -> String {
    let mut s = text.to_owned();
    for tag in ["<strong>", "</strong>", "</code></pre>"] {
        s = s.replace(tag, "");
    }
    // `<pre …><code …>` openers.
    while let Some(start) = s.find("<pre") {
        let end = s[start..].find("\">").map(|e| start + e + 2).unwrap();
        let end = s[end..].find("\">").map(|e| end + e + 2).unwrap();
        s.replace_range(start..end, "");
    }
    let s: String = s
        .lines()
        .map(|l| l.split_once("//").map_or(l, |(a, _)| a))
        .collect::<Vec<_>>()
        .join("\n")
        .replace('\'', "\"")
        .replace("True", "true")
        .replace("False", "false")
        .replace("None", "null");
    // Trailing commas before `]` / `}`.
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some(']') | Some('}')) {
                continue;
            }
        }
        out.push(*c);
    }
    out
}

#[test]
fn the_non_json_examples_are_kept_verbatim_and_converted_faithfully() {
    for (original, converted) in [
        ("core_get_order_summary_200.txt", "order_summary.json"),
        ("core_get_order_details_200.txt", "order_detail_200.json"),
        (
            "core_get_order_details_by_custom_id_200.txt",
            "orders_by_custom_id_200.json",
        ),
        (
            "core_get_order_details_401.txt",
            "error_401_detail_invalid_token.json",
        ),
    ] {
        let text = String::from_utf8(block(original)).unwrap();
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "{original} is JSON after all"
        );
        let ours: Value =
            serde_json::from_str(&convert(&text)).unwrap_or_else(|e| panic!("{original}: {e}"));
        let fixture: Value = serde_json::from_slice(&read("treadfi", converted)).unwrap();
        assert_eq!(ours, fixture, "{original} → {converted}");
    }
    // Values a person reads from them.
    let o = decode_order(&read("treadfi", "order_summary.json")).unwrap();
    assert_eq!(o.target_qty, Some(Decimal::new(600000, 1)));
    assert_eq!(o.target_token.as_deref(), Some("USDT"));
    assert_eq!(
        decode_error_message(&read("treadfi", "error_401_detail_invalid_token.json")),
        "Invalid token."
    );
    // Amend's 202 tab: a complete wrapper followed by three stray closing braces. The first
    // JSON value is the wrapper; its example is `reply_amend.json`.
    let text = String::from_utf8(block("core_amend_order_202.txt")).unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err());
    let first: Value = serde_json::Deserializer::from_str(&text)
        .into_iter::<Value>()
        .next()
        .unwrap()
        .unwrap();
    let reply: Value = serde_json::from_slice(&read("treadfi", "reply_amend.json")).unwrap();
    assert_eq!(bodies(&first), [reply]);
}

#[test]
fn the_documented_action_replies_read_as_sent() {
    for (name, want) in [
        ("reply_amend.json", "Successfully amended order."),
        ("reply_cancel.json", "Order canceled!"),
        ("reply_cancel_already.json", "Order already canceled!"),
        ("reply_cancel_multi.json", "Multi orders canceled!"),
        ("reply_pause.json", "Successfully paused order."),
        ("reply_pause_multi.json", "Successfully paused multi order."),
        ("reply_resume.json", "Successfully resumed order."),
        (
            "reply_resume_multi.json",
            "Successfully resumed multi order.",
        ),
    ] {
        assert_eq!(decode_error_message(&read("treadfi", name)), want, "{name}");
    }
}

#[test]
fn the_documented_request_bodies_name_what_the_blotter_sends() {
    let id = "6debb950-614a-4366-b73b-7d7574fd9e15";
    for name in [
        "core_pause_order_request.json",
        "core_resume_order_request.json",
        "core_amend_order_request.json",
    ] {
        let v: Value = serde_json::from_slice(&block(name)).unwrap();
        assert_eq!(v["order_id"], id, "{name}");
    }
    let amend: Value = serde_json::from_slice(&block("core_amend_order_request.json")).unwrap();
    assert!(amend["changes"].is_object(), "{amend}");
    let all: Value = serde_json::from_slice(&block("core_cancel_all_orders_request.json")).unwrap();
    assert_eq!(
        all["account_names"], "binance_main,coinbase_pro",
        "comma-joined, not a list"
    );
    let submit: Value =
        serde_json::from_slice(&block("core_submit_an_order_request.json")).unwrap();
    assert_eq!(
        (submit["pair"].as_str(), submit["side"].as_str()),
        (Some("BTC-USD"), Some("buy"))
    );
}

// ---------------------------------------------------------------------------------------------
// Anboto: the examples `tests/anboto.rs` decodes without asserting what a person reads.

#[test]
fn every_anboto_order_details_example_reads_the_same() {
    use blotter::venue::anboto::decode_orders_page;
    let single = String::from_utf8(read("anboto", "22_schema_order_details.json")).unwrap();
    let wrapped = format!(r#"{{"orders": [{single}]}}"#).into_bytes();
    for (name, bytes) in [
        ("02", read("anboto", "02_get_orders_response_200.json")),
        ("11", read("anboto", "11_find_orders_response_200.json")),
        ("12", read("anboto", "12_get_open_orders_response_200.json")),
        ("23", read("anboto", "23_schema_order_details_list.json")),
        ("22", wrapped),
    ] {
        let page = decode_orders_page(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(page.bad_rows.is_empty(), "{name}: {:?}", page.bad_rows);
        let [o] = &page.rows[..] else {
            panic!("{name}: one row")
        };
        assert_eq!(o.id, OrderId::new("123456"), "{name}");
        assert_eq!(o.custom_order_id.as_deref(), Some("xxx-yyy-zzz"), "{name}");
        assert_eq!(o.pair, "string", "{name}");
        assert_eq!(
            (&o.side, &o.status),
            (&Side::Buy, &OrderStatus::Submitted),
            "{name}"
        );
        assert_eq!(o.executed_qty, Some(Decimal::ZERO), "{name}");
        assert_eq!(
            o.avg_price, None,
            "{name}: average_price 0 with nothing filled"
        );
    }
}

#[test]
fn every_anboto_order_summary_example_reads_as_a_rejection() {
    use blotter::venue::anboto::{decode_order_summary, decode_summaries};
    let created = "2024-01-22T22:05:00Z".parse().unwrap();
    let mut all = Vec::new();
    for name in [
        "04_cancel_order_response_200.json",
        "06_cancel_many_response_200.json",
        "08_create_order_response_201.json",
        "26_schema_order_summary.json",
    ] {
        all.push((
            name,
            decode_order_summary(&read("anboto", name)).unwrap_or_else(|e| panic!("{name}: {e}")),
        ));
    }
    for name in [
        "10_create_many_orders_response_201.json",
        "27_schema_order_summary_list.json",
    ] {
        let list =
            decode_summaries(&read("anboto", name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(list.len(), 1, "{name}");
        all.extend(list.into_iter().map(|s| (name, s)));
    }
    for (name, s) in all {
        assert_eq!(s.order_id, Some(OrderId::new("0")), "{name}");
        assert_eq!(
            s.client_order_id.as_deref(),
            Some("ABC-12345^12-10-23"),
            "{name}"
        );
        assert_eq!(s.order_status(), Some(OrderStatus::Submitted), "{name}");
        assert_eq!(s.created_at, Some(created), "{name}");
        assert_eq!(
            s.failure().as_deref(),
            Some("INVALID_ORDER: string"),
            "{name}"
        );
    }
    // `status` answers a bare string.
    let status: String =
        serde_json::from_slice(&read("anboto", "01_status_response_200.json")).unwrap();
    assert_eq!(status, "string");
}
