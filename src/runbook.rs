//! `blotter pause|resume|cancel`: the scriptable actions for runbooks. Prints the plan, asks
//! unless `--yes`, sends each request once, prints each reply, audits every one. Part of the
//! `blotter` binary.

use crate::cli::*;
use crate::wiring::*;
use blotter::config::Config;
use color_eyre::eyre::{Result, eyre};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Pause,
    Resume,
    Cancel,
}

/// `blotter pause|resume|cancel`: plan, confirm (unless --yes), act through
/// [`blotter::actions::execute`] (one venue-wide request for
/// `--all` where the venue has one, bulk cancels by id where it has those, else one request
/// per order), print each reply, audit each request, exit 1 if any failed.
pub(crate) async fn run_actions(
    cfg: Config,
    verb: Verb,
    args: ActArgs,
    venue: Option<String>,
) -> Result<i32> {
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
                    .is_none_or(|a| o.account_names.iter().any(|n| n == a))
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
    let who = blotter::actions::Actor::cli();
    for action in actions {
        let id = action.order_id();
        let outcome =
            blotter::actions::execute(venue.as_ref(), &action, &who, audit.as_ref()).await;
        if let Some(text) = outcome.audit_error {
            eprintln!("{text}");
            failed += 1;
        }
        match outcome.result {
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
pub(crate) fn confirm_on_stdin() -> Result<bool> {
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
