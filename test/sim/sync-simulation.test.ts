import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFacts } from '../../electron/core/ledger/local-facts.ts';
import type { ChangeOf } from '../../shared/sync/changes.ts';
import { checkWorld, type WorldSnapshot } from './invariants.ts';
import { count, type Call, type Tally } from './network.ts';
import { runSeed, type Mutant, type SimEnv, type SimResult } from './simulation.ts';
import { baseWorld, kioskTemplates, SimDatabase } from './world.ts';

/**
 * docs/architecture.md §4's proof: several kiosks and the hub, with dropped, duplicated, reordered and delayed
 * messages, partitions, kiosk crashes (also between the hub's commit and the kiosk's ack) and hub
 * restarts, seeded and replayable; after healing, every invariant must hold.
 *
 *   SIM_SEEDS=<n>  how many seeds (default 200)
 *   SIM_SEED=<n>   replays that one seed and prints its run step by step
 */
const replay = (seed: number) => `SIM_SEED=${seed} npx vitest run test/sim/sync-simulation.test.ts`;
const only = process.env.SIM_SEED === undefined ? null : Number(process.env.SIM_SEED);
const seeds = only !== null ? [only] : Array.from({ length: Number(process.env.SIM_SEEDS ?? 200) }, (_, i) => i + 1);

let env: SimEnv;
const total: Tally = new Map();
let started = 0;

beforeAll(async () => {
  const world = baseWorld();
  const db = await SimDatabase.open(world);
  env = { db, world, templates: await kioskTemplates(db) };
  started = Date.now();
}, 120_000);

afterAll(async () => {
  env?.templates.dispose();
  await env?.db.close();
  if (total.size === 0) return;
  const width = Math.max(...[...total.keys()].map((k) => k.length));
  const lines = [...total].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k.padEnd(width)}  ${n}`);
  console.log(`sync simulation: ${seeds.length} seeds in ${((Date.now() - started) / 1000).toFixed(1)} s; what happened across them:\n${lines.join('\n')}`);
});

function report(result: SimResult): string {
  const shown = result.violations.slice(0, 25).map((v) => `  - ${v}`);
  const more = result.violations.length > shown.length ? [`  … and ${result.violations.length - shown.length} more`] : [];
  return [
    `seed ${result.seed} broke ${result.violations.length} invariant(s):`,
    ...shown,
    ...more,
    `the run's last steps:`,
    ...result.trace.slice(-30).map((l) => `  ${l}`),
    `replay it step by step: ${replay(result.seed)}`,
  ].join('\n');
}

describe.skipIf(seeds.length === 0)('sync simulation: kiosks and the hub over a faulty network', () => {
  it.each(seeds)('seed %i: after healing, every event is applied once, ledgers balance, outboxes drain and replicas equal the hub', async (seed) => {
    // Straight to stdout, one line a step, as it happens (console.log would label every line with the test's name).
    const onTrace = (line: string) => process.stdout.write(`${line}\n`);
    const result = await runSeed(env, { seed, ...(only !== null ? { onTrace } : {}) }).catch((error: unknown) => {
      // A seed that throws (a call the core should have answered, a hub that would not start) is replayed the same way.
      throw new Error(`seed ${seed} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nreplay it step by step: ${replay(seed)}`);
    });
    for (const [k, n] of result.tally) count(total, k, n);
    count(total, 'seeds');
    expect(result.violations, report(result)).toEqual([]);
  }, 60_000);
});

