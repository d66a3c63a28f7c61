import { ledgerAccounts } from '../../shared/sync/changes.ts';
import { canonicalJson } from '../../shared/node/hash.ts';
import type { HubQueryable } from '../../hub/db/hub-db.ts';
import { eventHash } from '../../hub/sync/event-hash.ts';
import type { Database } from '../../electron/core/ledger/db.ts';

/**
 * What the simulation checks once the network has healed, over plain data (snapshots of the hub
 * and of every kiosk, and the ground truth of what customers and headquarters did), so the checker
 * can be shown a doctored snapshot and must object.
 */

type Kind = 't' | 'n' | 'i' | 'd' | 'j';
type Cell = string | number | null;
export type Row = Record<string, Cell>;

/** The replicated tables and their columns, as both ledgers have them (the hub's own bookkeeping columns left out). */
const tables = {
  customers: { id: 't', branch_id: 't', name: 't', email: 't', phone: 't', language: 't', pin_hash: 't', created_at: 'i' },
  billing_accounts: { id: 't', account_no: 't', customer_id: 't', currency: 't', bill_cycle_day: 'n', opened_on: 'd' },
  products: { id: 't', account_id: 't', parent_id: 't', kind: 't', identifier: 't', status: 't', offering_id: 't', started_on: 'd' },
  product_terms: { product_id: 't', seq: 'n', offering_id: 't', from_date: 'd', to_date: 'd' },
  usage_records: {
    id: 't',
    product_id: 't',
    usage_type: 't',
    usage_date: 'i',
    quantity: 'n',
    unit: 't',
    zone: 't',
    destination: 't',
    service: 't',
    status: 't',
    rated_minor: 'n',
    bill_id: 't',
  },
  journal_entries: { id: 't', idempotency_key: 't', payload_hash: 't', entry_type: 't', account_id: 't', currency: 't', occurred_at: 'i', origin: 't' },
  postings: { entry_id: 't', ledger_account: 't', amount_minor: 'n', currency: 't' },
  bills: {
    id: 't',
    bill_no: 't',
    account_id: 't',
    bill_date: 'd',
    period_start: 'd',
    period_end: 'd',
    payment_due_date: 'd',
    currency: 't',
    tax_excluded_minor: 'n',
    tax_minor: 'n',
    tax_included_minor: 'n',
    amount_due_minor: 'n',
    state: 't',
    entry_id: 't',
    document: 'j',
  },
  payments: {
    id: 't',
    account_id: 't',
    amount_minor: 'n',
    currency: 't',
    payment_method: 't',
    channel: 't',
    point_of_interaction: 't',
    authorization_code: 't',
    correlator_id: 't',
    target_bill_no: 't',
    status: 't',
    entry_id: 't',
    created_at: 'i',
  },
} as const satisfies Record<string, Record<string, Kind>>;
export type Table = keyof typeof tables;
const tableNames = Object.keys(tables) as Table[];

export type Ledger = Record<Table, Row[]> & {
  /** The catalog in force, as canonical JSON. */
  catalog: string | null;
  creditLimits: Record<string, number>;
};

/** One value as both ledgers can compare it: instants as ISO text, dates as text, JSON canonical. */
function normalise(kind: Kind, value: unknown): Cell {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'n':
      return Number(value);
    case 'i':
      return new Date(value as string | Date).toISOString();
    case 'j':
      return canonicalJson(typeof value === 'string' ? JSON.parse(value) : value);
    default:
      return String(value);
  }
}

function normaliseRows(table: Table, rows: readonly Record<string, unknown>[]): Row[] {
  const columns = Object.entries(tables[table]) as [string, Kind][];
  return rows.map((r) => Object.fromEntries(columns.map(([c, kind]) => [c, normalise(kind, r[c])])));
}

const select = (table: Table) => `SELECT ${Object.keys(tables[table]).join(', ')} FROM ${table}`;

