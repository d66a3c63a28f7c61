import { TEST_AUDIT_CHAIN, TEST_LEDGER_KEY, testEnrolment } from '../helpers/ledger-file.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { AuditLog, auditEventHash, type AuditEntryInput, type AuditEvent } from '../../electron/core/audit/audit-log.ts';
import { openLedger, type Database } from '../../electron/core/ledger/db.ts';
import { Outbox } from '../../electron/core/ledger/outbox.ts';
import { OutboxQueue } from '../../electron/core/sync/outbox-queue.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { PROTOCOL_VERSION, PushResponse, SCHEMA_VERSION, eventPayloads, type EventResult, type OutboxEvent } from '../../shared/sync/protocol.ts';
import { auditVerifyCommand, directAuditCommands } from '../../hub/audit/operator.ts';
import { eventOfRow, verifyAuditChains, type AuditEventRow } from '../../hub/audit/chain.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { httpCommands } from '../../hub/runtime/operator-commands.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { engines, freshDatabases } from './databases.ts';
import { balance, feedHead, JAMES_ACCOUNT, NOW, OPERATOR_TOKEN, seededHub } from './push-fixture.ts';
import { kioskPayment } from '../helpers/payments.ts';

/** A clock that moves one second per event, so occurred_at differs from row to row. */
const ticking = (start = Date.parse('2026-11-26T08:00:00.000Z')) => {
  let t = start;
  return () => new Date((t += 1000));
};

const waiver: AuditEntryInput = {
  actorKind: 'agent',
  actorId: 'S-1001',
  action: 'fee.waived',
  accountId: JAMES_ACCOUNT.id,
  before: { lateFeeMinor: 500, waivedBefore: false },
  after: { lateFeeMinor: 0, note: { why: ['first', 'late'], ratio: 0.30000000000000004 } },
  reason: 'first late payment in three years',
};

const staffDay: AuditEntryInput[] = [
  { actorKind: 'agent', actorId: 'S-1001', action: 'staff.signedIn' },
  { actorKind: 'agent', actorId: 'S-1001', action: 'customer.identityChecked', accountId: JAMES_ACCOUNT.id, after: { checked: 'photo id' } },
  waiver,
  { actorKind: 'agent', actorId: 'S-1001', approvedBy: 'S-2001', action: 'credit.approved', accountId: JAMES_ACCOUNT.id, before: { limitMinor: 30000 }, after: { limitMinor: 80000 }, reason: 'salary slip seen' },
  { actorKind: 'customer', actorId: 'c1', action: 'payment.taken', accountId: JAMES_ACCOUNT.id, before: { balanceMinor: 4200 }, after: { balanceMinor: 0, method: 'card' } },
  { actorKind: 'agent', actorId: 'S-1001', action: 'staff.signedOut' },
];

/** A kiosk's ledger with its audit trail and the push side of its outbox. */
async function kioskLedger(kioskId = 'KIOSK-001') {
  const db = await openLedger(':memory:', TEST_LEDGER_KEY);
  return { db, log: new AuditLog(db, { kioskId, chain: TEST_AUDIT_CHAIN, now: ticking() }), queue: new OutboxQueue(db) };
}

interface Kiosk {
  deviceId: string;
  push(events: readonly OutboxEvent[]): Promise<PushResponse>;
}

async function enrol(app: FastifyInstance, db: HubDb, name: string): Promise<Kiosk> {
  const { code } = await issueEnrolmentCode(db, { branchId: demoBranch.id, now: NOW });
  const { deviceId, credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: name, ...testEnrolment() } })).json<{ deviceId: string; credential: string }>();
  return {
    deviceId,
    async push(events) {
      const payload = { protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, events };
      const response = await app.inject({ method: 'POST', url: '/sync/v1/push', headers: { authorization: `Bearer ${credential}` }, payload });
      expect(response.statusCode, response.body).toBe(200);
      return PushResponse.parse(response.json());
    },
  };
}

