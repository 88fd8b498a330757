/**
 * The emulated rate quotas, latency and deletion lag through the real SDK over HTTP: the N+1th call
 * of a group within a second is throttled with AWS's ThrottlingException, the SDK's own retry gets
 * through once the bucket refills, and the control route and BROKER_AWS_* variables set it all.
 * The quota buckets run on a clock the test moves, so nothing here depends on timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEndpoint, conditionsFromEnv, startAwsEndpoint } from '../../local/aws/endpoint.js';
import { FAULTS_PATH } from '../../local/aws/http.js';
import { quotaGroupOf } from '../../local/aws/quotas.js';
import { CONTROL_HEADERS } from '../../local/loopback.js';
import { secretsManagerClient } from '../support/endpoints.js';
import { NO_ERROR, outcome } from '../support/outcome.js';

describe('emulated AWS quotas and latency', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-aws-quotas-'));
  let now = 0;
  let onThrottle: (() => void) | undefined;
  let endpoint: AwsEndpoint;
  let sm: SecretsManagerClient;
  const control = (body: Record<string, unknown>) =>
    fetch(`${endpoint.url}${FAULTS_PATH}`, {
      method: 'POST',
      headers: CONTROL_HEADERS,
      body: JSON.stringify(body),
    });
  const policyCall = () => sm.send(new GetResourcePolicyCommand({ SecretId: 'quota/existing' }));

  beforeAll(async () => {
    endpoint = await startAwsEndpoint({
      dataDir,
      clock: () => now,
      log: (line) => {
        if (line.includes('ThrottlingException')) onThrottle?.();
      },
    });
    sm = secretsManagerClient(endpoint.url);
    await sm.send(new CreateSecretCommand({ Name: 'quota/existing', SecretString: 'v' }));
  });

  afterEach(async () => {
    onThrottle = undefined;
    await control({ quotas: 'off', latencyMs: 0, deletionLagMs: 0, deletionLagCreates: 0 });
  });

  afterAll(async () => {
    sm?.destroy();
    await endpoint?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('throttles nothing by rate while quotas are off (the default)', async () => {
    const results = await Promise.all(Array.from({ length: 80 }, () => outcome(policyCall())));
    expect(results.filter((r) => r.name !== NO_ERROR)).toEqual([]);
  });

  it("answers the N+1th call of a group in one second with AWS's ThrottlingException", async () => {
    await control({ quotas: 'aws' });
    const quota = quotaGroupOf('GetResourcePolicy')?.perSecond ?? 0;
    const first = [];
    for (let i = 0; i < quota; i += 1) first.push(await outcome(policyCall()));
    const next = await outcome(policyCall());
    expect(first.filter((r) => r.name !== NO_ERROR)).toEqual([]);
    expect(next).toEqual({ name: 'ThrottlingException', status: 400, message: 'Rate exceeded' });
  });

  it('throttles every operation of the spent group, and no other group', async () => {
    await control({ quotas: 'aws' });
    for (let i = 0; i < 50; i += 1) await policyCall();
    const samePolicyGroup = await outcome(
      sm.send(new PutResourcePolicyCommand({ SecretId: 'quota/existing', ResourcePolicy: '{}' })),
    );
    const otherGroup = await outcome(
      sm.send(new CreateSecretCommand({ Name: 'quota/other', SecretString: 'v' })),
    );
    expect(samePolicyGroup).toMatchObject({ name: 'ThrottlingException', status: 400 });
    expect(otherGroup.name).toBe(NO_ERROR);
  });

  it("lets the SDK's own retry through once the bucket has refilled", async () => {
    await control({ quotas: 'aws' });
    for (let i = 0; i < 50; i += 1) await policyCall();
    // A second passes on the quota clock as soon as the endpoint has throttled the first attempt.
    onThrottle = () => {
      now += 1_000;
    };
    const retrying = new SecretsManagerClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 3,
    });
    const out = await retrying.send(new GetResourcePolicyCommand({ SecretId: 'quota/existing' }));
    retrying.destroy();
    expect(out.$metadata.attempts).toBe(2);
  });

  it('makes every call wait the per-call latency', async () => {
    await control({ latencyMs: 40 });
    const started = performance.now();
    await policyCall();
    // A lower bound only (timers may fire up to a millisecond early); never an upper one.
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  it('keeps a force-deleted name taken for the configured number of creates', async () => {
    await control({ deletionLagCreates: 2 });
    await sm.send(new CreateSecretCommand({ Name: 'quota/lagged', SecretString: 'old' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'quota/lagged', ForceDeleteWithoutRecovery: true }));
    const create = () =>
      outcome(sm.send(new CreateSecretCommand({ Name: 'quota/lagged', SecretString: 'new' })));
    const attempts = [await create(), await create(), await create()];
    expect(attempts.map((a) => a.name)).toEqual([
      'InvalidRequestException',
      'InvalidRequestException',
      NO_ERROR,
    ]);
    expect(attempts[0]?.message).toMatch(/scheduled for deletion/);
  });

  it('reports and changes every condition on the control route', async () => {
    const set = await control({ quotas: 'aws', latencyMs: 3, deletionLagMs: 100, deletionLagCreates: 1 });
    const read = await (await fetch(`${endpoint.url}${FAULTS_PATH}`, { headers: CONTROL_HEADERS })).json();
    expect(set.status).toBe(200);
    expect(read).toEqual({
      throttleRate: 0,
      faultRate: 0,
      quotas: 'aws',
      latencyMs: 3,
      deletionLagMs: 100,
      deletionLagCreates: 1,
    });
  });

  it.each([
    [{ quotas: 'on' }, /quotas/],
    [{ latencyMs: -1 }, /latencyMs/],
    [{ latencyMs: 1.5 }, /latencyMs/],
    [{ deletionLagMs: 60_001 }, /deletionLagMs/],
    [{ deletionLagCreates: '2' }, /deletionLagCreates/],
  ])('refuses %j with a 400 that names the field, and changes nothing', async (body, field) => {
    const before = await (await fetch(`${endpoint.url}${FAULTS_PATH}`, { headers: CONTROL_HEADERS })).json();
    const response = await control({ throttleRate: 0.5, ...body });
    const after = await (await fetch(`${endpoint.url}${FAULTS_PATH}`, { headers: CONTROL_HEADERS })).json();
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(field);
    expect(after).toEqual(before);
  });
});

describe('conditionsFromEnv', () => {
  it('reads the BROKER_AWS_* variables', () => {
    expect(
      conditionsFromEnv({
        BROKER_AWS_QUOTAS: 'aws',
        BROKER_AWS_LATENCY_MS: '20',
        BROKER_AWS_DELETION_LAG_MS: '250',
        BROKER_AWS_DELETION_LAG_CREATES: '3',
      }),
    ).toEqual({ quotas: 'aws', latencyMs: 20, deletionLagMs: 250, deletionLagCreates: 3 });
  });

  it('sets nothing when they are unset or empty', () => {
    expect(conditionsFromEnv({ BROKER_AWS_QUOTAS: '', BROKER_AWS_LATENCY_MS: '' })).toEqual({});
  });

  it.each([
    ['BROKER_AWS_QUOTAS', 'yes'],
    ['BROKER_AWS_LATENCY_MS', '20ms'],
    ['BROKER_AWS_DELETION_LAG_MS', '-5'],
  ])('refuses %s=%s with a message that names the variable', (name, value) => {
    expect(() => conditionsFromEnv({ [name]: value })).toThrow(name);
  });

  it('refuses a latency beyond a minute', () => {
    expect(() => conditionsFromEnv({ BROKER_AWS_LATENCY_MS: '60001' })).toThrow(
      /BROKER_AWS_LATENCY_MS: latencyMs must be an integer between 0 and 60000/,
    );
  });
});
