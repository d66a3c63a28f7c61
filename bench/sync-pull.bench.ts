import type { Statement } from 'better-sqlite3';
import { MAX_PULL_PAGE } from '../shared/sync/protocol.ts';
import type { Change } from '../shared/sync/changes.ts';
import { demoBranch } from '../shared/demo/branch.ts';
import { generateDemo } from '../shared/demo/generator.ts';
import { factHash } from '../shared/node/hash.ts';
import type { Database } from '../electron/core/ledger/db.ts';
import { compare, report } from './stats.ts';
import { startFleetHub } from './sync/fleet-hub.ts';
import { enrolByCode } from './sync/hub.ts';
import { freshLedger, kioskEngine } from './sync/kiosk.ts';
import { check, envInt, fmt, latencies, perSecond, seconds, sum, verdict, wholeRun } from './sync/report.ts';

/**
 * A kiosk catching up with its branch: BENCH_PULL_CHANGES (100,000) changes in the hub's feed
 * pulled into a fresh kiosk ledger, in pages of MAX_PULL_PAGE.
 *
 * - The feed is the demo branch's history (customers, accounts, products, a year of usage, bills
 *   composed by the billing engine, payments; about 250 changes a customer), cut to exactly that
 *   many changes. It is inserted straight into the hub's `changes` table, in the change writer's
 *   order (the pull reads nothing else). Not timed.
 * - The hub is buildHub listening on 127.0.0.1 in a worker thread of this process (its own event
 *   loop, as a hub on another machine would be: the kiosk writes one page while the hub reads the
 *   next), on PostgreSQL when BENCH_DATABASE_URL (or DATABASE_URL) is set (schema
 *   bench_sync_pull, dropped and created again; see sync/hub.ts), else on PGlite.
 * - Figure: one round of the kiosk's SyncEngine (HttpTransport, PullApplier: every page and its
 *   cursor in one transaction, each change validated and applied by the ledger's ChangeApplier;
 *   the next page asked for while one is written).
 * - Baseline, same run: the same rows (customers, accounts, products and terms, usage, journal
 *   entries and postings, bills, payments, catalog) inserted with prepared better-sqlite3
 *   statements in one transaction into another fresh ledger (same schema and pragmas), values
 *   computed beforehand.
 * - Checked: both ledgers hold exactly the rows the changes describe; nothing was parked.
 */
const CHANGES = envInt('BENCH_PULL_CHANGES', 100_000);
const AS_OF = '2026-11-26';

