import { addDays, addMonths, dateInZone, startOfDayInZone, type CalendarDate } from '../calendar.ts';
import { allocate, type AccountEvent } from '../billing/allocation.ts';
import { CatalogIndex } from '../billing/catalog.ts';
import { creditProfile, type CreditProfileSource } from '../billing/credit-profile.ts';
import { DEFAULT_MAX_AUTO_APPROVE_MINOR, LIMIT_POLICY, scoreCredit } from '../billing/credit-risk.ts';
import { applyBps } from '../billing/rounding.ts';
import { billedInAdvance, composeBill, type BillAccount } from '../billing/compose.ts';
import { cycleAt, cycleContaining } from '../billing/cycle.ts';
import { demoCatalogData } from '../billing/demo-catalog.ts';
import type { RatedUsage, UsageRecord } from '../billing/usage.ts';
import type { Change, ChangeOf } from '../sync/changes.ts';
import { billIssued, paymentEntry } from '../ledger/journal.ts';
import { lateFeesOnBill } from '../ledger/late-fees.ts';
import { makeAccountNumber } from '../identifiers.ts';
import type { Language } from '../locales.ts';
import type { ProductKind } from '../domain/product.ts';
import { demoProducts } from './products.ts';
import { familyNames, givenNames, streets } from './people.ts';
import { at, Rng } from './rng.ts';
import { cycleUsage, type UsageHabits } from './usage.ts';

export type PaymentProfile = 'punctual' | 'due' | 'overdue' | 'inCredit' | 'nearLimit';

export interface DemoOptions {
  seed: number;
  customers: number;
  /**
   * The instant the demo is made at (an injected clock, never read here): its history ends on that
   * day in the branch's time zone, and payments and usage still to come later that day are left out.
   */
  now: Date;
  branchId: string;
  currency: string;
  countryCallingCode: string;
  timeZone: string;
  /** Days folded into one usage record this cycle (1 = daily, for the usage chart); larger makes big data sets lighter. */
  usageDaysPerRecord?: number;
}

export interface DemoCustomer {
  index: number;
  name: string;
  accountNo: string;
  pin: string;
  profile: PaymentProfile;
  phones: string[];
}

/** The first customers are fixed so the README can name them; the rest are drawn from the seed. */
/** Their credit limits are fixed too (a near-limit customer's follows what they owe): the README's stories hold on any day. */
const showcase: readonly { profile: PaymentProfile; pin: string; language: Language; kinds: ProductKind[]; cycleDay: number; creditLimitMinor?: number }[] = [
  { profile: 'punctual', pin: '1234', language: 'en', kinds: ['mobile', 'mobile', 'broadband', 'tv'], cycleDay: 1, creditLimitMinor: 30_000 },
  { profile: 'overdue', pin: '2468', language: 'es', kinds: ['mobile', 'broadband', 'fixed'], cycleDay: 10, creditLimitMinor: 30_000 },
  { profile: 'inCredit', pin: '1357', language: 'ar', kinds: ['mobile', 'tv'], cycleDay: 31, creditLimitMinor: 15_000 },
  { profile: 'nearLimit', pin: '8642', language: 'en', kinds: ['mobile', 'mobile', 'broadband', 'fixed'], cycleDay: 20 },
];

const ACCOUNT_SERIAL_BASE = 400_000_000;
/** Bills of history per account; the usage of the newest few stays on the kiosk for the optimizer. */
const BILLS_OF_HISTORY = 12;
const BILLED_USAGE_KEPT = 3;
/** Billed cycles' usage comes in coarser records, as mediation aggregates it, to keep the ledger light. */
const HISTORY_DAYS_PER_RECORD = 3;
const DUE_AFTER_DAYS = 14;
/** The most days a near-limit payer's open bill is past due (the risk engine declines past 30). */
const NEAR_LIMIT_DAYS_LATE = 20;
const ORIGIN = 'hub';

function profileFor(rng: Rng): PaymentProfile {
  const roll = rng.int(1, 100);
  if (roll <= 55) return 'punctual';
  if (roll <= 68) return 'due';
  if (roll <= 82) return 'overdue';
  if (roll <= 91) return 'inCredit';
  return 'nearLimit';
}

