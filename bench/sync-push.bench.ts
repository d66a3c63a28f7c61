import { SCHEMA_VERSION, MAX_PUSH_BATCH } from '../shared/sync/protocol.ts';
import { ChangeApplier } from '../electron/core/ledger/apply-changes.ts';
import { LocalFacts } from '../electron/core/ledger/local-facts.ts';
import { factHash } from '../shared/node/hash.ts';
import type { ChangeOf } from '../shared/sync/changes.ts';
import type { HubDb } from '../hub/db/hub-db.ts';
import { eventHash } from '../hub/sync/event-hash.ts';
import { paymentFact } from '../test/helpers/payments.ts';
import { compare, report } from './stats.ts';
import { count, enrolKiosk, insertRows, listenHub, openBenchDb, seedBranch } from './sync/hub.ts';
import { freshLedger, kioskEngine } from './sync/kiosk.ts';
import { check, envInt, fmt, latencies, perSecond, seconds, sum, verdict, wholeRun } from './sync/report.ts';

type PaymentFact = ChangeOf<'payment.recorded'>;

/**
 * A week offline, then the link comes back: one kiosk with BENCH_PUSH_EVENTS (20,000) payments
 * waiting in its outbox drains them to a real hub in batches of MAX_PUSH_BATCH.
 *
 * - The payments are taken through the kiosk's ledger path (LocalFacts: fact, postings and outbox
 *   row in one transaction, synchronous=FULL), into a replica pulled from the hub; not timed.
 * - The hub is buildHub listening on 127.0.0.1 in this process, reached over real HTTP by the
 *   kiosk's SyncEngine and HttpTransport; on PostgreSQL when BENCH_DATABASE_URL (or DATABASE_URL)
 *   is set (schema bench_sync_push, dropped and created again; see sync/hub.ts), else on PGlite
 *   (which takes minutes for 20,000: try BENCH_PUSH_EVENTS=2000 first).
 * - Figure: the round's push phase (every batch sent, stored, answered and settled in the outbox).
 *   The same round then pulls the payments back from the feed (the kiosk's own, so duplicates);
 *   that whole round is printed beside it.
 * - Baseline, same run and database: the rows the hub wrote for those events (device_events,
 *   journal_entries, postings, payments and the feed's changes) as multi-row INSERTs in one
 *   transaction into scratch copies of those tables (same columns, indexes and checks; no
 *   triggers or foreign keys), values computed beforehand.
 * - Checked: the hub holds exactly that many payments, all accepted, and the outbox is drained.
 */
const EVENTS = envInt('BENCH_PUSH_EVENTS', 20_000);
const ACCOUNTS = 500;
const BRANCH = 'BENCH-01';
const KIOSK = 'BENCH-KIOSK-1';
const WEEK_MS = 7 * 24 * 3600 * 1000;
/** Payments recorded per outer transaction while preparing (each still its own LocalFacts transaction, as a savepoint). */
const SETUP_CHUNK = 1_000;

