//! The store's ports, one trait per area; `Store` hands out each area. A new area is a new trait here,
//! an accessor on `Store`, and its SQL in `pixel-store/src/<area>.rs`.

use async_trait::async_trait;

use super::{ImageFilter, JobOutcome, LeaseStatus, LedgerMove, NewSubmission, PageRequest};
use crate::account::{AccountSettings, AuthRequest, DesktopCode, Session};
use crate::domain::*;
use crate::error::Result;
use crate::social::{
    CommentRemoval, CommentRow, Conversation, Engagement, ExploreSort, Message, NotificationRow,
    ProfileDetails, Report, ReportTarget, TrendPeriod, UserSummary,
};

/// The persistent store. Every method of every area is atomic; every query exists for SQLite and
/// PostgreSQL.
pub trait Store: Send + Sync {
    fn dialect(&self) -> &'static str;
    /// Whether only one process can use this store (SQLite): then a starting node owns every lease.
    fn single_node(&self) -> bool;
    fn accounts(&self) -> &dyn AccountStore;
    fn sessions(&self) -> &dyn SessionStore;
    fn ledger(&self) -> &dyn LedgerStore;
    fn jobs(&self) -> &dyn JobStore;
    fn sets(&self) -> &dyn SetStore;
    fn images(&self) -> &dyn ImageStore;
    fn follows(&self) -> &dyn FollowStore;
    fn likes(&self) -> &dyn LikeStore;
    fn comments(&self) -> &dyn CommentStore;
    fn notifications(&self) -> &dyn NotificationStore;
    fn explore(&self) -> &dyn ExploreStore;
    fn blocks(&self) -> &dyn BlockStore;
    fn reports(&self) -> &dyn ReportStore;
    fn messages(&self) -> &dyn MessageStore;
    fn purchases(&self) -> &dyn PurchaseStore;
    fn tips(&self) -> &dyn TipStore;
    fn market(&self) -> &dyn MarketStore;
    fn earnings(&self) -> &dyn EarningsStore;
    fn payouts(&self) -> &dyn PayoutStore;
    fn collections(&self) -> &dyn CollectionStore;
    fn prints(&self) -> &dyn PrintStore;
    fn achievements(&self) -> &dyn AchievementStore;
    fn analytics(&self) -> &dyn AnalyticsStore;
    fn storage(&self) -> &dyn StorageStore;
    fn tags(&self) -> &dyn TagStore;
    fn tag_suggestions(&self) -> &dyn TagSuggestionStore;
    fn account_data(&self) -> &dyn AccountDataStore;
    fn admin(&self) -> &dyn AdminStore;
    fn moderation(&self) -> &dyn ModerationStore;
    fn overview(&self) -> &dyn OverviewStore;
    fn blog(&self) -> &dyn BlogStore;
    fn provider_alerts(&self) -> &dyn ProviderAlertStore;
    fn server_keys(&self) -> &dyn ServerKeyStore;
}

/// Keys the server signs with, one per purpose, shared by every node.
#[async_trait]
pub trait ServerKeyStore: Send + Sync {
    /// The key named `name`: the stored one, or `fresh_hex` stored now when there is none yet
    /// (two nodes asking at once both get whichever was stored first).
    async fn key(&self, name: &str, fresh_hex: &str, now: Millis) -> Result<String>;
}

/// Low-balance warnings: each provider's threshold, and whether admins were told of its last fall.
#[async_trait]
pub trait ProviderAlertStore: Send + Sync {
    async fn alerts(&self) -> Result<Vec<crate::ops::provider_alerts::ProviderAlert>>;
    /// Sets a provider's threshold (or with None removes it) with the action's line of the audit
    /// log; a changed threshold is judged afresh, so a provider already under it warns again.
    async fn set_alert(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        provider_id: &str,
        low_credits: Option<i64>,
    ) -> Result<()>;
    /// Marks the provider's admins told, unless they already were: whether this call marked it
    /// (so two nodes checking at once tell them once).
    async fn mark_warned(&self, provider_id: &str, now: Millis) -> Result<bool>;
    /// The balance is back over the threshold: the next fall warns again.
    async fn clear_warned(&self, provider_id: &str) -> Result<()>;
}

/// Print orders: made, paid, and moved along as the lab reports them.
#[async_trait]
pub trait PrintStore: Send + Sync {
    async fn insert_print_order(&self, order: &crate::prints::PrintOrder) -> Result<()>;
    async fn print_order(&self, id: &str) -> Result<Option<crate::prints::PrintOrder>>;
    /// The order paid with this payment (Stripe's PaymentIntent), if any.
    async fn print_order_by_payment(
        &self,
        payment_intent: &str,
    ) -> Result<Option<crate::prints::PrintOrder>>;
    /// A buyer's orders, newest first.
    async fn print_orders_of(
        &self,
        buyer_id: &str,
        page: &PageRequest,
    ) -> Result<Vec<crate::prints::PrintOrder>>;
    /// An order awaiting payment becomes paid; false when it was not awaiting payment.
    async fn mark_print_paid(
        &self,
        id: &str,
        session_id: &str,
        payment_intent: Option<&str>,
        now: Millis,
    ) -> Result<bool>;
    /// Records the refund of an ended order; false when it was refunded before.
    async fn mark_print_refunded(&self, id: &str, refund_id: &str, now: Millis) -> Result<bool>;
    /// Moves a paid order forward to `to` (never back, never out of shipped, failed or
    /// cancelled); shipping records the tracking and credits the creator's royalty in the same
    /// transaction; `failure` says why it failed. False when nothing changed.
    async fn advance_print_order(
        &self,
        id: &str,
        lab_order_id: &str,
        to: crate::prints::PrintStatus,
        tracking: Option<&crate::prints::Tracking>,
        failure: Option<&str>,
        now: Millis,
    ) -> Result<bool>;
    /// Paid orders not yet with the lab whose last change was before `before`, oldest first: the
    /// ones whose submission failed and is owed a retry.
    async fn stalled_print_orders(
        &self,
        before: Millis,
        limit: u32,
    ) -> Result<Vec<crate::prints::PrintOrder>>;
}

