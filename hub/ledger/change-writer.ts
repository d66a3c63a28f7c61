import { Change, isMoneyFact, moneyFactMismatch, type ChangeOf, type MoneyFact } from '../../shared/sync/changes.ts';
import { KioskError } from '../../shared/errors.ts';
import type { MaxAmounts } from '../../shared/money-bounds.ts';
import { factHash } from '../../shared/node/hash.ts';
import type { HubDb, HubQueryable } from '../db/hub-db.ts';
import { appendToFeed, lockFeed, type Scope } from './feed.ts';

export interface WriteResult {
  applied: number;
  /** Already there: the same money fact under its idempotency key, or reference data that changed nothing. */
  duplicates: number;
}

type Type = Change['type'];

/**
 * Applied in dependency order (a customer before its account, before its products, before their
 * usage and money), so a batch may list its changes in any order; kiosks pull them in this order.
 */
const level: Record<Type, number> = {
  'catalog.published': 0,
  'customer.upsert': 1,
  'account.upsert': 2,
  'product.upsert': 3,
  'usage.recorded': 4,
  'bill.issued': 4,
  'payment.recorded': 4,
  'adjustment.posted': 4,
  // Decisions after what they change (a completed order's products, an approved limit).
  'credit.decided': 5,
  'order.decided': 5,
};

/** Two changes with the same key never share a set-based statement: the second one sees the first. */
function keyOf(change: Change): string {
  switch (change.type) {
    case 'catalog.published':
      return change.catalog.id;
    case 'bill.issued':
    case 'payment.recorded':
    case 'adjustment.posted':
      return change.entry.idempotencyKey;
    default:
      return change.id;
  }
}

/**
 * Writes `Change`s (shared/sync/changes.ts) to the central tables and appends each one that changed
 * something to the `changes` feed with its branch scope. It is how data enters the hub: demo
 * seeding now, the bill run and the kiosks' pushes later.
 */
export class HubChangeWriter {
  constructor(private readonly db: HubDb) {}

  /** Validates every change first (a bad one rejects the batch and changes nothing), then writes them in one transaction. */
  async write(raw: readonly unknown[]): Promise<WriteResult> {
    const changes = parseChanges(raw);
    return this.db.transaction((tx) => writeChanges(tx, changes));
  }
}

/** Parses changes and checks their money facts (moneyFactMismatch; `maxAmounts`: the hub's HUB_MAX_AMOUNTS). */
export function parseChanges(raw: readonly unknown[], maxAmounts: MaxAmounts = {}): Change[] {
  return raw.map((item, index) => {
    const parsed = Change.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new KioskError('VALIDATION', `Change ${index} is not valid: ${issue?.message ?? 'unknown problem'}`, { index, path: issue?.path.join('.') });
    }
    if (isMoneyFact(parsed.data)) {
      const mismatch = moneyFactMismatch(parsed.data, maxAmounts);
      if (mismatch) throw new KioskError('VALIDATION', mismatch, { index });
    }
    return parsed.data;
  });
}

/**
 * Writes parsed changes inside the caller's transaction (so a push can commit them with its own
 * rows). Reference data is upserted and counts as applied only when it changed a row; money facts
 * are deduplicated by idempotency key, and the same key with a different payload is a CONFLICT
 * that aborts the whole transaction. Statements are set-based (one per run of same-type changes),
 * because a bill run or a demo branch is hundreds of thousands of rows.
 */
export async function writeChanges(tx: HubQueryable, changes: readonly Change[]): Promise<WriteResult> {
  const applied: Change[] = [];
  const ordered = changes.map((change, index) => ({ change, index })).sort((a, b) => level[a.change.type] - level[b.change.type] || a.index - b.index);
  for (const run of runs(ordered.map((o) => o.change))) applied.push(...(await writeRun(tx, run)));
  // The feed's lock only from here to COMMIT: what comes before does not need writers to take turns.
  if (applied.length > 0) await lockFeed(tx);
  await appendToFeed(tx, applied.map((change) => ({ change, scope: scopeOf(change) })));
  return { applied: applied.length, duplicates: changes.length - applied.length };
}

/** Consecutive changes of one type with no key twice. */
function* runs(changes: readonly Change[]): Generator<Change[]> {
  let run: Change[] = [];
  let keys = new Set<string>();
  for (const change of changes) {
    const key = keyOf(change);
    if (run.length > 0 && (run[0]?.type !== change.type || keys.has(key))) {
      yield run;
      run = [];
      keys = new Set();
    }
    run.push(change);
    keys.add(key);
  }
  if (run.length > 0) yield run;
}

