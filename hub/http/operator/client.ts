import { z } from 'zod';
import { ErrorCode, KioskError } from '../../../shared/errors.ts';
import { operatorApi, operatorRouteNames, type OperatorInput, type OperatorOutput, type OperatorRoute, type OperatorRouteName } from './contract.ts';

/** The operator API of a running hub, one typed call per route of the contract; every answer is checked against its output. */
export type OperatorClient = { [N in OperatorRouteName]: (input: OperatorInput<N>) => Promise<OperatorOutput<N>> };

const ErrorBody = z.object({ error: z.object({ code: ErrorCode, message: z.string(), details: z.record(z.string(), z.unknown()).optional() }) });

interface SentInput {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  upload?: Uint8Array<ArrayBuffer>;
}

/** The route's URL: `:name` filled from the path parameters, the query's defined values appended. */
function urlOf(baseUrl: string, route: OperatorRoute, input: SentInput): URL {
  const url = new URL(route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(input.params?.[name]))), baseUrl);
  for (const [name, value] of Object.entries(input.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
  return url;
}

/** An error answer throws as the KioskError the hub raised (its code and message); anything else names the status. */
async function answer(route: OperatorRoute, response: Response): Promise<unknown> {
  const body: unknown = await response.json();
  if (response.ok) return route.output.parse(body);
  const error = ErrorBody.safeParse(body);
  if (!error.success) throw new Error(`the hub answered ${response.status}`);
  throw new KioskError(error.data.error.code, error.data.error.message, error.data.error.details);
}

export function operatorClient(baseUrl: string, operatorToken: string): OperatorClient {
  const call = async (route: OperatorRoute, input: SentInput): Promise<unknown> => {
    const headers: Record<string, string> = { authorization: `Bearer ${operatorToken}` };
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (route.upload && input.upload) {
      // Sent whole with its length (the hub still parses it as a stream): a streamed upload that the hub
      // refuses before reading it (a wrong token) left the connection busy, and the hub could not shut down.
      headers['content-type'] = route.upload.type;
      body = input.upload;
    } else if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(input.body);
    }
    return answer(route, await fetch(urlOf(baseUrl, route, input), { method: route.method, headers, ...(body === undefined ? {} : { body }) }));
  };
  return Object.fromEntries(operatorRouteNames.map((name) => [name, (input: SentInput) => call(operatorApi[name], input)])) as unknown as OperatorClient;
}
