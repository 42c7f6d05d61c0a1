//! Test helpers: an in-process sandbox on free ports and hand-signed requests (no SDK).
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use cardboss_sandbox::{SandboxConfig, SandboxHandle};
use serde_json::Value;

pub struct T {
    pub h: SandboxHandle,
    pub c: reqwest::Client,
}

pub fn config() -> SandboxConfig {
    SandboxConfig {
        port1: 0,
        port2: 0,
        cards: 300,
        ..Default::default()
    }
}

pub async fn boot() -> T {
    boot_with(config()).await
}

pub async fn boot_with(cfg: SandboxConfig) -> T {
    let h = cardboss_sandbox::start(cfg).await.expect("sandbox starts");
    let c = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    T { h, c }
}

pub fn ts() -> String {
    cardboss::sign::timestamp(chrono::Utc::now(), 480)
}

pub fn owned(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl T {
    /// sid, ts and sign added; `signed` names the signed parameters in order.
    pub fn signed(&self, params: &[(&str, &str)], signed: &[&str]) -> Vec<(String, String)> {
        self.signed_at(params, signed, &ts())
    }

    pub fn signed_at(
        &self,
        params: &[(&str, &str)],
        signed: &[&str],
        ts: &str,
    ) -> Vec<(String, String)> {
        let mut parts: Vec<String> = vec![self.h.sid().into(), self.h.apikey().into(), ts.into()];
        for name in signed {
            parts.push(
                params
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default(),
            );
        }
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        let sign = cardboss::sign::sign(&refs);
        let mut out = vec![
            ("sid".to_string(), self.h.sid().to_string()),
            ("ts".into(), ts.into()),
            ("sign".into(), sign),
        ];
        out.extend(owned(params));
        out
    }

    pub fn url(&self, port2: bool, path: &str) -> String {
        let base = if port2 {
            self.h.ops_url()
        } else {
            self.h.base_url()
        };
        format!("{base}/iotapi/rest/v2/{path}")
    }

    pub async fn get_raw(&self, path: &str, query: &[(String, String)]) -> Value {
        let q = serde_urlencoded::to_string(query).unwrap();
        let r = self
            .c
            .get(format!("{}?{q}", self.url(false, path)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        serde_json::from_str(&r.text().await.unwrap()).unwrap()
    }

    pub async fn get(&self, path: &str, params: &[(&str, &str)], signed: &[&str]) -> Value {
        let q = self.signed(params, signed);
        self.get_raw(path, &q).await
    }

    pub async fn post_raw(&self, port2: bool, path: &str, form: &[(String, String)]) -> Value {
        let body = serde_urlencoded::to_string(form).unwrap();
        let r = self
            .c
            .post(self.url(port2, path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("content-encoding", "utf-8")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        serde_json::from_str(&r.text().await.unwrap()).unwrap()
    }

    pub async fn post(
        &self,
        port2: bool,
        path: &str,
        params: &[(&str, &str)],
        signed: &[&str],
    ) -> Value {
        let form = self.signed(params, signed);
        self.post_raw(port2, path, &form).await
    }

    pub async fn admin_get(&self, path: &str) -> Value {
        let r = self
            .c
            .get(format!("{}/_sandbox/{path}", self.h.base_url()))
            .send()
            .await
            .unwrap();
        serde_json::from_str(&r.text().await.unwrap()).unwrap()
    }

    pub async fn admin_post(&self, path: &str, body: Value) -> Value {
        let r = self
            .c
            .post(format!("{}/_sandbox/{path}", self.h.base_url()))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        serde_json::from_str(&r.text().await.unwrap()).unwrap()
    }

    /// Lifecycle operation on port2, signed per the spec table (msisdn+iccid first).
    pub async fn op(&self, path: &str, params: &[(&str, &str)], signed: &[&str]) -> Value {
        self.post(true, path, params, signed).await
    }

    pub fn card_where(&self, f: impl Fn(&cardboss_sandbox::data::Card) -> bool) -> String {
        let st = self.h.state();
        let w = st.lock();
        w.fleet
            .cards
            .iter()
            .find(|c| f(c))
            .expect("a matching card")
            .msisdn
            .clone()
    }

    pub async fn detail(&self, msisdn: &str) -> Value {
        let v = self
            .get(
                "card/detail",
                &[("msisdns", msisdn), ("iccids", "")],
                &["msisdns", "iccids"],
            )
            .await;
        assert_eq!(v["code"], "0", "{v}");
        v["result"]["cards"][0].clone()
    }
}

/// A card from fleet position `skip` on, outside pools, with one APN and a valid month pack:
/// (msisdn, iccid, that pack's code).
pub fn month_pack_card(h: &SandboxHandle, skip: usize) -> (String, String, String) {
    let st = h.state();
    let w = st.read();
    let today = w.today();
    let c = w
        .fleet
        .cards
        .iter()
        .skip(skip)
        .find(|c| {
            c.pool.is_none()
                && c.apns.len() == 1
                && c.main_pkg(today)
                    .is_some_and(|p| p.def().category == 1 && p.end >= today)
        })
        .expect("a card with a month pack");
    let pkg = c.main_pkg(today).unwrap().def().code.to_string();
    (c.msisdn.clone(), c.iccid.clone(), pkg)
}

pub fn code(v: &Value) -> String {
    match &v["code"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A push receiver: records (content-type, body) and answers `success` after `fail_first`
/// failures.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<(String, String)>>>,
}

pub async fn receiver(fail_first: usize) -> Receiver {
    use axum::routing::post;
    let got: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let g = got.clone();
    let app = axum::Router::new().route(
        "/push",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let g = g.clone();
            async move {
                let ct = headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let mut list = g.lock().unwrap();
                list.push((ct, body));
                if list.len() <= fail_first {
                    "busy"
                } else {
                    "success"
                }
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/push", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    Receiver { url, got }
}

impl Receiver {
    /// Waits (briefly) until at least `n` bodies arrived.
    pub async fn wait(&self, n: usize) -> Vec<(String, String)> {
        for _ in 0..200 {
            {
                let g = self.got.lock().unwrap();
                if g.len() >= n {
                    return g.clone();
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("expected {n} pushes, got {:?}", self.got.lock().unwrap());
    }
}