function scopeOf(change: Change): Scope {
  switch (change.type) {
    case 'catalog.published':
      return { of: 'everyBranch' };
    case 'customer.upsert':
      return { of: 'branch', id: change.branchId };
    case 'account.upsert':
      return { of: 'customer', id: change.customerId };
    case 'product.upsert':
      return { of: 'account', id: change.accountId };
    case 'usage.recorded':
      return { of: 'product', id: change.productId };
    case 'bill.issued':
      return { of: 'account', id: change.bill.accountId };
    case 'payment.recorded':
    case 'adjustment.posted':
    case 'credit.decided':
    case 'order.decided':
      return { of: 'account', id: change.accountId };
  }
}

const json = (value: unknown) => JSON.stringify(value);

async function writeRun(tx: HubQueryable, run: Change[]): Promise<Change[]> {
  const type = run[0]?.type;
  switch (type) {
    case 'catalog.published':
      return writeCatalogs(tx, run as ChangeOf<'catalog.published'>[]);
    case 'customer.upsert':
      return keep(run, await tx.query<{ id: string }>(UPSERT_CUSTOMERS, [json(run)]));
    case 'account.upsert':
      return keep(run, await tx.query<{ id: string }>(UPSERT_ACCOUNTS, [json(run)]));
    case 'product.upsert':
      return writeProducts(tx, run as ChangeOf<'product.upsert'>[]);
    case 'usage.recorded':
      return keep(run, await tx.query<{ id: string }>(UPSERT_USAGE, [json(run)]));
    case 'bill.issued':
    case 'payment.recorded':
    case 'adjustment.posted':
      return writeMoneyFacts(tx, run as MoneyFact[]);
    case 'credit.decided':
    case 'order.decided':
      // The decision desk (hub/decisions) keeps the decision in its own tables, once per request; the change only carries it to the kiosks.
      return run;
    case undefined:
      return [];
  }
}

/** The changes of `run` whose id came back from a statement's RETURNING (those that wrote a row). */
function keep(run: readonly Change[], rows: readonly { id: string }[]): Change[] {
  const written = new Set(rows.map((r) => r.id));
  return run.filter((c) => written.has(keyOf(c)));
}

const UPSERT_CUSTOMERS = `
  INSERT INTO customers (id, branch_id, name, email, phone, language, pin_hash, created_at)
  SELECT id, "branchId", name, email, phone, language, "pinHash", "createdAt"
    FROM jsonb_to_recordset($1::jsonb) AS x(id text, "branchId" text, name text, email text, phone text, language text, "pinHash" text, "createdAt" timestamptz)
  ON CONFLICT (id) DO UPDATE SET branch_id = excluded.branch_id, name = excluded.name, email = excluded.email,
    phone = excluded.phone, language = excluded.language, pin_hash = excluded.pin_hash
    WHERE (customers.branch_id, customers.name, customers.email, customers.phone, customers.language, customers.pin_hash)
      IS DISTINCT FROM (excluded.branch_id, excluded.name, excluded.email, excluded.phone, excluded.language, excluded.pin_hash)
  RETURNING id`;

const UPSERT_ACCOUNTS = `
  INSERT INTO billing_accounts (id, account_no, customer_id, currency, bill_cycle_day, credit_limit_minor, opened_on)
  SELECT id, "accountNo", "customerId", currency, "billCycleDay", "creditLimitMinor", "openedOn"
    FROM jsonb_to_recordset($1::jsonb) AS x(id text, "accountNo" text, "customerId" text, currency text, "billCycleDay" int, "creditLimitMinor" bigint, "openedOn" date)
  ON CONFLICT (id) DO UPDATE SET account_no = excluded.account_no, customer_id = excluded.customer_id, currency = excluded.currency,
    bill_cycle_day = excluded.bill_cycle_day, credit_limit_minor = excluded.credit_limit_minor
    WHERE (billing_accounts.account_no, billing_accounts.customer_id, billing_accounts.currency, billing_accounts.bill_cycle_day, billing_accounts.credit_limit_minor)
      IS DISTINCT FROM (excluded.account_no, excluded.customer_id, excluded.currency, excluded.bill_cycle_day, excluded.credit_limit_minor)
  RETURNING id`;

