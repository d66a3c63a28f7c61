import type { HubQueryable } from '../hub-db.ts';

/**
 * A TMF payment request keeps the answer it was given, written in the transaction that recorded
 * the payment: a retry under the same correlatorId gets that answer back, even when reading the
 * payment again would fail or say something newer. Rows from before this migration have none.
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`ALTER TABLE tmf_payment_requests ADD COLUMN answer JSONB`);
}
