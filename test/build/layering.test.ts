import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint();
async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rule', () => {
  it('keeps Node, electron and the core out of the renderer', async () => {
    expect(await importErrors('renderer/src/lib/x.ts', `import fs from 'node:fs';\nexport const a = fs;\n`)).toHaveLength(1);
    expect(await importErrors('renderer/src/lib/x.ts', `import { app } from 'electron';\nexport const a = app;\n`)).toHaveLength(1);
    expect(await importErrors('renderer/src/lib/x.ts', `import { startCore } from '../../../electron/core/kiosk-core.ts';\nexport const a = startCore;\n`)).toHaveLength(1);
    expect(await importErrors('renderer/src/lib/x.ts', `import { channels } from '../../../shared/contract/index.ts';\nexport const a = channels;\n`)).toEqual([]);
  });

  it('keeps electron out of the core and the browser host', async () => {
    expect(await importErrors('electron/core/x.ts', `import { app } from 'electron';\nexport const a = app;\n`)).toHaveLength(1);
    expect(await importErrors('electron/browser-host/x.ts', `import { app } from 'electron';\nexport const a = app;\n`)).toHaveLength(1);
    expect(await importErrors('electron/core/x.ts', `import fs from 'node:fs';\nexport const a = fs;\n`)).toEqual([]);
  });

  it('lets the Electron shell import electron', async () => {
    expect(await importErrors('electron/shell/x.ts', `import { app } from 'electron';\nexport const a = app;\n`)).toEqual([]);
  });
});
