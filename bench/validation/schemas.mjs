// The same rules as mdm-core's Schema constants, written for ajv 8, zod 4 and
// valibot 1: same lengths, patterns, integer ranges, nullable mdmUserId,
// closed objects (unknown fields rejected) and the cross-field "each policy id
// once per assignment list" rule (ajv: a custom keyword; zod: superRefine;
// valibot: rawCheck). One difference the corpus avoids: mdm-core counts string
// length in Unicode scalar values, as does ajv; zod and valibot count UTF-16
// code units.
import Ajv from "ajv";
import { z } from "zod";
import * as v from "valibot";

const OBJECT_ID = "^[a-fA-F0-9]{24}$";
const OBJECT_ID_RE = /^[a-fA-F0-9]{24}$/;
const SAFE = 9007199254740991;

// ---- ajv (JSON Schema, compiled, allErrors) ----------------------------------
const oid = { type: "string", pattern: OBJECT_ID };
const tags = { type: "array", maxItems: 64, items: { type: "string", minLength: 1, maxLength: 128 } };
const int = (minimum, maximum) => ({ type: "integer", minimum, maximum });
const closed = (properties, required = []) => ({ type: "object", additionalProperties: false, properties, required });
const aosAssignments = {
  type: "array",
  maxItems: 100,
  uniqueBy: "aosPolicyId",
  items: closed({ aosPolicyId: oid, priority: int(-SAFE, SAFE) }, ["aosPolicyId", "priority"]),
};
const winAssignments = {
  type: "array",
  maxItems: 100,
  uniqueBy: "winPolicyId",
  items: closed({ winPolicyId: oid, priority: int(0, 10000) }, ["priority"]),
};

export const jsonSchemas = {
  AospDeviceUpdate: closed({
    displayName: { type: "string", maxLength: 256 },
    tags,
    policyId: oid,
    aosPolicyAssignments: aosAssignments,
    mdmUserId: { type: ["string", "null"], pattern: OBJECT_ID },
    pushNotificationProvider: oid,
    segmentId: int(0, SAFE),
  }),
  AospEnrollmentTokenCreate: closed({
    managementMode: { type: "string", enum: ["DEVICE_OWNER", "MANAGEMENT_MODE_UNSPECIFIED"] },
    duration: int(60, 2592000),
    perpetual: { type: "boolean" },
    displayName: { type: "string", maxLength: 256 },
    tags,
    aosPolicyAssignments: aosAssignments,
    mdmUserId: oid,
    segmentId: int(0, SAFE),
    dpcBuildTag: { type: "string", minLength: 1, maxLength: 256 },
    pushNotificationProvider: oid,
  }),
  WinEnrollmentTokenUpdate: closed({
    displayName: { type: "string", maxLength: 128 },
    winPolicyId: oid,
    winPolicyAssignments: winAssignments,
    tags,
  }),
};

export function ajvValidators() {
  const ajv = new Ajv({ allErrors: true });
  ajv.addKeyword({
    keyword: "uniqueBy",
    type: "array",
    schemaType: "string",
    errors: false,
    validate(key, data) {
      const seen = new Set();
      for (const item of data) {
        const id = item && typeof item === "object" ? item[key] : undefined;
        if (typeof id !== "string") continue;
        const k = id.toLowerCase();
        if (seen.has(k)) return false;
        seen.add(k);
      }
      return true;
    },
  });
  const out = {};
  for (const [name, schema] of Object.entries(jsonSchemas)) {
    const fn = ajv.compile(schema);
    out[name] = (body) => (fn(body) ? [] : fn.errors);
  }
  return out;
}

// ---- zod 4 --------------------------------------------------------------------
function zodUnique(key) {
  return (items, ctx) => {
    const seen = new Set();
    items.forEach((item, i) => {
      const id = item?.[key];
      if (typeof id !== "string") return;
      const k = id.toLowerCase();
      if (seen.has(k)) ctx.addIssue({ code: "custom", path: [i, key], message: "is assigned more than once" });
      seen.add(k);
    });
  };
}

