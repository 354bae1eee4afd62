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
}

impl Default for ServeSection {
    fn default() -> Self {
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
