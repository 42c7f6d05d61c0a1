//! `cardboss bulk`: one operation on many cards through the core's bulk run
//! (`Client::bulk_named`), which owns every rule (cooldowns, no POST replayed, reconciliation,
//! the journal). Here: reading the ids, asking before a renewal, progress, printing the
//! outcomes, the CSV report, Ctrl-C and the exit code.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use cardboss::{BulkOutcome, BulkReport, BulkSettings, CardRef, CardSet, Client, OutcomeStatus};
use tokio::sync::mpsc;

use super::Ctx;
use crate::args::BulkArgs;
use crate::failure::{
    failed, usage, CliError, CliResult, EXIT_INCOMPLETE, EXIT_INTERRUPTED, EXIT_REFUSED,
    EXIT_UNKNOWN,
};
use crate::output::{progress_bar, Format, View};

/// The columns of `--report` and of `--csv`, in this order.
pub const OUTCOME_COLUMNS: &[&str] = &[
    "card",
    "status",
    "code",
    "msg",
    "detail",
    "observed_msstatus",
    "orderid",
    "attempts",
    "reconciled",
    "note",
];

pub async fn run(ctx: &Ctx, a: BulkArgs) -> CliResult {
    let ids = read_ids(&a)?;
    let cards = CardSet::mixed(ids);
    let client = ctx.client()?;
    let mut settings = settings(&a)?;
    // Refuse bad parameters before anything is read or asked.
    settings.clone().resolve(&a.op)?;
    if a.op == "renew" {
        with_listed_package(&client, &cards, &mut settings).await?;
        if !a.dry_run && !a.yes {
            confirm_renewal(&cards, &settings)?;
        }
    }
    let mut run = client.bulk_named(&a.op, &cards, settings)?;

    let bar = progress_bar(Some(cards.len() as u64), &a.op, ctx.progress);
    let mut interrupts = interrupts();
    let mut interrupted = false;
    loop {
        tokio::select! {
            outcome = run.next() => match outcome {
                Some(o) => {
                    bar.inc(1);
                    if ctx.format == Format::Table && needs_attention(&o) {
                        bar.suspend(|| println!("{}", outcome_line(&o)));
                    }
                }
                None => break,
            },
            Some(()) = interrupts.recv(), if !interrupted => {
                interrupted = true;
                run.cancel();
                bar.suspend(|| eprintln!(
                    "interrupted: waiting for the requests in flight (Ctrl-C again to quit now; \
                     the journal, if any, stays valid)"
                ));
            }
        }
    }
    bar.finish_and_clear();
    let report = run.finish().await;
    if let Some(path) = &a.report {
        write_report(path, &report)?;
    }
    print_report(ctx.format, &report)?;
    verdict(&report, interrupted, a.dry_run)
}

/// The ids of the arguments, then those of `--from-file` (`-`: stdin).
fn read_ids(a: &BulkArgs) -> CliResult<Vec<String>> {
    let mut ids: Vec<String> = a.ids.iter().map(|s| s.trim().to_string()).collect();
    if let Some(path) = &a.from_file {
        let lines: Vec<String> = if path == Path::new("-") {
            std::io::stdin().lock().lines().collect::<Result<_, _>>()?
        } else {
            let file = std::fs::File::open(path)
                .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
            std::io::BufReader::new(file)
                .lines()
                .collect::<Result<_, _>>()?
        };
        ids.extend(
            lines
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    if ids.is_empty() {
        return Err(usage(
            "no card given (ids as arguments or --from-file FILE)",
        ));
    }
    Ok(ids)
}

/// The flags as given; the core resolves defaults and checks them.
fn settings(a: &BulkArgs) -> CliResult<BulkSettings> {
    let deadline_ms = match a.deadline {
        None => None,
        Some(secs) if secs.is_finite() && secs >= 0.0 => Some((secs * 1000.0).round() as i64),
        Some(secs) => return Err(usage(format!("--deadline {secs}: seconds, at least 0"))),
    };
    Ok(BulkSettings {
        apn: a.apn.clone(),
        min_left_percent: a.min_left_percent,
        pkgcode: a.pkgcode.clone(),
        package: None,
        months: a.months,
        repetition: a.repetition.then_some(true),
        startdate: a.startdate.clone(),
        audit: a.audit,
        remark: a.remark.clone(),
        // `--concurrency` is the global flag: the client's, which is the run's default.
        concurrency: None,
        journal: a.journal.as_ref().map(|p| p.to_string_lossy().into_owned()),
        dry_run: a.dry_run.then_some(true),
        wait_cooldowns: a.no_wait_cooldowns.then_some(false),
        check_state: a.check_state.then_some(true),
        deadline_ms,
        max_requeues: a.max_requeues,
    })
}

/// A package code is one package of the catalog: when the first card lists it, the run gets the
/// package itself so that the core checks the spec's length rule (month packs at least 12
/// months, long packs in whole cycles) before anything is sent. A code the card does not list
/// is left to the platform, as the single `renew` does.
async fn with_listed_package(
    client: &Client,
    cards: &CardSet,
    settings: &mut BulkSettings,
) -> CliResult {
    let (Some(code), Some(first)) = (settings.pkgcode.clone(), cards.ids().first()) else {
        return Ok(());
    };
    if let Some(package) = listed_package(client, &CardRef::from_id(first), &code).await? {
        settings.pkgcode = None;
        settings.package = Some(package);
    }
    Ok(())
}

/// The card's own listing of package `code` (3.2.6 card/pkg/get), if it has it.
pub async fn listed_package(
    client: &Client,
    card: &CardRef,
    code: &str,
) -> CliResult<Option<cardboss::Package>> {
    let listed = client.packages(card).await?;
    Ok(listed.pkgs.into_iter().find(|p| p.pkgcode == code))
}

/// A renewal costs money: ask on a terminal; off a terminal only `--yes` allows it.
fn confirm_renewal(cards: &CardSet, s: &BulkSettings) -> CliResult {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(usage(
            "a bulk renewal needs --yes when there is no terminal to confirm it on",
        ));
    }
    let package = match (&s.package, &s.pkgcode) {
        (Some(p), _) => format!("{} ({})", p.pkgcode, p.pkgname),
        (None, Some(code)) => code.clone(),
        (None, None) => String::new(),
    };
    eprint!(
        "Renew {} cards: package {package}, {} months each? [y/N] ",
        cards.len(),
        s.months.unwrap_or_default()
    );
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        Err(usage("not confirmed: nothing was sent"))
    }
}

