import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { SCHEMA_VERSION } from '../../shared/sync/protocol.ts';
import { engines, freshDatabases } from './databases.ts';
import { enrolKiosk, event, JAMES_ACCOUNT, orderRequest, seededHub } from './push-fixture.ts';

const reasons = [{ code: 'OFFLINE_ALLOWANCE', text: 'Staff will look at the rest.', params: { allowanceMinor: 10_000, referredMinor: 15_000 } }];

/** A credit.requested payload of the current schema: James asked for 550.00, the kiosk granted 400.00 and referred the rest. */
const creditRequest = () => ({
  id: randomUUID(),
  accountId: JAMES_ACCOUNT.id,
  previous: 30_000,
  requested: 55_000,
  decision: 'approve',
  granted: 40_000,
  referred: 15_000,
  status: 'open',
  score: 900,
  band: 'A',
  reasons,
  createdAt: '2026-11-26T08:30:00.000Z',
});

/** The same events as a kiosk of schema version 1 wrote them: the reasons as JSON text, the order as its database row. */
const creditRequestV1 = ({ reasons: list, ...rest }: ReturnType<typeof creditRequest>) => ({ ...rest, reasons: JSON.stringify(list) });
const orderRequestV1 = ({ accountId, createdAt, ...rest }: ReturnType<typeof orderRequest>) => ({ ...rest, account_id: accountId, created_at: createdAt });

const storedPayload = async (db: HubDb, table: 'credit_requests' | 'product_orders', id: string) =>
  (await db.query<{ payload: unknown }>(`SELECT payload FROM ${table} WHERE id = $1`, [id]))[0]?.payload;

describe.each(engines)('events of an older schema version on %s', { timeout: 30_000 }, (engine) => {
  const databases = freshDatabases(engine);

  it('a push of schema version 1 with the old shapes is accepted, stored and decided as the current shape; sent again it is a duplicate', async () => {
    const { db } = await databases.fresh();
    const kiosk = await enrolKiosk(await seededHub(db), db);
    const credit = creditRequest();
    const order = orderRequest(JAMES_ACCOUNT.id, { action: 'add', offeringId: 'MOB-S', parentProductId: null });
    const old = [event(1, 'credit.requested', creditRequestV1(credit)), event(2, 'order.submitted', orderRequestV1(order))];

    expect((await kiosk.send(old, 1)).results.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    expect(await storedPayload(db, 'credit_requests', credit.id)).toEqual(credit);
    expect(await storedPayload(db, 'product_orders', order.id)).toEqual(order);
    expect(await db.query('SELECT request_id, decided_by FROM credit_decisions')).toEqual([{ request_id: credit.id, decided_by: 'engine' }]);
    expect(await db.query('SELECT order_id FROM order_decisions')).toEqual([{ order_id: order.id }]);

    // The kiosk's retry sends the same bytes under the same version: the hub's hash of what was sent matches.
    expect((await kiosk.send(old, 1)).results.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate']);
    expect(await db.query('SELECT count(*)::int AS n FROM device_event_conflicts')).toEqual([{ n: 0 }]);
  });

  it('each shape only under its own version: the current shape under version 1, or the old one under the current version, is rejected', async () => {
    const { db } = await databases.fresh();
    const kiosk = await enrolKiosk(await seededHub(db), db);
    const order = () => orderRequest(JAMES_ACCOUNT.id, { action: 'add', offeringId: 'MOB-S', parentProductId: null });

    const currentUnderOld = await kiosk.send([event(1, 'credit.requested', creditRequest()), event(2, 'order.submitted', order())], 1);
    expect(currentUnderOld.results.map((r) => r.outcome)).toEqual(['rejected', 'rejected']);
    const oldUnderCurrent = await kiosk.send([event(3, 'credit.requested', creditRequestV1(creditRequest())), event(4, 'order.submitted', orderRequestV1(order()))], SCHEMA_VERSION);
    expect(oldUnderCurrent.results.map((r) => r.outcome)).toEqual(['rejected', 'rejected']);
    expect(oldUnderCurrent.results.map((r) => ('reason' in r ? r.reason : ''))).toEqual([
      expect.stringMatching(/^Invalid credit.requested payload: reasons: /),
      expect.stringMatching(/^Invalid order.submitted payload: /),
    ]);
    expect(await db.query('SELECT count(*)::int AS n FROM credit_requests')).toEqual([{ n: 0 }]);
    expect(await db.query('SELECT count(*)::int AS n FROM product_orders')).toEqual([{ n: 0 }]);
  });
});