export async function syncPullBench(): Promise<void> {
  const changes = demoFeed(CHANGES);
  const expected = expectedRows(changes);
  const hub = await startFleetHub({ schema: 'bench_sync_pull', branches: [demoBranch.id], accountsPerBranch: 0, kioskBranches: [demoBranch.id] });
  const kiosk = await freshLedger('sync-pull');
  const raw = await freshLedger('sync-pull-raw');
  try {
    const prepared = performance.now();
    await fillFeed(changes);
    const [{ n: feed } = { n: 0 }] = await hub.query<{ n: number }>('SELECT count(*)::int AS n FROM changes');
    check(feed === CHANGES, `the hub's feed holds ${feed} changes, not ${CHANGES}`);
    console.log(`\n  sync-pull: ${fmt(CHANGES)} changes in the hub's feed (${summary(expected)}), inserted into the feed in ${seconds(performance.now() - prepared)} (not timed); hub on ${hub.label}, in a worker thread`);

    const credential = await enrolByCode(hub.baseUrl, hub.codes[0] as string, demoBranch.id, 'Bench kiosk');
    const { engine, transport, pull } = kioskEngine(kiosk.db, credential);

    // Figure: the catch-up round.
    const start = performance.now();
    const round = await engine.round();
    const pullMs = performance.now() - start;
    check(round.pulled === CHANGES, `the round pulled ${round.pulled} changes, not ${CHANGES}`);
    check(pull.parked() === 0, `${pull.parked()} changes were parked`);
    const [head] = await hub.query<{ seq: number }>('SELECT max(server_seq) AS seq FROM changes');
    check(pull.cursor() === head?.seq, `the kiosk's cursor is ${pull.cursor()}, the feed's head ${head?.seq}`);
    checkRows(kiosk.db, expected, 'pulled ledger');

    // Baseline: the same rows, raw.
    const rawMs = rawInsert(raw.db, changes);
    checkRows(raw.db, expected, 'raw ledger');

    const applyMs = sum(pull.applyMs);
    const changesPerS = perSecond(CHANGES, pullMs);
    const rows = sum(Object.values(expected));
    const meetsRatio = pullMs / rawMs <= 3;
    const result = compare(
      'sync-pull',
      wholeRun(pullMs),
      `raw better-sqlite3 INSERT of the same ${fmt(rows)} rows, prepared statements, one transaction, fresh ledger (same schema, WAL, synchronous=FULL)`,
      wholeRun(rawMs),
      `${fmt(CHANGES)} changes in under 5 s, within 3× of the raw insert`,
      {
        changes: CHANGES,
        rows,
        rows_by_table: expected,
        page: MAX_PULL_PAGE,
        pages: transport.pullMs.length,
        hub_database: hub.label,
        hub_process: 'worker thread of this process (own event loop), buildHub on 127.0.0.1, real HTTP',
        pull_s: pullMs / 1000,
        pull_changes_per_s: changesPerS,
        raw_s: rawMs / 1000,
        raw_changes_per_s: perSecond(CHANGES, rawMs),
        pull_call: latencies(transport.pullMs),
        hub_calls_s: sum(transport.pullMs) / 1000,
        kiosk_apply_s: applyMs / 1000,
        meets_time: pullMs < 5_000,
        meets_ratio: meetsRatio,
        node: process.version,
      },
    );
    report(result);
    const calls = latencies(transport.pullMs);
    console.log(`  pull      ${fmt(CHANGES)} changes in ${seconds(pullMs)}: ${fmt(changesPerS)} changes/s, ${transport.pullMs.length} pages of ≤ ${MAX_PULL_PAGE} (per page p50 ${fmt(calls.p50_us / 1000)} ms, p99 ${fmt(calls.p99_us / 1000)} ms)`);
    console.log(`            kiosk writing pages ${seconds(applyMs)}; hub calls ${seconds(sum(transport.pullMs))} in all (query, HTTP, parsing and checking the page; each next page is asked for while one is written)`);
    console.log(`  raw       ${seconds(rawMs)}: ${fmt(perSecond(CHANGES, rawMs))} changes/s (${fmt(perSecond(rows, rawMs))} rows/s)`);
    console.log(`  ratio     pull takes ${result.ratio_p50}× the raw insert; under 5 s: ${verdict(pullMs < 5_000)}; within 3×: ${verdict(meetsRatio)}`);
    console.log(`  check     both ledgers hold the ${fmt(rows)} rows the changes describe; nothing parked; cursor at the feed's head`);
  } finally {
    await hub.stop();
    kiosk.remove();
    raw.remove();
  }

  async function fillFeed(feed: readonly Change[]): Promise<void> {
    // The catalog is every branch's (NULL), the rest the branch's; in order (nextval follows ORDER BY).
    for (let i = 0; i < feed.length; i += 10_000) {
      const rows = feed.slice(i, i + 10_000).map((change, k) => ({ ord: i + k, branch_id: change.type === 'catalog.published' ? null : demoBranch.id, change }));
      await hub.query(
        `INSERT INTO changes (branch_id, change) SELECT branch_id, change FROM jsonb_to_recordset($1::jsonb) AS x(ord int, branch_id text, change jsonb) ORDER BY ord`,
        [JSON.stringify(rows)],
      );
    }
  }
}

