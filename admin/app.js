// The admin page: plain DOM code over @mdm-edge/client (served from /pkg/ by
// the worker's static assets; built by pkg/build.mjs). Every form validates
// as the user types with the package's validators, which are the server's
// own rules, and the API's 5209 details land on the same fields.

import { ApiError, effectiveStatus, MdmClient, qrSvg, timeLeft, validate } from "/pkg/src/browser.js";
import { webhooksTab } from "./webhooks.js";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const PAGE_SIZE = 10;

let client = null;
const pages = { aosp: 1, windows: 1, devices: 1, members: 1, keys: 1, audit: 1 };

// ---- forms ----------------------------------------------------------------------

/** The request body a form describes; empty fields are left out. */
function readForm(form) {
  const body = {};
  for (const el of $$("[data-kind]", form)) {
    const v = el.type === "checkbox" ? el.checked : el.value.trim();
    switch (el.dataset.kind) {
      case "text":
        if (v !== "") body[el.name] = v;
        break;
      case "nullable":
        body[el.name] = v === "" ? null : v;
        break;
      case "number":
        // Numbers as numbers; anything else stays text, so the validator says
        // "must be an integer, not a string" instead of the field vanishing.
        if (v !== "") body[el.name] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
        break;
      case "flag":
        if (v) body[el.name] = true;
        break;
      case "list":
        if (v !== "") body[el.name] = v.split(",").map((s) => s.trim());
        break;
    }
  }
  return body;
}

/** Shows violations next to their fields (`tags[1]` goes to `tags`). */
function showViolations(form, violations, formMessage = "") {
  const byField = new Map();
  for (const v of violations) {
    const root = v.path.split(/[.[]/)[0];
    const field = root && $(`[data-error="${root}"]`, form) ? root : "form";
    const text = field === "form" && v.path ? `${v.path} ${v.message}` : v.message;
    byField.set(field, [...(byField.get(field) ?? []), text]);
  }
  if (formMessage) byField.set("form", [formMessage, ...(byField.get("form") ?? [])]);
  for (const p of $$("[data-error]", form)) {
    const messages = byField.get(p.dataset.error) ?? [];
    p.textContent = messages.join("; ");
    const input = form.elements[p.dataset.error];
    if (input instanceof HTMLElement) input.setAttribute("aria-invalid", String(messages.length > 0));
  }
}

/** Validates on every keystroke; returns the current violations. */
function check(form) {
  const violations = validate(form.dataset.body, readForm(form));
  showViolations(form, violations);
  $("button[type=submit]", form).disabled = violations.length > 0;
  return violations;
}

function liveValidation(form, submit) {
  form.addEventListener("input", () => {
    check(form);
    for (const note of $$(".note", form)) note.textContent = "";
  });
  form.addEventListener("change", () => check(form));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (check(form).length > 0) return;
    const button = $("button[type=submit]", form);
    button.disabled = true;
    try {
      await submit(readForm(form));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      showViolations(form, e.details, `${e.message} (${e.code})`);
    } finally {
      button.disabled = false;
    }
  });
}

// ---- rendering ------------------------------------------------------------------

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  return td;
}

function button(label, onClick, attrs = {}) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  for (const [k, v] of Object.entries(attrs)) b.setAttribute(k, v);
  b.addEventListener("click", onClick);
  return b;
}

function expires(token) {
  const left = timeLeft(token);
  if (left === null) return "never";
  if (left === 0) return "expired";
  const minutes = Math.round(left / 60_000);
  return minutes < 120 ? `in ${minutes} min` : minutes < 2880 ? `in ${Math.round(minutes / 60)} h` : `in ${Math.round(minutes / 1440)} d`;
}

function renderPager(name, page, reload) {
  const el = $(`[data-pager="${name}"]`);
  el.replaceChildren();
  el.append(`Page ${page.page} of ${page.totalPages} (${page.totalDocs} total) `);
  if (page.prevPage) el.append(button("Previous", () => reload((pages[name] = page.prevPage))));
  if (page.nextPage) el.append(button("Next", () => reload((pages[name] = page.nextPage))));
}

