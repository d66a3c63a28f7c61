import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs; PINs and personal data are redacted wherever they might appear. */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.KIOSK_LOG_LEVEL ?? 'info',
      base: { app: 'onebill-kiosk' },
      redact: { paths: ['pin', '*.pin', 'input.pin', 'identifier', '*.identifier', 'pinHash', '*.pinHash'], censor: '[redacted]' },
    },
    options.destination ?? process.stderr,
  );
}
