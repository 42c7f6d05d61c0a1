//! Test helpers: an in-process sandbox on free ports, and the `cardboss` binary pointed at it.
#![allow(dead_code)]

use std::process::Output;

use assert_cmd::Command;
use cardboss_sandbox::{SandboxConfig, SandboxHandle};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_cardboss");

/// Variables the developer's shell may have set; every test starts without them.
const ENV: &[&str] = &[
    "CARDBOSS_SID",
    "CARDBOSS_APIKEY",
    "CARDBOSS_URL",
    "CARDBOSS_OPS_URL",
    "CARDBOSS_CONFIG",
    "CARDBOSS_COOLDOWN_STORE",
];

pub struct Sandbox {
    rt: tokio::runtime::Runtime,
    handle: Option<SandboxHandle>,
    /// This test's `$XDG_STATE_HOME`: the CLI's cooldown state file is its own.
    pub state: tempfile::TempDir,
}

impl Sandbox {
    /// Strict, as for every SDK suite: a command that leaves out a key of an id pair fails here
    /// even though the platform would take it as empty.
    pub fn start(cards: usize) -> Sandbox {
        Sandbox::start_with(SandboxConfig {
            port1: 0,
            port2: 0,
            cards,
            strict: true,
            ..Default::default()
        })
    }

    pub fn start_with(config: SandboxConfig) -> Sandbox {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt
            .block_on(cardboss_sandbox::start(config))
            .expect("sandbox starts");
        Sandbox {
            rt,
            handle: Some(handle),
            state: tempfile::tempdir().unwrap(),
        }
    }

    pub fn h(&self) -> &SandboxHandle {
        self.handle.as_ref().unwrap()
    }

    pub fn apikey(&self) -> String {
        self.h().apikey().to_string()
    }

    /// The binary with only `args` and no credentials.
    pub fn bare(&self) -> Command {
        bare()
    }

    /// The binary with the sandbox's credentials in the environment.
    pub fn cmd(&self) -> Command {
        let mut c = bare();
        c.env("CARDBOSS_SID", self.h().sid())
            .env("CARDBOSS_APIKEY", self.h().apikey())
            .env("CARDBOSS_URL", self.h().base_url())
            .env("CARDBOSS_OPS_URL", self.h().ops_url())
            .env("XDG_STATE_HOME", self.state.path());
        c
    }

    /// Runs `cardboss ARGS` and checks the apikey appears in neither stream.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = self.cmd().args(args).output().expect("runs");
        Run::checked(out, &self.apikey(), args)
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let out = self
            .cmd()
            .args(args)
            .write_stdin(stdin.as_bytes().to_vec())
            .output()
            .expect("runs");
        Run::checked(out, &self.apikey(), args)
    }

    /// Card `i` of the fleet: (msisdn, iccid).
    pub fn card(&self, i: usize) -> (String, String) {
        let w = self.h().state();
        let w = w.lock();
        let c = &w.fleet.cards[i];
        (c.msisdn.clone(), c.iccid.clone())
    }

    /// Every msisdn of the fleet.
    pub fn all_msisdns(&self) -> Vec<String> {
        let s = self.h().state();
        let w = s.lock();
        w.fleet.cards.iter().map(|c| c.msisdn.clone()).collect()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
    }
}

pub fn bare() -> Command {
    let mut c = Command::new(BIN);
    for v in ENV {
        c.env_remove(v);
    }
    c
}

/// A finished run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub args: String,
}

impl Run {
    pub fn checked(out: Output, apikey: &str, args: &[&str]) -> Run {
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            args: args.join(" "),
        };
        assert!(
            !run.stdout.contains(apikey),
            "apikey in stdout of `{}`",
            run.args
        );
        assert!(
            !run.stderr.contains(apikey),
            "apikey in stderr of `{}`",
            run.args
        );
        run
    }

    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "`cardboss {}` failed: {}\n{}",
            self.args, self.stderr, self.stdout
        );
        self
    }

    /// Exit code `code`, one error line on stderr naming `platform_code`.
    pub fn fails(self, code: i32, platform_code: &str) -> Run {
        assert_eq!(
            self.code, code,
            "`cardboss {}`: stdout {} stderr {}",
            self.args, self.stdout, self.stderr
        );
        let line = self.stderr.trim_end();
        assert!(!line.contains('\n'), "error is not one line: {line}");
        assert!(line.starts_with("error ["), "error line: {line}");
        assert!(
            line.contains(&format!("[{platform_code}]")),
            "error line {line:?} lacks [{platform_code}]"
        );
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "`cardboss {}` printed no JSON ({e}): {}",
                self.args, self.stdout
            )
        })
    }

    /// CSV rows as maps of column → value.
    pub fn csv(&self) -> Vec<std::collections::HashMap<String, String>> {
        let mut r = csv::Reader::from_reader(self.stdout.as_bytes());
        let headers = r.headers().unwrap().clone();
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }
}
