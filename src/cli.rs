//! The command line (clap): flags, subcommands and their arguments. Part of the `blotter`
//! binary, not the library.

use blotter::dump::DumpFormat;
use blotter::sim::{self};
use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// `blotter --version`: the package version and the commit it was built from
/// (`0.1.0 (1a2b3c4)`, `-dirty` when the tree differed from it, `unknown` without git; see
/// `build.rs`).
pub(crate) const VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), " (", env!("BLOTTER_COMMIT"), ")");

/// Terminal order blotter for crypto execution venues. With no venue configured it runs
/// against an embedded simulated Tread.fi venue (demo mode).
#[derive(Debug, Parser)]
#[command(name = "blotter", version = VERSION, about)]
pub(crate) struct Cli {
    /// Config file (TOML). Default: ~/.config/blotter/config.toml if it exists.
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
    /// Tread.fi API base URL, e.g. https://app.tread.fi. The API key is read from the
    /// environment variable TREADFI_API_KEY (never from the command line).
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) treadfi_url: Option<String>,
    /// `dump` and the scriptable actions work on this venue (a `[[venue]]` name; in demo
    /// mode `treadfi`, `anboto` or `alphasec`). Default: the first venue.
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) venue: Option<String>,
    /// Seconds between refreshes of each tab.
    #[arg(long, global = true, value_name = "SECS")]
    pub(crate) interval: Option<f64>,
    /// Record every venue event the TUI receives to FILE (JSON lines; no secrets), for
    /// `blotter replay`.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) record: Option<PathBuf>,
    /// Refuse every action (pause, resume, amend, cancel): nothing can change at the venue.
    #[arg(long, global = true)]
    pub(crate) read_only: bool,
    /// Audit log of actions (default: ~/.local/share/blotter/audit.jsonl).
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) audit_file: Option<PathBuf>,
    /// Allow plain http:// to a non-loopback venue (the API key then travels unencrypted).
    #[arg(long, global = true)]
    pub(crate) allow_insecure: bool,
    /// NATS server (`nats://host:4222`, `tls://host:4222`): with `feed`, publish the venues
    /// there; with `serve` or no command, show what a feed process publishes there (no venue
    /// configuration, no venue secrets). Credentials only from NATS_TOKEN, NATS_USER +
    /// NATS_PASSWORD or NATS_AUTH_FILE (never argv); NATS_CA_FILE for a private CA.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) nats: Option<String>,
    /// Log file (default: ~/.local/share/blotter/blotter.log).
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) log_file: Option<PathBuf>,
    /// Colour theme: dark, light (for white backgrounds) or mono (no colours). Overrides
    /// `[ui] theme`; a non-empty NO_COLOR forces mono.
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) theme: Option<blotter::ui::theme::ThemeName>,
    #[command(subcommand)]
    pub(crate) command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Cmd {
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
    /// The one process that talks to the venues: runs their feeds and publishes them on NATS
    /// (--nats) for SSH edges (`serve --nats`) and traders' terminals (`--nats`); carries out
    /// and audits every action they send.
    Feed,
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
        /// For history: the window, `today`, `<n>h` or `<n>d` (default: `[history] window`,
        /// else `today`, since 00:00 UTC).
        #[arg(long, value_name = "WINDOW")]
        since: Option<String>,
    },
    /// Print a shell completion script to stdout, e.g. `blotter completions bash >
    /// ~/.local/share/bash-completion/completions/blotter`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout, e.g. `blotter man > ~/.local/share/man/man1/
    /// blotter.1` or `blotter man | man -l -`.
    Man,
}

/// Arguments of the scriptable actions.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ActArgs {
    /// Order ids.
    #[arg(value_name = "ORDER_ID")]
    pub(crate) ids: Vec<String>,
    /// Every active order (with --account: of that account only).
    #[arg(long)]
    pub(crate) all: bool,
    /// With --all: only orders of this account.
    #[arg(long, value_name = "NAME", requires = "all")]
    pub(crate) account: Option<String>,
    /// Don't ask for confirmation.
    #[arg(long)]
    pub(crate) yes: bool,
}

/// `blotter sim --shapes`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ShapesArg {
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
pub(crate) struct SimFaults {
    /// Add this much latency to every API response, milliseconds.
    #[arg(long, default_value_t = 0)]
    pub(crate) latency_ms: u64,
    /// Answer API calls with 503.
    #[arg(long)]
    pub(crate) fail_5xx: bool,
    /// Answer API calls with 429 and this Retry-After (seconds).
    #[arg(long, value_name = "SECS")]
    pub(crate) rate_limit: Option<u64>,
    /// Answer GETs with truncated JSON.
    #[arg(long)]
    pub(crate) malformed: bool,
    /// Send half a body, then stall.
    #[arg(long)]
    pub(crate) stall: bool,
    /// Refuse WebSocket connections.
    #[arg(long)]
    pub(crate) ws_drop: bool,
    /// Stop answering WebSocket keep-alives.
    #[arg(long)]
    pub(crate) ws_silence: bool,
    /// Answer 401 once this many API requests were served.
    #[arg(long, value_name = "N")]
    pub(crate) unauthorized_after: Option<u64>,
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
pub(crate) enum DumpWhat {
    /// Active orders, paused included.
    Active,
    /// Multi-orders (every page).
    Multi,
    /// Placements.
    Placements,
    /// Order errors, warnings and info.
    Errors,
    /// Orders finished in the History window (`--since`, else `[history] window`, else since
    /// 00:00 UTC today), newest first, each with its transaction-cost figures.
    History,
    /// The audit log (`--audit-file`, else the default path), newest first: read locally, no
    /// venue is contacted.
    Audit,
}
