// The admin page: plain DOM code over @mdm-edge/client (served from /pkg/ by
// the worker's static assets; built by pkg/build.mjs). Every form validates
// as the user types with the package's validators, which are the server's
// own rules, and the API's 5209 details land on the same fields.

import { ApiError, effectiveStatus, MdmClient, qrSvg, timeLeft } from "/pkg/src/browser.js";
import { loadDevices, openDevice, showTokenDevices, tokenUsage } from "./devices.js";
import { fillPickers } from "./pickers.js";
import { showResources } from "./resources.js";
import { webhooksTab } from "./webhooks.js";
import {
  $,
  $$,
  button,
  cell,
  check,
  confirmAction,
  errorText,
  listInto,
  liveValidation,
  nameOf,
  pages,
  session,
  when,
} from "./ui.js";

let client = null;

function expires(token) {
  const left = timeLeft(token);
  if (left === null) return "never";
  if (left === 0) return "expired";
  const minutes = Math.round(left / 60_000);
  return minutes < 120 ? `in ${minutes} min` : minutes < 2880 ? `in ${Math.round(minutes / 60)} h` : `in ${Math.round(minutes / 1440)} d`;
}

function showQr(title, text) {
  $("#qr-title").textContent = title;
  $("#qr-code").innerHTML = qrSvg(text); // SVG made by the package from our own text
  $("#qr-text").textContent = text.length > 160 ? `${text.slice(0, 160)}…` : text;
  const dialog = $("#qr-dialog");
  if (!dialog.open) dialog.showModal();
}

async function remove(what, del, reload) {
  if (!(await confirmAction(`Delete ${what}?`, "Delete"))) return;
  try {
    await del();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    alert(errorText(e));
  }
  await reload();
}

// ---- enrollment tokens ----------------------------------------------------------

/** A token's row: name, effective status, expiry, one more column, its usage, QR, its devices and Delete. */
function tokenRow(token, { extra, qr, devices, del, reload }) {
  const tr = document.createElement("tr");
  tr.dataset.id = token.id;
  const status = effectiveStatus(token);
  tr.append(cell(nameOf(token)), cell(status), cell(expires(token)), cell(extra), cell(tokenUsage(token)));
  const actions = cell();
  if (qr) actions.append(button("QR", qr, { "data-action": "qr" }));
  if (devices) actions.append(button("Devices", devices, { "data-action": "devices" }));
  if (status !== "DELETED") {
    actions.append(button("Delete", () => remove(nameOf(token), del, reload), { "data-action": "delete" }));
  }
  tr.append(actions);
  return tr;
}

const aospQr = (token) => showQr(`QR code: ${nameOf(token)}`, JSON.stringify(token.config.qrCode));
const windowsQr = (token) => showQr(`Enrollment link: ${nameOf(token)}`, token.enrollmentLink);

const aospRow = (token) =>
  tokenRow(token, {
    extra: token.tags.join(", "),
    qr: token.config?.qrCode && (() => aospQr(token)),
    devices: () => showTokenDevices(token),
    del: () => client.deleteAospEnrollmentToken(token.id),
    reload: loadAosp,
  });

const windowsRow = (token) =>
  tokenRow(token, {
    extra: token.enrollCode ?? "",
    qr: token.enrollmentLink && (() => windowsQr(token)),
    // A Windows token enrolls one PC: its winDeviceId leads to it.
    devices: token.winDeviceId && (() => openDevice("windows", token.winDeviceId)),
    del: () => client.deleteWinEnrollmentToken(token.id),
    reload: loadWindows,
  });

const loadAosp = () => listInto("aosp", (q) => client.listAospEnrollmentTokens(q), aospRow);
const loadWindows = () => listInto("windows", (q) => client.listWinEnrollmentTokens(q), windowsRow);

// ---- members and API keys ------------------------------------------------------------

function memberRow(member) {
  const tr = document.createElement("tr");
  tr.dataset.id = member.id;
  tr.append(cell(member.email), cell(member.role), cell(when(member.createdAt)));
  const actions = cell();
  actions.append(
    button("Remove", () => remove(member.email, () => client.removeMember(member.id), loadMembers), {
      "data-action": "delete",
    }),
  );
  tr.append(actions);
  return tr;
}

function keyRow(key) {
  const tr = document.createElement("tr");
  tr.dataset.id = key.id;
  const perms = key.permissions.length > 3 ? `${key.permissions.slice(0, 3).join(", ")} +${key.permissions.length - 3}` : key.permissions.join(", ");
  tr.append(cell(key.name), cell(`${key.prefix}…`), cell(perms), cell(when(key.lastUsedAt)));
  const actions = cell();
  actions.append(
    button("Revoke", () => remove(`the key ${key.name}`, () => client.revokeApiKey(key.id), loadKeys), {
      "data-action": "delete",
    }),
  );
  tr.append(actions);
  return tr;
}

const loadMembers = () => listInto("members", (q) => client.listMembers(q), memberRow);
const loadKeys = () => listInto("keys", (q) => client.listApiKeys(q), keyRow);

// ---- the audit log ---------------------------------------------------------------------