// A record is received once; rating and billing move it forward, never back (as on the kiosk).
const UPSERT_USAGE = `
  INSERT INTO usage_records (id, product_id, usage_type, usage_date, quantity, unit, zone, destination, service, status, rated_minor, bill_id)
  SELECT id, "productId", "usageType", "usageDate", quantity, unit, zone, destination, service, status, "ratedMinor", "billId"
    FROM jsonb_to_recordset($1::jsonb) AS x(id text, "productId" text, "usageType" text, "usageDate" timestamptz, quantity bigint, unit text,
      zone text, destination text, service text, status text, "ratedMinor" bigint, "billId" text)
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, rated_minor = excluded.rated_minor, bill_id = excluded.bill_id
    WHERE usage_records.status <> 'billed' AND excluded.status <> usage_records.status
      AND (excluded.status = 'billed' OR usage_records.status = 'received')
  RETURNING id`;

/** A catalog is published again only when it differs from the one in force. */
async function writeCatalogs(tx: HubQueryable, run: ChangeOf<'catalog.published'>[]): Promise<Change[]> {
  const written: Change[] = [];
  for (const change of run) {
    const hash = factHash(change.catalog);
    const [current] = await tx.query<{ document_hash: string }>('SELECT document_hash FROM catalog_versions ORDER BY seq DESC LIMIT 1');
    if (current?.document_hash === hash) continue;
    await tx.query('INSERT INTO catalog_versions (catalog_id, document, document_hash) VALUES ($1, $2::jsonb, $3)', [change.catalog.id, json(change.catalog), hash]);
    written.push(change);
  }
  return written;
}

/** A product and its terms are one upsert: rewritten together when the change differs from the last one written. */
async function writeProducts(tx: HubQueryable, run: ChangeOf<'product.upsert'>[]): Promise<Change[]> {
  const rows = run.map((p) => ({ ...p, offeringId: p.terms.at(-1)?.offeringId, startedOn: p.terms[0]?.from, changeHash: factHash(p) }));
  const written = keep(
    run,
    await tx.query<{ id: string }>(
      `INSERT INTO products (id, account_id, parent_id, kind, identifier, status, offering_id, started_on, change_hash)
       SELECT id, "accountId", "parentId", kind, identifier, status, "offeringId", "startedOn", "changeHash"
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, "accountId" text, "parentId" text, kind text, identifier text, status text,
           "offeringId" text, "startedOn" date, "changeHash" text)
       ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, parent_id = excluded.parent_id, kind = excluded.kind,
         identifier = excluded.identifier, status = excluded.status, offering_id = excluded.offering_id, started_on = excluded.started_on,
         change_hash = excluded.change_hash
         WHERE products.change_hash <> excluded.change_hash
       RETURNING id`,
      [json(rows)],
    ),
  ) as ChangeOf<'product.upsert'>[];
  if (written.length === 0) return written;
  await tx.query('DELETE FROM product_terms WHERE product_id IN (SELECT jsonb_array_elements_text($1::jsonb))', [json(written.map((p) => p.id))]);
  const terms = written.flatMap((p) => p.terms.map((t, seq) => ({ productId: p.id, seq, offeringId: t.offeringId, from: t.from, to: t.to })));
  await tx.query(
    `INSERT INTO product_terms (product_id, seq, offering_id, from_date, to_date)
     SELECT "productId", seq, "offeringId", "from", "to" FROM jsonb_to_recordset($1::jsonb) AS x("productId" text, seq int, "offeringId" text, "from" date, "to" date)`,
    [json(terms)],
  );
  return written;
}