export async function syncPushBench(): Promise<void> {
  const hub = await openBenchDb('bench_sync_push');
  const kiosk = await freshLedger('sync-push');
  const { app, baseUrl } = await listenHub(hub.db);
  try {
    const accountIds = await seedBranch(hub.db, BRANCH, ACCOUNTS);
    const credential = await enrolKiosk(hub.db, baseUrl, BRANCH, KIOSK);
    const { engine, transport, outbox } = kioskEngine(kiosk.db, credential);
    // The kiosk's replica of its branch, pulled as any kiosk gets it.
    const first = await engine.round();
    check(first.pulled === 2 * ACCOUNTS, `the kiosk pulled ${first.pulled} reference changes, not ${2 * ACCOUNTS}`);

    // A week of payments, oldest first, through the kiosk's own ledger path.
    const facts = new LocalFacts(kiosk.db, new ChangeApplier(kiosk.db));
    const weekAgo = Date.now() - WEEK_MS;
    const payments: { fact: PaymentFact; at: Date }[] = Array.from({ length: EVENTS }, (_, i) => {
      const at = new Date(weekAgo + Math.floor((i * WEEK_MS) / EVENTS));
      const fact = paymentFact(accountIds[i % ACCOUNTS] as string, 500 + ((i * 7_919) % 19_500), { channel: 'kiosk', method: 'card', cash: 'kiosk-card', origin: KIOSK, occurredAt: at.toISOString() });
      return { fact, at };
    });
    const recordChunk = kiosk.db.transaction((chunk: typeof payments) => {
      for (const { fact, at } of chunk) check(facts.record(fact, at).applied === 1, `payment ${fact.id} was not recorded`);
    });
    const prepared = performance.now();
    for (let i = 0; i < EVENTS; i += SETUP_CHUNK) recordChunk(payments.slice(i, i + SETUP_CHUNK));
    check(outbox.waiting() === EVENTS, `${outbox.waiting()} events wait in the outbox, not ${EVENTS}`);
    console.log(`\n  sync-push: ${fmt(EVENTS)} payments waiting in the kiosk's outbox (recorded in ${seconds(performance.now() - prepared)}, not timed); hub on ${hub.label}, in this process`);

    // Figure: the catch-up round.
    transport.reset();
    const start = performance.now();
    const round = await engine.round();
    const end = performance.now();
    const pushMs = (transport.firstPullAt ?? end) - start;
    check(round.pushed === EVENTS, `the round pushed ${round.pushed} events, not ${EVENTS}`);

    // The figure is of a run that did what it says.
    const deviceId = credential.deviceId;
    const held = await count(hub.db, `SELECT count(*) AS n FROM payments WHERE point_of_interaction = $1`, [KIOSK]);
    check(held === EVENTS && (await count(hub.db, 'SELECT count(*) AS n FROM payments')) === EVENTS, `the hub holds ${held} of the kiosk's payments, not ${EVENTS}`);
    const accepted = await count(hub.db, `SELECT count(*) AS n FROM device_events WHERE device_id = $1 AND outcome = 'accepted'`, [deviceId]);
    check(accepted === EVENTS, `${accepted} of ${EVENTS} events accepted at the hub`);
    const [mark] = await hub.db.query<{ acked_through: number }>('SELECT acked_through FROM device_watermarks WHERE device_id = $1', [deviceId]);
    check(mark?.acked_through === EVENTS, `the hub's watermark is ${mark?.acked_through}, not ${EVENTS}`);
    const kioskOutcomes = kiosk.db.prepare(`SELECT outcome, count(*) AS n FROM outbox GROUP BY outcome`).all() as { outcome: string | null; n: number }[];
    check(outbox.waiting() === 0 && kioskOutcomes.length === 1 && kioskOutcomes[0]?.outcome === 'accepted', `outbox after the round: ${JSON.stringify(kioskOutcomes)}`);
    check(round.pulled === EVENTS, `the round pulled back ${round.pulled} changes, not the ${EVENTS} payments`);

    // Baseline: the same rows, raw.
    const rawMs = await rawInsert(hub.db, payments.map((p) => p.fact), deviceId, BRANCH);
    const rawRows = await count(hub.db, 'SELECT (SELECT count(*) FROM raw_device_events) + (SELECT count(*) FROM raw_journal_entries) + (SELECT count(*) FROM raw_postings) + (SELECT count(*) FROM raw_payments) + (SELECT count(*) FROM raw_changes) AS n');
    check(rawRows === EVENTS * 6, `the raw insert wrote ${rawRows} rows, not ${EVENTS * 6}`);

    const hubWaitMs = sum(transport.pushMs);
    const eventsPerS = perSecond(EVENTS, pushMs);
    const result = compare(
      'sync-push',
      wholeRun(pushMs),
      `raw multi-row INSERT of the same ${fmt(EVENTS * 6)} rows (device_events, journal_entries, 2 postings, payments, changes per event) in one transaction, same database`,
      wholeRun(rawMs),
      `${fmt(EVENTS)} events in under 5 s, within 3× of the raw insert`,
      {
        events: EVENTS,
        batch: MAX_PUSH_BATCH,
        batches: transport.pushMs.length,
        hub_database: hub.label,
        hub_process: 'in this process (buildHub on 127.0.0.1, real HTTP)',
        push_s: pushMs / 1000,
        push_events_per_s: eventsPerS,
        raw_s: rawMs / 1000,
        raw_events_per_s: perSecond(EVENTS, rawMs),
        push_call: latencies(transport.pushMs),
        hub_wait_s: hubWaitMs / 1000,
        kiosk_own_s: (pushMs - hubWaitMs) / 1000,
        round_with_pull_back_s: (end - start) / 1000,
        pulled_back: round.pulled,
        pull_pages: transport.pullMs.length,
        meets_time: pushMs < 5_000,
        meets_ratio: pushMs / rawMs <= 3,
        node: process.version,
      },
    );
    report(result);
    const calls = latencies(transport.pushMs);
    console.log(`  push      ${fmt(EVENTS)} events in ${seconds(pushMs)}: ${fmt(eventsPerS)} events/s, ${transport.pushMs.length} batches of ≤ ${MAX_PUSH_BATCH} (per call p50 ${fmt(calls.p50_us / 1000)} ms, p99 ${fmt(calls.p99_us / 1000)} ms)`);
    console.log(`            waiting for the hub ${seconds(hubWaitMs)} (HTTP, validation, the hub's transaction, the answer); kiosk's own work ${seconds(pushMs - hubWaitMs)} (reading the outbox, settling answers)`);
    console.log(`  raw       ${seconds(rawMs)}: ${fmt(perSecond(EVENTS, rawMs))} events/s`);
    console.log(`  ratio     push takes ${result.ratio_p50}× the raw insert; under 5 s: ${verdict(pushMs < 5_000)}; within 3×: ${verdict(pushMs / rawMs <= 3)}`);
    console.log(`  round     with pulling the ${fmt(round.pulled)} payments back (duplicates here): ${seconds(end - start)} (${transport.pullMs.length} pages, ${seconds(sum(transport.pullMs))} waiting for the hub)`);
    console.log(`  check     hub holds ${fmt(held)} payments, ${fmt(accepted)} events accepted, watermark ${fmt(mark.acked_through)}; kiosk outbox drained`);
  } finally {
    await app.close();
    await hub.close();
    kiosk.remove();
  }
}

