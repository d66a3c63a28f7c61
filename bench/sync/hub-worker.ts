import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { issueEnrolmentCode } from '../../hub/security/enrolment.ts';
import type { FleetHubSetup, FromHub, ToHub } from './fleet-hub.ts';
import { listenHub, openBenchDb, seedBranch } from './hub.ts';

/** The fleet bench's hub thread (see fleet-hub.ts): sets the hub up, serves it, answers the bench's queries, stops when asked. */
const setup = workerData as FleetHubSetup;
const port = parentPort;
if (!port) throw new Error('hub-worker.ts runs as a worker thread');
const send = (message: FromHub) => port.postMessage(message);

try {
  const hub = await openBenchDb(setup.schema);
  const accounts: Record<string, string[]> = {};
  for (const branch of setup.branches) accounts[branch] = await seedBranch(hub.db, branch, setup.accountsPerBranch);
  const codes: string[] = [];
  for (const branchId of setup.kioskBranches) codes.push((await issueEnrolmentCode(hub.db, { branchId, now: new Date() })).code);
  const { app, baseUrl } = await listenHub(hub.db);
  let connections = 0;
  app.server.on('connection', () => connections++);

  port.on('message', (message: ToHub) => {
    const reply = async (): Promise<FromHub> => {
      switch (message.type) {
        case 'query':
          return { type: 'reply', id: message.id, rows: await hub.db.query(message.sql, message.params) };
        case 'stats': {
          const elu = performance.eventLoopUtilization();
          return { type: 'reply', id: message.id, stats: { connections, activeMs: elu.active, idleMs: elu.idle } };
        }
        case 'stop':
          await app.close();
          await hub.close();
          return { type: 'reply', id: message.id };
      }
    };
    reply().then(send, (error: unknown) => send({ type: 'reply', id: message.id, error: error instanceof Error ? error.message : String(error) }));
  });
  send({ type: 'ready', baseUrl, label: hub.label, codes, accounts });
} catch (error) {
  send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