/// Forwards Ctrl-C to the run; a second one quits at once (the journal stays valid: cards in
/// flight are read back by the next run).
fn interrupts() -> mpsc::Receiver<()> {
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        let _ = tx.send(()).await;
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    });
    rx
}

/// Done and skipped cards need nothing more; the table prints a line for every other one.
fn needs_attention(o: &BulkOutcome) -> bool {
    !matches!(o.status, OutcomeStatus::Done | OutcomeStatus::Skipped)
}

fn status_name(status: OutcomeStatus) -> &'static str {
    match status {
        OutcomeStatus::Done => "done",
        OutcomeStatus::Refused => "refused",
        OutcomeStatus::Unknown => "unknown",
        OutcomeStatus::Skipped => "skipped",
        OutcomeStatus::NotAttempted => "not_attempted",
    }
}

/// `refused  1064…  [1099] msg (detail) — note`.
fn outcome_line(o: &BulkOutcome) -> String {
    let mut line = format!("{:<13} {}", status_name(o.status), o.card);
    if let Some(code) = &o.code {
        line.push_str(&format!("  [{code}]"));
    }
    for text in [&o.msg, &o.detail].into_iter().flatten() {
        if !text.is_empty() {
            line.push_str(&format!(" {text}"));
        }
    }
    if let Some(m) = o.observed_msstatus {
        line.push_str(&format!("  (msstatus {m})"));
    }
    if let Some(note) = &o.note {
        line.push_str(&format!("  {note}"));
    }
    line
}

fn write_report(path: &Path, report: &BulkReport) -> CliResult {
    let text = View::many(&report.outcomes, OUTCOME_COLUMNS)?.render(Format::Csv)?;
    std::fs::write(path, text).map_err(|e| failed(format!("cannot write {}: {e}", path.display())))
}

/// JSON: the whole report; CSV: one row per card; table: the counts (the cards that need
/// attention were printed as they settled).
fn print_report(format: Format, report: &BulkReport) -> CliResult {
    match format {
        Format::Json => View::one(report, &[])?.print(Format::Json),
        Format::Csv => View::many(&report.outcomes, OUTCOME_COLUMNS)?.print(Format::Csv),
        Format::Table => {
            let mut lines = vec![format!(
                "{}: {} cards: {} done, {} skipped, {} refused, {} unknown, {} not attempted",
                report.op,
                report.cards,
                report.done,
                report.skipped,
                report.refused,
                report.unknown,
                report.not_attempted
            )];
            lines.push(format!(
                "{} reconciled by reading the card back, {} from the journal, {} rescheduled, \
                 {} slowdowns, {} requests",
                report.reconciled,
                report.from_journal,
                report.rescheduled,
                report.slowdowns,
                report.requests
            ));
            if let Some(why) = &report.stopped {
                lines.push(format!("stopped: {why}"));
            }
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", crate::failure::redact(&lines.join("\n")))?;
            out.flush()?;
            Ok(())
        }
    }
}

/// The exit code: 4 if any card is unknown, else 3 if any was refused, else 5 if any was not
/// attempted (a dry run sends nothing on purpose), 130 when interrupted; 0 otherwise.
fn verdict(report: &BulkReport, interrupted: bool, dry_run: bool) -> CliResult {
    let counts = format!(
        "{} of {} cards done or skipped, {} refused, {} unknown, {} not attempted",
        report.done + report.skipped,
        report.cards,
        report.refused,
        report.unknown,
        report.not_attempted
    );
    let (code, label) = if interrupted {
        (EXIT_INTERRUPTED, "INTERRUPTED")
    } else if report.unknown > 0 {
        (EXIT_UNKNOWN, "UNKNOWN")
    } else if report.refused > 0 {
        (EXIT_REFUSED, "REFUSED")
    } else if report.not_attempted > 0 && !dry_run {
        (EXIT_INCOMPLETE, "NOT_ATTEMPTED")
    } else {
        return Ok(());
    };
    let msg = match &report.stopped {
        Some(why) => format!("{counts} (stopped: {why})"),
        None => counts,
    };
    Err(CliError::Bulk { code, label, msg })
}
