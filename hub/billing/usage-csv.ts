import { normaliseAt } from '../../shared/billing/allocation.ts';
import { DestinationClass } from '../../shared/billing/catalog.ts';
import { UsageRecordUnit, type RejectionCode, type UsageRecord } from '../../shared/billing/usage.ts';
import { UsageType } from '../../shared/domain/usage.ts';

/**
 * The usage file format (docs/usage-import.md): UTF-8 CSV, a header row naming the columns (any
 * order), one record per line, RFC 4180 quoting within the line. Fields never hold a line break,
 * so a quote left open makes that one line a bad row instead of swallowing the rows after it.
 * Parsing is pure and streaming; what the ledger knows (products, bills) is checked later.
 */

export const REQUIRED_COLUMNS = ['usage_id', 'usage_type', 'usage_date', 'quantity', 'unit'] as const;
/** At least one of these names the product. */
export const PRODUCT_COLUMNS = ['product_id', 'msisdn'] as const;
export const OPTIONAL_COLUMNS = ['zone', 'destination', 'service'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof PRODUCT_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
const KNOWN = new Set<string>([...REQUIRED_COLUMNS, ...PRODUCT_COLUMNS, ...OPTIONAL_COLUMNS]);

/** Why a row was refused: the engine's own rating codes, plus what only a file can get wrong. */
export type ImportRejectCode =
  | RejectionCode
  | 'BAD_ENCODING'
  | 'BAD_QUOTING'
  | 'WRONG_COLUMN_COUNT'
  | 'MISSING_VALUE'
  | 'BAD_USAGE_ID'
  | 'BAD_PRODUCT'
  | 'BAD_USAGE_TYPE'
  | 'BAD_DATE'
  | 'BAD_UNIT'
  | 'BAD_DESTINATION'
  | 'BAD_SERVICE'
  | 'FUTURE_USAGE'
  | 'PERIOD_BILLED'
  | 'AMOUNT_TOO_LARGE';

export interface Line {
  /** 1-based physical line number in the file. */
  lineNo: number;
  text: string;
}

/** Product named by id, by phone number (E.164), or both (they must agree). */
export interface ProductRef {
  productId: string | null;
  msisdn: string | null;
}

/** A row that parsed: a usage record still to be placed on a product. */
export interface CandidateRow {
  ok: true;
  lineNo: number;
  raw: string;
  ref: ProductRef;
  /** `productId` is filled in once the product is known. */
  record: Omit<UsageRecord, 'productId'>;
}

export interface RejectedRow {
  ok: false;
  lineNo: number;
  raw: string;
  usageId: string | null;
  code: ImportRejectCode;
  reason: string;
}

export type ParsedRow = CandidateRow | RejectedRow;

/**
 * Splits a byte (or text) stream into lines, LF or CRLF, decoding UTF-8 as it goes; a byte-order
 * mark is dropped. Invalid UTF-8 becomes U+FFFD, which the row check refuses.
 */
export async function* readLines(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let lineNo = 0;
  let first = true;
  const take = function* (text: string, final: boolean): Generator<Line> {
    let chunk = pending + text;
    if (first && chunk.length > 0) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      const end = nl > start && chunk.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { lineNo: ++lineNo, text: chunk.slice(start, end) };
      start = nl + 1;
    }
    pending = chunk.slice(start);
    if (final && pending.length > 0) {
      yield { lineNo: ++lineNo, text: pending.endsWith('\r') ? pending.slice(0, -1) : pending };
      pending = '';
    }
  };
  for await (const part of source) yield* take(typeof part === 'string' ? part : decoder.decode(part, { stream: true }), false);
  yield* take(decoder.decode(), true);
}

/** The fields of one line under RFC 4180 quoting, or why it cannot be read. */
export function splitCsvLine(line: string): { fields: string[] } | { error: string } {
  if (!line.includes('"')) return { fields: line.split(',') };
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q === -1) return { error: `the quote opened at character ${i + 1} is not closed on this line` };
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return { fields };
      if (line[i] !== ',') return { error: `unexpected ${JSON.stringify(line[i])} after the closing quote at character ${i}` };
      i += 1;
      continue;
    }
    const comma = line.indexOf(',', i);
    const value = comma === -1 ? line.slice(i) : line.slice(i, comma);
    const quote = value.indexOf('"');
    if (quote !== -1) return { error: `a quote inside an unquoted field at character ${i + quote + 1} (quote the whole field and double the quote)` };
    fields.push(value);
    if (comma === -1) return { fields };
    i = comma + 1;
  }
}

export interface Header {
  columns: readonly Column[];
  index: Partial<Record<Column, number>>;
}

/** The header row's columns, or an error naming everything wrong with it (the file is then refused whole). */
export function parseHeader(line: Line | undefined): { header: Header } | { error: string } {
  if (line === undefined) return { error: 'The file is empty: it needs a header row naming its columns.' };
  const split = splitCsvLine(line.text);
  if ('error' in split) return { error: `The header row cannot be read: ${split.error}.` };
  const problems: string[] = [];
  const index: Partial<Record<Column, number>> = {};
  split.fields.forEach((name, i) => {
    if (!KNOWN.has(name)) problems.push(`unknown column ${JSON.stringify(name)}`);
    else if (index[name as Column] !== undefined) problems.push(`column ${name} appears twice`);
    else index[name as Column] = i;
  });
  for (const name of REQUIRED_COLUMNS) if (index[name] === undefined) problems.push(`column ${name} is missing`);
  if (PRODUCT_COLUMNS.every((name) => index[name] === undefined)) problems.push('a product_id or msisdn column is needed');
  if (problems.length > 0) {
    return {
      error:
        `The header row (line ${line.lineNo}) is not valid: ${problems.join('; ')}. ` +
        `Columns: ${REQUIRED_COLUMNS.join(', ')}, product_id and/or msisdn, optionally ${OPTIONAL_COLUMNS.join(', ')}.`,
    };
  }
  return { header: { columns: split.fields as Column[], index } };
}

