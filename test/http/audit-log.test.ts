import { describe, expect, it } from 'vitest';
import { createApiHandler, createUserApiHandler } from '../../lambda/http/index.js';
import { json } from '../../lambda/http/response.js';
import { fixture, proxyEvent, secretEvent } from './events.js';

function setup() {
  const { store, config, lines } = fixture();
  const handler = createUserApiHandler({ config, store, log: (l) => lines.push(l) });
  return { store, lines, handler, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('audit log', () => {
  it('writes exactly one line per request', async () => {
    // Prepare
    const { handler, lines } = setup();
    // Act
    await handler(secretEvent('PUT', 'K', { value: 'v' }));
    await handler(secretEvent('GET', 'nope%zz'));
    // Assess
    expect(lines).toHaveLength(2);
  });

  it('records request id, caller, route, key, status and outcome', async () => {
    // Prepare
    const { handler, records } = setup();
    // Act
    await handler(secretEvent('GET', 'MISSING'));
    // Assess
    expect(records()[0]).toMatchObject({
      service: 'user-api',
      requestId: 'req-1',
      caller: 'arn:aws:sts::123456789012:assumed-role/dev/alice',
      method: 'GET',
      route: '/v1/secrets/{key}',
      operation: 'getSecret',
      key: 'MISSING',
      status: 404,
      outcome: 'not_found',
    });
  });

  it('falls back to the identity caller when there is no user ARN', async () => {
    // Prepare
    const { handler, records } = setup();
    const event = proxyEvent({ method: 'GET', resource: '/v1/secrets', path: '/v1/secrets', userArn: null });
    // Act
    await handler(event);
    // Assess
    expect(records()[0]?.caller).toBe('AROAEXAMPLE:alice');
  });

  it('measures latency with the given clock', async () => {
    // Prepare
    let t = 0;
    const lines: string[] = [];
    const handler = createApiHandler({
      service: 's',
      dispatch: async () => json(200, {}),
      log: (l) => lines.push(l),
      now: () => (t += 5),
    });
    // Act
    await handler(secretEvent('GET', 'K'));
    // Assess
    expect(JSON.parse(lines[0] ?? '{}').latencyMs).toBe(5);
  });

  it('logs the detail of a 500 at ERROR level', async () => {
    // Prepare
    const { handler, records, store } = setup();
    store.get = async () => {
      throw new Error('socket hang up');
    };
    // Act
    await handler(secretEvent('GET', 'K'));
    // Assess
    expect(records()[0]).toMatchObject({
      level: 'ERROR',
      status: 500,
      error: { name: 'Error', message: 'socket hang up' },
    });
  });

  it('never writes a value, whether written, read or refused', async () => {
    // Prepare
    const { handler, lines } = setup();
    const values = ['v-created-6f1c', 'v-updated-93ab', 'v-refused-reserved-2d7e', 'v-malformed-11aa'];
    // Act
    await handler(secretEvent('PUT', 'K', { value: values[0] }));
    await handler(secretEvent('PUT', 'K', { value: values[1], description: 'd' }));
    await handler(secretEvent('GET', 'K'));
    await handler(secretEvent('PUT', '__thv_x', { value: values[2] }));
    await handler(secretEvent('PUT', 'K', `{"value": ${values[3]}`));
    // Assess
    expect(values.filter((v) => lines.some((l) => l.includes(v)))).toEqual([]);
  });
});
