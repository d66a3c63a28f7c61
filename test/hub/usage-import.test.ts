import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importRejects, importUsage, type UsageImportReport } from '../../hub/billing/usage-import.ts';
import { dayOfInstant } from '../../hub/billing/ledger-reads.ts';
import { readLines, splitCsvLine } from '../../hub/billing/usage-csv.ts';
import { dateInZone } from '../../shared/calendar.ts';
import { httpCommands } from '../../hub/runtime/operator-commands.ts';
import { buildHub } from '../../hub/server.ts';
import { engines, freshDatabases } from './databases.ts';
import { BRANCH, FIXTURE_CSV, seedWorld, tableCounts } from './fixtures/billing-world.ts';

const NOW = new Date('2026-11-26T09:00:00Z');
const now = () => NOW;
const TOKEN = 'operator-token-for-tests-0123456789';

/** What tests/hub/fixtures/usage-mixed.csv holds, line by line (the header is line 1, line 19 is blank). */
const expectedRejects = [
  { lineNo: 8, usageId: 'u-007', code: 'UNKNOWN_PRODUCT' },
  { lineNo: 9, usageId: 'u-008', code: 'BAD_DATE' },
  { lineNo: 10, usageId: 'u-009', code: 'NEGATIVE_QUANTITY' },
  { lineNo: 11, usageId: null, code: 'WRONG_COLUMN_COUNT' },
  { lineNo: 12, usageId: 'u-001', code: 'DUPLICATE_ID' },
  { lineNo: 14, usageId: 'u-011', code: 'UNIT_MISMATCH' },
  { lineNo: 15, usageId: 'u-012', code: 'UNKNOWN_ZONE' },
  { lineNo: 16, usageId: null, code: 'BAD_QUOTING' },
  { lineNo: 17, usageId: 'u-014', code: 'FUTURE_USAGE' },
  { lineNo: 18, usageId: 'u-015', code: 'INVALID_QUANTITY' },
  { lineNo: 20, usageId: 'u-016', code: 'UNKNOWN_PRODUCT' },
  { lineNo: 22, usageId: 'u-018', code: 'OUTSIDE_ACTIVE_PRODUCT' },
  { lineNo: 23, usageId: 'u-019', code: 'NOT_RATEABLE' },
];

/** The good rows as the ledger must hold them (u-002 named by its number, its time with an offset). */
const expectedUsage = [
  { id: 'u-001', product_id: 'prod-mob-a', usage_type: 'data', usage_date: '2026-10-03T08:00:00.000Z', quantity: 6000, unit: 'MB', zone: null, destination: null, service: null },
  { id: 'u-002', product_id: 'prod-mob-a', usage_type: 'data', usage_date: '2026-10-10T07:30:00.000Z', quantity: 5776, unit: 'MB', zone: null, destination: null, service: null },
  { id: 'u-003', product_id: 'prod-mob-a', usage_type: 'voice', usage_date: '2026-10-12T18:00:00.000Z', quantity: 120, unit: 's', zone: null, destination: 'international', service: null },
  { id: 'u-004', product_id: 'prod-mob-a', usage_type: 'sms', usage_date: '2026-10-13T12:00:00.000Z', quantity: 3, unit: 'SMS', zone: null, destination: null, service: null },
  { id: 'u-005', product_id: 'prod-mob-a', usage_type: 'data', usage_date: '2026-10-20T10:00:00.000Z', quantity: 10, unit: 'MB', zone: 'Z2', destination: null, service: null },
  { id: 'u-006', product_id: 'prod-mob-a', usage_type: 'data', usage_date: '2026-10-21T10:00:00.000Z', quantity: 2048, unit: 'KB', zone: null, destination: null, service: 'messaging' },
  { id: 'u-017', product_id: 'prod-fix-b', usage_type: 'voice', usage_date: '2026-10-20T08:00:00.000Z', quantity: 60, unit: 's', zone: null, destination: 'national', service: null },
].map((u) => ({ ...u, status: 'received', rated_minor: null, bill_id: null }));

