import type { FastifyError, FastifyInstance } from 'fastify';
import { KioskError, type ErrorCode } from '../../../shared/errors.ts';
import { statusOf } from '../errors.ts';

/** The TMF630 Error resource: what every /tmf-api failure answers with (the rest of the hub keeps its own format). */
export interface TmfErrorBody {
  code: string;
  reason: string;
  message: string;
  /** An HTTP status code, as text (TMF630 v4 types it as a string). */
  status: string;
  '@type': 'Error';
}

const reasonOf: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** Fastify's own codes for its refusals (bad JSON, wrong media type) become the kiosk-style code that means the same. */
function codeOfStatus(status: number): ErrorCode {
  if (status === 401) return 'AUTH_FAILED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  return status >= 500 ? 'INTERNAL' : 'VALIDATION';
}

export function tmfError(status: number, code: ErrorCode, message: string): TmfErrorBody {
  return { code, reason: reasonOf[status] ?? 'Error', message, status: String(status), '@type': 'Error' };
}

function clientStatus(error: unknown): number | null {
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

/**
 * Inside the TMF plugin's scope only: its routes, its hooks (the operator guard's KioskErrors) and
 * its unknown paths answer with TMF Error bodies, while the hub's other routes keep `{ error }`.
 */
export function installTmfErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    let body = tmfError(500, 'INTERNAL', 'The hub could not complete the request.');
    const fastifyStatus = clientStatus(error);
    if (error instanceof KioskError) {
      const status = statusOf[error.code] ?? 500;
      body = status === 500 ? body : tmfError(status, error.code, error.message);
    } else if (fastifyStatus !== null && error instanceof Error) {
      body = tmfError(fastifyStatus, codeOfStatus(fastifyStatus), error.message);
    }
    if (body.status === '500') request.log.error({ err: error }, 'TMF request failed');
    return reply.status(Number(body.status)).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(tmfError(404, 'NOT_FOUND', `No ${request.method} ${request.url.split('?')[0] ?? ''} in this hub's TM Forum APIs.`)),
  );
}
