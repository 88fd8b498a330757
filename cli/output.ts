/**
 * What the CLI prints: results on stdout (JSON with `--json`, else text for people) and errors on
 * stderr. Nothing here ever receives a secret value except {@link Output.value}, which writes to
 * stdout only.
 */
import { ApiError, CliError, EXIT, UnaddressableError } from './errors.js';
import type { CliIo } from './io.js';

/** Writes results and errors in the chosen format. */
export class Output {
  constructor(
    private readonly io: CliIo,
    /** True when `--json` was given. */
    readonly json: boolean,
  ) {}

  /** Prints a result: `data` as one line of JSON, or the text lines for people. */
  result(data: unknown, lines: readonly string[]): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(data)}\n`);
    else for (const line of lines) this.io.stdout.write(`${line}\n`);
  }

  /**
   * Prints a secret value alone so it can be piped; a newline is added only on a terminal, so
   * `> file` and `$(…)` get the value byte for byte.
   */
  value(value: string): void {
    this.io.stdout.write(this.io.stdout.isTTY ? `${value}\n` : value);
  }

  /** Reports an error on stderr and returns the exit code it ends the process with. */
  error(error: unknown): number {
    const report = reportOf(error);
    if (this.json) this.io.stderr.write(`${JSON.stringify(report.json)}\n`);
    else this.io.stderr.write(`thv-broker: ${report.text}\n`);
    return report.exitCode;
  }
}

interface Report {
  readonly text: string;
  readonly json: Record<string, unknown>;
  readonly exitCode: number;
}

function reportOf(error: unknown): Report {
  if (error instanceof ApiError) {
    const code = error.code ?? `http_${error.status}`;
    const request = error.requestId ? `, request ${error.requestId}` : '';
    return {
      text: `${error.message} (${code}, HTTP ${error.status}${request})`,
      json: { error: code, message: error.message, status: error.status, requestId: error.requestId },
      exitCode: error.exitCode,
    };
  }
  if (error instanceof UnaddressableError) {
    return {
      text: `${error.message} (${error.code})`,
      json: { error: error.code, message: error.message },
      exitCode: error.exitCode,
    };
  }
  if (error instanceof CliError) {
    return {
      text: error.message,
      json: { error: error.code, message: error.message },
      exitCode: error.exitCode,
    };
  }
  // A bug, not a broker answer: say so without a stack, which could carry request data.
  const message = error instanceof Error ? error.message : String(error);
  return {
    text: `unexpected error: ${message}`,
    json: { error: 'unexpected', message },
    exitCode: EXIT.failed,
  };
}
