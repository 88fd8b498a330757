/** Runs the real `thv-broker` executable (bin/thv-broker.js) as a child process. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The package's bin entry. */
const BIN = fileURLToPath(new URL('../../bin/thv-broker.js', import.meta.url));

/** How a CLI run ended. */
export interface CliRun {
  /** Exit code (null when killed by a signal). */
  readonly code: number | null;
  /** Everything written to stdout. */
  readonly stdout: string;
  /** Everything written to stderr. */
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Bytes piped to stdin, which is then closed; stdin is always a pipe, never a terminal. */
  readonly input?: string | Buffer;
  /** Extra environment variables (THV_BROKER_ENDPOINT is unset unless given here). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs `node bin/thv-broker.js ...args` and collects its output. */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (options.env?.THV_BROKER_ENDPOINT === undefined) delete env.THV_BROKER_ENDPOINT;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'pipe' });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    // A CLI that refuses before reading stdin closes it early; that is not a test failure.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
