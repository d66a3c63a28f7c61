import type { DemoOptions } from '../../../shared/demo/generator.ts';
import { demoWithHashedPins } from '../../../shared/node/demo.ts';
import type { PinVerifiers } from '../../../shared/node/pin.ts';
import type { Database } from '../ledger/db.ts';
import { ChangeApplier } from '../ledger/apply-changes.ts';

const SEEDED_KEY = 'demo.seededAt';

/**
 * Loads the demo branch on first start, through the same apply-changes path that sync uses.
 * Safe to re-run after a crash half-way: upserts and idempotent facts make a repeat harmless.
 */
export async function seedDemoIfEmpty(db: Database, options: DemoOptions, pins: PinVerifiers): Promise<{ seeded: boolean }> {
  const done = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(SEEDED_KEY);
  if (done !== undefined) return { seeded: false };
  const applier = new ChangeApplier(db);
  for (const batch of await demoWithHashedPins(options, pins)) applier.apply(batch);
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(SEEDED_KEY, options.now.toISOString());
  return { seeded: true };
}
