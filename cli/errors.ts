/**
 * The CLI's own errors. Each carries the exit code it ends the process with, so the mapping from
 * failure to exit code lives here and nowhere else. Messages never carry a secret value.
 */

/** Exit codes of `thv-broker`; documented in docs/cli.md (exit codes). */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** Bad arguments or options, a value on the command line, no value on stdin, a declined confirmation. */
  usage: 1,
  /** The key (or scoped name) does not exist. */
  notFound: 2,
  /** The broker refused the request as asked: reserved or invalid key, unknown scope, bad body, too large, denied, restore of a live key. */
  refused: 3,
  /** The request could not be completed: server error, throttling, conflict, network, credentials. */
  failed: 4,
  /** What answered is not a thv-secret-broker (a wrong `--endpoint`): retrying will not help. */
  notBroker: 5,
  /** The user pressed Ctrl-C at a prompt (128 + SIGINT, as shells do). */
  interrupted: 130,
} as const;

/** Base class of the errors the CLI reports and exits on. */
export abstract class CliError extends Error {
  /** Exit code of the process when this error ends it. */
  abstract readonly exitCode: number;
  /**
   * The `error` of a `--json` error line, a contract with scripts (docs/cli.md); undefined only for
   * an {@link ApiError} whose answer carried no broker code.
   */
  abstract readonly code: string | undefined;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The command line or its input cannot be used as given. */
export class UsageError extends CliError {
  readonly exitCode = EXIT.usage;
  readonly code = 'usage';
}

/** The user interrupted a prompt. */
export class InterruptedError extends CliError {
  readonly exitCode = EXIT.interrupted;
  readonly code = 'interrupted';
  constructor() {
    super('interrupted');
  }
}

/** The broker answered with an HTTP error; `code` is the broker's error code when it sent one. */
export class ApiError extends CliError {
  readonly exitCode: number;

  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    readonly requestId: string | undefined,
  ) {
    super(message);
    this.exitCode = exitCodeOfStatus(status, code);
  }
}

/** A key or scope that cannot travel as one URL path segment, refused before any request. */
export class UnaddressableError extends CliError {
  readonly exitCode = EXIT.refused;
  /** Same code the broker uses for a key it cannot accept, so scripts see one code for both. */
  readonly code = 'invalid_key';
}

/** The request did not complete: network, timeout, credentials, or a response the CLI cannot read. */
export class TransportError extends CliError {
  readonly exitCode = EXIT.failed;
  readonly code = 'transport';
}

/**
 * What answered is not a thv-secret-broker: an HTML page, JSON of another shape, a success without
 * the broker's body. Usually a wrong `--endpoint`; the body is never shown (it could quote the request).
 */
export class NotBrokerError extends CliError {
  readonly exitCode = EXIT.notBroker;
  readonly code = 'not_broker';
}

// 409 and 429 are the caller's cue to retry, like 5xx, so they share the "failed" code; every other
// 4xx would fail the same way again.
function exitCodeOfStatus(status: number, code: string | undefined): number {
  if (status === 404 && code === 'not_found') return EXIT.notFound;
  // A restore of a live key is a 409 that no retry changes: refused as asked.
  if (status === 409 && code === 'not_deleted') return EXIT.refused;
  if (status === 409 || status === 429 || status >= 500) return EXIT.failed;
  if (status >= 400) return EXIT.refused;
  return EXIT.failed;
}
