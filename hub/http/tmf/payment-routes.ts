import type { FastifyInstance } from 'fastify';
import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { ledgerAccounts, type ChangeOf } from '../../../shared/sync/changes.ts';
import { KioskError } from '../../../shared/errors.ts';
import { factHash } from '../../../shared/node/hash.ts';
import type { HubQueryable } from '../../db/hub-db.ts';
import type { HubLimits } from '../../runtime/limits.ts';
import { parseInput } from '../../parse-input.ts';
import { parseChanges, writeChanges } from '../../ledger/change-writer.ts';
import { runList, type ListSource, type ResourceSpec } from '../../tmf/list.ts';
import { parseFields, parseListQuery, project, sendList } from './query.ts';
import { moneyOf, paymentRows } from '../../tmf/readers.ts';
import { href, methodTypes, paths, payment, type PaymentRow, type TmfPayment } from '../../tmf/resources.ts';
import { FieldsQuery, IdParams, type TmfRouteOptions } from './shared.ts';
import { minorFromTmfValue } from '../../tmf/values.ts';

export const paymentSpec: ResourceSpec<TmfPayment> = {
  attributes: [
    'correlatorId', 'authorizationCode', 'paymentDate', 'status', 'statusDate', 'amount', 'totalAmount', 'account', 'payer',
    'channel', 'paymentMethod', 'pointOfInteraction', 'paymentItem',
  ],
  filters: {
    id: { column: 'p.id' },
    status: { column: 'p.status' },
    correlatorId: { column: 'p.correlator_id' },
    'account.id': { column: 'p.account_id' },
    channel: { column: 'p.channel' },
    'channel.id': { column: 'p.channel' },
    pointOfInteraction: { column: 'p.point_of_interaction' },
  },
  narrowing: { filters: ['id', 'account.id'], always: false },
};

