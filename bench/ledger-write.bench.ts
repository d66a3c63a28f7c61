import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLedger } from '../electron/core/ledger/db.ts';
import { BENCH_LEDGER_KEY } from './ledger-key.ts';
import { ChangeApplier } from '../electron/core/ledger/apply-changes.ts';
import { LocalFacts } from '../electron/core/ledger/local-facts.ts';
import { demoCatalog } from '../shared/demo/generator.ts';
import type { ChangeOf } from '../shared/sync/changes.ts';
import { compare, report, timePair } from './stats.ts';

const WRITES = 2_000;

function payment(i: number): ChangeOf<'payment.recorded'> {
  const id = `bench-payment-${i}`;
  return {
    type: 'payment.recorded',
    id,
    accountId: 'a1',
    currency: 'EUR',
    amountMinor: 1_000 + i,
    paymentMethod: 'card',
    channel: 'kiosk',
    pointOfInteraction: 'KIOSK-001',
    authorizationCode: '123456',
    correlatorId: id,
    targetBillNo: null,
    entry: {
      id: `bench-entry-${i}`,
      idempotencyKey: `payment:${id}`,
      entryType: 'payment',
      accountId: 'a1',
      currency: 'EUR',
      occurredAt: new Date().toISOString(),
      origin: 'KIOSK-001',
      postings: [
        { ledgerAccount: 'cash:kiosk', amountMinor: 1_000 + i },
        { ledgerAccount: 'receivable:a1', amountMinor: -(1_000 + i) },
      ],
    },
  };
}

/** A payment-shaped write (fact + postings + outbox, one transaction, synchronous=FULL) beside a raw insert+commit. */
export async function ledgerWriteBench(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ledger-'));
  const db = await openLedger(path.join(dir, 'ledger.sqlite'), BENCH_LEDGER_KEY);
  const applier = new ChangeApplier(db);
  applier.apply([
    { type: 'catalog.published', catalog: demoCatalog('EUR').catalog },
    { type: 'customer.upsert', id: 'c1', branchId: 'MAD-01', name: 'Bench', email: null, phone: null, language: 'en', pinHash: 'x', createdAt: '2026-01-01T00:00:00.000Z' },
    { type: 'account.upsert', id: 'a1', accountNo: '4000000002', customerId: 'c1', currency: 'EUR', billCycleDay: 1, creditLimitMinor: 0, openedOn: '2026-01-01' },
  ]);
  const facts = new LocalFacts(db, applier);

  // Baseline: the same database file and pragmas, one row, autocommit.
  db.exec('CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
  const rawInsert = db.prepare('INSERT INTO bench_raw (payload) VALUES (?)');
  const payments = Array.from({ length: WRITES + 200 }, (_, i) => payment(i));
  const RECORDED_AT = new Date();
  timePair(payments.slice(0, 200), (p) => facts.record(p, RECORDED_AT), (p) => rawInsert.run(p.id)); // warm-up
  const { figure, baseline } = timePair(payments.slice(200), (p) => facts.record(p, RECORDED_AT), (p) => rawInsert.run(p.id));
  report(
    compare('ledger-payment-write', figure, 'raw single-row INSERT + commit (same file, WAL, synchronous=FULL)', baseline, 'within 1.5× of the raw commit', {
      writes: WRITES,
      synchronous: db.pragma('synchronous', { simple: true }),
      journal_mode: db.pragma('journal_mode', { simple: true }),
    }),
  );
  db.close();
}
