/**
 * The `thv-broker` executable against the local broker: every command for user and scope
 * secrets, piped stdin, `--json`, exit codes, and no value ever on stderr.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { put, scopePath, userPath } from '../support/api.js';
import { type CliRun, type RunCliOptions, runCli } from '../support/cli.js';
import { freePort } from '../support/endpoints.js';
import { send } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

let broker: TestBroker;
// Every value any test wrote, and every output no value may reach (each run's stderr, each set's
// stdout): checked together at the end.
const valuesWritten: string[] = [];
const valueFree: string[] = [];

/** Runs the CLI and keeps its stderr for the final check. */
async function recorded(args: readonly string[], options: RunCliOptions = {}): Promise<CliRun> {
  const run = await runCli(args, options);
  valueFree.push(run.stderr);
  return run;
}

/** Runs the CLI against the test broker. */
function cli(args: readonly string[], options: RunCliOptions = {}): Promise<CliRun> {
  return recorded(['--endpoint', broker.url, ...args], options);
}

/** Pipes `value` into `set` and keeps it, and the run's stdout, for the final check. */
async function cliSet(args: readonly string[], value: string): Promise<CliRun> {
  valuesWritten.push(value);
  const run = await cli(args, { input: value });
  valueFree.push(run.stdout);
  return run;
}

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

describe('thv-broker secret', () => {
  it('sets a user secret from stdin and says it was created', async () => {
    // Act
    const run = await cliSet(['secret', 'set', 'CLI_SET', '--description', 'from the cli'], 'cli-set-value');
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^created CLI_SET \(version .+\)\n$/);
    expect((await send(broker.url, 'GET', userPath('CLI_SET'))).json).toMatchObject({
      value: 'cli-set-value',
    });
  });

  it('says updated when the secret existed', async () => {
    // Prepare
    await put(broker.url, userPath('CLI_UPDATE'), 'old');
    // Act
    const run = await cliSet(['secret', 'set', 'CLI_UPDATE'], 'cli-update-value');
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^updated CLI_UPDATE/);
  });

  it('drops one trailing newline from piped input (echo) and keeps it with --keep-newline', async () => {
    // Act
    await cliSet(['secret', 'set', 'CLI_NL'], 'echoed-value\n');
    await cliSet(['secret', 'set', 'CLI_KEEP_NL', '--keep-newline'], 'kept-value\n');
    // Assess
    expect((await send(broker.url, 'GET', userPath('CLI_NL'))).json).toMatchObject({ value: 'echoed-value' });
    expect((await send(broker.url, 'GET', userPath('CLI_KEEP_NL'))).json).toMatchObject({
      value: 'kept-value\n',
    });
  });

  it('prints only the value on get, byte for byte, so it can be piped', async () => {
    // Prepare
    const value = 'multi\nline value with ünïcödé 🔑';
    await put(broker.url, userPath('CLI_GET'), value);
    valuesWritten.push(value);
    // Act
    const run = await cli(['secret', 'get', 'CLI_GET']);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(value);
  });

  it('prints the whole record on get --json', async () => {
    // Prepare
    const version = await put(broker.url, userPath('CLI_GET_JSON'), 'json-value');
    valuesWritten.push('json-value');
    // Act
    const run = await cli(['--json', 'secret', 'get', 'CLI_GET_JSON']);
    // Assess
    expect(JSON.parse(run.stdout)).toEqual({
      key: 'CLI_GET_JSON',
      value: 'json-value',
      version,
      updatedAt: expect.any(String),
    });
  });

  it('lists every key across pages and never a value', async () => {
    // Prepare: more keys than the broker's default page of 50
    for (let i = 0; i < 60; i++)
      await put(broker.url, userPath(`CLI_MANY_${String(i).padStart(2, '0')}`), 'many-value');
    // Act
    const run = await cli(['secret', 'list']);
    // Assess
    expect(run.code).toBe(0);
    const keys = run.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(keys.filter((k) => k?.startsWith('CLI_MANY_'))).toHaveLength(60);
    expect(run.stdout).not.toContain('many-value');
  });

  it('stops a listing at --limit', async () => {
    // Act
    const run = await cli(['--json', 'secret', 'list', '--limit', '55']);
    // Assess
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { keys: unknown[] }).keys).toHaveLength(55);
  });

  it('lists as JSON with descriptions', async () => {
    // Prepare
    await put(broker.url, userPath('CLI_DESCRIBED'), 'x', 'a description');
    // Act
    const run = await cli(['secret', 'list', '--json']);
    // Assess
    expect((JSON.parse(run.stdout) as { keys: unknown[] }).keys).toContainEqual({
      key: 'CLI_DESCRIBED',
      description: 'a description',
      updatedAt: expect.any(String),
    });
  });

  it('deletes a secret, after which get exits 2 with not_found', async () => {
    // Prepare
    await put(broker.url, userPath('CLI_DELETE'), 'x');
    // Act
    const deleted = await cli(['secret', 'delete', 'CLI_DELETE']);
    const after = await cli(['secret', 'get', 'CLI_DELETE']);
    // Assess
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe('deleted CLI_DELETE\n');
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('not_found');
    expect(after.stdout).toBe('');
  });

  it('reads the endpoint from THV_BROKER_ENDPOINT', async () => {
    // Prepare
    await put(broker.url, userPath('CLI_ENV'), 'env-value');
    valuesWritten.push('env-value');
    // Act
    const run = await recorded(['secret', 'get', 'CLI_ENV'], { env: { THV_BROKER_ENDPOINT: broker.url } });
    // Assess
    expect(run.stdout).toBe('env-value');
  });
});

