//! `cardboss push send`: each kind of push reaches a loopback receiver signed as the platform
//! signs it, and verifies with the core; the exit code follows the receiver's answer.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use cardboss::{parse_sms_push, verify_push, PushContent, PushOptions, SmsPush, WarningType};
use common::{bare, Run};

const SID: &str = "10043";
const APIKEY: &str = "0123456789abcdef0123456789abcdef";

/// A receiver on a free loopback port that answers every request with `answer` and keeps
/// each (content type, body) it got.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<(String, String)>>>,
}

impl Receiver {
    fn start(answer: &'static str) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/cardboss/push", listener.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut length, mut content_type) = (0usize, String::new());
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if let Some(v) = lower.strip_prefix("content-type:") {
                        content_type = v.trim().to_string();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                sink.lock()
                    .unwrap()
                    .push((content_type, String::from_utf8(body).unwrap()));
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        Receiver { url, got }
    }

    fn bodies(&self) -> Vec<(String, String)> {
        self.got.lock().unwrap().clone()
    }

    fn last(&self) -> (String, String) {
        self.bodies().pop().expect("the receiver got a push")
    }
}

fn send(args: &[&str]) -> Run {
    let out = bare()
        .env("CARDBOSS_SID", SID)
        .env("CARDBOSS_APIKEY", APIKEY)
        .args(["push", "send"])
        .args(args)
        .output()
        .unwrap();
    Run::checked(out, APIKEY, args)
}

fn expected_sid() -> PushOptions {
    PushOptions {
        expected_sid: Some(SID.into()),
        max_age_ms: Some(600_000),
        ..Default::default()
    }
}

#[test]
fn each_kind_arrives_signed_and_verifies_with_the_core() {
    let rx = Receiver::start("success");
    let run = send(&["od1002", "--to", &rx.url, "--card", "1064800000001"]).ok();
    assert!(run.stdout.contains("sent OD1002 to"), "{}", run.stdout);
    assert!(run.stdout.contains("(acknowledged)"), "{}", run.stdout);
    let (ct, body) = rx.last();
    assert!(ct.starts_with("application/json"), "{ct}");
    assert!(run.stdout.contains(&body), "what was sent is printed");
    let push = verify_push(body.as_bytes(), APIKEY, &expected_sid()).unwrap();
    let PushContent::RenewalResult { result } = push.content else {
        panic!("{push:?}")
    };
    assert!(result.succeeded());
    assert_eq!(result.msisdn, "1064800000001");
    // Signed with this account's key only.
    let other = "ffffffffffffffffffffffffffffffff";
    assert!(verify_push(body.as_bytes(), other, &PushOptions::default()).is_err());

    send(&["od1002", "--to", &rx.url, "--form"]).ok();
    let (ct, body) = rx.last();
    assert!(ct.starts_with("application/x-www-form-urlencoded"), "{ct}");
    verify_push(body.as_bytes(), APIKEY, &expected_sid()).unwrap();

    let run = send(&[
        "p0001",
        "--to",
        &rx.url,
        "--card",
        "1064800000002",
        "--json",
    ])
    .ok();
    assert_eq!(run.json()["acknowledged"], true);
    let SmsPush::Reports { reports } = parse_sms_push(rx.last().1.as_bytes()).unwrap() else {
        panic!()
    };
    assert_eq!(reports[0].mobile, "1064800000002");
    assert_eq!(reports[0].taskid.len(), 32);

    send(&["p0002", "--to", &rx.url]).ok();
    let SmsPush::Replies { replies } = parse_sms_push(rx.last().1.as_bytes()).unwrap() else {
        panic!()
    };
    assert_eq!(replies[0].content, "cardboss push send");
    assert_eq!(rx.bodies().len(), 4);
}

#[test]
fn od1010_carries_every_documented_warning_type() {
    let rx = Receiver::start("success");
    send(&["od1010", "--to", &rx.url]).ok();
    for ty in WarningType::ALL {
        send(&["od1010", "--to", &rx.url, "--type", &ty.code().to_string()]).ok();
    }
    let kinds: Vec<Option<WarningType>> = rx
        .bodies()
        .iter()
        .map(|(_, body)| {
            let push = verify_push(body.as_bytes(), APIKEY, &expected_sid()).unwrap();
            assert_eq!(
                (push.sn.as_str(), push.level.as_str()),
                ("OD1010", "warning")
            );
            let PushContent::UsageWarnings { warnings } = push.content else {
                panic!()
            };
            assert_eq!(push.desc, warnings[0].kind().unwrap().meaning());
            warnings[0].kind()
        })
        .collect();
    let mut want = vec![Some(WarningType::DataLow)];
    want.extend(WarningType::ALL.map(Some));
    assert_eq!(kinds, want);
}

#[test]
fn bad_input_is_refused_with_exit_2_before_any_request() {
    let rx = Receiver::start("success");
    let run = send(&["od1010", "--to", &rx.url, "--type", "99"]).fails(2, "USAGE");
    assert!(run.stderr.contains("11, 12, 13"), "{}", run.stderr);
    send(&["od1002", "--to", &rx.url, "--type", "11"]).fails(2, "USAGE");
    send(&["p0001", "--to", &rx.url, "--form"]).fails(2, "USAGE");
    let run = send(&["od9999", "--to", &rx.url]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // A data push needs the account's credentials.
    let out = bare()
        .args(["push", "send", "od1002", "--to", &rx.url])
        .output()
        .unwrap();
    Run::checked(out, APIKEY, &[]).fails(2, "USAGE");
    assert!(rx.bodies().is_empty(), "nothing was sent");
}

#[test]
fn anything_but_success_exits_nonzero() {
    let rx = Receiver::start("fail");
    let run = send(&["od1002", "--to", &rx.url]).fails(1, "FAILED");
    assert!(run.stdout.contains("HTTP 200: \"fail\""), "{}", run.stdout);
    assert_eq!(rx.bodies().len(), 1, "sent once, never retried");
    // Nobody listening: a network failure, exit 1 too.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let run = send(&["p0002", "--to", &url, "--json"]).fails(1, "FAILED");
    assert_eq!(run.json()["acknowledged"], false);
    assert!(run.json()["error"].is_string());
}
