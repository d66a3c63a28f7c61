import type { ProductTerm } from '../billing/product.ts';
import type { UsageRecord } from '../billing/usage.ts';

/** A usage_records row as both ledgers store it (snake_case columns; `usage_date` an ISO instant). */
export interface UsageRow {
  id: string;
  product_id: string;
  usage_type: UsageRecord['usageType'];
  usage_date: string;
  quantity: number;
  unit: UsageRecord['unit'];
  zone: string | null;
  destination: UsageRecord['destination'] | null;
  service: string | null;
}

/** The columns of a UsageRow, over a usage_records table aliased `u`: the same SELECT list on SQLite and PostgreSQL. */
export const USAGE_COLUMNS = 'u.id, u.product_id, u.usage_type, u.usage_date, u.quantity, u.unit, u.zone, u.destination, u.service';

/** The engine's usage record from its row (absent optional fields left out, as the engine writes them). */
export function usageFromRow(r: UsageRow): UsageRecord {
  return {
    id: r.id,
    productId: r.product_id,
    usageType: r.usage_type,
    usageDate: r.usage_date,
    quantity: r.quantity,
    unit: r.unit,
    ...(r.zone === null ? {} : { zone: r.zone }),
    ...(r.destination === null ? {} : { destination: r.destination }),
    ...(r.service === null ? {} : { service: r.service }),
  };
}

/** A product_terms row, in its product's order (by seq). */
export interface TermRow {
  product_id: string;
  offering_id: string;
  from_date: string;
  to_date: string | null;
}

/** Each product with its terms, from the products and their term rows (ordered by product, then seq). */
export function withTerms<P extends { id: string }>(products: readonly P[], termRows: readonly TermRow[]): (P & { terms: ProductTerm[] })[] {
  const terms = new Map<string, ProductTerm[]>();
  for (const t of termRows) {
    const list = terms.get(t.product_id) ?? [];
    list.push({ offeringId: t.offering_id, from: t.from_date, to: t.to_date });
    terms.set(t.product_id, list);
  }
  return products.map((p) => ({ ...p, terms: terms.get(p.id) ?? [] }));
}
