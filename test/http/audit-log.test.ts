import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../core/metric-names.js';
import { createApiHandler, createScopeApiHandler, createUserApiHandler } from '../../lambda/http/index.js';
import { json } from '../../lambda/http/response.js';
import { fixture, proxyEvent, scopedEvent, secretEvent } from './events.js';

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

/** The metric values and dimensions CloudWatch would extract from one EMF line. */
function extracted(line: Record<string, unknown>) {
  const aws = line._aws as {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  return aws.CloudWatchMetrics.flatMap((d) =>
    d.Dimensions.flatMap((set) =>
      d.Metrics.map((m) => ({
        namespace: d.Namespace,
        metric: m.Name,
        unit: m.Unit,
        dimensions: Object.fromEntries(set.map((name) => [name, line[name]])),
        value: line[m.Name],
      })),
    ),
  );
}

describe('request metrics (EMF on the audit line)', () => {
  it('counts each request by route, operation and outcome, and by outcome alone', async () => {
    // Prepare
    const { handler, records } = setup();
    // Act
    await handler(secretEvent('GET', '__thv_workloads_TOKEN'));
    // Assess
    const requests = extracted(records()[0] ?? {}).filter((m) => m.metric === 'Requests');
    expect(requests).toEqual([
      {
        namespace: METRICS_NAMESPACE,
        metric: 'Requests',
        unit: 'Count',
        dimensions: {
          service: 'user-api',
          route: '/v1/secrets/{key}',
          operation: 'getSecret',
          outcome: 'reserved_key',
        },
        value: 1,
      },
      {
        namespace: METRICS_NAMESPACE,
        metric: 'Requests',
        unit: 'Count',
        dimensions: { service: 'user-api', outcome: 'reserved_key' },
        value: 1,
      },
    ]);
  });

  it('reports the latency in milliseconds on the same line as the audit record', async () => {
    // Prepare
    let t = 0;
    const lines: string[] = [];
    const handler = createApiHandler({
      service: 's',
      dispatch: async () => json(200, {}),
      log: (l) => lines.push(l),
      now: () => (t += 7),
    });
    // Act
    await handler(secretEvent('GET', 'K'));
    // Assess
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    const latency = extracted(line).filter((m) => m.metric === 'Latency');
    expect([lines.length, line.requestId, latency.map((m) => [m.unit, m.value])]).toEqual([
      1,
      'req-1',
      [
        ['Milliseconds', 7],
        ['Milliseconds', 7],
      ],
    ]);
  });

  it('counts a request that matched no route under route and operation none', async () => {
    // Prepare
    const { handler, records } = setup();
    // Act
    await handler(proxyEvent({ method: 'GET', resource: '/v2/elsewhere', path: '/v2/elsewhere' }));
    // Assess
    expect(extracted(records()[0] ?? {})[0]?.dimensions).toEqual({
      service: 'user-api',
      route: 'none',
      operation: 'none',
      outcome: 'not_found',
    });
  });

  it('never makes a key or a scope name a dimension', async () => {
    // Prepare
    const { store, config, lines } = fixture();
    const user = createUserApiHandler({ config, store, log: (l) => lines.push(l) });
    const scope = createScopeApiHandler({
      config: { ...config, servedScopes: ['workloads'] },
      store,
      log: (l) => lines.push(l),
    });
    // Act
    await user(secretEvent('PUT', 'KEY_NAME_7f3a', { value: 'v' }));
    await scope(scopedEvent('GET', 'workloads', 'NAME_9c2e'));
    await scope(scopedEvent('GET', 'probe4d1b', 'NAME_9c2e'));
    // Assess
    const values = lines.flatMap((l) =>
      extracted(JSON.parse(l) as Record<string, unknown>).flatMap((m) => Object.values(m.dimensions)),
    );
    expect(values.filter((v) => /KEY_NAME|NAME_9c2e|probe4d1b|workloads/.test(String(v)))).toEqual([]);
  });
});
