//! `cardboss demo`: an embedded sandbox on free ports, a push receiver in-process, and the main
//! flows of the SDK one after the other, as a readable report.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use cardboss::{
    parse_sms_push, Audit, CardDetail, CardRef, CardSet, Client, Config, Error, Package, Push,
    PushContent, PushGuard, PushOptions, RenewOptions, SmsPush, PUSH_ACK,
};
use cardboss_sandbox::{SandboxConfig, SandboxHandle};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, Mutex};

use super::sync::{export, indent, open_sink, today, Summary};
use super::Ctx;
use crate::args::DemoArgs;
use crate::failure::{failed, CliError, CliResult};
use crate::output::{grid, progress_bar};

const STEPS: usize = 6;
const PUSH_WAIT: Duration = Duration::from_secs(15);

pub async fn run(ctx: &Ctx, args: DemoArgs) -> CliResult {
    let started = Instant::now();
    let base = SandboxConfig {
        port1: 0,
        port2: 0,
        cards: args.cards,
        seed: args.seed,
        ..Default::default()
    };
    let receiver = Receiver::start(&base.sid, &base.apikey).await?;
    let config = SandboxConfig {
        push_url: Some(format!("{}/push", receiver.url)),
        sms_push_url: Some(format!("{}/sms", receiver.url)),
        ..base
    };
    let sandbox = cardboss_sandbox::start(config)
        .await
        .map_err(|e| failed(format!("cannot start the embedded sandbox: {e}")))?;
    crate::failure::set_secret(sandbox.apikey());
    let outcome = Demo::new(ctx, &sandbox, &receiver)?.walk(args.cards).await;
    sandbox.shutdown().await;
    receiver.stop();
    let n = outcome?;
    println!();
    println!("== Demo complete ==");
    println!("  {n} flows ran against the sandbox in {:.1} s; every answer was signed, checked and decoded by the SDK.", started.elapsed().as_secs_f64());
    println!(
        "  Next: `cardboss sandbox --port1 9011 --port2 8111` in one terminal, then in another"
    );
    println!(
        "        export CARDBOSS_SID=10043 CARDBOSS_APIKEY=<apikey from the sandbox's ready line>"
    );
    println!(
        "        cardboss customer; cardboss cards list; cardboss sync --summary; cardboss --help"
    );
    Ok(())
}

struct Demo<'a> {
    ctx: &'a Ctx,
    client: Client,
    sandbox: &'a SandboxHandle,
    receiver: &'a Receiver,
    admin: reqwest::Client,
}

fn step(n: usize, title: &str) {
    println!();
    println!("== [{n}/{STEPS}] {title} ==");
}

fn line(text: impl AsRef<str>) {
    println!("  {}", text.as_ref());
}

fn table(header: &[&str], rows: &[Vec<String>]) {
    println!("{}", indent(&indent(&grid(header, rows))));
}

fn kb(v: f64) -> String {
    if v >= 1024.0 * 1024.0 {
        format!("{:.2} GB", v / 1024.0 / 1024.0)
    } else if v >= 1024.0 {
        format!("{:.1} MB", v / 1024.0)
    } else {
        format!("{v:.0} kB")
    }
}

fn msstatus_name(s: i64) -> &'static str {
    match s {
        0 => "stock",
        1 => "awaiting activation",
        2 => "normal",
        3 => "suspended",
        4 => "closed",
        6 => "test",
        _ => "other",
    }
}

