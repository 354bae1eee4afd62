//! AlphaSec adapter: the read-only order API (`alphasec-orders-api.txt`).
//!
//! - [`AlphaSecClient`] implements [`crate::venue::Venue`] for one wallet address: open orders,
//!   history, one order, trades (as placements). Every action is refused without a request
//!   ([`ALPHASEC_CAPABILITIES`] is all false): AlphaSec orders are changed by signed on-chain
//!   transactions.
//! - The `decode_*` functions are pure: the `{code, errMsg, result}` envelope (any `code` but 200
//!   is an error carrying `errMsg`) → domain types, per row for lists, markets shown through a
//!   token map, quote-mode quantities and TP/SL leg grouping as below.
//!
//! Mapping decisions (`alphasec-orders-api.txt`):
//! - **Market**: `marketId` `baseTokenId_quoteTokenId` (e.g. `1_2`) is shown as `BASE-QUOTE`
//!   through the token map (token id → symbol) given to the client; when either token is
//!   unmapped the raw `marketId` is kept as the pair.
//! - **Status**: `NEW`/`PARTIALLY_FILLED` → `Active`, `PENDING_NEW` → `Submitted`, `FILLED` →
//!   `Complete`, `CANCELED` → `Canceled`, `REJECTED` → `Failed`; `EXPIRED`, `PENDING_CANCEL` and
//!   unknown words → `Other(word)`. A collapsed word is kept in `notes` as `status WORD`.
//! - **Quantities**: base mode (`orderMode` 0, or absent with a non-zero `origQty`): target =
//!   `origQty` in the base token, executed = `executedQty`. Quote mode (`orderMode` 1, market
//!   orders "buy with 1000 USDT"): target = `origQuoteOrderQty` with `target_token` = the
//!   **quote** symbol, executed = `executedQuoteQty`, and the quote amount is also put in
//!   `sell_token_amount` (buy) / `buy_token_amount` (sell) so the order's notional is known.
//!   Remaining = target − executed; fill ratio = executed / target (0–1). Average price =
//!   `executedQuoteQty` / `executedQty`; `executed_notional` = `executedQuoteQty` (quote).
//!   `price` / `triggerPrice` `"0"` mean "none".
//! - **TP/SL legs**: AlphaSec sends no parent id. Legs (`otoLegType` `TP_LEG`, `SL_LEG`,
//!   `OCO_LEG`) are grouped under the `WORKING_LEG` of the same page that shares their
//!   `txHash` (one transaction places the whole OTO order): each leg gets
//!   `parent_order_id` = the working leg's `orderId`, and the working leg's `notes` list its
//!   legs (`legs: TP_LEG 0x1234ab, SL_LEG 0x9876cd`). Every leg also says what it is in its own
//!   `notes` (`OTO TP_LEG; trigger 2.9 (waiting)`).
//! - **Rejections**: AlphaSec sends no reason; a `REJECTED` order gets the document's wording
//!   `REJECTED: Order was rejected by the system` as `failure_reason`, and
//!   [`order_messages`] turns it into an error message.

mod client;
mod convert;
mod wire;

pub use client::{
    ALPHASEC_CAPABILITIES, AlphaSecClient, DEFAULT_LIMIT, DEFAULT_LOOKBACK_DAYS,
    HISTORY_LIMIT_DAYS, MAX_LIMIT, MAX_RANGE_DAYS, MAX_REQUESTS_PER_READ, OPEN_LOOKBACK_DAYS,
};
pub use convert::{
    TokenMap, Trade, decode_error, decode_order, decode_orders_page, decode_trades_page,
    map_status, market_symbol, order_messages,
};
