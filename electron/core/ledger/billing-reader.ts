import { CatalogIndex, Catalog } from '../../../shared/billing/catalog.ts';
import type { CustomerBill } from '../../../shared/billing/bill.ts';
import { billedInAdvance, type BillAccount } from '../../../shared/billing/compose.ts';
import type { BillableProduct } from '../../../shared/billing/product.ts';
import type { UsageRecord } from '../../../shared/billing/usage.ts';
import type { ProductStatus } from '../../../shared/domain/product.ts';
import { KioskError } from '../../../shared/errors.ts';
import { USAGE_COLUMNS, usageFromRow, withTerms, type TermRow, type UsageRow } from '../../../shared/ledger/usage-product-rows.ts';
import type { Database } from './db.ts';

export interface LedgerProduct extends BillableProduct {
  status: ProductStatus;
}

/** Reads what the billing engine needs from the ledger: the catalog in force, products with their terms, usage. */
export class BillingReader {
  readonly #catalogSeq;
  readonly #catalogDoc;
  readonly #account;
  readonly #products;
  readonly #terms;
  readonly #usage;
  readonly #allUsage;
  readonly #billOn;
  #cached: { seq: number; index: CatalogIndex } | null = null;

  constructor(db: Database) {
    this.#catalogSeq = db.prepare('SELECT MAX(seq) FROM catalog_versions').pluck();
    this.#catalogDoc = db.prepare('SELECT document FROM catalog_versions WHERE seq = ?').pluck();
    this.#account = db.prepare(
      `SELECT id, account_no AS accountNo, currency, bill_cycle_day AS billCycleDay, opened_on AS openedOn FROM billing_accounts WHERE id = ?`,
    );
    this.#products = db.prepare(
      `SELECT id, kind, identifier, parent_id AS parentId, status FROM products WHERE account_id = ?
       ORDER BY CASE kind WHEN 'mobile' THEN 0 WHEN 'broadband' THEN 1 WHEN 'tv' THEN 2 ELSE 3 END, identifier, parent_id IS NOT NULL, id`,
    );
    this.#terms = db.prepare(
      `SELECT t.product_id, t.offering_id, t.from_date, t.to_date
       FROM product_terms t JOIN products p ON p.id = t.product_id WHERE p.account_id = ? ORDER BY t.product_id, t.seq`,
    );
    this.#usage = db.prepare(
      `SELECT ${USAGE_COLUMNS}
       FROM products p JOIN usage_records u ON u.product_id = p.id
       WHERE p.account_id = ? AND u.usage_date >= ? AND u.usage_date < ? AND u.status <> 'billed'`,
    );
    this.#billOn = db.prepare(`SELECT document FROM bills WHERE account_id = ? AND bill_date = ?`).pluck();
    this.#allUsage = db.prepare(
      `SELECT ${USAGE_COLUMNS}
       FROM products p JOIN usage_records u ON u.product_id = p.id
       WHERE p.account_id = ? AND u.usage_date >= ? AND u.usage_date < ?`,
    );
  }

  /** What the account's bill of a date charged in advance (billedInAdvance); undefined when there is no such bill. */
  billedAhead(accountId: string, billDate: string): Map<string, string> | undefined {
    const document = this.#billOn.get(accountId, billDate) as string | undefined;
    return document === undefined ? undefined : billedInAdvance(JSON.parse(document) as CustomerBill);
  }

  /** The catalog in force, parsed once per published version. */
  catalog(): CatalogIndex {
    const seq = this.#catalogSeq.get() as number | null;
    if (seq === null) throw new KioskError('NOT_FOUND', 'No catalog has been published to this kiosk yet.');
    if (this.#cached?.seq !== seq) this.#cached = { seq, index: new CatalogIndex(Catalog.parse(JSON.parse(this.#catalogDoc.get(seq) as string))) };
    return this.#cached.index;
  }

  account(accountId: string): BillAccount {
    const row = this.#account.get(accountId) as BillAccount | undefined;
    if (!row) throw new KioskError('NOT_FOUND', 'This account is not on this kiosk.');
    return row;
  }

  products(accountId: string): LedgerProduct[] {
    return withTerms(this.#products.all(accountId) as Omit<LedgerProduct, 'terms'>[], this.#terms.all(accountId) as TermRow[]);
  }

  /** Usage not yet billed, used in [fromInstant, toInstant) (ISO instants, as stored). */
  unbilledUsage(accountId: string, fromInstant: string, toInstant: string): UsageRecord[] {
    return (this.#usage.all(accountId, fromInstant, toInstant) as UsageRow[]).map(usageFromRow);
  }

  /** All usage in [fromInstant, toInstant), billed or not: what the plan optimizer re-rates. */
  usageBetween(accountId: string, fromInstant: string, toInstant: string): UsageRecord[] {
    return (this.#allUsage.all(accountId, fromInstant, toInstant) as UsageRow[]).map(usageFromRow);
  }
}
