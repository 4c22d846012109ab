//! The report queries: one report per person and target, the open queue oldest first.

use super::*;
use pixel_core::social::{Report, ReportTarget};

pub(crate) const REPORT_COLS: &str =
    "id, reporter_id, target_kind, target_id, reason, created_at, resolved_at";

pub(crate) fn report_from(r: &impl Cols) -> Result<Report> {
    let kind = r.text("target_kind")?;
    Ok(Report {
        id: r.text("id")?,
        reporter_id: r.text("reporter_id")?,
        target: ReportTarget::parse(&kind)
            .ok_or_else(|| Error::internal(format!("unknown report target {kind}")))?,
        target_id: r.text("target_id")?,
        reason: r.text("reason")?,
        created_at: r.int("created_at")?,
        resolved_at: r.opt_int("resolved_at")?,
    })
}

#[async_trait]
impl ReportStore for SqlStore {
    async fn file_report(&self, report: &Report) -> Result<bool> {
        self.write_statement(
            sqlx::query(&format!(
                "INSERT INTO reports ({REPORT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (reporter_id, target_kind, target_id) DO NOTHING"
            ))
            .bind(&report.id)
            .bind(&report.reporter_id)
            .bind(report.target.as_str())
            .bind(&report.target_id)
            .bind(&report.reason)
            .bind(report.created_at)
            .bind(report.resolved_at),
        )
        .await
        .map(|n| n == 1)
    }

    async fn open_reports(
        &self,
        after: Option<&(Millis, String)>,
        limit: u32,
    ) -> Result<Vec<Report>> {
        let (ts, id) = after.cloned().unwrap_or((-1, String::new()));
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_COLS} FROM reports WHERE resolved_at IS NULL \
             AND (created_at > $1 OR (created_at = $1 AND id > $2)) ORDER BY created_at, id LIMIT $3"
        ))
        .bind(ts)
        .bind(&id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(report_from).collect()
    }

    async fn report_count(&self, target: &ReportTarget, id: &str) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM reports WHERE target_kind = $1 AND target_id = $2 \
             AND resolved_at IS NULL",
        )
        .bind(target.as_str())
        .bind(id)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.int("n")
    }
}
