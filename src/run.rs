//! The long-running commands: the TUI, `replay`, `serve` (SSH) and `sim`. Part of the
//! `blotter` binary.

use crate::terminal::{self, Ended, Signals, install_exit_on_panic};
use crate::wiring::*;
use blotter::app::State;
use blotter::config::{self, Config};
use blotter::desk;
use blotter::domain::VenueId;
use blotter::feed::{self, FeedConfig};
use blotter::sim::{self, SimConfig};
use blotter::venue::Venue;
use color_eyre::eyre::{Result, WrapErr, eyre};
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub(crate) async fn run_replay(cfg: Config, file: PathBuf, speed: f64) -> Result<()> {
    let (events, bad) = blotter::record::load(&file)
        .wrap_err_with(|| format!("reading recording {}", file.display()))?;
    if bad > 0 {
        tracing::warn!(bad, "recording lines that could not be read were skipped");
    }
    let none = blotter::venue::Capabilities {
        multi_orders: true,
        ..blotter::venue::Capabilities::NONE
    };
    let mut state = State::new(
        format!("replay of {}", file.display()),
        none,
        jiff::Timestamp::now(),
    );
    state.apply_prefs(&cfg.prefs().map_err(|e| eyre!(e))?);
    let rx = blotter::record::play(events, speed);
    let feed = blotter::feed::FeedHandle::detached();
    install_exit_on_panic();
    let ended = terminal::run(false, async |terminal, size| {
        state.size = size;
        let input = crossterm::event::EventStream::new();
        blotter::tui::run(terminal, state, &feed, rx, input).await
    })
    .await?;
    match ended {
        Ended::Returned(r) => r.map(|_| ()).map_err(|e| eyre!(e)),
        Ended::Signal(name, _) => {
            tracing::info!(signal = name, "replay stopped by signal");
            Ok(())
        }
    }
}

pub(crate) async fn run_tui(cfg: Config, record: Option<PathBuf>) -> Result<()> {
    // Before any task starts: a panic anywhere (the feed included) must end the process.
    // ratatui's restore hook, installed by try_init below, wraps this one.
    install_exit_on_panic();
    let Desk { venues, demo } = connect_desk(&cfg, true).await?;
    let states = venues
        .iter()
        .map(|(id, v)| {
            blotter::app::VenueState::new(id.clone(), v.name(), v.capabilities())
                .described_by(v.as_ref())
        })
        .collect();
    let mut state = State::with_venues(states, jiff::Timestamp::now());
    state.apply_prefs(&cfg.prefs().map_err(|e| eyre!(e))?);
    state.demo = demo.is_some();
    state.refresh_secs = cfg.refresh.interval_secs.ceil().max(1.0) as u64;
    state.history_refresh_secs = cfg.history.interval().as_secs().max(1);
    let filter_history = blotter::filter_history::default_path();
    if let Some(path) = &filter_history {
        match blotter::filter_history::load(path) {
            Ok(h) => state.filter_history = h,
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "filter history not read"),
        }
    }
    let (tx, rx) = tokio::sync::mpsc::channel(feed::EVENT_QUEUE);
    let recorder = match &record {
        Some(path) => Some(Arc::new(
            blotter::record::Recorder::create(path)
                .wrap_err_with(|| format!("creating recording {}", path.display()))?,
        )),
        None => None,
    };
    let audit = open_audit(&cfg);
    let loop_opts = blotter::tui::LoopOptions {
        audit_file: audit.as_ref().map(|a| a.path().to_path_buf()),
        filter_history,
        ..Default::default()
    };
    let feed_cfg = FeedConfig {
        audit,
        recorder,
        ..feed_config(&cfg)
    };
    let feed = feed::FeedHandle::join(
        venues
            .into_iter()
            .map(|(venue_id, venue)| {
                let cfg = FeedConfig {
                    venue_id,
                    ..feed_cfg.clone()
                };
                feed::spawn(venue, cfg, tx.clone())
            })
            .collect(),
    );
    drop(tx);

    // ratatui::try_init installs a panic hook that restores the terminal before the
    // color-eyre report is printed; ours logs the panic and ends the process, because a panic
    // in any task (render, update or the feed) leaves nothing trustworthy on screen.
    let ended = terminal::run(cfg.ui.mouse, async |terminal, size| {
        state.size = size;
        let input = crossterm::event::EventStream::new();
        blotter::tui::run_with(terminal, state, &feed, rx, input, &loop_opts).await
    })
    .await?;
    let (result, signal) = match ended {
        Ended::Returned(r) => (r.map(|_| ()), None),
        Ended::Signal(name, code) => (Ok(()), Some((name, code))),
    };
    feed.stop();
    if let Some(sim) = demo {
        sim.shutdown().await;
    }
    match signal {
        Some((name, code)) => {
            tracing::info!(signal = name, "blotter stopped by signal");
            std::process::exit(code);
        }
        None => tracing::info!("blotter stopped"),
    }
    result.map_err(|e| eyre!(e))
}

