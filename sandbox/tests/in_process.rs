//! `InProcessSandbox`, what every language package's `Sandbox` holds: options checked before
//! anything starts, a sandbox that answers on its addresses, servers taken out once, and a
//! `Debug` without the apikey.

use cardboss::ErrorKind;
use cardboss_sandbox::{InProcessSandbox, SandboxOptions};

#[tokio::test]
async fn starts_answers_and_stops_once() {
    let options = SandboxOptions {
        cards: Some(7),
        sid: Some("S_IN_PROCESS".into()),
        strict: Some(true),
        ..Default::default()
    };
    let sb = InProcessSandbox::start(Some(options)).await.unwrap();
    assert_eq!(sb.sid(), "S_IN_PROCESS");
    assert_eq!(sb.apikey().len(), 32);
    assert!(sb.base_url().starts_with("http://127.0.0.1:"));
    assert_ne!(sb.base_url(), sb.ops_url());

    // Its admin API on its address, with the options it was given.
    let config = reqwest::get(format!("{}/_sandbox/config", sb.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let config: serde_json::Value = serde_json::from_str(&config).unwrap();
    assert_eq!(config["strict"], true, "{config}");
    assert_eq!(
        sb.state().stats().total,
        0,
        "admin calls are not API requests"
    );

    let debug = format!("{sb:?}");
    assert!(
        debug.contains("S_IN_PROCESS") && !debug.contains(sb.apikey()),
        "{debug}"
    );

    assert!(!sb.is_closed());
    let handle = sb.take().expect("the servers, the first time");
    assert!(sb.is_closed() && sb.take().is_none(), "taken once");
    handle.shutdown().await;
    assert!(reqwest::get(sb.base_url()).await.is_err(), "stopped");
    // What stays readable after the servers are gone.
    assert_eq!(sb.sid(), "S_IN_PROCESS");
}

#[tokio::test]
async fn a_bad_option_is_invalid_input_and_starts_nothing() {
    for (options, field) in [
        (
            SandboxOptions {
                cards: Some(-1),
                ..Default::default()
            },
            "cards",
        ),
        (
            SandboxOptions {
                style: Some("xml".into()),
                ..Default::default()
            },
            "style",
        ),
    ] {
        let err = InProcessSandbox::start(Some(options)).await.unwrap_err();
        assert_eq!(ErrorKind::of(&err), ErrorKind::InvalidInput, "{err}");
        assert_eq!(err.info().field.as_deref(), Some(field), "{err}");
    }
}
