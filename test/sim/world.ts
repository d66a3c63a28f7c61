import { fileKeyStore, keyDirFor } from '../../electron/core/security/key-store.ts';
import { keyLegacyVerifier } from '../../shared/node/pin.ts';
import { kioskKeys } from '../helpers/ledger-file.ts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scryptSync } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type { CalendarDate } from '../../shared/calendar.ts';
import type { Change, ChangeOf } from '../../shared/sync/changes.ts';
import { demoBranch } from '../../shared/demo/branch.ts';
import { demoCustomer, generateDemo } from '../../shared/demo/generator.ts';
import type { HubDb } from '../../hub/db/hub-db.ts';
import { migrate } from '../../hub/db/migrate.ts';
import { createPglite, pgliteHubDb } from '../../hub/db/pglite.ts';
import { HubChangeWriter } from '../../hub/ledger/change-writer.ts';
import { LEDGER_FILE } from '../../electron/core/kiosk-core.ts';
import { ChangeApplier } from '../../electron/core/ledger/apply-changes.ts';
import { openLedger } from '../../electron/core/ledger/db.ts';
import { PullApplier } from '../../electron/core/sync/pull-applier.ts';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../shared/sync/protocol.ts';
import { startTestCore } from '../helpers/demo-ledger.ts';

/** The branch the simulated kiosks serve, and another one whose data must never reach them. */
export const BRANCH = demoBranch.id;
export const OTHER_BRANCH = 'BCN-02';
/** The day the world's history ends on; virtual time starts that morning. */
export const AS_OF: CalendarDate = '2026-11-20';
export const EPOCH_MS = Date.parse(`${AS_OF}T08:00:00.000Z`);

/** Customers of the branch (showcase ones: overdue, in credit, paid up…) plus one moved to the other branch. */
const CUSTOMERS = 4;

export interface SimCustomer {
  customerId: string;
  accountId: string;
  accountNo: string;
  pin: string;
  branchId: string;
}

export interface BaseWorld {
  changes: Change[];
  customers: SimCustomer[];
  accounts: Map<string, ChangeOf<'account.upsert'>>;
  people: Map<string, ChangeOf<'customer.upsert'>>;
}

/** The branch's PIN key in the simulation: fixed, so the world is the same byte for byte on every run. The hub and every kiosk hold it. */
export const SIM_PIN_KEY = Buffer.alloc(32, 0x5a);

/**
 * PIN verifiers with scrypt's cheapest parameters: the kiosk reads the cost from the stored
 * string, so sign-in stays real without 45 ms per customer served. The salt is fixed so the world
 * is the same byte for byte on every run; keyed with the branch key as an older verifier is keyed.
 */
function cheapPinHash(pin: string, index: number): string {
  const salt = Buffer.from(`sim-salt-${index}`);
  const plain = ['scrypt', 16, 1, 1, salt.toString('base64'), scryptSync(pin, salt, 32, { N: 16, r: 1, p: 1 }).toString('base64')].join('$');
  return keyLegacyVerifier(plain, SIM_PIN_KEY) as string;
}

/** The demo generator's branch, tiny: a few customers with a year of bills, usage folded ten days a record. */
export function baseWorld(): BaseWorld {
  const options = {
    seed: demoBranch.seed,
    customers: CUSTOMERS,
    now: new Date(EPOCH_MS),
    branchId: BRANCH,
    currency: demoBranch.currency,
    countryCallingCode: demoBranch.countryCallingCode,
    timeZone: demoBranch.timeZone,
    usageDaysPerRecord: 10,
  };
  // The last customer belongs to the other branch; everything of theirs follows the customer's branch on the hub.
  let customerIndex = 0;
  let movedId = '';
  const changes = [...generateDemo(options, (c) => cheapPinHash(c.pin, c.index))].flat().map((change) => {
    if (change.type !== 'customer.upsert' || customerIndex++ !== CUSTOMERS - 1) return change;
    movedId = change.id;
    return { ...change, branchId: OTHER_BRANCH };
  });
  const people = new Map(changes.flatMap((c) => (c.type === 'customer.upsert' ? [[c.id, c] as const] : [])));
  const accounts = new Map(changes.flatMap((c) => (c.type === 'account.upsert' ? [[c.id, c] as const] : [])));
  const customers = [...accounts.values()].map((a, index) => ({
    customerId: a.customerId,
    accountId: a.id,
    accountNo: a.accountNo,
    pin: demoCustomer(options.seed, index, options.countryCallingCode).pin,
    branchId: a.customerId === movedId ? OTHER_BRANCH : BRANCH,
  }));
  return { changes, customers, accounts, people };
}

const TEMPLATE = 'sim_template';
const WORLD = 'sim_world';

/**
 * The hub's database for a whole test file: one PGlite (it takes seconds to start), a template
 * schema seeded once with the base world, and the world schema every seed runs in, reset from the
 * template in a few statements (migrating and seeding a schema per seed would cost a second each).
 */
export class SimDatabase {
  #reset = '';

  private constructor(readonly pg: PGlite) {}

  static async open(world: BaseWorld): Promise<SimDatabase> {
    const db = new SimDatabase(await createPglite());
    await db.#build(world);
    return db;
  }

