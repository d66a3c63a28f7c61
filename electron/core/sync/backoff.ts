/**
 * How long to wait before the next attempt after `failures` failures in a row: exponential, capped,
 * with full jitter (a random wait between zero and the cap of this round), so a hundred kiosks
 * coming back after an outage do not knock on the hub in step.
 */
export function backoffDelay(failures: number, options: { baseMs: number; maxMs: number; random: () => number }): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.floor(options.random() * ceiling);
}
