import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AuditLog, auditEventHash, eventOfRow, type AuditEntryInput, type AuditEvent, type AuditRow } from '../../electron/core/audit/audit-log.ts';
import { LEDGER_FILE } from '../../electron/core/kiosk-core.ts';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { openLedger, type Database } from '../../electron/core/ledger/db.ts';
import { OutboxQueue } from '../../electron/core/sync/outbox-queue.ts';
import { auditVerifyCommand, directAuditCommands } from '../../hub/audit/operator.ts';
import { verifyAuditChains } from '../../hub/audit/chain.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { buildHub } from '../../hub/server.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import { PROTOCOL_VERSION, PushResponse, SCHEMA_VERSION } from '../../shared/sync/protocol.ts';
import { adjustmentFact } from '../helpers/adjustments.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';
import { ELENA, JAMES, ok, useCores } from '../helpers/signed-in.ts';
import { engines, freshDatabases } from '../hub/databases.ts';
import { seedTestBranch } from '../hub/demo-branch.ts';
import { kioskEngine } from '../hub/kiosk-engine.ts';
import { balance, JAMES_ACCOUNT, NOW, seededHub } from '../hub/push-fixture.ts';
import { kioskPayment } from '../helpers/payments.ts';
import { kioskAuditChain, kioskKeys, openKioskLedger, TEST_AUDIT_CHAIN, TEST_LEDGER_KEY, testEnrolment } from '../helpers/ledger-file.ts';

/**
 * What someone holding the kiosk's data folder, or a connection to headquarters' database, can
 * no longer do quietly: rewrite or remove the rows money is read from (payments, bills,
 * adjustments, receipts, …: triggers refuse it, a correction is a new row), or cut the end off an
 * audit trail (the kiosk keeps its head beside the chain, sends it with each push, and both
 * `npm run audit:verify` and `npm run hub -- audit-verify` report an end that went missing).
 */

const cores = useCores();
const APPEND_ONLY = /append-only/;

/** Every column a row holds a value in, set to another value of its type: each one must be refused. */
function everyColumnRefused(db: Database, table: string, where: string, mutable: readonly string[] = []): string[] {
  const row = db.prepare(`SELECT * FROM ${table} WHERE ${where} LIMIT 1`).get() as Record<string, unknown> | undefined;
  expect(row, `a ${table} row to attack`).toBeDefined();
  const columns = Object.entries(row as Record<string, unknown>).filter(([c, v]) => v !== null && !mutable.includes(c));
  const letThrough: string[] = [];
  for (const [column, value] of columns) {
    const other = typeof value === 'number' ? `${column} + 1` : `${column} || 'x'`;
    try {
      db.prepare(`UPDATE ${table} SET ${column} = ${other} WHERE ${where}`).run();
      letThrough.push(column);
    } catch (err) {
      expect((err as Error).message, `${table}.${column}`).toMatch(APPEND_ONLY);
    }
  }
  return letThrough;
}

