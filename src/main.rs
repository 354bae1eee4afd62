//! `blotter` command line: the TUI (demo or a real venue), the simulator alone, and `dump`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use blotter::app::State;
use blotter::config::{self, Config};
use blotter::desk;
use blotter::domain::VenueId;
use blotter::dump::{self, DumpFormat};
use blotter::feed::{self, FeedConfig};
use blotter::sim::{self, SimConfig};
use blotter::venue::treadfi::TreadfiClient;
use blotter::venue::{Venue, VenueError};
use clap::{Parser, Subcommand, ValueEnum};
use color_eyre::eyre::{Result, WrapErr, eyre};
use secrecy::ExposeSecret;

/// Terminal order blotter for crypto execution venues. With no venue configured it runs
/// against an embedded simulated Tread.fi venue (demo mode).
#[derive(Debug, Parser)]
#[command(name = "blotter", version, about)]
struct Cli {
    /// Config file (TOML). Default: ~/.config/blotter/config.toml if it exists.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Tread.fi API base URL, e.g. https://app.tread.fi. The API key is read from the
    /// environment variable TREADFI_API_KEY (never from the command line).
    #[arg(long, global = true, value_name = "URL")]
    treadfi_url: Option<String>,
    /// `dump` and the scriptable actions work on this venue (a `[[venue]]` name; in demo
    /// mode `treadfi`, `anboto` or `alphasec`). Default: the first venue.
    #[arg(long, global = true, value_name = "NAME")]
    venue: Option<String>,
    /// Seconds between refreshes of each tab.
    #[arg(long, global = true, value_name = "SECS")]
    interval: Option<f64>,
    /// Record every venue event the TUI receives to FILE (JSON lines; no secrets), for
    /// `blotter replay`.
    #[arg(long, global = true, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Refuse every action (pause, resume, amend, cancel): nothing can change at the venue.
    #[arg(long, global = true)]
    read_only: bool,
    /// Audit log of actions (default: ~/.local/share/blotter/audit.jsonl).
    #[arg(long, global = true, value_name = "PATH")]
    audit_file: Option<PathBuf>,
    /// Allow plain http:// to a non-loopback venue (the API key then travels unencrypted).
    #[arg(long, global = true)]
    allow_insecure: bool,
    /// Log file (default: ~/.local/share/blotter/blotter.log).
    #[arg(long, global = true, value_name = "PATH")]
    log_file: Option<PathBuf>,
    /// Colour theme: dark, light (for white backgrounds) or mono (no colours). Overrides
    /// `[ui] theme`; a non-empty NO_COLOR forces mono.
    #[arg(long, global = true, value_name = "NAME")]
    theme: Option<blotter::ui::theme::ThemeName>,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Run the simulated Tread.fi venue alone (HTTP + WebSocket) until Ctrl-C.
    Sim {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// The API key clients must send as `Authorization: Token KEY` (default: a random
        /// key, printed once at start).
        #[arg(long, value_name = "KEY")]
        token: Option<String>,
        /// `docs`: rows vary as the documents' examples vary (optional fields left out,
        /// numbers as strings or JSON numbers, timestamps with or without a zone, each fill
        /// shape); `sim`: one consistent shape.
        #[arg(long, value_enum, default_value_t = ShapesArg::Sim)]
        shapes: ShapesArg,
        /// Seed of the simulated order book.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Don't progress: orders stay as seeded (for idle measurements).
        #[arg(long)]
        frozen: bool,
        /// Add this many synthetic working orders (performance runs).
        #[arg(long, default_value_t = 0)]
        orders: usize,
        /// Start with these faults (also switchable at run time: `POST /_sim/faults` with the key).
        #[command(flatten)]
        faults: SimFaults,
    },
    /// Pause orders (runbooks): prints the plan, asks unless --yes, prints each reply.
    Pause(ActArgs),
    /// Resume orders (runbooks): prints the plan, asks unless --yes, prints each reply.
    Resume(ActArgs),
    /// Cancel orders, or every active order of an account with --all --account NAME.
    Cancel(ActArgs),
    /// Play a recording (from --record) back through the TUI; actions are not sent.
    Replay {
        /// The recording.
        file: PathBuf,
        /// Playback speed (2 = twice as fast; 0 = as fast as possible).
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
    },
    /// Serve the blotter over SSH: each connection gets its own session, all fed by one
    /// shared feed. Keys from --authorized-keys; roles and limits from `[serve]` in the config.
    Serve {
        /// Address to listen on (default: `[serve] listen`, else 127.0.0.1:2222).
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Host key (OpenSSH ed25519), created on first run (default: in the data dir).
        #[arg(long, value_name = "PATH")]
        host_key: Option<PathBuf>,
        /// Public keys allowed to log in, as in ~/.ssh/authorized_keys (default:
        /// ~/.config/blotter/authorized_keys).
        #[arg(long, value_name = "PATH")]
        authorized_keys: Option<PathBuf>,
    },
    /// Fetch once, print, exit (non-zero with the reason on stderr if the venue fails).
    Dump {
        /// What to print.
        what: DumpWhat,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DumpFormat::Table)]
        format: DumpFormat,
        /// For placements/errors: only this order (default: every active order).
        #[arg(long, value_name = "ID")]
        order_id: Option<String>,
    },
}

