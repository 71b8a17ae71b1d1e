import assert from "node:assert/strict";
import { test } from "node:test";
import {
  buildListQuery,
  canEnroll,
  effectiveStatus,
  listResources,
  pageMeta,
  parseListQuery,
  provisioningExtras,
  provisioningPayload,
  qrSvg,
  timeLeft,
  tryBuildListQuery,
  ValidationError,
  windowsEnrollmentLink,
} from "@mdm-edge/client";
import { decodeSvg } from "./qr.mjs";

const pairs = (r) => r.violations.map((v) => [v.path, v.code]);

test("parseListQuery applies the server's defaults and bounds", () => {
  assert.deepEqual(parseListQuery("aospEnrollmentTokens", ""), {
    ok: true,
    value: {
      page: 1,
      limit: 10,
      sort: { field: "createdAt", direction: "desc" },
      status: ["PENDING", "PROCESSING", "DONE", "EXPIRED"],
      filters: {},
    },
  });
  assert.equal(parseListQuery("aospEnrollmentTokens", "?limit=100").value.limit, 100);
  assert.equal(parseListQuery("aospEnrollmentTokens", "limit=0").value.limit, 0);
  assert.deepEqual(pairs(parseListQuery("aospEnrollmentTokens", "limit=101")), [["limit", "max"]]);
  assert.deepEqual(pairs(parseListQuery("aospEnrollmentTokens", "page=0")), [["page", "min"]]);
  assert.deepEqual(pairs(parseListQuery("aospEnrollmentTokens", "page=1.5")), [["page", "type"]]);
  assert.equal(parseListQuery("aospEnrollmentTokens", "page=9007199254740991").value.page, 9007199254740991);
  assert.deepEqual(pairs(parseListQuery("aospEnrollmentTokens", "sort=secret:asc")), [["sort", "enum"]]);
  assert.deepEqual(pairs(parseListQuery("aospEnrollmentTokens", "sort=createdAt%3Bdrop")), [["sort", "pattern"]]);
  assert.deepEqual(parseListQuery("aospEnrollmentTokens", "sort=displayName").value.sort, {
    field: "displayName",
    direction: "asc",
  });
  assert.deepEqual(parseListQuery("aospEnrollmentTokens", "status=PENDING&status=deleted").value.status, [
    "PENDING",
    "DELETED",
  ]);
  assert.deepEqual(parseListQuery("aospEnrollmentTokens", "status=PENDING%2CDONE").value.status, ["PENDING", "DONE"]);
  assert.deepEqual(pairs(parseListQuery("aospEnrollmentTokens", "expandTo=children")), [["expandTo", "dependency"]]);
  const seg = parseListQuery("aospDevices", "segmentId=4&expandTo=ancestors&mdmUserId=65A1B2C3D4E5F60718293A4B");
  assert.equal(seg.value.segmentId, 4);
  assert.equal(seg.value.expandTo, "ancestors");
  assert.deepEqual(seg.value.filters, { mdmUserId: "65a1b2c3d4e5f60718293a4b" });
  assert.deepEqual(pairs(parseListQuery("organizations", "status=PENDING")), [["status", "unknownField"]]);
  assert.deepEqual(pairs(parseListQuery("aospEnrollmentTokens", "limit=x&sort=nope&foo=1")), [
    ["limit", "type"],
    ["sort", "enum"],
    ["foo", "unknownField"],
  ]);
  assert.throws(() => parseListQuery("widgets", ""), TypeError);
  assert.equal(listResources().length, 15);
});

