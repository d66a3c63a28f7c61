import { testEnrolment } from '../helpers/ledger-file.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerAccounts, type Change, type ChangeOf } from '../../shared/sync/changes.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { generateDemo } from '../../shared/demo/generator.ts';
import { PROTOCOL_VERSION, PullResponse, PushResponse, SCHEMA_VERSION, type OutboxEvent } from '../../shared/sync/protocol.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { revokeDevice } from '../../hub/security/devices.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { buildHub } from '../../hub/server.ts';
import { engines, freshDatabases } from './databases.ts';
import { kioskPayment } from '../helpers/payments.ts';

const NOW = new Date('2026-11-26T09:00:00Z');
const OTHER_BRANCH = 'BCN-01';

/** Two demo customers of the demo branch (PINs left unhashed: scrypt is not what this tests). */
const demoChanges = [
  ...generateDemo(
    {
      seed: demoBranch.seed,
      customers: 2,
      now: TEST_NOW,
      branchId: demoBranch.id,
      currency: demoBranch.currency,
      countryCallingCode: demoBranch.countryCallingCode,
      timeZone: demoBranch.timeZone,
    },
    () => 'unhashed',
  ),
].flat();
const demoAccount = (demoChanges.find((c) => c.type === 'account.upsert') as ChangeOf<'account.upsert'>).id;
/** A customer and account of another branch. */
const otherBranchChanges: Change[] = [
  { type: 'customer.upsert', id: 'cust-bcn', branchId: OTHER_BRANCH, name: 'Jordi Puig', email: null, phone: null, language: 'es', pinHash: 'unhashed', createdAt: '2026-01-01T10:00:00.000Z' },
  { type: 'account.upsert', id: 'acct-bcn', accountNo: '4999999990', customerId: 'cust-bcn', currency: 'EUR', billCycleDay: 5, creditLimitMinor: 10_000, openedOn: '2026-01-01' },
];

const assist = (accountId: string | null) => ({ id: randomUUID(), accountId, screen: 'pay', createdAt: '2026-11-26T08:31:00.000Z' });

function event(deviceSeq: number, eventType: string, payload: unknown, eventId: string = randomUUID()): OutboxEvent {
  return { deviceSeq, eventId, eventType, occurredAt: '2026-11-26T08:30:00.000Z', payload };
}

/** Every event of the device's outbox numbered from `first`. */
const numbered = (first: number, items: readonly [string, unknown][]) => items.map(([type, payload], i) => event(first + i, type, payload));

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
const pushBody = (events: readonly OutboxEvent[]) => ({ protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, events });

async function seeded(db: HubDb): Promise<void> {
  await db.query(`INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES ($1, 'Madrid', 'EUR', '34', 'Europe/Madrid'), ($2, 'Barcelona', 'EUR', '34', 'Europe/Madrid')`, [
    demoBranch.id,
    OTHER_BRANCH,
  ]);
  await new HubChangeWriter(db).write([...demoChanges, ...otherBranchChanges]);
}

interface Kiosk {
  deviceId: string;
  credential: string;
  push(events: readonly OutboxEvent[], via?: FastifyInstance): Promise<PushResponse>;
  pull(after: number, limit?: number): Promise<PullResponse>;
}

let kiosksEnrolled = 0;

