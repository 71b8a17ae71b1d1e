// What a team would otherwise write: a plain TypeScript worker serving the same
// AOSP (and Windows) enrollment-token list and single token from the same D1 schema, with the
// same work per request as the Rust worker's list: HS256 bearer check (WebCrypto),
// organization by id or slug, permission check, the default list query
// (status IN the four non-deleted statuses, createdAt desc, id desc), COUNT(*)
// plus one page, rows mapped to the API shape, the mongoose-paginate-v2 envelope.
// No schema library, no generated types: hand-written checks, as such code is.

import { ORG_ID } from "./seed.mjs";

interface Env {
  DB: D1Database;
  AUTH_SECRET: string;
  ENROLLMENT_HOST: string;
}

type Claims = { sub: string; exp: number; nbf?: number; orgs?: string[]; perms?: string[] };

const enc = new TextEncoder();
let keyCache: { secret: string; key: CryptoKey } | null = null;

function b64urlToBytes(s: string): Uint8Array {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

async function verify(auth: string | null, secret: string): Promise<Claims | number> {
  if (!auth || !auth.startsWith("Bearer ")) return 4002;
  const parts = auth.slice(7).split(".");
  if (parts.length !== 3) return 4004;
  try {
    const header = JSON.parse(new TextDecoder().decode(b64urlToBytes(parts[0])));
    if (header.alg !== "HS256") return 4004;
    if (!keyCache || keyCache.secret !== secret) {
      const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
      keyCache = { secret, key };
    }
    const ok = await crypto.subtle.verify("HMAC", keyCache.key, b64urlToBytes(parts[2]), enc.encode(parts[0] + "." + parts[1]));
    if (!ok) return 4004;
    const claims: Claims = JSON.parse(new TextDecoder().decode(b64urlToBytes(parts[1])));
    const now = Date.now() / 1000;
    if (typeof claims.exp !== "number" || claims.exp <= now || (claims.nbf !== undefined && claims.nbf > now)) return 4004;
    return claims;
  } catch {
    return 4004;
  }
}

const permitted = (perms: string[] = [], want: string) =>
  perms.some((p) => p === "*" || p === want || (p.endsWith(".*") && want.startsWith(p.slice(0, -1))));

function fail(status: number, code: number, message: string) {
  return Response.json({ status: false, error: { code, message, details: [] } }, { status });
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type Row = Record<string, any>;
type AospCtx = { policies: Map<string, Row>; users: Map<string, Row>; dpc: Row | null; host: string };

function tokenJson(r: Row, now: number, c: AospCtx) {
  const status = r.status === "PENDING" && r.perpetual === 0 && r.expires_at <= now ? "EXPIRED" : r.status;
  const live = status === "PENDING" || (r.perpetual === 1 && status !== "DELETED");
  const user = r.mdm_user_id !== null ? c.users.get(r.mdm_user_id) : undefined;
  const extras: Record<string, unknown> = {
    "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": {
      "com.mdmedge.dpc.EXTRA_ENROLLMENT_HOST": c.host,
      "com.mdmedge.dpc.EXTRA_ENROLLMENT_TOKEN": r.value,
    },
  };
  if (c.dpc) {
    extras["android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME"] = c.dpc.component_name;
    extras["android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION"] = c.dpc.download_url;
    extras["android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM"] = c.dpc.signature_checksum;
    extras["android.app.extra.PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED"] = true;
  }
  return {
    id: r.id,
    organizationId: r.organization_id,
    aosEnterpriseId: r.aos_enterprise_id,
    ...(r.segment_id !== null ? { segmentId: r.segment_id } : {}),
    ...(r.mdm_user_id !== null ? { mdmUserId: r.mdm_user_id } : {}),
    ...(user ? { mdmUser: { id: user.id, email: user.email } } : {}),
    type: "aosp",
    subType: "enrollment",
    status,
    state: status,
    summary: { managementMode: r.management_mode, expirationTimestamp: r.perpetual ? null : iso(r.expires_at) },
    managementMode: r.management_mode,
    perpetual: r.perpetual === 1,
    ...(r.aos_device_id !== null ? { aosDeviceId: r.aos_device_id } : {}),
    aosPolicyAssignments: (JSON.parse(r.policy_assignments) as Row[]).map((a) => {
      const p = c.policies.get(a.aosPolicyId);
      return {
        aosPolicyId: a.aosPolicyId,
        aosPolicy: { id: a.aosPolicyId, name: p?.name ?? "", version: p ? String(p.version) : "" },
        priority: a.priority,
      };
    }),
    ...(r.display_name !== null ? { displayName: r.display_name } : {}),
    tags: JSON.parse(r.tags),
    ...(r.dpc_build_tag !== null ? { dpcBuildTag: r.dpc_build_tag } : {}),
    ...(r.push_notification_provider !== null ? { pushNotificationProvider: r.push_notification_provider } : {}),
    ...(live ? { config: { oneTimeToken: r.value, enrollmentHost: c.host, qrCode: extras } } : {}),
    updatedAt: iso(r.updated_at),
    createdAt: iso(r.created_at),
  };
}

// Policies and users the page refers to, and the organization's newest DPC
// build (tokens without a dpcBuildTag; the bench seed has none with a tag).
function contextStatements(db: D1Database, orgId: string, rows: Row[]) {
  const policyIds = [...new Set(rows.flatMap((r) => (JSON.parse(r.policy_assignments) as Row[]).map((a) => a.aosPolicyId)))];
  const userIds = [...new Set(rows.map((r) => r.mdm_user_id).filter((x) => x !== null))];
  const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
  return {
    policies: policyIds.length
      ? db.prepare(`SELECT id, name, version FROM aosp_policies WHERE organization_id = ? AND id IN (${marks(policyIds.length)})`).bind(orgId, ...policyIds)
      : null,
    users: userIds.length
      ? db.prepare(`SELECT id, email FROM mdm_users WHERE organization_id = ? AND id IN (${marks(userIds.length)})`).bind(orgId, ...userIds)
      : null,
    dpc: db
      .prepare("SELECT component_name, download_url, signature_checksum FROM dpc_builds WHERE organization_id = ? ORDER BY created_at DESC, id DESC LIMIT 1")
      .bind(orgId),
  };
}

async function loadContext(db: D1Database, orgId: string, rows: Row[], host: string, batch: boolean): Promise<AospCtx> {
  const st = contextStatements(db, orgId, rows);
  let policies: Row[] = [], users: Row[] = [], dpc: Row | null = null;
  if (batch) {
    const list = [st.dpc, ...(st.policies ? [st.policies] : []), ...(st.users ? [st.users] : [])];
    const res = await db.batch<Row>(list);
    dpc = res[0].results[0] ?? null;
    let i = 1;
    if (st.policies) policies = res[i++].results;
    if (st.users) users = res[i++].results;
  } else {
    if (st.users) users = (await st.users.all<Row>()).results;
    if (st.policies) policies = (await st.policies.all<Row>()).results;
    dpc = await st.dpc.first<Row>();
  }
  return { policies: new Map(policies.map((p) => [p.id, p])), users: new Map(users.map((u) => [u.id, u])), dpc, host };
}

const EXPIRE_AOSP =
  "UPDATE aosp_enrollment_tokens SET status = 'EXPIRED', updated_at = ?2 " +
  "WHERE organization_id = ?1 AND status = 'PENDING' AND perpetual = 0 AND expires_at <= ?2";

function winTokenJson(r: Row, now: number) {
  const state = r.state === "PENDING" && r.expires_at <= now ? "EXPIRED" : r.state;
  const live = state === "PENDING";
  return {
    id: r.id,
    organizationId: r.organization_id,
    winEnterpriseId: r.win_enterprise_id,
    ...(r.win_device_id !== null ? { winDeviceId: r.win_device_id } : {}),
    ...(r.mdm_user_id !== null && r.mdm_user_email !== null ? { mdmUser: { id: r.mdm_user_id, email: r.mdm_user_email } } : {}),
    ...(r.display_name !== null ? { displayName: r.display_name } : {}),
    tags: JSON.parse(r.tags),
    state,
    config: JSON.parse(r.config),
    type: "windows",
    subType: "mdm",
    updatedAt: iso(r.updated_at),
    createdAt: iso(r.created_at),
    expireAt: iso(r.expires_at),
    ...(live && r.enrollment_link !== null ? { enrollmentLink: r.enrollment_link } : {}),
    ...(live ? { enrollCode: r.enroll_code } : {}),
    ...(r.win_policy_id !== null ? { winPolicyId: r.win_policy_id } : {}),
    winPolicyAssignments: JSON.parse(r.policy_assignments),
    summary: { expirationTimestamp: iso(r.expires_at) },
  };
}

const WIN_COLUMNS =
  "id, organization_id, win_enterprise_id, mdm_user_id, " +
  "(SELECT u.email FROM mdm_users u WHERE u.id = win_enrollment_tokens.mdm_user_id " +
  "AND u.organization_id = win_enrollment_tokens.organization_id) AS mdm_user_email, " +
  "win_device_id, state, enroll_code, enrollment_link, expires_at, win_policy_id, " +
  "policy_assignments, display_name, tags, config, send_email, email_text, created_at, updated_at";

// Per platform: table, status column, default statuses, columns, row mapping.
const KINDS = {
  aosp: { table: "aosp_enrollment_tokens", status: "status", perm: "mdm.aosp.enrollmentToken" },
  windows: { table: "win_enrollment_tokens", status: "state", perm: "mdm.windows.enrollmentToken" },
} as const;

// Token values are sealed at rest since migration 0009 (value_key + sealed).
// This worker shows the lookup key where the value was: it skips the AES-GCM
// open the Rust worker does for each live token a revealing caller sees.
const COLUMNS =
  "id, organization_id, aos_enterprise_id, segment_id, mdm_user_id, status, management_mode, perpetual, value_key AS value, " +
  "expires_at, aos_device_id, policy_assignments, display_name, tags, dpc_build_tag, push_notification_provider, " +
  "created_at, updated_at";
const STATUSES = ["PENDING", "PROCESSING", "DONE", "EXPIRED"];
const WIN_STATES = ["PENDING", "DONE", "EXPIRED"];

function envelope(total: number, page: number, limit: number, items: unknown[]) {
  const totalPages = limit === 0 ? 1 : Math.max(1, Math.ceil(total / limit));
  return Response.json({
    status: true,
    data: {
      items,
      totalDocs: total,
      limit,
      hasPrevPage: page > 1,
      hasNextPage: page < totalPages,
      page,
      totalPages,
      prevPage: page > 1 ? page - 1 : null,
      nextPage: page < totalPages ? page + 1 : null,
    },
  });
}

// The physical floor of a read (bench only, no auth, no organization lookup,
// no mapping): one D1 statement and its rows as JSON, which any worker's list
// or GET one must at least do; `/_floor/health`, its `SELECT 1`, compares this
// worker's fixed cost per request with the Rust worker's. The list's floor has
// three forms: rows stringified in JavaScript as objects (`list`) or as D1's
// arrays (`list-raw`), and the page's JSON built by SQLite (`list-sqlite`);
// the cheapest one is the floor. Its statement is the list's
// own: the default filter, newest first, the default page of 10.
async function floor(path: string, db: D1Database): Promise<Response> {
  const json = (text: string) => new Response(text, { headers: { "content-type": "application/json" } });
  if (path === "/_floor/health") {
    const ok = await db.prepare("SELECT 1 AS ok").first<number>("ok");
    return json(JSON.stringify({ status: true, data: { ok: ok === 1 } }));
  }
  // The AOSP tokens only: the resource `make bench` measures.
  const ours = path.match(/^\/_floor\/aosp\/ours-(\w+)$/);
  if (ours) return oursList(ours[1], db, json);
  const m = path.match(/^\/_floor\/aosp\/(list|list-raw|list-sqlite|one\/([^/]+))$/);
  if (!m) return fail(404, 4040, "Route not found");
  const kind = KINDS.aosp;
  if (m[2] !== undefined) {
    const row = await db
      .prepare(`SELECT ${COLUMNS} FROM ${kind.table} WHERE organization_id = ? AND id = ? AND ${kind.status} != 'DELETED'`)
      .bind(ORG_ID, m[2])
      .first<Row>();
    return row ? json(JSON.stringify({ status: true, data: row })) : fail(404, 3001, "Entity not found");
  }
  const statuses = STATUSES;
  const where = `organization_id = ? AND ${kind.status} IN (${statuses.map(() => "?").join(", ")})`;
  const page = `SELECT ${COLUMNS} FROM ${kind.table} WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT 10 OFFSET 0`;
  if (m[1] === "list") {
    const rows = (await db.prepare(page).bind(ORG_ID, ...statuses).all<Row>()).results;
    return json(JSON.stringify({ status: true, data: { items: rows } }));
  }
  if (m[1] === "list-raw") {
    // Rows as D1 sends them (arrays), not made into objects by its client.
    const rows = await db.prepare(page).bind(ORG_ID, ...statuses).raw();
    return json(JSON.stringify({ status: true, data: { items: rows } }));
  }
  const names = COLUMNS.split(",").map((c) => c.trim().split(/\s+AS\s+/i).pop()!);
  const object = `json_object(${names.map((n) => `'${n}', p.${n}`).join(", ")})`;
  const items = await db
    .prepare(`SELECT json_group_array(${object}) AS items FROM (${page}) AS p`)
    .bind(ORG_ID, ...statuses)
    .first<string>("items");
  return json(`{"status":true,"data":{"items":${items}}}`);
}

// The Rust list's own batch, run by this worker (bench only, `FLOOR_EXTRA` in
// run.mjs): how much of the Rust list's work is D1's, its statements' and
// answers', and how much the wasm's. `/_floor/aosp/ours-<form>`: `full` (the
// count from org_counts, then the page with its expansions, filtered on the
// status a read shows at now), or flags joined by `_` that change it (an
// unknown flag is a 404, so a typo measures nothing): `build1` (the
// untagged rows' build, the newest, read once in the count's row, as the Rust
// list does since BENCHMARKS.md 0i), `nocase` (the stored status filters, as
// the Rust list's default filter does since 0i), `nobuild`, `noexp` (no
// build, or no expansions at all), `json` (the page as one JSON text built by
// SQLite), `single` (the page alone), `one` (the count's row LEFT JOINed to
// the page: one statement, not a batch of two), with `raw` (its rows as
// arrays: no row objects made by D1's client) and `first` (the newest build
// in the first row only). The Rust list today is `build1_nocase`.
const OURS_FLAGS = new Set(["full", "build1", "nocase", "nobuild", "noexp", "json", "single", "one", "raw", "first"]);
const OURS_COLUMNS =
  "id, organization_id, aos_enterprise_id, segment_id, mdm_user_id, status, management_mode, perpetual, value_key, sealed, expires_at, aos_device_id, policy_assignments, display_name, tags, dpc_build_tag, push_notification_provider, enrolled_count, max_enrollments, last_enrollment_at, created_at, updated_at";
const BUILD_COLS = "id, organization_id, tag, download_url, signature_checksum, component_name, version_code, created_at";
const buildObj = `json_object(${BUILD_COLS.split(", ").map((c) => `'${c}', b.${c}`).join(", ")})`;
const EXPANSIONS =
  ", (SELECT json_object('id', u.id, 'email', u.email) FROM mdm_users AS u WHERE u.organization_id = r.organization_id AND u.id = r.mdm_user_id) AS x_user, " +
  "(SELECT json_group_array(json_object('id', p.id, 'name', p.name, 'version', p.version)) FROM aosp_policies AS p WHERE +p.organization_id = r.organization_id AND p.id IN " +
  "(SELECT json_extract(a.value, '$.aosPolicyId') FROM json_each(r.policy_assignments) AS a)) AS x_policies" +
  `, CASE WHEN r.dpc_build_tag IS NULL THEN (SELECT ${buildObj} FROM dpc_builds AS b WHERE b.organization_id = r.organization_id ORDER BY b.created_at DESC, b.id DESC LIMIT 1) ` +
  `ELSE (SELECT ${buildObj} FROM dpc_builds AS b WHERE b.organization_id = r.organization_id AND b.tag = r.dpc_build_tag) END AS x_build`;
const EFFECTIVE = "(CASE WHEN status = 'PENDING' AND perpetual = 0 AND expires_at <= ? THEN 'EXPIRED' ELSE status END)";

async function oursList(form: string, db: D1Database, json: (t: string) => Response): Promise<Response> {
  const f = new Set(form.split("_"));
  if ([...f].some((flag) => !OURS_FLAGS.has(flag))) return fail(404, 4040, `unknown form ${form}`);
  // `one` is its own statement: it does not combine with the page alone or SQLite's JSON.
  if (f.has("one") && (f.has("json") || f.has("single"))) return fail(404, 4040, `no form ${form}`);
  if ((f.has("raw") || f.has("first")) && !f.has("one")) return fail(404, 4040, `no form ${form}`);
  const now = Date.now();
  const marks = STATUSES.map(() => "?").join(", ");
  const newest = `(SELECT ${buildObj} FROM dpc_builds AS b WHERE b.organization_id = ? ORDER BY b.created_at DESC, b.id DESC LIMIT 1)`;
  const count = db
    .prepare(
      `SELECT COALESCE((SELECT SUM(n) FROM org_counts WHERE organization_id = ? AND kind = ? AND status IN (${marks})), 0) AS n` +
        (f.has("build1") ? `, ${newest} AS x_newest` : ""),
    )
    .bind(ORG_ID, "aosp_enrollment_tokens", ...STATUSES, ...(f.has("build1") ? [ORG_ID] : []));
  const where = f.has("nocase") ? `organization_id = ? AND status IN (${marks})` : `organization_id = ? AND ${EFFECTIVE} IN (${marks})`;
  const whereParams = f.has("nocase") ? [ORG_ID, ...STATUSES] : [ORG_ID, now, ...STATUSES];
  let exp = f.has("noexp") ? "" : EXPANSIONS;
  if (f.has("build1")) exp = exp.replace(/, CASE WHEN r.dpc_build_tag IS NULL THEN .* END AS x_build$/, `, CASE WHEN r.dpc_build_tag IS NULL THEN NULL ELSE (SELECT ${buildObj} FROM dpc_builds AS b WHERE b.organization_id = r.organization_id AND b.tag = r.dpc_build_tag) END AS x_build`);
  if (f.has("nobuild")) exp = exp.replace(/, CASE WHEN r.dpc_build_tag IS NULL THEN .* END AS x_build$/, "");
  const cols = OURS_COLUMNS;
  let sql =
    `SELECT r.*${exp} FROM (SELECT ${cols}, created_at AS sort_key FROM aosp_enrollment_tokens WHERE ${where} ` +
    `ORDER BY sort_key DESC, id DESC LIMIT ? OFFSET ?) AS r ORDER BY r.sort_key DESC, r.id DESC`;
  if (f.has("json")) {
    const names = [...cols.split(", "), ...(f.has("noexp") ? [] : f.has("nobuild") ? ["x_user", "x_policies"] : ["x_user", "x_policies", "x_build"])];
    sql = `SELECT json_group_array(json_object(${names.map((n) => `'${n}', q.${n}`).join(", ")})) AS items FROM (${sql}) AS q`;
  }
  if (f.has("one")) {
    // The count's row LEFT JOINed to the page: one statement (`raw`: its
    // rows as arrays, not objects; `first`: the newest build in the first
    // row only).
    const countSql =
      `SELECT COALESCE((SELECT SUM(n) FROM org_counts WHERE organization_id = ? AND kind = ? AND status IN (${marks})), 0) AS n` +
      (f.has("build1") ? `, ${newest} AS x_newest` : "");
    const countParams = [ORG_ID, "aosp_enrollment_tokens", ...STATUSES, ...(f.has("build1") ? [ORG_ID] : [])];
    const pageSql = f.has("first")
      ? sql.replace("SELECT r.*", "SELECT r.*, row_number() OVER (ORDER BY r.sort_key DESC, r.id DESC) AS rn")
      : sql;
    const newestCol = f.has("first") ? "CASE WHEN p.rn IS NULL OR p.rn = 1 THEN c.x_newest END AS x_newest" : "c.x_newest AS x_newest";
    const one = `SELECT c.n AS n${f.has("build1") ? ", " + newestCol : ""}, p.* FROM (${countSql}) AS c LEFT JOIN (${pageSql}) AS p ON 1 ORDER BY p.sort_key DESC, p.id DESC`;
    const stmt = db.prepare(one).bind(...countParams, ...whereParams, 10, 0);
    if (f.has("raw")) {
      const rows = await stmt.raw({ columnNames: true });
      return json(JSON.stringify({ status: true, data: { rows } }));
    }
    const rows = (await stmt.all()).results;
    return json(JSON.stringify({ status: true, data: { total: (rows[0] as Row).n, items: rows } }));
  }
  const page = db.prepare(sql).bind(...whereParams, 10, 0);
  if (f.has("single")) {
    const rows = (await page.all()).results;
    return json(JSON.stringify({ status: true, data: { items: rows } }));
  }
  const [c, p] = await db.batch([count, page]);
  if (f.has("json")) {
    const items = (p.results[0] as Row).items as string;
    return json(`{"status":true,"data":{"total":${(c.results[0] as Row).n},"items":${items}}}`);
  }
  return json(JSON.stringify({ status: true, data: { total: (c.results[0] as Row).n, items: p.results } }));
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/_d1rtt") {
      // Bench probe: the cost of one D1 round trip (SELECT 1), mean of 50.
      const t = Date.now();
      for (let i = 0; i < 50; i++) await env.DB.prepare("SELECT 1 AS x").first("x");
      return Response.json({ msPerQuery: (Date.now() - t) / 50 });
    }
    if (url.pathname.startsWith("/_floor/")) return floor(url.pathname, env.DB);
    const m = url.pathname.match(/^\/v1\/organizations\/([^/]+)\/mdm\/(aosp|windows)\/enterprise\/enrollment-tokens(?:\/([^/]+))?$/);
    if (!m || req.method !== "GET") return fail(404, 4040, "Route not found");
    const claims = await verify(req.headers.get("authorization"), env.AUTH_SECRET);
    if (typeof claims === "number") return fail(401, claims, claims === 4002 ? "No auth token" : "Invalid Token");
    const org = await env.DB.prepare("SELECT id, slug FROM organizations WHERE id = ?1 OR slug = ?1")
      .bind(m[1])
      .first<{ id: string; slug: string }>();
    const orgs = claims.orgs ?? [];
    if (!org || !orgs.some((o) => o === "*" || o === org.id || o.toLowerCase() === org.slug.toLowerCase())) {
      return fail(404, 3001, "Entity not found");
    }
    const now = Date.now();
    const win = m[2] === "windows";
    const kind = KINDS[win ? "windows" : "aosp"];
    const cols = win ? WIN_COLUMNS : COLUMNS;
    const host = env.ENROLLMENT_HOST;
    const batch = url.searchParams.get("_batch") === "1";
    // Rows -> API items, loading what the items expand (AOSP: policies, users, DPC build).
    const renderAll = async (rows: Row[]) => {
      if (win) return rows.map((r) => winTokenJson(r, now));
      if (rows.length === 0) return [];
      const c = await loadContext(env.DB, org.id, rows, host, batch);
      return rows.map((r) => tokenJson(r, now, c));
    };
    if (m[3] !== undefined) {
      if (!permitted(claims.perms, `${kind.perm}.get`)) return fail(403, 4005, "Permission denied");
      const row = await env.DB.prepare(
        `SELECT ${cols} FROM ${kind.table} WHERE organization_id = ? AND id = ? AND ${kind.status} != 'DELETED'`,
      )
        .bind(org.id, m[3])
        .first<Row>();
      if (!row) return fail(404, 3001, "Entity not found");
      return Response.json({ status: true, data: (await renderAll([row]))[0] });
    }
    if (!permitted(claims.perms, `${kind.perm}.list`)) return fail(403, 4005, "Permission denied");
    const page = Number(url.searchParams.get("page") ?? 1);
    const limit = Number(url.searchParams.get("limit") ?? 10);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(limit) || limit < 0 || limit > 100) {
      return fail(400, 5209, "Invalid input");
    }
    const statuses = win ? WIN_STATES : STATUSES;
    const offset = (page - 1) * limit;
    // Expiry seen on read, as the Rust worker does: write overdue PENDING tokens
    // back as EXPIRED so the status filter and the counts agree with the items.
    const expire = win
      ? env.DB.prepare(
          "UPDATE win_enrollment_tokens SET state = 'EXPIRED', updated_at = ?1 " +
            "WHERE organization_id = ?2 AND state = 'PENDING' AND expires_at <= ?1",
        ).bind(now, org.id)
      : env.DB.prepare(EXPIRE_AOSP).bind(org.id, now);
    const where = `organization_id = ? AND ${kind.status} IN (${statuses.map(() => "?").join(", ")})`;
    const count = env.DB.prepare(`SELECT COUNT(*) AS n FROM ${kind.table} WHERE ${where}`).bind(org.id, ...statuses);
    const pageStmt = env.DB.prepare(
      `SELECT ${cols} FROM ${kind.table} WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
    ).bind(org.id, ...statuses, limit, offset);
    if (batch) {
      // Bench variant: the list's statements in ONE D1 round trip (db.batch runs
      // them in order, in one transaction), then one more for what items expand.
      const [, c, rows] = await env.DB.batch<Row>([expire, count, pageStmt]);
      const items = limit > 0 ? rows.results : [];
      return envelope(c.results[0].n, page, limit, await renderAll(items));
    }
    await expire.run();
    const total = (await count.first<number>("n")) ?? 0;
    let items: Row[] = [];
    if (limit > 0 && offset < total) items = (await pageStmt.all<Row>()).results;
    return envelope(total, page, limit, await renderAll(items));
  },
};
