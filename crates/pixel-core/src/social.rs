//! The social nouns: an account as others see it, an image with its engagement, comments, follows and
//! notifications, and the one place every notification goes through (`notify`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::account::NotificationPrefs;
use crate::app::App;
use crate::domain::{Audience, Envelope, Event, Image, Millis};
use crate::error::Result;

/// An account as other people see it: never its email, role or settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct UserSummary {
    pub id: String,
    pub username: String,
    /// Their profile picture's thumbnail, while that image is still theirs and public (the rule of
    /// `profiles.get`); absent otherwise, and wherever the list does not carry pictures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avatar_url: Option<String>,
}

impl UserSummary {
    pub fn new(id: impl Into<String>, username: impl Into<String>) -> Self {
        UserSummary {
            id: id.into(),
            username: username.into(),
            avatar_url: None,
        }
    }

    /// With the picture the store found: the id of an image that is still the person's and public.
    pub fn with_picture(mut self, image_id: Option<String>) -> Self {
        self.avatar_url = image_id.map(|id| crate::media_urls(&id).1);
        self
    }
}

/// What a person says of themselves on their profile: a bio and a picture chosen from their own work.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProfileDetails {
    pub bio: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avatar_image_id: Option<String>,
}

/// A public image with its creator and engagement, as explore, the feed and the detail page show it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct PublicImage {
    pub image: Image,
    pub creator: UserSummary,
    #[ts(type = "number")]
    pub likes: i64,
    #[ts(type = "number")]
    pub comments: i64,
    /// Whether the viewer likes it (false for anonymous viewers).
    pub liked: bool,
    /// Whether the viewer follows its creator.
    pub following: bool,
}

/// Counts and the viewer's like for one image, read for a whole page in one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engagement {
    pub image_id: String,
    pub creator: UserSummary,
    pub likes: i64,
    pub comments: i64,
    pub liked: bool,
    pub following: bool,
}

/// One comment of a thread. A deleted comment that has replies stays as a placeholder: no author, no
/// body, `deleted` set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Comment {
    pub id: String,
    pub image_id: String,
    /// The comment it answers; None for a top-level comment.
    pub parent_id: Option<String>,
    pub author: Option<UserSummary>,
    pub body: String,
    pub deleted: bool,
    #[ts(type = "number")]
    pub likes: i64,
    #[ts(type = "number")]
    pub replies: i64,
    /// Whether the viewer likes it.
    pub liked: bool,
    #[ts(type = "number")]
    pub created_at: Millis,
    #[ts(type = "number | null")]
    pub edited_at: Option<Millis>,
}

/// A comment as stored: its author's id, before the viewer's view of it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRow {
    pub id: String,
    pub image_id: String,
    pub parent_id: Option<String>,
    pub author_id: String,
    pub author_username: String,
    /// The author's profile picture (an image id), only while it is theirs and public.
    pub author_picture: Option<String>,
    pub body: String,
    pub deleted: bool,
    pub likes: i64,
    pub replies: i64,
    pub liked: bool,
    pub created_at: Millis,
    pub edited_at: Option<Millis>,
}

impl CommentRow {
    pub fn view(self) -> Comment {
        let author = (!self.deleted).then(|| {
            UserSummary::new(self.author_id, self.author_username).with_picture(self.author_picture)
        });
        Comment {
            id: self.id,
            image_id: self.image_id,
            parent_id: self.parent_id,
            author,
            body: if self.deleted {
                String::new()
            } else {
                self.body
            },
            deleted: self.deleted,
            likes: self.likes,
            replies: self.replies,
            liked: self.liked,
            created_at: self.created_at,
            edited_at: self.edited_at,
        }
    }
}

/// What deleting a comment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentRemoval {
    /// It had no replies and is gone.
    Removed,
    /// It has replies and stays as a placeholder.
    Placeholder,
}

/// How explore orders public work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExploreSort {
    #[default]
    Newest,
    /// Most liked first.
    Top,
    /// By the time-decayed score over the period: (likes x 3 + comments x 2) / (days old + 1).
    Trending,
}