test("the audit log's list: newest first by default, text filters and an inclusive time range", () => {
  const d = parseListQuery("auditEvents", "").value;
  assert.deepEqual(d.sort, { field: "at", direction: "desc" });
  const q = parseListQuery("auditEvents", "action=device.enroll&actorId=ci%20bot&from=2026-01-01T00:00:00%2B01:00").value;
  assert.deepEqual(q.filters, { action: "device.enroll", actorId: "ci bot" });
  assert.equal(q.from, "2026-01-01T00:00:00+01:00");
  assert.deepEqual(pairs(parseListQuery("auditEvents", "from=yesterday&to=2026-01-01T00:00:00Z&targetId=")), [
    ["from", "format"],
    ["targetId", "minLength"],
  ]);
  assert.deepEqual(pairs(parseListQuery("auditEvents", "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")), [["to", "min"]]);
  const text = buildListQuery("auditEvents", { actorId: "ci bot", from: "2026-01-01T00:00:00+01:00", limit: 50 });
  assert.equal(text, "limit=50&actorId=ci%20bot&from=2026-01-01T00:00:00%2B01:00");
  assert.deepEqual(parseListQuery("auditEvents", text).value.filters, { actorId: "ci bot" });
});

test("buildListQuery writes what parseListQuery reads back", () => {
  const params = { page: 3, limit: 5, sort: "displayName:asc", status: ["DONE", "EXPIRED"], segmentId: 2, expandTo: "ancestors" };
  const text = buildListQuery("aospEnrollmentTokens", params);
  assert.equal(text, "page=3&limit=5&sort=displayName:asc&status=DONE,EXPIRED&segmentId=2&expandTo=ancestors");
  const back = parseListQuery("aospEnrollmentTokens", text).value;
  assert.deepEqual([back.page, back.limit, back.status, back.segmentId], [3, 5, ["DONE", "EXPIRED"], 2]);
  assert.equal(buildListQuery("aospEnrollmentTokens", {}), "");
  assert.equal(buildListQuery("aospEnrollmentTokens", { page: 1, limit: 10, sort: undefined, status: null }), "");
  assert.equal(buildListQuery("winEnrollmentTokens", { winPolicyId: "65a1b2c3d4e5f60718293a4b" }), "winPolicyId=65a1b2c3d4e5f60718293a4b");
  assert.throws(
    () => buildListQuery("aospEnrollmentTokens", { limit: 101, sort: "nope" }),
    (e) => e instanceof ValidationError && e.code === 5209 && e.details.map((v) => v.path).join() === "limit,sort",
  );
  assert.deepEqual(pairs(tryBuildListQuery("aospEnrollmentTokens", { limit: NaN })), [["limit", "type"]]);
  assert.throws(() => tryBuildListQuery("aospEnrollmentTokens", { page: {} }), TypeError);
});

test("pageMeta follows mongoose-paginate-v2", () => {
  assert.deepEqual(pageMeta(25, 2, 10), {
    totalDocs: 25,
    limit: 10,
    hasPrevPage: true,
    hasNextPage: true,
    page: 2,
    totalPages: 3,
    prevPage: 1,
    nextPage: 3,
  });
  const empty = pageMeta(0, 1, 10);
  assert.deepEqual([empty.totalPages, empty.prevPage, empty.nextPage], [1, null, null]);
  const past = pageMeta(25, 7, 10);
  assert.deepEqual([past.page, past.totalPages, past.prevPage, past.nextPage], [7, 3, 6, null]);
  const counts = pageMeta(25, 3, 0);
  assert.deepEqual([counts.page, counts.totalPages, counts.nextPage], [1, 1, null]);
  assert.throws(() => pageMeta(-1, 1, 10), RangeError);
  assert.throws(() => pageMeta(1, 1.5, 10), RangeError);
});

