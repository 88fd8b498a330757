/**
 * A restart (close, then `startBroker` on the same data directory) keeps every acknowledged
 * write: values, versions, deletes and listings, for user keys and scoped names alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES } from '../../core/namespace.js';
import { expectError, put, scopePath, snapshot, userPath } from '../support/api.js';
import { send, sendJson } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker?.close();
});

describe('restart', () => {
  it('keeps every acknowledged write, update and delete', async () => {
    // Prepare
    const written = new Map<string, { value: string; version: string }>();
    for (let i = 0; i < 10; i++) {
      const path = userPath(`KEEP_${i}`);
      written.set(path, {
        value: `user-${i}`,
        version: await put(broker.url, path, `user-${i}`, `desc ${i}`),
      });
    }
    for (const scope of DEFAULT_SCOPES) {
      const path = scopePath(scope, 'KEEP');
      written.set(path, { value: `${scope}-v`, version: await put(broker.url, path, `${scope}-v`) });
    }
    const updated = userPath('KEEP_0');
    written.set(updated, {
      value: 'user-0-updated',
      version: await put(broker.url, updated, 'user-0-updated'),
    });
    const deleted = userPath('KEEP_9');
    expect((await send(broker.url, 'DELETE', deleted)).status).toBe(204);
    written.delete(deleted);
    const before = await snapshot(broker.url);
    // Act
    await broker.restart();
    // Assess
    for (const [path, { value, version }] of written) {
      expect((await send(broker.url, 'GET', path)).json, path).toMatchObject({ value, version });
    }
    expectError(await send(broker.url, 'GET', deleted), 'not_found');
    expect(await snapshot(broker.url)).toEqual(before);
  });

  it('keeps writes acknowledged just before the close', async () => {
    // Prepare
    const paths = Array.from({ length: 20 }, (_, i) => userPath(`LAST_${i}`));
    const responses = await Promise.all(
      paths.map((path, i) => sendJson(broker.url, 'PUT', path, { value: `last-${i}` })),
    );
    expect(responses.map((r) => r.status)).toEqual(paths.map(() => 201));
    // Act
    await broker.restart();
    // Assess
    const reads = await Promise.all(paths.map((path) => send(broker.url, 'GET', path)));
    expect(reads.map((r) => (r.json as { value?: string }).value)).toEqual(paths.map((_, i) => `last-${i}`));
  });

  it('keeps a scope cleanup done before the close', async () => {
    // Prepare
    await put(broker.url, scopePath('registry', 'GONE_1'), 'x');
    await put(broker.url, scopePath('registry', 'GONE_2'), 'x');
    expect((await send(broker.url, 'DELETE', '/v1/scopes/registry/secrets')).status).toBe(200);
    // Act
    await broker.restart();
    // Assess
    expect((await send(broker.url, 'GET', '/v1/scopes/registry/secrets')).json).toEqual({ keys: [] });
  });
});
