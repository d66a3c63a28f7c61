import { addDays, assertCalendarDate, isCalendarDate, startOfDayInZone, type CalendarDate } from '../calendar.ts';

/**
 * Payment allocation (TMF676 Payment → TMF678 CustomerBill `remainingAmount`): a deterministic
 * replay of one account's money timeline. Amounts are integer minor units.
 *
 * Time. `at` is an ISO-8601 instant with a zone designator (`…Z` or `…+01:00`) or a bare
 * calendar date (YYYY-MM-DD, a day in the operator's zone, `timeZone` option, default UTC). Every
 * `at` is normalised to a fixed-width UTC string `YYYY-MM-DDTHH:mm:ss.sssZ` (a bare date becomes
 * the instant its day starts), so comparing the normalised strings compares instants.
 *
 * Order. Events are applied in order of normalised `at`; events with the same `at` are applied in
 * the order given (a stable sort), i.e. the journal order breaks ties. The result is therefore
 * NOT independent of the order of tied events in general (two tied payments attribute differently;
 * a reversal listed before its tied payment is unknown and throws). The totals are: Σ remaining,
 * credit and balance depend only on which events are live, not on their order.
 *
 * Items and sources. What is owed is a list of open items: bills with a positive amount and
 * positive (debit) adjustments. What pays is a source: a payment, a credit note (a bill with a
 * negative amount) or a negative (credit) adjustment. A source pays its named bill first (a
 * payment, or a credit adjustment such as a waived fee), then open items oldest first (by `at`,
 * bills before adjustments, then by id); what is left becomes credit in a FIFO pool that keeps
 * its source, and a new item takes the pool's credit the moment it is issued, still attributed to
 * that source. Hence while the pool holds credit no item is open.
 *
 * Reversal. A dishonoured or refunded payment undoes exactly what it allocated: each item it paid
 * (directly or through its credit) gets that amount back, and its unused credit leaves the pool.
 * Other payments' allocations never move (their receipts were already given); credit other
 * sources still hold in the pool is then applied to whatever the reversal reopened. So when only
 * new bills or debits came between a payment and its reversal, the state is exactly that of a
 * replay without the payment; when other payments came between, the totals are, but which bill
 * is open may differ (a replay would move the later payment's receipt to another bill).
 */
export type AccountEvent =
  | { type: 'bill'; billNo: string; at: string; paymentDueDate: CalendarDate; amountMinor: number }
  | { type: 'payment'; paymentId: string; at: string; amountMinor: number; targetBillNo?: string }
  | { type: 'reversal'; paymentId: string; at: string }
  /** A credit (negative) adjustment that names a bill (a waived fee) pays that bill first, as a payment does. */
  | { type: 'adjustment'; id: string; at: string; amountMinor: number; targetBillNo?: string };

/** The order allocation replays an account's events in: by time; a bill and a payment at the same instant, the bill first. */
export function inReplayOrder(a: AccountEvent, b: AccountEvent): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.type === 'bill' ? (b.type === 'bill' ? 0 : -1) : b.type === 'bill' ? 1 : 0;
}

/** An adjustment as stored (signed as posted to the receivable): a credit that names a bill (a waived fee) pays that bill first. */
export function adjustmentEvent(id: string, at: string, amountMinor: number, billNo: string | null): AccountEvent {
  return { type: 'adjustment', id, at, amountMinor, ...(billNo !== null && amountMinor < 0 ? { targetBillNo: billNo } : {}) };
}

export interface AllocateOptions {
  /** The operator's time zone, for bare-date `at` values and day ends. Default 'UTC'. */
  timeZone?: string;
}

export type SourceKind = 'payment' | 'creditNote' | 'adjustment';
export type ItemState = 'new' | 'partiallyPaid' | 'settled';

/** What paid (part of) an item. */
export interface ItemAllocation {
  sourceKind: SourceKind;
  sourceId: string;
  amountMinor: number;
}

