//! What an SSH edge that strangers can reach needs before anyone has logged in: a time limit
//! to authenticate, caps on connections that have not (overall and per address), per-address
//! token buckets for new connections and failed authentications (as charm's `wish` does), and
//! a delay after each failed key (russh's `auth_rejection_time`). Defaults are safe for a
//! public demo; all come from `[serve]`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The limits (from `[serve]`, see [`super::ServeSection`]).
#[derive(Debug, Clone, PartialEq)]
pub struct GuardOptions {
    /// A connection that has not authenticated after this long is closed.
    pub preauth_timeout: Duration,
    /// Most connections not yet authenticated, from everyone together.
    pub max_unauthenticated: usize,
    /// Most connections not yet authenticated from one address.
    pub max_unauthenticated_per_address: usize,
    /// New connections one address may open per minute (token bucket refill)…
    pub connections_per_minute: u32,
    /// …and at once (bucket size).
    pub connection_burst: u32,
    /// Failed authentications one address may make per minute; past that its connection is
    /// closed and new ones refused until the bucket refills…
    pub auth_failures_per_minute: u32,
    /// …and at once.
    pub auth_failure_burst: u32,
    /// Wait before answering each rejected key.
    pub auth_failure_delay: Duration,
}

impl Default for GuardOptions {
    fn default() -> Self {
        Self {
            preauth_timeout: Duration::from_secs(10),
            max_unauthenticated: 64,
            max_unauthenticated_per_address: 8,
            connections_per_minute: 30,
            connection_burst: 20,
            auth_failures_per_minute: 10,
            auth_failure_burst: 6,
            auth_failure_delay: Duration::from_millis(500),
        }
    }
}

impl GuardOptions {
    /// Limits for a trusted network (and tests that open many sessions from one address):
    /// the time limit and the failure delay stay, the per-address limits are lifted.
    pub fn lenient() -> Self {
        Self {
            max_unauthenticated: 1024,
            max_unauthenticated_per_address: 1024,
            connections_per_minute: 60_000,
            connection_burst: 10_000,
            auth_failures_per_minute: 60_000,
            auth_failure_burst: 10_000,
            auth_failure_delay: Duration::from_millis(300),
            ..Self::default()
        }
    }
}

/// Most addresses tracked by one [`TokenBuckets`]; past it, full (idle) buckets are
/// forgotten, and if that is not enough, all of them (memory stays bounded).
const MAX_TRACKED: usize = 4096;

/// One token bucket per address (pure apart from the lock; time is passed in).
#[derive(Debug)]
pub struct TokenBuckets {
    per_sec: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl TokenBuckets {
    /// `per_minute` tokens a minute, at most `burst` saved up.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        Self {
            per_sec: f64::from(per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refill(&self, tokens: f64, since: Instant, now: Instant) -> f64 {
        let secs = now.saturating_duration_since(since).as_secs_f64();
        (tokens + secs * self.per_sec).min(self.burst)
    }

    /// Takes a token for `ip` at `now`; false when its bucket is empty.
    pub fn take(&self, ip: IpAddr, now: Instant) -> bool {
        let mut map = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_TRACKED && !map.contains_key(&ip) {
            map.retain(|_, (t, at)| self.refill(*t, *at, now) < self.burst);
            if map.len() >= MAX_TRACKED {
                map.clear();
            }
        }
        let (tokens, at) = map.entry(ip).or_insert((self.burst, now));
        let available = self.refill(*tokens, *at, now);
        *at = now;
        if available >= 1.0 {
            *tokens = available - 1.0;
            true
        } else {
            *tokens = available;
            false
        }
    }

    /// Whether `ip` has a token left at `now` (none is taken).
    pub fn has(&self, ip: IpAddr, now: Instant) -> bool {
        let map = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&ip)
            .is_none_or(|(t, at)| self.refill(*t, *at, now) >= 1.0)
    }

    /// Addresses tracked now.
    pub fn tracked(&self) -> usize {
        self.buckets.lock().map(|m| m.len()).unwrap_or(0)
    }
}

/// The live state of the limits of one server.
#[derive(Debug)]
pub struct Guard {
    /// The limits.
    pub opts: GuardOptions,
    connections: TokenBuckets,
    failures: TokenBuckets,
    unauthenticated: AtomicUsize,
    per_address: Mutex<HashMap<IpAddr, usize>>,
}

/// Why a connection was refused before the SSH handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The address opened connections too fast.
    Rate,
    /// The address failed to authenticate too often.
    Failures,
    /// Too many connections are waiting to authenticate (overall or from this address).
    Unauthenticated,
}

impl Guard {
    /// A guard with these limits.
    pub fn new(opts: GuardOptions) -> Self {
        Self {
            connections: TokenBuckets::new(opts.connections_per_minute, opts.connection_burst),
            failures: TokenBuckets::new(opts.auth_failures_per_minute, opts.auth_failure_burst),
            opts,
            unauthenticated: AtomicUsize::new(0),
            per_address: Mutex::new(HashMap::new()),
        }
    }