export function zodValidators() {
  const zid = z.string().regex(OBJECT_ID_RE);
  const zint = (min, max) => z.number().int().min(min).max(max);
  const ztags = z.array(z.string().min(1).max(128)).max(64);
  // superRefine on the array runs only when every item parsed; a loose item
  // schema for the uniqueness pass would double the work, so (like valibot's
  // rawCheck below) it checks what it can see.
  const aos = z
    .array(z.strictObject({ aosPolicyId: zid, priority: zint(-SAFE, SAFE) }))
    .max(100)
    .superRefine(zodUnique("aosPolicyId"));
  const win = z
    .array(z.strictObject({ winPolicyId: zid.optional(), priority: zint(0, 10000) }))
    .max(100)
    .superRefine(zodUnique("winPolicyId"));
  const schemas = {
    AospDeviceUpdate: z.strictObject({
      displayName: z.string().max(256).optional(),
      tags: ztags.optional(),
      policyId: zid.optional(),
      aosPolicyAssignments: aos.optional(),
      mdmUserId: zid.nullable().optional(),
      pushNotificationProvider: zid.optional(),
      segmentId: zint(0, SAFE).optional(),
    }),
    AospEnrollmentTokenCreate: z.strictObject({
      managementMode: z.enum(["DEVICE_OWNER", "MANAGEMENT_MODE_UNSPECIFIED"]).optional(),
      duration: zint(60, 2592000).optional(),
      perpetual: z.boolean().optional(),
      displayName: z.string().max(256).optional(),
      tags: ztags.optional(),
      aosPolicyAssignments: aos.optional(),
      mdmUserId: zid.optional(),
      segmentId: zint(0, SAFE).optional(),
      dpcBuildTag: z.string().min(1).max(256).optional(),
      pushNotificationProvider: zid.optional(),
    }),
    WinEnrollmentTokenUpdate: z.strictObject({
      displayName: z.string().max(128).optional(),
      winPolicyId: zid.optional(),
      winPolicyAssignments: win.optional(),
      tags: ztags.optional(),
    }),
  };
  const out = {};
  for (const [name, s] of Object.entries(schemas)) {
    out[name] = (body) => {
      const r = s.safeParse(body);
      return r.success ? [] : r.error.issues;
    };
  }
  return out;
}

// ---- valibot 1 ----------------------------------------------------------------
function valibotUnique(key) {
  return v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const seen = new Set();
    dataset.value.forEach((item) => {
      const id = item?.[key];
      if (typeof id !== "string") return;
      const k = id.toLowerCase();
      if (seen.has(k)) addIssue({ message: "is assigned more than once" });
      seen.add(k);
    });
  });
}

export function valibotValidators() {
  const vid = v.pipe(v.string(), v.regex(OBJECT_ID_RE));
  const vint = (min, max) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
  const vtags = v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(128))), v.maxLength(64));
  const aos = v.pipe(
    v.array(v.strictObject({ aosPolicyId: vid, priority: vint(-SAFE, SAFE) })),
    v.maxLength(100),
    valibotUnique("aosPolicyId"),
  );
  const win = v.pipe(
    v.array(v.strictObject({ winPolicyId: v.optional(vid), priority: vint(0, 10000) })),
    v.maxLength(100),
    valibotUnique("winPolicyId"),
  );
  const schemas = {
    AospDeviceUpdate: v.strictObject({
      displayName: v.optional(v.pipe(v.string(), v.maxLength(256))),
      tags: v.optional(vtags),
      policyId: v.optional(vid),
      aosPolicyAssignments: v.optional(aos),
      mdmUserId: v.optional(v.nullable(vid)),
      pushNotificationProvider: v.optional(vid),
      segmentId: v.optional(vint(0, SAFE)),
    }),
    AospEnrollmentTokenCreate: v.strictObject({
      managementMode: v.optional(v.picklist(["DEVICE_OWNER", "MANAGEMENT_MODE_UNSPECIFIED"])),
      duration: v.optional(vint(60, 2592000)),
      perpetual: v.optional(v.boolean()),
      displayName: v.optional(v.pipe(v.string(), v.maxLength(256))),
      tags: v.optional(vtags),
      aosPolicyAssignments: v.optional(aos),
      mdmUserId: v.optional(vid),
      segmentId: v.optional(vint(0, SAFE)),
      dpcBuildTag: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
      pushNotificationProvider: v.optional(vid),
    }),
    WinEnrollmentTokenUpdate: v.strictObject({
      displayName: v.optional(v.pipe(v.string(), v.maxLength(128))),
      winPolicyId: v.optional(vid),
      winPolicyAssignments: v.optional(win),
      tags: v.optional(vtags),
    }),
  };
  const out = {};
  for (const [name, s] of Object.entries(schemas)) {
    out[name] = (body) => {
      const r = v.safeParse(s, body);
      return r.success ? [] : r.issues;
    };
  }
  return out;
}
