import type { KioskBridge } from '../../shared/contract/index.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in the browser host, where the HTTP bridge is used. */
    kiosk?: KioskBridge;
  }
}

export {};
