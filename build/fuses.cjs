// electron-builder afterPack hook: flips Electron's fuses in the packaged binary, before signing.
// Each fuse closes a way to run the kiosk's Electron as something else than the kiosk.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads hooks as CommonJS */
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

/** By name, so a unit test can assert every value. */
const FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed binary into a plain Node interpreter.
  RunAsNode: false,
  // Cookies encrypted at rest with the OS key store.
  EnableCookieEncryption: true,
  // NODE_OPTIONS could preload arbitrary code into the main process.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect would open a debugger on the main process.
  EnableNodeCliInspectArguments: false,
  // Checks app.asar against the hash embedded at packaging (macOS/Windows; no effect on Linux).
  EnableEmbeddedAsarIntegrityValidation: true,
  // Only our app.asar is loaded, never a loose resources/app folder dropped beside it.
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The screens come from app://, so file:// keeps no special powers.
  GrantFileProtocolExtraPrivileges: false,
});

/** The @electron/fuses config; every fuse it knows is set explicitly. */
function fuseConfig(platform) {
  const config = {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // Flipping fuses breaks the ad-hoc signature of an unsigned macOS build; redo it.
    resetAdHocDarwinSignature: platform === 'darwin' || platform === 'mas',
  };
  for (const [name, value] of Object.entries(FUSES)) {
    if (!(name in FuseV1Options)) throw new Error(`Unknown Electron fuse ${name}`);
    config[FuseV1Options[name]] = value;
  }
  return config;
}

/** Path of the Electron binary (or .app bundle) inside electron-builder's output folder. */
function electronBinaryPath(context) {
  const platform = context.electronPlatformName;
  const { productFilename } = context.packager.appInfo;
  if (platform === 'darwin' || platform === 'mas') return path.join(context.appOutDir, `${productFilename}.app`);
  if (platform === 'win32') return path.join(context.appOutDir, `${productFilename}.exe`);
  return path.join(context.appOutDir, context.packager.executableName);
}

async function afterPack(context, flip = flipFuses) {
  await flip(electronBinaryPath(context), fuseConfig(context.electronPlatformName));
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.afterPack = afterPack;
module.exports.FUSES = FUSES;
module.exports.fuseConfig = fuseConfig;
module.exports.electronBinaryPath = electronBinaryPath;