/// Arguments of the scriptable actions.
#[derive(Debug, Clone, clap::Args)]
struct ActArgs {
    /// Order ids.
    #[arg(value_name = "ORDER_ID")]
    ids: Vec<String>,
    /// Every active order (with --account: of that account only).
    #[arg(long)]
    all: bool,
    /// With --all: only orders of this account.
    #[arg(long, value_name = "NAME", requires = "all")]
    account: Option<String>,
    /// Don't ask for confirmation.
    #[arg(long)]
    yes: bool,
}

/// `blotter sim --shapes`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ShapesArg {
    /// One consistent shape.
    Sim,
    /// As the documents' examples vary.
    Docs,
}

impl From<ShapesArg> for sim::Shapes {
    fn from(s: ShapesArg) -> Self {
        match s {
            ShapesArg::Sim => sim::Shapes::Sim,
            ShapesArg::Docs => sim::Shapes::Docs,
        }
    }
}

/// Fault switches of `blotter sim`.
#[derive(Debug, Clone, Default, clap::Args)]
struct SimFaults {
    /// Add this much latency to every API response, milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Answer API calls with 503.
    #[arg(long)]
    fail_5xx: bool,
    /// Answer API calls with 429 and this Retry-After (seconds).
    #[arg(long, value_name = "SECS")]
    rate_limit: Option<u64>,
    /// Answer GETs with truncated JSON.
    #[arg(long)]
    malformed: bool,
    /// Send half a body, then stall.
    #[arg(long)]
    stall: bool,
    /// Refuse WebSocket connections.
    #[arg(long)]
    ws_drop: bool,
    /// Stop answering WebSocket keep-alives.
    #[arg(long)]
    ws_silence: bool,
    /// Answer 401 once this many API requests were served.
    #[arg(long, value_name = "N")]
    unauthorized_after: Option<u64>,
}

