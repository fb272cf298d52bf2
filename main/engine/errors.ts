import type { ApiError, ErrorCode } from '../../preload/contract.js';

/**
 * An error meant for the user: its message says what is wrong and, where it can, what to do.
 * Anything else that escapes the engine is a bug and is reported as `internal`.
 */
export class SemblanceError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SemblanceError';
    this.code = code;
  }
}

export const badInput = (message: string): SemblanceError => new SemblanceError('bad-input', message);
export const notFound = (message: string): SemblanceError => new SemblanceError('not-found', message);
export const databaseError = (message: string, cause?: unknown): SemblanceError =>
  new SemblanceError('database', message, { cause });

export function toApiError(error: unknown): ApiError {
  if (error instanceof SemblanceError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}
