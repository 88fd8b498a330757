/**
 * The Lambda entry points as the runtime loads them: config and clients from the environment at
 * import, the SDK pointed at the embedded endpoint through the standard AWS_ENDPOINT_URL_* variables.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyHandler } from '../../lambda/http/index.js';
import { type AwsEndpoint, startAwsEndpoint } from '../../local/aws/endpoint.js';
import { bodyOf, scopedEvent, secretEvent } from '../http/events.js';

let endpoint: AwsEndpoint;
let dataDir: string;
let userHandler: ProxyHandler;
let scopeHandler: ProxyHandler;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'broker-entry-'));
  endpoint = await startAwsEndpoint({ port: 0, dataDir });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.url,
    AWS_ENDPOINT_URL_SSM: endpoint.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  userHandler = (await import('../../lambda/handlers/user-api.js')).handler;
  process.env.BROKER_SERVED_SCOPES = 'workloads';
  scopeHandler = (await import('../../lambda/handlers/scope-api.js')).handler;
});
afterAll(async () => {
  await endpoint.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Lambda entry points', () => {
  it('the user function writes and reads a secret through Secrets Manager', async () => {
    // Prepare
    await userHandler(secretEvent('PUT', 'ENTRY', { value: 'v' }));
    // Act
    const result = await userHandler(secretEvent('GET', 'ENTRY'));
    // Assess
    expect(bodyOf(result).value).toBe('v');
  });

  it('the scope function serves the scope its environment names', async () => {
    // Act
    const result = await scopeHandler(scopedEvent('PUT', 'workloads', 'ENTRY', { value: 'v' }));
    // Assess
    expect(result.statusCode).toBe(201);
  });

  it('the scope function refuses a scope its environment does not name', async () => {
    // Act
    const result = await scopeHandler(scopedEvent('GET', 'registry', 'ENTRY'));
    // Assess
    expect(bodyOf(result).error).toBe('unknown_scope');
  });
});
