//! [`Shared`]: an immutable, cheaply cloned string for the values a venue repeats on every row
//! (pair, side, tokens, strategy, accounts, exchanges, fee asset, status words). Decoders
//! [`intern`] them, so 100k rows naming `BTC-USDT` hold one copy of it and a pointer each,
//! instead of 100k small allocations.
//!
//! The pool is global and self-pruning: when it has doubled since the last prune, values no
//! row holds any more are dropped from it, so a stream of one-off values (notes, reasons) never
//! makes it grow without bound.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An immutable string shared by every row that holds the same value (see the module docs).
/// Reads as a `&str` (`Deref`); equal to a `str`/`String` with the same text; serialised as a
/// plain JSON string. 16 bytes inline; `Option<Shared>` too.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Shared(Arc<str>);

/// Strings longer than this are not pooled (free text is rarely repeated): each gets its own
/// allocation, as a `Box<str>` would.
const MAX_POOLED: usize = 96;

/// Pool size below which no prune is attempted.
const MIN_PRUNE: usize = 4_096;

struct Pool {
    set: HashSet<Arc<str>>,
    prune_at: usize,
}

fn pool() -> &'static Mutex<Pool> {
    static POOL: OnceLock<Mutex<Pool>> = OnceLock::new();
    POOL.get_or_init(|| {
        Mutex::new(Pool {
            set: HashSet::new(),
            prune_at: MIN_PRUNE,
        })
    })
}

/// The pooled copy of `text` (made on first sight). Long strings, and any string while the
/// pool is unusable, get a copy of their own.
pub fn intern(text: &str) -> Shared {
    if text.len() > MAX_POOLED {
        return Shared(Arc::from(text));
    }
    let Ok(mut pool) = pool().lock() else {
        return Shared(Arc::from(text));
    };
    if let Some(hit) = pool.set.get(text) {
        return Shared(Arc::clone(hit));
    }
    if pool.set.len() >= pool.prune_at {
        // Only the pool holds these: no row names them any more.
        pool.set.retain(|s| Arc::strong_count(s) > 1);
        pool.prune_at = pool.set.len().saturating_mul(2).max(MIN_PRUNE);
    }
    let s: Arc<str> = Arc::from(text);
    pool.set.insert(Arc::clone(&s));
    Shared(s)
}

impl Shared {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Shared {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Shared {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Shared {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Shared {
    fn from(s: &str) -> Self {
        intern(s)
    }
}

impl From<&String> for Shared {
    fn from(s: &String) -> Self {
        intern(s)
    }
}

impl From<String> for Shared {
    fn from(s: String) -> Self {
        intern(&s)
    }
}

impl From<Shared> for String {
    fn from(s: Shared) -> Self {
        s.0.as_ref().to_owned()
    }
}

impl PartialEq<str> for Shared {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Shared {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Shared {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Shared> for str {
    fn eq(&self, other: &Shared) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Shared> for &str {
    fn eq(&self, other: &Shared) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Shared> for String {
    fn eq(&self, other: &Shared) -> bool {
        **self == *other.0
    }
}

impl Serialize for Shared {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Reads a JSON string straight into the pool (no intermediate `String` when the input needs
/// no unescaping).
struct SharedVisitor;

impl Visitor<'_> for SharedVisitor {
    type Value = Shared;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Shared, E> {
        Ok(intern(v))
    }
}

impl<'de> Deserialize<'de> for Shared {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(SharedVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_allocation() {
        let a = intern("BTC-USDT");
        let b = intern(&String::from("BTC-USDT"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "BTC-USDT");
        assert_eq!(format!("{a:?}"), format!("{:?}", "BTC-USDT"));
    }

    #[test]
    fn long_texts_are_not_pooled() {
        let long = "x".repeat(MAX_POOLED + 1);
        let a = intern(&long);
        let b = intern(&long);
        assert!(!Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, b);
    }

    #[test]
    fn values_no_row_holds_are_pruned() {
        for i in 0..(MIN_PRUNE * 3) {
            drop(intern(&format!("prune-test-{i}")));
        }
        let kept = intern("prune-test-kept");
        for i in 0..(MIN_PRUNE * 3) {
            drop(intern(&format!("prune-test-again-{i}")));
        }
        let len = pool().lock().map(|p| p.set.len()).unwrap_or(usize::MAX);
        assert!(len < MIN_PRUNE * 3, "pool kept {len} values");
        assert!(Arc::ptr_eq(&kept.0, &intern("prune-test-kept").0));
    }

    #[test]
    fn serde_round_trip_is_a_plain_string() {
        let s: Shared = serde_json::from_str(r#""a\"b""#).unwrap();
        assert_eq!(s, "a\"b");
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""a\"b""#);
        assert!(serde_json::from_str::<Shared>("5").is_err());
    }
}
