import { describe, expect, it } from 'vitest';
import { ledgerAccounts } from '../../shared/sync/changes.ts';
import { KioskError } from '../../shared/errors.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { applySuspense, listSuspense, refundSuspense } from '../../hub/decisions/suspense.ts';
import { httpCommands } from '../../hub/runtime/operator-commands.ts';
import { kioskPayment } from '../helpers/payments.ts';
import { engines, freshDatabases } from './databases.ts';
import { balance, counts, enrolKiosk, feedHead, JAMES_ACCOUNT, NOW, OPERATOR_TOKEN, seededHub } from './push-fixture.ts';

const LATER = new Date('2026-11-27T10:15:00Z');

/** A hub with one kiosk that took two payments for an account the hub does not know: both held in suspense. */
async function withHeldPayments(db: HubDb) {
  const app = await seededHub(db);
  const kiosk = await enrolKiosk(app, db);
  const first = kioskPayment('acct-unknown', 4_200);
  const second = kioskPayment('acct-unknown', 1_500);
  const pushed = await kiosk.push(['payment.recorded', first], ['payment.recorded', second]);
  expect(pushed.results.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
  return { app, kiosk, first, second };
}

async function refusal(promise: Promise<unknown>): Promise<KioskError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KioskError);
  return error as KioskError;
}

