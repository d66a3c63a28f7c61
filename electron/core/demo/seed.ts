import type { Change } from '../../../shared/changes.ts';
import type { Database } from '../ledger/db.ts';
import { ChangeApplier } from '../ledger/apply-changes.ts';
import { hashPin } from '../security/pin.ts';
import { demoCustomer, generateDemo, type DemoOptions } from './generator.ts';

const SEEDED_KEY = 'demo.seededAt';
const PENDING = 'pending-pin-hash:';

/**
 * Loads the demo branch on first start, through the same apply-changes path that sync uses.
 * PIN hashing is slow on purpose, so every hash runs on libuv's thread pool while the main thread
 * composes the history; the hashes are filled in before anything is written.
 * Safe to re-run after a crash half-way: upserts and idempotent facts make a repeat harmless.
 */
export async function seedDemoIfEmpty(db: Database, options: DemoOptions): Promise<{ seeded: boolean }> {
  const done = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(SEEDED_KEY);
  if (done !== undefined) return { seeded: false };
  const hashing = Promise.all(
    Array.from({ length: options.customers }, (_, index) => hashPin(demoCustomer(options.seed, index, options.countryCallingCode).pin)),
  );
  const batches = [...generateDemo(options, (c) => `${PENDING}${c.index}`)];
  const hashes = await hashing;
  const withHash = (change: Change): Change =>
    change.type === 'customer.upsert' ? { ...change, pinHash: hashes[Number(change.pinHash.slice(PENDING.length))] as string } : change;
  const applier = new ChangeApplier(db);
  for (const batch of batches) applier.apply(batch.map(withHash));
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(SEEDED_KEY, new Date().toISOString());
  return { seeded: true };
}
