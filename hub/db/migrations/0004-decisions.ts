import type { HubQueryable } from '../hub-db.ts';

/**
 * Headquarters deciding what kiosks ask for and resolving what they could not place (docs/architecture.md §4):
 * the central decision on each credit request and order, each branch's offline allowance and
 * every offline approval counted against it, and the audit trail of suspense resolutions.
 *
 * Decisions, allowance use and resolutions are append-only (refuse_change from 0001): a later
 * staff decision is a new row elsewhere, never an edit. A suspense payment's own row may only
 * move once from open to resolved, filling its resolution columns.
 */
export async function up(tx: HubQueryable): Promise<void> {
  await tx.exec(`
    -- The risk engine's decision on a credit request over the central ledger, and the outcome:
    -- the limit in force afterwards (the account's credit_limit_minor was set to it in the same
    -- transaction). engine_limit_minor: what the engine approved (NULL on refer/decline).
    CREATE TABLE credit_decisions (
      request_id           TEXT PRIMARY KEY REFERENCES credit_requests(id),
      account_id           TEXT NOT NULL,
      decision             TEXT NOT NULL CHECK (decision IN ('approve','refer','decline')),
      status               TEXT NOT NULL CHECK (status IN ('approved','referred','declined')),
      previous_limit_minor BIGINT NOT NULL CHECK (previous_limit_minor >= 0),
      engine_limit_minor   BIGINT CHECK (engine_limit_minor >= 0),
      decided_limit_minor  BIGINT NOT NULL CHECK (decided_limit_minor >= 0),
      score                INTEGER,
      band                 TEXT,
      reasons              JSONB NOT NULL,
      decided_at           TIMESTAMPTZ NOT NULL,
      decided_by           TEXT NOT NULL
    );
    CREATE INDEX credit_decisions_referred ON credit_decisions(decided_at) WHERE status = 'referred';

    -- How far a branch's kiosks may raise credit limits on their own (like a card terminal's floor
    -- limit): per request, and in total per day (the branch's calendar day). A branch without a
    -- row has the defaults in hub/decisions/allowance.ts.
    CREATE TABLE branch_offline_allowances (
      branch_id         TEXT PRIMARY KEY REFERENCES branches(id),
      per_request_minor BIGINT NOT NULL CHECK (per_request_minor >= 0),
      per_day_minor     BIGINT NOT NULL CHECK (per_day_minor >= 0),
      updated_at        TIMESTAMPTZ NOT NULL
    );

    -- Allowance use: every raise a kiosk granted on its own, counted against its branch's allowance
    -- on the day the kiosk granted it, with what the allowance was, what the branch had used that
    -- day before it, and how headquarters reconciled it (hub/decisions/credit.ts).
    CREATE TABLE offline_approvals (
      -- Written under the feed's lock (as part of a push), so this is the order they were counted in.
      seq                  BIGSERIAL UNIQUE,
      request_id           TEXT PRIMARY KEY REFERENCES credit_decisions(request_id),
      branch_id            TEXT NOT NULL REFERENCES branches(id),
      device_id            TEXT NOT NULL,
      account_id           TEXT NOT NULL,
      business_day         DATE NOT NULL,
      previous_limit_minor BIGINT NOT NULL,
      granted_limit_minor  BIGINT NOT NULL,
      amount_minor         BIGINT NOT NULL CHECK (amount_minor > 0),
      per_request_minor    BIGINT NOT NULL,
      per_day_minor        BIGINT NOT NULL,
      used_before_minor    BIGINT NOT NULL CHECK (used_before_minor >= 0),
      within_allowance     BOOLEAN NOT NULL,
      engine_agrees        BOOLEAN NOT NULL,
      outcome              TEXT NOT NULL CHECK (outcome IN ('agreed','keptForReview','reduced')),
      central_limit_minor  BIGINT NOT NULL,
      recorded_at          TIMESTAMPTZ NOT NULL,
      CHECK ((outcome = 'agreed') = engine_agrees),
      CHECK (outcome <> 'keptForReview' OR within_allowance),
      CHECK (outcome <> 'reduced' OR NOT within_allowance)
    );
    CREATE INDEX offline_approvals_branch_day ON offline_approvals(branch_id, business_day);

    -- The central decision on a product order and the state it left it in; products it changed
    -- were written (and fed to the branch) in the same transaction.
    CREATE TABLE order_decisions (
      order_id    TEXT PRIMARY KEY REFERENCES product_orders(id),
      account_id  TEXT NOT NULL,
      decision    TEXT NOT NULL CHECK (decision IN ('eligible','refer','decline','invalid')),
      state       TEXT NOT NULL CHECK (state IN ('completed','failed','held','inProgress')),
      reasons     JSONB NOT NULL,
      product_ids JSONB NOT NULL,
      decided_at  TIMESTAMPTZ NOT NULL
    );

    -- The audit trail of suspense: who resolved which held payment, when, how and why. One row per
    -- payment (the primary key makes a second resolution impossible). An applied payment names the
    -- account and the journal entry then written; a refund posts nothing (the money never reached
    -- the ledger: see hub/decisions/suspense.ts).
    CREATE TABLE suspense_resolutions (
      payment_id         TEXT PRIMARY KEY REFERENCES suspense_payments(payment_id),
      action             TEXT NOT NULL CHECK (action IN ('applied','refunded')),
      account_id         TEXT REFERENCES billing_accounts(id),
      applied_payment_id TEXT REFERENCES payments(id),
      entry_id           TEXT REFERENCES journal_entries(id),
      amount_minor       BIGINT NOT NULL CHECK (amount_minor > 0),
      currency           TEXT NOT NULL,
      resolved_by        TEXT NOT NULL CHECK (length(btrim(resolved_by)) > 0),
      note               TEXT NOT NULL CHECK (length(btrim(note)) > 0),
      resolved_at        TIMESTAMPTZ NOT NULL,
      CHECK ((action = 'applied') = (account_id IS NOT NULL AND applied_payment_id IS NOT NULL AND entry_id IS NOT NULL))
    );

    CREATE TRIGGER credit_decisions_append_only BEFORE UPDATE OR DELETE ON credit_decisions
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER offline_approvals_append_only BEFORE UPDATE OR DELETE ON offline_approvals
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER order_decisions_append_only BEFORE UPDATE OR DELETE ON order_decisions
      FOR EACH ROW EXECUTE FUNCTION refuse_change();
    CREATE TRIGGER suspense_resolutions_append_only BEFORE UPDATE OR DELETE ON suspense_resolutions
      FOR EACH ROW EXECUTE FUNCTION refuse_change();

    -- A held payment is never deleted, and its row changes once: from open to resolved, filling
    -- the resolution columns and nothing else.
    CREATE FUNCTION suspense_resolves_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' OR OLD.status <> 'open' OR NEW.status = 'open'
         OR (OLD.payment_id, OLD.idempotency_key, OLD.payload_hash, OLD.account_id, OLD.amount_minor, OLD.currency,
             OLD.branch_id, OLD.device_id, OLD.device_seq, OLD.fact, OLD.received_at)
            IS DISTINCT FROM
            (NEW.payment_id, NEW.idempotency_key, NEW.payload_hash, NEW.account_id, NEW.amount_minor, NEW.currency,
             NEW.branch_id, NEW.device_id, NEW.device_seq, NEW.fact, NEW.received_at) THEN
        RAISE EXCEPTION 'suspense payment % is resolved once, from open, and its fact never changes', OLD.payment_id
          USING ERRCODE = 'restrict_violation';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER suspense_payments_resolve_once BEFORE UPDATE OR DELETE ON suspense_payments
      FOR EACH ROW EXECUTE FUNCTION suspense_resolves_once();
  `);
}
