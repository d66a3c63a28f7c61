import type { CalendarDate } from '../../../shared/calendar.ts';
import type { ChangeOf } from '../../../shared/sync/changes.ts';
import { paymentEntry } from '../../../shared/ledger/journal.ts';
import type { StaffRole } from '../../../shared/domain/staff-role.ts';
import type { PaymentMethod, PaymentQuote, PaymentResult, ReceiptView } from '../../../shared/contract/payments.ts';
import { KioskError } from '../../../shared/errors.ts';
import type { Language } from '../../../shared/locales.ts';
import { beyondBound } from '../../../shared/money-bounds.ts';
import { money } from '../../../shared/money.ts';
import type { CashLookup } from '../devices/cash-acceptor.ts';
import { isDeviceError } from '../devices/errors.ts';
import type { TerminalLookup } from '../devices/payment-terminal.ts';
import { maskAccountNo, qrPayload, type Receipt } from '../devices/receipt.ts';
import type { PaymentDevices } from '../devices/payment-devices.ts';
import type { EventBus } from '../infra/events.ts';
import type { AccountHistory } from '../ledger/account-history.ts';
import type { Database } from '../ledger/db.ts';
import type { LocalFacts } from '../ledger/local-facts.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AuthorityCheck, AuthorityProof } from '../assist/authority.ts';
import type { StaffMember } from '../assist/staff-sign-in.ts';
import type { Logger } from '../infra/log.ts';

export interface PaymentSettings {
  kioskId: string;
  branchId: string;
  branchName: string;
  timeZone: string;
  currency: string;
  maxAmountMinor: number;
}

type IntentStatus = PaymentResult['status'];

interface IntentRow {
  id: string;
  request_id: string;
  account_id: string;
  amount_minor: number;
  currency: string;
  method: PaymentMethod;
  bill_no: string | null;
  language: Language;
  status: IntentStatus;
  outcome: string | null;
  payment_id: string | null;
  /** In assist mode: the member of staff it was made with. */
  staff_id: string | null;
  staff_role: StaffRole | null;
  /** Counter cash above the staff member's authority: the supervisor who confirmed it. */
  staff_approved_by: string | null;
  /** 1: cash handed to staff at the counter. */
  at_counter: number;
}

/** The member of staff at the kiosk when a payment is made in assist mode. */
export type AttendedBy = { staffId: string; role: StaffRole } | null;

/** What the device did, reduced to what the books need. */
interface Settlement {
  status: Exclude<IntentStatus, 'pending'>;
  takenMinor: number;
  reason: string | null;
  method: Receipt['method'] | null;
  authorizationCode: string | null;
}

/**
 * Payments at the kiosk, two-phase (docs/architecture.md §3): the intent is committed before the device is
 * asked, under the id the device keeps; the device's answer (or, after a lost link or a crash,
 * what the device says it did with that id) settles it. Money taken becomes one payment fact
 * with its postings and outbox row, and a receipt, in one transaction; the payment's id is the
 * intent's id, so settling twice records it once.
 */
export class PaymentDesk {
  readonly #db: Database;
  readonly #stmts;
  readonly #inFlight = new Map<string, { controller: AbortController; done: Promise<PaymentResult> }>();