export function demoCustomer(
  seed: number,
  index: number,
  countryCallingCode: string,
): DemoCustomer & { language: Language; kinds: ProductKind[]; numbers: (string | null)[] } {
  const rng = new Rng(seed * 1_000_003 + index);
  const fixed = showcase[index];
  const language = fixed?.language ?? rng.pick(['es', 'es', 'es', 'es', 'es', 'es', 'es', 'en', 'en', 'ar'] as const);
  const name = `${rng.pick(givenNames[language])} ${rng.pick(familyNames[language])}`;
  const kinds: ProductKind[] =
    fixed?.kinds ??
    (() => {
      const count = rng.int(1, 4);
      const pool: ProductKind[] = ['mobile', 'mobile', 'broadband', 'tv', 'fixed'];
      const chosen: ProductKind[] = ['mobile'];
      while (chosen.length < count) {
        const k = rng.pick(pool);
        if (k === 'mobile' ? chosen.filter((c) => c === 'mobile').length < 3 : !chosen.includes(k)) chosen.push(k);
      }
      return chosen;
    })();
  const pin = fixed?.pin ?? String(rng.int(0, 9999)).padStart(4, '0');
  const profile = fixed?.profile ?? profileFor(rng);
  let mobileSlot = 0;
  // Aligned with kinds: the line's phone number, or null for services without one.
  const numbers = kinds.map((k) => {
    if (k === 'mobile') return `+${countryCallingCode}${600_000_000 + index * 4 + mobileSlot++}`;
    if (k === 'fixed') return `+${countryCallingCode}${910_000_000 + index}`;
    return null;
  });
  const phones = numbers.filter((n): n is string => n !== null);
  return { index, name, accountNo: makeAccountNumber(ACCOUNT_SERIAL_BASE + index), pin, profile, phones, numbers, language, kinds };
}

export function demoCatalog(currency: string): CatalogIndex {
  const catalog = CatalogIndex.parse(demoCatalogData);
  if (catalog.catalog.currency !== currency) throw new RangeError(`the demo catalog is priced in ${catalog.catalog.currency}, not ${currency}`);
  return catalog;
}

/**
 * Deterministic demo history for one branch: customers with 1–4 services (some changed plan,
 * added or dropped a service on the way), a year of usage, and every bill composed by the billing
 * engine from that usage, with payments by each customer's habits. Same options, same changes.
 * `pinHash` supplies each customer's stored PIN hash (hashing is slow, so the caller decides how).
 */
