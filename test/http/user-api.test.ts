import { describe, expect, it } from 'vitest';
import { createUserApiHandler } from '../../lambda/http/index.js';
import { bodyOf, fixture, proxyEvent, secretEvent } from './events.js';

function setup() {
  const { store, config, lines } = fixture();
  return { store, lines, handler: createUserApiHandler({ config, store, log: (l) => lines.push(l) }) };
}

const listEvent = (query: Record<string, string> = {}) =>
  proxyEvent({ method: 'GET', resource: '/v1/secrets', path: '/v1/secrets', query });

describe('user API', () => {
  it('answers 201 with key and version when a PUT creates a secret', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(secretEvent('PUT', 'GITHUB_TOKEN', { value: 'v1' }));
    // Assess
    expect([result.statusCode, Object.keys(bodyOf(result))]).toEqual([201, ['key', 'version']]);
  });

  it('answers 200 when a PUT updates a secret', async () => {
    // Prepare
    const { handler } = setup();
    await handler(secretEvent('PUT', 'K', { value: 'v1' }));
    // Act
    const result = await handler(secretEvent('PUT', 'K', { value: 'v2' }));
    // Assess
    expect(result.statusCode).toBe(200);
  });

  it('reads back key, value, version and updatedAt', async () => {
    // Prepare
    const { handler } = setup();
    const put = bodyOf(await handler(secretEvent('PUT', 'K', { value: 'v1' })));
    // Act
    const result = await handler(secretEvent('GET', 'K'));
    // Assess
    expect(bodyOf(result)).toEqual({
      key: 'K',
      value: 'v1',
      version: put.version,
      updatedAt: expect.any(String),
    });
  });

  it('marks secret responses as not cacheable', async () => {
    // Prepare
    const { handler } = setup();
    await handler(secretEvent('PUT', 'K', { value: 'v1' }));
    // Act
    const result = await handler(secretEvent('GET', 'K'));
    // Assess
    expect(result.headers?.['cache-control']).toBe('no-store');
  });

  it('answers 404 not_found for a missing secret', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(secretEvent('GET', 'MISSING'));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([404, 'not_found']);
  });

  it('deletes with 204 and an empty body', async () => {
    // Prepare
    const { handler } = setup();
    await handler(secretEvent('PUT', 'K', { value: 'v1' }));
    // Act
    const result = await handler(secretEvent('DELETE', 'K'));
    // Assess
    expect([result.statusCode, result.body]).toEqual([204, '']);
  });

  it('answers 404 not_found when deleting a missing secret', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(secretEvent('DELETE', 'K'));
    // Assess
    expect(bodyOf(result).error).toBe('not_found');
  });

  it('refuses a reserved key on PUT before looking at a malformed body', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(secretEvent('PUT', '__thv_workloads_X', '{not json'));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([403, 'reserved_key']);
  });

  it('answers 413 value_too_large for a value over 65,536 bytes', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(secretEvent('PUT', 'K', { value: 'é'.repeat(32_769) }));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([413, 'value_too_large']);
  });

  it('passes the Idempotency-Key header to the store as the request token', async () => {
    // Prepare
    const { handler } = setup();
    const token = '0123456789abcdef0123456789abcdef';
    const event = secretEvent('PUT', 'K', { value: 'v1' });
    event.headers = { ...event.headers, 'Idempotency-Key': token };
    // Act
    const result = await handler(event);
    // Assess (the memory store uses the token as the version id)
    expect(bodyOf(result).version).toBe(token);
  });

  it('refuses an Idempotency-Key outside the request token alphabet', async () => {
    // Prepare
    const { handler } = setup();
    const event = secretEvent('PUT', 'K', { value: 'v1' });
    event.headers = { ...event.headers, 'idempotency-key': 'short' };
    // Act
    const result = await handler(event);
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'invalid_body']);
  });

  it('lists user keys without values and without reserved keys', async () => {
    // Prepare
    const { handler, store } = setup();
    await store.put('__thv_workloads_T', 'sys', { scope: 'workloads' });
    await handler(secretEvent('PUT', 'A', { value: 'secret-a', description: 'd' }));
    // Act
    const result = await handler(listEvent());
    // Assess
    expect(bodyOf(result)).toEqual({ keys: [{ key: 'A', description: 'd', updatedAt: expect.any(String) }] });
  });

  it('pages with a URL-safe next token that reads the following page', async () => {
    // Prepare
    const { handler } = setup();
    for (const key of ['A', 'B', 'C']) await handler(secretEvent('PUT', key, { value: 'v' }));
    const first = bodyOf(await handler(listEvent({ limit: '2' })));
    // Act
    const second = bodyOf(await handler(listEvent({ limit: '2', next: String(first.next) })));
    // Assess
    expect([first.next, second]).toEqual([
      expect.stringMatching(/^[A-Za-z0-9_-]+$/),
      { keys: [expect.objectContaining({ key: 'C' })] },
    ]);
  });

  it('answers 400 invalid_body for limit=0', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(listEvent({ limit: '0' }));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'invalid_body']);
  });

  it('answers a /v1/scopes path of a scope outside the deployment with 404 unknown_scope', async () => {
    // Prepare
    const { handler } = setup();
    const event = proxyEvent({
      method: 'GET',
      resource: '/{proxy+}',
      path: '/v1/scopes/billing/secrets/T',
      pathParameters: { proxy: 'v1/scopes/billing/secrets/T' },
    });
    // Act
    const result = await handler(event);
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([404, 'unknown_scope']);
  });

  it('answers an unrouted path under a deployed scope with 404 not_found', async () => {
    // Prepare
    const { handler } = setup();
    const event = proxyEvent({
      method: 'GET',
      resource: '/{proxy+}',
      path: '/v1/scopes/workloads',
      pathParameters: { proxy: 'v1/scopes/workloads' },
    });
    // Act
    const result = await handler(event);
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([404, 'not_found']);
  });

  it('answers 405 method_not_allowed with an Allow header for POST on a secret', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(secretEvent('POST', 'K', { value: 'v' }));
    // Assess
    expect([result.statusCode, bodyOf(result).error, result.headers?.allow]).toEqual([
      405,
      'method_not_allowed',
      'GET, PUT, DELETE',
    ]);
  });

  it('answers 404 not_found for an unknown route', async () => {
    // Prepare
    const { handler } = setup();
    const event = proxyEvent({
      method: 'GET',
      resource: '/{proxy+}',
      path: '/v2/things',
      pathParameters: { proxy: 'v2/things' },
    });
    // Act
    const result = await handler(event);
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([404, 'not_found']);
  });

  it('answers a store failure with a generic 500 and the request id', async () => {
    // Prepare
    const { store, config, lines } = fixture();
    store.get = async () => {
      throw new Error('connection reset by peer');
    };
    const handler = createUserApiHandler({ config, store, log: (l) => lines.push(l) });
    // Act
    const result = await handler(secretEvent('GET', 'K'));
    // Assess
    expect([
      result.statusCode,
      bodyOf(result).error,
      bodyOf(result).requestId,
      result.body.includes('connection'),
    ]).toEqual([500, 'internal', 'req-1', false]);
  });
});

