import type { z } from 'zod';
import {
  REQUEST_SCHEMAS,
  type ApiResult,
  type FinderApi,
  type FinderMethod,
} from '../../preload/contract.js';
import { toApiError } from './errors.js';

type ResultOf<M extends FinderMethod> = Awaited<ReturnType<FinderApi[M]>>;

/**
 * Validates a payload against the contract and calls the API: what every front door (CLI,
 * HTTP, IPC) does with a request. Never throws; failures come back as `{ok: false, error}`.
 */
export async function dispatch<M extends FinderMethod>(
  api: FinderApi,
  method: M,
  payload: unknown,
): Promise<ApiResult<ResultOf<M>>> {
  return callValidated(REQUEST_SCHEMAS, api, method, payload) as Promise<ApiResult<ResultOf<M>>>;
}

/**
 * The same for any table of schemas and the object that implements them (the desktop shell's
 * own methods use it too). A method name that is not the table's own key (`__proto__`,
 * `toString`) is refused like any unknown one.
 */
export async function callValidated(
  schemas: Readonly<Record<string, z.ZodType>>,
  api: object,
  method: string,
  payload: unknown,
): Promise<ApiResult<unknown>> {
  const schema = Object.hasOwn(schemas, method) ? schemas[method] : undefined;
  if (!schema) return { ok: false, error: { code: 'bad-input', message: `Unknown method "${String(method)}".` } };
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad-input', message: `Invalid ${method} request: ${describeIssues(parsed.error)}` } };
  }
  try {
    const call = (api as Record<string, (request: unknown) => Promise<unknown>>)[method];
    if (typeof call !== 'function') throw new Error(`"${method}" is not implemented here.`);
    return { ok: true, value: await call.call(api, parsed.data) };
  } catch (error) {
    return { ok: false, error: toApiError(error) };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'request'}: ${issue.message}`)
    .join('; ');
}
