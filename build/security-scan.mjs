// `npm run security:scan`: Doyensec's Electronegativity over the Electron code (electron/) and the
// built screens (dist/renderer, after `vite build`), failing when a HIGH or MEDIUM finding is not in
// the reviewed allow-list (build/security-scan-allow.json), or when the window options the kiosk
// computes differ in any way from the hardened ones (REQUIRED_WINDOW_OPTIONS).
//
// Electronegativity itself exits 0 whatever it finds, and its command line does not start in this
// tree (it requires `commander` without declaring it and gets an incompatible hoisted version), so
// this wrapper drives its documented programmatic API in a child process, which writes the results
// as JSON to a temp file; the wrapper reads them, prints a table and decides the exit code:
//   0  no HIGH or MEDIUM finding outside the allow-list, and every file was scanned
//   1  a HIGH or MEDIUM finding outside the allow-list, or a file the scanner could not read
//   2  the scan could not run (missing input, bad allow-list, the scanner failed)
//
// The inputs are copied into one temporary tree (so the whole-application checks see the main
// process and the screens together, as they ship). The scanner's JavaScript front end (esprima,
// escope, estraverse) predates ES2020 and gives up on newer syntax (the Svelte bundle's class
// private fields), so a JavaScript file that uses any is lowered to ES2019 with esbuild first; the
// output names such files, whose line numbers are those of the lowered copy. TypeScript is parsed
// as written (Babel). The window options and headers the kiosk computes in code are scanned too,
// written out as literals (effectiveConfigSource), and a few checks count as HIGH here whatever
// their rating (RAISED_TO_HIGH). Those window options are also compared, key by key, with the
// hardened ones written here (KIOSK_WINDOW_OPTIONS_CHECK, HIGH): Electronegativity rates some of
// them MEDIUM or lower and does not look at others at all.
//
//   node build/security-scan.mjs [--input <dir>]... [--allow <file>] [--json <file>] [--electron-version <x.y.z>]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const SCRIPT = fileURLToPath(import.meta.url);
const DEFAULT_INPUTS = ['electron', 'dist/renderer'];
const DEFAULT_ALLOW = 'build/security-scan-allow.json';
const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];
/** A finding this severe fails the scan unless the allow-list names it with a reason. */
const FAILING = new Set(['HIGH', 'MEDIUM']);
// Electronegativity scans .js/.jsx/.ts/.tsx/.html/.htm only; .mjs/.cjs are scanned under a .js name.
const RENAMED_SUFFIX = '.scan.js';
// Where the effective Electron configuration is written for the scanner (see effectiveConfigSource).
const GENERATED = 'generated-for-the-scan/effective-electron-config.js';

/** Checks left out, each with the reason (printed with every scan). Names are Electronegativity's class names. */
const SKIPPED_CHECKS = {
  AvailableSecurityFixesGlobalCheck:
    "downloads Electron's release list from GitHub during the scan (CI reaches only the npm registry) and reads a package.json the scan does not include; Electron upgrades are tracked as dependency updates",
};

/**
 * Checks this kiosk counts as HIGH whatever Electronegativity rates them (it rates an explicit
 * `nodeIntegration: true` as INFORMATIONAL, a missing sandbox as MEDIUM): the kiosk's hardening is
 * context isolation, the sandbox, no Node.js in the page and web security on.
 */
const RAISED_TO_HIGH = new Set([
  'NODE_INTEGRATION_JS_CHECK',
  'NODE_INTEGRATION_HTML_CHECK',
  'NODE_INTEGRATION_ATTACH_EVENT_JS_CHECK',
  'SANDBOX_JS_CHECK',
  'WEB_SECURITY_JS_CHECK',
  'WEB_SECURITY_HTML_CHECK',
  'INSECURE_CONTENT_JS_CHECK',
  'INSECURE_CONTENT_HTML_CHECK',
]);