impl<'a> Demo<'a> {
    fn new(
        ctx: &'a Ctx,
        sandbox: &'a SandboxHandle,
        receiver: &'a Receiver,
    ) -> CliResult<Demo<'a>> {
        let mut config = Config::new(sandbox.sid(), sandbox.apikey())
            .base_url(sandbox.base_url())
            .ops_url(sandbox.ops_url());
        if let Some(n) = ctx.settings.concurrency {
            config.concurrency = n;
        }
        let client = Client::new(config)?;
        let admin = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| failed(e.to_string()))?;
        Ok(Demo {
            ctx,
            client,
            sandbox,
            receiver,
            admin,
        })
    }

    async fn walk(&self, cards: usize) -> CliResult<usize> {
        println!("CardBOSS SDK demo: the Rust core against an embedded sandbox of {cards} cards");
        line(format!(
            "queries, SMS, renewals   {}",
            self.sandbox.base_url()
        ));
        line(format!(
            "lifecycle operations     {}",
            self.sandbox.ops_url()
        ));
        line(format!(
            "account                  sid {} (the apikey is never printed)",
            self.sandbox.sid()
        ));
        line(format!(
            "push receiver            {}/push (data, signed) and {}/sms (SMS)",
            self.receiver.url, self.receiver.url
        ));
        self.account().await.map_err(|e| in_step("account", e))?;
        let candidates = self
            .fleet_sync()
            .await
            .map_err(|e| in_step("fleet sync", e))?;
        self.usage(&candidates)
            .await
            .map_err(|e| in_step("usage", e))?;
        self.renewal(&candidates)
            .await
            .map_err(|e| in_step("renewal", e))?;
        self.suspend_resume(&candidates)
            .await
            .map_err(|e| in_step("suspend/resume", e))?;
        self.encrypted_sms(&candidates)
            .await
            .map_err(|e| in_step("encrypted SMS", e))?;
        Ok(STEPS)
    }

    // ------------------------------------------------------------------------------- 1 account

    async fn account(&self) -> CliResult {
        step(1, "Account");
        let me = self.client.customer().await?;
        line(format!(
            "{} (sid {}, login {})",
            me.name, me.sid, me.loginname
        ));
        line(format!(
            "balance {:.2} yuan · {} cards · status {}",
            me.balance,
            me.cardqty,
            if me.status == 1 { "normal" } else { "disabled" }
        ));
        Ok(())
    }

    // ---------------------------------------------------------------------------- 2 fleet sync

    async fn fleet_sync(&self) -> CliResult<Vec<CardDetail>> {
        step(2, "Fleet sync");
        line("list (100 a page, fetched ahead) + detail + current usage (batches of 100, 8 at a time) per card");
        let path = std::env::temp_dir().join(format!("cardboss-demo-{}.csv", std::process::id()));
        let (mut sink, partial) = open_sink(&path, 0)?;
        let mut summary = Summary::new(today(&self.client));
        let total = if self.ctx.progress {
            super::sync::fleet_size(&self.client).await
        } else {
            None
        };
        let bar = progress_bar(total, "syncing", self.ctx.progress);
        let options = cardboss::FleetSyncOptions::default();
        let result = export(&self.client, options, &mut sink, &mut summary, &bar, None).await;
        bar.finish_and_clear();
        let report = result?;
        drop(sink);
        let size = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
        let _ = std::fs::remove_file(&partial);
        line(format!(
            "{} cards exported once each in {:.2} s ({:.0} cards/s), {} kB of CSV (`cardboss sync --out fleet.csv`)",
            report.exported,
            report.seconds,
            report.exported as f64 / report.seconds.max(0.001),
            size / 1024
        ));
        if !report.complete {
            line(format!(
                "incomplete: {} card(s) and {} list page(s) not fetched (named in `cardboss sync --json`)",
                report.missing_cards.len(),
                report.missing_pages.len()
            ));
        }
        if report.without_detail + report.without_usage > 0 {
            line(format!(
                "{} without detail, {} without usage",
                report.without_detail, report.without_usage
            ));
        }
        println!();
        println!("{}", indent(summary.render_text(3).trim_end()));
        // Cards to show the other flows on: the first page's usable, normal cards.
        let page = self.client.list_cards(1).await?;
        let ids: Vec<String> = page
            .cards
            .iter()
            .map(|c| c.msisdn.clone())
            .filter(|m| !m.is_empty())
            .collect();
        let details = self.client.card_details(&CardSet::Msisdns(ids)).await?;
        let mut candidates: Vec<CardDetail> = details
            .into_iter()
            .filter(|d| d.state == 1 && d.msstatus == 2)
            .collect();
        if candidates.len() < 3 {
            return Err(failed(
                "the sandbox's first page has fewer than 3 usable cards; try another --seed",
            ));
        }
        candidates.truncate(20);
        Ok(candidates)
    }

    // --------------------------------------------------------------------------------- 3 usage

    async fn usage(&self, candidates: &[CardDetail]) -> CliResult {
        step(3, "Usage");
        let ids: Vec<String> = candidates
            .iter()
            .take(3)
            .map(|d| d.msisdn.clone())
            .collect();
        let set = CardSet::Msisdns(ids.clone());
        let current = self.client.current_usage(&set).await?;
        line("this month (card/usage/current):");
        let rows: Vec<Vec<String>> = current
            .iter()
            .map(|u| {
                let pct = if u.pkgtotalflow > 0.0 {
                    format!("{:.0}%", 100.0 * u.pkgusedflow / u.pkgtotalflow)
                } else {
                    "-".into()
                };
                vec![
                    u.msisdn.clone(),
                    kb(u.pkgusedflow),
                    kb(u.pkgtotalflow),
                    pct,
                    u.smsusage.to_string(),
                    u.voiceusage.to_string(),
                ]
            })
            .collect();
        table(
            &["MSISDN", "USED", "PACKAGE", "%", "SMS", "VOICE MIN"],
            &rows,
        );
        let now = chrono::Utc::now()
            + chrono::Duration::minutes(i64::from(self.client.config().utc_offset_minutes));
        let month = now.format("%Y%m").to_string();
        let past = self.client.usage_history(&month, &set, None).await?;
        line(format!(
            "month {month} (card/usage/past, `showday` signed though the spec's table forgets it):"
        ));
        let rows: Vec<Vec<String>> = past
            .iter()
            .map(|u| {
                vec![
                    u.msisdn.clone(),
                    kb(u.flowusage),
                    u.smsusage.to_string(),
                    u.voiceusage.to_string(),
                ]
            })
            .collect();
        table(&["MSISDN", "DATA", "SMS", "VOICE MIN"], &rows);
        let pkgs = self.client.packages(&CardRef::msisdn(&ids[0])).await?;
        line(format!("packages of {} (card/pkg/get):", ids[0]));
        table(
            &["CODE", "NAME", "FROM", "TO", "MAIN"],
            &package_rows(&pkgs.pkgs),
        );
        Ok(())
    }

    // ------------------------------------------------------------------------------- 4 renewal

    async fn renewal(&self, candidates: &[CardDetail]) -> CliResult {
        step(4, "Renewal confirmed by push");
        let mut chosen = None;
        for d in candidates {
            let pkgs = self.client.packages(&CardRef::msisdn(&d.msisdn)).await?;
            let main = pkgs
                .pkgs
                .iter()
                .find(|p| p.mainpkg && p.pkgcategory <= 2)
                .or_else(|| pkgs.pkgs.iter().find(|p| p.pkgcategory <= 2));
            if let Some(p) = main {
                chosen = Some((d.clone(), p.clone(), pkgs.pkgs.len()));
                break;
            }
        }
        let (card, pkg, before) =
            chosen.ok_or_else(|| failed("no card with a renewable package on the first page"))?;
        let months = if pkg.pkgcategory == 1 {
            pkg.buycycle.max(12)
        } else {
            pkg.buycycle.max(1)
        } as u32;
        let options = RenewOptions {
            audit: Some(Audit::Manual),
            remark: Some("cardboss demo".into()),
            ..Default::default()
        };
        let order = self
            .client
            .renew(
                &CardRef::msisdn(&card.msisdn),
                &pkg.pkgcode,
                months,
                &options,
            )
            .await?;
        line(format!(
            "ordered {months} month(s) of {} ({}) for {}: order {} of {:.2} yuan, pending review",
            pkg.pkgname, pkg.pkgcode, card.msisdn, order.orderid, order.orderamount
        ));
        let url = format!(
            "{}/_sandbox/orders/{}/approve",
            self.sandbox.base_url(),
            order.orderid
        );
        self.admin_post(&url, json!({})).await?;
        line("the provider approves it (sandbox admin API) and the platform pushes OD1002 to our receiver …");
        let push = self.receiver.wait_data(PUSH_WAIT, |p| match &p.content {
            PushContent::RenewalResult { result } => result.orderid == order.orderid,
            _ => false,
        });
        let push = push.await.ok_or_else(|| {
            failed(format!(
                "no OD1002 push for order {} within {} s",
                order.orderid,
                PUSH_WAIT.as_secs()
            ))
        })?;
        let PushContent::RenewalResult { result } = &push.content else {
            unreachable!("filtered above")
        };
        line(format!(
            "push {} verified (MD5 sign over sid+apikey+fields, sid, age, not a replay) and answered `{PUSH_ACK}`",
            push.sn
        ));
        line(format!(
            "order {}: {} — {} ({}), {} month(s), {}",
            result.orderid,
            if result.succeeded() {
                "SUCCEEDED"
            } else {
                "FAILED"
            },
            result.pkgname,
            result.pkgcode,
            result.month,
            result.msg
        ));
        let after = self.client.packages(&CardRef::msisdn(&card.msisdn)).await?;
        line(format!(
            "packages of {}: {before} before, {} now:",
            card.msisdn,
            after.pkgs.len()
        ));
        table(
            &["CODE", "NAME", "FROM", "TO", "MAIN"],
            &package_rows(&after.pkgs),
        );
        if !result.succeeded() {
            return Err(failed(format!("the renewal failed: {}", result.msg)));
        }
        Ok(())
    }

    // ------------------------------------------------------------------------ 5 suspend/resume

    async fn suspend_resume(&self, candidates: &[CardDetail]) -> CliResult {
        step(5, "Suspend / resume and the 3-minute cooldown");
        let card = &candidates[1];
        let r = CardRef::msisdn(&card.msisdn);
        line(format!(
            "card {}: {}",
            card.msisdn,
            msstatus_name(card.msstatus)
        ));
        self.client.suspend(&r).await?;
        line(format!(
            "suspend (card/stopkeep, port2): ok → {}",
            msstatus_name(self.msstatus(&card.msisdn).await?)
        ));
        match self.client.resume(&r).await {
            Err(Error::Cooldown { retry_after_secs, .. }) => line(format!(
                "resume right away: refused locally by the SDK's cooldown guard, retry in {retry_after_secs} s (nothing was sent)"
            )),
            Err(e) => return Err(e.into()),
            Ok(()) => return Err(failed("the cooldown guard let a repeat through")),
        }
        let mut unguarded = self.client.config().clone();
        unguarded.cooldown_guard = false;
        match Client::new(unguarded)?.resume(&r).await {
            Err(e) => line(format!(
                "without the guard the carrier refuses it: code {}{} (retry in {} s)",
                e.code(),
                e.failure()
                    .and_then(|f| f.carrier_code.as_deref())
                    .map(|c| format!(", carrier {c}"))
                    .unwrap_or_default(),
                e.retry_after_secs().unwrap_or(180)
            )),
            Ok(()) => return Err(failed("the sandbox accepted a repeat within 3 minutes")),
        }
        let url = format!("{}/_sandbox/clock/advance", self.sandbox.base_url());
        self.admin_post(&url, json!({"seconds": 181})).await?;
        self.client.clear_cooldowns();
        line("3 minutes later (sandbox clock advanced 181 s; the guard runs on the real clock, so it is cleared too):");
        self.client.resume(&r).await?;
        line(format!(
            "resume: ok → {}",
            msstatus_name(self.msstatus(&card.msisdn).await?)
        ));
        Ok(())
    }

    async fn msstatus(&self, msisdn: &str) -> CliResult<i64> {
        let d = self
            .client
            .card_details(&CardSet::msisdns([msisdn]))
            .await?;
        d.first()
            .map(|d| d.msstatus)
            .ok_or_else(|| failed(format!("no detail for {msisdn}")))
    }

    // ------------------------------------------------------------------------- 6 encrypted SMS

    async fn encrypted_sms(&self, candidates: &[CardDetail]) -> CliResult {
        step(6, "Encrypted SMS and its delivery report");
        let targets: Vec<String> = candidates
            .iter()
            .skip(2)
            .take(3)
            .map(|d| d.msisdn.clone())
            .collect();
        let text = "CardBOSS demo: report your status";
        let receipt = self.client.send_iot_sms_encrypted(&targets, text).await?;
        line(format!(
            "sent {:?} to {} card(s), AES-128-CBC with the apikey's halves: task {}, {} message(s), {} billed",
            text,
            targets.len(),
            receipt.taskid,
            receipt.count,
            receipt.fee
        ));
        let taskid = receipt.taskid.clone();
        let pushed = self
            .receiver
            .wait_sms(PUSH_WAIT, |p| matches!(p, SmsPush::Reports { reports } if reports.iter().any(|r| r.taskid == taskid)))
            .await;
        match pushed {
            Some(SmsPush::Reports { reports }) => {
                line("P0001 push (delivery reports) received:");
                let rows: Vec<Vec<String>> = reports
                    .iter()
                    .filter(|r| r.taskid == taskid)
                    .map(|r| {
                        vec![
                            r.mobile.clone(),
                            r.state.clone(),
                            if r.delivered() {
                                "delivered".into()
                            } else {
                                "not delivered".into()
                            },
                        ]
                    })
                    .collect();
                table(&["MOBILE", "STATE", ""], &rows);
            }
            _ => line("no P0001 push arrived; polling instead"),
        }
        let polled = self.client.sms_reports().await?;
        let ours = polled.iter().filter(|r| r.taskid == taskid).count();
        line(format!(
            "sms/rpt/get: {} report(s) queued, {ours} for this task (each report is served once)",
            polled.len()
        ));
        if ours == 0 {
            return Err(failed(format!("no delivery report for task {taskid}")));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let replies = self.client.sms_replies().await?;
        if replies.is_empty() {
            line("no device replied");
        } else {
            line("replies (sms/mo/get):");
            let rows: Vec<Vec<String>> = replies
                .iter()
                .map(|r| vec![r.mobile.clone(), r.content.clone()])
                .collect();
            table(&["FROM", "TEXT"], &rows);
        }
        Ok(())
    }

    async fn admin_post(&self, url: &str, body: Value) -> CliResult<Value> {
        let resp = self
            .admin
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| failed(format!("sandbox admin API: {e}")))?;
        let status = resp.status();
        let text = resp
            .text()
            .await
            .map_err(|e| failed(format!("sandbox admin API: {e}")))?;
        if !status.is_success() {
            return Err(failed(format!(
                "sandbox admin API answered {status}: {text}"
            )));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

fn in_step(name: &str, e: CliError) -> CliError {
    match e {
        CliError::Sdk(e) => failed(format!("demo step {name}: [{}] {e}", e.code())),
        CliError::Failed(m) | CliError::Usage(m) => failed(format!("demo step {name}: {m}")),
        CliError::BrokenPipe => CliError::BrokenPipe,
        CliError::Bulk { msg, .. } => failed(format!("demo step {name}: {msg}")),
    }
}

fn package_rows(pkgs: &[Package]) -> Vec<Vec<String>> {
    pkgs.iter()
        .map(|p| {
            vec![
                p.pkgcode.clone(),
                p.pkgname.clone(),
                p.startdate.clone().unwrap_or_default(),
                p.enddate.clone().unwrap_or_default(),
                if p.mainpkg {
                    "yes".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect()
}

// ------------------------------------------------------------------------------ push receiver

/// A tiny push receiver: data pushes are verified (sign, sid, age, replay) before being
/// acknowledged with `success`; SMS pushes are parsed. What arrives is queued for the demo.
struct Receiver {
    url: String,
    data: Mutex<mpsc::UnboundedReceiver<Push>>,
    sms: Mutex<mpsc::UnboundedReceiver<SmsPush>>,
    stop: watch::Sender<bool>,
}

#[derive(Clone)]
struct ReceiverState {
    sid: String,
    apikey: String,
    guard: Arc<PushGuard>,
    data: mpsc::UnboundedSender<Push>,
    sms: mpsc::UnboundedSender<SmsPush>,
}

async fn on_data(State(s): State<ReceiverState>, body: Bytes) -> (StatusCode, &'static str) {
    let options = PushOptions {
        expected_sid: Some(s.sid.clone()),
        max_age_ms: Some(600_000),
        ..Default::default()
    };
    // Two-phase: the id is committed only once the push was handed on.
    let handled = s
        .guard
        .handle(&body, &s.apikey, &options, |push| async {
            s.data.send(push).map_err(|_| ())
        })
        .await;
    match handled {
        Ok(Ok(())) => (StatusCode::OK, PUSH_ACK),
        Err(e) if e.kind() == "push_replay" => (StatusCode::OK, PUSH_ACK),
        Ok(Err(())) => (StatusCode::SERVICE_UNAVAILABLE, "not handled"),
        Err(_) => (StatusCode::BAD_REQUEST, "rejected"),
    }
}

async fn on_sms(State(s): State<ReceiverState>, body: Bytes) -> (StatusCode, &'static str) {
    match parse_sms_push(&body) {
        Ok(push) => {
            let _ = s.sms.send(push);
            (StatusCode::OK, PUSH_ACK)
        }
        Err(_) => (StatusCode::BAD_REQUEST, "rejected"),
    }
}

impl Receiver {
    async fn start(sid: &str, apikey: &str) -> CliResult<Receiver> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (data_tx, data_rx) = mpsc::unbounded_channel();
        let (sms_tx, sms_rx) = mpsc::unbounded_channel();
        let state = ReceiverState {
            sid: sid.to_string(),
            apikey: apikey.to_string(),
            guard: Arc::new(PushGuard::default()),
            data: data_tx,
            sms: sms_tx,
        };
        let app = Router::new()
            .route("/push", post(on_data))
            .route("/sms", post(on_sms))
            .with_state(state);
        let (stop, mut rx) = watch::channel(false);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.wait_for(|s| *s).await;
                })
                .await;
        });
        Ok(Receiver {
            url,
            data: Mutex::new(data_rx),
            sms: Mutex::new(sms_rx),
            stop,
        })
    }

    async fn wait_data(&self, within: Duration, wanted: impl Fn(&Push) -> bool) -> Option<Push> {
        let mut rx = self.data.lock().await;
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(p)) if wanted(&p) => return Some(p),
                Ok(Some(_)) => continue,
                _ => return None,
            }
        }
    }

    async fn wait_sms(
        &self,
        within: Duration,
        wanted: impl Fn(&SmsPush) -> bool,
    ) -> Option<SmsPush> {
        let mut rx = self.sms.lock().await;
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(p)) if wanted(&p) => return Some(p),
                Ok(Some(_)) => continue,
                _ => return None,
            }
        }
    }

    fn stop(&self) {
        let _ = self.stop.send(true);
    }
}
