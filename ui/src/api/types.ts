// Generated from the Rust types in crates/pixel-core by `UPDATE_TYPES=1 cargo test -p pixel-core`.
// Do not edit by hand: a test fails when this file is stale.

export type ErrorCode = "invalid_body" | "invalid_input" | "invalid_prompt" | "unknown_model" | "model_unavailable" | "invalid_size" | "invalid_count" | "invalid_parameter" | "unsupported_parameter" | "insufficient_credits" | "credits_owed" | "premium_locked" | "not_found" | "forbidden" | "csrf_failed" | "unauthenticated" | "conflict" | "payload_too_large" | "unsupported_media_type" | "image_too_large" | "rate_limited" | "sign_in_failed" | "unavailable" | "unknown_operation" | "provider_error" | "provider_rejected" | "moderated" | "timeout" | "cancelled" | "internal";

export type ErrorBody = { code: ErrorCode, message: string, };

export type Role = "user" | "admin";

export type User = { id: string, username: string, email: string | null, role: Role, created_at: number, 
/**
 * Made an admin in the admin UI: kept across sign-ins (`PIXEL_ADMIN_EMAILS` makes admins of its
 * own emails besides).
 */
admin_granted: boolean, 
/**
 * When an admin suspended the account: its sessions ended and sign-in is refused until restored.
 */
suspended_at?: number, };

export type Visibility = "private" | "public";

export type MediaKind = "image" | "video";

export type JobState = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "moderated";

export type GenerationParams = { prompt: string, model: string, width: number, height: number, negative_prompt?: string, steps?: number, cfg?: number, quality?: string, style?: string, 
/**
 * Seconds of video, for a video model.
 */
duration?: number, 
/**
 * The library image an image-to-video model animated (its id): the clip's first frame.
 */
source_image?: string, };

export type GenerationSet = { id: string, owner_id: string, params: GenerationParams, n: number, 
/**
 * Credits reserved for the whole set (0 when charging is off or the model is free).
 */
cost: number, remix_of?: string, 
/**
 * The comparison this set belongs to, when one prompt ran on several models.
 */
comparison_id?: string, created_at: number, 
/**
 * Chosen for the set as a whole (`sets.set_visibility`): its images take it, those still being
 * made included. Absent until chosen: each image takes the account's default as it is made.
 */
visibility?: Visibility, };

export type Job = { id: string, set_id: string, owner_id: string, 
/**
 * Position of this image in its set, from 0.
 */
index: number, state: JobState, provider: string, params: GenerationParams, seed: number, 
/**
 * Credits reserved for this job; refunded when it ends in anything but success.
 */
cost: number, attempts: number, max_attempts: number, 
/**
 * Progress from 0 to 1 while running.
 */
progress: number, error?: ErrorBody, 
/**
 * Whether the reserved credits went back to the owner.
 */
refunded: boolean, image_id?: string, remix_of?: string, created_at: number, started_at?: number, finished_at?: number, };

export type Timings = { queued_at: number, started_at: number, finished_at: number, provider_ms: number, processing_ms: number, };

export type GenerationRecord = { provider: string, model: string, 
/**
 * The model id sent to the provider, when it differs from the catalogue id.
 */
provider_model?: string, params: GenerationParams, seed: number, cost: number, attempts: number, timings: Timings, provider_request_id?: string, revised_prompt?: string, remix_of?: string, 
/**
 * Errors of earlier attempts that were retried.
 */
retried_errors: Array<ErrorBody>, set_id: string, job_id: string, index: number, 
/**
 * What a video model's output is, as FFmpeg read it back (never what a client claims).
 */
video?: VideoFacts, };

export type Image = { id: string, owner_id: string, set_id: string, job_id: string, visibility: Visibility, mime: string, width: number, height: number, bytes: number, 
/**
 * Content hash of the original file (sha256, hex).
 */
sha256: string, 
/**
 * Content hash of the WebP thumbnail.
 */
thumb_sha256: string, 
/**
 * Tiny blurred preview as a data: URI, shown while the thumbnail loads.
 */
placeholder: string, 
/**
 * URL of the original file.
 */
url: string, 
/**
 * URL of the WebP thumbnail.
 */
thumb_url: string, record: GenerationRecord, created_at: number, 
/**
 * Set when the image is in a premium collection the viewer has not bought: then its original,
 * its prompt and seed are withheld, and its thumbnail is the blurred placeholder (the cover's
 * excepted).
 */
locked?: PremiumLock, };

export type LedgerKind = "grant" | "reserve" | "capture" | "refund" | "reversal" | "transfer" | "payout" | "adjustment";

export type LedgerEntry = { id: string, user_id: string, kind: LedgerKind, 
/**
 * Signed credits: negative for reservations, positive for grants and refunds.
 */
amount: number, balance_after: number, idempotency_key: string, job_id?: string, memo: string, created_at: number, 
/**
 * What the entry paid for, or came from, where it has a page (filled in when history is listed).
 */
link?: LedgerLink, };

export type LedgerLink = { "to": "set", set_id: string, } | { "to": "listing", listing_id: string, } | { "to": "collection", collection_id: string, };

export type Event = { "type": "generation.queued", job: Job, } | { "type": "generation.started", job: Job, } | { "type": "generation.progress", job_id: string, set_id: string, progress: number, 
/**
 * Microseconds since the epoch when the worker emitted this event (for latency measurement).
 */
emitted_at_us: number, } | { "type": "generation.completed", job: Job, image: Image, emitted_at_us: number, } | { "type": "generation.failed", job: Job, } | { "type": "balance.changed", balance: number, } | { "type": "sessions.revoked", session_ids: Array<string>, all: boolean, } | { "type": "notification.created", notification: Notification, } | { "type": "message.created", message: Message, } | { "type": "catalogue.changed", } | { "type": "resync", missed: number, };

export type Speed = "instant" | "fast" | "medium" | "slow";

export type SizePreset = { label: string, width: number, height: number, };

export type VideoRule = { 
/**
 * The lengths it makes, in seconds.
 */
durations: Array<number>, default_duration: number, 
/**
 * Frames a second of the clips it makes.
 */
fps: number, credits_per_second: number, 
/**
 * Whether it animates an image from the library (image to video).
 */
source_image: SourceImageRule, };

export type SourceImageRule = "none" | "optional" | "required";

export type VideoFacts = { duration_ms: number, 
/**
 * Frames decoded.
 */
frames: number, 
/**
 * The codec, as FFmpeg names it (`h264`, `vp9`, `av1` ...).
 */
codec: string, };

export type SizeRule = { "kind": "fixed", sizes: Array<SizePreset>, } | { "kind": "range", min: number, max: number, multiple_of: number, presets: Array<SizePreset>, };

export type IntRange = { min: number, max: number, default: number, };

export type FloatRange = { min: number, max: number, default: number, };

export type Model = { id: string, 
/**
 * Provider id (`local`, `openai`, ...).
 */
provider: string, name: string, description: string, 
/**
 * True for the built-in offline renderer, which is not an AI model.
 */
offline: boolean, 
/**
 * Credits per image.
 */
credits: number, speed: Speed, sizes: SizeRule, default_size: SizePreset, max_images: number, negative_prompt: boolean, seed: boolean, steps?: IntRange, cfg?: FloatRange, 
/**
 * Allowed quality values; empty when the model has no quality setting.
 */
qualities: Array<string>, 
/**
 * Allowed style values; empty when the model has no style setting.
 */
styles: Array<string>, 
/**
 * The price of each quality at each preset size, where it depends on them; empty otherwise.
 */
prices: Array<PriceEntry>, 
/**
 * For a video model: the clip lengths it makes and their price; None for an image model.
 */
video?: VideoRule, };