function showQr(title, text) {
  $("#qr-title").textContent = title;
  $("#qr-code").innerHTML = qrSvg(text); // SVG made by the package from our own text
  $("#qr-text").textContent = text.length > 160 ? `${text.slice(0, 160)}…` : text;
  const dialog = $("#qr-dialog");
  if (!dialog.open) dialog.showModal();
}

async function listInto(name, load, row) {
  const error = $(`[data-error="${name}-list"]`);
  try {
    const page = await load({ page: pages[name], limit: PAGE_SIZE });
    $(`#${name}-table tbody`).replaceChildren(...page.items.map(row));
    renderPager(name, page, () => listInto(name, load, row));
    error.textContent = "";
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const details = (e.details ?? []).map((v) => `${v.path} ${v.message}`).join("; ");
    error.textContent = `${e.message} (${e.code})${details ? `: ${details}` : ""}`;
  }
}

async function remove(what, del, reload) {
  if (!confirm(`Delete ${what}?`)) return;
  try {
    await del();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    alert(`${e.message} (${e.code})`);
  }
  await reload();
}

// ---- enrollment tokens ----------------------------------------------------------

const nameOf = (item) => item.displayName ?? item.id;

/** A token's row: name, effective status, expiry, one more column, QR and Delete. */
function tokenRow(token, { extra, qr, del, reload }) {
  const tr = document.createElement("tr");
  tr.dataset.id = token.id;
  const status = effectiveStatus(token);
  tr.append(cell(nameOf(token)), cell(status), cell(expires(token)), cell(extra));
  const actions = cell();
  if (qr) actions.append(button("QR", qr, { "data-action": "qr" }));
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
    del: () => client.deleteAospEnrollmentToken(token.id),
    reload: loadAosp,
  });

const windowsRow = (token) =>
  tokenRow(token, {
    extra: token.enrollCode ?? "",
    qr: token.enrollmentLink && (() => windowsQr(token)),
    del: () => client.deleteWinEnrollmentToken(token.id),
    reload: loadWindows,
  });

const loadAosp = () => listInto("aosp", (q) => client.listAospEnrollmentTokens(q), aospRow);
const loadWindows = () => listInto("windows", (q) => client.listWinEnrollmentTokens(q), windowsRow);

// ---- devices ------------------------------------------------------------------------

function editDevice(device) {
  const form = $("#device-form");
  $("#device-id").textContent = device.id;
  form.dataset.id = device.id;
  form.elements.displayName.value = device.displayName ?? "";
  form.elements.tags.value = device.tags.join(", ");
  form.elements.policyId.value = device.aosPolicyId ?? "";
  form.elements.mdmUserId.value = device.mdmUser?.id ?? "";
  form.elements.segmentId.value = device.segmentId ?? "";
  $("#device-editor").hidden = false;
  check(form);
}

function deviceRow(device) {
  const tr = document.createElement("tr");
  tr.dataset.id = device.id;
  tr.append(cell(nameOf(device)), cell(device.state), cell(device.mdmUser?.email), cell(device.tags.join(", ")));
  const actions = cell();
  actions.append(button("Edit", () => editDevice(device), { "data-action": "edit" }));
  tr.append(actions);
  return tr;
}

const loadDevices = () => listInto("devices", (q) => client.listAospDevices(q), deviceRow);

// ---- members and API keys ------------------------------------------------------------

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "never");

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
  aosp: loadAosp,
  windows: loadWindows,
  devices: loadDevices,
  members: loadMembers,
  keys: loadKeys,
  audit: loadAudit,
  webhooks: webhooksTab(document.querySelector('[data-panel="webhooks"]'), () => client).load,
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

liveValidation($("#device-form"), async (body) => {
  const form = $("#device-form");
  await client.updateAospDevice(form.dataset.id, body);
  $("#device-saved").textContent = "Saved.";
  await loadDevices();
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

$("#device-cancel").addEventListener("click", () => ($("#device-editor").hidden = true));
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
