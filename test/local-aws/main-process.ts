/** Runs `local/aws/main.ts` as a child process, the way an operator or another tool would. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A running endpoint process. */
export interface MainProcess {
  /** The URL it printed. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

/**
 * Starts the endpoint on a free port over `dataDir` and waits for the URL it prints. Node runs
 * main.ts itself (tsx as a loader, not as a wrapper process), so the child's pid is the server's
 * and a SIGKILL hits the server.
 */
export async function startMainProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<MainProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/aws/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, BROKER_AWS_PORT: '0', BROKER_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`main.ts printed no URL within 20s:\n${output}`)),
      20_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`main.ts exited with ${code} before listening:\n${output}`));
    });
  });
  return { url, child, exited };
}