describe('usage CSV reading', () => {
  it('splits RFC 4180 fields and says why a line cannot be read', () => {
    expect(splitCsvLine('a,"b,c","say ""hi""",,')).toEqual({ fields: ['a', 'b,c', 'say "hi"', '', ''] });
    expect(splitCsvLine('a,"open')).toEqual({ error: 'the quote opened at character 3 is not closed on this line' });
    expect(splitCsvLine('a,b"c')).toHaveProperty('error');
    expect(splitCsvLine('"a"x,b')).toHaveProperty('error');
  });

  it('numbers lines across chunks, CRLF or LF, with a byte-order mark and a split UTF-8 character', async () => {
    const bytes = Buffer.from('\uFEFFh1,h2\r\nélan,b\n\nlast', 'utf8');
    const chunks = [bytes.subarray(0, 5), bytes.subarray(5, 12), bytes.subarray(12)];
    const lines = [];
    for await (const line of readLines(Readable.from(chunks))) lines.push(line);
    expect(lines).toEqual([
      { lineNo: 1, text: 'h1,h2' },
      { lineNo: 2, text: 'élan,b' },
      { lineNo: 3, text: '' },
      { lineNo: 4, text: 'last' },
    ]);
  });
});

describe('the day of an instant in a zone', () => {
  it('agrees with Intl around midnight and across a change of clocks', () => {
    const dayOf = dayOfInstant();
    for (const timeZone of ['Europe/Madrid', 'America/Los_Angeles', 'Asia/Kathmandu', 'Pacific/Kiritimati', 'UTC']) {
      for (let ms = Date.parse('2026-10-24T00:00:00Z'); ms < Date.parse('2026-10-27T00:00:00Z'); ms += 7 * 60_000) {
        expect(dayOf(ms, timeZone), `${timeZone} ${new Date(ms).toISOString()}`).toBe(dateInZone(new Date(ms), timeZone));
      }
    }
  });
});