/** Every row of the replicated tables: the hub's whole ledger, or a kiosk's replica. */
async function readLedger(read: (sql: string) => Promise<Record<string, unknown>[]> | Record<string, unknown>[]): Promise<Ledger> {
  const ledger = { catalog: null, creditLimits: {} } as unknown as Ledger;
  for (const table of tableNames) ledger[table] = normaliseRows(table, await read(select(table)));
  const [catalog] = await read('SELECT document FROM catalog_versions ORDER BY seq DESC LIMIT 1');
  ledger.catalog = catalog ? canonicalJson(typeof catalog.document === 'string' ? JSON.parse(catalog.document) : catalog.document) : null;
  for (const r of await read('SELECT id, credit_limit_minor FROM billing_accounts')) ledger.creditLimits[r.id as string] = Number(r.credit_limit_minor);
  return ledger;
}

/** One branch's part of the hub's ledger (and the catalog every branch has): what its kiosks must hold. */
export function branchPart(ledger: Ledger, branch: string): Ledger {
  const ids = (rows: readonly Row[]) => new Set(rows.map((r) => r.id as string));
  const customers = ledger.customers.filter((c) => c.branch_id === branch);
  const customerIds = ids(customers);
  const accounts = ledger.billing_accounts.filter((a) => customerIds.has(a.customer_id as string));
  const accountIds = ids(accounts);
  const products = ledger.products.filter((p) => accountIds.has(p.account_id as string));
  const productIds = ids(products);
  const entries = ledger.journal_entries.filter((e) => accountIds.has(e.account_id as string));
  const entryIds = ids(entries);
  return {
    customers,
    billing_accounts: accounts,
    products,
    product_terms: ledger.product_terms.filter((t) => productIds.has(t.product_id as string)),
    usage_records: ledger.usage_records.filter((u) => productIds.has(u.product_id as string)),
    journal_entries: entries,
    postings: ledger.postings.filter((p) => entryIds.has(p.entry_id as string)),
    bills: ledger.bills.filter((b) => accountIds.has(b.account_id as string)),
    payments: ledger.payments.filter((p) => accountIds.has(p.account_id as string)),
    catalog: ledger.catalog,
    creditLimits: Object.fromEntries(Object.entries(ledger.creditLimits).filter(([id]) => accountIds.has(id))),
  };
}

export interface OutboxRow {
  seq: number;
  eventId: string;
  eventType: string;
  /** The hash the hub stores for this event (type, time and payload). */
  hash: string;
  acked: boolean;
  outcome: string | null;
  reason: string | null;
  payload: { id?: string; entry?: { idempotencyKey?: string } };
}

export interface KioskSnapshot {
  name: string;
  kioskId: string;
  deviceId: string;
  ledger: Ledger;
  outbox: OutboxRow[];
  cursor: number;
  parked: string[];
  pendingIntents: number;
  /** Limits this kiosk raised on its own (within its offline allowance), by request id: the raise. */
  creditRaises: Record<string, number>;
  /** Headquarters' answers as this kiosk recorded them on its requests (null: not heard yet). */
  heard: { credit: Record<string, { status: string | null; limit: number | null }>; orders: Record<string, { state: string; decided: boolean }> };
}

