//! The `shopkeep` command line: subcommands and their flags (clap), and the
//! glue that loads the config, opens the store and calls the right module.
//!
//! Owns argument parsing and exit codes. Logic lives in the modules it calls.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::{self, Config};
use crate::engine::{Engine, Source};
use crate::store::{AuditFilter, Store, TicketFilter};
use crate::transcript::TranscriptReader;

#[derive(Debug, Parser)]
#[command(
    name = "shopkeep",
    version,
    about = "Answers people who ask to be sold to — briefly, compliantly, rarely — and hands the rest to staff."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a brand's first config and brand-neutral templates into DIR
    /// (asks for what the flags do not give).
    Init {
        /// The folder to write `config/shopkeep.toml` and `templates/` into.
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        given: crate::init_prompt::Given,
        /// Replace files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Run a JSON Lines transcript through the engine, offline, and show every decision.
    Replay {
        /// The transcript (one JSON message per line).
        file: PathBuf,
        /// The config file (relative paths in it start at its folder).
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
        /// SQLite file to keep state and audit in (default: a throwaway
        /// in-memory store, so a replay never touches the live bot's store,
        /// where replayed tickets and cooldowns would silence real customers).
        #[arg(long)]
        db: Option<String>,
        /// One JSON object per message instead of the readable transcript.
        #[arg(long)]
        json: bool,
    },
    /// Load and validate the config and every template; exit non-zero on any problem.
    Check {
        /// The config file (relative paths in it start at its folder).
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
    },
    /// Measure the detector on labelled JSON Lines files (each file one
    /// family): pooled and per-family figures.
    Eval {
        /// Labelled JSON Lines files (`text`, `label`), one family each.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The config file (relative paths in it start at its folder).
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
        /// One JSON object with every figure instead of the readable table.
        #[arg(long)]
        json: bool,
    },
    /// Fit the detector's learned layer on labelled JSON Lines files; report
    /// cross-validation and write a weights file for `[detector] model`.
    Train {
        /// Labelled JSON Lines files (`text`, `label`), one family each.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write the weights (omit to only cross-validate).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The config file (relative paths in it start at its folder).
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
        /// Cross-validation folds (0: skip).
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// L2 penalty per weight.
        #[arg(long, default_value_t = crate::train::Options::default().l2)]
        l2: f64,
        /// Passes over the data.
        #[arg(long, default_value_t = crate::train::Options::default().epochs)]
        epochs: usize,
        /// Loss weight of a non-solicitation (above 1 favours precision).
        #[arg(long, default_value_t = crate::train::Options::default().negative_weight)]
        negative_weight: f64,
        /// Learn only features seen in at least this many messages.
        #[arg(long, default_value_t = crate::train::Options::default().min_count)]
        min_count: usize,
        /// Learn only features seen in at least this many of the files (a
        /// word one author used is their topic, not a pattern).
        #[arg(long, default_value_t = crate::train::Options::default().min_files)]
        min_files: usize,
        /// Leave one family (file) out at a time: fit on the others, score
        /// it, and report per family and pooled (writes nothing).
        #[arg(long)]
        leave_out_families: bool,
        /// With --leave-out-families: files used for training only, never
        /// scored (e.g. the invented development sets).
        #[arg(long, num_args = 1..)]
        extra: Vec<PathBuf>,
        /// With --leave-out-families: the encoder's left-out logits
        /// (`tools/encoder.py lofo`), to report it alone and combined.
        #[arg(long)]
        encoder_scores: Option<PathBuf>,
        /// First-stage score below which the encoder is not run.
        #[arg(long, default_value_t = 0.05)]
        gate: f32,
        /// Keep the shipped learned layer in every fold instead of refitting it.
        #[arg(long)]
        shipped_first_stage: bool,
    },
    /// Show what the bot would reply to one message.
    Preview {
        /// The message, as a member would write it.
        #[arg(long)]
        message: String,
        /// Render this template instead of the one the bot would choose.
        #[arg(long)]
        template: Option<String>,
        /// The asker's display name.
        #[arg(long, default_value = "alice")]
        author: String,
        /// The channel the message is posted in.
        #[arg(long, default_value = "general")]
        channel: String,
        /// The config file (relative paths in it start at its folder).
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
    },
    /// Print or export the audit trail of replies, hand-offs and held-back replies.
    Audit {
        /// SQLite file to read (default: the config's `[storage] path`).
        #[arg(long)]
        db: Option<String>,
        /// The config file (relative paths in it start at its folder).
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
        /// Only records newer than this (e.g. 24h, 7d).
        #[arg(long)]
        since: Option<String>,
        /// CSV instead of a readable list.
        #[arg(long)]
        csv: bool,
        /// Only near misses: messages the bot came close to answering and
        /// did not (detector unsure, not in the catalogue, held by a
        /// limit), with the member's message.
        #[arg(long)]
        missed: bool,
    },
    /// List staff marks (right, wrong, missed), or export them as labelled
    /// JSON Lines for `shopkeep eval` and `shopkeep train`.
    Feedback {
        /// SQLite file to read (default: the config's `[storage] path`).
        #[arg(long)]
        db: Option<String>,
        /// The config file (relative paths in it start at its folder).
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
        /// Only marks made in this period (e.g. 7d, 30d).
        #[arg(long)]
        since: Option<String>,
        /// Write the marks to this JSON Lines file instead of listing them.
        #[arg(long, value_name = "FILE.jsonl")]
        export: Option<PathBuf>,
    },
    /// Summarise a period: messages seen, replies (or would-be replies in
    /// shadow), hand-offs, held back per limit, staff marks, this server's
    /// precision, and whether it is ready to go live.
    Report {
        /// SQLite file to read (default: the config's `[storage] path`).
        #[arg(long)]
        db: Option<String>,
        /// The config file (relative paths in it start at its folder).
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
        /// The period, ending now (e.g. 24h, 7d).
        #[arg(long, default_value = "7d")]
        since: String,
        /// Report on what `shopkeep replay` recorded (the period ends at the
        /// last replayed message) instead of the live bot.
        #[arg(long)]
        replayed: bool,
    },
    /// Suggest the `reply_at` that reaches a precision target on this
    /// server's exported marks (changes nothing).
    Tune {
        /// Marks exported by `shopkeep feedback --export` (or any labelled JSON Lines).
        #[arg(long = "feedback", value_name = "FILE.jsonl", required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// The precision to reach.
        #[arg(long, default_value_t = 0.9)]
        precision: f64,
        /// The config file whose detector scores the messages.
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
    },
    /// Erase one person's name, words and mentions from the store (their
    /// opt-out is kept, so the bot still does not answer them).
    Forget {
        /// Their Discord user id.
        user_id: String,
        /// SQLite file (default: the config's `[storage] path`).
        #[arg(long)]
        db: Option<String>,
        /// The config file (relative paths in it start at its folder).
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
    },
    /// Connect to Discord and run the bot (token from DISCORD_TOKEN).
    Run {
        /// The config file (relative paths in it start at its folder).
        #[arg(long, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
        /// Run only these gateway shards, e.g. "0-3/8" (shards 0 to 3 of
        /// 8); other processes sharing the store run the rest
        /// (overrides `[discord] shards`).
        #[arg(long)]
        shards: Option<String>,
    },
    /// Print the OAuth2 URL that adds the bot with the least permissions it needs.
    Invite {
        /// The Application ID from the Discord developer portal.
        #[arg(long = "app-id")]
        app_id: u64,
    },
    /// Accounts for the staff web page (`[http]`): `add NAME` (password on
    /// standard input), `remove NAME`, `list`.
    User {
        #[command(subcommand)]
        action: UserAction,
        /// SQLite file (default: the config's `[storage] path`).
        #[arg(long, global = true)]
        db: Option<String>,
        /// The config file (relative paths in it start at its folder).
        #[arg(long, global = true, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
    },
    /// List staff tickets from the store, with the customer's name and id
    /// (and whether staff were notified); `close` or `reassign` one.
    Tickets {
        #[command(subcommand)]
        change: Option<TicketChange>,
        /// SQLite file to read (default: the config's `[storage] path`).
        #[arg(long, global = true)]
        db: Option<String>,
        /// The config file (relative paths in it start at its folder).
        #[arg(long, global = true, default_value = config::DEFAULT_PATH)]
        config: PathBuf,
        /// Only open tickets.
        #[arg(long, conflicts_with = "closed")]
        open: bool,
        /// Only closed tickets.
        #[arg(long)]
        closed: bool,
        /// Only tickets opened within this long (e.g. 24h, 7d).
        #[arg(long)]
        since: Option<String>,
    },
}

