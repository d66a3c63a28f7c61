import { v7 as uuidv7 } from 'uuid';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { addDays, addMonths, lastCycleDate, type CalendarDate } from '../../../shared/calendar.ts';
import { ledgerAccounts, type Change, type ChangeOf, type JournalEntry } from '../../../shared/changes.ts';
import { makeAccountNumber } from '../../../shared/identifiers.ts';
import type { Language } from '../../../shared/locales.ts';
import type { ProductKind } from '../../../shared/contract/schemas.ts';
import { DEMO_TAX_BPS, demoCatalog } from './catalog.ts';
import { familyNames, givenNames, streets } from './people.ts';

export type PaymentProfile = 'punctual' | 'due' | 'overdue' | 'inCredit' | 'nearLimit';

export interface DemoOptions {
  seed: number;
  customers: number;
  /** The day the demo history ends on (today, in the operator's time zone). */
  asOf: CalendarDate;
  branchId: string;
  currency: string;
  countryCallingCode: string;
  /** Days aggregated into one usage record (1 = daily records); larger makes big data sets lighter. */
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
const showcase: readonly { profile: PaymentProfile; pin: string; language: Language; kinds: ProductKind[] }[] = [
  { profile: 'punctual', pin: '1234', language: 'en', kinds: ['mobile', 'mobile', 'broadband', 'tv'] },
  { profile: 'overdue', pin: '2468', language: 'es', kinds: ['mobile', 'broadband', 'fixed'] },
  { profile: 'inCredit', pin: '1357', language: 'ar', kinds: ['mobile', 'tv'] },
  { profile: 'nearLimit', pin: '8642', language: 'en', kinds: ['mobile', 'mobile', 'broadband', 'fixed'] },
];

const ACCOUNT_SERIAL_BASE = 400_000_000;
const MONTHS_OF_HISTORY = 12;
const DUE_AFTER_DAYS = 14;
const ORIGIN = 'hub';

class Rng {
  readonly #g;
  constructor(seed: number) {
    this.#g = xoroshiro128plus(seed);
  }
  int(from: number, to: number): number {
    return uniformInt(this.#g, from, to);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  chance(percent: number): boolean {
    return this.int(1, 100) <= percent;
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(0, 255));
  }
  /** UUIDv7 stamped with the fact's own time, random part from the seed: same seed, same ids. */
  id(at: string): string {
    return uuidv7({ msecs: Date.parse(at), random: this.bytes(16) });
  }
}

function profileFor(rng: Rng): PaymentProfile {
  const roll = rng.int(1, 100);
  if (roll <= 55) return 'punctual';
  if (roll <= 68) return 'due';
  if (roll <= 82) return 'overdue';
  if (roll <= 91) return 'inCredit';
  return 'nearLimit';
}

function taxOf(netMinor: number): number {
  // Half-up on a non-negative amount.
  return Math.floor((netMinor * DEMO_TAX_BPS + 5_000) / 10_000);
}

function at(date: CalendarDate, minuteOfDay: number): string {
  return `${date}T${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}:00.000Z`;
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

export function demoOfferings(currency: string): Change[] {
  return demoCatalog.map((o) => ({ type: 'offering.upsert', currency, ...o }));
}

/**
 * Deterministic demo history for one branch: customers with 1–4 services, 12 months of bills
 * and payments, and this cycle's usage. Same options, same changes, byte for byte.
 * `pinHash` supplies each customer's stored PIN hash (hashing is slow, so the caller decides how).
 */
export function* generateDemo(options: DemoOptions, pinHash: (customer: DemoCustomer) => string, batchSize = 50): Generator<Change[]> {
  yield demoOfferings(options.currency);
  let batch: Change[] = [];
  for (let index = 0; index < options.customers; index++) {
    batch.push(...customerChanges(options, index, pinHash));
    if ((index + 1) % batchSize === 0) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function customerChanges(options: DemoOptions, index: number, pinHash: (customer: DemoCustomer) => string): Change[] {
  const { currency, asOf } = options;
  const person = demoCustomer(options.seed, index, options.countryCallingCode);
  const rng = new Rng(options.seed * 7_919 + index);
  const changes: Change[] = [];
  const cycleDay = rng.int(1, 28);
  const latestBill = lastCycleDate(asOf, cycleDay);
  const firstBill = addMonths(latestBill, -(MONTHS_OF_HISTORY - 1));
  const openedOn = addMonths(firstBill, -rng.int(1, 48));
  const customerId = rng.id(at(openedOn, 540));
  const accountId = rng.id(at(openedOn, 541));

  changes.push({
    type: 'customer.upsert',
    id: customerId,
    branchId: options.branchId,
    name: person.name,
    email: `${person.name.toLowerCase().normalize('NFD').replace(/[^a-z]+/g, '.')}${index}@example.com`,
    phone: person.phones[0] ?? null,
    language: person.language,
    pinHash: pinHash(person),
    createdAt: at(openedOn, 540),
  });

  // One household address for the services installed at home (broadband, TV).
  const address = `${rng.pick(streets)} ${rng.int(1, 180)}, ${rng.int(1, 9)}º ${String.fromCharCode(65 + rng.int(0, 3))}, 280${String(rng.int(1, 55)).padStart(2, '0')} Madrid`;
  const products = person.kinds.map((kind, slot) => {
    const offering = rng.pick(demoCatalog.filter((o) => o.kind === kind));
    const identifier = person.numbers[slot] ?? address;
    return { id: rng.id(at(openedOn, 600 + slot)), kind, offering, identifier };
  });

  // Bills, oldest first.
  const bills: { id: string; billNo: string; billDate: CalendarDate; due: CalendarDate; total: number }[] = [];
  const billChanges: Change[] = [];
  for (let m = 0; m < MONTHS_OF_HISTORY; m++) {
    const billDate = addMonths(firstBill, m);
    const billNo = `${person.accountNo}-${billDate.slice(0, 7).replace('-', '')}`;
    const issuedAt = at(billDate, 120);
    const lines: ChangeOf<'bill.issued'>['lines'] = products.map((p) => ({
      id: rng.id(issuedAt),
      productId: p.id,
      lineType: 'recurring',
      description: p.offering.name,
      amountMinor: p.offering.recurringMinor,
    }));
    for (const p of products) {
      if (p.kind === 'mobile' && p.offering.id === 'MOB-S' && rng.chance(25)) {
        lines.push({ id: rng.id(issuedAt), productId: p.id, lineType: 'usage', description: 'Data top-up 1 GB', amountMinor: 300 });
      }
      if (p.kind === 'mobile' && rng.chance(6)) {
        lines.push({ id: rng.id(issuedAt), productId: p.id, lineType: 'usage', description: 'Roaming outside the EU', amountMinor: rng.int(150, 1800) });
      }
    }
    if (products.length >= 3) {
      lines.push({ id: rng.id(issuedAt), productId: null, lineType: 'discount', description: 'Multi-service discount', amountMinor: -500 });
    }
    const net = lines.reduce((s, l) => s + l.amountMinor, 0);
    const tax = taxOf(net);
    const entry: JournalEntry = {
      id: rng.id(issuedAt),
      idempotencyKey: `bill:${billNo}`,
      entryType: 'bill',
      accountId,
      currency,
      occurredAt: issuedAt,
      origin: ORIGIN,
      postings: [
        { ledgerAccount: ledgerAccounts.receivable(accountId), amountMinor: net + tax },
        { ledgerAccount: ledgerAccounts.revenue, amountMinor: -net },
        { ledgerAccount: ledgerAccounts.taxPayable, amountMinor: -tax },
      ],
    };
    const id = rng.id(issuedAt);
    const due = addDays(billDate, DUE_AFTER_DAYS);
    bills.push({ id, billNo, billDate, due, total: net + tax });
    billChanges.push({
      type: 'bill.issued',
      id,
      billNo,
      accountId,
      billDate,
      periodStart: addMonths(billDate, -1),
      periodEnd: addDays(billDate, -1),
      paymentDueDate: due,
      currency,
      taxMinor: tax,
      lines,
      entry,
    });
  }

  // Which bills get paid, by profile. The latest bill may not be due yet.
  const unpaidFromEnd = { punctual: 0, due: 1, overdue: rng.int(2, 3), inCredit: 0, nearLimit: rng.int(2, 4) }[person.profile];
  const paymentChanges: Change[] = [];
  const pay = (amountMinor: number, date: CalendarDate, method: ChangeOf<'payment.recorded'>['paymentMethod']) => {
    const occurredAt = at(date, rng.int(480, 1200));
    const id = rng.id(occurredAt);
    const channel = method === 'directDebit' || method === 'bankTransfer' ? 'bank' : method === 'cash' ? 'store' : 'online';
    paymentChanges.push({
      type: 'payment.recorded',
      id,
      accountId,
      currency,
      amountMinor,
      paymentMethod: method,
      channel,
      pointOfInteraction: channel === 'store' ? options.branchId : null,
      authorizationCode: method === 'card' ? String(rng.int(100000, 999999)) : null,
      correlatorId: null,
      entry: {
        id: rng.id(occurredAt),
        idempotencyKey: `payment:${id}`,
        entryType: 'payment',
        accountId,
        currency,
        occurredAt,
        origin: ORIGIN,
        postings: [
          { ledgerAccount: ledgerAccounts.cash(channel), amountMinor },
          { ledgerAccount: ledgerAccounts.receivable(accountId), amountMinor: -amountMinor },
        ],
      },
    });
  };
  const method = rng.pick(['directDebit', 'directDebit', 'card', 'bankTransfer', 'cash'] as const);
  bills.forEach((bill, i) => {
    if (i >= bills.length - unpaidFromEnd) return;
    const paidOn = person.profile === 'punctual' || method === 'directDebit' ? addDays(bill.due, -rng.int(0, 10)) : addDays(bill.due, rng.int(-5, 9));
    if (paidOn <= asOf) pay(bill.total, paidOn, method);
    else if (person.profile === 'punctual') pay(bill.total, asOf, method);
  });
  if (person.profile === 'inCredit') pay(rng.int(20, 80) * 100, addDays(asOf, -rng.int(1, 20)), 'card');

  const exposure = bills.slice(bills.length - unpaidFromEnd).reduce((s, b) => s + b.total, 0);
  const creditLimitMinor =
    person.profile === 'nearLimit' ? Math.max(5_000, Math.ceil((exposure * 1.06) / 1_000) * 1_000) : rng.pick([15_000, 30_000, 50_000]);

  changes.push({
    type: 'account.upsert',
    id: accountId,
    accountNo: person.accountNo,
    customerId,
    currency,
    billCycleDay: cycleDay,
    creditLimitMinor,
    openedOn,
  });
  const suspendOne = person.profile === 'overdue' && unpaidFromEnd >= 3;
  products.forEach((p, slot) => {
    changes.push({
      type: 'product.upsert',
      id: p.id,
      accountId,
      offeringId: p.offering.id,
      kind: p.kind,
      identifier: p.identifier,
      status: suspendOne && slot === 0 ? 'suspended' : 'active',
      startedOn: openedOn,
    });
  });
  changes.push(...billChanges, ...paymentChanges);
  changes.push(...usageChanges(rng, products, latestBill, asOf, options.usageDaysPerRecord ?? 1));
  return changes;
}

function usageChanges(
  rng: Rng,
  products: { id: string; kind: ProductKind; offering: (typeof demoCatalog)[number] }[],
  cycleStart: CalendarDate,
  asOf: CalendarDate,
  daysPerRecord: number,
): Change[] {
  const changes: Change[] = [];
  const heavy = rng.int(30, 135) / 100; // how hard this customer uses their allowance
  for (const p of products) {
    if (p.kind !== 'mobile' && p.kind !== 'fixed') continue;
    const perDay = {
      data: p.kind === 'mobile' ? (p.offering.allowances.find((a) => a.type === 'data')?.quantity ?? 20_000) / 30 : 0,
      voice: p.kind === 'mobile' ? 9 : 14,
      sms: p.kind === 'mobile' ? 2 : 0,
    };
    for (let day = cycleStart; day <= asOf; day = addDays(day, daysPerRecord)) {
      for (const type of ['data', 'voice', 'sms'] as const) {
        if (perDay[type] === 0) continue;
        const quantity = Math.round(perDay[type] * heavy * daysPerRecord * (rng.int(40, 160) / 100));
        changes.push({
          type: 'usage.recorded',
          id: rng.id(at(day, 1_380)),
          productId: p.id,
          usageType: type,
          unit: type === 'data' ? 'MB' : type === 'voice' ? 'min' : 'SMS',
          quantity,
          usageDate: day,
          ratedMinor: 0,
        });
      }
    }
  }
  return changes;
}

