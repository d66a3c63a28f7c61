import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CustomerBill, LineType } from '../../../shared/billing/bill.ts';
import { KioskError } from '../../../shared/errors.ts';
import type { HubQueryable } from '../../db/hub-db.ts';
import { parseInput } from '../../parse-input.ts';
import { billStateNow } from '../../../shared/ledger/account-status.ts';
import { runList, type ListSource, type ResourceSpec } from '../../tmf/list.ts';
import { parseFields, parseListQuery, project, sendList } from './query.ts';
import { billRows, moneyOf, type BillWithDocument } from '../../tmf/readers.ts';
import {
  appliedCustomerBillingRates,
  billNoOfLineId,
  customerBill,
  paths,
  type BillRow,
  type TmfAppliedCustomerBillingRate,
  type TmfCustomerBill,
} from '../../tmf/resources.ts';
import { FieldsQuery, IdParams, type TmfRouteOptions } from './shared.ts';

const STATES = ['new', 'onHold', 'validated', 'sent', 'settled', 'partiallyPaid'] as const;

export const customerBillSpec: ResourceSpec<TmfCustomerBill> = {
  attributes: [
    'billNo', 'billDate', 'category', 'runType', 'billingPeriod', 'paymentDueDate', 'amountDue', 'remainingAmount',
    'taxExcludedAmount', 'taxIncludedAmount', 'taxItem', 'state', 'billingAccount', 'appliedPayment', 'lastUpdate',
  ],
  filters: {
    id: { column: 'b.id' },
    billNo: { column: 'b.bill_no' },
    'billingAccount.id': { column: 'b.account_id' },
    state: { derived: (b) => b.state, values: STATES },
  },
  narrowing: { filters: ['id', 'billNo', 'billingAccount.id'], always: false },
};

export const appliedRateSpec: ResourceSpec<TmfAppliedCustomerBillingRate> = {
  attributes: [
    'name', 'description', 'type', 'date', 'isBilled', 'periodCoverage', 'bill', 'billingAccount', 'product',
    'taxExcludedAmount', 'taxIncludedAmount', 'appliedTax', 'characteristic',
  ],
  filters: {
    // The bill is found by the number in the line's id; the line itself, among the bill's.
    id: { column: 'b.bill_no', sqlValue: billNoOfLineId, derived: (r) => r.id },
    'bill.id': { column: 'b.id' },
    'billingAccount.id': { column: 'b.account_id' },
    'product.id': { derived: (r) => r.product?.id },
    type: { derived: (r) => r.type, values: LineType.options },
    isBilled: { derived: (r) => String(r.isBilled), values: ['true', 'false'] },
  },
  narrowing: { filters: ['id', 'bill.id', 'billingAccount.id'], always: true },
};

function billSource(q: HubQueryable, now: () => Date): ListSource<BillRow, TmfCustomerBill> {
  return {
    ...billRows(q, false),
    async build(rows) {
      const money = await moneyOf(q, rows, now());
      return rows.map((row) => customerBill(row, money.get(row.account_id)));
    },
  };
}

function rateSource(q: HubQueryable): ListSource<BillWithDocument, TmfAppliedCustomerBillingRate> {
  return {
    ...billRows(q, true),
    build: async (rows) => rows.flatMap((row) => appliedCustomerBillingRates(CustomerBill.parse(row.document), row)),
  };
}

/**
 * TMF678 lets an operator move a bill along its lifecycle and nothing else: `settled` and
 * `partiallyPaid` come from payments, and a settled bill has nothing left to hold or send.
 */
const transitions: Readonly<Record<string, readonly string[]>> = {
  new: ['validated', 'onHold', 'sent'],
  validated: ['sent', 'onHold'],
  onHold: ['validated', 'sent'],
  sent: ['onHold'],
};
const PatchState = z.enum(['onHold', 'validated', 'sent']);

