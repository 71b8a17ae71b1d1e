// Counts that do not scan (issue 14): a list filtered by the organization and
// status alone takes its total from org_counts (migration 0011, kept by
// triggers), adjusted for tokens the cron has not yet marked EXPIRED. Each
// total here is checked against the rows the list pages through, and the
// counters against COUNT(*) (checkCounters, which stop() also runs after
// every file).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, checkCounters } from "./lib/server.mjs";
import { client, enroll } from "./lib/fixtures.mjs";

const ORG = "/v1/organizations/counted";
const AOSP = `${ORG}/mdm/aosp/enterprise`;
const WIN = `${ORG}/mdm/windows/enterprise`;
let w, api, orgId;

before(async () => {
  w = await startWorker();
  api = client(w, w.token());
  orgId = (await api.org("counted")).id;
});
after(async () => {
  await w?.stop();
});

/** The list's total, and every item it pages through (limit 100). */
async function listed(path, query = "") {
  const data = await api.get(`${path}?limit=100${query}`);
  return { total: data.totalDocs, items: data.items };
}

test("AOSP token totals by status, with tokens past their expiry not yet swept", async () => {
  const tokens = [];
  for (let i = 0; i < 6; i++) tokens.push(await api.token("counted", { displayName: `t${i}` }));
  // Two are overdue but still stored PENDING (the cron has not run): reads show EXPIRED.
  await w.sql(`UPDATE aosp_enrollment_tokens SET expires_at = 1000 WHERE id IN ('${tokens[0].id}', '${tokens[1].id}')`);
  await api.del(`${AOSP}/enrollment-tokens/${tokens[2].id}`);
  const [stored] = await w.sql(`SELECT n FROM org_counts WHERE kind = 'aosp_enrollment_tokens' AND status = 'PENDING'`);
  assert.equal(stored.n, 5, "the counter holds stored statuses: five PENDING rows");

  const cases = [
    ["", 5, ["PENDING", "EXPIRED"]],
    ["&status=PENDING", 3, ["PENDING"]],
    ["&status=EXPIRED", 2, ["EXPIRED"]],
    ["&status=PENDING,EXPIRED", 5, ["PENDING", "EXPIRED"]],
    ["&status=DELETED", 1, ["DELETED"]],
    ["&status=DONE", 0, []],
  ];
  for (const [query, total, statuses] of cases) {
    const page = await listed(`${AOSP}/enrollment-tokens`, query);
    assert.equal(page.total, total, `total for ${query || "no filter"}`);
    assert.equal(page.items.length, total, `items for ${query || "no filter"}`);
    for (const t of page.items) assert.ok(statuses.includes(t.status), `${t.status} under ${query}`);
  }
  // A segment filter counts rows (it cannot come from the counters) and agrees.
  const segment = await api.segment("counted", "s1");
  await api.token("counted", { displayName: "in segment", segmentId: segment.id });
  const bySegment = await listed(`${AOSP}/enrollment-tokens`, `&segmentId=${segment.id}`);
  assert.equal(bySegment.total, 1);
  assert.equal((await listed(`${AOSP}/enrollment-tokens`)).total, 6);
});

test("the total of an unfiltered list is the counter's, a filtered one is not", async () => {
  const segment = await api.segment("counted", "s2");
  const before = await listed(`${WIN}/enrollment-tokens`);
  await api.post(`${WIN}/enrollment-tokens`, { displayName: "pc" });
  const after1 = await listed(`${WIN}/enrollment-tokens`);
  assert.equal(after1.total, before.total + 1);
  // Planting a wrong counter moves the unfiltered total (proof the list reads
  // it) and not a segment-filtered one; checkCounters names the difference.
  await w.sql(`UPDATE org_counts SET n = n + 10 WHERE kind = 'win_enrollment_tokens' AND status = 'PENDING'`);
  try {
    assert.equal((await listed(`${WIN}/enrollment-tokens`)).total, after1.total + 10);
    assert.equal((await listed(`${WIN}/enrollment-tokens`, `&segmentId=${segment.id}`)).total, 0);
    const wrong = await checkCounters(w.sql);
    assert.deepEqual(wrong, [
      { organization_id: orgId, kind: "win_enrollment_tokens", status: "PENDING", rows: after1.total, counter: after1.total + 10 },
    ]);
  } finally {
    await w.sql(`UPDATE org_counts SET n = n - 10 WHERE kind = 'win_enrollment_tokens' AND status = 'PENDING'`);
  }
  assert.deepEqual(await checkCounters(w.sql), []);
});

test("device counts follow enrollment, state changes and deletion", async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const token = await api.token("counted", { displayName: `phone ${i}` });
    const r = await enroll(w, token.config.oneTimeToken, `COUNT-${i}`);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.push(r.body.data.aosDeviceId);
  }
  await api.post(`${AOSP}/devices/${ids[0]}/disable`, undefined, 200);
  await api.del(`${AOSP}/devices/${ids[1]}`);
  const all = await listed(`${AOSP}/devices`);
  assert.equal(all.total, 2);
  assert.equal(all.items.length, 2);
  assert.equal((await listed(`${AOSP}/devices`, "&status=DISABLED")).total, 1);
  assert.equal((await listed(`${AOSP}/devices`, "&status=PROVISIONING")).total, 1);
  assert.equal((await listed(`${AOSP}/devices`, "&status=DELETED")).total, 1);
  assert.deepEqual(await checkCounters(w.sql), []);
});

test("the audit log's unfiltered total comes from its counter and matches its rows", async () => {
  const page = await api.get(`${ORG}/audit-events?limit=1`);
  const [{ n }] = await w.sql(`SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = '${orgId}'`);
  assert.equal(page.totalDocs, n);
  assert.ok(n > 10);
});
