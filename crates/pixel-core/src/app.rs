//! The application context: the ports wired together with configuration, shared by every operation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::{watch, Notify, Semaphore};

use crate::catalogue::Catalogue;
use crate::domain::{Caller, Role, User};
use crate::error::Result;
use crate::ports::{BlobStore, Clock, EventBus, MediaProcessor, Provider, Store};

/// Who pays for generations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargePolicy {
    /// Every account is charged from its credits (a multi-user server).
    Charge,
    /// Nobody is charged (a desktop's owner, a self-hoster using their own keys).
    Free,
}

#[derive(Debug, Clone)]
pub struct AppConfig {
    pub charging: ChargePolicy,
    /// Credits granted to a new account.
    pub starting_credits: i64,
    /// Whether daily login streaks and achievements are kept (with their credits when charging).
    pub engagement: bool,
    pub workers: usize,
    pub lease: Duration,
    pub max_attempts: u32,
    /// First retry delay; doubles each attempt.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// Longest a single provider call may take before it counts as a timeout.
    pub provider_timeout: Duration,
    /// Per-provider limits on jobs running at once, overriding each provider's own default.
    pub provider_concurrency: HashMap<String, usize>,
    /// How often idle workers look for jobs enqueued by other nodes.
    pub poll_interval: Duration,
    /// How long a browser session lives.
    pub session_ttl: Duration,
    /// How long an API or desktop token lives.
    pub token_ttl: Duration,
    /// How often trending is ranked again.
    pub trending_every: Duration,
    /// How often media no image uses any more is swept, and how long it must have stayed unused.
    pub blob_sweep_every: Duration,
    /// How often a node reads the admins' model settings again: the node an admin changes one on applies
    /// it at once, every other node sharing the database within this.
    pub catalogue_refresh_every: Duration,
    /// How often the balances of providers with a low-balance warning are checked.
    pub balance_check_every: Duration,
    pub blob_grace: Duration,
    /// The credit packs for sale (when charging, with a payment provider).
    pub credit_packs: Vec<crate::credits::CreditPack>,
    /// The address people (and providers) reach this server at; None on the desktop. Providers
    /// that fetch an image to animate by URL are given signed links under it.
    pub public_url: Option<String>,
    /// What earned credits are paid out at, and from how many.
    pub payout_terms: crate::payouts::PayoutTerms,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            charging: ChargePolicy::Free,
            starting_credits: 5,
            engagement: true,
            workers: 4,
            lease: Duration::from_secs(30),
            max_attempts: 3,
            retry_base: Duration::from_secs(2),
            retry_max: Duration::from_secs(60),
            provider_timeout: Duration::from_secs(180),
            poll_interval: Duration::from_secs(1),
            provider_concurrency: HashMap::new(),
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            token_ttl: Duration::from_secs(365 * 24 * 3600),
            trending_every: Duration::from_secs(60),
            blob_sweep_every: Duration::from_secs(600),
            catalogue_refresh_every: Duration::from_secs(30),
            balance_check_every: Duration::from_secs(900),
            blob_grace: Duration::from_secs(3600),
            credit_packs: crate::credits::default_packs(),
            payout_terms: crate::payouts::PayoutTerms::default(),
            public_url: None,
        }
    }
}

pub struct Inner {
    pub config: AppConfig,
    pub store: Arc<dyn Store>,
    /// Which job runs next, under what lease (the database's own queue by default).
    pub queue: Arc<dyn crate::ports::JobQueue>,
    pub blobs: Arc<dyn BlobStore>,
    pub media: Arc<dyn MediaProcessor>,
    pub events: Arc<dyn EventBus>,
    pub clock: Arc<dyn Clock>,
    /// The configuration's catalogue, before the admins' model settings.
    base_catalogue: Catalogue,
    /// The catalogue as it is now (see [`App::catalogue`]).
    catalogue: RwLock<Arc<Catalogue>>,
    /// Swappable so the desktop can apply keys entered in Settings without restarting the runner.
    providers: RwLock<HashMap<String, Arc<dyn Provider>>>,
    /// Wakes idle workers when a job is enqueued on this node.
    pub job_ready: Notify,
    /// Cancel signals for jobs running on this node.
    pub running: Mutex<HashMap<String, watch::Sender<bool>>>,
    pub metrics: crate::runner::Metrics,
    /// One semaphore per provider: its concurrency limit on this node.
    pub limits: HashMap<String, Arc<Semaphore>>,
    /// Full image decodes at once on this node: each may hold up to the pipeline's pixel cap in
    /// memory, so one per core, however many uploads and results arrive together.
    pub decodes: Semaphore,
    /// The payment provider, on a server that sells credits; set once at start.
    payments: std::sync::OnceLock<Arc<dyn crate::credits::Payments>>,
    /// The print lab, on a server that sells prints; set once at start.
    print_lab: std::sync::OnceLock<Arc<dyn crate::prints::PrintLab>>,
    /// Reads the videos video models make; set once at start by builds that have one.
    video: std::sync::OnceLock<Arc<dyn crate::ports::VideoProcessor>>,
    /// The key signed source links are made with, read from the store on first use.
    pub(crate) link_key: tokio::sync::OnceCell<Vec<u8>>,
    /// Who proposes tags: the generation record offline, a vision model when one is configured;
    /// swappable like the providers, for keys entered in the desktop's Settings.
    tagger: RwLock<Arc<dyn crate::tagging::Tagger>>,
}

