//! Server configuration: built-in defaults, then `pixel.toml`, then environment variables (highest).

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every setting, with the defaults a fresh machine runs on (documented in the README).
#[derive(Debug, Clone)]
pub struct Config {
    /// `PIXEL_BIND`: address to listen on.
    pub bind: String,
    /// `PIXEL_DATA_DIR`: database, media and logs live here.
    pub data_dir: PathBuf,
    /// `DATABASE_URL`: `sqlite://...` (default: `<data dir>/pixel.db`) or `postgres://...`.
    pub database_url: Option<String>,
    /// `PIXEL_UI_DIR`: the built web UI (`ui/dist`).
    pub ui_dir: PathBuf,
    /// `PIXEL_CHARGING`: `on` charges credits for generations, `off` (default, single owner) does not.
    pub charging: bool,
    /// `PIXEL_STARTING_CREDITS`: credits a new account starts with.
    pub starting_credits: i64,
    /// `PIXEL_ENGAGEMENT`: `on` (default) keeps daily login streaks and achievements, with their
    /// credits when charging; `off` for a server that wants neither.
    pub engagement: bool,
    /// `PIXEL_WORKERS`: concurrent generation jobs on this node.
    pub workers: usize,
    /// `PIXEL_PROVIDER_CONCURRENCY`: per-provider limits, e.g. `openai=8,local=2` (defaults: each
    /// provider's own, 4 for APIs and one per core for the offline renderer).
    pub provider_concurrency: Vec<(String, usize)>,
    /// `PIXEL_PROVIDER_TIMEOUT_SECS`: longest one provider call may take.
    pub provider_timeout: Duration,
    /// `PIXEL_RETRY_BASE_MS`: first retry delay (doubles per attempt).
    pub retry_base: Duration,
    /// `PIXEL_MAX_ATTEMPTS`: attempts per job before it fails and is refunded.
    pub max_attempts: u32,
    /// `PIXEL_LEASE_SECS`: how long a worker holds a job between heartbeats.
    pub lease: Duration,
    /// `PIXEL_TRENDING_EVERY_SECS`: how often trending images and creators are ranked again.
    pub trending_every: Duration,
    /// `PIXEL_BALANCE_CHECK_SECS`: how often the balances of providers with a low-balance warning
    /// are checked (each check is one request to each such provider).
    pub balance_check_every: Duration,
    /// `PIXEL_ALLOW_PUBLIC_OWNER`: serve single-owner mode on a non-loopback address (dangerous).
    pub allow_public_owner: bool,
    /// `OPENAI_API_KEY`, `OPENAI_BASE_URL`.
    pub openai_api_key: Option<String>,
    pub openai_base_url: Option<String>,
    /// `STABILITY_API_KEY`, `STABILITY_BASE_URL`.
    pub stability_api_key: Option<String>,
    pub stability_base_url: Option<String>,
    /// `BFL_API_KEY`, `BFL_BASE_URL` (Black Forest Labs).
    pub bfl_api_key: Option<String>,
    pub bfl_base_url: Option<String>,
    /// `IDEOGRAM_API_KEY`, `IDEOGRAM_BASE_URL`.
    pub ideogram_api_key: Option<String>,
    pub ideogram_base_url: Option<String>,
    /// `TOGETHER_API_KEY`, `TOGETHER_BASE_URL`.
    pub together_api_key: Option<String>,
    pub together_base_url: Option<String>,
    /// `HUGGINGFACE_API_KEY`, `HUGGINGFACE_BASE_URL`.
    pub huggingface_api_key: Option<String>,
    pub huggingface_base_url: Option<String>,
    /// `FAL_KEY`, `FAL_BASE_URL`.
    pub fal_api_key: Option<String>,
    pub fal_base_url: Option<String>,
    /// `REPLICATE_API_TOKEN`, `REPLICATE_BASE_URL`.
    pub replicate_api_token: Option<String>,
    pub replicate_base_url: Option<String>,
    /// `LUMAAI_API_KEY`, `LUMAAI_BASE_URL` (Luma Dream Machine video).
    pub luma_api_key: Option<String>,
    pub luma_base_url: Option<String>,
    /// `RUNWAY_API_KEY`, `RUNWAY_BASE_URL` (Runway video).
    pub runway_api_key: Option<String>,
    pub runway_base_url: Option<String>,
    /// `A1111_URL` (AUTOMATIC1111 started with `--api`), `A1111_AUTH` (`user:pass`, optional).
    pub a1111_url: Option<String>,
    pub a1111_auth: Option<String>,
    /// `OPENAI_COMPAT_BASE_URL` (any OpenAI-compatible images server), `OPENAI_COMPAT_API_KEY`
    /// (optional), `OPENAI_COMPAT_MODEL` (the model name the server knows).
    pub openai_compat_base_url: Option<String>,
    pub openai_compat_api_key: Option<String>,
    pub openai_compat_model: Option<String>,
    /// `COMFYUI_URL`, `COMFYUI_CHECKPOINT` (optional: the built-in workflow's checkpoint; default the
    /// first one ComfyUI lists), `COMFYUI_TEMPLATE` (optional: a path to an API-format workflow).
    pub comfyui_url: Option<String>,
    pub comfyui_checkpoint: Option<String>,
    pub comfyui_template: Option<String>,
    /// `PIXEL_TAGGER_URL`, `PIXEL_TAGGER_API_KEY`, `PIXEL_TAGGER_MODEL`: an OpenAI-compatible chat
    /// endpoint with image input that proposes tags (a local vision server). Unset: OpenAI when
    /// `OPENAI_API_KEY` is set, else tags drawn from the generation record.
    pub tagger_url: Option<String>,
    pub tagger_api_key: Option<String>,
    pub tagger_model: Option<String>,
    /// `PIXEL_POLL_INTERVAL_MS`: first delay between polls of an asynchronous provider's task (grows
    /// by half per poll up to 5 s).
    pub poll_interval: Duration,
    /// `PIXEL_LOG`: log filter (`info`, `pixel=debug` ...); `PIXEL_LOG_FORMAT=json` for JSON lines.
    pub log: String,
    pub log_json: bool,
    /// `GOOGLE_CLIENT_ID` / `GOOGLE_CLIENT_SECRET`: with both set the server signs people in (multi-user);
    /// without them it runs in single-owner mode.
    pub google_client_id: Option<String>,
    pub google_client_secret: Option<String>,
    /// `PIXEL_OIDC_ISSUER`: any OpenID Connect provider (Keycloak, Authentik ...); Google's by default.
    pub oidc_issuer: String,
    /// `PIXEL_PUBLIC_URL`: the address people reach this server at (callbacks, Secure cookies, Origin checks).
    pub public_url: Option<String>,
    /// `PIXEL_ADMIN_EMAILS`: comma-separated emails that get the admin role when they sign in.
    pub admin_emails: Vec<String>,
    /// `PIXEL_SESSION_TTL_SECS` / `PIXEL_TOKEN_TTL_SECS`: lifetime of browser sessions and bearer tokens.
    pub session_ttl: Duration,
    pub token_ttl: Duration,
    /// `PIXEL_AUTH_RATE_LIMIT`: sign-in attempts per client address per 15 minutes.
    pub auth_rate_limit: u32,
    /// `PIXEL_RATE_LIMITS`: operations per caller per minute where people sign in, by class
    /// (`generation=5,money=10,writes=30,reads=300` by default; name only the ones to change), or `off`.
    pub rate_limits: crate::limits::RateLimits,
    /// `PIXEL_DESKTOP_REDIRECT`: where desktop sign-ins end (the app's deep link).
    pub desktop_redirect: String,
    /// `PIXEL_ALLOWED_HOSTS`: more host names this server answers as, beside loopback, the bind
    /// address and `PIXEL_PUBLIC_URL`'s host (a request for any other Host is refused).
    pub allowed_hosts: Vec<String>,
    /// `PIXEL_TRUSTED_PROXIES`: addresses of reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `PIXEL_METRICS_TOKEN`: when set, `/metrics` needs `Authorization: Bearer <token>`; when not,
    /// only loopback clients may read it.
    pub metrics_token: Option<String>,
    /// `PIXEL_ALLOWED_EMAILS`: who may sign in: emails, and `@domain` for a whole domain. Required
    /// with sign-in when charging is off, or any Google account would spend the operator's keys.
    pub allowed_emails: Vec<String>,
    /// Changes to the built-in catalogue: `[models.<id>]` tables in `pixel.toml` (`enabled`,
    /// `credits`, `name`, `description`; `based_on` and `provider_model` add a model),
    /// `PIXEL_DISABLED_MODELS=id,id` and
    /// `PIXEL_MODEL_CREDITS=id=3,id=5` in the environment.
    pub model_overrides: std::collections::BTreeMap<String, pixel_core::catalogue::ModelOverride>,
    /// `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET` (both, or neither), and `STRIPE_API_BASE`
    /// (Stripe's own by default): with them and charging on, the server sells credit packs through
    /// Stripe Checkout; its webhook is `POST /api/payments/stripe`.
    pub stripe_secret_key: Option<String>,
    pub stripe_webhook_secret: Option<String>,
    pub stripe_api_base: Option<String>,
    /// `PRINTFUL_API_KEY` (a private token), `PRINTFUL_BASE_URL` (Printful's own by default) and
    /// `PRINTFUL_WEBHOOK_SECRET`: with them, Stripe and charging on, the server sells prints made by
    /// Printful; its webhook is `POST /api/prints/printful?token=<PRINTFUL_WEBHOOK_SECRET>`.
    pub printful_api_key: Option<String>,
    pub printful_base_url: Option<String>,
    pub printful_webhook_secret: Option<String>,
    /// `PRINTFUL_PRODUCTS`: which of Printful's catalogue products makes each print, `kind=id` pairs
    /// (default `poster=1,framed=2,canvas=3`: Enhanced Matte Paper Poster, its Framed Poster and
    /// Canvas, in inches). A kind left out is not sold; the size's variant is read from the catalogue.
    pub printful_products: Vec<(pixel_core::prints::PrintProduct, i64)>,
    /// `PIXEL_MAX_EVENT_STREAMS`: at most this many live event streams (WebSockets) at once. By
    /// default as many as the open-files limit (raised to its hard limit at start) allows while 256
    /// descriptors stay free for requests; past it a new stream is refused with 503, never silently.
    pub max_event_streams: Option<usize>,
    /// `PIXEL_PRINT_RETRY_SECS` (default 300): how often paid print orders the lab has not taken yet
    /// (it was down, or answered too late) are sent again.
    pub print_retry_every: Duration,
    /// `PIXEL_CREDIT_PACKS`: the packs for sale, `credits:cents` pairs (default `50:299,150:699,400:1499`).
    pub credit_packs: Vec<pixel_core::credits::CreditPack>,
    /// `PIXEL_PAYOUT_CENTS_PER_CREDIT` (default 3), `PIXEL_PAYOUT_MINIMUM_CREDITS` (default 500) and
    /// `PIXEL_PAYOUT_HOLD_DAYS` (default 14): what creators are paid for earned credits through Stripe
    /// Connect, from how many, and how long earnings wait first.
    pub payout_terms: pixel_core::payouts::PayoutTerms,
}