impl From<SimFaults> for sim::Faults {
    fn from(f: SimFaults) -> Self {
        sim::Faults {
            latency_ms: f.latency_ms,
            server_error: f.fail_5xx,
            rate_limit_secs: f.rate_limit,
            malformed: f.malformed,
            stall: f.stall,
            ws_drop: f.ws_drop,
            ws_silence: f.ws_silence,
            unauthorized_after: f.unauthorized_after,
            ..sim::Faults::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DumpWhat {
    /// Active orders, paused included.
    Active,
    /// Multi-orders (every page).
    Multi,
    /// Placements.
    Placements,
    /// Order errors, warnings and info.
    Errors,
    /// The audit log (`--audit-file`, else the default path), newest first: read locally, no
    /// venue is contacted.
    Audit,
}

fn main() -> Result<()> {
    color_eyre::install()?;
    let cli = Cli::parse();
    let (mut cfg, _) = Config::load(cli.config.as_deref()).wrap_err("loading configuration")?;
    if let Some(url) = &cli.treadfi_url {
        cfg.treadfi.url = Some(url.clone());
    }
    cfg.treadfi.allow_insecure |= cli.allow_insecure;
    cfg.actions.read_only |= cli.read_only;
    if let Some(a) = &cli.audit_file {
        cfg.actions.audit_file = Some(a.clone());
    }
    if let Some(i) = cli.interval {
        cfg.refresh.interval_secs = i;
    }
    if let Some(f) = &cli.log_file {
        cfg.log.file = Some(f.clone());
    }
    cfg.ui.theme = cli.theme.or(cfg.ui.theme);
    let is_tui = cli.command.is_none();
    init_logging(&cfg, is_tui);
    let rt = tokio::runtime::Runtime::new()?;
    match cli.command {
        Some(Cmd::Sim {
            listen,
            token,
            shapes,
            seed,
            orders,
            frozen,
            faults,
        }) => rt.block_on(run_sim(
            listen,
            SimConfig {
                seed,
                token: token.map(secrecy::SecretString::from),
                extra_orders: orders,
                auto_advance: !frozen,
                shapes: shapes.into(),
                ..SimConfig::default()
            },
            faults.into(),
        )),
        Some(Cmd::Dump {
            what,
            format,
            order_id,
        }) => {
            let code = rt.block_on(run_dump(&cfg, what, format, order_id, cli.venue.as_deref()))?;
            drop(rt);
            std::process::exit(code);
        }
        Some(Cmd::Pause(args)) => exit_with(
            rt,
            |cfg| run_actions(cfg, Verb::Pause, args, cli.venue),
            cfg,
        ),
        Some(Cmd::Resume(args)) => exit_with(
            rt,
            |cfg| run_actions(cfg, Verb::Resume, args, cli.venue),
            cfg,
        ),
        Some(Cmd::Cancel(args)) => exit_with(
            rt,
            |cfg| run_actions(cfg, Verb::Cancel, args, cli.venue),
            cfg,
        ),
        Some(Cmd::Replay { file, speed }) => rt.block_on(run_replay(cfg, file, speed)),
        Some(Cmd::Serve {
            listen,
            host_key,
            authorized_keys,
        }) => rt.block_on(run_serve(cfg, listen, host_key, authorized_keys)),
        None => rt.block_on(run_tui(cfg, cli.record)),
    }
}

/// Logs go to a file, never to the terminal the TUI draws on. A log that can't be opened is
/// reported on stderr (before the TUI starts) and logging is off.
fn init_logging(cfg: &Config, is_tui: bool) {
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
struct Connected {
    venue: Arc<dyn Venue>,
    demo: Option<sim::SimHandle>,
}

/// Every configured venue, in order, with the id stamped on its rows; plus the demo simulator
/// behind them, if any.
struct Desk {
    venues: Vec<(VenueId, Arc<dyn Venue>)>,
    demo: Option<sim::SimHandle>,
}

/// One venue of the desk: `--venue NAME`, else the first.
async fn connect(cfg: &Config, auto_advance: bool, pick: Option<&str>) -> Result<Connected> {
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
async fn connect_desk(cfg: &Config, auto_advance: bool) -> Result<Desk> {
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
fn feed_config(cfg: &Config) -> FeedConfig {
    FeedConfig {
        interval: Duration::from_secs_f64(cfg.refresh.interval_secs.max(0.1)),
        max_backoff: Duration::from_secs_f64(cfg.refresh.max_backoff_secs.max(1.0)),
        placements_max_orders: cfg.refresh.placements_max_orders,
        ..FeedConfig::default()
    }
}

/// Runs `f` and exits the process with the status it returns.
fn exit_with<F, Fut>(rt: tokio::runtime::Runtime, f: F, cfg: Config) -> Result<()>
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
fn open_audit(cfg: &Config) -> Option<Arc<blotter::audit::AuditLog>> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Pause,
    Resume,
    Cancel,
}

/// `blotter pause|resume|cancel`: plan, confirm (unless --yes), act (one venue-wide request for
/// `--all` where the venue has one, bulk cancels by id where it has those, else one request
/// per order), print each reply, audit each request, exit 1 if any failed.
async fn run_actions(cfg: Config, verb: Verb, args: ActArgs, venue: Option<String>) -> Result<i32> {
    use blotter::domain::OrderId;
    use blotter::venue::Action;
    let Connected { venue, demo } = connect(&cfg, false, venue.as_deref()).await?;
    let ids: Vec<OrderId> = if args.all {
        let page = venue.active_orders().await.map_err(|e| eyre!("{e}"))?;
        page.rows
            .into_iter()
            .filter(|o| {
                args.account
                    .as_ref()
                    .is_none_or(|a| o.account_names.contains(a))
            })
            // Only paused orders can be resumed.
            .filter(|o| {
                !matches!(verb, Verb::Resume) || o.status == blotter::domain::OrderStatus::Paused
            })
            .map(|o| o.id)
            .collect()
    } else {
        args.ids.iter().map(|i| OrderId::new(i.clone())).collect()
    };
    let word = match verb {
        Verb::Pause => "pause",
        Verb::Resume => "resume",
        Verb::Cancel => "cancel",
    };
    if ids.is_empty() {
        eprintln!("nothing to {word}: no order ids given or matched");
        return Ok(1);
    }
    println!("Will {word} {} order(s) on {}:", ids.len(), venue.name());
    for id in &ids {
        println!("  {id}");
    }
    // `--all` goes out as one venue-wide request where the venue has one for that scope
    // (cancel_all_orders takes accounts; pause_all_orders and resume_all_orders have no account
    // filter); else a cancel goes out as bulk cancels by id where the venue has them
    // (Anboto cancelMany), else one request per order. Each venue spells its own paths.
    let caps = venue.capabilities();
    let wide = match (args.all, verb, &args.account) {
        (true, Verb::Cancel, account) if caps.cancel_all => Some(Action::CancelAll {
            venue: Default::default(),
            account_names: account.iter().cloned().collect(),
        }),
        (true, Verb::Pause, None) if caps.pause_all => Some(Action::PauseAll {
            venue: Default::default(),
        }),
        (true, Verb::Resume, None) if caps.resume_all => Some(Action::ResumeAll {
            venue: Default::default(),
        }),
        _ => None,
    };
    let describe = |a: &Action| {
        venue
            .describe_request(a)
            .unwrap_or_else(|| a.verb().to_string())
    };
    let actions: Vec<Action> = match wide {
        Some(a) => {
            let also = match a {
                Action::CancelAll { .. } => ", paused orders included",
                _ => "",
            };
            println!(
                "  as one request ({}{also}): also reaches orders placed since this list was fetched",
                describe(&a)
            );
            vec![a]
        }
        None => match (verb, caps.cancel_many_chunks(&ids)) {
            (Verb::Cancel, Some(chunks)) => {
                let bulk: Vec<Action> = chunks
                    .into_iter()
                    .map(|order_ids| Action::CancelMany {
                        venue: Default::default(),
                        order_ids,
                    })
                    .collect();
                for a in &bulk {
                    println!("  as one request: {}", describe(a));
                }
                bulk
            }
            _ => ids
                .iter()
                .map(|id| match verb {
                    Verb::Pause => Action::Pause(id.clone()),
                    Verb::Resume => Action::Resume(id.clone()),
                    Verb::Cancel => Action::Cancel(id.clone()),
                })
                .collect(),
        },
    };
    if !args.yes && !confirm_on_stdin()? {
        eprintln!("not confirmed: nothing sent");
        return Ok(1);
    }
    let audit = open_audit(&cfg);
    let mut failed = 0;
    for action in actions {
        let id = action.order_id();
        let started = std::time::Instant::now();
        let result = venue.act(&action).await;
        if let Some(log) = &audit
            && let Err(e) = log.record(venue.name(), &action, &result, started.elapsed(), "cli")
        {
            eprintln!("AUDIT LOG WRITE FAILED: {e}");
            failed += 1;
        }
        match result {
            Ok(r) => println!("{id}: {}", blotter::sanitize::clean(&r.message)),
            Err(e) => {
                failed += 1;
                println!("{id}: FAILED {}", blotter::sanitize::clean(&e.to_string()));
            }
        }
    }
    if let Some(sim) = demo {
        sim.shutdown().await;
    }
    Ok(i32::from(failed > 0))
}

/// Asks `Proceed? [y/N]` on stdin; anything but y/yes (or no input) is No.
fn confirm_on_stdin() -> Result<bool> {
    use std::io::Write;
    print!("Proceed? [y/N] ");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

async fn run_replay(cfg: Config, file: PathBuf, speed: f64) -> Result<()> {
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
    let mut signals = Signals::new();
    let mut terminal = ratatui::try_init()?;
    install_exit_on_panic();
    let size = terminal.size()?;
    state.size = (size.width, size.height);
    let input = crossterm::event::EventStream::new();
    let result = tokio::select! {
        r = blotter::tui::run(&mut terminal, state, &feed, rx, input) => r.map(|_| ()),
        _ = signals.recv() => Ok(()),
    };
    let _ = terminal.show_cursor();
    ratatui::try_restore()?;
    result.map_err(|e| eyre!(e))
}

async fn run_tui(cfg: Config, record: Option<PathBuf>) -> Result<()> {
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
    let (tx, rx) = tokio::sync::mpsc::channel(1024);
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
    let mut signals = Signals::new();
    let mut terminal = ratatui::try_init()?;
    if cfg.ui.mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    }
    let size = terminal.size()?;
    state.size = (size.width, size.height);
    let input = crossterm::event::EventStream::new();
    let (result, signal) = tokio::select! {
        r = blotter::tui::run_with(&mut terminal, state, &feed, rx, input, &loop_opts) => (r.map(|_| ()), None),
        s = signals.recv() => (Ok(()), Some(s)),
    };
    // Show the cursor explicitly: the signal path exits before `terminal` would drop.
    let _ = terminal.show_cursor();
    if cfg.ui.mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    }
    ratatui::try_restore()?;
    drop(terminal);
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
async fn run_serve(
    cfg: Config,
    listen: Option<SocketAddr>,
    host_key: Option<PathBuf>,
    authorized_keys: Option<PathBuf>,
) -> Result<()> {
    use blotter::serve::{self, ServeOptions, Venues, hub::Hub, keys};
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

    let feed_cfg = feed_config(&cfg);
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
    let Desk { venues, demo } = connect_desk(&cfg, true).await?;
    let main = start_hubs(venues, demo.is_some());
    let mut extra_sim = None;
    let demo_hubs = match (section.demo_user, demo.is_some()) {
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
    let mut opts = ServeOptions::from_section(section, key, authorized);
    opts.mouse = cfg.ui.mouse;
    opts.prefs = cfg.prefs().map_err(|e| eyre!(e))?;
    opts.audit_file = cfg
        .actions
        .audit_file
        .clone()
        .or_else(config::default_audit_path);
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

/// Chains a hook after the current one (ratatui's restore + color-eyre's report) that logs the
/// panic and exits with status 101.
fn install_exit_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "panic; terminal restored, exiting");
        previous(info);
        let _ = crossterm::execute!(
            std::io::stdout(),
            crossterm::event::DisableMouseCapture,
            crossterm::cursor::Show
        );
        std::process::exit(101);
    }));
}

/// SIGTERM, SIGHUP (terminal closed) and SIGINT, registered when created (before the
/// terminal is taken over, so an early signal still restores it).
struct Signals {
    #[cfg(unix)]
    streams: Option<[tokio::signal::unix::Signal; 3]>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = match (
                signal(SignalKind::terminate()),
                signal(SignalKind::hangup()),
                signal(SignalKind::interrupt()),
            ) {
                (Ok(t), Ok(h), Ok(i)) => Some([t, h, i]),
                _ => {
                    tracing::warn!("cannot install signal handlers");
                    None
                }
            };
            Self { streams }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Waits for one; returns its name and the conventional exit status (128 + number).
    async fn recv(&mut self) -> (&'static str, i32) {
        #[cfg(unix)]
        {
            let Some([term, hup, int]) = self.streams.as_mut() else {
                return std::future::pending().await;
            };
            tokio::select! {
                _ = term.recv() => ("SIGTERM", 143),
                _ = hup.recv() => ("SIGHUP", 129),
                _ = int.recv() => ("SIGINT", 130),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            ("Ctrl-C", 130)
        }
    }
}

async fn run_sim(listen: SocketAddr, cfg: SimConfig, faults: sim::Faults) -> Result<()> {
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
        "simulated Anboto v2 venue on {} (demo key {}; the demo secret is DEMO_SECRET_B64 in src/sim/anboto.rs; HMAC signatures in hex or base64, or RSA-SHA256 with the RSA demo key)",
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

async fn run_dump(
    cfg: &Config,
    what: DumpWhat,
    format: DumpFormat,
    order_id: Option<String>,
    venue: Option<&str>,
) -> Result<i32> {
    if what == DumpWhat::Audit {
        let Some(path) = cfg
            .actions
            .audit_file
            .clone()
            .or_else(config::default_audit_path)
        else {
            return Err(eyre!(
                "no data directory for the audit log: pass --audit-file PATH"
            ));
        };
        let tail = blotter::audit::read_all(&path)
            .wrap_err_with(|| format!("reading {}", path.display()))?;
        if tail.bad_lines > 0 {
            eprintln!(
                "{}: {} line(s) were not audit entries",
                path.display(),
                tail.bad_lines
            );
        }
        print!("{}", blotter::dump::render(&tail.entries, format));
        return Ok(0);
    }
    let Connected { venue, demo } = connect(cfg, false, venue).await?;
    let result = dump_once(venue.as_ref(), what, format, order_id).await;
    if let Some(sim) = demo {
        sim.shutdown().await;
    }
    match result {
        Ok(text) => {
            print!("{text}");
            Ok(0)
        }
        Err(e) => {
            eprintln!("{}", blotter::sanitize::clean(&e.to_string()));
            Ok(1)
        }
    }
}

async fn dump_once(
    venue: &dyn Venue,
    what: DumpWhat,
    format: DumpFormat,
    order_id: Option<String>,
) -> Result<String, VenueError> {
    Ok(match what {
        // Read locally by run_dump before any venue is connected.
        DumpWhat::Audit => {
            return Err(VenueError::Unsupported {
                venue: venue.name().to_string(),
                what: "the audit log (it is read locally)".into(),
            });
        }
        DumpWhat::Active => {
            let page = venue.active_orders().await?;
            report_bad_rows(&page.bad_rows);
            dump::render(&page.rows, format)
        }
        DumpWhat::Multi => {
            let mut page = venue.multi_orders(1).await?;
            for n in 2..=page.num_pages.unwrap_or(1).min(100) {
                let next = venue.multi_orders(n).await?;
                page.rows.extend(next.rows);
                page.bad_rows.extend(next.bad_rows);
            }
            report_bad_rows(&page.bad_rows);
            dump::render(&page.rows, format)
        }
        DumpWhat::Placements => {
            let ids = dump_ids(venue, order_id.as_deref()).await?;
            let mut rows = Vec::new();
            for id in ids {
                let page = venue.placements(&id).await?;
                report_bad_rows(&page.bad_rows);
                rows.extend(page.rows);
            }
            dump::render(&rows, format)
        }
        DumpWhat::Errors => {
            let ids = dump_ids(venue, order_id.as_deref()).await?;
            let mut rows = Vec::new();
            for chunk in ids.chunks(50) {
                rows.extend(venue.order_errors(chunk).await?);
            }
            dump::render(&rows, format)
        }
    })
}

/// The orders `dump placements|errors` covers: the one named, else every active order.
async fn dump_ids(
    venue: &dyn Venue,
    order_id: Option<&str>,
) -> Result<Vec<blotter::domain::OrderId>, VenueError> {
    Ok(match order_id {
        Some(id) => vec![blotter::domain::OrderId::new(id)],
        None => venue
            .active_orders()
            .await?
            .rows
            .into_iter()
            .map(|o| o.id)
            .collect(),
    })
}

fn report_bad_rows(bad: &[blotter::domain::BadRow]) {
    for b in bad {
        eprintln!(
            "warning: row {} ({}) could not be decoded: {}",
            b.index,
            b.id.as_deref().unwrap_or("no id"),
            blotter::sanitize::clean(&b.reason)
        );
    }
}
