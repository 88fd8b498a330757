/** Fake streams and a recording fetch for running the CLI in-process. */
import { PassThrough } from 'node:stream';
import { vi } from 'vitest';
import type { CliIo, InputStream } from '../../cli/io.js';

/** A stdin that claims to be a terminal and records raw-mode switches. */
export class FakeTty extends PassThrough implements InputStream {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.rawModes.push(mode);
    return this;
  }
}

/** A writable that keeps what was written. */
export class Capture extends PassThrough {
  text = '';
  constructor(readonly isTTY = false) {
    super();
    this.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
    });
  }
}

/** IO for an in-process run: piped stdin holding `input` (or a fake terminal), captured output. */
export function fakeIo(
  options: { input?: string | Buffer; tty?: FakeTty; ttyOut?: boolean; env?: Record<string, string> } = {},
) {
  const stdin = options.tty ?? new PassThrough();
  if (!options.tty) (stdin as PassThrough).end(options.input ?? '');
  const stdout = new Capture(options.ttyOut ?? false);
  const stderr = new Capture();
  const io: CliIo = { stdin, stdout, stderr, env: options.env ?? {} };
  return { io, stdout, stderr };
}

/** A request the stubbed fetch received. */
export interface SeenRequest {
  /** HTTP method. */
  readonly method: string;
  /** Full URL, query included. */
  readonly url: URL;
  /** Headers sent. */
  readonly headers: Headers;
  /** Body text, when there was one. */
  readonly body?: string | undefined;
}

/**
 * Replaces the global fetch until `vi.unstubAllGlobals()`: each request is answered by `respond`
 * and recorded in the returned list.
 */
export function stubFetch(respond: (request: SeenRequest) => Response): SeenRequest[] {
  const seen: SeenRequest[] = [];
  vi.stubGlobal('fetch', async (url: URL | string, init: RequestInit = {}) => {
    const request: SeenRequest = {
      method: String(init.method),
      url: new URL(url),
      headers: new Headers(init.headers),
      body: init.body ? String(init.body) : undefined,
    };
    seen.push(request);
    return respond(request);
  });
  return seen;
}
