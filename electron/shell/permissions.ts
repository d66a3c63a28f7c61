import type { Session } from 'electron';

/** The screens need no browser permission (camera, location, notifications, HID…); keep it so. */
export const ALLOWED_PERMISSIONS: readonly string[] = Object.freeze([]);

const allowed = (permission: string) => ALLOWED_PERMISSIONS.includes(permission);

/** Denies every permission request and check, and every device (USB/HID/serial) by default. */
export function applyPermissionPolicy(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(allowed(permission)));
  session.setPermissionCheckHandler((_contents, permission) => allowed(permission));
  session.setDevicePermissionHandler(() => false);
}
