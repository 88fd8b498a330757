/**
 * Runs the local entry points as child processes, the way an operator or another tool would:
 * `local/aws/main.ts` on its own, `local/main.ts`, or `npm start`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A child process that has printed what it was waited for. */
export interface StartedProcess<T> {
  readonly child: ChildProcess;
  /** What `ready` found in its stdout. */
  readonly ready: T;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code when the process exits. */
  readonly exited: Promise<number | null>;
  /** Resolves once the process has exited and all its output is read. */
  readonly closed: Promise<void>;
}

/** How to run a process under test. */
export interface StartOptions {
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** In its own process group (so a test can signal the group, as a terminal would). */
  readonly detached?: boolean;
  /** How long to wait for `ready`. @default 20_000 */
  readonly timeoutMs?: number;
}

/**
 * Starts `command args` in the repository root and waits until `ready` finds something in its
 * stdout. Fails, killing what it started, when the process exits first or the time runs out.
 */
export async function startProcess<T>(
  command: string,
  args: readonly string[],
  ready: (stdout: string) => T | undefined,
  options: StartOptions = {},
): Promise<StartedProcess<T>> {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const what = [command, ...args].join(' ');
  try {
    const found = await new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 20_000;
      const timer = setTimeout(
        () => reject(new Error(`${what}: not ready within ${timeoutMs} ms:\n${stdout}${stderr}`)),
        timeoutMs,
      );
      child.stdout?.on('data', () => {
        const value = ready(stdout);
        if (value === undefined) return;
        clearTimeout(timer);
        resolve(value);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited with ${code} before it was ready:\n${stdout}${stderr}`));
      });
    });
    return { child, ready: found, stdout: () => stdout, stderr: () => stderr, exited, closed };
  } catch (error) {
    // A group leader's children would outlive it: kill the whole group.
    try {
      if (options.detached && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // already gone
    }
    throw error;
  }
}

/** A running endpoint process. */
export interface MainProcess {
  /** The URL it printed. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

/**
 * Starts `local/aws/main.ts` on a free port over `dataDir` and waits for the URL it prints. Node
 * runs main.ts itself (tsx as a loader, not as a wrapper process), so the child's pid is the
 * server's and a SIGKILL hits the server.
 */
export async function startMainProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<MainProcess> {
  const started = await startProcess(
    process.execPath,
    ['--import', 'tsx', 'local/aws/main.ts'],
    (stdout) => /listening on (http:\/\/\S+)/.exec(stdout)?.[1],
    { env: { BROKER_AWS_PORT: '0', BROKER_DATA_DIR: dataDir, ...env } },
  );
  return { url: started.ready, child: started.child, exited: started.exited.then(() => {}) };
}
