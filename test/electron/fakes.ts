import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type { BrowserWindow, BrowserWindowConstructorOptions, WebContents } from 'electron';

/** Just enough of Electron's objects for the shell adapters; cast at the boundary. */
export class FakeWebContents extends EventEmitter {
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
  readonly send = vi.fn();
  readonly loadURL = vi.fn(() => Promise.resolve());
  readonly forcefullyCrashRenderer = vi.fn();
  readonly session = {
    clearStorageData: vi.fn(() => Promise.resolve()),
    clearCache: vi.fn(() => Promise.resolve()),
  };
  readonly setWindowOpenHandler = vi.fn((handler: (details: { url: string }) => unknown) => {
    this.windowOpenHandler = handler;
  });
  isDestroyed = () => this.destroyed;
  asElectron(): WebContents {
    return this as unknown as WebContents;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  destroyed = false;
  minimized = false;
  readonly loadURL = vi.fn(() => Promise.resolve());
  readonly removeMenu = vi.fn();
  readonly restore = vi.fn();
  readonly show = vi.fn();
  readonly focus = vi.fn();
  isDestroyed = () => this.destroyed;
  isMinimized = () => this.minimized;

  constructor(readonly options: BrowserWindowConstructorOptions = {}) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  asElectron(): BrowserWindow {
    return this as unknown as BrowserWindow;
  }
}

/** An event object like Electron's: records preventDefault. */
export function fakeEvent<T extends object>(fields: T = {} as T): T & { preventDefault: ReturnType<typeof vi.fn>; defaultPrevented: () => boolean } {
  const preventDefault = vi.fn();
  return Object.assign({ preventDefault, defaultPrevented: () => preventDefault.mock.calls.length > 0 }, fields);
}
