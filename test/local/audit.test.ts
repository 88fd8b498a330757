/** The audit log of a full run through the local server: one line per request, and no value anywhere. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SendOptions, send } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

let broker: TestBroker;
const written: string[] = [];
let requests = 0;

/** A value no log line could contain by accident. */
const value = (label: string): string => {
  const v = `${label}-${randomUUID()}`;
  written.push(v);
  return v;
};

beforeAll(async () => {
  broker = await startTestBroker();
  const call = (method: string, path: string, options?: SendOptions) => {
    requests++;
    return send(broker.url, method, path, options);
  };
  /** A JSON body (sent as application/json). */
  const json = (body: unknown): SendOptions => ({ body: JSON.stringify(body) });
  await call('PUT', '/v1/secrets/GITHUB_TOKEN', json({ value: value('user-create') }));
  await call('PUT', '/v1/secrets/GITHUB_TOKEN', json({ value: value('user-update'), description: 'token' }));
  await call('GET', '/v1/secrets/GITHUB_TOKEN');
  await call('GET', '/v1/secrets');
  await call('PUT', '/v1/scopes/workloads/secrets/BEARER_TOKEN_x', json({ value: value('scoped-create') }));
  await call('GET', '/v1/scopes/workloads/secrets/BEARER_TOKEN_x');
  await call('GET', '/v1/scopes/workloads/secrets');
  await call('PUT', '/v1/secrets/__thv_workloads_X', json({ value: value('refused-reserved') }));
  await call('PUT', '/v1/secrets/a%2Fb', json({ value: value('refused-invalid-key') }));
  await call('PUT', '/v1/secrets/K', { body: `{"value": ${value('malformed-json')}` });
  await call(
    'PUT',
    '/v1/secrets/K',
    json({ value: value('extra-field'), extra: value('extra-field-value') }),
  );
  await call('PUT', '/v1/secrets/K', {
    body: JSON.stringify({ value: value('wrong-type') }),
    headers: { 'content-type': 'text/plain' },
  });
  await call('PUT', '/v1/secrets/BIG', json({ value: `${value('too-large')}${'x'.repeat(70_000)}` }));
  await call('PUT', '/v1/scopes/payroll/secrets/X', json({ value: value('unknown-scope') }));
  await call('POST', '/v1/secrets/K', json({ value: value('wrong-method') }));
  await call('DELETE', '/v1/secrets/GITHUB_TOKEN');
  await call('DELETE', '/v1/scopes/workloads/secrets');
});
afterAll(async () => {
  await broker.close();
});

describe('audit log of a full run', () => {
  it('has exactly one line per request', () => {
    // Assess
    expect(broker.auditLines).toHaveLength(requests);
  });

  it('is one JSON object per line with request id, caller, route, status and outcome', () => {
    // Act
    const records = broker.auditLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    // Assess
    expect(
      records.every((r) =>
        ['requestId', 'caller', 'route', 'status', 'outcome', 'latencyMs'].every((f) => f in r),
      ),
    ).toBe(true);
  });

  it('contains none of the values written', () => {
    // Act
    const leaked = written.filter((v) => broker.auditLines.some((line) => line.includes(v)));
    // Assess
    expect(leaked).toEqual([]);
  });
});
