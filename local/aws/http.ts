import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { SignedRequestParts } from '../gateway/sigv4-verifier.js';
import { controlRequestProblem, crossSiteProblem, isLoopbackHostHeader, readBody } from '../loopback.js';
import { AwsError, serializationError } from './errors.js';
import { type FaultInjector, InvalidFaultRateError } from './faults.js';
import type { Body, Operation, OperationContext } from './input.js';

/** Operations per `x-amz-target` prefix: `secretsmanager` → { CreateSecret, ... }. */
export type ServiceTable = Readonly<Record<string, Readonly<Record<string, Operation>>>>;

/** What the protocol layer needs from the rest of the endpoint. */
export interface ProtocolDeps {
  readonly services: ServiceTable;
  readonly faults: FaultInjector;
  /** Runs one operation so that its writes are committed when it returns. */
  readonly commit: <T>(fn: () => T) => T;
  /** Receives one line per request: target, status, error type, duration. Never bodies. */
  readonly log: (line: string) => void;
  /**
   * Authenticates and authorizes each call before it runs (throws an AwsError to refuse it).
   * @default every call is served (no IAM)
   */
  readonly guard?: (request: {
    readonly parts: SignedRequestParts;
    readonly service: string;
    readonly operation: string;
    readonly body: Body;
  }) => Promise<OperationContext>;
}

/**
 * The path of the control route that reads and changes the endpoint's conditions: fault rates,
 * rate quotas, per-call latency, deletion lag (see `EndpointConditions`).
 */
export const FAULTS_PATH = '/_local/faults';
/** The path of the readiness probe. */
const HEALTH_PATH = '/_local/health';

const JSON_11 = 'application/x-amz-json-1.1';
// Far above the largest legal request (a 64 KiB value JSON-escaped), far below a memory problem.
const MAX_BODY_BYTES = 2 * 1024 * 1024;

class BodyTooLargeError extends Error {}

/** Reads the request body as the JSON object every operation (and the control route) takes. */
async function readJsonBody(req: IncomingMessage): Promise<Body> {
  return parseJsonBody(await readBodyBytes(req));
}

async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const bytes = await readBody(req, MAX_BODY_BYTES);
  if (bytes === undefined) throw new BodyTooLargeError();
  return bytes;
}

function parseJsonBody(bytes: Buffer): Body {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw serializationError(
      'Start of structure or map found where not expected, or the body is not valid JSON.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw serializationError('The request body must be a JSON object.');
  }
  return parsed as Body;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_11,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(payload);
}

function sendError(res: ServerResponse, error: AwsError): void {
  send(res, error.status, { __type: error.type, message: error.message }, { 'x-amzn-errortype': error.type });
}

const unknownOperation = (): AwsError =>
  new AwsError('UnknownOperationException', 'The requested operation is not recognized by this endpoint.');

function resolveOperation(
  services: ServiceTable,
  target: string | undefined,
): { op: Operation; service: string; name: string } {
  const dot = target?.lastIndexOf('.') ?? -1;
  if (target && dot > 0) {
    const service = target.slice(0, dot);
    const name = target.slice(dot + 1);
    const table = Object.hasOwn(services, service) ? services[service] : undefined;
    const op = table && Object.hasOwn(table, name) ? table[name] : undefined;
    if (op) return { op, service, name };
  }
  throw unknownOperation();
}

async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultInjector,
): Promise<void> {
  const refused = controlRequestProblem(req.method, req.headers);
  if (refused !== undefined) return send(res, 403, { message: refused });
  if (req.method === 'GET') return send(res, 200, faults.current());
  if (req.method !== 'POST') return send(res, 405, { message: 'use GET or POST' });
  try {
    const body = await readJsonBody(req);
    send(
      res,
      200,
      faults.update({
        throttleRate: body.throttleRate,
        faultRate: body.faultRate,
        quotas: body.quotas,
        latencyMs: body.latencyMs,
        deletionLagMs: body.deletionLagMs,
        deletionLagCreates: body.deletionLagCreates,
      }),
    );
  } catch (error) {
    if (error instanceof InvalidFaultRateError) return send(res, 400, { message: error.message });
    if (error instanceof AwsError) return sendError(res, error);
    throw error;
  }
}

async function handleAws(req: IncomingMessage, res: ServerResponse, deps: ProtocolDeps): Promise<string> {
  const target = req.headers['x-amz-target'];
  try {
    if (req.method !== 'POST') throw unknownOperation();
    const name = Array.isArray(target) ? target[0] : target;
    const { op, service, name: operation } = resolveOperation(deps.services, name);
    const bytes = await readBodyBytes(req);
    const body = parseJsonBody(bytes);
    // The service's own conditions (throttling, faults, latency) come before it looks at the
    // caller: a throttled call is throttled whoever makes it.
    const { latencyMs } = deps.faults.current();
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const injected = deps.faults.draw(name);
    if (injected) throw injected;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const context = deps.guard
      ? await deps.guard({
          parts: {
            method: 'POST',
            rawPath: q < 0 ? url : url.slice(0, q),
            rawQuery: q < 0 ? '' : url.slice(q + 1),
            rawHeaders: req.rawHeaders,
            body: bytes,
          },
          service,
          operation,
          body,
        })
      : {};
    const result = deps.commit(() => op(body, context));
    send(res, 200, result);
    return '200';
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      send(res, 413, { __type: 'RequestEntityTooLargeException', message: 'Request body too large.' });
      return '413 RequestEntityTooLargeException';
    }
    if (error instanceof AwsError) {
      sendError(res, error);
      return `${error.status} ${error.type}`;
    }
    // Unexpected: the detail goes to the log (error names and SQLite messages carry no values).
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
    sendError(res, new AwsError('InternalServiceError', 'An error occurred on the server side.', 500));
    return `500 InternalServiceError (${detail})`;
  }
}

/** The HTTP request listener: AWS JSON 1.1 framing, the control routes, errors in AWS's shape. */
export function protocolListener(deps: ProtocolDeps): RequestListener {
  return (req, res) => {
    if (!isLoopbackHostHeader(req.headers.host)) {
      const message = 'The Host header must name a loopback address (127.0.0.1, localhost or [::1]).';
      sendError(res, new AwsError('AccessDeniedException', message, 403));
      return;
    }
    const crossSite = crossSiteProblem(req.method, req.headers.origin);
    if (crossSite !== undefined) {
      sendError(res, new AwsError('AccessDeniedException', `${crossSite}.`, 403));
      return;
    }
    const started = Date.now();
    const path = (req.url ?? '/').split('?')[0];
    const done = (outcome: string, label: string): void =>
      deps.log(`${label} ${outcome} ${Date.now() - started}ms`);
    const work =
      path === FAULTS_PATH
        ? handleControl(req, res, deps.faults).then(() =>
            done(String(res.statusCode), `${req.method} ${path}`),
          )
        : path === HEALTH_PATH
          ? Promise.resolve(send(res, 200, { ok: true }))
          : handleAws(req, res, deps).then((outcome) =>
              done(outcome, String(req.headers['x-amz-target'] ?? '-')),
            );
    work.catch((error: unknown) => {
      deps.log(`request failed: ${error instanceof Error ? error.name : 'unknown error'}`);
      if (!res.headersSent)
        sendError(res, new AwsError('InternalServiceError', 'An error occurred on the server side.', 500));
      else res.destroy();
    });
  };
}
