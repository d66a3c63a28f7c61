import { addDays, dateInZone, type CalendarDate } from '../../../shared/calendar.ts';
import { termOn } from '../../../shared/billing/product.ts';
import { basePerBillingUnit } from '../../../shared/billing/usage.ts';
import type { UsageDaily } from '../../../shared/contract/bills.ts';
import { KioskError } from '../../../shared/errors.ts';
import { allowancesOf, countsAgainstAllowance, meterUnits, type CycleUsage } from './cycle-usage.ts';

/** One service's usage this cycle, day by day up to today, as the engine rates it against the allowance. */
export class UsageDailyQuery {
  constructor(
    private readonly usage: CycleUsage,
    private readonly timeZone: string,
  ) {}

  get(accountId: string, productId: string, today: CalendarDate): UsageDaily {
    const { catalog, cycle, products, unbilled } = this.usage.forAccount(accountId, today);
    const product = products.find((p) => p.id === productId && p.parentId === null);
    const term = product && termOn(product, today);
    if (!product || !term) throw new KioskError('NOT_FOUND', 'This service is not on your account.');
    const offering = catalog.requireOffering(term.offeringId);
    const days: CalendarDate[] = [];
    for (let day = cycle.start; day <= today && day <= cycle.end; day = addDays(day, 1)) days.push(day);
    const meters = allowancesOf(offering).map(({ type, allowance }) => {
      const perDay = new Map<CalendarDate, number>();
      for (const r of unbilled.rated) {
        if (r.productId !== productId || r.usageType !== type || !countsAgainstAllowance(r)) continue;
        const day = dateInZone(new Date(r.usageDate), this.timeZone);
        perDay.set(day, (perDay.get(day) ?? 0) + r.ratedQuantity);
      }
      const inUnits = (base: number) => Math.round((base / basePerBillingUnit[type]) * 10) / 10;
      return { type, unit: meterUnits[type], allowance, days: days.map((date) => ({ date, used: inUnits(perDay.get(date) ?? 0) })) };
    });
    return { productId, kind: product.kind, identifier: product.identifier, planName: offering.name, cycle: { start: cycle.start, end: cycle.end }, meters };
  }
}
