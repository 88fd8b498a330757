/** Reading what came back: error answers into {@link ApiError}, failures into a short reason. */
import * as z from 'zod';
import { ApiError } from './errors.js';

// Looser than the broker's ErrorResponse on purpose: an error code this CLI does not know yet, or a
// body without a request id, still shows the broker's code and message.
const errorBody = z.object({ error: z.string(), message: z.string(), requestId: z.string().optional() });

/** Parses JSON text, or gives undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The error an HTTP error answer stands for. The broker's own body gives code, message and request
 * id; API Gateway's bodies (`{"message": "Forbidden"}`) give a message. Any other body is not shown
 * at all: a proxy's error page could quote the request, and with it the value sent.
 */
export function apiErrorOf(response: Response, text: string): ApiError {
  const json = parseJson(text);
  const requestId = response.headers.get('x-amzn-requestid') ?? undefined;
  const broker = errorBody.safeParse(json);
  if (broker.success) {
    const { error, message } = broker.data;
    return new ApiError(response.status, error, message, broker.data.requestId ?? requestId);
  }
  const gateway =
    typeof json === 'object' && json !== null ? (json as { message?: unknown }).message : undefined;
  const message = typeof gateway === 'string' ? gateway : response.statusText || `HTTP ${response.status}`;
  return new ApiError(response.status, undefined, message, requestId);
}

/** A one-line reason for a failed fetch, including the network cause (e.g. ECONNREFUSED). */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'the request timed out';
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
