//! The `onsite` binary: one program that serves the portal, migrates the database, loads the
//! demo city and checks the mail setup. Configuration comes from `config.rs`; everything else
//! is in the library crates.

mod backup;
mod config;
mod import;
mod serve;

use clap::{Args, Parser, Subcommand};
use config::{Config, Layers};
use std::path::PathBuf;
use std::process::ExitCode;

/// The memory allocator: mimalloc rather than the C library's. glibc's malloc keeps the large
/// blocks a server frees (Argon2's 19 MiB of working memory per password check) in its
/// per-thread arenas once its dynamic mmap threshold has risen: a demo server grew to 580 MiB
/// in 20 s of sign-in attempts; mimalloc gives them back to the system (docs/benchmarks.md,
/// "Memory under a request storm").
/// Off with `--no-default-features` (the feature `mimalloc`).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Onsite: the self-hosted field-service portal.
#[derive(Debug, Parser)]
#[command(name = "onsite", version, about, long_about = None)]
struct Cli {
    /// Configuration file (TOML). Settings can also come from ONSITE_* environment variables;
    /// command-line options win over both.
    #[arg(long, global = true, env = "ONSITE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the portal (migrates the database first).
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate(DatabaseArgs),
    /// Load the demo city (Montréal) into an empty database, then exit.
    Demo(DemoArgs),
    /// Queue a test email to check the mail setup; the running server sends it.
    SendTestEmail(TestEmailArgs),
    /// Invite a contact (or every contact of an account) to the portal and print the code.
    Invite(InviteArgs),
    /// Administrators: `admin create` makes the first one of an empty installation.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Copy the embedded database to FILE while the server keeps serving (SQLite; for
    /// PostgreSQL it explains pg_dump).
    Backup(BackupArgs),
    /// Put a backup in place of the embedded database and migrate it; the server must be
    /// stopped. The previous database is kept beside it.
    Restore(RestoreArgs),
    /// Import accounts with contacts, or assets, from a CSV file (docs/import.md).
    Import(ImportArgs),
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// Folder for the embedded database and other data [default: ./data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<String>,
    /// sqlite://PATH or postgres://USER@HOST/DB [default: SQLite in the data folder].
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Port to listen on; 0 picks a free one [default: 8080].
    #[arg(long)]
    port: Option<String>,
    /// Address to listen on [default: 127.0.0.1; use 0.0.0.0 to serve other machines].
    #[arg(long, value_name = "IP")]
    listen: Option<String>,
    /// Load the demo city first if the database is empty, and print the demo sign-ins.
    #[arg(long)]
    demo: bool,
}

#[derive(Debug, Args)]
struct DemoArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// The day the demo is dated from [default: today in the demo city].
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<jiff::civil::Date>,
}

#[derive(Debug, Args)]
struct TestEmailArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Recipient address.
    #[arg(long, value_name = "EMAIL")]
    to: String,
    /// Language of the message (en, fr).
    #[arg(long, default_value = "en")]
    lang: String,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["contact", "account"])))]
struct InviteArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// The contact to invite (a new code replaces any earlier one).
    #[arg(long, value_name = "ID")]
    contact: Option<i64>,
    /// Invite every contact of this account that was never invited before.
    #[arg(long, value_name = "ID")]
    account: Option<i64>,
    /// Web role the portal account gets (repeat for several): self-scheduling,
    /// fs-customer-reviewer, fs-customer-approver, partner.
    #[arg(long = "role", value_name = "ROLE", default_value = "self-scheduling")]
    roles: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Make the first administrator (refused once one exists) and print the link where they
    /// choose their password.
    Create(AdminCreateArgs),
}

#[derive(Debug, Args)]
struct AdminCreateArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// The administrator's email address (they sign in with it).
    #[arg(long, value_name = "EMAIL")]
    email: String,
    /// Their name [default: the part of the email before the @].
    #[arg(long, value_name = "NAME", default_value = "")]
    name: String,
}

#[derive(Debug, Args)]
struct BackupArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Where to write the copy; refused if it exists, unless --force.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct RestoreArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// A backup made by `onsite backup`.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

#[derive(Debug, Args)]
struct ImportArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// What the file holds: accounts (with contacts) or assets.
    #[arg(value_name = "KIND")]
    kind: String,
    /// The CSV file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Report what the import would do, row by row, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The member of staff the import is made as (the audit log's actor).
    #[arg(long = "as", value_name = "EMAIL")]
    as_email: String,
    /// utf-8 or windows-1252 [default: detected].
    #[arg(long)]
    encoding: Option<String>,
    /// , ; or tab [default: detected].
    #[arg(long)]
    delimiter: Option<String>,
    /// Language of the reasons (en, fr).
    #[arg(long, default_value = "en")]
    lang: String,
}

/// Exit code for a bad setting or argument (as clap uses for usage errors).
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match load_config(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("onsite: {e}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    init_tracing(&config.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("onsite: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve::serve(config, args.demo).await,
            Command::Migrate(_) => serve::migrate(&config).await,
            Command::Demo(args) => serve::demo(&config, args.today).await,
            Command::Invite(args) => {
                serve::invite(&config, args.contact, args.account, &args.roles).await
            }
            Command::Admin(AdminCommand::Create(args)) => {
                serve::create_first_admin(&config, &args.email, &args.name).await
            }
            Command::SendTestEmail(args) => {
                serve::send_test_email(&config, &args.to, &args.lang).await
            }
            Command::Backup(args) => backup::backup(&config, &args.file, args.force).await,
            Command::Restore(args) => backup::restore(&config, &args.file).await,
            Command::Import(args) => {
                let args = import::ImportArgs {
                    kind: &args.kind,
                    file: &args.file,
                    dry_run: args.dry_run,
                    as_email: &args.as_email,
                    encoding: args.encoding.as_deref(),
                    delimiter: args.delimiter.as_deref(),
                    lang: &args.lang,
                };
                import::import(&config, args).await
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(serve::Failure::BadInput(msg)) => {
            eprintln!("onsite: {msg}");
            ExitCode::from(BAD_INPUT)
        }
        Err(serve::Failure::Other(e)) => {
            eprintln!("onsite: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(cli: &Cli) -> Result<Config, config::ConfigError> {
    let mut layers = Layers::default();
    if let Some(path) = &cli.config {
        layers.file(path)?;
    }
    layers.env(std::env::vars());
    for w in layers.warnings() {
        eprintln!("onsite: warning: {w}");
    }
    let db = match &cli.command {
        Command::Serve(a) => &a.database,
        Command::Migrate(a) => a,
        Command::Demo(a) => &a.database,
        Command::SendTestEmail(a) => &a.database,
        Command::Invite(a) => &a.database,
        Command::Admin(AdminCommand::Create(a)) => &a.database,
        Command::Backup(a) => &a.database,
        Command::Restore(a) => &a.database,
        Command::Import(a) => &a.database,
    };
    layers.flag("data_dir", "--data-dir", db.data_dir.clone());
    layers.flag("database_url", "--database-url", db.database_url.clone());
    if let Command::Serve(a) = &cli.command {
        layers.flag("port", "--port", a.port.clone());
        layers.flag("listen", "--listen", a.listen.clone());
    }
    layers.resolve()
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