export async function readKioskSnapshot(db: Database, who: { name: string; kioskId: string; deviceId: string }): Promise<KioskSnapshot> {
  const outbox = (
    db.prepare('SELECT device_seq, event_id, event_type, payload, created_at, acked_at, outcome, outcome_reason FROM outbox ORDER BY device_seq').all() as {
      device_seq: number;
      event_id: string;
      event_type: string;
      payload: string;
      created_at: string;
      acked_at: string | null;
      outcome: string | null;
      outcome_reason: string | null;
    }[]
  ).map((r) => {
    const payload = JSON.parse(r.payload) as OutboxRow['payload'];
    return {
      seq: r.device_seq,
      eventId: r.event_id,
      eventType: r.event_type,
      hash: eventHash({ eventType: r.event_type, occurredAt: r.created_at, payload }),
      acked: r.acked_at !== null,
      outcome: r.outcome,
      reason: r.outcome_reason,
      payload,
    };
  });
  const cursor = db.prepare(`SELECT value FROM sync_state WHERE key = 'pull.cursor'`).pluck().get() as string | undefined;
  return {
    ...who,
    ledger: await readLedger((sql) => db.prepare(sql).all() as Record<string, unknown>[]),
    outbox,
    cursor: cursor === undefined ? 0 : Number(cursor),
    parked: db.prepare('SELECT reason FROM parked_changes ORDER BY server_seq').pluck().all() as string[],
    pendingIntents: db.prepare(`SELECT COUNT(*) FROM payment_intents WHERE status = 'pending'`).pluck().get() as number,
    creditRaises: Object.fromEntries(
      (db.prepare('SELECT id, granted_limit_minor - previous_limit_minor AS raise FROM credit_requests WHERE granted_limit_minor > previous_limit_minor').all() as { id: string; raise: number }[]).map((r) => [r.id, r.raise]),
    ),
    heard: {
      credit: Object.fromEntries(
        (db.prepare('SELECT id, central_status, central_limit_minor FROM credit_requests').all() as { id: string; central_status: string | null; central_limit_minor: number | null }[]).map((r) => [
          r.id,
          { status: r.central_status, limit: r.central_limit_minor },
        ]),
      ),
      orders: Object.fromEntries(
        (db.prepare('SELECT id, state, decided_at FROM product_orders').all() as { id: string; state: string; decided_at: string | null }[]).map((r) => [r.id, { state: r.state, decided: r.decided_at !== null }]),
      ),
    },
  };
}

export interface HubDeviceEvent {
  seq: number;
  eventId: string;
  eventType: string;
  hash: string;
  outcome: string;
  reason: string | null;
  payloadId: string | null;
}

export interface HubSnapshot {
  branch: string;
  /** The kiosks' branch, as they must replicate it. */
  scoped: Ledger;
  /** Every branch: the ledger checks run over all of it. */
  all: Ledger;
  devices: Record<string, { events: HubDeviceEvent[]; ackedThrough: number | null; conflicts: number }>;
  suspense: number;
  /** Rows of the request tables, by the event that brought each. */
  requests: { type: string; id: string; deviceId: string; deviceSeq: number }[];
  /** The id of every payment.recorded change in the feed, once per appearance. */
  feedPayments: string[];
  /** The last serverSeq a kiosk of the branch can be given. */
  head: number;
  /** Headquarters' decisions on requests, once per request (a request decided twice shows twice). */
  decisions: {
    credit: { requestId: string; status: string; limit: number }[];
    orders: { orderId: string; state: string }[];
    /** Raises kiosks granted on their own, as counted against the branch's offline allowance. */
    allowanceUse: { requestId: string; amount: number }[];
  };
}

const requestTables = { 'credit.requested': 'credit_requests', 'order.submitted': 'product_orders', 'assist.requested': 'assist_requests' } as const;

export async function readHubSnapshot(db: HubQueryable, branch: string, deviceIds: readonly string[]): Promise<HubSnapshot> {
  const devices: HubSnapshot['devices'] = {};
  for (const id of deviceIds) {
    const events = await db.query<{ device_seq: number; event_id: string; event_type: string; payload_hash: string; outcome: string; reason: string | null; payload_id: string | null }>(
      `SELECT device_seq, event_id, event_type, payload_hash, outcome, reason, payload->>'id' AS payload_id FROM device_events WHERE device_id = $1 ORDER BY device_seq`,
      [id],
    );
    const [watermark] = await db.query<{ acked_through: number }>('SELECT acked_through FROM device_watermarks WHERE device_id = $1', [id]);
    const [conflicts] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM device_event_conflicts WHERE device_id = $1', [id]);
    devices[id] = {
      events: events.map((e) => ({ seq: e.device_seq, eventId: e.event_id, eventType: e.event_type, hash: e.payload_hash, outcome: e.outcome, reason: e.reason, payloadId: e.payload_id })),
      ackedThrough: watermark?.acked_through ?? null,
      conflicts: conflicts?.n ?? 0,
    };
  }
  const requests: HubSnapshot['requests'] = [];
  for (const [type, table] of Object.entries(requestTables)) {
    for (const r of await db.query<{ id: string; device_id: string; device_seq: number }>(`SELECT id, device_id, device_seq FROM ${table}`)) {
      requests.push({ type, id: r.id, deviceId: r.device_id, deviceSeq: r.device_seq });
    }
  }
  const [suspense] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM suspense_payments');
  const [head] = await db.query<{ seq: number | null }>('SELECT max(server_seq) AS seq FROM changes WHERE branch_id = $1 OR branch_id IS NULL', [branch]);
  const all = await readLedger((sql) => db.query(sql));
  return {
    branch,
    scoped: branchPart(all, branch),
    all,
    devices,
    suspense: suspense?.n ?? 0,
    requests,
    feedPayments: (await db.query<{ id: string }>(`SELECT change->>'id' AS id FROM changes WHERE change->>'type' = 'payment.recorded'`)).map((r) => r.id),
    head: head?.seq ?? 0,
    decisions: {
      credit: (await db.query<{ request_id: string; status: string; decided_limit_minor: number }>('SELECT request_id, status, decided_limit_minor FROM credit_decisions')).map((r) => ({
        requestId: r.request_id,
        status: r.status,
        limit: r.decided_limit_minor,
      })),
      orders: (await db.query<{ order_id: string; state: string }>('SELECT order_id, state FROM order_decisions')).map((r) => ({ orderId: r.order_id, state: r.state })),
      allowanceUse: (await db.query<{ request_id: string; amount_minor: number }>('SELECT request_id, amount_minor FROM offline_approvals')).map((r) => ({
        requestId: r.request_id,
        amount: r.amount_minor,
      })),
    },
  };
}

