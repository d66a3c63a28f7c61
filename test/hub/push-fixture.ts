import { testEnrolment } from '../helpers/ledger-file.ts';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { ledgerAccounts, type Change, type ChangeOf } from '../../shared/sync/changes.ts';
import type { OrderAction } from '../../shared/domain/order-action.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { generateDemo } from '../../shared/demo/generator.ts';
import { PROTOCOL_VERSION, PullResponse, PushResponse, SCHEMA_VERSION, type OutboxEvent } from '../../shared/sync/protocol.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import { buildHub } from '../../hub/server.ts';

/** The hub's clock in these tests, and the day the demo branch was made. */
export const NOW = new Date('2026-11-26T09:00:00Z');
export const OTHER_BRANCH = 'BCN-01';
export const OPERATOR_TOKEN = 'operator-token-for-tests';

/** The demo branch's first customers (James, Elena), PINs left unhashed: scrypt is not what these tests test. */
export const demoChanges = [
  ...generateDemo(
    { seed: demoBranch.seed, customers: 2, now: NOW, branchId: demoBranch.id, currency: demoBranch.currency, countryCallingCode: demoBranch.countryCallingCode, timeZone: demoBranch.timeZone },
    () => 'unhashed',
  ),
].flat();
const accounts = demoChanges.filter((c): c is ChangeOf<'account.upsert'> => c.type === 'account.upsert');
const accountNo = (no: string) => accounts.find((a) => a.accountNo === no) as ChangeOf<'account.upsert'>;
/** Band A, limit 300.00, 6 months of 100.00 recurring: an increase to 550.00 is approved. */
export const JAMES_ACCOUNT = accountNo('4000000002');
/** A bill 33 days past due: every increase is declined. */
export const ELENA_ACCOUNT = accountNo('4000000010');

/** A customer of another branch, and one whose account is kept in pounds. */
export const otherBranchChanges: Change[] = [
  { type: 'customer.upsert', id: 'cust-bcn', branchId: OTHER_BRANCH, name: 'Jordi Puig', email: null, phone: null, language: 'es', pinHash: 'unhashed', createdAt: '2026-01-01T10:00:00.000Z' },
  { type: 'account.upsert', id: 'acct-bcn', accountNo: '4999999990', customerId: 'cust-bcn', currency: 'EUR', billCycleDay: 5, creditLimitMinor: 10_000, openedOn: '2026-01-01' },
  { type: 'customer.upsert', id: 'cust-gbp', branchId: OTHER_BRANCH, name: 'Ann Smith', email: null, phone: null, language: 'en', pinHash: 'unhashed', createdAt: '2026-01-01T10:00:00.000Z' },
  { type: 'account.upsert', id: 'acct-gbp', accountNo: '4999999982', customerId: 'cust-gbp', currency: 'GBP', billCycleDay: 5, creditLimitMinor: 10_000, openedOn: '2026-01-01' },
];

/** An order.submitted payload; the hub decides on its own data, so the kiosk's preview is only carried along. */
export function orderRequest(accountId: string, action: OrderAction, kioskState: 'acknowledged' | 'held' = 'acknowledged') {
  const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
  return {
    id: randomUUID(),
    accountId,
    action,
    state: kioskState,
    preview: { order: action, effectiveDate: '2026-11-26', decision: 'eligible', reasons: [], monthlyBefore: eur(0), monthlyAfter: eur(0), nextBill: { billDate: '2026-12-01', withoutOrder: eur(0), withOrder: eur(0), lines: [] } },
    createdAt: '2026-11-26T08:30:00.000Z',
  };
}

export function event(deviceSeq: number, eventType: string, payload: unknown): OutboxEvent {
  return { deviceSeq, eventId: randomUUID(), eventType, occurredAt: '2026-11-26T08:30:00.000Z', payload };
}

export interface TestKiosk {
  deviceId: string;
  /** Pushes events numbered from the kiosk's next sequence number. */
  push(...items: [string, unknown][]): Promise<PushResponse>;
  /** Pushes these events as they are (a retry sends the same ones again), written in `schemaVersion` (the current one unless said). */
  send(events: OutboxEvent[], schemaVersion?: number): Promise<PushResponse>;
  pull(after: number): Promise<PullResponse>;
}

export async function seededHub(db: HubDb): Promise<FastifyInstance> {
  await db.query(`INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES ($1, 'Madrid Gran Vía', 'EUR', '34', 'Europe/Madrid'), ($2, 'Barcelona', 'EUR', '34', 'Europe/Madrid')`, [
    demoBranch.id,
    OTHER_BRANCH,
  ]);
  await new HubChangeWriter(db).write([...demoChanges, ...otherBranchChanges]);
  return buildHub({ db, now: () => NOW, operatorToken: OPERATOR_TOKEN });
}

export async function enrolKiosk(app: FastifyInstance, db: HubDb, branchId: string = demoBranch.id): Promise<TestKiosk> {
  const { code } = await issueEnrolmentCode(db, { branchId, now: NOW });
  const { deviceId, credential } = (await app.inject({ method: 'POST', url: '/sync/v1/enrol', payload: { code, deviceName: `Kiosk of ${branchId}`, ...testEnrolment() } })).json<{ deviceId: string; credential: string }>();
  const headers = { authorization: `Bearer ${credential}` };
  let next = 1;
  const send = async (events: OutboxEvent[], schemaVersion = SCHEMA_VERSION) => {
    const response = await app.inject({ method: 'POST', url: '/sync/v1/push', headers, payload: { protocolVersion: PROTOCOL_VERSION, schemaVersion, events } });
    expect(response.statusCode, response.body).toBe(200);
    next = Math.max(next, ...events.map((e) => e.deviceSeq + 1));
    return PushResponse.parse(response.json());
  };
  return {
    deviceId,
    push: (...items) => send(items.map(([type, payload], i) => event(next + i, type, payload))),
    send,
    async pull(after) {
      const response = await app.inject({ url: `/sync/v1/pull?after=${after}`, headers });
      expect(response.statusCode, response.body).toBe(200);
      return PullResponse.parse(response.json());
    },
  };
}

/** The feed's head: a kiosk that holds everything so far pulls after it. */
export async function feedHead(db: HubDb): Promise<number> {
  const [row] = await db.query<{ seq: number | null }>('SELECT max(server_seq) AS seq FROM changes');
  return row?.seq ?? 0;
}

export async function balance(db: HubDb, accountId: string): Promise<number> {
  const [row] = await db.query<{ b: number }>('SELECT coalesce(sum(amount_minor), 0)::bigint AS b FROM postings WHERE ledger_account = $1', [ledgerAccounts.receivable(accountId)]);
  return row?.b ?? 0;
}

const TABLES = ['journal_entries', 'postings', 'payments', 'changes', 'suspense_payments', 'suspense_resolutions', 'credit_decisions', 'offline_approvals', 'order_decisions'] as const;

export async function counts(db: HubDb): Promise<Record<(typeof TABLES)[number], number>> {
  const [row] = await db.query(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`);
  return row as Record<(typeof TABLES)[number], number>;
}
