import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEndpoint, startAwsEndpoint } from '../../local/aws/endpoint.js';
import { secretsManagerClient, ssmClient } from '../support/endpoints.js';

/** One raw call in the JSON 1.1 protocol, as the SDK would frame it. */
async function call(url: string, target: string | undefined, body: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(target !== undefined && { 'x-amz-target': target }),
    },
    body,
  });
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype'),
    contentType: response.headers.get('content-type'),
    json: (await response.json()) as Record<string, unknown>,
  };
}

describe('local AWS endpoint wire protocol', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-aws-proto-'));
  const logLines: string[] = [];
  let endpoint: AwsEndpoint;

  beforeAll(async () => {
    // The stack's IAM enforced, as under npm start: this suite signs as admin (a key it does not know).
    endpoint = await startAwsEndpoint({ dataDir, iam: { env: {} }, log: (line) => logLines.push(line) });
  });

  afterAll(async () => {
    await endpoint?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers malformed JSON with SerializationException (400)', async () => {
    const out = await call(endpoint.url, 'secretsmanager.GetSecretValue', '{"SecretId": ');

    expect([out.status, out.json.__type]).toEqual([400, 'SerializationException']);
  });

  it('keeps serving after a malformed request', async () => {
    await call(endpoint.url, 'secretsmanager.CreateSecret', '{{{');

    const out = await call(endpoint.url, 'secretsmanager.ListSecrets', '{}');

    expect(out.status).toBe(200);
  });

  it('answers a body that is not a JSON object with SerializationException', async () => {
    const out = await call(endpoint.url, 'secretsmanager.ListSecrets', '[1, 2]');

    expect([out.status, out.json.__type]).toEqual([400, 'SerializationException']);
  });

  it('answers a field of the wrong JSON type with SerializationException', async () => {
    const out = await call(endpoint.url, 'secretsmanager.GetSecretValue', '{"SecretId": 42}');

    expect([out.status, out.json.__type]).toEqual([400, 'SerializationException']);
  });

  it('answers an unknown operation with UnknownOperationException (400)', async () => {
    const out = await call(endpoint.url, 'secretsmanager.RotateEverything', '{}');

    expect([out.status, out.json.__type]).toEqual([400, 'UnknownOperationException']);
  });

  it('answers a request without x-amz-target with UnknownOperationException', async () => {
    const out = await call(endpoint.url, undefined, '{}');

    expect([out.status, out.json.__type]).toEqual([400, 'UnknownOperationException']);
  });

  it('does not treat inherited object properties as operations', async () => {
    const out = await call(endpoint.url, 'secretsmanager.constructor', '{}');

    expect(out.json.__type).toBe('UnknownOperationException');
  });

  it('names the error in both x-amzn-ErrorType and __type, with a message', async () => {
    const out = await call(endpoint.url, 'secretsmanager.GetSecretValue', '{"SecretId": "proto/missing"}');

    expect(out.errorType).toBe('ResourceNotFoundException');
    expect(out.json).toEqual({ __type: 'ResourceNotFoundException', message: expect.any(String) });
  });

  it('answers in application/x-amz-json-1.1', async () => {
    const out = await call(endpoint.url, 'secretsmanager.ListSecrets', '{}');

    expect(out.contentType).toBe('application/x-amz-json-1.1');
  });

  it('sends timestamps as epoch seconds (numbers)', async () => {
    const before = Date.now() / 1000;
    await call(endpoint.url, 'secretsmanager.CreateSecret', '{"Name": "proto/dates", "SecretString": "v"}');

    const out = await call(endpoint.url, 'secretsmanager.DescribeSecret', '{"SecretId": "proto/dates"}');

    expect(typeof out.json.CreatedDate).toBe('number');
    expect(out.json.CreatedDate).toBeGreaterThanOrEqual(Math.floor(before));
    expect(out.json.CreatedDate).toBeLessThan(before + 60);
  });

  it('answers a missing required field with ValidationException', async () => {
    const out = await call(endpoint.url, 'secretsmanager.CreateSecret', '{"SecretString": "v"}');

    expect([out.status, out.json.__type]).toEqual([400, 'ValidationException']);
  });

  it('answers an SSM call on the same port', async () => {
    const out = await call(endpoint.url, 'AmazonSSM.GetParameter', '{"Name": "/proto/none"}');

    expect([out.status, out.json.__type]).toEqual([400, 'ParameterNotFound']);
  });

  it('never writes a secret value to its log', async () => {
    const marker = 'MARKER-7f3a9c-do-not-log';
    const sm = secretsManagerClient(endpoint.url);
    const ssm = ssmClient(endpoint.url);
    await sm.send(new CreateSecretCommand({ Name: 'proto/logged', SecretString: `${marker}-1` }));
    await sm.send(new PutSecretValueCommand({ SecretId: 'proto/logged', SecretString: `${marker}-2` }));
    await sm.send(new UpdateSecretCommand({ SecretId: 'proto/logged', SecretString: `${marker}-3` }));
    await sm.send(new GetSecretValueCommand({ SecretId: 'proto/logged' }));
    await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['proto/logged'] }));
    await sm
      .send(new CreateSecretCommand({ Name: 'proto/too-big', SecretString: marker.repeat(5000) }))
      .catch(() => {});
    await call(endpoint.url, 'secretsmanager.CreateSecret', `{"Name": "proto/x", "SecretString": "${marker}`);
    await ssm.send(new PutParameterCommand({ Name: '/proto/p', Value: `${marker}-4`, Type: 'SecureString' }));
    await ssm.send(new GetParameterCommand({ Name: '/proto/p', WithDecryption: true }));
    sm.destroy();
    ssm.destroy();

    expect(logLines.length).toBeGreaterThan(5);
    expect(logLines.filter((line) => line.includes(marker))).toEqual([]);
  });

  it('hides a SecureString value unless asked to decrypt it', async () => {
    const ssm = ssmClient(endpoint.url);
    await ssm.send(new PutParameterCommand({ Name: '/proto/secure', Value: 'plain', Type: 'SecureString' }));

    const out = await ssm.send(new GetParameterCommand({ Name: '/proto/secure' }));

    ssm.destroy();
    expect(out.Parameter?.Value).not.toContain('plain');
  });

  it('refuses to listen on an address other than loopback', async () => {
    await expect(startAwsEndpoint({ dataDir, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
