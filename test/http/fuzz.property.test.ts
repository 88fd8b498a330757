/**
 * Property-based fuzzing of both handlers: whatever method, path, query, headers and body arrive,
 * the answer is a JSON 4xx/2xx with a documented error code, never a 5xx or a stack trace, and the
 * user handler never writes, reads or deletes a reserved key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScopeApiHandler, createUserApiHandler, ERROR_STATUS } from '../../lambda/http/index.js';
import { type EventSpec, fixture, proxyEvent } from './events.js';

const codes = new Set(Object.keys(ERROR_STATUS));
const isReserved = (key: string): boolean => key.toLowerCase().startsWith('__thv_');

const segment = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom(
    '__thv_x',
    '__THV_auth_k',
    '%5F%5Fthv_x',
    '%5f%5FTHV_y',
    '%255F%255Fthv_x',
    '%2F',
    'a%2Fb',
    '..',
    '.',
    '%',
    '%zz',
  ),
  fc.constantFrom(
    'arn:aws:secretsmanager:us-east-1:1:secret:toolhive/__thv_workloads_x',
    'toolhive%2F__thv_llm_x',
  ),
  fc.string({ unit: fc.constantFrom('a', 'Z', '_', '-', '.', '%', '2', 'F'), minLength: 1, maxLength: 220 }),
);
const scope = fc.constantFrom(
  'workloads',
  'registry',
  'auth',
  'llm',
  'other',
  'WORKLOADS',
  '',
  '%77orkloads',
);
const method = fc.constantFrom('GET', 'PUT', 'DELETE', 'POST', 'PATCH', 'HEAD', 'OPTIONS', 'get', 'TRACE');
const body = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 40 }),
  fc.json({ maxDepth: 3 }),
  fc.record({ value: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }).map((o) => JSON.stringify(o)),
  fc
    .record(
      { value: fc.string(), description: fc.oneof(fc.string(), fc.integer()), extra: fc.boolean() },
      { requiredKeys: ['value'] },
    )
    .map((o) => JSON.stringify(o)),
  fc.constant(JSON.stringify({ value: 'x'.repeat(65_537) })),
);
const query = fc.dictionary(
  fc.constantFrom('limit', 'next', 'x'),
  fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('0', '101', '-1', '1e3', 'abc')),
  { maxKeys: 2 },
);
const headers = fc.oneof(
  fc.constant(undefined),
  fc.record({
    'Content-Type': fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
    ),
  }),
  fc.record({
    'content-type': fc.constant('application/json'),
    'Idempotency-Key': fc.string({ maxLength: 70 }),
  }),
);

/** Events addressed to user routes, scope routes, the proxy catch-all, or nothing in particular. */
const event = fc.oneof(
  fc.record({ method, key: segment, body, query, headers, b64: fc.boolean() }).map(
    ({ method, key, body, query, headers, b64 }): EventSpec => ({
      method,
      resource: '/v1/secrets/{key}',
      path: `/v1/secrets/${key}`,
      pathParameters: { key },
      body: b64 && body !== null ? Buffer.from(body).toString('base64') : body,
      isBase64Encoded: b64 && body !== null,
      query,
      ...(headers === undefined ? {} : { headers }),
    }),
  ),
  fc
    .record({ method, query })
    .map(({ method, query }): EventSpec => ({ method, resource: '/v1/secrets', path: '/v1/secrets', query })),
  fc.record({ method, scope, name: segment, body }).map(
    ({ method, scope, name, body }): EventSpec => ({
      method,
      resource: '/v1/scopes/{scope}/secrets/{name}',
      path: `/v1/scopes/${scope}/secrets/${name}`,
      pathParameters: { scope, name },
      body,
    }),
  ),
  fc.record({ method, scope }).map(
    ({ method, scope }): EventSpec => ({
      method,
      resource: '/v1/scopes/{scope}/secrets',
      path: `/v1/scopes/${scope}/secrets`,
      pathParameters: { scope },
    }),
  ),
  // The restore, version and deleted-listing routes.
  fc.record({ method, key: segment, body }).map(
    ({ method, key, body }): EventSpec => ({
      method,
      resource: '/v1/secrets/{key}/restore',
      path: `/v1/secrets/${key}/restore`,
      pathParameters: { key },
      body,
    }),
  ),
  fc.record({ method, key: segment, version: fc.oneof(segment, fc.constant('previous'), fc.uuid()) }).map(
    ({ method, key, version }): EventSpec => ({
      method,
      resource: '/v1/secrets/{key}/versions/{version}',
      path: `/v1/secrets/${key}/versions/${version}`,
      pathParameters: { key, version },
    }),
  ),
  fc.record({ method, query }).map(
    ({ method, query }): EventSpec => ({
      method,
      resource: '/v1/deleted-secrets',
      path: '/v1/deleted-secrets',
      query,
    }),
  ),
  fc.record({ method, scope, name: segment, body }).map(
    ({ method, scope, name, body }): EventSpec => ({
      method,
      resource: '/v1/scopes/{scope}/secrets/{name}/restore',
      path: `/v1/scopes/${scope}/secrets/${name}/restore`,
      pathParameters: { scope, name },
      body,
    }),
  ),
  fc.record({ method, scope, name: segment, version: fc.oneof(segment, fc.constant('previous')) }).map(
    ({ method, scope, name, version }): EventSpec => ({
      method,
      resource: '/v1/scopes/{scope}/secrets/{name}/versions/{version}',
      path: `/v1/scopes/${scope}/secrets/${name}/versions/${version}`,
      pathParameters: { scope, name, version },
    }),
  ),
  fc.record({ method, scope, query }).map(
    ({ method, scope, query }): EventSpec => ({
      method,
      resource: '/v1/scopes/{scope}/deleted-secrets',
      path: `/v1/scopes/${scope}/deleted-secrets`,
      pathParameters: { scope },
      query,
    }),
  ),
  fc.array(segment, { maxLength: 5 }).map(
    (parts): EventSpec => ({
      method: 'GET',
      resource: '/{proxy+}',
      path: `/${parts.join('/')}`,
      pathParameters: { proxy: parts.join('/') },
    }),
  ),
);

/** Asserts the answer is a well-formed non-5xx with a documented code when it is an error. */
function assertWellFormed(result: { statusCode: number; body: string }): void {
  expect(result.statusCode).toBeLessThan(500);
  if (result.statusCode === 204) return;
  const parsed = JSON.parse(result.body) as { error?: string; message?: string };
  if (result.statusCode >= 400) {
    expect(codes.has(parsed.error ?? '')).toBe(true);
    expect(parsed.message ?? '').not.toMatch(/\n\s+at /);
  }
}

describe('handler fuzzing', () => {
  it('the user handler answers every request without a 5xx and never touches a reserved key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 6 }), async (specs) => {
        const { store, config } = fixture();
        const handler = createUserApiHandler({ config, store, log: () => {} });
        for (const spec of specs) assertWellFormed(await handler(proxyEvent(spec)));
        expect(store.touched.filter(isReserved)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('a scope handler answers every request without a 5xx and touches only its own prefix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 6 }), async (specs) => {
        const { store, config } = fixture({ BROKER_SERVED_SCOPES: 'workloads' });
        const handler = createScopeApiHandler({ config, store, log: () => {} });
        for (const spec of specs) assertWellFormed(await handler(proxyEvent(spec)));
        expect(store.touched.filter((k) => !k.startsWith('__thv_workloads_'))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});
