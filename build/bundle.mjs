// Bundles the Node side: Electron main (ESM), the sandboxed preload (one CJS file: a sandboxed
// preload cannot require our modules), the browser host and the sync worker thread. The renderer
// is built by Vite.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.mjs', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
  build({ ...common, entryPoints: ['electron/browser-host/main.ts'], outfile: 'dist/host/browser-host.mjs', format: 'esm', packages: 'external' }),
  // The sync worker thread, next to each host's bundle (the core finds it beside itself).
  ...['dist/electron', 'dist/host'].map((dir) =>
    build({ ...common, entryPoints: ['electron/core/sync/sync-worker.ts'], outfile: `${dir}/sync-worker.mjs`, format: 'esm', packages: 'external' }),
  ),
]);