/// The window trending looks at: images made within it are its candidates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub enum TrendPeriod {
    #[serde(rename = "24h")]
    Day,
    #[default]
    #[serde(rename = "48h")]
    TwoDays,
    #[serde(rename = "7d")]
    Week,
    #[serde(rename = "30d")]
    Month,
}

impl TrendPeriod {
    pub const ALL: [TrendPeriod; 4] = [
        TrendPeriod::Day,
        TrendPeriod::TwoDays,
        TrendPeriod::Week,
        TrendPeriod::Month,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TrendPeriod::Day => "24h",
            TrendPeriod::TwoDays => "48h",
            TrendPeriod::Week => "7d",
            TrendPeriod::Month => "30d",
        }
    }
    pub fn millis(self) -> Millis {
        let hours = match self {
            TrendPeriod::Day => 24,
            TrendPeriod::TwoDays => 48,
            TrendPeriod::Week => 7 * 24,
            TrendPeriod::Month => 30 * 24,
        };
        hours * 3_600_000
    }
}

/// Ranks every period's candidates again (the periodic job; tests call it directly).
pub async fn refresh_trending(app: &App) -> Result<()> {
    let now = app.clock.now_ms();
    for period in TrendPeriod::ALL {
        app.store.explore().rank_trending(period, now).await?;
    }
    Ok(())
}

/// One direct message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    pub sender_id: String,
    pub body: String,
    #[ts(type = "number")]
    pub created_at: Millis,
}

/// A conversation as one of its two people sees it in their inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Conversation {
    pub id: String,
    /// The other person.
    pub with: UserSummary,
    pub last_body: String,
    /// Whether the viewer sent the last message.
    pub last_from_me: bool,
    #[ts(type = "number")]
    pub last_message_at: Millis,
    /// Messages the viewer has not read.
    #[ts(type = "number")]
    pub unread: i64,
}

/// What a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportTarget {
    Image,
    Comment,
    User,
    Message,
}

impl ReportTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportTarget::Image => "image",
            ReportTarget::Comment => "comment",
            ReportTarget::User => "user",
            ReportTarget::Message => "message",
        }
    }
    pub fn parse(s: &str) -> Option<ReportTarget> {
        [
            ReportTarget::Image,
            ReportTarget::Comment,
            ReportTarget::User,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// A report in the moderation queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Report {
    pub id: String,
    pub reporter_id: String,
    pub target: ReportTarget,
    pub target_id: String,
    pub reason: String,
    #[ts(type = "number")]
    pub created_at: Millis,
    #[ts(type = "number | null")]
    pub resolved_at: Option<Millis>,
}

/// The things a person is told about. Each has a preference in the account's settings, but for
/// what an admin or the running of the server must always reach them with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    NewFollower,
    Like,
    Comment,
    Mention,
    GenerationCompleted,
    TipReceived,
    PromptPurchased,
    CollectionPurchased,
    /// Someone ordered a print of the recipient's image (and paid for it).
    PrintOrdered,
    AchievementUnlocked,
    StreakMilestone,
    PayoutCompleted,
    /// A payout failed: its transfer was reversed (credits returned) or the bank refused it.
    PayoutFailed,
    /// An admin ended the recipient's report: dismissed, or the image hidden or deleted.
    ReportResolved,
    /// An admin warned the recipient about their conduct, in the admin's words (`message`).
    AccountWarned,
    /// For admins: a provider's balance fell under the threshold they set (`message` says which).
    ProviderLowBalance,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 16] = [
        NotificationKind::NewFollower,
        NotificationKind::Like,
        NotificationKind::Comment,
        NotificationKind::Mention,
        NotificationKind::GenerationCompleted,
        NotificationKind::TipReceived,
        NotificationKind::PromptPurchased,
        NotificationKind::CollectionPurchased,
        NotificationKind::PrintOrdered,
        NotificationKind::AchievementUnlocked,
        NotificationKind::StreakMilestone,
        NotificationKind::PayoutCompleted,
        NotificationKind::PayoutFailed,
        NotificationKind::ReportResolved,
        NotificationKind::AccountWarned,
        NotificationKind::ProviderLowBalance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::NewFollower => "new_follower",
            NotificationKind::Like => "like",
            NotificationKind::Comment => "comment",
            NotificationKind::Mention => "mention",
            NotificationKind::GenerationCompleted => "generation_completed",
            NotificationKind::TipReceived => "tip_received",
            NotificationKind::PromptPurchased => "prompt_purchased",
            NotificationKind::CollectionPurchased => "collection_purchased",
            NotificationKind::PrintOrdered => "print_ordered",
            NotificationKind::AchievementUnlocked => "achievement_unlocked",
            NotificationKind::StreakMilestone => "streak_milestone",
            NotificationKind::PayoutCompleted => "payout_completed",
            NotificationKind::PayoutFailed => "payout_failed",
            NotificationKind::ReportResolved => "report_resolved",
            NotificationKind::AccountWarned => "account_warned",
            NotificationKind::ProviderLowBalance => "provider_low_balance",
        }
    }

    pub fn parse(s: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the recipient's settings let this kind through.
    pub fn wanted(self, prefs: &NotificationPrefs) -> bool {
        match self {
            NotificationKind::NewFollower => prefs.new_follower,
            NotificationKind::Like => prefs.like,
            NotificationKind::Comment => prefs.comment,
            NotificationKind::Mention => prefs.mention,
            NotificationKind::GenerationCompleted => prefs.generation_completed,
            NotificationKind::TipReceived => prefs.tip_received,
            NotificationKind::PromptPurchased => prefs.prompt_purchased,
            NotificationKind::CollectionPurchased => prefs.collection_purchased,
            NotificationKind::PrintOrdered => prefs.print_ordered,
            NotificationKind::AchievementUnlocked => prefs.achievement_unlocked,
            NotificationKind::StreakMilestone => prefs.streak_milestone,
            NotificationKind::PayoutCompleted => prefs.payout_completed,
            // Money that did not arrive is always told: the creator has something to fix.
            NotificationKind::PayoutFailed => true,
            // The answer to something the recipient asked for.
            NotificationKind::ReportResolved => true,
            // A warning that could be turned off would warn nobody.
            NotificationKind::AccountWarned => true,
            // Generations start failing for everyone when the balance runs out.
            NotificationKind::ProviderLowBalance => true,
        }
    }
}