export type RetiredModel = { id: string, provider: string, name: string, 
/**
 * When the provider stopped serving it, as `YYYY-MM`.
 */
retired_on: string, 
/**
 * The catalogue model a remix of an old record runs on instead.
 */
replaced_by: string, 
/**
 * One sentence for people: what happened and what runs now.
 */
note: string, };

export type PriceEntry = { quality: string, width: number, height: number, credits: number, };

export type GenerationRequest = { prompt: string, model: string, n?: number, width?: number, height?: number, 
/**
 * Seed for the first image; image i uses seed + i. Random when absent.
 */
seed?: number, negative_prompt?: string, steps?: number, cfg?: number, quality?: string, style?: string, 
/**
 * Seconds of video, for a video model (one of its `video.durations`; its default when absent).
 */
duration?: number, 
/**
 * The image an image-to-video model animates: one of the caller's own, by id.
 */
source_image?: string, 
/**
 * The image this request remixes; lineage is kept on every output.
 */
remix_of?: string, 
/**
 * Chosen by the client (1–100 characters) so that a request retried after a timeout is applied
 * once: the same key answers with the set the first request made, and charges nothing again.
 */
idempotency_key?: string, };

export type Empty = Record<string, never>;

export type CatalogueOutput = { models: Array<Model>, default_model: string, 
/**
 * Ids old records carry that their provider retired, with what a remix runs on now.
 */
retired: Array<RetiredModel>, };

export type ProviderStatus = { id: string, name: string, configured: boolean, offline: boolean, };

export type ProvidersOutput = { providers: Array<ProviderStatus>, };

export type AccountOutput = { user: User, balance: number, charging: boolean, 
/**
 * Whether this server keeps daily login streaks and achievements.
 */
engagement: boolean, settings: AccountSettings, };

export type NotificationPrefs = { new_follower: boolean, like: boolean, comment: boolean, mention: boolean, generation_completed: boolean, tip_received: boolean, prompt_purchased: boolean, collection_purchased: boolean, print_ordered: boolean, achievement_unlocked: boolean, streak_milestone: boolean, payout_completed: boolean, };

export type Theme = "system" | "light" | "dark";

export type AccountSettings = { 
/**
 * A private profile hides the account's profile page and public listing from everyone else.
 */
profile_private: boolean, 
/**
 * The visibility new images get.
 */
default_visibility: Visibility, notifications: NotificationPrefs, theme: Theme, };

export type AuthMode = "single_owner" | "oidc";

export type Me = { id: string, username: string, email: string | null, role: Role, credits: number, 
/**
 * Whether generations are charged in credits on this server.
 */
charging: boolean, settings: AccountSettings, auth_mode: AuthMode, 
/**
 * Send as `X-CSRF-Token` with every state-changing request made with the session cookie.
 */
csrf_token: string | null, };

export type SessionKind = "browser" | "token";

export type SessionInfo = { id: string, kind: SessionKind, label: string, created_at: number, last_used_at: number, expires_at: number, 
/**
 * The session making this request.
 */
current: boolean, };

export type UpdateAccount = { username?: string, settings?: AccountSettings, };

export type SessionsOutput = { sessions: Array<SessionInfo>, };

export type SessionRef = { session_id: string, };

export type RevokeOutput = { revoked: number, };

export type NewToken = { 
/**
 * What the token is for, shown in the list of sessions ("CI", "my laptop").
 */
label: string, };

export type TokenOutput = { 
/**
 * The bearer token. It is shown this once; only its hash is kept.
 */
token: string, session: SessionInfo, };

export type SetVisibility = { image_ids: Array<string>, visibility: Visibility, };

export type SetVisibilityOutput = { changed: Array<string>, };

export type PublishImage = { 
/**
 * The original file (PNG, JPEG or WebP), base64-encoded; at most 20 MB decoded.
 */
image_base64: string, 
/**
 * The generation record it was made with; ids are replaced by this server's.
 */
record: GenerationRecord, 
/**
 * Defaults to the account's default visibility.
 */
visibility?: Visibility, };

export type SubmitOutput = { set: GenerationSet, jobs: Array<Job>, cost: number, };

export type JobRef = { job_id: string, };

export type JobsQuery = { states?: Array<JobState>, limit?: number, };

export type JobsOutput = { jobs: Array<Job>, };

export type SetRef = { set_id: string, };

export type AvatarChoice = { "kind": "image", image_id: string, } | { "kind": "none" };

export type UpdateProfile = { 
/**
 * At most 280 characters; leading and trailing space is dropped. Absent: unchanged.
 */
bio?: string, 
/**
 * Absent: unchanged.
 */
avatar?: AvatarChoice, };

export type ProfileShown = { bio: string, 
/**
 * The picture's thumbnail, while its image is still the owner's and public.
 */
avatar_url?: string, };

export type SetVisibilityChoice = { set_id: string, visibility: Visibility, };

export type SetDetail = { set: GenerationSet, 
/**
 * Who made it (a public set's page names its creator); always there in `sets.get`'s answer.
 */
owner?: UserSummary, jobs: Array<Job>, images: Array<Image>, };

export type PageQuery = { before?: string, limit?: number, };

export type SetsOutput = { sets: Array<GenerationSet>, next?: string, };

export type ImageRef = { image_id: string, };

export type ImagesQuery = { model?: string, text?: string, from?: number, to?: number, set_id?: string, 
/**
 * Only images the caller gave this tag.
 */
tag?: string, 
/**
 * Only the caller's images in this collection.
 */
collection_id?: string, 
/**
 * Only stills, or only clips.
 */
media?: MediaKind, before?: string, limit?: number, };

export type ImagesOutput = { images: Array<Image>, next?: string, };

export type DeleteImages = { image_ids: Array<string>, };

export type DeleteOutput = { deleted: Array<string>, };

export type LedgerQuery = { limit?: number, 
/**
 * The `next` of the previous page.
 */
before?: string, };

export type ImportRequest = { 
/**
 * The PNG, JPEG or WebP file, base64-encoded.
 */
file_base64?: string, 
/**
 * The same, by its first name (from when only PNGs were read).
 */
png_base64?: string, };

export type ProviderHealth = { 
/**
 * None when not checked (not configured, or nothing to reach).
 */
reachable?: boolean, 
/**
 * The account's remaining balance in the provider's own unit, where its API offers it.
 */
balance?: string, 
/**
 * The same balance as a number, where the provider counts it in credits: what low-balance
 * warnings compare against the admins' threshold.
 */
credits?: number, 
/**
 * Why it is unreachable, in words.
 */
message?: string, };

export type ProviderHealthStatus = { id: string, name: string, configured: boolean, offline: boolean, health: ProviderHealth, 
/**
 * The credits under which admins are told it runs low, where they set one.
 */
low_credits?: number, 
/**
 * Its balance is under that threshold now.
 */
low: boolean, };

export type ProvidersHealthOutput = { providers: Array<ProviderHealthStatus>, };

