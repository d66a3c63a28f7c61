import { TEST_NOW } from '../helpers/clock.ts';
import { describe, expect, it } from 'vitest';
import { ledgerAccounts, type Change, type ChangeOf } from '../../shared/sync/changes.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { demoCustomer, generateDemo } from '../../shared/demo/generator.ts';
import { pinVerifiers } from '../../shared/node/pin.ts';
import { branchPinKey } from '../../hub/security/pin-keys.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { seedDemoIfEmpty } from '../../hub/demo/seed.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { engines, freshDatabases } from './databases.ts';

const CUSTOMERS = 4;
const demoOptions = {
  seed: demoBranch.seed,
  customers: CUSTOMERS,
  now: TEST_NOW,
  branchId: demoBranch.id,
  currency: demoBranch.currency,
  countryCallingCode: demoBranch.countryCallingCode,
  timeZone: demoBranch.timeZone,
};
/** The generator's own output, without PIN hashing: what the hub must hold after seeding. */
const demoChanges = [...generateDemo(demoOptions, () => 'unhashed')].flat();

async function withBranch(db: HubDb, id: string = demoBranch.id): Promise<void> {
  await db.query(`INSERT INTO branches (id, name, currency, country_calling_code, time_zone) VALUES ($1, 'Branch', 'EUR', '34', 'Europe/Madrid')`, [id]);
}

function firstOf<T extends Change['type']>(type: T): ChangeOf<T> {
  return demoChanges.find((c): c is ChangeOf<T> => c.type === type) as ChangeOf<T>;
}

/** The first customer's reference data: enough for its money facts to land. */
const firstCustomer = (() => {
  const customer = firstOf('customer.upsert');
  const account = demoChanges.find((c): c is ChangeOf<'account.upsert'> => c.type === 'account.upsert' && c.customerId === customer.id) as ChangeOf<'account.upsert'>;
  return { customer, account, payment: demoChanges.find((c): c is ChangeOf<'payment.recorded'> => c.type === 'payment.recorded' && c.accountId === account.id) as ChangeOf<'payment.recorded'> };
})();

async function counts(db: HubDb) {
  const [row] = await db.query(`SELECT (SELECT count(*) FROM journal_entries) AS entries, (SELECT count(*) FROM postings) AS postings,
    (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM changes) AS changes, (SELECT count(*) FROM customers) AS customers`);
  return row;
}

