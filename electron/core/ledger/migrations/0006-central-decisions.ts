import type { Database } from 'better-sqlite3';

/**
 * Headquarters' answers to what this kiosk asked for (credit.decided, order.decided changes).
 * Kept beside what the kiosk decided on its own, never over it: the row still says what the
 * customer was told at the kiosk, and these columns say what headquarters made of it.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE credit_requests ADD COLUMN central_decision TEXT CHECK (central_decision IN ('approve','refer','decline'));
    ALTER TABLE credit_requests ADD COLUMN central_status TEXT CHECK (central_status IN ('approved','referred','declined'));
    ALTER TABLE credit_requests ADD COLUMN central_limit_minor INTEGER CHECK (central_limit_minor >= 0);
    -- What became of the raise this kiosk granted on its own: agreed, keptForReview or reduced.
    ALTER TABLE credit_requests ADD COLUMN offline_outcome TEXT CHECK (offline_outcome IN ('agreed','keptForReview','reduced'));
    ALTER TABLE credit_requests ADD COLUMN central_reasons TEXT;
    ALTER TABLE credit_requests ADD COLUMN decided_at TEXT;

    ALTER TABLE product_orders ADD COLUMN decision_reasons TEXT;
    ALTER TABLE product_orders ADD COLUMN decided_at TEXT;
  `);
}