/// The `pixel.toml` file: the same keys in lower case, all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    ui_dir: Option<PathBuf>,
    charging: Option<bool>,
    starting_credits: Option<i64>,
    engagement: Option<bool>,
    workers: Option<usize>,
    provider_concurrency: Option<std::collections::BTreeMap<String, usize>>,
    models: Option<std::collections::BTreeMap<String, pixel_core::catalogue::ModelOverride>>,
    provider_timeout_secs: Option<u64>,
    retry_base_ms: Option<u64>,
    max_attempts: Option<u32>,
    lease_secs: Option<u64>,
    trending_every_secs: Option<u64>,
    balance_check_secs: Option<u64>,
    allow_public_owner: Option<bool>,
    openai_api_key: Option<String>,
    openai_base_url: Option<String>,
    stability_api_key: Option<String>,
    stability_base_url: Option<String>,
    bfl_api_key: Option<String>,
    bfl_base_url: Option<String>,
    ideogram_api_key: Option<String>,
    ideogram_base_url: Option<String>,
    together_api_key: Option<String>,
    together_base_url: Option<String>,
    huggingface_api_key: Option<String>,
    huggingface_base_url: Option<String>,
    fal_api_key: Option<String>,
    fal_base_url: Option<String>,
    replicate_api_token: Option<String>,
    replicate_base_url: Option<String>,
    runway_api_key: Option<String>,
    runway_base_url: Option<String>,
    luma_api_key: Option<String>,
    luma_base_url: Option<String>,
    a1111_url: Option<String>,
    a1111_auth: Option<String>,
    openai_compat_base_url: Option<String>,
    openai_compat_api_key: Option<String>,
    openai_compat_model: Option<String>,
    comfyui_url: Option<String>,
    comfyui_checkpoint: Option<String>,
    comfyui_template: Option<String>,
    tagger_url: Option<String>,
    tagger_api_key: Option<String>,
    tagger_model: Option<String>,
    poll_interval_ms: Option<u64>,
    log: Option<String>,
    log_format: Option<String>,
    google_client_id: Option<String>,
    google_client_secret: Option<String>,
    oidc_issuer: Option<String>,
    public_url: Option<String>,
    admin_emails: Option<Vec<String>>,
    session_ttl_secs: Option<u64>,
    token_ttl_secs: Option<u64>,
    auth_rate_limit: Option<u32>,
    rate_limits: Option<String>,
    desktop_redirect: Option<String>,
    allowed_hosts: Option<Vec<String>>,
    trusted_proxies: Option<Vec<String>>,
    metrics_token: Option<String>,
    allowed_emails: Option<Vec<String>>,
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("data")
}

