//! Ports: the traits the core needs from the outside world (store, blobs, media, providers, events, clock).

use async_trait::async_trait;
use std::time::Duration;
use tokio::sync::broadcast;

use crate::domain::*;
use crate::error::Result;

mod queue;
mod store;
pub use queue::*;
pub use store::*;

/// A ledger movement to apply atomically with the balance it changes.
#[derive(Debug, Clone)]
pub struct LedgerMove {
    pub kind: LedgerKind,
    pub amount: i64,
    pub idempotency_key: String,
    pub memo: String,
}

/// Everything written at submit, in one transaction.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub set: GenerationSet,
    pub jobs: Vec<Job>,
    /// The reservation for the whole set, if the caller is charged.
    pub reserve: Option<LedgerMove>,
    /// The client's idempotency key: a second submission with it fails with `Conflict`.
    pub idempotency_key: Option<String>,
}

/// How a running job ends.
#[derive(Debug, Clone)]
pub enum JobOutcome {
    Succeeded {
        image: Box<Image>,
    },
    /// Failed, cancelled or moderated; the reservation is refunded in the same transaction.
    Ended {
        state: JobState,
        error: crate::Error,
    },
}

#[derive(Debug, Clone, Default)]
pub struct ImageFilter {
    pub model: Option<String>,
    pub text: Option<String>,
    pub from: Option<Millis>,
    pub to: Option<Millis>,
    pub set_id: Option<String>,
    /// Explore only: one creator's public work (a profile page).
    pub creator_id: Option<String>,
    /// The owner's library only: images they gave this tag.
    pub tag: Option<String>,
    /// The owner's library only: their images in this collection.
    pub collection_id: Option<String>,
    /// Only stills, or only clips.
    pub media: Option<crate::domain::MediaKind>,
}

/// A page request: items strictly older than the cursor (created_at, id), newest first.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub before: Option<(Millis, String)>,
    pub limit: u32,
}

/// A page of an account's ledger with its balance and debt, read in one snapshot: the first page's
/// entries end at exactly the balance shown beside them, whatever settles meanwhile.
#[derive(Debug, Clone, Default)]
pub struct LedgerPage {
    pub entries: Vec<LedgerEntry>,
    pub balance: i64,
    pub owed: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseStatus {
    Held { cancel_requested: bool },
    Lost,
}

/// A blob's bytes as they are read or written, chunk by chunk: a large file (a video, an S3 object)
/// never sits whole in memory.
pub type ByteStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<bytes::Bytes>> + Send>>;

/// Content-addressed blob storage.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Stores bytes under their sha256 and returns the hex key. Storing the same bytes twice is a no-op.
    async fn put(&self, bytes: &[u8]) -> Result<String>;
    /// Stores what `stream` yields, hashed as it is written, and returns its key; nothing is stored
    /// under a key unless the whole stream arrived.
    async fn put_stream(&self, stream: ByteStream) -> Result<String>;
    /// A whole blob (small files: images, thumbnails).
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// A blob's length in bytes; None when nothing is stored under `key`.
    async fn size(&self, key: &str) -> Result<Option<u64>>;
    /// Bytes `start..=end` of a blob as a stream; None when nothing is stored under `key`.
    async fn read_range(&self, key: &str, start: u64, end: u64) -> Result<Option<ByteStream>>;
    /// Deletes a blob nobody references any more, unless it was stored or stored again (a `put` of
    /// the same bytes) within `idle_for`: such a blob is about to be referenced again and stays.
    async fn delete_idle(&self, key: &str, idle_for: std::time::Duration) -> Result<BlobDeletion>;
}

/// What `delete_idle` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobDeletion {
    Deleted,
    /// Stored again within the idle time: kept.
    Busy,
    /// Nothing was stored under the key.
    Missing,
}

/// What the media pipeline makes of an image.
#[derive(Debug, Clone)]
pub struct ProcessedMedia {
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub thumb_webp: Vec<u8>,
    /// A data: URI of a tiny blurred preview.
    pub placeholder: String,
}

/// Decodes an image and makes its thumbnail and placeholder (CPU work; run on a blocking thread).
pub trait MediaProcessor: Send + Sync {
    fn process(&self, bytes: &[u8]) -> Result<ProcessedMedia>;
    /// The generation record another tool embedded in a PNG, if any.
    fn read_record(&self, bytes: &[u8]) -> Result<Option<crate::ops::ImportedRecord>>;
    /// The RGB pixels of a tiny image (a placeholder: at most `MAX_SMALL_PIXELS`), any other refused.
    fn small_pixels(&self, bytes: &[u8]) -> Result<Vec<[u8; 3]>>;
}

/// A video as a real demuxer and decoder read it.
#[derive(Debug, Clone, PartialEq)]
pub struct DescribedVideo {
    pub mime: String,
    /// The codec, as FFmpeg names it.
    pub codec: String,
    pub width: u32,
    pub height: u32,
    pub frames: u64,
    pub duration_ms: u64,
    /// The first frame as a PNG: the poster, and the source of the thumbnail and placeholder.
    pub poster_png: Vec<u8>,
}

/// Reads a video a provider returned (CPU work; run on a blocking thread).
pub trait VideoProcessor: Send + Sync {
    fn describe(&self, bytes: &[u8]) -> Result<DescribedVideo>;
}

/// The most pixels `MediaProcessor::small_pixels` decodes (64 x 64).
pub const MAX_SMALL_PIXELS: u32 = 64 * 64;