export type CompareRequest = { prompt: string, 
/**
 * 2–4 different model ids.
 */
models: Array<string>, 
/**
 * Images per model (default 1).
 */
n?: number, 
/**
 * Used by the models that accept a negative prompt; an error names any model that does not.
 */
negative_prompt?: string, seed?: number, };

export type CompareOutput = { comparison_id: string, 
/**
 * One set per model, in the order asked.
 */
sets: Array<SubmitOutput>, 
/**
 * The sum of every model's cost.
 */
cost: number, };

export type ComparisonRef = { comparison_id: string, };

export type ComparisonDetail = { comparison_id: string, sets: Array<SetDetail>, };

export type ImportedRecord = { 
/**
 * `a1111`, `comfyui`, `invokeai`, `fooocus` or `novelai`.
 */
source: string, prompt: string, negative_prompt?: string, width?: number, height?: number, 
/**
 * As the file has it: ComfyUI's seeds are 64-bit (this installation's models take 32-bit ones).
 */
seed?: number, steps?: number, cfg?: number, sampler?: string, 
/**
 * The checkpoint or model name the other tool used.
 */
model?: string, 
/**
 * What the reader chose where the file offered more than one answer (a ComfyUI graph with
 * several samplers: which one was taken, and the others), in words.
 */
notes?: Array<string>, };

export type ImportOutput = { record: ImportedRecord, 
/**
 * A request that generates again with this record, on a model this installation can run.
 */
request: GenerationRequest, 
/**
 * Parts of the record the chosen model cannot use, in words (nothing is dropped silently).
 */
dropped: Array<string>, };

export type LedgerOutput = { entries: Array<LedgerEntry>, balance: number, 
/**
 * Credits a refunded or disputed purchase left owed: spending waits until they are paid.
 */
owed: number, 
/**
 * The cursor of the next (older) page; absent on the last.
 */
next?: string, };

export type CreditPack = { id: string, credits: number, 
/**
 * The price in the currency's smallest unit (299 is $2.99).
 */
amount: number, 
/**
 * ISO 4217, lower case (`usd`).
 */
currency: string, };

export type PacksOutput = { packs: Array<CreditPack>, 
/**
 * Whether credits can be bought here (charging on, payments set up).
 */
for_sale: boolean, };

export type BuyCredits = { 
/**
 * One of `credits.packs`' ids. The credits and the price are the server's, never the client's.
 */
pack_id: string, };

export type BuyOutput = { purchase_id: string, 
/**
 * The payment page to send the buyer to.
 */
checkout_url: string, };

export type StorageUsage = { images: number, 
/**
 * Bytes of the originals (thumbnails are small and not counted).
 */
bytes: number, };

export type ExportQuery = { image_ids?: Array<string>, text?: string, model?: string, from?: number, to?: number, set_id?: string, tag?: string, collection_id?: string, 
/**
 * The whole account: its data as JSON documents (account, ledger, collections, tags, comments,
 * likes, follows), then every image. Nothing else may be asked with it.
 */
whole_account?: boolean, };

export type TagImages = { 
/**
 * 1 to 10,000 of the caller's images.
 */
image_ids: Array<string>, 
/**
 * 1 to 10 tags.
 */
tags: Array<string>, };

export type TagsChanged = { 
/**
 * Image-tag pairs added or removed (ones already so are not counted).
 */
changed: number, };

export type TagCount = { tag: string, images: number, };

export type TagsOutput = { tags: Array<TagCount>, };

export type ImageTags = { image_id: string, tags: Array<string>, 
/**
 * Tags a tagger proposed that the owner has not yet accepted or rejected.
 */
proposed: Array<TagSuggestion>, };

export type ImageIds = { ids: Array<string>, 
/**
 * More images match than the 10,000 given.
 */
truncated: boolean, };

export type StyleQuery = { 
/**
 * Whose; the caller's own when left out.
 */
user_id?: string, };

export type Swatch = { 
/**
 * `#rrggbb`.
 */
hex: string, 
/**
 * 0 to 1.
 */
share: number, };

export type Share = { id: string, name: string, images: number, 
/**
 * Of the images drawn on, 0 to 1.
 */
share: number, };

export type StyleFingerprint = { user_id: string, 
/**
 * How many images it was drawn from (the newest, up to 200).
 */
images: number, colours: Array<Swatch>, models: Array<Share>, styles: Array<Share>, subjects: Array<Share>, };

export type TagSuggestion = { tag: string, source: TagSource, };

export type SuggestedTags = { image_id: string, 
/**
 * Who proposed them, in words.
 */
tagger: string, 
/**
 * Every proposal waiting on the image (this one's and earlier ones').
 */
proposed: Array<TagSuggestion>, };

export type TagReview = { image_id: string, 
/**
 * Tags to give the image (proposed or not).
 */
accept: Array<string>, 
/**
 * Proposals to drop and never propose again for this image.
 */
reject: Array<string>, };

export type AdminActionKind = "credits_adjust" | "user_suspend" | "user_restore" | "admin_grant" | "admin_revoke" | "user_sign_out" | "report_dismiss" | "image_hide" | "image_delete" | "model_change" | "post_save" | "post_publish" | "post_unpublish" | "post_delete" | "comment_remove" | "provider_alert_set" | "user_warn";

export type AdminChange = { 
/**
 * Credits added (positive) or taken away (negative).
 */
amount?: number, balance_after?: number, 
/**
 * The ledger entry an adjustment wrote.
 */
ledger_entry_id?: string, 
/**
 * Sessions and tokens the action ended.
 */
sessions_ended?: number, 
/**
 * The report a moderation action resolved.
 */
report_id?: string, 
/**
 * The image a moderation action hid or deleted.
 */
image_id?: string, 
/**
 * Public images a suspension hid, or a restore published again.
 */
images_hidden?: number, 
/**
 * The comment a moderator removed.
 */
comment_id?: string, 
/**
 * The blog post written, published, taken back or deleted.
 */
post_id?: string, 
/**
 * Open reports the action closed.
 */
reports_closed?: number, 
/**
 * The catalogue model an action changed, and its settings after it.
 */
model_id?: string, enabled?: boolean, credits?: number, max_images?: number, 
/**
 * The provider whose low-balance warning an action set (or turned off: no `low_credits`).
 */
provider_id?: string, low_credits?: number, };

export type AuditEntry = { id: string, admin: UserSummary, kind: AdminActionKind, target?: UserSummary, reason: string, change: AdminChange, created_at: number, };

export type AdminUser = { user: User, balance: number, };

export type AdminUsersQuery = { 
/**
 * The start of a username, or part of an email; empty for the newest accounts.
 */
query: string, limit?: number, };

export type AdminUsersOutput = { users: Array<AdminUser>, };

export type AdminUserRef = { user_id: string, };

export type AdminUserDetail = { user: User, balance: number, 
/**
 * Credits owed after a reversed purchase.
 */
owed: number, images: number, image_bytes: number, 
/**
 * Open sessions and tokens.
 */
sessions: Array<SessionInfo>, 
/**
 * The newest ledger entries.
 */
ledger: Array<LedgerEntry>, 
/**
 * The newest admin actions on this account.
 */
actions: Array<AuditEntry>, };

export type CreditAdjustment = { user_id: string, 
/**
 * Credits to add (positive) or take away (negative): never zero, at most 1,000,000 either way.
 */
amount: number, 
/**
 * Why, 3–500 characters: kept in the ledger's memo and the audit log.
 */
reason: string, 
/**
 * The same key twice adjusts once (a retried click); one is made when absent.
 */
idempotency_key?: string, };

