import type { Database } from 'better-sqlite3';

/**
 * What customers ask for at the kiosk: credit-limit requests and calls for staff. Each row
 * commits with its outbox row, so headquarters (and assist mode) see every one exactly once.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE credit_requests (
      id                   TEXT PRIMARY KEY,
      account_id           TEXT NOT NULL REFERENCES billing_accounts(id),
      previous_limit_minor INTEGER NOT NULL,
      requested_limit_minor INTEGER NOT NULL CHECK (requested_limit_minor > 0),
      decision             TEXT NOT NULL CHECK (decision IN ('approve','refer','decline')),
      granted_limit_minor  INTEGER NOT NULL,
      referred_minor       INTEGER NOT NULL CHECK (referred_minor >= 0),
      -- 'open' while staff or headquarters still have to decide the referred part.
      status               TEXT NOT NULL CHECK (status IN ('decided','open','closed')),
      score                INTEGER NOT NULL,
      band                 TEXT NOT NULL,
      reasons              TEXT NOT NULL,
      created_at           TEXT NOT NULL
    ) STRICT;
    CREATE INDEX credit_requests_account ON credit_requests(account_id, created_at);

    CREATE TABLE assist_requests (
      id          TEXT PRIMARY KEY,
      account_id  TEXT REFERENCES billing_accounts(id),
      screen      TEXT NOT NULL,
      status      TEXT NOT NULL CHECK (status IN ('open','closed')),
      created_at  TEXT NOT NULL,
      closed_at   TEXT
    ) STRICT;
    CREATE INDEX assist_requests_open ON assist_requests(status, created_at);
  `);
}
