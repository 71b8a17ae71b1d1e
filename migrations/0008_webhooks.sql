-- Webhooks (contract: "Webhooks"; worker/src/webhooks/): subscriptions and
-- every delivery attempt.

-- A subscription: deliveries of `events` to `url`, signed with its secret.
-- The secret is never stored in plaintext: `secret_sealed` is
-- `kid.base64url(iv || AES-256-GCM(secret))` under CREDENTIAL_SEAL_KEYS with
-- the additional data `webhooks/<id>` (worker/src/sealed.rs); the queue
-- consumer opens it to sign. Deleting sets deleted_at (its deliveries stay
-- listed in the audit sense; the row is hidden and gets no more events).
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  url TEXT NOT NULL,
  -- JSON array of event types.
  events TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  secret_sealed TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- The last `POST .../test` (its audit event rides with this write).
  tested_at INTEGER,
  deleted_at INTEGER
);

-- The list, and the subscriptions an event of an organization goes to.
CREATE INDEX webhooks_org_created ON webhooks (organization_id, created_at, id) WHERE deleted_at IS NULL;

-- One row per attempt to deliver one message (`message_id` is the
-- `webhook-id` header, the same for every attempt of a message).
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  message_id TEXT NOT NULL,
  -- 1 for the first attempt.
  attempt INTEGER NOT NULL,
  -- delivered | failed | deadLettered
  status TEXT NOT NULL,
  -- The receiver's HTTP status; NULL: no answer (timeout, no connection).
  response_status INTEGER,
  at INTEGER NOT NULL,
  UNIQUE (message_id, attempt)
);

-- The deliveries list (newest first per subscription).
CREATE INDEX webhook_deliveries_hook_at ON webhook_deliveries (organization_id, webhook_id, at, id);