/// Collections of a person's images, and the sales of premium ones.
#[async_trait]
pub trait CollectionStore: Send + Sync {
    /// The collection with its first images, in one transaction.
    async fn insert_collection(&self, c: &crate::ops::collections::NewCollection) -> Result<()>;
    async fn collection(&self, id: &str) -> Result<Option<crate::ops::collections::CollectionRow>>;
    /// A person's collections, newest first; private ones only `with_private`.
    async fn collections_of(
        &self,
        owner_id: &str,
        with_private: bool,
        page: &PageRequest,
    ) -> Result<Vec<crate::ops::collections::CollectionRow>>;
    /// Everyone's public collections that show at least one public image, newest first; of
    /// accounts with public profiles only, and priced at least `min_price`.
    async fn public_collections(
        &self,
        min_price: i64,
        page: &PageRequest,
    ) -> Result<Vec<crate::ops::collections::CollectionRow>>;
    /// The collections `buyer_id` bought, the latest purchase first (the page's key is the
    /// purchase's time).
    async fn unlocked_collections(
        &self,
        buyer_id: &str,
        page: &PageRequest,
    ) -> Result<Vec<(crate::ops::collections::CollectionRow, Millis)>>;
    /// Changes what `change` names; a chosen cover must be one of its images.
    async fn update_collection(
        &self,
        id: &str,
        change: &crate::ops::collections::CollectionChange,
    ) -> Result<()>;
    /// Deletes a collection nobody bought; false (and nothing deleted) when someone did.
    async fn delete_collection(&self, id: &str) -> Result<bool>;
    /// Appends the images not in it yet, in the order given; refused past `max_images`.
    async fn add_to_collection(
        &self,
        id: &str,
        image_ids: &[String],
        max_images: i64,
        now: Millis,
    ) -> Result<()>;
    /// Takes images out; refused for a collection someone bought, and for a premium one it would
    /// leave with fewer public images than it needs to stay on sale.
    async fn remove_from_collection(
        &self,
        id: &str,
        image_ids: &[String],
        now: Millis,
    ) -> Result<()>;
    /// Moves an image to `to_index` in the order; false when it is not in the collection.
    async fn move_in_collection(
        &self,
        id: &str,
        image_id: &str,
        to_index: u32,
        now: Millis,
    ) -> Result<bool>;
    /// A page of its images in order (public ones only with `public_only`), each with its
    /// position, the page's cursor key.
    async fn collection_images(
        &self,
        id: &str,
        public_only: bool,
        page: &PageRequest,
    ) -> Result<Vec<(Image, i64)>>;
    /// Sets the price; a price above 0 needs at least `min_public_images` public images.
    async fn set_collection_price(
        &self,
        id: &str,
        price: i64,
        min_public_images: i64,
        now: Millis,
    ) -> Result<()>;
    /// Which of `ids` `buyer_id` bought.
    async fn bought_collections(&self, buyer_id: &str, ids: &[String]) -> Result<Vec<String>>;
    /// In one transaction: the sale (once per buyer), the buyer's debit, the owner's credit less the
    /// fee and the platform's fee. Refused unless the collection is public and still at the price.
    async fn buy_collection(
        &self,
        sale: &crate::ops::premium::CollectionSale,
    ) -> Result<crate::ops::market::SaleOutcome>;
    /// For each of `image_ids` in a public premium collection `viewer` did not buy (and did not buy
    /// through any other collection that holds it), the lock that withholds it.
    async fn premium_locks(
        &self,
        image_ids: &[String],
        viewer: Option<&str>,
    ) -> Result<Vec<crate::ops::premium::PremiumLockRow>>;
}

/// Creator payouts and the accounts they are paid into.
#[async_trait]
pub trait PayoutStore: Send + Sync {
    async fn payout_account(&self, user_id: &str) -> Result<Option<crate::payouts::PayoutAccount>>;
    /// Keeps the first account saved for a user (two set-ups at once end with one).
    async fn save_payout_account(
        &self,
        user_id: &str,
        account_id: &str,
        now: Millis,
    ) -> Result<crate::payouts::PayoutAccount>;
    async fn set_payouts_enabled(&self, account_id: &str, enabled: bool) -> Result<()>;
    /// Credits earned before `cleared_before` and since, and those in payouts that did not fail.
    async fn earned(&self, user_id: &str, cleared_before: Millis)
        -> Result<crate::payouts::Earned>;
    /// In one transaction: what is payable (earned before the hold, less paid out, at most the
    /// balance), at least the minimum, becomes a requested payout and leaves the ledger.
    async fn request_payout(
        &self,
        user_id: &str,
        payout_id: &str,
        terms: &crate::payouts::PayoutTerms,
        now: Millis,
    ) -> Result<crate::payouts::Payout>;
    /// The payout after the change, or None when it was not in one of `from` (changed before).
    async fn change_payout(
        &self,
        change: &crate::payouts::PayoutChange<'_>,
    ) -> Result<Option<crate::payouts::Payout>>;
    async fn payout_by_transfer(&self, transfer_id: &str)
        -> Result<Option<crate::payouts::Payout>>;
    async fn in_transit_of_account(&self, account_id: &str) -> Result<Vec<crate::payouts::Payout>>;
    /// A user's payouts, newest first.
    async fn payouts_of(&self, user_id: &str, limit: u32) -> Result<Vec<crate::payouts::Payout>>;
}

