import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// build/security-scan.mjs runs Electronegativity in a child process: each scan takes 5 to 15 s.
const SCAN_TIMEOUT = 120_000;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

const scan = (...args: string[]) => run(process.execPath, ['build/security-scan.mjs', ...args]);
const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onebill-scan-test-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** The built screens: dist/renderer when built (npm test builds first), or a fresh build elsewhere. */
async function builtRenderer(): Promise<string> {
  if (existsSync('dist/renderer/index.html')) return 'dist/renderer';
  const outDir = path.join(tempDir(), 'renderer');
  // As `npm run build` does it: vitest's NODE_ENV=test would give Svelte's development build.
  const built = await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { ...process.env, NODE_ENV: 'production' });
  expect(built.status, built.output).toBe(0);
  return outDir;
}

describe('the Electron security scan (npm run security:scan)', () => {
  it(
    'fails on a window that gives the page Node.js, and names the finding and where it is',
    async () => {
      const { status, output } = await scan('--input', 'test/fixtures/insecure-electron');
      expect(status, output).toBe(1);
      expect(output).toMatch(/HIGH \(rated INFORMATIONAL\)\s+FIRM\s+NODE_INTEGRATION_JS_CHECK\s+test\/fixtures\/insecure-electron\/main\.js:9:\d+\s+FAIL/);
      expect(output).toMatch(/CONTEXT_ISOLATION_JS_CHECK\s+test\/fixtures\/insecure-electron\/main\.js:6:\d+\s+FAIL/);
      expect(output).toContain('Security scan FAILED');
    },
    SCAN_TIMEOUT,
  );

  it(
    'passes the kiosk as it is: electron/ and the built screens',
    async () => {
      const { status, output } = await scan('--input', 'electron', '--input', await builtRenderer());
      expect(status, output).toBe(0);
      expect(output).toContain('also scanned: generated-for-the-scan/effective-electron-config.js');
      expect(output).toContain('KIOSK_WINDOW_OPTIONS_CHECK: those window options compared with the hardened ones (REQUIRED_WINDOW_OPTIONS): 0 difference(s)');
      expect(output).toContain('0 HIGH or MEDIUM not in the allow-list; 0 file(s) could not be scanned');
    },
    SCAN_TIMEOUT,
  );

  it(
    'fails on each window option weakened in the kiosk, those Electronegativity rates low or not at all included',
    async () => {
      const copy = path.join(tempDir(), 'electron');
      cpSync('electron', copy, { recursive: true });
      const windowFile = path.join(copy, 'shell/window.ts');
      const weakenings: [string, string][] = [
        ['  experimentalFeatures: false,', '  experimentalFeatures: true,'],
        ['  enableWebSQL: false,', "  enableWebSQL: true,\n  enableBlinkFeatures: 'CSSPseudoHas',"],
        ['  navigateOnDragDrop: false,', '  navigateOnDragDrop: true,'],
        ['  safeDialogs: true,\n', ''],
      ];
      let source = readFileSync(windowFile, 'utf8');
      for (const [from, to] of weakenings) {
        expect(source).toContain(from);
        source = source.replace(from, to);
      }
      writeFileSync(windowFile, source);

      const { status, output } = await scan('--input', copy);
      expect(status, output).toBe(1);
      for (const described of [
        'webPreferences.experimentalFeatures is true; a packaged kiosk needs false',
        'webPreferences.enableWebSQL is true; a packaged kiosk needs false',
        'webPreferences.enableBlinkFeatures is "CSSPseudoHas"; a packaged kiosk needs it not set',
        'webPreferences.navigateOnDragDrop is true; a packaged kiosk needs false',
        'webPreferences.safeDialogs is not set; a packaged kiosk needs true',
      ]) {
        expect(output).toContain(`FAIL KIOSK_WINDOW_OPTIONS_CHECK at input-1-electron/shell/window.ts: ${described}`);
      }
      expect(output).toContain('KIOSK_WINDOW_OPTIONS_CHECK: those window options compared with the hardened ones (REQUIRED_WINDOW_OPTIONS): 5 difference(s)');
    },
    SCAN_TIMEOUT,
  );

  it(
    'fails on a MEDIUM finding the allow-list does not name; a LOW one is printed for review',
    async () => {
      const allowList = path.join(tempDir(), 'allow.json');
      const kept = (JSON.parse(readFileSync('build/security-scan-allow.json', 'utf8')) as { allow: { check: string }[] }).allow.filter((entry) =>
        ['AUXCLICK_JS_CHECK'].includes(entry.check),
      );
      writeFileSync(allowList, JSON.stringify({ allow: kept }));

      const { status, output } = await scan('--input', 'electron', '--allow', allowList);
      expect(status, output).toBe(1);
      expect(output).toMatch(/MEDIUM\s+FIRM\s+PRELOAD_JS_CHECK\s+generated-for-the-scan\/effective-electron-config\.js:\d+:\d+\s+FAIL/);
      expect(output).toMatch(/MEDIUM\s+FIRM\s+AUXCLICK_JS_CHECK\s+\S+\s+allowed/);
      expect(output).toMatch(/LOW\s+FIRM\s+CSP_GLOBAL_CHECK\s+\S+\s+review/);
      expect(output).toContain('1 HIGH or MEDIUM not in the allow-list');
    },
    SCAN_TIMEOUT,
  );

  it(
    'sees the window options the kiosk computes: no sandbox or no context isolation fails the scan',
    async () => {
      const copy = path.join(tempDir(), 'electron');
      cpSync('electron', copy, { recursive: true });
      const windowFile = path.join(copy, 'shell/window.ts');
      const weakened = readFileSync(windowFile, 'utf8').replace('  sandbox: true,', '  sandbox: false,').replace('  contextIsolation: true,', '  contextIsolation: false,');
      writeFileSync(windowFile, weakened);

      const { status, output } = await scan('--input', copy);
      expect(status, output).toBe(1);
      expect(output).toMatch(/SANDBOX_JS_CHECK\s+generated-for-the-scan\/effective-electron-config\.js:\d+:\d+\s+FAIL/);
      expect(output).toMatch(/CONTEXT_ISOLATION_JS_CHECK\s+generated-for-the-scan\/effective-electron-config\.js:\d+:\d+\s+FAIL/);
    },
    SCAN_TIMEOUT,
  );

  it(
    'lets a reviewed HIGH or MEDIUM finding through only when the allow-list names its check and file with a reason',
    async () => {
      const dir = tempDir();
      const allowList = path.join(dir, 'allow.json');
      const file = 'test/fixtures/insecure-electron/main.js';
      const reason = 'Test fixture: it exists to be insecure and is never loaded.';
      writeFileSync(
        allowList,
        JSON.stringify({
          allow: [
            { check: 'NODE_INTEGRATION_JS_CHECK', file, reason },
            { check: 'CONTEXT_ISOLATION_JS_CHECK', file, reason },
            { check: 'SANDBOX_JS_CHECK', file: 'test/fixtures/**/*.js', reason },
            { check: 'LIMIT_NAVIGATION_GLOBAL_CHECK', file: 'N/A', reason },
            // MEDIUM fails too.
            { check: 'AUXCLICK_JS_CHECK', file, reason },
            { check: 'CSP_GLOBAL_CHECK', file: 'N/A', reason },
            { check: 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', file: 'N/A', reason },
          ],
        }),
      );
      const allowed = await scan('--input', 'test/fixtures/insecure-electron', '--allow', allowList);
      expect(allowed.status, allowed.output).toBe(0);
      expect(allowed.output).toMatch(/NODE_INTEGRATION_JS_CHECK\s+test\/fixtures\/insecure-electron\/main\.js:9:\d+\s+allowed/);

      writeFileSync(allowList, JSON.stringify({ allow: [{ check: 'NODE_INTEGRATION_JS_CHECK', file, reason: 'ok' }] }));
      const unexplained = await scan('--input', 'test/fixtures/insecure-electron', '--allow', allowList);
      expect(unexplained.status).toBe(2);
      expect(unexplained.output).toContain('needs a written reason');
    },
    SCAN_TIMEOUT,
  );
});
