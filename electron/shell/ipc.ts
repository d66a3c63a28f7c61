import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { channelNames } from '../../shared/contract/index.ts';
import type { Result } from '../../shared/errors.ts';
import type { Dispatch } from '../core/ipc/dispatch.ts';
import { isAppUrl } from './protocol.ts';
import { silentLog, type ShellLog } from './log.ts';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export const FORBIDDEN_RESULT: Result<never> = Object.freeze({
  ok: false,
  error: Object.freeze({ code: 'FORBIDDEN', message: 'This request did not come from the kiosk screens.' }),
});

/**
 * Only the main frame of our own window, showing app://kiosk, may call the core: not a sub-frame,
 * not another webContents, not a page that somehow navigated elsewhere.
 */
export function validateSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, mainWebContents: WebContents | null | undefined): boolean {
  try {
    const frame = event.senderFrame;
    if (!frame || !mainWebContents) return false;
    if (frame.parent !== null) return false;
    if (!isAppUrl(frame.url)) return false;
    return event.sender === mainWebContents;
  } catch {
    // A frame disposed mid-call throws on access: treat it as untrusted.
    return false;
  }
}

function frameUrl(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): string | null {
  try {
    return event.senderFrame?.url ?? null;
  } catch {
    return null;
  }
}

/**
 * One ipcMain handler per contract channel and no others, so unknown channels never reach the
 * core. Returns a function that removes them.
 */
export function registerContractHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  dispatch: Dispatch,
  isTrustedSender: SenderCheck,
  log: ShellLog = silentLog,
): () => void {
  for (const channel of channelNames) {
    ipcMain.handle(channel, (event, input: unknown) => {
      if (!isTrustedSender(event)) {
        log.warn({ channel, url: frameUrl(event) }, 'IPC call from an untrusted sender refused');
        return FORBIDDEN_RESULT;
      }
      return dispatch(channel, input);
    });
  }
  return () => channelNames.forEach((channel) => ipcMain.removeHandler(channel));
}
