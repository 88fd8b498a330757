/** Fake streams for running the CLI in-process. */
import { PassThrough } from 'node:stream';
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
