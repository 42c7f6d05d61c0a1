//! `sync`: the whole fleet, exported and/or summarised.
//!
//! The card list is streamed page by page (`Client::cards`, fetched ahead in the background);
//! every `concurrency × 100` cards form a chunk whose details and current usage are fetched
//! together (the core batches them by 100 and runs `concurrency` batches at a time). Each card is
//! written once, as one merged record, as soon as its chunk is complete: memory stays flat
//! whatever the fleet's size. A card the list repeats (a fleet changing during the export) is
//! skipped and counted.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use cardboss::rules::{is_iccid, is_msisdn, CARDS_PER_PAGE};
use cardboss::{Card, CardDetail, CardSet, CardStream, Client, CurrentUsage};
use chrono::{NaiveDate, Utc};
use indicatif::ProgressBar;
use serde::Serialize;
use serde_json::json;

use super::Ctx;
use crate::args::SyncArgs;
use crate::failure::{failed, usage, CliError, CliResult};
use crate::output::{grid, progress_bar, Format};

/// One card: the list's fields, its details, and its current usage (which wins over the
/// detail's copy of the same counters). Fields the platform did not return are empty.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncRecord {
    pub msisdn: String,
    pub iccid: String,
    pub imsi: String,
    /// From the list: 0 disabled, 1 usable, 2 paused.
    pub state: i64,
    pub mno: Option<String>,
    pub msstatus: Option<i64>,
    pub cycle: Option<i64>,
    pub imei: Option<String>,
    pub balance: Option<f64>,
    pub openpool: Option<i64>,
    pub pkgcode: Option<String>,
    pub pkgname: Option<String>,
    pub activedate: Option<String>,
    pub stoptestdate: Option<String>,
    pub stopsleepdate: Option<String>,
    pub expiredate: Option<String>,
    pub openapns: Option<String>,
    pub apnstatus: Option<String>,
    pub onoff: Option<String>,
    pub online: Option<String>,
    pub apn: Option<String>,
    pub rat: Option<String>,
    pub ip: Option<String>,
    pub sbbh: Option<String>,
    pub pkgtotalflow: Option<f64>,
    pub pkgusedflow: Option<f64>,
    pub pkgtotalusedflow: Option<f64>,
    pub pkgleftflow: Option<f64>,
    pub flowusage: Option<f64>,
    pub smsusage: Option<i64>,
    pub voiceusage: Option<i64>,
    pub connectusage: Option<i64>,
    pub outflowusage: Option<f64>,
    pub statusyncdate: Option<String>,
    pub pkgsyncdate: Option<String>,
    pub monthsyncdate: Option<String>,
    /// card/detail answered for this card.
    pub detail_found: bool,
    /// card/usage/current answered for this card.
    pub usage_found: bool,
}

impl SyncRecord {
    fn merge(card: Card, detail: Option<&CardDetail>, usage: Option<&CurrentUsage>) -> SyncRecord {
        let pick = |a: String, b: Option<&str>| {
            if a.is_empty() {
                b.unwrap_or_default().to_string()
            } else {
                a
            }
        };
        let mut r = SyncRecord {
            msisdn: pick(card.msisdn, detail.map(|d| d.msisdn.as_str())),
            iccid: pick(card.iccid, detail.map(|d| d.iccid.as_str())),
            imsi: pick(card.imsi, detail.map(|d| d.imsi.as_str())),
            state: card.state,
            ..Default::default()
        };
        if let Some(d) = detail {
            r.detail_found = true;
            r.mno = Some(d.mno.clone());
            r.msstatus = Some(d.msstatus);
            r.cycle = Some(d.cycle);
            r.imei = Some(d.imei.clone());
            r.balance = Some(d.balance);
            r.openpool = Some(d.openpool);
            r.pkgcode = Some(d.pkgcode.clone());
            r.pkgname = Some(d.pkgname.clone());
            r.activedate = d.activedate.clone();
            r.stoptestdate = d.stoptestdate.clone();
            r.stopsleepdate = d.stopsleepdate.clone();
            r.expiredate = d.expiredate.clone();
            r.openapns = Some(d.openapns.clone());
            r.apnstatus = Some(d.apnstatus.clone());
            r.onoff = Some(d.onoff.clone());
            r.online = Some(d.online.clone());
            r.apn = Some(d.apn.clone());
            r.rat = Some(d.rat.clone());
            r.ip = Some(d.ip.clone());
            r.sbbh = Some(d.sbbh.clone());
            r.pkgtotalflow = Some(d.pkgtotalflow);
            r.pkgusedflow = Some(d.pkgusedflow);
            r.pkgtotalusedflow = Some(d.pkgtotalusedflow);
            r.pkgleftflow = Some(d.pkgleftflow);
            r.flowusage = Some(d.flowusage);
            r.smsusage = Some(d.smsusage);
            r.voiceusage = Some(d.voiceusage);
            r.connectusage = Some(d.connectusage);
            r.outflowusage = Some(d.outflowusage);
            r.statusyncdate = d.statusyncdate.clone();
            r.pkgsyncdate = d.pkgsyncdate.clone();
            r.monthsyncdate = d.monthsyncdate.clone();
        }
        if let Some(u) = usage {
            r.usage_found = true;
            r.pkgtotalflow = Some(u.pkgtotalflow);
            r.pkgusedflow = Some(u.pkgusedflow);
            r.pkgtotalusedflow = Some(u.pkgtotalusedflow);
            r.pkgleftflow = Some(u.pkgleftflow);
            r.flowusage = Some(u.flowusage);
            r.smsusage = Some(u.smsusage);
            r.voiceusage = Some(u.voiceusage);
            r.connectusage = Some(u.connectusage);
            r.outflowusage = Some(u.outflowusage);
        }
        r
    }

