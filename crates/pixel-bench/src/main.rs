//! `pixel-bench`: `seed` builds the social data set in an empty database; `load` measures a server
//! running on it (`tests/bench/social.sh` runs both on PostgreSQL and SQLite beside pgbench); `export`
//! measures the library export's memory on it (`tests/bench/export.sh`).

use clap::{Args, Parser, Subcommand};
use pixel_bench::load::{self, Scenario};
use pixel_bench::seed::{self, Scale};
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "pixel-bench",
    about = "Seed a social data set; measure a server on it"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct ScaleArgs {
    #[arg(long, default_value_t = 100_000)]
    users: u64,
    #[arg(long, default_value_t = 1_000_000)]
    images: u64,
    #[arg(long, default_value_t = 10_000_000)]
    likes: u64,
    /// Users given a bearer token for load clients.
    #[arg(long, default_value_t = 1_000)]
    tokens: u64,
    #[arg(long, default_value_t = 60)]
    days: u64,
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

impl From<ScaleArgs> for Scale {
    fn from(a: ScaleArgs) -> Scale {
        Scale {
            users: a.users,
            images: a.images,
            likes: a.likes,
            tokens: a.tokens,
            days: a.days,
            seed: a.seed,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the data set in an empty database (`sqlite://...` or `postgres://...`).
    Seed {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[command(flatten)]
        scale: ScaleArgs,
    },
    /// Measure a server on a database seeded with the same scale and seed.
    Load {
        /// The server's origin, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        base: String,
        #[command(flatten)]
        scale: ScaleArgs,
        #[arg(long, value_enum)]
        scenario: Vec<Scenario>,
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        /// Pages of a list each client scrolls before starting over as another user.
        #[arg(long, default_value_t = 1)]
        pages: u32,
    },
    /// Time one seeded user's library reads (pages under each filter, select all matching).
    Library {
        /// A database seeded by `seed`.
        #[arg(long)]
        database_url: String,
        /// Where the media store lives (the reads touch no file).
        #[arg(long)]
        media_dir: std::path::PathBuf,
        /// The seeded user whose library is read.
        #[arg(long, default_value_t = 0)]
        user: u64,
        /// Calls of each page read (a fifth as many of each select-all).
        #[arg(long, default_value_t = 100)]
        calls: usize,
    },
    /// Export one seeded user's whole library (every image being `--png`) and report its peak memory.
    Export {
        /// A SQLite database seeded by `seed`.
        #[arg(long)]
        database_url: String,
        /// Where the media store lives.
        #[arg(long)]
        media_dir: std::path::PathBuf,
        /// The PNG every image of the library is.
        #[arg(long)]
        png: std::path::PathBuf,
        /// The seeded user whose library is exported.
        #[arg(long, default_value_t = 0)]
        user: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Seed {
            database_url,
            scale,
        } => {
            let scale = Scale::from(scale);
            eprintln!("seeding {database_url}: {scale:?}");
            let report = seed::seed(&database_url, &scale, |line| eprintln!("  {line}")).await?;
            println!("{}", serde_json::to_string(&report)?);
        }
        Command::Load {
            base,
            scale,
            scenario,
            clients,
            seconds,
            pages,
        } => {
            let drive = load::Drive {
                clients,
                duration: Duration::from_secs(seconds),
                pages,
            };
            let scale = Scale::from(scale);
            let scenarios = if scenario.is_empty() {
                Scenario::ALL.to_vec()
            } else {
                scenario
            };
            for s in scenarios {
                let r = load::run(&base, &scale, s, &drive).await?;
                eprintln!(
                    "{:<18} {:>8.1} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.1} ms  errors {}  items/answer {:.1}",
                    format!("{:?}", r.scenario),
                    r.requests_per_second,
                    r.p50_ms,
                    r.p99_ms,
                    r.max_ms,
                    r.errors,
                    r.items_per_answer
                );
                println!("{}", serde_json::to_string(&r)?);
            }
        }
        Command::Library {
            database_url,
            media_dir,
            user,
            calls,
        } => {
            let report =
                pixel_bench::library::run(&database_url, &media_dir, &seed::user_id(user), calls)
                    .await?;
            println!("{}", serde_json::to_string(&report)?);
        }
        Command::Export {
            database_url,
            media_dir,
            png,
            user,
        } => {
            let report =
                pixel_bench::export::run(&database_url, &media_dir, &png, &seed::user_id(user))
                    .await?;
            println!("{}", serde_json::to_string(&report)?);
        }
    }
    Ok(())
}
