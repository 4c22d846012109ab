//! Domain nouns shared by every operation and transport: users, sets, jobs, images, records, ledger, events.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Milliseconds since the Unix epoch (UTC).
pub type Millis = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Role {
        if s == "admin" {
            Role::Admin
        } else {
            Role::User
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct User {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub role: Role,
    #[ts(type = "number")]
    pub created_at: Millis,
    /// Made an admin in the admin UI: kept across sign-ins (`PIXEL_ADMIN_EMAILS` makes admins of its
    /// own emails besides).
    #[serde(default)]
    pub admin_granted: bool,
    /// When an admin suspended the account: its sessions ended and sign-in is refused until restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub suspended_at: Option<Millis>,
}

/// Who is calling an operation. Transports resolve it; operations check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    User {
        id: String,
        role: Role,
        /// The session or token the request came with (None for the local owner).
        session: Option<String>,
    },
}

impl Caller {
    pub fn user_id(&self) -> crate::Result<&str> {
        match self {
            Caller::User { id, .. } => Ok(id),
            Caller::Anonymous => Err(crate::Error::new(
                crate::ErrorCode::Unauthenticated,
                "sign in to do this",
            )),
        }
    }
    pub fn session_id(&self) -> Option<&str> {
        match self {
            Caller::User { session, .. } => session.as_deref(),
            Caller::Anonymous => None,
        }
    }
    pub fn is_admin(&self) -> bool {
        matches!(
            self,
            Caller::User {
                role: Role::Admin,
                ..
            }
        )
    }
    /// Whether the caller may read something owned by `owner_id` with the given visibility.
    pub fn can_read(&self, owner_id: &str, visibility: Visibility) -> bool {
        match self {
            _ if visibility == Visibility::Public => true,
            Caller::User { id, role, .. } => id == owner_id || *role == Role::Admin,
            Caller::Anonymous => false,
        }
    }
}

/// Stills or clips: what a library or explore filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Video,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Private,
    Public,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Public => "public",
        }
    }
    pub fn parse(s: &str) -> Visibility {
        if s == "public" {
            Visibility::Public
        } else {
            Visibility::Private
        }
    }
}

/// The lifecycle of one generation job (one output image).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Moderated,
}

impl JobState {
    pub const ALL: [JobState; 6] = [
        JobState::Queued,
        JobState::Running,
        JobState::Succeeded,
        JobState::Failed,
        JobState::Cancelled,
        JobState::Moderated,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::Moderated => "moderated",
        }
    }
    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|st| st.as_str() == s)
    }
    pub fn is_final(self) -> bool {
        !matches!(self, JobState::Queued | JobState::Running)
    }
}

/// Every parameter of a generation request, after validation against the catalogue.
/// Stored with each job so nothing the user asked for is dropped on the way to the provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct GenerationParams {
    pub prompt: String,
    pub model: String,
    pub width: u32,
    pub height: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub negative_prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub steps: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cfg: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub quality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub style: Option<String>,
    /// Seconds of video, for a video model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub duration: Option<u32>,
    /// The library image an image-to-video model animated (its id): the clip's first frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub source_image: Option<String>,
}

/// A batch of images generated from one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct GenerationSet {
    pub id: String,
    pub owner_id: String,
    pub params: GenerationParams,
    pub n: u32,
    /// Credits reserved for the whole set (0 when charging is off or the model is free).
    #[ts(type = "number")]
    pub cost: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remix_of: Option<String>,
    /// The comparison this set belongs to, when one prompt ran on several models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub comparison_id: Option<String>,
    #[ts(type = "number")]
    pub created_at: Millis,
    /// Chosen for the set as a whole (`sets.set_visibility`): its images take it, those still being
    /// made included. Absent until chosen: each image takes the account's default as it is made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub visibility: Option<Visibility>,
}

/// One generation job: one output image of a set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Job {
    pub id: String,
    pub set_id: String,
    pub owner_id: String,
    /// Position of this image in its set, from 0.
    pub index: u32,
    pub state: JobState,
    pub provider: String,
    pub params: GenerationParams,
    pub seed: u32,
    /// Credits reserved for this job; refunded when it ends in anything but success.
    #[ts(type = "number")]
    pub cost: i64,
    pub attempts: u32,
    pub max_attempts: u32,
    /// Progress from 0 to 1 while running.
    pub progress: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<crate::Error>,
    /// Whether the reserved credits went back to the owner.
    pub refunded: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remix_of: Option<String>,
    #[ts(type = "number")]
    pub created_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub started_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub finished_at: Option<Millis>,
}

