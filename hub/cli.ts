import { parseArgs } from 'node:util';
import { say, sayError } from './runtime/terminal.ts';
import { AUDIT_USAGE, auditVerifyCommand } from './audit/operator.ts';
import { billRunCommand, importUsageCommand } from './billing/cli-commands.ts';
import { allowanceCommand, DECISIONS_USAGE, suspenseCommand } from './decisions/cli.ts';
import { migrate } from './db/migrate.ts';
import { createHubLogger, openHubDb, readConfig, type HubConfig } from './runtime/config.ts';
import { claimDataDir, runningHub } from './runtime/embedded-lock.ts';
import { deviceLine, directCommands, httpCommands, type OperatorCommands } from './runtime/operator-commands.ts';
import { serve } from './runtime/serve.ts';
import { redactText } from '../shared/node/redact.ts';

const USAGE = `Usage: npm run hub [-- <command>]
  serve                    start the hub (the default)
  enrol --branch <id>      print a one-time enrolment code for a kiosk of that branch
  revoke --device <id>     revoke a kiosk's credential at once
  devices                  list enrolled kiosks
  import-usage <file.csv>  import usage records from a CSV file (docs/usage-import.md)
  bill-run --cycle YYYY-MM bill every account whose bill cycle ends in that month
${DECISIONS_USAGE}
${AUDIT_USAGE}
Environment: DATABASE_URL (else embedded PostgreSQL in HUB_DATA_DIR, default ./.hub-data),
HUB_PORT (8787), HUB_HOST (127.0.0.1), HUB_OPERATOR_TOKEN, HUB_LOG_LEVEL (info),
HUB_MAX_AMOUNTS (JSON of minor units per currency, e.g. {"EUR":50000000}; at most and by default
1,000,000.00 of any currency), HUB_PAYMENT_MAX_AGE_DAYS (90: older TMF paymentDates are refused).`;

/** Runs an operator command against the running embedded hub if there is one, else straight on the database. */
async function withCommands<T>(config: HubConfig, run: (commands: OperatorCommands) => Promise<T>): Promise<T> {
  const running = config.databaseUrl ? null : runningHub(config.dataDir);
  if (running) {
    if (!running.url || !running.operatorToken) throw new Error(`The hub (pid ${running.pid}) is still starting; try again in a moment.`);
    return run(httpCommands(running.url, running.operatorToken));
  }
  const lock = config.databaseUrl ? null : claimDataDir(config.dataDir);
  const db = await openHubDb(config, createHubLogger('warn'));
  try {
    await migrate(db);
    return await run(directCommands(db, config.limits));
  } finally {
    await db.close();
    lock?.release();
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { branch: { type: 'string' }, device: { type: 'string' }, cycle: { type: 'string' }, payment: { type: 'string' }, account: { type: 'string' }, by: { type: 'string' }, note: { type: 'string' }, all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command = 'serve'] = positionals;
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const config = readConfig();
  switch (command) {
    case 'serve':
      await serve(config, createHubLogger(config.logLevel));
      return 0;
    case 'enrol': {
      if (!values.branch) break;
      const branchId = values.branch;
      const issued = await withCommands(config, (c) => c.enrol(branchId));
      say(`Enrolment code for branch ${issued.branchId}: ${issued.code}\nSingle use; expires ${issued.expiresAt}.`);
      return 0;
    }
    case 'revoke': {
      if (!values.device) break;
      const deviceId = values.device;
      const revoked = await withCommands(config, (c) => c.revoke(deviceId));
      say(revoked ? `Device ${deviceId} revoked at ${revoked.revokedAt}.` : `There is no device ${deviceId}.`);
      return revoked ? 0 : 1;
    }
    case 'devices': {
      const devices = await withCommands(config, (c) => c.devices());
      if (devices.length === 0) say('No kiosks enrolled yet.');
      for (const d of devices) say(deviceLine(d));
      return 0;
    }
    case 'import-usage':
      if (!positionals[1]) break;
      return importUsageCommand(positionals[1], (run) => withCommands(config, run));
    case 'bill-run':
      return billRunCommand(values.cycle, (run) => withCommands(config, run));
    case 'suspense': {
      const code = await suspenseCommand(positionals[1], values, (run) => withCommands(config, run));
      if (code === null) break;
      return code;
    }
    case 'allowance':
      return allowanceCommand(values, (run) => withCommands(config, run));
    case 'audit-verify':
      return auditVerifyCommand(values.device, (run) => withCommands(config, run));
  }
  sayError(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    // An unexpected failure may quote data (a database error echoes values): scrubbed like a log line.
    sayError(redactText(error instanceof Error ? error.message : String(error)));
    process.exitCode = 1;
  },
);