/// `blotter serve`: one shared feed per venue, one blotter session per SSH connection, until
/// SIGINT/SIGTERM.
pub(crate) async fn run_serve(
    cfg: Config,
    listen: Option<SocketAddr>,
    host_key: Option<PathBuf>,
    authorized_keys: Option<PathBuf>,
    nats: Option<String>,
) -> Result<()> {
    use blotter::serve::{self, ServeOptions, Venues, keys};
    let section = &cfg.serve;
    let listen = listen
        .or(section.listen)
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 2222)));
    let key_path = host_key
        .or_else(|| section.host_key.clone())
        .or_else(keys::default_host_key_path)
        .ok_or_else(|| eyre!("no data directory for the host key: pass --host-key PATH"))?;
    let (key, created) = keys::load_or_create_host_key(&key_path)?;
    let fingerprint = keys::fingerprint(key.public_key());
    if created {
        println!("created host key {} ({fingerprint})", key_path.display());
    }
    let authorized = authorized_keys
        .or_else(|| section.authorized_keys.clone())
        .or_else(keys::default_authorized_keys_path);
    let key_count = authorized
        .as_deref()
        .map(|p| keys::AuthorizedKeys::load(p).map(|k| k.len()));
    match (&key_count, section.demo_user) {
        (Some(Ok(n)), _) if *n > 0 => {}
        (_, true) => eprintln!("warning: no authorized keys; only the demo user can log in"),
        (Some(Err(e)), false) => return Err(eyre!("{e}; nobody could log in")),
        _ => {
            return Err(eyre!(
                "no keys in {}: nobody could log in (or set `demo_user = true` under [serve])",
                authorized
                    .as_deref()
                    .map_or("authorized_keys".into(), |p| p.display().to_string())
            ));
        }
    }

    let edge = match &nats {
        Some(url) => Some(start_edge(url, "blotter-edge").await?),
        None => None,
    };
    let (main, demo, demo_hubs, extra_sim) = match &edge {
        Some(edge) => {
            let main = edge.hubs.clone();
            let demo_hubs =
                (section.demo_user && main.iter().any(|h| h.is_demo())).then(|| main.clone());
            (main, None, demo_hubs, None)
        }
        None => local_hubs(&cfg).await?,
    };
    let mut opts = ServeOptions::from_section(section, key, authorized);
    opts.mouse = cfg.ui.mouse;
    opts.prefs = cfg.prefs().map_err(|e| eyre!(e))?;
    // On an edge the feed process is the one audit log.
    opts.audit_file = match &edge {
        Some(_) => None,
        None => cfg
            .actions
            .audit_file
            .clone()
            .or_else(config::default_audit_path),
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .wrap_err_with(|| format!("cannot listen on {listen}"))?;
    let venues = Venues {
        main: main.clone(),
        demo: demo_hubs.clone(),
    };
    let server = serve::start(listener, opts, venues).await?;
    tracing::info!(addr = %server.local_addr(), host_key = %fingerprint, "serving over SSH");
    println!(
        "blotter serve on {} (host key {fingerprint}) — Ctrl-C to stop",
        server.local_addr()
    );
    let mut signals = Signals::new();
    let (name, _) = signals.recv().await;
    tracing::info!(signal = name, "blotter serve stopping");
    server.shutdown().await;
    for hub in main.iter().chain(demo_hubs.iter().flatten()) {
        hub.stop();
    }
    for sim in [demo, extra_sim].into_iter().flatten() {
        sim.shutdown().await;
    }
    Ok(())
}