test("lifecycle helpers read tokens as the API returns them", () => {
  const at = Date.parse("2026-01-01T00:00:00Z");
  const aosp = { status: "PENDING", perpetual: false, summary: { expirationTimestamp: "2026-01-01T00:00:00.000Z" } };
  assert.equal(effectiveStatus(aosp, at - 1), "PENDING");
  assert.equal(effectiveStatus(aosp, at), "EXPIRED");
  assert.equal(canEnroll(aosp, at - 1), true);
  assert.equal(canEnroll(aosp, at), false);
  assert.equal(timeLeft(aosp, at - 600), 600);
  assert.equal(timeLeft(aosp, at + 5000), 0);
  const perpetual = { status: "PENDING", perpetual: true, summary: { expirationTimestamp: null } };
  assert.equal(effectiveStatus(perpetual, at * 2), "PENDING");
  assert.equal(timeLeft(perpetual, 0), null);
  const win = { state: "PENDING", expireAt: "2026-01-01T01:00:00+01:00", winEnterpriseId: "x" };
  assert.equal(effectiveStatus(win, at - 1), "PENDING");
  assert.equal(effectiveStatus(win, at), "EXPIRED");
  assert.equal(effectiveStatus({ status: "DONE", expiresAt: 0 }, at), "DONE");
  assert.equal(canEnroll({ status: "DELETED", perpetual: true }, 0), false);
  assert.equal(effectiveStatus({ status: "PENDING", expiresAt: at }, at), "EXPIRED");
  // Without `now`, the current time is used.
  assert.equal(effectiveStatus({ status: "PENDING", expiresAt: Date.now() + 60_000 }), "PENDING");
  assert.equal(effectiveStatus({ status: "PENDING", expiresAt: Date.now() - 1 }), "EXPIRED");
  assert.throws(() => effectiveStatus({ status: "LOST" }), TypeError);
  assert.throws(() => effectiveStatus({ status: "PENDING", expiresAt: "tomorrow" }), TypeError);
  assert.throws(() => effectiveStatus(null), TypeError);
  // The status is checked first; milliseconds are whole, as the server stores them.
  assert.throws(() => effectiveStatus({ status: "LOST", expiresAt: "tomorrow" }), /token\.status/);
  assert.throws(() => timeLeft({ status: "PENDING", expiresAt: Infinity }), /finite number/);
  assert.equal(timeLeft({ status: "PENDING", expiresAt: at + 0.7 }, at), 0);
  assert.throws(() => timeLeft({ status: "PENDING", expireAt: true }, at), /RFC 3339 timestamp/);
});

test("qrSvg draws a QR code that decodes to its text", () => {
  const payload = provisioningPayload("tok-ABC_123", "https://mdm.example.com", {
    componentName: "com.example.dpc/.AdminReceiver",
    downloadUrl: "https://dl.example.com/dpc.apk",
    signatureChecksum: "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg",
  });
  for (const ec of [undefined, "L", "H"]) {
    const svg = qrSvg(payload, ec);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
    assert.equal(decodeSvg(svg), payload, `ec ${ec}`);
  }
  assert.equal(decodeSvg(qrSvg("héllo ✓")), "héllo ✓");
  assert.throws(() => qrSvg("x", "Z"), TypeError);
  assert.throws(() => qrSvg("x".repeat(4000)), RangeError);
});

test("provisioning payload carries the token, host and DPC", () => {
  const extras = JSON.parse(provisioningPayload("tok", "mdm.example.com"));
  assert.deepEqual(extras, {
    "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": {
      "com.mdmedge.dpc.EXTRA_ENROLLMENT_HOST": "mdm.example.com",
      "com.mdmedge.dpc.EXTRA_ENROLLMENT_TOKEN": "tok",
    },
    "android.app.extra.PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED": true,
  });
  const dpc = { componentName: "c.d/.R", downloadUrl: "https://x/y.apk", signatureChecksum: "abc" };
  const full = provisioningExtras("tok", "h", dpc);
  assert.equal(full["android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME"], "c.d/.R");
  assert.equal(full["android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION"], "https://x/y.apk");
  // Keys in the server's (sorted) order, so the text equals the server's.
  const keys = Object.keys(full);
  assert.deepEqual(keys, [...keys].sort());
  assert.throws(() => provisioningExtras("tok", "h", { componentName: 1 }), TypeError);
});

test("windowsEnrollmentLink percent-encodes its parts", () => {
  assert.equal(
    windowsEnrollmentLink("ada@example.com", "https://mdm.example.com/EnrollmentServer/Discovery.svc", "AB-CD"),
    "ms-device-enrollment:?mode=mdm&username=ada%40example.com&servername=https%3A%2F%2Fmdm.example.com%2FEnrollmentServer%2FDiscovery.svc&accesstoken=AB-CD",
  );
});