/// The parts an [`App`] is made of.
pub struct AppParts {
    pub config: AppConfig,
    pub store: Arc<dyn Store>,
    pub queue: Arc<dyn crate::ports::JobQueue>,
    pub blobs: Arc<dyn BlobStore>,
    pub media: Arc<dyn MediaProcessor>,
    pub events: Arc<dyn EventBus>,
    pub clock: Arc<dyn Clock>,
    pub catalogue: Catalogue,
    pub providers: Vec<Arc<dyn Provider>>,
}

/// Cheap to clone; every operation takes it.
#[derive(Clone)]
pub struct App(pub Arc<Inner>);

impl std::ops::Deref for App {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The id of the local owner in single-user mode (desktop, or a server without sign-in).
pub const LOCAL_OWNER_ID: &str = "local-owner";

impl App {
    pub fn new(parts: AppParts) -> App {
        let providers: HashMap<String, Arc<dyn Provider>> = parts
            .providers
            .into_iter()
            .map(|p| (p.id().to_string(), p))
            .collect();
        let limits = providers
            .iter()
            .map(|(id, p)| {
                let limit = parts
                    .config
                    .provider_concurrency
                    .get(id)
                    .copied()
                    .unwrap_or_else(|| p.max_concurrency());
                (id.clone(), Arc::new(Semaphore::new(limit.max(1))))
            })
            .collect();
        App(Arc::new(Inner {
            config: parts.config,
            store: parts.store,
            queue: parts.queue,
            blobs: parts.blobs,
            media: parts.media,
            events: parts.events,
            clock: parts.clock,
            catalogue: RwLock::new(Arc::new(parts.catalogue.clone())),
            base_catalogue: parts.catalogue,
            providers: RwLock::new(providers),
            job_ready: Notify::new(),
            running: Mutex::new(HashMap::new()),
            metrics: crate::runner::Metrics::default(),
            limits,
            decodes: Semaphore::new(
                std::thread::available_parallelism()
                    .map(std::num::NonZeroUsize::get)
                    .unwrap_or(2),
            ),
            payments: std::sync::OnceLock::new(),
            print_lab: std::sync::OnceLock::new(),
            video: std::sync::OnceLock::new(),
            link_key: tokio::sync::OnceCell::new(),
            tagger: RwLock::new(Arc::new(crate::tagging::RecordTagger)),
        }))
    }

