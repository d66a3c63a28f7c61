import type { Database } from 'better-sqlite3';

/** A referred (held) order decided by staff at the kiosk: who, confirmed by whom (dual control), why, when. */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE product_orders ADD COLUMN staff_decision TEXT CHECK (staff_decision IN ('approve','decline'));
    ALTER TABLE product_orders ADD COLUMN staff_id TEXT;
    ALTER TABLE product_orders ADD COLUMN staff_approved_by TEXT;
    ALTER TABLE product_orders ADD COLUMN staff_reason TEXT;
    ALTER TABLE product_orders ADD COLUMN staff_decided_at TEXT;
  `);
}
