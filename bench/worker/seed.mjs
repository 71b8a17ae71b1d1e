// SQL that fills the demo organization (scripts/seed-demo.sql) with N AOSP
// enrollment tokens and one device, generated inside SQLite by a recursive CTE,
// so 100k rows load in one statement (a second or so) instead of a 100k-line file.
//
// Token i (1..N): id `be` + 22 hex digits of i, created one second apart
// (newest = N). Statuses: 1 in PENDING_EVERY is PENDING (live, so plan quotas on
// active tokens are not hit by the seed), the rest DONE / EXPIRED. The same
// number of Windows enrollment tokens (ids `bf...`), same shape.

export const ORG_ID = "de0000000000000000000001";
export const ORG_SLUG = "demo";
export const AOS_ENTERPRISE_ID = "de00000000000000000000a1";
export const WIN_ENTERPRISE_ID = "de00000000000000000000b1";
export const DEVICE_ID = "bd00000000000000000000d1";
export const BASE_MS = 1767225600000; // 2026-01-01
export const PENDING_EVERY = 100;

export const tokenId = (i) => "be" + i.toString(16).padStart(22, "0");
export const winTokenId = (i) => "bf" + i.toString(16).padStart(22, "0");

export function seedSql(n) {
  const far = BASE_MS + 10 * 365 * 86400e3; // pending tokens expire in ten years
  return `
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n})
INSERT INTO aosp_enrollment_tokens
  (id, organization_id, aos_enterprise_id, status, management_mode, perpetual, value_key, expires_at,
   policy_assignments, display_name, tags, created_at, updated_at)
SELECT printf('be%022x', i), '${ORG_ID}', '${AOS_ENTERPRISE_ID}',
       CASE WHEN i % ${PENDING_EVERY} = 0 THEN 'PENDING' WHEN i % 3 = 0 THEN 'EXPIRED' ELSE 'DONE' END,
       'DEVICE_OWNER', 0, printf('benchtoken%054x', i),
       CASE WHEN i % ${PENDING_EVERY} = 0 THEN ${far} ELSE ${BASE_MS} + i * 1000 + 3600000 END,
       '[{"aosPolicyId":"de0000000000000000000021","priority":1}]',
       printf('Bench token %d', i), '["bench","load"]',
       ${BASE_MS} + i * 1000, ${BASE_MS} + i * 1000
FROM seq;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n})
INSERT INTO win_enrollment_tokens
  (id, organization_id, win_enterprise_id, state, enroll_code_key, expires_at, policy_assignments,
   display_name, tags, created_at, updated_at)
SELECT printf('bf%022x', i), '${ORG_ID}', '${WIN_ENTERPRISE_ID}',
       CASE WHEN i % ${PENDING_EVERY} = 0 THEN 'PENDING' WHEN i % 3 = 0 THEN 'EXPIRED' ELSE 'DONE' END,
       printf('BENCH%011d', i),
       CASE WHEN i % ${PENDING_EVERY} = 0 THEN ${far} ELSE ${BASE_MS} + i * 1000 + 86400000 END,
       '[{"winPolicyId":"de0000000000000000000031","priority":1}]',
       printf('Bench Windows token %d', i), '["bench","load"]',
       ${BASE_MS} + i * 1000, ${BASE_MS} + i * 1000
FROM seq;
INSERT INTO aosp_devices
  (id, organization_id, aos_enterprise_id, secret_hash, serial_number, state, enrolled_date, created_at, updated_at)
VALUES ('${DEVICE_ID}', '${ORG_ID}', '${AOS_ENTERPRISE_ID}', '${"0".repeat(64)}', 'BENCH-SN-1', 'ACTIVE',
        ${BASE_MS}, ${BASE_MS}, ${BASE_MS});
`;
}