/// A creator's earnings, read from sales and tips.
#[async_trait]
pub trait EarningsStore: Send + Sync {
    /// All-time totals, and per-day sums from `since` on.
    async fn earnings(
        &self,
        user_id: &str,
        since: Millis,
    ) -> Result<crate::ops::earnings::EarningsRows>;
}

/// The prompt marketplace: listings, sales and reviews.
#[async_trait]
pub trait MarketStore: Send + Sync {
    /// The listing with its tags and samples, in one transaction.
    async fn insert_listing(&self, listing: &crate::ops::market::NewListing) -> Result<()>;
    /// One page of listings in `sort` order: listed ones, and the viewer's own unpublished ones.
    async fn listings(
        &self,
        filter: &crate::ops::market::MarketFilter,
        sort: crate::ops::market::MarketSort,
        page: &PageRequest,
    ) -> Result<Vec<crate::ops::market::ListingRow>>;
    async fn listing(&self, id: &str) -> Result<Option<crate::ops::market::ListingRow>>;
    /// (listing id, image id) of the listings' samples that are public, in the seller's order.
    async fn listing_samples(&self, listing_ids: &[String]) -> Result<Vec<(String, String)>>;
    /// Which of `listing_ids` `buyer_id` bought.
    async fn bought(&self, buyer_id: &str, listing_ids: &[String]) -> Result<Vec<String>>;
    /// In one transaction: the sale (once per buyer and listing), the buyer's debit, the seller's
    /// credit less the fee and the platform's fee; the three entries sum to zero. Refused for a
    /// listing no longer listed.
    async fn buy_listing(
        &self,
        sale: &crate::ops::market::PromptSale,
    ) -> Result<crate::ops::market::SaleOutcome>;
    async fn set_listed(&self, id: &str, listed: bool) -> Result<()>;
    /// Writes (or rewrites) a buyer's review and keeps the listing's rating totals with it.
    async fn upsert_review(
        &self,
        listing_id: &str,
        buyer_id: &str,
        stars: u8,
        body: Option<&str>,
        now: Millis,
    ) -> Result<crate::ops::market::Review>;
    /// A listing's reviews, last changed first.
    async fn reviews(
        &self,
        listing_id: &str,
        page: &PageRequest,
    ) -> Result<Vec<crate::ops::market::Review>>;
}

/// Login streaks and achievements: each day and each achievement rewarded once, in one transaction
/// with its ledger grant.
#[async_trait]
pub trait AchievementStore: Send + Sync {
    async fn streak(&self, user_id: &str) -> Result<Option<crate::ops::streaks::StreakRow>>;
    /// Counts `today` in the streak, at most once: the day after the last claimed day extends it,
    /// a later day starts it again at 1, the same day changes nothing (`fresh` false). A fresh claim
    /// grants `rewards` (the day's credits, and the bonus of a milestone reached) in the same
    /// transaction.
    async fn claim_streak(
        &self,
        user_id: &str,
        today: i64,
        rewards: crate::ops::streaks::StreakRewards,
        now: Millis,
    ) -> Result<crate::ops::streaks::StreakClaim>;
    /// The achievements `user_id` unlocked, with when.
    async fn unlocked_achievements(&self, user_id: &str) -> Result<Vec<(String, Millis)>>;
    /// How far `user_id` has come on `kind`'s ladder, counting no further than `cap`.
    async fn achievement_count(
        &self,
        user_id: &str,
        kind: crate::ops::achievements::AchievementKind,
        cap: i64,
    ) -> Result<i64>;
    /// Unlocks an achievement and grants its credits in one transaction; the balance after, or
    /// None when it was unlocked before (nothing granted this time).
    async fn unlock_achievement(
        &self,
        user_id: &str,
        achievement_id: &str,
        credits: i64,
        title: &str,
        now: Millis,
    ) -> Result<Option<i64>>;
}

/// A person's own activity, counted for their analytics.
#[async_trait]
pub trait AnalyticsStore: Send + Sync {
    /// Jobs per UTC day and state and credits per UTC day and bucket since `since` (ms), and the
    /// `top_models` models and `top_prompts` prompts used most since `shown_from`.
    async fn personal_activity(
        &self,
        user_id: &str,
        since: Millis,
        shown_from: Millis,
        top_models: u32,
        top_prompts: u32,
    ) -> Result<crate::ops::analytics::ActivityRows>;
}

/// The blog's posts; every change written with its line of the admin audit log.
#[async_trait]
pub trait BlogStore: Send + Sync {
    async fn post(&self, id: &str) -> Result<Option<crate::ops::blog::PostRecord>>;
    async fn post_by_slug(&self, slug: &str) -> Result<Option<crate::ops::blog::PostRecord>>;
    /// Published posts newest published first, or (admins) every post last changed first.
    async fn posts(
        &self,
        filter: &crate::ops::blog::PostFilter,
        page: &PageRequest,
    ) -> Result<Vec<crate::ops::blog::PostRecord>>;
    /// Writes a new post or replaces one's text, category and tags (conflict: the slug is taken).
    async fn save_post(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        post: &crate::ops::blog::PostRecord,
    ) -> Result<()>;
    /// Publishes at `at`, or takes back to draft with None (conflict: it already was).
    async fn set_published(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        id: &str,
        at: Option<Millis>,
    ) -> Result<()>;
    async fn delete_post(&self, action: &crate::ops::admin::NewAdminAction, id: &str)
        -> Result<()>;
}

