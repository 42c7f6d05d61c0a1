//! A machine without a CA store (no `ca-certificates` package: slim containers, IoT gateways).
//!
//! The system's store is hidden from this test binary with `SSL_CERT_FILE`/`SSL_CERT_DIR`
//! pointing nowhere (the loader then reads only those), so the TLS verifier finds no system
//! root. The client must still build — falling back to the bundled roots — and work over the
//! platform's plain `http://` URLs. Its own binary: the variables are process-wide.

mod common;

use cardboss::{Client, Config};
use common::{Reply, TestServer, SID};
use serde_json::json;

#[tokio::test]
async fn a_client_builds_and_works_over_http_without_a_system_ca_store() {
    // Edition 2021: set_var is safe; nothing else in this binary reads the environment.
    std::env::set_var("SSL_CERT_FILE", "/nonexistent/cardboss-no-ca.pem");
    std::env::set_var("SSL_CERT_DIR", "/nonexistent/cardboss-no-ca.d");
    let server = TestServer::always(Reply::Json(
        json!({"code": "0", "msg": "成功", "detail": "", "customer": {"sid": SID}}).to_string(),
    ))
    .await;
    let client = server.client();
    assert_eq!(client.customer().await.unwrap().sid, SID);

    // The fallback also serves https:// URLs: the client builds (verification uses the bundled
    // Mozilla roots; no server here to shake hands with).
    let mut config = Config::new(SID, common::APIKEY);
    config.base_url = "https://example.invalid:8080".into();
    Client::new(config).expect("an https client builds with the bundled roots");
}
