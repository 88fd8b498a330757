/**
 * Every documented error code through real HTTP against the local broker, reached the way a caller
 * would reach it, and the one-time decoding of keys as the local gateway passes them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../local/gateway/api-server.js';
import { CONTROL_HEADERS } from '../../local/loopback.js';
import { expectError, userPath } from '../support/api.js';
import { send, sendJson } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

describe('error codes', () => {
  it('answers reserved_key for a reserved key on a user route, in any case', async () => {
    // Act
    const answers = await Promise.all(
      ['__thv_workloads_X', '__THV_workloads_X'].map((key) =>
        sendJson(broker.url, 'PUT', userPath(key), { value: 'x' }),
      ),
    );
    // Assess
    for (const answer of answers) expectError(answer, 'reserved_key');
  });

  it('answers invalid_key for a key with a forbidden character', async () => {
    expectError(
      await send(broker.url, 'GET', '/v1/secrets/arn:aws:secretsmanager:us-east-1:1:secret:x'),
      'invalid_key',
    );
  });

  it('answers invalid_body for malformed JSON', async () => {
    expectError(await send(broker.url, 'PUT', userPath('ERR_JSON'), { body: '{"value":' }), 'invalid_body');
  });

  it('answers invalid_body for a body without a value', async () => {
    expectError(
      await sendJson(broker.url, 'PUT', userPath('ERR_BODY'), { description: 'no value' }),
      'invalid_body',
    );
  });

  it('answers not_found for a missing key', async () => {
    expectError(await send(broker.url, 'GET', userPath('ERR_MISSING')), 'not_found');
  });

  it('answers not_found for a delete of a missing key', async () => {
    expectError(await send(broker.url, 'DELETE', userPath('ERR_MISSING')), 'not_found');
  });

  it('answers not_found for an unknown route', async () => {
    expectError(await send(broker.url, 'GET', '/v2/anything'), 'not_found');
  });

  it('answers unknown_scope for a scope the deployment does not have, on its list and name routes', async () => {
    // Act
    const list = await send(broker.url, 'GET', '/v1/scopes/payments/secrets');
    const name = await send(broker.url, 'GET', '/v1/scopes/payroll/secrets/X');
    // Assess
    expectError(list, 'unknown_scope');
    expectError(name, 'unknown_scope');
  });

  it('answers value_too_large for a value of 65,537 bytes', async () => {
    expectError(
      await sendJson(broker.url, 'PUT', userPath('ERR_BIG'), { value: 'x'.repeat(65_537) }),
      'value_too_large',
    );
  });

  it('answers value_too_large for a raw body over the handler limit', async () => {
    expectError(
      await sendJson(broker.url, 'PUT', userPath('ERR_BIGGER'), { value: 'x'.repeat(600_000) }),
      'value_too_large',
    );
  });

  it("answers value_too_large for a request over API Gateway's 10 MB payload limit, with an audit line", async () => {
    // Act
    const response = await send(broker.url, 'PUT', userPath('ERR_HUGE'), {
      body: 'x'.repeat(MAX_REQUEST_BYTES + 1),
    });
    // Assess
    expectError(response, 'value_too_large');
    const requestId = String((response.json as { requestId: string }).requestId);
    const line = broker.auditLines.find((l) => l.includes(requestId));
    expect(line && JSON.parse(line)).toEqual(
      expect.objectContaining({ service: 'local-gateway', status: 413, outcome: 'value_too_large' }),
    );
  });

  it('answers method_not_allowed with Allow for a wrong method on a known path', async () => {
    // Act
    const onKey = await sendJson(broker.url, 'POST', userPath('ERR_METHOD'), { value: 'v' });
    const onList = await send(broker.url, 'POST', '/v1/secrets');
    // Assess
    expectError(onKey, 'method_not_allowed');
    expect(onKey.headers.allow).toBe('GET, PUT, DELETE');
    expectError(onList, 'method_not_allowed');
  });

  it('answers conflict when an Idempotency-Key is reused for a different value', async () => {
    // Prepare
    const headers = { 'idempotency-key': 'e2e-conflict-0123456789abcdef0123456789' };
    await sendJson(broker.url, 'PUT', userPath('ERR_CONFLICT'), { value: 'first' }, headers);
    // Act
    const response = await sendJson(
      broker.url,
      'PUT',
      userPath('ERR_CONFLICT'),
      { value: 'second' },
      headers,
    );
    // Assess
    expectError(response, 'conflict');
    expect((await send(broker.url, 'GET', userPath('ERR_CONFLICT'))).json).toMatchObject({ value: 'first' });
  });

  it('carries in every error body the request id of the x-amzn-requestid header', async () => {
    // Act
    const response = await send(broker.url, 'GET', userPath('ERR_MISSING'));
    // Assess
    expect((response.json as { requestId: string }).requestId).toBe(response.headers['x-amzn-requestid']);
  });
});

describe('errors from the store', () => {
  const setFaults = (rates: { throttleRate?: number; faultRate?: number }) =>
    sendJson(broker.awsUrl, 'POST', '/_local/faults', rates, CONTROL_HEADERS);

  afterEach(async () => {
    await setFaults({ throttleRate: 0, faultRate: 0 });
  });

  it('answers throttled when the secret store throttles every call', async () => {
    // Prepare
    await setFaults({ throttleRate: 1 });
    // Act
    const response = await send(broker.url, 'GET', userPath('ERR_THROTTLED'));
    // Assess
    expectError(response, 'throttled');
  });

  it('answers internal with a generic message when the secret store fails', async () => {
    // Prepare
    await setFaults({ faultRate: 1 });
    // Act
    const response = await send(broker.url, 'GET', userPath('ERR_INTERNAL'));
    // Assess
    expectError(response, 'internal');
    expect(response.text).not.toMatch(/InternalServiceError|stack|at /);
  });

  it('applies the faults the broker was started with', async () => {
    // Prepare
    const throttled = await startTestBroker({ faults: { throttleRate: 1 } });
    // Act
    const response = await send(throttled.url, 'GET', userPath('K')).finally(() => throttled.close());
    // Assess
    expectError(response, 'throttled');
  });
});

describe('keys are decoded exactly once', () => {
  it('%5F%5Fthv_x is the reserved key __thv_x', async () => {
    expectError(await send(broker.url, 'GET', '/v1/secrets/%5F%5Fthv_x'), 'reserved_key');
  });

  it('%2F is a slash, so an invalid key, on a read and on a write', async () => {
    // Act
    const read = await send(broker.url, 'GET', '/v1/secrets/a%2Fb');
    const write = await sendJson(broker.url, 'PUT', '/v1/secrets/a%2Fb', { value: 'v' });
    // Assess
    expectError(read, 'invalid_key');
    expectError(write, 'invalid_key');
  });

  it('a double-encoded reserved key is decoded once, to an invalid key', async () => {
    // Act
    const response = await sendJson(broker.url, 'PUT', '/v1/secrets/%255F%255Fthv_x', { value: 'v' });
    // Assess
    expectError(response, 'invalid_key');
    expect((response.json as { message: string }).message).toBe(
      'key "%5F%5Fthv_x" is invalid: may contain only A-Z a-z 0-9 and _ + = . @ -',
    );
  });

  it('an encoded valid key writes the decoded key', async () => {
    // Prepare
    await sendJson(broker.url, 'PUT', '/v1/secrets/ENC%2EKEY', { value: 'v' });
    // Act
    const response = await send(broker.url, 'GET', '/v1/secrets/ENC.KEY');
    // Assess
    expect(response.status).toBe(200);
  });
});