/// Local accounts of the staff web page.
#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add an account, or set a new password for an existing one. The
    /// password is read from the first line of standard input.
    Add {
        name: String,
        /// May also edit templates from the page.
        #[arg(long)]
        editor: bool,
    },
    /// Remove an account and end its sessions.
    Remove { name: String },
    /// List the accounts.
    List,
}

/// Staff changes to one ticket from the command line; the running bot
/// posts what they need (closing message, a line in the thread) within a
/// minute.
#[derive(Debug, Subcommand)]
pub enum TicketChange {
    /// Close ticket ID: the customer gets the closing message, the thread
    /// is archived, and their next message opens a new ticket.
    Close {
        /// The ticket's number (`#ID` in `shopkeep tickets`).
        id: i64,
        /// Added to the closing message the customer receives.
        #[arg(long)]
        message: Option<String>,
        /// Who closes it (shown to staff and in `tickets`).
        #[arg(long, default_value = "staff")]
        by: String,
    },
    /// Give ticket ID to a staff member, whoever holds it now.
    Reassign {
        /// The ticket's number (`#ID` in `shopkeep tickets`).
        id: i64,
        /// The staff member who takes it (as staff see names).
        #[arg(long)]
        to: String,
    },
}

/// The log filter: `SHOPKEEP_LOG`, else `RUST_LOG`, else the default. The
/// default shows `run`'s life events (connected, reloaded, registered) at
/// info and only warnings for the one-shot commands, whose output is stdout.
pub fn log_directives(
    shopkeep_log: Option<String>,
    rust_log: Option<String>,
    command: &Command,
) -> String {
    let set = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    set(shopkeep_log)
        .or_else(|| set(rust_log))
        .unwrap_or_else(|| match command {
            Command::Run { .. } => "warn,shopkeep=info".to_string(),
            _ => "warn".to_string(),
        })
}

