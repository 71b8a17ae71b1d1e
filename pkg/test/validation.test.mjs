import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import * as pkg from "@mdm-edge/client";
import { cases } from "./corpus.mjs";

const { validate, validateJson, requestBodyNames } = pkg;
const pairs = (violations) => violations.map((v) => [v.path, v.code]);

test("every corpus case gives the same (path, code) list as mdm-core", () => {
  for (const c of cases) {
    assert.deepEqual(pairs(validate(c.name, c.body)), c.expect, `${c.name} ${JSON.stringify(c.body).slice(0, 120)}`);
  }
});

test("the JSON-text variant agrees with the object variant, messages included", () => {
  for (const c of cases) {
    assert.deepEqual(validateJson(c.name, JSON.stringify(c.body)), validate(c.name, c.body), c.note || c.name);
  }
});

test("each body has its own validator, equal to validate(name, body)", () => {
  const names = requestBodyNames();
  assert.equal(names.length, 26);
  for (const name of names) {
    assert.equal(typeof pkg[`validate${name}`], "function", `validate${name}`);
  }
  for (const c of cases) {
    assert.deepEqual(pkg[`validate${c.name}`](c.body), validate(c.name, c.body));
  }
});

test("violations are plain objects with the contract's messages", () => {
  const [v] = validate("AospEnrollmentTokenCreate", { duration: 59 });
  assert.deepEqual(v, { path: "duration", code: "min", message: "must be at least 60" });
  assert.deepEqual(validate("AospStatusReport", { location: { latitude: -90.5, longitude: 0 } }), [
    { path: "location.latitude", code: "min", message: "must be at least -90" },
  ]);
  assert.deepEqual(validate("AospEnrollmentTokenCreate", { displayName: null })[0], {
    path: "displayName",
    code: "type",
    message: "must be a string, not null",
  });
});

test("objects are read as JSON.stringify sends them", () => {
  const name = "AospEnrollmentTokenCreate";
  const same = (body) => assert.deepEqual(validate(name, body), validateJson(name, JSON.stringify(body)));
  // undefined, functions and symbols are left out of objects (a form's empty fields)...
  assert.deepEqual(validate(name, { displayName: undefined, duration: undefined, f() {}, s: Symbol("x") }), []);
  same({ displayName: undefined, tags: ["a", undefined, () => 1] });
  assert.deepEqual(pairs(validate(name, { tags: ["a", undefined] })), [["tags[1]", "type"]]);
  // NaN and Infinity are null; toJSON is honoured; boxed primitives unbox.
  same({ duration: NaN });
  same({ duration: Infinity });
  same({ displayName: new Date(0) });
  assert.deepEqual(validate(name, { displayName: new Date(0) }), []);
  assert.deepEqual(validate(name, { displayName: { toJSON: () => "x".repeat(257) } })[0].code, "maxLength");
  same({ duration: new Number(60), displayName: new String("ok"), perpetual: new Boolean(true) });
  assert.deepEqual(validate(name, { duration: new Number(60), displayName: new String("ok") }), []);
  // Numbers keep their JSON kind: -0, integral floats, huge values.
  same({ duration: -0 });
  same({ duration: 1e21 });
  same({ segmentId: 2 ** 64 });
  same({ segmentId: -(2 ** 63) - 4096 });
  // Only own enumerable properties count.
  const proto = Object.create({ inherited: 1 });
  proto.duration = 60;
  Object.defineProperty(proto, "hidden", { value: 1, enumerable: false });
  assert.deepEqual(validate(name, proto), []);
  // Top-level undefined reads as null, as a request without a body would fail.
  assert.deepEqual(pairs(validate(name, undefined)), [["", "type"]]);
});

