/**
 * A TMF list as the readers serve it: what each resource may be filtered and narrowed on, the
 * filters a query asked for (parsed from the URL in hub/http/tmf/query.ts) as SQL conditions, and
 * a page read through a resource's `ListSource`.
 */

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

export interface ActiveFilter<T> {
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
