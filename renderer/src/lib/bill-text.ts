import { lineUsageType, type BillLine, type CustomerBill, type ServiceSection, type TaxItem } from '../../../shared/billing/bill.ts';
import type { ExplanationItem } from '../../../shared/billing/explain.ts';
import { money } from '../../../shared/money.ts';
import type { Translator } from '../../../shared/i18n/translator.ts';
import { discountName, zoneName } from './catalog-text.ts';
import { formatE164 } from './format.ts';

/**
 * Bills in the customer's language. The engine writes each line's English `description` (the
 * bill document's own text) and alongside it the unformatted facts (`cause`, `params`,
 * `quantity`, `period`); explanation items are codes and facts only. The screens say those facts
 * from the message files, in every language (English included, so there is one path to test).
 * When a fact a line's template needs is missing, the line's description is the fallback. Plan names are brand names, shown as the catalogue
 * spells them; discounts and roaming zones are named by id from the message files (catalog-text.ts).
 */

function text(params: BillLine['params'], name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function count(params: BillLine['params'], name: string): number | undefined {
  const value = params[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

const usageTypes = ['data', 'voice', 'sms'] as const;
type UsageKind = (typeof usageTypes)[number];
const destinations = ['local', 'national', 'mobile', 'international'] as const;
type Destination = (typeof destinations)[number];

function isUsageKind(value: string | undefined): value is UsageKind {
  return value !== undefined && (usageTypes as readonly string[]).includes(value);
}
function isDestination(value: string | undefined): value is Destination {
  return value !== undefined && (destinations as readonly string[]).includes(value);
}

function quantityText(line: BillLine, tr: Translator): string | undefined {
  const q = line.quantity;
  if (!q || q.unit === 'day') return undefined;
  return tr.quantity(q.amount, q.unit, true);
}

/** One bill line in the customer's language. */
export function lineText(line: BillLine, tr: Translator): string {
  const offering = text(line.params, 'offering');
  const discount = text(line.params, 'discount');
  switch (line.cause) {
    case 'recurring':
      if (offering) return tr.t('line.recurring', { offering });
      break;
    case 'newService':
    case 'removedService':
    case 'planChange': {
      const days = count(line.params, 'days');
      const cycleDays = count(line.params, 'cycleDays');
      if (!offering || days === undefined) break;
      // A proration either charges the days a term ran or refunds the days it did not.
      if (line.amountMinor < 0) return tr.plural('line.prorationRefund', days, { offering });
      if (cycleDays !== undefined) return tr.t('line.prorationCharge', { offering, days: tr.number(days), cycleDays: tr.number(cycleDays) });
      break;
    }
    case 'usageOverAllowance': {
      const kind = lineUsageType(line);
      const quantity = quantityText(line, tr);
      if (kind && quantity) return tr.t(`line.overAllowance.${kind}`, { quantity });
      break;
    }
    case 'roaming': {
      const zone = text(line.params, 'zone');
      const quantity = quantityText(line, tr);
      if (zone && quantity) return tr.t('line.roaming', { zone: zoneName(text(line.params, 'zoneId'), zone, tr), quantity });
      break;
    }
    case 'destination': {
      const destination = text(line.params, 'destination');
      const quantity = quantityText(line, tr);
      if (isDestination(destination) && quantity) return tr.t(`line.destination.${destination}`, { quantity });
      break;
    }
    case 'activationFee':
      if (offering) return tr.t('line.activation', { offering });
      break;
    case 'lateFee': {
      const billNo = text(line.params, 'billNo');
      if (billNo) return tr.t('line.lateFee', { billNo });
      break;
    }
    case 'bundleDiscount':
      if (discount) return tr.t('line.bundleDiscount', { discount: discountName(line.sourceId, discount, tr) });
      break;
    case 'loyaltyDiscount': {
      const months = count(line.params, 'months');
      if (months !== undefined && months >= 12) return tr.plural('line.loyaltyDiscount', Math.floor(months / 12));
      break;
    }
    case 'promotion':
      if (discount) return tr.t('line.promotion', { discount: discountName(line.sourceId, discount, tr) });
      break;
  }
  return line.description;
}

/** What a line covers besides its words: the dates of a fee or a proration. */
export function lineDetail(line: BillLine, tr: Translator): string | null {
  return line.period ? tr.dateRange(line.period.start, line.period.end) : null;
}

/** A tax item's name with its rate, for the known tax categories; the bill's own name otherwise. */
export function taxName(item: TaxItem, tr: Translator): string {
  const rate = tr.percent(item.rateBps);
  switch (item.taxCategory) {
    case 'VAT-STD':
      return tr.t('tax.vat', { rate });
    case 'IPS':
      return tr.t('tax.insurance', { rate });
    case 'NOT-SUBJECT':
      return tr.t('tax.notSubject');
    default:
      return item.name;
  }
}

/** How a service is known on the bill: lines by their number, broadband and TV by their plan. */
export function sectionIdentifier(section: Pick<ServiceSection, 'kind' | 'identifier'>): { text: string; isNumber: boolean } {
  const isNumber = /^\+\d{6,15}$/.test(section.identifier);
  return { text: isNumber ? formatE164(section.identifier) : section.identifier, isNumber };
}

function serviceLabel(item: ExplanationItem, bill: CustomerBill, tr: Translator): string {
  // A service no longer on this bill is named as the bill that had it named it (item.service).
  const section = item.productId === null ? null : (bill.services.find((s) => s.productId === item.productId) ?? item.service);
  if (!section) return tr.t('changes.account');
  if (section.kind === 'broadband' || section.kind === 'tv') return section.offeringName;
  return tr.t('changes.serviceLabel', { kind: tr.t(`kind.${section.kind}`), identifier: formatE164(section.identifier) });
}

function what(item: ExplanationItem, tr: Translator): string {
  const p = item.params;
  const name = text(p, 'name');
  switch (item.cause) {
    case 'newService':
      return name ? tr.t('changes.newServiceNamed', { name }) : tr.t('changes.newService');
    case 'removedService':
      return name ? tr.t('changes.removedServiceNamed', { name }) : tr.t('changes.removedService');
    case 'planChange': {
      const fromPlan = text(p, 'fromPlan');
      const toPlan = text(p, 'toPlan');
      return fromPlan && toPlan ? tr.t('changes.planChange', { fromPlan, toPlan }) : tr.t('changes.planChangePlain');
    }
    case 'priceChange':
      return name ? tr.t('changes.priceChangeNamed', { name }) : tr.t('changes.priceChange');
    case 'proration':
      return name ? tr.t('changes.prorationNamed', { name }) : tr.t('changes.proration');
    case 'usageOverAllowance': {
      const type = text(p, 'usageType');
      return isUsageKind(type) ? tr.t(`changes.overAllowance.${type}`) : tr.t('changes.overAllowance');
    }
    case 'roaming': {
      const zone = text(p, 'zone');
      return zone ? tr.t('changes.roaming', { zone: zoneName(text(p, 'zoneId'), zone, tr) }) : tr.t('changes.roamingPlain');
    }
    case 'destination': {
      const destination = text(p, 'destination');
      if (isDestination(destination)) return tr.t(`changes.destination.${destination}`);
      return destination ? tr.t('changes.destination.other', { destination }) : tr.t('changes.destinationPlain');
    }
    case 'discountStarted':
      return name ? tr.t('changes.discountStarted', { name: discountName(text(p, 'discountId'), name, tr) }) : tr.t('changes.discountStartedPlain');
    case 'discountEnded':
      return name ? tr.t('changes.discountEnded', { name: discountName(text(p, 'discountId'), name, tr) }) : tr.t('changes.discountEndedPlain');
    case 'discountChanged':
      return name ? tr.t('changes.discountChanged', { name: discountName(text(p, 'discountId'), name, tr) }) : tr.t('changes.discountChangedPlain');
    case 'oneTimeFee':
      return name ? tr.t('changes.oneTimeFeeNamed', { name }) : tr.t('changes.oneTimeFee');
    case 'lateFee':
      return tr.t('changes.lateFee');
    case 'tax':
      return tr.t('changes.tax');
  }
}

export interface ChangeText {
  /** The service it is about, or "Your account". */
  service: string;
  /** One sentence, e.g. "Data over the allowance: €11.92 more." */
  sentence: string;
  /** The signed amount, e.g. +€11.92 / −€4.80. */
  amount: string;
  direction: 'more' | 'less';
}

/** One "what changed" item in the customer's language, from its cause and params. */
export function changeText(item: ExplanationItem, bill: CustomerBill, tr: Translator): ChangeText {
  const direction = item.amountMinor > 0 ? 'more' : 'less';
  const absolute = tr.money(money(Math.abs(item.amountMinor), bill.currency));
  const change = tr.t(direction === 'more' ? 'changes.changeMore' : 'changes.changeLess', { amount: absolute });
  return {
    service: serviceLabel(item, bill, tr),
    sentence: tr.t('changes.sentence', { what: what(item, tr), change }),
    amount: signedMoney(item.amountMinor, bill.currency, tr),
    direction,
  };
}

/** An amount with an explicit sign: +€11.92, −€4.80 (a true minus sign). */
export function signedMoney(amountMinor: number, currency: string, tr: Translator): string {
  const formatted = tr.money(money(Math.abs(amountMinor), currency));
  if (amountMinor === 0) return formatted;
  return `${amountMinor > 0 ? '+' : '\u2212'}${formatted}`;
}

/** Explanation items biggest change first (the engine already orders them; the screen relies on it). */
export function biggestFirst(items: readonly ExplanationItem[]): ExplanationItem[] {
  return [...items].sort((a, b) => Math.abs(b.amountMinor) - Math.abs(a.amountMinor));
}

/** A bill line as a row of an amount list: what it is, its detail, its amount. */
export function lineItem(line: BillLine, tr: Translator): { key: string; text: string; detail: string | null; amountMinor: number; cause: string } {
  return { key: line.id, text: lineText(line, tr), detail: lineDetail(line, tr), amountMinor: line.amountMinor, cause: line.cause };
}
