import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_PULL_PAGE, SCHEMA_VERSION, type OutboxEvent } from '../shared/sync/protocol.ts';
import { HttpTransport } from '../electron/core/sync/transport.ts';
import { paymentFact } from '../test/helpers/payments.ts';
import { compare, report } from './stats.ts';
import { startFleetHub, type FleetHub, type HubStats } from './sync/fleet-hub.ts';
import { enrolByCode } from './sync/hub.ts';
import { check, envInt, fmt, latencies, perSecond, seconds, verdict } from './sync/report.ts';

/**
 * A fleet against one hub: BENCH_FLEET_KIOSKS (200) enrolled kiosks, 10 to a branch, sync for
 * BENCH_FLEET_SECONDS (30) over real HTTP.
 *
 * - The hub is buildHub in a worker thread of this process (its own event loop; the kiosks share
 *   the main thread), on PostgreSQL when BENCH_DATABASE_URL (or DATABASE_URL) is set (schema
 *   bench_sync_fleet, dropped and created again; see sync/hub.ts), else on PGlite. On a 2-core
 *   machine the kiosks, the hub and PostgreSQL share the cores.
 * - Each kiosk enrols with a one-time code (a real device credential, checked on every request)
 *   and talks through the kiosk's HttpTransport on Node's fetch (undici: keep-alive, a pool of
 *   connections per origin). A round every BENCH_FLEET_ROUND_MS (1,000 ms, jittered ±50%; a real
 *   kiosk syncs every 15 s, so this is the load of about 15× as many): with a chance of 1 in 4 it
 *   pushes 1–3 payments for accounts of its branch, then pulls pages until the hub has no more
 *   (its branch's payments taken by the other kiosks). The kiosks are simulated: they keep their
 *   sequence and cursor in memory and do not apply what they pull (sync-pull measures that).
 * - Figure: the latency of every sync request as the kiosk sees it (sent, answered, checked);
 *   throughput in requests/s and payments/s; errors (an exception or any non-2xx), the first few
 *   printed.
 * - Baseline, same run and hub: every kiosk replays its rounds (same pauses, same number of
 *   requests) against GET /health, which only asks the database for SELECT 1: the HTTP floor.
 * - Checked: the hub holds exactly the payments the kiosks were told were accepted, and each
 *   kiosk's watermark.
 */
const KIOSKS = envInt('BENCH_FLEET_KIOSKS', 200);
const SECONDS = envInt('BENCH_FLEET_SECONDS', 30);
const ROUND_MS = envInt('BENCH_FLEET_ROUND_MS', 1_000);
const PER_BRANCH = 10;
const ACCOUNTS_PER_BRANCH = 50;
const PAY_CHANCE = 0.25;
const TARGET_P99_MS = 100;
const SHOWN_ERRORS = 5;
/** The kiosk's own deadline for a sync call (electron/core/sync/sync-service.ts): a slower answer is an error. */
const TIMEOUT_MS = 15_000;

interface Kiosk {
  name: string;
  deviceId: string;
  branchId: string;
  accounts: string[];
  transport: HttpTransport;
  /** The next device_seq, and the events sent but not yet acknowledged (sent again next round, as the outbox does). */
  seq: number;
  unacked: OutboxEvent[];
  cursor: number;
  ackedThrough: number;
  /** What it did, for the baseline to replay: the pause before each round and the requests in it. */
  rounds: { pauseMs: number; requests: number }[];
}

/** Failed requests: how many, and the first few as printed. */
interface Errors {
  count: number;
  first: string[];
}

interface Tally {
  pushMs: number[];
  pullMs: number[];
  errors: Errors;
  accepted: number;
  /** Events the hub answered other than accepted (duplicate after a lost answer, rejected, parked), by outcome. */
  otherOutcomes: Record<string, number>;
  pulled: number;
}

const newTally = (): Tally => ({ pushMs: [], pullMs: [], errors: { count: 0, first: [] }, accepted: 0, otherOutcomes: {}, pulled: 0 });

function noteError(errors: Errors, kiosk: Kiosk, what: string, error: unknown): void {
  errors.count++;
  if (errors.first.length < SHOWN_ERRORS) errors.first.push(`${kiosk.name} ${what}: ${error instanceof Error ? error.message : String(error)}`);
}

