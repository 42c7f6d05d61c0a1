//! `sync`: the whole fleet, exported and/or summarised — a thin consumer of the core's
//! `Client::fleet_sync`, which lists, joins, de-duplicates and re-tries (see its docs). The CLI
//! writes the records it hands over (CSV or JSON lines), draws the progress bar, builds the
//! summary, and with `--resume FILE` keeps a checkpoint next to the output so that a crashed or
//! incomplete run continues where it stopped.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use cardboss::rules::{platform_today, state_name};
use cardboss::{Client, FleetRecord, FleetSyncOptions, MissingCard, MissingPage};
use chrono::{NaiveDate, Utc};
use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Ctx;
use crate::args::SyncArgs;
use crate::failure::{failed, usage, CliResult};
use crate::output::{grid, progress_bar, Format};

// ------------------------------------------------------------------------------------ summary

/// Threshold of "over 80% of the package".
pub const USED_THRESHOLD: f64 = 0.8;
/// "Expiring soon" horizon, days.
pub const EXPIRY_DAYS: i64 = 30;

#[derive(Debug, Clone, Serialize)]
pub struct GroupCount {
    pub operator: String,
    pub state: i64,
    pub state_name: &'static str,
    pub cards: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HighUsage {
    pub msisdn: String,
    pub iccid: String,
    pub pkgname: String,
    pub pkgusedflow: f64,
    pub pkgtotalflow: f64,
    pub percent: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Expiring {
    pub msisdn: String,
    pub iccid: String,
    pub pkgname: String,
    pub expiredate: String,
    pub days_left: i64,
}

/// What `sync --summary` prints, built while the records stream by.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub today: String,
    pub total: u64,
    pub by_state_operator: Vec<GroupCount>,
    pub over_80_percent: Vec<HighUsage>,
    pub expiring_within_30_days: Vec<Expiring>,
    #[serde(skip)]
    groups: BTreeMap<(String, i64), u64>,
    #[serde(skip)]
    today_date: NaiveDate,
}

impl Summary {
    pub fn new(today: NaiveDate) -> Summary {
        Summary {
            today: today.to_string(),
            total: 0,
            by_state_operator: Vec::new(),
            over_80_percent: Vec::new(),
            expiring_within_30_days: Vec::new(),
            groups: BTreeMap::new(),
            today_date: today,
        }
    }

    pub fn add(&mut self, r: &FleetRecord) {
        self.total += 1;
        let operator = r
            .mno
            .clone()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "?".into());
        *self.groups.entry((operator, r.state)).or_default() += 1;
        if let Some(used) = r.package_used().filter(|u| *u >= USED_THRESHOLD) {
            self.over_80_percent.push(HighUsage {
                msisdn: r.msisdn.clone(),
                iccid: r.iccid.clone(),
                pkgname: r.pkgname.clone().unwrap_or_default(),
                pkgusedflow: r.pkgusedflow.unwrap_or_default(),
                pkgtotalflow: r.pkgtotalflow.unwrap_or_default(),
                percent: (used * 1000.0).round() / 10.0,
            });
        }
        let expiry = r
            .expiredate
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
        if let Some(date) = expiry {
            let days_left = (date - self.today_date).num_days();
            if (0..=EXPIRY_DAYS).contains(&days_left) {
                self.expiring_within_30_days.push(Expiring {
                    msisdn: r.msisdn.clone(),
                    iccid: r.iccid.clone(),
                    pkgname: r.pkgname.clone().unwrap_or_default(),
                    expiredate: date.to_string(),
                    days_left,
                });
            }
        }
    }

    pub fn finish(&mut self) {
        self.by_state_operator = self
            .groups
            .iter()
            .map(|((operator, state), n)| GroupCount {
                operator: operator.clone(),
                state: *state,
                state_name: state_name(*state),
                cards: *n,
            })
            .collect();
        self.over_80_percent.sort_by(|a, b| {
            b.percent
                .total_cmp(&a.percent)
                .then_with(|| a.msisdn.cmp(&b.msisdn))
        });
        self.expiring_within_30_days.sort_by(|a, b| {
            a.days_left
                .cmp(&b.days_left)
                .then_with(|| a.msisdn.cmp(&b.msisdn))
        });
    }

