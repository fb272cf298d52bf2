import type { ApiError, ErrorCode } from '../../preload/contract.js';

/**
 * An error meant for the user: its message says what is wrong and, where it can, what to do.
 * Anything else that escapes the engine is a bug and is reported as `internal`.
 */
export class SemblanceError extends Error {
  readonly code: ErrorCode;
  /** For a malformed query or condition: the 0-based character where it goes wrong. */
  readonly at: number | undefined;
  /** With `at`: what is wrong, without where (the message says both, for a terminal). */
  readonly reason: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; at?: number; reason?: string }) {
    super(message, options);
    this.name = 'SemblanceError';
    this.code = code;
    this.at = options?.at;
    this.reason = options?.reason;
  }
}

export const badInput = (message: string, at?: number, reason?: string): SemblanceError =>
  new SemblanceError('bad-input', message, { ...(at === undefined ? {} : { at }), ...(reason === undefined ? {} : { reason }) });
export const notFound = (message: string): SemblanceError => new SemblanceError('not-found', message);
export const databaseError = (message: string, cause?: unknown): SemblanceError =>
  new SemblanceError('database', message, { cause });

export function toApiError(error: unknown): ApiError {
  if (error instanceof SemblanceError) {
    return { code: error.code, message: error.message, ...(error.at === undefined ? {} : { at: error.at }), ...(error.reason === undefined ? {} : { reason: error.reason }) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}