/// The whole server counted for the admin overview.
#[async_trait]
pub trait OverviewStore: Send + Sync {
    /// Sign-ups, active accounts, jobs and credits per UTC day, and jobs by provider, model and
    /// state, from `first_day` to `last_day` (days since 1970-01-01); accounts and storage now.
    async fn overview(
        &self,
        first_day: i64,
        last_day: i64,
    ) -> Result<crate::ops::admin_overview::OverviewRows>;
}

/// Media nobody uses any more, and what a person's library takes.
#[async_trait]
pub trait StorageStore: Send + Sync {
    /// Keys marked unreferenced before `cutoff`, oldest first, at most `limit`.
    async fn blob_orphans_before(&self, cutoff: Millis, limit: u32) -> Result<Vec<String>>;
    /// Whether an image or a print order still uses the blob.
    async fn blob_referenced(&self, key: &str) -> Result<bool>;
    /// Takes a key off the orphans (deleted, or referenced again).
    async fn forget_blob_orphan(&self, key: &str) -> Result<()>;
    /// The owner's images and the bytes of their originals.
    async fn library_usage(&self, owner_id: &str) -> Result<(i64, i64)>;
}

/// The owner's tags on their images.
#[async_trait]
pub trait TagStore: Send + Sync {
    /// Adds every tag to every image in one transaction; refused whole (not found) if an image is
    /// not the owner's, or (invalid) if an image would pass `max_per_image`. Pairs added.
    async fn add_tags(
        &self,
        owner_id: &str,
        image_ids: &[String],
        tags: &[String],
        max_per_image: usize,
        now: Millis,
    ) -> Result<u64>;
    /// Removes the tags from the images, all of them the owner's or none; pairs removed.
    async fn remove_tags(
        &self,
        owner_id: &str,
        image_ids: &[String],
        tags: &[String],
    ) -> Result<u64>;
    /// The owner's tags with their image counts, most used first.
    async fn tag_counts(&self, owner_id: &str) -> Result<Vec<crate::ops::tags::TagCount>>;
    /// An image's tags, or None when it is not the owner's.
    async fn tags_of_image(&self, owner_id: &str, image_id: &str) -> Result<Option<Vec<String>>>;
}

/// Tags a tagger proposed for an owner's images, waiting for the owner's answer.
#[async_trait]
pub trait TagSuggestionStore: Send + Sync {
    /// Keeps `tags` as proposals for the owner's image, except those the image already has and those
    /// the owner rejected for it before. The image's proposals after; None when it is not the owner's.
    async fn propose_tags(
        &self,
        owner_id: &str,
        image_id: &str,
        tags: &[String],
        source: crate::tagging::TagSource,
        now: Millis,
    ) -> Result<Option<Vec<crate::ops::tag_suggestions::TagSuggestion>>>;
    /// The image's waiting proposals, in the order they came; none when it is not the owner's.
    async fn proposed_tags(
        &self,
        owner_id: &str,
        image_id: &str,
    ) -> Result<Vec<crate::ops::tag_suggestions::TagSuggestion>>;
    /// In one transaction: `accept` become the image's tags (refused whole, invalid, if the image
    /// would pass `max_per_image`) and leave the proposals; `reject` are kept as rejected so they are
    /// never proposed again. None when the image is not the owner's.
    async fn review_tags(
        &self,
        owner_id: &str,
        image_id: &str,
        accept: &[String],
        reject: &[String],
        max_per_image: usize,
        now: Millis,
    ) -> Result<Option<()>>;
}

/// What an account holds, read whole for its data export (each list is one account's, bounded by
/// what a person makes).
#[async_trait]
pub trait AccountDataStore: Send + Sync {
    /// The images of each of the owner's collections, with their places.
    async fn collection_items(
        &self,
        owner_id: &str,
    ) -> Result<Vec<crate::ops::account_export::CollectionItem>>;
    /// The owner's tags, per image, images oldest first and tags in order.
    async fn image_tags(
        &self,
        owner_id: &str,
    ) -> Result<Vec<crate::ops::account_export::ImageTagsRow>>;
    /// The comments the user wrote that stand (not deleted), oldest first.
    async fn comments_written(
        &self,
        user_id: &str,
    ) -> Result<Vec<crate::ops::account_export::WrittenComment>>;
    /// The images the user liked, oldest like first.
    async fn likes_given(
        &self,
        user_id: &str,
    ) -> Result<Vec<crate::ops::account_export::GivenLike>>;
    /// Who the user follows and who follows them, oldest first.
    async fn follow_edges(
        &self,
        user_id: &str,
    ) -> Result<Vec<crate::ops::account_export::FollowEdge>>;
}

/// Tips between accounts.
#[async_trait]
pub trait TipStore: Send + Sync {
    /// In one transaction: the tip, the giver's debit and the receiver's credit (never below zero,
    /// never while the giver owes credits). A request key the giver used before answers with that
    /// tip and moves nothing; used for a different tip, it is a conflict.
    async fn send_tip(&self, tip: &crate::ops::tips::NewTip) -> Result<crate::ops::tips::TipSent>;
    /// The tips `user_id` received (or sent), newest first, with the other side.
    async fn list_tips(
        &self,
        user_id: &str,
        received: bool,
        page: &PageRequest,
    ) -> Result<Vec<crate::ops::tips::Tip>>;
}