fn default_ui_dir() -> PathBuf {
    // Next to the binary's workspace when run from a checkout; otherwise relative to the cwd.
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist");
    if checkout.exists() {
        checkout
    } else {
        PathBuf::from("ui/dist")
    }
}

pub const DEFAULT_OIDC_ISSUER: &str = "https://accounts.google.com";

fn email_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty())
        .collect()
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: default_data_dir(),
            database_url: None,
            ui_dir: default_ui_dir(),
            charging: false,
            starting_credits: 5,
            engagement: true,
            workers: 8,
            provider_concurrency: Vec::new(),
            provider_timeout: Duration::from_secs(180),
            retry_base: Duration::from_secs(2),
            max_attempts: 3,
            lease: Duration::from_secs(30),
            trending_every: Duration::from_secs(60),
            balance_check_every: Duration::from_secs(900),
            allow_public_owner: false,
            openai_api_key: None,
            openai_base_url: None,
            stability_api_key: None,
            stability_base_url: None,
            bfl_api_key: None,
            bfl_base_url: None,
            ideogram_api_key: None,
            ideogram_base_url: None,
            together_api_key: None,
            together_base_url: None,
            huggingface_api_key: None,
            huggingface_base_url: None,
            fal_api_key: None,
            fal_base_url: None,
            replicate_api_token: None,
            replicate_base_url: None,
            runway_api_key: None,
            runway_base_url: None,
            luma_api_key: None,
            luma_base_url: None,
            a1111_url: None,
            a1111_auth: None,
            openai_compat_base_url: None,
            openai_compat_api_key: None,
            openai_compat_model: None,
            comfyui_url: None,
            comfyui_checkpoint: None,
            comfyui_template: None,
            tagger_url: None,
            tagger_api_key: None,
            tagger_model: None,
            poll_interval: Duration::from_millis(500),
            log: "info".into(),
            log_json: false,
            google_client_id: None,
            google_client_secret: None,
            oidc_issuer: DEFAULT_OIDC_ISSUER.into(),
            public_url: None,
            admin_emails: Vec::new(),
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            token_ttl: Duration::from_secs(365 * 24 * 3600),
            auth_rate_limit: 10,
            rate_limits: Default::default(),
            desktop_redirect: "pixelstudio://auth/callback".into(),
            allowed_hosts: Vec::new(),
            trusted_proxies: Vec::new(),
            metrics_token: None,
            allowed_emails: Vec::new(),
            model_overrides: Default::default(),
            stripe_secret_key: None,
            printful_api_key: None,
            printful_base_url: None,
            printful_webhook_secret: None,
            printful_products: crate::printful::default_catalog(),
            print_retry_every: Duration::from_secs(300),
            max_event_streams: None,
            stripe_webhook_secret: None,
            stripe_api_base: None,
            credit_packs: pixel_core::credits::default_packs(),
            payout_terms: pixel_core::payouts::PayoutTerms::default(),
        }
    }
}

