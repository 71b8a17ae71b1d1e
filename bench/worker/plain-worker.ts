// What a team would otherwise write: a plain TypeScript worker serving the same
// AOSP (and Windows) enrollment-token list and single token from the same D1 schema, with the
// same work per request as the Rust worker's list: HS256 bearer check (WebCrypto),
// organization by id or slug, permission check, the default list query
// (status IN the four non-deleted statuses, createdAt desc, id desc), COUNT(*)
// plus one page, rows mapped to the API shape, the mongoose-paginate-v2 envelope.
// No schema library, no generated types: hand-written checks, as such code is.

interface Env {
  DB: D1Database;
  AUTH_SECRET: string;
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
function tokenJson(r: Row, now: number) {
  const status = r.status === "PENDING" && r.perpetual === 0 && r.expires_at <= now ? "EXPIRED" : r.status;
  return {
    id: r.id,
    organizationId: r.organization_id,
    aosEnterpriseId: r.aos_enterprise_id,
    ...(r.segment_id !== null ? { segmentId: r.segment_id } : {}),
    ...(r.mdm_user_id !== null ? { mdmUserId: r.mdm_user_id } : {}),
    type: "AOSP",
    subType: "ENROLLMENT_TOKEN",
    status,
    state: status,
    summary: { expirationTimestamp: r.perpetual ? null : iso(r.expires_at) },
    managementMode: r.management_mode,
    perpetual: r.perpetual === 1,
    aosPolicyAssignments: JSON.parse(r.policy_assignments),
    ...(r.display_name !== null ? { displayName: r.display_name } : {}),
    tags: JSON.parse(r.tags),
    updatedAt: iso(r.updated_at),
    createdAt: iso(r.created_at),
  };
}

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

const COLUMNS =
  "id, organization_id, aos_enterprise_id, segment_id, mdm_user_id, status, management_mode, perpetual, " +
  "expires_at, policy_assignments, display_name, tags, created_at, updated_at";
const STATUSES = ["PENDING", "PROCESSING", "DONE", "EXPIRED"];
const WIN_STATES = ["PENDING", "DONE", "EXPIRED"];

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url);
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
    const kind = KINDS[m[2] as "aosp" | "windows"];
    const win = m[2] === "windows";
    const cols = win ? WIN_COLUMNS : COLUMNS;
    const render = win ? winTokenJson : tokenJson;
    if (m[3] !== undefined) {
      if (!permitted(claims.perms, `${kind.perm}.get`)) return fail(403, 4005, "Permission denied");
      const row = await env.DB.prepare(
        `SELECT ${cols} FROM ${kind.table} WHERE organization_id = ? AND id = ? AND ${kind.status} != 'DELETED'`,
      )
        .bind(org.id, m[3])
        .first<Row>();
      if (!row) return fail(404, 3001, "Entity not found");
      return Response.json({ status: true, data: render(row, now) });
    }
    if (!permitted(claims.perms, `${kind.perm}.list`)) return fail(403, 4005, "Permission denied");
    const page = Number(url.searchParams.get("page") ?? 1);
    const limit = Number(url.searchParams.get("limit") ?? 10);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(limit) || limit < 0 || limit > 100) {
      return fail(400, 5209, "Invalid input");
    }
    const statuses = win ? WIN_STATES : STATUSES;
    if (win) {
      // The Rust worker expires overdue Windows tokens before listing them, so
      // the status filter and counts agree with the states shown: same here.
      await env.DB.prepare(
        "UPDATE win_enrollment_tokens SET state = 'EXPIRED', updated_at = ?1 " +
          "WHERE organization_id = ?2 AND state = 'PENDING' AND expires_at <= ?1",
      )
        .bind(now, org.id)
        .run();
    }
    const where = `organization_id = ? AND ${kind.status} IN (${statuses.map(() => "?").join(", ")})`;
    const total =
      (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${kind.table} WHERE ${where}`)
        .bind(org.id, ...statuses)
        .first<number>("n")) ?? 0;
    const offset = (page - 1) * limit;
    let items: Row[] = [];
    if (limit > 0 && offset < total) {
      const res = await env.DB.prepare(
        `SELECT ${cols} FROM ${kind.table} WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      )
        .bind(org.id, ...statuses, limit, offset)
        .all<Row>();
      items = res.results;
    }
    const totalPages = limit === 0 ? 1 : Math.max(1, Math.ceil(total / limit));
    return Response.json({
      status: true,
      data: {
        items: items.map((r) => render(r, now)),
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
  },
};
