/** Child processes the benchmarks start: free loopback ports, waiting for a server, stopping a group. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` every `intervalMs` until it answers 200, or throws after `timeoutMs`. */
export async function waitForOk(url: string, timeoutMs = 60_000, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Stops a child started with `detached: true` (its own process group) and waits for it to exit. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** The embedded AWS endpoint running in a process of its own. */
export interface EndpointProcess {
  /** Its base URL. */
  readonly url: string;
  /** Stops it and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `local/aws/main.ts` (node with tsx as a loader) on a free port over `dataDir`, in a process
 * of its own, as Secrets Manager is to a Lambda function: its server work then runs beside the
 * caller's, not on the caller's thread between the caller's steps.
 */
export async function startEndpointProcess(dataDir: string): Promise<EndpointProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/aws/main.ts'], {
    cwd: fileURLToPath(new URL('../', import.meta.url)),
    // Enforcement off: the handler-overhead figures compare the handler with the direct call on an
    // endpoint that checks no IAM on either side (bench/iam.ts measures what enforcement costs).
    env: {
      ...process.env,
      BROKER_AWS_PORT: '0',
      BROKER_DATA_DIR: dataDir,
      BROKER_AWS_LOG: '',
      BROKER_IAM: 'off',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the endpoint did not start within 60 s: ${stdout}`)),
      60_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const found = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (found === undefined) return;
      clearTimeout(timer);
      resolve(found);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the endpoint exited with ${code} before it listened: ${stdout}`));
    });
  }).catch(async (error: unknown) => {
    await stopGroup(child);
    throw error;
  });
  // Nothing more is read: the endpoint logs nothing per request unless BROKER_AWS_LOG=1.
  child.stdout?.resume();
  return { url, stop: () => stopGroup(child) };
}
