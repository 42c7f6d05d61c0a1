//! Whole-run secrets sweep for the Rust SDK: with every `tracing` event of the SDK captured at
//! TRACE, a broad run (successes, every error kind, faults, pushes) must leave the apikey and
//! every sign out of all logs, `Debug` and `Display` output.
//!
//! The sandbox runs as a separate process so that only the SDK logs in this one.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cardboss::{CardRef, CardSet, Client, Config, PushGuard, PushOptions, RenewOptions};
use futures::TryStreamExt;
use serde_json::{json, Value};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Sandbox {
    child: Child,
    ready: Value,
}

impl Sandbox {
    fn start() -> Sandbox {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cardboss-sandbox"))
            .args([
                "--port1", "0", "--port2", "0", "--cards", "300", "--legacy", "--strict",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the sandbox binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Sandbox {
            child,
            ready: serde_json::from_str(&line).expect("a JSON ready line"),
        }
    }

    fn url(&self, key: &str) -> String {
        self.ready[key].as_str().unwrap().to_string()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn admin(base: &str, path: &str, body: Value) -> Value {
    let text = reqwest::Client::new()
        .post(format!("{base}/_sandbox/{path}"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_any_log_debug_or_error_text() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let sb = Sandbox::start();
    let (base, ops) = (sb.url("base_url"), sb.url("ops_url"));
    let apikey = sb.url("apikey");
    let sid = sb.url("sid");
    let mut config = Config::new(&sid, &apikey).base_url(&base).ops_url(&ops);
    config.timeout = Duration::from_millis(700);
    config.retry_base = Duration::from_millis(5);
    config.retry_cap = Duration::from_millis(20);
    let client = Client::new(config.clone()).unwrap();
    let mut texts: Vec<String> = vec![format!("{client:?}"), format!("{config:?}")];

    // Successes.
    let cards: Vec<_> = client.cards().try_collect().await.unwrap();
    let ids: Vec<String> = cards.iter().map(|c| c.msisdn.clone()).collect();
    let card = CardRef::msisdn(&ids[0]);
    texts.push(format!("{:?}", client.customer().await.unwrap()));
    texts.push(format!(
        "{:?}",
        client
            .card_details(&CardSet::Msisdns(ids.clone()))
            .await
            .unwrap()
    ));
    texts.push(format!("{:?}", client.packages(&card).await.unwrap()));
    let receipt = client
        .send_iot_sms_encrypted(&ids[..2], "reboot")
        .await
        .unwrap();
    // Task ids are public 32-hex values; anything else of that shape would be a sign.
    let public: Vec<String> = receipt.taskids.clone();
    texts.push(format!("{receipt:?}"));
    texts.push(format!("{:?}", client.suspend(&card).await));

    // Every kind of error: local, server refusals, faults.
    let mut errors = vec![
        client
            .card_details(&CardSet::Msisdns(vec![]))
            .await
            .unwrap_err(),
        client.resume(&card).await.unwrap_err(),
        client
            .renew(&card, "nope", 12, &RenewOptions::default())
            .await
            .unwrap_err(),
        Client::new(Config::new(&sid, "x".repeat(32)).base_url(&base))
            .unwrap()
            .customer()
            .await
            .unwrap_err(),
        Client::new(Config::new(&sid, &apikey).base_url("http://127.0.0.1:9"))
            .unwrap()
            .customer()
            .await
            .unwrap_err(),
        cardboss::verify_push(
            b"{\"sid\":\"1\",\"sign\":\"00\"}",
            &apikey,
            &PushOptions::default(),
        )
        .unwrap_err(),
        PushGuard::default()
            .begin(b"{}", &apikey, &PushOptions::default())
            .await
            .err()
            .unwrap(),
        // A store URL with the apikey as its password: never shown.
        cardboss::GuardStore::open(&format!("redis://:{apikey}@127.0.0.1:9/0"), "store")
            .unwrap()
            .claim("k", "v", std::time::Duration::from_secs(1))
            .await
            .unwrap_err(),
    ];
    for kind in [
        "http500",
        "http502",
        "reset",
        "delay",
        "truncated",
        "code1090",
    ] {
        admin(
            &base,
            "faults",
            json!({"rate": 1.0, "kinds": [kind], "delay_secs": 1.0}),
        )
        .await;
        errors.push(client.customer().await.unwrap_err());
        errors.push(client.send_iot_sms(&ids[..1], "x").await.unwrap_err());
    }
    admin(&base, "faults", json!({"rate": 0.0})).await;
    for e in &errors {
        texts.push(format!("{e}"));
        texts.push(format!("{e:?}"));
    }

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("cardboss request failed"),
        "the SDK logged the run"
    );
    texts.push(logged);

    // Every sign the SDK sent is a 32-hex word; none may appear. The apikey's halves neither.
    let (head, tail) = apikey.split_at(16);
    for text in &texts {
        for secret in [apikey.as_str(), head, tail] {
            assert!(!text.contains(secret), "a secret leaked into: {text}");
        }
        assert!(
            !text.contains("sign="),
            "a sign parameter leaked into: {text}"
        );
        let hex32 = text
            .split(|c: char| !c.is_ascii_hexdigit())
            .any(|w| w.len() == 32 && !public.iter().any(|p| p == w));
        assert!(!hex32, "a sign-shaped value leaked into: {text}");
    }
    println!(
        "secrets sweep: {} texts, {} errors, {} log bytes, 0 leaks",
        texts.len(),
        errors.len(),
        texts.last().unwrap().len()
    );
}
