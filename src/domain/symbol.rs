//! One form for symbols and strategy names on screen, in filters and in table/CSV exports.
//! Pure; the venue's own text stays on the [`Order`](super::Order) (the detail view and
//! `dump --format json` show it).
//!
//! The venues' shapes (see `/work/shared/api/`):
//! - Tread.fi `pair`: `BASE-QUOTE`, perps `BTC:PERP-USDT` (already the normal form); the
//!   document also shows `BTC/USDT` in one example.
//! - Anboto v2 `symbol` ("Anboto symbology, e.g. BTC/USDT"): `BASE/QUOTE`, and the
//!   ccxt-style perpetual `BASE/QUOTE:SETTLE` (e.g. `BTC/USDT:USDT`).
//! - AlphaSec `marketId` (`1_2`) is already shown as `BASE-QUOTE` by the adapter through its
//!   token map; an unmapped id stays as sent.
//!
//! The normal form is `BASE-QUOTE` upper-case, perps `BASE:PERP-QUOTE`. Anything else (no
//! separator, an expiry suffix, a raw AlphaSec id) is shown as sent: a symbol is never guessed.

use std::borrow::Cow;

/// `pair` in the blotter's one form: `BTC/USDT` → `BTC-USDT`, `btc-usdt` → `BTC-USDT`,
/// `BTC/USDT:USDT` (a perpetual settled in USDT) → `BTC:PERP-USDT`, `BTC:PERP-USDT` unchanged.
/// A shape not listed in the module docs comes back unchanged (borrowed).
pub fn normalize(pair: &str) -> Cow<'_, str> {
    match parts(pair) {
        Some(Parts { base, perp, quote }) => {
            let text = if perp {
                format!("{base}:PERP-{quote}")
            } else {
                format!("{base}-{quote}")
            };
            if text == pair {
                Cow::Borrowed(pair)
            } else {
                Cow::Owned(text)
            }
        }
        None => Cow::Borrowed(pair),
    }
}

/// The quote asset of a pair in any venue's form (`BTC/USDT` → `USDT`, `BTC:PERP-USD` →
/// `USD`), upper-case; `None` when the shape is not one [`normalize`] knows.
pub fn quote(pair: &str) -> Option<String> {
    parts(pair).map(|p| p.quote)
}

/// A pair taken apart: upper-case base and quote, and whether it is a perpetual.
struct Parts {
    base: String,
    perp: bool,
    quote: String,
}

fn parts(pair: &str) -> Option<Parts> {
    let p = pair.trim();
    let asset = |s: &str| {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_'));
        ok.then(|| s.to_ascii_uppercase())
    };
    if let Some((base, rest)) = p.split_once('/') {
        // Anboto `BASE/QUOTE` or `BASE/QUOTE:SETTLE` (a perpetual swap, ccxt's form).
        let (quote, settle) = match rest.split_once(':') {
            Some((q, s)) => (q, Some(s)),
            None => (rest, None),
        };
        if let Some(s) = settle {
            asset(s)?;
        }
        return Some(Parts {
            base: asset(base)?,
            perp: settle.is_some(),
            quote: asset(quote)?,
        });
    }
    // Tread.fi `BASE-QUOTE` / `BASE:PERP-QUOTE`: only the case may change.
    let (base, quote) = p.split_once('-')?;
    let (base, perp) = match base.split_once(':') {
        Some((b, kind)) if kind.eq_ignore_ascii_case("perp") => (b, true),
        Some(_) => return None,
        None => (base, false),
    };
    Some(Parts {
        base: asset(base)?,
        perp,
        quote: asset(quote)?,
    })
}

/// A strategy name in one case: `Limit` → `LIMIT`, `twap` → `TWAP`. A strategy UUID (Tread.fi
/// sends one for custom strategies) is an id, not a word, and stays as sent.
pub fn strategy(name: &str) -> Cow<'_, str> {
    if is_uuid_like(name) || !name.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(name.to_ascii_uppercase())
    }
}

/// True for `8-4-4-4-12` hex groups (venue ids are not always valid hex, so any alphanumerics).
fn is_uuid_like(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_venue_shape() {
        for (sent, shown) in [
            ("BTC-USDT", "BTC-USDT"),
            ("BTC:PERP-USDT", "BTC:PERP-USDT"),
            ("btc:perp-usd", "BTC:PERP-USD"),
            ("BTC/USDT", "BTC-USDT"),
            ("eth/usdc", "ETH-USDC"),
            ("BTC/USDT:USDT", "BTC:PERP-USDT"),
            ("ALP-USDT", "ALP-USDT"),
            // Shown as sent: a raw AlphaSec market id, a symbol without a separator, a
            // dated future, an empty string.
            ("1_2", "1_2"),
            ("BTCUSDT", "BTCUSDT"),
            ("BTC/USDT:USDT-250328", "BTC/USDT:USDT-250328"),
            ("BTC-", "BTC-"),
            ("", ""),
        ] {
            assert_eq!(normalize(sent), shown, "{sent}");
        }
        assert!(matches!(normalize("BTC-USDT"), Cow::Borrowed(_)));
    }

    #[test]
    fn quotes_and_strategies() {
        assert_eq!(quote("BTC/USDT").as_deref(), Some("USDT"));
        assert_eq!(quote("BTC:PERP-USD").as_deref(), Some("USD"));
        assert_eq!(quote("ETH-BTC").as_deref(), Some("BTC"));
        assert_eq!(quote("1_2"), None);
        assert_eq!(strategy("Limit"), "LIMIT");
        assert_eq!(strategy("TWAP"), "TWAP");
        let id = "7fecb061-725b-5477-c84c-8e8685ge0f26";
        assert_eq!(strategy(id), id);
    }
}
