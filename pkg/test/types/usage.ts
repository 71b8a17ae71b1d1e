// Compiled by `tsc -p pkg/test/types` in the package tests: proves the
// declarations resolve through the package's `exports` (types condition),
// type-check, and are precise (each @ts-expect-error must be an error).

import {
  ApiError,
  buildListQuery,
  effectiveStatus,
  MdmClient,
  pageMeta,
  parseListQuery,
  qrSvg,
  validate,
  validateAospEnrollmentTokenCreate,
  ValidationError,
  type AospEnrollmentToken,
  type AospEnrollmentTokenCreate,
  type ApiKey,
  type EntityInUse,
  type Me,
  type Member,
  type Page,
  type RequestBodyName,
  type Violation,
  type Webhook,
  type WebhookDelivery,
  type WinEnrollmentToken,
} from "@mdm-edge/client";

const body: AospEnrollmentTokenCreate = { duration: 3600, managementMode: "DEVICE_OWNER", tags: ["a"] };
// @ts-expect-error managementMode is an enum
const badMode: AospEnrollmentTokenCreate = { managementMode: "PROFILE_OWNER" };
// @ts-expect-error unknown fields are not part of the type
const extra: AospEnrollmentTokenCreate = { state: "DONE" };

const violations: Violation[] = validate("AospEnrollmentTokenCreate", body);
const code: "required" | "type" | "pattern" | "minLength" | "maxLength" | "min" | "max" | "enum" | "unknownField" | "format" | "maxItems" | "unique" | "reference" | "dependency" | "tooMany" =
  violations[0].code;
validateAospEnrollmentTokenCreate({ anything: true });
// @ts-expect-error not a request body name
validate("Nope", {});
const name: RequestBodyName = "WinEnrollmentTokenUpdate";

const q = parseListQuery("aospDevices", "?page=2");
if (q.ok) {
  const page: number = q.value.page;
  void page;
} else {
  const v: Violation[] = q.violations;
  void v;
}
buildListQuery("aospEnrollmentTokens", { sort: "expirationTimestamp:desc", status: ["PENDING", "DONE"] });
// @ts-expect-error not a sortable field of AOSP tokens
buildListQuery("aospEnrollmentTokens", { sort: "secret:asc" });
// @ts-expect-error organizations have no status filter
buildListQuery("organizations", { status: "PENDING" });
const next: number | null = pageMeta(25, 1, 10).nextPage;
const svg: string = qrSvg("hello");

async function use(client: MdmClient): Promise<void> {
  const token: AospEnrollmentToken = await client.createAospEnrollmentToken({ perpetual: true });
  const status: "PENDING" | "PROCESSING" | "DONE" | "DELETED" | "EXPIRED" = effectiveStatus(token);
  const qr: Record<string, unknown> | undefined = token.config?.qrCode;
  const list: Page<WinEnrollmentToken> = await client.listWinEnrollmentTokens({ status: "PENDING" });
  const first: string | undefined = list.items[0]?.enrollCode;
  // @ts-expect-error duration is a number
  await client.createAospEnrollmentToken({ duration: "1h" });
  try {
    await client.getAospDevice("x");
  } catch (e) {
    if (e instanceof ValidationError) {
      const local: true = e.local;
      void local;
    } else if (e instanceof ApiError) {
      const details: Violation[] | EntityInUse[] = e.details;
      const c: number = e.code;
      void details, c;
    }
  }
  void status, qr, first;
}

// Identity and access: an API key is a credential like a token; the new
// routes are typed, and a role is one of the four.
const byKey = new MdmClient({ apiKey: "mdme_x", organization: "acme" });
async function identity(client: MdmClient): Promise<void> {
  const key: ApiKey = await client.createApiKey({ name: "ci", permissions: ["mdm.aosp.*"] });
  const shownOnce: string | undefined = key.key;
  const lastUsed: string | null = key.lastUsedAt;
  const member: Member = await client.createMember({ email: "ann@acme.com", role: "operator" });
  // @ts-expect-error a role is viewer, operator, admin or owner
  await client.createMember({ email: "ann@acme.com", role: "king" });
  await client.updateMember(member.id, { role: "admin" });
  const me: Me = await client.me();
  const via: "apiKey" | "oidc" | "hs256" = me.via;
  const revoked: ApiKey = await client.revokeApiKey(key.id);
  void shownOnce, lastUsed, via, revoked;
}

// Webhooks: the secret only on the create's answer, events from the five,
// deliveries paged, the test answers its message id.
async function webhooks(client: MdmClient): Promise<void> {
  const hook: Webhook = await client.createWebhook({ url: "https://h.example.com", events: ["device.enrolled"] });
  const secret: string | undefined = hook.secret;
  // @ts-expect-error events are the five event names
  await client.createWebhook({ url: "https://h.example.com", events: ["device.rebooted"] });
  await client.updateWebhook(hook.id, { enabled: false });
  const page: Page<WebhookDelivery> = await client.listWebhookDeliveries(hook.id, { limit: 5, sort: "at:desc" });
  const answered: number | null = page.items[0].responseStatus;
  const sent: string = (await client.testWebhook(hook.id)).messageId;
  void secret, answered, sent;
}

void badMode, extra, code, name, next, svg, use, byKey, identity, webhooks;
