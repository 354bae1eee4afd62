//! [`SharedList`]: an immutable, pooled list of [`Shared`] strings for the per-row lists a venue
//! repeats on every row (`account_names`, `exchanges`). 100k rows naming the same accounts hold
//! one list and a pointer each, instead of 100k small vectors.
//!
//! The pool works as [`intern`](super::intern)'s does: global, and self-pruning when it has
//! doubled since the last prune (lists no row holds any more are dropped).

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Shared;

/// An immutable list of [`Shared`] strings, shared by every row holding the same list (see the
/// module docs). Reads as a `&[Shared]` (`Deref`); equal to a slice, array or `Vec` of the same
/// texts; serialised as a plain JSON array of strings. 8 bytes inline; the empty list holds no
/// allocation. Build one with `From<Vec<Shared>>` or `collect()`.
#[derive(Clone, Default)]
pub struct SharedList(Option<Arc<Box<[Shared]>>>);

/// Lists longer than this are not pooled: each gets an allocation of its own.
const MAX_POOLED: usize = 16;

/// Pool size below which no prune is attempted.
const MIN_PRUNE: usize = 1_024;

/// A pooled list, looked up by its contents.
struct Key(Arc<Box<[Shared]>>);

impl Borrow<[Shared]> for Key {
    fn borrow(&self) -> &[Shared] {
        &self.0
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0[..] == other.0[..]
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.0[..].hash(h);
    }
}

struct Pool {
    set: HashSet<Key>,
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

impl SharedList {
    /// The empty list (no allocation).
    pub const fn new() -> Self {
        Self(None)
    }

    /// The pooled list with these items (made on first sight). Long lists, and any list while
    /// the pool is unusable, get a copy of their own.
    pub fn pooled(items: Vec<Shared>) -> Self {
        if items.is_empty() {
            return Self(None);
        }
        if items.len() > MAX_POOLED {
            return Self(Some(Arc::new(items.into_boxed_slice())));
        }
        let Ok(mut pool) = pool().lock() else {
            return Self(Some(Arc::new(items.into_boxed_slice())));
        };
        if let Some(hit) = pool.set.get(&items[..]) {
            return Self(Some(Arc::clone(&hit.0)));
        }
        if pool.set.len() >= pool.prune_at {
            // Only the pool holds these: no row names them any more.
            pool.set.retain(|k| Arc::strong_count(&k.0) > 1);
            pool.prune_at = pool.set.len().saturating_mul(2).max(MIN_PRUNE);
        }
        let list = Arc::new(items.into_boxed_slice());
        pool.set.insert(Key(Arc::clone(&list)));
        Self(Some(list))
    }

    /// The items.
    pub fn as_slice(&self) -> &[Shared] {
        self.0.as_deref().map_or(&[], |b| &b[..])
    }

    /// True when both are the same pooled list (or both empty): equal without comparing items.
    pub fn ptr_eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Deref for SharedList {
    type Target = [Shared];
    fn deref(&self) -> &[Shared] {
        self.as_slice()
    }
}

impl AsRef<[Shared]> for SharedList {
    fn as_ref(&self) -> &[Shared] {
        self.as_slice()
    }
}

impl fmt::Debug for SharedList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl From<Vec<Shared>> for SharedList {
    fn from(items: Vec<Shared>) -> Self {
        Self::pooled(items)
    }
}

impl From<&[Shared]> for SharedList {
    fn from(items: &[Shared]) -> Self {
        Self::pooled(items.to_vec())
    }
}

impl<S: Into<Shared>> FromIterator<S> for SharedList {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        Self::pooled(iter.into_iter().map(Into::into).collect())
    }
}

impl<'a> IntoIterator for &'a SharedList {
    type Item = &'a Shared;
    type IntoIter = std::slice::Iter<'a, Shared>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl PartialEq for SharedList {
    fn eq(&self, other: &Self) -> bool {
        self.ptr_eq(other) || self.as_slice() == other.as_slice()
    }
}

impl Eq for SharedList {}

impl<T> PartialEq<[T]> for SharedList
where
    Shared: PartialEq<T>,
{
    fn eq(&self, other: &[T]) -> bool {
        self.as_slice() == other
    }
}

impl<T, const N: usize> PartialEq<[T; N]> for SharedList
where
    Shared: PartialEq<T>,
{
    fn eq(&self, other: &[T; N]) -> bool {
        self.as_slice() == other
    }
}

impl<T> PartialEq<Vec<T>> for SharedList
where
    Shared: PartialEq<T>,
{
    fn eq(&self, other: &Vec<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Serialize for SharedList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

impl<'de> Deserialize<'de> for SharedList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Shared>::deserialize(d).map(Self::pooled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> SharedList {
        items.iter().copied().collect()
    }

    #[test]
    fn equal_lists_share_one_allocation() {
        let a = list(&["binance_main", "okx_hedge"]);
        let b: SharedList = vec![Shared::from("binance_main"), Shared::from("okx_hedge")].into();
        assert!(a.ptr_eq(&b));
        assert_eq!(a, ["binance_main", "okx_hedge"]);
        assert_ne!(a, list(&["okx_hedge", "binance_main"]));
        assert_eq!(format!("{a:?}"), r#"["binance_main", "okx_hedge"]"#);
        assert_eq!(size_of::<SharedList>(), 8);
    }

    #[test]
    fn the_empty_list_holds_nothing() {
        let e = list(&[]);
        assert!(e.0.is_none());
        assert!(e.is_empty());
        assert_eq!(e, SharedList::new());
    }

    #[test]
    fn long_lists_are_not_pooled() {
        let names: Vec<String> = (0..=MAX_POOLED).map(|i| format!("acct-{i}")).collect();
        let a: SharedList = names.iter().collect();
        let b: SharedList = names.iter().collect();
        assert!(!a.ptr_eq(&b));
        assert_eq!(a, b);
    }

    #[test]
    fn lists_no_row_holds_are_pruned() {
        for i in 0..(MIN_PRUNE * 3) {
            drop(list(&[format!("list-prune-{i}").as_str()]));
        }
        let kept = list(&["list-prune-kept"]);
        for i in 0..(MIN_PRUNE * 3) {
            drop(list(&[format!("list-prune-again-{i}").as_str()]));
        }
        let len = pool().lock().map(|p| p.set.len()).unwrap_or(usize::MAX);
        assert!(len < MIN_PRUNE * 3, "pool kept {len} lists");
        assert!(kept.ptr_eq(&list(&["list-prune-kept"])));
    }

    #[test]
    fn serde_round_trip_is_a_plain_array() {
        let a: SharedList = serde_json::from_str(r#"["a","b"]"#).unwrap();
        assert_eq!(a, ["a", "b"]);
        assert!(a.ptr_eq(&list(&["a", "b"])));
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"["a","b"]"#);
        assert_eq!(serde_json::to_string(&SharedList::new()).unwrap(), "[]");
        assert!(serde_json::from_str::<SharedList>(r#""a""#).is_err());
    }
}