/// Load a config, turning its errors into one readable error.
pub fn load_config(path: &Path) -> anyhow::Result<Config> {
    config::load(path).map_err(|e| anyhow::anyhow!("{e}"))
}

fn db_path(db: Option<String>, config: &Path) -> anyhow::Result<String> {
    match db {
        Some(db) => Ok(db),
        None => Ok(load_config(config)?.storage_path),
    }
}

/// Run a parsed command; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Init { dir, given, force } => {
            let mut input = std::io::stdin().lock();
            let answers = crate::init_prompt::answers(given, &mut input, &mut std::io::stderr())?;
            init(&dir, &answers, force)
        }
        Command::Replay {
            file,
            config,
            db,
            json,
        } => replay(&file, &config, db, json).await,
        Command::Check { config } => check(&config),
        Command::Eval {
            files,
            config,
            json,
        } => {
            let config = load_config(&config)?;
            let detector = crate::core::detect::Detector::new(config.detector_settings());
            crate::eval::run(&files, &detector, json, &mut std::io::stdout().lock())?;
            Ok(0)
        }
        Command::Train {
            files,
            out,
            config,
            folds,
            l2,
            epochs,
            negative_weight,
            min_count,
            min_files,
            leave_out_families,
            extra,
            encoder_scores,
            gate,
            shipped_first_stage,
        } => {
            let config = load_config(&config)?;
            let settings = crate::core::detect::DetectorSettings {
                learned: crate::core::detect::LearnedLayer::Off,
                encoder: None,
                ..config.detector_settings()
            };
            let detector = crate::core::detect::Detector::new(settings);
            let options = crate::train::Options {
                l2,
                epochs,
                min_count,
                min_files,
                negative_weight,
                folds,
            };
            if leave_out_families {
                let shipped =
                    crate::core::detect::Detector::new(crate::core::detect::DetectorSettings {
                        encoder: None,
                        ..config.detector_settings()
                    });
                let lofo = crate::lofo::Lofo {
                    families: &files,
                    extra: &extra,
                    encoder_scores: encoder_scores.as_deref(),
                    gate,
                    shipped_first_stage,
                };
                crate::lofo::run(
                    &lofo,
                    &detector,
                    &shipped,
                    &options,
                    &mut std::io::stdout().lock(),
                )?;
                return Ok(0);
            }
            crate::train::run(
                &files,
                &detector,
                &options,
                out.as_deref(),
                &mut std::io::stdout().lock(),
            )?;
            Ok(0)
        }
        Command::Preview {
            message,
            template,
            author,
            channel,
            config,
        } => {
            let config = load_config(&config)?;
            let report =
                crate::app::preview(&config, &message, template.as_deref(), &author, &channel)?;
            print!("{report}");
            Ok(0)
        }
        Command::Audit {
            db,
            config,
            since,
            csv,
            missed,
        } => audit(db, &config, since, csv, missed).await,
        Command::Run { config, shards } => {
            crate::discord::run::run_from_env(&config, shards.as_deref()).await
        }
        Command::Feedback {
            db,
            config,
            since,
            export,
        } => {
            let since = since_arg(since)?;
            let store = existing_store(db, &config).await?;
            let mut out = std::io::stdout().lock();
            crate::feedback::feedback(&store, since, export.as_deref(), &mut out).await?;
            Ok(0)
        }
        Command::Report {
            db,
            config,
            since,
            replayed,
        } => {
            let span =
                config::parse_duration(&since).map_err(|e| anyhow::anyhow!("--since {e}"))?;
            let loaded = load_config(&config)?;
            let store = existing_store(db, &config).await?;
            let mut out = std::io::stdout().lock();
            crate::feedback::report(&store, &loaded, span, replayed, &mut out).await?;
            Ok(0)
        }
        Command::Tune {
            files,
            precision,
            config,
        } => {
            if !(0.5..1.0).contains(&precision) {
                anyhow::bail!("--precision {precision} must be at least 0.5 and below 1");
            }
            let config = load_config(&config)?;
            crate::feedback::tune(&config, &files, precision, &mut std::io::stdout().lock())
        }
        Command::Forget {
            user_id,
            db,
            config,
        } => forget(&user_id, db, &config).await,
        Command::Invite { app_id } => {
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            crate::discord::invite::validate_application_id(app_id, now_ms)
                .map_err(|e| anyhow::anyhow!("--app-id: {e}"))?;
            print!("{}", crate::discord::invite::invite_text(app_id));
            Ok(0)
        }
        Command::Tickets {
            change: Some(change),
            db,
            config,
            ..
        } => ticket_change(db, &config, change).await,
        Command::Tickets {
            change: None,
            db,
            config,
            open,
            closed,
            since,
        } => {
            let status = match (open, closed) {
                (true, _) => Some("open".to_string()),
                (_, true) => Some("closed".to_string()),
                _ => None,
            };
            tickets(db, &config, status, since).await
        }
        Command::User { action, db, config } => user(action, db, &config).await,
    }
}

