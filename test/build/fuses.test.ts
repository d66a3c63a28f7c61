import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// build/fuses.cjs is what electron-builder loads, so test that very file.
const require = createRequire(import.meta.url);

type FuseName =
  | 'RunAsNode'
  | 'EnableCookieEncryption'
  | 'EnableNodeOptionsEnvironmentVariable'
  | 'EnableNodeCliInspectArguments'
  | 'EnableEmbeddedAsarIntegrityValidation'
  | 'OnlyLoadAppFromAsar'
  | 'LoadBrowserProcessSpecificV8Snapshot'
  | 'GrantFileProtocolExtraPrivileges';
interface PackContext {
  electronPlatformName: string;
  appOutDir: string;
  packager: { appInfo: { productFilename: string }; executableName: string };
}
interface FusesModule {
  (context: PackContext, flip?: (binary: string, config: object) => Promise<unknown>): Promise<void>;
  FUSES: Readonly<Record<FuseName, boolean>>;
  fuseConfig(platform: string): Record<string, unknown>;
  electronBinaryPath(context: PackContext): string;
  default: FusesModule;
}

const fuses = require('../../build/fuses.cjs') as FusesModule;
const { FuseV1Options, FuseVersion } = require('@electron/fuses') as {
  FuseV1Options: Record<string, number | string>;
  FuseVersion: { V1: string };
};

const context = (electronPlatformName: string): PackContext => ({
  electronPlatformName,
  appOutDir: '/release/linux-unpacked',
  packager: { appInfo: { productFilename: 'OneBill Kiosk' }, executableName: 'onebill-kiosk' },
});

describe('Electron fuses', () => {
  it('turns off running as plain Node', () => expect(fuses.FUSES.RunAsNode).toBe(false));
  it('ignores NODE_OPTIONS', () => expect(fuses.FUSES.EnableNodeOptionsEnvironmentVariable).toBe(false));
  it('ignores --inspect arguments', () => expect(fuses.FUSES.EnableNodeCliInspectArguments).toBe(false));
  it('only loads the app from app.asar', () => expect(fuses.FUSES.OnlyLoadAppFromAsar).toBe(true));
  it('validates the embedded asar integrity', () => expect(fuses.FUSES.EnableEmbeddedAsarIntegrityValidation).toBe(true));
  it('encrypts cookies at rest', () => expect(fuses.FUSES.EnableCookieEncryption).toBe(true));
  it('gives file:// no extra privileges', () => expect(fuses.FUSES.GrantFileProtocolExtraPrivileges).toBe(false));

  it('sets every fuse that @electron/fuses knows, strictly', () => {
    const known = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));
    expect(Object.keys(fuses.FUSES).sort()).toEqual(known.sort());
    const config = fuses.fuseConfig('linux');
    expect(config.version).toBe(FuseVersion.V1);
    expect(config.strictlyRequireAllFuses).toBe(true);
    for (const name of known) expect(config[String(FuseV1Options[name])], name).toBe(fuses.FUSES[name as FuseName]);
  });

  it('flips the fuses on the packaged binary of each platform', async () => {
    const flip = vi.fn(async () => 1);
    await fuses(context('linux'), flip);
    await fuses(context('win32'), flip);
    await fuses(context('darwin'), flip);
    expect(flip.mock.calls.map((call: unknown[]) => call[0])).toEqual([
      path.join('/release/linux-unpacked', 'onebill-kiosk'),
      path.join('/release/linux-unpacked', 'OneBill Kiosk.exe'),
      path.join('/release/linux-unpacked', 'OneBill Kiosk.app'),
    ]);
    const [linux, , darwin] = flip.mock.calls.map((call: unknown[]) => call[1] as Record<string, unknown>);
    expect(linux?.resetAdHocDarwinSignature).toBe(false);
    expect(darwin?.resetAdHocDarwinSignature).toBe(true);
    expect(linux?.[String(FuseV1Options.RunAsNode)]).toBe(false);
  });

  it('is the afterPack hook electron-builder resolves', () => {
    expect(fuses.default).toBe(fuses);
    const yml = readFileSync(path.resolve(import.meta.dirname, '../../electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/^afterPack: \.\/build\/fuses\.cjs$/m);
  });
});
