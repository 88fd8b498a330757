/**
 * The decision table under the stack's own IAM (docs/design.md §3, §6): every user and scope route,
 * and every principal talking to Secrets Manager directly, against a user key, a system key of the
 * scope and of another scope, an untagged pre-broker key, an untagged legacy-table key and a
 * missing key. The routes run as their functions' roles; each expected answer is written from the
 * design's rules, not read from the policies.
 */
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopePath, userPath } from '../support/api.js';
import { send, sendJson } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';
import { errorName, NO_ERROR } from '../support/outcome.js';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
  // The broker's own writes, through its routes (tags and resource policies as deployed).
  for (const [path, value] of [
    [userPath('MY_TOKEN'), 'user value'],
    [scopePath('workloads', 'W'), 'workloads value'],
    [scopePath('registry', 'R'), 'registry value'],
  ] as const) {
    const res = await sendJson(broker.url, 'PUT', path, { value });
    expect(res.status, res.text).toBe(201);
  }
  // What the account's administrator wrote before the broker: untagged keys under the root.
  for (const name of ['OLD_KEY', 'BEARER_TOKEN_x'])
    await broker
      .clientAs('admin')
      .send(new CreateSecretCommand({ Name: `toolhive/${name}`, SecretString: `legacy ${name}` }));
}, 180_000);

afterAll(async () => {
  await broker?.close();
});

/** Status and error code of a route call (`error` empty on success). */
async function route(method: string, path: string, body?: unknown): Promise<[number, string]> {
  const res =
    body === undefined
      ? await send(broker.url, method, path)
      : await sendJson(broker.url, method, path, body);
  return [res.status, String((res.json as { error?: string } | undefined)?.error ?? '')];
}

describe('user routes, run as the user function role', () => {
  it.each([
    ['GET', 'MY_TOKEN', 200, ''],
    ['GET', '__thv_workloads_W', 403, 'reserved_key'],
    ['GET', 'OLD_KEY', 404, 'not_found'],
    ['GET', 'BEARER_TOKEN_x', 403, 'reserved_key'],
    ['GET', 'NOPE', 404, 'not_found'],
    ['restore', 'MY_TOKEN', 409, 'not_deleted'],
    ['restore', 'OLD_KEY', 404, 'not_found'],
    ['restore', 'NOPE', 404, 'not_found'],
    ['PUT', 'OLD_KEY', 403, 'access_denied'],
    ['PUT', '__thv_registry_R', 403, 'reserved_key'],
    ['DELETE', 'OLD_KEY', 404, 'not_found'],
    ['DELETE', 'BEARER_TOKEN_x', 403, 'reserved_key'],
    ['DELETE', 'NOPE', 404, 'not_found'],
  ])('%s %s answers %i %s', async (method, key, status, code) => {
    const got =
      method === 'restore'
        ? await route('POST', `${userPath(key)}/restore`)
        : await route(method, userPath(key), method === 'PUT' ? { value: 'new value' } : undefined);
    expect(got).toEqual([status, code]);
  });

  it('creates a new key (201), updates it (200) and deletes it (204)', async () => {
    const key = `NEW_${randomUUID().slice(0, 8)}`;
    expect(await route('PUT', userPath(key), { value: 'one' })).toEqual([201, '']);
    expect(await route('PUT', userPath(key), { value: 'two' })).toEqual([200, '']);
    expect(await route('DELETE', userPath(key))).toEqual([204, '']);
    expect(await route('GET', userPath(key))).toEqual([404, 'not_found']);
  });

  it('left the untagged key exactly as it was', async () => {
    const got = await broker
      .clientAs('admin')
      .send(new GetSecretValueCommand({ SecretId: 'toolhive/OLD_KEY' }));
    expect(got.SecretString).toBe('legacy OLD_KEY');
  });
});

describe('scope routes, run as that scope function role', () => {
  it.each([
    ['workloads', 'GET', 'W', 200, ''],
    // A scope route reaches only its own prefix: R of registry is __thv_workloads_R here, missing.
    ['workloads', 'GET', 'R', 404, 'not_found'],
    ['workloads', 'GET', 'OLD_KEY', 404, 'not_found'],
    ['workloads', 'GET', 'NOPE', 404, 'not_found'],
    ['workloads', 'DELETE', 'NOPE', 404, 'not_found'],
    ['registry', 'GET', 'R', 200, ''],
    ['registry', 'GET', 'W', 404, 'not_found'],
  ])('%s: %s %s answers %i %s', async (scope, method, name, status, code) => {
    expect(await route(method, scopePath(scope, name))).toEqual([status, code]);
  });

  it('creates a new name (201) and updates it (200)', async () => {
    const name = `N_${randomUUID().slice(0, 8)}`;
    expect(await route('PUT', scopePath('workloads', name), { value: 'one' })).toEqual([201, '']);
    expect(await route('PUT', scopePath('workloads', name), { value: 'two' })).toEqual([200, '']);
  });
});

describe('GetSecretValue straight to Secrets Manager, per principal', () => {
  const OK = NO_ERROR;
  const DENIED = 'AccessDeniedException';
  const MISSING = 'ResourceNotFoundException';
  const secrets = {
    user: 'toolhive/MY_TOKEN',
    workloads: 'toolhive/__thv_workloads_W',
    registry: 'toolhive/__thv_registry_R',
    untagged: 'toolhive/OLD_KEY',
    legacy: 'toolhive/BEARER_TOKEN_x',
    missing: 'toolhive/NOPE',
  } as const;
  type Kind = keyof typeof secrets;
  // Written from docs/design.md §3: tag-conditioned user role, name-conditioned scope roles, the
  // guard on every role given access (system, untagged and missing names denied), resource policies
  // on system secrets that admit only their scope's role (and the migration and break-glass roles).
  const table: Record<string, Record<Kind, string>> = {
    'user-function': {
      user: OK,
      workloads: DENIED,
      registry: DENIED,
      untagged: DENIED,
      legacy: DENIED,
      missing: DENIED,
    },
    'scope-function:workloads': {
      user: DENIED,
      workloads: OK,
      registry: DENIED,
      untagged: DENIED,
      legacy: DENIED,
      missing: DENIED,
    },
    developer: {
      user: OK,
      workloads: DENIED,
      registry: DENIED,
      untagged: DENIED,
      legacy: DENIED,
      missing: DENIED,
    },
    'service:workloads': {
      user: OK,
      workloads: DENIED,
      registry: DENIED,
      untagged: DENIED,
      legacy: DENIED,
      missing: DENIED,
    },
    admin: { user: OK, workloads: DENIED, registry: DENIED, untagged: OK, legacy: OK, missing: MISSING },
  };
  const cells = Object.entries(table).flatMap(([principal, row]) =>
    (Object.entries(row) as [Kind, string][]).map(([kind, expected]) => [principal, kind, expected] as const),
  );

  it.each(cells)('%s reading the %s secret: %s', async (principal, kind, expected) => {
    const read = broker.clientAs(principal).send(new GetSecretValueCommand({ SecretId: secrets[kind] }));
    expect(await errorName(read)).toBe(expected);
  });
});
