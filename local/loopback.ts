/**
 * Loopback-only rules shared by the two local servers, which have no authentication: they bind to
 * loopback, and they answer only requests whose Host names loopback, so a web page that rebinds its
 * own DNS name to 127.0.0.1 (DNS rebinding) cannot read secrets through the victim's browser.
 */
import type { Server } from 'node:http';

/** A loopback address or name to listen on. */
export const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|::1|localhost)$/;

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
