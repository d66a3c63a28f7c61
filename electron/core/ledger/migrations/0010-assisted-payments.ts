import type { Database } from 'better-sqlite3';

/**
 * A payment made in assist mode remembers the member of staff (their id goes on the receipt and
 * they are the audit event's actor); cash taken by staff at the counter goes to the counter's cash,
 * not the kiosk's cash box, and never waits on a device.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE payment_intents ADD COLUMN staff_id TEXT;
    ALTER TABLE payment_intents ADD COLUMN staff_role TEXT CHECK (staff_role IN ('agent','supervisor'));
    ALTER TABLE payment_intents ADD COLUMN at_counter INTEGER NOT NULL DEFAULT 0 CHECK (at_counter IN (0,1));
  `);
}