/// Credit purchases, and the payment events applied to them.
#[async_trait]
pub trait PurchaseStore: Send + Sync {
    async fn insert_purchase(&self, purchase: &crate::credits::Purchase) -> Result<()>;
    async fn set_purchase_session(&self, purchase_id: &str, session_id: &str) -> Result<()>;
    async fn get_purchase(&self, purchase_id: &str) -> Result<Option<crate::credits::Purchase>>;
    /// Records the event and, when it pays an open purchase of ours at the price we set, marks it
    /// paid and grants its credits: all in one transaction, once per event and once per purchase.
    async fn complete_purchase(
        &self,
        done: &crate::credits::CompletedPayment,
        now: Millis,
    ) -> Result<crate::credits::PaymentOutcome>;
    /// Records a refund or dispute event and takes the purchase's credits back (or gives them back
    /// when a dispute is won) in one transaction, once per event. A payment no purchase has yet
    /// records nothing.
    async fn reverse_payment(
        &self,
        change: &crate::credits::PaymentReversal,
        now: Millis,
    ) -> Result<crate::credits::ReversalOutcome>;
}

/// Accounts: users, their sign-in identities, usernames, roles and settings.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn upsert_user(&self, user: &User) -> Result<User>;
    async fn get_user(&self, id: &str) -> Result<Option<User>>;
    /// Every admin not suspended (by the configured role or a grant in the admin UI).
    async fn admin_ids(&self) -> Result<Vec<String>>;
    /// The account of a sign-in identity (`issuer` + `subject` as one string), if it has one.
    async fn user_by_subject(&self, subject: &str) -> Result<Option<User>>;
    /// Creates the account of a new identity under the first free username of `usernames`. When the
    /// identity got an account meanwhile (two first sign-ins at once) that account is returned.
    async fn create_user_for_subject(
        &self,
        user: &User,
        subject: &str,
        usernames: &[String],
    ) -> Result<User>;
    async fn set_role(&self, user_id: &str, role: Role) -> Result<()>;
    /// Accounts whose username starts with `prefix`, alphabetically, leaving private profiles out.
    async fn search_users(&self, prefix: &str, limit: u32) -> Result<Vec<UserSummary>>;
    /// The accounts with these usernames (case-insensitive), for @mentions.
    async fn users_by_usernames(&self, usernames: &[String]) -> Result<Vec<UserSummary>>;
    async fn account_settings(&self, user_id: &str) -> Result<AccountSettings>;
    /// The bio and picture of an account (empty for a missing one).
    async fn profile_details(&self, user_id: &str) -> Result<ProfileDetails>;
    async fn set_profile_details(&self, user_id: &str, details: &ProfileDetails) -> Result<()>;
    /// Changes the username and/or settings; `Conflict` when the username belongs to someone else.
    async fn update_account(
        &self,
        user_id: &str,
        username: Option<&str>,
        settings: Option<&AccountSettings>,
    ) -> Result<()>;
}

/// Sessions and API tokens, sign-ins in progress and the desktop's one-time codes.
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, session: &Session, secret_hash: &str) -> Result<()>;
    /// The live (not revoked, not expired) session of a secret, with its account.
    async fn session_by_secret(
        &self,
        secret_hash: &str,
        now: Millis,
    ) -> Result<Option<(Session, User)>>;
    async fn touch_session(&self, session_id: &str, now: Millis) -> Result<()>;
    /// The account's live sessions, newest first.
    async fn list_sessions(&self, user_id: &str, now: Millis) -> Result<Vec<Session>>;
    /// Revokes one of the account's sessions; false when it has no such live session.
    async fn revoke_session(&self, user_id: &str, session_id: &str, now: Millis) -> Result<bool>;
    /// Revokes every live session of the account; returns how many.
    async fn revoke_sessions(&self, user_id: &str, now: Millis) -> Result<u64>;
    async fn put_auth_request(&self, request: &AuthRequest) -> Result<()>;
    /// Removes and returns a live sign-in request: each can be completed once.
    async fn take_auth_request(&self, id_hash: &str, now: Millis) -> Result<Option<AuthRequest>>;
    async fn put_desktop_code(&self, code: &DesktopCode) -> Result<()>;
    /// Marks a live, unused code used and returns it; None when unknown, used or expired.
    async fn take_desktop_code(&self, code_hash: &str, now: Millis) -> Result<Option<DesktopCode>>;
}

/// The credit ledger: append-only moves, idempotent by key, never below zero.
#[async_trait]
pub trait LedgerStore: Send + Sync {
    async fn balance(&self, user_id: &str) -> Result<i64>;
    /// Credits owed after a refund or dispute took back more than the balance held.
    async fn owed(&self, user_id: &str) -> Result<i64>;
    /// Applies one ledger move; a repeated idempotency key is a no-op returning the original entry.
    /// Fails with `insufficient_credits` if the balance would go negative.
    async fn apply_ledger(
        &self,
        user_id: &str,
        mv: &LedgerMove,
        job_id: Option<&str>,
    ) -> Result<LedgerEntry>;
    /// An account's entries, newest first, a page at a time.
    async fn ledger_entries(&self, user_id: &str, page: &PageRequest) -> Result<Vec<LedgerEntry>>;
    /// A page of entries with the balance and debt as of the same instant.
    async fn ledger_page(&self, user_id: &str, page: &PageRequest) -> Result<super::LedgerPage>;
}