async fn replay(
    file: &Path,
    config_path: &Path,
    db: Option<String>,
    json: bool,
) -> anyhow::Result<i32> {
    let config = load_config(config_path)?;
    let db = db.unwrap_or_else(|| {
        eprintln!(
            "replay: using a throwaway in-memory store (the config's store {} is not touched; \
             pass --db FILE to keep state and audit)",
            config.storage_path
        );
        ":memory:".to_string()
    });
    let replies = crate::app::replies(&config)?;
    let store = Store::open(&db).await?;
    let mut engine = Engine::start(config.policy(), replies, store.clone(), Source::Replay).await?;
    let reader = TranscriptReader::new(&config.brand_names());
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    crate::replay::run(
        &mut engine,
        &reader,
        file,
        json,
        &mut stdout.lock(),
        &mut stderr.lock(),
    )
    .await?;
    store.flush().await?;
    store.close().await;
    Ok(0)
}

fn init(dir: &Path, answers: &crate::init::Answers, force: bool) -> anyhow::Result<i32> {
    let config_path = crate::init::write(dir, answers, force)?;
    println!(
        "Wrote {} and {} ({} files).",
        config_path.display(),
        dir.join("templates").display(),
        crate::init::TEMPLATES.len()
    );
    let code = check(&config_path)?;
    if code != 0 {
        return Ok(code);
    }
    let c = config_path.display();
    println!(
        "\nNext:\n  \
         shopkeep preview --config {c} --message \"where can I buy …?\"   # what it would say\n  \
         shopkeep invite --app-id <Application ID>   # add the bot to your server\n  \
         DISCORD_TOKEN=… shopkeep run --config {c}   # starts in shadow mode: read `shopkeep audit` for a week"
    );
    Ok(0)
}

