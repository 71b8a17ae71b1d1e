// List queries: the server's parser (mdm-core's, in the wasm) answers JSON
// text, parsed here; parameters become a query string here, percent-encoded,
// which the wasm decodes as the server decodes a request's.

import { __buildListQuery, __parseListQuery } from "../dist/mdm_wasm.js";
import { LONE_SURROGATE } from "./validate.js";

function answer(resource, text) {
  if (text === undefined) throw new TypeError(`unknown list resource "${resource}"; see listResources()`);
  return JSON.parse(text);
}

/**
 * Reads a list endpoint's query string (with or without `?`) as the server
 * does: `{ok: true, value: ListQuery}` with defaults applied, or
 * `{ok: false, violations}`.
 */
export function parseListQuery(resource, query) {
  return answer(resource, __parseListQuery(resource, query));
}


/** `encodeURIComponent` of the text the wasm would see (lone surrogates as U+FFFD). */
const encode = (s) => encodeURIComponent(s.replace(LONE_SURROGATE, "\ufffd"));

/** Text of one parameter value, as `String(value)` writes it; undefined for other types. */
function paramText(v) {
  switch (typeof v) {
    case "string":
      return v;
    case "boolean":
    case "number":
      return String(v);
  }
  return undefined;
}

/**
 * Builds a list query string from parameters (`{page: 2, status: ["DONE"]}`),
 * checked by the server's parser: `{ok: true, value: "page=2&status=DONE"}`
 * (defaults left out, no leading `?`) or `{ok: false, violations}`.
 * `undefined` and `null` parameters are left out; arrays become comma lists.
 */
export function tryBuildListQuery(resource, params) {
  const pairs = [];
  if (params !== undefined && params !== null) {
    if (typeof params !== "object") throw new TypeError("list parameters must be an object");
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined || value === null) continue;
      let text;
      if (Array.isArray(value)) {
        text = value.map((item) => paramText(item) ?? "").join(",");
      } else {
        text = paramText(value);
        if (text === undefined) throw new TypeError(`list parameter "${key}" must be a string, a number or a boolean`);
      }
      pairs.push(`${encode(key)}=${encode(text)}`);
    }
  }
  return answer(resource, __buildListQuery(resource, pairs.join("&")));
}