/// Timings of a generation, in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema, Default)]
pub struct Timings {
    #[ts(type = "number")]
    pub queued_at: Millis,
    #[ts(type = "number")]
    pub started_at: Millis,
    #[ts(type = "number")]
    pub finished_at: Millis,
    #[ts(type = "number")]
    pub provider_ms: i64,
    #[ts(type = "number")]
    pub processing_ms: i64,
}

/// The full, exportable record of how an image was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct GenerationRecord {
    pub provider: String,
    pub model: String,
    /// The model id sent to the provider, when it differs from the catalogue id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub provider_model: Option<String>,
    pub params: GenerationParams,
    pub seed: u32,
    #[ts(type = "number")]
    pub cost: i64,
    pub attempts: u32,
    pub timings: Timings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub provider_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub revised_prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remix_of: Option<String>,
    /// Errors of earlier attempts that were retried.
    #[serde(default)]
    pub retried_errors: Vec<crate::Error>,
    pub set_id: String,
    pub job_id: String,
    pub index: u32,
    /// What a video model's output is, as FFmpeg read it back (never what a client claims).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub video: Option<VideoFacts>,
}

/// A video as its demuxer and decoder found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct VideoFacts {
    #[ts(type = "number")]
    pub duration_ms: u64,
    /// Frames decoded.
    #[ts(type = "number")]
    pub frames: u64,
    /// The codec, as FFmpeg names it (`h264`, `vp9`, `av1` ...).
    pub codec: String,
}

/// A stored output image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Image {
    pub id: String,
    pub owner_id: String,
    pub set_id: String,
    pub job_id: String,
    pub visibility: Visibility,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    #[ts(type = "number")]
    pub bytes: i64,
    /// Content hash of the original file (sha256, hex).
    pub sha256: String,
    /// Content hash of the WebP thumbnail.
    pub thumb_sha256: String,
    /// Tiny blurred preview as a data: URI, shown while the thumbnail loads.
    pub placeholder: String,
    /// URL of the original file.
    pub url: String,
    /// URL of the WebP thumbnail.
    pub thumb_url: String,
    pub record: GenerationRecord,
    #[ts(type = "number")]
    pub created_at: Millis,
    /// Set when the image is in a premium collection the viewer has not bought: then its original,
    /// its prompt and seed are withheld, and its thumbnail is the blurred placeholder (the cover's
    /// excepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub locked: Option<PremiumLock>,
}

/// The premium collection that withholds an image from a viewer, and what unlocking it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PremiumLock {
    pub collection_id: String,
    pub title: String,
    #[ts(type = "number")]
    pub price: i64,
    /// The collection's cover: its thumbnail is shown, its original still withheld.
    pub cover: bool,
}

