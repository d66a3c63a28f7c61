import { describe, expect, it, vi } from 'vitest';
import type { Session } from 'electron';
import { ALLOWED_PERMISSIONS, applyPermissionPolicy } from '../../electron/shell/permissions.ts';

vi.mock('electron', () => ({}));

type RequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
type CheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
type DeviceHandler = Parameters<Session['setDevicePermissionHandler']>[0];

function applied() {
  const fake = {
    setPermissionRequestHandler: vi.fn<(handler: RequestHandler) => void>(),
    setPermissionCheckHandler: vi.fn<(handler: CheckHandler) => void>(),
    setDevicePermissionHandler: vi.fn<(handler: DeviceHandler) => void>(),
  };
  applyPermissionPolicy(fake);
  const request = fake.setPermissionRequestHandler.mock.calls[0]?.[0];
  const check = fake.setPermissionCheckHandler.mock.calls[0]?.[0];
  const device = fake.setDevicePermissionHandler.mock.calls[0]?.[0];
  if (!request || !check || !device) throw new Error('handlers not set');
  return { request, check, device };
}

const PERMISSIONS = ['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal', 'pointerLock', 'display-capture', 'hid', 'serial', 'usb', 'idle-detection', 'unknown'] as const;
type Permission = Parameters<RequestHandler & object>[1];
type CheckPermission = Parameters<CheckHandler & object>[1];

describe('permissions', () => {
  it('keeps the allow-list empty', () => {
    expect(ALLOWED_PERMISSIONS).toEqual([]);
    expect(Object.isFrozen(ALLOWED_PERMISSIONS)).toBe(true);
  });

  it.each(PERMISSIONS)('denies a request for %s with callback(false)', (permission) => {
    const { request } = applied();
    const callback = vi.fn();
    request(null as never, permission as Permission, callback, {} as never);
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
  });

  it.each(PERMISSIONS)('answers false to a check for %s', (permission) => {
    const { check } = applied();
    expect(check(null, permission as CheckPermission, 'app://kiosk', {} as never)).toBe(false);
  });

  it('denies USB, HID and serial devices', () => {
    const { device } = applied();
    expect(device({ deviceType: 'usb', origin: 'app://kiosk', device: {} } as never)).toBe(false);
  });
});