/// One notification as its recipient reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Notification {
    pub id: String,
    pub kind: NotificationKind,
    /// Who did it (None for the system's own news, such as a finished generation).
    pub actor: Option<UserSummary>,
    /// The image it is about, only while the recipient may see that image.
    pub image_id: Option<String>,
    pub comment_id: Option<String>,
    /// Whether the image it names is the recipient's own (a comment on your image, not a reply to
    /// your comment on someone else's).
    pub on_own_image: bool,
    /// The tip a `tip_received` notification is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tip: Option<crate::ops::tips::TipNote>,
    /// The achievement or streak milestone an `achievement_unlocked` or `streak_milestone`
    /// notification is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub award: Option<crate::ops::achievements::AwardNote>,
    /// How the recipient's report ended, for a `report_resolved` notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub report_outcome: Option<crate::ops::moderation::ReportResolution>,
    /// Words for the recipient: an admin's warning, or which provider runs low.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
    pub read: bool,
    #[ts(type = "number")]
    pub created_at: Millis,
}

/// A notification as stored, for its recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRow {
    pub id: String,
    pub user_id: String,
    pub kind: NotificationKind,
    pub actor: Option<UserSummary>,
    pub image_id: Option<String>,
    pub comment_id: Option<String>,
    pub tip: Option<crate::ops::tips::TipNote>,
    /// An achievement id or `streak_day_<n>`.
    pub award: Option<String>,
    pub report_outcome: Option<crate::ops::moderation::ReportResolution>,
    pub message: Option<String>,
    pub read_at: Option<Millis>,
    pub created_at: Millis,
}

/// Something to tell `recipient`, from `actor` (None: the system).
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    pub recipient: &'a str,
    pub kind: NotificationKind,
    pub actor: Option<&'a str>,
    pub image_id: Option<&'a str>,
    pub comment_id: Option<&'a str>,
    pub tip: Option<crate::ops::tips::TipNote>,
    /// An achievement id or `streak_day_<n>`.
    pub award: Option<String>,
    pub report_outcome: Option<crate::ops::moderation::ReportResolution>,
    /// Words for the recipient: an admin's warning, or which provider runs low.
    pub message: Option<String>,
    /// Makes the notice idempotent: a second notice with the same key is dropped (a set told
    /// finished once, a purchase told once however often its webhook arrives).
    pub key: Option<String>,
}

