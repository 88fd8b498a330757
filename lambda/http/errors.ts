/**
 * The one place that turns errors into HTTP answers. Broker errors (4xx) keep their message, which
 * the core writes for the caller; anything else becomes a generic 500 `internal` carrying only the
 * request id, and its detail goes to the log alone.
 */

import type { ErrorResponse } from '../../core/http/responses.js';
import { type ApiErrorCode, ERROR_STATUS } from '../../core/http/schemas.js';
import { BrokerError } from '../../core/index.js';

/** A request that matched no route (404 `not_found`) or used a method the route lacks (405). */
export class RouteError extends Error {
  constructor(
    readonly code: 'not_found' | 'method_not_allowed',
    message: string,
    readonly allow: readonly string[] = [],
  ) {
    super(message);
    this.name = 'RouteError';
  }
}

/** The message every 500 carries: nothing about the cause. */
export const INTERNAL_MESSAGE = 'internal error; the request id identifies it in the broker log';

/** What an error becomes: status, headers, body, and what the audit log may record about it. */
export interface MappedError {
  /** HTTP status. */
  readonly status: number;
  /** Extra response headers (e.g. `Allow`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON error body. */
  readonly body: ErrorResponse;
  /** For the log only, on 5xx: the error's name, message and stack (never a secret value). */
  readonly detail?: { readonly name: string; readonly message: string; readonly stack?: string };
}

/** Maps any thrown value to its HTTP answer (docs/design.md §4 status table). */
export function mapError(error: unknown, requestId: string): MappedError {
  if (error instanceof BrokerError && error.code !== 'internal')
    return known(error.code, error.message, requestId);
  if (error instanceof RouteError) {
    const headers: Record<string, string> = error.allow.length > 0 ? { allow: error.allow.join(', ') } : {};
    return { ...known(error.code, error.message, requestId), headers };
  }
  const cause = error instanceof Error ? error : new Error(String(error));
  return {
    status: ERROR_STATUS.internal,
    headers: {},
    body: { error: 'internal', message: INTERNAL_MESSAGE, requestId },
    detail: {
      name: cause.name,
      message: cause.message,
      ...(cause.stack === undefined ? {} : { stack: cause.stack }),
    },
  };
}

function known(code: ApiErrorCode, message: string, requestId: string): MappedError {
  return { status: ERROR_STATUS[code], headers: {}, body: { error: code, message, requestId } };
}
