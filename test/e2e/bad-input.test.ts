/**
 * The bad-input battery: hundreds of requests a careless or hostile caller could send. Each must
 * get its documented 4xx JSON error, never a 5xx, never an echo of the value sent, and the whole
 * battery must change nothing the API can show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES } from '../../core/namespace.js';
import { expectError, put, scopePath, snapshot, userPath } from '../support/api.js';
import { send } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';
import { BATTERY_VALUE, badInputs } from './support/bad-inputs.js';

const battery = badInputs();
let broker: TestBroker;
// What the listings showed after the previous row: each row is checked on its own, so one wrongly
// accepted write fails its own row and not every row after it.
let current: Record<string, unknown>;

beforeAll(async () => {
  broker = await startTestBroker();
  // Something in every listing, so "changed nothing" compares real content.
  await put(broker.url, userPath('SEEDED_USER'), 'seed', 'seeded');
  for (const scope of DEFAULT_SCOPES) await put(broker.url, scopePath(scope, 'SEEDED'), `seed-${scope}`);
  current = await snapshot(broker.url);
});

afterAll(async () => {
  await broker?.close();
});

describe('bad-input battery', () => {
  it('has at least 100 requests', () => {
    expect(battery.length).toBeGreaterThanOrEqual(100);
  });

  // A plain loop, not it.each: it.each cuts long row names short in the report.
  for (const row of battery) {
    it(`${row.name} → ${row.code}`, async () => {
      // Act
      const response = await send(broker.url, row.method, row.path, row);
      // Assess
      const before = current;
      current = await snapshot(broker.url);
      expect(response.status).toBeLessThan(500);
      expectError(response, row.code);
      expect(response.text).not.toContain(BATTERY_VALUE);
      expect(current, 'the request changed what the listings show').toEqual(before);
    });
  }

  it('did not store a reserved key set through the user route under any scope', async () => {
    // Act
    const reads = await Promise.all([
      send(broker.url, 'GET', scopePath('workloads', 'BEARER_TOKEN_github')),
      ...DEFAULT_SCOPES.map((scope) => send(broker.url, 'GET', scopePath(scope, 'x'))),
    ]);
    // Assess
    for (const response of reads) expectError(response, 'not_found');
  });

  it('never wrote the value sent to the audit log', () => {
    expect(broker.auditLines.filter((line) => line.includes(BATTERY_VALUE))).toEqual([]);
  });
});
