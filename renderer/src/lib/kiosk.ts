import { createKioskApi, type KioskApi } from '../../../shared/contract/index.ts';
import { createHttpBridge } from './bridge/http-bridge.ts';

/**
 * The one typed API for the running app: the Electron preload's bridge when there is one,
 * otherwise HTTP to the browser host. Only main.ts imports this; screens receive the API through
 * the app state so tests can hand them a fake.
 */
export const kiosk: KioskApi = createKioskApi(window.kiosk ?? createHttpBridge());
