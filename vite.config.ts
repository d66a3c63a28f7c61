import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The kiosk screens. Built to relative URLs so the same files load from app:// (Electron) and
// from the browser host.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // Inline nothing: the CSP forbids data: and inline scripts.
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1' },
});
