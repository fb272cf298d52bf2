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
  const schema = REQUEST_SCHEMAS[method] as z.ZodType | undefined;
  if (!schema) return { ok: false, error: { code: 'bad-input', message: `Unknown method "${String(method)}".` } };
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad-input', message: `Invalid ${method} request: ${describeIssues(parsed.error)}` } };
  }
  try {
    const call = api[method] as (request: unknown) => Promise<ResultOf<M>>;
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