impl<'a> Notice<'a> {
    /// A notice from the system about nothing in particular yet; fields are added by update syntax.
    pub fn to(recipient: &'a str, kind: NotificationKind) -> Notice<'a> {
        Notice {
            recipient,
            kind,
            actor: None,
            image_id: None,
            comment_id: None,
            tip: None,
            award: None,
            report_outcome: None,
            message: None,
            key: None,
        }
    }
}

/// The one place every notification goes through, whichever feature raises it: nobody is told of
/// their own doing, the recipient's preference for the kind is honoured, the row is written and the
/// recipient's open clients are told at once. A failure to notify never fails the action that caused
/// it: it is logged.
pub async fn notify(app: &App, notice: Notice<'_>) {
    if notice.actor == Some(notice.recipient) {
        return;
    }
    if let Err(e) = write_notice(app, &notice).await {
        tracing::warn!(kind = notice.kind.as_str(), error = %e.message, "notification not written");
    }
}

async fn write_notice(app: &App, notice: &Notice<'_>) -> Result<()> {
    let settings = app
        .store
        .accounts()
        .account_settings(notice.recipient)
        .await?;
    if !notice.kind.wanted(&settings.notifications) {
        return Ok(());
    }
    // Someone the recipient blocks (or who blocks them) never reaches them this way.
    if let Some(actor) = notice.actor {
        if app
            .store
            .blocks()
            .blocked_between(actor, notice.recipient)
            .await?
        {
            return Ok(());
        }
    }
    // Nobody is told of activity on an image they may not see (a reply on an image made private since).
    let mut on_own_image = false;
    if let Some(image_id) = notice.image_id {
        let Some(recipient) = app.store.accounts().get_user(notice.recipient).await? else {
            return Ok(());
        };
        let viewer = crate::domain::Caller::User {
            id: recipient.id,
            role: recipient.role,
            session: None,
        };
        match app.store.images().get_image(image_id).await? {
            Some(image) if viewer.can_read(&image.owner_id, image.visibility) => {
                on_own_image = image.owner_id == notice.recipient;
            }
            _ => return Ok(()),
        }
    }
    let actor = match notice.actor {
        Some(id) => match app.store.accounts().get_user(id).await? {
            // The live event shows the picture the list would.
            Some(u) => {
                let picture = crate::ops::profiles::picture_id(app, &u.id).await?;
                Some(UserSummary::new(u.id, u.username).with_picture(picture))
            }
            None => None,
        },
        None => None,
    };
    let row = NotificationRow {
        id: notice.key.clone().unwrap_or_else(crate::new_id),
        user_id: notice.recipient.to_string(),
        kind: notice.kind,
        actor,
        image_id: notice.image_id.map(str::to_string),
        comment_id: notice.comment_id.map(str::to_string),
        tip: notice.tip.clone(),
        award: notice.award.clone(),
        report_outcome: notice.report_outcome,
        message: notice.message.clone(),
        read_at: None,
        created_at: app.clock.now_ms(),
    };
    if !app.store.notifications().insert_notification(&row).await? {
        return Ok(());
    }
    app.events.publish(Envelope {
        audience: Audience::User(row.user_id.clone()),
        event: Event::NotificationCreated {
            notification: row.into_view(on_own_image),
        },
    });
    Ok(())
}

impl NotificationRow {
    /// The recipient's view as stored; rows read back later have their image checked again by the
    /// operation that lists them, which also says whether the image is the recipient's.
    pub fn into_view(self, on_own_image: bool) -> Notification {
        Notification {
            id: self.id,
            kind: self.kind,
            actor: self.actor,
            image_id: self.image_id,
            comment_id: self.comment_id,
            on_own_image,
            tip: self.tip,
            award: self
                .award
                .as_deref()
                .and_then(crate::ops::achievements::AwardNote::of),
            report_outcome: self.report_outcome,
            message: self.message,
            read: self.read_at.is_some(),
            created_at: self.created_at,
        }
    }
}