test("values JSON cannot carry become violations, not exceptions", () => {
  const name = "AospEnrollmentTokenCreate";
  assert.deepEqual(pairs(validate(name, { segmentId: 10n })), [["segmentId", "type"]]);
  const cyclic = { tags: [] };
  cyclic.tags.push(cyclic);
  const [v] = validate(name, cyclic);
  assert.equal(v.code, "format");
  assert.match(v.path, /^tags\[0\](\.tags\[0\])+(\.tags)?$/);
  // A getter that throws is rethrown as is.
  const boom = new Error("boom");
  assert.throws(() => validate(name, { get displayName() { throw boom; } }), (e) => e === boom);
});

test("nesting: 127 levels parse, 128 do not (serde_json's limit on the server)", () => {
  const nest = (n) => {
    let v = [];
    for (let i = 1; i < n; i++) v = [v];
    return v;
  };
  // Deep but legal JSON is validated (a type violation, as tags must hold strings).
  const ok = validate("AospEnrollmentTokenCreate", { tags: nest(126) });
  assert.equal(ok[0].code, "type");
  const tooDeep = validateJson("AospEnrollmentTokenCreate", JSON.stringify({ tags: nest(127) }));
  assert.deepEqual(pairs(tooDeep), [["", "format"]]);
  assert.match(tooDeep[0].message, /^malformed JSON: recursion limit exceeded/);
  assert.equal(validate("AospEnrollmentTokenCreate", { tags: nest(127) })[0].code, "format");
});

test("JSON text: blank and malformed bodies get the server's violations", () => {
  assert.deepEqual(validateJson("EnrollAosp", "  \n"), [
    { path: "", code: "required", message: "a JSON request body is required" },
  ]);
  const [v] = validateJson("EnrollAosp", '{"token": ');
  assert.equal(v.code, "format");
  assert.equal(v.message, "malformed JSON: EOF while parsing a value at line 1 column 10");
  assert.deepEqual(pairs(validateJson("EnrollAosp", "[]")), [["", "type"]]);
});

test("an unknown body name is a TypeError", () => {
  assert.throws(() => validate("Nope", {}), TypeError);
  assert.throws(() => validateJson("Nope", "{}"), TypeError);
});

test("answers stay right after the wasm's memory grows (its old views are detached)", async () => {
  const { __memory } = await import("../dist/mdm_wasm.js");
  const name = "AospEnrollmentTokenCreate";
  // Non-ASCII text, so the lengths JavaScript slices by are UTF-16 units.
  const small = { duration: 59, displayName: "é".repeat(300), tags: [""] };
  const before = validate(name, small);
  assert.deepEqual(pairs(before), [["duration", "min"], ["displayName", "maxLength"], ["tags[0]", "minLength"]]);
  const grownFrom = __memory().buffer.byteLength;
  // Megabytes of input: the input buffer, and with it the memory, must grow.
  const big = { displayName: "x".repeat(8 << 20), tags: [1, ""] };
  assert.deepEqual(pairs(validate(name, big)), [["displayName", "maxLength"], ["tags[0]", "type"], ["tags[1]", "minLength"]]);
  assert.ok(__memory().buffer.byteLength > grownFrom, "the memory grew");
  assert.deepEqual(validate(name, small), before);
  assert.deepEqual(validateJson(name, JSON.stringify(small)), before);
});