/** The rows the hub writes for each accepted payment event, inserted raw; returns the milliseconds of the insert alone. */
async function rawInsert(db: HubDb, facts: readonly PaymentFact[], deviceId: string, branchId: string): Promise<number> {
  const tables = ['device_events', 'journal_entries', 'postings', 'payments', 'changes'];
  // Copies of the hub's tables: same columns, defaults, indexes and checks; no triggers, no foreign keys.
  for (const t of tables) await db.query(`CREATE TABLE raw_${t} (LIKE ${t} INCLUDING ALL)`);
  const receivedAt = new Date();
  const rows = {
    deviceEvents: facts.map((f, i) => [deviceId, i + 1, f.id, f.type, JSON.stringify(f), eventHash({ eventType: f.type, occurredAt: f.entry.occurredAt, payload: f }), 'accepted', null, f.entry.id, receivedAt, f.entry.occurredAt, SCHEMA_VERSION]),
    entries: facts.map((f) => [f.entry.id, f.entry.idempotencyKey, factHash(f), f.entry.entryType, f.accountId, f.currency, f.entry.occurredAt, f.entry.origin]),
    postings: facts.flatMap((f) => f.entry.postings.map((p) => [f.entry.id, p.ledgerAccount, p.amountMinor, f.currency])),
    payments: facts.map((f) => [f.id, f.accountId, f.amountMinor, f.currency, f.paymentMethod, f.channel, f.pointOfInteraction, f.authorizationCode, f.correlatorId, f.targetBillNo, 'done', f.entry.id, f.entry.occurredAt, f.entry.occurredAt]),
    changes: facts.map((f) => [branchId, JSON.stringify(f)]),
  };
  const start = performance.now();
  await db.transaction(async (tx) => {
    await insertRows(tx, 'raw_device_events', ['device_id', 'device_seq', 'event_id', 'event_type', 'payload', 'payload_hash', 'outcome', 'reason', 'entry_id', 'received_at', 'occurred_at', 'schema_version'], rows.deviceEvents, { payload: 'jsonb' });
    await insertRows(tx, 'raw_journal_entries', ['id', 'idempotency_key', 'payload_hash', 'entry_type', 'account_id', 'currency', 'occurred_at', 'origin'], rows.entries);
    await insertRows(tx, 'raw_postings', ['entry_id', 'ledger_account', 'amount_minor', 'currency'], rows.postings);
    await insertRows(tx, 'raw_payments', ['id', 'account_id', 'amount_minor', 'currency', 'payment_method', 'channel', 'point_of_interaction', 'authorization_code', 'correlator_id', 'target_bill_no', 'status', 'entry_id', 'created_at', 'updated_at'], rows.payments);
    await insertRows(tx, 'raw_changes', ['branch_id', 'change'], rows.changes, { change: 'jsonb' });
  });
  return performance.now() - start;
}
