-- Identity and access: members (a person's role in an organization, matched
-- to an OpenID Connect identity by email) and API keys (automation).

-- `email` compares case-insensitively (NOCASE), as identity providers differ
-- in the case they send. Roles are the names of mdm_core::roles.
CREATE TABLE members (
  id               TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 24),
  organization_id  TEXT NOT NULL REFERENCES organizations (id),
  email            TEXT NOT NULL COLLATE NOCASE,
  role             TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'operator', 'viewer')),
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (organization_id, email)
);
-- Signing in looks a person up by email across organizations.
CREATE INDEX members_email ON members (email);
CREATE INDEX members_org_created_id ON members (organization_id, created_at, id);
-- "Is this the last owner?" counts an organization's owners.
CREATE INDEX members_org_role ON members (organization_id, role);

-- API keys. Only the SHA-256 (hex) of a key is kept: a copy of the database
-- holds no usable key. `prefix` is the key's first characters, enough to
-- recognize it in a list and useless to sign in. `permissions` is the JSON
-- list of permission names the key holds (fixed at creation).
CREATE TABLE api_keys (
  id               TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 24),
  organization_id  TEXT NOT NULL REFERENCES organizations (id),
  name             TEXT NOT NULL,
  prefix           TEXT NOT NULL,
  key_hash         TEXT NOT NULL UNIQUE,
  permissions      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(permissions)),
  -- The subject of the credential that created the key.
  created_by       TEXT NOT NULL,
  -- NULL: never expires.
  expires_at       INTEGER,
  -- Written at most once a minute per key (a conditional UPDATE).
  last_used_at     INTEGER,
  -- Set by DELETE; a revoked key authenticates nothing and is not listed.
  revoked_at       INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX api_keys_org_created_id ON api_keys (organization_id, created_at, id);
