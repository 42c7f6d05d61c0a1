//! Issue 18: push guards and cooldown guards shared by many workers through a real Redis
//! (a `redis-server` this test starts on a free loopback port and stops), and the two-phase
//! push handling that never loses an event to a failed handler.

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cardboss::sign::push_sign;
use cardboss::{CardRef, Client, Config, Error, PushGuard, PushGuardOptions, PushOptions};
use common::*;

/// A redis-server of this test's own; killed when dropped.
struct Redis {
    child: Child,
    port: u16,
}

impl Redis {
    fn start() -> Redis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Redis::on(port)
    }

    fn on(port: u16) -> Redis {
        let mut redis = Redis {
            child: Command::new("redis-server")
                .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
                .args(["--save", "", "--appendonly", "no"])
                .stdout(Stdio::null())
                .spawn()
                .expect("redis-server is installed (scripts/redis.sh install)"),
            port,
        };
        // Wait for its PONG, not for a delay.
        for _ in 0..200 {
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                let mut pong = [0u8; 7];
                if s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut pong).is_ok() {
                    assert_eq!(&pong, b"+PONG\r\n");
                    return redis;
                }
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let _ = redis.child.kill();
        panic!("redis-server did not answer on {port}");
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    fn stop(mut self) -> u16 {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.port
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const SID: &str = "10043";
const KEY: &str = "0123456789abcdef0123456789abcdef";

/// A signed OD1002 push with id `id`, as the platform sends it.
fn push_body(id: &str) -> Vec<u8> {
    let data = r#"{"status":"1","msg":"ok","orderid":"NR1","msisdn":"1064787038023"}"#;
    let time = "2024-04-01 10:00:00";
    let sign = push_sign(SID, KEY, id, "OD1002", "info", "", time, data, "订购成功");
    serde_json::json!({
        "sid": SID, "id": id, "sn": "OD1002", "level": "info", "api": "", "time": time,
        "data": data, "desc": "订购成功", "sign": sign,
    })
    .to_string()
    .into_bytes()
}

fn guard(url: &str) -> PushGuard {
    PushGuard::open(&PushGuardOptions {
        store: Some(url.to_string()),
        ..Default::default()
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_workers_on_one_redis_accept_each_push_exactly_once() {
    let redis = Redis::start();
    const PUSHES: usize = 200;
    const WORKERS: usize = 4;
    // Four guards, four connections: four workers behind one load balancer.
    let workers: Vec<PushGuard> = (0..WORKERS).map(|_| guard(&redis.url())).collect();
    let handled: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let mut deliveries = Vec::new();
    for i in 0..PUSHES {
        let body = push_body(&format!("m{i}"));
        // The platform delivers each push to every worker at once (retries racing the first).
        for w in &workers {
            let (w, body, handled) = (w.clone(), body.clone(), handled.clone());
            deliveries.push(tokio::spawn(async move {
                w.handle(&body, KEY, &PushOptions::default(), |push| async move {
                    *handled.lock().unwrap().entry(push.id).or_default() += 1;
                    Ok::<_, ()>(())
                })
                .await
            }));
        }
    }
    let (mut accepted, mut in_flight, mut replays) = (0, 0, 0);
    for d in deliveries {
        match d.await.unwrap() {
            Ok(Ok(())) => accepted += 1,
            Err(Error::PushInFlight { .. }) => in_flight += 1,
            Err(Error::PushReplay { .. }) => replays += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    let handled = handled.lock().unwrap().clone();
    assert_eq!(accepted, PUSHES);
    assert_eq!(handled.len(), PUSHES, "every push handled");
    assert!(handled.values().all(|n| *n == 1), "none handled twice");
    assert_eq!(accepted + in_flight + replays, PUSHES * WORKERS);
    // Later redeliveries, on any worker, are replays.
    for (i, w) in workers.iter().enumerate() {
        let err = w
            .begin(&push_body(&format!("m{i}")), KEY, &PushOptions::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), "push_replay", "{err}");
    }
    println!(
        "figures: pushes sent {PUSHES} to each of {WORKERS} workers ({} deliveries): accepted {accepted}, \
         refused in flight {in_flight}, refused as replays {replays}, duplicates accepted 0",
        PUSHES * WORKERS
    );
}

#[tokio::test]
async fn a_failed_handler_releases_the_push_and_the_retry_is_accepted_once() {
    let redis = Redis::start();
    let (first, second, third) = (
        guard(&redis.url()),
        guard(&redis.url()),
        guard(&redis.url()),
    );
    let o = PushOptions::default();
    let mut lost = 0;
    for i in 0..50 {
        let body = push_body(&format!("f{i}"));
        let failed = first
            .handle(&body, KEY, &o, |_| async { Err::<(), _>("database down") })
            .await
            .unwrap();
        assert_eq!(failed, Err("database down"));
        // The platform retries (on another worker): accepted, handled.
        match second
            .handle(&body, KEY, &o, |p| async move { Ok::<_, ()>(p.id) })
            .await
        {
            Ok(Ok(id)) => assert_eq!(id, format!("f{i}")),
            _ => lost += 1,
        }
        let again = third
            .handle(&body, KEY, &o, |_| async { Ok::<_, ()>(()) })
            .await;
        assert!(matches!(again, Err(Error::PushReplay { .. })), "{again:?}");
    }
    assert_eq!(lost, 0);
    // A ticket dropped unused (a handler that panicked) releases its id too.
    let body = push_body("dropped");
    drop(first.begin(&body, KEY, &o).await.unwrap());
    // Released by a task on this runtime: wait for it rather than for a delay.
    let mut ticket = None;
    for _ in 0..200 {
        match second.begin(&body, KEY, &o).await {
            Ok(t) => {
                ticket = Some(t);
                break;
            }
            Err(Error::PushInFlight { .. }) => tokio::task::yield_now().await,
            Err(e) => panic!("{e}"),
        }
    }
    ticket.expect("released").commit().await.unwrap();
}

fn client(t: &T, store: &str) -> Client {
    let mut config = Config::new(t.h.sid(), t.h.apikey())
        .base_url(t.h.base_url())
        .ops_url(t.h.ops_url());
    config.cooldown_store = Some(store.to_string());
    config.timeout = Duration::from_secs(5);
    Client::new(config).unwrap()
}

#[tokio::test]
async fn two_clients_share_a_cooldown_through_redis() {
    let redis = Redis::start();
    let t = boot().await;
    let (a, b) = (client(&t, &redis.url()), client(&t, &redis.url()));
    let m = t.card_where(|c| c.msstatus == 2);
    let card = CardRef::msisdn(&m);
    a.suspend(&card).await.unwrap();
    let err = b.resume(&card).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Cooldown {
                retry_after_secs: 170..=180,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(t.detail(&m).await["msStatus"], "3", "nothing was sent");
    // Another card is free; a client of its own memory knows nothing of the shared window.
    let other = CardRef::msisdn(t.card_where(|c| c.msstatus == 2 && c.msisdn != m));
    b.suspend(&other).await.unwrap();
    let err = client(&t, "memory:").resume(&card).await.unwrap_err();
    assert_eq!(err.kind(), "rate_limited", "the carrier's refusal: {err}");
}

#[tokio::test]
async fn redis_stopped_mid_run_fails_closed() {
    let redis = Redis::start();
    let t = boot().await;
    let (g, c) = (guard(&redis.url()), client(&t, &redis.url()));
    let o = PushOptions::default();
    let ok = g
        .handle(&push_body("s1"), KEY, &o, |_| async { Ok::<_, ()>(()) })
        .await;
    assert!(matches!(ok, Ok(Ok(()))));
    let m = t.card_where(|c| c.msstatus == 2);
    let card = CardRef::msisdn(&m);
    let port = redis.stop();

    let ran = Arc::new(Mutex::new(0));
    let r = ran.clone();
    let err = g
        .handle(&push_body("s2"), KEY, &o, |_| async move {
            *r.lock().unwrap() += 1;
            Ok::<_, ()>(())
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "store_unavailable", "{err}");
    assert!(err.to_string().contains("127.0.0.1"), "{err}");
    assert_eq!(*ran.lock().unwrap(), 0, "not handled, not acknowledged");
    let err = c.suspend(&card).await.unwrap_err();
    assert_eq!(err.kind(), "store_unavailable", "{err}");
    assert_eq!(t.detail(&m).await["msStatus"], "2", "no request was sent");

    // Back (empty: no persistence): the push nobody acknowledged is accepted on its retry.
    let _redis = Redis::on(port);
    let ok = g
        .handle(&push_body("s2"), KEY, &o, |_| async { Ok::<_, ()>(()) })
        .await;
    assert!(matches!(ok, Ok(Ok(()))), "{ok:?}");
    c.suspend(&card).await.unwrap();
}
