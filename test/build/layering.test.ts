import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import ts from 'typescript';

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

  it('keeps shared/ free of Node, except shared/node/, which only the Node layers import', async () => {
    expect(await importErrors('shared/billing/x.ts', `import { createHash } from 'node:crypto';\nexport const a = createHash;\n`)).toHaveLength(1);
    expect(await importErrors('shared/billing/x.ts', `import { hashPin } from '../node/pin.ts';\nexport const a = hashPin;\n`)).toHaveLength(1);
    expect(await importErrors('shared/node/x.ts', `import { createHash } from 'node:crypto';\nexport const a = createHash;\n`)).toEqual([]);
    expect(await importErrors('shared/node/x.ts', `import { startCore } from '../../electron/core/kiosk-core.ts';\nexport const a = startCore;\n`)).toHaveLength(1);
    expect(await importErrors('renderer/src/lib/x.ts', `import { hashPin } from '../../../shared/node/pin.ts';\nexport const a = hashPin;\n`)).toHaveLength(1);
    expect(await importErrors('electron/core/x.ts', `import { hashPin } from '../../shared/node/pin.ts';\nexport const a = hashPin;\n`)).toEqual([]);
  });

  it('lets the hub import shared/ and Node, never the kiosk', async () => {
    expect(await importErrors('hub/x.ts', `import { hashPin } from '../shared/node/pin.ts';\nimport fs from 'node:fs';\nexport const a = [hashPin, fs];\n`)).toEqual([]);
    expect(await importErrors('hub/x.ts', `import { startCore } from '../electron/core/kiosk-core.ts';\nexport const a = startCore;\n`)).toHaveLength(1);
    expect(await importErrors('hub/x.ts', `import { app } from 'electron';\nexport const a = app;\n`)).toHaveLength(1);
  });
});

describe('per-layer tsconfigs', () => {
  function files(config: string): string[] {
    const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    return (parsed?.fileNames ?? []).map((f) => f.replace(`${process.cwd()}/`, ''));
  }

  it('check shared/node/ with Node types (core, hub) and never without (shared, renderer)', () => {
    for (const config of ['electron/core/tsconfig.json', 'hub/tsconfig.json']) expect(files(config)).toContain('shared/node/pin.ts');
    for (const config of ['shared/tsconfig.json', 'renderer/tsconfig.json']) {
      const checked = files(config);
      expect(checked).toContain('shared/demo/generator.ts');
      expect(checked.filter((f) => f.startsWith('shared/node/'))).toEqual([]);
    }
  });
});
