import { kioskKeys, TEST_AUDIT_CHAIN, TEST_LEDGER_KEY } from '../helpers/ledger-file.ts';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLedger, type Database } from '../../electron/core/ledger/db.ts';
import {
  AuditLog,
  GENESIS_HASH,
  auditActorKinds,
  auditChainKey,
  auditEventHash,
  auditProblems,
  type AuditActorKind,
  type AuditEntryInput,
  type AuditEvent,
  type JsonValue,
} from '../../electron/core/audit/audit-log.ts';
import { up as queueEarlierAuditEvents } from '../../electron/core/ledger/migrations/0013-audit-outbox.ts';
import type { Outbox } from '../../electron/core/ledger/outbox.ts';
import { KioskError } from '../../shared/errors.ts';

const tmpDir = () => mkdtempSync(path.join(os.tmpdir(), 'audit-'));

/** A clock that moves one second per event, so occurred_at differs from row to row. */
const ticking = (start = Date.parse('2026-11-26T09:00:00.000Z')) => {
  let t = start;
  return () => new Date((t += 1000));
};

async function openAudit(file = path.join(tmpDir(), 'ledger.sqlite')) {
  const keys = kioskKeys(path.dirname(file));
  const db = await openLedger(file, keys.ledger);
  const chain = auditChainKey(db, keys.audit);
  return { db, chain, log: new AuditLog(db, { kioskId: 'KIOSK-001', chain, now: ticking() }) };
}

const waiver: AuditEntryInput = {
  actorKind: 'agent',
  actorId: 'S-1001',
  action: 'fee.waived',
  accountId: 'a1',
  before: { lateFeeMinor: 500 },
  after: { lateFeeMinor: 0 },
  reason: 'first late payment in three years',
};

const staffDay: AuditEntryInput[] = [
  { actorKind: 'agent', actorId: 'S-1001', action: 'staff.signedIn' },
  { actorKind: 'agent', actorId: 'S-1001', action: 'customer.identityChecked', accountId: 'a1', after: { checked: 'photo id' } },
  waiver,
  { actorKind: 'agent', actorId: 'S-1001', approvedBy: 'S-2001', action: 'credit.approved', accountId: 'a1', before: { limitMinor: 30000 }, after: { limitMinor: 80000 }, reason: 'salary slip seen' },
  { actorKind: 'customer', actorId: 'a1', action: 'payment.cashTaken', accountId: 'a1', after: { amountMinor: 4200, currency: 'EUR' } },
  { actorKind: 'agent', actorId: 'S-1001', action: 'staff.signedOut' },
];

const rows = (db: Database) => db.prepare('SELECT * FROM audit_events ORDER BY seq').all() as Record<string, unknown>[];
const count = (db: Database) => db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get() as number;
const idAt = (db: Database, seq: number) => db.prepare('SELECT id FROM audit_events WHERE seq = ?').pluck().get(seq) as string;
/** What someone who edits the file can do: the triggers are gone. */
const dropTriggers = (db: Database) => db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');

function validationError(fn: () => unknown): KioskError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KioskError);
    expect((err as KioskError).code).toBe('VALIDATION');
    return err as KioskError;
  }
  throw new Error('expected a VALIDATION error');
}