fn check(config_path: &Path) -> anyhow::Result<i32> {
    let config = match config::load(config_path) {
        Ok(c) => c,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(1);
        }
    };
    let problems = crate::app::check_templates(&config);
    if problems.is_empty() {
        println!(
            "{}: ok ({} catalogue categories, templates in {})",
            config_path.display(),
            config.catalogue.len(),
            config.templates_dir.display()
        );
        println!(
            "mode: {}",
            match config.mode {
                crate::core::policy::Mode::Live => "live (replies are posted)",
                crate::core::policy::Mode::Shadow =>
                    "shadow (public replies are recorded, not posted; DMs and hand-offs are real)",
            }
        );
        for warning in crate::app::template_warnings(&config) {
            println!("warning: {warning}");
        }
        match &config.encoder {
            Some(e) => println!(
                "detector: rules + learned layer + encoder (sha256 {})",
                e.sha256
            ),
            None => println!("detector: no encoder (second stage off)"),
        }
        Ok(0)
    } else {
        for p in &problems {
            eprintln!("{p}");
        }
        eprintln!("{} problem(s) found", problems.len());
        Ok(1)
    }
}

/// Open an existing store for reading records.
async fn existing_store(db: Option<String>, config: &Path) -> anyhow::Result<Store> {
    let db = db_path(db, config)?;
    if db != ":memory:" && !Path::new(&db).exists() {
        anyhow::bail!(
            "no store at {db}: run `shopkeep run` (or `shopkeep replay FILE --db {db}`) first, or pass --db"
        );
    }
    Store::open(&db).await
}

fn since_arg(since: Option<String>) -> anyhow::Result<Option<chrono::DateTime<chrono::Utc>>> {
    since
        .map(|s| {
            config::parse_duration(&s)
                .map(|d| chrono::Utc::now() - d)
                .map_err(|e| anyhow::anyhow!("--since {e}"))
        })
        .transpose()
}

async fn tickets(
    db: Option<String>,
    config: &Path,
    status: Option<String>,
    since: Option<String>,
) -> anyhow::Result<i32> {
    let since = since_arg(since)?;
    let store = existing_store(db, config).await?;
    let list = store.tickets(&TicketFilter { status, since }).await?;
    let mut out = std::io::stdout().lock();
    crate::views::write_tickets(&list, chrono::Utc::now(), &mut out)?;
    Ok(0)
}

async fn ticket_change(
    db: Option<String>,
    config_path: &Path,
    change: TicketChange,
) -> anyhow::Result<i32> {
    let config = load_config(config_path)?;
    let path = db.clone().unwrap_or_else(|| config.storage_path.clone());
    let store = existing_store(db, config_path).await?;
    let now = chrono::Utc::now();
    let said = match change {
        TicketChange::Close { id, message, by } => {
            let brand = &config.brand.name;
            crate::ticket_commands::close(&store, &path, brand, id, &by, message.as_deref(), now)
                .await?
        }
        TicketChange::Reassign { id, to } => {
            crate::ticket_commands::reassign(&store, &path, id, &to, now).await?
        }
    };
    store.close().await;
    println!("{said}");
    Ok(0)
}

