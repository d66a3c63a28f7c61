import { createHash } from 'node:crypto';
import { USAGE_COLUMNS } from '../../shared/ledger/usage-product-rows.ts';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { CalendarDate } from '../../shared/calendar.ts';
import type { CatalogIndex } from '../../shared/billing/catalog.ts';
import { cycleContaining } from '../../shared/billing/cycle.ts';
import { termOn } from '../../shared/billing/product.ts';
import { rateUsage } from '../../shared/billing/rating.ts';
import type { UsageRecord } from '../../shared/billing/usage.ts';
import type { ChangeOf } from '../../shared/sync/changes.ts';
import { KioskError } from '../../shared/errors.ts';
import { amountBoundProblem, type MaxAmounts } from '../../shared/money-bounds.ts';
import type { HubDb, HubQueryable } from '../db/hub-db.ts';
import { writeChanges } from '../ledger/change-writer.ts';
import { lockFeed } from '../ledger/feed.ts';
import { accountsById, catalogInForce, dayOfInstant, latestBillDates, productsWhere, usageFromRow, type HubAccount, type HubProduct, type UsageRow } from './ledger-reads.ts';
import { parseHeader, parseRow, readLines, type CandidateRow, type ImportRejectCode, type ParsedRow, type RejectedRow } from './usage-csv.ts';

/**
 * `npm run hub -- import-usage <file.csv>`: mediation's usage into the central ledger. Each good row
 * becomes a `usage.recorded` fact (status `received`; the bill run rates it) written through the
 * change writer, so the kiosks of its branch pull it. Every other row is kept in
 * usage_import_rejects with its line, its text and the reason, never dropped. Rows are checked by
 * the billing engine's own rating (rateUsage), so what is imported is what the bill run can rate.
 * The usage id makes it idempotent: a row already recorded with the same content is counted as
 * "already had"; with other content it is refused. Rows are read as a stream and written in
 * batches, each batch in one transaction with its rejects and the import's counts.
 */

export const RejectLine = z.object({
  lineNo: z.number().int().positive(),
  usageId: z.string().nullable(),
  code: z.string(),
  reason: z.string(),
  raw: z.string(),
});
export type RejectLine = z.infer<typeof RejectLine>;

export const UsageImportReport = z.object({
  importId: z.string(),
  fileName: z.string(),
  fileSha256: z.string(),
  rows: z.number().int().nonnegative(),
  imported: z.number().int().nonnegative(),
  alreadyHad: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  /** The first rejected rows, in file order (all of them are in usage_import_rejects). */
  firstRejects: z.array(RejectLine),
  /** Earlier imports of a file with the same bytes. */
  earlierImports: z.array(z.object({ importId: z.string(), startedAt: z.string() })),
  seconds: z.number().nonnegative(),
});
export type UsageImportReport = z.infer<typeof UsageImportReport>;

export interface UsageImportOptions {
  fileName: string;
  now?: () => Date;
  /** Rows per transaction. */
  batchSize?: number;
  /** The hub's per-currency maxima (HUB_MAX_AMOUNTS): a row rated beyond them is refused, not left to break the bill run. */
  maxAmounts?: MaxAmounts;
}

const BATCH_SIZE = 5_000;
const FIRST_REJECTS = 20;
/** A raw line is kept whole up to this length (a line this long is a broken file, not usage). */
const RAW_LINE_LIMIT = 10_000;

const json = (value: unknown) => JSON.stringify(value);

