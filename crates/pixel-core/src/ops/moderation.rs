//! Moderation: admins resolve the reports in the queue — dismiss one, hide the reported image (private,
//! and its owner cannot publish it again) or delete it (the deletion log keeps who, why and the image
//! as it was, written in the same transaction; its media is freed) — and search the deletion log. Each
//! action closes every open report of its image and is in the admin audit log.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::admin::{account_action, admin, AdminActionKind, AdminChange, NewAdminAction};
use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::{notify, Notice, NotificationKind, ReportTarget, UserSummary};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "admin.reports.resolve",
        Write,
        "Resolve a report: dismiss it, or hide or delete the reported image, with a reason (admins)",
        admin_reports_resolve,
    );
    r.add(
        "admin.deletions.list",
        Read,
        "The deletion log, newest first, searchable by account, id or reason (admins)",
        admin_deletions_list,
    );
}

/// A report an admin's action closed, and who filed it (to be told how it ended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedReport {
    pub id: String,
    pub reporter_id: String,
}

/// How a report ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportOutcome {
    /// Nothing wrong: the report is closed.
    Dismiss,
    /// The image becomes private and stays so.
    Hide,
    /// The image is deleted; the deletion log keeps it.
    Delete,
}

/// How a report ended, as its reporter is told and the report keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportResolution {
    Dismissed,
    Hidden,
    Deleted,
}

impl ReportResolution {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportResolution::Dismissed => "dismissed",
            ReportResolution::Hidden => "hidden",
            ReportResolution::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<ReportResolution> {
        [
            ReportResolution::Dismissed,
            ReportResolution::Hidden,
            ReportResolution::Deleted,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveReport {
    pub report_id: String,
    pub outcome: ReportOutcome,
    /// Why, 3–500 characters: kept in the audit log (and the deletion log for a delete).
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ResolveOutput {
    /// Open reports the action closed (every report of a hidden or deleted image).
    #[ts(type = "number")]
    pub reports_closed: u64,
}

/// One line of the deletion log.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct Deletion {
    pub id: String,
    pub admin: UserSummary,
    /// What was deleted: `image`.
    pub kind: String,
    pub target_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub owner: Option<UserSummary>,
    pub reason: String,
    /// The deleted thing as it was, as JSON (an image with its generation record).
    pub record: String,
    #[ts(type = "number")]
    pub created_at: Millis,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeletionsQuery {
    /// An owner's username, the deleted thing's id, or a word of the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct DeletionsOutput {
    pub deletions: Vec<Deletion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

pub async fn admin_reports_resolve(
    app: &App,
    caller: &Caller,
    input: ResolveReport,
) -> Result<ResolveOutput> {
    admin(caller)?;
    let report = app
        .store
        .moderation()
        .report(&input.report_id)
        .await?
        .ok_or_else(|| Error::not_found("report"))?;
    if report.resolved_at.is_some() {
        return Err(Error::new(
            ErrorCode::Conflict,
            "this report is already resolved",
        ));
    }
    let change = AdminChange {
        report_id: Some(report.id.clone()),
        ..AdminChange::default()
    };
    let with_change =
        |(_, act): (User, NewAdminAction), change: AdminChange| NewAdminAction { change, ..act };
    let moderation = app.store.moderation();
    let closed = match input.outcome {
        ReportOutcome::Dismiss => {
            let act = account_action(
                app,
                caller,
                &report.reporter_id,
                &input.reason,
                AdminActionKind::ReportDismiss,
                None,
            )
            .await?;
            moderation
                .dismiss_report(&with_change(act, change), &report.id)
                .await?
        }
        // A comment is removed either way (a placeholder while replies hang off it), into the
        // deletion log as it was.
        ReportOutcome::Hide | ReportOutcome::Delete if report.target == ReportTarget::Comment => {
            let comment = app
                .store
                .comments()
                .get_comment(&report.target_id, None)
                .await?
                .filter(|c| !c.deleted)
                .ok_or_else(|| Error::not_found("comment"))?;
            let act = account_action(
                app,
                caller,
                &comment.author_id,
                &input.reason,
                AdminActionKind::CommentRemove,
                None,
            )
            .await?;
            let act = with_change(
                act,
                AdminChange {
                    comment_id: Some(comment.id.clone()),
                    ..change
                },
            );
            moderation.remove_comment(&act, &comment).await?
        }
        ReportOutcome::Hide | ReportOutcome::Delete => {
            if report.target != ReportTarget::Image {
                return Err(Error::invalid(
                    "only a reported image or comment is hidden or deleted here; dismiss the report, or suspend the account from its page",
                ));
            }
            let image = app
                .store
                .images()
                .get_image(&report.target_id)
                .await?
                .ok_or_else(|| Error::not_found("image"))?;
            let kind = if input.outcome == ReportOutcome::Hide {
                AdminActionKind::ImageHide
            } else {
                AdminActionKind::ImageDelete
            };
            let act =
                account_action(app, caller, &image.owner_id, &input.reason, kind, None).await?;
            let act = with_change(
                act,
                AdminChange {
                    image_id: Some(image.id.clone()),
                    ..change
                },
            );
            if input.outcome == ReportOutcome::Hide {
                moderation.hide_image(&act, &image.id).await?
            } else {
                moderation.delete_image(&act, &image).await?
            }
        }
    };
    let resolution = match input.outcome {
        ReportOutcome::Dismiss => ReportResolution::Dismissed,
        _ if report.target == ReportTarget::Comment => ReportResolution::Deleted,
        ReportOutcome::Hide => ReportResolution::Hidden,
        ReportOutcome::Delete => ReportResolution::Deleted,
    };
    // Everyone whose report the action closed is told how it ended, once per report (the image is
    // not named: a hidden or deleted one is no longer theirs to see).
    for r in &closed {
        notify(
            app,
            Notice {
                report_outcome: Some(resolution),
                key: Some(format!("report_resolved:{}", r.id)),
                ..Notice::to(&r.reporter_id, NotificationKind::ReportResolved)
            },
        )
        .await;
    }
    let reports_closed = closed.len() as u64;
    tracing::info!(report = %report.id, outcome = ?input.outcome, reports_closed, "report resolved");
    Ok(ResolveOutput { reports_closed })
}

pub async fn admin_deletions_list(
    app: &App,
    caller: &Caller,
    input: DeletionsQuery,
) -> Result<DeletionsOutput> {
    admin(caller)?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let limit = page.limit;
    let query = input
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    if query.is_some_and(|q| q.chars().count() > 100) {
        return Err(Error::invalid("search with at most 100 characters"));
    }
    let deletions = app
        .store
        .moderation()
        .deletions(query.map(str::to_lowercase).as_deref(), &page)
        .await?;
    let next = next_cursor(&deletions, limit, |d| (d.created_at, &d.id));
    Ok(DeletionsOutput { deletions, next })
}
