//! 100,000 cards load and are indexed.

mod common;
use common::*;

#[tokio::test]
async fn hundred_thousand_cards() {
    let t = boot_with(cardboss_sandbox::SandboxConfig {
        cards: 100_000,
        ..config()
    })
    .await;
    assert_eq!(t.h.state().card_count(), 100_000);
    let v = t
        .get("card/list", &[("pageindex", "1000")], &["pageindex"])
        .await;
    assert_eq!(v["result"]["count"], 100_000);
    assert_eq!(v["result"]["totalpage"], 1000);
    assert_eq!(v["result"]["cards"].as_array().unwrap().len(), 100);
    let last = t.h.state().msisdn(99_999);
    assert_eq!(t.detail(&last).await["msisdn"], last.as_str());
    t.h.shutdown().await;
}