    /// The summary for people: a state × operator grid and the two watch lists (at most
    /// `limit` lines each).
    pub fn render_text(&self, limit: usize) -> String {
        let mut out = String::new();
        let operators: Vec<&String> = {
            let mut o: Vec<&String> = self.groups.keys().map(|(op, _)| op).collect();
            o.dedup();
            o
        };
        let states: Vec<i64> = {
            let mut s: Vec<i64> = self.groups.keys().map(|(_, s)| *s).collect();
            s.sort_unstable();
            s.dedup();
            s
        };
        let mut header = vec!["STATE".to_string()];
        header.extend(operators.iter().map(|o| o.to_string()));
        header.push("TOTAL".into());
        let mut rows = Vec::new();
        for s in &states {
            let mut row = vec![format!("{s} {}", state_name(*s))];
            let mut total = 0;
            for o in &operators {
                let n = self.groups.get(&((*o).clone(), *s)).copied().unwrap_or(0);
                total += n;
                row.push(n.to_string());
            }
            row.push(total.to_string());
            rows.push(row);
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str(&format!(
            "Cards by state and operator ({} cards)\n",
            self.total
        ));
        out.push_str(&indent(&grid(&header, &rows)));
        out.push_str(&format!(
            "\n\nCards at or over {}% of their package: {}\n",
            (USED_THRESHOLD * 100.0) as u32,
            self.over_80_percent.len()
        ));
        if !self.over_80_percent.is_empty() {
            let rows: Vec<Vec<String>> = self
                .over_80_percent
                .iter()
                .take(limit)
                .map(|h| {
                    vec![
                        h.msisdn.clone(),
                        h.pkgname.clone(),
                        format!("{:.1}%", h.percent),
                        kb(h.pkgusedflow),
                        kb(h.pkgtotalflow),
                    ]
                })
                .collect();
            out.push_str(&indent(&grid(
                &["MSISDN", "PACKAGE", "USED", "USED KB", "TOTAL KB"],
                &rows,
            )));
            out.push('\n');
            if self.over_80_percent.len() > limit {
                out.push_str(&format!(
                    "  … and {} more (--json for all)\n",
                    self.over_80_percent.len() - limit
                ));
            }
        }
        out.push_str(&format!(
            "\nPackages expiring within {EXPIRY_DAYS} days (from {}): {}\n",
            self.today,
            self.expiring_within_30_days.len()
        ));
        if !self.expiring_within_30_days.is_empty() {
            let rows: Vec<Vec<String>> = self
                .expiring_within_30_days
                .iter()
                .take(limit)
                .map(|e| {
                    vec![
                        e.msisdn.clone(),
                        e.pkgname.clone(),
                        e.expiredate.clone(),
                        e.days_left.to_string(),
                    ]
                })
                .collect();
            out.push_str(&indent(&grid(
                &["MSISDN", "PACKAGE", "EXPIRES", "DAYS LEFT"],
                &rows,
            )));
            out.push('\n');
            if self.expiring_within_30_days.len() > limit {
                out.push_str(&format!(
                    "  … and {} more (--json for all)\n",
                    self.expiring_within_30_days.len() - limit
                ));
            }
        }
        out
    }

    /// The summary as CSV rows: `section,operator,state,msisdn,iccid,pkgname,value,date`.
    pub fn render_csv(&self) -> CliResult<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "section", "operator", "state", "msisdn", "iccid", "pkgname", "value", "date",
        ])?;
        for g in &self.by_state_operator {
            w.write_record([
                "by_state_operator",
                &g.operator,
                &g.state.to_string(),
                "",
                "",
                "",
                &g.cards.to_string(),
                "",
            ])?;
        }
        for h in &self.over_80_percent {
            w.write_record([
                "over_80_percent",
                "",
                "",
                &h.msisdn,
                &h.iccid,
                &h.pkgname,
                &h.percent.to_string(),
                "",
            ])?;
        }
        for e in &self.expiring_within_30_days {
            w.write_record([
                "expiring_within_30_days",
                "",
                "",
                &e.msisdn,
                &e.iccid,
                &e.pkgname,
                &e.days_left.to_string(),
                &e.expiredate,
            ])?;
        }
        Ok(
            String::from_utf8(w.into_inner().map_err(|e| failed(e.to_string()))?)
                .unwrap_or_default(),
        )
    }
}

