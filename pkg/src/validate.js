// The package's validators. A body crosses into the wasm as JSON text,
// written by `TextEncoder.encodeInto` straight into a reusable buffer in wasm
// memory (no per-character copy loop); the wasm checks the bytes in one pass
// (mdm-core's single-pass validator, the server's own) and answers with a
// number: 0 for a valid body, so nothing comes back to decode, else the
// number of violations, left in the wasm as three numbers each: its path's
// id, its code's number and its message's id. An id names a text this module
// keeps (`texts`): a text is sent once, by the first answer that uses it, as
// part of one text decoded once and sliced (see `learn`), so a body
// whose paths and messages were seen before decodes nothing.
//
// An object is validated as its `JSON.stringify` text: one native call
// writes the whole body. Where `JSON.stringify` and the server's reading of
// an object cannot agree, `walk` below reads the object instead, as the
// package always has: `JSON.stringify` throws (a BigInt, a cycle, a throwing
// getter or `toJSON`), the text is not JSON to the server (nesting deeper than
// 127, a lone surrogate), or BigInt has a `toJSON` (the walk reports BigInts
// whatever their prototype says).

import { __check, __input, __memory, __output, requestBodyNames } from "../dist/mdm_wasm.js";

const encoder = new TextEncoder();
// `ignoreBOM`: a text may start with U+FEFF (a body's key), which the
// default decoder would drop, shifting every slice after it.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
let memory;
/**
 * The wasm's memory's current buffer. Asked for on first use: by `check`,
 * or by `learn` when the first text is blank (a blank text needs no input
 * buffer).
 */
const buffer = () => (memory ??= __memory()).buffer;
let indexes;

/**
 * The last name asked for and its number: forms check one body again and
 * again. `NaN` is equal to no name, not even `undefined` or `NaN`.
 */
let lastName = NaN;
let lastIndex = 0;

function indexOf(name) {
  if (name === lastName) return lastIndex;
  indexes ??= new Map(requestBodyNames().map((n, i) => [n, i]));
  const i = indexes.get(name);
  if (i === undefined) throw new TypeError(`unknown request body "${name}"; see requestBodyNames()`);
  lastName = name;
  return (lastIndex = i);
}

/** A view of the wasm's input buffer; empty once the memory grows. */
let input = new Uint8Array(0);

/**
 * The texts earlier answers sent, by id (mdm-core's `answer`). The wasm is
 * told how many are held on every check, and starts its ids again from 0
 * (sending every text it uses) when that is not what it sent, or when its
 * table reaches its bound.
 */
const texts = [];
/** Which run of ids `texts` holds (the wasm's count of restarts). */
let generation = 0;

/** Checks `text` as body number `index`: 0, or ± the number of violations. */
function check(index, text) {
  const room = text.length * 3; // UTF-8 bytes per UTF-16 unit, at most
  if (input.length < room) {
    const size = Math.max(room, 1024);
    const at = __input(size);
    input = new Uint8Array(buffer(), at, size);
  }
  const { written } = encoder.encodeInto(text, input);
  const n = __check(index, written, texts.length, generation);
  if (n !== 0) learn();
  return n;
}

/**
 * Violation codes by number: mdm-core's `ViolationCode::ALL` (a Rust test,
 * `js_codes_are_the_violation_codes`, reads this line and compares).
 */
const CODES = ["required", "type", "pattern", "minLength", "maxLength", "min", "max", "enum", "unknownField", "format", "maxItems", "unique", "reference", "dependency", "tooMany"];

/**
 * Views of the whole wasm memory, made once rather than for every answer;
 * empty once the memory grows (growing detaches the old buffer), and then
 * made again.
 */
let bytes = new Uint8Array(0);
let words = new Uint32Array(0);

/**
 * Where the last answer's numbers start in `words`: a header (the new texts'
 * address and byte length, their UTF-16 lengths' address, the first new
 * text's id, how many are new, the ids' run), then three numbers per
 * violation. Set by `learn`, which reads every answer that found violations.
 */
let last = 0;
/** How many numbers the header is (`HEADER` in crates/mdm-wasm's validation.rs). */
const HEADER = 6;

