/**
 * No web page can drive the local servers through the developer's browser: the control route
 * takes only requests a browser must preflight (JSON plus `x-broker-local: 1`), both servers refuse
 * a state-changing request whose Origin is not loopback, and neither grants CORS to anyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS_PATH } from '../../local/aws/http.js';
import { CONTROL_HEADERS } from '../../local/loopback.js';
import { type RawResponse, send } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.close();
});

const ALL_FAULTS = JSON.stringify({ throttleRate: 1, faultRate: 1 });

/** The rates in force, read the allowed way. */
async function rates(): Promise<unknown> {
  return (await send(broker.awsUrl, 'GET', FAULTS_PATH, { headers: CONTROL_HEADERS })).json;
}

/** Response headers that would let a page read an answer or send more than a simple request. */
const corsHeaders = (response: RawResponse): string[] =>
  Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));

describe('the control route', () => {
  it.each([
    ['a text/plain post, as a cross-site fetch or form may send', { 'content-type': 'text/plain' }],
    ['a form post', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['JSON without the custom header', { 'content-type': 'application/json' }],
    ['the custom header without JSON', { 'content-type': 'text/plain', 'x-broker-local': '1' }],
    ['the custom header with another value', { 'content-type': 'application/json', 'x-broker-local': 'yes' }],
  ])('refuses %s and changes nothing', async (_name, headers) => {
    // Act
    const response = await send(broker.awsUrl, 'POST', FAULTS_PATH, { body: ALL_FAULTS, headers });
    // Assess
    expect(response.status).toBe(403);
    expect(await rates()).toMatchObject({ throttleRate: 0, faultRate: 0 });
  });

  it('refuses a read without the custom header', async () => {
    // Act
    const response = await send(broker.awsUrl, 'GET', FAULTS_PATH);
    // Assess
    expect(response.status).toBe(403);
  });

  it('takes JSON with the custom header from a tool that sends no Origin', async () => {
    // Act
    const response = await send(broker.awsUrl, 'POST', FAULTS_PATH, {
      body: JSON.stringify({ throttleRate: 0.5 }),
      headers: CONTROL_HEADERS,
    });
    // Assess
    expect(response.status).toBe(200);
    expect(await rates()).toMatchObject({ throttleRate: 0.5 });
    await send(broker.awsUrl, 'POST', FAULTS_PATH, {
      body: JSON.stringify({ throttleRate: 0 }),
      headers: CONTROL_HEADERS,
    });
  });

  it('refuses even a well-formed control request from a page on another site', async () => {
    // Act
    const response = await send(broker.awsUrl, 'POST', FAULTS_PATH, {
      body: ALL_FAULTS,
      headers: { ...CONTROL_HEADERS, origin: 'https://evil.example' },
    });
    // Assess
    expect(response.status).toBe(403);
    expect(await rates()).toMatchObject({ throttleRate: 0, faultRate: 0 });
  });
});

describe('the Origin rule', () => {
  it.each([
    'https://evil.example',
    'null',
    'http://127.0.0.1.evil.example',
    'http://localhost.evil.example:8787',
  ])('refuses a write to the API from Origin %s, writing nothing', async (origin) => {
    // Act
    const response = await send(broker.url, 'PUT', '/v1/secrets/CROSS_SITE', {
      body: JSON.stringify({ value: 'cross-site-value' }),
      headers: { origin },
    });
    // Assess
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ error: 'access_denied' });
    expect((await send(broker.url, 'GET', '/v1/secrets/CROSS_SITE')).status).toBe(404);
  });

  it.each(['DELETE', 'POST', 'PATCH'])('refuses a %s to the API from another site', async (method) => {
    // Act
    const response = await send(broker.url, method, '/v1/secrets/ANY', {
      headers: { origin: 'https://evil.example' },
    });
    // Assess
    expect(response.status).toBe(403);
  });

  it.each(['http://localhost:3000', 'http://127.0.0.1:8787', 'http://[::1]:5173'])(
    'takes a write from the loopback origin %s',
    async (origin) => {
      // Act
      const response = await send(broker.url, 'PUT', '/v1/secrets/LOOPBACK_PAGE', {
        body: JSON.stringify({ value: 'v' }),
        headers: { origin },
      });
      // Assess
      expect([200, 201]).toContain(response.status);
    },
  );

  it('refuses an AWS call to the endpoint from another site', async () => {
    // Act
    const response = await send(broker.awsUrl, 'POST', '/', {
      body: JSON.stringify({ Name: 'cross-site', SecretString: 'cross-site-value' }),
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.CreateSecret',
        origin: 'https://evil.example',
      },
    });
    // Assess
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ __type: 'AccessDeniedException' });
  });
});

describe('CORS', () => {
  it.each([
    ['API', () => broker.url, '/v1/secrets/K'],
    ['AWS endpoint', () => broker.awsUrl, FAULTS_PATH],
  ])('the %s answers a preflight without granting anything', async (_name, url, path) => {
    // Act
    const response = await send(url(), 'OPTIONS', path, {
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-broker-local',
      },
    });
    // Assess
    expect(corsHeaders(response)).toEqual([]);
  });

  it('grants no page a read of a listing', async () => {
    // Act
    const response = await send(broker.url, 'GET', '/v1/secrets', {
      headers: { origin: 'https://evil.example' },
    });
    // Assess
    expect(response.status).toBe(200);
    expect(corsHeaders(response)).toEqual([]);
  });
});
