import { existsSync } from 'node:fs';
import { chromiumPath } from './chromium.ts';

/** End-to-end needs the built screens and a system Chromium; say plainly what is missing. */
export default function setup(): void {
  if (!existsSync('dist/renderer/index.html')) throw new Error('dist/renderer is missing: run `npm run build` (npm test does) before the end-to-end suite.');
  chromiumPath();
}