/** Dependency order, as the change writer applies (and the feed lists) a batch: reference data first, then what refers to it. */
const LEVEL: Partial<Record<Change['type'], number>> = { 'catalog.published': 0, 'customer.upsert': 1, 'account.upsert': 2, 'product.upsert': 3 };
const level = (change: Change) => LEVEL[change.type] ?? 4;

/**
 * The demo branch's changes, exactly `n` of them: each generator batch (50 customers) in dependency
 * order, the last one cut short. The cut only ever drops the latest usage, bills and payments, so
 * everything left refers to rows before it.
 */
function demoFeed(n: number): Change[] {
  const started = performance.now();
  const feed: Change[] = [];
  const options = {
    seed: demoBranch.seed,
    customers: Math.ceil(n / 100) + 1,
    now: new Date(`${AS_OF}T10:00:00.000Z`),
    branchId: demoBranch.id,
    currency: demoBranch.currency,
    countryCallingCode: demoBranch.countryCallingCode,
    timeZone: demoBranch.timeZone,
  } as const;
  for (const batch of generateDemo(options, () => 'unhashed')) {
    const ordered = batch.map((change, index) => ({ change, index })).sort((a, b) => level(a.change) - level(b.change) || a.index - b.index);
    feed.push(...ordered.map((o) => o.change));
    if (feed.length >= n) break;
  }
  check(feed.length >= n, `the demo generator made ${feed.length} changes, fewer than ${n}`);
  console.log(`\n  sync-pull: demo history generated in ${seconds(performance.now() - started)} (not timed)`);
  return feed.slice(0, n);
}

type Table = 'catalog_versions' | 'customers' | 'billing_accounts' | 'products' | 'product_terms' | 'usage_records' | 'journal_entries' | 'postings' | 'bills' | 'payments';

/** The rows applying `changes` must leave, per table (the changes are all new, so nothing is a duplicate). */
function expectedRows(changes: readonly Change[]): Record<Table, number> {
  const n: Record<Table, number> = { catalog_versions: 0, customers: 0, billing_accounts: 0, products: 0, product_terms: 0, usage_records: 0, journal_entries: 0, postings: 0, bills: 0, payments: 0 };
  for (const c of changes) {
    switch (c.type) {
      case 'catalog.published':
        n.catalog_versions++;
        break;
      case 'customer.upsert':
        n.customers++;
        break;
      case 'account.upsert':
        n.billing_accounts++;
        break;
      case 'product.upsert':
        n.products++;
        n.product_terms += c.terms.length;
        break;
      case 'usage.recorded':
        n.usage_records++;
        break;
      case 'bill.issued':
      case 'payment.recorded':
        n[c.type === 'bill.issued' ? 'bills' : 'payments']++;
        n.journal_entries++;
        n.postings += c.entry.postings.length;
        break;
    }
  }
  return n;
}

const summary = (rows: Record<Table, number>): string =>
  `${fmt(rows.customers)} customers, ${fmt(rows.products)} products, ${fmt(rows.usage_records)} usage records, ${fmt(rows.bills)} bills, ${fmt(rows.payments)} payments`;

function checkRows(db: Database, expected: Record<Table, number>, which: string): void {
  for (const [table, n] of Object.entries(expected)) {
    const held = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    check(held === n, `the ${which} holds ${held} rows in ${table}, not ${n}`);
  }
}

