//! The `[[venue]]` sections (Tread.fi, Anboto, AlphaSec), told apart by `kind`, and the
//! owner-only secret file an Anboto secret may be read from.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{
    PushMode, PushSettings, anboto_key_env, anboto_secret_env, default_push_retry, default_timeout,
    hex, push_settings, recv_window, treadfi_key_env,
};

/// One `[[venue]]` section, told apart by `kind`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum VenueConfig {
    /// `kind = "treadfi"`: Tread.fi core order + multi-order API (REST and WebSocket).
    Treadfi(TreadfiVenue),
    /// `kind = "anboto"`: Anboto Trading API v2 (HMAC-signed; cancel only).
    Anboto(AnbotoVenue),
    /// `kind = "alphasec"`: AlphaSec order API (read-only).
    Alphasec(AlphaSecVenue),
}

impl VenueConfig {
    /// The section's `name` (stamped on rows, used by the `venue:` filter), defaulting to its
    /// kind.
    pub fn name(&self) -> &str {
        let (name, kind) = match self {
            VenueConfig::Treadfi(v) => (&v.name, "treadfi"),
            VenueConfig::Anboto(v) => (&v.name, "anboto"),
            VenueConfig::Alphasec(v) => (&v.name, "alphasec"),
        };
        name.as_deref().unwrap_or(kind)
    }
}

/// `[[venue]] kind = "treadfi"`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TreadfiVenue {
    /// Short name shown in the venue column (default `treadfi`).
    pub name: Option<String>,
    /// Base URL, e.g. `https://app.tread.fi`.
    pub url: String,
    /// Environment variable holding the API key (default `TREADFI_API_KEY`).
    #[serde(default = "treadfi_key_env")]
    pub api_key_env: String,
    /// Per-request timeout, seconds (default 10).
    #[serde(default = "default_timeout")]
    pub timeout_secs: f64,
    /// Allow plain `http://` to a non-loopback host.
    #[serde(default)]
    pub allow_insecure: bool,
    /// Refuse every action on this venue (reads only).
    #[serde(default)]
    pub read_only: bool,
    /// `push = "auto" | "off"`: follow the (inferred) WebSocket order stream, or poll only
    /// and never request an upgrade (default `auto`).
    #[serde(default)]
    pub push: PushMode,
    /// Seconds before trying the push channel again after the server refused the upgrade
    /// (404 and the like): minutes, not seconds (default 300; ±10% jitter).
    #[serde(default = "default_push_retry")]
    pub push_retry_secs: f64,
}

impl TreadfiVenue {
    /// The push-channel settings these keys describe (timing otherwise at its defaults).
    pub fn push_settings(&self) -> PushSettings {
        push_settings(self.push, self.push_retry_secs)
    }
}

/// `[[venue]] kind = "anboto"`. The API key and the HMAC secret come only from environment
/// variables or, for the secret, a file readable by its owner alone (mode `0600`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AnbotoVenue {
    /// Short name shown in the venue column (default `anboto`).
    pub name: Option<String>,
    /// Base URL: `https://api.anboto.xyz` (mainnet) or `https://api.testnet.anboto.xyz`.
    pub url: String,
    /// Environment variable holding the API key (default `ANBOTO_API_KEY`).
    #[serde(default = "anboto_key_env")]
    pub api_key_env: String,
    /// Environment variable holding the base64 HMAC secret, or with `signature = "rsa"` the
    /// PEM private key (default `ANBOTO_API_SECRET`).
    #[serde(default = "anboto_secret_env")]
    pub secret_env: String,
    /// File holding the secret (or PEM private key) instead (must not be readable by group or
    /// others).
    pub secret_file: Option<PathBuf>,
    /// How `X-SIGN` is made: `hex` (HMAC-SHA256, the document's rule, default), `base64`
    /// (HMAC-SHA256, as the vendor's examples send it) or `rsa` (RSA-SHA256 with a
    /// self-generated key, base64).
    #[serde(default = "hex")]
    pub signature: String,
    /// `X-RECV-WINDOW`, milliseconds (default 5000).
    #[serde(default = "recv_window")]
    pub recv_window_ms: u64,
    /// Per-request timeout, seconds (default 10).
    #[serde(default = "default_timeout")]
    pub timeout_secs: f64,
    /// Allow plain `http://` to a non-loopback host.
    #[serde(default)]
    pub allow_insecure: bool,
    /// Refuse every action on this venue (reads only).
    #[serde(default)]
    pub read_only: bool,
}

/// `[[venue]] kind = "alphasec"` (read-only: writes are signed on-chain transactions).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlphaSecVenue {
    /// Short name shown in the venue column (default `alphasec`).
    pub name: Option<String>,
    /// Base URL of the AlphaSec API.
    pub url: String,
    /// The wallet address whose orders are shown (`0x…`; public, not a secret).
    pub address: String,
    /// Token id → symbol (`"1" = "ALP"`), for showing market `1_2` as `ALP-USDT`; markets with
    /// an unmapped token show their raw id.
    #[serde(default)]
    pub tokens: std::collections::BTreeMap<String, String>,
    /// Per-request timeout, seconds (default 10).
    #[serde(default = "default_timeout")]
    pub timeout_secs: f64,
    /// Allow plain `http://` to a non-loopback host.
    #[serde(default)]
    pub allow_insecure: bool,
}

/// Reads a secret from a file that only its owner can read (Unix mode without group/other
/// bits); trailing whitespace is dropped.
///
/// # Errors
/// When the file can't be read or is readable by group or others (the message names the path,
/// never the content).
pub fn read_secret_file(path: &Path) -> Result<String, String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{} is readable by others (mode {:o}); run chmod 600 on it",
                path.display(),
                mode & 0o777
            ));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.trim().to_owned())
}