const auditRows = (db: HubDb, deviceId: string) => db.query<AuditEventRow & { device_seq: number }>('SELECT * FROM audit_events WHERE device_id = $1 ORDER BY seq', [deviceId]);
const outcomes = (response: PushResponse) => response.results.map((r: EventResult) => (r.outcome === 'accepted' || r.outcome === 'duplicate' ? r.outcome : `${r.outcome}: ${r.reason}`));
/** Events renumbered from `first` in the device's outbox, as another kiosk (or a hand-made push) would send them. */
const renumbered = (events: readonly OutboxEvent[], first: number) => events.map((e, i) => ({ ...e, deviceSeq: first + i }));
const withPayload = (event: OutboxEvent, payload: AuditEvent, eventId = event.eventId): OutboxEvent => ({ ...event, eventId, payload });

/** Runs `npm run hub -- <args>` without blocking this process, which may be the hub it talks to. */
function hubCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.resolve('hub/cli.ts'), ...args], { env: { ...inherited, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      resolve({ status: code, stdout, stderr });
    });
  });
}

describe.each(engines)('audit events syncing to the hub on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('stores a kiosk’s audit events once with every link checked, outside the change feed; the same push again is all duplicates', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const kiosk = await enrol(app, db, 'Kiosk 1');
    const ledger = await kioskLedger();
    const recorded = staffDay.map((entry) => ledger.log.record(entry));
    const head = await feedHead(db);

    // Each audit event is an outbox event of its own id.
    const events = ledger.queue.next(500);
    expect(events.map((e) => [e.deviceSeq, e.eventId, e.eventType, e.occurredAt])).toEqual(recorded.map((r, i) => [i + 1, r.id, 'audit.recorded', r.occurredAt]));
    const first = await kiosk.push(events);
    expect(outcomes(first)).toEqual(recorded.map(() => 'accepted'));
    expect(first.ackedThrough).toBe(6);

    const rows = await auditRows(db, kiosk.deviceId);
    expect(rows.map(eventOfRow)).toEqual(recorded);
    expect(rows.map((r) => [r.device_id, r.branch_id, r.device_seq, r.chain_ok, r.chain_problem])).toEqual(recorded.map((_, i) => [kiosk.deviceId, demoBranch.id, i + 1, true, null]));
    // The trail is headquarters': nothing of it goes to the branch's kiosks.
    expect(await feedHead(db)).toBe(head);

    const again = await kiosk.push(events);
    expect(outcomes(again)).toEqual(recorded.map(() => 'duplicate'));
    expect(await auditRows(db, kiosk.deviceId)).toEqual(rows);

    // The next push continues the chain from the last one.
    ledger.queue.settle(first, NOW);
    const later = [ledger.log.record(waiver), ledger.log.record(staffDay[0] as AuditEntryInput)];
    const next = ledger.queue.next(500);
    expect(next.map((e) => e.deviceSeq)).toEqual([7, 8]);
    expect(outcomes(await kiosk.push(next))).toEqual(['accepted', 'accepted']);
    expect((await auditRows(db, kiosk.deviceId)).map((r) => [r.seq, r.chain_ok])).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((seq) => [seq, true]));

    // The hub's copy verifies, and its head is the kiosk's (what `npm run audit:verify` prints there).
    const kioskHead = ledger.log.verify();
    expect(kioskHead).toMatchObject({ ok: true, count: 8, headHash: later[1]?.hash });
    expect(await verifyAuditChains(db)).toEqual([{ deviceId: kiosk.deviceId, branchId: demoBranch.id, deviceName: 'Kiosk 1', count: 8, headHash: later[1]?.hash, broken: null }]);
    // The table is append-only.
    await expect(db.query(`UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 3`)).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
  });

  it('takes the audit event that follows each payment alongside the payments', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const kiosk = await enrol(app, db, 'Kiosk 1');
    const ledger = await kioskLedger();
    const before = await balance(db, JAMES_ACCOUNT.id);
    for (let i = 0; i < 3; i++) ledger.log.record(staffDay[4] as AuditEntryInput);
    const audits = ledger.queue.next(500);
    // payment, its audit event, payment, its audit event, …: as the kiosk's outbox has them.
    const interleaved = renumbered(
      audits.flatMap((a, i) => [{ ...a, eventType: 'payment.recorded', eventId: `p-${i}`, payload: kioskPayment(JAMES_ACCOUNT.id, 1_000 * (i + 1)) }, a]),
      1,
    );
    expect(outcomes(await kiosk.push(interleaved))).toEqual(interleaved.map(() => 'accepted'));
    expect(await balance(db, JAMES_ACCOUNT.id)).toBe(before - 6_000);
    expect((await auditRows(db, kiosk.deviceId)).map((r) => [r.seq, r.device_seq, r.chain_ok])).toEqual([
      [1, 2, true],
      [2, 4, true],
      [3, 6, true],
    ]);
  });

  it('keeps each audit event once: a copy is accepted, other content under its id or seq is refused, and so is another kiosk’s', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const kiosk = await enrol(app, db, 'Kiosk 1');
    const other = await enrol(app, db, 'Kiosk 2');
    const ledger = await kioskLedger();
    staffDay.slice(0, 3).forEach((entry) => ledger.log.record(entry));
    const events = ledger.queue.next(500);
    await kiosk.push(events);
    const [one, , three] = events as [OutboxEvent, OutboxEvent, OutboxEvent];
    const third = three.payload as AuditEvent;

    const pushed = await kiosk.push(
      renumbered(
        [
          // The same event again under another outbox event: nothing new, but nothing wrong.
          withPayload(three, third, 'copy-of-3'),
          withPayload(three, { ...third, reason: 'another reason' }, 'other-content'),
          withPayload(one, { ...(one.payload as AuditEvent), id: 'another-id-at-seq-1' }, 'other-id'),
        ],
        4,
      ),
    );
    expect(outcomes(pushed)).toEqual([
      'accepted',
      `rejected: Audit event ${third.id} is already at the hub with other content`,
      `rejected: This kiosk's audit event #1 is already at the hub as ${one.eventId}`,
    ]);
    expect((await other.push(renumbered([withPayload(three, third, 'stolen')], 1))).results).toMatchObject([
      { outcome: 'rejected', reason: `Audit event ${third.id} was already received from another kiosk` },
    ]);
    expect(await db.query('SELECT device_id, seq FROM audit_events ORDER BY device_id, seq')).toEqual([1, 2, 3].map((seq) => ({ device_id: kiosk.deviceId, seq })));
  });

  it('stores a tampered or unlinked event flagged, and audit-verify names the first broken link of each kiosk', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const [clean, edited, forged, gap] = [await enrol(app, db, 'Clean'), await enrol(app, db, 'Edited'), await enrol(app, db, 'Forged'), await enrol(app, db, 'Gap')];
    const ledger = await kioskLedger();
    staffDay.slice(0, 5).forEach((entry) => ledger.log.record(entry));
    const events = ledger.queue.next(500);
    const original = events[2]?.payload as AuditEvent;
    const tampered = { ...original, after: { lateFeeMinor: 250 } };

    // Altered on the way (hash kept): its contents no longer give its hash.
    const replaced = events.map((e, i) => (i === 2 ? withPayload(e, tampered) : e));
    expect(outcomes(await edited.push(replaced))).toEqual(events.map(() => 'accepted'));
    expect((await auditRows(db, edited.deviceId)).map((r) => [r.seq, r.chain_ok, r.chain_problem])).toEqual([
      [1, true, null],
      [2, true, null],
      [3, false, 'hash does not match its contents'],
      [4, true, null],
      [5, true, null],
    ]);
    expect((await auditRows(db, edited.deviceId))[2]?.after).toEqual({ lateFeeMinor: 250 });

    // Altered and hashed again by a forger (another kiosk's trail): the next link shows it.
    const forgedLedger = await kioskLedger('KIOSK-003');
    staffDay.slice(0, 5).forEach((entry) => forgedLedger.log.record(entry));
    const forgedEvents = forgedLedger.queue.next(500);
    const forgedThird = { ...(forgedEvents[2]?.payload as AuditEvent), after: { lateFeeMinor: 250 } };
    forgedEvents[2] = withPayload(forgedEvents[2] as OutboxEvent, { ...forgedThird, hash: auditEventHash(forgedThird, TEST_AUDIT_CHAIN) });
    expect(outcomes(await forged.push(forgedEvents))).toEqual(events.map(() => 'accepted'));
    expect((await auditRows(db, forged.deviceId)).map((r) => [r.seq, r.chain_ok, r.chain_problem])).toEqual([
      [1, true, null],
      [2, true, null],
      [3, true, null],
      [4, false, 'prev_hash does not match the hash of event #3'],
      [5, true, null],
    ]);

    // The hub never got event #1 of this one: #2 cannot be linked, and says so.
    const gapLedger = await kioskLedger('KIOSK-004');
    staffDay.slice(0, 3).forEach((entry) => gapLedger.log.record(entry));
    const gapEvents = gapLedger.queue.next(500);
    await gap.push(renumbered(gapEvents.slice(1), 1));
    expect((await auditRows(db, gap.deviceId)).map((r) => [r.seq, r.chain_ok, r.chain_problem])).toEqual([
      [2, false, 'event #1 before it is missing'],
      [3, true, null],
    ]);

    const cleanLedger = await kioskLedger('KIOSK-002');
    const cleanEvents = staffDay.slice(0, 2).map((entry) => cleanLedger.log.record(entry));
    await clean.push(cleanLedger.queue.next(500));

    const reports = await verifyAuditChains(db);
    const byDevice = new Map((reports ?? []).map((r) => [r.deviceId, r]));
    expect(byDevice.get(clean.deviceId)).toMatchObject({ count: 2, headHash: cleanEvents[1]?.hash, broken: null });
    expect(byDevice.get(edited.deviceId)).toMatchObject({ count: 5, headHash: (events[4]?.payload as AuditEvent).hash, broken: { seq: 3, id: original.id, problem: 'hash does not match its contents' } });
    expect(byDevice.get(forged.deviceId)).toMatchObject({ count: 5, broken: { seq: 4, id: forgedEvents[3]?.eventId, problem: 'prev_hash does not match the hash of event #3' } });
    expect(byDevice.get(gap.deviceId)).toMatchObject({ count: 2, broken: { seq: 2, id: gapEvents[1]?.eventId, problem: 'event #1 before it is missing' } });

    // What `npm run hub -- audit-verify` prints, on the database and through a running hub's operator API.
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await auditVerifyCommand(undefined, (run) => run(directAuditCommands(db)))).toBe(1);
      const printed = log.mock.calls.map((c) => String(c[0]));
      expect(printed).toContain(`${edited.deviceId} (${demoBranch.id}, Edited): 5 audit events, head ${(events[4]?.payload as AuditEvent).hash}: BROKEN at event #3 (id ${original.id}): hash does not match its contents`);
      expect(printed).toContain(`${clean.deviceId} (${demoBranch.id}, Clean): 2 audit events, head ${cleanEvents[1]?.hash}: OK`);
      log.mockClear();
      expect(await auditVerifyCommand(clean.deviceId, (run) => run(directAuditCommands(db)))).toBe(0);
      expect(log.mock.calls.map((c) => String(c[0]))).toEqual([`${clean.deviceId} (${demoBranch.id}, Clean): 2 audit events, head ${cleanEvents[1]?.hash}: OK`]);
    } finally {
      log.mockRestore();
    }

    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-audit-'));
    try {
      expect(await httpCommands(url, OPERATOR_TOKEN).auditVerify(undefined)).toEqual(reports);
      expect(await httpCommands(url, OPERATOR_TOKEN).auditVerify('no-such-device')).toBeNull();
      // The command line finds this hub as it finds a running embedded hub: by the file the hub writes in its data folder.
      writeFileSync(path.join(dataDir, 'hub-process.json'), JSON.stringify({ pid: process.pid, url, operatorToken: OPERATOR_TOKEN }), { mode: 0o600 });
      const env = { HUB_DATA_DIR: dataDir, HUB_LOG_LEVEL: 'silent' };
      const broken = await hubCli(['audit-verify', '--device', edited.deviceId], env);
      expect(broken.stdout.trim()).toBe(`${edited.deviceId} (${demoBranch.id}, Edited): 5 audit events, head ${(events[4]?.payload as AuditEvent).hash}: BROKEN at event #3 (id ${original.id}): hash does not match its contents`);
      expect(broken.status).toBe(1);
      const ok = await hubCli(['audit-verify', '--device', clean.deviceId], env);
      expect(ok.stdout.trim()).toMatch(/: 2 audit events, head [0-9a-f]{64}: OK$/);
      expect(ok.status).toBe(0);
      const unknown = await hubCli(['audit-verify', '--device', 'no-such-device'], env);
      expect([unknown.status, unknown.stdout.trim()]).toEqual([1, 'There is no device no-such-device.']);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses, without failing the push, a snapshot PostgreSQL cannot store; the next event says its predecessor is missing', async () => {
    const { db } = await databases.fresh();
    const app = await seededHub(db);
    const kiosk = await enrol(app, db, 'Kiosk 1');
    const ledger = await kioskLedger();
    // Valid on the kiosk (SQLite keeps it escaped), but not in a JSONB column.
    ledger.log.record({ actorKind: 'system', actorId: 'kiosk', action: 'screen.shown', after: { text: 'broken \ud800 text' } });
    ledger.log.record(staffDay[0] as AuditEntryInput);
    expect(ledger.log.verify()).toMatchObject({ ok: true, count: 2 });
    const pushed = await kiosk.push(ledger.queue.next(500));
    expect(outcomes(pushed)).toEqual([expect.stringMatching(/^rejected: The audit.recorded payload contains U\+0000 or unpaired surrogate characters/), 'accepted']);
    expect((await auditRows(db, kiosk.deviceId)).map((r) => [r.seq, r.chain_ok, r.chain_problem])).toEqual([[2, false, 'event #1 before it is missing']]);
  });
});