describe('user API: restore, deleted keys and versions', () => {
  const restoreEvent = (rawKey: string, body?: string) =>
    proxyEvent({
      method: 'POST',
      resource: '/v1/secrets/{key}/restore',
      path: `/v1/secrets/${rawKey}/restore`,
      pathParameters: { key: rawKey },
      ...(body === undefined ? {} : { body }),
    });
  const versionEvent = (rawKey: string, rawVersion: string) =>
    proxyEvent({
      method: 'GET',
      resource: '/v1/secrets/{key}/versions/{version}',
      path: `/v1/secrets/${rawKey}/versions/${rawVersion}`,
      pathParameters: { key: rawKey, version: rawVersion },
    });

  it('restores a deleted key and names the operation and key, never the value, in the audit line', async () => {
    // Prepare
    const { handler, lines } = setup();
    await handler(secretEvent('PUT', 'K', { value: 'restore-audit-value' }));
    await handler(secretEvent('DELETE', 'K'));
    // Act
    const result = await handler(restoreEvent('K'));
    // Assess
    expect([result.statusCode, bodyOf(result)]).toEqual([200, { key: 'K', restored: true }]);
    const audit = JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
    expect([audit.operation, audit.key]).toEqual(['restoreSecret', 'K']);
    expect(lines.join('\n')).not.toContain('restore-audit-value');
  });

  it('judges the key before the body of a restore', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(restoreEvent('__thv_workloads_x', 'not json'));
    // Assess
    expect(bodyOf(result).error).toBe('reserved_key');
  });

  it('decodes the version segment once, so an encoded "previous" is previous', async () => {
    // Prepare
    const { handler } = setup();
    await handler(secretEvent('PUT', 'K', { value: 'v1' }));
    await handler(secretEvent('PUT', 'K', { value: 'v2' }));
    // Act
    const result = await handler(versionEvent('K', '%70revious'));
    // Assess
    expect(bodyOf(result).value).toBe('v1');
  });

  it('answers 405 with Allow: POST for a GET of the restore route', async () => {
    // Prepare
    const { handler } = setup();
    // Act
    const result = await handler(
      proxyEvent({
        method: 'GET',
        resource: '/v1/secrets/{key}/restore',
        path: '/v1/secrets/K/restore',
        pathParameters: { key: 'K' },
      }),
    );
    // Assess
    expect([result.statusCode, result.headers?.allow]).toEqual([405, 'POST']);
  });

  it('lists deleted keys as items with key, deletedAt and purgeAt only', async () => {
    // Prepare
    const { handler } = setup();
    await handler(secretEvent('PUT', 'GONE', { value: 'v', description: 'd' }));
    await handler(secretEvent('DELETE', 'GONE'));
    // Act
    const result = await handler(
      proxyEvent({ method: 'GET', resource: '/v1/deleted-secrets', path: '/v1/deleted-secrets' }),
    );
    // Assess
    expect(bodyOf(result)).toEqual({
      items: [{ key: 'GONE', deletedAt: expect.any(String), purgeAt: expect.any(String) }],
    });
  });
});