describe('the kiosk’s money tables cannot be rewritten, only added to', () => {
  /** A kiosk where James paid 12.34 by card and staff credited Elena 3.00; its ledger opened as an attacker with the data folder would. */
  async function paidKiosk() {
    const { core, dataDir } = await startTestCore();
    cores.adopt(core);
    await ok(core, 'session.signIn', JAMES);
    const paid = await ok(core, 'payment.start', { requestId: randomUUID(), amountMinor: 1_234, billNo: null, method: 'card', language: 'en' });
    expect(paid).toMatchObject({ status: 'approved', amountTaken: { amountMinor: 1_234 } });
    const balance = (await ok(core, 'account.overview', {})).balance.amountMinor;
    const db = openKioskLedger(dataDir);
    const elena = db.prepare(`SELECT id FROM billing_accounts WHERE account_no = ?`).pluck().get(ELENA.identifier) as string;
    new ChangeApplier(db).applyParsed([adjustmentFact(elena, -300)]);
    return { core, db, balance, paymentId: paid.intentId };
  }

  it('UPDATE of a payment’s amount is refused, and so is every other column of it; the balance stays what was paid', async () => {
    const { core, db, balance, paymentId } = await paidKiosk();
    expect(() => db.prepare(`UPDATE payments SET amount_minor = 1 WHERE id = ?`).run(paymentId)).toThrow(/payments is append-only/);
    expect(everyColumnRefused(db, 'payments', `id = '${paymentId}'`)).toEqual([]);
    expect(db.prepare(`SELECT amount_minor FROM payments WHERE id = ?`).pluck().get(paymentId)).toBe(1_234);
    expect(() => db.prepare(`DELETE FROM payments WHERE id = ?`).run(paymentId)).toThrow(/payments is append-only/);
    expect((await ok(core, 'account.overview', {})).balance.amountMinor).toBe(balance);
  });

  it('DELETE of a receipt is refused; only its printed mark moves, once', async () => {
    const { db, paymentId } = await paidKiosk();
    const receipt = db.prepare(`SELECT * FROM receipts WHERE payment_id = ?`).get(paymentId);
    expect(() => db.prepare(`DELETE FROM receipts WHERE payment_id = ?`).run(paymentId)).toThrow(/receipts is append-only/);
    expect(everyColumnRefused(db, 'receipts', `payment_id = '${paymentId}'`, ['printed'])).toEqual([]);
    expect(() => db.prepare(`UPDATE receipts SET printed = 0 WHERE payment_id = ?`).run(paymentId)).toThrow(/receipts is append-only/);
    expect(db.prepare(`SELECT * FROM receipts WHERE payment_id = ?`).get(paymentId)).toEqual(receipt);
  });

  it('DELETE and UPDATE of a bill and of an adjustment are refused, whichever column', async () => {
    const { db } = await paidKiosk();
    const bills = db.prepare(`SELECT COUNT(*) FROM bills`).pluck().get() as number;
    expect(() => db.prepare(`UPDATE bills SET amount_due_minor = 0`).run()).toThrow(/bills is append-only/);
    expect(() => db.prepare(`DELETE FROM bills`).run()).toThrow(/bills is append-only/);
    expect(everyColumnRefused(db, 'bills', '1 = 1')).toEqual([]);
    expect(db.prepare(`SELECT COUNT(*) FROM bills`).pluck().get()).toBe(bills);

    expect(() => db.prepare(`UPDATE adjustments SET amount_minor = -30000`).run()).toThrow(/adjustments is append-only/);
    expect(() => db.prepare(`DELETE FROM adjustments`).run()).toThrow(/adjustments is append-only/);
    expect(everyColumnRefused(db, 'adjustments', '1 = 1')).toEqual([]);
    expect(db.prepare(`SELECT amount_minor FROM adjustments`).pluck().all()).toEqual([-300]);
  });

  it('a settled payment intent, an acknowledged outbox row and billed usage do not move again; what carries money to the hub is never rewritten', async () => {
    const { db, paymentId } = await paidKiosk();
    expect(everyColumnRefused(db, 'payment_intents', `id = '${paymentId}'`)).toEqual([]);
    expect(() => db.prepare(`UPDATE payment_intents SET status = 'pending' WHERE id = ?`).run(paymentId)).toThrow(/payment_intents is append-only/);
    expect(() => db.prepare(`DELETE FROM payment_intents`).run()).toThrow(/payment_intents is append-only/);
    // The payment's outbox row, not yet pushed: its payload (the amount headquarters will book) is fixed.
    expect(everyColumnRefused(db, 'outbox', `event_id = '${paymentId}'`, ['acked_at', 'outcome', 'outcome_reason'])).toEqual([]);
    const payload = db.prepare(`SELECT payload FROM outbox WHERE event_id = ?`).pluck().get(paymentId) as string;
    const more = payload.replace('"amountMinor":1234', '"amountMinor":12340');
    expect(more).not.toBe(payload);
    expect(() => db.prepare(`UPDATE outbox SET acked_at = ?, outcome = 'accepted', payload = ? WHERE event_id = ?`).run(NOW.toISOString(), more, paymentId)).toThrow(/outbox is append-only/);
    db.prepare(`UPDATE outbox SET acked_at = ?, outcome = 'accepted' WHERE event_id = ?`).run(NOW.toISOString(), paymentId);
    expect(() => db.prepare(`UPDATE outbox SET acked_at = NULL WHERE event_id = ?`).run(paymentId)).toThrow(/outbox is append-only/);
    expect(everyColumnRefused(db, 'usage_records', `status = 'billed'`)).toEqual([]);
    expect(() => db.prepare(`UPDATE usage_records SET status = 'received' WHERE status = 'billed'`).run()).toThrow(/usage_records is append-only/);
    expect(() => db.prepare(`DELETE FROM usage_records`).run()).toThrow(/usage_records is append-only/);
  });
});