fn kb(v: f64) -> String {
    format!("{v:.0}")
}

pub fn indent(s: &str) -> String {
    s.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Today in the platform's zone (the core's rule).
pub fn today(client: &Client) -> NaiveDate {
    platform_today(Utc::now(), client.config().utc_offset_minutes)
}

// ------------------------------------------------------------------------------------- export

/// Where the records go.
pub enum Sink {
    None,
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Jsonl(BufWriter<File>),
}

impl Sink {
    fn write(&mut self, r: &FleetRecord) -> CliResult {
        match self {
            Sink::None => Ok(()),
            Sink::Csv(w) => Ok(w.serialize(r)?),
            Sink::Jsonl(w) => {
                serde_json::to_writer(&mut *w, r)?;
                w.write_all(b"\n")?;
                Ok(())
            }
        }
    }

    /// Flushes to the file and says how long it now is.
    fn flush(&mut self) -> CliResult<u64> {
        let file = match self {
            Sink::None => return Ok(0),
            Sink::Csv(w) => {
                w.flush()?;
                w.get_ref().get_ref()
            }
            Sink::Jsonl(w) => {
                w.flush()?;
                w.get_ref()
            }
        };
        Ok(file.metadata()?.len())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Jsonl,
}

pub fn file_kind(path: &Path) -> CliResult<FileKind> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => Ok(FileKind::Csv),
        Some("jsonl") | Some("ndjson") => Ok(FileKind::Jsonl),
        _ => Err(usage(format!(
            "--out {}: the file name must end in .csv or .jsonl",
            path.display()
        ))),
    }
}

/// The counts of an export, and what it could not fetch.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub exported: u64,
    pub duplicates_skipped: u64,
    pub without_detail: u64,
    pub without_usage: u64,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Every listed card exported (with a resume file: by this run and the earlier ones).
    pub complete: bool,
    pub requests: i64,
    pub retries: i64,
    pub missing_cards: Vec<MissingCard>,
    pub missing_pages: Vec<MissingPage>,
}

/// The `--resume` file: the core's checkpoint, and how long the output was when it was taken
/// (a crash between writing records and saving the checkpoint leaves records the checkpoint
/// does not know; they are cut off before continuing).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Resume {
    pub checkpoint: String,
    pub bytes: u64,
}