describe('audit log', () => {
  it('chains every event to the one before by hash and verifies', async () => {
    const { db, log } = await openAudit();
    expect(log.verify()).toEqual({ ok: true, count: 0, headHash: GENESIS_HASH });

    const events = staffDay.map((entry) => log.record(entry));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
    expect(log.verify()).toEqual({ ok: true, count: 6, headHash: events[5]?.hash });

    // The row says who, what, on which account, before and after, and why.
    expect(rows(db)[3]).toEqual({
      seq: 4,
      id: events[3]?.id,
      occurred_at: '2026-11-26T09:00:04.000Z',
      actor_kind: 'agent',
      actor_id: 'S-1001',
      approved_by: 'S-2001',
      action: 'credit.approved',
      account_id: 'a1',
      before_json: '{"limitMinor":30000}',
      after_json: '{"limitMinor":80000}',
      reason: 'salary slip seen',
      kiosk_id: 'KIOSK-001',
      prev_hash: events[2]?.hash,
      hash: events[3]?.hash,
    });
    expect(rows(db)[0]).toMatchObject({ account_id: null, before_json: null, after_json: null, reason: null, approved_by: null });
    // Snapshots are stored canonical: the same state gives the same text whatever the key order.
    const a = log.record({ ...waiver, before: { b: 1, a: [2, { d: 3, c: 4 }] } });
    expect(db.prepare('SELECT before_json FROM audit_events WHERE seq = ?').pluck().get(a.seq)).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(log.verify()).toMatchObject({ ok: true, count: 7 });
  });

  it('continues the chain after the ledger is closed and opened again', async () => {
    const file = path.join(tmpDir(), 'ledger.sqlite');
    const first = await openAudit(file);
    first.log.record(waiver);
    first.db.close();
    const second = await openAudit(file);
    const next = second.log.record(waiver);
    expect(next.seq).toBe(2);
    expect(second.log.verify()).toEqual({ ok: true, count: 2, headHash: next.hash });
  });

  it('records inside the caller’s transaction: commits with the action, rolls back with it', async () => {
    const { db, log } = await openAudit();
    const waive = db.transaction((fail: boolean) => {
      db.prepare(`INSERT INTO meta (key, value) VALUES ('waived', 'yes')`).run();
      log.record(waiver);
      if (fail) throw new Error('the posting failed');
    });
    expect(() => waive(true)).toThrow('the posting failed');
    expect(count(db)).toBe(0);
    waive(false);
    expect(count(db)).toBe(1);
    // The rolled-back event left no gap: the next one is #2 and the chain verifies.
    expect(log.record(waiver).seq).toBe(2);
    expect(log.verify()).toMatchObject({ ok: true, count: 2 });
  });

  it('refuses invalid entries with VALIDATION and writes nothing', async () => {
    const { db, log } = await openAudit();
    const invalid: [unknown, string][] = [
      [{ ...waiver, reason: undefined }, 'reason'],
      [{ ...waiver, reason: '   ' }, 'reason'],
      [{ ...waiver, action: 'customer.unlocked', reason: null }, 'reason'],
      [{ ...waiver, actorKind: 'janitor' }, 'actorKind'],
      [{ ...waiver, actorId: '' }, 'actorId'],
      [{ ...waiver, action: 'waive' }, 'action'],
      [{ ...waiver, action: 'Fee Waived!' }, 'action'],
      [{ ...waiver, approvedBy: waiver.actorId }, 'approvedBy'],
      [{ ...waiver, after: { lateFeeMinor: Number.NaN } }, 'after'],
      [{ ...waiver, reason: 'broken \ud800 text' }, 'reason'],
      [{ ...waiver, who: 'S-1001' }, ''],
    ];
    for (const [entry, field] of invalid) {
      const err = validationError(() => log.record(entry as AuditEntryInput));
      if (field) expect(err.details?.path, JSON.stringify(entry)).toBe(field);
    }
    expect(count(db)).toBe(0);
    // Actions outside the set that needs a reason go without one; '' counts as none.
    expect(log.record({ actorKind: 'system', actorId: 'kiosk', action: 'payment.cardTaken', reason: '' }).reason).toBeNull();
  });

  it('keeps the table append-only: UPDATE and DELETE are refused by triggers', async () => {
    const { db, log } = await openAudit();
    staffDay.forEach((entry) => log.record(entry));
    expect(() => db.prepare(`UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 3`).run()).toThrow('the audit trail is append-only');
    expect(() => db.prepare('DELETE FROM audit_events WHERE seq = 3').run()).toThrow('the audit trail is append-only');
    expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow('the audit trail is append-only');
    expect(log.verify()).toMatchObject({ ok: true, count: 6 });
  });

  it('names exactly the altered event when a row is edited behind the triggers', async () => {
    const { db, log } = await openAudit();
    staffDay.forEach((entry) => log.record(entry));
    dropTriggers(db);
    db.prepare(`UPDATE audit_events SET after_json = '{"lateFeeMinor":250}' WHERE seq = 3`).run();
    expect(log.verify()).toEqual({ ok: false, count: 2, brokenAt: 3, id: idAt(db, 3), problem: 'hash does not match its contents' });
  });

  it('names the event after a deleted one, and notices events removed from the end', async () => {
    const { db, log } = await openAudit();
    staffDay.forEach((entry) => log.record(entry));
    dropTriggers(db);
    db.prepare('DELETE FROM audit_events WHERE seq = 3').run();
    expect(log.verify()).toEqual({ ok: false, count: 2, brokenAt: 4, id: idAt(db, 4), problem: 'event #3 before it is missing' });

    const other = await openAudit();
    staffDay.forEach((entry) => other.log.record(entry));
    dropTriggers(other.db);
    other.db.prepare('DELETE FROM audit_events WHERE seq >= 5').run();
    expect(other.log.verify()).toEqual({ ok: false, count: 4, brokenAt: 5, id: null, problem: 'events #5–#6 are missing at the end' });
    // Writing on does not paper over the gap: the next event is #7.
    expect(other.log.record(waiver).seq).toBe(7);
    expect(other.log.verify()).toMatchObject({ ok: false, brokenAt: 7, problem: 'events #5–#6 before it are missing' });
  });

  it('catches an edit whose hash was recomputed at the next link', async () => {
    const { db, log, chain } = await openAudit();
    const events = staffDay.map((entry) => log.record(entry));
    dropTriggers(db);
    const forged: Omit<AuditEvent, 'hash'> = { ...events[2]!, after: { lateFeeMinor: 250 } };
    // Even a forger holding the audit key (re-hashing one row only) breaks the next link.
    db.prepare(`UPDATE audit_events SET after_json = '{"lateFeeMinor":250}', hash = ? WHERE seq = 3`).run(auditEventHash(forged, chain));
    expect(log.verify()).toEqual({ ok: false, count: 3, brokenAt: 4, id: events[3]?.id, problem: 'prev_hash does not match the hash of event #3' });
  });

  it('property: for any events and any single tampered row, verify names the first broken link', async () => {
    const actors = ['A-1', 'A-2', 'S-9', 'a1'];
    // fast-check's JSON type and zod's differ only in how they spell it.
    const snapshot = fc.option(fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }).map((v) => v as unknown as JsonValue), { nil: null });
    const entry: fc.Arbitrary<AuditEntryInput> = fc
      .record({
        actorKind: fc.constantFrom(...auditActorKinds),
        actorId: fc.constantFrom(...actors),
        approvedBy: fc.option(fc.constantFrom('S-7', 'S-8'), { nil: null }),
        action: fc.constantFrom('fee.waived', 'credit.approved', 'payment.cashTaken', 'session.signedIn', 'account.adjusted', 'order.placed'),
        accountId: fc.option(fc.constantFrom('a1', 'a2'), { nil: null }),
        before: snapshot,
        after: snapshot,
        reason: fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => `why: ${s}`), { nil: null }),
      })
      .map((e) => ({ ...e, reason: e.reason ?? 'needed' }));
    type Column = 'after_json' | 'before_json' | 'reason' | 'actor_id' | 'actor_kind' | 'approved_by' | 'action' | 'account_id' | 'occurred_at' | 'kiosk_id' | 'id' | 'hash' | 'prev_hash';
    const columns: Column[] = ['after_json', 'before_json', 'reason', 'actor_id', 'actor_kind', 'approved_by', 'action', 'account_id', 'occurred_at', 'kiosk_id', 'id', 'hash', 'prev_hash'];
    const tamper = fc.oneof(
      fc.record({ kind: fc.constant('edit' as const), column: fc.constantFrom(...columns) }),
      fc.record({ kind: fc.constant('delete' as const) }),
      fc.record({ kind: fc.constant('rehash' as const) }),
    );
    const changed = (column: Column, value: unknown): string => {
      const v = value as string | null;
      if (column === 'after_json' || column === 'before_json') return JSON.stringify([v === null ? null : (JSON.parse(v) as JsonValue), 'tampered']);
      if (column === 'actor_kind') return auditActorKinds.find((k) => k !== v) as AuditActorKind;
      if (column === 'occurred_at') return new Date(Date.parse(v as string) + 1).toISOString();
      if (column === 'hash' || column === 'prev_hash') return `${(v as string).startsWith('f') ? 'e' : 'f'}${(v as string).slice(1)}`;
      return v === null ? 'tampered' : `${v}x`;
    };

    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 12 }), fc.nat(), tamper, async (entries, pick, how) => {
        const db = await openLedger(':memory:', TEST_LEDGER_KEY);
        try {
          const log = new AuditLog(db, { kioskId: 'KIOSK-001', chain: TEST_AUDIT_CHAIN, now: ticking() });
          const events = entries.map((e) => log.record(e));
          const n = events.length;
          expect(log.verify()).toEqual({ ok: true, count: n, headHash: events[n - 1]?.hash });
          const k = (pick % n) + 1;
          const original = events[k - 1]!;
          dropTriggers(db);
          const result = log.verify.bind(log);
          if (how.kind === 'edit') {
            const value = (db.prepare(`SELECT ${how.column} FROM audit_events WHERE seq = ?`).pluck().get(k) as unknown) ?? null;
            db.prepare(`UPDATE audit_events SET ${how.column} = ? WHERE seq = ?`).run(changed(how.column, value), k);
            const problem = how.column === 'prev_hash' ? auditProblems.link(k - 1) : auditProblems.contents;
            expect(result()).toEqual({ ok: false, count: k - 1, brokenAt: k, id: idAt(db, k), problem });
          } else if (how.kind === 'delete') {
            db.prepare('DELETE FROM audit_events WHERE seq = ?').run(k);
            if (k < n) expect(result()).toEqual({ ok: false, count: k - 1, brokenAt: k + 1, id: events[k]?.id, problem: auditProblems.missing(k, k) });
            else expect(result()).toEqual({ ok: false, count: k - 1, brokenAt: k, id: null, problem: auditProblems.missingTail(k, k) });
          } else {
            // A forger who recomputes the edited row's hash breaks the next link instead.
            const forged = { ...original, reason: `${original.reason ?? ''} (edited)` };
            db.prepare('UPDATE audit_events SET reason = ?, hash = ? WHERE seq = ?').run(forged.reason, auditEventHash(forged, TEST_AUDIT_CHAIN), k);
            if (k < n) expect(result()).toEqual({ ok: false, count: k, brokenAt: k + 1, id: events[k]?.id, problem: auditProblems.link(k) });
            // The last event has no next link: the head kept beside the chain (migration 0017) shows the change.
            else expect(result()).toEqual({ ok: false, count: n, brokenAt: n + 1, id: null, problem: auditProblems.notHead(n, n) });
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});

describe('audit events recorded before they had outbox rows (migration 0013)', () => {
  it('are queued for the hub oldest first, each once, as the log would have sent them', async () => {
    const { db, chain } = await openAudit();
    // The log as it was: events without their outbox rows.
    const silent = new AuditLog(db, { kioskId: 'KIOSK-001', chain, now: ticking(), outbox: { append: () => undefined } as unknown as Outbox });
    const earlier = staffDay.slice(0, 3).map((entry) => silent.record(entry));
    const later = new AuditLog(db, { kioskId: 'KIOSK-001', chain, now: ticking(Date.parse('2026-11-27T09:00:00.000Z')) }).record(staffDay[3]!);
    const outbox = () => db.prepare(`SELECT event_id, event_type, payload FROM outbox ORDER BY device_seq`).all() as { event_id: string; event_type: string; payload: string }[];
    expect(outbox().map((r) => r.event_id)).toEqual([later.id]);

    queueEarlierAuditEvents(db);
    const queued = outbox();
    expect(queued.map((r) => r.event_id)).toEqual([later.id, ...earlier.map((e) => e.id)]);
    expect(queued.every((r) => r.event_type === 'audit.recorded')).toBe(true);
    expect(queued.slice(1).map((r) => JSON.parse(r.payload) as unknown)).toEqual(earlier);
    // Byte for byte what the log sends: the hub hashes the payload to tell a retry from a conflict.
    expect(queued.slice(1).map((r) => r.payload)).toEqual(earlier.map((e) => JSON.stringify(e)));

    queueEarlierAuditEvents(db);
    expect(outbox()).toHaveLength(4);
  });
});

describe('npm run audit:verify', () => {
  const verifyCli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.resolve('electron/core/audit/verify-cli.ts'), ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ...env },
    });

  it('exits 0 with the count and head when the chain verifies, 1 naming the link when a row was altered, 2 when there is nothing to check', async () => {
    const dataDir = tmpDir();
    const { db, log } = await openAudit(path.join(dataDir, 'ledger.sqlite'));
    let head = '';
    db.transaction(() => {
      for (let i = 0; i < 1234; i++) head = log.record(staffDay[i % staffDay.length]!).hash;
    })();
    const broken = idAt(db, 57);
    db.close();

    const ok = verifyCli(['--data', dataDir]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe(`audit chain OK: 1,234 events, head ${head.slice(0, 12)}…`);
    expect(ok.status).toBe(0);
    // The data folder defaults to KIOSK_DATA_DIR, as the browser host's does.
    expect(verifyCli([], { KIOSK_DATA_DIR: dataDir }).status).toBe(0);
    expect(JSON.parse(verifyCli(['--data', dataDir, '--json']).stdout)).toEqual({ ok: true, count: 1234, headHash: head });

    const tamper = await openLedger(path.join(dataDir, 'ledger.sqlite'), kioskKeys(dataDir).ledger);
    dropTriggers(tamper);
    tamper.prepare(`UPDATE audit_events SET reason = 'no reason at all' WHERE seq = 57`).run();
    tamper.close();
    const bad = verifyCli(['--data', dataDir]);
    expect(bad.stdout.trim()).toBe(`audit chain BROKEN at event #57 (id ${broken}): hash does not match its contents; the 56 events before it verify`);
    expect(bad.status).toBe(1);

    const missing = verifyCli(['--data', path.join(dataDir, 'nowhere')]);
    expect(missing.stderr).toContain('No kiosk ledger at');
    expect(missing.status).toBe(2);
    expect(verifyCli(['--datum', dataDir]).status).toBe(2);
  }, 120_000);
});
