import type { App } from 'electron';

/**
 * Switches that attach a debugger to the kiosk or change how its JavaScript runs. Whoever can edit
 * the kiosk's launcher (a systemd unit, a desktop file) would otherwise get the main process and
 * the screens, the customers' data in them, over a socket. The inspect fuse (build/fuses.cjs)
 * already closes Node's; this refuses them all in a packaged build, Chromium's too.
 */
export const REFUSED_SWITCHES: readonly string[] = Object.freeze([
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-allow-origins',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'inspect-brk-node',
  'inspect-publish-uid',
  'debug-port', // Node's old name for inspect-port
  'js-flags',
]);

/**
 * The refused switches found in `argv` (the arguments after the executable), in any spelling
 * Chromium or Node accepts: `--name`, `--name=value`, `-name`, `/name` on Windows, any case,
 * `_` for `-`. Everything is looked at, after `--` too: Node reads its options wherever they are.
 */
export function refusedSwitches(argv: readonly string[], platform: NodeJS.Platform = process.platform): string[] {
  const prefix = platform === 'win32' ? /^(--|-|\/)/ : /^(--|-)/;
  const found = new Set<string>();
  for (const arg of argv) {
    if (!prefix.test(arg)) continue;
    const name = arg.replace(prefix, '').split('=')[0]!.toLowerCase().replace(/_/g, '-');
    if (REFUSED_SWITCHES.includes(name)) found.add(name);
  }
  return [...found];
}

/**
 * In a packaged build, quits at once (exit code 1, before anything opens) when started with a
 * refused switch; development builds keep them. Returns whether the kiosk may go on.
 */
export function refuseDebugSwitches(
  app: Pick<App, 'isPackaged' | 'exit'>,
  argv: readonly string[],
  report: (switches: string[]) => void,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (!app.isPackaged) return true;
  const refused = refusedSwitches(argv, platform);
  if (refused.length === 0) return true;
  report(refused);
  app.exit(1);
  return false;
}