const ticking = (start = Date.parse('2026-11-26T08:00:00.000Z')) => {
  let t = start;
  return () => new Date((t += 1000));
};
const day: AuditEntryInput[] = [
  { actorKind: 'agent', actorId: 'AG-1001', action: 'staff.signedIn' },
  { actorKind: 'agent', actorId: 'AG-1001', action: 'customer.identityChecked', accountId: JAMES_ACCOUNT.id, after: { checked: 'photo id' } },
  { actorKind: 'agent', actorId: 'AG-1001', action: 'account.adjusted', accountId: JAMES_ACCOUNT.id, before: { balanceMinor: 4200 }, after: { balanceMinor: 3900 }, reason: 'goodwill' },
  { actorKind: 'customer', actorId: 'c1', action: 'payment.taken', accountId: JAMES_ACCOUNT.id, before: { balanceMinor: 3900 }, after: { balanceMinor: 0 } },
  { actorKind: 'agent', actorId: 'AG-1001', approvedBy: 'SV-2001', action: 'credit.approved', accountId: JAMES_ACCOUNT.id, after: { limitMinor: 80000 }, reason: 'payslip seen' },
  { actorKind: 'agent', actorId: 'AG-1001', action: 'staff.signedOut' },
];

/** A kiosk's ledger file with a day of audit events on it. */
async function auditedLedger() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'onebill-audit-'));
  const db = await openLedger(path.join(dataDir, LEDGER_FILE), kioskKeys(dataDir).ledger);
  const log = new AuditLog(db, { kioskId: 'KIOSK-001', chain: kioskAuditChain(db), now: ticking() });
  const events = day.map((entry) => log.record(entry));
  return { dataDir, db, log, events };
}

const auditVerify = (dataDir: string) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('electron/core/audit/verify-cli.ts'), '--data', dataDir, '--json'], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, result: run.stdout ? (JSON.parse(run.stdout) as unknown) : run.stderr };
};

/** What someone with the file and the sqlite3 shell does first: the chained table's own guards go. */
const dropChainGuards = (db: Database) => db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');

describe('an audit trail edited or cut short on the kiosk is reported by npm run audit:verify', () => {
  it('a row edited without re-hashing: BROKEN at that event', async () => {
    const { dataDir, db, events } = await auditedLedger();
    dropChainGuards(db);
    db.prepare(`UPDATE audit_events SET after_json = '{"balanceMinor":0}' WHERE seq = 3`).run();
    db.close();
    expect(auditVerify(dataDir)).toEqual({ status: 1, result: { ok: false, count: 2, brokenAt: 3, id: events[2]?.id, problem: 'hash does not match its contents' } });
  }, 60_000);

  it('the tail deleted and sqlite_sequence put back: BROKEN, the end is missing (the head kept beside the chain says so), and the head cannot be wound back', async () => {
    const { dataDir, db } = await auditedLedger();
    expect(auditVerify(dataDir)).toMatchObject({ status: 0, result: { ok: true, count: 6 } });
    dropChainGuards(db);
    db.exec(`DELETE FROM audit_events WHERE seq > 4; UPDATE sqlite_sequence SET seq = 4 WHERE name = 'audit_events';`);
    expect(() => db.prepare(`UPDATE audit_head SET count = 4, seq = 4`).run()).toThrow(/the audit head only moves one event on/);
    expect(() => db.prepare(`DELETE FROM audit_head`).run()).toThrow(/the audit head is never removed/);
    db.close();
    expect(auditVerify(dataDir)).toEqual({ status: 1, result: { ok: false, count: 4, brokenAt: 5, id: null, problem: 'events #5–#6 are missing at the end' } });
  }, 60_000);
});