  constructor(
    db: Database,
    private readonly deps: {
      history: AccountHistory;
      facts: LocalFacts;
      /** Every settled payment, money taken or not, is an audit event of the same transaction. */
      audit: AuditLog;
      /** Counter cash is within staff authority (per request and per day) or confirmed by a supervisor. */
      authority: AuthorityCheck;
      devices: PaymentDevices;
      events: EventBus;
      settings: PaymentSettings;
      log: Logger;
      now: () => Date;
    },
  ) {
    this.#db = db;
    this.#stmts = {
      byRequest: db.prepare(`SELECT * FROM payment_intents WHERE request_id = ?`),
      byId: db.prepare(`SELECT * FROM payment_intents WHERE id = ?`),
      pending: db.prepare(`SELECT * FROM payment_intents WHERE status = 'pending' ORDER BY created_at`),
      insert: db.prepare(
        `INSERT INTO payment_intents (id, request_id, account_id, amount_minor, currency, method, bill_no, language, status, staff_id, staff_role, staff_approved_by, at_counter, created_at, updated_at)
         VALUES (@id, @requestId, @accountId, @amountMinor, @currency, @method, @billNo, @language, 'pending', @staffId, @staffRole, @approvedBy, @atCounter, @at, @at)`,
      ),
      settle: db.prepare(`UPDATE payment_intents SET status = ?, outcome = ?, payment_id = ?, updated_at = ? WHERE id = ? AND status = 'pending'`),
      accountNo: db.prepare(`SELECT account_no FROM billing_accounts WHERE id = ?`).pluck(),
      customerOf: db.prepare(`SELECT customer_id FROM billing_accounts WHERE id = ?`).pluck(),
      receipt: db.prepare(`SELECT document, printed FROM receipts WHERE payment_id = ?`),
      insertReceipt: db.prepare(`INSERT OR IGNORE INTO receipts (payment_id, transaction_no, document, printed, created_at) VALUES (?, ?, ?, 0, ?)`),
      printed: db.prepare(`UPDATE receipts SET printed = 1 WHERE payment_id = ?`),
    };
    const off = [
      deps.devices.terminal.onProgress((p) => deps.events.emit('payment.progress', { intentId: p.intentId, stage: p.stage })),
      deps.devices.cash.onProgress((p) => {
        if (p.type !== 'inserted') return;
        const cur = deps.settings.currency;
        deps.events.emit('payment.progress', { intentId: p.intentId, stage: 'insertCash', inserted: money(p.insertedMinor, cur), remaining: money(p.remainingMinor, cur) });
      }),
    ];
    this.close = () => off.forEach((f) => f());
  }

  readonly close: () => void;

  quote(accountId: string): PaymentQuote {
    const cur = this.deps.settings.currency;
    const allocation = this.deps.history.allocation(accountId);
    const openBills = allocation.bills
      .filter((b) => b.remainingMinor > 0)
      .map((b) => {
        const bill = this.deps.history.bill(accountId, b.billNo);
        return { billNo: b.billNo, billDate: (bill?.billDate ?? b.at.slice(0, 10)) as CalendarDate, paymentDueDate: b.paymentDueDate, remaining: money(b.remainingMinor, cur) };
      });
    return {
      balance: money(allocation.balanceMinor, cur),
      totalDue: money(Math.max(allocation.balanceMinor, 0), cur),
      openBills,
      maxAmount: money(this.deps.settings.maxAmountMinor, cur),
      cashDenominations: [...this.deps.devices.cash.acceptedDenominations(cur)],
    };
  }

  /** Takes a payment and answers once it is settled (or known to be still with the device). */
  async start(
    accountId: string,
    language: Language,
    input: { requestId: string; amountMinor: number; billNo: string | null; method: PaymentMethod },
    attendedBy: AttendedBy = null,
  ): Promise<PaymentResult> {
    const existing = this.#existing(accountId, input, false);
    if (existing) {
      const running = this.#inFlight.get(existing.id);
      if (running) return running.done;
      return existing.status === 'pending' ? this.#reconcile(existing) : this.#result(existing);
    }
    const quote = this.#check(accountId, input);
    if (input.method === 'cash' && quote.cashDenominations.length === 0) throw new KioskError('DEVICE', 'This kiosk cannot take cash right now.');
    // Phase one: the intent is on disk before any device hears of it.
    const intent = this.#open(accountId, language, input, attendedBy, false);
    const controller = new AbortController();
    const done = this.#run(intent, controller.signal).finally(() => this.#inFlight.delete(intent.id));
    this.#inFlight.set(intent.id, { controller, done });
    return done;
  }

  /**
   * Cash handed to staff at the counter: no device to wait for, so it is settled at once, into
   * the counter's cash, with the member of staff on the receipt and as the audit event's actor.
   * Above their counter-cash authority (per request, or what is left of their day) a supervisor
   * confirms; what it uses of the day is counted with the intent, in one transaction.
   */
  async takeAtCounter(accountId: string, language: Language, input: { requestId: string; amountMinor: number; billNo: string | null } & AuthorityProof, staff: StaffMember): Promise<PaymentResult> {
    const asked = { requestId: input.requestId, amountMinor: input.amountMinor, billNo: input.billNo, method: 'cash' as const };
    const existing = this.#existing(accountId, asked, true);
    if (existing) return this.#result(existing);
    this.#check(accountId, asked);
    const grant = await this.deps.authority.authorise(staff, { kind: 'counterCashMinor', amountMinor: input.amountMinor }, input);
    const opened = this.#db.transaction(() => {
      // The same request again while a supervisor's PIN was being checked: it was taken once.
      const again = this.#existing(accountId, asked, true);
      if (again) return { again };
      this.deps.authority.commit(grant, input.requestId);
      return { intent: this.#open(accountId, language, asked, staff, true, grant.approvedBy) };
    })();
    if (opened.again) return this.#result(opened.again);
    return this.#settle(opened.intent, { status: 'approved', takenMinor: input.amountMinor, reason: null, method: { kind: 'cash', insertedMinor: input.amountMinor, changeMinor: 0 }, authorizationCode: null });
  }

  /** The intent already made under this request id (a retry), refused when its details differ. */
  #existing(accountId: string, input: { requestId: string; amountMinor: number; method: PaymentMethod }, atCounter: boolean): IntentRow | undefined {
    const existing = this.#stmts.byRequest.get(input.requestId) as IntentRow | undefined;
    if (existing && (existing.account_id !== accountId || existing.amount_minor !== input.amountMinor || existing.method !== input.method || existing.at_counter !== Number(atCounter))) {
      throw new KioskError('CONFLICT', 'That payment was already started with different details.');
    }
    return existing;
  }

  /** The amount within this kiosk's cap and the bill still open; the quote it was checked against. */
  #check(accountId: string, input: { amountMinor: number; billNo: string | null }): PaymentQuote {
    const quote = this.quote(accountId);
    if (beyondBound(input.amountMinor, this.deps.settings.maxAmountMinor)) {
      throw new KioskError('VALIDATION', 'That is more than this kiosk can take in one payment.', { maxAmountMinor: this.deps.settings.maxAmountMinor });
    }
    if (input.billNo !== null && !quote.openBills.some((b) => b.billNo === input.billNo)) {
      throw new KioskError('VALIDATION', `Bill ${input.billNo} has nothing left to pay.`);
    }
    return quote;
  }

  #open(
    accountId: string,
    language: Language,
    input: { requestId: string; amountMinor: number; billNo: string | null; method: PaymentMethod },
    attendedBy: AttendedBy,
    atCounter: boolean,
    approvedBy: string | null = null,
  ): IntentRow {
    const intent: IntentRow = {
      id: input.requestId,
      request_id: input.requestId,
      account_id: accountId,
      amount_minor: input.amountMinor,
      currency: this.deps.settings.currency,
      method: input.method,
      bill_no: input.billNo,
      language,
      status: 'pending',
      outcome: null,
      payment_id: null,
      staff_id: attendedBy?.staffId ?? null,
      staff_role: attendedBy?.role ?? null,
      staff_approved_by: approvedBy,
      at_counter: Number(atCounter),
    };
    this.#stmts.insert.run({
      id: intent.id,
      requestId: intent.request_id,
      accountId,
      amountMinor: intent.amount_minor,
      currency: intent.currency,
      method: intent.method,
      billNo: intent.bill_no,
      language,
      staffId: intent.staff_id,
      staffRole: intent.staff_role,
      approvedBy: intent.staff_approved_by,
      atCounter: intent.at_counter,
      at: this.deps.now().toISOString(),
    });
    return intent;
  }

  /** The customer cancelled on the screen: the device stops waiting (a card already read still stands). */
  async cancel(accountId: string, intentId: string): Promise<void> {
    const row = this.#stmts.byId.get(intentId) as IntentRow | undefined;
    if (!row || row.account_id !== accountId) throw new KioskError('NOT_FOUND', 'There is no such payment in progress.');
    this.#inFlight.get(intentId)?.controller.abort();
  }

  /** On start: every intent a crash left open is settled with its device by id. */
  async reconcileAll(): Promise<{ settled: number; stillPending: number }> {
    let settled = 0;
    let stillPending = 0;
    for (const row of this.#stmts.pending.all() as IntentRow[]) {
      const result = await this.#reconcile(row);
      if (result.status === 'pending') stillPending++;
      else settled++;
    }
    return { settled, stillPending };
  }

  async #run(intent: IntentRow, signal: AbortSignal): Promise<PaymentResult> {
    const { terminal, cash } = this.deps.devices;
    try {
      if (intent.method === 'card') {
        const outcome = await terminal.authorize({ intentId: intent.id, amountMinor: intent.amount_minor, currency: intent.currency, signal });
        return this.#settle(intent, fromTerminal(outcome, intent.amount_minor));
      }
      const outcome = await cash.collect({ intentId: intent.id, amountDueMinor: intent.amount_minor, currency: intent.currency, signal });
      return this.#settle(intent, fromCash(outcome));
    } catch (err) {
      if (!isDeviceError(err)) throw err;
      this.deps.log.warn({ intentId: intent.id, device: err.device, kind: err.kind }, 'payment device failed; asking it what happened');
      if (err.kind !== 'disconnected') return this.#settle(intent, { status: 'failed', takenMinor: 0, reason: err.kind, method: null, authorizationCode: null });
      return this.#reconcile(intent);
    }
  }

  /** Asks the device what it did with the intent; settles it when the device knows. */
  async #reconcile(intent: IntentRow): Promise<PaymentResult> {
    let lookup: TerminalLookup | CashLookup;
    try {
      lookup = intent.method === 'card' ? await this.deps.devices.terminal.lookup(intent.id) : await this.deps.devices.cash.lookup(intent.id);
    } catch (err) {
      if (!isDeviceError(err)) throw err;
      return this.#result(intent);
    }
    if (lookup.status === 'pending') return this.#result(intent);
    if (lookup.status === 'unknown') return this.#settle(intent, { status: 'failed', takenMinor: 0, reason: 'notReceived', method: null, authorizationCode: null });
    if (intent.method === 'card') return this.#settle(intent, fromTerminal(lookup as Exclude<TerminalLookup, { status: 'pending' | 'unknown' }>, intent.amount_minor));
    return this.#settle(intent, fromCash(lookup as Exclude<CashLookup, { status: 'pending' | 'unknown' }>));
  }

  async #settle(intent: IntentRow, s: Settlement): Promise<PaymentResult> {
    const at = this.deps.now();
    const paymentId = s.takenMinor > 0 ? intent.id : null;
    this.#db.transaction(() => {
      if (paymentId) this.deps.facts.record(this.#paymentFact(intent, s, at), at);
      const settled = this.#stmts.settle.run(s.status, JSON.stringify({ reason: s.reason, method: s.method }), paymentId, at.toISOString(), intent.id).changes === 1;
      const receipt = paymentId ? this.#receipt(intent, s, at) : null;
      if (receipt) this.#stmts.insertReceipt.run(paymentId, receipt.transactionNo, JSON.stringify(receipt), at.toISOString());
      // Settled once: an intent settled again (a reconcile racing the answer) is not a second event.
      // In assist mode the member of staff acts on the customer's behalf: they are the actor.
      if (settled) this.deps.audit.record({
        actorKind: intent.staff_role ?? 'customer',
        actorId: intent.staff_id ?? (this.#stmts.customerOf.get(intent.account_id) as string),
        approvedBy: intent.staff_approved_by,
        action: receipt ? (intent.at_counter ? 'payment.cashAtCounter' : 'payment.taken') : 'payment.notTaken',
        accountId: intent.account_id,
        // The payment lowers the balance by what it took: the balance before is the one after plus that.
        before: receipt ? { balanceMinor: receipt.balanceAfterMinor + s.takenMinor } : null,
        after: { intentId: intent.id, status: s.status, method: intent.method, amountMinor: s.takenMinor, ...(receipt ? { balanceMinor: receipt.balanceAfterMinor } : { why: s.reason }) },
      });
    })();
    const settled = this.#stmts.byId.get(intent.id) as IntentRow;
    this.deps.log.info({ event: 'payment', status: settled.status, method: settled.method, amountMinor: s.takenMinor }, 'payment settled');
    if (settled.payment_id) await this.#print(settled.payment_id);
    return this.#result(settled);
  }

  async #print(paymentId: string): Promise<void> {
    const row = this.#stmts.receipt.get(paymentId) as { document: string; printed: number } | undefined;
    if (!row || row.printed) return;
    try {
      await this.deps.devices.printer.print(JSON.parse(row.document) as Receipt);
      this.#stmts.printed.run(paymentId);
    } catch (err) {
      if (!isDeviceError(err)) throw err;
      this.deps.log.warn({ paymentId, kind: err.kind }, 'receipt not printed; it is on screen');
    }
  }

  #paymentFact(intent: IntentRow, s: Settlement, at: Date): ChangeOf<'payment.recorded'> {
    const occurredAt = at.toISOString();
    return {
      type: 'payment.recorded',
      id: intent.id,
      accountId: intent.account_id,
      currency: intent.currency,
      amountMinor: s.takenMinor,
      paymentMethod: intent.method,
      channel: 'kiosk',
      pointOfInteraction: this.deps.settings.kioskId,
      authorizationCode: s.authorizationCode,
      correlatorId: intent.request_id,
      targetBillNo: intent.bill_no,
      entry: paymentEntry(
        { id: intent.id, accountId: intent.account_id, currency: intent.currency, amountMinor: s.takenMinor },
        intent.at_counter ? 'counter-cash' : intent.method === 'card' ? 'kiosk-card' : 'kiosk-cash',
        { entryId: `entry-${intent.id}`, occurredAt, origin: this.deps.settings.kioskId },
      ),
    };
  }

  /** Written inside the settling transaction: what the payment paid is the engine's allocation, read after posting it. */
  #receipt(intent: IntentRow, s: Settlement, at: Date): Receipt {
    const allocation = this.deps.history.allocation(intent.account_id);
    const allocated = allocation.payments.find((p) => p.paymentId === intent.id)?.allocations ?? [];
    const bills = allocated.filter((a) => a.billNo !== null).map((a) => ({ billNo: a.billNo as string, amountMinor: a.amountMinor }));
    const { kioskId, branchId, branchName, timeZone } = this.deps.settings;
    return {
      kioskId,
      branch: { id: branchId, name: branchName, timeZone },
      issuedAt: at.toISOString(),
      transactionNo: intent.id,
      accountNo: this.#stmts.accountNo.get(intent.account_id) as string,
      currency: intent.currency,
      amountMinor: s.takenMinor,
      method: s.method as Receipt['method'],
      paid: { bills, creditOnAccountMinor: s.takenMinor - bills.reduce((sum, b) => sum + b.amountMinor, 0) },
      balanceAfterMinor: allocation.balanceMinor,
      ...(intent.staff_id ? { staffId: intent.staff_id } : {}),
      language: intent.language,
    };
  }

  #result(intent: IntentRow): PaymentResult {
    const cur = intent.currency;
    const outcome = intent.outcome ? (JSON.parse(intent.outcome) as { reason: string | null }) : { reason: null };
    const receiptRow = intent.payment_id ? (this.#stmts.receipt.get(intent.payment_id) as { document: string; printed: number }) : undefined;
    const receipt = receiptRow ? receiptView(JSON.parse(receiptRow.document) as Receipt, receiptRow.printed === 1) : null;
    return {
      intentId: intent.id,
      status: intent.status,
      method: intent.method,
      amountAsked: money(intent.amount_minor, cur),
      amountTaken: money(receipt?.amount.amountMinor ?? 0, cur),
      reason: outcome.reason,
      receipt,
    };
  }
}