describe.each(engines)('usage import on %s', { timeout: 60_000 }, (engine) => {
  const databases = freshDatabases(engine);

  async function importFixture(db: Parameters<typeof importUsage>[0], batchSize?: number): Promise<UsageImportReport> {
    return importUsage(db, createReadStream(FIXTURE_CSV), { fileName: 'usage-mixed.csv', now, ...(batchSize ? { batchSize } : {}) });
  }

  it('imports the good rows as received usage facts, keeps every bad row apart with its line, and adds nothing the second time', async () => {
    const { db } = await databases.fresh();
    await seedWorld(db);
    const feedBefore = (await tableCounts(db)).changes as number;

    const first = await importFixture(db);
    expect(first).toMatchObject({ fileName: 'usage-mixed.csv', rows: 21, imported: 7, alreadyHad: 1, rejected: 13, earlierImports: [] });
    expect(first.firstRejects.map(({ lineNo, usageId, code }) => ({ lineNo, usageId, code }))).toEqual(expectedRejects);

    const stored = await importRejects(db, first.importId);
    expect(stored.map(({ lineNo, usageId, code }) => ({ lineNo, usageId, code }))).toEqual(expectedRejects);
    const lines = (await readFile(FIXTURE_CSV, 'utf8')).split('\n');
    for (const r of stored) expect(r.raw).toBe(lines[r.lineNo - 1]);
    expect(stored.find((r) => r.lineNo === 12)?.reason).toBe('usage u-001 appears on line 2 with other content');
    expect(stored.find((r) => r.lineNo === 11)?.reason).toBe('9 fields where the header has 10');
    expect(await db.query(`SELECT DISTINCT file_name FROM usage_import_rejects`)).toEqual([{ file_name: 'usage-mixed.csv' }]);

    const usage = await db.query('SELECT id, product_id, usage_type, usage_date, quantity, unit, zone, destination, service, status, rated_minor, bill_id FROM usage_records ORDER BY id');
    expect(usage.map((u) => ({ ...u, usage_date: (u.usage_date as Date).toISOString() }))).toEqual(expectedUsage);

    // Each good row is a change in the feed for the branch, so the branch's kiosks pull it.
    const feed = await db.query<{ branch_id: string; change: { type: string; id: string; status: string } }>(
      `SELECT branch_id, change FROM changes WHERE server_seq > $1 ORDER BY server_seq`,
      [feedBefore],
    );
    expect(feed.map((f) => [f.branch_id, f.change.type, f.change.id, f.change.status])).toEqual(expectedUsage.map((u) => [BRANCH, 'usage.recorded', u.id, 'received']));

    const [imported] = await db.query(`SELECT status, rows_read, imported, already_had, rejected, file_sha256 FROM usage_imports WHERE id = $1`, [first.importId]);
    expect(imported).toEqual({ status: 'done', rows_read: 21, imported: 7, already_had: 1, rejected: 13, file_sha256: first.fileSha256 });

    // Again: nothing new, the same rows refused, and the report says the file was seen before.
    const counts = await tableCounts(db);
    const second = await importFixture(db);
    expect(second).toMatchObject({ rows: 21, imported: 0, alreadyHad: 8, rejected: 13, earlierImports: [{ importId: first.importId }] });
    expect(second.fileSha256).toBe(first.fileSha256);
    const after = await tableCounts(db);
    expect({ usage: after.usage_records, changes: after.changes }).toEqual({ usage: counts.usage_records, changes: counts.changes });
    expect(after.usage_import_rejects).toBe((counts.usage_import_rejects as number) + 13);
  });

  it('gives the same result in batches of three rows as in one batch', async () => {
    const { db } = await databases.fresh();
    await seedWorld(db);
    const report = await importFixture(db, 3);
    expect(report).toMatchObject({ rows: 21, imported: 7, alreadyHad: 1, rejected: 13 });
    expect((await importRejects(db, report.importId)).map((r) => r.code)).toEqual(expectedRejects.map((r) => r.code));
  });

  it.each([
    ['an unknown column', 'usage_id,product_id,usage_type,usage_date,qty,unit\n', /unknown column "qty".*column quantity is missing/],
    ['a missing column', 'usage_id,product_id,usage_type,quantity,unit\nu-1,prod-mob-a,data,1,MB\n', /column usage_date is missing/],
    ['no product column', 'usage_id,usage_type,usage_date,quantity,unit\n', /a product_id or msisdn column is needed/],
    ['a column twice', 'usage_id,product_id,usage_type,usage_date,quantity,unit,unit\n', /column unit appears twice/],
    ['nothing at all', '', /The file is empty/],
  ])('refuses a file with %s whole and changes nothing', async (_what, text, message) => {
    const { db } = await databases.fresh();
    await seedWorld(db);
    const before = await tableCounts(db);
    await expect(importUsage(db, Readable.from([text]), { fileName: 'bad.csv', now })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(message) });
    expect(await tableCounts(db)).toEqual(before);
  });

  it('refuses a line that is not UTF-8 and keeps the others', async () => {
    const { db } = await databases.fresh();
    await seedWorld(db);
    const good = 'u-1,prod-mob-a,data,2026-10-03T08:00:00Z,1,MB\n';
    const bytes = Buffer.concat([Buffer.from(`usage_id,product_id,usage_type,usage_date,quantity,unit\n${good}`), Buffer.from([0x75, 0x2d, 0x32, 0xff, 0x2c]), Buffer.from('\n')]);
    const report = await importUsage(db, Readable.from([bytes]), { fileName: 'latin1.csv', now });
    expect(report).toMatchObject({ rows: 2, imported: 1, rejected: 1 });
    expect(report.firstRejects).toMatchObject([{ lineNo: 3, code: 'BAD_ENCODING' }]);
  });

  it('takes the file over the operator API, as text/csv or streamed by the CLI, and refuses a bad header with 400', async () => {
    const { db } = await databases.fresh();
    await seedWorld(db);
    const app = await buildHub({ db, now, operatorToken: TOKEN });
    try {
      const unauthorised = await app.inject({ method: 'POST', url: '/operator/v1/usage-imports', headers: { 'content-type': 'text/csv' }, payload: 'x' });
      expect(unauthorised.statusCode).toBe(401);
      const bad = await app.inject({
        method: 'POST',
        url: '/operator/v1/usage-imports?fileName=bad.csv',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
        payload: 'id,what\n1,2\n',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION', message: expect.stringContaining('unknown column "id"') } });
      expect(await db.query('SELECT count(*)::int AS n FROM usage_imports')).toEqual([{ n: 0 }]);

      const posted = await app.inject({
        method: 'POST',
        url: '/operator/v1/usage-imports?fileName=usage-mixed.csv',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv; charset=utf-8' },
        payload: await readFile(FIXTURE_CSV),
      });
      expect(posted.statusCode, posted.body).toBe(201);
      expect(posted.json()).toMatchObject({ fileName: 'usage-mixed.csv', imported: 7, alreadyHad: 1, rejected: 13 });

      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const again = await httpCommands(url, TOKEN).importUsage(FIXTURE_CSV);
      expect(again).toMatchObject({ fileName: 'usage-mixed.csv', imported: 0, alreadyHad: 8, rejected: 13 });
      await expect(httpCommands(url, 'wrong-token-0123456789').importUsage(FIXTURE_CSV)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    } finally {
      await app.close();
    }
  });
});