    /// The catalogue as it is now: the configuration's, with the model settings admins made since
    /// applied. A snapshot: one request validates and charges against one catalogue.
    pub fn catalogue(&self) -> Arc<Catalogue> {
        self.catalogue
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The configuration's catalogue, before the admins' model settings.
    pub fn base_catalogue(&self) -> &Catalogue {
        &self.base_catalogue
    }

    /// The configuration's catalogue with `settings` (the admins' model settings) applied, refused
    /// as the configuration's own overrides are (an unknown model, a price or limit out of range,
    /// every model off).
    pub fn catalogue_with(
        &self,
        settings: &[(String, crate::catalogue::ModelOverride)],
    ) -> Result<Catalogue> {
        self.base_catalogue
            .clone()
            .with_overrides(settings.iter().map(|(id, o)| (id, o)))
    }

    /// Reads the admins' model settings and makes the catalogue with them the current one (at start,
    /// and after an admin changes one).
    pub async fn reload_catalogue(&self) -> Result<()> {
        let settings = self.store.admin().model_settings().await?;
        let catalogue = self.catalogue_with(&settings)?;
        *self.catalogue.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(catalogue);
        Ok(())
    }

    /// Sets the payment provider (once, at start): credits are for sale when charging is on too.
    pub fn set_payments(&self, payments: Arc<dyn crate::credits::Payments>) {
        if self.payments.set(payments).is_err() {
            tracing::warn!("the payment provider was set twice; the first one stays");
        }
    }

    /// The payment provider, when this node sells credits (charging on, a provider set).
    pub fn payments(&self) -> Option<&Arc<dyn crate::credits::Payments>> {
        match self.config.charging {
            ChargePolicy::Charge => self.payments.get(),
            ChargePolicy::Free => None,
        }
    }

    /// Sets the print lab (once, at start).
    pub fn set_print_lab(&self, lab: Arc<dyn crate::prints::PrintLab>) {
        if self.print_lab.set(lab).is_err() {
            tracing::warn!("the print lab was set twice; the first one stays");
        }
    }

    /// The print lab, when this node sells prints (charging on, a lab set).
    pub fn print_lab(&self) -> Option<&Arc<dyn crate::prints::PrintLab>> {
        match self.config.charging {
            ChargePolicy::Charge => self.print_lab.get(),
            ChargePolicy::Free => None,
        }
    }

    pub fn set_video(&self, video: Arc<dyn crate::ports::VideoProcessor>) {
        if self.video.set(video).is_err() {
            tracing::warn!("the video reader was set twice; the first one stays");
        }
    }

    /// What reads videos, in a build that stores them.
    pub fn video(&self) -> Option<&Arc<dyn crate::ports::VideoProcessor>> {
        self.video.get()
    }

    /// Who proposes tags now.
    pub fn tagger(&self) -> Arc<dyn crate::tagging::Tagger> {
        self.tagger
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Replaces the tagger (a vision model configured, or its key removed).
    pub fn set_tagger(&self, tagger: Arc<dyn crate::tagging::Tagger>) {
        *self
            .tagger
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = tagger;
    }

    pub fn provider(&self, id: &str) -> Option<Arc<dyn Provider>> {
        self.providers
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(id)
            .cloned()
    }

    /// Every provider of this node.
    pub fn providers(&self) -> Vec<Arc<dyn Provider>> {
        self.providers
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// Replaces providers by id (new keys or endpoints). Jobs already running keep the instance they
    /// started with; concurrency limits stay those of the id. Unknown ids are ignored: the set of
    /// providers is fixed at start.
    pub fn replace_providers(&self, replacements: Vec<Arc<dyn Provider>>) {
        let mut providers = self
            .providers
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for p in replacements {
            if let Some(slot) = providers.get_mut(p.id()) {
                *slot = p;
            }
        }
    }

    /// The model a new user's first click should use: the offline renderer unless a provider is configured.
    pub fn default_model(&self) -> String {
        let catalogue = self.catalogue();
        let configured = catalogue.models().iter().find(|m| {
            !m.offline
                && self
                    .provider(&m.provider)
                    .map(|p| p.configured())
                    .unwrap_or(false)
        });
        configured
            .map(|m| m.id.clone())
            .unwrap_or_else(|| crate::catalogue::OFFLINE_MODEL_ID.to_string())
    }

    /// Creates the local owner if needed (granting starting credits once) and returns it as a caller.
    pub async fn ensure_local_owner(&self) -> Result<Caller> {
        let user = User {
            id: LOCAL_OWNER_ID.into(),
            username: "owner".into(),
            email: None,
            role: Role::Admin,
            created_at: self.clock.now_ms(),
            admin_granted: false,
            suspended_at: None,
        };
        let user = self.store.accounts().upsert_user(&user).await?;
        self.grant_starting_credits(&user.id).await?;
        Ok(Caller::User {
            id: user.id,
            role: user.role,
            session: None,
        })
    }

    /// Grants the configured starting credits exactly once per account.
    pub async fn grant_starting_credits(&self, user_id: &str) -> Result<()> {
        if self.config.charging == ChargePolicy::Charge && self.config.starting_credits > 0 {
            let mv = crate::ports::LedgerMove {
                kind: crate::domain::LedgerKind::Grant,
                amount: self.config.starting_credits,
                idempotency_key: format!("starting-credits:{user_id}"),
                memo: "starting credits".into(),
            };
            self.store.ledger().apply_ledger(user_id, &mv, None).await?;
        }
        Ok(())
    }
}
