import { KioskError } from '../../../shared/errors.ts';

export type DeviceName = 'terminal' | 'cashAcceptor' | 'printer';

/**
 * Why a device call failed. `disconnected` is the one that needs care: the device may have acted
 * before the link dropped, so the caller must `lookup` the intent rather than assume nothing
 * happened.
 */
export type DeviceErrorKind =
  /** The link to the device was lost (or never there); the outcome of the call is unknown. */
  | 'disconnected'
  /** The device is working on another request; nothing was done for this one. */
  | 'busy'
  /** The printer has no paper; nothing was printed. */
  | 'paperOut'
  /** The same intent id was sent again with a different amount or currency. */
  | 'intentConflict'
  /** The device cannot do this at all (e.g. a currency the cash acceptor does not take). */
  | 'unsupported'
  /** The device's own non-volatile memory could not be read or written. */
  | 'journal';

/** A device failure. Programming errors (bad arguments) are RangeErrors instead. */
export class DeviceError extends Error {
  override name = 'DeviceError';

  constructor(
    readonly device: DeviceName,
    readonly kind: DeviceErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** What crosses the process boundary: code DEVICE with which device and why, never more. */
  toKioskError(): KioskError {
    return new KioskError('DEVICE', this.message, { device: this.device, kind: this.kind });
  }
}

export function isDeviceError(error: unknown, kind?: DeviceErrorKind): error is DeviceError {
  return error instanceof DeviceError && (kind === undefined || error.kind === kind);
}