/** A merge patch of a CustomerBill: `state` is the one attribute it may carry (and `@type`, if it says CustomerBill). */
function parsePatch(body: unknown): z.infer<typeof PatchState> | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new KioskError('VALIDATION', 'A CustomerBill patch is a JSON object (application/merge-patch+json).');
  }
  const fixed = Object.keys(body).filter((k) => k !== 'state' && k !== '@type');
  if (fixed.length > 0) {
    throw new KioskError('VALIDATION', `Not patchable: ${fixed.join(', ')}. A CustomerBill's state may change; the rest is fixed when the bill is issued or follows from payments.`);
  }
  const { state, '@type': type } = body as { state?: unknown; '@type'?: unknown };
  if (type !== undefined && type !== 'CustomerBill') throw new KioskError('VALIDATION', `@type must be CustomerBill, not ${JSON.stringify(type)}.`);
  if (state === undefined) return null;
  if (state === 'settled' || state === 'partiallyPaid') {
    throw new KioskError('VALIDATION', `A bill becomes ${state} when payments are applied to it; it cannot be set.`);
  }
  return parseInput(PatchState, state, 'state');
}

/** Moves the bill's stored lifecycle state (never its ledger), keeping every move in bill_state_changes. */
async function patchState(q: HubQueryable, id: string, target: z.infer<typeof PatchState>, now: Date): Promise<void> {
  const [row] = await billSource(q, () => now).rows(' AND b.id = $1', [id], null);
  if (!row) throw new KioskError('NOT_FOUND', `There is no customer bill ${id}.`);
  if (row.state === target) return;
  const money = (await moneyOf(q, [row], now)).get(row.account_id);
  const current = billStateNow(row.state, money?.allocation.bills.find((b) => b.billNo === row.bill_no));
  if (current === 'settled') throw new KioskError('CONFLICT', `Bill ${row.bill_no} is settled: there is nothing left to put on hold or send.`);
  if (!transitions[row.state]?.includes(target)) throw new KioskError('CONFLICT', `Bill ${row.bill_no} cannot go from ${row.state} to ${target}.`);
  await q.query('UPDATE bills SET state = $2 WHERE id = $1', [id, target]);
  await q.query(`INSERT INTO bill_state_changes (bill_id, from_state, to_state, changed_at, source) VALUES ($1, $2, $3, $4, 'tmf-api')`, [id, row.state, target, now]);
}

/** TMF678 Customer Bill Management: bills (read, and their state patched) and their lines. */
export async function customerBillRoutes(app: FastifyInstance, { db, now }: TmfRouteOptions): Promise<void> {
  const one = async (id: string, fields: ReadonlySet<string> | null) => {
    const s = billSource(db, now);
    const [bill] = await s.build(await s.rows(' AND b.id = $1', [id], null));
    if (!bill) throw new KioskError('NOT_FOUND', `There is no customer bill ${id}.`);
    return project(bill, fields);
  };

  app.get(paths.customerBill, async (request, reply) => {
    const query = parseListQuery(request.query, customerBillSpec);
    const { items, total } = await runList(query, customerBillSpec, billSource(db, now));
    return sendList(reply, items, total, query.fields);
  });

  app.get(`${paths.customerBill}/:id`, async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    return one(id, parseFields(parseInput(FieldsQuery, request.query, 'query').fields, customerBillSpec.attributes));
  });

  app.patch(`${paths.customerBill}/:id`, async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const target = parsePatch(request.body);
    if (target !== null) await db.transaction((tx) => patchState(tx, id, target, now()));
    return one(id, null);
  });

  app.get(paths.appliedCustomerBillingRate, async (request, reply) => {
    const query = parseListQuery(request.query, appliedRateSpec);
    const { items, total } = await runList(query, appliedRateSpec, rateSource(db));
    return sendList(reply, items, total, query.fields);
  });

  app.get(`${paths.appliedCustomerBillingRate}/:id`, async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const fields = parseFields(parseInput(FieldsQuery, request.query, 'query').fields, appliedRateSpec.attributes);
    const s = rateSource(db);
    const rate = (await s.build(await s.rows(' AND b.bill_no = $1', [billNoOfLineId(id)], null))).find((r) => r.id === id);
    if (!rate) throw new KioskError('NOT_FOUND', `There is no applied customer billing rate ${id}.`);
    return project(rate, fields);
  });
}
