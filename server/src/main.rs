//! `rounds`: serve the app, seed demo data.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use leptos::config::get_configuration;
use server::app_state::AppState;
use server::config::Settings;
use server::seed::{self, SeedOptions};
use tracing_subscriber::EnvFilter;

/// mimalloc instead of glibc malloc: under the feed load, glibc's malloc/free family
/// (`_int_malloc`, `unlink_chunk`, `malloc_consolidate`, …) took a large share of the
/// server's CPU, most of it inside SurrealDB's query execution (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rounds — the open social network for healthcare professionals, patients and organizations.
#[derive(Parser)]
#[command(name = "rounds", version, about, long_about = None)]
struct Cli {
    /// Configuration file (the `[rounds]` table and the Leptos section).
    #[arg(
        long,
        global = true,
        default_value = "Leptos.toml",
        env = "ROUNDS_CONFIG"
    )]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (the default). Applies pending migrations first.
    Serve {
        /// Load the synthetic demo data set when the database has no members yet.
        #[arg(long, env = "ROUNDS_DEMO")]
        demo: bool,
    },
    /// Fill the database with synthetic, deterministic demo data.
    Seed {
        /// How many synthetic members (60% professionals, 30% patients, 10% organizations).
        #[arg(long, default_value_t = 1000)]
        members: usize,
        /// How many posts (with communities, comments and reactions); scales to 1,000,000.
        #[arg(long, default_value_t = 3000)]
        posts: usize,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Add communities, posts, comments and reactions to an already seeded database.
    SeedPosts {
        #[arg(long, default_value_t = 3000)]
        posts: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Prepare the feed load test (bench/feed): members with sessions, follows and
    /// connections; prints a Lua table of tokens, cursors and post ids for wrk.
    BenchFeedPrep {
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 500)]
        follows: usize,
        #[arg(long, default_value_t = 200)]
        connections: usize,
        #[arg(long, default_value_t = 11)]
        seed: u64,
    },
    /// Grant or revoke site roles.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Read UTF-8 text on stdin and print one JSON line per likely patient identifier:
    /// {"kind":…,"start":…,"end":…,"text":…} with byte offsets into the input.
    PhiCheck,
    /// Print how many members and posts the database holds ("members posts").
    BenchCount,
    /// bench/crash's write load: `writers` members post, comment, react, follow, join and
    /// report until killed (or `seconds` pass), journaling each acknowledged write.
    CrashLoad {
        #[arg(long)]
        journal: PathBuf,
        #[arg(long, default_value_t = 16)]
        writers: usize,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// bench/crash's check after a restart: every journaled write is stored and every
    /// counter equals what it counts; prints one JSON line (with how long opening took).
    CrashVerify {
        #[arg(long)]
        journal: PathBuf,
        /// Check the journal's writes from this line on (the previous check's "lines");
        /// the invariants are always checked over the whole store.
        #[arg(long, default_value_t = 0)]
        since: usize,
    },
    /// Serve a static page of `bytes` bytes with a bare axum handler (bench/feed baseline).
    BenchBaseline {
        #[arg(long)]
        addr: std::net::SocketAddr,
        #[arg(long)]
        bytes: usize,
    },
    /// Measure graph query latency (degree, mutuals, people you may know, followers page)
    /// on the configured database; prints one JSON line. Used by bench/graph.
    BenchGraph {
        /// How many random members (and pairs) to measure.
        #[arg(long, default_value_t = 300)]
        samples: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Give a member a site role (audited).
    Grant {
        #[arg(long)]
        handle: String,
        /// moderator or admin
        #[arg(long)]
        role: String,
    },
    /// Take a site role away (audited).
    Revoke {
        #[arg(long)]
        handle: String,
        #[arg(long)]
        role: String,
    },
}

/// `rounds phi-check`: needs no database.
fn phi_check() -> Result<(), String> {
    use std::io::{Read, Write};
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("stdin is not UTF-8 text: {e}"))?;
    #[derive(serde::Serialize)]
    struct Line<'a> {
        kind: &'a str,
        start: usize,
        end: usize,
        text: &'a str,
    }
    let mut out = std::io::stdout().lock();
    for f in app::domain::phi::scan(&text) {
        let line = serde_json::to_string(&Line {
            kind: f.kind.as_str(),
            start: f.start,
            end: f.end,
            text: &f.text,
        })
        .map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    Ok(())
}

async fn admin(db: &app::db::Db, action: AdminAction) -> Result<(), String> {
    use app::domain::verification::{SiteRole, set_role};
    let (handle, role, on) = match action {
        AdminAction::Grant { handle, role } => (handle, role, true),
        AdminAction::Revoke { handle, role } => (handle, role, false),
    };
    let site_role = SiteRole::parse(&role)
        .ok_or_else(|| format!("--role must be moderator or admin, got {role:?}"))?;
    set_role(db, &handle, site_role, on)
        .await
        .map_err(|e| match e {
            app::domain::verification::VerificationError::NotFound => {
                format!("no member with handle {handle:?}")
            }
            other => other.to_string(),
        })?;
    println!(
        "{} {role} {} @{handle}",
        if on { "granted" } else { "revoked" },
        if on { "to" } else { "from" }
    );
    Ok(())
}

