import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEventHash, eventOfRow, type AuditEvent, type AuditRow } from '../../electron/core/audit/audit-log.ts';
import type { Database } from '../../electron/core/ledger/db.ts';
import { OutboxQueue } from '../../electron/core/sync/outbox-queue.ts';
import { verifyAuditChains } from '../../hub/audit/chain.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../shared/sync/protocol.ts';
import { engines, freshDatabases } from '../hub/databases.ts';
import { NOW, seededHub } from '../hub/push-fixture.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';
import { openKioskLedger, testEnrolment } from '../helpers/ledger-file.ts';
import { ELENA, JAMES } from '../helpers/signed-in.ts';

// Someone who can write to a kiosk's ledger (a tool on its disk, an insider) edits an audit row
// and, so that nothing looks broken, hashes that row and every one after it again, as plain
// SHA-256 let anyone do. The chain is HMAC'd with the kiosk's audit key (its key store, and the
// hub's copy from enrolment): without that key the re-hashed chain verifies neither on the kiosk
// (`npm run audit:verify`) nor at headquarters.

const auditVerify = (dataDir: string) =>
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
    expect(auditVerify(dataDir)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^audit chain OK: 3 events/) });

    // The failed attempt (#1) rewritten as a success, then #1 to #3 hashed again.
    const ledger = openKioskLedger(dataDir);
    const asSuccess = (e: AuditEvent): AuditEvent => ({ ...e, after: { via: 'account', note: 'nothing happened' } });
    // A forger who re-hashed with plain SHA-256 (what passed before).
    editAndRehashOnward(ledger, 1, asSuccess, (e) => auditEventHash(e, { key: null, keyedFrom: 1 }));
    expect(auditVerify(dataDir)).toMatchObject({ status: 1, stdout: expect.stringContaining('audit chain BROKEN at event #1') });
    expect(auditVerify(dataDir).stdout).toContain('hash does not match its contents');
    // A forger with a key of their own fares no better.
    editAndRehashOnward(ledger, 1, asSuccess, (e) => auditEventHash(e, { key: randomBytes(32), keyedFrom: 1 }));
    expect(auditVerify(dataDir)).toMatchObject({ status: 1, stdout: expect.stringContaining('audit chain BROKEN at event #1 ') });

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