/// Generations and their jobs: submitting, the durable queue with leases, settling each job once.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Writes every submission (sets, jobs, reservations) in one transaction: all or none.
    async fn submit(&self, subs: &[NewSubmission]) -> Result<()>;
    /// Writes a set whose one job already succeeded elsewhere (an image published from a desktop's
    /// library), with the job's image, in one transaction.
    async fn insert_finished(&self, submission: &NewSubmission, image: &Image) -> Result<()>;
    /// Claims the next runnable job with a lease, skipping providers that are at their concurrency
    /// limit, or returns None.
    async fn claim_job(
        &self,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        exclude_providers: &[String],
    ) -> Result<Option<Job>>;
    /// Extends the lease; returns false if the worker lost it; also reports a cancel request.
    async fn renew_lease(
        &self,
        job_id: &str,
        worker: &str,
        lease_until: Millis,
    ) -> Result<LeaseStatus>;
    async fn set_remote_handle(&self, job_id: &str, worker: &str, handle: &str) -> Result<()>;
    async fn remote_handle(&self, job_id: &str) -> Result<Option<String>>;
    async fn set_progress(&self, job_id: &str, progress: f32) -> Result<()>;
    /// Puts a running job back in the queue to run after `run_after`, keeping the error.
    async fn requeue_job(
        &self,
        job_id: &str,
        worker: &str,
        run_after: Millis,
        error: &crate::Error,
    ) -> Result<bool>;
    /// Ends a running job held by `worker`; returns the final job or None if the lease was lost.
    async fn finish_job(
        &self,
        job_id: &str,
        worker: Option<&str>,
        outcome: &JobOutcome,
        now: Millis,
    ) -> Result<Option<Job>>;
    /// Cancels a queued job at once (refunding it), or flags a running one. Returns the job after.
    async fn request_cancel(&self, job_id: &str, now: Millis) -> Result<Option<Job>>;
    /// Jobs whose lease expired (or all running jobs when `all` is true, for a single-node restart).
    async fn expired_jobs(&self, now: Millis, all: bool) -> Result<Vec<Job>>;
    /// Takes over an expired lease so that exactly one node recovers the job.
    async fn steal_lease(
        &self,
        job_id: &str,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        all: bool,
    ) -> Result<bool>;
    /// Puts back in the queue every job held by workers whose id starts with `worker_prefix`
    /// (a graceful shutdown), without counting the interrupted attempt.
    async fn release_node_jobs(&self, worker_prefix: &str) -> Result<u64>;
    async fn retried_errors(&self, job_id: &str) -> Result<Vec<crate::Error>>;
    async fn get_job(&self, id: &str) -> Result<Option<Job>>;
    async fn list_jobs(&self, owner_id: &str, states: &[JobState], limit: u32) -> Result<Vec<Job>>;
    async fn count_jobs(&self, state: JobState) -> Result<i64>;
}

/// Sets (the batches one request made) and comparisons.
#[async_trait]
pub trait SetStore: Send + Sync {
    /// The set the owner submitted with this idempotency key, if any.
    async fn set_by_idempotency_key(
        &self,
        owner_id: &str,
        key: &str,
    ) -> Result<Option<GenerationSet>>;
    /// The sets of a comparison; only the owner's unless `owner_id` is None (an admin).
    async fn comparison_sets(
        &self,
        owner_id: Option<&str>,
        comparison_id: &str,
    ) -> Result<Vec<GenerationSet>>;
    async fn get_set(&self, id: &str) -> Result<Option<GenerationSet>>;
    async fn list_sets(&self, owner_id: &str, page: &PageRequest) -> Result<Vec<GenerationSet>>;
    async fn set_jobs(&self, set_id: &str) -> Result<Vec<Job>>;
    /// Makes the owner's set and every image of it public or private, in one transaction; the ids of
    /// its images, or None when the owner has no such set.
    async fn set_visibility_of_set(
        &self,
        owner_id: &str,
        set_id: &str,
        visibility: Visibility,
    ) -> Result<Option<Vec<String>>>;
}

/// Images: the library's queries, visibility and deletion.
#[async_trait]
pub trait ImageStore: Send + Sync {
    async fn get_image(&self, id: &str) -> Result<Option<Image>>;
    /// The images among `ids` that exist, in no particular order.
    async fn images_by_ids(&self, ids: &[String]) -> Result<Vec<Image>>;
    async fn list_images(
        &self,
        owner_id: &str,
        filter: &ImageFilter,
        page: &PageRequest,
    ) -> Result<Vec<Image>>;
    /// The ids of the owner's images the filter matches, newest first, at most `limit`.
    async fn list_image_ids(
        &self,
        owner_id: &str,
        filter: &ImageFilter,
        limit: u32,
    ) -> Result<Vec<String>>;
    /// Deletes the owner's images among `ids`; returns the ids deleted.
    async fn delete_images(&self, owner_id: &str, ids: &[String]) -> Result<Vec<String>>;
    /// Sets the visibility of the owner's images among `ids`; returns the ids changed.
    async fn set_images_visibility(
        &self,
        owner_id: &str,
        ids: &[String],
        visibility: Visibility,
    ) -> Result<Vec<String>>;
}

