-- Demo data for `make dev` (idempotent: fixed ids, INSERT OR IGNORE).
-- Organization `demo` (plan enterprise, so Windows MDM is allowed; its Google
-- enterpriseId is its own id, as for organizations created through the API) with one
-- MDM user, one segment, one AOSP policy, one Windows policy and one DPC build.
INSERT OR IGNORE INTO organizations
  (id, slug, name, plan, aos_enterprise_id, win_enterprise_id, enterprise_id, created_at, updated_at)
VALUES
  ('de0000000000000000000001', 'demo', 'Demo Organization', 'enterprise',
   'de00000000000000000000a1', 'de00000000000000000000b1', 'de0000000000000000000001',
   1767225600000, 1767225600000);

INSERT OR IGNORE INTO mdm_users (id, organization_id, email, display_name, created_at, updated_at)
VALUES ('de0000000000000000000011', 'de0000000000000000000001', 'demo.user@example.com', 'Demo User',
        1767225600000, 1767225600000);

INSERT OR IGNORE INTO segments (id, organization_id, parent_id, name, created_at, updated_at)
SELECT 1, 'de0000000000000000000001', NULL, 'Headquarters', 1767225600000, 1767225600000
WHERE NOT EXISTS (SELECT 1 FROM segments WHERE id = 1);

INSERT OR IGNORE INTO aosp_policies (id, organization_id, name, description, version, config, created_at, updated_at)
VALUES ('de0000000000000000000021', 'de0000000000000000000001', 'Demo AOSP policy', 'Seeded by make dev', 1,
        '{}', 1767225600000, 1767225600000);

INSERT OR IGNORE INTO win_policies (id, organization_id, name, description, version, config, created_at, updated_at)
VALUES ('de0000000000000000000031', 'de0000000000000000000001', 'Demo Windows policy', 'Seeded by make dev', 1,
        '{}', 1767225600000, 1767225600000);

INSERT OR IGNORE INTO dpc_builds
  (id, organization_id, tag, download_url, signature_checksum, component_name, created_at, updated_at)
VALUES ('de0000000000000000000041', 'de0000000000000000000001', 'stable',
        'https://dpc.example.com/builds/stable.apk', 'gJD2YwtOiWJHkSMkkIfLRlj-quNqG1fb6v100QmzM9w',
        'com.example.dpc/.DeviceAdminReceiver', 1767225600000, 1767225600000);
