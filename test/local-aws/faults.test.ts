import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsEndpoint, startAwsEndpoint } from '../../local/aws/endpoint.js';
import { FAULTS_PATH } from '../../local/aws/http.js';
import { CONTROL_HEADERS } from '../../local/loopback.js';
import { secretsManagerClient } from '../support/endpoints.js';
import { NO_ERROR, type Outcome, outcome } from '../support/outcome.js';
import { startMainProcess } from '../support/processes.js';

/** AWS's answer to a throttled call. */
const THROTTLED = { name: 'ThrottlingException', status: 400 };
const isThrottled = (o: Outcome) => o.name === THROTTLED.name && o.status === THROTTLED.status;

const setFaults = (url: string, rates: Record<string, unknown>) =>
  fetch(`${url}${FAULTS_PATH}`, { method: 'POST', headers: CONTROL_HEADERS, body: JSON.stringify(rates) });

describe('local AWS endpoint fault injection', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-aws-faults-'));
  let endpoint: AwsEndpoint;
  let sm: SecretsManagerClient;

  beforeAll(async () => {
    // The stack's IAM enforced, as under npm start: these suites sign as admin (a key it does not know).
    endpoint = await startAwsEndpoint({ dataDir, iam: { env: {} } });
    sm = secretsManagerClient(endpoint.url);
    await sm.send(new CreateSecretCommand({ Name: 'faults/existing', SecretString: 'original' }));
  });

  beforeEach(async () => {
    await setFaults(endpoint.url, { throttleRate: 0, faultRate: 0 });
  });

  afterAll(async () => {
    sm?.destroy();
    await endpoint?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers with ThrottlingException (400) when throttleRate is 1', async () => {
    await setFaults(endpoint.url, { throttleRate: 1 });

    expect(await outcome(sm.send(new GetSecretValueCommand({ SecretId: 'faults/existing' })))).toMatchObject(
      THROTTLED,
    );
  });

  it('creates nothing on a throttled CreateSecret', async () => {
    await setFaults(endpoint.url, { throttleRate: 1 });
    await outcome(sm.send(new CreateSecretCommand({ Name: 'faults/throttled', SecretString: 'x' })));
    await setFaults(endpoint.url, { throttleRate: 0 });

    expect(await outcome(sm.send(new DescribeSecretCommand({ SecretId: 'faults/throttled' })))).toMatchObject(
      { name: 'ResourceNotFoundException', status: 400 },
    );
  });

  it('changes no value on a throttled PutSecretValue', async () => {
    await setFaults(endpoint.url, { throttleRate: 1 });
    await outcome(
      sm.send(new PutSecretValueCommand({ SecretId: 'faults/existing', SecretString: 'changed' })),
    );
    await setFaults(endpoint.url, { throttleRate: 0 });

    const out = await sm.send(new GetSecretValueCommand({ SecretId: 'faults/existing' }));

    expect(out.SecretString).toBe('original');
  });

  it('throttles about the configured share of calls', async () => {
    await setFaults(endpoint.url, { throttleRate: 0.3 });
    const calls = 400;

    const results = await Promise.all(
      Array.from({ length: calls }, () =>
        outcome(sm.send(new GetSecretValueCommand({ SecretId: 'faults/existing' }))),
      ),
    );

    const share = results.filter(isThrottled).length / calls;
    // 0.3 ± 0.1 is over four standard deviations wide for 400 calls.
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
    expect(results.filter((r) => r.name !== NO_ERROR && !isThrottled(r))).toEqual([]);
  });

  it('answers with InternalServiceError (500) when faultRate is 1, and changes nothing', async () => {
    await setFaults(endpoint.url, { faultRate: 1 });
    const result = await outcome(
      sm.send(new PutSecretValueCommand({ SecretId: 'faults/existing', SecretString: 'changed' })),
    );
    await setFaults(endpoint.url, { faultRate: 0 });

    expect(result).toMatchObject({ name: 'InternalServiceError', status: 500 });
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'faults/existing' }))).SecretString).toBe(
      'original',
    );
  });

  it('reports the rates in force on the control route', async () => {
    await setFaults(endpoint.url, { throttleRate: 0.25, faultRate: 0.5 });

    const rates = await (await fetch(`${endpoint.url}${FAULTS_PATH}`, { headers: CONTROL_HEADERS })).json();

    expect(rates).toMatchObject({ throttleRate: 0.25, faultRate: 0.5 });
  });

  it('rejects a rate outside 0..1 on the control route and keeps the old rates', async () => {
    await setFaults(endpoint.url, { throttleRate: 0.1 });

    const response = await setFaults(endpoint.url, { throttleRate: 0.2, faultRate: 1.5 });

    expect(response.status).toBe(400);
    expect(
      await (await fetch(`${endpoint.url}${FAULTS_PATH}`, { headers: CONTROL_HEADERS })).json(),
    ).toMatchObject({
      throttleRate: 0.1,
      faultRate: 0,
    });
  });

  it('never throttles the control route itself', async () => {
    await setFaults(endpoint.url, { throttleRate: 1, faultRate: 1 });

    const response = await setFaults(endpoint.url, { throttleRate: 0, faultRate: 0 });

    expect(response.status).toBe(200);
  });

  it('applies the rates given at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thv-aws-faults-start-'));
    const throttled = await startAwsEndpoint({ dataDir: dir, throttleRate: 1 });
    const client = secretsManagerClient(throttled.url);

    const result = await outcome(client.send(new DescribeSecretCommand({ SecretId: 'any' })));

    client.destroy();
    await throttled.close();
    rmSync(dir, { recursive: true, force: true });
    expect(result).toMatchObject(THROTTLED);
  });

  it('refuses to start with a rate outside 0..1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thv-aws-faults-bad-'));

    const start = startAwsEndpoint({ dataDir: dir, faultRate: 2 });

    await expect(start).rejects.toThrow(/faultRate/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets another process change the rates of a running endpoint process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thv-aws-faults-proc-'));
    const proc = await startMainProcess(dir);
    const client = secretsManagerClient(proc.url);

    await setFaults(proc.url, { throttleRate: 1 });
    const result = await outcome(client.send(new DescribeSecretCommand({ SecretId: 'any' })));

    client.destroy();
    proc.child.kill('SIGTERM');
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
    expect(result).toMatchObject(THROTTLED);
  });
});