export type CreditAdjustmentOutput = { entry: LedgerEntry, balance: number, };

export type AdminUserAction = { user_id: string, 
/**
 * Why, 3–500 characters: kept in the audit log.
 */
reason: string, };

export type SetAdmin = { user_id: string, admin: boolean, 
/**
 * Why, 3–500 characters: kept in the audit log.
 */
reason: string, };

export type AdminUserChanged = { user: User, 
/**
 * Sessions and tokens the action ended.
 */
sessions_ended: number, };

export type AuditQuery = { kind?: AdminActionKind, user_id?: string, before?: string, limit?: number, };

export type AuditOutput = { entries: Array<AuditEntry>, next?: string, };

export type ReportOutcome = "dismiss" | "hide" | "delete";

export type ReportResolution = "dismissed" | "hidden" | "deleted";

export type ResolveReport = { report_id: string, outcome: ReportOutcome, 
/**
 * Why, 3–500 characters: kept in the audit log (and the deletion log for a delete).
 */
reason: string, };

export type ResolveOutput = { 
/**
 * Open reports the action closed (every report of a hidden or deleted image).
 */
reports_closed: number, };

export type Deletion = { id: string, admin: UserSummary, 
/**
 * What was deleted: `image`.
 */
kind: string, target_id: string, owner?: UserSummary, reason: string, 
/**
 * The deleted thing as it was, as JSON (an image with its generation record).
 */
record: string, created_at: number, };

export type DeletionsQuery = { 
/**
 * An owner's username, the deleted thing's id, or a word of the reason.
 */
query?: string, before?: string, limit?: number, };

export type DeletionsOutput = { deletions: Array<Deletion>, next?: string, };

export type AdminModel = { id: string, name: string, provider: string, offline: boolean, enabled: boolean, 
/**
 * Credits per image now.
 */
credits: number, 
/**
 * The most images a request now.
 */
max_images: number, 
/**
 * What the configuration says, before any admin's setting.
 */
default_credits: number, default_max_images: number, };

export type AdminModelsOutput = { models: Array<AdminModel>, };

export type UpdateModel = { model_id: string, enabled: boolean, 
/**
 * Credits per image, 0–10,000.
 */
credits: number, 
/**
 * 1 up to what the model allows.
 */
max_images: number, 
/**
 * Why, 3–500 characters: kept in the audit log.
 */
reason: string, };

export type TagSource = "vision" | "record";

export type AnalyticsQuery = { 
/**
 * Days back from today, 7 to 365 (30 when absent).
 */
days?: number, };

export type DayActivity = { 
/**
 * The day's start (UTC midnight).
 */
day: number, 
/**
 * Images asked for that day, in whatever state they are now.
 */
generations: number, succeeded: number, 
/**
 * Failed or refused by moderation (cancelled ones are the person's choice, not a failure).
 */
failed: number, credits_spent: number, credits_earned: number, credits_rewarded: number, };

export type CountOf = { name: string, count: number, };

export type WeekTotals = { generations: number, succeeded: number, credits_spent: number, credits_earned: number, };

export type PersonalAnalytics = { days: number, 
/**
 * Every day of the window, oldest first, today last (days without activity are zeros).
 */
daily: Array<DayActivity>, 
/**
 * The window's totals.
 */
totals: DayActivity, 
/**
 * Succeeded out of those that ended (succeeded, failed or refused); None before any ended.
 */
success_rate: number | null, 
/**
 * The models used most in the window, most first.
 */
models: Array<CountOf>, 
/**
 * The prompts of the most images in the window, most first.
 */
top_prompts: Array<CountOf>, 
/**
 * The last seven days (today included) and the seven before them.
 */
this_week: WeekTotals, last_week: WeekTotals, };

export type OverviewQuery = { 
/**
 * Days back from today, 7 to 365 (30 when absent).
 */
days?: number, };

export type OverviewDay = { 
/**
 * The day's start (UTC midnight).
 */
day: number, signups: number, 
/**
 * Accounts that signed in or used a session that day.
 */
active: number, 
/**
 * Images asked for that day that were made, and that failed or were refused by moderation.
 */
images_made: number, images_failed: number, credits_bought: number, 
/**
 * Reserved for generations (before refunds).
 */
credits_spent: number, credits_refunded: number, 
/**
 * Received by creators from tips and sales (the platform's fees not counted).
 */
credits_earned: number, };

export type AccountCounts = { total: number, suspended: number, active_today: number, active_week: number, active_month: number, };

export type StorageUsed = { images: number, bytes: number, };

export type Outcomes = { 
/**
 * The provider's id, or the model's.
 */
name: string, 
/**
 * The provider of a model's row (the provider's own row repeats its id).
 */
provider: string, 
/**
 * Jobs asked for in the window, in whatever state they are now.
 */
jobs: number, succeeded: number, 
/**
 * Failed, including refused by the provider's moderation.
 */
failed: number, moderated: number, 
/**
 * Succeeded out of those that ended (cancelled ones are the person's choice); None before any did.
 */
success_rate: number | null, 
/**
 * Mean seconds from a job's start to its end, over the ones that ran; None before any did.
 */
mean_seconds: number | null, };

export type AdminOverview = { days: number, 
/**
 * Every day of the window, oldest first, today last (days without activity are zeros).
 */
daily: Array<OverviewDay>, 
/**
 * The window's totals (its `day` is the first day's).
 */
totals: OverviewDay, accounts: AccountCounts, storage: StorageUsed, 
/**
 * Each provider used in the window, the most jobs first.
 */
providers: Array<Outcomes>, 
/**
 * Each model used in the window, the most jobs first.
 */
models: Array<Outcomes>, };

export type PostSummary = { id: string, 
/**
 * The post's address: `/blog/<slug>`.
 */
slug: string, title: string, summary: string, category: string, tags: Array<string>, author: UserSummary, 
/**
 * None while it is a draft.
 */
published_at: number | null, updated_at: number, };

export type Post = { post: PostSummary, 
/**
 * The markdown as written.
 */
body: string, 
/**
 * The body rendered: raw HTML shown as text, only http(s), mailto and this site's addresses.
 */
html: string, };

export type BlogListQuery = { category?: string, tag?: string, before?: string, limit?: number, };

export type BlogListOutput = { posts: Array<PostSummary>, 
/**
 * The cursor of the next page, if there is one.
 */
next: string | null, };

export type BlogGetQuery = { slug: string, };

export type SavePost = { 
/**
 * The post to change; absent for a new one (a draft).
 */
id?: string, 
/**
 * Lower-case letters, digits and dashes, up to 80.
 */
slug: string, title: string, 
/**
 * Shown in lists; the body's first words when empty.
 */
summary: string, 
/**
 * Markdown.
 */
body: string, 
/**
 * Lower-case letters, digits and dashes; `whats-new` puts it on the "what's new" page.
 */
category: string, tags: Array<string>, };

export type PublishPost = { id: string, 
/**
 * True to publish, false to take it back to draft.
 */
published: boolean, };

export type DeletePost = { id: string, reason: string, };

export type PreviewPost = { body: string, };

export type PreviewOutput = { html: string, };

export type RefusalsQuery = { before?: string, limit?: number, };

export type ReportedComment = { id: string, image_id: string, author: UserSummary, body: string, };

