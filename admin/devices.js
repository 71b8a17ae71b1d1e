// Devices on the admin page: the AOSP and Windows device lists, a device's
// view (its facts and state history) with the lifecycle actions, each
// confirmed in the page's dialog before it runs, the device edit forms with
// pickers, and the devices a token enrolled.

import { ApiError } from "/pkg/src/browser.js";
import { fillPickers, pick } from "./pickers.js";
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

/**
 * The actions each state offers (mdm_core::lifecycle's device moves; the
 * server decides, and a move it forbids, say from a stale view, is shown as
 * its 409 / 5010).
 */
const MOVES = {
  PROVISIONING: ["disable", "disenroll", "delete"],
  ACTIVE: ["disable", "disenroll", "delete"],
  DISABLED: ["enable", "disenroll", "delete"],
  PENDING_DISENROLL: ["delete"],
  DELETED: [],
};

/** What each action does, in the words of its confirmation. */
const ACTIONS = {
  disable: {
    label: "Disable",
    ask: (name) => `Disable ${name}? At its next status report it is told to lock itself until it is enabled.`,
  },
  enable: { label: "Enable", ask: (name) => `Enable ${name} again? At its next status report it unlocks.` },
  disenroll: {
    label: "Disenroll",
    ask: (name) => `Disenroll ${name}? At its next status report it is told to wipe itself, and it is then deleted.`,
  },
  delete: {
    label: "Delete",
    ask: (name) => `Delete ${name}? Its device secret stops working at once. This cannot be undone.`,
  },
};

/** A platform's client calls: get<Name>, and <verb><Name> for each action. */
const calls = (title, name) => ({
  title,
  get: (id) => session.client[`get${name}`](id),
  ...Object.fromEntries(Object.keys(ACTIONS).map((verb) => [verb, (id) => session.client[`${verb}${name}`](id)])),
});

const PLATFORMS = { aosp: calls("AOSP device", "AospDevice"), windows: calls("Windows device", "WinDevice") };

// ---- the device view ---------------------------------------------------------------

function fact(term, value) {
  if (value === undefined || value === null || value === "") return [];
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.textContent = value ?? "";
  return [dt, dd];
}

function renderView(platform, device) {
  const view = $("#device-view");
  view.dataset.platform = platform;
  view.dataset.id = device.id;
  view.dataset.state = device.state;
  $("#device-view-title").textContent = `${PLATFORMS[platform].title}: ${nameOf(device)}`;
  $("#device-view-id").textContent = device.id;
  const token = device.aosEnrollmentTokenId ?? device.enrollmentTokenId ?? device.winEnrollmentTokenId;
  $("#device-view-facts").replaceChildren(
    ...fact("State", device.state),
    ...fact("Serial number", device.serialNumber ?? device.deviceInfo?.serialNumber),
    ...fact("MDM user", device.mdmUser?.email),
    ...fact("Enrolled", when(device.enrolledDate)),
    ...fact("Last status report", when(device.lastStatusReportTime)),
    ...fact("Enrollment token", token),
  );
  $("#device-history tbody").replaceChildren(
    ...device.stateHistory.map((change) => {
      const tr = document.createElement("tr");
      tr.append(cell(change.state), cell(when(change.date)));
      return tr;
    }),
  );
  const actions = (MOVES[device.state] ?? []).map((verb) =>
    button(ACTIONS[verb].label, () => act(platform, device, verb), { "data-action": verb }),
  );
  $("#device-view-actions").replaceChildren(...actions);
  if (actions.length === 0) $("#device-view-actions").append("No action: the device is deleted.");
  view.hidden = false;
}

/** Asks, then runs one lifecycle action; the view shows the device as the API answers it. */
async function act(platform, device, verb) {
  const error = $('[data-error="device-action"]');
  error.textContent = "";
  if (!(await confirmAction(ACTIONS[verb].ask(nameOf(device)), ACTIONS[verb].label))) return;
  try {
    renderView(platform, await PLATFORMS[platform][verb](device.id));
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    error.textContent = errorText(e);
  }
  await loadDeviceLists();
}

/** Opens a device's view on the Devices tab (from a token's row or device list too). */
export async function openDevice(platform, id) {
  const tab = $('[data-tab="devices"]');
  if (tab.getAttribute("aria-selected") !== "true") tab.click();
  const error = $('[data-error="device-action"]');
  error.textContent = "";
  try {
    renderView(platform, await PLATFORMS[platform].get(id));
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    $("#device-view").hidden = false;
    error.textContent = errorText(e);
  }
}

// ---- the device lists and edit forms ---------------------------------------------------

