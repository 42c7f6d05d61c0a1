//! `--latency`: every CardBOSS request waits a simulated round trip, side by side with the
//! others (a WAN profile for the benchmarks), and the admin API does not.

mod common;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cardboss_sandbox::{Latency, SandboxConfig};
use common::*;

fn with_latency(millis: u64) -> SandboxConfig {
    SandboxConfig {
        latency: Some(Latency {
            millis,
            jitter_millis: 0,
        }),
        ..config()
    }
}

#[test]
fn latency_parses_ms_and_jitter() {
    let l: Latency = "30:5".parse().unwrap();
    assert_eq!((l.millis, l.jitter_millis), (30, 5));
    let l: Latency = "30".parse().unwrap();
    assert_eq!((l.millis, l.jitter_millis), (30, 0));
    assert!(
        "5:30".parse::<Latency>().is_err(),
        "jitter above the latency"
    );
    assert!("30ms".parse::<Latency>().is_err());
    let mut rng = rand::rng();
    for _ in 0..1000 {
        let d = l.sample(&mut rng);
        assert_eq!(d, Duration::from_millis(30));
    }
    let l: Latency = "30:5".parse().unwrap();
    for _ in 0..1000 {
        let ms = l.sample(&mut rng).as_millis();
        assert!((25..=35).contains(&ms), "{ms} ms outside 30 ± 5");
    }
}

#[tokio::test]
async fn a_request_takes_at_least_the_round_trip() {
    let t = boot_with(with_latency(300)).await;
    let start = Instant::now();
    let v = t.get("customer/get", &[], &[]).await;
    assert_eq!(code(&v), "0");
    assert!(start.elapsed() >= Duration::from_millis(300));
}

/// Eight requests are all inside the sandbox (counted) before the first of them has answered:
/// impossible if the round trips were served one after another.
#[tokio::test]
async fn round_trips_overlap() {
    let t = Arc::new(boot_with(with_latency(3_000)).await);
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let t = t.clone();
            tokio::spawn(async move { code(&t.get("customer/get", &[], &[]).await) })
        })
        .collect();
    while t.h.stats().total < 8 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        calls.iter().all(|c| !c.is_finished()),
        "a call answered before all eight had arrived"
    );
    for c in calls {
        assert_eq!(c.await.unwrap(), "0");
    }
}

#[tokio::test]
async fn the_admin_api_answers_at_once() {
    let t = boot_with(with_latency(60_000)).await;
    // Would take a minute if the admin routes waited too.
    let stats = tokio::time::timeout(Duration::from_secs(20), t.admin_get("stats"))
        .await
        .expect("the admin API is not delayed");
    assert_eq!(stats["total"], 0);
}
