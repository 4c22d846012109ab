-- Sets made together by one multi-model comparison share a comparison id.
ALTER TABLE generation_sets ADD COLUMN comparison_id TEXT;
CREATE INDEX generation_sets_comparison ON generation_sets (comparison_id);
