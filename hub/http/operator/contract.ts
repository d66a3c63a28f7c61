import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { AuditChainReport } from '../../audit/chain.ts';
import { BillRunReport, CycleMonth } from '../../billing/bill-run.ts';
import { UsageImportReport } from '../../billing/usage-import.ts';
import { BranchAllowanceReport } from '../../decisions/allowance.ts';
import { ApplyInput, Resolution, ResolutionInput, SuspenseLine } from '../../decisions/suspense.ts';

/**
 * The one contract of the operator API (/operator/v1, behind the operator token): each route's
 * method, path, zod inputs (path parameters, query, JSON body) and output. The Fastify routes are
 * registered from it (routes.ts: inputs and output checked) and the command line's HTTP client is
 * derived from it (client.ts), so a path or a shape is written once. Adding a route is one entry
 * here plus its handler.
 */

const BranchId = z.string().regex(/^[A-Z0-9-]{2,20}$/, 'a branch id such as MAD-01');
const IdParams = z.object({ id: z.string().min(1).max(64) });

export const IssuedCode = z.object({ code: z.string(), branchId: z.string(), expiresAt: z.string() });
export type IssuedCode = z.infer<typeof IssuedCode>;

export const DeviceLine = z.object({ id: z.string(), branchId: z.string(), name: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() });
export type DeviceLine = z.infer<typeof DeviceLine>;

const AuditChainLine = z
  .object({
    deviceId: z.string(),
    branchId: z.string(),
    deviceName: z.string(),
    count: z.number().int().nonnegative(),
    headHash: z.string().nullable(),
    broken: z.object({ seq: z.number().int().positive(), id: z.string().nullable(), problem: z.string() }).nullable(),
  })
  .strict() satisfies z.ZodType<AuditChainReport>;

export interface OperatorRoute {
  method: 'GET' | 'POST';
  /** Fastify's pattern: `:name` is a path parameter, filled from `params` by the client. */
  path: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body is a file of this media type (`what` names it in a refusal), streamed to the handler as it arrives: not JSON, no `body` schema. */
  upload?: { type: 'text/csv'; what: string };
  /** The status of a successful answer; 200 when absent. */
  status?: 201 | 202;
  output: z.ZodType;
}

export const operatorApi = {
  /** A one-time code a kiosk of the branch enrols with (`npm run hub -- enrol`). */
  issueEnrolmentCode: {
    method: 'POST',
    path: '/operator/v1/enrolment-codes',
    body: z.object({ branchId: BranchId, ttlHours: z.number().positive().max(24 * 14).optional() }),
    status: 201,
    output: IssuedCode,
  },
  listDevices: { method: 'GET', path: '/operator/v1/devices', output: z.object({ devices: z.array(DeviceLine) }) },
  revokeDevice: { method: 'POST', path: '/operator/v1/devices/:id/revoke', params: IdParams, output: z.object({ deviceId: z.string(), revokedAt: z.string() }) },
  /** A usage CSV (docs/usage-import.md); `fileName` names it in the report. */
  importUsage: {
    method: 'POST',
    path: '/operator/v1/usage-imports',
    query: z.object({ fileName: z.string().min(1).max(255).default('upload.csv') }),
    upload: { type: 'text/csv', what: 'the usage file' },
    status: 201,
    output: UsageImportReport,
  },
  /** Answers 202 at once with the run's report so far: a bill run of a large branch outlasts an HTTP request, so the client polls `billRun`. */
  startBillRun: { method: 'POST', path: '/operator/v1/bill-runs', body: z.object({ cycle: CycleMonth }), status: 202, output: BillRunReport },
  billRun: { method: 'GET', path: '/operator/v1/bill-runs/:id', params: IdParams, output: BillRunReport },
  listSuspense: {
    method: 'GET',
    path: '/operator/v1/suspense',
    query: z.object({ status: z.enum(['open', 'all']).default('open') }),
    output: z.object({ payments: z.array(SuspenseLine) }),
  },
  applySuspense: { method: 'POST', path: '/operator/v1/suspense/:id/apply', params: IdParams, body: ApplyInput, output: Resolution },
  refundSuspense: { method: 'POST', path: '/operator/v1/suspense/:id/refund', params: IdParams, body: ResolutionInput, output: Resolution },
  allowance: {
    method: 'GET',
    path: '/operator/v1/allowance',
    query: z.object({ branch: BranchId.optional() }),
    output: z.object({ branches: z.array(BranchAllowanceReport) }),
  },
  verifyAudit: {
    method: 'GET',
    path: '/operator/v1/audit-verification',
    query: z.object({ device: z.string().min(1).max(64).optional() }),
    output: z.object({ devices: z.array(AuditChainLine) }),
  },
} as const satisfies Record<string, OperatorRoute>;

export type OperatorApi = typeof operatorApi;
export type OperatorRouteName = keyof OperatorApi;
export const operatorRouteNames = Object.keys(operatorApi) as OperatorRouteName[];

type Part<R, K extends 'params' | 'query' | 'body', Side extends 'in' | 'out'> = R extends { [P in K]: infer S extends z.ZodType }
  ? { [P in K]: Side extends 'in' ? z.input<S> : z.output<S> }
  : object;
type Parts<R, Side extends 'in' | 'out'> = Part<R, 'params', Side> & Part<R, 'query', Side> & Part<R, 'body', Side>;

/** What the client sends: the route's inputs as typed, and a file's bytes for an upload. */
export type OperatorInput<N extends OperatorRouteName> = Parts<OperatorApi[N], 'in'> & (OperatorApi[N] extends { upload: object } ? { upload: Uint8Array<ArrayBuffer> } : object);
/** What a handler receives: the inputs as parsed, and the request's stream for an upload. */
export type ParsedOperatorInput<N extends OperatorRouteName> = Parts<OperatorApi[N], 'out'> & (OperatorApi[N] extends { upload: object } ? { upload: Readable } : object);
export type OperatorOutput<N extends OperatorRouteName> = z.output<OperatorApi[N]['output']>;
