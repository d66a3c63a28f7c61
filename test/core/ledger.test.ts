import { TEST_LEDGER_KEY } from '../helpers/ledger-file.ts';
import { TEST_NOW } from '../helpers/clock.ts';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { openLedger } from '../../electron/core/ledger/db.ts';
import { migrate } from '../../electron/core/ledger/migrate.ts';
import { migrations } from '../../electron/core/ledger/migrations/index.ts';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { demoCatalog } from '../../shared/demo/generator.ts';
import type { Change, ChangeOf } from '../../shared/sync/changes.ts';

const tmpFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'ledger-')), 'ledger.sqlite');

async function ledgerWithAccount() {
  const db = await openLedger(tmpFile(), TEST_LEDGER_KEY);
  const applier = new ChangeApplier(db);
  applier.apply([
    { type: 'catalog.published', catalog: demoCatalog('EUR').catalog },
    { type: 'customer.upsert', id: 'c1', branchId: 'MAD-01', name: 'Ana', email: null, phone: null, language: 'es', pinHash: 'x', createdAt: '2026-01-01T00:00:00.000Z' },
    { type: 'account.upsert', id: 'a1', accountNo: '4000000002', customerId: 'c1', currency: 'EUR', billCycleDay: 1, creditLimitMinor: 30000, openedOn: '2026-01-01' },
  ]);
  return { db, applier };
}

const payment = (id: string, amountMinor: number): ChangeOf<'payment.recorded'> => ({
  type: 'payment.recorded',
  id,
  accountId: 'a1',
  currency: 'EUR',
  amountMinor,
  paymentMethod: 'card',
  channel: 'kiosk',
  pointOfInteraction: 'KIOSK-001',
  authorizationCode: '123456',
  correlatorId: null,
  targetBillNo: null,
  entry: {
    id: `e-${id}`,
    idempotencyKey: `payment:${id}`,
    entryType: 'payment',
    accountId: 'a1',
    currency: 'EUR',
    occurredAt: '2026-11-20T10:00:00.000Z',
    origin: 'KIOSK-001',
    postings: [
      { ledgerAccount: 'cash:kiosk', amountMinor },
      { ledgerAccount: 'receivable:a1', amountMinor: -amountMinor },
    ],
  },
});

const balance = (db: Awaited<ReturnType<typeof openLedger>>) =>
  db.prepare(`SELECT COALESCE(SUM(amount_minor),0) FROM postings WHERE ledger_account = 'receivable:a1'`).pluck().get();

describe('ledger', () => {
  it('runs in WAL mode with synchronous=FULL and foreign keys on', async () => {
    const db = await openLedger(tmpFile(), TEST_LEDGER_KEY);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('encrypts a ledger from before the ledger was encrypted, in place, keeping what it holds', async () => {
    const file = tmpFile();
    const plain = new BetterSqlite3(file);
    plain.pragma('journal_mode = WAL');
    plain.exec(`CREATE TABLE notes_from_before (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO notes_from_before VALUES ('kept', 'Ana Pérez')`);
    plain.close();
    const db = await openLedger(file, TEST_LEDGER_KEY);
    expect(db.prepare(`SELECT value FROM notes_from_before WHERE key = 'kept'`).pluck().get()).toBe('Ana Pérez');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(readFileSync(file).includes('Ana P')).toBe(false);
    expect(() => new BetterSqlite3(file).prepare('SELECT 1 FROM notes_from_before').get()).toThrow(expect.objectContaining({ code: 'SQLITE_NOTADB' }));
  });

  it('applies migrations once and records them', async () => {
    const file = tmpFile();
    const db = await openLedger(file, TEST_LEDGER_KEY);
    expect(db.prepare('SELECT name FROM schema_migrations').pluck().all()).toEqual(migrations.map((m) => m.name));
    expect(await migrate(db)).toEqual([]);
  });

  it('a migration that fails leaves nothing behind', async () => {
    const db = await openLedger(tmpFile(), TEST_LEDGER_KEY);
    const broken = { name: '0099-broken', up: (d: typeof db) => d.exec('CREATE TABLE half_done (x); SELECT * FROM no_such_table;') };
    await expect(migrate(db, [...migrations, broken])).rejects.toThrow(/no_such_table/);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'half_done'`).pluck().get()).toBe(0);
    expect(db.prepare('SELECT name FROM schema_migrations').pluck().all()).toEqual(migrations.map((m) => m.name));
  });

  it('derives the balance from postings and ignores a repeated fact', async () => {
    const { db, applier } = await ledgerWithAccount();
    expect(applier.apply([payment('p1', 2500)])).toEqual({ applied: 1, duplicates: 0 });
    expect(applier.apply([payment('p1', 2500)])).toEqual({ applied: 0, duplicates: 1 });
    expect(balance(db)).toBe(-2500);
    expect(db.prepare('SELECT count(*) FROM payments').pluck().get()).toBe(1);
  });

  it('refuses the same idempotency key with a different payload', async () => {
    const { db, applier } = await ledgerWithAccount();
    applier.apply([payment('p1', 2500)]);
    expect(() => applier.apply([payment('p1', 9999)])).toThrow(/already recorded/);
    expect(balance(db)).toBe(-2500);
  });

  it('rejects unbalanced postings and leaves the whole batch unapplied', async () => {
    const { db, applier } = await ledgerWithAccount();
    const unbalanced = payment('p2', 1000) as Extract<Change, { type: 'payment.recorded' }>;
    unbalanced.entry.postings[0]!.amountMinor = 999;
    expect(() => applier.apply([payment('p1', 500), unbalanced])).toThrow(/sum to zero/);
    expect(balance(db)).toBe(0);
  });

  it('rejects a payment whose entry does not credit its amount', async () => {
    const { applier } = await ledgerWithAccount();
    const wrong = payment('p3', 1000) as Extract<Change, { type: 'payment.recorded' }>;
    wrong.amountMinor = 2000;
    expect(() => applier.apply([wrong])).toThrow(/does not credit/);
  });

  it('is append-only: postings and entries cannot be updated or deleted', async () => {
    const { db, applier } = await ledgerWithAccount();
    applier.apply([payment('p1', 2500)]);
    expect(() => db.prepare('UPDATE postings SET amount_minor = 0').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM postings').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM journal_entries').run()).toThrow(/append-only/);
    expect(balance(db)).toBe(-2500);
  });
});

describe('local facts', () => {
  it('commit with their outbox row, numbered without gaps, once', async () => {
    const { LocalFacts } = await import('../../electron/core/ledger/local-facts.ts');
    const { db, applier } = await ledgerWithAccount();
    const facts = new LocalFacts(db, applier);
    facts.record(payment('p1', 100), TEST_NOW);
    facts.record(payment('p1', 100), TEST_NOW);
    expect(() => facts.record(payment('p2', -5), TEST_NOW)).toThrow();
    facts.record(payment('p3', 300), TEST_NOW);
    expect(db.prepare('SELECT device_seq, event_id FROM outbox ORDER BY device_seq').all()).toEqual([
      { device_seq: 1, event_id: 'p1' },
      { device_seq: 2, event_id: 'p3' },
    ]);
    expect(balance(db)).toBe(-400);
  });
});