function source(q: HubQueryable, now: () => Date): ListSource<PaymentRow, TmfPayment> {
  return {
    ...paymentRows(q),
    async build(rows) {
      const money = await moneyOf(q, rows, now());
      return rows.map((row) => payment(row, money.get(row.account_id)));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// POST payment

/** Payment ids made from a correlatorId live in this namespace (a fixed, random UUID). */
const CORRELATOR_NAMESPACE = '5b0f7c2e-8d3a-4f61-9a57-2f0c4d8e1b93';
/** How far ahead of the hub's clock a paymentDate may be (the sender's clock may run a little fast). */
const CLOCK_SKEW_MS = 5 * 60_000;

const TmfMoneyIn = z.object({ unit: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code'), value: z.number().finite() }).strict();
const refTo = (type: string) =>
  z.object({ id: z.string().min(1).max(64), href: z.string().max(500).optional(), name: z.string().max(200).optional(), '@referredType': z.literal(type).optional() }).strict();

/**
 * TMF676 Payment_Create, as far as the ledger records it. Something to make retries safe is
 * required: a `correlatorId` (the sender's reference, e.g. the bank transfer's) or an `id`.
 * Kiosks record their own payments through sync, so the kiosk channel is not offered here.
 */
const PaymentCreate = z
  .object({
    '@type': z.literal('Payment').optional(),
    // 58: the journal entry's id is `entry-<id>` and ids are at most 64 characters.
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,58}$/, 'letters, digits and . _ : - (at most 58)').optional(),
    // NFC: the same reference typed with composed or decomposed accents names the same payment.
    correlatorId: z.string().trim().min(1).max(200).transform((c) => c.normalize('NFC')).optional(),
    account: refTo('BillingAccount'),
    amount: TmfMoneyIn.optional(),
    totalAmount: TmfMoneyIn.optional(),
    paymentMethod: z.object({ '@type': z.enum(Object.values(methodTypes) as [string, ...string[]]), name: z.string().max(200).optional() }).strict(),
    channel: z.object({ id: z.enum(['bank', 'online', 'store']), name: z.string().max(200).optional(), '@referredType': z.literal('Channel').optional() }).strict().optional(),
    paymentDate: z.iso.datetime({ offset: true }).optional(),
    authorizationCode: z.string().min(1).max(64).optional(),
    pointOfInteraction: z.string().min(1).max(64).optional(),
    paymentItem: z
      .array(z.object({ item: refTo('CustomerBill'), amount: TmfMoneyIn.optional(), '@type': z.literal('PaymentItem').optional() }).strict())
      .max(1, 'a payment names at most one bill; the allocation pays it first, then the oldest')
      .optional(),
  })
  .strict()
  .refine((p) => p.id !== undefined || p.correlatorId !== undefined, { message: 'give a correlatorId (or an id), so that a retry cannot record the payment twice' })
  .refine((p) => p.amount !== undefined || p.totalAmount !== undefined, { message: 'give totalAmount (or amount)', path: ['totalAmount'] });
type PaymentCreate = z.infer<typeof PaymentCreate>;

const methodOfType = Object.fromEntries(Object.entries(methodTypes).map(([method, type]) => [type, method])) as Record<string, ChangeOf<'payment.recorded'>['paymentMethod']>;
const channelOfMethod = { card: 'online', cash: 'store', directDebit: 'bank', bankTransfer: 'bank' } as const;

/** The amount in minor units: totalAmount and amount (no tax on a payment) must agree, as must a paymentItem's. */
function amountOf(body: PaymentCreate): { minor: number; currency: string } {
  const given = [body.totalAmount, body.amount, body.paymentItem?.[0]?.amount].filter((m) => m !== undefined);
  const amounts = given.map((m) => ({ currency: m.unit, minor: minorFromTmfValue(m.value, m.unit) }));
  const first = amounts[0];
  if (!first || first.minor === null) throw new KioskError('VALIDATION', 'totalAmount.value must be an amount with no more decimals than its currency has.');
  if (amounts.some((a) => a.minor !== first.minor || a.currency !== first.currency)) {
    throw new KioskError('VALIDATION', 'totalAmount, amount and the paymentItem amount must be the same: no tax is collected on a payment.');
  }
  if (first.minor <= 0) throw new KioskError('VALIDATION', 'totalAmount must be more than zero.');
  return { minor: first.minor, currency: first.currency };
}

interface Recorded {
  id: string;
  created: boolean;
  /** The payment as the transaction that recorded it saw it: the answer to this request and to every retry of it. */
  answer: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

/** The payment `id` as `tx` sees it (inside the recording transaction: as committed with it). */
async function readPayment(tx: HubQueryable, id: string, now: Date, fields: ReadonlySet<string> | null): Promise<Record<string, unknown>> {
  const s = source(tx, () => now);
  const [found] = await s.build(await s.rows(' AND p.id = $1', [id], null));
  if (!found) throw new KioskError('NOT_FOUND', `There is no payment ${id}.`);
  return project(found, fields);
}

/**
 * Records the payment as a `payment.recorded` fact through the change writer (journal entry
 * crediting the receivable, debiting the channel's cash; the payments row; the change feed the
 * kiosks pull), with the request it came from and the answer it gets, in one transaction. The
 * payment's id is the given one or made from the correlatorId, so a retry names the same payment:
 * the same request again gets the stored answer, another request under the same id or
 * correlatorId is a conflict. Amounts beyond HUB_MAX_AMOUNTS and payment dates older than
 * HUB_PAYMENT_MAX_AGE_DAYS are refused.
 */
async function recordPayment(tx: HubQueryable, body: PaymentCreate, now: Date, limits: HubLimits): Promise<Recorded> {
  const id = body.id ?? uuidv5(`tmf676:${body.correlatorId ?? ''}`, CORRELATOR_NAMESPACE);
  const requestHash = factHash(body);
  const [known] = await tx.query<{ payment_id: string; request_hash: string; answer: Record<string, unknown> | null }>(
    'SELECT payment_id, request_hash, answer FROM tmf_payment_requests WHERE payment_id = $1 OR correlator_id = $2',
    [id, body.correlatorId ?? null],
  );
  if (known) {
    // A request recorded before answers were kept (migration 0010) is answered from the payment as it is now.
    if (known.payment_id === id && known.request_hash === requestHash) return { id, created: false, answer: known.answer ?? (await readPayment(tx, id, now, null)) };
    const key = body.id !== undefined && known.payment_id === id ? `id ${id}` : `correlatorId ${body.correlatorId ?? ''}`;
    throw new KioskError('CONFLICT', `Payment ${known.payment_id} was already recorded under ${key} from a different request.`);
  }
  if ((await tx.query('SELECT 1 FROM payments WHERE id = $1', [id])).length > 0) throw new KioskError('CONFLICT', `A payment ${id} already exists.`);

  const { minor, currency } = amountOf(body);
  const accountId = body.account.id;
  const [account] = await tx.query<{ currency: string }>('SELECT currency FROM billing_accounts WHERE id = $1', [accountId]);
  if (!account) throw new KioskError('NOT_FOUND', `There is no billing account ${accountId}.`);
  if (account.currency !== currency) throw new KioskError('VALIDATION', `Billing account ${accountId} is kept in ${account.currency}; the payment is in ${currency}.`);
  let targetBillNo: string | null = null;
  const billId = body.paymentItem?.[0]?.item.id;
  if (billId !== undefined) {
    const [bill] = await tx.query<{ bill_no: string }>('SELECT bill_no FROM bills WHERE id = $1 AND account_id = $2', [billId, accountId]);
    if (!bill) throw new KioskError('VALIDATION', `paymentItem names ${billId}, which is not a bill of billing account ${accountId}.`);
    targetBillNo = bill.bill_no;
  }
  const paidAt = body.paymentDate === undefined ? now : new Date(body.paymentDate);
  if (paidAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new KioskError('VALIDATION', `paymentDate ${body.paymentDate} is in the future.`);
  if (paidAt.getTime() < now.getTime() - limits.paymentMaxAgeDays * DAY_MS) {
    throw new KioskError('VALIDATION', `paymentDate ${body.paymentDate} is more than ${limits.paymentMaxAgeDays} days ago: a back-dated payment is recorded by headquarters' staff, not by an API.`);
  }

  const paymentMethod = methodOfType[body.paymentMethod['@type']] as ChangeOf<'payment.recorded'>['paymentMethod'];
  const channel = body.channel?.id ?? channelOfMethod[paymentMethod];
  const fact: ChangeOf<'payment.recorded'> = {
    type: 'payment.recorded',
    id,
    accountId,
    currency,
    amountMinor: minor,
    paymentMethod,
    channel,
    pointOfInteraction: body.pointOfInteraction ?? null,
    authorizationCode: body.authorizationCode ?? null,
    correlatorId: body.correlatorId ?? null,
    targetBillNo,
    entry: {
      id: `entry-${id}`,
      idempotencyKey: `payment:${id}`,
      entryType: 'payment',
      accountId,
      currency,
      occurredAt: paidAt.toISOString(),
      origin: 'tmf-api',
      postings: [
        { ledgerAccount: ledgerAccounts.cash(channel), amountMinor: minor },
        { ledgerAccount: ledgerAccounts.receivable(accountId), amountMinor: -minor },
      ],
    },
  };
  await writeChanges(tx, parseChanges([fact], limits.maxAmounts));
  const answer = await readPayment(tx, id, now, null);
  await tx.query('INSERT INTO tmf_payment_requests (payment_id, correlator_id, request_hash, received_at, answer) VALUES ($1, $2, $3, $4, $5::jsonb)', [
    id,
    body.correlatorId ?? null,
    requestHash,
    now,
    JSON.stringify(answer),
  ]);
  return { id, created: true, answer };
}

/** TMF676 Payment Management: payments (read), and payments recorded by the operator's systems. */
export async function paymentRoutes(app: FastifyInstance, { db, now, limits }: TmfRouteOptions): Promise<void> {
  app.get(paths.payment, async (request, reply) => {
    const query = parseListQuery(request.query, paymentSpec);
    const { items, total } = await runList(query, paymentSpec, source(db, now));
    return sendList(reply, items, total, query.fields);
  });

  app.get(`${paths.payment}/:id`, async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    return readPayment(db, id, now(), parseFields(parseInput(FieldsQuery, request.query, 'query').fields, paymentSpec.attributes));
  });

  // A retry gets what the first request got (201 and the payment as recorded), so a sender that lost the answer can simply send again.
  app.post(paths.payment, async (request, reply) => {
    const body = parseInput(PaymentCreate, request.body, 'body');
    const { id, created, answer } = await db.transaction((tx) => recordPayment(tx, body, now(), limits));
    if (!created) request.log.info({ paymentId: id }, 'TMF payment request repeated: answered with the payment already recorded');
    return reply.status(201).header('Location', href('payment', id)).send(answer);
  });
}
