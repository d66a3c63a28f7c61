import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Change, ledgerAccounts, type ChangeOf } from '../../shared/sync/changes.ts';
import { KioskError } from '../../shared/errors.ts';
import type { HubDb, HubQueryable } from '../db/hub-db.ts';
import { parseInput } from '../parse-input.ts';
import { writeChanges } from '../ledger/change-writer.ts';
import { lockFeed } from '../ledger/feed.ts';

/**
 * Suspense (docs/architecture.md §4): a payment a kiosk took for an account the hub does not know is held in
 * `suspense_payments` until staff resolve it, once, with who, when and why
 * (`suspense_resolutions`, append-only):
 *
 * - apply: the payment is posted to the billing account staff name, as a payment.recorded fact
 *   through the change writer (a balanced entry: the cash it came in as debited, the account's
 *   receivable credited by the same amount), so the account's branch kiosks pull it. Refused,
 *   changing nothing, for an unknown account or one kept in another currency.
 * - refund: the money goes back to the customer. A held payment was never posted (the journal
 *   needs an account for every entry, and the hub had none), so nothing was ever in the ledger to
 *   reverse: a refund posts nothing and is recorded as a resolution only. Until resolved, what
 *   is held is off the ledger and listed here; the kiosks' takings are reconciled against the
 *   books as posted cash + open suspense + refunded suspense.
 */

/** Who resolves and why, required; said in the audit trail as given. */
export const ResolutionInput = z.object({
  by: z.string().trim().min(1, 'say who resolves it').max(100),
  note: z.string().trim().min(1, 'a note saying why is required').max(500),
});
export type ResolutionInput = z.infer<typeof ResolutionInput>;

const Id = z.string().trim().min(1).max(64);
export const ApplyInput = ResolutionInput.extend({ accountId: Id });
export type ApplyInput = z.infer<typeof ApplyInput>;

