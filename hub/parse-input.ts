import type { z } from 'zod';
import { KioskError } from '../shared/errors.ts';

/**
 * Parses a request's body, params or query, or a command's input; a bad one is a VALIDATION
 * error (a 400 over HTTP) that names each problem. Here, not in hub/http, because domain code
 * checks what the command line hands it the same way.
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
  throw new KioskError('VALIDATION', `The request ${what} is not valid: ${problems.join('; ')}`, { problems });
}