test("a blank text as the very first call answers its violation", () => {
  // A process of its own: the first call into the package, with nothing
  // written to the wasm's input buffer before it.
  const first = `import * as p from "@mdm-edge/client";
    console.log(JSON.stringify(p.validateJson("AospEnrollmentTokenCreate", "")));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", first], { cwd: new URL("..", import.meta.url) });
  assert.deepEqual(JSON.parse(out.toString()), [{ path: "", code: "required", message: "a JSON request body is required" }]);
});

test("texts named by id stay right across many answers, new texts and the wasm starting its ids again", async () => {
  const { __output, __memory } = await import("../dist/mdm_wasm.js");
  // The first new text's id, from the last answer's header: 0 when the
  // wasm started its ids again.
  const base = () => new Uint32Array(__memory().buffer)[(__output() >>> 2) + 3];
  let restarts = 0;
  const name = "AospEnrollmentTokenCreate";
  // Unknown keys are paths: thousands of new ones pass the wasm's bound on
  // the texts it keeps, so it starts its ids again, more than once, while
  // known texts keep being named in between.
  const known = { duration: 59, displayName: "é".repeat(300), tags: [""] };
  const first = validate(name, known);
  assert.equal(first.length, 3);
  for (let i = 0; i < 3000; i++) {
    const key = `k${i}${"ü".repeat(i % 120)}`;
    const got = validateJson(name, JSON.stringify({ [key]: 1, duration: 59 }));
    const cut = key.length > 100 ? `${[...key].slice(0, 100).join("")}…` : key;
    assert.deepEqual(got, [
      { path: "duration", code: "min", message: "must be at least 60" },
      { path: cut, code: "unknownField", message: "is not a known field" },
    ]);
    if (base() === 0) restarts++;
    if (i % 97 === 0) assert.deepEqual(validate(name, known), first);
  }
  assert.ok(restarts >= 3, `the ids started again ${restarts} times`);
  // A caller's own edits to an answer do not reach the next one.
  first[0].message = "edited";
  assert.notEqual(validate(name, known)[0].message, "edited");
});

test("a key starting with U+FEFF is reported whole, and so are the texts after it", () => {
  const name = "AospEnrollmentTokenCreate";
  for (let round = 0; round < 2; round++) {
    const key = `\ufeffbom${round}`;
    assert.deepEqual(validateJson(name, JSON.stringify({ [key]: 1, duration: 59 })), [
      { path: "duration", code: "min", message: "must be at least 60" },
      { path: key, code: "unknownField", message: "is not a known field" },
    ]);
  }
});

test("a body the text path cannot take, between others, keeps the texts in step", () => {
  const name = "AospEnrollmentTokenCreate";
  // A lone surrogate: JSON.stringify writes it escaped, the server reads the
  // text as not JSON, so validate falls back to its walk and checks twice.
  const lone = { displayName: "a\ud800", duration: 59 };
  const plain = { duration: 59, tags: [""] };
  const first = validate(name, plain);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(validate(name, lone), [{ path: "duration", code: "min", message: "must be at least 60" }]);
    assert.deepEqual(validate(name, plain), first);
    assert.deepEqual(validateJson(name, JSON.stringify(plain)), first);
  }
});

test("an unknown body name throws, even as the very first call", () => {
  const first = `import * as p from "@mdm-edge/client";
    try { p.validateJson(undefined, "{}"); console.log("answered"); } catch (e) { console.log(e.constructor.name); }`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", first], { cwd: new URL("..", import.meta.url) });
  assert.equal(out.toString().trim(), "TypeError");
});

test("a direct __check the package did not read leaves its answers right", async () => {
  const { __check, __input, __memory } = await import("../dist/mdm_wasm.js");
  const name = "AospEnrollmentTokenCreate";
  const index = requestBodyNames().indexOf(name);
  const encoder = new TextEncoder();
  // Someone else's call: its texts never reach the package.
  const direct = (text, held, generation) => {
    const at = __input(1024);
    const { written } = encoder.encodeInto(text, new Uint8Array(__memory().buffer, at, 1024));
    return __check(index, written, held, generation);
  };
  const known = { duration: 59, tags: [""] }; // two violations: four texts
  const other = JSON.stringify({ other: 1, duration: 1 }); // two others
  const wantKnown = validate(name, known);
  const wantOther = validateJson(name, other);
  assert.equal(direct(other, 12345, 0), 2); // the wasm starts its ids again
  assert.deepEqual(validate(name, known), wantKnown); // so does the package: it holds 4
  // A direct call that starts again and names four texts of its own: the
  // count matches the package's, the run does not.
  assert.equal(direct(other, 0, 0), 2);
  assert.deepEqual(validateJson(name, other), wantOther);
  assert.deepEqual(validate(name, known), wantKnown);
});