/** Where (part of) a source went: a bill, a debit adjustment, or (both null) credit still in the pool. */
export interface SourceAllocation {
  billNo: string | null;
  adjustmentId: string | null;
  amountMinor: number;
}

interface OwedState {
  /** Normalised instant it was issued. */
  at: string;
  amountMinor: number;
  remainingMinor: number;
  state: ItemState;
  /** Normalised `at` of the event that settled it; null while anything remains. */
  paidOn: string | null;
  allocations: ItemAllocation[];
}

/** A credit note (negative amount) is listed with nothing remaining, state `settled`; where its credit went is in `credits`. */
export interface BillAllocation extends OwedState {
  billNo: string;
  paymentDueDate: CalendarDate;
}

/** A positive adjustment: a small owed item (e.g. a fee) paid like a bill. */
export interface DebitAllocation extends OwedState {
  id: string;
}

export interface PaymentAllocation {
  paymentId: string;
  at: string;
  amountMinor: number;
  /** Normalised `at` of its reversal; a reversed payment has no allocations. */
  reversedAt: string | null;
  allocations: SourceAllocation[];
}

/** A credit note or a negative adjustment; `amountMinor` is the (positive) credit it gives. */
export interface CreditAllocation {
  sourceKind: 'creditNote' | 'adjustment';
  sourceId: string;
  at: string;
  amountMinor: number;
  allocations: SourceAllocation[];
}

export interface CreditPoolEntry {
  sourceKind: SourceKind;
  sourceId: string;
  amountMinor: number;
}

export interface AllocationState {
  /** Normalised `at` of the last event applied; null before any. */
  asOf: string | null;
  /** In the order issued. */
  bills: BillAllocation[];
  debits: DebitAllocation[];
  payments: PaymentAllocation[];
  credits: CreditAllocation[];
  /** Oldest first: the order in which new items take it. */
  creditPool: CreditPoolEntry[];
  creditMinor: number;
  /** Σ bills' remaining. */
  billsRemainingMinor: number;
  /** Σ debit adjustments' remaining. */
  openDebitsMinor: number;
  /** Σ bills + Σ adjustments − Σ live payments = bills remaining + open debits − credit. */
  balanceMinor: number;
}

// ---------------------------------------------------------------------------------------------
// Time

const INSTANT_RE = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** The fixed-width UTC form of an `at` (see the module comment); throws on anything else. */
export function normaliseAt(at: string, timeZone = 'UTC'): string {
  if (typeof at === 'string' && isCalendarDate(at)) return isoOf(startOfDayInZone(at, timeZone));
  const m = typeof at === 'string' ? INSTANT_RE.exec(at) : null;
  const ms = m ? Date.parse(at) : NaN;
  if (!m || !isCalendarDate(m[1] as string) || Number.isNaN(ms) || ms >= Date.UTC(10_000, 0, 1)) {
    throw new RangeError(`not an ISO-8601 instant with a zone, nor a YYYY-MM-DD date: ${String(at)}`);
  }
  return isoOf(ms);
}

/** The first instant after calendar day `date` in the zone. */
function endOfDay(date: CalendarDate, timeZone: string): string {
  return isoOf(startOfDayInZone(addDays(date, 1), timeZone));
}

// ---------------------------------------------------------------------------------------------
// The engine

interface Item {
  kind: 'bill' | 'adjustment';
  id: string;
  /** Issue order. */
  seq: number;
  at: string;
  dueDate: CalendarDate | null;
  amount: number;
  remaining: number;
  paidOn: string | null;
  /** By source key, in the order first paid. */
  allocations: Map<string, number>;
}

interface Source {
  kind: SourceKind;
  id: string;
  seq: number;
  at: string;
  /** A credit note's due date (it is still a bill); null otherwise. */
  dueDate: CalendarDate | null;
  amount: number;
  reversedAt: string | null;
  /** By item key, or CREDIT for what sits in the pool. */
  allocations: Map<string, number>;
}

const CREDIT = 'credit';
const key = (kind: string, id: string): string => `${kind}:${id}`;

