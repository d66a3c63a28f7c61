import type { Database } from 'better-sqlite3';
import { GENESIS_HASH } from '../../../../shared/audit.ts';

/**
 * Every table money is read from is append-only (issue 14, point 5): balances, bills and receipts
 * come from payments, bills, adjustments, receipts, payment intents, usage and the outbox that
 * carries them to headquarters, so none of them may be rewritten or removed; a correction is a new
 * row (a reversing entry, an adjustment). Where the kiosk moves a row on by itself, the trigger
 * lets exactly that move through and nothing else of the row:
 *
 * - a payment intent is settled once, from pending (status, outcome, payment_id, updated_at);
 * - a receipt is marked printed once; an adjustment gets the balance staff were told once;
 * - an outbox row is acknowledged once (acked_at, the hub's outcome and reason);
 * - usage moves forward (received → rated → billed), never back, and a billed record is final.
 *
 * The guarded columns are the table's columns when this ran: a migration that adds a column to one
 * of these tables recreates its trigger (test/security/audit-tampering.test.ts tries every column).
 *
 * The audit trail's head (count, last seq, hash, event id) is kept beside the chain in audit_head,
 * moved by a trigger in the same statement as each append, so an end cut off the chain no longer
 * verifies (electron/core/audit/audit-head.ts): the head only ever moves one event on.
 */
export function up(db: Database): void {
  const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).sort();
  const refuse = (table: string, what: string) => `BEGIN SELECT RAISE(ABORT, '${table} is append-only: ${what}'); END;`;

  /** No DELETE; an UPDATE only when `allowed` holds and every column but `mutable` is unchanged. */
  const appendOnly = (table: string, allowed?: { mutable: string[]; when: string; what: string }) => {
    db.exec(`CREATE TRIGGER ${table}_append_only_delete BEFORE DELETE ON ${table} ${refuse(table, 'rows are never removed')}`);
    if (!allowed) {
      db.exec(`CREATE TRIGGER ${table}_append_only_update BEFORE UPDATE ON ${table} ${refuse(table, 'a correction is a new row')}`);
      return;
    }
    const kept = columns(table)
      .filter((c) => !allowed.mutable.includes(c))
      .map((c) => `NEW.${c} IS OLD.${c}`);
    db.exec(`CREATE TRIGGER ${table}_append_only_update BEFORE UPDATE ON ${table}
      WHEN NOT ((${allowed.when}) AND ${kept.join(' AND ')}) ${refuse(table, allowed.what)}`);
  };

  // adjustments already refused DELETE (0011); its update guard joins it here.
  db.exec(`DROP TRIGGER adjustments_no_delete`);
  appendOnly('payments');
  appendOnly('bills');
  appendOnly('adjustments', {
    mutable: ['balance_after_minor'],
    when: `OLD.balance_after_minor IS NULL AND NEW.balance_after_minor IS NOT NULL`,
    what: 'only the balance staff were told is filled in, once',
  });
  appendOnly('receipts', { mutable: ['printed'], when: `OLD.printed = 0 AND NEW.printed = 1`, what: 'only marked printed, once' });
  appendOnly('payment_intents', {
    mutable: ['status', 'outcome', 'payment_id', 'updated_at'],
    when: `OLD.status = 'pending' AND NEW.status <> 'pending'`,
    what: 'only settled, once, from pending',
  });
  // The outbox already refused DELETE (0001).
  db.exec(`DROP TRIGGER outbox_no_delete`);
  appendOnly('outbox', {
    mutable: ['acked_at', 'outcome', 'outcome_reason'],
    when: `OLD.acked_at IS NULL AND NEW.acked_at IS NOT NULL`,
    what: 'only acknowledged, once',
  });
  appendOnly('usage_records', {
    mutable: ['status', 'rated_minor', 'bill_id'],
    when: `OLD.status <> 'billed' AND NEW.status <> OLD.status AND (NEW.status = 'billed' OR OLD.status = 'received')`,
    what: 'usage only moves forward, and billed usage is final',
  });

  db.exec(`
    CREATE TABLE audit_head (
      id       INTEGER PRIMARY KEY CHECK (id = 1),
      count    INTEGER NOT NULL CHECK (count >= 0),
      seq      INTEGER NOT NULL CHECK (seq >= 0),
      hash     TEXT NOT NULL CHECK (length(hash) = 64),
      event_id TEXT
    ) STRICT;
    INSERT INTO audit_head (id, count, seq, hash, event_id)
      SELECT 1, (SELECT COUNT(*) FROM audit_events), COALESCE(last.seq, 0), COALESCE(last.hash, '${GENESIS_HASH}'), last.id
        FROM (SELECT 1) LEFT JOIN (SELECT seq, hash, id FROM audit_events ORDER BY seq DESC LIMIT 1) AS last;
    CREATE TRIGGER audit_head_follows AFTER INSERT ON audit_events
      BEGIN UPDATE audit_head SET count = count + 1, seq = NEW.seq, hash = NEW.hash, event_id = NEW.id; END;
    CREATE TRIGGER audit_head_moves_on BEFORE UPDATE ON audit_head
      WHEN NOT (NEW.id = OLD.id AND NEW.count = OLD.count + 1 AND NEW.seq > OLD.seq)
      BEGIN SELECT RAISE(ABORT, 'the audit head only moves one event on'); END;
    CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
      BEGIN SELECT RAISE(ABORT, 'the audit head is never removed'); END;
  `);
}
