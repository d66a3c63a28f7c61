import { cleanup } from '@testing-library/svelte';
import { afterEach, vi } from 'vitest';

// No globals in this vitest project, so testing-library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  localStorage.clear();
  sessionStorage.clear();
  const html = document.documentElement;
  html.removeAttribute('lang');
  html.removeAttribute('dir');
  delete html.dataset['text'];
  delete html.dataset['contrast'];
});
