/**
 * API Gateway REST proxy events for unit tests, shaped as API Gateway sends them: `path` and
 * `pathParameters` still percent-encoded, `resource` the template, empty parts `null`.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { loadConfig } from '../../core/config.js';
import { MemoryStore } from '../support/memory-store.js';

/** What a test says about a request. */
export interface EventSpec {
  method: string;
  resource: string;
  path: string;
  pathParameters?: Record<string, string> | null;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string | null;
  isBase64Encoded?: boolean;
  userArn?: string | null;
  requestId?: string;
}

/** A proxy event as API Gateway would build it. */
export function proxyEvent(spec: EventSpec): APIGatewayProxyEvent {
  const query = Object.entries(spec.query ?? {});
  const headers = spec.headers ?? { 'Content-Type': 'application/json' };
  return {
    resource: spec.resource,
    path: spec.path,
    httpMethod: spec.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters:
      query.length === 0
        ? null
        : Object.fromEntries(query.map(([k, v]) => [k, Array.isArray(v) ? (v.at(-1) as string) : v])),
    multiValueQueryStringParameters:
      query.length === 0 ? null : Object.fromEntries(query.map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
    pathParameters: spec.pathParameters ?? null,
    stageVariables: null,
    body: spec.body ?? null,
    isBase64Encoded: spec.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: undefined,
      httpMethod: spec.method,
      identity: {
        accessKey: 'ASIAEXAMPLE',
        accountId: '123456789012',
        apiKey: null,
        apiKeyId: null,
        caller: 'AROAEXAMPLE:alice',
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.9',
        user: 'AROAEXAMPLE:alice',
        userAgent: 'test',
        userArn:
          spec.userArn === undefined ? 'arn:aws:sts::123456789012:assumed-role/dev/alice' : spec.userArn,
      },
      path: `/prod${spec.path}`,
      protocol: 'HTTP/1.1',
      requestId: spec.requestId ?? 'req-1',
      requestTimeEpoch: 0,
      resourceId: 'res',
      resourcePath: spec.resource,
      stage: 'prod',
    },
  };
}

/** `METHOD /v1/secrets/{key}` with the key as it appears on the wire. */
export function secretEvent(method: string, rawKey: string, body?: unknown): APIGatewayProxyEvent {
  return proxyEvent({
    method,
    resource: '/v1/secrets/{key}',
    path: `/v1/secrets/${rawKey}`,
    pathParameters: { key: rawKey },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** `METHOD /v1/scopes/{scope}/secrets/{name}` with raw parameters. */
export function scopedEvent(
  method: string,
  scope: string,
  rawName: string,
  body?: unknown,
): APIGatewayProxyEvent {
  return proxyEvent({
    method,
    resource: '/v1/scopes/{scope}/secrets/{name}',
    path: `/v1/scopes/${scope}/secrets/${rawName}`,
    pathParameters: { scope, name: rawName },
    body: body === undefined ? null : JSON.stringify(body),
  });
}

/** A fresh store and the default configuration (user function: serves no scope). */
export function fixture(env: Record<string, string> = {}) {
  return { store: new MemoryStore(), config: loadConfig(env), lines: [] as string[] };
}

/** Parses a result's JSON body. */
export function bodyOf(result: { body: string }): Record<string, unknown> {
  return JSON.parse(result.body) as Record<string, unknown>;
}
