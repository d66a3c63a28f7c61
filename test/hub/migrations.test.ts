import { describe, expect, it } from 'vitest';
import { migrate } from '../../hub/db/migrate.ts';
import { engines, freshDatabases } from './databases.ts';

const ALL = ['0001-central', '0002-push', '0003-operations', '0004-decisions', '0005-tmf', '0006-audit', '0007-staff-decisions', '0008-adjustments', '0009-order-staff-decisions', '0010-tmf-answers', '0011-append-only-money', '0012-branch-keys'];
const tables = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`;

describe.each(engines)('hub migrations on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('creates the central schema on an empty database and does nothing on a second run', async () => {
    const { db } = await databases.fresh({ migrated: false });
    expect(await migrate(db)).toEqual(ALL);
    const names = (await db.query<{ table_name: string }>(tables)).map((r) => r.table_name);
    expect(names).toEqual([
      'adjustments',
      'assist_requests',
      'audit_events',
      'audit_head_reports',
      'bill_run_problems',
      'bill_runs',
      'bill_state_changes',
      'billing_accounts',
      'bills',
      'branch_offline_allowances',
      'branch_pin_keys',
      'branches',
      'catalog_versions',
      'changes',
      'credit_decisions',
      'credit_requests',
      'credit_staff_decisions',
      'customers',
      'device_event_conflicts',
      'device_events',
      'device_watermarks',
      'devices',
      'enrolment_codes',
      'hub_migrations',
      'journal_entries',
      'offline_approvals',
      'order_decisions',
      'order_staff_decisions',
      'payments',
      'postings',
      'product_orders',
      'product_terms',
      'products',
      'suspense_payments',
      'suspense_resolutions',
      'tmf_payment_requests',
      'usage_import_rejects',
      'usage_imports',
      'usage_records',
    ]);
    expect(await migrate(db)).toEqual([]);
    expect((await db.query<{ table_name: string }>(tables)).length).toBe(names.length);
    expect(await db.query('SELECT name FROM hub_migrations ORDER BY name')).toEqual(ALL.map((name) => ({ name })));
  });

  it('applies each migration once when three processes migrate at the same time', async () => {
    const { db, another } = await databases.fresh({ migrated: false });
    const runs = await Promise.all([migrate(db), migrate(another()), migrate(another())]);
    expect(runs.flat().sort()).toEqual(ALL);
  });

  describe('the journal', () => {
    const account = async (db: Awaited<ReturnType<typeof databases.fresh>>['db']) => {
      await db.exec(`
        INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES ('MAD-01', 'Madrid', 'EUR', '34', 'Europe/Madrid');
        INSERT INTO customers (id, branch_id, name, language, pin_hash, created_at) VALUES ('c1', 'MAD-01', 'Ana', 'es', 'x', now());
        INSERT INTO billing_accounts (id, account_no, customer_id, currency, bill_cycle_day, credit_limit_minor, opened_on)
          VALUES ('a1', '4000000002', 'c1', 'EUR', 1, 10000, '2026-01-01');`);
    };
    const entry = (key: string) => `INSERT INTO journal_entries (id, idempotency_key, payload_hash, entry_type, account_id, currency, occurred_at, origin)
      VALUES ('${key}', '${key}', 'h', 'payment', 'a1', 'EUR', now(), 'test')`;

    it('refuses, at commit, an entry whose postings do not sum to zero, and keeps nothing of it', async () => {
      const { db } = await databases.fresh();
      await account(db);
      await expect(
        db.transaction(async (tx) => {
          await tx.query(entry('e1'));
          await tx.query(`INSERT INTO postings (entry_id, ledger_account, amount_minor, currency) VALUES ('e1', 'cash:kiosk', 500, 'EUR'), ('e1', 'receivable:a1', -499, 'EUR')`);
        }),
      ).rejects.toThrow(/does not balance/);
      await expect(db.transaction((tx) => tx.query(entry('e2')))).rejects.toThrow(/does not balance/);
      expect(await db.query('SELECT id FROM journal_entries')).toEqual([]);

      await db.transaction(async (tx) => {
        await tx.query(entry('e3'));
        await tx.query(`INSERT INTO postings (entry_id, ledger_account, amount_minor, currency) VALUES ('e3', 'cash:kiosk', 500, 'EUR'), ('e3', 'receivable:a1', -500, 'EUR')`);
      });
      expect(await db.query('SELECT id FROM journal_entries')).toEqual([{ id: 'e3' }]);
      // A posting added later to a balanced entry unbalances it: refused too.
      await expect(db.query(`INSERT INTO postings (entry_id, ledger_account, amount_minor, currency) VALUES ('e3', 'cash:kiosk', 1, 'EUR')`)).rejects.toThrow(/does not balance/);
      await expect(db.query(`UPDATE postings SET amount_minor = 0`)).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM journal_entries`)).rejects.toThrow(/append-only/);
    });
  });
});