/** Bills, payments and adjustments: their journal entry (deduplicated by idempotency key), its postings, and the bill, payment or adjustment row. */
async function writeMoneyFacts(tx: HubQueryable, run: MoneyFact[]): Promise<Change[]> {
  const hashed = run.map((fact) => ({ fact, hash: factHash(fact) }));
  const known = new Map(
    (
      await tx.query<{ idempotency_key: string; payload_hash: string }>(
        'SELECT idempotency_key, payload_hash FROM journal_entries WHERE idempotency_key IN (SELECT jsonb_array_elements_text($1::jsonb))',
        [json(run.map(keyOf))],
      )
    ).map((r) => [r.idempotency_key, r.payload_hash]),
  );
  const fresh = hashed.filter(({ fact, hash }) => {
    const existing = known.get(keyOf(fact));
    if (existing !== undefined && existing !== hash) throw new KioskError('CONFLICT', `A different fact was already recorded under ${keyOf(fact)}`);
    return existing === undefined;
  });
  if (fresh.length === 0) return [];
  const entries = fresh.map(({ fact, hash }) => ({ ...fact.entry, payloadHash: hash }));
  await tx.query(
    `INSERT INTO journal_entries (id, idempotency_key, payload_hash, entry_type, account_id, currency, occurred_at, origin)
     SELECT id, "idempotencyKey", "payloadHash", "entryType", "accountId", currency, "occurredAt", origin
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "idempotencyKey" text, "payloadHash" text, "entryType" text, "accountId" text,
         currency text, "occurredAt" timestamptz, origin text)`,
    [json(entries)],
  );
  const postings = entries.flatMap((e) => e.postings.map((p) => ({ entryId: e.id, ledgerAccount: p.ledgerAccount, amountMinor: p.amountMinor, currency: e.currency })));
  await tx.query(
    `INSERT INTO postings (entry_id, ledger_account, amount_minor, currency)
     SELECT "entryId", "ledgerAccount", "amountMinor", currency
       FROM jsonb_to_recordset($1::jsonb) AS x("entryId" text, "ledgerAccount" text, "amountMinor" bigint, currency text)`,
    [json(postings)],
  );
  const facts = fresh.map(({ fact }) => fact);
  const bills = facts.flatMap((f) => (f.type === 'bill.issued' ? [{ ...f.bill, document: f.bill, entryId: f.entry.id }] : []));
  if (bills.length > 0) await tx.query(INSERT_BILLS, [json(bills)]);
  const payments = facts.flatMap((f) => (f.type === 'payment.recorded' ? [{ ...f, entryId: f.entry.id, occurredAt: f.entry.occurredAt }] : []));
  if (payments.length > 0) await tx.query(INSERT_PAYMENTS, [json(payments)]);
  const adjustments = facts.flatMap((f) => (f.type === 'adjustment.posted' ? [{ ...f, entryId: f.entry.id }] : []));
  if (adjustments.length > 0) await tx.query(INSERT_ADJUSTMENTS, [json(adjustments)]);
  return facts;
}

const INSERT_BILLS = `
  INSERT INTO bills (id, bill_no, account_id, bill_date, period_start, period_end, payment_due_date, currency,
    tax_excluded_minor, tax_minor, tax_included_minor, amount_due_minor, state, entry_id, document)
  SELECT id, "billNo", "accountId", "billDate", ("billingPeriod"->>'start')::date, ("billingPeriod"->>'end')::date, "paymentDueDate", currency,
    "taxExcludedAmountMinor", "taxMinor", "taxIncludedAmountMinor", "amountDueMinor", 'sent', "entryId", document
    FROM jsonb_to_recordset($1::jsonb) AS x(id text, "billNo" text, "accountId" text, "billDate" date, "billingPeriod" jsonb, "paymentDueDate" date,
      currency text, "taxExcludedAmountMinor" bigint, "taxMinor" bigint, "taxIncludedAmountMinor" bigint, "amountDueMinor" bigint, "entryId" text, document jsonb)`;

const INSERT_PAYMENTS = `
  INSERT INTO payments (id, account_id, amount_minor, currency, payment_method, channel, point_of_interaction,
    authorization_code, correlator_id, target_bill_no, status, entry_id, created_at, updated_at)
  SELECT id, "accountId", "amountMinor", currency, "paymentMethod", channel, "pointOfInteraction",
    "authorizationCode", "correlatorId", "targetBillNo", 'done', "entryId", "occurredAt", "occurredAt"
    FROM jsonb_to_recordset($1::jsonb) AS x(id text, "accountId" text, "amountMinor" bigint, currency text, "paymentMethod" text, channel text,
      "pointOfInteraction" text, "authorizationCode" text, "correlatorId" text, "targetBillNo" text, "entryId" text, "occurredAt" timestamptz)`;

const INSERT_ADJUSTMENTS = `
  INSERT INTO adjustments (id, account_id, kind, amount_minor, currency, bill_no, reason, staff_id, approved_by, entry_id)
  SELECT id, "accountId", kind, "amountMinor", currency, "billNo", reason, "staffId", "approvedBy", "entryId"
    FROM jsonb_to_recordset($1::jsonb) AS x(id text, "accountId" text, kind text, "amountMinor" bigint, currency text, "billNo" text,
      reason text, "staffId" text, "approvedBy" text, "entryId" text)`;