/// Follows between accounts, with the counts on each account kept in the same transaction.
#[async_trait]
pub trait FollowStore: Send + Sync {
    /// `follower` follows `followee`; false when it already did.
    async fn follow(&self, follower: &str, followee: &str, now: Millis) -> Result<bool>;
    /// `follower` stops following `followee`; false when it did not.
    async fn unfollow(&self, follower: &str, followee: &str) -> Result<bool>;
    async fn is_following(&self, follower: &str, followee: &str) -> Result<bool>;
    /// (followers, following) of an account.
    async fn follow_counts(&self, user_id: &str) -> Result<(i64, i64)>;
    /// The accounts following `user_id`, newest follow first, with when each followed; private
    /// profiles only with `with_private` (the list's own account reading it).
    async fn followers(
        &self,
        user_id: &str,
        with_private: bool,
        page: &PageRequest,
    ) -> Result<Vec<(UserSummary, Millis)>>;
    /// The accounts `user_id` follows, newest follow first.
    async fn following(
        &self,
        user_id: &str,
        with_private: bool,
        page: &PageRequest,
    ) -> Result<Vec<(UserSummary, Millis)>>;
}

/// Likes on images and comments: one per person, the count kept on the liked row.
#[async_trait]
pub trait LikeStore: Send + Sync {
    /// Returns false when the person already liked it.
    async fn like_image(&self, image_id: &str, user_id: &str, now: Millis) -> Result<bool>;
    async fn unlike_image(&self, image_id: &str, user_id: &str) -> Result<bool>;
    async fn like_comment(&self, comment_id: &str, user_id: &str, now: Millis) -> Result<bool>;
    async fn unlike_comment(&self, comment_id: &str, user_id: &str) -> Result<bool>;
}

/// Threaded comments on images.
#[async_trait]
pub trait CommentStore: Send + Sync {
    /// Writes a comment (a reply when it has a parent, whose reply count moves with it) and moves the
    /// image's comment count, in one transaction.
    async fn insert_comment(&self, comment: &CommentRow) -> Result<()>;
    /// One comment, with whether `viewer` likes it.
    async fn get_comment(&self, id: &str, viewer: Option<&str>) -> Result<Option<CommentRow>>;
    /// The comments of these ids that exist, deleted ones included, in no particular order.
    async fn comments_by_ids(&self, ids: &[String]) -> Result<Vec<CommentRow>>;
    /// The comments of an image, oldest first, after the cursor (created_at, id).
    async fn list_comments(
        &self,
        image_id: &str,
        viewer: Option<&str>,
        after: Option<&(Millis, String)>,
        limit: u32,
    ) -> Result<Vec<CommentRow>>;
    /// Changes the body of a comment that is not deleted; false when there is none.
    async fn edit_comment(&self, id: &str, body: &str, now: Millis) -> Result<bool>;
    /// Removes a comment, or leaves a placeholder when it has replies; None when there is none.
    async fn delete_comment(&self, id: &str) -> Result<Option<CommentRemoval>>;
}

/// Notifications, each its recipient's alone.
#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Writes a notification; false when one with its id exists (an idempotent notice).
    async fn insert_notification(&self, row: &NotificationRow) -> Result<bool>;
    /// The recipient's notifications, newest first.
    async fn list_notifications(
        &self,
        user_id: &str,
        unread_only: bool,
        page: &PageRequest,
    ) -> Result<Vec<NotificationRow>>;
    async fn unread_count(&self, user_id: &str) -> Result<i64>;
    /// Marks the recipient's notifications among `ids` read (all of them when `ids` is None);
    /// returns how many changed.
    async fn mark_read(&self, user_id: &str, ids: Option<&[String]>, now: Millis) -> Result<u64>;
    /// Deletes the recipient's notifications among `ids`; returns how many.
    async fn delete_notifications(&self, user_id: &str, ids: &[String]) -> Result<u64>;
}

/// Public work: explore and the following feed, each one keyset page per query.
#[async_trait]
pub trait ExploreStore: Send + Sync {
    /// Public images in the sort's order, filtered, each with its sort key (created_at, like count or
    /// trending rank) for the next page's cursor, which `page.before` carries as (key, id).
    async fn public_images(
        &self,
        filter: &ImageFilter,
        sort: ExploreSort,
        period: TrendPeriod,
        page: &PageRequest,
    ) -> Result<Vec<(Image, i64)>>;
    /// Ranks the period's candidates (public images made within it) by the time-decayed score, and
    /// the creators of public work within it by followers x 2 + likes on that work x 3 + its images
    /// x 0.5 (public profiles only), all of them at once, replacing the period's previous rankings in
    /// one transaction; returns how many images were ranked.
    async fn rank_trending(&self, period: TrendPeriod, now: Millis) -> Result<u64>;
    /// The period's trending creators in rank order, each with their score.
    async fn trending_creators(
        &self,
        period: TrendPeriod,
        limit: u32,
    ) -> Result<Vec<(UserSummary, f64)>>;
    /// Public images of the accounts `user_id` follows, newest first.
    async fn feed(&self, user_id: &str, page: &PageRequest) -> Result<Vec<Image>>;
    /// Public remixes of an image, newest first.
    async fn remixes(&self, image_id: &str, page: &PageRequest) -> Result<Vec<Image>>;
    /// The creator, counts and the viewer's like of each image among `ids`, in one query.
    async fn engagement(&self, ids: &[String], viewer: Option<&str>) -> Result<Vec<Engagement>>;
}

/// Blocks between accounts.
#[async_trait]
pub trait BlockStore: Send + Sync {
    /// `blocker` blocks `blocked`, and any follow between the two ends (counts moved) in the same
    /// transaction; false when the block existed.
    async fn block(&self, blocker: &str, blocked: &str, now: Millis) -> Result<bool>;
    async fn unblock(&self, blocker: &str, blocked: &str) -> Result<bool>;
    /// Whether `blocker` blocks `blocked` (one way).
    async fn is_blocking(&self, blocker: &str, blocked: &str) -> Result<bool>;
    /// Whether either of the two blocks the other.
    async fn blocked_between(&self, a: &str, b: &str) -> Result<bool>;
    /// Those of `others` that block `user` or that `user` blocks, in one query.
    async fn blocked_among(
        &self,
        user: &str,
        others: &[String],
    ) -> Result<std::collections::HashSet<String>>;
    /// The accounts `blocker` blocks, newest first.
    async fn blocked_by(
        &self,
        blocker: &str,
        page: &PageRequest,
    ) -> Result<Vec<(UserSummary, Millis)>>;
}