#[derive(Debug)]
pub enum ConfigError {
    Read(PathBuf, std::io::Error),
    Parse(PathBuf, String),
    Env(&'static str, String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Read(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            ConfigError::Parse(p, e) => write!(f, "invalid {}: {e}", p.display()),
            ConfigError::Env(k, v) => write!(f, "invalid value for {k}: '{v}'"),
        }
    }
}

impl std::error::Error for ConfigError {}

fn parse_ips(key: &'static str, v: &str) -> Result<Vec<std::net::IpAddr>, ConfigError> {
    email_list(v)
        .iter()
        .map(|ip| ip.parse().map_err(|_| ConfigError::Env(key, ip.clone())))
        .collect()
}

fn parse_bool(key: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" | "" => Ok(false),
        _ => Err(ConfigError::Env(key, v.to_string())),
    }
}

fn parse_num<T: std::str::FromStr>(key: &'static str, v: &str) -> Result<T, ConfigError> {
    v.trim()
        .parse()
        .map_err(|_| ConfigError::Env(key, v.to_string()))
}

impl Config {
    /// Whether people sign in (an identity provider is configured) rather than one owner using it all.
    pub fn sign_in_enabled(&self) -> bool {
        self.google_client_id.is_some() && self.google_client_secret.is_some()
    }

    /// Loads defaults, then the file (`path`, or `PIXEL_CONFIG`, or `./pixel.toml` if present), then env.
    pub fn load(
        path: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut c = Config::default();
        let file = path
            .map(Path::to_path_buf)
            .or_else(|| env("PIXEL_CONFIG").map(PathBuf::from))
            .or_else(|| {
                let p = PathBuf::from("pixel.toml");
                p.exists().then_some(p)
            });
        if let Some(file) = file {
            let text =
                std::fs::read_to_string(&file).map_err(|e| ConfigError::Read(file.clone(), e))?;
            let f: FileConfig = toml::from_str(&text)
                .map_err(|e| ConfigError::Parse(file.clone(), e.to_string()))?;
            c.apply_file(f)?;
        }
        c.apply_env(env)?;
        match (&c.google_client_id, &c.google_client_secret) {
            (Some(_), None) => {
                return Err(ConfigError::Env(
                    "GOOGLE_CLIENT_SECRET",
                    "(missing: GOOGLE_CLIENT_ID is set)".into(),
                ))
            }
            (None, Some(_)) => {
                return Err(ConfigError::Env(
                    "GOOGLE_CLIENT_ID",
                    "(missing: GOOGLE_CLIENT_SECRET is set)".into(),
                ))
            }
            _ => {}
        }
        match (&c.stripe_secret_key, &c.stripe_webhook_secret) {
            (Some(_), None) => {
                return Err(ConfigError::Env(
                    "STRIPE_WEBHOOK_SECRET",
                    "(missing: STRIPE_SECRET_KEY is set, and payments are credited only from verified webhooks)".into(),
                ))
            }
            (None, Some(_)) => {
                return Err(ConfigError::Env(
                    "STRIPE_SECRET_KEY",
                    "(missing: STRIPE_WEBHOOK_SECRET is set)".into(),
                ))
            }
            _ => {}
        }
        Ok(c)
    }

