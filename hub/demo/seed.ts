import { randomBytes } from 'node:crypto';
import { demoBranch } from '../../shared/demo/branch.ts';
import { pinVerifiers } from '../../shared/node/pin.ts';
import type { DemoOptions } from '../../shared/demo/generator.ts';
import { demoWithHashedPins } from '../../shared/node/demo.ts';
import type { HubDb, HubQueryable } from '../db/hub-db.ts';
import { writeChanges } from '../ledger/change-writer.ts';

export interface DemoSeedOptions {
  /** The instant the demo is made at (the hub's clock when it starts): see DemoOptions.now. */
  now: Date;
  /** Fewer than the kiosk's default for quick tests; the same seed keeps the first ones (the README's) identical. */
  customers?: number;
}

async function isEmpty(q: HubQueryable): Promise<boolean> {
  return (await q.query('SELECT 1 FROM branches LIMIT 1')).length === 0;
}

/**
 * Loads the demo branch into an empty hub: the kiosk's demo branch (same id, name, generator,
 * seed and options, so the README's accounts and PINs work against the hub) through the change
 * writer, so the feed holds every change a kiosk of that branch will pull. One transaction: a crash
 * half-way leaves the hub empty, and of several hub processes starting together only one seeds.
 */
export async function seedDemoIfEmpty(db: HubDb, options: DemoSeedOptions): Promise<{ seeded: boolean }> {
  if (!(await isEmpty(db))) return { seeded: false };
  const demo: DemoOptions = {
    seed: demoBranch.seed,
    customers: options.customers ?? demoBranch.customers,
    now: options.now,
    branchId: demoBranch.id,
    currency: demoBranch.currency,
    countryCallingCode: demoBranch.countryCallingCode,
    timeZone: demoBranch.timeZone,
  };
  // Hashed before the transaction (scrypt is slow on purpose and a retry must not repeat it), with the branch's new PIN key.
  const pinKey = randomBytes(32);
  const batches = await demoWithHashedPins(demo, pinVerifiers(pinKey));
  const seeded = await db.transaction(async (tx) => {
    if (!(await isEmpty(tx))) return false;
    await tx.query('INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES ($1, $2, $3, $4, $5)', [
      demoBranch.id,
      demoBranch.name,
      demoBranch.currency,
      demoBranch.countryCallingCode,
      demoBranch.timeZone,
    ]);
    await tx.query('INSERT INTO branch_pin_keys (branch_id, pin_key) VALUES ($1, $2)', [demoBranch.id, pinKey.toString('hex')]);
    for (const batch of batches) await writeChanges(tx, batch);
    return true;
  });
  return { seeded };
}
