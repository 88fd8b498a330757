import { describe, expect, it } from 'vitest';
import { createScopeApiHandler } from '../../lambda/http/index.js';
import { bodyOf, fixture, proxyEvent, scopedEvent } from './events.js';

function setup(options: { migrated?: boolean; fallback?: boolean } = {}) {
  const env: Record<string, string> = { BROKER_SERVED_SCOPES: 'workloads' };
  if (options.fallback) {
    env.BROKER_LEGACY_FALLBACK = 'until-migrated';
    env.BROKER_MIGRATION_FLAG_PARAMETER = '/broker/migrated';
  }
  const { store, config, lines } = fixture(env);
  const handler = createScopeApiHandler({
    config,
    store,
    log: (l) => lines.push(l),
    ...(options.migrated === undefined ? {} : { isMigrated: async () => options.migrated as boolean }),
  });
  return { store, handler };
}

const scopeList = (method: string, scope: string) =>
  proxyEvent({
    method,
    resource: '/v1/scopes/{scope}/secrets',
    path: `/v1/scopes/${scope}/secrets`,
    pathParameters: { scope },
  });

describe('scope API', () => {
  it('stores a name under the scope prefix', async () => {
    // Prepare
    const { handler, store } = setup();
    // Act
    await handler(scopedEvent('PUT', 'workloads', 'BEARER_TOKEN_gh', { value: 'v' }));
    // Assess
    expect([...store.entries.keys()]).toEqual(['__thv_workloads_BEARER_TOKEN_gh']);
  });

  it('answers 201 with the scoped name, not the store key', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(scopedEvent('PUT', 'workloads', 'T', { value: 'v' }));
    // Assess
    expect([result.statusCode, bodyOf(result).key]).toEqual([201, 'T']);
  });

  it('reads a scoped secret by its name', async () => {
    // Prepare
    const { handler } = setup();
    await handler(scopedEvent('PUT', 'workloads', 'T', { value: 'v' }));
    // Act
    const result = await handler(scopedEvent('GET', 'workloads', 'T'));
    // Assess
    expect(bodyOf(result)).toEqual({
      key: 'T',
      value: 'v',
      version: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('answers 404 unknown_scope for a scope this function does not serve', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(scopedEvent('GET', 'registry', 'T'));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([404, 'unknown_scope']);
  });

  it('answers unknown_scope before judging the method', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(scopeList('POST', 'nope'));
    // Assess
    expect(bodyOf(result).error).toBe('unknown_scope');
  });

  it('serves a per-scope resource with a literal scope segment', async () => {
    // Prepare
    const { handler } = setup();
    const event = proxyEvent({
      method: 'PUT',
      resource: '/v1/scopes/workloads/secrets/{name}',
      path: '/v1/scopes/workloads/secrets/T',
      pathParameters: { name: 'T' },
      body: '{"value":"v"}',
    });
    // Act
    const result = await handler(event);
    // Assess
    expect(result.statusCode).toBe(201);
  });

  it('lists names with the prefix stripped and only its own scope', async () => {
    // Prepare
    const { handler, store } = setup();
    await store.put('__thv_registry_R', 'r', { scope: 'registry' });
    await store.put('USER', 'u');
    await handler(scopedEvent('PUT', 'workloads', 'T', { value: 'v' }));
    // Act
    const result = await handler(scopeList('GET', 'workloads'));
    // Assess
    expect(bodyOf(result)).toEqual({ keys: [{ key: 'T', updatedAt: expect.any(String) }] });
  });

  it('cleans up exactly its own scope and answers the count', async () => {
    // Prepare
    const { handler, store } = setup();
    await store.put('__thv_registry_R', 'r', { scope: 'registry' });
    await store.put('USER', 'u');
    await handler(scopedEvent('PUT', 'workloads', 'A', { value: 'v' }));
    await handler(scopedEvent('PUT', 'workloads', 'B', { value: 'v' }));
    // Act
    const result = await handler(scopeList('DELETE', 'workloads'));
    // Assess
    expect([bodyOf(result), [...store.entries.keys()].sort()]).toEqual([
      { deleted: 2 },
      ['USER', '__thv_registry_R'],
    ]);
  });

  it('deletes a scoped secret with 204', async () => {
    // Prepare
    const { handler } = setup();
    await handler(scopedEvent('PUT', 'workloads', 'T', { value: 'v' }));
    // Act
    const result = await handler(scopedEvent('DELETE', 'workloads', 'T'));
    // Assess
    expect(result.statusCode).toBe(204);
  });

  it('answers 405 for PUT on the scope collection', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(scopeList('PUT', 'workloads'));
    // Assess
    expect([result.statusCode, result.headers?.allow]).toEqual([405, 'GET, DELETE']);
  });

  it('answers 404 not_found for a user route', async () => {
    // Prepare
    const { handler } = setup();
    const event = proxyEvent({ method: 'GET', resource: '/v1/secrets', path: '/v1/secrets' });
    // Act
    const result = await handler(event);
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([404, 'not_found']);
  });

  it('reads a legacy bare key while the migration is not done, when the fallback is on', async () => {
    // Prepare
    const { handler, store } = setup({ fallback: true, migrated: false });
    store.seedRaw('BEARER_TOKEN_gh', 'legacy');
    // Act
    const result = await handler(scopedEvent('GET', 'workloads', 'BEARER_TOKEN_gh'));
    // Assess
    expect(bodyOf(result).value).toBe('legacy');
  });

  it('stops reading legacy keys once the migration is done', async () => {
    // Prepare
    const { handler, store } = setup({ fallback: true, migrated: true });
    store.seedRaw('BEARER_TOKEN_gh', 'legacy');
    // Act
    const result = await handler(scopedEvent('GET', 'workloads', 'BEARER_TOKEN_gh'));
    // Assess
    expect(result.statusCode).toBe(404);
  });
});
