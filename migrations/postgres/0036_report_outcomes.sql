-- A reporter is told how their report ended: the outcome a `report_resolved` notification carries
-- (dismissed, hidden or deleted).
ALTER TABLE notifications ADD COLUMN report_outcome TEXT;
