import type { Database } from 'better-sqlite3';

/** Product orders (TMF622) placed at the kiosk: recorded with their preview, sent to headquarters to fulfil. */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE product_orders (
      id          TEXT PRIMARY KEY,
      account_id  TEXT NOT NULL REFERENCES billing_accounts(id),
      action      TEXT NOT NULL,
      state       TEXT NOT NULL CHECK (state IN ('acknowledged','held','inProgress','completed','failed','cancelled')),
      preview     TEXT NOT NULL,
      created_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX product_orders_account ON product_orders(account_id, created_at);
  `);
}
