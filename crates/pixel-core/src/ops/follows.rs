//! Follows and profiles: follow and unfollow an account (never one's own; a private profile cannot be
//! found), the follower and following lists, and an account's public profile.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::achievements::{award, AchievementKind};
use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::{notify, Notice, NotificationKind, UserSummary};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add("follows.follow", Write, "Follow an account", follows_follow);
    r.add(
        "follows.unfollow",
        Write,
        "Stop following an account",
        follows_unfollow,
    );
    r.add(
        "follows.followers",
        Read,
        "The accounts following an account, newest first",
        follows_followers,
    );
    r.add(
        "follows.following",
        Read,
        "The accounts an account follows, newest first",
        follows_following,
    );
    r.add(
        "profiles.search",
        Read,
        "Accounts whose username starts with the given text (private profiles are never found)",
        profiles_search,
    );
    r.add(
        "profiles.get",
        Read,
        "An account's public profile by username: counts and whether the caller follows it",
        profiles_get,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserRef {
    pub user_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowListQuery {
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileQuery {
    pub username: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct FollowOutput {
    pub following: bool,
    /// The followed account's follower count after the change.
    #[ts(type = "number")]
    pub followers: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct FollowEntry {
    pub user: UserSummary,
    #[ts(type = "number")]
    pub since: Millis,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct FollowListOutput {
    pub users: Vec<FollowEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct Profile {
    pub user: UserSummary,
    #[ts(type = "number")]
    pub followers: i64,
    #[ts(type = "number")]
    pub following: i64,
    /// Whether the caller follows this account.
    pub followed: bool,
    /// Whether this is the caller's own profile.
    pub own: bool,
    /// Whether the caller blocks this account.
    pub blocked: bool,
    #[ts(type = "number")]
    pub joined_at: Millis,
    /// The bio and picture.
    #[serde(flatten)]
    pub shown: super::profiles::ProfileShown,
}

/// Whether `user_id`'s account is suspended: its public work is then out of view to all but admins
/// (and what people bought from it stays theirs).
pub(crate) async fn is_suspended(app: &App, user_id: &str) -> Result<bool> {
    Ok(app
        .store
        .accounts()
        .get_user(user_id)
        .await?
        .is_some_and(|u| u.suspended_at.is_some()))
}

/// The account behind `user_id` if the caller may see it: a private profile is its owner's and
/// admins' alone, and answers as a missing one to everyone else.
pub(crate) async fn visible_account(app: &App, caller: &Caller, user_id: &str) -> Result<User> {
    let user = app
        .store
        .accounts()
        .get_user(user_id)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    let own = caller.user_id().ok() == Some(user.id.as_str());
    // A suspended account is nobody's to see but the admins'.
    if user.suspended_at.is_some() && !caller.is_admin() {
        return Err(Error::not_found("account"));
    }
    if !own && !caller.is_admin() {
        let settings = app.store.accounts().account_settings(&user.id).await?;
        if settings.profile_private {
            return Err(Error::not_found("account"));
        }
    }
    Ok(user)
}

pub async fn follows_follow(app: &App, caller: &Caller, input: UserRef) -> Result<FollowOutput> {
    let me = caller.user_id()?;
    if input.user_id == me {
        return Err(Error::invalid("you cannot follow yourself"));
    }
    let them = visible_account(app, caller, &input.user_id).await?;
    refuse_if_blocked(app, me, &them.id, "follow this account").await?;
    let added = app
        .store
        .follows()
        .follow(me, &them.id, app.clock.now_ms())
        .await?;
    if added {
        notify(
            app,
            Notice {
                actor: Some(me),
                ..Notice::to(&them.id, NotificationKind::NewFollower)
            },
        )
        .await;
        award(app, &them.id, &[AchievementKind::Followers]).await;
    }
    let (followers, _) = app.store.follows().follow_counts(&them.id).await?;
    Ok(FollowOutput {
        following: true,
        followers,
    })
}

pub async fn follows_unfollow(app: &App, caller: &Caller, input: UserRef) -> Result<FollowOutput> {
    let me = caller.user_id()?;
    // Unfollowing needs no look at the account: leaving works even once its profile is private.
    app.store.follows().unfollow(me, &input.user_id).await?;
    let (followers, _) = app.store.follows().follow_counts(&input.user_id).await?;
    Ok(FollowOutput {
        following: false,
        followers,
    })
}

async fn follow_list(
    app: &App,
    caller: &Caller,
    input: FollowListQuery,
    followers: bool,
) -> Result<FollowListOutput> {
    let user = visible_account(app, caller, &input.user_id).await?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    // Private profiles stay out of other people's view of a list; its own account sees all of it.
    let own = caller.user_id().ok() == Some(user.id.as_str()) || caller.is_admin();
    let rows = if followers {
        app.store.follows().followers(&user.id, own, &page).await?
    } else {
        app.store.follows().following(&user.id, own, &page).await?
    };
    Ok(user_list(rows, page.limit))
}

/// A page of accounts with the time each entered the list, and the next page's cursor.
pub(crate) fn user_list(rows: Vec<(UserSummary, Millis)>, limit: u32) -> FollowListOutput {
    let next = next_cursor(&rows, limit, |(u, since)| (*since, &u.id));
    FollowListOutput {
        users: rows
            .into_iter()
            .map(|(user, since)| FollowEntry { user, since })
            .collect(),
        next,
    }
}

pub async fn follows_followers(
    app: &App,
    caller: &Caller,
    input: FollowListQuery,
) -> Result<FollowListOutput> {
    follow_list(app, caller, input, true).await
}

pub async fn follows_following(
    app: &App,
    caller: &Caller,
    input: FollowListQuery,
) -> Result<FollowListOutput> {
    follow_list(app, caller, input, false).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileSearch {
    /// The start of a username, 1–30 characters (a leading @ is ignored).
    pub text: String,
    /// 1–50, 20 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProfileSearchOutput {
    pub users: Vec<UserSummary>,
}

pub async fn profiles_search(
    app: &App,
    caller: &Caller,
    input: ProfileSearch,
) -> Result<ProfileSearchOutput> {
    let text = input.text.trim().trim_start_matches('@');
    let chars = text.chars().count();
    if chars == 0 || chars > 30 {
        return Err(Error::invalid("search for 1–30 characters of a username"));
    }
    let mut users = app
        .store
        .accounts()
        .search_users(text, input.limit.unwrap_or(20).clamp(1, 50))
        .await?;
    // Nobody is shown an account that blocks them, or that they block.
    if let Ok(me) = caller.user_id() {
        let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
        let blocked = app.store.blocks().blocked_among(me, &ids).await?;
        users.retain(|u| !blocked.contains(&u.id));
    }
    Ok(ProfileSearchOutput { users })
}

pub async fn profiles_get(app: &App, caller: &Caller, input: ProfileQuery) -> Result<Profile> {
    let name = input.username.trim().trim_start_matches('@');
    if name.is_empty() {
        return Err(Error::invalid("give a username"));
    }
    if name.chars().count() > 64 {
        return Err(Error::not_found("account"));
    }
    let found = app
        .store
        .accounts()
        .users_by_usernames(&[name.to_string()])
        .await?;
    let summary = found
        .into_iter()
        .next()
        .ok_or_else(|| Error::not_found("account"))?;
    let user = visible_account(app, caller, &summary.id).await?;
    let (followers, following) = app.store.follows().follow_counts(&user.id).await?;
    let me = caller.user_id().ok();
    let (followed, blocked) = match me {
        Some(me) if me != user.id => (
            app.store.follows().is_following(me, &user.id).await?,
            app.store.blocks().is_blocking(me, &user.id).await?,
        ),
        _ => (false, false),
    };
    let shown = super::profiles::shown(app, &user.id).await?;
    Ok(Profile {
        shown,
        own: me == Some(user.id.as_str()),
        user: UserSummary::new(user.id, user.username),
        followers,
        following,
        followed,
        blocked,
        joined_at: user.created_at,
    })
}
