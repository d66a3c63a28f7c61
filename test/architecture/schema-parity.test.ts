import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../electron/core/ledger/db.ts';
import { openLedger } from '../../electron/core/ledger/db.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { migrate } from '../../hub/db/migrate.ts';
import { createPglite, pgliteHubDb } from '../../hub/db/pglite.ts';
import { TEST_LEDGER_KEY } from '../helpers/ledger-file.ts';

/**
 * The kiosk's ledger (SQLite) and the hub's (PostgreSQL) are written in two dialects but replicate
 * the same facts: the tables both hold have the same columns, of the same kind, and accept the
 * same values wherever a column is an enumeration. A migration that changes one side alone fails
 * here; the differences that are meant are listed, each with why.
 */
const replicated = ['customers', 'billing_accounts', 'products', 'product_terms', 'usage_records', 'journal_entries', 'postings', 'bills', 'payments', 'adjustments', 'catalog_versions'] as const;

const meant: Record<string, { kioskOnly?: string[]; hubOnly?: string[]; why: string }> = {
  catalog_versions: { kioskOnly: ['applied_at'], hubOnly: ['document_hash', 'published_at'], why: 'the hub publishes catalogues (and hashes them to know one again); a kiosk records when it applied one' },
  products: { hubOnly: ['change_hash'], why: 'the hub emits a product change only when its content changed' },
  adjustments: { kioskOnly: ['balance_after_minor'], why: 'the answer the kiosk gave staff (the balance after), kept so a retried request gets it again; the hub reads balances from postings' },
};

type Kind = 'integer' | 'text';
interface Column {
  kind: Kind;
  /** The values a CHECK (col IN (…)) allows, sorted; null when the column is not an enumeration. */
  values: string[] | null;
}

const sqliteKind = (type: string): Kind => (type.toUpperCase() === 'INTEGER' ? 'integer' : 'text');
const pgKind = (type: string): Kind => (['integer', 'bigint', 'smallint', 'boolean'].includes(type) ? 'integer' : 'text');

function kioskColumns(db: Database, table: string): Map<string, Column> {
  const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(table) as string;
  const enums = new Map([...sql.matchAll(/CHECK \((\w+) IN \(([^)]*)\)\)/g)].map((m) => [m[1] as string, [...(m[2] as string).matchAll(/'([^']*)'/g)].map((v) => v[1] as string).sort()]));
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; type: string }[];
  return new Map(columns.map((c) => [c.name, { kind: sqliteKind(c.type), values: enums.get(c.name) ?? null }]));
}

async function hubColumns(db: HubDb, table: string): Promise<Map<string, Column>> {
  const columns = await db.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  const checks = await db.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'c' AND conrelid = $1::regclass`, [table]);
  const enums = new Map(
    checks.flatMap(({ def }) => {
      const m = /^CHECK \(\((\w+) = ANY \(ARRAY\[(.*)\]\)\)\)$/.exec(def);
      return m ? [[m[1] as string, [...(m[2] as string).matchAll(/'([^']*)'::text/g)].map((v) => v[1] as string).sort()] as const] : [];
    }),
  );
  return new Map(columns.map((c) => [c.column_name, { kind: pgKind(c.data_type), values: enums.get(c.column_name) ?? null }]));
}

let kiosk: Database;
let hub: HubDb;

beforeAll(async () => {
  kiosk = await openLedger(path.join(mkdtempSync(path.join(os.tmpdir(), 'schema-parity-')), 'ledger.sqlite'), TEST_LEDGER_KEY);
  hub = pgliteHubDb(await createPglite());
  await migrate(hub);
}, 60_000);
afterAll(async () => {
  kiosk.close();
  await hub.close();
});

describe('the kiosk ledger and the hub ledger', () => {
  it.each(replicated)('hold %s alike: the same columns (but those meant), of the same kind, with the same allowed values', async (table) => {
    const k = kioskColumns(kiosk, table);
    const h = await hubColumns(hub, table);
    const only = (a: Map<string, Column>, b: Map<string, Column>) => [...a.keys()].filter((c) => !b.has(c)).sort();
    expect({ kioskOnly: only(k, h), hubOnly: only(h, k) }).toEqual({ kioskOnly: meant[table]?.kioskOnly ?? [], hubOnly: meant[table]?.hubOnly ?? [] });
    const both = [...k.keys()].filter((c) => h.has(c));
    expect(Object.fromEntries(both.map((c) => [c, h.get(c)]))).toEqual(Object.fromEntries(both.map((c) => [c, k.get(c)])));
  });

  it('the check reads enumerations on both sides (it would see a value added to one)', async () => {
    expect(kioskColumns(kiosk, 'bills').get('state')?.values).toEqual(['new', 'onHold', 'sent', 'validated']);
    expect((await hubColumns(hub, 'payments')).get('status')?.values).toEqual(['authorized', 'canceled', 'captured', 'denied', 'done', 'failed', 'pendingAuthorization']);
  });
});
