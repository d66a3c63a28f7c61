import { describe, expect, it } from 'vitest';
import { SyncLoop, type SyncLoopOptions } from '../../electron/core/sync/sync-loop.ts';
import { SyncError } from '../../electron/core/sync/transport.ts';

/** A clock the test moves by hand: timers fire in time order when it advances. */
class ManualClock {
  now = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;

  setTimer = (fn: () => void, ms: number): unknown => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, fn });
    return id;
  };

  clearTimer = (id: unknown): void => {
    this.#timers.delete(id as number);
  };

  get pending(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
      for (let i = 0; i < 10; i++) await Promise.resolve(); // let the round settle
    }
    this.now = until;
  }
}

function setup(outcomes: Array<'ok' | 'offline' | 'unauthorized'>) {
  const clock = new ManualClock();
  const rounds: number[] = [];
  const engine = {
    round: async () => {
      rounds.push(clock.now);
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome !== 'ok') throw new SyncError(outcome, outcome);
      return { pushed: 0, pulled: 0 };
    },
  };
  const options: SyncLoopOptions = { intervalMs: 15_000, baseMs: 1_000, maxMs: 60_000, random: () => 0.5, setTimer: clock.setTimer, clearTimer: clock.clearTimer };
  return { clock, rounds, loop: new SyncLoop(engine, options) };
}

describe('sync loop', () => {
  it('runs a round at once, then one per interval while the link is good', async () => {
    const { clock, rounds, loop } = setup([]);
    loop.start();
    await clock.advance(45_000);
    expect(rounds).toEqual([0, 15_000, 30_000, 45_000]);
  });

  it('backs off with jitter while the hub cannot be reached, and resumes the interval once it can', async () => {
    const { clock, rounds, loop } = setup(['offline', 'offline', 'offline', 'ok']);
    loop.start();
    await clock.advance(10_000);
    // Waits of half the cap (random 0.5): 500, 1000, 2000 ms; then back to the interval.
    expect(rounds).toEqual([0, 500, 1_500, 3_500]);
    expect(loop.failures).toBe(0);
    expect(clock.pending).toEqual([15_000 - (10_000 - 3_500)]);
  });

  it('a new fact wakes it between rounds; during a backoff it waits', async () => {
    const { clock, rounds, loop } = setup(['ok', 'offline']);
    loop.start();
    await clock.advance(1_000);
    loop.wake();
    await clock.advance(0);
    expect(rounds).toEqual([0, 1_000]);
    loop.wake(); // backing off after the failure: no extra round
    await clock.advance(100);
    expect(rounds).toEqual([0, 1_000]);
    await clock.advance(500);
    expect(rounds).toEqual([0, 1_000, 1_500]);
  });

  it('stops for good when the hub refuses the credential, and after stop()', async () => {
    const a = setup(['unauthorized']);
    a.loop.start();
    await a.clock.advance(120_000);
    expect(a.rounds).toEqual([0]);
    expect(a.loop.stopped).toBe(true);
    a.loop.wake();
    await a.clock.advance(60_000);
    expect(a.rounds).toEqual([0]);

    const b = setup([]);
    b.loop.start();
    await b.clock.advance(0);
    b.loop.stop();
    await b.clock.advance(60_000);
    expect(b.rounds).toEqual([0]);
    expect(b.clock.pending).toEqual([]);
  });
});
