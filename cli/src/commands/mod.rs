//! One file per group of the spec (customer, cards, pools, operations, sms, push), then the
//! fleet export, the sandbox and the demo.

pub mod bulk;
pub mod cards;
pub mod customer;
pub mod demo;
pub mod operations;
pub mod pools;
pub mod push;
pub mod push_send;
pub mod sandbox;
pub mod sms;
pub mod sync;

use cardboss::Client;

use crate::args::{Command, Global};
use crate::failure::CliResult;
use crate::output::{progress_allowed, Format};
use crate::settings::Resolved;

/// What every command gets.
pub struct Ctx {
    pub settings: Resolved,
    pub format: Format,
    /// Progress bars may be drawn (stderr is a terminal, no `--quiet`).
    pub progress: bool,
}

impl Ctx {
    pub fn new(global: &Global) -> CliResult<Ctx> {
        let settings = Resolved::from_global(global)?;
        let format = if global.json {
            Format::Json
        } else if global.csv {
            Format::Csv
        } else {
            Format::Table
        };
        let progress = progress_allowed(global.quiet);
        Ok(Ctx {
            settings,
            format,
            progress,
        })
    }

    pub fn client(&self) -> CliResult<Client> {
        self.settings.client()
    }
}

pub async fn run(ctx: &Ctx, command: Command) -> CliResult {
    match command {
        Command::Customer => customer::show(ctx).await,
        Command::Cards(cmd) => cards::run(ctx, cmd).await,
        Command::Usage(cmd) => cards::usage(ctx, cmd).await,
        Command::Packages { id } => cards::packages(ctx, &id).await,
        Command::Pools => pools::list(ctx).await,
        Command::Renew(args) => operations::renew(ctx, args).await,
        Command::Suspend(c) => operations::lifecycle(ctx, operations::Op::Suspend, &c.id).await,
        Command::Resume(c) => operations::lifecycle(ctx, operations::Op::Resume, &c.id).await,
        Command::Activate(c) => operations::lifecycle(ctx, operations::Op::Activate, &c.id).await,
        Command::EndTest(c) => operations::lifecycle(ctx, operations::Op::EndTest, &c.id).await,
        Command::Data(cmd) => operations::data(ctx, cmd).await,
        Command::Bulk(args) => bulk::run(ctx, args).await,
        Command::Whitelist(cmd) => operations::whitelist(ctx, cmd).await,
        Command::Sms(cmd) => sms::run(ctx, cmd).await,
        Command::Push(cmd) => push::run(ctx, cmd).await,
        Command::Sync(args) => sync::run(ctx, args).await,
        Command::Sandbox(args) => sandbox::run(args.args).await,
        Command::Demo(args) => demo::run(ctx, args).await,
    }
}
