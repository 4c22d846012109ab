//! Pixel Studio server: wires the core to its adapters from configuration and serves it over HTTP.

pub mod auth;
pub mod cli;
pub mod config;
pub mod export;
pub mod guard;
pub mod http;
pub mod limits;
pub mod live;
pub mod media;
pub mod open_files;
pub mod openapi;
pub mod payments;
pub mod printful;
pub mod providers_check;
pub mod public_pages;
pub mod share;

use pixel_app::{wire, Wired, Wiring};
use pixel_core::app::{AppConfig, ChargePolicy};
use pixel_core::ports::{Clock, SystemClock};
use pixel_core::App;
use pixel_infra::LocalBlobStore;
use pixel_providers::ProvidersConfig;
use std::sync::Arc;

pub use config::Config;

/// Everything a running node holds.
pub struct Node {
    pub app: App,
    pub blobs: Arc<LocalBlobStore>,
    pub registry: Arc<pixel_core::registry::Registry>,
    /// The local owner in single-owner mode; anonymous when people sign in.
    pub owner: pixel_core::Caller,
    pub auth: auth::Auth,
    /// The Host and Origin names requests must carry.
    pub hosts: guard::HostPolicy,
    /// Per-caller operation limits; none in single-owner mode, which serves one person.
    pub limits: Option<limits::OperationLimits>,
    pub config: Config,
    /// Stripe Checkout and its webhook, when the server sells credits.
    pub stripe: Option<Arc<payments::StripePayments>>,
    /// Printful and its webhook, when the server sells prints.
    pub printful: Option<Arc<printful::Printful>>,
    /// Live event streams: how many are open, frames and writes sent.
    pub live: live::LiveStats,
    /// Flips to true when the node starts stopping, so long-lived connections (WebSockets) close and
    /// the graceful shutdown is not held open by a browser tab.
    pub stopping: tokio::sync::watch::Sender<bool>,
    /// The exclusive lock on an SQLite data dir, held while the node lives.
    _data_dir_lock: Option<std::fs::File>,
}

/// Takes the data dir for this process: an SQLite node owns every running job's lease on start-up, so a
/// second process on the same dir (the `generate` command beside a running server) would steal them.
fn lock_data_dir(config: &Config) -> anyhow::Result<Option<std::fs::File>> {
    if !config.database_url().starts_with("sqlite:") {
        return Ok(None);
    }
    let path = config.data_dir.join("pixel-studio.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another Pixel Studio process is using the data dir {}: stop it, or run `generate --server \
             http://<its address>` to generate through it",
            config.data_dir.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            anyhow::bail!("cannot lock {}: {e}", path.display())
        }
    }
}

/// The providers' keys, endpoints and timeouts from the server's configuration.
pub fn providers_config(config: &Config) -> ProvidersConfig {
    let mut providers_config = ProvidersConfig {
        openai_api_key: config.openai_api_key.clone(),
        http_timeout: config.provider_timeout,
        ..Default::default()
    };
    if let Some(url) = &config.openai_base_url {
        providers_config.openai_base_url = url.clone();
    }
    providers_config.stability_api_key = config.stability_api_key.clone();
    providers_config.bfl_api_key = config.bfl_api_key.clone();
    providers_config.ideogram_api_key = config.ideogram_api_key.clone();
    providers_config.together_api_key = config.together_api_key.clone();
    providers_config.huggingface_api_key = config.huggingface_api_key.clone();
    providers_config.fal_api_key = config.fal_api_key.clone();
    providers_config.replicate_api_token = config.replicate_api_token.clone();
    providers_config.runway_api_key = config.runway_api_key.clone();
    providers_config.luma_api_key = config.luma_api_key.clone();
    providers_config.a1111_url = config.a1111_url.clone();
    providers_config.a1111_auth = config.a1111_auth.clone();
    providers_config.openai_compat_base_url = config.openai_compat_base_url.clone();
    providers_config.openai_compat_api_key = config.openai_compat_api_key.clone();
    providers_config.openai_compat_model = config.openai_compat_model.clone();
    providers_config.comfyui_url = config.comfyui_url.clone();
    providers_config.comfyui_checkpoint = config.comfyui_checkpoint.clone();
    providers_config.comfyui_template = config.comfyui_template.clone();
    providers_config.tagger_base_url = config.tagger_url.clone();
    providers_config.tagger_api_key = config.tagger_api_key.clone();
    providers_config.tagger_model = config.tagger_model.clone();
    for (url, slot) in [
        (
            &config.stability_base_url,
            &mut providers_config.stability_base_url,
        ),
        (&config.bfl_base_url, &mut providers_config.bfl_base_url),
        (
            &config.ideogram_base_url,
            &mut providers_config.ideogram_base_url,
        ),
        (
            &config.together_base_url,
            &mut providers_config.together_base_url,
        ),
        (
            &config.huggingface_base_url,
            &mut providers_config.huggingface_base_url,
        ),
        (&config.fal_base_url, &mut providers_config.fal_base_url),
        (
            &config.replicate_base_url,
            &mut providers_config.replicate_base_url,
        ),
        (
            &config.runway_base_url,
            &mut providers_config.runway_base_url,
        ),
        (&config.luma_base_url, &mut providers_config.luma_base_url),
    ] {
        if let Some(url) = url {
            *slot = url.clone();
        }
    }
    // Polling ends with the attempt: the runner's per-attempt timeout bounds it as well.
    providers_config.polling = pixel_providers::bfl::Polling {
        interval: config.poll_interval,
        deadline: config.provider_timeout,
        ..Default::default()
    };
    providers_config
}