describe.each(engines)('suspense on %s', { timeout: 30_000 }, (engine) => {
  const databases = freshDatabases(engine);

  it('applies a held payment to an account once: a balanced payment the branch pulls, with who, when and why', async () => {
    const { db } = await databases.fresh();
    const { kiosk, first, second } = await withHeldPayments(db);
    expect((await listSuspense(db)).map((l) => [l.paymentId, l.amountMinor, l.takenForAccountId, l.status])).toEqual([
      [first.id, 4_200, 'acct-unknown', 'open'],
      [second.id, 1_500, 'acct-unknown', 'open'],
    ]);
    const before = await counts(db);
    const balanceBefore = await balance(db, JAMES_ACCOUNT.id);
    const head = await feedHead(db);

    const applied = await applySuspense(db, first.id, { accountId: JAMES_ACCOUNT.id, by: 'Marta (back office)', note: 'Customer read out the wrong account number; receipt 0042 matches James Taylor.' }, LATER);
    expect(applied).toMatchObject({ paymentId: first.id, action: 'applied', amountMinor: 4_200, currency: 'EUR', accountId: JAMES_ACCOUNT.id, by: 'Marta (back office)', at: LATER.toISOString() });

    // The account's balance goes down by exactly the amount, through one balanced entry.
    expect(await balance(db, JAMES_ACCOUNT.id)).toBe(balanceBefore - 4_200);
    expect(await db.query('SELECT ledger_account, amount_minor FROM postings WHERE entry_id = $1 ORDER BY amount_minor', [applied.entryId])).toEqual([
      { ledger_account: ledgerAccounts.receivable(JAMES_ACCOUNT.id), amount_minor: -4_200 },
      { ledger_account: ledgerAccounts.cash('kiosk-card'), amount_minor: 4_200 },
    ]);
    expect(await db.query('SELECT entry_id FROM postings GROUP BY entry_id HAVING sum(amount_minor) <> 0')).toEqual([]);
    expect(await db.query('SELECT account_id, amount_minor, status, channel, payment_method FROM payments WHERE id = $1', [applied.appliedPaymentId])).toEqual([
      { account_id: JAMES_ACCOUNT.id, amount_minor: 4_200, status: 'done', channel: 'kiosk', payment_method: 'card' },
    ]);
    expect(await counts(db)).toEqual({ ...before, journal_entries: before.journal_entries + 1, postings: before.postings + 2, payments: before.payments + 1, changes: before.changes + 1, suspense_resolutions: 1 });

    // The audit trail and the held row say the same, once.
    expect(await db.query('SELECT action, account_id, applied_payment_id, entry_id, amount_minor, resolved_by, note, resolved_at FROM suspense_resolutions')).toEqual([
      {
        action: 'applied',
        account_id: JAMES_ACCOUNT.id,
        applied_payment_id: applied.appliedPaymentId,
        entry_id: applied.entryId,
        amount_minor: 4_200,
        resolved_by: 'Marta (back office)',
        note: 'Customer read out the wrong account number; receipt 0042 matches James Taylor.',
        resolved_at: LATER,
      },
    ]);
    expect(await db.query('SELECT status, resolved_by, resolution_entry_id FROM suspense_payments WHERE payment_id = $1', [first.id])).toEqual([
      { status: 'applied', resolved_by: 'Marta (back office)', resolution_entry_id: applied.entryId },
    ]);
    expect((await listSuspense(db)).map((l) => l.paymentId)).toEqual([second.id]);

    // The branch's kiosks pull it as a payment of the account.
    const pulled = await kiosk.pull(head);
    expect(pulled.changes.map((c) => c.change)).toEqual([
      expect.objectContaining({ type: 'payment.recorded', id: applied.appliedPaymentId, accountId: JAMES_ACCOUNT.id, amountMinor: 4_200, targetBillNo: null, entry: expect.objectContaining({ idempotencyKey: `suspense:${first.id}` }) }),
    ]);

    // A second resolution of the same payment is refused and changes nothing.
    const settled = await counts(db);
    const again = await refusal(applySuspense(db, first.id, { accountId: JAMES_ACCOUNT.id, by: 'Luis', note: 'again' }, LATER));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toContain(`was already applied to account ${JAMES_ACCOUNT.id} by Marta (back office)`);
    expect((await refusal(refundSuspense(db, first.id, { by: 'Luis', note: 'give it back' }, LATER))).code).toBe('CONFLICT');
    expect(await counts(db)).toEqual(settled);
    expect(await balance(db, JAMES_ACCOUNT.id)).toBe(balanceBefore - 4_200);
  });

  it('refuses an unknown account, another currency, an unknown payment or a missing note, and changes nothing', async () => {
    const { db } = await databases.fresh();
    const { first } = await withHeldPayments(db);
    const before = await counts(db);
    const by = 'Marta';
    const unknownAccount = await refusal(applySuspense(db, first.id, { accountId: 'acct-nobody', by, note: 'n' }, LATER));
    expect([unknownAccount.code, unknownAccount.message]).toEqual(['NOT_FOUND', 'There is no billing account acct-nobody; nothing was changed.']);
    const pounds = await refusal(applySuspense(db, first.id, { accountId: 'acct-gbp', by, note: 'n' }, LATER));
    expect([pounds.code, pounds.message]).toEqual(['VALIDATION', `Payment ${first.id} is in EUR but account acct-gbp is kept in GBP; nothing was changed.`]);
    expect((await refusal(refundSuspense(db, 'no-such-payment', { by, note: 'n' }, LATER))).code).toBe('NOT_FOUND');
    for (const missing of [{ by, note: '   ' }, { by: '', note: 'refund' }]) {
      const invalid = await refusal(refundSuspense(db, first.id, missing, LATER));
      expect(invalid.code).toBe('VALIDATION');
    }
    expect(await counts(db)).toEqual(before);
    expect((await listSuspense(db)).map((l) => l.status)).toEqual(['open', 'open']);
  });

  it('refunds a held payment with no posting, once, and keeps the trail append-only', async () => {
    const { db } = await databases.fresh();
    const { second } = await withHeldPayments(db);
    const before = await counts(db);
    const refunded = await refundSuspense(db, second.id, { by: 'Luis (store manager)', note: 'Customer has no account with us; 15.00 returned in cash against receipt.' }, LATER);
    expect(refunded).toMatchObject({ action: 'refunded', amountMinor: 1_500, accountId: null, entryId: null, appliedPaymentId: null });
    expect(await counts(db)).toEqual({ ...before, suspense_resolutions: 1 });
    expect((await listSuspense(db, { all: true })).find((l) => l.paymentId === second.id)).toMatchObject({
      status: 'refunded',
      resolution: { action: 'refunded', by: 'Luis (store manager)', note: 'Customer has no account with us; 15.00 returned in cash against receipt.', at: LATER.toISOString() },
    });
    expect((await refusal(refundSuspense(db, second.id, { by: 'Luis', note: 'twice' }, LATER))).message).toContain('was already refunded by Luis (store manager)');

    await expect(db.query(`UPDATE suspense_resolutions SET note = 'edited'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM suspense_resolutions`)).rejects.toThrow(/append-only/);
    await expect(db.query(`UPDATE suspense_payments SET status = 'open', resolved_at = NULL WHERE payment_id = $1`, [second.id])).rejects.toThrow(/resolved once/);
    await expect(db.query(`UPDATE suspense_payments SET amount_minor = 1 WHERE status = 'open'`)).rejects.toThrow(/resolved once/);
    await expect(db.query(`DELETE FROM suspense_payments`)).rejects.toThrow(/resolved once/);
  });

  it('is what the CLI does against a running hub, through the operator API', async () => {
    const { db } = await databases.fresh();
    const { app, first, second } = await withHeldPayments(db);
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const operator = httpCommands(baseUrl, OPERATOR_TOKEN);
      expect((await operator.suspense({ all: false })).map((l) => l.paymentId)).toEqual([first.id, second.id]);
      const applied = await operator.applySuspense(first.id, { accountId: JAMES_ACCOUNT.id, by: 'Marta', note: 'matched by receipt' });
      expect(applied).toMatchObject({ action: 'applied', accountId: JAMES_ACCOUNT.id, at: NOW.toISOString() });
      await expect(operator.applySuspense(first.id, { accountId: JAMES_ACCOUNT.id, by: 'Marta', note: 'again' })).rejects.toThrow(/already applied/);
      await expect(operator.applySuspense(second.id, { accountId: 'acct-nobody', by: 'Marta', note: 'n' })).rejects.toThrow('There is no billing account acct-nobody; nothing was changed.');
      await expect(operator.refundSuspense(second.id, { by: 'Marta', note: '' })).rejects.toThrow(/note: a note saying why is required/);
      expect(await operator.refundSuspense(second.id, { by: 'Marta', note: 'returned in cash' })).toMatchObject({ action: 'refunded' });
      expect(await operator.suspense({ all: false })).toEqual([]);
      expect((await operator.suspense({ all: true })).map((l) => [l.status, l.branchId])).toEqual([
        ['applied', demoBranch.id],
        ['refunded', demoBranch.id],
      ]);
      expect((await app.inject({ url: '/operator/v1/suspense' })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
