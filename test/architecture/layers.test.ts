import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

/**
 * The layer rules (build/eslint/layers.js) refuse what they are there to refuse: each case is a
 * file that does not exist, linted as if it stood at `filePath`, importing a real module.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

const boundary = (from: string, to: string) => `boundaries/dependencies: There is no policy allowing dependencies from elements of type "${from}" to elements of type "${to}"`;

describe('the layers inside shared/ and electron/core/', () => {
  it('let a layer import what it names: the ledger read rules use the billing engine', async () => {
    expect(await problems('shared/ledger/example.ts', `import { allocate } from '../billing/allocation.ts';\nexport const rule = allocate;\n`)).toEqual([]);
  });

  it.each([
    ['the billing engine imports the UI contract', 'shared/billing/example.ts', `import { channels } from '../contract/index.ts';\nexport const c = channels;\n`, boundary('shared-billing', 'shared-contract')],
    ['the domain imports the billing engine', 'shared/domain/example.ts', `import { allocate } from '../billing/allocation.ts';\nexport const a = allocate;\n`, boundary('shared-domain', 'shared-billing')],
    ['a migration imports the audit log', 'electron/core/ledger/migrations/0099-example.ts', `import { AuditLog } from '../../audit/audit-log.ts';\nexport const up = (): unknown => AuditLog;\n`, boundary('core-migrations', 'core-audit')],
    ['the ledger imports a service', 'electron/core/ledger/example.ts', `import { BillQuery } from '../services/bills.ts';\nexport const q = BillQuery;\n`, boundary('core-ledger', 'core-services')],
    ['a service imports the channels (only the composition root does)', 'electron/core/services/example.ts', `import { coreChannels } from '../channels/all-channels.ts';\nexport const c = coreChannels;\n`, boundary('core-services', 'core-channels')],
    ['the sync vocabulary imports the ledger read rules', 'shared/sync/example.ts', `import { paymentStatus } from '../ledger/account-status.ts';\nexport const p = paymentStatus;\n`, boundary('shared-sync', 'shared-ledger')],
    ['a device imports the sync worker', 'electron/core/devices/example.ts', `import { startSync } from '../sync/sync-service.ts';\nexport const s = startSync;\n`, boundary('core-devices', 'core-sync')],
  ])('refuse it when %s', async (_what, filePath, code, expected) => {
    expect(await problems(filePath, code)).toContain(expected);
  });

});
