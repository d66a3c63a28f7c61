import { defineConfig } from 'vitest/config';

// End-to-end: playwright-core drives the system Chromium against the browser host.
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    globalSetup: ['test/e2e/global-setup.ts'],
    setupFiles: ['test/helpers/private-umask.ts'],
  },
});
