import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint();
async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const importing = (from: string) => `import { statusOf } from '${from}';\nexport const a = statusOf;\n`;

describe('the hub is layered outside in', () => {
  it('refuses the HTTP layer to the domain (billing, decisions, sync, ledger, audit, security, db, the TMF readers)', async () => {
    for (const file of ['billing', 'decisions', 'sync', 'ledger', 'audit', 'security', 'db', 'tmf'].map((folder) => `hub/${folder}/x.ts`)) {
      expect(await importErrors(file, importing('../http/errors.ts')), file).toEqual([expect.stringContaining('never imports the HTTP layer')]);
    }
    expect(await importErrors('hub/db/migrations/x.ts', importing('../../http/operator/contract.ts'))).toHaveLength(1);
    expect(await importErrors('hub/parse-input.ts', importing('./http/errors.ts'))).toHaveLength(1);
  });

  it('lets HTTP, the server and the runtime import HTTP, and the domain import the domain', async () => {
    expect(await importErrors('hub/http/tmf/x.ts', importing('../errors.ts'))).toEqual([]);
    expect(await importErrors('hub/server.ts', importing('./http/errors.ts'))).toEqual([]);
    expect(await importErrors('hub/runtime/x.ts', importing('../http/operator/client.ts'))).toEqual([]);
    expect(await importErrors('hub/tmf/x.ts', importing('../billing/bill-run.ts'))).toEqual([]);
  });

  it('still keeps the kiosk out of the hub domain', async () => {
    expect(await importErrors('hub/billing/x.ts', importing('../../electron/core/kiosk-core.ts'))).toEqual([expect.stringContaining('never the kiosk')]);
  });
});
