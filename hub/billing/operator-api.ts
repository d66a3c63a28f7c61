import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ErrorCode, KioskError } from '../../shared/errors.ts';
import type { HubDb } from '../db/hub-db.ts';
import type { HubLimits } from '../runtime/limits.ts';
import { parseInput } from '../http/errors.ts';
import { billRunReport, BillRunReport, CycleMonth, executeBillRun, runBills, startBillRun, type BillRunOptions } from './bill-run.ts';
import { importUsage, UsageImportReport } from './usage-import.ts';

/**
 * Usage imports and bill runs as operator commands: straight on the database, or through the
 * operator API of the hub process serving an embedded database (routes below, client after them).
 */

export type Progress = NonNullable<BillRunOptions['onProgress']>;

export interface BillingCommands {
  /** Throws VALIDATION (nothing changed) when the file's header is not valid. */
  importUsage(file: string): Promise<UsageImportReport>;
  billRun(cycle: string, onProgress?: Progress): Promise<BillRunReport>;
}

export function directBillingCommands(db: HubDb, limits: HubLimits): BillingCommands {
  return {
    importUsage: (file) => importUsage(db, createReadStream(file), { fileName: path.basename(file), maxAmounts: limits.maxAmounts }),
    billRun: (cycle, onProgress) => runBills(db, cycle, onProgress ? { onProgress } : {}),
  };
}

const ImportQuery = z.object({ fileName: z.string().min(1).max(255).default('upload.csv') });
const BillRunBody = z.object({ cycle: CycleMonth });
const RunParams = z.object({ id: z.string().min(1).max(64) });

/**
 * POST /operator/v1/usage-imports (text/csv body, streamed; ?fileName= names it in the report),
 * POST /operator/v1/bill-runs ({ cycle }: answers 202 at once, the run goes on in the hub) and
 * GET /operator/v1/bill-runs/:id (the run's report so far). A bill run of a large branch outlasts
 * an HTTP request, hence 202 and polling. Call inside the operator routes' scope (their guard).
 */
export async function billingRoutes(app: FastifyInstance, { db, now, limits }: { db: HubDb; now: () => Date; limits: HubLimits }): Promise<void> {
  // The CSV reaches the handler as the request stream, so a large file is never held whole.
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

  app.post('/operator/v1/usage-imports', async (request, reply) => {
    const { fileName } = parseInput(ImportQuery, request.query, 'query');
    const body = request.body;
    if (!(body instanceof Readable)) throw new KioskError('VALIDATION', 'Send the usage file as the body, with Content-Type: text/csv.');
    try {
      return reply.status(201).send(await importUsage(db, body, { fileName, now, maxAmounts: limits.maxAmounts }));
    } finally {
      // A refused file is not read to its end: the rest is discarded, so the connection can serve the next request.
      if (!body.readableEnded) body.resume();
    }
  });

  const running = new Set<{ controller: AbortController; done: Promise<unknown> }>();
  app.addHook('onClose', async () => {
    for (const run of running) run.controller.abort();
    await Promise.all([...running].map((run) => run.done));
  });

  app.post('/operator/v1/bill-runs', async (request, reply) => {
    const { cycle } = parseInput(BillRunBody, request.body, 'body');
    const runId = await startBillRun(db, cycle, now());
    const controller = new AbortController();
    const run = {
      controller,
      done: executeBillRun(db, runId, { now, signal: controller.signal })
        .catch((err: unknown) => request.log.error({ err, runId }, 'bill run failed'))
        .finally(() => running.delete(run)),
    };
    running.add(run);
    return reply.status(202).send(await billRunReport(db, runId));
  });

  app.get('/operator/v1/bill-runs/:id', async (request) => {
    const { id } = parseInput(RunParams, request.params, 'path');
    const report = await billRunReport(db, id);
    if (!report) throw new KioskError('NOT_FOUND', `There is no bill run ${id}.`);
    return report;
  });
}

const ErrorBody = z.object({ error: z.object({ code: ErrorCode, message: z.string() }) });
const POLL_MS = 500;

/** Through the operator API of a running hub. */
export function httpBillingCommands(baseUrl: string, operatorToken: string): BillingCommands {
  const auth = { authorization: `Bearer ${operatorToken}` };
  async function answer<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
    const body: unknown = await response.json();
    if (response.ok) return schema.parse(body);
    const error = ErrorBody.safeParse(body);
    throw error.success ? new KioskError(error.data.error.code, error.data.error.message) : new Error(`the hub answered ${response.status}`);
  }
  return {
    async importUsage(file) {
      const url = new URL('/operator/v1/usage-imports', baseUrl);
      url.searchParams.set('fileName', path.basename(file));
      // Sent whole with its length (the hub still parses it as a stream): a streamed upload that the hub
      // refuses before reading it (a wrong token) left the connection busy, and the hub could not shut down.
      const response = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: await readFile(file) });
      return answer(response, UsageImportReport);
    },
    async billRun(cycle, onProgress) {
      const started = await fetch(new URL('/operator/v1/bill-runs', baseUrl), {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ cycle }),
      });
      let report = await answer(started, BillRunReport);
      while (report.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        report = await answer(await fetch(new URL(`/operator/v1/bill-runs/${report.runId}`, baseUrl), { headers: auth }), BillRunReport);
        onProgress?.(report);
      }
      return report;
    },
  };
}
