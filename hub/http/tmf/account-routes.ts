import type { FastifyInstance } from 'fastify';
import { KioskError } from '../../../shared/errors.ts';
import type { HubQueryable } from '../../db/hub-db.ts';
import { parseInput } from '../../parse-input.ts';
import { runList, type ListSource, type ResourceSpec } from '../../tmf/list.ts';
import { parseFields, parseListQuery, project, sendList } from './query.ts';
import { accountRows, moneyOf } from '../../tmf/readers.ts';
import { billingAccount, paths, type BillingAccountRow, type TmfBillingAccount } from '../../tmf/resources.ts';
import { FieldsQuery, IdParams, type TmfRouteOptions } from './shared.ts';

export const billingAccountSpec: ResourceSpec<TmfBillingAccount> = {
  attributes: ['name', 'state', 'ratingType', 'paymentStatus', 'accountBalance', 'creditLimit', 'billStructure', 'relatedParty'],
  filters: {
    id: { column: 'a.id' },
    name: { column: 'a.account_no' },
    'relatedParty.id': { column: 'a.customer_id' },
    // Every account the hub holds is active (closing accounts is not modelled yet).
    state: { column: `'active'` },
    paymentStatus: { derived: (a) => a.paymentStatus, values: ['paidUp', 'due', 'overdue', 'inCredit'] },
  },
  narrowing: { filters: ['id', 'name', 'relatedParty.id'], always: false },
};

function source(q: HubQueryable, now: () => Date): ListSource<BillingAccountRow, TmfBillingAccount> {
  return {
    ...accountRows(q),
    async build(rows) {
      const money = await moneyOf(q, rows, now());
      return rows.flatMap((row) => {
        const m = money.get(row.account_id);
        return m ? [billingAccount(row, m)] : [];
      });
    },
  };
}

/** TMF666 Account Management: billing accounts (read only). */
export async function billingAccountRoutes(app: FastifyInstance, { db, now }: TmfRouteOptions): Promise<void> {
  app.get(paths.billingAccount, async (request, reply) => {
    const query = parseListQuery(request.query, billingAccountSpec);
    const { items, total } = await runList(query, billingAccountSpec, source(db, now));
    return sendList(reply, items, total, query.fields);
  });

  app.get(`${paths.billingAccount}/:id`, async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const fields = parseFields(parseInput(FieldsQuery, request.query, 'query').fields, billingAccountSpec.attributes);
    const s = source(db, now);
    const [account] = await s.build(await s.rows(' AND a.id = $1', [id], null));
    if (!account) throw new KioskError('NOT_FOUND', `There is no billing account ${id}.`);
    return project(account, fields);
  });
}
