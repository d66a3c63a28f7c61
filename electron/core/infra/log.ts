import type { DestinationStream, Logger } from 'pino';
import { createRedactingLogger } from '../../../shared/node/log.ts';

export type { Logger };

/** Structured logs on stderr; PINs, card numbers and phone numbers are redacted wherever they appear (shared/node/redact.ts). */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return createRedactingLogger({
    app: 'onebill-kiosk',
    level: options.level ?? process.env.KIOSK_LOG_LEVEL ?? 'info',
    destination: options.destination ?? process.stderr,
  });
}
