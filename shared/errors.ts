import { z } from 'zod';

/** Stable error codes that cross the process boundary; the renderer maps each to a sentence. */
export const errorCodes = [
  'VALIDATION',
  'UNKNOWN_CHANNEL',
  'NOT_SIGNED_IN',
  'AUTH_FAILED',
  'LOCKED_OUT',
  /** Too many wrong PINs across different accounts at this kiosk: sign-in waits until `retryAt`. */
  'THROTTLED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'DEVICE',
  'OFFLINE_LIMIT',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const KioskErrorData = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type KioskErrorData = z.infer<typeof KioskErrorData>;

/** Thrown inside the core; turned into `{ ok: false, error }` at the boundary. */
export class KioskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'KioskError';
  }

  toData(): KioskErrorData {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: KioskErrorData };

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: KioskErrorData }),
  ]);
}
