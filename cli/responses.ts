/** Reading what came back: error answers into {@link ApiError}, failures into a short reason. */
import * as z from 'zod/mini';
import { ENDPOINT_ENV } from './endpoint.js';
import { ApiError, NotBrokerError } from './errors.js';

// Looser than the broker's ErrorResponse on purpose: an error code this CLI does not know yet, or a
// body without a request id, still shows the broker's code and message.
const errorBody = z.object({ error: z.string(), message: z.string(), requestId: z.optional(z.string()) });

/** Parses JSON text, or gives undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The error for an answer that is not the broker's: named by status and media type only, with the
 * setting to check.
 */
export function notBrokerError(baseUrl: string, response: Response): NotBrokerError {
  const type = response.headers.get('content-type')?.split(';')[0]?.trim();
  return new NotBrokerError(
    `the answer from ${baseUrl} (HTTP ${response.status}${type ? `, ${type}` : ''}) is not a thv-secret-broker's: ` +
      `check --endpoint (or ${ENDPOINT_ENV}); it must be the URL npm start prints, or the deployed API's stage URL`,
  );
}

/**
 * The error an HTTP error answer stands for. The broker's own body gives code, message and request
 * id; API Gateway's own bodies (`{"message": "Forbidden"}`, always with its request id header) give a
 * message. Anything else did not come from a broker ({@link notBrokerError}), and its body is not
 * shown at all: a proxy's error page could quote the request, and with it the value sent.
 */
export function apiErrorOf(response: Response, text: string, baseUrl: string): ApiError | NotBrokerError {
  const json = parseJson(text);
  const requestId = response.headers.get('x-amzn-requestid') ?? undefined;
  const broker = errorBody.safeParse(json);
  if (broker.success) {
    const { error, message } = broker.data;
    return new ApiError(response.status, error, message, broker.data.requestId ?? requestId);
  }
  // API Gateway's own body is one message field (`Message` for IAM denials); another service's
  // errors carry more, e.g. `__type` from an AWS JSON endpoint such as the local one on 4566.
  const fields =
    typeof json === 'object' && json !== null && !Array.isArray(json) ? Object.entries(json) : [];
  const [name, gateway] = fields.length === 1 ? (fields[0] as [string, unknown]) : [];
  if ((name !== 'message' && name !== 'Message') || typeof gateway !== 'string' || requestId === undefined)
    return notBrokerError(baseUrl, response);
  return new ApiError(response.status, undefined, gateway, requestId);
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

/** Plain words for the network failures people meet most (the errno code stays in `cause`). */
const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** Why a request never got an answer, in a few words: `connection refused`, `host not found`, … */
export function connectionReasonOf(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  const reason = cause?.code === undefined ? undefined : NETWORK_REASONS[cause.code];
  return reason ?? reasonOf(error);
}
