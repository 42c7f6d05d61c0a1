//! The command line, grouped like the spec: customer, cards, pools, operations, sms, push; then
//! the fleet export (`sync`), the local sandbox and the demo.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "cardboss",
    version,
    about = "Command line for the CardBOSS IoT-SIM-card platform (API v2.2.2)",
    long_about = "Command line for the CardBOSS IoT-SIM-card platform (API v2.2.2).\n\n\
        Credentials and endpoints come from flags, from the environment (CARDBOSS_SID, \
        CARDBOSS_APIKEY, CARDBOSS_URL, CARDBOSS_OPS_URL) or from a config file (--config or \
        CARDBOSS_CONFIG; TOML or JSON with sid, apikey, url, ops_url), in that order of \
        precedence. The apikey is never printed.\n\n\
        A card id of 19-20 letters and digits is an iccid; other ids are msisdns.\n\n\
        Exit codes: 0 success, 1 the platform refused or the network failed, 2 usage error; \
        `bulk` adds 3 (some cards refused), 4 (some unknown), 5 (some not attempted) and 130 \
        (interrupted).\n\n\
        New here? Run `cardboss demo`.",
    after_help = "Try `cardboss demo` to see every flow against an embedded sandbox."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command understands. `--sid`, `--apikey`, `--url` and `--ops-url` fall back on
/// `CARDBOSS_SID`, `CARDBOSS_APIKEY`, `CARDBOSS_URL` and `CARDBOSS_OPS_URL`, read by the SDK's own
/// `ClientOptions::from_env` (see settings.rs), so every language reads the same names.
#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// Account id.
    #[arg(long, global = true, value_name = "SID")]
    pub sid: Option<String>,
    /// The 32-character apikey (prefer the environment or a config file: flags show in `ps`).
    #[arg(long, global = true, value_name = "KEY")]
    pub apikey: Option<String>,
    /// Root URL of the query/SMS/renewal port (port1), e.g. http://host:9011.
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,
    /// Root URL of the lifecycle-operations port (port2); default: the url's host on 8111.
    #[arg(long = "ops-url", global = true, value_name = "URL")]
    pub ops_url: Option<String>,
    /// Config file (TOML or JSON): sid, apikey, url, ops_url, concurrency, timeout_secs,
    /// utc_offset_minutes, cooldown_store.
    #[arg(long, global = true, env = "CARDBOSS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print JSON (for scripts).
    #[arg(long, global = true, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (for spreadsheets and scripts).
    #[arg(long, global = true)]
    pub csv: bool,
    /// Requests in flight at once for bulk calls (default 8).
    #[arg(long, global = true, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Seconds per request attempt (default 30).
    #[arg(long = "timeout", global = true, value_name = "SECS")]
    pub timeout_secs: Option<u64>,
    /// Offset of the platform's clock in minutes (default 480, UTC+8).
    #[arg(
        long = "utc-offset",
        global = true,
        value_name = "MINUTES",
        allow_negative_numbers = true
    )]
    pub utc_offset_minutes: Option<i32>,
    /// Where the cooldown guard keeps its windows between invocations: file:///path.json,
    /// redis://host:port/db (shared with other machines) or memory: (this invocation only).
    /// Default: $XDG_STATE_HOME/cardboss/cooldowns.json (~/.local/state/…).
    #[arg(
        long = "cooldown-store",
        global = true,
        env = "CARDBOSS_COOLDOWN_STORE",
        value_name = "URL"
    )]
    pub cooldown_store: Option<String>,
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The account: name, balance, card count (3.1.1).
    Customer,
    /// List cards and show their details (3.2.1, 3.2.2).
    #[command(subcommand)]
    Cards(CardsCmd),
    /// Usage of cards: this month or a past month (3.2.3, 3.2.4).
    #[command(subcommand)]
    Usage(UsageCmd),
    /// The packages a card has ordered (3.2.6).
    Packages {
        /// msisdn or iccid.
        id: String,
    },
    /// The account's data pools (3.3.1).
    Pools,
    /// Order more months of a package for a card (3.4.1); confirmed later by an OD1002 push.
    Renew(RenewArgs),
    /// Suspend a card (3.4.4, stopkeep=0).
    Suspend(OneCard),
    /// Resume a suspended card (3.4.4, stopkeep=1).
    Resume(OneCard),
    /// Activate a card now (3.4.3).
    Activate(OneCard),
    /// End a card's test period now (3.4.2).
    #[command(name = "end-test")]
    EndTest(OneCard),
    /// Switch a card's data on or off (3.4.5).
    #[command(subcommand)]
    Data(DataCmd),
    /// One operation on many cards: every card gets an outcome, nothing is applied twice.
    Bulk(BulkArgs),
    /// Add or remove voice whitelist numbers (3.4.6).
    #[command(subcommand)]
    Whitelist(WhitelistCmd),
    /// Send SMS, fetch delivery reports and replies (3.5).
    #[command(subcommand)]
    Sms(SmsCmd),
    /// Verify and decode pushes the platform sends (4.2, 3.5.6).
    #[command(subcommand)]
    Push(PushCmd),
    /// Export the whole fleet (list + detail + current usage) and/or summarise it.
    Sync(SyncArgs),
    /// Run the local sandbox server in the foreground (prints a JSON ready line). Its flags are
    /// `cardboss-sandbox`'s: see `cardboss sandbox --help`.
    #[command(disable_help_flag = true)]
    Sandbox(SandboxPassthrough),
    /// Start an embedded sandbox and walk through the main flows.
    Demo(DemoArgs),
}