function add(map: Map<string, number>, k: string, amount: number): void {
  const next = (map.get(k) ?? 0) + amount;
  if (next === 0) map.delete(k);
  else map.set(k, next);
}

function assertId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw new RangeError(`${what} must be a non-empty string`);
}

function assertAmount(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} is not a safe integer of minor units: ${value}`);
}

function compareItems(a: Item, b: Item): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.kind !== b.kind) return a.kind === 'bill' ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Applies events one by one, in time order. Every event is validated in full before anything
 * changes, so an event that throws leaves the state exactly as it was.
 */
export class AccountAllocator {
  private readonly timeZone: string;
  private readonly items = new Map<string, Item>();
  private readonly sources = new Map<string, Source>();
  /** Source keys with the credit each still holds, oldest first; at most one entry per source. */
  private readonly pool: { source: string; amount: number }[] = [];
  private last: string | null = null;
  private seq = 0;

  constructor(options: AllocateOptions = {}) {
    this.timeZone = options.timeZone ?? 'UTC';
  }

  apply(event: AccountEvent): this {
    const at = normaliseAt(event.at, this.timeZone);
    if (this.last !== null && at < this.last) throw new RangeError(`event at ${event.at} is earlier than the last applied (${this.last})`);
    switch (event.type) {
      case 'bill':
        this.issueBill(event, at);
        break;
      case 'payment':
        this.pay(event, at);
        break;
      case 'reversal':
        this.reverse(event, at);
        break;
      case 'adjustment':
        this.adjust(event, at);
        break;
      default:
        throw new RangeError(`unknown event type: ${String((event as { type: unknown }).type)}`);
    }
    this.last = at;
    return this;
  }

  private issueBill(event: Extract<AccountEvent, { type: 'bill' }>, at: string): void {
    assertId(event.billNo, 'billNo');
    assertCalendarDate(event.paymentDueDate, `bill ${event.billNo} paymentDueDate`);
    assertAmount(event.amountMinor, `bill ${event.billNo} amount`);
    if (this.items.has(key('bill', event.billNo)) || this.sources.has(key('creditNote', event.billNo))) {
      throw new RangeError(`bill ${event.billNo} was already issued`);
    }
    if (event.amountMinor < 0) {
      this.addSource({ kind: 'creditNote', id: event.billNo, at, dueDate: event.paymentDueDate, amount: -event.amountMinor }, undefined);
      return;
    }
    this.addItem({ kind: 'bill', id: event.billNo, at, dueDate: event.paymentDueDate, amount: event.amountMinor });
  }

  private pay(event: Extract<AccountEvent, { type: 'payment' }>, at: string): void {
    assertId(event.paymentId, 'paymentId');
    assertAmount(event.amountMinor, `payment ${event.paymentId} amount`);
    if (event.amountMinor <= 0) throw new RangeError(`payment ${event.paymentId} amount must be positive: ${event.amountMinor}`);
    if (this.sources.has(key('payment', event.paymentId))) throw new RangeError(`payment ${event.paymentId} was already applied`);
    let target: Item | undefined;
    if (event.targetBillNo !== undefined) {
      assertId(event.targetBillNo, 'targetBillNo');
      target = this.items.get(key('bill', event.targetBillNo));
      if (!target && !this.sources.has(key('creditNote', event.targetBillNo))) {
        throw new RangeError(`payment ${event.paymentId} names unknown bill ${event.targetBillNo}`);
      }
    }
    this.addSource({ kind: 'payment', id: event.paymentId, at, dueDate: null, amount: event.amountMinor }, target);
  }

  private adjust(event: Extract<AccountEvent, { type: 'adjustment' }>, at: string): void {
    assertId(event.id, 'adjustment id');
    assertAmount(event.amountMinor, `adjustment ${event.id} amount`);
    if (event.amountMinor === 0) throw new RangeError(`adjustment ${event.id} has a zero amount`);
    if (this.items.has(key('adjustment', event.id)) || this.sources.has(key('adjustment', event.id))) {
      throw new RangeError(`adjustment ${event.id} was already applied`);
    }
    let target: Item | undefined;
    if (event.targetBillNo !== undefined) {
      assertId(event.targetBillNo, 'targetBillNo');
      if (event.amountMinor > 0) throw new RangeError(`adjustment ${event.id} is a debit: only a credit names a bill`);
      target = this.items.get(key('bill', event.targetBillNo));
      if (!target && !this.sources.has(key('creditNote', event.targetBillNo))) throw new RangeError(`adjustment ${event.id} names unknown bill ${event.targetBillNo}`);
    }
    if (event.amountMinor < 0) this.addSource({ kind: 'adjustment', id: event.id, at, dueDate: null, amount: -event.amountMinor }, target);
    else this.addItem({ kind: 'adjustment', id: event.id, at, dueDate: null, amount: event.amountMinor });
  }

  private reverse(event: Extract<AccountEvent, { type: 'reversal' }>, at: string): void {
    assertId(event.paymentId, 'paymentId');
    const sourceKey = key('payment', event.paymentId);
    const source = this.sources.get(sourceKey);
    if (!source) throw new RangeError(`cannot reverse unknown payment ${event.paymentId}`);
    if (source.reversedAt !== null) throw new RangeError(`payment ${event.paymentId} was already reversed at ${source.reversedAt}`);

    for (const [target, amount] of source.allocations) {
      if (target === CREDIT) {
        const unused = this.pool.findIndex((e) => e.source === sourceKey);
        if (unused >= 0) this.pool.splice(unused, 1);
        continue;
      }
      const item = this.items.get(target) as Item;
      item.remaining += amount;
      item.allocations.delete(sourceKey);
      item.paidOn = null;
    }
    source.allocations.clear();
    source.reversedAt = at;
    // Credit other sources still hold pays what the reversal reopened, so no item stays open
    // while the account is in credit.
    for (const item of this.openItems()) this.takeCredit(item, at);
  }

  private addItem(fields: Pick<Item, 'kind' | 'id' | 'at' | 'dueDate' | 'amount'>): void {
    const item: Item = { ...fields, seq: this.seq++, remaining: fields.amount, paidOn: fields.amount === 0 ? fields.at : null, allocations: new Map() };
    this.items.set(key(item.kind, item.id), item);
    this.takeCredit(item, item.at);
  }

  private addSource(fields: Pick<Source, 'kind' | 'id' | 'at' | 'dueDate' | 'amount'>, target: Item | undefined): void {
    const source: Source = { ...fields, seq: this.seq++, reversedAt: null, allocations: new Map() };
    const { kind, id, at } = source;
    this.sources.set(key(kind, id), source);
    let left = source.amount;
    if (target && target.remaining > 0) left -= this.allocate(source, target, Math.min(left, target.remaining), at);
    for (const item of this.openItems()) {
      if (left === 0) break;
      left -= this.allocate(source, item, Math.min(left, item.remaining), at);
    }
    if (left > 0) {
      this.pool.push({ source: key(kind, id), amount: left });
      add(source.allocations, CREDIT, left);
    }
  }

  /** The pool's credit, oldest first, pays `item` as far as it goes. */
  private takeCredit(item: Item, at: string): void {
    while (item.remaining > 0 && this.pool.length > 0) {
      const head = this.pool[0] as { source: string; amount: number };
      const source = this.sources.get(head.source) as Source;
      const amount = this.allocate(source, item, Math.min(head.amount, item.remaining), at);
      head.amount -= amount;
      add(source.allocations, CREDIT, -amount);
      if (head.amount === 0) this.pool.shift();
    }
  }

  private allocate(source: Source, item: Item, amount: number, at: string): number {
    const itemKey = key(item.kind, item.id);
    item.remaining -= amount;
    add(item.allocations, key(source.kind, source.id), amount);
    add(source.allocations, itemKey, amount);
    if (item.remaining === 0) item.paidOn = at;
    return amount;
  }

  private openItems(): Item[] {
    return [...this.items.values()].filter((i) => i.remaining > 0).sort(compareItems);
  }

  /** A snapshot: plain data, detached from the engine. */
  state(): AllocationState {
    const items = [...this.items.values()];
    const sources = [...this.sources.values()];
    // Credit notes are sources, but the bill list shows every bill, in the order issued.
    const bills = [
      ...items.filter((i) => i.kind === 'bill').map((i) => ({ seq: i.seq, bill: { billNo: i.id, paymentDueDate: i.dueDate as CalendarDate, ...owed(i) } })),
      ...sources.filter((s) => s.kind === 'creditNote').map((s) => ({ seq: s.seq, bill: creditNoteAsBill(s) })),
    ]
      .sort((a, b) => a.seq - b.seq)
      .map((b) => b.bill);
    const creditMinor = this.pool.reduce((s, e) => s + e.amount, 0);
    const billsRemainingMinor = items.filter((i) => i.kind === 'bill').reduce((s, i) => s + i.remaining, 0);
    const openDebitsMinor = items.filter((i) => i.kind === 'adjustment').reduce((s, i) => s + i.remaining, 0);
    return {
      asOf: this.last,
      bills,
      debits: items.filter((i) => i.kind === 'adjustment').map((i) => ({ id: i.id, ...owed(i) })),
      payments: sources
        .filter((s) => s.kind === 'payment')
        .map((s) => ({ paymentId: s.id, at: s.at, amountMinor: s.amount, reversedAt: s.reversedAt, allocations: sourceAllocations(s) })),
      credits: sources
        .filter((s): s is Source & { kind: 'creditNote' | 'adjustment' } => s.kind !== 'payment')
        .map((s) => ({ sourceKind: s.kind, sourceId: s.id, at: s.at, amountMinor: s.amount, allocations: sourceAllocations(s) })),
      creditPool: this.pool.map((e) => {
        const s = this.sources.get(e.source) as Source;
        return { sourceKind: s.kind, sourceId: s.id, amountMinor: e.amount };
      }),
      creditMinor,
      billsRemainingMinor,
      openDebitsMinor,
      balanceMinor: billsRemainingMinor + openDebitsMinor - creditMinor,
    };
  }
}

function owed(item: Item): OwedState {
  return {
    at: item.at,
    amountMinor: item.amount,
    remainingMinor: item.remaining,
    state: item.remaining === 0 ? 'settled' : item.remaining === item.amount ? 'new' : 'partiallyPaid',
    paidOn: item.paidOn,
    allocations: [...item.allocations].map(([k, amountMinor]) => {
      const split = k.indexOf(':');
      return { sourceKind: k.slice(0, split) as SourceKind, sourceId: k.slice(split + 1), amountMinor };
    }),
  };
}

function creditNoteAsBill(source: Source): BillAllocation {
  return { billNo: source.id, paymentDueDate: source.dueDate as CalendarDate, at: source.at, amountMinor: -source.amount, remainingMinor: 0, state: 'settled', paidOn: source.at, allocations: [] };
}

function sourceAllocations(source: Source): SourceAllocation[] {
  return [...source.allocations].map(([k, amountMinor]) => {
    if (k === CREDIT) return { billNo: null, adjustmentId: null, amountMinor };
    const split = k.indexOf(':');
    const id = k.slice(split + 1);
    return k.startsWith('bill:') ? { billNo: id, adjustmentId: null, amountMinor } : { billNo: null, adjustmentId: id, amountMinor };
  });
}

// ---------------------------------------------------------------------------------------------
// Replays

interface Timed {
  event: AccountEvent;
  at: string;
}

/** Normalised and stably sorted: same `at` keeps the order given. The input is not touched. */
function timeline(events: readonly AccountEvent[], timeZone: string): Timed[] {
  return events.map((event) => ({ event, at: normaliseAt(event.at, timeZone) })).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

function replay(timed: readonly Timed[], options: AllocateOptions): AllocationState {
  const allocator = new AccountAllocator(options);
  for (const { event } of timed) allocator.apply(event);
  return allocator.state();
}

/** The whole timeline replayed. Throws (RangeError) on the first invalid event. */
export function allocate(events: readonly AccountEvent[], options: AllocateOptions = {}): AllocationState {
  return replay(timeline(events, options.timeZone ?? 'UTC'), options);
}

/**
 * The state as it stood at `until`, inclusive: an instant includes events at that instant; a bare
 * date includes the whole of that day (events before the next day starts, in the zone).
 */
export function allocateUntil(events: readonly AccountEvent[], until: string, options: AllocateOptions = {}): AllocationState {
  const timeZone = options.timeZone ?? 'UTC';
  const included = cutoffFilter(until, timeZone);
  return replay(
    timeline(events, timeZone).filter((t) => included(t.at)),
    options,
  );
}

function cutoffFilter(until: string, timeZone: string): (at: string) => boolean {
  if (isCalendarDate(until)) {
    const next = endOfDay(until, timeZone);
    return (at) => at < next;
  }
  const limit = normaliseAt(until, timeZone);
  return (at) => at <= limit;
}

export interface LateFeeWindow {
  /** The previous bill date, exclusive. */
  since: CalendarDate;
  /** This bill's date, inclusive. */
  until: CalendarDate;
  /** Days after the due date before a bill counts as late. */
  graceDays: number;
  timeZone?: string;
}

/**
 * Bills that earn a late fee on the bill run of `until`: those whose last day to pay (due date +
 * grace) fell in (since, until] and that still had something remaining at the end of that day.
 * Consecutive bill runs have adjoining windows, so each bill is judged once and can get at most
 * one late fee. A payment dishonoured by the end of `until` never paid anything: it is reversed
 * before judging (with hindsight), so a bad payment cannot dodge the fee. Credit notes and bills
 * with nothing to pay are never late. Bill numbers are returned by last day to pay, then in the
 * order issued.
 */
export function lateFeeDue(events: readonly AccountEvent[], window: LateFeeWindow): string[] {
  const timeZone = window.timeZone ?? 'UTC';
  assertCalendarDate(window.since, 'since');
  assertCalendarDate(window.until, 'until');
  if (window.since > window.until) throw new RangeError(`since ${window.since} is after until ${window.until}`);
  if (!Number.isSafeInteger(window.graceDays) || window.graceDays < 0) throw new RangeError(`graceDays must be a non-negative integer: ${window.graceDays}`);

  const timed = timeline(events, timeZone);
  const lastDayOf = (bill: Extract<AccountEvent, { type: 'bill' }>) => addDays(bill.paymentDueDate, window.graceDays);
  const candidates = timed
    .map((t) => t.event)
    .filter((e): e is Extract<AccountEvent, { type: 'bill' }> => e.type === 'bill' && e.amountMinor > 0)
    .filter((bill) => {
      const lastDay = lastDayOf(bill);
      return window.since < lastDay && lastDay <= window.until;
    });
  const runEnd = endOfDay(window.until, timeZone);
  const late: string[] = [];
  for (const lastDay of [...new Set(candidates.map(lastDayOf))].sort()) {
    const state = stateWithHindsight(timed, endOfDay(lastDay, timeZone), runEnd, { timeZone });
    for (const bill of candidates.filter((b) => lastDayOf(b) === lastDay)) {
      const found = state.bills.find((b) => b.billNo === bill.billNo);
      if (found && found.remainingMinor > 0) late.push(bill.billNo);
    }
  }
  return late;
}

/** Events before `cutoff`, then the reversals up to `runEnd` of payments made before `cutoff`. */
function stateWithHindsight(timed: readonly Timed[], cutoff: string, runEnd: string, options: AllocateOptions): AllocationState {
  const before = timed.filter((t) => t.at < cutoff);
  const paid = new Set(before.flatMap((t) => (t.event.type === 'payment' ? [t.event.paymentId] : [])));
  const laterReversals = timed.filter((t) => t.at >= cutoff && t.at < runEnd && t.event.type === 'reversal' && paid.has(t.event.paymentId));
  return replay([...before, ...laterReversals], options);
}
