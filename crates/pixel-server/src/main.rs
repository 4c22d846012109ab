//! `pixel-studio-server`: the headless Pixel Studio server and its command line.

use clap::Parser;
use pixel_server::cli::{Cli, Command};
use pixel_server::Config;
use std::sync::Arc;

fn init_logs(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal: log files and journald get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if config.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref(), &|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    init_logs(&config);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => pixel_server::build_node(&config).await.map(|_| {
            println!(
                "database is up to date ({})",
                redact(&config.database_url())
            );
        }),
        Command::Providers(pixel_server::providers_check::ProvidersCommand::Check(args)) => {
            return pixel_server::providers_check::run(&config, &args).await;
        }
        Command::Generate(args) => match &args.server {
            Some(server) => pixel_server::cli::generate_remote(server, &args).await,
            None => pixel_server::cli::generate_local(&config, &args).await,
        },
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
    let node = Arc::new(pixel_server::build_node(&config).await?);
    pixel_server::http::serve(node, listener, pixel_server::http::shutdown_signal()).await
}
