/** `npm start` as a user runs it: prints where it listens, serves, keeps data, and stops on SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker } from './broker.js';

const repo = new URL('../..', import.meta.url).pathname;
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
  dataDir: string;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'broker-npm-'));
  dirs.push(dataDir);
  const child = spawn('npm', ['start', '--silent'], {
    cwd: repo,
    detached: true,
    env: { ...process.env, BROKER_PORT: '0', BROKER_AWS_PORT: '0', BROKER_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 30 s:\n${out}`)), 30_000);
    const check = () => {
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (found?.[1] && /data in .+\n/.test(out)) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', () => reject(new Error(`npm start exited early:\n${out}`)));
  });
  return { child, url, output: () => out, dataDir };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

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
    await exited(broker.child);
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
    await exited(broker.child);
    await new Promise((r) => setTimeout(r, 3_000));
    // Assess (needs `"start": "exec tsx local/main.ts"`: `sh -c` does not pass the signal on)
    expect(await portOpen(broker.url)).toBe(false);
  });
});

describe('restart', () => {
  it('keeps an acknowledged write across a restart on the same data directory', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'broker-restart-'));
    dirs.push(dataDir);
    const first = await startTestBroker({ dataDir });
    await first.call('PUT', '/v1/secrets/DURABLE', { json: { value: 'kept' } });
    await first.close();
    // Act
    const second = await startTestBroker({ dataDir });
    const res = await second.call('GET', '/v1/secrets/DURABLE').finally(() => second.close());
    // Assess
    expect(res.json.value).toBe('kept');
  });
});