export function* generateDemo(options: DemoOptions, pinHash: (customer: DemoCustomer) => string, batchSize = 50): Generator<Change[]> {
  const catalog = demoCatalog(options.currency);
  yield [{ type: 'catalog.published', catalog: catalog.catalog }];
  let batch: Change[] = [];
  for (let index = 0; index < options.customers; index++) {
    batch.push(...customerChanges(options, catalog, index, pinHash));
    if ((index + 1) % batchSize === 0) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The calendar day a demo made at `now` ends on. */
export function demoAsOf(options: Pick<DemoOptions, 'now' | 'timeZone'>): CalendarDate {
  return dateInZone(options.now, options.timeZone);
}

function customerChanges(options: DemoOptions, catalog: CatalogIndex, index: number, pinHash: (customer: DemoCustomer) => string): Change[] {
  const { currency } = options;
  const asOf = demoAsOf(options);
  const nowIso = options.now.toISOString();
  /** Payments and usage happen during the day: those after `now` have not happened yet (the rest of the history is the same all day long). */
  const happened = (instant: string) => instant <= nowIso;
  const person = demoCustomer(options.seed, index, options.countryCallingCode);
  const rng = new Rng(options.seed * 7_919 + index);
  const cycleDay = showcase[index]?.cycleDay ?? rng.int(1, 31);
  const firstUsagePeriod = cycleAt(asOf, cycleDay, -BILLS_OF_HISTORY);
  const openedOn = addMonths(firstUsagePeriod.start, -rng.int(1, 60));
  const customerId = rng.id(at(openedOn, 540));
  const accountId = rng.id(at(openedOn, 541));
  const account: BillAccount = { id: accountId, accountNo: person.accountNo, currency, billCycleDay: cycleDay, openedOn };
  const address = `${rng.pick(streets)} ${rng.int(1, 180)}, ${rng.int(1, 9)}º ${String.fromCharCode(65 + rng.int(0, 3))}, 280${String(rng.int(1, 55)).padStart(2, '0')} Madrid`;
  const products = demoProducts(rng, catalog, person, {
    openedOn,
    windowStart: firstUsagePeriod.start,
    asOf,
    address,
    newId: (on, slot) => rng.id(at(on, 600 + slot)),
  });
  const habits: UsageHabits = { intensity: rng.factor(30, 135), travelsPercent: rng.pick([0, 5, 10, 30]), callsAbroadPercent: rng.pick([0, 2, 5, 15]) };
  const daysPerRecord = options.usageDaysPerRecord ?? 1;
  const historyDaysPerRecord = Math.max(daysPerRecord, HISTORY_DAYS_PER_RECORD);

  const changes: Change[] = [
    {
      type: 'customer.upsert',
      id: customerId,
      branchId: options.branchId,
      name: person.name,
      email: `${person.name.toLowerCase().normalize('NFD').replace(/[^a-z]+/g, '.')}${index}@example.com`,
      phone: person.phones[0] ?? null,
      language: person.language,
      pinHash: pinHash(person),
      createdAt: at(openedOn, 540),
    },
  ];

  const events: AccountEvent[] = [];
  const moneyFacts: Change[] = [];
  const keptUsage: Change[] = [];
  const unpaidFromEnd = { punctual: 0, due: 1, overdue: rng.int(2, 3), inCredit: 0, nearLimit: rng.int(2, 4) }[person.profile];
  const paysLate = person.profile === 'overdue' || (person.profile === 'due' && rng.chance(50));
  const method = rng.pick(['directDebit', 'directDebit', 'card', 'bankTransfer', 'cash'] as const);
  let previous: { billDate: CalendarDate; runAt: string; balanceAfter: number; billedAhead: Map<string, string> } | null = null;

  for (let k = 0; k < BILLS_OF_HISTORY; k++) {
    const usagePeriod = cycleAt(firstUsagePeriod.start, cycleDay, k);
    const billDate = addDays(usagePeriod.end, 1);
    // The bill run is the first thing on its day, so a bill dated today is there whatever time it is.
    const runAt = new Date(startOfDayInZone(billDate, options.timeZone)).toISOString();
    const usage = cycleUsage(rng, catalog, products, usagePeriod, usagePeriod.end, habits, historyDaysPerRecord);
    const paymentsReceived = previous
      ? events.filter((e) => e.type === 'payment' && e.at >= (previous as { runAt: string }).runAt && e.at < runAt).reduce((s, e) => s + (e.type === 'payment' ? e.amountMinor : 0), 0)
      : 0;
    const lateFeeFor = lateFeesOnBill(events, { catalog, previousBillDate: previous?.billDate ?? null, billDate, timeZone: options.timeZone });
    const run = composeBill({
      catalog,
      account,
      products,
      billDate,
      timeZone: options.timeZone,
      usage,
      balance: { previousBalanceMinor: previous?.balanceAfter ?? 0, paymentsReceivedMinor: paymentsReceived, adjustmentsMinor: 0 },
      lateFeeFor,
      ...(previous ? { billedAhead: previous.billedAhead } : {}),
      dueAfterDays: DUE_AFTER_DAYS,
      id: rng.id(runAt),
    });
    const { bill } = run;
    if (run.rejectedUsage.length > 0) throw new Error(`demo usage was rejected: ${run.rejectedUsage[0]?.reason}`);
    moneyFacts.push(billIssued(bill, { entryId: rng.id(runAt), occurredAt: runAt, origin: ORIGIN }));
    events.push({ type: 'bill', billNo: bill.billNo, at: runAt, paymentDueDate: bill.paymentDueDate, amountMinor: bill.taxIncludedAmountMinor });
    if (k >= BILLS_OF_HISTORY - BILLED_USAGE_KEPT) keptUsage.push(...usageChanges(usage, run.usage, bill.id));
    previous = { billDate, runAt, balanceAfter: bill.balanceForwardMinor + bill.taxIncludedAmountMinor, billedAhead: billedInAdvance(bill) };

    // Pay what the bill asks for, by habit; the newest bills of a late payer stay open. A near-limit payer
    // runs a balance up but is never long overdue (that is the overdue profile), whatever the day.
    const leftOpen = k >= BILLS_OF_HISTORY - unpaidFromEnd && !(person.profile === 'nearLimit' && daysFrom(bill.paymentDueDate, asOf) > NEAR_LIMIT_DAYS_LATE);
    if (leftOpen || bill.amountDueMinor === 0) continue;
    const onTime = person.profile === 'punctual' || person.profile === 'inCredit' || method === 'directDebit' || !paysLate;
    const paidOn = onTime ? addDays(bill.paymentDueDate, -rng.int(0, 10)) : addDays(bill.paymentDueDate, rng.int(-3, 9));
    let paidAt = at(paidOn, rng.int(480, 1200));
    const punctual = person.profile === 'punctual' || person.profile === 'inCredit';
    if (paidOn > asOf && !punctual) continue;
    // Punctual payers who would pay today or later have paid already, the moment the bill came: paid up all day long.
    if (paidOn >= asOf && punctual) paidAt = new Date(Date.parse(runAt) + 60_000).toISOString();
    const payment = paymentChange(rng, options, accountId, bill.amountDueMinor, paidAt, method);
    // Counted in the history either way, so the account's figures are the same all day long.
    if (happened(paidAt)) moneyFacts.push(payment);
    events.push({ type: 'payment', paymentId: payment.id, at: payment.entry.occurredAt, amountMinor: payment.amountMinor });
  }
  if (person.profile === 'inCredit') {
    const latestBill = cycleContaining(asOf, cycleDay).start;
    const amountMinor = rng.int(20, 80) * 100;
    const daysBack = rng.int(0, Math.min(20, daysFrom(latestBill, asOf)));
    const minute = rng.int(480, 1200);
    // Paid today: first thing, so the account is in credit all day long.
    const paidAt = daysBack === 0 ? new Date(startOfDayInZone(asOf, options.timeZone) + 120_000).toISOString() : at(addDays(asOf, -daysBack), minute);
    const payment = paymentChange(rng, options, accountId, amountMinor, paidAt, 'card');
    moneyFacts.push(payment);
    events.push({ type: 'payment', paymentId: payment.id, at: payment.entry.occurredAt, amountMinor: payment.amountMinor });
  }

  const allocation = allocate(events);
  const drawnLimitMinor = rng.pick([15_000, 30_000, 50_000]);
  const creditLimitMinor =
    person.profile === 'nearLimit'
      ? nearLimitCreditLimit({ today: asOf, timeZone: options.timeZone, openedOn, catalog, products: products.map((p) => ({ ...p, status: 'active' as const })), allocation, unbilledUsageMinor: 0 })
      : (showcase[index]?.creditLimitMinor ?? drawnLimitMinor);
  changes.push({ type: 'account.upsert', ...account, customerId, creditLimitMinor });
  const suspendFirst = person.profile === 'overdue' && unpaidFromEnd >= 3;
  products.forEach((p, slot) => {
    const ended = p.terms.at(-1)?.to;
    changes.push({
      type: 'product.upsert',
      id: p.id,
      accountId,
      kind: p.kind,
      identifier: p.identifier,
      parentId: p.parentId,
      status: ended && ended < asOf ? 'terminated' : suspendFirst && slot === 0 ? 'suspended' : 'active',
      terms: p.terms,
    });
  });
  const current = cycleContaining(asOf, cycleDay);
  const currentUsage = cycleUsage(rng, catalog, products, current, asOf, habits, daysPerRecord);
  changes.push(...moneyFacts, ...keptUsage, ...usageChanges(currentUsage.filter((r) => happened(r.usageDate)), null, null));
  return changes;
}

/**
 * A near-limit payer's limit: just above what she owes, and already as high as her rating lets the
 * kiosk raise it on its own (she raised it before), so asking for more goes to staff whatever the
 * day. Scored without this cycle's usage, which only makes her rating look better: the ceiling found
 * is at least the one the kiosk will see. A higher limit lowers her utilisation and can lift her band,
 * so it is raised until it stops moving (five bands: at most five steps).
 */
function nearLimitCreditLimit(source: Omit<CreditProfileSource, 'creditLimitMinor'>): number {
  const roundUp = (minor: number) => Math.ceil(minor / 1_000) * 1_000;
  let limit = Math.max(5_000, roundUp(Math.max(source.allocation.balanceMinor, 0) * 1.06));
  for (;;) {
    const profile = creditProfile({ ...source, creditLimitMinor: limit });
    const { band } = scoreCredit(profile);
    const ceiling = roundUp(Math.min(applyBps(profile.monthlyRecurringMinor, LIMIT_POLICY[band].multipleBps), DEFAULT_MAX_AUTO_APPROVE_MINOR));
    if (ceiling <= limit) return limit;
    limit = ceiling;
  }
}

function daysFrom(from: CalendarDate, to: CalendarDate): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

/** Usage as the ledger keeps it: billed with its rated amount, or just received this cycle. */
function usageChanges(records: readonly UsageRecord[], rated: readonly RatedUsage[] | null, billId: string | null): Change[] {
  const amounts = new Map(rated?.map((r) => [r.id, r.amountMinor]));
  return records.map((r) => ({
    type: 'usage.recorded',
    ...r,
    status: billId ? 'billed' : 'received',
    ratedMinor: billId ? (amounts.get(r.id) ?? null) : null,
    billId,
  }));
}

function paymentChange(
  rng: Rng,
  options: DemoOptions,
  accountId: string,
  amountMinor: number,
  occurredAt: string,
  method: ChangeOf<'payment.recorded'>['paymentMethod'],
): ChangeOf<'payment.recorded'> {
  const id = rng.id(occurredAt);
  const channel = method === 'directDebit' || method === 'bankTransfer' ? 'bank' : method === 'cash' ? 'store' : 'online';
  return {
    type: 'payment.recorded',
    id,
    accountId,
    currency: options.currency,
    amountMinor,
    paymentMethod: method,
    channel,
    pointOfInteraction: channel === 'store' ? options.branchId : null,
    authorizationCode: method === 'card' ? String(rng.int(100000, 999999)) : null,
    correlatorId: null,
    targetBillNo: null,
    entry: paymentEntry({ id, accountId, currency: options.currency, amountMinor }, channel, { entryId: rng.id(occurredAt), occurredAt, origin: ORIGIN }),
  };
}

