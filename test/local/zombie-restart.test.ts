/**
 * A broker killed with `kill -9` whose parent never reaps it stays a zombie (on this machine PID 1
 * reaps late; a container without an init never does). `process.kill(pid, 0)` succeeds on a
 * zombie, so a lock judged by pid would keep the data directory refused; the lock the kernel drops
 * at exit lets the next broker start at once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { userPath } from '../support/api.js';
import { sendJson } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';
import { type StartedProcess, startProcess } from '../support/processes.js';

const groups: number[] = [];
const brokers: TestBroker[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker.close();
  // Killing the group's `sleep` leaves the zombie to PID 1, which reaps it in its own time.
  for (const group of groups.splice(0)) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts `local/main.ts` (node with tsx as a loader, so the pid is the broker's) as the child of a
 * process that never waits for it: the shell starts it in the background, prints its pid, then
 * becomes `sleep`, which inherits the child and never reaps it.
 */
async function unreapedBroker(dataDir: string): Promise<StartedProcess<{ pid: number; url: string }>> {
  const started = await startProcess(
    'sh',
    ['-c', `"${process.execPath}" --import tsx local/main.ts & echo "broker pid $!"; exec sleep 600`],
    (stdout) => {
      const pid = /broker pid (\d+)/.exec(stdout)?.[1];
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      return pid !== undefined && url !== undefined ? { pid: Number(pid), url } : undefined;
    },
    {
      env: { BROKER_PORT: '0', BROKER_AWS_PORT: '0', BROKER_DATA_DIR: dataDir },
      detached: true,
      timeoutMs: 30_000,
    },
  );
  if (started.child.pid !== undefined) groups.push(started.child.pid);
  return started;
}

/** The process state letter `ps` shows for `pid` (`Z` for a zombie), or '' when it is gone. */
function stateOf(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .charAt(0);
  } catch {
    return '';
  }
}

/**
 * True once `pid` is a zombie whose threads have all exited. The leader thread shows `Z` as soon
 * as it has exited, while the process's other threads may still be tearing down (slowly on a
 * loaded machine); its files, and the lock with them, are released only when the last one is gone.
 */
function isWholeZombie(pid: number): boolean {
  if (stateOf(pid) !== 'Z') return false;
  try {
    return execFileSync('ps', ['-o', 'nlwp=', '-p', String(pid)], { encoding: 'utf8' }).trim() === '1';
  } catch {
    return false;
  }
}

/** The status a write of `key` answers. */
const put = async (url: string, key: string, value: string): Promise<number> =>
  (await sendJson(url, 'PUT', userPath(key), { value })).status;

describe('restart after kill -9', () => {
  it('starts on the data directory of a killed broker that is still an unreaped zombie', async () => {
    // Prepare: a broker in another process holds the directory, and has written a key
    const dataDir = join(mkdtempSync(join(tmpdir(), 'broker-zombie-')), 'data');
    dirs.push(dataDir);
    const first = await unreapedBroker(dataDir);
    const { pid, url } = first.ready;
    expect(await put(url, 'BEFORE_KILL', 'written-before-kill')).toBe(201);
    // Act
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 200 && !isWholeZombie(pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(isWholeZombie(pid), 'the killed broker is a zombie nothing has reaped').toBe(true);
    const second = await startTestBroker({ dataDir });
    brokers.push(second);
    // Assess
    const read = await fetch(`${second.url}/v1/secrets/BEFORE_KILL`);
    expect([read.status, ((await read.json()) as { value?: string }).value]).toEqual([
      200,
      'written-before-kill',
    ]);
    expect(stateOf(pid), 'still a zombie while the second broker serves').toBe('Z');
  });

  it('still refuses the directory while the broker in the other process is alive, naming its pid', async () => {
    // Prepare
    const dataDir = join(mkdtempSync(join(tmpdir(), 'broker-zombie-')), 'data');
    dirs.push(dataDir);
    const { pid, url } = (await unreapedBroker(dataDir)).ready;
    // Act
    const second = startTestBroker({ dataDir });
    // Assess
    await expect(second).rejects.toThrow(
      new RegExp(`another broker \\(pid ${pid}\\) is already using the data directory .*BROKER_DATA_DIR`),
    );
    expect(await put(url, 'STILL_SERVED', 'v')).toBe(201);
  });
});