describe('the simulation can fail', () => {
  it('runs a seed the same way every time', async () => {
    const [a, b] = [await runSeed(env, { seed: 7 }), await runSeed(env, { seed: 7 })];
    expect(b.trace).toEqual(a.trace);
    expect([...b.tally]).toEqual([...a.tally]);
  }, 60_000);

  it('reports a doubled payment, an unbalanced entry, an undrained outbox and a replica that drifted', async () => {
    const healthy = await firstRunWith((r) => Object.keys(r.truth.payments).length > 0 && r.snapshot.kiosks.some((k) => k.ledger.bills.length > 0));
    expect(checkWorld(healthy.snapshot, healthy.truth)).toEqual([]);
    const doctored = (change: (w: WorldSnapshot) => void) => {
      const copy = structuredClone(healthy.snapshot);
      change(copy);
      return checkWorld(copy, healthy.truth).join('\n');
    };
    const [paymentId] = Object.keys(healthy.truth.payments) as [string];

    // The hub applied one kiosk payment twice (a second payment row with its own entry and feed row).
    expect(
      doctored((w) => {
        const payment = w.hub.all.payments.find((p) => p.id === paymentId);
        const entry = w.hub.all.journal_entries.find((e) => e.id === payment?.entry_id);
        if (!payment || !entry) throw new Error('the healthy run lost its payment');
        w.hub.all.payments.push({ ...payment });
        w.hub.all.journal_entries.push({ ...entry });
        w.hub.feedPayments.push(paymentId);
      }),
    ).toMatch(new RegExp(`payment ${paymentId} from kiosk K\\d is there 2 times, not once[\\s\\S]*in the feed 2 times`));
    // A posting lost a cent on a kiosk.
    expect(
      doctored((w) => {
        const posting = (w.kiosks[0] as WorldSnapshot['kiosks'][number]).ledger.postings[0];
        if (posting) posting.amount_minor = (posting.amount_minor as number) + 1;
      }),
    ).toMatch(/kiosk K1: journal entry .* postings sum to 1, not 0[\s\S]*kiosk K1: the whole ledger sums to 1/);
    // An event never acknowledged, and the hub holding an event the kiosk never wrote.
    expect(
      doctored((w) => {
        const kiosk = w.kiosks.find((k) => k.outbox.length > 0);
        const row = kiosk?.outbox.at(-1);
        if (!kiosk || !row) throw new Error('the healthy run pushed nothing');
        row.acked = false;
        w.hub.devices[kiosk.deviceId]?.events.push({ seq: row.seq + 1, eventId: 'invented', eventType: row.eventType, hash: row.hash, outcome: 'accepted', reason: null, payloadId: null });
      }),
    ).toMatch(/was never acknowledged[\s\S]*the hub holds seq \d+ \(.* invented\) that this kiosk never wrote/);
    // A replica missing a bill the hub has.
    expect(
      doctored((w) => {
        w.kiosks.find((k) => k.ledger.bills.length > 0)?.ledger.bills.pop();
      }),
    ).toMatch(/bills row at the hub but not on the kiosk/);
  }, 120_000);

  it('catches a kiosk that re-sends its events under fresh event ids', async () => {
    // A retry must carry the event's own id; this one mints a new id for every copy after the first.
    const sent = new Set<string>();
    let fired = 0;
    const mutant: Mutant = {
      request: (call, from) =>
        call.kind !== 'push'
          ? call
          : {
              kind: 'push',
              schemaVersion: call.schemaVersion,
              events: call.events.map((e) => {
                const key = `${from.name}:${e.deviceSeq}`;
                if (!sent.has(key)) {
                  sent.add(key);
                  return e;
                }
                fired++;
                return { ...e, eventId: `${e.eventId.slice(0, 30)}-copy${fired}` };
              }),
            },
    };
    const result = await runSeed(env, { seed: 11, chaos: 3, mutant });
    expect(fired).toBeGreaterThan(0);
    expect(result.violations.join('\n')).toMatch(/the hub refused \d+ copies as "same id\/seq, different payload"/);
  }, 60_000);

  it('catches a kiosk that records a payment again under a new id when its push fails', async () => {
    // "Try again" as a new payment: everything downstream stays consistent with itself, only the truth (one customer, one payment) shows it.
    const sent = new Set<string>();
    const copied = new Set<string>();
    const mutant: Mutant = {
      request: (call: Call, from) => {
        if (call.kind !== 'push') return call;
        for (const e of call.events) {
          const payment = e.payload as ChangeOf<'payment.recorded'>;
          const retry = sent.has(`${from.name}:${e.deviceSeq}`);
          sent.add(`${from.name}:${e.deviceSeq}`);
          if (!retry || e.eventType !== 'payment.recorded' || copied.has(payment.id) || payment.id.startsWith('copy-')) continue;
          copied.add(payment.id);
          const id = `copy-${payment.id}`.slice(0, 64);
          new LocalFacts(from.ledger).record({ ...payment, id, entry: { ...payment.entry, id: `entry-${id}`, idempotencyKey: `payment:${id}` } }, new Date(e.occurredAt));
        }
        return call;
      },
    };
    // The first seed whose chaos fails a push holding a payment (which seed that is depends on what else the outbox holds).
    let result: SimResult | undefined;
    for (let seed = 12; seed < 32 && copied.size === 0; seed++) result = await runSeed(env, { seed, chaos: 3, mutant });
    expect(copied.size).toBeGreaterThan(0);
    expect(result?.violations.join('\n')).toMatch(/truth: payment copy-.* is in an outbox, but no customer paid it/);
  }, 60_000);

  it('catches a hub that leaves a payment out of a page but moves the cursor past it', async () => {
    // The one rule that makes paging safe (README: a cursor never skips a change) broken once.
    let skipped: string | null = null;
    const mutant: Mutant = {
      reply: (reply, _call, from) => {
        if (skipped !== null || !('changes' in reply)) return reply;
        // A payment this kiosk does not hold (not its own coming back): it would never see it.
        const unseen = (c: { change: unknown }) => {
          const change = c.change as { type?: string; id?: string };
          return change.type === 'payment.recorded' && from.ledger.prepare('SELECT 1 FROM payments WHERE id = ?').get(change.id) === undefined;
        };
        const payment = reply.changes.find(unseen);
        if (!payment) return reply;
        skipped = (payment.change as { id: string }).id;
        return { ...reply, changes: reply.changes.filter((c) => c !== payment) };
      },
    };
    const result = await runSeed(env, { seed: 13, mutant });
    expect(skipped).not.toBeNull();
    const found = result.violations.join('\n');
    expect(found).toMatch(new RegExp(`journal_entries row at the hub but not on the kiosk: .*"id":"entry-${skipped}"`));
    expect(found).toMatch(/payments row at the hub but not on the kiosk/);
  }, 60_000);
});

async function firstRunWith(wanted: (r: SimResult) => boolean): Promise<SimResult> {
  for (let seed = 1; seed <= 20; seed++) {
    const result = await runSeed(env, { seed });
    if (wanted(result)) return result;
  }
  throw new Error('no seed among the first 20 took a payment');
}