describe('the kiosk’s side: an audit event and its outbox row commit together', () => {
  const outboxRows = (db: Database) => db.prepare(`SELECT device_seq, event_id, event_type, payload, created_at FROM outbox ORDER BY device_seq`).all() as { device_seq: number; event_id: string; event_type: string; payload: string; created_at: string }[];
  const auditCount = (db: Database) => db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get() as number;

  it('queues each event as audit.recorded under its own id, in the protocol’s shape', async () => {
    const { db, log } = await kioskLedger();
    const event = log.record(waiver);
    expect(outboxRows(db)).toEqual([{ device_seq: 1, event_id: event.id, event_type: 'audit.recorded', payload: expect.any(String), created_at: event.occurredAt }]);
    const payload: unknown = JSON.parse(outboxRows(db)[0]?.payload ?? 'null');
    expect(eventPayloads['audit.recorded'].parse(payload)).toEqual(event);
    expect(auditEventHash(event, TEST_AUDIT_CHAIN)).toBe(event.hash);
  });

  it('a record rolled back with the caller’s transaction leaves no outbox row, and the chain goes on without a gap', async () => {
    const { db, log } = await kioskLedger();
    const waive = db.transaction((fail: boolean) => {
      log.record(waiver);
      if (fail) throw new Error('the posting failed');
    });
    expect(() => waive(true)).toThrow('the posting failed');
    expect([auditCount(db), outboxRows(db)]).toEqual([0, []]);
    waive(false);
    const next = log.record(waiver);
    expect(next.seq).toBe(2);
    expect(outboxRows(db).map((r) => [r.device_seq, r.event_id])).toEqual([
      [1, (db.prepare('SELECT id FROM audit_events WHERE seq = 1').pluck().get() as string)],
      [2, next.id],
    ]);
  });

  it('an outbox that cannot take the row takes the audit event down with it', async () => {
    const db = await openLedger(':memory:', TEST_LEDGER_KEY);
    class FullOutbox extends Outbox {
      override append(): void {
        throw new Error('disk full');
      }
    }
    const log = new AuditLog(db, { kioskId: 'KIOSK-001', chain: TEST_AUDIT_CHAIN, now: ticking(), outbox: new FullOutbox(db) });
    expect(() => log.record(waiver)).toThrow('disk full');
    expect([auditCount(db), outboxRows(db)]).toEqual([0, []]);
    expect(new AuditLog(db, { kioskId: 'KIOSK-001', chain: TEST_AUDIT_CHAIN, now: ticking() }).record(waiver).seq).toBe(1);
    expect(outboxRows(db)).toHaveLength(1);
  });
});
