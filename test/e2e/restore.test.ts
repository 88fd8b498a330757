/**
 * Restore, deleted keys and versions through real HTTP against the local broker, and
 * the CLI commands over them: `secret restore`, `secret list --deleted`, `secret get --previous |
 * --version`, and the same under `scope <scope>`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, put, scopePath, userPath } from '../support/api.js';
import { type CliRun, runCli } from '../support/cli.js';
import { type RawResponse, send } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

const DAY_MS = 86_400_000;
/** The local broker's recovery window (the default of BROKER_RECOVERY_WINDOW_DAYS). */
const WINDOW_DAYS = 7;

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

const del = async (path: string) => expect((await send(broker.url, 'DELETE', path)).status).toBe(204);
const restore = (path: string) => send(broker.url, 'POST', `${path}/restore`);
const version = (path: string, v: string) => send(broker.url, 'GET', `${path}/versions/${v}`);
type DeletedRow = { key?: string; name?: string; deletedAt: string; purgeAt: string };
const deletedItems = async (list: string): Promise<DeletedRow[]> => {
  const response = await send(broker.url, 'GET', `${list}?limit=100`);
  expect(response.status, response.text).toBe(200);
  return (response.json as { items: DeletedRow[] }).items;
};
const valueIn = (response: RawResponse) => (response.json as { value?: string }).value;