/** The filter form's non-empty fields, as the list's query parameters. */
function auditFilters() {
  const filters = {};
  for (const el of $$("input", $("#audit-filter"))) {
    if (el.value.trim() !== "") filters[el.name] = el.value.trim();
  }
  return filters;
}

function auditRow(event) {
  const tr = document.createElement("tr");
  tr.dataset.id = event.id;
  const actor = `${event.actor.email ?? event.actor.id} (${event.actor.type})`;
  tr.append(
    cell(when(event.at)),
    cell(actor),
    cell(event.action),
    cell(`${event.target.type} ${event.target.id}`),
    cell(event.ip),
  );
  return tr;
}

const loadAudit = () => listInto("audit", (q) => client.listAuditEvents({ ...q, ...auditFilters() }), auditRow);

// ---- wiring ---------------------------------------------------------------------------

const loaders = {
  aosp: () => Promise.all([loadAosp(), fillPickers($("#aosp-form"))]),
  windows: () => Promise.all([loadWindows(), fillPickers($("#windows-form"))]),
  devices: loadDevices,
  resources: showResources,
  members: loadMembers,
  keys: loadKeys,
  audit: loadAudit,
  webhooks: webhooksTab($('[data-panel="webhooks"]')).load,
};

function showTab(name) {
  for (const b of $$("[data-tab]")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const p of $$("[data-panel]")) p.hidden = p.dataset.panel !== name;
  return loaders[name]();
}

/**
 * Signs in with a bearer (an API key or a development token), or with none:
 * behind Cloudflare Access the request carries Access' assertion, which the
 * API checks as it checks any OpenID Connect token.
 */
async function signIn(token, organization) {
  const probe = new MdmClient({ token });
  const me = await probe.me();
  const org =
    me.organizations.find((o) => organization && [o.id, o.slug].includes(organization.toLowerCase())) ??
    (organization ? { id: organization, slug: organization } : me.organizations[0]);
  if (!org) throw new ApiError(404, 3001, "You belong to no organization");
  client = new MdmClient({ token, organization: org.slug });
  session.client = client;
  if (token) sessionStorage.setItem("mdm-admin", JSON.stringify({ token, organization: org.slug }));
  const how = { apiKey: "API key", oidc: "single sign-on", hs256: "development token" }[me.via] ?? me.via;
  const role = org.role ? `role ${org.role}` : "the credential's own permissions";
  $("#who").textContent = `${me.email ?? me.subject} @ ${org.slug} · ${role} (${how})`;
  $("#sign-in").hidden = true;
  $("#app").hidden = false;
  $("#sign-out").hidden = false;
  await showTab("aosp");
}

function signOut() {
  client = null;
  sessionStorage.removeItem("mdm-admin");
  location.reload();
}

liveValidation($("#aosp-form"), async (body) => {
  const token = await client.createAospEnrollmentToken(body);
  $("#aosp-form").reset();
  check($("#aosp-form"));
  pages.aosp = 1;
  await loadAosp();
  if (token.config?.qrCode) aospQr(token);
});

liveValidation($("#windows-form"), async (body) => {
  const token = await client.createWinEnrollmentToken(body);
  $("#windows-form").reset();
  check($("#windows-form"));
  pages.windows = 1;
  await loadWindows();
  if (token.enrollmentLink) windowsQr(token);
});

liveValidation($("#member-form"), async (body) => {
  await client.createMember(body);
  $("#member-form").reset();
  check($("#member-form"));
  pages.members = 1;
  await loadMembers();
});

liveValidation($("#key-form"), async (body) => {
  const key = await client.createApiKey(body);
  $("#key-form").reset();
  check($("#key-form"));
  // The only time the key is visible: the list shows its prefix.
  $("#new-key-value").textContent = key.key;
  $("#new-key-copied").textContent = "";
  $("#new-key").hidden = false;
  pages.keys = 1;
  await loadKeys();
});

$("#new-key-copy").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText($("#new-key-value").textContent);
    $("#new-key-copied").textContent = "Copied.";
  } catch {
    // No clipboard permission: select the text so Ctrl+C works.
    getSelection().selectAllChildren($("#new-key-value"));
    $("#new-key-copied").textContent = "Selected: press Ctrl+C.";
  }
});

$("#audit-filter").addEventListener("submit", async (event) => {
  event.preventDefault();
  pages.audit = 1;
  await loadAudit();
});

for (const b of $$("[data-tab]")) b.addEventListener("click", () => showTab(b.dataset.tab));
$("#sign-out").addEventListener("click", signOut);

$("#sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  try {
    await signIn(form.elements.token.value.trim(), form.elements.organization.value.trim());
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    $('[data-error="form"]', form).textContent = `${e.message} (${e.code})`;
  }
});

const saved = JSON.parse(sessionStorage.getItem("mdm-admin") ?? "null");
if (saved) {
  signIn(saved.token, saved.organization).catch(() => sessionStorage.removeItem("mdm-admin"));
} else {
  // Behind Cloudflare Access this succeeds without any credential of ours.
  signIn(undefined, "").catch(() => {});
}
document.body.dataset.ready = "true";