/** Reads the CSV from `source`; throws VALIDATION (and changes nothing) when the header is not valid. */
export async function importUsage(db: HubDb, source: AsyncIterable<Uint8Array | string>, options: UsageImportOptions): Promise<UsageImportReport> {
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const fileName = options.fileName.slice(0, 255);
  const hash = createHash('sha256');
  const lines = readLines(hashed(source, hash));
  const first = await lines.next();
  const parsed = parseHeader(first.done ? undefined : first.value);
  if ('error' in parsed) throw new KioskError('VALIDATION', parsed.error);
  const { header } = parsed;
  const catalog = await catalogInForce(db);

  const importId = uuidv7({ msecs: now().getTime() });
  await db.query(`INSERT INTO usage_imports (id, file_name, started_at, status) VALUES ($1, $2, $3, 'running')`, [importId, fileName, now()]);
  const context = new ImportContext(db, catalog, importId, fileName, now, options.maxAmounts ?? {});
  try {
    let batch: ParsedRow[] = [];
    for await (const line of lines) {
      if (line.text === '') continue;
      batch.push(parseRow(header, line));
      if (batch.length >= (options.batchSize ?? BATCH_SIZE)) {
        await context.importBatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await context.importBatch(batch);
  } catch (error) {
    await db
      .query(`UPDATE usage_imports SET status = 'failed', finished_at = $2, error = $3 WHERE id = $1`, [importId, now(), error instanceof Error ? error.message : String(error)])
      .catch(() => undefined);
    throw error;
  }
  const fileSha256 = hash.digest('hex');
  const { counts } = context;
  await db.query(`UPDATE usage_imports SET status = 'done', finished_at = $2, file_sha256 = $3 WHERE id = $1`, [importId, now(), fileSha256]);
  const earlier = await db.query<{ id: string; started_at: Date }>(
    `SELECT id, started_at FROM usage_imports WHERE file_sha256 = $1 AND id <> $2 AND status = 'done' ORDER BY started_at, id`,
    [fileSha256, importId],
  );
  return {
    importId,
    fileName,
    fileSha256,
    ...counts,
    firstRejects: context.firstRejects,
    earlierImports: earlier.map((e) => ({ importId: e.id, startedAt: e.started_at.toISOString() })),
    seconds: (performance.now() - started) / 1000,
  };
}

async function* hashed(source: AsyncIterable<Uint8Array | string>, hash: ReturnType<typeof createHash>): AsyncGenerator<Uint8Array | string> {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

interface Counts {
  rows: number;
  imported: number;
  alreadyHad: number;
  rejected: number;
}

/** A row placed on its product and account. */
interface Placed {
  row: CandidateRow;
  record: UsageRecord;
  product: HubProduct;
  account: HubAccount;
  ms: number;
  day: CalendarDate;
}

/** Products and accounts met so far in the file, looked up a batch at a time. */
class ImportContext {
  readonly counts: Counts = { rows: 0, imported: 0, alreadyHad: 0, rejected: 0 };
  readonly firstRejects: RejectLine[] = [];
  readonly #products = new Map<string, HubProduct>();
  readonly #lines = new Map<string, HubProduct[]>();
  readonly #accounts = new Map<string, HubAccount>();
  readonly #asked = { ids: new Set<string>(), numbers: new Set<string>() };
  readonly #dayOf = dayOfInstant();

  constructor(
    private readonly db: HubDb,
    private readonly catalog: CatalogIndex,
    private readonly importId: string,
    private readonly fileName: string,
    private readonly now: () => Date,
    private readonly maxAmounts: MaxAmounts,
  ) {}

  async importBatch(rows: readonly ParsedRow[]): Promise<void> {
    await this.#lookUp(rows);
    const placed: Placed[] = [];
    const early: RejectedRow[] = [];
    for (const row of rows) {
      if (!row.ok) early.push(row);
      else {
        const place = this.#place(row);
        if ('code' in place) early.push(place);
        else placed.push(place);
      }
    }
    const counts = this.counts;
    const outcome = await this.db.transaction(async (tx) => {
      await lockFeed(tx);
      const result = await this.#write(tx, placed);
      const rejects = [...early, ...result.rejects].sort((a, b) => a.lineNo - b.lineNo);
      await insertRejects(tx, this.importId, this.fileName, rejects);
      await tx.query(`UPDATE usage_imports SET rows_read = $2, imported = $3, already_had = $4, rejected = $5 WHERE id = $1`, [
        this.importId,
        counts.rows + rows.length,
        counts.imported + result.imported,
        counts.alreadyHad + result.alreadyHad,
        counts.rejected + rejects.length,
      ]);
      return { ...result, rejects };
    });
    counts.rows += rows.length;
    counts.imported += outcome.imported;
    counts.alreadyHad += outcome.alreadyHad;
    counts.rejected += outcome.rejects.length;
    for (const r of outcome.rejects.slice(0, FIRST_REJECTS - this.firstRejects.length)) {
      this.firstRejects.push({ lineNo: r.lineNo, usageId: r.usageId, code: r.code, reason: r.reason, raw: r.raw });
    }
  }

  /** Loads the products (and their accounts) this batch names that were not asked for before. */
  async #lookUp(rows: readonly ParsedRow[]): Promise<void> {
    const ids = new Set<string>();
    const numbers = new Set<string>();
    for (const row of rows) {
      if (!row.ok) continue;
      if (row.ref.productId !== null && !this.#asked.ids.has(row.ref.productId)) ids.add(row.ref.productId);
      if (row.ref.productId === null && row.ref.msisdn !== null && !this.#asked.numbers.has(row.ref.msisdn)) numbers.add(row.ref.msisdn);
    }
    if (ids.size === 0 && numbers.size === 0) return;
    const products = await productsWhere(this.db, { ids: [...ids], numbers: [...numbers] });
    for (const id of ids) this.#asked.ids.add(id);
    for (const n of numbers) this.#asked.numbers.add(n);
    for (const p of products) {
      this.#products.set(p.id, p);
      if (!numbers.has(p.identifier)) continue;
      const line = this.#lines.get(p.identifier);
      if (line) line.push(p);
      else this.#lines.set(p.identifier, [p]);
    }
    const missing = [...new Set(products.map((p) => p.accountId))].filter((id) => !this.#accounts.has(id));
    if (missing.length > 0) for (const a of await accountsById(this.db, missing)) this.#accounts.set(a.id, a);
  }

  /** The row's product: by id, or the line that had the number when the usage happened. */
  #place(row: CandidateRow): Placed | RejectedRow {
    const reject = (code: ImportRejectCode, reason: string): RejectedRow => ({ ok: false, lineNo: row.lineNo, raw: row.raw, usageId: row.record.id, code, reason });
    const ms = Date.parse(row.record.usageDate);
    const { productId, msisdn } = row.ref;
    let product: HubProduct | undefined;
    if (productId !== null) {
      product = this.#products.get(productId);
      if (!product) return reject('UNKNOWN_PRODUCT', `there is no product ${productId} on this hub`);
      if (msisdn !== null && product.identifier !== msisdn) return reject('BAD_PRODUCT', `product ${productId} is not the line ${msisdn}`);
    } else {
      const candidates = this.#lines.get(msisdn as string) ?? [];
      const dayFor = (p: HubProduct) => this.#dayOf(ms, this.#accounts.get(p.accountId)?.timeZone ?? 'UTC');
      product = candidates.find((p) => termOn(p, dayFor(p)) !== undefined) ?? candidates.find((p) => p.status !== 'terminated') ?? candidates[0];
      if (!product) return reject('UNKNOWN_PRODUCT', `there is no line with the number ${msisdn} on this hub`);
    }
    const account = this.#accounts.get(product.accountId);
    if (!account) return reject('UNKNOWN_PRODUCT', `product ${product.id} has no account on this hub`);
    return { row, record: { ...row.record, productId: product.id }, product, account, ms, day: this.#dayOf(ms, account.timeZone) };
  }

  /** Inside the batch's transaction: duplicates against the ledger, then the ledger's and the engine's checks, then the writes. */
  /** What one batch did; the caller adds it to the running counts only once its transaction committed (a retry runs this again). */
  async #write(tx: HubQueryable, placed: readonly Placed[]): Promise<{ imported: number; alreadyHad: number; rejects: RejectedRow[] }> {
    const rejects: RejectedRow[] = [];
    const reject = (p: Placed, code: ImportRejectCode, reason: string) =>
      rejects.push({ ok: false, lineNo: p.row.lineNo, raw: p.row.raw, usageId: p.record.id, code, reason });
    const existing = await recordedUsage(tx, placed.map((p) => p.record.id));
    const latestBill = await latestBillDates(tx, [...new Set(placed.map((p) => p.account.id))]);
    const nowMs = this.now().getTime();

    let alreadyHad = 0;
    const firstOfId = new Map<string, Placed>();
    const repeats: Placed[] = [];
    const groups = new Map<string, Placed[]>();
    for (const p of placed) {
      const known = existing.get(p.record.id);
      if (known !== undefined) {
        if (known === contentKey(p.record)) alreadyHad += 1;
        else reject(p, 'DUPLICATE_ID', `usage ${p.record.id} is already recorded with other content (${known.replaceAll('|', ' ').trim()})`);
        continue;
      }
      if (firstOfId.has(p.record.id)) {
        repeats.push(p);
        continue;
      }
      firstOfId.set(p.record.id, p);
      if (p.ms > nowMs) {
        reject(p, 'FUTURE_USAGE', `used at ${p.record.usageDate}, after the time of the import`);
        continue;
      }
      const cycle = cycleContaining(p.day, p.account.billCycleDay);
      const latest = latestBill.get(p.account.id);
      if (latest !== undefined && latest > cycle.end) {
        reject(p, 'PERIOD_BILLED', `its cycle ${cycle.start} – ${cycle.end} of account ${p.account.accountNo} is already billed (latest bill ${latest})`);
        continue;
      }
      const key = `${p.account.id}|${cycle.start}`;
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }

    // The engine's own checks (unit, roaming zone, tariff, product in service), per account and cycle.
    const accepted = new Set<Placed>();
    for (const group of groups.values()) {
      const { account, day } = group[0] as Placed;
      const byId = new Map(group.map((p) => [p.record.id, p]));
      const products = [...new Set(group.map((p) => p.product))];
      const { rated, rejected } = rateUsage({
        catalog: this.catalog,
        products,
        period: cycleContaining(day, account.billCycleDay),
        timeZone: account.timeZone,
        records: group.map((p) => p.record),
      });
      const refused = new Set<string>();
      for (const r of rejected) {
        refused.add(r.record.id);
        reject(byId.get(r.record.id) as Placed, r.code, r.reason);
      }
      for (const r of rated) {
        const problem = amountBoundProblem(`usage ${r.id} rated at ${r.amountMinor} minor units`, r.amountMinor, account.currency, this.maxAmounts);
        if (problem === null) continue;
        refused.add(r.id);
        reject(byId.get(r.id) as Placed, 'AMOUNT_TOO_LARGE', problem);
      }
      for (const p of group) if (!refused.has(p.record.id)) accepted.add(p);
    }

    // An id repeated in the batch (and not in the ledger before it) shares the fate of its first row when the content is the same.
    for (const p of repeats) {
      const first = firstOfId.get(p.record.id) as Placed;
      if (contentKey(first.record) !== contentKey(p.record)) reject(p, 'DUPLICATE_ID', `usage ${p.record.id} appears on line ${first.row.lineNo} with other content`);
      else if (accepted.has(first)) alreadyHad += 1;
      else reject(p, 'DUPLICATE_ID', `usage ${p.record.id} repeats line ${first.row.lineNo}, which was refused`);
    }

    const changes: ChangeOf<'usage.recorded'>[] = placed
      .filter((p) => accepted.has(p))
      .map((p) => ({ type: 'usage.recorded', ...p.record, status: 'received', ratedMinor: null, billId: null }));
    const written = await writeChanges(tx, changes);
    return { imported: written.applied, alreadyHad: alreadyHad + written.duplicates, rejects };
  }
}

/** What makes two records with the same id the same usage. */
function contentKey(r: Pick<UsageRecord, 'productId' | 'usageType' | 'usageDate' | 'quantity' | 'unit' | 'zone' | 'destination' | 'service'>): string {
  return [r.productId, r.usageType, new Date(r.usageDate).toISOString(), r.quantity, r.unit, r.zone ?? '', r.destination ?? '', r.service ?? ''].join('|');
}

/** Content keys of the usage records already in the ledger under these ids. */
async function recordedUsage(tx: HubQueryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.query<UsageRow>(
    `SELECT ${USAGE_COLUMNS} FROM usage_records u
      WHERE u.id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [json(ids)],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      contentKey(usageFromRow(r)),
    ]),
  );
}

async function insertRejects(tx: HubQueryable, importId: string, fileName: string, rejects: readonly RejectedRow[]): Promise<void> {
  if (rejects.length === 0) return;
  await tx.query(
    `INSERT INTO usage_import_rejects (import_id, line_no, file_name, usage_id, code, reason, raw_line)
     SELECT $1, "lineNo", $2, "usageId", code, reason, raw FROM jsonb_to_recordset($3::jsonb) AS x("lineNo" int, "usageId" text, code text, reason text, raw text)`,
    [importId, fileName, json(rejects.map((r) => ({ lineNo: r.lineNo, usageId: r.usageId, code: r.code, reason: r.reason, raw: r.raw.slice(0, RAW_LINE_LIMIT) })))],
  );
}

/** The rejects of an import, in file order (for staff and tests). */
export async function importRejects(q: HubQueryable, importId: string): Promise<RejectLine[]> {
  const rows = await q.query<{ line_no: number; usage_id: string | null; code: string; reason: string; raw_line: string }>(
    'SELECT line_no, usage_id, code, reason, raw_line FROM usage_import_rejects WHERE import_id = $1 ORDER BY line_no',
    [importId],
  );
  return rows.map((r) => ({ lineNo: r.line_no, usageId: r.usage_id, code: r.code, reason: r.reason, raw: r.raw_line }));
}