/** The rows the kiosk's ChangeApplier writes for `changes`, with plain prepared INSERTs in one transaction; the insert's milliseconds. */
function rawInsert(db: Database, changes: readonly Change[]): number {
  const insert: Record<Table, Statement> = {
    catalog_versions: db.prepare('INSERT INTO catalog_versions (catalog_id, document, applied_at) VALUES (?, ?, ?)'),
    customers: db.prepare('INSERT INTO customers (id, branch_id, name, email, phone, language, pin_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    billing_accounts: db.prepare('INSERT INTO billing_accounts (id, account_no, customer_id, currency, bill_cycle_day, credit_limit_minor, opened_on) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    products: db.prepare('INSERT INTO products (id, account_id, parent_id, kind, identifier, status, offering_id, started_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    product_terms: db.prepare('INSERT INTO product_terms (product_id, seq, offering_id, from_date, to_date) VALUES (?, ?, ?, ?, ?)'),
    usage_records: db.prepare(
      'INSERT INTO usage_records (id, product_id, usage_type, usage_date, quantity, unit, zone, destination, service, status, rated_minor, bill_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    journal_entries: db.prepare(
      'INSERT INTO journal_entries (id, idempotency_key, payload_hash, entry_type, account_id, currency, occurred_at, recorded_at, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    postings: db.prepare('INSERT INTO postings (entry_id, ledger_account, amount_minor, currency) VALUES (?, ?, ?, ?)'),
    bills: db.prepare(
      `INSERT INTO bills (id, bill_no, account_id, bill_date, period_start, period_end, payment_due_date, currency, tax_excluded_minor, tax_minor, tax_included_minor, amount_due_minor, state, entry_id, document)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent', ?, ?)`,
    ),
    payments: db.prepare(
      `INSERT INTO payments (id, account_id, amount_minor, currency, payment_method, channel, point_of_interaction, authorization_code, correlator_id, target_bill_no, status, entry_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done', ?, ?, ?)`,
    ),
  };
  const now = new Date().toISOString();
  const rows: [Table, unknown[]][] = [];
  for (const c of changes) {
    switch (c.type) {
      case 'catalog.published':
        rows.push(['catalog_versions', [c.catalog.id, JSON.stringify(c.catalog), now]]);
        break;
      case 'customer.upsert':
        rows.push(['customers', [c.id, c.branchId, c.name, c.email, c.phone, c.language, c.pinHash, c.createdAt]]);
        break;
      case 'account.upsert':
        rows.push(['billing_accounts', [c.id, c.accountNo, c.customerId, c.currency, c.billCycleDay, c.creditLimitMinor, c.openedOn]]);
        break;
      case 'product.upsert':
        rows.push(['products', [c.id, c.accountId, c.parentId, c.kind, c.identifier, c.status, c.terms.at(-1)?.offeringId, c.terms[0]?.from]]);
        c.terms.forEach((t, seq) => rows.push(['product_terms', [c.id, seq, t.offeringId, t.from, t.to]]));
        break;
      case 'usage.recorded':
        rows.push(['usage_records', [c.id, c.productId, c.usageType, new Date(c.usageDate).toISOString(), c.quantity, c.unit, c.zone ?? null, c.destination ?? null, c.service ?? null, c.status, c.ratedMinor, c.billId]]);
        break;
      case 'bill.issued':
      case 'payment.recorded': {
        const e = c.entry;
        rows.push(['journal_entries', [e.id, e.idempotencyKey, factHash(c), e.entryType, e.accountId, e.currency, e.occurredAt, now, e.origin]]);
        for (const p of e.postings) rows.push(['postings', [e.id, p.ledgerAccount, p.amountMinor, e.currency]]);
        if (c.type === 'bill.issued') {
          const b = c.bill;
          rows.push(['bills', [b.id, b.billNo, b.accountId, b.billDate, b.billingPeriod.start, b.billingPeriod.end, b.paymentDueDate, b.currency, b.taxExcludedAmountMinor, b.taxMinor, b.taxIncludedAmountMinor, b.amountDueMinor, e.id, JSON.stringify(b)]]);
        } else {
          rows.push(['payments', [c.id, c.accountId, c.amountMinor, c.currency, c.paymentMethod, c.channel, c.pointOfInteraction, c.authorizationCode, c.correlatorId, c.targetBillNo, e.id, e.occurredAt, e.occurredAt]]);
        }
        break;
      }
    }
  }
  const insertAll = db.transaction(() => {
    for (const [table, values] of rows) insert[table].run(values);
  });
  const start = performance.now();
  insertAll();
  return performance.now() - start;
}