async fn forget(user_id: &str, db: Option<String>, config: &Path) -> anyhow::Result<i32> {
    let user_id = user_id.trim();
    if user_id.is_empty() {
        anyhow::bail!("USER_ID is empty: give the person's Discord user id");
    }
    let store = existing_store(db, config).await?;
    let f = store.forget_user(user_id).await?;
    store.close().await;
    let found =
        f.audit_records + f.tickets + f.relayed_messages + f.marks + f.mentions + f.sessions;
    if found == 0 {
        println!("Nothing stored names or quotes {user_id}.");
    } else {
        println!(
            "Forgot {user_id}: {} audit record(s) (name, reply text, cue words), {} ticket(s) \
             (name, closing message), {} relayed message(s), {} staff mark(s), {} mention(s) in \
             other records, {} staff-page session(s) ended.",
            f.audit_records, f.tickets, f.relayed_messages, f.marks, f.mentions, f.sessions
        );
    }
    if f.kept_opt_out {
        println!("Kept: their opt-out, so the bot still does not answer them.");
    }
    Ok(0)
}

async fn user(action: UserAction, db: Option<String>, config: &Path) -> anyhow::Result<i32> {
    let store = Store::open(&db_path(db, config)?).await?;
    match action {
        UserAction::Add { name, editor } => {
            let name = name.trim().to_string();
            if name.is_empty() || name.chars().any(char::is_whitespace) {
                anyhow::bail!("NAME must be one word (the name typed at the login)");
            }
            use std::io::IsTerminal;
            if std::io::stdin().is_terminal() {
                eprint!("Password for {name} (shown as you type; pipe it in to keep it off the screen): ");
            }
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| {
                anyhow::anyhow!("cannot read the password from standard input: {e}")
            })?;
            let password = line.trim_end_matches(['\r', '\n']);
            if password.chars().count() < 10 {
                anyhow::bail!("the password must be at least 10 characters");
            }
            let hash = crate::web::auth::hash_password(password)?;
            let new = store
                .put_user(&name, &hash, editor, chrono::Utc::now())
                .await?;
            println!(
                "{} {name}{}: they can log in to the staff page once the bot runs with [http].",
                if new { "Added" } else { "New password for" },
                if editor { " (may edit templates)" } else { "" }
            );
        }
        UserAction::Remove { name } => {
            if store.remove_user(&name).await? {
                println!("Removed {name} and ended their sessions.");
            } else {
                println!("No account named {name}.");
            }
        }
        UserAction::List => {
            let names = store.user_names().await?;
            if names.is_empty() {
                println!("No accounts. Add one: shopkeep user add NAME");
            }
            for n in names {
                println!("{n}");
            }
        }
    }
    store.close().await;
    Ok(0)
}

async fn audit(
    db: Option<String>,
    config: &Path,
    since: Option<String>,
    csv: bool,
    missed: bool,
) -> anyhow::Result<i32> {
    let since = since_arg(since)?;
    let store = existing_store(db, config).await?;
    let records = store.audit(&AuditFilter { since, missed }).await?;
    let mut out = std::io::stdout().lock();
    if csv {
        crate::views::write_csv(&records, &mut out)?;
    } else {
        crate::views::write_text(&records, &mut out)?;
    }
    out.flush().context("cannot write the audit")?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_command() -> Command {
        Command::Run {
            config: PathBuf::from(config::DEFAULT_PATH),
            shards: None,
        }
    }

    #[test]
    fn run_logs_its_life_events_by_default_and_one_shot_commands_only_warnings() {
        assert_eq!(
            log_directives(None, None, &run_command()),
            "warn,shopkeep=info"
        );
        let check = Command::Check {
            config: PathBuf::from(config::DEFAULT_PATH),
        };
        assert_eq!(log_directives(None, Some(" ".into()), &check), "warn");
    }

    #[test]
    fn shopkeep_log_wins_over_rust_log_which_the_docs_also_name() {
        let both = log_directives(
            Some("shopkeep=debug".into()),
            Some("trace".into()),
            &run_command(),
        );
        assert_eq!(both, "shopkeep=debug");
        let rust = log_directives(None, Some("shopkeep=debug".into()), &run_command());
        assert_eq!(rust, "shopkeep=debug");
    }
}
