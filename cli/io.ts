/** The CLI's streams and environment, passed in so tests can run it in-process with fakes. */

/** Standard input as the CLI uses it: a byte stream that may be a terminal. */
export interface InputStream extends NodeJS.ReadableStream {
  /** True when stdin is a terminal. */
  readonly isTTY?: boolean;
  /** Turns echo and line editing off or on (terminals only). */
  setRawMode?(mode: boolean): unknown;
}

/** An output stream that may be a terminal. */
export interface OutputStream extends NodeJS.WritableStream {
  /** True when the stream is a terminal. */
  readonly isTTY?: boolean;
}

/** Everything the CLI reads from and writes to outside its arguments. */
export interface CliIo {
  /** Where values and confirmations come from. */
  readonly stdin: InputStream;
  /** Results only: values, listings, JSON. */
  readonly stdout: OutputStream;
  /** Prompts, progress and errors; never a value. */
  readonly stderr: OutputStream;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}
