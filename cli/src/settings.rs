//! Credentials and endpoints: flags, then the environment (the SDK's `ClientOptions::from_env`),
//! then a config file.

use std::path::Path;
use std::time::Duration;

use cardboss::{Client, ClientOptions, Config};
use serde::Deserialize;

use crate::args::Global;
use crate::failure::{set_secret, usage, CliResult};

/// A config file: TOML, or JSON when its name ends in `.json`.
///
/// ```toml
/// sid = "10043"
/// apikey = "…32 characters…"
/// url = "http://127.0.0.1:9011"
/// ops_url = "http://127.0.0.1:8111"
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub sid: Option<String>,
    pub apikey: Option<String>,
    #[serde(alias = "base_url")]
    pub url: Option<String>,
    pub ops_url: Option<String>,
    pub concurrency: Option<usize>,
    pub timeout_secs: Option<u64>,
    pub utc_offset_minutes: Option<i32>,
    pub cooldown_store: Option<String>,
}

impl FileConfig {
    pub fn load(path: &Path) -> CliResult<FileConfig> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| usage(format!("cannot read config file {}: {e}", path.display())))?;
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            || text.trim_start().starts_with('{');
        // Parse errors may quote the offending line; never let that be the apikey's.
        if json {
            serde_json::from_str(&text).map_err(|e| {
                usage(format!(
                    "config file {} is not valid JSON (line {}, column {})",
                    path.display(),
                    e.line(),
                    e.column()
                ))
            })
        } else {
            toml::from_str(&text).map_err(|e| {
                let at = e
                    .span()
                    .map(|s| format!(" at byte {}", s.start))
                    .unwrap_or_default();
                usage(format!(
                    "config file {} is not valid TOML{at}: {}",
                    path.display(),
                    e.message()
                ))
            })
        }
    }
}

/// Everything a command needs to reach the platform.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub sid: Option<String>,
    pub apikey: Option<String>,
    pub url: Option<String>,
    pub ops_url: Option<String>,
    pub concurrency: Option<usize>,
    pub timeout_secs: Option<u64>,
    pub utc_offset_minutes: Option<i32>,
    pub cooldown_store: Option<String>,
}

/// The cooldown guard's state file, so `cardboss suspend X; cardboss resume X` is refused
/// locally: `$XDG_STATE_HOME/cardboss/cooldowns.json`, else `~/.local/state/…`; none without
/// either (then each invocation only guards itself).
fn default_cooldown_store() -> Option<String> {
    let absolute = |v: std::ffi::OsString| {
        let p = std::path::PathBuf::from(v);
        p.is_absolute().then_some(p)
    };
    let dir = std::env::var_os("XDG_STATE_HOME")
        .and_then(absolute)
        .or_else(|| {
            std::env::var_os("HOME")
                .and_then(absolute)
                .map(|h| h.join(".local/state"))
        })?;
    Some(format!(
        "file://{}",
        dir.join("cardboss").join("cooldowns.json").display()
    ))
}

impl Resolved {
    pub fn from_global(g: &Global) -> CliResult<Resolved> {
        let file = match &g.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        let env = ClientOptions::from_env();
        let pick = |flag: &Option<String>, env: Option<String>, file: Option<String>| {
            flag.clone().filter(|s| !s.is_empty()).or(env).or(file)
        };
        let r = Resolved {
            sid: pick(&g.sid, env.sid, file.sid),
            apikey: pick(&g.apikey, env.apikey, file.apikey),
            url: pick(&g.url, env.base_url, file.url),
            ops_url: pick(&g.ops_url, env.ops_url, file.ops_url),
            concurrency: g.concurrency.or(file.concurrency),
            timeout_secs: g.timeout_secs.or(file.timeout_secs),
            utc_offset_minutes: g.utc_offset_minutes.or(file.utc_offset_minutes),
            cooldown_store: g
                .cooldown_store
                .clone()
                .filter(|s| !s.is_empty())
                .or(file.cooldown_store)
                .or_else(default_cooldown_store),
        };
        if let Some(key) = &r.apikey {
            set_secret(key);
        }
        Ok(r)
    }

    pub fn apikey(&self) -> CliResult<&str> {
        self.apikey.as_deref().ok_or_else(|| {
            usage("no apikey: set CARDBOSS_APIKEY, pass --apikey, or give a --config file")
        })
    }

    pub fn sid(&self) -> CliResult<&str> {
        self.sid
            .as_deref()
            .ok_or_else(|| usage("no sid: set CARDBOSS_SID, pass --sid, or give a --config file"))
    }

    /// The SDK configuration; the core checks it (a 32-character apikey, …).
    pub fn config(&self) -> CliResult<Config> {
        let mut config = Config::new(self.sid()?, self.apikey()?);
        if let Some(url) = &self.url {
            config.base_url = url.trim_end_matches('/').to_string();
        }
        if let Some(url) = &self.ops_url {
            config.ops_url = Some(url.trim_end_matches('/').to_string());
        }
        if let Some(n) = self.concurrency {
            config.concurrency = n;
        }
        if let Some(secs) = self.timeout_secs {
            config.timeout = Duration::from_secs(secs);
        }
        if let Some(minutes) = self.utc_offset_minutes {
            config.utc_offset_minutes = minutes;
        }
        config.cooldown_store = self.cooldown_store.clone();
        Ok(config)
    }

    pub fn client(&self) -> CliResult<Client> {
        Ok(Client::new(self.config()?)?)
    }
}