impl Image {
    /// What a viewer who has not bought `lock`'s collection may know of this image: its size, model
    /// and placeholder; not the original's hash or address, nor what would remake it (prompt,
    /// negative prompt, revised prompt, seed).
    pub fn withheld(mut self, lock: PremiumLock) -> Image {
        self.sha256 = String::new();
        self.url = String::new();
        if !lock.cover {
            self.thumb_sha256 = String::new();
        }
        let record = &mut self.record;
        record.params.prompt = String::new();
        record.params.negative_prompt = None;
        record.revised_prompt = None;
        record.provider_request_id = None;
        record.seed = 0;
        self.locked = Some(lock);
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// Credits given to an account (starting credits, admin grants, purchases).
    Grant,
    /// Credits held for a generation at submit.
    Reserve,
    /// A reservation kept because the generation succeeded (amount 0).
    Capture,
    /// A reservation returned because the generation failed, was cancelled or moderated.
    Refund,
    /// Bought credits taken back because their payment was refunded or disputed, or credits that
    /// arrived later paying what such a reversal left owed.
    Reversal,
    /// Credits moved from one account to another (a tip): the giver's debit and the receiver's
    /// credit are written together.
    Transfer,
    /// Earned credits paid out as money to the creator's account (returned if the payout fails).
    Payout,
    /// Credits an admin added or took away, with the reason (the admin audit log names who).
    Adjustment,
}

impl LedgerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Grant => "grant",
            LedgerKind::Reserve => "reserve",
            LedgerKind::Capture => "capture",
            LedgerKind::Refund => "refund",
            LedgerKind::Reversal => "reversal",
            LedgerKind::Transfer => "transfer",
            LedgerKind::Payout => "payout",
            LedgerKind::Adjustment => "adjustment",
        }
    }
    pub fn parse(s: &str) -> Option<LedgerKind> {
        [
            LedgerKind::Grant,
            LedgerKind::Reserve,
            LedgerKind::Capture,
            LedgerKind::Refund,
            LedgerKind::Reversal,
            LedgerKind::Transfer,
            LedgerKind::Payout,
            LedgerKind::Adjustment,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One append-only ledger entry. The balance is always the sum of an account's entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct LedgerEntry {
    pub id: String,
    pub user_id: String,
    pub kind: LedgerKind,
    /// Signed credits: negative for reservations, positive for grants and refunds.
    #[ts(type = "number")]
    pub amount: i64,
    #[ts(type = "number")]
    pub balance_after: i64,
    pub idempotency_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub job_id: Option<String>,
    pub memo: String,
    #[ts(type = "number")]
    pub created_at: Millis,
    /// What the entry paid for, or came from, where it has a page (filled in when history is listed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub link: Option<LedgerLink>,
}

/// The page of what a ledger entry paid for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum LedgerLink {
    /// A generation's set (its reservation, refund or capture).
    Set { set_id: String },
    /// A prompt bought or sold.
    Listing { listing_id: String },
    /// A premium collection unlocked or sold.
    Collection { collection_id: String },
}

/// Live events pushed to the owner's clients (WebSocket on the server, channels on the desktop).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "type")]
pub enum Event {
    #[serde(rename = "generation.queued")]
    GenerationQueued { job: Job },
    #[serde(rename = "generation.started")]
    GenerationStarted { job: Job },
    #[serde(rename = "generation.progress")]
    GenerationProgress {
        job_id: String,
        set_id: String,
        progress: f32,
        /// Microseconds since the epoch when the worker emitted this event (for latency measurement).
        #[ts(type = "number")]
        emitted_at_us: i64,
    },
    #[serde(rename = "generation.completed")]
    GenerationCompleted {
        job: Job,
        image: Box<Image>,
        #[ts(type = "number")]
        emitted_at_us: i64,
    },
    #[serde(rename = "generation.failed")]
    GenerationFailed { job: Job },
    #[serde(rename = "balance.changed")]
    BalanceChanged {
        #[ts(type = "number")]
        balance: i64,
    },
    /// Sessions of the account were signed out (`all`: every one). Transports close the event streams
    /// those sessions opened, right after delivering this.
    #[serde(rename = "sessions.revoked")]
    SessionsRevoked { session_ids: Vec<String>, all: bool },
    /// A notification was written for this user.
    #[serde(rename = "notification.created")]
    NotificationCreated {
        notification: crate::social::Notification,
    },
    /// A direct message in one of this user's conversations (sent by them or to them).
    #[serde(rename = "message.created")]
    MessageCreated { message: crate::social::Message },
    /// An admin changed the catalogue (a model enabled or disabled, its price or limit): clients read
    /// it again.
    #[serde(rename = "catalogue.changed")]
    CatalogueChanged {},
    /// Sent by a transport, never published: this client fell behind and `missed` events were
    /// dropped, so it reads again everything it shows.
    #[serde(rename = "resync")]
    Resync {
        #[ts(type = "number")]
        missed: u64,
    },
}

impl Event {
    /// Whether this event ends the event stream that `session_id` opened.
    pub fn ends_session(&self, session_id: &str) -> bool {
        match self {
            Event::SessionsRevoked { session_ids, all } => {
                *all || session_ids.iter().any(|s| s == session_id)
            }
            _ => false,
        }
    }
}

/// Who may receive an event; `Audience::admits` (in `events`) is the one rule transports deliver by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// One person's clients (their jobs, balance, notifications, messages, sessions).
    User(String),
    /// Several people, decided when it is published (a creator's followers, a conversation).
    Users(Vec<String>),
    /// Every admin's clients.
    Admins,
    /// Every client (what everyone sees changed, as the catalogue).
    Everyone,
}

/// An event and who may receive it.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub audience: Audience,
    pub event: Event,
}