    /// Share of the package used (pkgusedflow / pkgtotalflow), when the package is limited.
    pub fn package_used(&self) -> Option<f64> {
        match (self.pkgusedflow, self.pkgtotalflow) {
            (Some(used), Some(total)) if total > 0.0 => Some(used / total),
            _ => None,
        }
    }
}

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

pub fn state_name(state: i64) -> &'static str {
    match state {
        0 => "disabled",
        1 => "usable",
        2 => "paused",
        _ => "other",
    }
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

    pub fn add(&mut self, r: &SyncRecord) {
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

/// Today in the platform's zone.
pub fn platform_today(utc_offset_minutes: i32) -> NaiveDate {
    (Utc::now() + chrono::Duration::minutes(i64::from(utc_offset_minutes))).date_naive()
}

// ------------------------------------------------------------------------------------- export

/// Where the records go.
pub enum Sink {
    None,
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Jsonl(BufWriter<File>),
}

impl Sink {
    fn write(&mut self, r: &SyncRecord) -> CliResult {
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

    fn finish(self) -> CliResult {
        match self {
            Sink::None => Ok(()),
            Sink::Csv(mut w) => Ok(w.flush()?),
            Sink::Jsonl(mut w) => Ok(w.flush()?),
        }
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

/// The counts of an export.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub exported: u64,
    pub duplicates_skipped: u64,
    pub without_detail: u64,
    pub without_usage: u64,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// Streams the fleet through `sink` and `summary`. `bar` shows progress (hidden off a TTY).
pub async fn export(
    client: &Client,
    sink: &mut Sink,
    summary: &mut Summary,
    bar: &ProgressBar,
) -> CliResult<SyncReport> {
    let started = Instant::now();
    let chunk_size = (client.config().concurrency.max(1) * CARDS_PER_PAGE).max(CARDS_PER_PAGE);
    let mut chunks = Chunks {
        stream: client.cards(),
        seen: HashSet::new(),
        duplicates: 0,
        done: false,
        size: chunk_size,
    };
    let mut report = SyncReport {
        exported: 0,
        duplicates_skipped: 0,
        without_detail: 0,
        without_usage: 0,
        seconds: 0.0,
        file: None,
    };
    while let Some(chunk) = chunks.next().await? {
        for record in enrich(client, chunk).await? {
            report.without_detail += u64::from(!record.detail_found);
            report.without_usage += u64::from(!record.usage_found);
            sink.write(&record)?;
            summary.add(&record);
            report.exported += 1;
            bar.inc(1);
        }
    }
    summary.finish();
    report.duplicates_skipped = chunks.duplicates;
    report.seconds = (started.elapsed().as_secs_f64() * 100.0).round() / 100.0;
    Ok(report)
}

/// Groups the streamed list into chunks of new (not yet seen) cards.
struct Chunks {
    stream: CardStream,
    seen: HashSet<String>,
    duplicates: u64,
    done: bool,
    size: usize,
}

impl Chunks {
    async fn next(&mut self) -> CliResult<Option<Vec<Card>>> {
        let mut chunk = Vec::new();
        while !self.done && chunk.len() < self.size {
            match self.stream.next_page().await {
                Some(page) => {
                    for card in page? {
                        let key = if card.msisdn.is_empty() {
                            card.iccid.clone()
                        } else {
                            card.msisdn.clone()
                        };
                        if self.seen.insert(key) {
                            chunk.push(card);
                        } else {
                            self.duplicates += 1;
                        }
                    }
                }
                None => self.done = true,
            }
        }
        Ok((!chunk.is_empty()).then_some(chunk))
    }
}

/// Details and current usage of a chunk, fetched together, merged per card in list order.
async fn enrich(client: &Client, cards: Vec<Card>) -> CliResult<Vec<SyncRecord>> {
    let msisdns: Vec<String> = cards
        .iter()
        .filter(|c| is_msisdn(&c.msisdn))
        .map(|c| c.msisdn.clone())
        .collect();
    let iccids: Vec<String> = cards
        .iter()
        .filter(|c| !is_msisdn(&c.msisdn) && is_iccid(&c.iccid))
        .map(|c| c.iccid.clone())
        .collect();
    let sets: Vec<CardSet> = [CardSet::Msisdns(msisdns), CardSet::Iccids(iccids)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let details = async {
        let mut all = Vec::new();
        for set in &sets {
            all.extend(client.card_details(set).await?);
        }
        Ok::<_, cardboss::Error>(all)
    };
    let usages = async {
        let mut all = Vec::new();
        for set in &sets {
            all.extend(client.current_usage(set).await?);
        }
        Ok::<_, cardboss::Error>(all)
    };
    let (details, usages) = tokio::try_join!(details, usages).map_err(CliError::from)?;
    let mut detail_by: HashMap<&str, &CardDetail> = HashMap::new();
    for d in &details {
        for k in [d.msisdn.as_str(), d.iccid.as_str()] {
            if !k.is_empty() {
                detail_by.entry(k).or_insert(d);
            }
        }
    }
    let mut usage_by: HashMap<&str, &CurrentUsage> = HashMap::new();
    for u in &usages {
        for k in [u.msisdn.as_str(), u.iccids.as_str()] {
            if !k.is_empty() {
                usage_by.entry(k).or_insert(u);
            }
        }
    }
    let find = |card: &Card| {
        let d = [card.msisdn.as_str(), card.iccid.as_str()]
            .into_iter()
            .filter(|k| !k.is_empty())
            .find_map(|k| detail_by.get(k).copied());
        let u = [card.msisdn.as_str(), card.iccid.as_str()]
            .into_iter()
            .filter(|k| !k.is_empty())
            .find_map(|k| usage_by.get(k).copied());
        (d, u)
    };
    Ok(cards
        .into_iter()
        .map(|card| {
            let (d, u) = find(&card);
            SyncRecord::merge(card, d, u)
        })
        .collect())
}

/// Opens `path.partial` for writing; [`commit`] renames it to `path` after a complete export.
pub fn open_sink(path: &Path) -> CliResult<(Sink, PathBuf)> {
    let kind = file_kind(path)?;
    let partial = partial_path(path);
    let file = File::create(&partial)
        .map_err(|e| failed(format!("cannot create {}: {e}", partial.display())))?;
    let w = BufWriter::with_capacity(1 << 16, file);
    let sink = match kind {
        FileKind::Csv => Sink::Csv(Box::new(csv::Writer::from_writer(w))),
        FileKind::Jsonl => Sink::Jsonl(w),
    };
    Ok((sink, partial))
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
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
    let client = ctx.client()?;
    let today = platform_today(client.config().utc_offset_minutes);
    let mut summary = Summary::new(today);
    let (mut sink, partial) = match &args.out {
        Some(path) => {
            let (sink, partial) = open_sink(path)?;
            (sink, Some(partial))
        }
        None => (Sink::None, None),
    };
    let total = if ctx.progress {
        fleet_size(&client).await
    } else {
        None
    };
    let bar = progress_bar(total, "syncing", ctx.progress);
    let result = export(&client, &mut sink, &mut summary, &bar).await;
    bar.finish_and_clear();
    let mut report = match result {
        Ok(r) => r,
        Err(e) => {
            drop(sink);
            if let Some(p) = &partial {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
    };
    sink.finish()?;
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
                w.serialize(report)?;
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
            if let Some(s) = summary {
                writeln!(stdout)?;
                write!(stdout, "{}", s.render_text(20))?;
            }
        }
    }
    Ok(())
}