  async #build(world: BaseWorld): Promise<void> {
    await this.pg.exec(`CREATE SCHEMA ${TEMPLATE}; SET search_path TO ${TEMPLATE}`);
    const template = pgliteHubDb(this.pg);
    await migrate(template);
    for (const [id, name] of [
      [BRANCH, demoBranch.name],
      [OTHER_BRANCH, 'Barcelona Diagonal'],
    ] as const) {
      await template.query(`INSERT INTO branches (id, name, currency, country_calling_code, time_zone, created_at) VALUES ($1, $2, 'EUR', '34', $3, $4)`, [
        id,
        name,
        demoBranch.timeZone,
        new Date(EPOCH_MS),
      ]);
    }
    await template.query('INSERT INTO branch_pin_keys (branch_id, pin_key) VALUES ($1, $2)', [BRANCH, SIM_PIN_KEY.toString('hex')]);
    await new HubChangeWriter(template).write(world.changes);
    await this.pg.exec(`CREATE SCHEMA ${WORLD}; SET search_path TO ${WORLD}`);
    await migrate(pgliteHubDb(this.pg));

    const tables = (
      await this.pg.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'hub_migrations' ORDER BY table_name`,
        [WORLD],
      )
    ).rows.map((r) => r.table_name);
    const sequences = (await this.pg.query<{ sequence_name: string }>(`SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = $1`, [WORLD])).rows.map(
      (r) => r.sequence_name,
    );
    // Triggers (append-only journal, balance checks, foreign keys) are off while the copy goes in: the template already passed them.
    this.#reset = [
      'SET session_replication_role = replica',
      ...tables.map((t) => `DELETE FROM ${WORLD}.${t}`),
      ...tables.map((t) => `INSERT INTO ${WORLD}.${t} SELECT * FROM ${TEMPLATE}.${t}`),
      ...sequences.map((s) => `SELECT setval('${WORLD}.${s}', last_value, is_called) FROM ${TEMPLATE}.${s}`),
      'SET session_replication_role = origin',
      `SET search_path TO ${WORLD}`,
    ].join(';\n');
  }

  /** The world schema as the template left it: base data only, no devices, sequences where the template's are. */
  async reset(): Promise<void> {
    await this.pg.exec(this.#reset);
  }

  /**
   * A connection as a hub process opens one: it sets its schema itself, and once closed it
   * refuses every query (a stopped process's pool), so a request reaching a dead hub is noticed.
   */
  async connect(): Promise<HubDb> {
    await this.pg.exec(`SET search_path TO ${WORLD}`);
    const inner = pgliteHubDb(this.pg);
    let open = true;
    const live = () => {
      if (!open) throw new Error('this hub process has stopped: its database connection is closed');
    };
    return {
      engine: inner.engine,
      query: async (sql, params) => (live(), inner.query(sql, params)),
      exec: async (script) => (live(), inner.exec(script)),
      transaction: async (fn) => (live(), inner.transaction(fn)),
      // The PGlite instance is the file's; a process "closing" its connection leaves it for the next one.
      close: async () => {
        open = false;
      },
    };
  }

  /** The template's change feed as a kiosk of `branchId` pulls it, for kiosk templates. */
  async templateFeed(branchId: string): Promise<{ serverSeq: number; change: unknown }[]> {
    const rows = await this.pg.query<{ server_seq: number; change: unknown }>(
      `SELECT server_seq, change FROM ${TEMPLATE}.changes WHERE branch_id = $1 OR branch_id IS NULL ORDER BY server_seq`,
      [branchId],
    );
    return rows.rows.map((r) => ({ serverSeq: r.server_seq, change: r.change }));
  }

  async close(): Promise<void> {
    await this.pg.close();
  }
}

/**
 * Where kiosk data folders go: memory (/dev/shm) where there is one. The crashes simulated are a
 * process dying, not the power going, so fsync buys nothing here and costs most of a seed's time.
 */
export function scratchDir(prefix: string): string {
  const base = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  return mkdtempSync(path.join(base, prefix));
}

/** Kiosk settings of the simulation: no demo data (the replica comes from the hub), the branch's. */
export const kioskSettings = (kioskId: string) => ({ kioskId, branchId: BRANCH, demo: { enabled: false, seed: 1, customers: 1 } });

export interface KioskTemplates {
  /** A kiosk that has pulled the branch as the template holds it (cursor at the feed's head). */
  replica: string;
  /** A kiosk just installed: migrated, nothing pulled. */
  empty: string;
  dispose(): void;
}

/** Kiosk ledgers every seed copies instead of building (migrating and applying the branch costs more than a seed's run). */
export async function kioskTemplates(db: SimDatabase): Promise<KioskTemplates> {
  const root = scratchDir('onebill-sim-');
  const make = async (name: string) => {
    const dir = path.join(root, name);
    // As enrolment leaves it: the branch's PIN key in the kiosk's key store.
    fileKeyStore(keyDirFor(dir)).setBranchPinKey(SIM_PIN_KEY);
    const { core } = await startTestCore(kioskSettings('KIOSK-TEMPLATE'), dir);
    core.close();
    return dir;
  };
  const empty = await make('empty');
  const replica = await make('replica');
  const ledger = await openLedger(path.join(replica, LEDGER_FILE), kioskKeys(replica).ledger);
  const feed = await db.templateFeed(BRANCH);
  const cursor = feed.at(-1)?.serverSeq ?? 0;
  // The same page-and-cursor path a pull takes, with the page read straight from the template.
  const applied = new PullApplier(ledger, new ChangeApplier(ledger)).apply(
    { protocolVersion: PROTOCOL_VERSION, schemaVersion: SCHEMA_VERSION, changes: feed, cursor, hasMore: false },
    new Date(EPOCH_MS),
  );
  ledger.close();
  if (applied.parked > 0) throw new Error(`the kiosk template parked ${applied.parked} of the branch's changes`);
  return { replica, empty, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