/// Stack size of the runtime's threads. The embedded SurrealDB executes queries on the
/// request's own thread, and its planner and executor recurse deeply (a `FOR` inside an
/// `IF` inside a transaction); the `surreal` server itself runs its runtime with 10 MiB
/// (20 MiB in debug builds), and so does Rounds.
const RUNTIME_STACK: usize = if cfg!(debug_assertions) {
    20 * 1024 * 1024
} else {
    10 * 1024 * 1024
};

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(RUNTIME_STACK)
        .build()
        .expect("the tokio runtime starts");
    runtime.block_on(start());
}

async fn start() {
    // Logs go to stderr: stdout carries the output of commands such as bench-feed-prep.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,surrealdb=warn")),
        )
        .init();
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("rounds: {e}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    if matches!(cli.command, Some(Command::PhiCheck)) {
        return phi_check();
    }
    let started = Instant::now();
    let settings = Settings::load(&cli.config).map_err(|e| e.to_string())?;
    let db = app::db::open(&settings.db_url, settings.credentials())
        .await
        .map_err(|e| e.to_string())?;
    let opened = started.elapsed();
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Seed {
            members,
            posts,
            seed,
        } => {
            let started = Instant::now();
            let report = seed::run(
                &db,
                SeedOptions {
                    members,
                    posts,
                    seed,
                },
            )
            .await?;
            println!(
                "{{\"seeded_members\":{},\"connections\":{},\"pending\":{},\"follows\":{},\"posts\":{},\"comments\":{},\"reactions\":{},\"communities\":{},\"seconds\":{:.1}}}",
                report.members,
                report.connections,
                report.pending,
                report.follows,
                report.content.posts,
                report.content.comments,
                report.content.reactions,
                report.content.communities,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::SeedPosts { posts, seed } => {
            let started = Instant::now();
            let c = seed::content(&db, posts, seed).await?;
            println!(
                "{{\"posts\":{},\"comments\":{},\"reactions\":{},\"communities\":{},\"memberships\":{},\"seconds\":{:.1}}}",
                c.posts,
                c.comments,
                c.reactions,
                c.communities,
                c.memberships,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::BenchFeedPrep {
            clients,
            follows,
            connections,
            seed,
        } => {
            let lua = server::bench::feed_prep(&db, clients, follows, connections, seed).await?;
            print!("{lua}");
            Ok(())
        }
        Command::PhiCheck => phi_check(),
        Command::Admin { action } => admin(&db, action).await,
        Command::BenchCount => {
            let mut res = db
                .query("RETURN count(SELECT id FROM member); RETURN count(SELECT id FROM post);")
                .await
                .map_err(|e| e.to_string())?;
            let m: Option<i64> = res.take(0).map_err(|e| e.to_string())?;
            let p: Option<i64> = res.take(1).map_err(|e| e.to_string())?;
            println!("{} {}", m.unwrap_or(0), p.unwrap_or(0));
            Ok(())
        }
        Command::CrashLoad {
            journal,
            writers,
            seconds,
            seed,
        } => server::crash::load(&db, &journal, writers, Duration::from_secs(seconds), seed).await,
        Command::CrashVerify { journal, since } => {
            let verdict = server::crash::verify(&db, &journal, since).await?;
            println!(
                "{}",
                server::crash::verdict_json(&verdict, opened.as_millis())
            );
            Ok(())
        }
        Command::BenchBaseline { addr, bytes } => server::bench::baseline(addr, bytes).await,
        Command::BenchGraph { samples, seed } => {
            let report = server::bench::graph(&db, samples, seed).await?;
            println!("{report}");
            Ok(())
        }
        Command::Serve { demo } => {
            if demo && let Some(report) = seed::demo_if_empty(&db).await? {
                tracing::info!(members = report.members, "loaded demo data");
            }
            serve(&cli.config, settings, db).await
        }
    }
}

async fn serve(
    config: &std::path::Path,
    settings: Settings,
    db: app::db::Db,
) -> Result<(), String> {
    let conf_path = config.to_string_lossy().to_string();
    let conf = get_configuration(config.exists().then_some(conf_path.as_str()))
        .map_err(|e| e.to_string())?;
    let options = conf.leptos_options;
    let addr = settings.addr.unwrap_or(options.site_addr);
    let state = AppState::new(
        options,
        db.clone(),
        settings.auth.clone(),
        app::db::is_remote(&settings.db_url),
    );
    state.health.watch(db.clone());
    let router = server::router::build(state);

    // Expired sessions and rate-limit windows are purged in the background.
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = app::domain::sessions::purge_expired(&db).await {
                tracing::warn!(%e, "purging expired sessions failed");
            }
        }
    });

    let listener = server::listener::bind(addr).await?;
    tracing::info!("Rounds is listening on http://{addr}");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string())?;
    tracing::info!("Rounds stopped: every request in flight was answered");
    Ok(())
}

/// Ctrl-C or SIGTERM (what `kill`, systemd, Kubernetes and most supervisors send): either
/// stops accepting connections and lets the requests in flight finish before exiting.
async fn shutdown_signal() {
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(%e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
