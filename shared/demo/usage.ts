import { addDays, type CalendarDate } from '../calendar.ts';
import type { CatalogIndex } from '../billing/catalog.ts';
import type { Cycle } from '../billing/cycle.ts';
import { termOn, type BillableProduct } from '../billing/product.ts';
import type { UsageRecord } from '../billing/usage.ts';
import { at, type Rng } from './rng.ts';

/** How a customer uses their lines: a share of the allowance, trips abroad, calls abroad. */
export interface UsageHabits {
  /** 0.3–1.35: how hard they lean on their data allowance. */
  intensity: number;
  travelsPercent: number;
  callsAbroadPercent: number;
}

const MB = 1024;
const NO_ALLOWANCE_DAILY_MB = 6;
const UNLIMITED_DAILY_MB = 900;
/** Outside roam-like-at-home zones the network cuts mobile data off at 50.00 a cycle (the EU's bill-shock limit). */
const ROAMING_DATA_CUTOFF_MINOR = 5_000;

/**
 * Synthesises one cycle of network usage for an account's lines, day by day, as mediation would
 * hand it over: data in KB, voice in seconds, SMS one by one. `daysPerRecord` folds several days
 * into one record to keep very large data sets light.
 */
export function cycleUsage(
  rng: Rng,
  catalog: CatalogIndex,
  products: readonly BillableProduct[],
  cycle: Cycle,
  until: CalendarDate,
  habits: UsageHabits,
  daysPerRecord: number,
): UsageRecord[] {
  const records: UsageRecord[] = [];
  for (const product of products) {
    if (product.parentId !== null || (product.kind !== 'mobile' && product.kind !== 'fixed')) continue;
    const trip = product.kind === 'mobile' && rng.chance(habits.travelsPercent) ? planTrip(rng, cycle) : null;
    let serial = 0;
    let roamingDataLeftMinor = ROAMING_DATA_CUTOFF_MINOR;
    for (let day = cycle.start; day <= cycle.end && day <= until; day = addDays(day, daysPerRecord)) {
      const term = termOn(product, day);
      if (!term) continue;
      const tariff = catalog.requireOffering(term.offeringId).usage;
      const zone = trip && day >= trip.from && day <= trip.to ? trip.zone : undefined;
      const push = (fields: Omit<UsageRecord, 'id' | 'productId' | 'usageDate'>) => {
        const usageDate = at(day, rng.int(420, 1260));
        // Mediation's record id: unique per line, cycle and record.
        const id = `${product.id}-${cycle.start.replaceAll('-', '')}-${serial++}`;
        records.push({ id, productId: product.id, usageDate, ...fields, ...(zone ? { zone } : {}) });
      };
      const n = daysPerRecord;
      // People on pay-per-use tariffs are light users; that is why they chose them.
      const light = (tariff?.voice?.allowanceMin ?? 0) === 0 ? 0.3 : 1;
      if (product.kind === 'mobile') {
        const allowance = tariff?.data?.allowanceMB;
        const dailyMB = allowance === null ? UNLIMITED_DAILY_MB : allowance === undefined || allowance === 0 ? NO_ALLOWANCE_DAILY_MB : allowance / 30;
        const wantedKB = Math.round(dailyMB * MB * n * habits.intensity * rng.factor(40, 160));
        const perMB = zone ? tariff?.roaming[zone]?.dataPerMB : undefined;
        const allowedKB = perMB ? Math.min(wantedKB, Math.floor(roamingDataLeftMinor / perMB) * MB) : wantedKB;
        if (perMB) roamingDataLeftMinor -= (allowedKB / MB) * perMB;
        if (allowedKB > 0) push({ usageType: 'data', unit: 'KB', quantity: allowedKB });
        if (!zone && rng.chance(25)) push({ usageType: 'data', unit: 'KB', quantity: rng.int(20, 180) * MB * n, service: 'messaging' });
        push({ usageType: 'voice', unit: 's', quantity: Math.round(rng.int(20, 900) * n * habits.intensity * light), destination: 'national' });
        if (!zone && rng.chance(habits.callsAbroadPercent)) push({ usageType: 'voice', unit: 's', quantity: rng.int(45, 900), destination: 'international' });
        const sms = rng.chance(40) ? rng.int(1, 2) * n : 0;
        if (sms > 0) push({ usageType: 'sms', unit: 'SMS', quantity: sms });
      } else {
        push({ usageType: 'voice', unit: 's', quantity: Math.round(rng.int(0, 600) * n * light), destination: 'national' });
        if (rng.chance(30)) push({ usageType: 'voice', unit: 's', quantity: rng.int(30, 600) * n, destination: 'mobile' });
        if (rng.chance(habits.callsAbroadPercent / 3)) push({ usageType: 'voice', unit: 's', quantity: rng.int(60, 1200), destination: 'international' });
      }
    }
  }
  return records;
}

function planTrip(rng: Rng, cycle: Cycle): { from: CalendarDate; to: CalendarDate; zone: string } {
  const from = addDays(cycle.start, rng.int(0, cycle.days - 4));
  const roll = rng.int(1, 100);
  return { from, to: addDays(from, rng.int(2, 6)), zone: roll <= 60 ? 'EU' : roll <= 85 ? 'Z2' : 'Z3' };
}
