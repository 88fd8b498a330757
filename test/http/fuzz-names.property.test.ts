/**
 * Property-based fuzzing of both handlers with hostile query and header names: names such as
 * `__proto__`, `constructor` or `toString` arrive as own keys of the event (the Lambda runtime
 * builds it with JSON.parse), and any of them must give a documented 4xx or be ignored, never a 5xx.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScopeApiHandler, createUserApiHandler, ERROR_STATUS } from '../../lambda/http/index.js';
import { type EventSpec, fixture, proxyEvent } from './events.js';

/** Names that are keys of Object.prototype or otherwise special to JavaScript objects. */
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  'length',
] as const;

const name = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.constantFrom('limit', 'next', 'content-type', 'Content-Type', 'idempotency-key'),
  fc.string({ unit: fc.constantFrom('a', '_', '-', 'p', 'r', 'o', 't'), minLength: 1, maxLength: 12 }),
);
const value = fc.oneof(
  fc.constantFrom('x', '', '1', 'application/json', '[]', '{}'),
  fc.string({ maxLength: 8 }),
);
const pairs = fc.array(fc.tuple(name, value), { maxLength: 4 });

const target = fc.constantFrom<Omit<EventSpec, 'body'>>(
  { method: 'GET', resource: '/v1/secrets', path: '/v1/secrets' },
  { method: 'GET', resource: '/v1/secrets/{key}', path: '/v1/secrets/K', pathParameters: { key: 'K' } },
  { method: 'PUT', resource: '/v1/secrets/{key}', path: '/v1/secrets/K', pathParameters: { key: 'K' } },
  { method: 'DELETE', resource: '/v1/secrets/{key}', path: '/v1/secrets/K', pathParameters: { key: 'K' } },
  {
    method: 'GET',
    resource: '/v1/scopes/{scope}/secrets',
    path: '/v1/scopes/workloads/secrets',
    pathParameters: { scope: 'workloads' },
  },
  {
    method: 'PUT',
    resource: '/v1/scopes/{scope}/secrets/{name}',
    path: '/v1/scopes/workloads/secrets/N',
    pathParameters: { scope: 'workloads', name: 'N' },
  },
  { method: 'GET', resource: '/{proxy+}', path: '/__proto__', pathParameters: { proxy: '__proto__' } },
);

/** Name/value pairs as the own keys of an object, the way JSON.parse makes them. */
function ownKeys(list: readonly (readonly [string, string])[], multi: boolean): string {
  const entries = new Map<string, string[]>();
  for (const [k, v] of list) entries.set(k, [...(entries.get(k) ?? []), v]);
  const members = [...entries].map(
    ([k, vs]) => `${JSON.stringify(k)}:${JSON.stringify(multi ? vs : vs.at(-1))}`,
  );
  return `{${members.join(',')}}`;
}

/** The event a function receives for this request: parsed from JSON, as the runtime does. */
function eventOf(
  spec: EventSpec,
  query: readonly (readonly [string, string])[],
  headers: readonly (readonly [string, string])[],
): APIGatewayProxyEvent {
  const event = proxyEvent(spec) as unknown as Record<string, unknown>;
  const text = JSON.stringify({
    ...event,
    headers: '@h',
    multiValueHeaders: '@mh',
    queryStringParameters: '@q',
    multiValueQueryStringParameters: '@mq',
  })
    .replace('"@h"', () => ownKeys([['content-type', 'application/json'], ...headers], false))
    .replace('"@mh"', () => ownKeys([['content-type', 'application/json'], ...headers], true))
    .replace('"@q"', () => (query.length === 0 ? 'null' : ownKeys(query, false)))
    .replace('"@mq"', () => (query.length === 0 ? 'null' : ownKeys(query, true)));
  return JSON.parse(text) as APIGatewayProxyEvent;
}

const codes = new Set(Object.keys(ERROR_STATUS));

function assertAnswered(result: { statusCode: number; body: string }): void {
  expect(result.statusCode).toBeLessThan(500);
  if (result.statusCode < 400) return;
  expect(codes.has((JSON.parse(result.body) as { error?: string }).error ?? '')).toBe(true);
}

const request = fc.record({
  target,
  query: pairs,
  headers: pairs,
  body: fc.constantFrom(null, '{"value":"v"}'),
});

describe('handler fuzzing with prototype names', () => {
  it('the user handler answers any query or header name without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ target, query, headers, body }) => {
        const { store, config } = fixture();
        const handler = createUserApiHandler({ config, store, log: () => {} });
        assertAnswered(await handler(eventOf({ ...target, body }, query, headers)));
      }),
      { numRuns: 300 },
    );
  });

  it('a scope handler answers any query or header name without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ target, query, headers, body }) => {
        const { store, config } = fixture({ BROKER_SERVED_SCOPES: 'workloads' });
        const handler = createScopeApiHandler({ config, store, log: () => {} });
        assertAnswered(await handler(eventOf({ ...target, body }, query, headers)));
      }),
      { numRuns: 300 },
    );
  });

  it.each(PROTOTYPE_NAMES)('refuses the query parameter %s on a listing with invalid_body', async (n) => {
    // Prepare
    const { store, config } = fixture();
    const handler = createUserApiHandler({ config, store, log: () => {} });
    // Act
    const result = await handler(
      eventOf({ method: 'GET', resource: '/v1/secrets', path: '/v1/secrets' }, [[n, 'x']], []),
    );
    // Assess
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'invalid_body' });
  });
});
