-- The audit log: one row per change made through the API, per enrollment and
-- per device state change, written in the same D1 batch as the change
-- (worker/src/audit.rs). No column holds a credential.
CREATE TABLE audit_events (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  -- When the change was made (ms since the epoch).
  at INTEGER NOT NULL,
  -- apiKey | user | service | device
  actor_type TEXT NOT NULL,
  -- The API key's id, the token's sub, or the device's id.
  actor_id TEXT NOT NULL,
  actor_email TEXT,
  -- The route's permission, or device.enroll / device.stateChanged.
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  -- CF-Connecting-IP.
  ip TEXT NOT NULL,
  -- JSON object of safe facts (the operation, ids, states).
  details TEXT NOT NULL DEFAULT '{}'
);

-- The list (newest first per organization) and each of its filters, which
-- all come with the organization and page by (at, id).
CREATE INDEX audit_events_org_at ON audit_events (organization_id, at, id);
CREATE INDEX audit_events_org_action ON audit_events (organization_id, action, at, id);
CREATE INDEX audit_events_org_actor ON audit_events (organization_id, actor_id, at, id);
CREATE INDEX audit_events_org_target ON audit_events (organization_id, target_id, at, id);
-- Retention: the cron deletes the oldest first.
CREATE INDEX audit_events_at ON audit_events (at);
