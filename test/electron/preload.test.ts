import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type { KioskBridge } from '../../shared/contract/index.ts';

// Filled in beforeEach; the mock factory reads them lazily.
const h = vi.hoisted(() => ({ exposeInMainWorld: null as unknown as Mock<(key: string, api: unknown) => void>, ipcRenderer: null as unknown as FakeIpcRenderer }));

class FakeIpcRenderer extends EventEmitter {
  invoke = vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } }));
}

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => h.exposeInMainWorld(key, api),
  },
  get ipcRenderer() {
    return h.ipcRenderer;
  },
}));

async function loadPreload(): Promise<KioskBridge> {
  vi.resetModules();
  await import('../../electron/preload.ts');
  const bridge = h.exposeInMainWorld.mock.calls[0]?.[1] as KioskBridge | undefined;
  if (!bridge) throw new Error('nothing exposed');
  return bridge;
}

beforeEach(() => {
  h.exposeInMainWorld = vi.fn();
  h.ipcRenderer = new FakeIpcRenderer();
});

describe('preload', () => {
  it("exposes exactly one object, 'kiosk', with only invoke and on", async () => {
    const bridge = await loadPreload();
    expect(h.exposeInMainWorld).toHaveBeenCalledOnce();
    expect(h.exposeInMainWorld.mock.calls[0]?.[0]).toBe('kiosk');
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(typeof bridge.invoke).toBe('function');
    expect(typeof bridge.on).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('forwards a contract channel to ipcRenderer.invoke with its input only', async () => {
    const bridge = await loadPreload();
    const answer = await bridge.invoke('kiosk.info', {});
    expect(h.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith('kiosk.info', {});
    expect(answer).toEqual({ ok: true, value: { channel: 'kiosk.info', input: {} } });
  });

  it.each(['fs.readFile', 'electron-store-get-data', '__proto__', 'constructor', 'toString', 'session.ended', ''])(
    'never sends the unknown channel %j to the main process',
    async (channel) => {
      const bridge = await loadPreload();
      await expect(bridge.invoke(channel, {})).resolves.toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: expect.any(String) } });
      expect(h.ipcRenderer.invoke).not.toHaveBeenCalled();
    },
  );

  it('gives listeners the payload only, never the IpcRendererEvent', async () => {
    const bridge = await loadPreload();
    const listener = vi.fn();
    bridge.on('session.ended', listener);
    const ipcEvent = { sender: h.ipcRenderer, senderId: 0, ports: [] };
    h.ipcRenderer.emit('session.ended', ipcEvent, { reason: 'idleTimeout' });
    expect(listener).toHaveBeenCalledOnce();
    expect(listener.mock.calls[0]).toEqual([{ reason: 'idleTimeout' }]);
  });

  it('unsubscribes by removing the ipcRenderer listener', async () => {
    const bridge = await loadPreload();
    const listener = vi.fn();
    const off = bridge.on('session.idleWarning', listener);
    expect(h.ipcRenderer.listenerCount('session.idleWarning')).toBe(1);
    off();
    expect(h.ipcRenderer.listenerCount('session.idleWarning')).toBe(0);
    h.ipcRenderer.emit('session.idleWarning', {}, { secondsLeft: 5 });
    expect(listener).not.toHaveBeenCalled();
  });

  it('does not subscribe to events outside the contract', async () => {
    const bridge = await loadPreload();
    const off = bridge.on('electron-store-get-data', vi.fn());
    expect(h.ipcRenderer.eventNames()).toEqual([]);
    expect(typeof off).toBe('function');
    off();
  });
});
