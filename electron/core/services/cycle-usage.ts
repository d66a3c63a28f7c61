import { addDays, startOfDayInZone, type CalendarDate } from '../../../shared/calendar.ts';
import type { CatalogIndex, ProductOffering } from '../../../shared/billing/catalog.ts';
import { cycleContaining, type Cycle } from '../../../shared/billing/cycle.ts';
import { unbilledCharges, type UnbilledCharges } from '../../../shared/billing/unbilled.ts';
import type { RatedUsage, UsageRecord } from '../../../shared/billing/usage.ts';
import type { UsageMeter } from '../../../shared/contract/schemas.ts';
import type { BillingReader, LedgerProduct } from '../ledger/billing-reader.ts';

export interface AccountCycle {
  catalog: CatalogIndex;
  currency: string;
  cycle: Readonly<Cycle>;
  products: LedgerProduct[];
  /** This cycle's usage records not yet billed, as received. */
  records: UsageRecord[];
  unbilled: UnbilledCharges;
}

/**
 * This cycle of one account, rated by the billing engine exactly as the next bill run will rate
 * it: the overview's meters and unbilled figure, the usage chart and credit exposure all read it.
 */
export class CycleUsage {
  constructor(
    private readonly reader: BillingReader,
    private readonly timeZone: string,
  ) {}

  account(accountId: string) {
    return this.reader.account(accountId);
  }

  /** What the bill of a cycle charged in advance, once that bill is issued. */
  billedAhead(accountId: string, cycle: Cycle): Map<string, string> | undefined {
    return this.reader.billedAhead(accountId, cycle.start);
  }

  forAccount(accountId: string, today: CalendarDate): AccountCycle {
    const account = this.reader.account(accountId);
    const catalog = this.reader.catalog();
    const cycle = cycleContaining(today, account.billCycleDay);
    const products = this.reader.products(accountId);
    const instant = (date: CalendarDate) => new Date(startOfDayInZone(date, this.timeZone)).toISOString();
    const records = this.reader.unbilledUsage(accountId, instant(cycle.start), instant(addDays(cycle.end, 1)));
    const unbilled = unbilledCharges({ catalog, products, period: cycle, timeZone: this.timeZone, records });
    return { catalog, currency: account.currency, cycle, products, records, unbilled };
  }
}

export const meterUnits = { data: 'MB', voice: 'min', sms: 'SMS' } as const;

/** The allowances a plan meters, in billing units (null: unlimited, 0: paid per use). */
export function allowancesOf(offering: ProductOffering): { type: UsageMeter['type']; allowance: number | null }[] {
  const tariff = offering.usage;
  const all: [UsageMeter['type'], number | null | undefined][] = [
    ['data', tariff?.data?.allowanceMB],
    ['voice', tariff?.voice?.allowanceMin],
    ['sms', tariff?.sms?.allowance],
  ];
  return all.filter((a): a is [UsageMeter['type'], number | null] => a[1] !== undefined).map(([type, allowance]) => ({ type, allowance }));
}

/** What counts against an allowance: usage at home or roaming like at home, inside or over it. */
export function countsAgainstAllowance(r: RatedUsage): boolean {
  return r.tag === 'included' || r.tag === 'overage';
}
