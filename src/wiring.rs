//! From the configuration to running parts: logging, the venues (or the embedded demo
//! venues), the feed settings and the audit log. Part of the `blotter` binary.

use blotter::config::{self, Config};
use blotter::desk;
use blotter::domain::VenueId;
use blotter::feed::FeedConfig;
use blotter::sim::{self, SimConfig};
use blotter::venue::Venue;
use blotter::venue::treadfi::TreadfiClient;
use color_eyre::eyre::{Result, WrapErr, eyre};
use std::sync::Arc;
use std::time::Duration;

/// Logs go to a file, never to the terminal the TUI draws on. A log that can't be opened is
/// reported on stderr (before the TUI starts) and logging is off.
pub(crate) fn init_logging(cfg: &Config, is_tui: bool) {
    let path = cfg.log.file.clone().or_else(config::default_log_path);
    let Some(path) = path else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let file = match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "blotter: cannot open log {}: {e}; logging off",
                path.display()
            );
            return;
        }
    };
    let level = cfg
        .log
        .level
        .parse::<tracing::Level>()
        .unwrap_or(tracing::Level::INFO);
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_max_level(level)
        .try_init();
    tracing::info!(
        tui = is_tui,
        version = env!("CARGO_PKG_VERSION"),
        "blotter starting"
    );
}

/// One venue connection plus the demo simulator behind it, if any (for `dump` and the
/// scriptable actions, which work on one venue).
pub(crate) struct Connected {
    pub(crate) venue: Arc<dyn Venue>,
    pub(crate) demo: Option<sim::SimHandle>,
}

/// Every configured venue, in order, with the id stamped on its rows; plus the demo simulator
/// behind them, if any.
pub(crate) struct Desk {
    pub(crate) venues: Vec<(VenueId, Arc<dyn Venue>)>,
    pub(crate) demo: Option<sim::SimHandle>,
}

/// One venue of the desk: `--venue NAME`, else the first.
pub(crate) async fn connect(
    cfg: &Config,
    auto_advance: bool,
    pick: Option<&str>,
) -> Result<Connected> {
    let Desk { mut venues, demo } = connect_desk(cfg, auto_advance).await?;
    let i = match pick {
        Some(name) => venues
            .iter()
            .position(|(id, _)| id.as_str() == name)
            .ok_or_else(|| {
                let known: Vec<_> = venues.iter().map(|(id, _)| id.to_string()).collect();
                eyre!("no venue named {name:?}; configured: {}", known.join(", "))
            })?,
        None => 0,
    };
    let (_, venue) = venues.swap_remove(i);
    Ok(Connected { venue, demo })
}

/// Connects every venue: the `[[venue]]` sections; else `[treadfi] url` alone (rows carry an
/// empty venue id, as before venues could be combined); else the embedded demo simulator,
/// serving all three kinds. `--read-only` (or `[actions] read_only`) wraps every venue so no
/// write can leave; a venue's own `read_only` wraps just that one.
pub(crate) async fn connect_desk(cfg: &Config, auto_advance: bool) -> Result<Desk> {
    let read_only = |v: Arc<dyn Venue>, own: bool| -> Arc<dyn Venue> {
        if cfg.actions.read_only || own {
            Arc::new(blotter::venue::ReadOnly::new(v))
        } else {
            v
        }
    };
    if !cfg.venues.is_empty() {
        let mut venues = Vec::new();
        for v in &cfg.venues {
            let (venue, own_read_only) =
                desk::venue_from_config(v).map_err(|e| eyre!("[[venue]] {:?}: {e}", v.name()))?;
            venues.push((VenueId::new(v.name()), read_only(venue, own_read_only)));
        }
        return Ok(Desk { venues, demo: None });
    }
    let timeout = Duration::from_secs_f64(cfg.treadfi.timeout_secs.max(0.1));
    if let Some(url) = &cfg.treadfi.url {
        desk::check_transport(url, cfg.treadfi.allow_insecure).map_err(|e| eyre!(e))?;
        let client = TreadfiClient::new(url, desk::env_secret(&cfg.treadfi.api_key_env), timeout)
            .map_err(|e| eyre!("cannot use {url}: {e}"))?
            .with_push(cfg.treadfi.push_settings());
        return Ok(Desk {
            venues: vec![(VenueId::default(), read_only(Arc::new(client), false))],
            demo: None,
        });
    }
    let handle = sim::spawn(SimConfig {
        auto_advance,
        ..SimConfig::default()
    })
    .await
    .wrap_err("starting the embedded demo venue")?;
    tracing::info!(url = %handle.base_url(), "demo venue started");
    let venues = desk::demo_venues(&handle, timeout)
        .map_err(|e| eyre!("demo venue: {e}"))?
        .into_iter()
        .map(|(id, v)| (id, read_only(v, false)))
        .collect();
    Ok(Desk {
        venues,
        demo: Some(handle),
    })
}

/// Polling settings from `[refresh]` (no audit log, no recorder, no venue id yet).
pub(crate) fn feed_config(cfg: &Config) -> FeedConfig {
    FeedConfig {
        interval: Duration::from_secs_f64(cfg.refresh.interval_secs.max(0.1)),
        max_backoff: Duration::from_secs_f64(cfg.refresh.max_backoff_secs.max(1.0)),
        placements_max_orders: cfg.refresh.placements_max_orders,
        history_interval: cfg.history.interval(),
        history_window: cfg.history.window().unwrap_or_default(),
        ..FeedConfig::default()
    }
}

/// Runs `f` and exits the process with the status it returns.
pub(crate) fn exit_with<F, Fut>(rt: tokio::runtime::Runtime, f: F, cfg: Config) -> Result<()>
where
    F: FnOnce(Config) -> Fut,
    Fut: std::future::Future<Output = Result<i32>>,
{
    let code = rt.block_on(f(cfg))?;
    drop(rt);
    std::process::exit(code);
}

/// The audit log from the config (default path in the data dir); `None` with a warning when it
/// cannot be opened.
pub(crate) fn open_audit(cfg: &Config) -> Option<Arc<blotter::audit::AuditLog>> {
    let path = cfg
        .actions
        .audit_file
        .clone()
        .or_else(config::default_audit_path)?;
    match blotter::audit::AuditLog::open(&path, blotter::audit::local_user()) {
        Ok(log) => Some(Arc::new(log)),
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "cannot open the audit log");
            eprintln!("blotter: cannot open audit log {}: {e}", path.display());
            None
        }
    }
}
