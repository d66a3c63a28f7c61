import type { CustomerMatch } from '../../../shared/contract/assist.ts';
import { KioskError } from '../../../shared/errors.ts';
import type { Database } from '../ledger/db.ts';
import type { SignedIn } from '../services/sign-in.ts';

const LIMIT = 20;

/** Lower case without diacritics: "Martín" and "MARTIN" are the same name to someone at a counter. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Finds customers for staff: by account number (its first digits), by phone number (any run of its
 * digits) or by name (any part, accents and case ignored). Returns names and numbers to tell them
 * apart, nothing of the account: that is shown only once staff have checked who they are talking to.
 */
export class CustomerLookup {
  readonly #query;
  readonly #phones;
  readonly #holder;

  constructor(db: Database) {
    db.function('fold_text', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? fold(text) : null));
    this.#query = db.prepare(
      `SELECT DISTINCT a.id AS accountId, a.account_no AS accountNo, c.name AS name
         FROM billing_accounts a JOIN customers c ON c.id = a.customer_id
         LEFT JOIN products p ON p.account_id = a.id AND p.kind IN ('mobile','fixed') AND p.parent_id IS NULL
        WHERE (@digits <> '' AND a.account_no LIKE @digits || '%')
           OR (length(@digits) >= 4 AND p.identifier LIKE '%' || @digits || '%')
           OR (@name <> '' AND fold_text(c.name) LIKE '%' || @name || '%' ESCAPE '\\')
        ORDER BY c.name, a.account_no
        LIMIT @limit`,
    );
    this.#phones = db
      .prepare(`SELECT identifier FROM products WHERE account_id = ? AND kind IN ('mobile','fixed') AND parent_id IS NULL AND status <> 'terminated' ORDER BY identifier`)
      .pluck();
    this.#holder = db.prepare(`SELECT a.id AS accountId, c.name AS customerName, c.language FROM billing_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = ?`);
  }

  /** The account's holder, as a session is opened for them; NOT_FOUND for an account this kiosk does not hold. */
  holder(accountId: string): SignedIn {
    const row = this.#holder.get(accountId) as SignedIn | undefined;
    if (!row) throw new KioskError('NOT_FOUND', 'No such account at this branch.');
    return row;
  }

  find(query: string): { matches: CustomerMatch[]; more: boolean } {
    const compact = query.replace(/[\s\-().+]/g, '');
    const digits = /^\d+$/.test(compact) ? compact : '';
    // A name is searched as typed (folded), with LIKE's wildcards taken literally.
    const name = digits ? '' : fold(query.trim()).replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = this.#query.all({ digits, name, limit: LIMIT + 1 }) as Omit<CustomerMatch, 'phonesLast3'>[];
    return {
      matches: rows.slice(0, LIMIT).map((r) => ({ ...r, phonesLast3: (this.#phones.all(r.accountId) as string[]).map((p) => p.slice(-3)) })),
      more: rows.length > LIMIT,
    };
  }
}
