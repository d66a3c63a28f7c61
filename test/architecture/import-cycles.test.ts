import { describe, expect, it } from 'vitest';
import { parseCircular, parseDependencyTree } from 'dpdm';

/**
 * No module of ours imports, through any chain, a module that imports it back: a cycle makes
 * load order matter (a migration that ran before the class it imports existed) and hides which
 * layer owns what. Type-only imports count too: they still tie the two files' designs together.
 */
const roots = ['electron/**/*.ts', 'shared/**/*.ts', 'hub/**/*.ts', 'renderer/src/**/*.ts', 'bench/**/*.ts', 'build/**/*.mjs'];

async function cyclesIn(patterns: string[]): Promise<string[][]> {
  const tree = await parseDependencyTree(patterns, { context: process.cwd(), transform: false, skipDynamicImports: false, include: /\.(ts|mjs)$/, exclude: /node_modules/ });
  return parseCircular(tree);
}

describe('imports', () => {
  it('form no cycle anywhere in the application', async () => {
    expect(await cyclesIn(roots)).toEqual([]);
  }, 120_000);

  it('a cycle is found when there is one (the check itself works)', async () => {
    const cycles = await cyclesIn(['test/architecture/fixtures/cycle-a.ts']);
    expect(cycles).toEqual([['test/architecture/fixtures/cycle-a.ts', 'test/architecture/fixtures/cycle-b.ts']]);
  });
});