/** Each kiosk from an address of its own, as in the field: enrolment is limited per address (http/throttle.ts). */
async function enrol(app: FastifyInstance, db: HubDb, branchId: string): Promise<Kiosk> {
  const { code } = await issueEnrolmentCode(db, { branchId, now: NOW });
  kiosksEnrolled += 1;
  const remoteAddress = `10.0.${Math.floor(kiosksEnrolled / 250)}.${kiosksEnrolled % 250}`;
  const enrolled = await app.inject({ method: 'POST', url: '/sync/v1/enrol', remoteAddress, payload: { code, deviceName: `Kiosk of ${branchId}`, ...testEnrolment() } });
  const { deviceId, credential } = enrolled.json<{ deviceId: string; credential: string }>();
  return {
    deviceId,
    credential,
    async push(events, via = app) {
      const response = await via.inject({ method: 'POST', url: '/sync/v1/push', headers: bearer(credential), payload: pushBody(events) });
      expect(response.statusCode, response.body).toBe(200);
      return PushResponse.parse(response.json());
    },
    async pull(after, limit) {
      const response = await app.inject({ url: `/sync/v1/pull?after=${after}${limit === undefined ? '' : `&limit=${limit}`}`, headers: bearer(credential) });
      expect(response.statusCode, response.body).toBe(200);
      return PullResponse.parse(response.json());
    },
  };
}

async function hubWithKiosk(db: HubDb, branchId: string = demoBranch.id) {
  await seeded(db);
  const app = await buildHub({ db, now: () => NOW });
  return { app, kiosk: await enrol(app, db, branchId) };
}

const TABLES = [
  'journal_entries',
  'postings',
  'payments',
  'changes',
  'device_events',
  'device_event_conflicts',
  'device_watermarks',
  'suspense_payments',
  'credit_requests',
  'product_orders',
  'assist_requests',
] as const;

