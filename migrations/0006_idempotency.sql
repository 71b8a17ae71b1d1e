-- Idempotency keys of creates (Idempotency-Key header): the first request
-- claims the key in the same D1 batch as its create, then stores its answer;
-- a repeat with the same key, credential and body gets that answer back.
-- Rows older than 24 hours are swept by the cron task.
CREATE TABLE idempotency_keys (
  -- A digest of the credential that sent the key (keys are per credential).
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  -- SHA-256 of method, path and body: the same key with another request is 409 / 5013.
  request_hash TEXT NOT NULL,
  -- Random id of the request that claimed the key.
  owner TEXT NOT NULL,
  -- The first answer; NULL while that request runs.
  status INTEGER,
  body TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
