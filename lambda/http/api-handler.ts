/**
 * The request pipeline shared by both functions: request id, dispatch, the single error mapping,
 * and one line per request, whatever happened: the audit record, which is also the request's
 * CloudWatch metrics document (EMF).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type AuditRecord, type LogSink, stdoutSink, writeAudit } from './audit-log.js';
import { mapError } from './errors.js';
import { REQUEST_METRICS } from './request-metrics.js';
import { json } from './response.js';

/** A Lambda handler for API Gateway REST proxy events. */
export type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context?: { readonly awsRequestId?: string },
) => Promise<APIGatewayProxyResult>;

/** What a dispatcher learns about the request, for the audit line. */
export interface RequestNotes {
  /** Route template that matched. */
  route?: string;
  /** Operation name. */
  operation?: string;
  /** Scope of a scope route. */
  scope?: string;
  /** Decoded key or scoped name. */
  key?: string;
}

/** Serves one matched request; throws to answer with an error. */
export type Dispatch = (event: APIGatewayProxyEvent, notes: RequestNotes) => Promise<APIGatewayProxyResult>;

/** Options of {@link createApiHandler}. */
export interface ApiHandlerOptions {
  /** Name of the function in the audit log and its metrics' `service` dimension. */
  readonly service: string;
  /** Serves a request. */
  readonly dispatch: Dispatch;
  /**
   * Where audit lines go.
   * @default stdout
   */
  readonly log?: LogSink;
  /**
   * Clock in milliseconds, for latency.
   * @default performance.now
   */
  readonly now?: () => number;
}

/** Wraps a dispatcher into a proxy handler that never throws and always logs one line. */
export function createApiHandler(options: ApiHandlerOptions): ProxyHandler {
  const log = options.log ?? stdoutSink;
  const now = options.now ?? (() => performance.now());
  return async (event, context) => {
    const started = now();
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? randomUUID();
    const notes: RequestNotes = {};
    let result: APIGatewayProxyResult;
    let outcome = 'ok';
    let detail: AuditRecord['error'];
    try {
      result = await options.dispatch(event, notes);
    } catch (error) {
      const mapped = mapError(error, requestId);
      result = json(mapped.status, mapped.body, mapped.headers);
      outcome = mapped.body.error;
      detail = mapped.detail;
    }
    const identity = event.requestContext?.identity;
    // Absent notes stay undefined (the writer leaves them out): no spreads on the hot path.
    writeAudit(
      log,
      {
        service: options.service,
        requestId,
        caller: identity?.userArn ?? identity?.caller ?? null,
        sourceIp: identity?.sourceIp ?? null,
        method: String(event.httpMethod),
        route: notes.route ?? null,
        operation: notes.operation,
        scope: notes.scope,
        key: notes.key,
        status: result.statusCode,
        outcome,
        latencyMs: Math.round((now() - started) * 100) / 100,
        error: detail,
      },
      REQUEST_METRICS,
    );
    return result;
  };
}
