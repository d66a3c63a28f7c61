import { describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { channelNames } from '../../shared/contract/index.ts';
import type { Dispatch } from '../../electron/core/ipc/dispatch.ts';
import { FORBIDDEN_RESULT, registerContractHandlers, validateSender } from '../../electron/shell/ipc.ts';
import { FakeWebContents } from './fakes.ts';

vi.mock('electron', () => ({}));

type Handler = (event: IpcMainInvokeEvent, input: unknown) => unknown;

const ourContents = new FakeWebContents().asElectron();
const otherContents = new FakeWebContents().asElectron();
const mainFrame = { parent: null, url: 'app://kiosk/index.html' };

function ipcEvent(sender: WebContents, senderFrame: unknown): IpcMainInvokeEvent {
  return { sender, senderFrame } as unknown as IpcMainInvokeEvent;
}

function setup() {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle: vi.fn((channel: string, handler: Handler) => void handlers.set(channel, handler)),
    removeHandler: vi.fn((channel: string) => void handlers.delete(channel)),
  };
  const dispatch = vi.fn<Dispatch>(async () => ({ ok: true, value: { answered: true } }));
  const unregister = registerContractHandlers(ipcMain, dispatch, (event) => validateSender(event, ourContents));
  const call = (event: IpcMainInvokeEvent, channel = 'kiosk.info', input: unknown = {}) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(event, input);
  };
  return { handlers, ipcMain, dispatch, unregister, call };
}

describe('IPC registration', () => {
  it('registers exactly the contract channels, so unknown channels have no handler', () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual([...channelNames].sort());
    expect(handlers.has('fs.readFile')).toBe(false);
  });

  it('passes a call from our main frame to dispatch', async () => {
    const { call, dispatch } = setup();
    const result = await call(ipcEvent(ourContents, mainFrame), 'session.signIn', { identifier: '600000001', pin: '1234' });
    expect(dispatch).toHaveBeenCalledExactlyOnceWith('session.signIn', { identifier: '600000001', pin: '1234' });
    expect(result).toEqual({ ok: true, value: { answered: true } });
  });

  it('refuses a sub-frame without calling dispatch', async () => {
    const { call, dispatch } = setup();
    const result = await call(ipcEvent(ourContents, { parent: mainFrame, url: 'app://kiosk/frame.html' }));
    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it.each(['https://evil.example/', 'app://evil/index.html', 'app://kiosk.evil/', 'file:///index.html', 'data:text/html,x', ''])(
    'refuses a main frame showing %s',
    async (url) => {
      const { call, dispatch } = setup();
      expect(await call(ipcEvent(ourContents, { parent: null, url }))).toBe(FORBIDDEN_RESULT);
      expect(dispatch).not.toHaveBeenCalled();
    },
  );

  it('refuses another webContents even on our origin', async () => {
    const { call, dispatch } = setup();
    expect(await call(ipcEvent(otherContents, mainFrame))).toBe(FORBIDDEN_RESULT);
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('refuses a call whose frame is gone or throws on access', async () => {
    const { call, dispatch } = setup();
    expect(await call(ipcEvent(ourContents, null))).toBe(FORBIDDEN_RESULT);
    const disposed = {
      parent: null,
      get url(): string {
        throw new Error('Render frame was disposed');
      },
    };
    expect(await call(ipcEvent(ourContents, disposed))).toBe(FORBIDDEN_RESULT);
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('refuses everything while there is no kiosk window', () => {
    expect(validateSender(ipcEvent(ourContents, mainFrame), undefined)).toBe(false);
    expect(validateSender(ipcEvent(ourContents, mainFrame), ourContents)).toBe(true);
  });

  it('removes its handlers', () => {
    const { unregister, handlers, ipcMain } = setup();
    unregister();
    expect(handlers.size).toBe(0);
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(channelNames.length);
  });
});
