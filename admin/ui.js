// What every part of the admin page shares: the signed-in client, forms that
// validate as the user types (the package's validators are the server's own
// rules, and the API's 5209 details land on the same fields), tables with a
// pager, the in-page confirmation dialog and readable API errors.

import { ApiError, validate } from "/pkg/src/browser.js";

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
export const PAGE_SIZE = 10;

/** The signed-in session: app.js sets `client` when the user signs in. */
export const session = { client: null };

/** The page each list shows, by list name. */
export const pages = {};

// ---- forms ----------------------------------------------------------------------

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * The request body a form describes; empty fields are left out, except that
 * in an edit form (`data-mode="edit"`) an empty nullable field is `null` (it
 * clears the value). Pickers are <select>s read like inputs.
 */
export function readForm(form) {
  const editing = form.dataset.mode !== "create";
  const body = {};
  for (const el of $$("[data-kind]", form)) {
    const v = el.type === "checkbox" ? el.checked : el.value.trim();
    switch (el.dataset.kind) {
      case "text":
        if (v !== "") body[el.name] = v;
        break;
      case "nullable":
        if (v !== "") body[el.name] = v;
        else if (editing) body[el.name] = null;
        break;
      case "number":
        // Numbers as numbers; anything else stays text, so the validator says
        // "must be an integer, not a string" instead of the field vanishing.
        if (v !== "") body[el.name] = NUMBER.test(v) ? Number(v) : v;
        break;
      case "nullableNumber":
        if (v !== "") body[el.name] = NUMBER.test(v) ? Number(v) : v;
        else if (editing) body[el.name] = null;
        break;
      case "flag":
        if (v) body[el.name] = true;
        break;
      case "list":
        if (v !== "") body[el.name] = v.split(",").map((s) => s.trim());
        break;
      case "json":
        // Text that is not JSON stays text: the validator then says "must be an object".
        if (v !== "") {
          try {
            body[el.name] = JSON.parse(v);
          } catch {
            body[el.name] = v;
          }
        }
        break;
      case "aosPolicy":
        // One picked AOSP policy, assigned at priority 0.
        if (v !== "") body[el.name] = [{ aosPolicyId: v, priority: 0 }];
        break;
    }
  }
  return body;
}

/** Shows violations next to their fields (`tags[1]` goes to `tags`). */
export function showViolations(form, violations, formMessage = "") {
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
export function check(form) {
  const violations = validate(form.dataset.body, readForm(form));
  showViolations(form, violations);
  $("button[type=submit]", form).disabled = violations.length > 0;
  return violations;
}

export function liveValidation(form, submit) {
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
      showViolations(form, e.details, errorText(e));
    } finally {
      button.disabled = false;
    }
  });
}

// ---- errors -------------------------------------------------------------------------

/** Referrer kinds of a 409 / 5012, as people say them (one, many). */
const KINDS = {
  aospEnrollmentTokens: ["AOSP enrollment token", "AOSP enrollment tokens"],
  aospDevices: ["AOSP device", "AOSP devices"],
  winEnrollmentTokens: ["Windows enrollment token", "Windows enrollment tokens"],
  winDevices: ["Windows device", "Windows devices"],
  segments: ["child segment", "child segments"],
  aospPolicies: ["AOSP policy", "AOSP policies"],
};

const counted = ({ kind, count }) => {
  const [one, many] = KINDS[kind] ?? [kind, kind];
  return `${count} ${count === 1 ? one : many}`;
};

/** An API error as one readable line; "still in use" names what refers to the thing. */
export function errorText(e) {
  if (e.code === 5012 && e.details.length > 0) {
    return `Still in use by ${e.details.map(counted).join(", ")} (${e.code})`;
  }
  const details = (e.details ?? []).filter((v) => v.path !== undefined).map((v) => `${v.path} ${v.message}`);
  return `${e.message} (${e.code})${details.length ? `: ${details.join("; ")}` : ""}`;
}

// ---- rendering ------------------------------------------------------------------

export function cell(text) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  return td;
}

export function button(label, onClick, attrs = {}) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  for (const [k, v] of Object.entries(attrs)) b.setAttribute(k, v);
  b.addEventListener("click", onClick);
  return b;
}

export const nameOf = (item) => item.displayName ?? item.id;
export const when = (iso) => (iso ? new Date(iso).toLocaleString() : "never");

function renderPager(name, page, reload) {
  const el = $(`[data-pager="${name}"]`);
  el.replaceChildren();
  el.append(`Page ${page.page} of ${page.totalPages} (${page.totalDocs} total) `);
  if (page.prevPage) el.append(button("Previous", () => reload((pages[name] = page.prevPage))));
  if (page.nextPage) el.append(button("Next", () => reload((pages[name] = page.nextPage))));
}

/** The latest load of each list or form, by its name or element. */
const latestLoads = new Map();

/**
 * Starts a load of `key` (a list's name, a form): the returned function says
 * whether it is still the latest. Loads of one key may overlap (a tab shown
 * twice, a page turned quickly) and answer in any order; only the last one
 * started may show its answer, or an older one arriving last would undo it.
 */
export function startLoad(key) {
  const mine = {};
  latestLoads.set(key, mine);
  return () => latestLoads.get(key) === mine;
}

/** Loads one page of a list into `#<name>-table`, with its pager; errors show under it (the latest load's: `startLoad`). */
export async function listInto(name, load, row) {
  const latest = startLoad(name);
  const error = $(`[data-error="${name}-list"]`);
  try {
    const page = await load({ page: pages[name] ?? 1, limit: PAGE_SIZE });
    if (!latest()) return;
    $(`#${name}-table tbody`).replaceChildren(...page.items.map(row));
    renderPager(name, page, () => listInto(name, load, row));
    error.textContent = "";
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (latest()) error.textContent = errorText(e);
  }
}

// ---- confirmation ------------------------------------------------------------------

/**
 * Asks before something runs, in the page's own dialog (#confirm-dialog):
 * resolves true when the user confirms, false when they cancel or close it.
 */
export function confirmAction(message, confirmLabel = "Confirm") {
  const dialog = $("#confirm-dialog");
  $("#confirm-text").textContent = message;
  $("#confirm-yes").textContent = confirmLabel;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.showModal();
  });
}
