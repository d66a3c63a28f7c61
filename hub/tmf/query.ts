import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { KioskError } from '../../shared/errors.ts';
import { parseInput } from '../http/errors.ts';

/**
 * TMF630 list queries: attribute filters (`state=sent`, `billingAccount.id=…`; a comma lists
 * alternatives), `fields=a,b` (id, href and @type always come back), `offset`/`limit`, and the
 * X-Total-Count / X-Result-Count headers.
 */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** Every TMF resource the hub serves has these. */
export interface TmfResource {
  id: string;
  href: string;
  '@type': string;
}

export interface FilterSpec<T> {
  /**
   * A SQL expression (of text) the values are matched against, in the resource's list query.
   * `sqlValue` maps a value to what the column holds (a line id to its bill number, say).
   */
  column?: string;
  sqlValue?: (value: string) => string;
  /** The attribute as computed (from payments, or a bill's document): matched after building, within a narrowed list. */
  derived?: (resource: T) => string | undefined;
  /** Values this attribute can take; anything else is a 400, not an empty list. */
  values?: readonly string[];
}

export interface ResourceSpec<T> {
  /** Top-level attributes `fields` may name. */
  attributes: readonly string[];
  filters: Readonly<Record<string, FilterSpec<T>>>;
  /**
   * Filters that name one account's worth of rows. A derived attribute is computed per account,
   * so filtering on one needs one of these; `always`: the list itself is built in memory (a
   * bill's lines live in its document) and always needs one.
   */
  narrowing: { filters: readonly string[]; always: boolean };
}

interface ActiveFilter<T> {
  name: string;
  values: string[];
  spec: FilterSpec<T>;
}

export interface ListQuery<T> {
  offset: number;
  limit: number;
  /** null: every attribute. */
  fields: ReadonlySet<string> | null;
  filters: ActiveFilter<T>[];
}

const Count = z.string().regex(/^\d{1,9}$/, 'must be a whole number');
const Paging = z.object({
  offset: Count.transform(Number).optional(),
  limit: Count.transform(Number).pipe(z.number().int().min(1).max(MAX_LIMIT)).optional(),
  fields: z.string().min(1).max(2_000).optional(),
});
const RawQuery = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const RESERVED = new Set(['offset', 'limit', 'fields']);
const ALWAYS = ['id', 'href', '@type'];

/** `fields=a,b.c`: the top-level attributes named (a sub-attribute selects its attribute whole); `none`: only id, href, @type. */
export function parseFields(text: string | undefined, attributes: readonly string[]): ReadonlySet<string> | null {
  if (text === undefined) return null;
  const names = text === 'none' ? [] : text.split(',').map((f) => f.trim().split('.')[0] ?? '');
  const unknown = names.filter((n) => !attributes.includes(n) && !ALWAYS.includes(n));
  if (unknown.length > 0) {
    throw new KioskError('VALIDATION', `fields names attributes this resource does not have: ${unknown.join(', ')}. It has ${attributes.join(', ')}.`);
  }
  return new Set([...ALWAYS, ...names]);
}

export function parseListQuery<T>(raw: unknown, spec: ResourceSpec<T>): ListQuery<T> {
  const query = parseInput(RawQuery, raw ?? {}, 'query');
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) throw new KioskError('VALIDATION', `Give ${name} once; list alternatives with commas (${name}=a,b).`);
  }
  const single = query as Record<string, string>;
  const paging = parseInput(Paging, { offset: single.offset, limit: single.limit, fields: single.fields }, 'query');
  const filters: ActiveFilter<T>[] = [];
  for (const [name, value] of Object.entries(single)) {
    if (RESERVED.has(name)) continue;
    const filter = spec.filters[name];
    if (!filter) {
      throw new KioskError('VALIDATION', `Unknown filter ${name}: this list filters on ${Object.keys(spec.filters).join(', ')} (exact match), besides fields, offset and limit.`);
    }
    const values = value.split(',').map((v) => v.trim());
    const bad = values.filter((v) => v.length === 0 || v.length > 200 || (filter.values !== undefined && !filter.values.includes(v)));
    if (bad.length > 0) {
      const allowed = filter.values ? ` (one of ${filter.values.join(', ')})` : '';
      throw new KioskError('VALIDATION', `${name} must be given a value${allowed}; not ${bad.map((b) => JSON.stringify(b)).join(', ')}.`);
    }
    filters.push({ name, values, spec: filter });
  }
  const narrowed = filters.some((f) => spec.narrowing.filters.includes(f.name));
  const derived = filters.filter((f) => f.spec.column === undefined);
  if (!narrowed && (spec.narrowing.always || derived.length > 0)) {
    const why = spec.narrowing.always ? 'This list is read from documents' : `${derived.map((f) => f.name).join(', ')} is computed from payments`;
    throw new KioskError('VALIDATION', `${why}, one account at a time: filter on ${spec.narrowing.filters.join(' or ')} too.`);
  }
  return { offset: paging.offset ?? 0, limit: paging.limit ?? DEFAULT_LIMIT, fields: parseFields(paging.fields, spec.attributes), filters };
}

/** The SQL filters as `AND …` conditions (for a WHERE that already has one), their values appended to `params`. */
export function sqlConditions<T>(query: ListQuery<T>, params: unknown[]): string {
  return query.filters
    .flatMap(({ spec, values }) => {
      if (spec.column === undefined) return [];
      params.push(JSON.stringify(values.map((v) => (spec.sqlValue ? spec.sqlValue(v) : v))));
      return [` AND ${spec.column} IN (SELECT jsonb_array_elements_text($${params.length}::jsonb))`];
    })
    .join('');
}

/** How a resource's rows are read: counted and paged in SQL, or (derived filters) all of an account's, then filtered here. */
export interface ListSource<R, T> {
  count(conditions: string, params: readonly unknown[]): Promise<number>;
  rows(conditions: string, params: readonly unknown[], page: { offset: number; limit: number } | null): Promise<R[]>;
  build(rows: R[]): Promise<T[]>;
}

export async function runList<R, T>(query: ListQuery<T>, spec: ResourceSpec<T>, source: ListSource<R, T>): Promise<{ items: T[]; total: number }> {
  const params: unknown[] = [];
  const conditions = sqlConditions(query, params);
  const derived = query.filters.filter((f) => f.spec.derived !== undefined);
  if (!spec.narrowing.always && derived.length === 0) {
    const rows = await source.rows(conditions, params, { offset: query.offset, limit: query.limit });
    // A short page that is not past the end is the last one: it says the total, and COUNT over 600,000 bills is the slow part of a page.
    const last = rows.length < query.limit && (rows.length > 0 || query.offset === 0);
    const total = last ? query.offset + rows.length : await source.count(conditions, params);
    return { items: await source.build(rows), total };
  }
  const built = await source.build(await source.rows(conditions, params, null));
  const matching = built.filter((item) => derived.every((f) => f.values.includes(f.spec.derived?.(item) ?? '')));
  return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length };
}

/** The attributes `fields` asked for (always id, href and @type). */
export function project(resource: TmfResource, fields: ReadonlySet<string> | null): Record<string, unknown> {
  if (fields === null) return { ...resource };
  return Object.fromEntries(Object.entries(resource).filter(([key]) => fields.has(key)));
}

export function sendList(reply: FastifyReply, items: readonly TmfResource[], total: number, fields: ReadonlySet<string> | null): FastifyReply {
  return reply
    .header('X-Total-Count', String(total))
    .header('X-Result-Count', String(items.length))
    .send(items.map((item) => project(item, fields)));
}