/// What a provider is asked to make: one image.
#[derive(Debug, Clone)]
pub struct ProviderRequest {
    pub job_id: String,
    pub params: GenerationParams,
    pub seed: u32,
    /// The provider's handle of an earlier submission of this job (after a restart), to resume polling.
    pub resume_handle: Option<String>,
    /// The provider's name for a model added in configuration (`Model::provider_model`).
    pub provider_model: Option<String>,
    /// The image an image-to-video model animates (`GenerationParams::source_image`), read from
    /// the library when the attempt starts.
    pub source_image: Option<SourceImage>,
}

/// A still a provider works from, as stored in the library.
#[derive(Debug, Clone)]
pub struct SourceImage {
    pub bytes: Vec<u8>,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    /// A short-lived signed link to it, for providers that fetch their input by URL; None where
    /// this server has no public address.
    pub link: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProviderImage {
    pub bytes: Vec<u8>,
    pub seed: Option<u32>,
    pub revised_prompt: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProviderOutput {
    pub image: ProviderImage,
    pub provider_model: Option<String>,
    pub request_id: Option<String>,
}

/// How a provider call failed; the runner maps it to retry, failure or moderation.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ProviderError {
    #[error("temporary provider failure: {message}")]
    Retryable {
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("timed out: {message}")]
    Timeout { message: String },
    #[error("provider rejected the request: {message}")]
    Rejected { message: String },
    #[error("blocked by the provider's safety system: {message}")]
    Moderated { message: String },
    #[error("provider not configured: {message}")]
    NotConfigured { message: String },
    #[error("cancelled")]
    Cancelled,
}

/// Callbacks a provider uses while it works on a job.
#[async_trait]
pub trait JobContext: Send + Sync {
    /// Reports progress from 0 to 1.
    async fn progress(&self, fraction: f32);
    /// Persists the provider's handle so polling can resume after a restart.
    async fn remote_handle(&self, handle: &str);
    /// Resolves when the user asked to cancel this job.
    async fn cancelled(&self);
}

/// What a health check of a provider found.
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    serde::Serialize,
    serde::Deserialize,
    ts_rs::TS,
    schemars::JsonSchema,
)]
pub struct ProviderHealth {
    /// None when not checked (not configured, or nothing to reach).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reachable: Option<bool>,
    /// The account's remaining balance in the provider's own unit, where its API offers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub balance: Option<String>,
    /// The same balance as a number, where the provider counts it in credits: what low-balance
    /// warnings compare against the admins' threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub credits: Option<f64>,
    /// Why it is unreachable, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
}

/// Whether a provider still serves one catalogue model, by the provider's own answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ServedModel {
    pub model_id: String,
    /// The provider's name for it, as requests send it.
    pub provider_model: String,
    pub served: bool,
}

#[async_trait]
pub trait Provider: Send + Sync {
    /// Provider id as in the catalogue (`local`, `openai`, ...).
    fn id(&self) -> &'static str;
    fn name(&self) -> &'static str;
    fn configured(&self) -> bool;
    /// Whether the provider answers, and its account balance where its API tells (never a secret).
    async fn health(&self) -> ProviderHealth {
        ProviderHealth::default()
    }
    /// Which of `models` (this provider's catalogue models) the provider serves today, asked without
    /// making an image: its models list, or a status call per pinned version. `None` when its API has
    /// no such question; `providers check` then makes one image of the cheapest model.
    async fn served_models(
        &self,
        _models: &[crate::catalogue::Model],
    ) -> Option<Result<Vec<ServedModel>, ProviderError>> {
        None
    }
    /// How many of this provider's jobs may run at once on one node (its API's rate limits, one GPU).
    fn max_concurrency(&self) -> usize {
        4
    }
    /// Makes one image. Sync providers return at once; async ones submit, report the handle, and poll.
    async fn generate(
        &self,
        req: &ProviderRequest,
        ctx: &dyn JobContext,
    ) -> Result<ProviderOutput, ProviderError>;
}

/// A provider's health, or unreachable when it does not answer within `limit`.
pub async fn health_within(provider: &dyn Provider, limit: Duration) -> ProviderHealth {
    tokio::time::timeout(limit, provider.health())
        .await
        .unwrap_or_else(|_| ProviderHealth {
            reachable: Some(false),
            message: Some(format!("no answer within {} s", limit.as_secs())),
            ..ProviderHealth::default()
        })
}

/// Publishes events to the clients of their audience.
pub trait EventBus: Send + Sync {
    fn publish(&self, envelope: Envelope);
    /// The events `viewer` may receive (`Audience::admits`), as transports deliver them.
    fn subscribe(&self, viewer: crate::events::Viewer) -> crate::events::Subscription;
    /// Every event whoever it is for: in-process observers (tests, the CLI), never a client.
    fn observe_all(&self) -> broadcast::Receiver<Envelope>;
}

pub use crate::events::LocalEventBus;

/// The time rules run on (session and token expiry, sign-in requests, one-time codes, leases,
/// timestamps): a port, so tests move time instead of waiting for it.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> Millis;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> Millis {
        crate::now_ms()
    }
}

/// The system's time plus however far a test moved it: tests advance it past an expiry instead of
/// sleeping until one, while everything that waits on real time (retries, leases) keeps running.
#[derive(Default)]
pub struct OffsetClock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl OffsetClock {
    pub fn advance(&self, by: Duration) {
        let by = Millis::try_from(by.as_millis()).unwrap_or(Millis::MAX);
        self.offset_ms
            .fetch_add(by, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn now_ms(&self) -> Millis {
        crate::now_ms().saturating_add(self.offset_ms.load(std::sync::atomic::Ordering::SeqCst))
    }
}
