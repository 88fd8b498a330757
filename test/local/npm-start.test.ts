/**
 * `npm start` as a user runs it: prints where it listens, serves, and stops on SIGTERM. (That a
 * restart keeps the data is test/e2e/restart.test.ts.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startProcess } from '../support/processes.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  // A test that failed half-way must not leave a broker behind: stop its whole process group.
  for (const child of children.splice(0)) {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts `npm start` on free ports in its own process group and waits for its banner. */
async function npmStart(): Promise<{
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
  dataDir: string;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'broker-npm-'));
  dirs.push(dataDir);
  const started = await startProcess(
    'npm',
    ['start', '--silent'],
    (stdout) => {
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      return found !== undefined && /data in .+\n/.test(stdout) ? found : undefined;
    },
    {
      env: { BROKER_PORT: '0', BROKER_AWS_PORT: '0', BROKER_DATA_DIR: dataDir },
      detached: true,
      timeoutMs: 30_000,
    },
  );
  children.push(started.child);
  return {
    child: started.child,
    url: started.ready,
    output: () => started.stdout() + started.stderr(),
    exited: started.exited,
    dataDir,
  };
}

/** Runs `npm start` with `env` to its end (it is expected to refuse to start); its exit code and output. */
function npmStartRefused(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

const portOpen = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('npm start', () => {
  it('prints the API address, the AWS endpoint and the data directory', async () => {
    // Act
    const broker = await npmStart();
    // Assess
    expect(broker.output()).toMatch(
      new RegExp(
        `listening on http://127\\.0\\.0\\.1:\\d+[\\s\\S]*AWS endpoint[^\\n]*127\\.0\\.0\\.1[\\s\\S]*data in ${broker.dataDir}`,
      ),
    );
  });

  it('says that it enforces the stack’s IAM and how to turn it off', async () => {
    // Act
    const broker = await npmStart();
    for (let i = 0; i < 50 && !broker.output().includes('IAM: '); i += 1)
      await new Promise((r) => setTimeout(r, 100));
    // Assess
    expect(broker.output()).toMatch(/IAM: on, [^\n]*BROKER_IAM=off turns it off/);
  });

  it('serves the API and logs each request', async () => {
    // Prepare
    const broker = await npmStart();
    // Act
    const res = await fetch(`${broker.url}/v1/secrets/NOPE`);
    await new Promise((r) => setTimeout(r, 200));
    // Assess
    expect([res.status, broker.output().includes('"route":"/v1/secrets/{key}"')]).toEqual([404, true]);
  });

  it('stops cleanly and frees its port when its process group gets SIGTERM', async () => {
    // Prepare
    const broker = await npmStart();
    // Act
    process.kill(-(broker.child.pid as number), 'SIGTERM');
    await broker.exited;
    await new Promise((r) => setTimeout(r, 500));
    // Assess
    expect([
      broker.output().includes('SIGTERM: stopping'),
      /error/i.test(broker.output()),
      await portOpen(broker.url),
    ]).toEqual([true, false, false]);
  });

  it('stops the broker when only npm itself gets SIGTERM', async () => {
    // Prepare
    const broker = await npmStart();
    // Act
    broker.child.kill('SIGTERM');
    await broker.exited;
    await new Promise((r) => setTimeout(r, 3_000));
    // Assess (needs `"start": "exec tsx local/main.ts"`: `sh -c` does not pass the signal on)
    expect(await portOpen(broker.url)).toBe(false);
  });

  it('refuses a second npm start on the same data directory and says what to do', async () => {
    // Prepare
    const first = await npmStart();
    // Act
    const second = await npmStartRefused({
      BROKER_PORT: '0',
      BROKER_AWS_PORT: '0',
      BROKER_DATA_DIR: first.dataDir,
    });
    // Assess
    expect(second.code).toBe(1);
    expect(second.output).toMatch(
      /another broker \(pid \d+\) is already using the data directory .*BROKER_DATA_DIR/,
    );
    expect((await fetch(`${first.url}/v1/secrets/NOPE`)).status).toBe(404);
  });

  it('names BROKER_PORT when the API port is busy', async () => {
    // Prepare
    const first = await npmStart();
    const other = mkdtempSync(join(tmpdir(), 'broker-npm-'));
    dirs.push(other);
    const port = new URL(first.url).port;
    // Act
    const second = await npmStartRefused({ BROKER_PORT: port, BROKER_AWS_PORT: '0', BROKER_DATA_DIR: other });
    // Assess
    expect(second.code).toBe(1);
    expect(second.output).toContain(`port ${port} (the local API) is already in use: set BROKER_PORT`);
  });
});
