// The supporting resources on the admin page: segments, MDM users, AOSP and
// Windows policies and DPC builds, each listed, created, edited (a partial
// PUT, validated as the user types) and deleted after a confirmation. A
// delete the API refuses because something still refers to the resource
// (409 / 5012) says what, and how many.

import { ApiError } from "/pkg/src/browser.js";
import { fillPickers, pick } from "./pickers.js";
import {
  $,
  button,
  cell,
  check,
  confirmAction,
  errorText,
  listInto,
  liveValidation,
  pages,
  session,
  showViolations,
  when,
} from "./ui.js";

/**
 * Each resource: its type names (the client's methods list<Many>,
 * create<One>, update<One>, delete<One> and the bodies <One>Create and
 * <One>Update are named after them), form fields and list columns. A field
 * is [name, label, kind, extra]: kind as in ui.js readForm; extra.picker
 * makes it a picker, extra.textarea a text area.
 */
const RESOURCES = {
  segments: {
    one: "segment",
    type: ["Segment", "Segments"],
    fields: [
      ["name", "Name", "text"],
      ["parentId", "Parent segment (none: a root segment)", "nullableNumber", { picker: "segments" }],
    ],
    label: (s) => s.name,
    detail: (s) => (s.parentId === null || s.parentId === undefined ? "root" : `parent #${s.parentId}`),
  },
  mdmUsers: {
    one: "MDM user",
    type: ["MdmUser", "MdmUsers"],
    fields: [
      ["email", "Email", "text"],
      ["displayName", "Display name (empty: none)", "nullable"],
    ],
    label: (u) => u.email,
    detail: (u) => u.displayName,
  },
  aospPolicies: {
    one: "AOSP policy",
    type: ["AospPolicy", "AospPolicies"],
    fields: [
      ["name", "Name", "text"],
      ["description", "Description (empty: none)", "nullable"],
      ["config", "Configuration (a JSON object)", "json", { textarea: true }],
      ["segmentId", "Segment (none: every segment)", "nullableNumber", { picker: "segments" }],
    ],
    label: (p) => p.name,
    detail: (p) => `version ${p.version}`,
  },
  winPolicies: {
    one: "Windows policy",
    type: ["WinPolicy", "WinPolicies"],
    fields: [
      ["name", "Name", "text"],
      ["config", "Configuration (a JSON object)", "json", { textarea: true }],
    ],
    label: (p) => p.name,
    detail: (p) => `version ${p.version}`,
  },
  dpcBuilds: {
    one: "DPC build",
    type: ["DpcBuild", "DpcBuilds"],
    fields: [
      ["tag", "Tag (what tokens name)", "text"],
      ["downloadUrl", "Download URL", "text"],
      ["signatureChecksum", "Signature checksum (URL-safe base64 SHA-256)", "text"],
      ["componentName", "Component name", "text"],
      ["versionCode", "Version code (empty: none)", "nullableNumber"],
    ],
    label: (b) => b.tag,
    detail: (b) => b.downloadUrl,
  },
};

const form = () => $("#resource-form");
const current = () => RESOURCES[$("#resource-kind").value];
const call = (name, ...args) => session.client[name](...args);
const method = (verb, resource) => `${verb}${resource.type[verb === "list" ? 1 : 0]}`;

// ---- the form ----------------------------------------------------------------------

function field([name, label, kind, extra = {}]) {
  const input = document.createElement(extra.picker ? "select" : extra.textarea ? "textarea" : "input");
  input.name = name;
  input.dataset.kind = kind;
  if (extra.picker) input.dataset.picker = extra.picker;
  if (extra.textarea) input.rows = 4;
  if (!extra.picker && !extra.textarea) input.autocomplete = "off";
  const wrapper = document.createElement("label");
  wrapper.append(`${label} `, input);
  const error = document.createElement("p");
  error.className = "error";
  error.dataset.error = name;
  return [wrapper, error];
}

/** Sets the form up to create a resource of the chosen kind, or to edit `item`. */
async function setUpForm(item = null) {
  const resource = current();
  const f = form();
  f.dataset.mode = item ? "edit" : "create";
  f.dataset.body = `${resource.type[0]}${item ? "Update" : "Create"}`;
  f.dataset.id = item ? String(item.id) : "";
  $("#resource-form-title").textContent = "Loading…";
  $("#resource-fields").replaceChildren(...resource.fields.flatMap(field));
  $("#resource-new").hidden = !item;
  $("#resource-saved").textContent = "";
  // Set up again (another item, or kind) before the pickers answered: that
  // one fills the form and its title; this one's values must not land in it.
  if (!(await fillPickers(f))) return;
  if (item) {
    for (const [name, , kind] of resource.fields) {
      const el = f.elements[name];
      const value = item[name];
      if (el.tagName === "SELECT") pick(el, value);
      else if (kind === "json") el.value = JSON.stringify(value ?? {}, null, 2);
      else el.value = value ?? "";
    }
  }
  showViolations(f, []);
  check(f);
  // Last: the title says the form is ready (its pickers loaded, its values set).
  $("#resource-form-title").textContent = item ? `Edit ${resource.one} ${resource.label(item)}` : `New ${resource.one}`;
}

// ---- the list -----------------------------------------------------------------------

async function remove(item) {
  const resource = current();
  const error = $('[data-error="resources-list"]');
  error.textContent = "";
  const name = resource.label(item);
  if (!(await confirmAction(`Delete the ${resource.one} ${name}?`, "Delete"))) return;
  try {
    await call(method("delete", resource), String(item.id));
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    await loadResources();
    error.textContent = `${resource.one} ${name}: ${errorText(e)}`;
    return;
  }
  if (form().dataset.id === String(item.id)) await setUpForm();
  await loadResources();
}

function row(item) {
  const resource = current();
  const tr = document.createElement("tr");
  tr.dataset.id = String(item.id);
  tr.append(cell(resource.label(item)), cell(resource.detail(item)), cell(when(item.updatedAt ?? item.createdAt)));
  const actions = cell();
  actions.append(
    button("Edit", () => setUpForm(item), { "data-action": "edit" }),
    button("Delete", () => remove(item), { "data-action": "delete" }),
  );
  tr.append(actions);
  return tr;
}

/** The Resources tab: the chosen kind's list. */
export async function loadResources() {
  $("#resources-title").textContent = $("#resource-kind").selectedOptions[0].textContent;
  await listInto("resources", (q) => call(method("list", current()), q), row);
}

// ---- wiring ------------------------------------------------------------------------------

/** The first time the tab opens, and whenever the kind changes: a fresh create form. */
export async function showResources() {
  if (!form().dataset.body) await setUpForm();
  await loadResources();
}

liveValidation(form(), async (body) => {
  const f = form();
  const resource = current();
  if (f.dataset.mode === "edit") {
    const saved = await call(method("update", resource), f.dataset.id, body);
    await setUpForm(saved);
    $("#resource-saved").textContent = "Saved.";
  } else {
    await call(method("create", resource), body);
    await setUpForm();
    $("#resource-saved").textContent = "Created.";
  }
  await loadResources();
});

$("#resource-kind").addEventListener("change", async () => {
  pages.resources = 1;
  $('[data-error="resources-list"]').textContent = "";
  await setUpForm();
  await loadResources();
});
$("#resource-new").addEventListener("click", () => setUpForm());