/// The shared feeds of `blotter serve` and `blotter feed`: one hub per configured venue, the
/// demo hubs for the `demo` user, and the simulators started for them.
type LocalHubs = (
    Vec<Arc<blotter::serve::hub::Hub>>,
    Option<sim::SimHandle>,
    Option<Vec<Arc<blotter::serve::hub::Hub>>>,
    Option<sim::SimHandle>,
);

async fn local_hubs(cfg: &Config) -> Result<LocalHubs> {
    use blotter::serve::hub::Hub;
    let feed_cfg = feed_config(cfg);
    let start_hubs = |venues: Vec<(VenueId, Arc<dyn Venue>)>, demo: bool| -> Vec<Arc<Hub>> {
        venues
            .into_iter()
            .map(|(venue_id, venue)| {
                let cfg = FeedConfig {
                    venue_id,
                    ..feed_cfg.clone()
                };
                Hub::start(venue, cfg, demo)
            })
            .collect()
    };
    let Desk { venues, demo } = connect_desk(cfg, true).await?;
    let main = start_hubs(venues, demo.is_some());
    let mut extra_sim = None;
    let demo_hubs = match (cfg.serve.demo_user, demo.is_some()) {
        (false, _) => None,
        (true, true) => Some(main.clone()),
        (true, false) => {
            let sim = sim::spawn(SimConfig::default())
                .await
                .wrap_err("starting the demo venue")?;
            let timeout = Duration::from_secs(10);
            let venues = desk::demo_venues(&sim, timeout).map_err(|e| eyre!("demo venue: {e}"))?;
            extra_sim = Some(sim);
            Some(start_hubs(venues, true))
        }
    };
    Ok((main, demo, demo_hubs, extra_sim))
}

/// Connects to NATS and follows what the feed process publishes there.
async fn start_edge(url: &str, name: &str) -> Result<blotter::nats::edge::Edge> {
    let client = blotter::nats::connect(&blotter::nats::NatsOptions {
        url: url.to_owned(),
        name: name.to_owned(),
    })
    .await?;
    Ok(blotter::nats::edge::start(client, blotter::nats::edge::START_WAIT).await?)
}

/// `blotter feed --nats URL`: the configured venues' feeds, published on NATS; every action
/// from the edges carried out and audited here; until SIGINT/SIGTERM.
pub(crate) async fn run_feed(cfg: Config, nats: Option<String>) -> Result<()> {
    let url = nats.ok_or_else(|| eyre!("blotter feed needs --nats URL"))?;
    let (main, demo, _, _) = local_hubs(&Config {
        serve: blotter::serve::ServeSection {
            demo_user: false,
            ..cfg.serve.clone()
        },
        ..cfg.clone()
    })
    .await?;
    let client = blotter::nats::connect(&blotter::nats::NatsOptions {
        url: url.clone(),
        name: "blotter-feed".into(),
    })
    .await?;
    let policy = blotter::nats::feed::FeedPolicy {
        audit_file: cfg
            .actions
            .audit_file
            .clone()
            .or_else(config::default_audit_path),
        roles: cfg.serve.roles.clone(),
        demo_role: cfg.serve.demo_role,
    };
    let publisher = blotter::nats::feed::publish(client, main.clone(), policy).await?;
    tracing::info!(nats = %url, venues = main.len(), "publishing the feed on NATS");
    println!(
        "blotter feed: {} venue(s) published on {url} — Ctrl-C to stop",
        main.len()
    );
    let mut signals = Signals::new();
    let (name, _) = signals.recv().await;
    tracing::info!(signal = name, "blotter feed stopping");
    publisher.stop();
    for hub in &main {
        hub.stop();
    }
    if let Some(sim) = demo {
        sim.shutdown().await;
    }
    Ok(())
}

