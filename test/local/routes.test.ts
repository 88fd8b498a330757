/** Every route of the local broker over real HTTP, through the real adapter and the embedded endpoint. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './broker.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.dispose();
});

describe('user routes', () => {
  it('PUT /v1/secrets/{key} creates with 201 and updates with 200', async () => {
    // Act
    const created = await broker.call('PUT', '/v1/secrets/R_PUT', { json: { value: 'a' } });
    const updated = await broker.call('PUT', '/v1/secrets/R_PUT', { json: { value: 'b' } });
    // Assess
    expect([created.status, updated.status, updated.json.key]).toEqual([201, 200, 'R_PUT']);
  });

  it('GET /v1/secrets/{key} returns key, value, version and updatedAt', async () => {
    // Prepare
    const put = await broker.call('PUT', '/v1/secrets/R_GET', { json: { value: 'get-value' } });
    // Act
    const got = await broker.call('GET', '/v1/secrets/R_GET');
    // Assess
    expect(got.json).toEqual({
      key: 'R_GET',
      value: 'get-value',
      version: put.json.version,
      updatedAt: expect.any(String),
    });
  });

  it('DELETE /v1/secrets/{key} answers 204 and the secret is gone', async () => {
    // Prepare
    await broker.call('PUT', '/v1/secrets/R_DEL', { json: { value: 'x' } });
    // Act
    const deleted = await broker.call('DELETE', '/v1/secrets/R_DEL');
    const after = await broker.call('GET', '/v1/secrets/R_DEL');
    // Assess
    expect([deleted.status, deleted.text, after.status]).toEqual([204, '', 404]);
  });

  it('GET /v1/secrets lists user keys with descriptions and pages with next', async () => {
    // Prepare
    for (const k of ['L_1', 'L_2', 'L_3'])
      await broker.call('PUT', `/v1/secrets/${k}`, { json: { value: 'v', description: `about ${k}` } });
    const keys: string[] = [];
    // Act
    let next: unknown;
    do {
      const page = await broker.call('GET', `/v1/secrets?limit=1${next ? `&next=${next}` : ''}`);
      keys.push(...(page.json.keys as { key: string }[]).map((k) => k.key));
      next = page.json.next;
    } while (next);
    // Assess
    expect(keys.filter((k) => k.startsWith('L_'))).toEqual(['L_1', 'L_2', 'L_3']);
  });

  it('GET /v1/secrets never lists a system key', async () => {
    // Prepare
    const put = await broker.call('PUT', '/v1/scopes/workloads/secrets/HIDDEN', { json: { value: 'v' } });
    // Act
    const page = await broker.call('GET', '/v1/secrets?limit=100');
    // Assess: the system key exists, and the user listing does not show it.
    const system = (page.json.keys as { key: string }[]).filter((k) => k.key.toLowerCase().includes('thv'));
    expect([put.status, system]).toEqual([201, []]);
  });
});

describe('scope routes', () => {
  it('PUT /v1/scopes/{scope}/secrets/{name} creates with 201', async () => {
    // Act
    const created = await broker.call('PUT', '/v1/scopes/registry/secrets/S_PUT', { json: { value: 'v' } });
    // Assess
    expect([created.status, created.json.key]).toEqual([201, 'S_PUT']);
  });

  it('GET /v1/scopes/{scope}/secrets/{name} reads it by its name', async () => {
    // Prepare
    await broker.call('PUT', '/v1/scopes/registry/secrets/S_GET', { json: { value: 'scoped-value' } });
    // Act
    const got = await broker.call('GET', '/v1/scopes/registry/secrets/S_GET');
    // Assess
    expect([got.json.key, got.json.value]).toEqual(['S_GET', 'scoped-value']);
  });

  it('a scoped secret is invisible to the user route under its full key', async () => {
    // Prepare
    await broker.call('PUT', '/v1/scopes/registry/secrets/S_HIDE', { json: { value: 'v' } });
    // Act
    const got = await broker.call('GET', '/v1/secrets/__thv_registry_S_HIDE');
    // Assess
    expect([got.status, got.json.error]).toEqual([403, 'reserved_key']);
  });

  it('DELETE /v1/scopes/{scope}/secrets/{name} answers 204', async () => {
    // Prepare
    await broker.call('PUT', '/v1/scopes/registry/secrets/S_DEL', { json: { value: 'v' } });
    // Act
    const deleted = await broker.call('DELETE', '/v1/scopes/registry/secrets/S_DEL');
    // Assess
    expect(deleted.status).toBe(204);
  });

  it('GET /v1/scopes/{scope}/secrets lists names without the prefix', async () => {
    // Prepare
    await broker.call('PUT', '/v1/scopes/llm/secrets/S_LIST', { json: { value: 'v' } });
    // Act
    const page = await broker.call('GET', '/v1/scopes/llm/secrets');
    // Assess
    expect((page.json.keys as { key: string }[]).map((k) => k.key)).toEqual(['S_LIST']);
  });

  it('DELETE /v1/scopes/{scope}/secrets deletes only that scope and answers the count', async () => {
    // Prepare
    await broker.call('PUT', '/v1/scopes/auth/secrets/C_1', { json: { value: 'v' } });
    await broker.call('PUT', '/v1/scopes/auth/secrets/C_2', { json: { value: 'v' } });
    await broker.call('PUT', '/v1/scopes/llm/secrets/C_KEEP', { json: { value: 'v' } });
    // Act
    const cleaned = await broker.call('DELETE', '/v1/scopes/auth/secrets');
    const kept = await broker.call('GET', '/v1/scopes/llm/secrets/C_KEEP');
    // Assess
    expect([cleaned.json, kept.status]).toEqual([{ deleted: 2 }, 200]);
  });
});

describe('documents', () => {
  it('GET /v1/openapi.json serves the OpenAPI document', async () => {
    // Act
    const doc = await broker.call('GET', '/v1/openapi.json');
    // Assess
    expect([doc.status, doc.json.openapi]).toEqual([200, '3.0.3']);
  });
});