/**
 * What electron/shell/window.ts must compute for a packaged build, stated here on its own so a
 * change there cannot also change what it is checked against. Every webPreference is listed; one
 * set that is not listed (enableBlinkFeatures, additionalArguments, a partition…) is a finding too.
 * `preload` only has to be a path.
 */
const { '//': _why, ...hardened } = JSON.parse(readFileSync(new URL('./hardened-window.json', import.meta.url), 'utf8'));
const REQUIRED_WINDOW_OPTIONS = { ...hardened, webPreferences: { preload: 'a path', ...hardened.webPreferences } };
const WINDOW_CHECK = 'KIOSK_WINDOW_OPTIONS_CHECK';

/** Each way `options` differs from REQUIRED_WINDOW_OPTIONS, as a scan issue against `file`. */
function windowOptionIssues(options, file) {
  const issues = [];
  const differs = (name, actual, wanted) =>
    issues.push({
      check: WINDOW_CHECK,
      severity: 'HIGH',
      confidence: 'CERTAIN',
      file,
      line: 0,
      column: 0,
      description: `${name} is ${JSON.stringify(actual) ?? 'not set'}; a packaged kiosk needs ${wanted}`,
      manualReview: false,
      url: 'build/security-scan.mjs REQUIRED_WINDOW_OPTIONS',
    });
  for (const name of ['kiosk', 'fullscreen']) {
    if (options[name] !== REQUIRED_WINDOW_OPTIONS[name]) differs(name, options[name], JSON.stringify(REQUIRED_WINDOW_OPTIONS[name]));
  }
  const prefs = options.webPreferences ?? {};
  const required = REQUIRED_WINDOW_OPTIONS.webPreferences;
  for (const name of new Set([...Object.keys(required), ...Object.keys(prefs)])) {
    const actual = prefs[name];
    if (!(name in required)) differs(`webPreferences.${name}`, actual, 'it not set');
    else if (name === 'preload') {
      if (typeof actual !== 'string') differs('webPreferences.preload', actual, 'a path');
    } else if (actual !== required[name]) differs(`webPreferences.${name}`, actual, JSON.stringify(required[name]));
  }
  return issues;
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Child: runs the scanner over the staged tree and writes its results as JSON.
// ---------------------------------------------------------------------------------------------

async function child(configFile) {
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  const require = createRequire(path.join(process.cwd(), 'package.json'));
  const run = require('@doyensec/electronegativity');
  const { transformSync } = require('esbuild');
  const version = require('@doyensec/electronegativity/package.json').version;

  let windowOptions;
  if (config.effectiveFrom) {
    const window = await import(pathToFileURL(path.join(config.effectiveFrom, 'shell/window.ts')).href);
    const csp = await import(pathToFileURL(path.join(config.effectiveFrom, 'core/security/csp.ts')).href);
    windowOptions = window.kioskWindowOptions({ preloadPath: 'preload.cjs', isPackaged: true, env: {} });
    const generated = path.join(config.stage, GENERATED);
    mkdirSync(path.dirname(generated), { recursive: true });
    writeFileSync(generated, effectiveConfigSource(windowOptions, csp.SECURITY_HEADERS));
  }

  // Lower, file by file, what uses syntax newer than ES2019 (esbuild prints it differently for the
  // two targets), and say which.
  const lowered = [];
  const print = (source, target) => transformSync(source, { loader: 'js', target, supported: { 'top-level-await': true }, legalComments: 'none' }).code;
  for (const file of walk(config.stage)) {
    if (path.extname(file) !== '.js') continue;
    const source = readFileSync(file, 'utf8');
    let es2019;
    try {
      es2019 = print(source, 'es2019');
      if (es2019 === print(source, 'esnext')) continue;
    } catch {
      continue; // not JavaScript esbuild can read: left as it is, and the scanner says if it cannot read it either
    }
    writeFileSync(file, es2019);
    lowered.push(path.relative(config.stage, file));
  }

  const result = await run(
    {
      input: config.stage,
      isRelative: true,
      customScan: [],
      excludeFromScan: config.exclude.map((name) => name.toLowerCase()),
      electronVersionOverride: config.electronVersion,
      parserPlugins: [],
    },
    false,
  );
  const issues = result.issues.map((issue) => ({
    check: issue.id,
    severity: issue.severity.name,
    confidence: issue.confidence.name,
    file: issue.file,
    line: issue.location?.line ?? 0,
    column: issue.location?.column ?? 0,
    description: issue.description,
    manualReview: Boolean(issue.manualReview),
    url: issue.shortenedURL,
    sample: typeof issue.sample === 'string' ? issue.sample.slice(0, 200) : undefined,
  }));
  const errors = result.errors.map((e) => ({ file: path.relative(config.stage, e.file), message: e.message, tolerable: e.tolerable }));
  writeFileSync(config.resultFile, JSON.stringify({ version, checks: result.globalChecks + result.atomicChecks, lowered, issues, errors, windowOptions }));
}

/**
 * The kiosk builds its window options and response headers in functions and constants
 * (electron/shell/window.ts, electron/core/security/csp.ts), which Electronegativity cannot follow:
 * it only reads literal `new BrowserWindow({ webPreferences: { … } })` and literal CSP headers. So
 * the values those modules compute for a packaged build are written out as the literals it reads,
 * and scanned with the code: a regression there (sandbox off, Node in the page, a weaker CSP) is
 * then a finding. Never shipped or run.
 */
function effectiveConfigSource(windowOptions, securityHeaders) {
  const headers = Object.fromEntries(Object.entries(securityHeaders).map(([name, value]) => [name, [value]]));
  return [
    '// Generated by build/security-scan.mjs for Electronegativity only: the kiosk window options',
    '// (electron/shell/window.ts, packaged build) and the headers of every app:// response',
    '// (electron/core/security/csp.ts, sent by electron/shell/protocol.ts), as literals.',
    "import { BrowserWindow, session } from 'electron';",
    '',
    `export const kioskWindow = new BrowserWindow(${JSON.stringify(windowOptions, null, 2)});`,
    '',
    'session.defaultSession.webRequest.onHeadersReceived((details, callback) => {',
    `  callback({ responseHeaders: ${JSON.stringify(headers, null, 2).replace(/\n/g, '\n  ')} });`,
    '});',
    '',
  ].join('\n');
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

// ---------------------------------------------------------------------------------------------
// Parent: stages the inputs, runs the child, applies the allow-list, reports.
// ---------------------------------------------------------------------------------------------

function readAllowList(file) {
  let raw;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`The allow-list ${file} cannot be read: ${error.message}`);
  }
  const entries = raw?.allow;
  if (!Array.isArray(entries)) throw new UsageError(`The allow-list ${file} needs an "allow" array.`);
  return entries.map((entry, i) => {
    const where = `${file}: allow[${i}]`;
    if (entry === null || typeof entry !== 'object') throw new UsageError(`${where} is not an object.`);
    const extra = Object.keys(entry).filter((k) => !['check', 'file', 'reason'].includes(k));
    if (extra.length > 0) throw new UsageError(`${where} has unknown fields: ${extra.join(', ')} (only check, file, reason).`);
    for (const field of ['check', 'file', 'reason']) {
      if (typeof entry[field] !== 'string' || entry[field].trim() === '') throw new UsageError(`${where} needs a non-empty "${field}".`);
    }
    if (entry.reason.trim().length < 20) throw new UsageError(`${where} needs a written reason (a sentence, not "${entry.reason}").`);
    return { check: entry.check.trim().toUpperCase(), file: entry.file.trim(), reason: entry.reason.trim(), matched: 0 };
  });
}