describe.each(engines)('headquarters’ money tables and audit chains on %s', (engine) => {
  const databases = freshDatabases(engine);

  /** A kiosk enrolled at a seeded hub, with an audit trail of its own; its pushes carry the audit head as the sync engine sends it. */
  async function kioskAtHub() {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: NOW });
    const { deviceId, credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'Kiosk 1', ...testEnrolment() } })).json<{ deviceId: string; credential: string }>();
    const ledger = await openLedger(':memory:', TEST_LEDGER_KEY);
    const log = new AuditLog(ledger, { kioskId: deviceId, chain: TEST_AUDIT_CHAIN, now: ticking() });
    const queue = new OutboxQueue(ledger);
    const send = async (payload: object) => {
      const response = await app.inject({ method: 'POST', url: '/sync/v1/push', headers: { authorization: `Bearer ${credential}` }, payload });
      expect(response.statusCode, response.body).toBe(200);
      return PushResponse.parse(response.json());
    };
    /** One batch as the sync engine sends it; the payload is kept, for a test to replay. */
    const sent: object[] = [];
    const push = async (limit = 500) => {
      const { events, auditHead } = queue.nextBatch(limit);
      const payload = { protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, events, auditHead };
      sent.push(payload);
      const answer = await send(payload);
      queue.settle(answer, NOW);
      return answer;
    };
    return { db, app, deviceId, ledger, log, push, send, sent };
  }

  const verify = async (db: HubDb) => (await verifyAuditChains(db))?.map((r) => ({ count: r.count, broken: r.broken }));
  const cliExit = (db: HubDb) => auditVerifyCommand(undefined, (run) => run(directAuditCommands(db)));
  /** An operator with the database's owner role turns a table's guard off and on again. */
  const unguarded = async (db: HubDb, table: string, sql: string) => {
    await db.exec(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await db.exec(sql);
    await db.exec(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  };

  it('UPDATE of a payment’s amount, DELETE and UPDATE of a bill and an adjustment, TRUNCATE: all refused; only a bill’s lifecycle state moves', async () => {
    const { db, app } = await kioskAtHub();
    const payment = kioskPayment(JAMES_ACCOUNT.id, 2_500);
    const adjustment = adjustmentFact(JAMES_ACCOUNT.id, -300, { origin: 'KIOSK-002' });
    const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: NOW });
    const { credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'Kiosk 2', ...testEnrolment() } })).json<{ credential: string }>();
    const events = [payment, adjustment].map((fact, i) => ({ deviceSeq: i + 1, eventId: fact.id, eventType: fact.type, occurredAt: fact.entry.occurredAt, payload: fact }));
    const pushed = await app.inject({ method: 'POST', url: '/sync/v1/push', headers: { authorization: `Bearer ${credential}` }, payload: { protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, events } });
    expect(pushed.json<PushResponse>().results.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    const before = await balance(db, JAMES_ACCOUNT.id);
    const [bill] = await db.query<{ id: string; amount_due_minor: number }>('SELECT id, amount_due_minor FROM bills WHERE account_id = $1 ORDER BY bill_date DESC LIMIT 1', [JAMES_ACCOUNT.id]);

    await expect(db.query('UPDATE payments SET amount_minor = 1 WHERE id = $1', [payment.id])).rejects.toThrow(/payments is append-only/);
    await expect(db.query('DELETE FROM payments WHERE id = $1', [payment.id])).rejects.toThrow(/payments is append-only/);
    await expect(db.query('UPDATE bills SET amount_due_minor = 0 WHERE id = $1', [bill?.id])).rejects.toThrow(/bills is append-only/);
    await expect(db.query('DELETE FROM bills WHERE id = $1', [bill?.id])).rejects.toThrow(/bills is append-only/);
    await expect(db.query('UPDATE adjustments SET amount_minor = -30000')).rejects.toThrow(/adjustments is append-only/);
    await expect(db.query('DELETE FROM adjustments')).rejects.toThrow(/adjustments is append-only/);
    await expect(db.query(`UPDATE device_events SET payload = '{}'::jsonb`)).rejects.toThrow(/device_events is append-only/);
    await expect(db.query(`UPDATE usage_records SET quantity = 0 WHERE status = 'billed'`)).rejects.toThrow(/usage_records is append-only/);
    await expect(db.query(`UPDATE usage_records SET status = 'received' WHERE status = 'billed'`)).rejects.toThrow(/usage_records is append-only/);
    for (const table of ['payments', 'bills', 'adjustments', 'postings']) await expect(db.query(`TRUNCATE ${table} CASCADE`), table).rejects.toThrow(APPEND_ONLY);

    expect(await db.query('SELECT amount_minor FROM payments WHERE id = $1', [payment.id])).toEqual([{ amount_minor: 2_500 }]);
    expect(await db.query('SELECT amount_due_minor FROM bills WHERE id = $1', [bill?.id])).toEqual([{ amount_due_minor: bill?.amount_due_minor }]);
    expect(await balance(db, JAMES_ACCOUNT.id)).toBe(before);
    // What TMF678 does to a bill: its state, and nothing else of it.
    await db.query(`UPDATE bills SET state = 'onHold' WHERE id = $1`, [bill?.id]);
    expect(await db.query('SELECT state, amount_due_minor FROM bills WHERE id = $1', [bill?.id])).toEqual([{ state: 'onHold', amount_due_minor: bill?.amount_due_minor }]);
  });

  it('the tail of a kiosk’s chain deleted at the hub: audit-verify reports the end the kiosk reported as missing', async () => {
    const { db, deviceId, log, push } = await kioskAtHub();
    day.forEach((entry) => log.record(entry));
    expect((await push()).ackedThrough).toBe(6);
    expect(await verify(db)).toEqual([{ count: 6, broken: null }]);
    expect(await cliExit(db)).toBe(0);

    await unguarded(db, 'audit_events', `DELETE FROM audit_events WHERE device_id = '${deviceId}' AND seq > 4`);
    expect(await verify(db)).toEqual([{ count: 4, broken: { seq: 5, id: null, problem: 'events #5–#6 are missing at the end' } }]);
    expect(await cliExit(db)).toBe(1);
  });

  it('the tail cut off on the kiosk after it reached the hub (head, sequence and all): the next push shows its chain went backwards', async () => {
    const { db, ledger, log, push, deviceId } = await kioskAtHub();
    day.forEach((entry) => log.record(entry));
    await push();
    const held = await db.query<{ id: string }>('SELECT id FROM audit_events WHERE device_id = $1 AND seq = 6', [deviceId]);
    // Everything on the kiosk is made to agree: its own audit:verify finds nothing.
    ledger.exec(`DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_head_moves_on;
      DELETE FROM audit_events WHERE seq > 4; UPDATE sqlite_sequence SET seq = 4 WHERE name = 'audit_events';
      UPDATE audit_head SET count = 4, seq = 4, hash = (SELECT hash FROM audit_events WHERE seq = 4), event_id = (SELECT id FROM audit_events WHERE seq = 4);`);
    expect(log.verify()).toMatchObject({ ok: true, count: 4 });
    log.record({ actorKind: 'agent', actorId: 'AG-1001', action: 'staff.signedOut' });
    await push();
    expect(await verify(db)).toEqual([
      { count: 6, broken: { seq: 6, id: held[0]?.id, problem: 'the device reported event #5 as its head while the hub already held #6: its chain went backwards' } },
    ]);
    expect(await cliExit(db)).toBe(1);
  });

  it('no false alarm: a head beyond what the hub holds while the rest is still to come, and an old push replayed late', async () => {
    const { db, log, push, send, sent } = await kioskAtHub();
    day.slice(0, 3).forEach((entry) => log.record(entry));
    expect((await push()).ackedThrough).toBe(3);
    day.slice(3).forEach((entry) => log.record(entry));
    // Two of the three new events in this batch, with the head of all six: the last one is on its way, not missing.
    expect((await push(2)).ackedThrough).toBe(5);
    expect(await db.query('SELECT count, head_seq, device_seq, held_seq FROM audit_head_reports ORDER BY seq')).toEqual([
      { count: 3, head_seq: 3, device_seq: 3, held_seq: 0 },
      { count: 6, head_seq: 6, device_seq: 6, held_seq: 3 },
    ]);
    expect(await verify(db)).toEqual([{ count: 5, broken: null }]);
    expect((await push()).ackedThrough).toBe(6);
    expect(await verify(db)).toEqual([{ count: 6, broken: null }]);
    // The first request delivered again after the others (a retry the network held back): all duplicates, its older head is not a step back.
    expect((await send(sent[0] as object)).results.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await verify(db)).toEqual([{ count: 6, broken: null }]);
    expect(await cliExit(db)).toBe(0);
  });
});

