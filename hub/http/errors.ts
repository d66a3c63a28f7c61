import type { FastifyError, FastifyInstance } from 'fastify';
import { KioskError, type ErrorCode, type KioskErrorData } from '../../shared/errors.ts';

/** Errors leave the hub as the kiosk's error data (`{ error: { code, message, details? } }`) with the matching HTTP status. */
export const statusOf: Partial<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  AUTH_FAILED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  THROTTLED: 429,
};

function clientErrorStatus(error: unknown): number | null {
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    let status = 500;
    let data: KioskErrorData = { code: 'INTERNAL', message: 'The hub could not complete the request.' };
    const clientStatus = clientErrorStatus(error);
    if (error instanceof KioskError) {
      status = statusOf[error.code] ?? 500;
      data = error.toData();
    } else if (clientStatus !== null && error instanceof Error) {
      // Fastify's own refusals (malformed JSON, wrong content type, body too large) are the client's mistake.
      status = clientStatus;
      data = { code: 'VALIDATION', message: error.message };
    }
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send({ error: data });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No ${request.method} ${request.url} on this hub.` } }),
  );
}