describe.each(engines)('the hub change writer on %s', (engine) => {
  const databases = freshDatabases(engine);

  it('seeds the demo branch with the balances the generator composed, every entry summing to zero', async () => {
    const { db } = await databases.fresh();
    expect(await seedDemoIfEmpty(db, { now: TEST_NOW, customers: CUSTOMERS })).toEqual({ seeded: true });

    const expected = new Map<string, number>();
    for (const c of demoChanges) {
      if (c.type !== 'bill.issued' && c.type !== 'payment.recorded') continue;
      for (const p of c.entry.postings) expected.set(p.ledgerAccount, (expected.get(p.ledgerAccount) ?? 0) + p.amountMinor);
    }
    const balances = await db.query<{ ledger_account: string; balance: number }>(
      'SELECT ledger_account, sum(amount_minor)::bigint AS balance FROM postings GROUP BY ledger_account ORDER BY ledger_account',
    );
    expect(new Map(balances.map((b) => [b.ledger_account, b.balance]))).toEqual(expected);
    expect([...expected.keys()].filter((k) => k.startsWith('receivable:'))).toHaveLength(CUSTOMERS);
    expect(await db.query('SELECT entry_id FROM postings GROUP BY entry_id HAVING sum(amount_minor) <> 0')).toEqual([]);
    expect(await db.query('SELECT sum(amount_minor)::bigint AS total FROM postings')).toEqual([{ total: 0 }]);

    // The README's first customer signs in with the same account number and PIN as on the kiosk.
    const [james] = await db.query<{ pin_hash: string; branch_id: string }>(
      'SELECT c.pin_hash, c.branch_id FROM billing_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.account_no = $1',
      [demoCustomer(demoBranch.seed, 0, demoBranch.countryCallingCode).accountNo],
    );
    expect(james?.branch_id).toBe('MAD-01');
    expect(await pinVerifiers(await branchPinKey(db, 'MAD-01')).verify('1234', james?.pin_hash as string)).toBe(true);

    // Every change is in the feed once, the catalog for every branch, the rest for the branch, in dependency order.
    const feed = await db.query<{ server_seq: number; branch_id: string | null; type: string }>(
      `SELECT server_seq, branch_id, change->>'type' AS type FROM changes ORDER BY server_seq`,
    );
    expect(feed).toHaveLength(demoChanges.length);
    expect(feed[0]).toMatchObject({ branch_id: null, type: 'catalog.published' });
    expect(feed.slice(1).every((f) => f.branch_id === 'MAD-01')).toBe(true);
    expect(feed[1]?.type).toBe('customer.upsert');
    expect(feed.at(-1)?.server_seq).toBe(feed.length);

    expect(await seedDemoIfEmpty(db, { now: TEST_NOW, customers: CUSTOMERS })).toEqual({ seeded: false });
    expect(await db.query('SELECT count(*) AS n FROM changes')).toEqual([{ n: demoChanges.length }]);
   }, 60_000); // scrypt for every PIN, on whatever CPU the run shares

  it('applies a money fact once: the same fact again is a duplicate that writes nothing, to the feed neither', async () => {
    const { db } = await databases.fresh();
    await withBranch(db);
    const writer = new HubChangeWriter(db);
    const { customer, account, payment } = firstCustomer;
    expect(await writer.write([customer, account, payment])).toEqual({ applied: 3, duplicates: 0 });
    const before = await counts(db);
    expect(before).toMatchObject({ entries: 1, postings: 2, payments: 1, changes: 3 });

    expect(await writer.write([customer, account, payment])).toEqual({ applied: 0, duplicates: 3 });
    // Twice in one batch: the second sees the first.
    expect(await writer.write([payment, payment])).toEqual({ applied: 0, duplicates: 2 });
    expect(await counts(db)).toEqual(before);
    const [balance] = await db.query('SELECT sum(amount_minor)::bigint AS b FROM postings WHERE ledger_account = $1', [ledgerAccounts.receivable(account.id)]);
    expect(balance).toEqual({ b: -payment.amountMinor });
  });

  it('refuses the same idempotency key with another payload and writes nothing of the batch', async () => {
    const { db } = await databases.fresh();
    await withBranch(db);
    const writer = new HubChangeWriter(db);
    const { customer, account, payment } = firstCustomer;
    await writer.write([customer, account, payment]);
    const before = await counts(db);

    const renamed = { ...customer, name: 'Someone Else' };
    const tampered: ChangeOf<'payment.recorded'> = {
      ...payment,
      amountMinor: payment.amountMinor + 1,
      entry: {
        ...payment.entry,
        postings: payment.entry.postings.map((p) => ({ ...p, amountMinor: p.amountMinor > 0 ? p.amountMinor + 1 : p.amountMinor - 1 })),
      },
    };
    await expect(writer.write([renamed, tampered])).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(payment.entry.idempotencyKey) });
    expect(await counts(db)).toEqual(before);
    expect(await db.query('SELECT name FROM customers')).toEqual([{ name: customer.name }]);
  });

  it('refuses a batch with an invalid change before writing any of it', async () => {
    const { db } = await databases.fresh();
    await withBranch(db);
    const writer = new HubChangeWriter(db);
    const { customer, account, payment } = firstCustomer;
    const unbalanced = { ...payment, entry: { ...payment.entry, postings: [{ ledgerAccount: 'cash:bank', amountMinor: 1 }, { ledgerAccount: 'x', amountMinor: 0 }] } };
    await expect(writer.write([customer, account, unbalanced])).rejects.toMatchObject({ code: 'VALIDATION', details: { index: 2 } });
    const notCrediting = { ...payment, amountMinor: payment.amountMinor + 100 };
    await expect(writer.write([customer, account, notCrediting])).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('does not credit') });
    expect(await counts(db)).toMatchObject({ customers: 0, changes: 0, entries: 0 });
  });

  it('feeds an upsert again only when it changed something, scoped to the branch of the row it touches', async () => {
    const { db } = await databases.fresh();
    await withBranch(db);
    await withBranch(db, 'BCN-01');
    const writer = new HubChangeWriter(db);
    const { customer, account } = firstCustomer;
    await writer.write([account, customer]);
    expect(await writer.write([{ ...account, creditLimitMinor: account.creditLimitMinor + 5_000 }, account])).toEqual({ applied: 2, duplicates: 0 });
    await writer.write([{ ...customer, branchId: 'BCN-01' }]);
    const feed = await db.query(`SELECT branch_id, change->>'type' AS type, (change->>'creditLimitMinor')::bigint AS limit FROM changes ORDER BY server_seq`);
    expect(feed).toEqual([
      { branch_id: 'MAD-01', type: 'customer.upsert', limit: null },
      { branch_id: 'MAD-01', type: 'account.upsert', limit: account.creditLimitMinor },
      { branch_id: 'MAD-01', type: 'account.upsert', limit: account.creditLimitMinor + 5_000 },
      { branch_id: 'MAD-01', type: 'account.upsert', limit: account.creditLimitMinor },
      { branch_id: 'BCN-01', type: 'customer.upsert', limit: null },
    ]);
  });
});
