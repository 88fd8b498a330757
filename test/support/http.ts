/**
 * Raw HTTP for end-to-end tests. `fetch` normalises paths (`..`, `%2E%2E`) before sending, which
 * would hide exactly the path games the battery sends; `node:http` sends the path byte for byte.
 */
import { request } from 'node:http';

/** What came back. */
export interface RawResponse {
  /** HTTP status. */
  readonly status: number;
  /** Response headers (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Body text. */
  readonly text: string;
  /** Body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** Options of {@link send}. */
export interface SendOptions {
  /** Body to send as is (a string is sent as UTF-8). */
  readonly body?: string | Buffer | undefined;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** Sends `method path` to `baseUrl` with the path exactly as given. */
export function send(
  baseUrl: string,
  method: string,
  path: string,
  options: SendOptions = {},
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a JSON body. */
export function sendJson(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  headers?: Record<string, string>,
) {
  return send(baseUrl, method, path, { body: JSON.stringify(body), headers });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