/** What happened in the world, as the people in it saw it: the ground truth the ledgers must agree with. */
export interface Truth {
  /** Money a kiosk took (its receipt said so, or the terminal approved an intent the kiosk had to reconcile), by payment id. */
  payments: Record<string, { kiosk: string; amountMinor: number }>;
  /** Requests a kiosk accepted from a customer (credit, order, call for staff), by id. */
  requests: Record<string, { kiosk: string; type: string }>;
  /** Payments headquarters recorded (bank transfers), by id. */
  bankPayments: Record<string, { amountMinor: number; branchId: string }>;
}

export interface WorldSnapshot {
  hub: HubSnapshot;
  kiosks: KioskSnapshot[];
}

/** How many of `items` there are per key (per sum of `value`, when given). */
function countBy<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => number = () => 1): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + value(item));
  }
  return counts;
}

/** Rows on one side and not (as often) on the other, a few of each. */
function diffRows(a: readonly Row[], b: readonly Row[]): { onlyA: string[]; onlyB: string[] } {
  const ca = countBy(a, canonicalJson);
  const cb = countBy(b, canonicalJson);
  const only = (x: Map<string, number>, y: Map<string, number>) => [...x].filter(([k, n]) => (y.get(k) ?? 0) < n).map(([k]) => k);
  return { onlyA: only(ca, cb), onlyB: only(cb, ca) };
}

const shorten = (text: string) => (text.length > 240 ? `${text.slice(0, 240)}…` : text);

