/**
 * 50 concurrent writers to one key: none gets a 5xx, exactly one creates it, and the key ends
 * with one of the acknowledged values, readable with the version its writer was given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { put, scopePath, userPath } from '../support/api.js';
import { send, sendJson } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

const WRITERS = 50;
let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

async function race(path: string) {
  const values = Array.from({ length: WRITERS }, (_, i) => `writer-${i}-value`);
  const responses = await Promise.all(values.map((value) => sendJson(broker.url, 'PUT', path, { value })));
  const acknowledged = new Map<string, string>();
  responses.forEach((response, i) => {
    if (response.status === 200 || response.status === 201) {
      acknowledged.set(values[i] as string, (response.json as { version: string }).version);
    }
  });
  const final = (await send(broker.url, 'GET', path)).json as { value: string; version: string };
  return { statuses: responses.map((r) => r.status), acknowledged, final };
}

describe('50 concurrent writers to one key', () => {
  it.each([
    ['a new user key', userPath('RACE_NEW')],
    ['a new scoped name', scopePath('workloads', 'RACE_NEW')],
  ])('on %s: no 5xx, exactly one 201, and one acknowledged value wins', async (_what, path) => {
    // Act
    const { statuses, acknowledged, final } = await race(path);
    // Assess
    expect(statuses.filter((s) => ![200, 201, 409].includes(s))).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(acknowledged.has(final.value), `final value ${final.value} was never acknowledged`).toBe(true);
    expect(final.version).toBe(acknowledged.get(final.value));
  });

  it('on an existing user key: no 5xx, no 201, and one acknowledged value wins', async () => {
    // Prepare
    await put(broker.url, userPath('RACE_EXISTING'), 'seed');
    // Act
    const { statuses, acknowledged, final } = await race(userPath('RACE_EXISTING'));
    // Assess
    expect(statuses.filter((s) => ![200, 409].includes(s))).toEqual([]);
    expect(acknowledged.has(final.value), `final value ${final.value} was never acknowledged`).toBe(true);
    expect(final.version).toBe(acknowledged.get(final.value));
  });
});