/** Keeps the texts the last answer sent; notes where it is. */
function learn() {
  const at = (last = __output() >>> 2); // a Vec<u32>: 4-byte aligned
  if (words.length === 0) {
    const all = buffer();
    bytes = new Uint8Array(all);
    words = new Uint32Array(all);
  }
  const base = words[at + 3];
  if (base !== texts.length) texts.length = base; // the wasm started its ids again
  generation = words[at + 5];
  const fresh = words[at + 4];
  if (fresh === 0) return;
  const text = decoder.decode(bytes.subarray(words[at], words[at] + words[at + 1]));
  for (let i = 0, l = words[at + 2] >>> 2, pos = 0; i < fresh; i++, l++) {
    texts.push(text.slice(pos, (pos += words[l])));
  }
}

/** The violations the last `__check` found: `n` of them (or `-n`). */
function violations(n) {
  if (n === 0) return [];
  const count = Math.abs(n);
  const list = new Array(count);
  for (let i = 0, l = last + HEADER; i < count; i++, l += 3) {
    list[i] = { path: texts[words[l]], code: CODES[words[l + 1]], message: texts[words[l + 2]] };
  }
  return list;
}

/** Every violation of `body` against request body `name` (empty when valid). */
export function validate(name, body) {
  if (BigInt.prototype.toJSON === undefined) {
    let text;
    try {
      // Top-level undefined (or a function) sends nothing: read as null.
      text = JSON.stringify(body) ?? "null";
    } catch {
      // The walk reports it (or rethrows the same exception).
    }
    if (text !== undefined) {
      const n = check(indexOf(name), text);
      if (n >= 0) return violations(n);
    }
  }
  const walked = walk(body);
  if (walked.violation) return [walked.violation];
  return violations(check(indexOf(name), walked.text));
}

/** Like `validate`, for a JSON text (what a request would carry). */
export function validateJson(name, text) {
  return violations(check(indexOf(name), text));
}

// ---- the walk: JSON text from a value, with JSON.stringify's rules ----------
//
// `undefined`, functions and symbols are left out of objects (and are `null`
// in arrays), `toJSON` is honoured, boxed primitives unbox, `NaN`/`Infinity`
// are `null`, lone surrogates become U+FFFD (as the text reaches the server).
// What JSON cannot carry is one violation at the path where it happened.

/** Deepest nesting the server's parser accepts. */
const MAX_DEPTH = 127;
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

class Unsendable {
  constructor(code, message) {
    this.code = code;
    this.message = message;
    this.path = []; // innermost first
  }
  violation() {
    let path = "";
    for (const seg of this.path.reverse()) {
      if (typeof seg === "number") path += `[${seg}]`;
      else path += (path === "" ? "" : ".") + seg;
    }
    return { path, code: this.code, message: this.message };
  }
}

const quote = (s) => JSON.stringify(s.replace(LONE_SURROGATE, "\ufffd"));

function walk(value) {
  try {
    return { text: write(value, 0, true) ?? "null" };
  } catch (e) {
    if (e instanceof Unsendable) return { violation: e.violation() };
    throw e;
  }
}

function write(v, depth, callToJSON) {
  switch (typeof v) {
    case "string":
      return quote(v);
    case "number":
      return Number.isFinite(v) ? String(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "bigint":
      throw new Unsendable("type", "is a BigInt, which JSON cannot represent");
  }
  if (v === null) return "null";
  if (callToJSON) {
    const toJSON = v.toJSON;
    if (typeof toJSON === "function") return write(toJSON.call(v), depth, false);
  }
  if (v instanceof Number || v instanceof String || v instanceof Boolean) {
    const inner = v.valueOf();
    if (typeof inner !== "object" || inner === null) return write(inner, depth, false);
  }
  if (depth >= MAX_DEPTH) {
    throw new Unsendable("format", "nests too deeply (or refers to itself) to be sent as JSON");
  }
  const parts = [];
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      parts.push(at(i, () => write(v[i], depth + 1, true)) ?? "null");
    }
    return `[${parts.join(",")}]`;
  }
  for (const [key, item] of Object.entries(v)) {
    const text = at(key, () => write(item, depth + 1, true));
    if (text !== undefined) parts.push(`${quote(key)}:${text}`);
  }
  return `{${parts.join(",")}}`;
}

function at(segment, f) {
  try {
    return f();
  } catch (e) {
    if (e instanceof Unsendable) e.path.push(segment);
    throw e;
  }
}
