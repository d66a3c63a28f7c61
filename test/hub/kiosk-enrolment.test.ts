import { fileKeyStore, keyDirFor } from '../../electron/core/security/key-store.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { enrolWithHub, FileCredentialStore } from '../../electron/core/sync/enrolment.ts';
import { HttpTransport } from '../../electron/core/sync/transport.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { buildHub } from '../../hub/server.ts';
import { engines, freshDatabases } from './databases.ts';

/** A kiosk enrolling itself at a real hub over HTTP, and keeping its credential. */
describe.each(engines)('kiosk enrolment against the hub on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('trades a code for a credential kept only for its owner, and syncs with it; a used code, another branch’s code or no hub keep nothing', async () => {
    const { db } = await databases.fresh();
    for (const [id, name] of [
      ['MAD-01', 'Madrid Gran Vía'],
      ['BCN-01', 'Barcelona Diagonal'],
    ]) {
      await db.query(`INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES ($1, $2, 'EUR', '34', 'Europe/Madrid')`, [id, name]);
    }
    const app = await buildHub({ db, now: () => TEST_NOW });
    const hubUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'onebill-enrol-'));
      const store = new FileCredentialStore(dataDir);
      expect(store.read()).toBeNull();
      const keys = fileKeyStore(keyDirFor(dataDir));
      const enrol = (code: string) => enrolWithHub({ hubUrl, code, deviceName: 'Kiosk 1', branchId: 'MAD-01', store, keys, auditKeyedFrom: 1 });

      const { code } = await issueEnrolmentCode(db, { branchId: 'MAD-01', now: TEST_NOW });
      const kept = await enrol(code.toLowerCase());
      expect(kept).toMatchObject({ hubUrl, branchId: 'MAD-01' });
      expect(store.read()).toEqual(kept);
      const file = path.join(dataDir, 'hub-credential.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);

      // The credential works for sync calls.
      const page = await new HttpTransport({ baseUrl: hubUrl, credential: kept.credential, timeoutMs: 10_000 }).pull(0, 10);
      expect(page).toMatchObject({ protocolVersion: 1, cursor: 0, hasMore: false, changes: [] });

      // Used once: refused with the hub's words, and the credential kept stays as it was.
      await expect(enrol(code)).rejects.toMatchObject({ kind: 'unauthorized', message: 'This enrolment code is not valid: it is unknown, already used or expired. Check it, or ask headquarters for a new one.' });
      // A code for another branch: refused here, nothing kept.
      const other = await issueEnrolmentCode(db, { branchId: 'BCN-01', now: TEST_NOW });
      await expect(enrol(other.code)).rejects.toMatchObject({ kind: 'protocol', message: 'that code enrols a kiosk of branch BCN-01; this kiosk is set up for MAD-01' });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(kept);
      expect(existsSync(`${file}.tmp`)).toBe(false);
    } finally {
      await app.close();
    }
    // No hub at that address: offline, nothing kept.
    const empty = new FileCredentialStore(mkdtempSync(path.join(os.tmpdir(), 'onebill-enrol-')));
    await expect(enrolWithHub({ hubUrl, code: 'ABCD-EFGH-JKMN-PQRS', deviceName: 'Kiosk 2', branchId: 'MAD-01', store: empty, keys: fileKeyStore(keyDirFor(mkdtempSync(path.join(os.tmpdir(), 'onebill-enrol-')))), auditKeyedFrom: 1, timeoutMs: 2_000 })).rejects.toMatchObject({ kind: 'offline' });
    expect(empty.read()).toBeNull();
  }, 60_000);
});
