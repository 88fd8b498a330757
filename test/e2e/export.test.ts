/**
 * Exports (docs/cli.md) against the real local broker, through the real executable: `secret export` and
 * `scope <scope> export` (values that quoting gets wrong come back unchanged from bash, JSON for
 * any key, a 0600 file, no value on stderr), and the local broker found through BROKER_PORT alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { put, scopePath, userPath } from '../support/api.js';
import { runCli } from '../support/cli.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

const NASTY = `it's "$HOME" \`id\` \\n\\\\\nsecond line $(echo x) 'q'`;
let broker: TestBroker;
let dir: string;

beforeAll(async () => {
  broker = await startTestBroker();
  dir = mkdtempSync(join(tmpdir(), 'thv-export-e2e-'));
  await put(broker.url, scopePath('registry', 'EXP_NASTY'), NASTY);
  await put(broker.url, scopePath('registry', 'EXP_PLAIN'), 'plain');
  await put(broker.url, scopePath('llm', 'odd-name.v2'), 'odd');
  await put(broker.url, userPath('EXP_USER'), 'user-value');
});

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ THV_BROKER_ENDPOINT: broker.url });

/** Sources `file` in bash and prints the named variables as a JSON array. */
function sourced(file: string, names: string[]): Promise<unknown> {
  const script = `set -a; . "$1"; set +a; exec "$2" -e 'process.stdout.write(JSON.stringify(JSON.parse(process.argv[1]).map(n=>process.env[n])))' "$3"`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script, 'bash', file, process.execPath, JSON.stringify(names)]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out)));
  });
}

describe('export', () => {
  it("writes a scope's secrets to a 0600 dotenv file that bash reads back unchanged", async () => {
    // Prepare
    const file = join(dir, 'registry.env');
    // Act
    const run = await runCli(['scope', 'registry', 'export', '--output', file], { env: env() });
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await sourced(file, ['EXP_NASTY', 'EXP_PLAIN'])).toEqual([NASTY, 'plain']);
    expect(run.stdout + run.stderr).not.toContain('second line');
  });

  it('prints JSON for any key name, and refuses dotenv for it naming the key', async () => {
    // Act
    const json = await runCli(['scope', 'llm', 'export', '--format', 'json'], { env: env() });
    const dotenv = await runCli(['scope', 'llm', 'export'], { env: env() });
    // Assess
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ 'odd-name.v2': 'odd' });
    expect(dotenv.code).toBe(1);
    expect(dotenv.stderr).toContain('not valid variable names for dotenv: odd-name.v2');
    expect(dotenv.stdout).toBe('');
  });

  it('exits 2 for a --key that does not exist, writing nothing', async () => {
    // Prepare
    const file = join(dir, 'missing.env');
    // Act
    const run = await runCli(
      ['secret', 'export', '--key', 'EXP_USER', '--key', 'EXP_NOPE', '--output', file],
      {
        env: env(),
      },
    );
    // Assess
    expect(run.code).toBe(2);
    expect(() => readFileSync(file)).toThrow();
    expect(run.stderr).not.toContain('user-value');
  });
});

describe('BROKER_PORT', () => {
  it('finds the local broker with BROKER_PORT alone, as npm start uses it', async () => {
    // Act
    const run = await runCli(['secret', 'export', '--key', 'EXP_USER', '--format', 'json'], {
      env: { BROKER_PORT: new URL(broker.url).port },
    });
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ EXP_USER: 'user-value' });
  });
});