export type Refusal = { job_id: string, owner: UserSummary, provider: string, model: string, prompt: string, 
/**
 * What the provider said, as the person was told.
 */
message: string, at: number, };

export type RefusalsOutput = { refusals: Array<Refusal>, next: string | null, };

export type ProviderAlertInput = { provider_id: string, 
/**
 * Warn under this many credits (1 to 100,000,000); absent to stop warning.
 */
low_credits?: number, };

export type ProviderAlertOutput = { provider_id: string, low_credits?: number, };

export type WarnUser = { user_id: string, 
/**
 * What the account is told, 3–500 characters; the audit log keeps the same words.
 */
message: string, };

export type WarnOutput = { 
/**
 * The notification the account received.
 */
notification_id: string, };

export type AchievementKind = "generations" | "followers" | "likes_received" | "comments" | "collections" | "longest_streak";

export type Tier = "bronze" | "silver" | "gold" | "platinum";

export type AwardNote = { 
/**
 * An achievement's id, or `streak_day_<n>` for a streak milestone.
 */
id: string, title: string, };

export type AchievementView = { id: string, kind: AchievementKind, title: string, description: string, tier: Tier, xp: number, 
/**
 * Credits it gives (on a server that uses credits).
 */
credits: number, threshold: number, 
/**
 * How far the caller has come, at most the threshold.
 */
progress: number, unlocked_at: number | null, };

export type AchievementsOutput = { 
/**
 * The catalogue in ladder order.
 */
achievements: Array<AchievementView>, 
/**
 * The XP of every unlocked achievement.
 */
xp: number, unlocked: number, 
/**
 * Whether rewards are paid in credits here (a server that charges), or only XP.
 */
credit_rewards: boolean, };

export type StreakView = { 
/**
 * Days in a row up to today or yesterday; 0 once a day was missed.
 */
current_days: number, longest_days: number, claimed_today: boolean, 
/**
 * The next milestone's length and bonus, if one is ahead.
 */
next_milestone: number | null, next_bonus: number, 
/**
 * Credits a day's claim gives here (0 on a server without credits).
 */
daily_credits: number, 
/**
 * When the next UTC day starts.
 */
next_day_at: number, };

export type StreakClaimOutput = { streak: StreakView, 
/**
 * True for the day's first claim; false when today was claimed already.
 */
claimed: boolean, 
/**
 * Credits this claim gave (the milestone bonus included).
 */
credits: number, 
/**
 * The milestone this claim reached, if any.
 */
milestone: number | null, };

export type TipNote = { tip_id: string, amount: number, message?: string, };

export type Tip = { id: string, 
/**
 * The other side: the giver of a received tip, the receiver of a sent one.
 */
other: UserSummary, amount: number, message?: string, image_id?: string, created_at: number, };

export type SendTip = { 
/**
 * The account to tip.
 */
user_id: string, 
/**
 * Credits, 1 to 1,000.
 */
amount: number, 
/**
 * Up to 500 characters, shown to the receiver alone.
 */
message?: string, 
/**
 * The receiver's image the tip is for (one the caller may see).
 */
image_id?: string, 
/**
 * A key the client makes once per tip (a UUID): a retry with the same key gives nothing twice.
 */
request_key?: string, };

export type SendTipOutput = { tip_id: string, 
/**
 * The caller's balance after the tip.
 */
balance: number, };

export type TipDirection = "received" | "sent";

export type TipsQuery = { direction: TipDirection, before?: string, limit?: number, };

export type TipsOutput = { tips: Array<Tip>, next?: string, };

export type MarketSort = "newest" | "popular" | "top_rated" | "price_asc" | "price_desc";

export type Review = { buyer: UserSummary, stars: number, body?: string, created_at: number, updated_at: number, };

export type Listing = { id: string, seller: UserSummary, title: string, description: string, price: number, tags: Array<string>, 
/**
 * Sample images, public ones only (a sample made private since is no longer shown).
 */
samples: Array<string>, model?: string, sales: number, 
/**
 * The average of its reviews, none before the first.
 */
rating?: number, reviews: number, 
/**
 * Still for sale.
 */
listed: boolean, 
/**
 * The viewer bought it.
 */
owned: boolean, 
/**
 * The viewer sells it.
 */
mine: boolean, 
/**
 * The prompt itself: for its buyers, its seller and admins, and only on `market.get`.
 */
prompt?: string, negative_prompt?: string, created_at: number, };

export type PublishListing = { 
/**
 * 1 to 100 characters.
 */
title: string, 
/**
 * Up to 1,000 characters.
 */
description: string, 
/**
 * The prompt for sale, 1 to 4,000 characters.
 */
prompt: string, negative_prompt?: string, 
/**
 * The catalogue model the prompt is for.
 */
model?: string, 
/**
 * 1 to 1,000 credits.
 */
price: number, 
/**
 * Up to 10, each 1 to 30 letters, digits or dashes.
 */
tags: Array<string>, 
/**
 * 1 to 8 of the seller's own public images.
 */
sample_image_ids: Array<string>, };

export type MarketQuery = { text?: string, tag?: string, seller_id?: string, sort?: MarketSort, before?: string, limit?: number, };

export type ListingsOutput = { listings: Array<Listing>, next?: string, };

export type ListingRef = { listing_id: string, };

export type BuyListingOutput = { listing: Listing, 
/**
 * The buyer's balance after.
 */
balance: number, };

export type ReviewListing = { listing_id: string, 
/**
 * 1 to 5.
 */
stars: number, 
/**
 * Up to 1,000 characters.
 */
body?: string, };

export type ReviewsQuery = { listing_id: string, before?: string, limit?: number, };

export type ReviewsOutput = { reviews: Array<Review>, next?: string, };

export type PremiumLock = { collection_id: string, title: string, price: number, 
/**
 * The collection's cover: its thumbnail is shown, its original still withheld.
 */
cover: boolean, };

export type Collection = { id: string, owner: UserSummary, title: string, description: string, visibility: Visibility, 
/**
 * The image shown for it: the chosen cover while the viewer may see it, else the first image
 * the viewer may see; absent for an empty collection.
 */
cover_image_id?: string, 
/**
 * The images the viewer may see (all of them for its owner, its public ones for others).
 */
image_count: number, 
/**
 * Credits to unlock it; 0 for a free collection.
 */
price: number, sales: number, mine: boolean, 
/**
 * Whether the viewer sees its images whole: free, or theirs, bought, or an admin's view.
 */
unlocked: boolean, created_at: number, updated_at: number, };

export type CreateCollection = { title: string, description?: string, 
/**
 * Private unless chosen.
 */
visibility?: Visibility, image_ids?: Array<string>, };

export type UpdateCollection = { collection_id: string, title?: string, description?: string, visibility?: Visibility, 
/**
 * An image of the collection to show for it; an empty string goes back to the first image.
 */
cover_image_id?: string, };

export type CollectionRef = { collection_id: string, };

export type CollectionImages = { collection_id: string, image_ids: Array<string>, };

export type MoveCollectionImage = { collection_id: string, image_id: string, 
/**
 * Its place afterwards, counted from 0; past the end means last.
 */
to_index: number, };

export type CollectionsQuery = { 
/**
 * Whose collections: the caller's own when absent.
 */
user_id?: string, before?: string, limit?: number, };

export type CollectionsOutput = { collections: Array<Collection>, next?: string, };

