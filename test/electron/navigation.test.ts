import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { App } from 'electron';
import { hardenAllWebContents, hardenWebContents } from '../../electron/shell/navigation.ts';
import { FakeWebContents, fakeEvent } from './fakes.ts';

vi.mock('electron', () => ({}));

function hardened() {
  const contents = new FakeWebContents();
  hardenWebContents(contents.asElectron());
  return contents;
}

const FOREIGN = ['https://evil.example/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'app://evil/index.html', 'app://kiosk.evil/', 'data:text/html,hi', 'javascript:alert(1)', 'chrome://settings'];

describe.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s', (eventName) => {
  it.each(FOREIGN)('is prevented for %s', (url) => {
    const contents = hardened();
    const event = fakeEvent({ url });
    contents.emit(eventName, event, url);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('is allowed within app://kiosk', () => {
    const contents = hardened();
    for (const url of ['app://kiosk/index.html', 'app://kiosk/index.html#/account', 'app://kiosk/']) {
      const event = fakeEvent({ url });
      contents.emit(eventName, event, url);
      expect(event.preventDefault).not.toHaveBeenCalled();
    }
  });
});

describe('new windows and webviews', () => {
  it('denies window.open whatever the URL', () => {
    const contents = hardened();
    expect(contents.setWindowOpenHandler).toHaveBeenCalledOnce();
    for (const url of ['https://evil.example/', 'app://kiosk/index.html', 'about:blank']) {
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
  });

  it('prevents attaching a <webview>', () => {
    const contents = hardened();
    const event = fakeEvent();
    contents.emit('will-attach-webview', event, { nodeIntegration: true }, { src: 'https://evil.example/' });
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('hardenAllWebContents', () => {
  it('applies the same guards to every webContents the app creates', () => {
    const app = new EventEmitter();
    hardenAllWebContents(app as unknown as App);
    expect(app.listenerCount('web-contents-created')).toBe(1);
    const contents = new FakeWebContents();
    app.emit('web-contents-created', fakeEvent(), contents);
    expect(contents.setWindowOpenHandler).toHaveBeenCalledOnce();
    const event = fakeEvent({ url: 'https://evil.example/' });
    contents.emit('will-navigate', event, event.url);
    expect(event.preventDefault).toHaveBeenCalled();
  });
});
