import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { KioskError } from '../../../shared/errors.ts';
import { parseInput } from '../../parse-input.ts';
import type { ActiveFilter, ListQuery, ResourceSpec, TmfResource } from '../../tmf/list.ts';

/**
 * TMF630 list queries: attribute filters (`state=sent`, `billingAccount.id=…`; a comma lists
 * alternatives), `fields=a,b` (id, href and @type always come back), `offset`/`limit`, and the
 * X-Total-Count / X-Result-Count headers.
 */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

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