describe.each(engines)('the legitimate flow on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('a payment, a sync, a correction as a new row and a sync again: balances agree, both chains verify and agree on the head', async () => {
    const { db } = await databases.fresh();
    await seedTestBranch(db);
    const app: FastifyInstance = await buildHub({ db, now: () => TEST_NOW });
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const [head] = await db.query<{ seq: number }>('SELECT max(server_seq) AS seq FROM changes');
      const { core, dataDir } = await startTestCore();
      cores.adopt(core);
      const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: TEST_NOW });
      const { credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'Kiosk 1', ...testEnrolment(dataDir) } })).json<{ credential: string }>();
      const ledger = openKioskLedger(dataDir);
      const engine = kioskEngine(ledger, { baseUrl, credential, cursor: head?.seq ?? 0 });

      const [staff] = demoStaff;
      await ok(core, 'staff.signIn', { staffId: staff?.id, pin: staff?.pin });
      const [match] = (await ok(core, 'assist.lookup', { query: ELENA.identifier })).matches;
      await ok(core, 'assist.openAccount', { accountId: match?.accountId, checks: ['photoId'] });
      const accountId = match?.accountId as string;
      const start = (await ok(core, 'account.overview', {})).balance.amountMinor;
      await ok(core, 'assist.takeCash', { requestId: randomUUID(), amountMinor: 2_000, billNo: null, language: 'en' });
      await engine.round();
      expect(await balance(db, accountId)).toBe(start - 2_000);

      // 20.00 was booked where 15.00 was handed over: the correction is a new row, the payment stays as it was.
      await ok(core, 'assist.adjust', { requestId: randomUUID(), direction: 'debit', amountMinor: 500, reason: 'Cash miscounted at the counter' });
      await engine.round();
      expect((await ok(core, 'account.overview', {})).balance.amountMinor).toBe(start - 1_500);
      expect(await balance(db, accountId)).toBe(start - 1_500);
      expect(await db.query('SELECT amount_minor FROM payments WHERE account_id = $1 AND channel = $2', [accountId, 'kiosk'])).toEqual([{ amount_minor: 2_000 }]);
      expect(await db.query('SELECT amount_minor FROM adjustments WHERE account_id = $1', [accountId])).toEqual([{ amount_minor: 500 }]);

      const kiosk = new AuditLog(ledger, { kioskId: 'KIOSK-001', chain: kioskAuditChain(ledger) }).verify();
      expect(kiosk).toMatchObject({ ok: true });
      const hub = await verifyAuditChains(db);
      expect(hub).toEqual([expect.objectContaining({ count: kiosk.count, headHash: kiosk.ok ? kiosk.headHash : null, broken: null })]);
      expect(await db.query('SELECT count, head_hash FROM audit_head_reports ORDER BY seq DESC LIMIT 1')).toEqual([{ count: kiosk.count, head_hash: kiosk.ok ? kiosk.headHash : null }]);
      ledger.close();
    } finally {
      await app.close();
    }
  }, 60_000);
});

