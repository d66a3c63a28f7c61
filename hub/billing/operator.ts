import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { HubDb } from '../db/hub-db.ts';
import type { HubLimits } from '../runtime/limits.ts';
import { runBills, type BillRunOptions, type BillRunReport } from './bill-run.ts';
import { importUsage, type UsageImportReport } from './usage-import.ts';

/**
 * Usage imports and bill runs as operator commands: straight on the database here, or through the
 * operator API of the hub process serving an embedded database (hub/runtime/operator-commands.ts).
 */

export type Progress = NonNullable<BillRunOptions['onProgress']>;

export interface BillingCommands {
  /** Throws VALIDATION (nothing changed) when the file's header is not valid. */
  importUsage(file: string): Promise<UsageImportReport>;
  billRun(cycle: string, onProgress?: Progress): Promise<BillRunReport>;
}

export function directBillingCommands(db: HubDb, limits: HubLimits): BillingCommands {
  return {
    importUsage: (file) => importUsage(db, createReadStream(file), { fileName: path.basename(file), maxAmounts: limits.maxAmounts }),
    billRun: (cycle, onProgress) => runBills(db, cycle, onProgress ? { onProgress } : {}),
  };
}
