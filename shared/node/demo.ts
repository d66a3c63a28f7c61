import type { Change } from '../sync/changes.ts';
import { demoCustomer, generateDemo, type DemoOptions } from '../demo/generator.ts';
import type { PinVerifiers } from './pin.ts';

const PENDING = 'pending-pin-hash:';

/**
 * The demo history with every customer's PIN hashed (keyed with the branch's PIN key). Hashing is slow on purpose, so every hash
 * runs on libuv's thread pool while the main thread composes the history; the hashes are filled in
 * before anything is returned.
 */
export async function demoWithHashedPins(options: DemoOptions, pins: PinVerifiers): Promise<Change[][]> {
  const hashing = Promise.all(
    Array.from({ length: options.customers }, (_, index) => pins.hash(demoCustomer(options.seed, index, options.countryCallingCode).pin)),
  );
  const batches = [...generateDemo(options, (c) => `${PENDING}${c.index}`)];
  const hashes = await hashing;
  const withHash = (change: Change): Change =>
    change.type === 'customer.upsert' ? { ...change, pinHash: hashes[Number(change.pinHash.slice(PENDING.length))] as string } : change;
  return batches.map((batch) => batch.map(withHash));
}
