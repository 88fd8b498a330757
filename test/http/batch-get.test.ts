/**
 * The batch-read routes of both functions: `POST /v1/batch-get` and
 * `POST /v1/scopes/{scope}/batch-get`. Body rules (JSON, 1–100 distinct names), all-or-nothing
 * answers, and no value in an error or an audit line.
 */
import { describe, expect, it } from 'vitest';
import { createScopeApiHandler, createUserApiHandler } from '../../lambda/http/index.js';
import { bodyOf, fixture, proxyEvent } from './events.js';

const SECRET = 'hunter2-do-not-leak';

function user() {
  const { store, config, lines } = fixture();
  store.seedRaw('A', SECRET, { 'thv:owner': 'user' });
  store.seedRaw('B', 'bee', { 'thv:owner': 'user' });
  store.seedRaw('__proto__', 'proto-value', { 'thv:owner': 'user' });
  return { store, lines, handler: createUserApiHandler({ config, store, log: (l) => lines.push(l) }) };
}

function scope() {
  const { store, config, lines } = fixture({ BROKER_SERVED_SCOPES: 'workloads' });
  store.seedRaw('__thv_workloads_TOKEN', SECRET, { 'thv:scope': 'workloads' });
  store.seedRaw('__thv_registry_TOKEN', 'registry-value', { 'thv:scope': 'registry' });
  return { store, lines, handler: createScopeApiHandler({ config, store, log: (l) => lines.push(l) }) };
}

const userBatch = (body: unknown, headers?: Record<string, string>) =>
  proxyEvent({
    method: 'POST',
    resource: '/v1/batch-get',
    path: '/v1/batch-get',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(headers === undefined ? {} : { headers }),
  });

const scopeBatch = (scopeName: string, body: unknown) =>
  proxyEvent({
    method: 'POST',
    resource: '/v1/scopes/{scope}/batch-get',
    path: `/v1/scopes/${scopeName}/batch-get`,
    pathParameters: { scope: scopeName },
    body: JSON.stringify(body),
  });

describe('POST /v1/batch-get', () => {
  it('answers every value asked for, by key', async () => {
    // Prepare
    const { handler, store } = user();
    // Act
    const result = await handler(userBatch({ keys: ['A', 'B', '__proto__'] }));
    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual(
      JSON.parse(`{"values":{"A":"${SECRET}","B":"bee","__proto__":"proto-value"}}`),
    );
    expect(store.batches).toEqual([['A', 'B', '__proto__']]);
  });

  it.each([
    ['a reserved key', ['A', '__thv_workloads_TOKEN'], 403, 'reserved_key'],
    ['a look-alike reserved key', ['A', '__THV_x'], 403, 'reserved_key'],
    ['a held legacy name', ['A', 'BEARER_TOKEN_x'], 403, 'reserved_key'],
    ['an invalid key', ['A', 'a/b'], 400, 'invalid_key'],
    ['a missing key', ['A', 'NOPE'], 404, 'not_found'],
  ])('fails the whole request with no value for %s', async (_what, keys, status, code) => {
    // Prepare
    const { handler, lines } = user();
    // Act
    const result = await handler(userBatch({ keys }));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([status, code]);
    expect(result.body).not.toContain(SECRET);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('judges every key before reading any', async () => {
    // Prepare
    const { handler, store } = user();
    // Act
    await handler(userBatch({ keys: ['A', 'B', '__thv_x_y'] }));
    // Assess
    expect(store.touched).toEqual([]);
  });

  it.each([
    ['no body', null],
    ['a body that is not JSON', '{keys:'],
    ['an empty list', { keys: [] }],
    ['101 keys', { keys: Array.from({ length: 101 }, (_, i) => `k${i}`) }],
    ['a key given twice', { keys: ['A', 'A'] }],
    ['a non-string key', { keys: ['A', 7] }],
    ['an empty key', { keys: [''] }],
    ['an extra field', { keys: ['A'], values: {} }],
    ['the scope field name', { names: ['A'] }],
    ['an array body', ['A']],
  ])('answers 400 invalid_body for %s', async (_what, body) => {
    // Prepare
    const { handler } = user();
    const event = userBatch(body);
    if (body === null) event.body = null;
    // Act
    const result = await handler(event);
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'invalid_body']);
  });

  it('refuses a body that is not sent as JSON', async () => {
    // Prepare
    const { handler } = user();
    // Act
    const result = await handler(userBatch({ keys: ['A'] }, { 'Content-Type': 'text/plain' }));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'invalid_body']);
  });

  it('answers 405 with Allow: POST to a GET', async () => {
    // Prepare
    const { handler } = user();
    // Act
    const result = await handler(
      proxyEvent({ method: 'GET', resource: '/v1/batch-get', path: '/v1/batch-get' }),
    );
    // Assess
    expect([result.statusCode, result.headers?.allow]).toEqual([405, 'POST']);
  });

  it('accepts 100 keys', async () => {
    // Prepare
    const { handler, store } = user();
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    for (const k of keys) store.seedRaw(k, `v${k}`, { 'thv:owner': 'user' });
    // Act
    const result = await handler(userBatch({ keys }));
    // Assess
    expect(Object.keys(bodyOf(result).values as object)).toHaveLength(100);
  });
});

describe('POST /v1/scopes/{scope}/batch-get', () => {
  it('answers the values of its own scope, by name', async () => {
    // Prepare
    const { handler } = scope();
    // Act
    const result = await handler(scopeBatch('workloads', { names: ['TOKEN'] }));
    // Assess
    expect([result.statusCode, bodyOf(result)]).toEqual([200, { values: { TOKEN: SECRET } }]);
  });

  it("never answers another scope's secret through a prefixed name", async () => {
    // Prepare
    const { handler } = scope();
    // Act
    const result = await handler(scopeBatch('workloads', { names: ['TOKEN', '__thv_registry_TOKEN'] }));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([404, 'not_found']);
    expect(result.body).not.toContain('registry-value');
    expect(result.body).not.toContain(SECRET);
  });

  it('answers 404 unknown_scope for a scope it does not serve', async () => {
    // Prepare
    const { handler } = scope();
    // Act
    const result = await handler(scopeBatch('registry', { names: ['TOKEN'] }));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([404, 'unknown_scope']);
  });

  it('answers 400 invalid_body for the user field name', async () => {
    // Prepare
    const { handler } = scope();
    // Act
    const result = await handler(scopeBatch('workloads', { keys: ['TOKEN'] }));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'invalid_body']);
  });
});