impl Resume {
    fn load(path: &Path) -> CliResult<Option<Resume>> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                usage(format!(
                    "--resume {}: not a sync checkpoint: {e}",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(failed(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Written to a side file, then renamed over the old one: never half a checkpoint.
    fn save(&self, path: &Path) -> CliResult {
        let side = side_path(path, ".tmp");
        std::fs::write(&side, serde_json::to_vec(self)?)
            .map_err(|e| failed(format!("cannot write {}: {e}", side.display())))?;
        std::fs::rename(&side, path)
            .map_err(|e| failed(format!("cannot write {}: {e}", path.display())))
    }
}

/// Streams the fleet through `sink` and `summary`. `bar` shows progress (hidden off a TTY).
/// With `resume`, the checkpoint is saved there after every batch written.
pub async fn export(
    client: &Client,
    options: FleetSyncOptions,
    sink: &mut Sink,
    summary: &mut Summary,
    bar: &ProgressBar,
    resume: Option<&Path>,
) -> CliResult<SyncReport> {
    let started = Instant::now();
    let mut sync = client.fleet_sync(options)?;
    let mut report = SyncReport {
        exported: 0,
        duplicates_skipped: 0,
        without_detail: 0,
        without_usage: 0,
        seconds: 0.0,
        file: None,
        complete: false,
        requests: 0,
        retries: 0,
        missing_cards: Vec::new(),
        missing_pages: Vec::new(),
    };
    while let Some(batch) = sync.next_batch().await {
        for record in batch? {
            report.without_detail += u64::from(!record.detail_found);
            report.without_usage += u64::from(!record.usage_found);
            sink.write(&record)?;
            summary.add(&record);
            report.exported += 1;
            bar.inc(1);
        }
        if let Some(path) = resume {
            let bytes = sink.flush()?;
            let checkpoint = sync.checkpoint();
            Resume { checkpoint, bytes }.save(path)?;
        }
    }
    let done = sync.report();
    if let Some(path) = resume {
        let bytes = sink.flush()?;
        let checkpoint = sync.checkpoint();
        Resume { checkpoint, bytes }.save(path)?;
    }
    summary.finish();
    report.duplicates_skipped = done.duplicates as u64;
    report.complete = done.complete;
    report.requests = done.requests;
    report.retries = done.retries;
    report.missing_cards = done.missing_cards;
    report.missing_pages = done.missing_pages;
    report.seconds = (started.elapsed().as_secs_f64() * 100.0).round() / 100.0;
    Ok(report)
}

/// Opens `path.partial` for writing; the caller renames it to `path` after a complete export.
/// `keep` bytes of an earlier partial file are kept (a resumed export appends to them).
pub fn open_sink(path: &Path, keep: u64) -> CliResult<(Sink, PathBuf)> {
    let kind = file_kind(path)?;
    let partial = side_path(path, ".partial");
    let cannot = |e: std::io::Error| failed(format!("cannot write {}: {e}", partial.display()));
    let file = if keep > 0 {
        let file = OpenOptions::new()
            .write(true)
            .open(&partial)
            .map_err(cannot)?;
        file.set_len(keep).map_err(cannot)?;
        let mut file = file;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0)).map_err(cannot)?;
        file
    } else {
        File::create(&partial).map_err(cannot)?
    };
    let w = BufWriter::with_capacity(1 << 16, file);
    let sink = match kind {
        FileKind::Csv => Sink::Csv(Box::new(
            csv::WriterBuilder::new()
                .has_headers(keep == 0)
                .from_writer(w),
        )),
        FileKind::Jsonl => Sink::Jsonl(w),
    };
    Ok((sink, partial))
}

fn side_path(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The total shown by the progress bar (one extra request; only when a bar is drawn).
pub async fn fleet_size(client: &Client) -> Option<u64> {
    client
        .list_cards(1)
        .await
        .ok()
        .map(|p| p.count.max(0) as u64)
}

pub async fn run(ctx: &Ctx, args: SyncArgs) -> CliResult {
    if args.out.is_none() && !args.summary {
        return Err(usage("give --out FILE.csv|FILE.jsonl, --summary, or both"));
    }
    if let Some(out) = &args.out {
        file_kind(out)?;
    }
    if args.resume.is_some() && args.out.is_none() {
        return Err(usage("--resume needs --out: it continues that file"));
    }
    let earlier = match &args.resume {
        Some(path) => Resume::load(path)?,
        None => None,
    };
    let client = ctx.client()?;
    let mut options = FleetSyncOptions {
        retry_budget: args.retry_budget,
        ..Default::default()
    };
    if let Some(r) = &earlier {
        options.resume_from = Some(r.checkpoint.clone());
    }
    let mut summary = Summary::new(today(&client));
    let (mut sink, partial) = match &args.out {
        Some(path) => {
            let keep = earlier.as_ref().map_or(0, |r| r.bytes);
            let (sink, partial) = open_sink(path, keep)?;
            (sink, Some(partial))
        }
        None => (Sink::None, None),
    };
    let total = if ctx.progress && earlier.is_none() {
        fleet_size(&client).await
    } else {
        None
    };
    let bar = progress_bar(total, "syncing", ctx.progress);
    let result = export(
        &client,
        options,
        &mut sink,
        &mut summary,
        &bar,
        args.resume.as_deref(),
    )
    .await;
    bar.finish_and_clear();
    let discard = |partial: &Option<PathBuf>| {
        // Without a resume file a partial export is of no use to anyone.
        if let (Some(p), None) = (partial, &args.resume) {
            let _ = std::fs::remove_file(p);
        }
    };
    let mut report = match result {
        Ok(r) => r,
        Err(e) => {
            drop(sink);
            discard(&partial);
            return Err(e);
        }
    };
    sink.flush()?;
    drop(sink);
    if !report.complete {
        print(ctx.format, &report, args.summary.then_some(&summary))?;
        discard(&partial);
        let again = match &args.resume {
            Some(path) => format!(
                "; run it again with --resume {} to fetch them",
                path.display()
            ),
            None => String::new(),
        };
        return Err(failed(format!(
            "incomplete sync: {} card(s) and {} page(s) could not be fetched{again}",
            report.missing_cards.len(),
            report.missing_pages.len()
        )));
    }
    if let (Some(out), Some(partial)) = (&args.out, &partial) {
        std::fs::rename(partial, out).map_err(|e| {
            failed(format!(
                "cannot rename {} to {}: {e}",
                partial.display(),
                out.display()
            ))
        })?;
        report.file = Some(out.display().to_string());
    }
    if let Some(path) = &args.resume {
        // Done: the next run starts a new sync.
        let _ = std::fs::remove_file(path);
    }
    print(ctx.format, &report, args.summary.then_some(&summary))
}

fn print(format: Format, report: &SyncReport, summary: Option<&Summary>) -> CliResult {
    let mut stdout = std::io::stdout().lock();
    match format {
        Format::Json => {
            let value = match summary {
                Some(s) => json!({"sync": report, "summary": s}),
                None => json!({"sync": report}),
            };
            writeln!(stdout, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        Format::Csv => match summary {
            Some(s) => write!(stdout, "{}", s.render_csv()?)?,
            None => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record([
                    "exported",
                    "duplicates_skipped",
                    "without_detail",
                    "without_usage",
                    "seconds",
                    "file",
                    "complete",
                    "missing_cards",
                    "missing_pages",
                ])?;
                w.write_record([
                    report.exported.to_string(),
                    report.duplicates_skipped.to_string(),
                    report.without_detail.to_string(),
                    report.without_usage.to_string(),
                    report.seconds.to_string(),
                    report.file.clone().unwrap_or_default(),
                    report.complete.to_string(),
                    report.missing_cards.len().to_string(),
                    report.missing_pages.len().to_string(),
                ])?;
                stdout.write_all(&w.into_inner().map_err(|e| failed(e.to_string()))?)?;
            }
        },
        Format::Table => {
            let target = report
                .file
                .as_deref()
                .map(|f| format!(" to {f}"))
                .unwrap_or_default();
            writeln!(
                stdout,
                "synced {} cards{target} in {:.2} s",
                report.exported, report.seconds
            )?;
            if report.duplicates_skipped > 0 {
                writeln!(
                    stdout,
                    "  {} duplicate list entries skipped",
                    report.duplicates_skipped
                )?;
            }
            if report.without_detail > 0 || report.without_usage > 0 {
                writeln!(
                    stdout,
                    "  {} card(s) without detail, {} without current usage (their fields are empty)",
                    report.without_detail, report.without_usage
                )?;
            }
            for m in report.missing_cards.iter().take(20) {
                writeln!(
                    stdout,
                    "  not fetched: card {} ({}: {})",
                    m.key(),
                    m.endpoint,
                    m.error
                )?;
            }
            if report.missing_cards.len() > 20 {
                writeln!(
                    stdout,
                    "  … and {} more cards not fetched (--json for all)",
                    report.missing_cards.len() - 20
                )?;
            }
            for p in &report.missing_pages {
                writeln!(stdout, "  not fetched: list page {} ({})", p.page, p.error)?;
            }
            if let Some(s) = summary {
                writeln!(stdout)?;
                write!(stdout, "{}", s.render_text(20))?;
            }
        }
    }
    Ok(())
}
