import { dateInZone, type CalendarDate } from '../calendar.ts';
import type { ProductStatus } from '../domain/product.ts';
import type { AllocationState } from './allocation.ts';
import type { CatalogIndex } from './catalog.ts';
import type { CreditProfileInput } from './credit-risk.ts';
import { termOn, type BillableProduct } from './product.ts';

/** A product with its lifecycle status (TMF637), as both ledgers (kiosk and hub) hold it. */
export interface ServiceProduct extends BillableProduct {
  status: ProductStatus;
}

/** Products in service on `today`: not terminated and with a term covering the day. */
export function liveProducts<P extends ServiceProduct>(products: readonly P[], today: CalendarDate): P[] {
  return products.filter((p) => p.status !== 'terminated' && termOn(p, today) !== undefined);
}

export interface CreditProfileSource {
  today: CalendarDate;
  /** The operator's zone: a payment's instant becomes the day it settled a bill. */
  timeZone: string;
  openedOn: CalendarDate;
  creditLimitMinor: number;
  catalog: CatalogIndex;
  products: readonly ServiceProduct[];
  /** The account's bills and payments replayed by the billing engine's allocation. */
  allocation: AllocationState;
  /** This cycle's usage, rated, tax included. */
  unbilledUsageMinor: number;
}

/**
 * The account as the credit scorecard sees it on `today`. One function for every ledger, so the
 * kiosk deciding on its own replica and the hub deciding on the central ledger reach the same
 * decision from the same data (and a disagreement means the data differed, not the rules).
 */
export function creditProfile(source: CreditProfileSource): CreditProfileInput {
  const { today, catalog, allocation } = source;
  const live = liveProducts(source.products, today);
  return {
    asOf: today,
    openedOn: source.openedOn,
    creditLimitMinor: source.creditLimitMinor,
    balanceMinor: allocation.balanceMinor,
    unbilledUsageMinor: source.unbilledUsageMinor,
    // Orders are not billed until fulfilled; neither ledger counts them yet.
    pendingOrdersFirstBillMinor: 0,
    serviceCount: live.filter((p) => p.parentId === null).length,
    bills: allocation.bills.map((b) => ({
      billNo: b.billNo,
      paymentDueDate: b.paymentDueDate,
      amountMinor: b.amountMinor,
      paidOn: b.paidOn === null ? null : dateInZone(new Date(b.paidOn), source.timeZone),
    })),
    dishonouredPayments: 0,
    monthlyRecurringMinor: live.reduce((sum, p) => sum + catalog.recurringPrice((termOn(p, today) as { offeringId: string }).offeringId, today), 0),
  };
}