/** The double-entry rules on one ledger: entries balance, the whole balances, and every balance is the sum of its facts. */
function checkLedger(where: string, ledger: Ledger, problems: string[]): void {
  const byEntry = countBy(ledger.postings, (p) => p.entry_id as string, (p) => p.amount_minor as number);
  const entryIds = new Set(ledger.journal_entries.map((e) => e.id as string));
  for (const [entry, sum] of byEntry) {
    if (sum !== 0) problems.push(`${where}: journal entry ${entry}'s postings sum to ${sum}, not 0`);
    if (!entryIds.has(entry)) problems.push(`${where}: postings of entry ${entry}, which is not in the journal`);
  }
  for (const id of entryIds) if (!byEntry.has(id)) problems.push(`${where}: journal entry ${id} has no postings`);
  const total = ledger.postings.reduce((s, p) => s + (p.amount_minor as number), 0);
  if (total !== 0) problems.push(`${where}: the whole ledger sums to ${total}, not 0`);

  for (const [key, n] of countBy(ledger.journal_entries, (e) => e.idempotency_key as string)) if (n > 1) problems.push(`${where}: idempotency key ${key} is in the journal ${n} times`);

  // Every bill and payment has its own entry, and every bill or payment entry has its fact: nothing applied twice, nothing half applied.
  const done = ledger.payments.filter((p) => p.status === 'done');
  const facts = countBy([...ledger.bills, ...done], (f) => f.entry_id as string);
  for (const e of ledger.journal_entries) {
    const n = facts.get(e.id as string) ?? 0;
    if (e.entry_type !== 'adjustment' && n !== 1) problems.push(`${where}: ${e.entry_type} entry ${e.id} belongs to ${n} ${e.entry_type} rows, not 1`);
  }
  for (const entry of facts.keys()) if (!entryIds.has(entry)) problems.push(`${where}: a bill or payment points at entry ${entry}, which is not in the journal`);

  const sumBy = (rows: readonly Row[], key: string, value: string) => countBy(rows, (r) => r[key] as string, (r) => r[value] as number);
  const posted = sumBy(ledger.postings, 'ledger_account', 'amount_minor');
  const billed = sumBy(ledger.bills, 'account_id', 'tax_included_minor');
  const paid = sumBy(done, 'account_id', 'amount_minor');
  for (const a of ledger.billing_accounts) {
    const id = a.id as string;
    const balance = posted.get(ledgerAccounts.receivable(id)) ?? 0;
    const fromFacts = (billed.get(id) ?? 0) - (paid.get(id) ?? 0);
    if (balance !== fromFacts) problems.push(`${where}: account ${id}'s balance is ${balance}, but its bills less its payments come to ${fromFacts}`);
  }
}

