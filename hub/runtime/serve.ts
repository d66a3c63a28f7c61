import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { demoBranch } from '../../shared/demo/branch.ts';
import { migrate } from '../db/migrate.ts';
import { seedDemoIfEmpty } from '../demo/seed.ts';
import { buildHub } from '../server.ts';
import { openHubDb, type HubConfig } from './config.ts';
import { claimDataDir } from './embedded-lock.ts';

/**
 * `npm run hub`: opens the database (PostgreSQL at DATABASE_URL, else embedded in the data
 * folder), migrates it, loads the demo branch into an empty one, and serves until SIGTERM or
 * SIGINT, then stops taking requests, lets those in flight finish and closes the database.
 */
export async function serve(config: HubConfig, logger: Logger): Promise<void> {
  const lock = config.databaseUrl ? null : claimDataDir(config.dataDir);
  // Embedded, the CLI on this machine reaches the running hub through its operator API; a per-launch token keeps that private.
  const operatorToken = config.operatorToken ?? (lock ? randomBytes(24).toString('base64url') : undefined);
  const db = await openHubDb(config, logger);
  try {
    const applied = await migrate(db);
    logger.info({ engine: db.engine, applied, dataDir: lock ? config.dataDir : undefined }, 'database ready');
    const started = performance.now();
    const { seeded } = await seedDemoIfEmpty(db, { now: new Date() });
    if (seeded) logger.info({ branch: demoBranch.id, ms: Math.round(performance.now() - started) }, 'demo branch loaded');
    if (!operatorToken) logger.info('operator API off: set HUB_OPERATOR_TOKEN to turn it on');
    const app = await buildHub({ db, logger, operatorToken, limits: config.limits });
    const address = await app.listen({ port: config.port, host: config.host });
    lock?.publish({ url: address, operatorToken: operatorToken ?? null });

    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      app
        .close()
        .then(() => db.close())
        .catch((err: unknown) => logger.error({ err }, 'shutdown failed'))
        .finally(() => lock?.release());
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  } catch (error) {
    await db.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
}