function fromTerminal(outcome: Exclude<TerminalLookup, { status: 'pending' | 'unknown' }>, amountMinor: number): Settlement {
  if (outcome.status === 'approved') {
    return {
      status: 'approved',
      takenMinor: amountMinor,
      reason: null,
      method: { kind: 'card', cardBrand: outcome.cardBrand, cardLast4: outcome.cardLast4, authorizationCode: outcome.authorizationCode },
      authorizationCode: outcome.authorizationCode,
    };
  }
  return { status: outcome.status, takenMinor: 0, reason: outcome.status === 'declined' ? outcome.reason : null, method: null, authorizationCode: null };
}

/**
 * Cash in the machine is never lost from the books: whatever was kept (all of it when collected,
 * the escrow on a timeout or a lost link, anything not handed back on a cancel) is posted; this
 * kiosk gives no change, so an overpayment becomes credit on the account.
 */
function fromCash(outcome: Exclude<CashLookup, { status: 'pending' | 'unknown' }>): Settlement {
  const kept = outcome.status === 'cancelled' ? outcome.insertedMinor - outcome.returnedMinor : outcome.insertedMinor;
  const status: Settlement['status'] = outcome.status === 'collected' ? 'approved' : outcome.status === 'interrupted' ? 'failed' : outcome.status;
  return {
    status,
    takenMinor: kept,
    reason: outcome.status === 'collected' ? null : outcome.status,
    method: kept > 0 ? { kind: 'cash', insertedMinor: kept, changeMinor: 0 } : null,
    authorizationCode: null,
  };
}

function receiptView(r: Receipt, printed: boolean): ReceiptView {
  const m = (minor: number) => money(minor, r.currency);
  return {
    transactionNo: r.transactionNo,
    kioskId: r.kioskId,
    branchName: r.branch.name,
    issuedAt: r.issuedAt,
    accountNoLast4: maskAccountNo(r.accountNo).slice(-4),
    amount: m(r.amountMinor),
    method: r.method.kind === 'card' ? { ...r.method } : { kind: 'cash', inserted: m(r.method.insertedMinor), change: m(r.method.changeMinor) },
    paidBills: r.paid.bills.map((b) => ({ billNo: b.billNo, amount: m(b.amountMinor) })),
    creditOnAccount: m(r.paid.creditOnAccountMinor),
    balanceAfter: m(r.balanceAfterMinor),
    qrPayload: qrPayload(r),
    staffId: r.staffId ?? null,
    printed,
  };
}
