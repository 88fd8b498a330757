/**
 * Every route of docs/design.md §4 through real HTTP against the local broker: the real gateway,
 * the real handlers and adapter, the embedded endpoint. The error codes are errors.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES } from '../../core/namespace.js';
import { expectError, listAll, put, scopePath, userPath } from '../support/api.js';
import { send, sendJson } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

describe('user routes', () => {
  it('creates a secret with 201 and its key and version', async () => {
    // Act
    const response = await sendJson(broker.url, 'PUT', userPath('ROUTE_CREATE'), { value: 'v1' });
    // Assess
    expect(response.status).toBe(201);
    expect(response.json).toEqual({ key: 'ROUTE_CREATE', version: expect.any(String) });
  });

  it('updates an existing secret with 200 and a new version', async () => {
    // Prepare
    const first = await put(broker.url, userPath('ROUTE_UPDATE'), 'v1');
    // Act
    const response = await sendJson(broker.url, 'PUT', userPath('ROUTE_UPDATE'), { value: 'v2' });
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ key: 'ROUTE_UPDATE', version: expect.any(String) });
    expect((response.json as { version: string }).version).not.toBe(first);
  });

  it('reads the latest value with its version and update time', async () => {
    // Prepare
    await put(broker.url, userPath('ROUTE_READ'), 'old');
    const version = await put(broker.url, userPath('ROUTE_READ'), 'new value with spaces & ünïcödé');
    // Act
    const response = await send(broker.url, 'GET', userPath('ROUTE_READ'));
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      key: 'ROUTE_READ',
      value: 'new value with spaces & ünïcödé',
      version,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('stores a value of exactly 65,536 bytes', async () => {
    // Prepare
    const value = `${'é'.repeat(32_767)}xy`;
    expect(Buffer.byteLength(value)).toBe(65_536);
    await put(broker.url, userPath('ROUTE_MAX_VALUE'), value);
    // Act
    const response = await send(broker.url, 'GET', userPath('ROUTE_MAX_VALUE'));
    // Assess
    expect((response.json as { value: string }).value).toBe(value);
  });

  it('lists keys with their description and never a value', async () => {
    // Prepare
    await put(broker.url, userPath('ROUTE_LISTED'), 'listed-value', 'what it is for');
    // Act
    const response = await send(broker.url, 'GET', '/v1/secrets');
    // Assess
    expect(response.status).toBe(200);
    const keys = (response.json as { keys: unknown[] }).keys;
    expect(keys).toContainEqual({
      key: 'ROUTE_LISTED',
      description: 'what it is for',
      updatedAt: expect.any(String),
    });
    expect(response.text).not.toContain('listed-value');
  });

  it('pages a listing with limit and next, each key exactly once', async () => {
    // Prepare
    const wanted = Array.from({ length: 7 }, (_, i) => `ROUTE_PAGE_${i}`);
    for (const key of wanted) await put(broker.url, userPath(key), 'x');
    // Act
    const keys = (await listAll(broker.url, '/v1/secrets', 1)).map((k) => k.key);
    // Assess: in the order written, as the embedded endpoint lists the oldest secret first.
    expect(keys.filter((k) => k.startsWith('ROUTE_PAGE_'))).toEqual(wanted);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('deletes with 204 and an empty body, after which the key is not found', async () => {
    // Prepare
    await put(broker.url, userPath('ROUTE_DELETE'), 'x');
    // Act
    const response = await send(broker.url, 'DELETE', userPath('ROUTE_DELETE'));
    // Assess
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expectError(await send(broker.url, 'GET', userPath('ROUTE_DELETE')), 'not_found');
    expect((await listAll(broker.url, '/v1/secrets')).map((k) => k.key)).not.toContain('ROUTE_DELETE');
  });

  it('restores a deleted key with 201 when it is set again', async () => {
    // Prepare
    await put(broker.url, userPath('ROUTE_RESTORE'), 'before');
    await send(broker.url, 'DELETE', userPath('ROUTE_RESTORE'));
    // Act
    const response = await sendJson(broker.url, 'PUT', userPath('ROUTE_RESTORE'), { value: 'after' });
    // Assess
    expect(response.status).toBe(201);
    expect((await send(broker.url, 'GET', userPath('ROUTE_RESTORE'))).json).toMatchObject({ value: 'after' });
  });
});

describe('scope routes', () => {
  it('creates, updates, reads, lists and deletes a scoped name', async () => {
    // Act
    const created = await sendJson(broker.url, 'PUT', scopePath('workloads', 'SCOPE_CRUD'), { value: 's1' });
    const updated = await sendJson(broker.url, 'PUT', scopePath('workloads', 'SCOPE_CRUD'), {
      value: 's2',
      description: 'd',
    });
    const read = await send(broker.url, 'GET', scopePath('workloads', 'SCOPE_CRUD'));
    const listed = await listAll(broker.url, '/v1/scopes/workloads/secrets');
    const deleted = await send(broker.url, 'DELETE', scopePath('workloads', 'SCOPE_CRUD'));
    const after = await send(broker.url, 'GET', scopePath('workloads', 'SCOPE_CRUD'));
    // Assess
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ key: 'SCOPE_CRUD', version: expect.any(String) });
    expect(updated.status).toBe(200);
    expect(read.json).toEqual({
      key: 'SCOPE_CRUD',
      value: 's2',
      version: (updated.json as { version: string }).version,
      updatedAt: expect.any(String),
    });
    // Listed by its name alone, without the scope's prefix.
    expect(listed).toEqual([{ key: 'SCOPE_CRUD', description: 'd', updatedAt: expect.any(String) }]);
    expect(deleted.status).toBe(204);
    expectError(after, 'not_found');
  });

  it('keeps a scoped name out of the user listing and refuses it on the user route', async () => {
    // Prepare
    await put(broker.url, scopePath('registry', 'SCOPE_HIDDEN'), 'hidden');
    // Act
    const userKeys = (await listAll(broker.url, '/v1/secrets')).map((k) => k.key);
    const direct = await send(broker.url, 'GET', userPath('__thv_registry_SCOPE_HIDDEN'));
    // Assess
    expect(userKeys.filter((k) => k.toLowerCase().includes('thv'))).toEqual([]);
    expect(userKeys).not.toContain('SCOPE_HIDDEN');
    expectError(direct, 'reserved_key');
  });

  it("does not let one scope read another scope's name", async () => {
    // Prepare
    await put(broker.url, scopePath('auth', 'SCOPE_OWN'), 'auth-only');
    // Act
    const others = await Promise.all(
      DEFAULT_SCOPES.filter((s) => s !== 'auth').map((s) =>
        send(broker.url, 'GET', scopePath(s, 'SCOPE_OWN')),
      ),
    );
    // Assess
    for (const response of others) expectError(response, 'not_found');
  });

  it('cleans up exactly its own scope and reports how many it deleted', async () => {
    // Prepare
    for (const name of ['C1', 'C2', 'C3']) await put(broker.url, scopePath('llm', name), 'x');
    await put(broker.url, scopePath('workloads', 'CLEANUP_NEIGHBOUR'), 'stays');
    await put(broker.url, userPath('CLEANUP_USER'), 'stays');
    // Act
    const response = await send(broker.url, 'DELETE', '/v1/scopes/llm/secrets');
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ deleted: 3 });
    expect(await listAll(broker.url, '/v1/scopes/llm/secrets')).toEqual([]);
    expect((await send(broker.url, 'GET', scopePath('workloads', 'CLEANUP_NEIGHBOUR'))).status).toBe(200);
    expect((await send(broker.url, 'GET', userPath('CLEANUP_USER'))).status).toBe(200);
  });

  it('answers a cleanup of an empty scope with deleted 0', async () => {
    // Act
    const response = await send(broker.url, 'DELETE', '/v1/scopes/llm/secrets');
    // Assess
    expect(response.json).toEqual({ deleted: 0 });
  });
});

describe('OpenAPI document', () => {
  it('is served at /v1/openapi.json', async () => {
    // Act
    const response = await send(broker.url, 'GET', '/v1/openapi.json');
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ openapi: '3.0.3' });
  });
});