async function editDevice(formId, device, fill) {
  const form = $(formId);
  form.dataset.id = device.id;
  form.elements.displayName.value = device.displayName ?? "";
  form.elements.tags.value = device.tags.join(", ");
  // Edit pressed again (another device) before the pickers answered: that
  // one sets the form up; this device's values must not land in it.
  if (!(await fillPickers(form))) return;
  fill(form);
  check(form);
  for (const editor of $$(".device-editor")) editor.hidden = editor !== form.closest(".device-editor");
}

const editAosp = (device) =>
  editDevice("#device-form", device, (form) => {
    pick(form.elements.policyId, device.aosPolicyId);
    pick(form.elements.mdmUserId, device.mdmUser?.id);
    pick(form.elements.segmentId, device.segmentId);
  });

const editWindows = (device) =>
  editDevice("#win-device-form", device, (form) => {
    pick(form.elements.winPolicyId, device.winPolicyId);
    pick(form.elements.mdmUserId, device.mdmUser?.id ?? device.mdmUserId);
    pick(form.elements.segmentId, device.segmentId);
  });

function deviceRow(platform, edit) {
  return (device) => {
    const tr = document.createElement("tr");
    tr.dataset.id = device.id;
    tr.append(
      cell(nameOf(device)),
      cell(device.state),
      cell(device.mdmUser?.email),
      cell(when(device.enrolledDate)),
      cell(device.tags.join(", ")),
    );
    const actions = cell();
    actions.append(button("View", () => openDevice(platform, device.id), { "data-action": "view" }));
    if (device.state !== "DELETED") actions.append(button("Edit", () => edit(device), { "data-action": "edit" }));
    tr.append(actions);
    return tr;
  };
}

/** The state filter of a list: empty, the API's default (every state but DELETED). */
const stateFilter = (id) => {
  const state = $(id).value;
  return state ? { status: state } : {};
};

const loadAospDevices = () =>
  listInto(
    "devices",
    (q) => session.client.listAospDevices({ ...q, ...stateFilter("#devices-state") }),
    deviceRow("aosp", editAosp),
  );

const loadWinDevices = () =>
  listInto(
    "win-devices",
    (q) => session.client.listWinDevices({ ...q, ...stateFilter("#win-devices-state") }),
    deviceRow("windows", editWindows),
  );

async function loadDeviceLists() {
  await Promise.all([loadAospDevices(), loadWinDevices()]);
}

/** The Devices tab: both lists; an open device view is brought up to date. */
export async function loadDevices() {
  await loadDeviceLists();
  const view = $("#device-view");
  if (!view.hidden && view.dataset.id) await openDevice(view.dataset.platform, view.dataset.id);
}

// ---- the devices of a token ----------------------------------------------------------

/** A token's usage: how many devices it enrolled, and when the last one did. */
export function tokenUsage(token) {
  const count = token.enrolledDevices ?? 0;
  const last = token.lastEnrollmentAt ? `, last ${when(token.lastEnrollmentAt)}` : "";
  return `${count}${token.maxEnrollments ? ` of ${token.maxEnrollments}` : ""}${last}`;
}

function tokenDeviceRow(device) {
  const tr = document.createElement("tr");
  tr.dataset.id = device.id;
  tr.append(cell(nameOf(device)), cell(device.state), cell(when(device.enrolledDate)), cell(when(device.lastStatusReportTime)));
  const actions = cell();
  actions.append(button("View", () => openDevice("aosp", device.id), { "data-action": "view" }));
  tr.append(actions);
  return tr;
}

/** Lists the devices an AOSP token enrolled (every state, deleted ones too), under the token list. */
export async function showTokenDevices(token) {
  const card = $("#token-devices");
  card.dataset.id = token.id;
  $("#token-devices-title").textContent = `Devices enrolled with ${nameOf(token)}`;
  card.hidden = false;
  pages["token-devices"] = 1;
  const every = Object.keys(MOVES);
  await listInto(
    "token-devices",
    (q) => session.client.listAospEnrollmentTokenDevices(token.id, { ...q, status: every }),
    tokenDeviceRow,
  );
}

// ---- wiring ------------------------------------------------------------------------------

liveValidation($("#device-form"), async (body) => {
  const form = $("#device-form");
  await session.client.updateAospDevice(form.dataset.id, body);
  $("#device-saved").textContent = "Saved.";
  await loadDeviceLists();
});

liveValidation($("#win-device-form"), async (body) => {
  const form = $("#win-device-form");
  await session.client.updateWinDevice(form.dataset.id, body);
  $("#win-device-saved").textContent = "Saved.";
  await loadDeviceLists();
});

for (const close of $$("[data-close]")) {
  close.addEventListener("click", () => ($(close.dataset.close).hidden = true));
}
$("#devices-state").addEventListener("change", () => loadAospDevices((pages.devices = 1)));
$("#win-devices-state").addEventListener("change", () => loadWinDevices((pages["win-devices"] = 1)));
