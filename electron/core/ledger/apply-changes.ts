import { Change, moneyFactMismatch, type ChangeOf, type JournalEntry } from '../../../shared/sync/changes.ts';
import { KioskError } from '../../../shared/errors.ts';
import { factHash } from '../../../shared/node/hash.ts';
import type { Database } from './db.ts';

export interface ApplyResult {
  applied: number;
  duplicates: number;
}

type Outcome = 'applied' | 'duplicate';

/**
 * The one way data enters the ledger from outside: demo data on first start, and the sync
 * worker's pulled pages later. A batch commits in one transaction or not at all; reference data
 * is upserted, money facts are deduplicated by idempotency key (same key with a different payload
 * is a conflict, never a silent overwrite).
 */
export class ChangeApplier {
  readonly #db: Database;
  readonly #stmts;
  readonly #applyBatch;

  constructor(db: Database) {
    this.#db = db;
    const p = (sql: string) => db.prepare(sql);
    this.#stmts = {
      catalog: p(`INSERT INTO catalog_versions (catalog_id, document, applied_at) VALUES (?, ?, ?)`),
      customer: p(`INSERT INTO customers (id, branch_id, name, email, phone, language, pin_hash, created_at)
        VALUES (@id, @branchId, @name, @email, @phone, @language, @pinHash, @createdAt)
        ON CONFLICT(id) DO UPDATE SET branch_id = excluded.branch_id, name = excluded.name, email = excluded.email,
          phone = excluded.phone, language = excluded.language, pin_hash = excluded.pin_hash`),
      account: p(`INSERT INTO billing_accounts (id, account_no, customer_id, currency, bill_cycle_day, credit_limit_minor, opened_on)
        VALUES (@id, @accountNo, @customerId, @currency, @billCycleDay, @creditLimitMinor, @openedOn)
        ON CONFLICT(id) DO UPDATE SET account_no = excluded.account_no, customer_id = excluded.customer_id, currency = excluded.currency,
          bill_cycle_day = excluded.bill_cycle_day, credit_limit_minor = excluded.credit_limit_minor`),
      product: p(`INSERT INTO products (id, account_id, parent_id, kind, identifier, status, offering_id, started_on)
        VALUES (@id, @accountId, @parentId, @kind, @identifier, @status, @offeringId, @startedOn)
        ON CONFLICT(id) DO UPDATE SET account_id = excluded.account_id, parent_id = excluded.parent_id, kind = excluded.kind,
          identifier = excluded.identifier, status = excluded.status, offering_id = excluded.offering_id, started_on = excluded.started_on`),
      clearTerms: p(`DELETE FROM product_terms WHERE product_id = ?`),
      term: p(`INSERT INTO product_terms (product_id, seq, offering_id, from_date, to_date) VALUES (?, ?, ?, ?, ?)`),
      // A record is received once; rating and billing move it forward, never back.
      usage: p(`INSERT INTO usage_records (id, product_id, usage_type, usage_date, quantity, unit, zone, destination, service, status, rated_minor, bill_id)
        VALUES (@id, @productId, @usageType, @usageDate, @quantity, @unit, @zone, @destination, @service, @status, @ratedMinor, @billId)
        ON CONFLICT(id) DO UPDATE SET status = excluded.status, rated_minor = excluded.rated_minor, bill_id = excluded.bill_id
        WHERE usage_records.status <> 'billed' AND excluded.status <> usage_records.status
          AND (excluded.status = 'billed' OR usage_records.status = 'received')`),
      entryByKey: p(`SELECT payload_hash FROM journal_entries WHERE idempotency_key = ?`).pluck(),
      entry: p(`INSERT INTO journal_entries (id, idempotency_key, payload_hash, entry_type, account_id, currency, occurred_at, recorded_at, origin)
        VALUES (@id, @idempotencyKey, @payloadHash, @entryType, @accountId, @currency, @occurredAt, @recordedAt, @origin)`),
      posting: p(`INSERT INTO postings (entry_id, ledger_account, amount_minor, currency) VALUES (?, ?, ?, ?)`),
      bill: p(`INSERT INTO bills (id, bill_no, account_id, bill_date, period_start, period_end, payment_due_date, currency,
          tax_excluded_minor, tax_minor, tax_included_minor, amount_due_minor, state, entry_id, document)
        VALUES (@id, @billNo, @accountId, @billDate, @periodStart, @periodEnd, @paymentDueDate, @currency,
          @taxExcludedAmountMinor, @taxMinor, @taxIncludedAmountMinor, @amountDueMinor, 'sent', @entryId, @document)`),
      payment: p(`INSERT INTO payments (id, account_id, amount_minor, currency, payment_method, channel, point_of_interaction,
          authorization_code, correlator_id, target_bill_no, status, entry_id, created_at, updated_at)
        VALUES (@id, @accountId, @amountMinor, @currency, @paymentMethod, @channel, @pointOfInteraction,
          @authorizationCode, @correlatorId, @targetBillNo, 'done', @entryId, @occurredAt, @occurredAt)`),
      adjustment: p(`INSERT INTO adjustments (id, account_id, kind, amount_minor, currency, bill_no, reason, staff_id, approved_by, entry_id)
        VALUES (@id, @accountId, @kind, @amountMinor, @currency, @billNo, @reason, @staffId, @approvedBy, @entryId)`),
      // Headquarters' answer beside what the kiosk decided; a referred request stays open for staff.
      creditDecided: p(`UPDATE credit_requests SET status = CASE @status WHEN 'referred' THEN 'open' ELSE 'decided' END,
          central_decision = @decision, central_status = @status, central_limit_minor = @creditLimitMinor, offline_outcome = @offline,
          central_reasons = @reasons, decided_at = @decidedAt
        WHERE id = @id AND account_id = @accountId AND decided_at IS NOT @decidedAt`),
      creditLimit: p(`UPDATE billing_accounts SET credit_limit_minor = @creditLimitMinor WHERE id = @accountId AND credit_limit_minor <> @creditLimitMinor`),
      // Headquarters' "held" does not send back to staff an order they have decided meanwhile (their decision is on its way).
      orderDecided: p(`UPDATE product_orders SET state = @state, decision_reasons = @reasons, decided_at = @decidedAt
        WHERE id = @id AND account_id = @accountId AND decided_at IS NOT @decidedAt AND NOT (@state = 'held' AND staff_decision IS NOT NULL)`),
    };
    this.#applyBatch = db.transaction((changes: readonly Change[]) => {
      const result: ApplyResult = { applied: 0, duplicates: 0 };
      for (const change of changes) {
        if (this.#applyOne(change) === 'applied') result.applied++;
        else result.duplicates++;
      }
      return result;
    });
  }

  /** Validates every change first: a bad change rejects the whole batch and changes nothing. */
  apply(raw: readonly unknown[]): ApplyResult {
    const changes = raw.map((item, index) => {
      const parsed = Change.safeParse(item);
      if (!parsed.success) {
        throw new KioskError('VALIDATION', `Change ${index} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`, {
          index,
          path: parsed.error.issues[0]?.path.join('.'),
        });
      }
      return parsed.data;
    });
    return this.#applyBatch(changes);
  }

  /** Changes the caller has already parsed with `Change` (a pulled page): all of them or none. */
  applyParsed(changes: readonly Change[]): ApplyResult {
    return this.#applyBatch(changes);
  }

  #applyOne(change: Change): Outcome {
    const s = this.#stmts;
    switch (change.type) {
      case 'catalog.published':
        s.catalog.run(change.catalog.id, JSON.stringify(change.catalog), new Date().toISOString());
        return 'applied';
      case 'customer.upsert':
        s.customer.run(change);
        return 'applied';
      case 'account.upsert':
        s.account.run(change);
        return 'applied';
      case 'product.upsert': {
        const latest = change.terms.at(-1) as (typeof change.terms)[number];
        s.product.run({ ...change, offeringId: latest.offeringId, startedOn: change.terms[0]?.from });
        s.clearTerms.run(change.id);
        change.terms.forEach((t, seq) => s.term.run(change.id, seq, t.offeringId, t.from, t.to));
        return 'applied';
      }
      case 'usage.recorded':
        // Stored in one ISO form so that instants compare as strings.
        return s.usage.run({ zone: null, destination: null, service: null, ...change, usageDate: new Date(change.usageDate).toISOString() }).changes === 1
          ? 'applied'
          : 'duplicate';
      case 'bill.issued':
        return this.#applyBill(change);
      case 'payment.recorded':
        return this.#applyPayment(change);
      case 'adjustment.posted':
        return this.#applyAdjustment(change);
      case 'credit.decided': {
        // Every kiosk of the branch takes the limit; the one that took the request also records the answer on it.
        const row = { ...change, reasons: JSON.stringify(change.reasons) };
        const changed = s.creditDecided.run(row).changes + s.creditLimit.run(row).changes;
        return changed > 0 ? 'applied' : 'duplicate';
      }
      case 'order.decided':
        return s.orderDecided.run({ ...change, reasons: JSON.stringify(change.reasons) }).changes > 0 ? 'applied' : 'duplicate';
    }
  }

  #applyBill(change: ChangeOf<'bill.issued'>): Outcome {
    const { bill, entry } = change;
    const mismatch = moneyFactMismatch(change);
    if (mismatch) throw new KioskError('VALIDATION', mismatch);
    if (this.#insertEntry(entry, change) === 'duplicate') return 'duplicate';
    this.#stmts.bill.run({
      ...bill,
      periodStart: bill.billingPeriod.start,
      periodEnd: bill.billingPeriod.end,
      entryId: entry.id,
      document: JSON.stringify(bill),
    });
    return 'applied';
  }

  #applyPayment(payment: ChangeOf<'payment.recorded'>): Outcome {
    const mismatch = moneyFactMismatch(payment);
    if (mismatch) throw new KioskError('VALIDATION', mismatch);
    if (this.#insertEntry(payment.entry, payment) === 'duplicate') return 'duplicate';
    this.#stmts.payment.run({ ...payment, entryId: payment.entry.id, occurredAt: payment.entry.occurredAt });
    return 'applied';
  }

  #applyAdjustment(adjustment: ChangeOf<'adjustment.posted'>): Outcome {
    const mismatch = moneyFactMismatch(adjustment);
    if (mismatch) throw new KioskError('VALIDATION', mismatch);
    if (this.#insertEntry(adjustment.entry, adjustment) === 'duplicate') return 'duplicate';
    this.#stmts.adjustment.run({ ...adjustment, entryId: adjustment.entry.id });
    return 'applied';
  }

  #insertEntry(entry: JournalEntry, fact: Change): Outcome {
    const payloadHash = factHash(fact);
    const existing = this.#stmts.entryByKey.get(entry.idempotencyKey) as string | undefined;
    if (existing !== undefined) {
      if (existing === payloadHash) return 'duplicate';
      throw new KioskError('CONFLICT', `A different fact was already recorded under ${entry.idempotencyKey}`);
    }
    this.#stmts.entry.run({ ...entry, payloadHash, recordedAt: new Date().toISOString() });
    for (const p of entry.postings) this.#stmts.posting.run(entry.id, p.ledgerAccount, p.amountMinor, entry.currency);
    return 'applied';
  }

  get db(): Database {
    return this.#db;
  }
}
