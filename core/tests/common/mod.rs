//! A scripted CardBOSS stand-in for the client tests: an axum server on two loopback listeners
//! (port1 and port2) that records every request exactly as received and answers whatever the
//! test's script says (JSON, any status and headers, a delay, or a dropped connection).

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use cardboss::{Client, Config};
use md5::{Digest, Md5};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub const SID: &str = "10043";
/// Key and IV halves differ, so a swapped key/IV would not go unnoticed.
pub const APIKEY: &str = "0123456789abcdefFEDCBA9876543210";
pub const PREFIX: &str = "/iotapi/rest/v2";

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// 1 or 2.
    pub port: u8,
    pub method: String,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The endpoint without the prefix, e.g. `card/detail`.
    pub fn endpoint(&self) -> &str {
        self.path
            .strip_prefix(PREFIX)
            .unwrap_or(&self.path)
            .trim_start_matches('/')
    }

    /// Query (GET) or form body (POST) parameters, decoded, in order.
    pub fn params(&self) -> Vec<(String, String)> {
        let raw = if self.method == "GET" {
            self.query.clone().unwrap_or_default()
        } else {
            String::from_utf8(self.body.clone()).expect("form body is UTF-8")
        };
        serde_urlencoded::from_str(&raw).expect("well-formed urlencoded parameters")
    }

    pub fn param(&self, name: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with this JSON text.
    Json(String),
    /// Any status, body and headers.
    Raw {
        status: u16,
        body: String,
        headers: Vec<(String, String)>,
    },
    /// Waits, then answers.
    Delay(Duration, Box<Reply>),
    /// Drops the connection without answering (after reading the whole request).
    Drop,
}

impl Reply {
    pub fn status(status: u16, body: &str) -> Reply {
        Reply::Raw {
            status,
            body: body.to_string(),
            headers: vec![],
        }
    }

    pub fn after(self, ms: u64) -> Reply {
        Reply::Delay(Duration::from_millis(ms), Box::new(self))
    }
}

/// `{"code":"0","msg":"成功","detail":"","result":<result>}`.
pub fn ok(result: &str) -> Reply {
    Reply::Json(format!(
        r#"{{"code":"0","msg":"成功","detail":"","result":{result}}}"#
    ))
}

/// A success without payload (the lifecycle operations).
pub fn ok_empty() -> Reply {
    Reply::Json(r#"{"code":"0","msg":"成功","detail":""}"#.to_string())
}

/// A refusal in the `{code, msg, detail}` shape.
pub fn fail(code: &str, msg: &str, detail: &str) -> Reply {
    Reply::Json(serde_json::json!({ "code": code, "msg": msg, "detail": detail }).to_string())
}

/// The script: the request, and how many requests for the same path came before it.
pub type Script = Arc<dyn Fn(&Recorded, usize) -> Reply + Send + Sync>;

pub struct Shared {
    requests: Mutex<Vec<Recorded>>,
    script: Script,
    inflight: AtomicUsize,
    max_inflight: AtomicUsize,
}

#[derive(Clone)]
struct Ctx {
    shared: Arc<Shared>,
    port: u8,
}

pub struct TestServer {
    pub shared: Arc<Shared>,
    pub port1: u16,
    pub port2: u16,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

const DROP_MARKER: &str = "cardboss-test: dropping the connection on purpose";

/// Silences the deliberate panics that drop connections; every other panic is reported.
fn quiet_drop_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str));
            if msg != Some(DROP_MARKER) {
                previous(info);
            }
        }));
    });
}

impl TestServer {
    pub async fn start(
        script: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        quiet_drop_panics();
        let shared = Arc::new(Shared {
            requests: Mutex::new(Vec::new()),
            script: Arc::new(script),
            inflight: AtomicUsize::new(0),
            max_inflight: AtomicUsize::new(0),
        });
        let mut ports = Vec::new();
        let mut tasks = Vec::new();
        for port in [1u8, 2] {
            let listener = TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind loopback");
            ports.push(listener.local_addr().unwrap().port());
            let app = Router::new().fallback(handle).with_state(Ctx {
                shared: shared.clone(),
                port,
            });
            tasks.push(tokio::spawn(async move {
                axum::serve(listener, app).await.expect("test server");
            }));
        }
        TestServer {
            shared,
            port1: ports[0],
            port2: ports[1],
            tasks,
        }
    }

    /// Answers every request with the same reply.
    pub async fn always(reply: Reply) -> TestServer {
        TestServer::start(move |_, _| reply.clone()).await
    }

    pub fn url1(&self) -> String {
        format!("http://127.0.0.1:{}", self.port1)
    }

    pub fn url2(&self) -> String {
        format!("http://127.0.0.1:{}", self.port2)
    }

    /// Fast, deterministic settings pointing at both listeners.
    pub fn config(&self) -> Config {
        let mut config = Config::new(SID, APIKEY)
            .base_url(self.url1())
            .ops_url(self.url2());
        config.timeout = Duration::from_secs(3);
        config.connect_timeout = Duration::from_secs(1);
        config.max_retries = 2;
        config.retry_base = Duration::from_millis(5);
        config.retry_cap = Duration::from_millis(20);
        config
    }

    pub fn client(&self) -> Client {
        Client::new(self.config()).expect("valid config")
    }

    pub fn client_with(&self, change: impl FnOnce(&mut Config)) -> Client {
        let mut config = self.config();
        change(&mut config);
        Client::new(config).expect("valid config")
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    pub fn max_inflight(&self) -> usize {
        self.shared.max_inflight.load(Ordering::SeqCst)
    }
}

struct InflightGuard<'a>(&'a AtomicUsize);

impl Drop for InflightGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn handle(State(ctx): State<Ctx>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let recorded = Recorded {
        port: ctx.port,
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(String::from),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        at: Instant::now(),
    };
    let earlier = {
        let mut requests = ctx.shared.requests.lock().unwrap();
        let earlier = requests.iter().filter(|r| r.path == recorded.path).count();
        requests.push(recorded.clone());
        earlier
    };
    let now = ctx.shared.inflight.fetch_add(1, Ordering::SeqCst) + 1;
    ctx.shared.max_inflight.fetch_max(now, Ordering::SeqCst);
    let _guard = InflightGuard(&ctx.shared.inflight);
    let mut reply = (ctx.shared.script)(&recorded, earlier);
    loop {
        match reply {
            Reply::Delay(wait, next) => {
                tokio::time::sleep(wait).await;
                reply = *next;
            }
            Reply::Drop => std::panic::panic_any(DROP_MARKER),
            Reply::Json(body) => {
                return respond(
                    200,
                    body,
                    vec![(
                        "content-type".into(),
                        "application/json;charset=UTF-8".into(),
                    )],
                )
            }
            Reply::Raw {
                status,
                body,
                headers,
            } => return respond(status, body, headers),
        }
    }
}

fn respond(status: u16, body: String, headers: Vec<(String, String)>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).expect("status");
    for (k, v) in headers {
        response.headers_mut().insert(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(&v).unwrap(),
        );
    }
    response
}

/// Lowercase hex MD5, computed here independently of the SDK.
pub fn md5_hex(text: &str) -> String {
    let digest = Md5::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fixture of `tests/fixtures/spec-examples`.
pub fn fixture(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "tests",
        "fixtures",
        "spec-examples",
        name,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The platform's current time (UTC+8) as `yyyyMMddHHmmss`.
pub fn platform_now() -> String {
    cardboss::timestamp(chrono::Utc::now(), 480)
}
