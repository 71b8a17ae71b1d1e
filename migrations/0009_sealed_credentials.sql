-- Credentials at rest (contract: "Credentials at rest"; worker/src/sealed.rs).
--
-- A token's credential is looked up by its keyed hash (HMAC-SHA256 under the
-- secret CREDENTIAL_LOOKUP_KEY, hex) and kept for display only sealed
-- (AES-256-GCM under CREDENTIAL_SEAL_KEYS, `kid.base64url(iv || ciphertext)`).
-- SQL cannot compute either (the keys are the worker's secrets), so this
-- migration renames the lookup columns and adds the sealed ones; rows written
-- before it keep their plaintext in the `*_key` column with `sealed` NULL,
-- and the worker converts them: the cron in chunks (`cron::seal_legacy`), and
-- an enrollment that finds one seals it before it claims it.

-- AOSP tokens: value_key = HMAC(value); sealed = seal(value).
ALTER TABLE aosp_enrollment_tokens RENAME COLUMN value TO value_key;
ALTER TABLE aosp_enrollment_tokens ADD COLUMN sealed TEXT;

-- Google-compatible tokens: the same.
ALTER TABLE google_enrollment_tokens RENAME COLUMN value TO value_key;
ALTER TABLE google_enrollment_tokens ADD COLUMN sealed TEXT;

-- Windows tokens: enroll_code_key = HMAC(normalized code); sealed =
-- seal({"enrollCode", "enrollmentLink"}); enrollment_link is NULL once sealed.
ALTER TABLE win_enrollment_tokens RENAME COLUMN enroll_code TO enroll_code_key;
ALTER TABLE win_enrollment_tokens ADD COLUMN sealed TEXT;

-- Stored idempotent answers carry a create's credential: sealed too.
ALTER TABLE idempotency_keys ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;

-- Legacy rows left to seal, found without a scan.
CREATE INDEX aosp_tokens_unsealed ON aosp_enrollment_tokens (id) WHERE sealed IS NULL;
CREATE INDEX google_tokens_unsealed ON google_enrollment_tokens (id) WHERE sealed IS NULL;
CREATE INDEX win_tokens_unsealed ON win_enrollment_tokens (id) WHERE sealed IS NULL;