// Someone who can write to a kiosk's ledger (a tool on its disk, an insider) edits an audit row
// and, so that nothing looks broken, hashes that row and every one after it again, as plain
// SHA-256 let anyone do. The chain is HMAC'd with the kiosk's audit key (its key store, and the
// hub's copy from enrolment): without that key the re-hashed chain verifies neither on the kiosk
// (`npm run audit:verify`) nor at headquarters.

const auditVerifyText = (dataDir: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.resolve('electron/core/audit/verify-cli.ts'), '--data', dataDir], { encoding: 'utf8', timeout: 60_000 });

/** The forger's work: row #seq edited, then every row from it on hashed again (and linked), in the trail and in the outbox the hub is sent. */
function editAndRehashOnward(db: Database, seq: number, edit: (event: AuditEvent) => AuditEvent, hash: (event: Omit<AuditEvent, 'hash'>) => string): void {
  for (const { name } of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('audit_events', 'outbox')`).all() as { name: string }[]) {
    db.exec(`DROP TRIGGER "${name}"`);
  }
  const rows = db.prepare('SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq').all(seq - 1) as AuditRow[];
  const read = (row: AuditRow) => {
    const result = eventOfRow(row);
    if (!('event' in result)) throw new Error(result.problem);
    return result.event;
  };
  let prevHash = seq === 1 ? '0'.repeat(64) : read(rows.shift() as AuditRow).hash;
  for (const row of rows) {
    const original = read(row);
    const { hash: _old, ...contents } = original.seq === seq ? edit(original) : original;
    const forged: AuditEvent = { ...contents, prevHash, hash: hash({ ...contents, prevHash }) };
    db.prepare('UPDATE audit_events SET after_json = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(forged.after === null ? null : JSON.stringify(forged.after), forged.prevHash, forged.hash, forged.seq);
    db.prepare(`UPDATE outbox SET payload = ? WHERE event_id = ?`).run(JSON.stringify(forged), forged.id);
    prevHash = forged.hash;
  }
}

describe.each(engines)('the keyed audit chain: an edited row re-hashed onward (hub on %s)', (engine) => {
  const databases = freshDatabases(engine);

  it('is reported by audit:verify and by the hub, whether the forger re-hashed with plain SHA-256 or with a key of their own', async () => {
    const { db: hubDb } = await databases.fresh();
    const app = await seededHub(hubDb);
    const { core, dataDir } = await startTestCore();
    // The kiosk's trail: a wrong PIN, a sign-in, and another customer's sign-in.
    await core.dispatch('session.signIn', { identifier: JAMES.identifier, pin: '9731' });
    expect((await core.dispatch('session.signIn', JAMES)).ok).toBe(true);
    expect((await core.dispatch('session.signIn', ELENA)).ok).toBe(true);
    core.close();
    // Enrolled with its own audit key, as enrolWithHub sends it.
    const { code } = await issueEnrolmentCode(hubDb, { branchId: demoBranch.id, now: NOW });
    const enrolled = await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: 'Kiosk 1', ...testEnrolment(dataDir) } });
    const { deviceId, credential } = enrolled.json<{ deviceId: string; credential: string }>();
    expect(auditVerifyText(dataDir)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^audit chain OK: 3 events/) });

    // The failed attempt (#1) rewritten as a success, then #1 to #3 hashed again.
    const ledger = openKioskLedger(dataDir);
    const asSuccess = (e: AuditEvent): AuditEvent => ({ ...e, after: { via: 'account', note: 'nothing happened' } });
    // A forger who re-hashed with plain SHA-256 (what passed before).
    editAndRehashOnward(ledger, 1, asSuccess, (e) => auditEventHash(e, { key: null, keyedFrom: 1 }));
    expect(auditVerifyText(dataDir)).toMatchObject({ status: 1, stdout: expect.stringContaining('audit chain BROKEN at event #1') });
    expect(auditVerifyText(dataDir).stdout).toContain('hash does not match its contents');
    // A forger with a key of their own fares no better.
    editAndRehashOnward(ledger, 1, asSuccess, (e) => auditEventHash(e, { key: randomBytes(32), keyedFrom: 1 }));
    expect(auditVerifyText(dataDir)).toMatchObject({ status: 1, stdout: expect.stringContaining('audit chain BROKEN at event #1 ') });

    // The forged chain reaches headquarters: every event is flagged and audit-verify names #1.
    const events = new OutboxQueue(ledger).next(500);
    ledger.close();
    const pushed = await app.inject({ method: 'POST', url: '/sync/v1/push', headers: { authorization: `Bearer ${credential}` }, payload: { protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, events } });
    expect(pushed.statusCode, pushed.body).toBe(200);
    const stored = await hubDb.query<{ seq: number; chain_ok: boolean; chain_problem: string | null }>('SELECT seq, chain_ok, chain_problem FROM audit_events WHERE device_id = $1 ORDER BY seq', [deviceId]);
    expect(stored).toEqual([1, 2, 3].map((seq) => ({ seq, chain_ok: false, chain_problem: 'hash does not match its contents' })));
    expect((await verifyAuditChains(hubDb, deviceId))?.[0]).toMatchObject({ count: 3, broken: { seq: 1, problem: 'hash does not match its contents' } });
    await app.close();
  }, 90_000);
});
