import { z } from 'zod';
import type { HubDb } from '../../db/hub-db.ts';
import type { HubLimits } from '../../runtime/limits.ts';

export interface TmfRouteOptions {
  db: HubDb;
  now: () => Date;
  limits: HubLimits;
}

export const IdParams = z.object({ id: z.string().min(1).max(100) });
/** A single resource takes `fields` and nothing else. */
export const FieldsQuery = z.object({ fields: z.string().min(1).max(2_000).optional() }).strict();