describe('user routes', () => {
  it('restores a deleted key with 200 {key, restored}, and its value reads again', async () => {
    // Prepare
    await put(broker.url, userPath('RS_BACK'), 'kept-value');
    await del(userPath('RS_BACK'));
    // Act
    const response = await restore(userPath('RS_BACK'));
    // Assess
    expect([response.status, response.json]).toEqual([200, { key: 'RS_BACK', restored: true }]);
    expect(valueIn(await send(broker.url, 'GET', userPath('RS_BACK')))).toBe('kept-value');
  });

  it('answers 409 not_deleted for a restore of a live key', async () => {
    // Prepare
    await put(broker.url, userPath('RS_LIVE'), 'v');
    // Act / Assess
    expectError(await restore(userPath('RS_LIVE')), 'not_deleted');
  });

  it('answers 404 for a restore of a key that never existed', async () => {
    expectError(await restore(userPath('RS_NEVER')), 'not_found');
  });

  it('accepts an empty JSON object as the body of a restore', async () => {
    // Prepare
    await put(broker.url, userPath('RS_BODY'), 'v');
    await del(userPath('RS_BODY'));
    // Act
    const response = await send(broker.url, 'POST', `${userPath('RS_BODY')}/restore`, { body: '{}' });
    // Assess
    expect(response.status).toBe(200);
  });

  it('lists a deleted key with its deletion time and its purge time one recovery window later', async () => {
    // Prepare
    await put(broker.url, userPath('RS_LISTED'), 'v');
    const before = Date.now();
    await del(userPath('RS_LISTED'));
    // Act
    const row = (await deletedItems('/v1/deleted-secrets')).find((r) => r.key === 'RS_LISTED');
    // Assess
    expect(row).toEqual({ key: 'RS_LISTED', deletedAt: expect.any(String), purgeAt: expect.any(String) });
    const deletedAt = Date.parse(row?.deletedAt ?? '');
    expect(deletedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(deletedAt).toBeLessThanOrEqual(Date.now() + 1000);
    expect(Date.parse(row?.purgeAt ?? '') - deletedAt).toBe(WINDOW_DAYS * DAY_MS);
  });

  it('leaves a restored key out of the deleted listing', async () => {
    // Prepare
    await put(broker.url, userPath('RS_UNLISTED'), 'v');
    await del(userPath('RS_UNLISTED'));
    await restore(userPath('RS_UNLISTED'));
    // Act
    const keys = (await deletedItems('/v1/deleted-secrets')).map((r) => r.key);
    // Assess
    expect(keys).not.toContain('RS_UNLISTED');
  });

  it('reads the previous value and a value by the version id its write returned', async () => {
    // Prepare
    const first = await put(broker.url, userPath('RS_VERSIONS'), 'first');
    await put(broker.url, userPath('RS_VERSIONS'), 'second');
    // Act
    const previous = await version(userPath('RS_VERSIONS'), 'previous');
    const byId = await version(userPath('RS_VERSIONS'), first);
    // Assess
    expect(previous.json).toEqual({
      key: 'RS_VERSIONS',
      value: 'first',
      version: first,
      updatedAt: expect.any(String),
    });
    expect(valueIn(byId)).toBe('first');
  });

  it('answers 404 for the previous version of a key written once', async () => {
    // Prepare
    await put(broker.url, userPath('RS_ONCE'), 'only');
    // Act / Assess
    expectError(await version(userPath('RS_ONCE'), 'previous'), 'not_found');
  });

  it('answers 404 for a version id that does not exist', async () => {
    // Prepare
    await put(broker.url, userPath('RS_NOID'), 'v');
    // Act / Assess
    expectError(await version(userPath('RS_NOID'), '00000000-0000-4000-8000-000000000000'), 'not_found');
  });

  it('answers 400 for a version that is neither previous nor an id', async () => {
    expectError(await version(userPath('RS_NOID'), 'AWSCURRENT'), 'invalid_body');
  });

  it('refuses a system key on restore and on a version read (403 reserved_key)', async () => {
    // Prepare
    await put(broker.url, scopePath('workloads', 'RS_SYS'), 'system');
    await del(scopePath('workloads', 'RS_SYS'));
    // Act / Assess
    expectError(await restore(userPath('__thv_workloads_RS_SYS')), 'reserved_key');
    expectError(await version(userPath('__thv_workloads_RS_SYS'), 'previous'), 'reserved_key');
  });

  it('holds a legacy name on restore while the migration is pending (403 reserved_key)', async () => {
    expectError(await restore(userPath('BEARER_TOKEN_rs')), 'reserved_key');
  });

  it('never lists a deleted system secret among the deleted user keys', async () => {
    // Prepare
    await put(broker.url, scopePath('workloads', 'RS_HIDDEN'), 'system');
    await del(scopePath('workloads', 'RS_HIDDEN'));
    // Act
    const keys = (await deletedItems('/v1/deleted-secrets')).map((r) => r.key ?? '');
    // Assess
    expect(keys.filter((k) => k.toLowerCase().startsWith('__thv_') || k.includes('RS_HIDDEN'))).toEqual([]);
  });
});

describe('scope routes', () => {
  it('restores a deleted name of the scope with 200 {name, restored}', async () => {
    // Prepare
    await put(broker.url, scopePath('workloads', 'RS_SC_BACK'), 'scoped-kept');
    await del(scopePath('workloads', 'RS_SC_BACK'));
    // Act
    const response = await restore(scopePath('workloads', 'RS_SC_BACK'));
    // Assess
    expect([response.status, response.json]).toEqual([200, { name: 'RS_SC_BACK', restored: true }]);
    expect(valueIn(await send(broker.url, 'GET', scopePath('workloads', 'RS_SC_BACK')))).toBe('scoped-kept');
  });

  it('answers 409 not_deleted for a restore of a live name', async () => {
    // Prepare
    await put(broker.url, scopePath('workloads', 'RS_SC_LIVE'), 'v');
    // Act / Assess
    expectError(await restore(scopePath('workloads', 'RS_SC_LIVE')), 'not_deleted');
  });

  it("never restores another scope's deleted name (404), and it stays deleted", async () => {
    // Prepare
    await put(broker.url, scopePath('workloads', 'RS_SC_OTHER'), 'v');
    await del(scopePath('workloads', 'RS_SC_OTHER'));
    // Act
    const response = await restore(scopePath('registry', 'RS_SC_OTHER'));
    // Assess
    expectError(response, 'not_found');
    expect((await deletedItems('/v1/scopes/workloads/deleted-secrets')).map((r) => r.name)).toContain(
      'RS_SC_OTHER',
    );
  });

  it('lists only its own deleted names, prefix stripped, with both times', async () => {
    // Prepare
    await put(broker.url, scopePath('workloads', 'RS_SC_LIST'), 'v');
    await del(scopePath('workloads', 'RS_SC_LIST'));
    await put(broker.url, userPath('RS_USER_GONE'), 'v');
    await del(userPath('RS_USER_GONE'));
    // Act
    const mine = await deletedItems('/v1/scopes/workloads/deleted-secrets');
    const other = await deletedItems('/v1/scopes/registry/deleted-secrets');
    // Assess
    expect(mine).toContainEqual({
      name: 'RS_SC_LIST',
      deletedAt: expect.any(String),
      purgeAt: expect.any(String),
    });
    expect(mine.map((r) => r.name)).not.toContain('RS_USER_GONE');
    expect(other.map((r) => r.name)).not.toContain('RS_SC_LIST');
  });

  it('reads the previous value of a name', async () => {
    // Prepare
    await put(broker.url, scopePath('auth', 'RS_SC_PREV'), 'first');
    await put(broker.url, scopePath('auth', 'RS_SC_PREV'), 'second');
    // Act
    const response = await version(scopePath('auth', 'RS_SC_PREV'), 'previous');
    // Assess
    expect(response.json).toMatchObject({ key: 'RS_SC_PREV', value: 'first' });
  });

  it('answers 404 unknown_scope on the new routes of an unserved scope', async () => {
    expectError(await send(broker.url, 'GET', '/v1/scopes/payroll/deleted-secrets'), 'unknown_scope');
    expectError(await restore(scopePath('payroll', 'x')), 'unknown_scope');
  });
});

describe('thv-broker restore, list --deleted, get --previous|--version', () => {
  const cli = (args: readonly string[]): Promise<CliRun> => runCli(['--endpoint', broker.url, ...args]);

  it('restores a deleted key and says so', async () => {
    // Prepare
    await put(broker.url, userPath('CLI_RS_BACK'), 'cli-kept');
    await del(userPath('CLI_RS_BACK'));
    // Act
    const run = await cli(['secret', 'restore', 'CLI_RS_BACK']);
    // Assess
    expect([run.code, run.stdout]).toEqual([0, 'restored CLI_RS_BACK\n']);
    expect(valueIn(await send(broker.url, 'GET', userPath('CLI_RS_BACK')))).toBe('cli-kept');
  });

  it('exits 3 (refused) with not_deleted for a restore of a live key', async () => {
    // Prepare
    await put(broker.url, userPath('CLI_RS_LIVE'), 'v');
    // Act
    const run = await cli(['--json', 'secret', 'restore', 'CLI_RS_LIVE']);
    // Assess
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: 'not_deleted', status: 409 });
  });

  it('lists deleted keys sorted under a header row with their deletion and purge times', async () => {
    // Prepare
    for (const k of ['CLI_RS_Z', 'CLI_RS_A']) {
      await put(broker.url, userPath(k), 'v');
      await del(userPath(k));
    }
    // Act
    const run = await cli(['secret', 'list', '--deleted']);
    // Assess
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY\s+DELETED\s+PURGED AFTER$/);
    const rows = lines.slice(1).filter((l) => l.startsWith('CLI_RS_'));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(['CLI_RS_A', 'CLI_RS_Z']);
    expect(rows[0]).toMatch(/^CLI_RS_A\s+\d{4}-\d\d-\d\dT\S+\s+\d{4}-\d\d-\d\dT\S+$/);
  });

  it('lists deleted keys as JSON with --json', async () => {
    // Act
    const run = await cli(['--json', 'secret', 'list', '--deleted']);
    // Assess
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { keys: DeletedRow[] }).keys).toContainEqual({
      key: 'CLI_RS_A',
      deletedAt: expect.any(String),
      purgeAt: expect.any(String),
    });
  });

  it('prints the previous value with --previous and a version by id with --version', async () => {
    // Prepare
    const first = await put(broker.url, userPath('CLI_RS_VER'), 'cli-first');
    await put(broker.url, userPath('CLI_RS_VER'), 'cli-second');
    // Act
    const previous = await cli(['secret', 'get', 'CLI_RS_VER', '--previous']);
    const byId = await cli(['secret', 'get', 'CLI_RS_VER', '--version', first]);
    // Assess
    expect([previous.code, previous.stdout, byId.code, byId.stdout]).toEqual([
      0,
      'cli-first',
      0,
      'cli-first',
    ]);
  });

  it('refuses --previous with --version as a usage error before any request', async () => {
    // Act
    const run = await cli(['secret', 'get', 'CLI_RS_VER', '--previous', '--version', 'x'.repeat(36)]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--previous and --version cannot be used together/);
  });

  it('exits 2 for --previous of a key written once', async () => {
    // Prepare
    await put(broker.url, userPath('CLI_RS_ONCE'), 'only');
    // Act
    const run = await cli(['secret', 'get', 'CLI_RS_ONCE', '--previous']);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('only');
  });

  it('does the same under scope <scope>: list --deleted, restore, get --previous', async () => {
    // Prepare
    await put(broker.url, scopePath('workloads', 'CLI_RS_SC'), 'sc-first');
    await put(broker.url, scopePath('workloads', 'CLI_RS_SC'), 'sc-second');
    await del(scopePath('workloads', 'CLI_RS_SC'));
    // Act
    const listed = await cli(['scope', 'workloads', 'list', '--deleted']);
    const restored = await cli(['scope', 'workloads', 'restore', 'CLI_RS_SC']);
    const previous = await cli(['scope', 'workloads', 'get', 'CLI_RS_SC', '--previous']);
    // Assess
    expect(listed.stdout).toMatch(/^CLI_RS_SC\s/m);
    expect([restored.code, restored.stdout]).toEqual([0, 'restored workloads/CLI_RS_SC\n']);
    expect([previous.code, previous.stdout]).toEqual([0, 'sc-first']);
  });
});
