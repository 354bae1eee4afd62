//! `blotter`: parses the command line and dispatches to the command's module. The TUI,
//! replay, serve and sim live in `run`; the runbook actions in `runbook`; `dump` in
//! `dump_cmd`; the wiring from config to venues in `wiring`; the terminal in `terminal`.

mod cli;
mod dump_cmd;
mod run;
mod runbook;
mod terminal;
mod wiring;

use crate::cli::*;
use crate::dump_cmd::*;
use crate::run::*;
use crate::runbook::*;
use crate::wiring::*;
use blotter::config::Config;
use blotter::sim::SimConfig;
use clap::Parser;
use color_eyre::eyre::{Result, WrapErr};

/// mimalloc rather than glibc's malloc: a 100k-order refresh frees and re-allocates ~100 MB of
/// small rows on another thread each time, which glibc keeps (per-thread arenas, no trim in the
/// middle of a heap) so the RSS sat at 2–3× the live bytes; mimalloc hands free pages back
/// (README "Performance").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: its place in the `mi_option_t` enum of the mimalloc 3
/// header that libmimalloc-sys 0.1.49 builds (the Rust bindings name no constant for it; the
/// test below pins the place by the option's documented default, 1000 ms).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Pages freed go back to the OS at once rather than after mimalloc's default second: a
/// 100k-order refresh frees ~100 MB in bursts, and the delayed purge let the RSS high-water
/// mark reach 1.57× the steady RSS (1.21× with this; README "Performance", issue 19).
fn return_freed_memory_at_once() {
    // SAFETY: mi_option_set stores an integer in mimalloc's option table; 0 (purge at once) is
    // a documented value of this option, and the table is read with atomics.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

/// No transparent huge pages for this process (Linux; elsewhere nothing). mimalloc asks for them
/// on its arenas, and with a 100k-order book 64 MB of the RSS sat in 2 MB pages the rows filled
/// only in part: 117 MB steady RSS with them, 104–109 MB without (issue 19). A terminal blotter
/// gains nothing measurable from the fewer TLB misses. Returns whether THP is off.
fn no_transparent_huge_pages() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl with PR_SET_THP_DISABLE takes integer arguments only and changes a
        // flag of this process; it cannot touch memory of ours.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    false
}

fn main() -> Result<()> {
    return_freed_memory_at_once();
    no_transparent_huge_pages();
    color_eyre::install()?;
    blotter::venue::install_crypto_provider();
    let cli = Cli::parse();
    // Shell integration needs no configuration (a broken config must not break completions).
    match cli.command {
        Some(Cmd::Completions { shell }) => return print_completions(shell),
        Some(Cmd::Man) => return print_man(),
        _ => {}
    }
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
            since,
        }) => {
            let code = rt.block_on(run_dump(
                &cfg,
                DumpArgs {
                    what,
                    format,
                    order_id,
                    since,
                },
                cli.venue.as_deref(),
            ))?;
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
        }) => rt.block_on(run_serve(cfg, listen, host_key, authorized_keys, cli.nats)),
        Some(Cmd::Feed) => rt.block_on(run_feed(cfg, cli.nats)),
        Some(Cmd::Completions { .. } | Cmd::Man) => Ok(()),
        None if cli.nats.is_some() => rt.block_on(run_tui_nats(cfg, cli.nats)),
        None => rt.block_on(run_tui(cfg, cli.record)),
    }
}

/// `blotter completions SHELL`: the completion script on stdout.
fn print_completions(shell: clap_complete::Shell) -> Result<()> {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "blotter", &mut script);
    write_stdout(&script)
}

/// `blotter man`: the manual page (roff) on stdout.
fn print_man() -> Result<()> {
    use clap::CommandFactory;
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    write_stdout(&page)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may fail loudly
mod allocator_tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set_and_it_reads_back_zero() {
        // SAFETY: reads of mimalloc's option table.
        let (delay, max_errors) = unsafe {
            (
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY),
                libmimalloc_sys::mi_option_get(libmimalloc_sys::mi_option_max_errors),
            )
        };
        assert_eq!(
            (delay, max_errors),
            (1000, 32),
            "mimalloc's documented defaults"
        );
        return_freed_memory_at_once();
        // SAFETY: as above.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) },
            0
        );
    }
    #[cfg(target_os = "linux")]
    #[test]
    fn transparent_huge_pages_are_off_for_the_process() {
        assert!(no_transparent_huge_pages());
        // SAFETY: a read of a process flag.
        assert_eq!(
            unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) },
            1
        );
    }
}
