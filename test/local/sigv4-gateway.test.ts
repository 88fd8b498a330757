/**
 * The local gateway's SigV4 policy by default (unsigned requests served, signed ones verified), the
 * identity a verified request carries, and the settings read from the environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sigV4Signer } from '../../cli/signer.js';
import { toProxyEvent } from '../../local/gateway/proxy-event.js';
import {
  DEFAULT_LOCAL_ACCESS_KEY_ID,
  DEFAULT_LOCAL_SECRET_ACCESS_KEY,
  sigV4Banner,
  sigV4SettingsFromEnv,
} from '../../local/gateway/sigv4-settings.js';
import { put } from '../support/api.js';
import { send, sendJson } from '../support/http.js';
import { startTestBroker, type TestBroker } from '../support/local-broker.js';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});

afterAll(async () => {
  await broker.close();
});

const PATH = '/v1/secrets/SIGNED_KEY';

async function signedPut(secretAccessKey: string, value: string): Promise<Response> {
  const sign = sigV4Signer({
    region: 'us-east-1',
    credentials: { accessKeyId: DEFAULT_LOCAL_ACCESS_KEY_ID, secretAccessKey },
  });
  const url = new URL(`${broker.url}${PATH}`);
  const body = JSON.stringify({ value });
  const headers = await sign({ method: 'PUT', url, headers: { 'content-type': 'application/json' }, body });
  return fetch(url, { method: 'PUT', headers, body });
}

const auditOf = (from: number) =>
  broker.auditLines
    .slice(from)
    .map((l) => JSON.parse(l) as { service: string; caller: string | null; status: number });

describe('local gateway SigV4 by default', () => {
  it('serves an unsigned request as local-developer', async () => {
    // Arrange
    const from = broker.auditLines.length;
    // Act
    const answer = await sendJson(broker.url, 'PUT', PATH, { value: 'unsigned' });
    // Assess
    expect(answer.status).toBeLessThan(300);
    expect(auditOf(from).map((l) => l.caller)).toEqual(['arn:aws:iam::000000000000:user/local-developer']);
  });

  it('attributes a verified request to local-service', async () => {
    // Arrange
    const from = broker.auditLines.length;
    // Act
    const res = await signedPut(DEFAULT_LOCAL_SECRET_ACCESS_KEY, 'signed');
    // Assess
    expect(res.status).toBe(200);
    expect(auditOf(from).map((l) => [l.service, l.caller])).toEqual([
      ['user-api', 'arn:aws:iam::000000000000:user/local-service'],
    ]);
  });

  it('refuses a bad signature even though unsigned requests are served, and no function runs', async () => {
    // Arrange
    await put(broker.url, PATH, 'before');
    const from = broker.auditLines.length;
    // Act
    const res = await signedPut('wrong-secret', 'after');
    // Assess
    expect([res.status, res.headers.get('x-amzn-errortype')]).toEqual([403, 'InvalidSignatureException']);
    expect(auditOf(from).map((l) => [l.service, l.status])).toEqual([['local-gateway', 403]]);
    expect((await send(broker.url, 'GET', PATH)).json).toMatchObject({ value: 'before' });
  });
});

describe('proxy event identity', () => {
  it('carries the verified access key and caller ARN', () => {
    // Act
    const event = toProxyEvent(
      {
        method: 'GET',
        rawPath: '/v1/secrets',
        rawQuery: '',
        rawHeaders: [],
        body: Buffer.alloc(0),
        sourceIp: '127.0.0.1',
      },
      {
        resource: '/v1/secrets',
        pathParameters: null,
        requestId: 'r',
        callerArn: 'arn:aws:iam::000000000000:user/local-service',
        accessKey: 'AKIDX',
        stage: 'local',
        domainName: 'localhost',
      },
    );
    // Assess
    const { accessKey, userArn, caller } = event.requestContext.identity;
    expect([accessKey, userArn, caller]).toEqual([
      'AKIDX',
      'arn:aws:iam::000000000000:user/local-service',
      'local-service',
    ]);
  });
});

describe('sigV4SettingsFromEnv', () => {
  it('defaults to the documented local key pair, unsigned requests allowed', () => {
    // Act
    const settings = sigV4SettingsFromEnv({});
    // Assess
    expect([
      settings.credential.accessKeyId,
      settings.credential.secretAccessKey,
      settings.requireSigned,
    ]).toEqual([DEFAULT_LOCAL_ACCESS_KEY_ID, DEFAULT_LOCAL_SECRET_ACCESS_KEY, false]);
  });

  it('requires signatures with BROKER_REQUIRE_SIGV4=1', () => {
    // Act
    const settings = sigV4SettingsFromEnv({ BROKER_REQUIRE_SIGV4: '1' });
    // Assess
    expect(settings.requireSigned).toBe(true);
  });

  it('refuses a BROKER_REQUIRE_SIGV4 it cannot read, naming the values it takes', () => {
    // Act
    const read = () => sigV4SettingsFromEnv({ BROKER_REQUIRE_SIGV4: 'yes' });
    // Assess
    expect(read).toThrow(/BROKER_REQUIRE_SIGV4 must be 1 .* or 0/);
  });

  it('prints the well-known default secret but never one of the user', () => {
    // Act
    const own = sigV4Banner(
      sigV4SettingsFromEnv({
        BROKER_LOCAL_ACCESS_KEY_ID: 'AKIDMINE',
        BROKER_LOCAL_SECRET_ACCESS_KEY: 'my-own-secret',
      }),
      'us-east-1',
    );
    const standard = sigV4Banner(sigV4SettingsFromEnv({}), 'us-east-1');
    // Assess
    expect(own).not.toContain('my-own-secret');
    expect(own).toContain('AKIDMINE');
    expect(own).toContain('BROKER_LOCAL_SECRET_ACCESS_KEY');
    expect(standard).toContain(DEFAULT_LOCAL_SECRET_ACCESS_KEY);
  });
});
