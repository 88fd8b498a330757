/** The local gateway builds events as API Gateway's REST API does (see core/http/routes.ts). */
import { describe, expect, it } from 'vitest';
import { gatewayRoute } from '../../local/gateway/api-server.js';
import { type LocalRequest, toProxyEvent } from '../../local/gateway/proxy-event.js';

const request = (over: Partial<LocalRequest> = {}): LocalRequest => ({
  method: 'GET',
  rawPath: '/v1/secrets/%5F%5Fthv_x',
  rawQuery: '',
  rawHeaders: ['Host', '127.0.0.1', 'Content-Type', 'application/json'],
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  ...over,
});

const context = {
  resource: '/v1/secrets/{key}',
  pathParameters: { key: '%5F%5Fthv_x' },
  requestId: 'r',
  callerArn: 'arn:aws:iam::000000000000:user/dev',
  stage: 'local',
  domainName: 'localhost',
};

describe('toProxyEvent', () => {
  it('keeps path and path parameters percent-encoded', () => {
    // Act
    const event = toProxyEvent(request(), context);
    // Assess
    expect([event.path, event.pathParameters, event.resource]).toEqual([
      '/v1/secrets/%5F%5Fthv_x',
      { key: '%5F%5Fthv_x' },
      '/v1/secrets/{key}',
    ]);
  });

  it('decodes query parameters once and keeps +', () => {
    // Act
    const event = toProxyEvent(request({ rawQuery: 'next=a%252Fb&limit=1+2' }), context);
    // Assess
    expect(event.queryStringParameters).toEqual({ next: 'a%2Fb', limit: '1+2' });
  });

  it('keeps every value of a repeated query parameter in the multi-value map, the last in the single map', () => {
    // Act
    const event = toProxyEvent(request({ rawQuery: 'limit=1&limit=2' }), context);
    // Assess
    expect([event.queryStringParameters, event.multiValueQueryStringParameters]).toEqual([
      { limit: '2' },
      { limit: ['1', '2'] },
    ]);
  });

  it('uses null for an absent query and body', () => {
    // Act
    const event = toProxyEvent(request(), context);
    // Assess
    expect([event.queryStringParameters, event.body, event.isBase64Encoded]).toEqual([null, null, false]);
  });

  it('keeps header names in their case', () => {
    // Act
    const event = toProxyEvent(request(), context);
    // Assess
    expect(Object.keys(event.headers)).toEqual(['Host', 'Content-Type']);
  });

  it('passes a body that is not UTF-8 base64-encoded', () => {
    // Act
    const event = toProxyEvent(request({ body: Buffer.from([0xff, 0x00]) }), context);
    // Assess
    expect([event.body, event.isBase64Encoded]).toEqual(['/wA=', true]);
  });

  it('keeps a byte-order mark in the body, as API Gateway does', () => {
    // Act
    const event = toProxyEvent(request({ body: Buffer.from('\ufeff{}', 'utf8') }), context);
    // Assess
    expect(event.body).toBe('\ufeff{}');
  });

  it('puts the caller ARN and request id in the request context', () => {
    // Act
    const event = toProxyEvent(request(), context);
    // Assess
    expect([
      event.requestContext.identity.userArn,
      event.requestContext.requestId,
      event.requestContext.path,
    ]).toEqual(['arn:aws:iam::000000000000:user/dev', 'r', '/local/v1/secrets/%5F%5Fthv_x']);
  });
});

describe('gatewayRoute', () => {
  const scopes = ['workloads', 'registry'];

  it('routes a key to the user function with its raw segment', () => {
    // Act
    const route = gatewayRoute('/v1/secrets/a%2Fb', scopes);
    // Assess
    expect(route).toEqual({
      target: 'user',
      resource: '/v1/secrets/{key}',
      pathParameters: { key: 'a%2Fb' },
    });
  });

  it('routes a scope path to that scope function with a literal scope resource', () => {
    // Act
    const route = gatewayRoute('/v1/scopes/registry/secrets/N', scopes);
    // Assess
    expect(route).toEqual({
      target: 'registry',
      resource: '/v1/scopes/registry/secrets/{name}',
      pathParameters: { name: 'N' },
    });
  });

  it('sends an unknown scope to the user function as a proxy resource', () => {
    // Act
    const route = gatewayRoute('/v1/scopes/payroll/secrets', scopes);
    // Assess
    expect(route).toEqual({
      target: 'user',
      resource: '/{proxy+}',
      pathParameters: { proxy: 'v1/scopes/payroll/secrets' },
    });
  });

  it('routes the restore, version and deleted-listing paths to their resources', () => {
    // Act
    const routes = [
      '/v1/deleted-secrets',
      '/v1/secrets/K/restore',
      '/v1/secrets/K/versions/previous',
      '/v1/scopes/registry/deleted-secrets',
      '/v1/scopes/registry/secrets/N/restore',
      '/v1/scopes/registry/secrets/N/versions/previous',
    ].map((path) => gatewayRoute(path, scopes));
    // Assess
    expect(routes).toEqual([
      { target: 'user', resource: '/v1/deleted-secrets', pathParameters: null },
      { target: 'user', resource: '/v1/secrets/{key}/restore', pathParameters: { key: 'K' } },
      {
        target: 'user',
        resource: '/v1/secrets/{key}/versions/{version}',
        pathParameters: { key: 'K', version: 'previous' },
      },
      { target: 'registry', resource: '/v1/scopes/registry/deleted-secrets', pathParameters: null },
      {
        target: 'registry',
        resource: '/v1/scopes/registry/secrets/{name}/restore',
        pathParameters: { name: 'N' },
      },
      {
        target: 'registry',
        resource: '/v1/scopes/registry/secrets/{name}/versions/{version}',
        pathParameters: { name: 'N', version: 'previous' },
      },
    ]);
  });

  it('does not match an encoded scope name to a scope function', () => {
    // Act
    const route = gatewayRoute('/v1/scopes/%77orkloads/secrets', scopes);
    // Assess
    expect(route.target).toBe('user');
  });
});