describe('thv-broker scope', () => {
  it('sets, gets, lists and deletes a scoped name', async () => {
    // Act
    const set = await cliSet(['scope', 'workloads', 'set', 'BEARER_TOKEN_cli'], 'scoped-cli-value');
    const get = await cli(['scope', 'workloads', 'get', 'BEARER_TOKEN_cli']);
    const list = await cli(['scope', 'workloads', 'list', '--json']);
    const del = await cli(['scope', 'workloads', 'delete', 'BEARER_TOKEN_cli']);
    const after = await cli(['scope', 'workloads', 'get', 'BEARER_TOKEN_cli']);
    // Assess
    expect([set.code, get.code, list.code, del.code, after.code]).toEqual([0, 0, 0, 0, 2]);
    expect(set.stdout).toMatch(/^created workloads\/BEARER_TOKEN_cli/);
    expect(get.stdout).toBe('scoped-cli-value');
    expect((JSON.parse(list.stdout) as { keys: { key: string }[] }).keys.map((k) => k.key)).toContain(
      'BEARER_TOKEN_cli',
    );
  });

  it('stores a scoped name under the scope, not as a user key', async () => {
    // Act
    await cliSet(['scope', 'registry', 'set', 'registry-cli-key'], 'registry-cli-value');
    // Assess
    expect((await send(broker.url, 'GET', scopePath('registry', 'registry-cli-key'))).status).toBe(200);
    expect((await send(broker.url, 'GET', userPath('registry-cli-key'))).status).toBe(404);
  });

  it('cleans up a scope with --yes and reports the count', async () => {
    // Prepare
    await put(broker.url, scopePath('llm', 'K1'), 'x');
    await put(broker.url, scopePath('llm', 'K2'), 'x');
    // Act
    const run = await cli(['--json', 'scope', 'llm', 'cleanup', '--yes']);
    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ scope: 'llm', deleted: 2 });
  });

  it('refuses a cleanup without --yes when stdin is not a terminal, and deletes nothing', async () => {
    // Prepare
    await put(broker.url, scopePath('auth', 'STAYS'), 'x');
    // Act
    const run = await cli(['scope', 'auth', 'cleanup']);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--yes');
    expect((await send(broker.url, 'GET', scopePath('auth', 'STAYS'))).status).toBe(200);
  });

  it('exits 3 with unknown_scope for a scope the deployment does not have', async () => {
    // Act
    const run = await cli(['scope', 'payments', 'list']);
    // Assess
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('unknown_scope');
  });
});