const USAGE_ID = /^[\x21-\x7e]{1,64}$/;
const PRODUCT_ID = /^[\x21-\x7e]{1,64}$/;
const MSISDN = /^\+[1-9]\d{7,14}$/;
const WHOLE = /^\d{1,15}$/;
const SERVICE = /^[\x21-\x7e]{1,32}$/;

/** A data row checked on its own (format, types, units); the product and the ledger come later. */
export function parseRow(header: Header, line: Line): ParsedRow {
  const raw = line.text;
  const reject = (code: ImportRejectCode, reason: string, usageId: string | null = null): RejectedRow => ({ ok: false, lineNo: line.lineNo, raw, usageId, code, reason });
  if (raw.includes('\uFFFD')) return reject('BAD_ENCODING', 'the line is not valid UTF-8');
  const split = splitCsvLine(raw);
  if ('error' in split) return reject('BAD_QUOTING', `the line cannot be read as CSV: ${split.error}`);
  const { fields } = split;
  if (fields.length !== header.columns.length) {
    return reject('WRONG_COLUMN_COUNT', `${fields.length} fields where the header has ${header.columns.length}`);
  }
  const get = (column: Column): string => {
    const i = header.index[column];
    return i === undefined ? '' : (fields[i] as string);
  };
  const usageId = get('usage_id');
  if (usageId === '') return reject('MISSING_VALUE', 'usage_id is empty');
  if (!USAGE_ID.test(usageId)) return reject('BAD_USAGE_ID', 'usage_id must be 1–64 printable characters without spaces');
  const at = (code: ImportRejectCode, reason: string) => reject(code, reason, usageId);
  for (const column of REQUIRED_COLUMNS) if (get(column) === '') return at('MISSING_VALUE', `${column} is empty`);

  const productId = get('product_id') || null;
  const msisdn = get('msisdn') || null;
  if (productId === null && msisdn === null) return at('MISSING_VALUE', 'product_id and msisdn are both empty: one of them names the product');
  if (productId !== null && !PRODUCT_ID.test(productId)) return at('BAD_PRODUCT', 'product_id must be 1–64 printable characters without spaces');
  if (msisdn !== null && !MSISDN.test(msisdn)) return at('BAD_PRODUCT', `msisdn ${JSON.stringify(msisdn)} is not an E.164 number such as +34600000000`);

  const usageType = UsageType.safeParse(get('usage_type'));
  if (!usageType.success) return at('BAD_USAGE_TYPE', `usage_type ${JSON.stringify(get('usage_type'))} is not one of ${UsageType.options.join(', ')}`);
  const dateText = get('usage_date');
  let usageDate: string;
  try {
    // An instant, never a bare day: usage is rated by when it happened.
    if (!dateText.includes('T')) throw new RangeError('no time');
    usageDate = normaliseAt(dateText);
  } catch {
    return at('BAD_DATE', `usage_date ${JSON.stringify(dateText)} is not an ISO 8601 instant with a zone, such as 2026-11-03T08:15:00Z`);
  }
  const quantityText = get('quantity');
  const unit = UsageRecordUnit.safeParse(get('unit'));
  if (!unit.success) return at('BAD_UNIT', `unit ${JSON.stringify(get('unit'))} is not one of ${UsageRecordUnit.options.join(', ')}`);
  if (!WHOLE.test(quantityText)) {
    return /^-\d/.test(quantityText)
      ? at('NEGATIVE_QUANTITY', `quantity ${quantityText} is negative`)
      : at('INVALID_QUANTITY', `quantity ${JSON.stringify(quantityText)} is not a whole number of ${unit.data}`);
  }
  const zone = get('zone');
  const destinationText = get('destination');
  const destination = destinationText === '' ? undefined : DestinationClass.safeParse(destinationText);
  if (destination && !destination.success) {
    return at('BAD_DESTINATION', `destination ${JSON.stringify(destinationText)} is not one of ${DestinationClass.options.join(', ')}`);
  }
  const service = get('service');
  if (service !== '' && !SERVICE.test(service)) return at('BAD_SERVICE', 'service must be 1–32 printable characters without spaces');
  if (zone.length > 16) return at('UNKNOWN_ZONE', `zone ${JSON.stringify(zone)} is not a roaming zone id`);

  return {
    ok: true,
    lineNo: line.lineNo,
    raw,
    ref: { productId, msisdn },
    record: {
      id: usageId,
      usageType: usageType.data,
      usageDate,
      quantity: Number(quantityText),
      unit: unit.data,
      ...(zone === '' ? {} : { zone }),
      ...(destination ? { destination: destination.data } : {}),
      ...(service === '' ? {} : { service }),
    },
  };
}