export type ExploreCollections = { 
/**
 * Only collections for sale.
 */
premium?: boolean, before?: string, limit?: number, };

export type CollectionQuery = { collection_id: string, 
/**
 * The cursor `next` of the page before.
 */
after?: string, limit?: number, };

export type CollectionDetail = { collection: Collection, 
/**
 * A page of its images in the owner's order; for a viewer who has not bought a premium one,
 * withheld (see `Image::locked`).
 */
images: Array<Image>, next?: string, };

export type CollectionPrice = { collection_id: string, 
/**
 * Credits, 1 to 500; 0 stops selling it.
 */
price: number, };

export type BuyCollectionOutput = { collection: Collection, 
/**
 * The buyer's balance afterwards.
 */
balance: number, };

export type PrintProduct = "poster" | "canvas" | "framed" | "metal";

export type PrintSize = { 
/**
 * Inches, width x height ("12x16").
 */
size: string, price: number, };

export type PrintOffer = { product: PrintProduct, name: string, 
/**
 * Cents for the first item; each further one adds `extra_item_shipping`.
 */
shipping: number, extra_item_shipping: number, sizes: Array<PrintSize>, };

export type PrintQuote = { product: PrintProduct, size: string, quantity: number, unit_price: number, items: number, shipping: number, total: number, currency: string, };

export type Recipient = { name: string, address1: string, address2?: string, city: string, 
/**
 * Required for the US, Canada and Australia (two letters).
 */
state_code?: string, 
/**
 * ISO 3166-1 alpha-2.
 */
country_code: string, zip: string, email?: string, };

export type PrintStatus = "awaiting_payment" | "paid" | "in_production" | "shipped" | "canceled" | "failed";

export type Tracking = { carrier: string, number: string, url: string, };

export type PrintOrder = { id: string, buyer_id: string, image_id: string, 
/**
 * Whose image it is: paid the royalty when it ships.
 */
creator_id: string, quote: PrintQuote, recipient: Recipient, status: PrintStatus, tracking?: Tracking, 
/**
 * Credits the creator is paid when it ships (0 for a print of one's own image).
 */
royalty: number, 
/**
 * Why it failed, in the lab's words.
 */
failure?: string, 
/**
 * When its payment was given back (a cancelled or failed order that was paid).
 */
refunded_at?: number, created_at: number, updated_at: number, };

export type PrintProductsOutput = { products: Array<PrintOffer>, 
/**
 * Whether this server takes print orders (it needs a payment provider and a print lab).
 */
available: boolean, };

export type PrintChoice = { image_id: string, product: PrintProduct, size: string, quantity: number, };

export type OrderPrint = { image_id: string, product: PrintProduct, size: string, quantity: number, recipient: Recipient, };

export type OrderPrintOutput = { order: PrintOrder, 
/**
 * The payment page: the order goes to the lab once it is paid there.
 */
checkout_url: string, };

export type PrintOrdersOutput = { orders: Array<PrintOrder>, next?: string, };

export type PrintOrderRef = { order_id: string, };

export type EarningsQuery = { 
/**
 * How many days the series covers, 7 to 365 (30 when left out).
 */
days?: number, };

export type EarningsDay = { 
/**
 * The start of the UTC day.
 */
day: number, 
/**
 * Credits from sales that day, after the fee.
 */
sales: number, tips: number, };

export type EarningsOutput = { 
/**
 * Prompts sold, all time.
 */
sales: number, 
/**
 * What buyers paid.
 */
gross: number, 
/**
 * The platform's share of that.
 */
fees: number, 
/**
 * What the sales earned: gross less fees.
 */
net: number, 
/**
 * Tips received, all time (no fee).
 */
tips: number, 
/**
 * One entry per day, oldest first, days with nothing included.
 */
days: Array<EarningsDay>, };

export type PayoutStatus = "requested" | "in_transit" | "paid" | "failed";

export type Payout = { id: string, user_id: string, credits: number, 
/**
 * Cents sent.
 */
amount: number, currency: string, status: PayoutStatus, failure?: string, created_at: number, updated_at: number, };

export type PayoutsOutput = { 
/**
 * This server pays creators out.
 */
available: boolean, 
/**
 * The caller has begun setting up their payout account.
 */
connected: boolean, 
/**
 * The payment provider can pay that account.
 */
ready: boolean, 
/**
 * Earned credits past the hold, not yet paid out, that the balance still holds.
 */
payable_credits: number, 
/**
 * Credits earned within the hold: payable once it passes.
 */
held_credits: number, hold_days: number, 
/**
 * What they would be paid, in cents.
 */
payable_amount: number, cents_per_credit: number, minimum_credits: number, payouts: Array<Payout>, };

export type OnboardOutput = { 
/**
 * Send the creator here; they come back to the Earnings page.
 */
url: string, };

export type UserSummary = { id: string, username: string, 
/**
 * Their profile picture's thumbnail, while that image is still theirs and public (the rule of
 * `profiles.get`); absent otherwise, and wherever the list does not carry pictures.
 */
avatar_url?: string, };

export type PublicImage = { image: Image, creator: UserSummary, likes: number, comments: number, 
/**
 * Whether the viewer likes it (false for anonymous viewers).
 */
liked: boolean, 
/**
 * Whether the viewer follows its creator.
 */
following: boolean, };

export type Comment = { id: string, image_id: string, 
/**
 * The comment it answers; None for a top-level comment.
 */
parent_id: string | null, author: UserSummary | null, body: string, deleted: boolean, likes: number, replies: number, 
/**
 * Whether the viewer likes it.
 */
liked: boolean, created_at: number, edited_at: number | null, };

export type NotificationKind = "new_follower" | "like" | "comment" | "mention" | "generation_completed" | "tip_received" | "prompt_purchased" | "collection_purchased" | "print_ordered" | "achievement_unlocked" | "streak_milestone" | "payout_completed" | "payout_failed" | "report_resolved" | "account_warned" | "provider_low_balance";

export type Notification = { id: string, kind: NotificationKind, 
/**
 * Who did it (None for the system's own news, such as a finished generation).
 */
actor: UserSummary | null, 
/**
 * The image it is about, only while the recipient may see that image.
 */
image_id: string | null, comment_id: string | null, 
/**
 * Whether the image it names is the recipient's own (a comment on your image, not a reply to
 * your comment on someone else's).
 */
on_own_image: boolean, 
/**
 * The tip a `tip_received` notification is about.
 */
tip?: TipNote, 
/**
 * The achievement or streak milestone an `achievement_unlocked` or `streak_milestone`
 * notification is about.
 */
award?: AwardNote, 
/**
 * How the recipient's report ended, for a `report_resolved` notification.
 */
report_outcome?: ReportResolution, 
/**
 * Words for the recipient: an admin's warning, or which provider runs low.
 */
message?: string, read: boolean, created_at: number, };

export type ExploreQuery = { 
/**
 * Words of the prompt, at most 200 characters.
 */
text?: string, model?: string, from?: number, to?: number, 
/**
 * newest (the default), top (most liked) or trending (time-decayed, over `period`).
 */
sort?: ExploreSort, 
/**
 * Trending's window: 24h, 48h (the default), 7d or 30d.
 */
period?: TrendPeriod, 
/**
 * One creator's public work (a profile page).
 */
creator_id?: string, 
/**
 * Only stills, or only clips.
 */
media?: MediaKind, 
/**
 * The `next` cursor of the previous page.
 */
before?: string, 
/**
 * 1–200, 50 when absent.
 */
limit?: number, };