describe('exit codes and refusals', () => {
  it('exits 3 with reserved_key for a reserved key on the user commands', async () => {
    // Act
    const run = await cliSet(['secret', 'set', '__THV_workloads_x'], 'reserved-attempt-value');
    // Assess
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('reserved_key');
    expect((await send(broker.url, 'GET', scopePath('workloads', 'x'))).status).toBe(404);
  });

  it('exits 3 with invalid_key for a key the broker cannot accept', async () => {
    // Act
    const run = await cli(['secret', 'get', 'a/b']);
    // Assess
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('invalid_key');
  });

  it('exits 3 with value_too_large for a value over 65,536 bytes', async () => {
    // Act
    const run = await cliSet(['secret', 'set', 'CLI_BIG'], 'B'.repeat(65_537));
    // Assess
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('value_too_large');
  });

  it('exits 4 when the broker cannot be reached', async () => {
    // Prepare: a loopback port that was free a moment ago
    const port = await freePort();
    // Act
    const run = await recorded(['--endpoint', `http://127.0.0.1:${port}`, 'secret', 'list']);
    // Assess
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('cannot reach');
  });

  it('exits 1 on an unknown command', async () => {
    // Act
    const run = await cli(['secret', 'lst']);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('unknown command');
  });

  it('exits 1 on an empty stdin for set, and writes nothing', async () => {
    // Act
    const run = await cli(['secret', 'set', 'CLI_EMPTY'], { input: '' });
    // Assess
    expect(run.code).toBe(1);
    expect((await send(broker.url, 'GET', userPath('CLI_EMPTY'))).status).toBe(404);
  });

  it('prints errors as JSON on stderr with --json', async () => {
    // Act
    const run = await cli(['--json', 'secret', 'get', 'CLI_NOPE']);
    // Assess
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toEqual({
      error: 'not_found',
      message: expect.any(String),
      status: 404,
      requestId: expect.any(String),
    });
  });

  it.each([
    ['as a positional argument', ['secret', 'set', 'CLI_ARGV', 'argv-secret-value-1']],
    ['as a scoped positional argument', ['scope', 'auth', 'set', 'CLI_ARGV', 'argv-secret-value-2']],
    ['as --value', ['secret', 'set', 'CLI_ARGV', '--value', 'argv-secret-value-3']],
    ['as --value=', ['secret', 'set', 'CLI_ARGV', '--value=argv-secret-value-4']],
    ['as an unknown --option=', ['secret', 'set', 'CLI_ARGV', '--token=argv-secret-value-5']],
  ])('refuses a value given %s, without echoing it and without writing', async (_how, args) => {
    // Prepare
    const value = (args.at(-1) as string).replace(/^--\w+=/, '');
    valuesWritten.push(value);
    // Act
    const run = await cli(args, { input: 'piped-but-ignored' });
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain(value);
    expect((await send(broker.url, 'GET', userPath('CLI_ARGV'))).status).toBe(404);
    expect((await send(broker.url, 'GET', scopePath('auth', 'CLI_ARGV'))).status).toBe(404);
  });

  it('tells the user to pipe a value given in argv', async () => {
    // Act
    const run = await cli(['secret', 'set', 'CLI_ARGV', 'argv-secret-value-6']);
    valuesWritten.push('argv-secret-value-6');
    // Assess
    expect(run.stderr).toMatch(/pipe it on stdin/);
  });

  it('never wrote a value to stderr, or to stdout on set, in any run', () => {
    // Assess (runs last: every run of this file has been collected)
    const leaks = valuesWritten.filter((value) => valueFree.some((output) => output.includes(value)));
    expect(valuesWritten.length).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });
});
