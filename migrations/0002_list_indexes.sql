-- List cost independent of table size (BENCHMARKS.md, EXPLAIN QUERY PLAN
-- findings): every list pages with `ORDER BY <col> <dir>, id <dir>`, and the
-- token lists first expire the organization's overdue PENDING tokens.

-- The page's `id` tie-breaker: without `id` in the index SQLite sorts the
-- organization's rows with a temp B-tree for ORDER BY created_at, id.
CREATE INDEX aosp_tokens_org_created_id ON aosp_enrollment_tokens (organization_id, created_at, id);
CREATE INDEX win_tokens_org_created_id ON win_enrollment_tokens (organization_id, created_at, id);
CREATE INDEX aosp_devices_org_created_id ON aosp_devices (organization_id, created_at, id);

-- The expiry write-back before each token list touches only the
-- organization's live, expiring tokens (the existing `(expires_at)` partial
-- indexes serve the cron sweep over every organization).
CREATE INDEX aosp_tokens_org_pending_expiry ON aosp_enrollment_tokens (organization_id, expires_at)
  WHERE status = 'PENDING' AND perpetual = 0;
CREATE INDEX win_tokens_org_pending_expiry ON win_enrollment_tokens (organization_id, expires_at)
  WHERE state = 'PENDING';