export async function syncFleetBench(): Promise<void> {
  const branches = Array.from({ length: Math.ceil(KIOSKS / PER_BRANCH) }, (_, b) => `FLEET-${String(b + 1).padStart(3, '0')}`);
  const kioskBranches = Array.from({ length: KIOSKS }, (_, k) => branches[k % branches.length] as string);
  const setupStarted = performance.now();
  const hub = await startFleetHub({ schema: 'bench_sync_fleet', branches, accountsPerBranch: ACCOUNTS_PER_BRANCH, kioskBranches });
  try {
    const kiosks = await enrolFleet(hub, kioskBranches);
    // Every kiosk holds its branch already: the first pull (not timed) brings it to the feed's head.
    const warmUp = newTally();
    await Promise.all(kiosks.map((k) => pullAll(k, warmUp)));
    check(warmUp.errors.count === 0, `warm-up pulls failed: ${warmUp.errors.first.join('; ')}`);
    console.log(`\n  sync-fleet: ${KIOSKS} kiosks enrolled in ${branches.length} branches of ${ACCOUNTS_PER_BRANCH} accounts (set up in ${seconds(performance.now() - setupStarted)}, not timed); hub on ${hub.label}, in a worker thread`);
    // A kiosk in production syncs every 15 s (electron/core/sync): say how many of those this load stands for.
    console.log(`  sync-fleet: ${SECONDS} s of rounds every ~${fmt(ROUND_MS)} ms per kiosk (the load of ${fmt((KIOSKS * 15_000) / ROUND_MS)} kiosks syncing every 15 s), then the same requests against GET /health…`);

    // Figure: the fleet syncing.
    const fleet = newTally();
    const fleetRun = await measured(hub, () => {
      const deadline = performance.now() + SECONDS * 1000;
      return Promise.all(kiosks.map((k) => runKiosk(k, deadline, fleet)));
    });
    const syncMs = [...fleet.pushMs, ...fleet.pullMs];

    // Baseline: the same requests, paced the same, against the trivial endpoint.
    const health = { ms: [] as number[], errors: { count: 0, first: [] } as Errors };
    const healthRun = await measured(hub, () => Promise.all(kiosks.map((k) => replayOnHealth(k, hub.baseUrl, health))));

    // The figure is of a run that did what it says.
    const held = Number((await hub.query<{ n: number }>('SELECT count(*) AS n FROM payments'))[0]?.n);
    const acceptedAtHub = Number((await hub.query<{ n: number }>(`SELECT count(*) AS n FROM device_events WHERE outcome = 'accepted'`))[0]?.n);
    const duplicates = fleet.otherOutcomes.duplicate ?? 0;
    check(held === acceptedAtHub, `the hub holds ${held} payments for ${acceptedAtHub} accepted events`);
    check(held >= fleet.accepted && held <= fleet.accepted + duplicates + kiosks.reduce((n, k) => n + k.unacked.length, 0), `the hub holds ${held} payments; kiosks were told ${fleet.accepted} were accepted`);
    const marks = new Map((await hub.query<{ device_id: string; acked_through: number }>('SELECT device_id, acked_through FROM device_watermarks')).map((r) => [r.device_id, r.acked_through]));
    for (const k of kiosks) check((marks.get(k.deviceId) ?? 0) >= k.ackedThrough, `${k.name}: hub watermark ${marks.get(k.deviceId)} behind the kiosk's ${k.ackedThrough}`);
    const rejected = (fleet.otherOutcomes.rejected ?? 0) + (fleet.otherOutcomes.parked ?? 0);

    const figure = latencies(syncMs);
    const baseline = latencies(health.ms);
    const push = latencies(fleet.pushMs);
    const pull = latencies(fleet.pullMs);
    const requests = syncMs.length;
    const errors = fleet.errors.count + rejected;
    const meetsP99 = figure.p99_us / 1000 < TARGET_P99_MS;
    const result = compare(
      'sync-fleet',
      figure,
      `GET /health (SELECT 1 on the database), the same ${fmt(health.ms.length)} requests paced the same, same hub and connections`,
      baseline,
      `p99 under ${TARGET_P99_MS} ms with zero errors at ${KIOSKS} kiosks`,
      {
        kiosks: KIOSKS,
        branches: branches.length,
        seconds: SECONDS,
        round_ms: ROUND_MS,
        pay_chance: PAY_CHANCE,
        hub_database: hub.label,
        hub_process: 'worker thread of this process (own event loop), buildHub on 127.0.0.1, real HTTP',
        elapsed_s: fleetRun.ms / 1000,
        requests,
        requests_per_s: perSecond(requests, fleetRun.ms),
        pushes: fleet.pushMs.length,
        pulls: fleet.pullMs.length,
        payments_accepted: fleet.accepted,
        payments_per_s: perSecond(fleet.accepted, fleetRun.ms),
        changes_pulled: fleet.pulled,
        push_latency: push,
        pull_latency: pull,
        errors: fleet.errors.count,
        events_not_accepted: fleet.otherOutcomes,
        first_errors: fleet.errors.first,
        health_errors: health.errors.count,
        health_elapsed_s: healthRun.ms / 1000,
        hub_connections: fleetRun.after.connections,
        hub_thread_busy: fleetRun.hubBusy,
        kiosk_thread_loop_delay_p99_ms: fleetRun.loopDelayP99Ms,
        health_hub_thread_busy: healthRun.hubBusy,
        health_kiosk_thread_loop_delay_p99_ms: healthRun.loopDelayP99Ms,
        hub_payments: held,
        meets_p99: meetsP99,
        meets_errors: errors === 0,
        node: process.version,
      },
    );
    report(result);
    const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;
    console.log(`  fleet     ${KIOSKS} kiosks for ${seconds(fleetRun.ms)}: ${fmt(requests)} requests, ${fmt(perSecond(requests, fleetRun.ms))}/s (${fmt(fleet.pushMs.length)} pushes, ${fmt(fleet.pullMs.length)} pulls); ${fmt(fleet.accepted)} payments, ${fmt(perSecond(fleet.accepted, fleetRun.ms))} events/s; ${fmt(fleet.pulled)} changes pulled`);
    console.log(`  latency   all p50 ${ms(figure.p50_us)}, p99 ${ms(figure.p99_us)}; push p50 ${ms(push.p50_us)}, p99 ${ms(push.p99_us)}; pull p50 ${ms(pull.p50_us)}, p99 ${ms(pull.p99_us)}`);
    console.log(`  health    p50 ${ms(baseline.p50_us)}, p99 ${ms(baseline.p99_us)} (${fmt(health.ms.length)} requests in ${seconds(healthRun.ms)}, ${health.errors.count} errors)`);
    console.log(`  errors    ${fleet.errors.count} failed requests${rejected > 0 ? `, ${rejected} events rejected or parked` : ''}${duplicates > 0 ? `, ${duplicates} answered as duplicates (sent again after a lost answer)` : ''}`);
    for (const e of fleet.errors.first) console.log(`            ${e}`);
    console.log(`  threads   hub thread busy ${pct(fleetRun.hubBusy)} (health: ${pct(healthRun.hubBusy)}); kiosks' thread event-loop delay p99 ${fleetRun.loopDelayP99Ms.toFixed(1)} ms (health: ${healthRun.loopDelayP99Ms.toFixed(1)} ms); the hub accepted ${fmt(fleetRun.after.connections)} TCP connections in all (keep-alive)`);
    console.log(`  target    p99 under ${TARGET_P99_MS} ms: ${verdict(meetsP99)}; zero errors: ${verdict(errors === 0)}`);
    console.log(`  check     hub holds ${fmt(held)} payments, one per accepted event; every kiosk's watermark is at the hub`);
  } finally {
    await hub.stop();
  }
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Runs `phase`, watching the kiosks' event loop (are the simulated kiosks themselves the bottleneck?) and the hub thread's. */
async function measured(hub: FleetHub, phase: () => Promise<unknown>): Promise<{ ms: number; after: HubStats; hubBusy: number; loopDelayP99Ms: number }> {
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  const before = await hub.stats();
  loop.enable();
  const start = performance.now();
  await phase();
  const ms = performance.now() - start;
  loop.disable();
  const after = await hub.stats();
  const active = after.activeMs - before.activeMs;
  return { ms, after, hubBusy: active / (active + after.idleMs - before.idleMs), loopDelayP99Ms: loop.percentile(99) / 1e6 };
}

/** Every kiosk trades its one-time code for a credential over HTTP, as `npm run kiosk:enrol` does (a few at a time). */
async function enrolFleet(hub: FleetHub, kioskBranches: string[]): Promise<Kiosk[]> {
  const kiosks: Kiosk[] = [];
  for (let start = 0; start < kioskBranches.length; start += 20) {
    const batch = kioskBranches.slice(start, start + 20);
    kiosks.push(
      ...(await Promise.all(
        batch.map(async (branchId, i) => {
          const name = `KIOSK-${String(start + i + 1).padStart(3, '0')}`;
          const credential = await enrolByCode(hub.baseUrl, hub.codes[start + i] as string, branchId, name);
          return {
            name,
            deviceId: credential.deviceId,
            branchId,
            accounts: hub.accounts[branchId] ?? [],
            transport: new HttpTransport({ baseUrl: credential.hubUrl, credential: credential.credential, timeoutMs: TIMEOUT_MS }),
            seq: 0,
            unacked: [],
            cursor: 0,
            ackedThrough: 0,
            rounds: [],
          } satisfies Kiosk;
        }),
      )),
    );
  }
  return kiosks;
}

/** Rounds until the deadline: a pause, sometimes a push of new payments (or of those not yet acknowledged), then pulls until the hub has no more. */
async function runKiosk(kiosk: Kiosk, deadline: number, tally: Tally): Promise<void> {
  // The first pause spreads the kiosks' starts over one round.
  for (let pauseMs = Math.random() * ROUND_MS; performance.now() + pauseMs < deadline; pauseMs = ROUND_MS * (0.5 + Math.random())) {
    await sleep(pauseMs);
    const round = { pauseMs, requests: 0 };
    kiosk.rounds.push(round);
    if (kiosk.unacked.length === 0 && Math.random() < PAY_CHANCE) kiosk.unacked = newPayments(kiosk, 1 + Math.floor(Math.random() * 3));
    if (kiosk.unacked.length > 0) {
      round.requests++;
      if (!(await pushOnce(kiosk, tally))) continue;
    }
    round.requests += await pullAll(kiosk, tally);
  }
}

function newPayments(kiosk: Kiosk, n: number): OutboxEvent[] {
  return Array.from({ length: n }, () => {
    const occurredAt = new Date().toISOString();
    const accountId = kiosk.accounts[Math.floor(Math.random() * kiosk.accounts.length)] as string;
    const fact = paymentFact(accountId, 500 + Math.floor(Math.random() * 20_000), { channel: 'kiosk', method: 'card', cash: 'kiosk-card', origin: kiosk.name, occurredAt });
    return { deviceSeq: ++kiosk.seq, eventId: fact.id, eventType: fact.type, occurredAt, payload: fact };
  });
}

/** One push; false when it failed (the round ends there, as the sync engine's does). */
async function pushOnce(kiosk: Kiosk, tally: Tally): Promise<boolean> {
  const start = performance.now();
  try {
    const response = await kiosk.transport.push(kiosk.unacked, SCHEMA_VERSION);
    tally.pushMs.push(performance.now() - start);
    for (const r of response.results) {
      if (r.deviceSeq > response.ackedThrough) continue;
      if (r.outcome === 'accepted') tally.accepted++;
      else tally.otherOutcomes[r.outcome] = (tally.otherOutcomes[r.outcome] ?? 0) + 1;
    }
    kiosk.ackedThrough = Math.max(kiosk.ackedThrough, response.ackedThrough);
    kiosk.unacked = kiosk.unacked.filter((e) => e.deviceSeq > response.ackedThrough);
    return true;
  } catch (error) {
    tally.pushMs.push(performance.now() - start);
    noteError(tally.errors, kiosk, 'push', error);
    return false;
  }
}

/** Pulls pages after the kiosk's cursor until the hub has no more; the number of requests made. */
async function pullAll(kiosk: Kiosk, tally: Tally): Promise<number> {
  for (let requests = 1; ; requests++) {
    const start = performance.now();
    try {
      const page = await kiosk.transport.pull(kiosk.cursor, MAX_PULL_PAGE);
      tally.pullMs.push(performance.now() - start);
      tally.pulled += page.changes.length;
      kiosk.cursor = page.cursor;
      if (!page.hasMore) return requests;
    } catch (error) {
      tally.pullMs.push(performance.now() - start);
      noteError(tally.errors, kiosk, 'pull', error);
      return requests;
    }
  }
}

/** The kiosk's rounds again, same pauses and request counts, each request a GET /health. */
async function replayOnHealth(kiosk: Kiosk, baseUrl: string, tally: { ms: number[]; errors: Errors }): Promise<void> {
  const url = new URL('/health', baseUrl);
  for (const round of kiosk.rounds) {
    await sleep(round.pauseMs);
    for (let i = 0; i < round.requests; i++) {
      const start = performance.now();
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
        await response.json();
        tally.ms.push(performance.now() - start);
        if (!response.ok) noteError(tally.errors, kiosk, 'health', new Error(`HTTP ${response.status}`));
      } catch (error) {
        tally.ms.push(performance.now() - start);
        noteError(tally.errors, kiosk, 'health', error);
      }
    }
  }
}
