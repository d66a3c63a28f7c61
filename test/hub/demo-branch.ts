import { pinVerifiers } from '../../shared/node/pin.ts';
import { branchPinKey } from '../../hub/security/pin-keys.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { generateDemo } from '../../shared/demo/generator.ts';
import { demoWithHashedPins } from '../../shared/node/demo.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { TEST_DEMO } from '../helpers/demo-ledger.ts';

/**
 * The test kiosks' demo branch on a hub: made at the suite's instant by the same generator,
 * so a kiosk's own demo ledger and the hub's agree. PINs stay unhashed unless the kiosk will pull
 * the customers back and sign someone in (hashing is slow on purpose).
 */
export async function seedTestBranch(db: HubDb, pins: 'unhashed' | 'hashed' = 'unhashed'): Promise<void> {
  await db.query(`INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES ($1, $2, 'EUR', '34', $3)`, [demoBranch.id, demoBranch.name, demoBranch.timeZone]);
  const demo = {
    ...TEST_DEMO,
    now: TEST_NOW,
    branchId: demoBranch.id,
    currency: demoBranch.currency,
    countryCallingCode: demoBranch.countryCallingCode,
    timeZone: demoBranch.timeZone,
  };
  const changes = pins === 'hashed' ? await demoWithHashedPins(demo, pinVerifiers(await branchPinKey(db, demoBranch.id))) : [...generateDemo(demo, () => 'unhashed')];
  await new HubChangeWriter(db).write(changes.flat());
}
