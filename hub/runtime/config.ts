import path from 'node:path';
import type { DestinationStream, Logger } from 'pino';
import { z } from 'zod';
import type { HubDb } from '../db/hub-db.ts';
import { openPgDb } from '../db/pg.ts';
import { openPgliteDb } from '../db/pglite.ts';
import { createRedactingLogger } from '../../shared/node/log.ts';
import { DEFAULT_LIMITS, MaxAmountsText, type HubLimits } from './limits.ts';

const Env = z.object({
  // Not z.url(): libpq-style URLs such as postgresql://user@/db?host=/var/run/postgresql have no host part.
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL').optional(),
  HUB_DATA_DIR: z.string().min(1).default('.hub-data'),
  HUB_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HUB_HOST: z.string().min(1).default('127.0.0.1'),
  HUB_OPERATOR_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  HUB_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HUB_MAX_AMOUNTS: MaxAmountsText.optional(),
  HUB_PAYMENT_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3660).default(DEFAULT_LIMITS.paymentMaxAgeDays),
});

export interface HubConfig {
  /** A PostgreSQL server; without one the hub runs embedded PostgreSQL (PGlite) in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  operatorToken: string | undefined;
  logLevel: string;
  limits: HubLimits;
}

/** The hub's settings from the environment, or one message naming every bad variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new Error(`The hub's environment is not valid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.HUB_DATA_DIR),
    port: e.HUB_PORT,
    host: e.HUB_HOST,
    operatorToken: e.HUB_OPERATOR_TOKEN,
    logLevel: e.HUB_LOG_LEVEL,
    limits: { maxAmounts: e.HUB_MAX_AMOUNTS ?? DEFAULT_LIMITS.maxAmounts, paymentMaxAgeDays: e.HUB_PAYMENT_MAX_AGE_DAYS },
  };
}

/**
 * Structured logs on stdout, Fastify's included; credentials, enrolment codes, PINs, card numbers
 * and phone numbers never appear in them (shared/node/redact.ts).
 */
export function createHubLogger(level: string, destination: DestinationStream = process.stdout): Logger {
  return createRedactingLogger({ app: 'onebill-hub', level, destination });
}

export async function openHubDb(config: HubConfig, logger: Logger): Promise<HubDb> {
  if (config.databaseUrl) return openPgDb({ connectionString: config.databaseUrl, onIdleError: (err) => logger.warn({ err }, 'idle database connection lost') });
  return openPgliteDb(config.dataDir);
}