/// `blotter --nats URL`: a trader's own terminal fed by a feed process over NATS (no venue
/// configuration, no secrets); actions are carried out and audited by the feed process.
pub(crate) async fn run_tui_nats(cfg: Config, nats: Option<String>) -> Result<()> {
    install_exit_on_panic();
    let url = nats.ok_or_else(|| eyre!("--nats URL needed"))?;
    let edge = start_edge(&url, "blotter-terminal").await?;
    let states = edge
        .hubs
        .iter()
        .map(|h| {
            blotter::app::VenueState::new(
                h.id().clone(),
                h.venue().name(),
                h.venue().capabilities(),
            )
            .described_by(h.venue().as_ref())
        })
        .collect();
    let mut state = State::with_venues(states, jiff::Timestamp::now());
    state.apply_prefs(&cfg.prefs().map_err(|e| eyre!(e))?);
    state.demo = edge.hubs.iter().any(|h| h.is_demo());
    state.refresh_secs = edge
        .hubs
        .iter()
        .map(|h| h.refresh_secs())
        .max()
        .unwrap_or(2);
    let stats = Arc::new(blotter::serve::ServeStats::default());
    let (feed, rx) =
        blotter::serve::commands::attach(&edge.hubs, blotter::actions::Actor::tui(), None, &stats)
            .await;
    let ended = terminal::run(cfg.ui.mouse, async |terminal, size| {
        state.size = size;
        let input = crossterm::event::EventStream::new();
        blotter::tui::run(terminal, state, &feed, rx, input).await
    })
    .await?;
    edge.stop();
    match ended {
        Ended::Returned(r) => r.map(|_| ()).map_err(|e| eyre!(e)),
        Ended::Signal(name, code) => {
            tracing::info!(signal = name, "blotter stopped by signal");
            std::process::exit(code);
        }
    }
}

pub(crate) async fn run_sim(listen: SocketAddr, cfg: SimConfig, faults: sim::Faults) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .wrap_err_with(|| format!("cannot listen on {listen}"))?;
    let given = cfg.token.is_some();
    let handle = sim::spawn_on(listener, cfg).await?;
    handle.set_faults(faults);
    // The one place the key is printed, and only a random one: it is the user's own
    // throwaway key for this local simulator (made for this run), and they need it to connect
    // a blotter. It goes to stdout once, never to the log. A key given with --token is the
    // user's already and is not echoed.
    let key = handle.token();
    let key_text = if given {
        "the one given with --token".to_owned()
    } else {
        format!(
            "{} (random, this run only; e.g. TREADFI_API_KEY={} blotter --treadfi-url {})",
            key.expose_secret(),
            key.expose_secret(),
            handle.base_url()
        )
    };
    println!(
        "simulated Tread.fi venue on {} — Ctrl-C to stop\n  API key: {key_text}",
        handle.base_url(),
    );
    println!(
        "simulated Anboto v2 venue on {} (demo key {}; the demo secret is DEMO_SECRET_B64 in src/sim/anboto/mod.rs; HMAC signatures in hex or base64, or RSA-SHA256 with the RSA demo key)",
        handle.anboto_url(),
        sim::anboto::DEMO_KEY,
    );
    println!(
        "simulated AlphaSec venue on {} (address {})",
        handle.alphasec_url(),
        sim::alphasec::DEMO_ADDRESS
    );
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await;
    Ok(())
}
