import { saleRules } from '../../../shared/billing/optimizer.ts';
import type { OfferView, SellableOffering } from '../../../shared/contract/orders.ts';
import type { OrderAction } from '../../../shared/domain/order-action.ts';
import type { OrderPreview } from '../../../shared/billing/order-preview-schema.ts';
import type { ServiceCard } from '../../../shared/contract/schemas.ts';
import { money, type Money } from '../../../shared/money.ts';
import type { Translator } from '../../../shared/i18n/translator.ts';
import { discountName } from './catalog-text.ts';
import { formatE164 } from './format.ts';
import type { OrderProblem } from './state/order.ts';

/**
 * Orders and offers in the customer's language. The core writes English `text`s and `title`s
 * and alongside them the unformatted facts (`code`, `params`); the screens say those facts
 * again from the message files. Where a fact a sentence needs is missing, the core's English is
 * the fallback. Plan and extra names are brand names, shown as spelled; bundles are named by id
 * from the message files (catalog-text.ts).
 */

type Reason = OrderPreview['reasons'][number];
type Params = Reason['params'];

function minor(params: Params, name: string): number | undefined {
  const value = params[name];
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function word(params: Params, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Reasons said in one sentence, no params needed: the rules about what can be sold, and an order already on its way. */
const ruleCodes = [...saleRules, 'ORDER_PENDING'] as const;
type RuleCode = (typeof ruleCodes)[number];
function isRuleCode(code: string): code is RuleCode {
  return (ruleCodes as readonly string[]).includes(code);
}

/** Why an order is allowed, needs staff, or is not allowed, from the reason's code and params. */
export function orderReasonText(reason: Reason, action: OrderAction['action'], currency: string, tr: Translator): string {
  const p = reason.params;
  const amount = (name: string): string | undefined => {
    const value = minor(p, name);
    return value === undefined ? undefined : tr.money(money(value, currency));
  };
  if (isRuleCode(reason.code)) return tr.t(`order.reason.${reason.code}`);
  switch (reason.code) {
    case 'IN_COMMITMENT':
      // A removal ends the term early; a change may only move up during it.
      return tr.t(action === 'remove' ? 'order.reason.IN_COMMITMENT.remove' : 'order.reason.IN_COMMITMENT.change');
    case 'OVERDUE_OVER_30_DAYS': {
      const days = minor(p, 'days');
      if (days !== undefined) return tr.plural('order.reason.OVERDUE_OVER_30_DAYS', days);
      break;
    }
    case 'RISK_BAND_D':
    case 'RISK_BAND_E': {
      const score = minor(p, 'score');
      if (score !== undefined) return tr.t(`order.reason.${reason.code}`, { score: tr.number(score) });
      break;
    }
    case 'EXCEEDS_CREDIT_LIMIT': {
      const limit = amount('creditLimitMinor');
      const exposure = amount('exposureMinor');
      const firstBill = amount('firstBillMinor');
      if (limit && exposure && firstBill) return tr.t('order.reason.EXCEEDS_CREDIT_LIMIT', { limit, exposure, firstBill });
      break;
    }
    case 'MONTHLY_SPEND_OVER_LIMIT': {
      const monthly = amount('newMonthlyMinor');
      const limit = amount('creditLimitMinor');
      if (monthly && limit) return tr.t('order.reason.MONTHLY_SPEND_OVER_LIMIT', { monthly, limit });
      break;
    }
    case 'WITHIN_CREDIT_LIMIT': {
      const limit = amount('creditLimitMinor');
      if (limit) return tr.t('order.reason.WITHIN_CREDIT_LIMIT', { limit });
      break;
    }
  }
  return reason.text;
}

/** How a service of theirs is named in a sentence: lines by kind and number, broadband and TV by their plan. */
export function serviceLabel(service: Pick<ServiceCard, 'kind' | 'identifier' | 'planName'>, tr: Translator): string {
  const isNumber = /^\+\d{6,15}$/.test(service.identifier);
  return isNumber ? tr.t('order.serviceLabel', { kind: tr.t(`kind.${service.kind}`), name: formatE164(service.identifier) }) : service.planName;
}

/** What an order is about, by name: the journey knows the names, the order only ids. */
export interface OrderSubject {
  action: OrderAction['action'];
  /** The plan or extra added, or the plan changed to. */
  offering?: string;
  /** The customer's service it acts on (or rides on, for an extra). */
  service?: string;
  /** The plan a change moves from. */
  fromPlan?: string;
}

/** One line saying what the order does, e.g. "Change Mobile +34 600 000 000 to Mobile S 10 GB". */
export function orderTitle(subject: OrderSubject, tr: Translator): string {
  const offering = subject.offering ?? '';
  const service = subject.service ?? '';
  switch (subject.action) {
    case 'add':
      return service ? tr.t('order.title.addTo', { offering, service }) : tr.t('order.title.add', { offering });
    case 'change':
      return tr.t('order.title.change', { service, offering });
    case 'remove':
      return tr.t('order.title.remove', { service });
    case 'suspend':
      return tr.t('order.title.suspend', { service });
  }
}

/** What a plan or extra gives, each fact a short phrase: speed, channels, allowances. */
export function offeringFacts(offering: SellableOffering, tr: Translator): string[] {
  const facts: string[] = [];
  if (offering.downloadMbps !== null) facts.push(tr.t('order.fact.speed', { speed: speedText(offering.downloadMbps, tr) }));
  if (offering.channels !== null) facts.push(tr.plural('order.fact.channels', offering.channels));
  for (const a of offering.allowances) {
    if (a.allowance === null) facts.push(tr.t(`order.fact.unlimited.${a.type}`));
    else if (a.allowance === 0) facts.push(tr.t(`order.fact.perUse.${a.type}`));
    else facts.push(tr.t(`order.fact.allowance.${a.type}`, { quantity: tr.quantity(a.allowance, a.unit) }));
  }
  return facts;
}

function speedText(mbps: number, tr: Translator): string {
  return mbps >= 1000
    ? tr.number(mbps / 1000, { style: 'unit', unit: 'gigabit-per-second', unitDisplay: 'short', maximumFractionDigits: 1 })
    : tr.number(mbps, { style: 'unit', unit: 'megabit-per-second', unitDisplay: 'short' });
}

/** The terms of a plan or extra: activation fee and minimum term. */
export function offeringTerms(offering: SellableOffering, tr: Translator): string[] {
  return [
    offering.activationFee.amountMinor > 0 ? tr.t('order.fee', { amount: tr.money(offering.activationFee) }) : tr.t('order.noFee'),
    offering.commitmentMonths > 0 ? tr.plural('order.commitment', offering.commitmentMonths) : tr.t('order.noCommitment'),
  ];
}

/** An amount with a sign in a sentence about a change: "+€5.75" or "−€8.05" (a true minus). */
export function signed(value: Money, tr: Translator): string {
  const formatted = tr.money({ ...value, amountMinor: Math.abs(value.amountMinor) });
  if (value.amountMinor === 0) return formatted;
  return `${value.amountMinor > 0 ? '+' : '\u2212'}${formatted}`;
}

/** How much the monthly bill changes, in words. */
export function monthlyChangeText(before: Money, after: Money, tr: Translator): string {
  const diff = after.amountMinor - before.amountMinor;
  const amount = tr.money({ ...after, amountMinor: Math.abs(diff) });
  if (diff === 0) return tr.t('order.monthlySame');
  return tr.t(diff > 0 ? 'order.monthlyMore' : 'order.monthlyLess', { amount });
}

/** Why something could not be done, or not asked yet: one sentence. */
export function orderProblemText(problem: OrderProblem, tr: Translator): string {
  switch (problem.kind) {
    case 'dateMissing':
      return tr.t('order.problem.dateMissing');
    case 'dateOutOfRange':
      return tr.t('order.problem.dateOutOfRange', { from: tr.date(problem.from), to: tr.date(problem.to) });
    case 'validation':
      return tr.t('order.problem.validation');
    case 'notFound':
      return tr.t('order.problem.notFound');
    case 'refused':
      return tr.t('order.problem.refused');
    case 'offerGone':
      return tr.t('order.problem.offerGone');
    case 'failed':
      return tr.t('order.problem.failed');
  }
}

// — offers —

/** An offer's headline from its kind and params; the core's English title when a fact is missing. */
export function offerTitle(offer: OfferView, tr: Translator): string {
  // The engine always names the offering; its catalogue id is only a last resort.
  const offering = word(offer.params, 'offering') ?? offer.toOfferingId;
  if (offer.kind === 'changePlan') {
    const identifier = word(offer.params, 'identifier');
    if (!identifier) return tr.t('offersScreen.title.changeTo', { offering });
    const name = /^\+\d{6,15}$/.test(identifier) ? formatE164(identifier) : identifier;
    return tr.t('offersScreen.title.changePlan', { kind: tr.t(`kind.${offer.serviceKind}`), identifier: name, offering });
  }
  const bundle = bundleName(offer, tr);
  return bundle ? tr.t('offersScreen.title.addWithBundle', { offering, bundle }) : tr.t('offersScreen.title.add', { offering });
}

/** The saving (or the extra cost, for a new service the bundle makes cheaper) in a few words. */
export function offerSavingText(offer: OfferView, tr: Translator): string {
  const saving = offer.monthlySaving.amountMinor;
  if (saving > 0) return tr.t('offersScreen.saving', { amount: tr.money(offer.monthlySaving) });
  if (saving === 0) return tr.t('offersScreen.samePrice');
  return tr.t('offersScreen.extra', { amount: tr.money({ ...offer.monthlySaving, amountMinor: -saving }) });
}

const gives = [
  'moreData',
  'unlimitedData',
  'moreMinutes',
  'unlimitedMinutes',
  'moreSms',
  'unlimitedSms',
  'moreZeroRated',
  'cheaperRoaming',
  'cheaperCalls',
  'fasterSpeed',
  'moreChannels',
  'newService',
] as const;
type Give = (typeof gives)[number];
const isGive = (value: string): value is Give => (gives as readonly string[]).includes(value);

/** What the offer gives beyond what the customer has (unknown codes are left out). */
export function offerGivesText(offer: OfferView, tr: Translator): string[] {
  return offer.gives.filter(isGive).map((g) => tr.t(`offersScreen.give.${g}`, { kind: tr.t(`kind.${offer.serviceKind}`) }));
}

const offerReasons = ['SAVES_MONEY', 'MORE_FOR_SAME_PRICE', 'COMPLETES_BUNDLE'] as const;
type OfferReason = (typeof offerReasons)[number];
const isOfferReason = (value: string): value is OfferReason => (offerReasons as readonly string[]).includes(value);

/** The bundle discount an offer completes, in the customer's language. */
function bundleName(offer: OfferView, tr: Translator): string | undefined {
  const bundle = word(offer.params, 'bundle');
  return bundle === undefined ? undefined : discountName(word(offer.params, 'bundleId'), bundle, tr);
}

/** Why the offer is made to this customer, one sentence each. */
export function offerReasonsText(offer: OfferView, tr: Translator): string[] {
  const bundle = bundleName(offer, tr) ?? '';
  return offer.reasons.filter(isOfferReason).map((r) =>
    r === 'SAVES_MONEY' ? tr.plural('offersScreen.reason.SAVES_MONEY', offer.cyclesCompared) : tr.t(`offersScreen.reason.${r}`, { bundle }),
  );
}