export type PublicImagesOutput = { images: Array<PublicImage>, 
/**
 * The cursor of the next page; absent on the last.
 */
next?: string, };

export type UserRef = { user_id: string, };

export type FollowListQuery = { user_id: string, before?: string, limit?: number, };

export type ProfileQuery = { username: string, };

export type FollowOutput = { following: boolean, 
/**
 * The followed account's follower count after the change.
 */
followers: number, };

export type FollowEntry = { user: UserSummary, since: number, };

export type FollowListOutput = { users: Array<FollowEntry>, next?: string, };

export type Profile = { user: UserSummary, followers: number, following: number, 
/**
 * Whether the caller follows this account.
 */
followed: boolean, 
/**
 * Whether this is the caller's own profile.
 */
own: boolean, 
/**
 * Whether the caller blocks this account.
 */
blocked: boolean, joined_at: number, bio: string, 
/**
 * The picture's thumbnail, while its image is still the owner's and public.
 */
avatar_url?: string, };

export type LikeOutput = { liked: boolean, 
/**
 * The like count after the change.
 */
likes: number, };

export type CommentRef = { comment_id: string, };

export type NewComment = { image_id: string, 
/**
 * 1–500 characters.
 */
body: string, 
/**
 * The comment this replies to, on the same image.
 */
parent_id?: string, };

export type CommentsQuery = { image_id: string, 
/**
 * The `next` cursor of the previous page.
 */
after?: string, 
/**
 * 1–500, 200 when absent.
 */
limit?: number, };

export type CommentsOutput = { comments: Array<Comment>, next?: string, };

export type EditComment = { comment_id: string, body: string, };

export type CommentDeleted = { 
/**
 * True when replies keep the comment as a placeholder.
 */
placeholder: boolean, };

export type NotificationsQuery = { unread_only?: boolean, before?: string, limit?: number, };

export type NotificationsOutput = { notifications: Array<Notification>, unread: number, next?: string, };

export type MarkRead = { 
/**
 * 1–500 notification ids; absent marks every one read.
 */
ids?: Array<string>, };

export type NotificationIds = { 
/**
 * 1–500 notification ids.
 */
ids: Array<string>, };

export type NotificationsChanged = { changed: number, unread: number, };

export type BlockOutput = { blocked: boolean, };

export type ReportTarget = "image" | "comment" | "user" | "message";

export type Report = { id: string, reporter_id: string, target: ReportTarget, target_id: string, reason: string, created_at: number, resolved_at: number | null, };

export type NewReport = { target: ReportTarget, target_id: string, 
/**
 * 1–1000 characters.
 */
reason: string, };

export type ReportOutput = { 
/**
 * False when the caller had already reported it (a second report is no louder).
 */
filed: boolean, };

export type ReportsQuery = { after?: string, limit?: number, };

export type ReportsOutput = { reports: Array<Report>, 
/**
 * The reported comments of this page still there, so an admin reads what they judge.
 */
comments: Array<ReportedComment>, next?: string, };

export type ExploreSort = "newest" | "top" | "trending";

export type TrendPeriod = "24h" | "48h" | "7d" | "30d";

export type Message = { id: string, conversation_id: string, sender_id: string, body: string, created_at: number, };

export type Conversation = { id: string, 
/**
 * The other person.
 */
with: UserSummary, last_body: string, 
/**
 * Whether the viewer sent the last message.
 */
last_from_me: boolean, last_message_at: number, 
/**
 * Messages the viewer has not read.
 */
unread: number, };

export type SendMessage = { to_user_id: string, 
/**
 * 1–2000 characters.
 */
body: string, };

export type ConversationRef = { conversation_id: string, };

export type MessagesQuery = { conversation_id: string, before?: string, limit?: number, };

export type ConversationsOutput = { conversations: Array<Conversation>, 
/**
 * Unread messages across every conversation.
 */
unread: number, next?: string, };

export type MessagesOutput = { messages: Array<Message>, 
/**
 * The other person.
 */
with: UserSummary, next?: string, };

export type RemixesQuery = { image_id: string, before?: string, limit?: number, };

export type ProfileSearch = { 
/**
 * The start of a username, 1–30 characters (a leading @ is ignored).
 */
text: string, 
/**
 * 1–50, 20 when absent.
 */
limit?: number, };

export type ProfileSearchOutput = { users: Array<UserSummary>, };

export type CreatorsQuery = { 
/**
 * 48h when absent.
 */
period?: TrendPeriod, 
/**
 * 1–50, 12 when absent.
 */
limit?: number, };

export type TrendingCreator = { user: UserSummary, 
/**
 * followers x 2 + likes on their public work of the period x 3 + its images x 0.5.
 */
score: number, };

export type CreatorsOutput = { creators: Array<TrendingCreator>, };

/** The HTTP status the server answers each error code with (transports without HTTP use it too). */
export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_body: 400,
  invalid_input: 422,
  invalid_prompt: 422,
  unknown_model: 422,
  model_unavailable: 503,
  invalid_size: 422,
  invalid_count: 422,
  invalid_parameter: 422,
  unsupported_parameter: 422,
  insufficient_credits: 402,
  credits_owed: 402,
  premium_locked: 402,
  not_found: 404,
  forbidden: 403,
  csrf_failed: 403,
  unauthenticated: 401,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  image_too_large: 413,
  rate_limited: 429,
  sign_in_failed: 400,
  unavailable: 503,
  unknown_operation: 404,
  provider_error: 502,
  provider_rejected: 502,
  moderated: 502,
  timeout: 502,
  cancelled: 502,
  internal: 500,
};

