import { pino, type DestinationStream, type Logger } from 'pino';
import { redactLogLine } from './redact.ts';

export interface RedactingLoggerOptions {
  /** Written as `app` on every line. */
  app: string;
  level: string;
  destination: DestinationStream;
}

/**
 * The one way the kiosk and the hub make a logger: structured JSON lines in which PINs, card
 * numbers and phone numbers never appear. Every finished line passes through `redactLogLine`
 * (pino's streamWrite hook), after pino's and Fastify's serializers have run, so nothing a log
 * call or a framework adds gets around it. Errors under `err` or `error` keep their message and
 * stack (scrubbed).
 */
export function createRedactingLogger(options: RedactingLoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { app: options.app },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      hooks: { streamWrite: redactLogLine },
    },
    options.destination,
  );
}
