/**
 * The local servers have no authentication, so they answer only loopback Host names (no DNS
 * rebinding), and requests Node's parser refuses still get a JSON error.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, put } from '../support/api.js';
import { send } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
  await put(broker.url, '/v1/secrets/REBIND_TARGET', 'rebind-secret-value');
});
afterAll(async () => {
  await broker.close();
});

/** Sends raw bytes to `url`'s port and returns the whole answer as text. */
function raw(url: string, request: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    // write, not end: a half-closed client socket lets Node drop the answer of a slow request.
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

/** The status code and JSON body of a raw HTTP answer. */
function parse(answer: string): { status: number; body: Record<string, unknown> } {
  const [head = '', ...rest] = answer.split('\r\n\r\n');
  // The body may come chunked; the JSON object is all between its outer braces.
  const body = rest.join('\r\n\r\n');
  const json = body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1);
  return { status: Number(head.split(' ')[1]), body: JSON.parse(json) as Record<string, unknown> };
}

const get = (path: string, host: string) =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

describe('loopback Host names only', () => {
  it('refuses an API request whose Host is not loopback, without the value', async () => {
    // Act
    const answer = await raw(broker.url, get('/v1/secrets/REBIND_TARGET', 'evil.example.com'));
    // Assess
    expect(parse(answer)).toMatchObject({ status: 403, body: { error: 'access_denied' } });
    expect(answer).not.toContain('rebind-secret-value');
  });

  it('writes an audit line for a refused Host', async () => {
    // Prepare
    const before = broker.auditLines.length;
    // Act
    await raw(broker.url, get('/v1/secrets/REBIND_TARGET', 'rebind.example.com'));
    // Assess
    const lines = broker.auditLines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ service: 'local-gateway', status: 403, outcome: 'access_denied' }),
    ]);
  });

  it.each(['127.0.0.1:8787', 'localhost', 'LOCALHOST:1', '[::1]:8787'])(
    'serves an API request with Host %s',
    async (host) => {
      // Act
      const answer = await raw(broker.url, get('/v1/secrets/REBIND_TARGET', host));
      // Assess
      expect(parse(answer)).toMatchObject({ status: 200, body: { value: 'rebind-secret-value' } });
    },
  );

  it('refuses an AWS endpoint request whose Host is not loopback', async () => {
    // Prepare
    const body = JSON.stringify({ SecretId: 'toolhive/REBIND_TARGET' });
    const request =
      `POST / HTTP/1.1\r\nHost: attacker.test:4566\r\nContent-Type: application/x-amz-json-1.1\r\n` +
      `X-Amz-Target: secretsmanager.GetSecretValue\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    // Act
    const answer = await raw(broker.awsUrl, request);
    // Assess
    expect(parse(answer)).toMatchObject({ status: 403, body: { __type: 'AccessDeniedException' } });
    expect(answer).not.toContain('rebind-secret-value');
  });
});

describe('requests the HTTP parser refuses', () => {
  it.each([
    ['an unknown method', 'BREW /v1/secrets HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['a lower-case method', 'get /v1/secrets HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['a broken request line', 'GET\r\n\r\n'],
  ])('answers %s with a JSON 400', async (_label, request) => {
    // Act
    const answer = parse(await raw(broker.url, request));
    // Assess
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
  });

  it('answers oversized headers with a JSON 431', async () => {
    // Act
    const answer = parse(await raw(broker.url, get(`/v1/secrets/${'a'.repeat(20_000)}`, '127.0.0.1')));
    // Assess
    expect(answer).toMatchObject({ status: 431, body: { error: 'invalid_body' } });
  });

  it('answers an absolute-form request target with a JSON 400', async () => {
    // Act
    const answer = parse(await raw(broker.url, get('http://evil/v1/secrets/REBIND_TARGET', '127.0.0.1')));
    // Assess
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
  });

  it('answers malformed bytes to the AWS endpoint in the AWS error shape', async () => {
    // Act
    const answer = parse(await raw(broker.awsUrl, 'BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    // Assess
    expect(answer).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
  });
});

describe('unrouted paths', () => {
  it('answers GET /v1/scopes with 404 not_found', async () => {
    // Act
    const answer = await send(broker.url, 'GET', '/v1/scopes');
    // Assess
    expectError(answer, 'not_found');
  });
});
