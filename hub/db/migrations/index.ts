import type { HubQueryable } from '../hub-db.ts';
import * as central from './0001-central.ts';
import * as push from './0002-push.ts';

export interface HubMigration {
  name: string;
  up(tx: HubQueryable): Promise<void>;
}

/** In order; append new migrations, never edit applied ones. */
export const migrations: HubMigration[] = [
  { name: '0001-central', up: central.up },
  { name: '0002-push', up: push.up },
];