    /// Admits a new connection from `ip` (holding an unauthenticated place until
    /// [`Pending::authenticated`] or drop), or says why not.
    ///
    /// # Errors
    /// The [`Refusal`].
    pub fn admit(self: &Arc<Self>, ip: IpAddr, now: Instant) -> Result<Pending, Refusal> {
        if !self.failures.has(ip, now) {
            return Err(Refusal::Failures);
        }
        if !self.connections.take(ip, now) {
            return Err(Refusal::Rate);
        }
        let mut per = self.per_address.lock().unwrap_or_else(|e| e.into_inner());
        let mine = per.get(&ip).copied().unwrap_or(0);
        if mine >= self.opts.max_unauthenticated_per_address {
            return Err(Refusal::Unauthenticated);
        }
        let total = self
            .unauthenticated
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.opts.max_unauthenticated).then_some(n + 1)
            });
        if total.is_err() {
            return Err(Refusal::Unauthenticated);
        }
        per.insert(ip, mine + 1);
        Ok(Pending {
            guard: Some(self.clone()),
            ip,
        })
    }

    /// Notes a failed authentication from `ip`; false when it has failed too often (close the
    /// connection).
    pub fn failed(&self, ip: IpAddr) -> bool {
        self.failures.take(ip, Instant::now())
    }

    /// Connections not yet authenticated, now.
    pub fn unauthenticated(&self) -> usize {
        self.unauthenticated.load(Ordering::SeqCst)
    }

    /// Addresses tracked by the token buckets (bounded).
    pub fn tracked_addresses(&self) -> usize {
        self.connections.tracked().max(self.failures.tracked())
    }

    fn release(&self, ip: IpAddr) {
        self.unauthenticated.fetch_sub(1, Ordering::SeqCst);
        let mut per = self.per_address.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = per.get_mut(&ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                per.remove(&ip);
            }
        }
    }
}

/// An unauthenticated place, given back on authentication or when the connection ends.
#[derive(Debug)]
pub struct Pending {
    guard: Option<Arc<Guard>>,
    ip: IpAddr,
}

impl Pending {
    /// The connection authenticated: its place is given back.
    pub fn authenticated(&mut self) {
        if let Some(g) = self.guard.take() {
            g.release(self.ip);
        }
    }

    /// Still waiting to authenticate.
    pub fn is_pending(&self) -> bool {
        self.guard.is_some()
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.authenticated();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(r: Result<Pending, Refusal>) -> Pending {
        r.unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, n])
    }

    #[test]
    fn a_bucket_empties_then_refills_with_time() {
        let b = TokenBuckets::new(60, 2);
        let t0 = Instant::now();
        assert!(b.take(ip(1), t0));
        assert!(b.take(ip(1), t0));
        assert!(!b.take(ip(1), t0), "burst spent");
        assert!(b.take(ip(2), t0), "another address has its own bucket");
        assert!(
            b.take(ip(1), t0 + Duration::from_secs(1)),
            "one token a second"
        );
        assert!(!b.take(ip(1), t0 + Duration::from_secs(1)));
    }

    #[test]
    fn tracked_addresses_stay_bounded() {
        let b = TokenBuckets::new(60, 2);
        let t0 = Instant::now();
        for i in 0..(MAX_TRACKED as u32 + 100) {
            b.take(IpAddr::from(i.to_be_bytes()), t0);
        }
        assert!(b.tracked() <= MAX_TRACKED);
    }

    #[test]
    fn unauthenticated_places_are_capped_per_address_and_overall_and_come_back() {
        let g = Arc::new(Guard::new(GuardOptions {
            max_unauthenticated: 3,
            max_unauthenticated_per_address: 2,
            ..GuardOptions::lenient()
        }));
        let now = Instant::now();
        let a = ok(g.admit(ip(1), now));
        let _b = ok(g.admit(ip(1), now));
        assert_eq!(g.admit(ip(1), now).err(), Some(Refusal::Unauthenticated));
        let mut c = ok(g.admit(ip(2), now));
        assert_eq!(
            g.admit(ip(3), now).err(),
            Some(Refusal::Unauthenticated),
            "overall"
        );
        c.authenticated();
        assert_eq!(g.unauthenticated(), 2);
        assert!(g.admit(ip(3), now).is_ok());
        drop(a);
        assert!(g.admit(ip(1), now).is_ok());
    }

    #[test]
    fn an_address_that_fails_too_often_is_refused() {
        let g = Arc::new(Guard::new(GuardOptions {
            auth_failures_per_minute: 1,
            auth_failure_burst: 2,
            ..GuardOptions::lenient()
        }));
        assert!(g.failed(ip(1)));
        assert!(g.failed(ip(1)));
        assert!(!g.failed(ip(1)), "closed");
        assert_eq!(
            g.admit(ip(1), Instant::now()).err(),
            Some(Refusal::Failures)
        );
        assert!(g.admit(ip(2), Instant::now()).is_ok());
    }

    #[test]
    fn connections_are_rate_limited_per_address() {
        let g = Arc::new(Guard::new(GuardOptions {
            connections_per_minute: 1,
            connection_burst: 2,
            ..GuardOptions::lenient()
        }));
        let now = Instant::now();
        let _a = ok(g.admit(ip(1), now));
        let _b = ok(g.admit(ip(1), now));
        assert_eq!(g.admit(ip(1), now).err(), Some(Refusal::Rate));
    }
}