#[derive(Subcommand, Debug)]
pub enum CardsCmd {
    /// One page of 100 cards, or every card.
    List {
        /// Page number, from 1.
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        page: u32,
        /// Every card of the account, page after page.
        #[arg(long)]
        all: bool,
    },
    /// Everything the platform knows of some cards (batched by 100).
    Detail {
        /// msisdns and/or iccids.
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UsageCmd {
    /// This month's usage.
    Current {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// A past month's usage (one of the last 3 months).
    History {
        /// yyyyMM.
        #[arg(long)]
        month: String,
        /// Pass the optional `showday` parameter.
        #[arg(long)]
        showday: Option<String>,
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

#[derive(Args, Debug)]
pub struct OneCard {
    /// msisdn or iccid.
    pub id: String,
}

#[derive(Args, Debug)]
pub struct RenewArgs {
    /// msisdn or iccid.
    pub id: String,
    /// Package code (see `cardboss packages ID`).
    #[arg(long = "pkg", value_name = "CODE")]
    pub pkg: String,
    /// Months to order (month packs: at least 12).
    #[arg(long)]
    pub months: u32,
    /// Allow a new order while an earlier one is still pending.
    #[arg(long)]
    pub repetition: bool,
    /// Start date, yyyy-MM-dd (default: after the card's last package).
    #[arg(long = "start-date", value_name = "DATE")]
    pub start_date: Option<String>,
    /// Review mode: manual or 1, automatic or 2.
    #[arg(long, value_name = "MODE", value_parser = |s: &str| cardboss::Audit::from_name(s).map_err(|e| e.to_string()))]
    pub audit: Option<cardboss::Audit>,
    /// Free text kept with the order.
    #[arg(long)]
    pub remark: Option<String>,
}

/// `cardboss bulk`: the flags become the core's `BulkSettings` as given; the core resolves the
/// defaults and refuses what does not fit the operation.
#[derive(Args, Debug)]
#[command(
    after_help = "Exit codes: 0 every card done or skipped (or a dry run), 2 usage error \
    (nothing sent), 3 some cards refused, 4 some cards unknown (may or may not be applied: see \
    the report's note; wins over 3), 5 some cards not attempted (deadline, open cooldown), \
    130 interrupted (Ctrl-C: requests in flight finish, the journal stays valid)."
)]
pub struct BulkArgs {
    /// suspend, resume, force_activate, end_test_period, disable_data, enable_data or renew.
    pub op: String,
    /// msisdns and/or iccids (mixed).
    pub ids: Vec<String>,
    /// Read ids from FILE (`-`: stdin), one a line; blank lines and `#` comments are skipped.
    #[arg(long = "from-file", value_name = "FILE")]
    pub from_file: Option<PathBuf>,
    /// Journal (JSON lines): a run killed at any point is repeated with the same file, and
    /// cards already settled are not sent again.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Write one CSV row per card to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Check everything and show what would be sent; send no operation.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Renew without asking for confirmation (required off a terminal).
    #[arg(long, short)]
    pub yes: bool,
    /// renew: the package code.
    #[arg(long, value_name = "CODE")]
    pub pkgcode: Option<String>,
    /// renew: months to order.
    #[arg(long, allow_negative_numbers = true)]
    pub months: Option<i32>,
    /// renew: allow a new order while an earlier one is pending.
    #[arg(long)]
    pub repetition: bool,
    /// renew: start date, yyyy-MM-dd (default: after the card's last package).
    #[arg(long, value_name = "DATE")]
    pub startdate: Option<String>,
    /// renew: review mode, manual or 1, automatic or 2.
    #[arg(long, value_name = "MODE", value_parser = |s: &str| cardboss::Audit::from_name(s).map_err(|e| e.to_string()))]
    pub audit: Option<cardboss::Audit>,
    /// renew: free text kept with the order.
    #[arg(long)]
    pub remark: Option<String>,
    /// disable_data / enable_data: the APN, when the card has several.
    #[arg(long)]
    pub apn: Option<String>,
    /// enable_data: only if at least P percent of the package is left.
    #[arg(
        long = "min-left-percent",
        value_name = "P",
        allow_negative_numbers = true
    )]
    pub min_left_percent: Option<i32>,
    /// Read the cards first and skip those already in the target state.
    #[arg(long = "check-state")]
    pub check_state: bool,
    /// Report a card whose cooldown window is open as not attempted instead of waiting.
    #[arg(long = "no-wait-cooldowns")]
    pub no_wait_cooldowns: bool,
    /// Send nothing more after SECS seconds (the rest: not attempted).
    #[arg(long, value_name = "SECS")]
    pub deadline: Option<f64>,
    /// Times a card may go back in the queue after a refusal that proves nothing was applied.
    #[arg(long = "max-requeues", value_name = "N", allow_negative_numbers = true)]
    pub max_requeues: Option<i32>,
}

#[derive(Subcommand, Debug)]
pub enum DataCmd {
    /// Restore data.
    On {
        id: String,
        /// The APN, when the card has several.
        #[arg(long)]
        apn: Option<String>,
        /// Only if more than P percent of the package is left.
        #[arg(long = "min-left", value_name = "P")]
        min_left: Option<u32>,
    },
    /// Cut data.
    Off {
        id: String,
        #[arg(long)]
        apn: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum WhitelistCmd {
    /// Add up to 5 numbers.
    Add {
        id: String,
        #[arg(required = true)]
        numbers: Vec<String>,
        /// Whitelist group (taskid).
        #[arg(long)]
        group: Option<String>,
    },
    /// Remove up to 2 numbers (once per card per calendar month).
    Remove {
        id: String,
        #[arg(required = true)]
        numbers: Vec<String>,
        #[arg(long)]
        group: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum SmsCmd {
    /// Send an SMS to IoT cards (msisdns or iccids).
    Send {
        #[arg(required = true)]
        ids: Vec<String>,
        /// Message text (at most 350 characters).
        #[arg(long)]
        text: String,
        /// Send it AES-encrypted (sendiotencryptsms).
        #[arg(long)]
        encrypted: bool,
    },
    /// Send a template SMS to phones.
    Template {
        /// Phone numbers.
        #[arg(required = true)]
        mobiles: Vec<String>,
        /// Template id.
        #[arg(long)]
        template: String,
        /// Template variable, `1=value` (repeatable).
        #[arg(long = "param", value_name = "K=V")]
        params: Vec<String>,
    },
    /// Delivery reports not fetched before.
    Reports,
    /// Replies not fetched before.
    Replies,
}

#[derive(Subcommand, Debug)]
pub enum PushCmd {
    /// Read a push body on stdin, verify it with the apikey and print its content.
    Verify {
        /// An SMS push (P0001 reports, P0002 replies): unsigned, no apikey needed.
        #[arg(long)]
        sms: bool,
        /// Refuse a push whose time is further than this from now.
        #[arg(long = "max-age", value_name = "SECS")]
        max_age: Option<u64>,
    },
    /// Post a signed test push to a receiver, as the platform would, and print its answer
    /// (exit 0 only when it answered `success`).
    Send(PushSendArgs),
}

#[derive(Args, Debug)]
pub struct PushSendArgs {
    /// What to send: od1002 (renewal result), od1010 (usage warning), p0001 (SMS delivery
    /// report), p0002 (SMS reply).
    #[arg(value_enum)]
    pub kind: PushKind,
    /// The receiver's URL.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// The card (msisdn) the push is about.
    #[arg(long, value_name = "ID")]
    pub card: Option<String>,
    /// The od1010 warning type (11-15, 21-24, 31-32, 41-42, 51; default 11).
    #[arg(long = "type", value_name = "N")]
    pub warning_type: Option<i64>,
    /// Send a data push form-encoded instead of as JSON (the platform has sent both).
    #[arg(long)]
    pub form: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushKind {
    Od1002,
    Od1010,
    P0001,
    P0002,
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// Write every card to FILE.csv or FILE.jsonl (written to FILE.partial, then renamed).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print cards by state/operator, cards over 80% of their package, packages expiring
    /// within 30 days.
    #[arg(long)]
    pub summary: bool,
    /// Keep a checkpoint in FILE as the export goes; if FILE exists, continue the export it
    /// describes (the `--out` file is kept up to the checkpoint and appended to).
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// Re-tries of failed requests the whole run may make, in tokens (5 a re-try, one back per
    /// success; default 500).
    #[arg(long = "retry-budget", value_name = "TOKENS")]
    pub retry_budget: Option<u32>,
}

/// The sandbox's own flags, parsed by `cardboss_sandbox::Args`.
#[derive(Args, Debug)]
pub struct SandboxPassthrough {
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "FLAGS"
    )]
    pub args: Vec<String>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Cards in the embedded sandbox.
    #[arg(long, default_value_t = 3000)]
    pub cards: usize,
    /// Random seed of the sandbox fleet.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}
