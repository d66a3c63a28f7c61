import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generateDemo, type DemoOptions } from '../shared/demo/generator.ts';
import { openLedger, openLedgerFile } from '../electron/core/ledger/db.ts';
import { BENCH_LEDGER_KEY } from './ledger-key.ts';
import { ChangeApplier } from '../electron/core/ledger/apply-changes.ts';
import { BillingReader } from '../electron/core/ledger/billing-reader.ts';
import { AccountHistory } from '../electron/core/ledger/account-history.ts';
import { CycleUsage } from '../electron/core/services/cycle-usage.ts';
import { AccountOverviewQuery } from '../electron/core/services/account-overview.ts';
import { compare, report, timePair } from './stats.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 50_000);
const CALLS = 10_000;
const AS_OF = '2026-11-26';

/** What the cached ledger's data was made by: a change to the demo or the engine rebuilds it (schema changes migrate it on open). */
function sourceFingerprint(): string {
  const hash = createHash('sha256');
  for (const dir of ['shared/demo', 'shared/billing']) {
    for (const name of readdirSync(dir).sort()) hash.update(name).update(readFileSync(path.join(dir, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

/** The demo branch scaled up, built once and kept in bench/.cache (a fixed seed and date make it reusable). */
async function scaledLedger(): Promise<string> {
  const dir = path.resolve('bench/.cache');
  const file = path.join(dir, `overview-${ACCOUNTS}-${sourceFingerprint()}.sqlite`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const building = `${file}.building`;
  rmSync(building, { force: true });
  const db = await openLedger(building, BENCH_LEDGER_KEY);
  const options: DemoOptions = { seed: 1, customers: ACCOUNTS, now: new Date(`${AS_OF}T10:00:00.000Z`), branchId: 'MAD-01', currency: 'EUR', countryCallingCode: '34', timeZone: 'Europe/Madrid', usageDaysPerRecord: 7 };
  const applier = new ChangeApplier(db);
  const started = Date.now();
  // PIN hashing is not what this measures: one precomputed hash stands in for all.
  for (const batch of generateDemo(options, () => 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 500)) applier.apply(batch);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(building, file);
  console.log(`  built ${ACCOUNTS} accounts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

export async function overviewBench(): Promise<void> {
  const file = await scaledLedger();
  const db = await openLedger(file, BENCH_LEDGER_KEY);
  const ids = db.prepare('SELECT id FROM billing_accounts').pluck().all() as string[];
  // Same pseudo-random accounts for figure and baseline.
  const picks = Array.from({ length: CALLS }, (_, i) => ids[(i * 7_919 + 13) % ids.length] as string);
  const query = new AccountOverviewQuery(db, new BillingReader(db), new CycleUsage(new BillingReader(db), 'Europe/Madrid'), new AccountHistory(db));
  const raw = openLedgerFile(file, BENCH_LEDGER_KEY, { readonly: true }).prepare('SELECT * FROM billing_accounts WHERE id = ?');

  timePair(picks.slice(0, 1000), (id) => query.get(id, AS_OF), (id) => raw.get(id)); // warm-up
  const { figure, baseline } = timePair(picks, (id) => query.get(id, AS_OF), (id) => raw.get(id));
  report(
    compare('account-overview', figure, 'raw better-sqlite3 point select (billing_accounts by id)', baseline, 'p99 within 5× of the raw select', {
      accounts: ids.length,
      calls: CALLS,
    }),
  );
  db.close();
}
