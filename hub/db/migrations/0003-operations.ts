import type { HubQueryable } from '../hub-db.ts';

/**
 * Headquarters operations: usage imports from mediation files (and every row they refused, kept
 * apart with its line, never dropped) and bill runs (with every account they could not bill and
 * every usage record the engine refused at billing time). The facts themselves (usage, bills,
 * journal entries) stay in the central ledger tables; these tables say what each operation did.
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    -- One row per import of a CSV file; counts are filled in as its batches commit.
    CREATE TABLE usage_imports (
      id           TEXT PRIMARY KEY,
      file_name    TEXT NOT NULL,
      -- SHA-256 of the bytes read, so the same file imported again can be recognised.
      file_sha256  TEXT CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
      started_at   TIMESTAMPTZ NOT NULL,
      finished_at  TIMESTAMPTZ,
      status       TEXT NOT NULL CHECK (status IN ('running','done','failed')),
      rows_read    INTEGER NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
      imported     INTEGER NOT NULL DEFAULT 0 CHECK (imported >= 0),
      already_had  INTEGER NOT NULL DEFAULT 0 CHECK (already_had >= 0),
      rejected     INTEGER NOT NULL DEFAULT 0 CHECK (rejected >= 0),
      error        TEXT
    );
    CREATE INDEX usage_imports_started ON usage_imports(started_at);

    -- A row of an import that did not become usage: where it was, what it said, and why.
    CREATE TABLE usage_import_rejects (
      import_id TEXT NOT NULL REFERENCES usage_imports(id),
      line_no   INTEGER NOT NULL CHECK (line_no > 0),
      file_name TEXT NOT NULL,
      usage_id  TEXT,
      code      TEXT NOT NULL,
      reason    TEXT NOT NULL,
      raw_line  TEXT NOT NULL,
      PRIMARY KEY (import_id, line_no)
    );
    CREATE INDEX usage_import_rejects_usage ON usage_import_rejects(usage_id) WHERE usage_id IS NOT NULL;

    -- One row per bill run of a cycle (the month the usage periods end in); counts grow per batch.
    CREATE TABLE bill_runs (
      id             TEXT PRIMARY KEY,
      cycle          TEXT NOT NULL CHECK (cycle ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      started_at     TIMESTAMPTZ NOT NULL,
      finished_at    TIMESTAMPTZ,
      status         TEXT NOT NULL CHECK (status IN ('running','done','failed','interrupted')),
      accounts       INTEGER NOT NULL DEFAULT 0 CHECK (accounts >= 0),
      billed         INTEGER NOT NULL DEFAULT 0 CHECK (billed >= 0),
      already_billed INTEGER NOT NULL DEFAULT 0 CHECK (already_billed >= 0),
      not_due        INTEGER NOT NULL DEFAULT 0 CHECK (not_due >= 0),
      skipped        INTEGER NOT NULL DEFAULT 0 CHECK (skipped >= 0),
      failed         INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
      usage_billed   INTEGER NOT NULL DEFAULT 0 CHECK (usage_billed >= 0),
      usage_refused  INTEGER NOT NULL DEFAULT 0 CHECK (usage_refused >= 0),
      -- Σ taxIncludedAmount of the bills this run issued, per currency: {"EUR": 123456}.
      totals         JSONB NOT NULL DEFAULT '{}',
      error          TEXT
    );
    CREATE INDEX bill_runs_cycle ON bill_runs(cycle, started_at);

    -- What a bill run could not do: an account it could not bill (usage_id NULL), or a usage
    -- record the engine refused (it stays unbilled, status 'received', for staff to look at).
    CREATE TABLE bill_run_problems (
      run_id     TEXT NOT NULL REFERENCES bill_runs(id),
      seq        INTEGER NOT NULL,
      account_id TEXT NOT NULL,
      usage_id   TEXT,
      code       TEXT NOT NULL,
      reason     TEXT NOT NULL,
      PRIMARY KEY (run_id, seq)
    );
  `);
}