export const SuspenseLine = z.object({
  paymentId: z.string(),
  /** The account the kiosk took it for, unknown to the hub. */
  takenForAccountId: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  paymentMethod: z.string(),
  branchId: z.string(),
  deviceId: z.string(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  status: z.enum(['open', 'applied', 'refunded']),
  resolution: z
    .object({ action: z.enum(['applied', 'refunded']), accountId: z.string().nullable(), appliedPaymentId: z.string().nullable(), entryId: z.string().nullable(), by: z.string(), note: z.string(), at: z.string() })
    .nullable(),
});
export type SuspenseLine = z.infer<typeof SuspenseLine>;

export const Resolution = z.object({
  paymentId: z.string(),
  action: z.enum(['applied', 'refunded']),
  amountMinor: z.number().int(),
  currency: z.string(),
  accountId: z.string().nullable(),
  appliedPaymentId: z.string().nullable(),
  entryId: z.string().nullable(),
  by: z.string(),
  note: z.string(),
  at: z.string(),
});
export type Resolution = z.infer<typeof Resolution>;

interface HeldRow {
  payment_id: string;
  account_id: string;
  amount_minor: number;
  currency: string;
  branch_id: string;
  device_id: string;
  fact: unknown;
  received_at: Date;
  status: SuspenseLine['status'];
  action: 'applied' | 'refunded' | null;
  resolved_account_id: string | null;
  applied_payment_id: string | null;
  entry_id: string | null;
  resolved_by: string | null;
  note: string | null;
  resolved_at: Date | null;
}

const SELECT_HELD = `
  SELECT s.payment_id, s.account_id, s.amount_minor, s.currency, s.branch_id, s.device_id, s.fact, s.received_at, s.status,
         r.action, r.account_id AS resolved_account_id, r.applied_payment_id, r.entry_id, r.resolved_by, r.note, r.resolved_at
    FROM suspense_payments s LEFT JOIN suspense_resolutions r ON r.payment_id = s.payment_id`;

/** Held payments, oldest first: the open ones, or all with how each was resolved. */
export async function listSuspense(q: HubQueryable, options: { all?: boolean } = {}): Promise<SuspenseLine[]> {
  const rows = await q.query<HeldRow & Record<string, unknown>>(`${SELECT_HELD} WHERE $1 OR s.status = 'open' ORDER BY s.received_at, s.device_id, s.device_seq`, [options.all ?? false]);
  return rows.map(toLine);
}

/** Posts a held payment to `accountId` (see the module comment). */
export async function applySuspense(db: HubDb, paymentId: string, input: ApplyInput, now: Date): Promise<Resolution> {
  const { accountId, by, note } = parseInput(ApplyInput, input, 'resolution');
  // Chosen once, outside the transaction, so a retried transaction writes the same payment.
  const appliedPaymentId = randomUUID();
  return db.transaction(async (tx) => {
    // The feed's lock before any read, as every writer to the feed takes it (hub/ledger/feed.ts).
    await lockFeed(tx);
    const held = await openHeld(tx, paymentId);
    const [account] = await tx.query<{ currency: string }>('SELECT currency FROM billing_accounts WHERE id = $1', [accountId]);
    if (!account) throw new KioskError('NOT_FOUND', `There is no billing account ${accountId}; nothing was changed.`);
    if (account.currency !== held.currency) {
      throw new KioskError('VALIDATION', `Payment ${paymentId} is in ${held.currency} but account ${accountId} is kept in ${account.currency}; nothing was changed.`);
    }
    const applied = postedTo(held, accountId, appliedPaymentId);
    await writeChanges(tx, [applied]);
    return resolve(tx, held, { action: 'applied', accountId, appliedPaymentId, entryId: applied.entry.id, by, note, at: now });
  });
}

/** Records that a held payment was given back (see the module comment: nothing to post). */
export async function refundSuspense(db: HubDb, paymentId: string, input: ResolutionInput, now: Date): Promise<Resolution> {
  const { by, note } = parseInput(ResolutionInput, input, 'resolution');
  return db.transaction(async (tx) => {
    const held = await openHeld(tx, paymentId);
    return resolve(tx, held, { action: 'refunded', accountId: null, appliedPaymentId: null, entryId: null, by, note, at: now });
  });
}

/** The held payment, locked, if it is still open; a clear refusal otherwise. */
async function openHeld(tx: HubQueryable, paymentId: string): Promise<HeldRow> {
  await tx.query('SELECT 1 FROM suspense_payments WHERE payment_id = $1 FOR UPDATE', [paymentId]);
  const [held] = await tx.query<HeldRow & Record<string, unknown>>(`${SELECT_HELD} WHERE s.payment_id = $1`, [paymentId]);
  if (!held) throw new KioskError('NOT_FOUND', `No payment ${paymentId} is held in suspense.`);
  if (held.status !== 'open') {
    const line = toLine(held);
    const how = line.resolution?.action === 'applied' ? `applied to account ${line.resolution.accountId ?? ''}` : 'refunded';
    throw new KioskError('CONFLICT', `Payment ${paymentId} was already ${how} by ${line.resolution?.by ?? '?'} at ${line.resolution?.at ?? '?'}; nothing was changed.`, {
      resolution: line.resolution,
    });
  }
  return held;
}

/** The held fact, posted to another account: the same money, method and cash account; a new payment id and idempotency key. */
function postedTo(held: HeldRow, accountId: string, appliedPaymentId: string): ChangeOf<'payment.recorded'> {
  const fact = Change.parse(held.fact);
  if (fact.type !== 'payment.recorded') throw new Error(`suspense payment ${held.payment_id} does not hold a payment`);
  const from = ledgerAccounts.receivable(fact.accountId);
  return {
    ...fact,
    id: appliedPaymentId,
    accountId,
    // The bill it named was the unknown account's.
    targetBillNo: null,
    entry: {
      ...fact.entry,
      id: `entry-${appliedPaymentId}`,
      idempotencyKey: `suspense:${held.payment_id}`,
      accountId,
      origin: 'hub',
      postings: fact.entry.postings.map((p) => (p.ledgerAccount === from ? { ...p, ledgerAccount: ledgerAccounts.receivable(accountId) } : p)),
    },
  };
}

async function resolve(tx: HubQueryable, held: HeldRow, r: { action: Resolution['action']; accountId: string | null; appliedPaymentId: string | null; entryId: string | null; by: string; note: string; at: Date }): Promise<Resolution> {
  await tx.query(
    `INSERT INTO suspense_resolutions (payment_id, action, account_id, applied_payment_id, entry_id, amount_minor, currency, resolved_by, note, resolved_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [held.payment_id, r.action, r.accountId, r.appliedPaymentId, r.entryId, held.amount_minor, held.currency, r.by, r.note, r.at],
  );
  await tx.query(
    `UPDATE suspense_payments SET status = $2, resolved_at = $3, resolved_by = $4, resolution_note = $5, resolution_entry_id = $6 WHERE payment_id = $1 AND status = 'open'`,
    [held.payment_id, r.action, r.at, r.by, r.note, r.entryId],
  );
  return { paymentId: held.payment_id, action: r.action, amountMinor: held.amount_minor, currency: held.currency, accountId: r.accountId, appliedPaymentId: r.appliedPaymentId, entryId: r.entryId, by: r.by, note: r.note, at: r.at.toISOString() };
}

/** What a listing shows of the held fact (the whole fact is parsed when it is applied). */
const HeldFact = z.object({ paymentMethod: z.string(), entry: z.object({ occurredAt: z.string() }) });

function toLine(r: HeldRow): SuspenseLine {
  const fact = HeldFact.safeParse(r.fact);
  return {
    paymentId: r.payment_id,
    takenForAccountId: r.account_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    paymentMethod: fact.success ? fact.data.paymentMethod : '?',
    branchId: r.branch_id,
    deviceId: r.device_id,
    occurredAt: fact.success ? fact.data.entry.occurredAt : '',
    receivedAt: r.received_at.toISOString(),
    status: r.status,
    resolution:
      r.action === null
        ? null
        : {
            action: r.action,
            accountId: r.resolved_account_id,
            appliedPaymentId: r.applied_payment_id,
            entryId: r.entry_id,
            by: r.resolved_by ?? '',
            note: r.note ?? '',
            at: (r.resolved_at as Date).toISOString(),
          },
  };
}
