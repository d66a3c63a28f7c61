import { openKioskLedger } from '../helpers/ledger-file.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeOf } from '../../shared/sync/changes.ts';
import { PROTOCOL_VERSION, SCHEMA_VERSION, type PullResponse } from '../../shared/sync/protocol.ts';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { PullApplier } from '../../electron/core/sync/pull-applier.ts';
import { JAMES } from '../helpers/customers.ts';
import { ok, useCores } from '../helpers/signed-in.ts';

const { signedIn } = useCores();
const ledgers: BetterSqlite3.Database[] = [];
afterEach(() => ledgers.splice(0).forEach((l) => l.close()));

/** James signed in at a kiosk, with a writable handle on its ledger for the pulled changes. */
async function kiosk() {
  const session = await signedIn(JAMES);
  const ledger = openKioskLedger(session.dataDir);
  ledgers.push(ledger);
  const accountId = ledger.prepare(`SELECT id FROM billing_accounts WHERE account_no = ?`).pluck().get(JAMES.identifier) as string;
  return { ...session, ledger, accountId, applier: new ChangeApplier(ledger) };
}

const decidedAt = '2026-11-27T10:00:00.000Z';

describe('the kiosk applying headquarters’ decisions', { timeout: 60_000 }, () => {
  it('records a credit decision on its request and takes the limit headquarters decided, once', async () => {
    const { core, ledger, accountId, applier } = await kiosk();
    const limit = (await ok(core, 'credit.status', {})).creditLimit.amountMinor;
    const request = await ok(core, 'credit.request', { requestId: randomUUID(), requestedLimitMinor: limit + 5_000 });
    expect(request).toMatchObject({ decision: 'approve', creditLimit: { amountMinor: limit + 5_000 }, referred: null });

    // Beyond the branch's allowance and not what the engine would grant: headquarters takes the raise back.
    const reduced: ChangeOf<'credit.decided'> = {
      type: 'credit.decided',
      id: request.requestId,
      accountId,
      decision: 'decline',
      status: 'declined',
      creditLimitMinor: limit,
      offline: 'reduced',
      reasons: [{ code: 'OFFLINE_ALLOWANCE_EXCEEDED', text: 'Beyond the allowance.', params: { grantedMinor: 5_000 } }],
      decidedAt,
    };
    expect(applier.apply([reduced])).toEqual({ applied: 1, duplicates: 0 });
    const row = () => ledger.prepare('SELECT decision, granted_limit_minor, status, central_decision, central_status, central_limit_minor, offline_outcome, central_reasons, decided_at FROM credit_requests WHERE id = ?').get(request.requestId);
    expect(row()).toEqual({
      decision: 'approve',
      granted_limit_minor: limit + 5_000,
      status: 'decided',
      central_decision: 'decline',
      central_status: 'declined',
      central_limit_minor: limit,
      offline_outcome: 'reduced',
      central_reasons: JSON.stringify(reduced.reasons),
      decided_at: decidedAt,
    });
    expect((await ok(core, 'credit.status', {})).creditLimit.amountMinor).toBe(limit);
    expect(applier.apply([reduced])).toEqual({ applied: 0, duplicates: 1 });

    // Another kiosk's request for the same account: only the limit lands here.
    const elsewhere = { ...reduced, id: randomUUID(), decision: 'approve' as const, status: 'approved' as const, creditLimitMinor: limit + 2_000, offline: null };
    expect(applier.apply([elsewhere])).toEqual({ applied: 1, duplicates: 0 });
    expect(ledger.prepare('SELECT count(*) FROM credit_requests').pluck().get()).toBe(1);
    expect((await ok(core, 'credit.status', {})).creditLimit.amountMinor).toBe(limit + 2_000);
  });

  it('keeps a referred request open for staff', async () => {
    const { core, ledger, accountId, applier } = await kiosk();
    const limit = (await ok(core, 'credit.status', {})).creditLimit.amountMinor;
    const request = await ok(core, 'credit.request', { requestId: randomUUID(), requestedLimitMinor: limit + 5_000 });
    applier.apply([{ type: 'credit.decided', id: request.requestId, accountId, decision: 'refer', status: 'referred', creditLimitMinor: limit + 5_000, offline: 'keptForReview', reasons: [], decidedAt }]);
    expect(ledger.prepare('SELECT status, central_status FROM credit_requests WHERE id = ?').get(request.requestId)).toEqual({ status: 'open', central_status: 'referred' });
    expect((await ok(core, 'credit.status', {})).pendingRequest).not.toBeNull();
  });

  it('moves its order to the state headquarters decided, which frees the service for another order', async () => {
    const { core, ledger, accountId, applier } = await kiosk();
    const xs = (await ok(core, 'account.overview', {})).services.find((s) => s.planName === 'Mobile XS 3 GB') as { id: string };
    const action = { action: 'change' as const, productId: xs.id, offeringId: 'MOB-S' };
    const order = await ok(core, 'order.submit', { requestId: randomUUID(), order: action });
    expect((await ok(core, 'order.preview', action)).reasons.map((r) => r.code)).toContain('ORDER_PENDING');

    const failed: ChangeOf<'order.decided'> = { type: 'order.decided', id: order.id, accountId, state: 'failed', reasons: [{ code: 'EXCEEDS_CREDIT_LIMIT', text: 'Over the limit.', params: {} }], decidedAt };
    expect(applier.apply([failed])).toEqual({ applied: 1, duplicates: 0 });
    expect(ledger.prepare('SELECT state, decision_reasons, decided_at FROM product_orders WHERE id = ?').get(order.id)).toEqual({ state: 'failed', decision_reasons: JSON.stringify(failed.reasons), decided_at: decidedAt });
    expect(applier.apply([failed])).toEqual({ applied: 0, duplicates: 1 });
    expect((await ok(core, 'order.preview', action)).reasons.map((r) => r.code)).not.toContain('ORDER_PENDING');
  });

  it('parks a decision it cannot read instead of failing the page; one for an order it does not hold changes nothing', async () => {
    const { ledger, applier, accountId } = await kiosk();
    const pull = new PullApplier(ledger, applier);
    const page: PullResponse = {
      protocolVersion: PROTOCOL_VERSION,
      schemaVersion: SCHEMA_VERSION,
      cursor: 2,
      hasMore: false,
      changes: [
        { serverSeq: 1, change: { type: 'credit.decided', id: 'r1', accountId, decision: 'approve', status: 'maybe', creditLimitMinor: 1, offline: null, reasons: [], decidedAt } },
        { serverSeq: 2, change: { type: 'order.decided', id: 'o1', accountId, state: 'completed', reasons: [], decidedAt } },
      ],
    };
    expect(pull.apply(page, TEST_NOW)).toEqual({ applied: 0, duplicates: 1, parked: 1 });
    expect(ledger.prepare('SELECT server_seq FROM parked_changes').pluck().all()).toEqual([1]);
  });
});
