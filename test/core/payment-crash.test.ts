import { openKioskLedger } from '../helpers/ledger-file.ts';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { freshDataDir, startTestCore } from '../helpers/demo-ledger.ts';

describe('payment safety with real processes', () => {
  it('a core killed between the terminal’s approval and the ledger write posts and receipts the payment exactly once after a restart', async () => {
    const dataDir = await freshDataDir();
    const requestId = '0193d2a0-0000-7000-8000-00000000c0de';
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('test/core/fixtures/pay-then-crash.ts'), dataDir, requestId, '4200'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.signal, child.stderr).toBe('SIGKILL');

    const ledger = () => openKioskLedger(dataDir, { readonly: true });
    const before = ledger();
    // The crash left the intent committed and open, and no payment.
    expect(before.prepare('SELECT status FROM payment_intents WHERE request_id = ?').pluck().get(requestId)).toBe('pending');
    expect(before.prepare(`SELECT COUNT(*) FROM payments WHERE channel = 'kiosk'`).pluck().get()).toBe(0);
    before.close();

    for (let restart = 0; restart < 2; restart++) {
      const { core } = await startTestCore({}, dataDir);
      const db = ledger();
      expect(db.prepare('SELECT status FROM payment_intents WHERE request_id = ?').pluck().get(requestId)).toBe('approved');
      expect(db.prepare(`SELECT amount_minor FROM payments WHERE channel = 'kiosk'`).pluck().all()).toEqual([4200]);
      expect(db.prepare(`SELECT COUNT(*) FROM receipts`).pluck().get()).toBe(1);
      expect(db.prepare(`SELECT COUNT(*) FROM outbox WHERE event_type = 'payment.recorded'`).pluck().get()).toBe(1);
      // The screen retrying the same request after the restart gets the settled payment, not a second charge.
      expect((await core.dispatch('session.signIn', { identifier: '4000000002', pin: '1234' })).ok).toBe(true);
      const retry = await core.dispatch('payment.start', { requestId, amountMinor: 4200, billNo: null, method: 'card', language: 'en' });
      expect(retry).toMatchObject({ ok: true, value: { status: 'approved', amountTaken: { amountMinor: 4200 }, receipt: { amount: { amountMinor: 4200 } } } });
      expect(db.prepare(`SELECT COUNT(*) FROM payments WHERE channel = 'kiosk'`).pluck().get()).toBe(1);
      db.close();
      core.close();
    }
  }, 180_000);
});
