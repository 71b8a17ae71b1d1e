// Pickers: <select data-picker="..."> lists filled from the API, so forms
// offer the organization's segments, MDM users, policies and DPC builds by
// name instead of asking for typed ids. The first option is "none" (its
// label is the select's data-none); the current value is kept when it is
// still offered.

import { ApiError } from "/pkg/src/browser.js";
import { $$, session, startLoad } from "./ui.js";

/** One API page of each source is offered: the first 100, newest first. */
const LIMIT = 100;

const SOURCES = {
  segments: { load: (c, q) => c.listSegments(q), label: (s) => `${s.name} (#${s.id})` },
  mdmUsers: { load: (c, q) => c.listMdmUsers(q), label: (u) => (u.displayName ? `${u.displayName} <${u.email}>` : u.email) },
  aospPolicies: { load: (c, q) => c.listAospPolicies(q), label: (p) => `${p.name} (v${p.version})` },
  winPolicies: { load: (c, q) => c.listWinPolicies(q), label: (p) => `${p.name} (v${p.version})` },
  // Tokens name a DPC build by its tag.
  dpcBuilds: { load: (c, q) => c.listDpcBuilds(q), label: (b) => b.tag, value: (b) => b.tag },
};

function option(value, label) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

/**
 * Fills every picker under `root` (one request per source), keeping each
 * one's value (the latest fill's: `startLoad`). Whether this fill was still
 * the latest: a form set up again meanwhile must not take this one's values.
 */
export async function fillPickers(root) {
  const latest = startLoad(root);
  const selects = $$("select[data-picker]", root);
  const wanted = [...new Set(selects.map((s) => s.dataset.picker))];
  const loaded = await Promise.all(
    wanted.map(async (name) => {
      try {
        return [name, (await SOURCES[name].load(session.client, { limit: LIMIT })).items];
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        return [name, e];
      }
    }),
  );
  if (!latest()) return false;
  const items = new Map(loaded);
  for (const select of selects) setOptions(select, items.get(select.dataset.picker));
  return true;
}

/** Sets a picker's options from a list (or an error) and selects `value` if offered. */
export function setOptions(select, list, value = select.value) {
  const source = SOURCES[select.dataset.picker];
  const none = option("", select.dataset.none ?? "(none)");
  if (list instanceof Error) {
    select.replaceChildren(none, Object.assign(option("", `(not available: ${list.message})`), { disabled: true }));
    return;
  }
  const options = list.map((item) => option(String(source.value?.(item) ?? item.id), source.label(item)));
  select.replaceChildren(none, ...options);
  select.value = options.some((o) => o.value === String(value ?? "")) ? String(value ?? "") : "";
}

/** Selects `value` in a picker, adding it when it is not among the options loaded (beyond the first 100). */
export function pick(select, value) {
  const v = value === null || value === undefined ? "" : String(value);
  if (v !== "" && ![...select.options].some((o) => o.value === v)) select.append(option(v, v));
  select.value = v;
}
