//! Reports: anyone signed in reports an image, a comment or an account they can see, with a reason,
//! into the moderation queue that admins read.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::{Report, ReportTarget};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "reports.create",
        Write,
        "Report an image, a comment or an account to the moderators",
        reports_create,
    );
    r.add(
        "reports.list",
        Read,
        "The open reports, oldest first (admins)",
        reports_list,
    );
}

/// Longest reason, in characters.
const MAX_REASON_CHARS: usize = 1000;

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    pub target: ReportTarget,
    pub target_id: String,
    /// 1–1000 characters.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReportOutput {
    /// False when the caller had already reported it (a second report is no louder).
    pub filed: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReportsOutput {
    pub reports: Vec<Report>,
    /// The reported comments of this page still there, so an admin reads what they judge.
    #[serde(default)]
    pub comments: Vec<ReportedComment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

/// A reported comment as it stands.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReportedComment {
    pub id: String,
    pub image_id: String,
    pub author: crate::social::UserSummary,
    pub body: String,
}

pub async fn reports_create(app: &App, caller: &Caller, input: NewReport) -> Result<ReportOutput> {
    let me = caller.user_id()?;
    let reason = input.reason.trim();
    let chars = reason.chars().count();
    if chars == 0 || chars > MAX_REASON_CHARS {
        return Err(Error::invalid(format!(
            "a reason is 1–{MAX_REASON_CHARS} characters"
        )));
    }
    // Only what the reporter can see can be reported: the same answer a missing one gets otherwise.
    let target_id = match input.target {
        ReportTarget::Image => {
            images_get(
                app,
                caller,
                ImageRef {
                    image_id: input.target_id,
                },
            )
            .await?
            .id
        }
        ReportTarget::Comment => readable_comment(app, caller, &input.target_id).await?.0.id,
        ReportTarget::Message => readable_message(app, caller, &input.target_id).await?.id,
        ReportTarget::User => {
            app.store
                .accounts()
                .get_user(&input.target_id)
                .await?
                .ok_or_else(|| Error::not_found("account"))?
                .id
        }
    };
    let filed = app
        .store
        .reports()
        .file_report(&Report {
            id: crate::new_id(),
            reporter_id: me.to_string(),
            target: input.target,
            target_id,
            reason: reason.to_string(),
            created_at: app.clock.now_ms(),
            resolved_at: None,
        })
        .await?;
    Ok(ReportOutput { filed })
}

pub async fn reports_list(
    app: &App,
    caller: &Caller,
    input: ReportsQuery,
) -> Result<ReportsOutput> {
    caller.user_id()?;
    if !caller.is_admin() {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "only admins read the moderation queue",
        ));
    }
    let after = parse_cursor(input.after.as_deref())?;
    let limit = page_limit(input.limit);
    let reports = app
        .store
        .reports()
        .open_reports(after.as_ref(), limit)
        .await?;
    let next = next_cursor(&reports, limit, |r| (r.created_at, &r.id));
    // Each reported comment once, in the queue's order.
    let mut reported: Vec<String> = Vec::new();
    for r in reports.iter().filter(|r| r.target == ReportTarget::Comment) {
        if !reported.contains(&r.target_id) {
            reported.push(r.target_id.clone());
        }
    }
    let mut found = app.store.comments().comments_by_ids(&reported).await?;
    found.sort_by_key(|c| reported.iter().position(|id| *id == c.id));
    let comments = found
        .into_iter()
        .filter(|c| !c.deleted)
        .map(|c| ReportedComment {
            author: crate::social::UserSummary::new(c.author_id, c.author_username),
            id: c.id,
            image_id: c.image_id,
            body: c.body,
        })
        .collect();
    Ok(ReportsOutput {
        reports,
        comments,
        next,
    })
}
