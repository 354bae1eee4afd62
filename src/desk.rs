//! The desk: which venue connections a blotter shows, built from `[[venue]]` sections or, in
//! demo mode, from the embedded simulator (all three kinds). Secrets come only from
//! environment variables or an owner-only file, and never appear in errors.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::config::{self, VenueConfig};
use crate::domain::VenueId;
use crate::sim::{self, SimHandle};
use crate::venue::Venue;
use crate::venue::alphasec::AlphaSecClient;
use crate::venue::anboto::{AnbotoClient, DEFAULT_RECV_WINDOW_MS, SignatureEncoding, Signer};
use crate::venue::treadfi::TreadfiClient;

/// The venues of a desk, in order, each with the id stamped on its rows.
pub type Venues = Vec<(VenueId, Arc<dyn Venue>)>;

/// Why a venue connection could not be set up (the message never contains a secret).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct DeskError(pub String);

/// Refuses plain `http://` to anything but a loopback host unless `allow_insecure`: the API
/// key would travel unencrypted.
///
/// # Errors
/// An invalid URL, or plain http to a remote host.
pub fn check_transport(url: &str, allow_insecure: bool) -> Result<(), DeskError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| DeskError(format!("invalid venue URL {url:?}: {e}")))?;
    let loopback = match parsed.host_str() {
        Some("localhost") => true,
        Some(h) => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    };
    if parsed.scheme() == "http" && !loopback && !allow_insecure {
        return Err(DeskError(format!(
            "refusing plain http to {}: the API key would travel unencrypted. Use https, or pass --allow-insecure if you really mean it",
            parsed.host_str().unwrap_or("?")
        )));
    }
    Ok(())
}

/// A secret from the environment variable `var` (`None`, with a warning naming the variable,
/// when unset or blank).
pub fn env_secret(var: &str) -> Option<SecretString> {
    let value = std::env::var(var)
        .ok()
        .filter(|k| !k.trim().is_empty())
        .map(SecretString::from);
    if value.is_none() {
        tracing::warn!(var, "no secret in the environment variable");
    }
    value
}

/// Builds one `[[venue]]` section's client; also says whether the section asks for read-only.
///
/// # Errors
/// A refused transport, a missing Anboto key or secret (naming the variable), a secret file
/// readable by others, or a client that can't be built.
pub fn venue_from_config(v: &VenueConfig) -> Result<(Arc<dyn Venue>, bool), DeskError> {
    let timeout = |secs: f64| Duration::from_secs_f64(secs.max(0.1));
    let cannot =
        |url: &str, e: crate::venue::VenueError| DeskError(format!("cannot use {url}: {e}"));
    match v {
        VenueConfig::Treadfi(t) => {
            check_transport(&t.url, t.allow_insecure)?;
            let client =
                TreadfiClient::new(&t.url, env_secret(&t.api_key_env), timeout(t.timeout_secs))
                    .map_err(|e| cannot(&t.url, e))?
                    .with_push(t.push_settings());
            Ok((Arc::new(client), t.read_only))
        }
        VenueConfig::Anboto(a) => {
            check_transport(&a.url, a.allow_insecure)?;
            let key = env_secret(&a.api_key_env).ok_or_else(|| {
                DeskError(format!(
                    "set the API key in the environment variable {}",
                    a.api_key_env
                ))
            })?;
            let secret = match &a.secret_file {
                Some(path) => SecretString::from(
                    config::read_secret_file(path)
                        .map_err(|e| DeskError(format!("secret_file {e}")))?,
                ),
                None => env_secret(&a.secret_env).ok_or_else(|| {
                    DeskError(format!(
                        "set the API secret in the environment variable {} (or secret_file)",
                        a.secret_env
                    ))
                })?,
            };
            let signer = if a.signature.eq_ignore_ascii_case("rsa") {
                Signer::rsa_pem(secret.expose_secret())
            } else {
                let encoding = SignatureEncoding::parse(&a.signature)
                    .ok_or_else(|| DeskError("signature must be hex, base64 or rsa".into()))?;
                Signer::hmac(secret.expose_secret(), encoding)
            }
            .map_err(DeskError)?;
            let client = AnbotoClient::with_signer(
                &a.url,
                key,
                signer,
                a.recv_window_ms,
                timeout(a.timeout_secs),
            )
            .map_err(|e| cannot(&a.url, e))?;
            Ok((Arc::new(client), a.read_only))
        }
        VenueConfig::Alphasec(x) => {
            check_transport(&x.url, x.allow_insecure)?;
            let tokens = x
                .tokens
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let client =
                AlphaSecClient::new(&x.url, x.address.clone(), tokens, timeout(x.timeout_secs))
                    .map_err(|e| cannot(&x.url, e))?;
            Ok((Arc::new(client), false))
        }
    }
}

/// The three demo venues served by the embedded simulator: `treadfi` (its Tread.fi API, with
/// the simulator's own key: random unless configured, see [`SimHandle::token`]),
/// `anboto` (its `/anboto` endpoints, signed with the demo key) and `alphasec` (its
/// `/alphasec` endpoints, the demo wallet and token map).
///
/// # Errors
/// When a client can't be built (not expected for a loopback simulator).
pub fn demo_venues(sim: &SimHandle, timeout: Duration) -> Result<Venues, DeskError> {
    let err = |e: crate::venue::VenueError| DeskError(e.to_string());
    let treadfi = TreadfiClient::new(&sim.base_url(), Some(sim.token()), timeout).map_err(err)?;
    let anboto = AnbotoClient::new(
        &sim.anboto_url(),
        SecretString::from(sim::anboto::DEMO_KEY),
        SecretString::from(sim::anboto::DEMO_SECRET_B64),
        SignatureEncoding::Hex,
        DEFAULT_RECV_WINDOW_MS,
        timeout,
    )
    .map_err(err)?;
    let tokens = sim::alphasec::DEMO_TOKENS
        .iter()
        .map(|(id, sym)| ((*id).to_owned(), (*sym).to_owned()))
        .collect();
    let alphasec = AlphaSecClient::new(
        &sim.alphasec_url(),
        sim::alphasec::DEMO_ADDRESS.to_owned(),
        tokens,
        timeout,
    )
    .map_err(err)?;
    Ok(vec![
        (VenueId::new("treadfi"), Arc::new(treadfi)),
        (VenueId::new("anboto"), Arc::new(anboto)),
        (VenueId::new("alphasec"), Arc::new(alphasec)),
    ])
}
