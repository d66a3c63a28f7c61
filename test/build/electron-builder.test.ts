import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// js-yaml comes with electron-builder, which reads this same file with it.
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  afterPack: string;
  directories: { buildResources: string };
  linux: { target: string[] };
}
const config = load(readFileSync(path.resolve(import.meta.dirname, '../../electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it('names the product', () => {
    expect(config.productName).toBe('OneBill Kiosk');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
  });
  it('packs only the build output into an asar, with the SQLite addon unpacked', () => {
    expect(config.files).toEqual(['dist/**', '!dist/host/**', 'package.json']);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack.some((glob) => glob.includes('better-sqlite3') && glob.endsWith('*.node'))).toBe(true);
  });
  it('starts the bundled ESM main, which the packed files include', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/electron/main.mjs');
  });
  it('flips fuses after packing', () => expect(config.afterPack).toBe('./build/fuses.cjs'));
  it('builds an AppImage and a deb', () => expect(config.linux.target).toEqual(['AppImage', 'deb']));
  it('keeps build resources in build/', () => expect(config.directories.buildResources).toBe('build'));
});
