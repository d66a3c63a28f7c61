import { addDays, startOfDayInZone, type CalendarDate } from '../../../shared/calendar.ts';
import { scoreCredit } from '../../../shared/billing/credit-risk.ts';
import { cycleAt } from '../../../shared/billing/cycle.ts';
import { COMPARED_CYCLES, findOffers, topOffers, type Offer } from '../../../shared/billing/optimizer.ts';
import { orderForOffer, type OfferView, type ProductOrderView } from '../../../shared/contract/orders.ts';
import { KioskError } from '../../../shared/errors.ts';
import { money } from '../../../shared/money.ts';
import type { BillingReader } from '../ledger/billing-reader.ts';
import type { CreditDesk } from './credit.ts';
import type { CycleUsage } from './cycle-usage.ts';
import { sameTarget, type OrderDesk } from './orders.ts';

/**
 * Personal offers: the plan optimizer re-rates the customer's own last three cycles under every
 * eligible plan and bundle (eligibility includes the credit risk band). Accepting one places the
 * same order the Services screen would.
 */
export class OfferDesk {
  constructor(
    private readonly reader: BillingReader,
    private readonly usage: CycleUsage,
    private readonly credit: CreditDesk,
    private readonly orders: OrderDesk,
    private readonly timeZone: string,
  ) {}

  /** The best offers, leaving out any whose order is already on its way. */
  list(accountId: string, today: CalendarDate): OfferView[] {
    const open = this.orders.openOrders(accountId);
    const offers = this.#offers(accountId, today).filter((o) => !open.some((order) => sameTarget(order, orderForOffer(o))));
    return topOffers(offers).map((o) => view(o, this.usage.account(accountId).currency));
  }

  accept(accountId: string, requestId: string, offerId: string, today: CalendarDate, at: Date): ProductOrderView {
    const offer = this.#offers(accountId, today).find((o) => o.id === offerId);
    if (!offer) throw new KioskError('NOT_FOUND', 'That offer is no longer available.');
    return this.orders.submit(accountId, requestId, orderForOffer(offer), today, at);
  }

  #offers(accountId: string, today: CalendarDate): Offer[] {
    const { catalog, products } = this.usage.forAccount(accountId, today);
    const account = this.usage.account(accountId);
    const from = cycleAt(today, account.billCycleDay, -COMPARED_CYCLES).start;
    const to = addDays(cycleAt(today, account.billCycleDay, -1).end, 1);
    const instant = (date: CalendarDate) => new Date(startOfDayInZone(date, this.timeZone)).toISOString();
    const { profile } = this.credit.profile(accountId, today);
    return findOffers({
      catalog,
      account,
      products,
      timeZone: this.timeZone,
      asOf: today,
      usage: this.reader.usageBetween(accountId, instant(from), instant(to)),
      riskBand: scoreCredit(profile).band,
    });
  }
}

function view(o: Offer, currency: string): OfferView {
  return {
    id: o.id,
    kind: o.kind,
    productId: o.productId,
    serviceKind: o.serviceKind,
    fromOfferingId: o.fromOfferingId,
    toOfferingId: o.toOfferingId,
    params: o.params,
    currentMonthly: money(o.currentMonthlyMinor, currency),
    newMonthly: money(o.newMonthlyMinor, currency),
    monthlySaving: money(o.monthlySavingMinor, currency),
    gives: o.gives,
    reasons: o.reasons,
    cyclesCompared: o.cyclesCompared,
  };
}
