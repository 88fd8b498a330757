/** Every error code over real HTTP, and the one-time decoding of keys as the local gateway passes them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../local/gateway/api-server.js';
import { startTestBroker, type TestBroker } from './broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.dispose();
});

describe('error codes', () => {
  it('reserved_key (403) for a reserved key on a user route', async () => {
    // Act
    const res = await broker.call('PUT', '/v1/secrets/__THV_workloads_X', { json: { value: 'v' } });
    // Assess
    expect([res.status, res.json.error]).toEqual([403, 'reserved_key']);
  });

  it('invalid_key (400) for a key with a forbidden character', async () => {
    // Act
    const res = await broker.call('GET', '/v1/secrets/arn:aws:secretsmanager:us-east-1:1:secret:x');
    // Assess
    expect([res.status, res.json.error]).toEqual([400, 'invalid_key']);
  });

  it('invalid_body (400) for malformed JSON', async () => {
    // Act
    const res = await broker.call('PUT', '/v1/secrets/K', {
      body: '{"value":',
      headers: { 'content-type': 'application/json' },
    });
    // Assess
    expect([res.status, res.json.error]).toEqual([400, 'invalid_body']);
  });

  it('not_found (404) for a missing secret', async () => {
    // Act
    const res = await broker.call('GET', '/v1/secrets/NEVER_WRITTEN');
    // Assess
    expect([res.status, res.json.error]).toEqual([404, 'not_found']);
  });

  it('not_found (404) for an unknown route', async () => {
    // Act
    const res = await broker.call('GET', '/v2/anything');
    // Assess
    expect([res.status, res.json.error]).toEqual([404, 'not_found']);
  });

  it('unknown_scope (404) for a scope the deployment does not have', async () => {
    // Act
    const res = await broker.call('GET', '/v1/scopes/payroll/secrets/X');
    // Assess
    expect([res.status, res.json.error]).toEqual([404, 'unknown_scope']);
  });

  it('method_not_allowed (405) with Allow for a wrong method on a known path', async () => {
    // Act
    const res = await broker.call('POST', '/v1/secrets/K', { json: { value: 'v' } });
    // Assess
    expect([res.status, res.json.error, res.headers.get('allow')]).toEqual([
      405,
      'method_not_allowed',
      'GET, PUT, DELETE',
    ]);
  });

  it('conflict (409) when an Idempotency-Key is reused for another value', async () => {
    // Prepare
    const headers = { 'idempotency-key': 'a1b2c3d4-e5f6-47a8-9b0c-d1e2f3a4b5c6' };
    await broker.call('PUT', '/v1/secrets/IDEM', { json: { value: 'first' }, headers });
    // Act
    const res = await broker.call('PUT', '/v1/secrets/IDEM', { json: { value: 'second' }, headers });
    // Assess
    expect([res.status, res.json.error]).toEqual([409, 'conflict']);
  });

  it('value_too_large (413) for a value over 65,536 bytes', async () => {
    // Act
    const res = await broker.call('PUT', '/v1/secrets/BIG', { json: { value: 'x'.repeat(65_537) } });
    // Assess
    expect([res.status, res.json.error]).toEqual([413, 'value_too_large']);
  });

  it('value_too_large (413) for a raw body over the handler limit', async () => {
    // Act
    const res = await broker.call('PUT', '/v1/secrets/BIG', { json: { value: 'x'.repeat(600_000) } });
    // Assess
    expect([res.status, res.json.error]).toEqual([413, 'value_too_large']);
  });

  it("value_too_large (413) for a request over API Gateway's 10 MB payload limit, with an audit line", async () => {
    // Act
    const res = await broker.call('PUT', '/v1/secrets/HUGE', {
      body: 'x'.repeat(MAX_REQUEST_BYTES + 1),
      headers: { 'content-type': 'application/json' },
    });
    // Assess
    const line = broker.lines.find((l) => l.includes(String(res.json.requestId)));
    expect([res.status, res.json.error, line && JSON.parse(line)]).toEqual([
      413,
      'value_too_large',
      expect.objectContaining({ service: 'local-gateway', status: 413, outcome: 'value_too_large' }),
    ]);
  });

  it('every error body carries the request id of the x-amzn-requestid header', async () => {
    // Act
    const res = await broker.call('GET', '/v1/secrets/NEVER_WRITTEN');
    // Assess
    expect(res.json.requestId).toBe(res.headers.get('x-amzn-requestid'));
  });
});

describe('errors from the store', () => {
  it('throttled (429) when Secrets Manager keeps throttling', async () => {
    // Prepare
    const throttled = await startTestBroker({ faults: { throttleRate: 1 } });
    // Act
    const res = await throttled.call('GET', '/v1/secrets/K').finally(() => throttled.dispose());
    // Assess
    expect([res.status, res.json.error]).toEqual([429, 'throttled']);
  });

  it('internal (500) with a generic message when Secrets Manager fails', async () => {
    // Prepare
    const failing = await startTestBroker({ faults: { faultRate: 1 } });
    // Act
    const res = await failing.call('GET', '/v1/secrets/K').finally(() => failing.dispose());
    // Assess
    expect([res.status, res.json.error, Object.keys(res.json)]).toEqual([
      500,
      'internal',
      ['error', 'message', 'requestId'],
    ]);
  });
});

describe('keys are decoded exactly once', () => {
  it('%5F%5Fthv_x is the reserved key __thv_x', async () => {
    // Act
    const res = await broker.call('GET', '/v1/secrets/%5F%5Fthv_x');
    // Assess
    expect([res.status, res.json.error]).toEqual([403, 'reserved_key']);
  });

  it('%2F is a slash, so an invalid key', async () => {
    // Act
    const res = await broker.call('PUT', '/v1/secrets/a%2Fb', { json: { value: 'v' } });
    // Assess
    expect([res.status, res.json.error]).toEqual([400, 'invalid_key']);
  });

  it('a double-encoded reserved key is decoded once, to an invalid key', async () => {
    // Act
    const res = await broker.call('PUT', '/v1/secrets/%255F%255Fthv_x', { json: { value: 'v' } });
    // Assess
    expect([res.status, res.json.error, res.json.message]).toEqual([
      400,
      'invalid_key',
      'key "%5F%5Fthv_x" is invalid: may contain only A-Z a-z 0-9 and _ + = . @ -',
    ]);
  });

  it('an encoded valid key writes the decoded key', async () => {
    // Prepare
    await broker.call('PUT', '/v1/secrets/ENC%2EKEY', { json: { value: 'v' } });
    // Act
    const res = await broker.call('GET', '/v1/secrets/ENC.KEY');
    // Assess
    expect(res.status).toBe(200);
  });
});