/** Every operation of the registry: method name -> input and output types. */
export interface Methods {
  'account.get': { input: Empty; output: AccountOutput };
  'account.update': { input: UpdateAccount; output: AccountOutput };
  'achievements.list': { input: Empty; output: AchievementsOutput };
  'admin.audit.list': { input: AuditQuery; output: AuditOutput };
  'admin.blog.delete': { input: DeletePost; output: Empty };
  'admin.blog.list': { input: BlogListQuery; output: BlogListOutput };
  'admin.blog.preview': { input: PreviewPost; output: PreviewOutput };
  'admin.blog.publish': { input: PublishPost; output: Post };
  'admin.blog.save': { input: SavePost; output: Post };
  'admin.credits.adjust': { input: CreditAdjustment; output: CreditAdjustmentOutput };
  'admin.deletions.list': { input: DeletionsQuery; output: DeletionsOutput };
  'admin.models.list': { input: Empty; output: AdminModelsOutput };
  'admin.models.update': { input: UpdateModel; output: AdminModel };
  'admin.overview': { input: OverviewQuery; output: AdminOverview };
  'admin.providers.alert': { input: ProviderAlertInput; output: ProviderAlertOutput };
  'admin.refusals.list': { input: RefusalsQuery; output: RefusalsOutput };
  'admin.reports.resolve': { input: ResolveReport; output: ResolveOutput };
  'admin.users.get': { input: AdminUserRef; output: AdminUserDetail };
  'admin.users.restore': { input: AdminUserAction; output: AdminUserChanged };
  'admin.users.search': { input: AdminUsersQuery; output: AdminUsersOutput };
  'admin.users.set_admin': { input: SetAdmin; output: AdminUserChanged };
  'admin.users.sign_out': { input: AdminUserAction; output: AdminUserChanged };
  'admin.users.suspend': { input: AdminUserAction; output: AdminUserChanged };
  'admin.users.warn': { input: WarnUser; output: WarnOutput };
  'analytics.personal': { input: AnalyticsQuery; output: PersonalAnalytics };
  'blocks.block': { input: UserRef; output: BlockOutput };
  'blocks.list': { input: PageQuery; output: FollowListOutput };
  'blocks.unblock': { input: UserRef; output: BlockOutput };
  'blog.get': { input: BlogGetQuery; output: Post };
  'blog.list': { input: BlogListQuery; output: BlogListOutput };
  'catalogue.list': { input: Empty; output: CatalogueOutput };
  'collections.add_images': { input: CollectionImages; output: Collection };
  'collections.buy': { input: CollectionRef; output: BuyCollectionOutput };
  'collections.create': { input: CreateCollection; output: Collection };
  'collections.delete': { input: CollectionRef; output: Empty };
  'collections.explore': { input: ExploreCollections; output: CollectionsOutput };
  'collections.get': { input: CollectionQuery; output: CollectionDetail };
  'collections.list': { input: CollectionsQuery; output: CollectionsOutput };
  'collections.move_image': { input: MoveCollectionImage; output: Collection };
  'collections.remove_images': { input: CollectionImages; output: Collection };
  'collections.set_price': { input: CollectionPrice; output: Collection };
  'collections.unlocked': { input: PageQuery; output: CollectionsOutput };
  'collections.update': { input: UpdateCollection; output: Collection };
  'comments.create': { input: NewComment; output: Comment };
  'comments.delete': { input: CommentRef; output: CommentDeleted };
  'comments.edit': { input: EditComment; output: Comment };
  'comments.list': { input: CommentsQuery; output: CommentsOutput };
  'comparisons.get': { input: ComparisonRef; output: ComparisonDetail };
  'credits.buy': { input: BuyCredits; output: BuyOutput };
  'credits.packs': { input: Empty; output: PacksOutput };
  'earnings.summary': { input: EarningsQuery; output: EarningsOutput };
  'explore.creators': { input: CreatorsQuery; output: CreatorsOutput };
  'explore.image': { input: ImageRef; output: PublicImage };
  'explore.list': { input: ExploreQuery; output: PublicImagesOutput };
  'explore.remixes': { input: RemixesQuery; output: PublicImagesOutput };
  'feed.list': { input: PageQuery; output: PublicImagesOutput };
  'follows.follow': { input: UserRef; output: FollowOutput };
  'follows.followers': { input: FollowListQuery; output: FollowListOutput };
  'follows.following': { input: FollowListQuery; output: FollowListOutput };
  'follows.unfollow': { input: UserRef; output: FollowOutput };
  'generations.cancel': { input: JobRef; output: Job };
  'generations.compare': { input: CompareRequest; output: CompareOutput };
  'generations.create': { input: GenerationRequest; output: SubmitOutput };
  'generations.get': { input: JobRef; output: Job };
  'generations.list': { input: JobsQuery; output: JobsOutput };
  'generations.retry': { input: JobRef; output: SubmitOutput };
  'images.delete': { input: DeleteImages; output: DeleteOutput };
  'images.get': { input: ImageRef; output: Image };
  'images.ids': { input: ImagesQuery; output: ImageIds };
  'images.list': { input: ImagesQuery; output: ImagesOutput };
  'images.publish': { input: PublishImage; output: Image };
  'images.set_visibility': { input: SetVisibility; output: SetVisibilityOutput };
  'ledger.list': { input: LedgerQuery; output: LedgerOutput };
  'likes.like_comment': { input: CommentRef; output: LikeOutput };
  'likes.like_image': { input: ImageRef; output: LikeOutput };
  'likes.unlike_comment': { input: CommentRef; output: LikeOutput };
  'likes.unlike_image': { input: ImageRef; output: LikeOutput };
  'market.buy': { input: ListingRef; output: BuyListingOutput };
  'market.get': { input: ListingRef; output: Listing };
  'market.list': { input: MarketQuery; output: ListingsOutput };
  'market.publish': { input: PublishListing; output: Listing };
  'market.review': { input: ReviewListing; output: Review };
  'market.reviews': { input: ReviewsQuery; output: ReviewsOutput };
  'market.unpublish': { input: ListingRef; output: Listing };
  'messages.conversations': { input: PageQuery; output: ConversationsOutput };
  'messages.list': { input: MessagesQuery; output: MessagesOutput };
  'messages.mark_read': { input: ConversationRef; output: ConversationsOutput };
  'messages.send': { input: SendMessage; output: Message };
  'notifications.delete': { input: NotificationIds; output: NotificationsChanged };
  'notifications.list': { input: NotificationsQuery; output: NotificationsOutput };
  'notifications.mark_read': { input: MarkRead; output: NotificationsChanged };
  'payouts.onboard': { input: Empty; output: OnboardOutput };
  'payouts.request': { input: Empty; output: Payout };
  'payouts.status': { input: Empty; output: PayoutsOutput };
  'prints.cancel': { input: PrintOrderRef; output: PrintOrder };
  'prints.list': { input: PageQuery; output: PrintOrdersOutput };
  'prints.order': { input: OrderPrint; output: OrderPrintOutput };
  'prints.products': { input: Empty; output: PrintProductsOutput };
  'prints.quote': { input: PrintChoice; output: PrintQuote };
  'profiles.get': { input: ProfileQuery; output: Profile };
  'profiles.search': { input: ProfileSearch; output: ProfileSearchOutput };
  'profiles.style': { input: StyleQuery; output: StyleFingerprint };
  'profiles.update': { input: UpdateProfile; output: ProfileShown };
  'providers.health': { input: Empty; output: ProvidersHealthOutput };
  'providers.list': { input: Empty; output: ProvidersOutput };
  'records.import': { input: ImportRequest; output: ImportOutput };
  'reports.create': { input: NewReport; output: ReportOutput };
  'reports.list': { input: ReportsQuery; output: ReportsOutput };
  'sessions.list': { input: Empty; output: SessionsOutput };
  'sessions.revoke': { input: SessionRef; output: RevokeOutput };
  'sessions.revoke_all': { input: Empty; output: RevokeOutput };
  'sets.get': { input: SetRef; output: SetDetail };
  'sets.list': { input: PageQuery; output: SetsOutput };
  'sets.set_visibility': { input: SetVisibilityChoice; output: SetVisibilityOutput };
  'storage.usage': { input: Empty; output: StorageUsage };
  'streaks.claim': { input: Empty; output: StreakClaimOutput };
  'streaks.get': { input: Empty; output: StreakView };
  'tags.add': { input: TagImages; output: TagsChanged };
  'tags.list': { input: Empty; output: TagsOutput };
  'tags.of_image': { input: ImageRef; output: ImageTags };
  'tags.remove': { input: TagImages; output: TagsChanged };
  'tags.review': { input: TagReview; output: ImageTags };
  'tags.suggest': { input: ImageRef; output: SuggestedTags };
  'tips.list': { input: TipsQuery; output: TipsOutput };
  'tips.send': { input: SendTip; output: SendTipOutput };
  'tokens.create': { input: NewToken; output: TokenOutput };
}
