//! The `[serve]` section of the configuration file: where `blotter serve` listens, its keys,
//! who may do what, and its limits. Every key is optional; `blotter serve` flags override it.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// What an SSH user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sees everything, changes nothing: every action is refused by the server before any
    /// request is built.
    #[default]
    Viewer,
    /// May pause, resume, amend and cancel (each confirmed, each audited with the SSH user).
    Trader,
}

impl Role {
    /// `viewer` or `trader`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Trader => "trader",
        }
    }
}

/// `[serve]` section.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ServeSection {
    /// Address to listen on (default `127.0.0.1:2222`).
    pub listen: Option<SocketAddr>,
    /// The server's ed25519 host key (OpenSSH format). Created with mode 0600 on first run.
    /// Unset: `<data dir>/blotter/ssh_host_ed25519_key`.
    pub host_key: Option<PathBuf>,
    /// Public keys allowed to log in, one per line as in `~/.ssh/authorized_keys`. Re-read at
    /// every login, so keys can be added without a restart. Unset:
    /// `<config dir>/blotter/authorized_keys`.
    pub authorized_keys: Option<PathBuf>,
    /// Most sessions at once; the next one is told the server is full and disconnected.
    pub max_sessions: usize,
    /// Seconds without a key press (or resize) after which a session is closed; 0: never.
    pub idle_timeout_secs: u64,
    /// Role of an authorized key not listed in `roles`.
    pub default_role: Role,
    /// Role per key, by its SHA-256 fingerprint as `ssh-keygen -lf KEY.pub` prints it
    /// (`"SHA256:…" = "trader"`).
    pub roles: BTreeMap<String, Role>,
    /// Let anyone log in as `demo` without a key; such sessions only ever see the embedded
    /// demo venue, never the configured one.
    pub demo_user: bool,
    /// Role of the `demo` user (actions there only reach the simulator).
    pub demo_role: Role,
    /// Seconds a connection may take to authenticate before it is closed.
    pub preauth_timeout_secs: u64,
    /// Most connections not yet authenticated, from everyone together.
    pub max_unauthenticated: usize,
    /// Most connections not yet authenticated from one address.
    pub max_unauthenticated_per_address: usize,
    /// New connections one address may open per minute (a token bucket; bursts up to
    /// `connection_burst`).
    pub connections_per_minute: u32,
    /// See `connections_per_minute`.
    pub connection_burst: u32,
    /// Failed authentications (unknown keys) one address may make per minute, bursts up to
    /// `auth_failure_burst`; past that its connection is closed and new ones are refused until
    /// the bucket refills.
    pub auth_failures_per_minute: u32,
    /// See `auth_failures_per_minute`.
    pub auth_failure_burst: u32,
    /// Milliseconds to wait before answering each rejected key.
    pub auth_failure_delay_ms: u64,
}

impl Default for ServeSection {
    fn default() -> Self {
        let guard = super::guard::GuardOptions::default();
        Self {
            listen: None,
            host_key: None,
            authorized_keys: None,
            max_sessions: 32,
            idle_timeout_secs: 3600,
            default_role: Role::Viewer,
            roles: BTreeMap::new(),
            demo_user: false,
            demo_role: Role::Viewer,
            preauth_timeout_secs: guard.preauth_timeout.as_secs(),
            max_unauthenticated: guard.max_unauthenticated,
            max_unauthenticated_per_address: guard.max_unauthenticated_per_address,
            connections_per_minute: guard.connections_per_minute,
            connection_burst: guard.connection_burst,
            auth_failures_per_minute: guard.auth_failures_per_minute,
            auth_failure_burst: guard.auth_failure_burst,
            auth_failure_delay_ms: guard.auth_failure_delay.as_millis() as u64,
        }
    }
}

impl ServeSection {
    /// The pre-authentication limits of this section.
    pub fn guard(&self) -> super::guard::GuardOptions {
        super::guard::GuardOptions {
            preauth_timeout: std::time::Duration::from_secs(self.preauth_timeout_secs.max(1)),
            max_unauthenticated: self.max_unauthenticated.max(1),
            max_unauthenticated_per_address: self.max_unauthenticated_per_address.max(1),
            connections_per_minute: self.connections_per_minute,
            connection_burst: self.connection_burst.max(1),
            auth_failures_per_minute: self.auth_failures_per_minute,
            auth_failure_burst: self.auth_failure_burst.max(1),
            auth_failure_delay: std::time::Duration::from_millis(self.auth_failure_delay_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_by_fingerprint_and_default_to_viewer() {
        let text = "max_sessions = 4\n[roles]\n\"SHA256:abc\" = \"trader\"\n";
        let s: ServeSection = toml::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.max_sessions, 4);
        assert_eq!(s.roles.get("SHA256:abc"), Some(&Role::Trader));
        assert_eq!(s.default_role, Role::Viewer);
        assert!(!s.demo_user);
        let bad: Result<ServeSection, _> = toml::from_str("[roles]\n\"SHA256:x\" = \"admin\"\n");
        assert!(bad.is_err(), "unknown roles are errors");
    }
}
