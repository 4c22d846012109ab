//! `pixel-studio-server providers check`: what each configured provider serves today, in words, and
//! an exit status a scheduled job can alert on.

use pixel_core::provider_check::{check_providers, CheckOptions, Verdict};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, clap::Subcommand)]
pub enum ProvidersCommand {
    /// Ask every configured provider whether it answers and still serves the catalogue's models: its
    /// models list where it has one, otherwise one image of its cheapest model (which is billed).
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Only this provider (`openai`, `stability`, `bfl`, ...).
    #[arg(long)]
    pub provider: Option<String>,
    /// Never make an image: providers without a models list are only checked for reachability.
    #[arg(long, conflicts_with = "every_model")]
    pub no_images: bool,
    /// Make one image of every model of a provider without a models list, not only the cheapest.
    #[arg(long)]
    pub every_model: bool,
    /// Longest one call may take, in seconds.
    #[arg(long, default_value_t = 180)]
    pub timeout: u64,
}

/// Runs the check and prints one block per provider; fails when a configured provider does not work.
pub async fn run(config: &crate::Config, args: &CheckArgs) -> ExitCode {
    let catalogue = match crate::catalogue(config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    // Built from the configuration alone, without the database: the check runs beside a live server.
    let providers = pixel_providers::build(&crate::providers_config(config));
    if let Some(id) = &args.provider {
        if !providers.iter().any(|p| p.id() == id) {
            let known: Vec<&str> = providers.iter().map(|p| p.id()).collect();
            eprintln!(
                "error: there is no provider '{id}'; the providers are {}",
                known.join(", ")
            );
            return ExitCode::from(2);
        }
    }
    let options = CheckOptions {
        provider: args.provider.clone(),
        make_images: !args.no_images,
        every_model: args.every_model,
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    let reports = check_providers(&catalogue, &providers, &options).await;
    let mut failed = false;
    let mut unconfigured = vec![];
    for report in &reports {
        let verdict = match report.verdict {
            Verdict::NotConfigured => {
                unconfigured.push(report.name.as_str());
                continue;
            }
            Verdict::Works => "works",
            Verdict::Problems => "PROBLEMS",
        };
        println!("{} ({}): {verdict}", report.name, report.id);
        for line in &report.lines {
            println!("  - {line}");
        }
        failed |= report.verdict == Verdict::Problems;
    }
    if unconfigured.len() == reports.len() {
        println!(
            "No provider is configured: set a key (OPENAI_API_KEY, STABILITY_API_KEY, ...) or a local \
             engine's URL (see the README). The built-in offline renderer needs neither."
        );
    } else if !unconfigured.is_empty() {
        println!("Not configured: {}", unconfigured.join(", "));
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