/** `*` matches within a path segment, `**` across segments; anything else literally. */
function fileMatches(pattern, file) {
  if (!pattern.includes('*')) return pattern === file;
  const regex = pattern
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${regex}$`).test(file);
}

/** Copies each input into the stage under its path from the working directory; returns how staged names map back, and each input's staged name. */
function stage(inputs, stageDir) {
  const originals = new Map();
  const names = inputs.map((input, i) => {
    const absolute = path.resolve(input);
    if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
      const hint = input === 'dist/renderer' ? ' (build the screens first: npx vite build)' : '';
      throw new UsageError(`Nothing to scan at ${input}${hint}.`);
    }
    const fromCwd = path.relative(process.cwd(), absolute);
    const name = fromCwd === '' || fromCwd.startsWith('..') || path.isAbsolute(fromCwd) ? `input-${i + 1}-${path.basename(absolute)}` : fromCwd;
    const target = path.join(stageDir, name);
    cpSync(absolute, target, { recursive: true, filter: (src) => path.basename(src) !== 'node_modules' });
    for (const file of walk(target)) {
      const relative = path.relative(stageDir, file).split(path.sep).join('/');
      const ext = path.extname(file);
      if (ext === '.mjs' || ext === '.cjs') {
        renameSync(file, file + RENAMED_SUFFIX);
        originals.set(relative + RENAMED_SUFFIX, relative);
      }
    }
    return name;
  });
  return { originals, names };
}

function installedElectronVersion() {
  try {
    return createRequire(path.join(process.cwd(), 'package.json'))('electron/package.json').version;
  } catch {
    return undefined;
  }
}

function table(rows, headers) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function parent(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string', multiple: true },
      allow: { type: 'string', default: DEFAULT_ALLOW },
      json: { type: 'string' },
      'electron-version': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('Usage: node build/security-scan.mjs [--input <dir>]... [--allow <file>] [--json <file>] [--electron-version <x.y.z>]');
    return 0;
  }
  const inputs = values.input ?? DEFAULT_INPUTS;
  const allow = readAllowList(values.allow);
  const electronVersion = values['electron-version'] ?? installedElectronVersion();

  const work = mkdtempSync(path.join(os.tmpdir(), 'onebill-security-scan-'));
  try {
    const stageDir = path.join(work, 'stage');
    const { originals, names } = stage(inputs, stageDir);
    const resultFile = path.join(work, 'result.json');
    const configFile = path.join(work, 'config.json');
    const effectiveIndex = inputs.findIndex((input) => existsSync(path.resolve(input, 'shell/window.ts')) && existsSync(path.resolve(input, 'core/security/csp.ts')));
    const effectiveFrom = effectiveIndex === -1 ? undefined : path.resolve(inputs[effectiveIndex]);
    writeFileSync(configFile, JSON.stringify({ stage: stageDir, resultFile, electronVersion, exclude: Object.keys(SKIPPED_CHECKS), effectiveFrom }));

    const started = Date.now();
    const scan = spawnSync(process.execPath, [...(effectiveFrom ? ['--import', 'tsx'] : []), SCRIPT, '--child', configFile], { encoding: 'utf8', timeout: 10 * 60_000, env: { ...process.env, LANG: 'en-US', FORCE_COLOR: '0' } });
    if (scan.status !== 0 || !existsSync(resultFile)) {
      process.stderr.write(scan.stdout ?? '');
      process.stderr.write(scan.stderr ?? '');
      throw new UsageError(`Electronegativity did not finish (${scan.error?.message ?? `exit ${scan.status ?? scan.signal}`}).`);
    }
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    const original = (file) => originals.get(file) ?? file;
    const lowered = new Set(result.lowered.map((f) => original(f.split(path.sep).join('/'))));

    const windowIssues = effectiveFrom ? windowOptionIssues(result.windowOptions, `${names[effectiveIndex]}/shell/window.ts`) : [];
    const findings = [...result.issues, ...windowIssues]
      .map((issue) => {
        const file = original(issue.file.split(path.sep).join('/'));
        const entry = allow.find((a) => a.check === issue.check && fileMatches(a.file, file));
        if (entry) entry.matched++;
        const raised = RAISED_TO_HIGH.has(issue.check) && issue.severity !== 'HIGH';
        const severity = raised ? 'HIGH' : issue.severity;
        return { ...issue, severity, raisedFrom: raised ? issue.severity : undefined, file, allowedBecause: entry?.reason, fails: FAILING.has(severity) && !entry };
      })
      .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.file.localeCompare(b.file) || a.line - b.line);
    const unreadable = result.errors.filter((e) => !e.tolerable).map((e) => ({ ...e, file: original(e.file) }));
    const tolerated = result.errors.filter((e) => e.tolerable).map((e) => ({ ...e, file: original(e.file) }));

    console.log(
      `Electronegativity ${result.version} over ${inputs.join(', ')} (Electron ${electronVersion ?? 'version unknown'}; ${result.checks} checks; ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    for (const [name, reason] of Object.entries(SKIPPED_CHECKS)) console.log(`  skipped ${name}: ${reason}`);
    console.log(`  counted as HIGH whatever their rating: ${[...RAISED_TO_HIGH].join(', ')}`);
    if (effectiveFrom) {
      console.log(`  also scanned: ${GENERATED}, the window options and response headers ${path.relative(process.cwd(), effectiveFrom) || '.'}/shell/window.ts and core/security/csp.ts compute, as literals`);
      console.log(`  ${WINDOW_CHECK}: those window options compared with the hardened ones (REQUIRED_WINDOW_OPTIONS): ${windowIssues.length} difference(s)`);
    }
    console.log(`  failing unless allow-listed: ${[...FAILING].join(' and ')}`);
    for (const file of lowered) console.log(`  lowered to ES2019 for the scanner's parser (lines refer to the lowered copy): ${file}`);
    console.log('');
    if (findings.length === 0) console.log('No findings.');
    else {
      const rows = findings.map((f) => [
        f.raisedFrom ? `HIGH (rated ${f.raisedFrom})` : f.severity,
        f.confidence,
        f.check,
        f.file === 'N/A' ? 'N/A (whole application)' : f.line === 0 ? f.file : `${f.file}:${f.line}:${f.column}${lowered.has(f.file) ? ' (lowered)' : ''}`,
        f.fails ? 'FAIL' : f.allowedBecause ? 'allowed (see allow-list)' : 'review',
      ]);
      console.log(table(rows, ['SEVERITY', 'CONFIDENCE', 'CHECK', 'WHERE', 'STATUS']));
    }
    for (const f of findings.filter((x) => x.fails || x.allowedBecause)) {
      console.log(`\n${f.fails ? 'FAIL' : 'allowed'} ${f.check} at ${f.file === 'N/A' || f.line === 0 ? f.file : `${f.file}:${f.line}`}: ${f.description} (${f.url})`);
      if (f.allowedBecause) console.log(`  reviewed: ${f.allowedBecause}`);
    }
    for (const e of unreadable) console.log(`\nFAIL could not scan ${e.file}: ${e.message}`);
    for (const e of tolerated) console.log(`\nwarning: ${e.file} was scanned with a parse warning: ${e.message}`);
    for (const entry of allow.filter((a) => a.matched === 0)) console.log(`\nnote: allow-list entry ${entry.check} ${entry.file} matched nothing in this scan; remove it if the finding is gone.`);

    const failing = findings.filter((f) => f.fails);
    const counts = SEVERITIES.map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`).join(', ');
    const verdict = failing.length > 0 || unreadable.length > 0 ? 'FAILED' : 'passed';
    console.log(
      `\nSecurity scan ${verdict}: ${findings.length} finding(s) (${counts}); ${failing.length} HIGH or MEDIUM not in the allow-list; ${unreadable.length} file(s) could not be scanned.`,
    );
    if (values.json) writeFileSync(values.json, JSON.stringify({ version: result.version, electronVersion, inputs, findings, errors: result.errors, lowered: [...lowered], passed: verdict === 'passed' }, null, 2));
    return verdict === 'passed' ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
  process.exit(0); // the scanner may leave a socket open (its translations download)
} else {
  try {
    process.exitCode = parent(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
  }
}
