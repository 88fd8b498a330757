/**
 * The audit log: one structured JSON line per request. A record has no field for a value, a body
 * or a query, so no secret value can reach the log through it.
 */

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
  readonly operation?: string;
  /** Scope of a scope route. */
  readonly scope?: string;
  /** The key (user route) or scoped name (scope route), decoded. */
  readonly key?: string;
  /** HTTP status answered. */
  readonly status: number;
  /** `ok`, or the error code answered. */
  readonly outcome: string;
  /** Milliseconds from event to answer. */
  readonly latencyMs: number;
  /** On 5xx only: what went wrong (error name, message and stack). */
  readonly error?: { readonly name: string; readonly message: string; readonly stack?: string };
}

/** Longest key or scope text written to the log (both come from the request path). */
const MAX_FIELD = 256;

const clip = (text: string): string => (text.length > MAX_FIELD ? `${text.slice(0, MAX_FIELD)}…` : text);

/** Writes one audit record as a single JSON line. */
export function writeAudit(sink: LogSink, record: AuditRecord): void {
  const line = {
    level: record.status >= 500 ? 'ERROR' : 'INFO',
    message: 'request',
    timestamp: new Date().toISOString(),
    ...record,
    ...(record.key === undefined ? {} : { key: clip(record.key) }),
    ...(record.scope === undefined ? {} : { scope: clip(record.scope) }),
  };
  sink(JSON.stringify(line));
}
