// `npm start`: Electron where its binary exists; otherwise say why in one line and run the same
// core in the browser host, opening a Chromium app window when there is a display.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function electronBinary() {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('electron/package.json'));
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const bin = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(bin) ? bin : undefined;
  }
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = path.join(dir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(bin) ? bin : undefined;
}

const run = (command, args) => {
  const child = spawn(command, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
};

const electron = electronBinary();
if (electron && !process.argv.includes('--browser')) {
  run(electron, ['.']);
} else {
  console.log(
    electron
      ? 'Starting the browser host (--browser).'
      : 'Electron binary not installed (it could not be downloaded here): starting the same kiosk in the browser host instead.',
  );
  run(process.execPath, ['dist/host/browser-host.mjs', '--open']);
}