    fn apply_file(&mut self, f: FileConfig) -> Result<(), ConfigError> {
        if let Some(v) = f.bind {
            self.bind = v
        }
        if let Some(v) = f.data_dir {
            self.data_dir = v
        }
        if f.database_url.is_some() {
            self.database_url = f.database_url
        }
        if let Some(v) = f.ui_dir {
            self.ui_dir = v
        }
        if let Some(v) = f.charging {
            self.charging = v
        }
        if let Some(v) = f.engagement {
            self.engagement = v
        }
        if let Some(v) = f.starting_credits {
            self.starting_credits = v
        }
        if let Some(v) = f.workers {
            self.workers = v
        }
        if let Some(v) = f.provider_concurrency {
            self.provider_concurrency = v.into_iter().collect();
        }
        if let Some(v) = f.provider_timeout_secs {
            self.provider_timeout = Duration::from_secs(v)
        }
        if let Some(v) = f.retry_base_ms {
            self.retry_base = Duration::from_millis(v)
        }
        if let Some(v) = f.max_attempts {
            self.max_attempts = v
        }
        if let Some(v) = f.lease_secs {
            self.lease = Duration::from_secs(v)
        }
        if let Some(v) = f.trending_every_secs {
            self.trending_every = Duration::from_secs(v.max(1))
        }
        if let Some(v) = f.balance_check_secs {
            self.balance_check_every = Duration::from_secs(v.max(1))
        }
        if let Some(v) = f.allow_public_owner {
            self.allow_public_owner = v
        }
        if f.openai_api_key.is_some() {
            self.openai_api_key = f.openai_api_key
        }
        if f.openai_base_url.is_some() {
            self.openai_base_url = f.openai_base_url
        }
        for (value, slot) in [
            (f.stability_api_key, &mut self.stability_api_key),
            (f.stability_base_url, &mut self.stability_base_url),
            (f.bfl_api_key, &mut self.bfl_api_key),
            (f.bfl_base_url, &mut self.bfl_base_url),
            (f.ideogram_api_key, &mut self.ideogram_api_key),
            (f.ideogram_base_url, &mut self.ideogram_base_url),
            (f.together_api_key, &mut self.together_api_key),
            (f.together_base_url, &mut self.together_base_url),
            (f.huggingface_api_key, &mut self.huggingface_api_key),
            (f.huggingface_base_url, &mut self.huggingface_base_url),
            (f.fal_api_key, &mut self.fal_api_key),
            (f.fal_base_url, &mut self.fal_base_url),
            (f.replicate_api_token, &mut self.replicate_api_token),
            (f.replicate_base_url, &mut self.replicate_base_url),
            (f.runway_api_key, &mut self.runway_api_key),
            (f.runway_base_url, &mut self.runway_base_url),
            (f.luma_api_key, &mut self.luma_api_key),
            (f.luma_base_url, &mut self.luma_base_url),
            (f.a1111_url, &mut self.a1111_url),
            (f.a1111_auth, &mut self.a1111_auth),
            (f.openai_compat_base_url, &mut self.openai_compat_base_url),
            (f.openai_compat_api_key, &mut self.openai_compat_api_key),
            (f.openai_compat_model, &mut self.openai_compat_model),
            (f.comfyui_url, &mut self.comfyui_url),
            (f.comfyui_checkpoint, &mut self.comfyui_checkpoint),
            (f.comfyui_template, &mut self.comfyui_template),
            (f.tagger_url, &mut self.tagger_url),
            (f.tagger_api_key, &mut self.tagger_api_key),
            (f.tagger_model, &mut self.tagger_model),
        ] {
            if value.is_some() {
                *slot = value
            }
        }
        if let Some(v) = f.poll_interval_ms {
            self.poll_interval = Duration::from_millis(v)
        }
        if let Some(v) = f.log {
            self.log = v
        }
        if let Some(v) = f.log_format {
            self.log_json = v == "json"
        }
        for (value, slot) in [
            (f.google_client_id, &mut self.google_client_id),
            (f.google_client_secret, &mut self.google_client_secret),
            (f.public_url, &mut self.public_url),
        ] {
            if value.is_some() {
                *slot = value
            }
        }
        if let Some(v) = f.oidc_issuer {
            self.oidc_issuer = v
        }
        if let Some(v) = f.admin_emails {
            self.admin_emails = email_list(&v.join(","))
        }
        if let Some(v) = f.session_ttl_secs {
            self.session_ttl = Duration::from_secs(v)
        }
        if let Some(v) = f.token_ttl_secs {
            self.token_ttl = Duration::from_secs(v)
        }
        if let Some(v) = f.auth_rate_limit {
            self.auth_rate_limit = v
        }
        if let Some(v) = f.rate_limits {
            self.rate_limits = self
                .rate_limits
                .parse_over(&v)
                .map_err(|e| ConfigError::Env("rate_limits", e))?
        }
        if let Some(v) = f.desktop_redirect {
            self.desktop_redirect = v
        }
        if let Some(v) = f.allowed_hosts {
            self.allowed_hosts = email_list(&v.join(","))
        }
        if let Some(v) = f.trusted_proxies {
            self.trusted_proxies = parse_ips("trusted_proxies", &v.join(","))?
        }
        if let Some(v) = f.metrics_token {
            self.metrics_token = Some(v)
        }
        if let Some(v) = f.allowed_emails {
            self.allowed_emails = email_list(&v.join(","))
        }
        if let Some(v) = f.models {
            self.model_overrides = v
        }
        Ok(())
    }

    fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let get = |k: &str| env(k).filter(|v| !v.is_empty());
        if let Some(v) = get("PIXEL_BIND") {
            self.bind = v
        }
        if let Some(v) = get("PIXEL_DATA_DIR") {
            self.data_dir = v.into()
        }
        if let Some(v) = get("DATABASE_URL") {
            self.database_url = Some(v)
        }
        if let Some(v) = get("PIXEL_UI_DIR") {
            self.ui_dir = v.into()
        }
        if let Some(v) = get("PIXEL_CHARGING") {
            self.charging = parse_bool("PIXEL_CHARGING", &v)?
        }
        if let Some(v) = get("PIXEL_ENGAGEMENT") {
            self.engagement = parse_bool("PIXEL_ENGAGEMENT", &v)?
        }
        if let Some(v) = get("PIXEL_STARTING_CREDITS") {
            self.starting_credits = parse_num("PIXEL_STARTING_CREDITS", &v)?
        }
        if let Some(v) = get("PIXEL_WORKERS") {
            self.workers = parse_num("PIXEL_WORKERS", &v)?
        }
        if let Some(v) = get("PIXEL_PROVIDER_CONCURRENCY") {
            self.provider_concurrency = v
                .split(',')
                .filter(|pair| !pair.trim().is_empty())
                .map(|pair| {
                    let (id, n) = pair
                        .split_once('=')
                        .ok_or_else(|| ConfigError::Env("PIXEL_PROVIDER_CONCURRENCY", v.clone()))?;
                    let n: usize = parse_num("PIXEL_PROVIDER_CONCURRENCY", n)?;
                    if n == 0 {
                        return Err(ConfigError::Env("PIXEL_PROVIDER_CONCURRENCY", v.clone()));
                    }
                    Ok((id.trim().to_string(), n))
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(v) = get("PIXEL_PROVIDER_TIMEOUT_SECS") {
            self.provider_timeout =
                Duration::from_secs_f64(parse_num("PIXEL_PROVIDER_TIMEOUT_SECS", &v)?)
        }
        if let Some(v) = get("PIXEL_RETRY_BASE_MS") {
            self.retry_base = Duration::from_millis(parse_num("PIXEL_RETRY_BASE_MS", &v)?)
        }
        if let Some(v) = get("PIXEL_MAX_ATTEMPTS") {
            self.max_attempts = parse_num("PIXEL_MAX_ATTEMPTS", &v)?
        }
        if let Some(v) = get("PIXEL_TRENDING_EVERY_SECS") {
            let secs: u64 = parse_num("PIXEL_TRENDING_EVERY_SECS", &v)?;
            self.trending_every = Duration::from_secs(secs.max(1))
        }
        if let Some(v) = get("PIXEL_BALANCE_CHECK_SECS") {
            let secs: u64 = parse_num("PIXEL_BALANCE_CHECK_SECS", &v)?;
            self.balance_check_every = Duration::from_secs(secs.max(1))
        }
        if let Some(v) = get("PIXEL_LEASE_SECS") {
            self.lease = Duration::from_secs_f64(parse_num("PIXEL_LEASE_SECS", &v)?)
        }
        if let Some(v) = get("PIXEL_ALLOW_PUBLIC_OWNER") {
            self.allow_public_owner = parse_bool("PIXEL_ALLOW_PUBLIC_OWNER", &v)?
        }
        for (key, slot) in [
            ("GOOGLE_CLIENT_ID", &mut self.google_client_id),
            ("GOOGLE_CLIENT_SECRET", &mut self.google_client_secret),
            ("PIXEL_PUBLIC_URL", &mut self.public_url),
        ] {
            if let Some(v) = get(key) {
                *slot = Some(v)
            }
        }
        if let Some(v) = get("PIXEL_OIDC_ISSUER") {
            self.oidc_issuer = v
        }
        if let Some(v) = get("PIXEL_ADMIN_EMAILS") {
            self.admin_emails = email_list(&v)
        }
        if let Some(v) = get("PIXEL_SESSION_TTL_SECS") {
            self.session_ttl = Duration::from_secs_f64(parse_num("PIXEL_SESSION_TTL_SECS", &v)?)
        }
        if let Some(v) = get("PIXEL_TOKEN_TTL_SECS") {
            self.token_ttl = Duration::from_secs_f64(parse_num("PIXEL_TOKEN_TTL_SECS", &v)?)
        }
        if let Some(v) = get("PIXEL_AUTH_RATE_LIMIT") {
            self.auth_rate_limit = parse_num("PIXEL_AUTH_RATE_LIMIT", &v)?
        }
        if let Some(v) = get("PIXEL_RATE_LIMITS") {
            self.rate_limits = self
                .rate_limits
                .parse_over(&v)
                .map_err(|e| ConfigError::Env("PIXEL_RATE_LIMITS", e))?
        }
        if let Some(v) = get("PIXEL_DESKTOP_REDIRECT") {
            self.desktop_redirect = v
        }
        if let Some(v) = get("PIXEL_ALLOWED_HOSTS") {
            self.allowed_hosts = email_list(&v)
        }
        if let Some(v) = get("PIXEL_TRUSTED_PROXIES") {
            self.trusted_proxies = parse_ips("PIXEL_TRUSTED_PROXIES", &v)?
        }
        if let Some(v) = get("PIXEL_METRICS_TOKEN") {
            self.metrics_token = Some(v)
        }
        if let Some(v) = get("PIXEL_ALLOWED_EMAILS") {
            self.allowed_emails = email_list(&v)
        }
        for (key, slot) in [
            ("STRIPE_SECRET_KEY", &mut self.stripe_secret_key),
            ("STRIPE_WEBHOOK_SECRET", &mut self.stripe_webhook_secret),
            ("STRIPE_API_BASE", &mut self.stripe_api_base),
            ("PRINTFUL_API_KEY", &mut self.printful_api_key),
            ("PRINTFUL_BASE_URL", &mut self.printful_base_url),
            ("PRINTFUL_WEBHOOK_SECRET", &mut self.printful_webhook_secret),
        ] {
            if let Some(v) = get(key) {
                *slot = Some(v)
            }
        }
        for (key, slot, least) in [
            (
                "PIXEL_PAYOUT_CENTS_PER_CREDIT",
                &mut self.payout_terms.cents_per_credit,
                1,
            ),
            (
                "PIXEL_PAYOUT_MINIMUM_CREDITS",
                &mut self.payout_terms.minimum_credits,
                1,
            ),
            (
                "PIXEL_PAYOUT_HOLD_DAYS",
                &mut self.payout_terms.hold_days,
                0,
            ),
        ] {
            if let Some(v) = get(key) {
                *slot = v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (least..=1_000_000).contains(n))
                    .ok_or_else(|| ConfigError::Env(key, v.clone()))?;
            }
        }
        if let Some(v) = get("PRINTFUL_PRODUCTS") {
            self.printful_products = crate::printful::parse_catalog(&v)
                .ok_or_else(|| ConfigError::Env("PRINTFUL_PRODUCTS", v.clone()))?
        }
        if let Some(v) = get("PIXEL_MAX_EVENT_STREAMS") {
            self.max_event_streams = Some(parse_num("PIXEL_MAX_EVENT_STREAMS", &v)?)
        }
        if let Some(v) = get("PIXEL_PRINT_RETRY_SECS") {
            let secs: u64 = parse_num("PIXEL_PRINT_RETRY_SECS", &v)?;
            self.print_retry_every = Duration::from_secs(secs.max(1))
        }
        if let Some(v) = get("PIXEL_CREDIT_PACKS") {
            self.credit_packs = pixel_core::credits::parse_packs(&v)
                .map_err(|e| ConfigError::Env("PIXEL_CREDIT_PACKS", e.message))?
        }
        if let Some(v) = get("PIXEL_DISABLED_MODELS") {
            for id in v.split(',').map(str::trim).filter(|id| !id.is_empty()) {
                self.model_overrides
                    .entry(id.to_string())
                    .or_default()
                    .enabled = Some(false);
            }
        }
        if let Some(v) = get("PIXEL_MODEL_CREDITS") {
            for pair in v.split(',').filter(|p| !p.trim().is_empty()) {
                let (id, credits) = pair
                    .split_once('=')
                    .ok_or_else(|| ConfigError::Env("PIXEL_MODEL_CREDITS", v.clone()))?;
                self.model_overrides
                    .entry(id.trim().to_string())
                    .or_default()
                    .credits = Some(parse_num("PIXEL_MODEL_CREDITS", credits)?);
            }
        }
        if let Some(v) = get("OPENAI_API_KEY") {
            self.openai_api_key = Some(v)
        }
        if let Some(v) = get("OPENAI_BASE_URL") {
            self.openai_base_url = Some(v)
        }
        for (key, slot) in [
            ("STABILITY_API_KEY", &mut self.stability_api_key),
            ("STABILITY_BASE_URL", &mut self.stability_base_url),
            ("BFL_API_KEY", &mut self.bfl_api_key),
            ("BFL_BASE_URL", &mut self.bfl_base_url),
            ("IDEOGRAM_API_KEY", &mut self.ideogram_api_key),
            ("IDEOGRAM_BASE_URL", &mut self.ideogram_base_url),
            ("TOGETHER_API_KEY", &mut self.together_api_key),
            ("TOGETHER_BASE_URL", &mut self.together_base_url),
            ("HUGGINGFACE_API_KEY", &mut self.huggingface_api_key),
            ("HUGGINGFACE_BASE_URL", &mut self.huggingface_base_url),
            ("FAL_KEY", &mut self.fal_api_key),
            ("FAL_BASE_URL", &mut self.fal_base_url),
            ("REPLICATE_API_TOKEN", &mut self.replicate_api_token),
            ("REPLICATE_BASE_URL", &mut self.replicate_base_url),
            ("RUNWAY_API_KEY", &mut self.runway_api_key),
            ("RUNWAY_BASE_URL", &mut self.runway_base_url),
            ("LUMAAI_API_KEY", &mut self.luma_api_key),
            ("LUMAAI_BASE_URL", &mut self.luma_base_url),
            ("A1111_URL", &mut self.a1111_url),
            ("A1111_AUTH", &mut self.a1111_auth),
            ("OPENAI_COMPAT_BASE_URL", &mut self.openai_compat_base_url),
            ("OPENAI_COMPAT_API_KEY", &mut self.openai_compat_api_key),
            ("OPENAI_COMPAT_MODEL", &mut self.openai_compat_model),
            ("COMFYUI_URL", &mut self.comfyui_url),
            ("COMFYUI_CHECKPOINT", &mut self.comfyui_checkpoint),
            ("COMFYUI_TEMPLATE", &mut self.comfyui_template),
            ("PIXEL_TAGGER_URL", &mut self.tagger_url),
            ("PIXEL_TAGGER_API_KEY", &mut self.tagger_api_key),
            ("PIXEL_TAGGER_MODEL", &mut self.tagger_model),
        ] {
            if let Some(v) = get(key) {
                *slot = Some(v)
            }
        }
        if let Some(v) = get("PIXEL_POLL_INTERVAL_MS") {
            self.poll_interval = Duration::from_millis(parse_num("PIXEL_POLL_INTERVAL_MS", &v)?)
        }
        if let Some(v) = get("PIXEL_LOG") {
            self.log = v
        }
        if let Some(v) = get("PIXEL_LOG_FORMAT") {
            self.log_json = v == "json"
        }
        if self.workers == 0 || self.workers > 256 {
            return Err(ConfigError::Env("PIXEL_WORKERS", self.workers.to_string()));
        }
        if self.max_attempts == 0 {
            return Err(ConfigError::Env("PIXEL_MAX_ATTEMPTS", "0".into()));
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("pixel.db").display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn rate_limits_come_from_the_file_then_the_environment() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("pixel.toml");
        std::fs::write(&file, "rate_limits = \"reads=300\"\n").expect("write");
        let c = Config::load(Some(&file), &|k| {
            (k == "PIXEL_RATE_LIMITS").then(|| "generation=2".to_string())
        })
        .expect("load");
        assert_eq!(
            c.rate_limits,
            crate::limits::RateLimits {
                generation: 2,
                reads: 300,
                ..Default::default()
            }
        );
        let off = Config::load(None, &|k| (k == "PIXEL_RATE_LIMITS").then(|| "off".into()));
        assert_eq!(
            off.expect("off").rate_limits,
            crate::limits::RateLimits::OFF
        );
        let bad = Config::load(None, &|k| {
            (k == "PIXEL_RATE_LIMITS").then(|| "likes=2".into())
        });
        assert!(bad.is_err());
    }

    #[test]
    fn env_overrides_file_overrides_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("pixel.toml");
        std::fs::write(
            &file,
            "bind = \"127.0.0.1:9000\"\nworkers = 2\ncharging = true\n",
        )
        .expect("write");
        let vars: HashMap<&str, &str> = [
            ("PIXEL_WORKERS", "7"),
            ("OPENAI_API_KEY", "sk-test"),
            ("BFL_API_KEY", "bfl-test"),
            ("STABILITY_BASE_URL", "http://127.0.0.1:9/stability"),
            ("FAL_KEY", "fal-id:secret"),
            ("REPLICATE_BASE_URL", "http://127.0.0.1:9/replicate"),
            ("A1111_URL", "http://127.0.0.1:7860"),
        ]
        .into();
        let c = Config::load(Some(&file), &|k| vars.get(k).map(|v| v.to_string())).expect("load");
        assert_eq!(c.bind, "127.0.0.1:9000");
        assert_eq!(c.workers, 7);
        let limits = Config::load(None, &|k| {
            (k == "PIXEL_PROVIDER_CONCURRENCY").then(|| "openai=2, local=1".to_string())
        })
        .expect("load");
        assert_eq!(
            limits.provider_concurrency,
            vec![("openai".to_string(), 2), ("local".to_string(), 1)]
        );
        assert!(Config::load(None, &|k| (k == "PIXEL_PROVIDER_CONCURRENCY")
            .then(|| "openai".to_string()))
        .is_err());
        assert!(c.charging);
        assert_eq!(c.openai_api_key.as_deref(), Some("sk-test"));
        assert_eq!(c.bfl_api_key.as_deref(), Some("bfl-test"));
        assert_eq!(
            c.stability_base_url.as_deref(),
            Some("http://127.0.0.1:9/stability")
        );
        assert_eq!(c.ideogram_api_key, None);
        assert_eq!(c.fal_api_key.as_deref(), Some("fal-id:secret"));
        assert_eq!(
            c.replicate_base_url.as_deref(),
            Some("http://127.0.0.1:9/replicate")
        );
        assert_eq!(c.a1111_url.as_deref(), Some("http://127.0.0.1:7860"));
        assert_eq!(c.comfyui_url, None);
        assert!(c.database_url().starts_with("sqlite://"));
    }

    #[test]
    fn model_settings_come_from_the_file_and_the_environment() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("pixel.toml");
        std::fs::write(
            &file,
            "[models.gpt-image-2]\ncredits = 9\nname = \"GPT Image 2 (team)\"\n[models.flux-dev]\nenabled = false\n",
        )
        .expect("write");
        let vars: HashMap<&str, &str> = [
            ("PIXEL_DISABLED_MODELS", "ideogram-v1, ideogram-v1-turbo"),
            ("PIXEL_MODEL_CREDITS", "gpt-image-2=7"),
        ]
        .into();
        let c = Config::load(Some(&file), &|k| vars.get(k).map(|v| v.to_string())).expect("load");
        let gpt = &c.model_overrides["gpt-image-2"];
        assert_eq!(
            (gpt.credits, gpt.name.as_deref()),
            (Some(7), Some("GPT Image 2 (team)"))
        );
        for off in ["flux-dev", "ideogram-v1", "ideogram-v1-turbo"] {
            assert_eq!(c.model_overrides[off].enabled, Some(false), "{off}");
        }
        let err = Config::load(None, &|k| {
            (k == "PIXEL_MODEL_CREDITS").then(|| "gpt-image-2".into())
        })
        .expect_err("no price");
        assert!(err.to_string().contains("PIXEL_MODEL_CREDITS"));
        std::fs::write(&file, "[models.gpt-image-2]\nprice = 3\n").expect("write");
        assert!(
            Config::load(Some(&file), &|_| None).is_err(),
            "unknown keys are refused"
        );
    }

    #[test]
    fn bad_values_are_named() {
        let err = Config::load(None, &|k| {
            (k == "PIXEL_WORKERS").then(|| "many".to_string())
        })
        .expect_err("bad");
        assert!(err.to_string().contains("PIXEL_WORKERS"));
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("pixel.toml");
        std::fs::write(&file, "colour = 3\n").expect("write");
        assert!(Config::load(Some(&file), &|_| None).is_err());
    }
}