/// The built-in catalogue with the operator's model settings applied.
pub fn catalogue(config: &Config) -> anyhow::Result<pixel_core::catalogue::Catalogue> {
    pixel_core::catalogue::Catalogue::builtin()
        .with_overrides(&config.model_overrides)
        .map_err(|e| anyhow::anyhow!("model settings: {}", e.message))
}

/// Creates the data dir, opens and migrates the database, and wires every port.
pub async fn build_node(config: &Config) -> anyhow::Result<Node> {
    build_node_with_clock(config, Arc::new(SystemClock)).await
}

/// [`build_node`] on a given clock (tests move a manual one past an expiry instead of waiting).
pub async fn build_node_with_clock(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Node> {
    if config.sign_in_enabled() && !config.charging && config.allowed_emails.is_empty() {
        anyhow::bail!(
            "sign-in is on and charging is off, so any Google account could spend this server's provider keys: \
             set PIXEL_ALLOWED_EMAILS (emails, or @domain for a whole domain) or PIXEL_CHARGING=on"
        );
    }
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create the data dir {}: {e}",
            config.data_dir.display()
        )
    })?;
    let data_dir_lock = lock_data_dir(config)?;
    let mut wiring = Wiring::new(config.database_url(), config.data_dir.join("media"));
    wiring.config = AppConfig {
        charging: if config.charging {
            ChargePolicy::Charge
        } else {
            ChargePolicy::Free
        },
        starting_credits: config.starting_credits,
        engagement: config.engagement,
        workers: config.workers,
        lease: config.lease,
        max_attempts: config.max_attempts,
        retry_base: config.retry_base,
        provider_timeout: config.provider_timeout,
        provider_concurrency: config.provider_concurrency.iter().cloned().collect(),
        session_ttl: config.session_ttl,
        token_ttl: config.token_ttl,
        trending_every: config.trending_every,
        balance_check_every: config.balance_check_every,
        credit_packs: config.credit_packs.clone(),
        payout_terms: config.payout_terms,
        public_url: config.public_url.clone(),
        ..AppConfig::default()
    };
    wiring.catalogue = catalogue(config)?;
    wiring.providers = providers_config(config);
    wiring.clock = clock;
    let Wired { app, blobs } = wire(wiring).await?;
    let auth = auth::Auth::from_config(config);
    let stripe = payments::stripe(config, &auth.public_origin)?;
    if let Some(stripe) = &stripe {
        app.set_payments(stripe.clone());
    }
    let printful = match &config.printful_api_key {
        Some(key) => {
            let base = config
                .printful_base_url
                .as_deref()
                .unwrap_or(printful::PRINTFUL_API_BASE);
            let lab = Arc::new(printful::Printful::new(
                base,
                key,
                config.printful_webhook_secret.clone(),
                config.printful_products.clone(),
            )?);
            app.set_print_lab(lab.clone());
            Some(lab)
        }
        None => None,
    };
    let hosts = guard::HostPolicy::new(&auth.public_origin, &config.bind, &config.allowed_hosts);
    let owner = if config.sign_in_enabled() {
        pixel_core::Caller::Anonymous
    } else {
        app.ensure_local_owner().await?
    };
    Ok(Node {
        app,
        blobs,
        registry: Arc::new(pixel_core::registry::Registry::standard()),
        owner,
        auth,
        hosts,
        limits: config
            .sign_in_enabled()
            .then(|| limits::OperationLimits::new(config.rate_limits)),
        config: config.clone(),
        stripe,
        printful,
        live: live::LiveStats::default(),
        stopping: tokio::sync::watch::channel(false).0,
        _data_dir_lock: data_dir_lock,
    })
}