/// Reports into the moderation queue.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Files a report; false when this person already reported this target.
    async fn file_report(&self, report: &Report) -> Result<bool>;
    /// Open reports, oldest first (the queue's order), after the cursor.
    async fn open_reports(
        &self,
        after: Option<&(Millis, String)>,
        limit: u32,
    ) -> Result<Vec<Report>>;
    /// How many open reports name this target.
    async fn report_count(&self, target: &ReportTarget, id: &str) -> Result<i64>;
}

/// Direct messages between two accounts.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Writes a message from `message.sender_id` to `to`, creating their conversation on the first
    /// one, moving its last message and the recipient's unread count, in one transaction. Returns the
    /// message with its conversation id.
    async fn send_message(&self, to: &str, message: &Message) -> Result<Message>;
    /// The two people of a conversation, if it exists.
    async fn participants(&self, conversation_id: &str) -> Result<Option<(String, String)>>;
    /// The viewer's conversations, most recent first.
    async fn conversations(&self, user_id: &str, page: &PageRequest) -> Result<Vec<Conversation>>;
    /// A conversation's messages, newest first.
    async fn messages(&self, conversation_id: &str, page: &PageRequest) -> Result<Vec<Message>>;
    async fn get_message(&self, id: &str) -> Result<Option<Message>>;
    /// Marks the viewer's side of a conversation read.
    async fn mark_conversation_read(&self, conversation_id: &str, user_id: &str) -> Result<()>;
    /// Unread messages across the viewer's conversations.
    async fn unread_messages(&self, user_id: &str) -> Result<i64>;
}

/// Administration: accounts found and changed by admins, each change written with its audit entry in
/// one transaction.
#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Accounts whose username starts with `query` or whose email contains it (lower case), or the
    /// newest when it is empty, with their balances.
    async fn find_users(
        &self,
        query: &str,
        limit: u32,
    ) -> Result<Vec<crate::ops::admin::AdminUser>>;
    /// Applies an adjustment to the action's account and records the action (amount, balance after,
    /// the entry) with it. A repeated key answers with the first entry and records nothing more.
    async fn adjust_credits(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        mv: &super::LedgerMove,
    ) -> Result<LedgerEntry>;
    /// Suspends the action's account and ends its sessions and tokens; how many ended.
    async fn suspend(&self, action: &crate::ops::admin::NewAdminAction) -> Result<u64>;
    async fn restore(&self, action: &crate::ops::admin::NewAdminAction) -> Result<()>;
    async fn set_admin_granted(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        granted: bool,
    ) -> Result<()>;
    /// Ends every session and token of the action's account; how many.
    async fn sign_out(&self, action: &crate::ops::admin::NewAdminAction) -> Result<u64>;
    /// Writes a warning's notification to the action's account with the action, in one transaction.
    async fn warn(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        notification: &crate::social::NotificationRow,
    ) -> Result<()>;
    /// The admins' model settings, by model id.
    async fn model_settings(&self) -> Result<Vec<(String, crate::catalogue::ModelOverride)>>;
    /// Writes one model's settings (in place of its last) with the action that changed them.
    async fn set_model_settings(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        model_id: &str,
        settings: &crate::catalogue::ModelOverride,
    ) -> Result<()>;
    /// The audit log, newest first.
    async fn audit_log(
        &self,
        filter: &crate::ops::admin::AuditFilter,
        page: &PageRequest,
    ) -> Result<Vec<crate::ops::admin::AuditEntry>>;
}

/// Moderation: reports resolved by admins, images hidden or deleted, each with its audit entry (and a
/// delete with its deletion log row) in one transaction.
#[async_trait]
pub trait ModerationStore: Send + Sync {
    async fn report(&self, id: &str) -> Result<Option<Report>>;
    /// Closes one open report as dismissed (conflict when it was already resolved).
    async fn dismiss_report(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        report_id: &str,
    ) -> Result<Vec<crate::ops::moderation::ClosedReport>>;
    /// Makes the image private for good (`moderated_at`) and closes its open reports.
    async fn hide_image(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        image_id: &str,
    ) -> Result<Vec<crate::ops::moderation::ClosedReport>>;
    /// Deletes the image, logs it as it was, marks its media unused and closes its open reports.
    async fn delete_image(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        image: &Image,
    ) -> Result<Vec<crate::ops::moderation::ClosedReport>>;
    /// Removes the comment (a placeholder while replies hang off it), logs it as it was and closes
    /// its open reports.
    async fn remove_comment(
        &self,
        action: &crate::ops::admin::NewAdminAction,
        comment: &crate::social::CommentRow,
    ) -> Result<Vec<crate::ops::moderation::ClosedReport>>;
    /// Jobs a provider's moderation refused, newest asked first.
    async fn refused_jobs(&self, page: &PageRequest) -> Result<Vec<Job>>;
    /// The deletion log, newest first; `query` (lower case) matches an owner's username, the deleted
    /// id or the reason.
    async fn deletions(
        &self,
        query: Option<&str>,
        page: &PageRequest,
    ) -> Result<Vec<crate::ops::moderation::Deletion>>;
}
