import { v7 as uuidv7 } from 'uuid';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

/** Seeded randomness for the demo data: the same seed gives the same branch, byte for byte. */
export class Rng {
  readonly #g;
  constructor(seed: number) {
    this.#g = xoroshiro128plus(seed);
  }
  int(from: number, to: number): number {
    return uniformInt(this.#g, from, to);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  chance(percent: number): boolean {
    return this.int(1, 100) <= percent;
  }
  /** A factor between `fromPercent`% and `toPercent`%. */
  factor(fromPercent: number, toPercent: number): number {
    return this.int(fromPercent, toPercent) / 100;
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(0, 255));
  }
  /** UUIDv7 stamped with the fact's own time, random part from the seed: same seed, same ids. */
  id(at: string): string {
    return uuidv7({ msecs: Date.parse(at), random: this.bytes(16) });
  }
}

/** An instant on a calendar day, at a minute of the day (UTC, kept away from midnight on purpose). */
export function at(date: string, minuteOfDay: number): string {
  return `${date}T${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}:00.000Z`;
}
