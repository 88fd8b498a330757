/**
 * The audit log: one structured JSON line per request. A record has no field for a value, a body
 * or a query, so no secret value can reach the log through it.
 */
import { type LATENCY_METRIC, NO_ROUTE, type REQUESTS_METRIC } from '../../core/metric-names.js';
import { emfLine, type RequestMetrics } from './request-metrics.js';

/** Where log lines go; Lambda sends stdout to CloudWatch Logs, tests pass a collecting function. */
export type LogSink = (line: string) => void;

/** Writes each line to stdout. */
export const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/** One request as the audit log records it. */
export interface AuditRecord {
  /** Which function answered (`user-api`, `scope-api`). */
  readonly service: string;
  /** API Gateway request id. */
  readonly requestId: string;
  /** Caller identity ARN from the request context (IAM auth), or null. */
  readonly caller: string | null;
  /** Source IP from the request context. */
  readonly sourceIp: string | null;
  /** HTTP method. */
  readonly method: string;
  /** Route template that matched, e.g. `/v1/secrets/{key}`, or null. */
  readonly route: string | null;
  /** Operation name, when one matched. */
  readonly operation?: string | undefined;
  /** Scope of a scope route. */
  readonly scope?: string | undefined;
  /** The key (user route) or scoped name (scope route), decoded. */
  readonly key?: string | undefined;
  /** HTTP status answered. */
  readonly status: number;
  /** `ok`, or the error code answered. */
  readonly outcome: string;
  /** Milliseconds from event to answer. */
  readonly latencyMs: number;
  /** On 5xx only: what went wrong (error name, message and stack). */
  readonly error?: { readonly name: string; readonly message: string; readonly stack?: string } | undefined;
}

/** Longest key or scope text written to the log (both come from the request path). */
const MAX_FIELD = 256;

const clip = (text: string): string => (text.length > MAX_FIELD ? `${text.slice(0, MAX_FIELD)}…` : text);

/**
 * Writes one audit record as a single JSON line. With `metrics` (the functions), the same line is
 * the request's EMF document (see {@link writeRequestLine}).
 */
export function writeAudit(sink: LogSink, record: AuditRecord, metrics?: RequestMetrics): void {
  if (metrics !== undefined) {
    writeRequestLine(sink, record, metrics);
    return;
  }
  sink(
    JSON.stringify({
      level: levelOf(record),
      message: 'request',
      timestamp: new Date().toISOString(),
      ...record,
      ...(record.key === undefined ? {} : { key: clip(record.key) }),
      ...(record.scope === undefined ? {} : { scope: clip(record.scope) }),
    }),
  );
}

/**
 * One line that is both the audit record and the request's EMF document: `_aws` names the
 * metrics and carries the time (epoch ms), `service`/`route`/`operation`/`outcome` are its
 * dimensions, `Requests` and `Latency` its values, and every other field is metadata to
 * CloudWatch. It runs on every request, so: one object literal of a fixed shape, one
 * `JSON.stringify` (absent fields are `undefined`, which JSON leaves out), and the constant
 * directive spliced in as text.
 */
function writeRequestLine(sink: LogSink, record: AuditRecord, metrics: RequestMetrics): void {
  const fields = {
    level: levelOf(record),
    message: 'request',
    service: record.service,
    requestId: record.requestId,
    caller: record.caller,
    sourceIp: record.sourceIp,
    method: record.method,
    // A dimension's value must be a string: an unmatched request counts under `none`.
    route: record.route ?? NO_ROUTE,
    operation: record.operation ?? NO_ROUTE,
    scope: record.scope === undefined ? undefined : clip(record.scope),
    key: record.key === undefined ? undefined : clip(record.key),
    status: record.status,
    outcome: record.outcome,
    latencyMs: record.latencyMs,
    error: record.error,
    Requests: 1,
    Latency: record.latencyMs,
  } satisfies Record<typeof REQUESTS_METRIC | typeof LATENCY_METRIC, number> & Record<string, unknown>;
  sink(emfLine(metrics.directive, fields));
}

const levelOf = (record: AuditRecord): string => (record.status >= 500 ? 'ERROR' : 'INFO');
