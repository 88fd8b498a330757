/**
 * The local store on disk: its directory is 0700 and its files 0600 whatever the umask (and ones
 * an older version left open are tightened), one broker per data directory, and a busy port names
 * the variable that moves it.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync as makeDir,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../local/aws/store.js';
import { LOCK_FILE, PID_FILE } from '../../local/data-lock.js';
import { put } from '../support/api.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

const dirs: string[] = [];
const brokers: TestBroker[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker.close();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A data directory path that does not exist yet, inside a fresh temporary folder. */
function newDataDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'broker-data-dir-'));
  dirs.push(parent);
  return join(parent, 'data');
}

async function start(dataDir: string, ports: { port?: number; awsPort?: number } = {}): Promise<TestBroker> {
  const broker = await startTestBroker({ dataDir, ...ports });
  brokers.push(broker);
  return broker;
}

async function writeSecret(broker: TestBroker): Promise<void> {
  await put(broker.url, '/v1/secrets/AT_REST', 'at-rest-value');
}

const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** The mode of the directory and of every file in it, by name. */
function modes(dataDir: string): Record<string, number> {
  const out: Record<string, number> = { '.': modeOf(dataDir) };
  for (const name of readdirSync(dataDir)) out[name] = modeOf(join(dataDir, name));
  return out;
}

/** Runs `fn` with umask 000, so nothing but the code itself keeps files private. */
async function withOpenUmask<T>(fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(0o000);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

/** A port something else is listening on. */
async function busyPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('data at rest', () => {
  it('creates the directory 0700 and the database, WAL, shared-memory and lock files 0600 under umask 000', async () => {
    // Prepare
    const dataDir = newDataDir();
    // Act
    const found = await withOpenUmask(async () => {
      const broker = await start(dataDir);
      await writeSecret(broker);
      return modes(dataDir);
    });
    // Assess
    expect(Object.keys(found)).toEqual(
      expect.arrayContaining([
        '.',
        DATABASE_FILE,
        `${DATABASE_FILE}-wal`,
        `${DATABASE_FILE}-shm`,
        LOCK_FILE,
        PID_FILE,
      ]),
    );
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, k === '.' ? 0o700 : 0o600])));
  });

  it('tightens a directory and files an older version left readable by others', async () => {
    // Prepare: a data directory as the previous version left it, 0755 with 0644 files
    const dataDir = newDataDir();
    const first = await start(dataDir);
    await writeSecret(first);
    await first.close();
    chmodSync(dataDir, 0o755);
    for (const name of readdirSync(dataDir)) chmodSync(join(dataDir, name), 0o644);
    // Act
    const broker = await start(dataDir);
    await writeSecret(broker);
    // Assess
    const found = modes(dataDir);
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, k === '.' ? 0o700 : 0o600])));
  });
});

describe('one broker per data directory', () => {
  it('refuses a second broker on the same directory, naming the holder and BROKER_DATA_DIR', async () => {
    // Prepare
    const dataDir = newDataDir();
    const first = await start(dataDir);
    // Act
    const second = start(dataDir);
    // Assess
    await expect(second).rejects.toThrow(
      new RegExp(
        `another broker \\(pid ${process.pid}\\) is already using the data directory .*BROKER_DATA_DIR`,
      ),
    );
    await writeSecret(first);
  });

  it('lets a broker start once the previous one has stopped', async () => {
    // Prepare
    const dataDir = newDataDir();
    await (await start(dataDir)).close();
    // Act
    const broker = await start(dataDir);
    // Assess
    await writeSecret(broker);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
  });

  it("takes over an older version's lock file (text holding a pid) whose process is gone", async () => {
    // Prepare: the lock an older version left when it was killed
    const dataDir = newDataDir();
    await (await start(dataDir)).close();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dataDir, LOCK_FILE), `${gone}\n`);
    // Act
    const broker = await start(dataDir);
    // Assess
    await writeSecret(broker);
  });

  it("refuses while the process named by an older version's lock file lives", async () => {
    // Prepare: a running broker of an older version (the parent of this test process stands in)
    const dataDir = newDataDir();
    makeDir(dataDir);
    writeFileSync(join(dataDir, LOCK_FILE), `${process.ppid}\n`);
    // Act
    const started = start(dataDir);
    // Assess
    await expect(started).rejects.toThrow(`another broker (pid ${process.ppid}) is already using`);
  });

  it('removes its pid file when it stops, and keeps the lock file', async () => {
    // Prepare
    const dataDir = newDataDir();
    const broker = await start(dataDir);
    // Act
    await broker.close();
    // Assess (removing the lock file would let two brokers lock two files at one path)
    expect([existsSync(join(dataDir, PID_FILE)), existsSync(join(dataDir, LOCK_FILE))]).toEqual([
      false,
      true,
    ]);
  });
});

describe('a busy port', () => {
  it('names BROKER_PORT when the API port is taken, and leaves the directory free', async () => {
    // Prepare
    const dataDir = newDataDir();
    const port = await busyPort();
    // Act
    const started = start(dataDir, { port });
    // Assess
    await expect(started).rejects.toThrow(`port ${port} (the local API) is already in use: set BROKER_PORT`);
    await writeSecret(await start(dataDir));
  });

  it('names BROKER_AWS_PORT when the AWS endpoint port is taken', async () => {
    // Prepare
    const dataDir = newDataDir();
    const awsPort = await busyPort();
    // Act
    const started = start(dataDir, { awsPort });
    // Assess
    await expect(started).rejects.toThrow(
      `port ${awsPort} (the local AWS endpoint) is already in use: set BROKER_AWS_PORT`,
    );
    await writeSecret(await start(dataDir));
  });
});
