-- Lookups by week (the job's "which regions are done", the weekly backup) and by freshness
-- (/healthz/data, every monitor ping) would otherwise scan tables that grow by ~7,100 rows a week.
CREATE INDEX snapshots_by_week ON snapshots (week, region);
CREATE INDEX snapshots_by_fetched_at ON snapshots (fetched_at);
CREATE INDEX chart_entries_by_week ON chart_entries (week, region);
