import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isChannelName, isEventName, type KioskBridge } from '../shared/contract/index.ts';

/**
 * The only thing the screens get from Electron: the contract's channels and events. Nothing from
 * ipcRenderer leaks through, not even the event object handed to listeners.
 */
export const bridge: KioskBridge = Object.freeze({
  invoke(channel: string, input: unknown): Promise<unknown> {
    if (!isChannelName(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'This request is not part of the kiosk contract.' } });
    }
    return ipcRenderer.invoke(channel, input);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!isEventName(event) || typeof listener !== 'function') return () => {};
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(event, forward);
    return () => {
      ipcRenderer.removeListener(event, forward);
    };
  },
});

contextBridge.exposeInMainWorld('kiosk', bridge);