/** Every invariant of docs/architecture.md §4, as a list of what is wrong (empty when all hold). */
export function checkWorld(world: WorldSnapshot, truth: Truth): string[] {
  const problems: string[] = [];
  const { hub } = world;
  checkLedger('hub', hub.all, problems);
  if (hub.suspense > 0) problems.push(`hub: ${hub.suspense} payments in suspense (every account is known)`);

  const kioskPaymentEvents = new Map<string, { kiosk: string; seq: number }>();
  for (const kiosk of world.kiosks) {
    const where = `kiosk ${kiosk.name}`;
    checkLedger(where, kiosk.ledger, problems);

    // The outbox has drained: every event acknowledged, none refused or parked.
    for (const row of kiosk.outbox) {
      if (!row.acked) problems.push(`${where}: outbox seq ${row.seq} (${row.eventType}) was never acknowledged`);
      else if (row.outcome !== 'accepted' && row.outcome !== 'duplicate') problems.push(`${where}: outbox seq ${row.seq} (${row.eventType}) ended ${row.outcome}: ${row.reason}`);
      if (row.eventType === 'payment.recorded' && row.payload.id) kioskPaymentEvents.set(row.payload.id, { kiosk: kiosk.name, seq: row.seq });
    }
    if (kiosk.pendingIntents > 0) problems.push(`${where}: ${kiosk.pendingIntents} payment intents still open after a restart`);

    // Every event of this kiosk is at the hub exactly once, at its own place in the device's sequence.
    const device = hub.devices[kiosk.deviceId];
    if (!device) {
      problems.push(`${where}: the hub has no record of device ${kiosk.deviceId}`);
      continue;
    }
    const atHub = new Map(device.events.map((e) => [e.seq, e]));
    device.events.forEach((e, i) => {
      if (e.seq !== i + 1) problems.push(`${where}: the hub's events for this device skip from ${i} to ${e.seq}`);
    });
    for (const row of kiosk.outbox) {
      const held = atHub.get(row.seq);
      if (!held) problems.push(`${where}: outbox seq ${row.seq} (${row.eventType} ${row.eventId}) is not at the hub`);
      else if (held.eventId !== row.eventId || held.hash !== row.hash) problems.push(`${where}: the hub holds another event at seq ${row.seq} (${held.eventId}, not ${row.eventId})`);
      else if (held.outcome !== 'accepted') problems.push(`${where}: the hub ${held.outcome} seq ${row.seq}: ${held.reason}`);
    }
    for (const e of device.events) if (e.seq > kiosk.outbox.length) problems.push(`${where}: the hub holds seq ${e.seq} (${e.eventType} ${e.eventId}) that this kiosk never wrote`);
    // A device that never pushed has no watermark row yet: that is "nothing acknowledged".
    if ((device.ackedThrough ?? 0) !== kiosk.outbox.length) problems.push(`${where}: the hub's watermark is ${device.ackedThrough}, the outbox holds ${kiosk.outbox.length}`);
    if (device.conflicts > 0) problems.push(`${where}: the hub refused ${device.conflicts} copies as "same id/seq, different payload"`);

    // The replica is the hub's branch: same rows, same catalog, nothing of another branch, nothing parked, cursor at the head.
    for (const table of tableNames) {
      const { onlyA, onlyB } = diffRows(hub.scoped[table], kiosk.ledger[table]);
      for (const r of onlyA.slice(0, 3)) problems.push(`${where}: ${table} row at the hub but not on the kiosk: ${shorten(r)}`);
      for (const r of onlyB.slice(0, 3)) problems.push(`${where}: ${table} row on the kiosk but not at the hub: ${shorten(r)}`);
      if (onlyA.length + onlyB.length > 6) problems.push(`${where}: ${table}: ${onlyA.length} rows only at the hub, ${onlyB.length} only on the kiosk`);
    }
    if (hub.scoped.catalog !== kiosk.ledger.catalog) problems.push(`${where}: the catalog in force differs from the hub's`);
    // Headquarters decides every request, so once the kiosk has heard, its limits are the hub's (a raise it granted was agreed, kept or reduced there).
    for (const [account, limit] of Object.entries(kiosk.ledger.creditLimits)) {
      const hubLimit = hub.scoped.creditLimits[account];
      if (hubLimit !== limit) problems.push(`${where}: account ${account}'s credit limit is ${limit}, the hub's is ${hubLimit}`);
    }
    if (kiosk.parked.length > 0) problems.push(`${where}: ${kiosk.parked.length} pulled changes parked, first: ${shorten(kiosk.parked[0] as string)}`);
    if (kiosk.cursor !== hub.head) problems.push(`${where}: pull cursor ${kiosk.cursor}, the hub's feed for the branch ends at ${hub.head}`);
  }

  // Applied exactly once at the hub: every kiosk payment has one payment row, one journal entry and one place in the feed.
  const hubPayments = new Map(hub.all.payments.map((p) => [p.id as string, p]));
  const paymentRows = countBy(hub.all.payments, (p) => p.id as string);
  const inFeed = countBy(hub.feedPayments, (id) => id);
  const entryKeys = countBy(hub.all.journal_entries, (e) => e.idempotency_key as string);
  for (const [id, { kiosk }] of kioskPaymentEvents) {
    if ((paymentRows.get(id) ?? 0) !== 1) problems.push(`hub: payment ${id} from kiosk ${kiosk} is there ${paymentRows.get(id) ?? 0} times, not once`);
    if ((inFeed.get(id) ?? 0) !== 1) problems.push(`hub: payment ${id} from kiosk ${kiosk} is in the feed ${inFeed.get(id) ?? 0} times, not once`);
    if ((entryKeys.get(`payment:${id}`) ?? 0) !== 1) problems.push(`hub: payment ${id}'s journal entry is there ${entryKeys.get(`payment:${id}`) ?? 0} times, not once`);
  }
  for (const p of hub.all.payments) {
    if (p.channel === 'kiosk' && !kioskPaymentEvents.has(p.id as string)) problems.push(`hub: kiosk payment ${p.id} (${p.amount_minor}) is in no kiosk's outbox`);
  }
  // Requests: one row each, brought by the event that carries it.
  const events = new Map<string, { type: string; deviceId: string; seq: number }>();
  for (const [deviceId, d] of Object.entries(hub.devices)) for (const e of d.events) if (e.payloadId) events.set(`${e.eventType}:${e.payloadId}`, { type: e.eventType, deviceId, seq: e.seq });
  const requestRows = countBy(hub.requests, (r) => `${r.type}:${r.id}`);
  for (const r of hub.requests) {
    const event = events.get(`${r.type}:${r.id}`);
    if (!event || event.deviceId !== r.deviceId || event.seq !== r.deviceSeq) problems.push(`hub: ${r.type} ${r.id} was stored without the event that brings it`);
  }

  // Ground truth: the ledgers hold exactly what customers and headquarters did, no more, no less.
  for (const [id, t] of Object.entries(truth.payments)) {
    const p = hubPayments.get(id);
    if (!p) problems.push(`truth: kiosk ${t.kiosk} took payment ${id} of ${t.amountMinor}; the hub never got it`);
    else if (p.amount_minor !== t.amountMinor) problems.push(`truth: kiosk ${t.kiosk} took ${t.amountMinor} as payment ${id}; the hub has ${p.amount_minor}`);
    if (kioskPaymentEvents.get(id)?.kiosk !== t.kiosk) problems.push(`truth: payment ${id} taken at ${t.kiosk} is not in that kiosk's outbox`);
  }
  for (const id of kioskPaymentEvents.keys()) if (!truth.payments[id]) problems.push(`truth: payment ${id} is in an outbox, but no customer paid it`);
  for (const [id, t] of Object.entries(truth.requests)) {
    if ((requestRows.get(`${t.type}:${id}`) ?? 0) !== 1) problems.push(`truth: ${t.type} ${id} made at ${t.kiosk} is at the hub ${requestRows.get(`${t.type}:${id}`) ?? 0} times, not once`);
  }
  for (const r of hub.requests) if (!truth.requests[r.id]) problems.push(`truth: ${r.type} ${r.id} is at the hub, but nobody asked for it`);

  // Every request decided once at the hub, the allowance charged once for each raise a kiosk granted, and the kiosk that asked heard the answer.
  const creditDecisions = countBy(hub.decisions.credit, (d) => d.requestId);
  const orderDecisions = countBy(hub.decisions.orders, (d) => d.orderId);
  const allowance = countBy(hub.decisions.allowanceUse, (a) => a.requestId);
  const kioskNamed = new Map(world.kiosks.map((k) => [k.name, k]));
  for (const [id, t] of Object.entries(truth.requests)) {
    const kiosk = kioskNamed.get(t.kiosk);
    if (t.type === 'credit.requested') {
      if ((creditDecisions.get(id) ?? 0) !== 1) problems.push(`hub: credit request ${id} from ${t.kiosk} was decided ${creditDecisions.get(id) ?? 0} times, not once`);
      const decided = hub.decisions.credit.find((d) => d.requestId === id);
      const heard = kiosk?.heard.credit[id];
      if (decided && (heard?.status !== decided.status || heard.limit !== decided.limit)) {
        problems.push(`kiosk ${t.kiosk}: credit request ${id} was ${decided.status} at ${decided.limit} by the hub; the kiosk has ${JSON.stringify(heard)}`);
      }
      const raise = kiosk?.creditRaises[id];
      const charged = hub.decisions.allowanceUse.filter((a) => a.requestId === id);
      if (raise !== undefined && (charged.length !== 1 || charged[0]?.amount !== raise)) {
        problems.push(`hub: ${t.kiosk}'s own raise of ${raise} (request ${id}) was counted against the allowance as ${JSON.stringify(charged.map((a) => a.amount))}`);
      }
      if (raise === undefined && (allowance.get(id) ?? 0) > 0) problems.push(`hub: request ${id} used the offline allowance, but ${t.kiosk} granted no raise`);
    } else if (t.type === 'order.submitted') {
      if ((orderDecisions.get(id) ?? 0) !== 1) problems.push(`hub: order ${id} from ${t.kiosk} was decided ${orderDecisions.get(id) ?? 0} times, not once`);
      const decided = hub.decisions.orders.find((d) => d.orderId === id);
      const heard = kiosk?.heard.orders[id];
      if (decided && (!heard?.decided || heard.state !== decided.state)) problems.push(`kiosk ${t.kiosk}: order ${id} is ${decided.state} at the hub; the kiosk has ${JSON.stringify(heard)}`);
    }
  }
  for (const [id, t] of Object.entries(truth.bankPayments)) {
    if (hubPayments.get(id)?.amount_minor !== t.amountMinor) problems.push(`truth: headquarters recorded bank payment ${id} of ${t.amountMinor}; the hub's ledger does not hold it`);
  }
  return problems;
}
