import type { Database } from '../ledger/db.ts';
import { ChangeApplier } from '../ledger/apply-changes.ts';
import { hashPin } from '../security/pin.ts';
import { demoCustomer, generateDemo, type DemoOptions } from './generator.ts';

const SEEDED_KEY = 'demo.seededAt';

/** PIN hashes for the demo customers, computed a few at a time on libuv's thread pool. */
async function demoPinHashes(options: DemoOptions): Promise<string[]> {
  const hashes: string[] = [];
  const parallel = 8;
  for (let start = 0; start < options.customers; start += parallel) {
    const end = Math.min(start + parallel, options.customers);
    const chunk = Array.from({ length: end - start }, (_, i) => hashPin(demoCustomer(options.seed, start + i, options.countryCallingCode).pin));
    hashes.push(...(await Promise.all(chunk)));
  }
  return hashes;
}

/**
 * Loads the demo branch on first start, through the same apply-changes path that sync uses.
 * Safe to re-run after a crash half-way: upserts and idempotent facts make a repeat harmless.
 */
export async function seedDemoIfEmpty(db: Database, options: DemoOptions): Promise<{ seeded: boolean }> {
  const done = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(SEEDED_KEY);
  if (done !== undefined) return { seeded: false };
  const hashes = await demoPinHashes(options);
  const applier = new ChangeApplier(db);
  for (const batch of generateDemo(options, (c) => hashes[c.index] as string)) applier.apply(batch);
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(SEEDED_KEY, new Date().toISOString());
  return { seeded: true };
}
