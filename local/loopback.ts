/**
 * What the two local servers (the API and the AWS endpoint) share. Above all the loopback-only
 * rules, as they have no authentication: they bind to loopback, and they answer only requests whose
 * Host names loopback, so a web page that rebinds its own DNS name to 127.0.0.1 (DNS rebinding)
 * cannot read secrets through the victim's browser.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback address or name to listen on. */
const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|::1|localhost)$/;

/** Throws unless `host` is a loopback address: the servers must never be reachable from elsewhere. */
export function assertLoopbackListenHost(host: string): void {
  if (!LOOPBACK_HOST.test(host)) throw new Error(`host must be a loopback address, got '${host}'`);
}

/** A Host header value naming loopback, with an optional port. */
const LOOPBACK_HOST_HEADER = /^(127(\.\d{1,3}){3}|localhost|\[::1\])(:\d{1,5})?$/i;

/** True when a request's Host header (absent only in HTTP/1.0) names a loopback address. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  return host === undefined || LOOPBACK_HOST_HEADER.test(host);
}

/** Methods that change nothing: a browser sends them cross-site freely, so they must stay harmless. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An Origin header value naming a loopback address: scheme, loopback host, optional port. */
const LOOPBACK_ORIGIN = /^https?:\/\/(127(\.\d{1,3}){3}|localhost|\[::1\])(:\d{1,5})?$/i;

/**
 * Why a request must be refused as cross-site, or undefined. A browser adds `Origin` to every
 * state-changing request a page sends, and may send some (a form post, a `text/plain` fetch) to any
 * site without asking first; so a state-changing request from a page not served by this machine is
 * refused. Tools (the SDKs, curl, the CLI) send no `Origin` and pass.
 */
export function crossSiteProblem(
  method: string | undefined,
  origin: string | readonly string[] | undefined,
): string | undefined {
  if (origin === undefined || SAFE_METHODS.has((method ?? 'GET').toUpperCase())) return undefined;
  const origins = typeof origin === 'string' ? [origin] : origin;
  return origins.every((o) => LOOPBACK_ORIGIN.test(o))
    ? undefined
    : 'a state-changing request from a web page must come from a loopback origin';
}

/** The custom header every control request (`/_local/...`) must carry; browsers preflight it. */
const CONTROL_HEADER = 'x-broker-local';

/** The headers a control request sends: JSON and {@link CONTROL_HEADER}. */
export const CONTROL_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
  [CONTROL_HEADER]: '1',
});

/**
 * Why a control request must be refused, or undefined. It must carry `x-broker-local: 1`, and a
 * body-carrying one `Content-Type: application/json`: a page on another site can only send either
 * after a CORS preflight, which these servers never grant, so no web page can switch a control on.
 */
export function controlRequestProblem(
  method: string | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  if (headers[CONTROL_HEADER] !== '1')
    return `a control request must carry the header "${CONTROL_HEADER}: 1"`;
  if (SAFE_METHODS.has((method ?? 'GET').toUpperCase())) return undefined;
  const type = String(headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  return type === 'application/json'
    ? undefined
    : 'a control request must send Content-Type: application/json';
}

/** Why a request target cannot be served: only origin-form (`/path?query`) is accepted. */
export function requestTargetProblem(target: string | undefined): string | undefined {
  return target?.startsWith('/') ? undefined : 'the request target must be a path starting with "/"';
}

/**
 * Answers requests Node's HTTP parser rejects (malformed lines, unknown methods, oversized headers)
 * with `body` as JSON instead of Node's empty default.
 */
export function answerMalformedRequests(
  server: Server,
  body: (reason: string) => Record<string, unknown>,
): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const payload = JSON.stringify(
      body(tooLarge ? 'the request headers are too large' : 'malformed HTTP request'),
    );
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(
      `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\nconnection: close\r\n\r\n${payload}`,
    );
  });
}

/** A server listening on loopback. */
export interface Listening {
  /** Base URL, e.g. `http://127.0.0.1:8787` (an IPv6 host in brackets). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening, drops open connections, then runs `onClosed`; later calls share the first. */
  close(): Promise<void>;
}

/**
 * Starts `server` listening on `host` (checked by the caller with {@link assertLoopbackListenHost})
 * and `port` (0 picks a free one). `onClosed` runs once the server has stopped.
 */
export async function listen(
  server: Server,
  host: string,
  port: number,
  onClosed: () => void = () => {},
): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    port: actual,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          onClosed();
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Reads the whole request body, or undefined when it passes `maxBytes`. A body that is too large is
 * still read to its end (and dropped), so the client gets the answer instead of a reset connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