async function counts(db: HubDb): Promise<Record<(typeof TABLES)[number], number>> {
  const [row] = await db.query(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`);
  return row as Record<(typeof TABLES)[number], number>;
}

async function balance(db: HubDb, accountId: string): Promise<number> {
  const [row] = await db.query<{ b: number }>('SELECT coalesce(sum(amount_minor), 0)::bigint AS b FROM postings WHERE ledger_account = $1', [ledgerAccounts.receivable(accountId)]);
  return row?.b ?? 0;
}

/** Everything the feed holds for a branch (its rows and every branch's), in order. */
async function feedOf(db: HubDb, branchId: string): Promise<number[]> {
  const rows = await db.query<{ server_seq: number }>('SELECT server_seq FROM changes WHERE branch_id IS NULL OR branch_id = $1 ORDER BY server_seq', [branchId]);
  return rows.map((r) => r.server_seq);
}

async function pullAll(kiosk: Kiosk, limit: number): Promise<{ seqs: number[]; changes: unknown[]; pages: number }> {
  const seqs: number[] = [];
  const changes: unknown[] = [];
  let cursor = 0;
  for (let pages = 1; ; pages++) {
    const page = await kiosk.pull(cursor, limit);
    expect(page.changes.length).toBeLessThanOrEqual(limit);
    expect(page.cursor).toBe(page.changes.at(-1)?.serverSeq ?? cursor);
    seqs.push(...page.changes.map((c) => c.serverSeq));
    changes.push(...page.changes.map((c) => c.change));
    cursor = page.cursor;
    if (!page.hasMore) return { seqs, changes, pages };
  }
}

describe.each(engines)('hub sync push and pull on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('applies a payment, stores a request and parks an unknown type; the payment reaches the branch feed', async () => {
    const { db } = await databases.fresh();
    const { app, kiosk } = await hubWithKiosk(db);
    const before = await counts(db);
    const balanceBefore = await balance(db, demoAccount);
    const payment = kioskPayment(demoAccount, 2_550);
    const events = numbered(1, [
      ['payment.recorded', payment],
      ['assist.requested', assist(demoAccount)],
      ['loyalty.redeemed', { points: 40 }],
    ]);

    const response = await kiosk.push(events);
    expect(response).toEqual({
      protocolVersion: PROTOCOL_VERSION,
      schemaVersion: SCHEMA_VERSION,
      ackedThrough: 3,
      results: [
        { deviceSeq: 1, eventId: events[0]?.eventId, outcome: 'accepted' },
        { deviceSeq: 2, eventId: events[1]?.eventId, outcome: 'accepted' },
        { deviceSeq: 3, eventId: events[2]?.eventId, outcome: 'parked', reason: expect.stringContaining('loyalty.redeemed') },
      ],
    });
    expect(await counts(db)).toEqual({
      ...before,
      journal_entries: before.journal_entries + 1,
      postings: before.postings + 2,
      payments: before.payments + 1,
      changes: before.changes + 1,
      device_events: 3,
      device_watermarks: 1,
      assist_requests: 1,
    });
    expect(await balance(db, demoAccount)).toBe(balanceBefore - 2_550);
    expect(await db.query('SELECT id, status, channel, entry_id FROM payments WHERE id = $1', [payment.id])).toEqual([
      { id: payment.id, status: 'done', channel: 'kiosk', entry_id: payment.entry.id },
    ]);
    expect(await db.query('SELECT device_seq, event_type, outcome, entry_id FROM device_events ORDER BY device_seq')).toEqual([
      { device_seq: 1, event_type: 'payment.recorded', outcome: 'accepted', entry_id: payment.entry.id },
      { device_seq: 2, event_type: 'assist.requested', outcome: 'accepted', entry_id: null },
      { device_seq: 3, event_type: 'loyalty.redeemed', outcome: 'parked', entry_id: null },
    ]);
    expect(await db.query('SELECT acked_through FROM device_watermarks WHERE device_id = $1', [kiosk.deviceId])).toEqual([{ acked_through: 3 }]);

    // The payment is the newest change of the branch feed: every kiosk of the branch (the sender too) pulls it.
    const feed = await feedOf(db, demoBranch.id);
    const last = await kiosk.pull(feed.at(-2) as number);
    expect(last).toMatchObject({ cursor: feed.at(-1), hasMore: false, changes: [{ serverSeq: feed.at(-1), change: payment }] });

    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('hub_sync_pushed_events_total{outcome="accepted"} 2');
    expect(metrics).toContain('hub_sync_pushed_events_total{outcome="parked"} 1');
    expect(metrics).toContain('hub_sync_pulled_changes_total 1');
    expect(metrics).toMatch(/hub_sync_batch_size_bucket\{le="5",direction="push"\} 1/);
    expect(metrics).toContain('hub_sync_batch_size_sum{direction="push"} 3');

    // The same push again: all duplicates, nothing new anywhere.
    const settled = await counts(db);
    const again = await kiosk.push(events);
    expect(again.results.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(again.ackedThrough).toBe(3);
    expect(await counts(db)).toEqual(settled);
    expect(await balance(db, demoAccount)).toBe(balanceBefore - 2_550);
  });

  it('refuses the same event id with another amount, keeps the first and writes nothing to the ledger', async () => {
    const { db } = await databases.fresh();
    const { kiosk } = await hubWithKiosk(db);
    const payment = kioskPayment(demoAccount, 1_000);
    const [first] = numbered(1, [['payment.recorded', payment]]) as [OutboxEvent];
    await kiosk.push([first]);
    const before = await counts(db);
    const balanceBefore = await balance(db, demoAccount);

    const more = { ...payment, amountMinor: 9_000, entry: { ...payment.entry, postings: payment.entry.postings.map((p) => ({ ...p, amountMinor: Math.sign(p.amountMinor) * 9_000 })) } };
    const tampered = { ...first, payload: more };
    const refused = await kiosk.push([tampered]);
    expect(refused).toMatchObject({ ackedThrough: 1, results: [{ deviceSeq: 1, eventId: first.eventId, outcome: 'rejected', reason: 'same id/seq, different payload' }] });
    expect(await counts(db)).toEqual({ ...before, device_event_conflicts: 1 });
    expect(await balance(db, demoAccount)).toBe(balanceBefore);
    expect(await db.query('SELECT payload_hash <> (SELECT payload_hash FROM device_event_conflicts) AS differs FROM device_events')).toEqual([{ differs: true }]);

    // Again: the same refusal, and the refused copy is kept once.
    expect((await kiosk.push([tampered])).results).toEqual(refused.results);
    // The same seq under another event id is the same hard error.
    expect((await kiosk.push([{ ...first, eventId: randomUUID() }])).results[0]).toMatchObject({ outcome: 'rejected', reason: 'same id/seq, different payload' });
    expect(await counts(db)).toEqual({ ...before, device_event_conflicts: 2 });

    // The first event's id at a new seq: refused, and the seq is used up so the kiosk moves on.
    const reused = await kiosk.push([{ ...first, deviceSeq: 2 }]);
    expect(reused).toMatchObject({ ackedThrough: 2, results: [{ deviceSeq: 2, outcome: 'rejected', reason: 'same id/seq, different payload' }] });
    const next = await kiosk.push(numbered(2, [['payment.recorded', kioskPayment(demoAccount, 10)], ['payment.recorded', kioskPayment(demoAccount, 20)]]));
    expect(next.results.map((r) => r.outcome)).toEqual(['rejected', 'accepted']);
    expect(next.ackedThrough).toBe(3);
  });

  it('refuses only the payment whose key another fact holds when payments are written together', async () => {
    const { db } = await databases.fresh();
    const { kiosk } = await hubWithKiosk(db);
    const first = kioskPayment(demoAccount, 1_000);
    await kiosk.push(numbered(1, [['payment.recorded', first]]));
    const before = await counts(db);
    const balanceBefore = await balance(db, demoAccount);

    // The same payment id (so the same idempotency key) with another amount, between two good payments.
    const sameKey = kioskPayment(demoAccount, 4_000, first.id);
    const [a, b] = [kioskPayment(demoAccount, 100), kioskPayment(demoAccount, 200)];
    const response = await kiosk.push(numbered(2, [['payment.recorded', a], ['payment.recorded', sameKey], ['payment.recorded', b]]));
    expect(response.ackedThrough).toBe(4);
    expect(response.results.map((r) => [r.deviceSeq, r.outcome])).toEqual([
      [2, 'accepted'],
      [3, 'rejected'],
      [4, 'accepted'],
    ]);
    expect(response.results[1]).toMatchObject({ reason: `A different fact was already recorded under payment:${first.id}` });
    expect(await balance(db, demoAccount)).toBe(balanceBefore - 300);
    expect(await counts(db)).toEqual({ ...before, journal_entries: before.journal_entries + 2, postings: before.postings + 4, payments: before.payments + 2, changes: before.changes + 2, device_events: 4 });
    expect(await db.query('SELECT device_seq, outcome, entry_id FROM device_events WHERE device_seq > 1 ORDER BY device_seq')).toEqual([
      { device_seq: 2, outcome: 'accepted', entry_id: a.entry.id },
      { device_seq: 3, outcome: 'rejected', entry_id: null },
      { device_seq: 4, outcome: 'accepted', entry_id: b.entry.id },
    ]);
  });

  it('takes a PIN reset for a customer of the branch and sends the customer out on the feed; another branch’s is refused', async () => {
    const { db } = await databases.fresh();
    const { kiosk } = await hubWithKiosk(db);
    const customerId = (demoChanges.find((c) => c.type === 'customer.upsert') as ChangeOf<'customer.upsert'>).id;
    const pinHash = `scrypt-hmac$0123abcd$16384$8$1$${'A'.repeat(22)}==$${'B'.repeat(43)}=`;
    const reset = (id: string, hash = pinHash) => ({ customerId: id, pinHash: hash, resetAt: '2026-11-26T08:40:00.000Z', staffId: 'AG-1001' });
    const feedBefore = await feedOf(db, demoBranch.id);
    const response = await kiosk.push(numbered(1, [['customer.pinReset', reset(customerId)], ['customer.pinReset', reset('cust-bcn')], ['customer.pinReset', reset(customerId, '1234')]]));
    expect(response.results.map((r) => r.outcome)).toEqual(['accepted', 'rejected', 'rejected']);
    expect(response.results[1]).toMatchObject({ reason: expect.stringContaining("not of this kiosk's branch") });
    expect(await db.query('SELECT pin_hash FROM customers WHERE id = $1', [customerId])).toEqual([{ pin_hash: pinHash }]);
    const feed = await feedOf(db, demoBranch.id);
    expect(feed).toHaveLength(feedBefore.length + 1);
    const page = await kiosk.pull(feedBefore.at(-1) as number);
    expect(page.changes.map((c) => c.change)).toEqual([expect.objectContaining({ type: 'customer.upsert', id: customerId, pinHash })]);
  });

  it('takes nothing from a batch that leaves a gap and answers with the stored watermark', async () => {
    const { db } = await databases.fresh();
    const { kiosk } = await hubWithKiosk(db);
    const outbox = numbered(1, [
      ['assist.requested', assist(null)],
      ['assist.requested', assist(demoAccount)],
      ['payment.recorded', kioskPayment(demoAccount, 300)],
      ['assist.requested', assist(null)],
      ['payment.recorded', kioskPayment(demoAccount, 700)],
    ]);
    expect((await kiosk.push(outbox.slice(0, 3))).ackedThrough).toBe(3);
    const before = await counts(db);
    const gap = await kiosk.push(outbox.slice(4));
    expect(gap).toEqual({ protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, results: [], ackedThrough: 3 });
    expect(await counts(db)).toEqual(before);

    // Sent again from an earlier point: the known ones are duplicates, the rest are taken.
    const resent = await kiosk.push(outbox.slice(1));
    expect(resent.results.map((r) => [r.deviceSeq, r.outcome])).toEqual([
      [2, 'duplicate'],
      [3, 'duplicate'],
      [4, 'accepted'],
      [5, 'accepted'],
    ]);
    expect(resent.ackedThrough).toBe(5);
  });

  it('holds a payment for an unknown account in suspense and refuses one for another branch’s account', async () => {
    const { db } = await databases.fresh();
    const { kiosk } = await hubWithKiosk(db);
    const before = await counts(db);
    const unknown = kioskPayment('acct-not-at-the-hub', 4_200);
    const elsewhere = kioskPayment('acct-bcn', 300);
    const events = numbered(1, [
      ['payment.recorded', unknown],
      ['payment.recorded', elsewhere],
    ]);
    const response = await kiosk.push(events);
    expect(response.results).toEqual([
      { deviceSeq: 1, eventId: events[0]?.eventId, outcome: 'accepted' },
      { deviceSeq: 2, eventId: events[1]?.eventId, outcome: 'rejected', reason: expect.stringContaining("not in this kiosk's branch") },
    ]);
    expect(response.ackedThrough).toBe(2);
    expect(await counts(db)).toEqual({ ...before, device_events: 2, device_watermarks: 1, suspense_payments: 1 });
    expect(await db.query('SELECT payment_id, account_id, amount_minor, branch_id, device_id, device_seq, status, fact FROM suspense_payments')).toEqual([
      { payment_id: unknown.id, account_id: 'acct-not-at-the-hub', amount_minor: 4_200, branch_id: demoBranch.id, device_id: kiosk.deviceId, device_seq: 1, status: 'open', fact: unknown },
    ]);
    expect(await balance(db, 'acct-bcn')).toBe(0);
    expect((await kiosk.push(events)).results.map((r) => r.outcome)).toEqual(['duplicate', 'rejected']);
    expect(await counts(db)).toEqual({ ...before, device_events: 2, device_watermarks: 1, suspense_payments: 1 });
  });

  it('rejects a known type whose payload does not fit it, or a payment whose postings contradict it', async () => {
    const { db } = await databases.fresh();
    const { kiosk } = await hubWithKiosk(db);
    const before = await counts(db);
    const payment = kioskPayment(demoAccount, 500);
    const response = await kiosk.push(
      numbered(1, [
        ['assist.requested', { id: 'x', screen: 'pay' }],
        ['payment.recorded', { ...payment, amountMinor: 501 }],
        ['payment.recorded', { ...payment, entry: { ...payment.entry, postings: [...payment.entry.postings, { ledgerAccount: 'receivable:someone-else', amountMinor: 1 }, { ledgerAccount: 'cash:kiosk-card', amountMinor: -1 }] } }],
      ]),
    );
    expect(response.results).toMatchObject([
      { outcome: 'rejected', reason: expect.stringMatching(/Invalid assist.requested payload: (accountId|createdAt)/) },
      { outcome: 'rejected', reason: expect.stringContaining('does not credit the amount') },
      { outcome: 'rejected', reason: expect.stringContaining('posts to accounts other than') },
    ]);
    expect(await counts(db)).toEqual({ ...before, device_events: 3, device_watermarks: 1 });

    // PostgreSQL cannot store U+0000: such a payload is refused as an event (its copy kept readable), not a failing push.
    const nul = await kiosk.push(numbered(4, [['loyalty.redeemed', { 'no\u0000te': 'a\u0000b' }]]));
    expect(nul).toMatchObject({ ackedThrough: 4, results: [{ outcome: 'rejected', reason: expect.stringContaining('U+0000') }] });
    expect(await db.query('SELECT payload FROM device_events WHERE device_seq = 4')).toEqual([{ payload: { 'no\ufffdte': 'a\ufffdb' } }]);
    expect((await kiosk.push(numbered(4, [['loyalty.redeemed', { 'no\u0000te': 'a\u0000b' }]]))).results[0]?.outcome).toBe('rejected');
  });

  it('gives each kiosk its branch’s and every branch’s changes, page by page', async () => {
    const { db } = await databases.fresh();
    const { app, kiosk: madrid } = await hubWithKiosk(db);
    const barcelona = await enrol(app, db, OTHER_BRANCH);
    const madridFeed = await feedOf(db, demoBranch.id);
    const barcelonaFeed = await feedOf(db, OTHER_BRANCH);
    expect(barcelonaFeed).toHaveLength(3); // the catalog, its customer and account

    const whole = await pullAll(madrid, 1000);
    expect(whole).toMatchObject({ seqs: madridFeed, pages: 1 });
    expect(whole.changes.every((c) => (c as Change).type !== 'customer.upsert' || (c as ChangeOf<'customer.upsert'>).branchId === demoBranch.id)).toBe(true);
    const paged = await pullAll(madrid, 7);
    expect(paged.seqs).toEqual(madridFeed);
    expect(paged.pages).toBe(Math.ceil(madridFeed.length / 7) + (madridFeed.length % 7 === 0 ? 1 : 0));

    const theirs = await pullAll(barcelona, 2);
    expect(theirs.seqs).toEqual(barcelonaFeed);
    expect(theirs.changes.map((c) => (c as Change).type)).toEqual(['catalog.published', 'customer.upsert', 'account.upsert']);

    // At the end of the feed: an empty page keeps the cursor; a later change shows up after it.
    const end = await madrid.pull(madridFeed.at(-1) as number);
    expect(end).toMatchObject({ changes: [], cursor: madridFeed.at(-1), hasMore: false });
    await barcelona.push(numbered(1, [['payment.recorded', kioskPayment('acct-bcn', 100)]]));
    expect((await madrid.pull(end.cursor)).changes).toEqual([]);
    expect((await barcelona.pull(barcelonaFeed.at(-1) as number)).changes).toMatchObject([{ change: { type: 'payment.recorded', accountId: 'acct-bcn' } }]);
  });

  it('answers 400 to malformed pushes and pulls, 401 without a valid credential, and writes nothing', async () => {
    const { db } = await databases.fresh();
    const { app, kiosk } = await hubWithKiosk(db);
    const before = await counts(db);
    const ok = numbered(1, [['assist.requested', assist(null)]]);
    const [one] = ok as [OutboxEvent];
    const push = (payload: unknown, headers: Record<string, string> = bearer(kiosk.credential)) =>
      app.inject({ method: 'POST', url: '/sync/v1/push', headers: { ...headers, 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

    const newer = await push({ ...pushBody(ok), protocolVersion: 2 });
    expect(newer.statusCode).toBe(400);
    expect(newer.json().error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('speaks sync protocol version 1'), details: { supportedProtocolVersions: [1] } });
    for (const bad of [
      '{"protocolVersion": 1, "events": [',
      {},
      pushBody([]),
      pushBody([...ok, event(3, 'assist.requested', assist(null))]),
      { ...pushBody(ok), events: [{ ...one, deviceSeq: 0 }] },
      { ...pushBody(ok), events: [{ ...one, eventId: undefined }] },
      { ...pushBody(ok), extra: true },
      pushBody(Array.from({ length: 501 }, (_, i) => event(i + 1, 'assist.requested', null))),
    ]) {
      const response = await push(bad);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION');
    }
    expect((await push(pushBody(ok), {})).statusCode).toBe(401);

    for (const query of ['', '?after=-1', '?after=abc', '?after=0&limit=0', '?after=0&limit=1001', '?after=0&cursor=3', '?after=1.5']) {
      const response = await app.inject({ url: `/sync/v1/pull${query}`, headers: bearer(kiosk.credential) });
      expect(response.statusCode, `${query}: ${response.body}`).toBe(400);
    }
    expect((await app.inject({ url: '/sync/v1/pull?after=0' })).statusCode).toBe(401);
    expect(await counts(db)).toEqual(before);

    await revokeDevice(db, kiosk.deviceId, NOW);
    expect((await push(pushBody(ok))).statusCode).toBe(401);
    expect((await app.inject({ url: '/sync/v1/pull?after=0', headers: bearer(kiosk.credential) })).statusCode).toBe(401);
    expect(await counts(db)).toEqual(before);
  });

  it('applies each payment exactly once whatever the kiosk re-sends, repeats, reorders or races', async () => {
    const { db, another } = await databases.fresh();
    await seeded(db);
    const first = await buildHub({ db, now: () => NOW });
    // A second hub process over the same database (on PGlite, the same connection).
    const second = await buildHub({ db: another(), now: () => NOW });

    const step = fc.record({ from: fc.integer({ min: 1, max: 6 }), length: fc.integer({ min: 1, max: 6 }), twice: fc.boolean(), race: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 5 }), fc.array(step, { maxLength: 8 }), async (amounts, steps) => {
        const kiosk = await enrol(first, db, demoBranch.id);
        const start = await balance(db, demoAccount);
        const payments = amounts.map((amount) => kioskPayment(demoAccount, amount));
        const outbox = numbered(1, payments.map((p) => ['payment.recorded', p] as [string, unknown]));
        let acked = 0;
        const check = (response: PushResponse, batch: readonly OutboxEvent[]) => {
          expect(response.ackedThrough).toBeGreaterThanOrEqual(acked);
          acked = response.ackedThrough;
          if ((batch[0] as OutboxEvent).deviceSeq > acked) expect(response.results).toEqual([]);
          else expect(response.results.every((r) => r.outcome === 'accepted' || r.outcome === 'duplicate')).toBe(true);
        };
        for (const { from, length, twice, race } of steps) {
          const batch = outbox.slice(from - 1, from - 1 + length);
          if (batch.length === 0) continue;
          const sends = twice ? [batch, batch] : [batch];
          if (race) {
            const responses = await Promise.all(sends.map((b, i) => kiosk.push(b, i === 0 ? first : second)));
            responses.sort((a, b) => a.ackedThrough - b.ackedThrough).forEach((r) => check(r, batch));
          } else {
            for (const b of sends) check(await kiosk.push(b), b);
          }
        }
        // The network heals: the kiosk sends what is not acknowledged until everything is.
        while (acked < outbox.length) check(await kiosk.push(outbox.slice(acked)), outbox.slice(acked));

        const keys = JSON.stringify(payments.map((p) => p.entry.idempotencyKey));
        const [applied] = await db.query(
          `SELECT (SELECT count(*) FROM journal_entries WHERE idempotency_key IN (SELECT jsonb_array_elements_text($1::jsonb))) AS entries,
                  (SELECT count(*) FROM payments WHERE entry_id IN (SELECT id FROM journal_entries WHERE idempotency_key IN (SELECT jsonb_array_elements_text($1::jsonb)))) AS payments,
                  (SELECT count(*) FROM changes WHERE change->'entry'->>'idempotencyKey' IN (SELECT jsonb_array_elements_text($1::jsonb))) AS fed,
                  (SELECT count(*) FROM device_events WHERE device_id = $2 AND outcome = 'accepted') AS events,
                  (SELECT acked_through FROM device_watermarks WHERE device_id = $2) AS acked`,
          [keys, kiosk.deviceId],
        );
        const n = payments.length;
        expect(applied).toEqual({ entries: n, payments: n, fed: n, events: n, acked: n });
        expect(await db.query('SELECT sum(amount_minor)::bigint AS total FROM postings')).toEqual([{ total: 0 }]);
        expect(await db.query('SELECT entry_id FROM postings GROUP BY entry_id HAVING sum(amount_minor) <> 0')).toEqual([]);
        expect(await balance(db, demoAccount)).toBe(start - amounts.reduce((sum, a) => sum + a, 0));
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it('lets a branch’s kiosks push side by side while a puller following only its cursor misses no payment', async () => {
    const { db, another } = await databases.fresh();
    await seeded(db);
    // Two hub processes over one database (on PGlite, the same connection), as behind a load balancer.
    const hubs = [await buildHub({ db, now: () => NOW }), await buildHub({ db: another(), now: () => NOW })];
    const kiosks = await Promise.all(Array.from({ length: 6 }, (_, k) => enrol(hubs[k % 2] as FastifyInstance, db, demoBranch.id)));
    const head = await feedOf(db, demoBranch.id);
    const puller = kiosks[0] as Kiosk;
    const seen = new Set<string>();
    let cursor = head.at(-1) ?? 0;
    const follow = async () => {
      const page = await puller.pull(cursor);
      for (const { change } of page.changes) seen.add((change as { id: string }).id);
      cursor = page.cursor;
    };

    let pushing = true;
    const pulls = (async () => {
      // A pull every few milliseconds (a real kiosk pulls every 15 s): many of them land while pushes are in flight.
      for (; pushing; await sleep(2)) await follow();
    })();
    const sent: string[] = [];
    await Promise.all(
      kiosks.map(async (kiosk, k) => {
        for (let round = 0; round < 5; round++) {
          const payments = [1, 2, 3].map((i) => kioskPayment(demoAccount, 100 * (k + 1) + i));
          sent.push(...payments.map((p) => p.id));
          const response = await kiosk.push(numbered(round * 3 + 1, payments.map((p) => ['payment.recorded', p] as [string, unknown])), hubs[(k + round) % 2]);
          expect(response.results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
        }
      }),
    );
    pushing = false;
    await pulls;
    await follow();

    expect(seen.size).toBe(sent.length);
    expect([...seen].sort()).toEqual([...sent].sort());
    // The feed's sequence numbers are the order its rows became visible: none is missing, none repeated.
    const feed = (await feedOf(db, demoBranch.id)).filter((seq) => seq > (head.at(-1) ?? 0));
    expect(feed).toHaveLength(sent.length);
    expect(await db.query('SELECT sum(amount_minor)::bigint AS total FROM postings')).toEqual([{ total: 0 }]);
  }, 60_000);
});
