//! `blotter dump`: fetch once, print as a table, CSV or JSON, exit (non-zero with the
//! venue's reason on stderr when it fails). Part of the `blotter` binary.

use crate::cli::*;
use crate::wiring::*;
use blotter::config::{self, Config};
use blotter::dump::{self, DumpFormat};
use blotter::venue::{Venue, VenueError};
use color_eyre::eyre::{Result, WrapErr, eyre};

/// What `blotter dump` was asked for.
pub(crate) struct DumpArgs {
    pub what: DumpWhat,
    pub format: DumpFormat,
    /// `--order-id` (placements, errors).
    pub order_id: Option<String>,
    /// `--since` (history): `today`, `<n>h`, `<n>d`.
    pub since: Option<String>,
}

pub(crate) async fn run_dump(cfg: &Config, args: DumpArgs, venue: Option<&str>) -> Result<i32> {
    let DumpArgs {
        what,
        format,
        order_id,
        since,
    } = args;
    let window = match since.as_deref() {
        Some(s) => blotter::history::Window::parse(s).map_err(|e| eyre!(e))?,
        None => cfg.history.window().map_err(|e| eyre!(e))?,
    };
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
    let request = DumpRequest {
        what,
        format,
        order_id,
        window,
    };
    let result = dump_once(venue.as_ref(), request, jiff::Timestamp::now()).await;
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

/// One `dump` read, after the arguments were checked.
pub(crate) struct DumpRequest {
    pub what: DumpWhat,
    pub format: DumpFormat,
    pub order_id: Option<String>,
    /// The History window (`dump history`).
    pub window: blotter::history::Window,
}

pub(crate) async fn dump_once(
    venue: &dyn Venue,
    request: DumpRequest,
    now: jiff::Timestamp,
) -> Result<String, VenueError> {
    let DumpRequest {
        what,
        format,
        order_id,
        window,
    } = request;
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
        DumpWhat::History => {
            let start = window.start(now);
            let mut page = venue.history(start).await?;
            report_bad_rows(&page.bad_rows);
            if blotter::venue::is_partial(&page) {
                eprintln!(
                    "history capped at {} page(s) of {}: older orders are not listed",
                    page.page_number.unwrap_or(0),
                    page.num_pages.unwrap_or(0)
                );
            }
            blotter::history::in_window(&mut page.rows, start);
            let rows: Vec<blotter::history::Record> = page
                .rows
                .into_iter()
                .map(|o| blotter::history::Record::of(o, now))
                .collect();
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
pub(crate) async fn dump_ids(
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

pub(crate) fn report_bad_rows(bad: &[blotter::domain::BadRow]) {
    for b in bad {
        eprintln!(
            "warning: row {} ({}) could not be decoded: {}",
            b.index,
            b.id.as_deref().unwrap_or("no id"),
            blotter::sanitize::clean(&b.reason)
        );
    }
}
