import { addDays, daysBetween, type CalendarDate } from '../calendar.ts';
import type { CatalogIndex, ProductOffering } from '../billing/catalog.ts';
import type { BillableProduct, ProductTerm } from '../billing/product.ts';
import type { ProductKind } from '../domain/product.ts';
import type { Rng } from './rng.ts';

interface Window {
  openedOn: CalendarDate;
  /** First day of the history the demo bills. */
  windowStart: CalendarDate;
  asOf: CalendarDate;
  address: string;
  newId: (on: CalendarDate, slot: number) => string;
}

const addOnPercent: Partial<Record<ProductKind, number>> = { tv: 35, mobile: 15 };

/**
 * A customer's services over time: most held since the account opened, some added during the
 * history (prorated first bill), some moved to another plan mid-cycle, a few TV packages dropped,
 * and add-ons riding on their base service.
 */
export function demoProducts(
  rng: Rng,
  catalog: CatalogIndex,
  person: { kinds: readonly ProductKind[]; numbers: readonly (string | null)[] },
  window: Window,
): BillableProduct[] {
  const products: BillableProduct[] = [];
  const historyDays = daysBetween(window.windowStart, window.asOf);
  const dayInWindow = (fromDay = 0) => addDays(window.windowStart, rng.int(fromDay, historyDays - 3));
  const plans = (kind: ProductKind, on: CalendarDate) => catalog.sellable(on).filter((o) => o.kind === kind && o.category === 'plan');

  person.kinds.forEach((kind, slot) => {
    const lateStart = slot > 0 && rng.chance(12);
    const from = lateStart ? dayInWindow(20) : window.openedOn;
    const retired = catalog.catalog.productOffering.filter((o) => o.kind === kind && o.lifecycleStatus === 'Retired' && (o.validFor.endDate ?? '') >= from);
    const first: ProductOffering = retired.length > 0 && rng.chance(15) ? rng.pick(retired) : rng.pick(plans(kind, from));
    const terms: ProductTerm[] = [{ offeringId: first.id, from, to: null }];
    const last = () => terms[terms.length - 1] as ProductTerm;
    if ((kind === 'mobile' || kind === 'broadband') && rng.chance(18)) {
      const changeOn = dayInWindow(10);
      const others = plans(kind, changeOn).filter((o) => o.id !== first.id);
      if (changeOn > from && others.length > 0) {
        terms[0] = { ...last(), to: addDays(changeOn, -1) };
        terms.push({ offeringId: rng.pick(others).id, from: changeOn, to: null });
      }
    }
    if (kind === 'tv' && rng.chance(8)) {
      const endOn = dayInWindow(15);
      if (endOn > last().from) terms[terms.length - 1] = { ...last(), to: endOn };
    }
    const id = window.newId(from, slot);
    products.push({ id, kind, identifier: person.numbers[slot] ?? window.address, parentId: null, terms });

    if (rng.chance(addOnPercent[kind] ?? 0)) {
      const base = last();
      const addOns = catalog.sellable(from).filter((o) => o.category === 'addOn' && o.addOnTo.includes(base.offeringId));
      if (addOns.length > 0) {
        const addOn = rng.pick(addOns);
        products.push({
          id: window.newId(from, 10 + slot),
          kind,
          identifier: person.numbers[slot] ?? window.address,
          parentId: id,
          terms: [{ offeringId: addOn.id, from: base.from > from ? base.from : from, to: base.to }],
        });
      }
    }
  });
  return products;
}
