/**
 * The user-API asset as the stack ships it: the prebuilt bundle of `npm run build`, staged by synth, then
 * imported and called with API Gateway proxy events against the local AWS endpoint, with the
 * environment the template gives the function. The only stack test that runs a bundle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEndpoint, startAwsEndpoint } from '../../local/aws/endpoint.js';
import { toProxyEvent } from '../../local/gateway/proxy-event.js';
import { resolve, type TemplateJson } from './support/policies.js';
import { logicalId, REGION, scratchDir, synthBroker, testApp } from './support/synth.js';

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

let endpoint: AwsEndpoint;
let bundlePath: string;
let handler: Handler;

beforeAll(async () => {
  const app = testApp({ bundle: true });
  const { stack, template } = synthBroker({}, app);
  const json = template.toJSON() as TemplateJson;
  const fnId = logicalId(stack.broker.userFunction);
  const fn = json.Resources[fnId] as unknown as {
    Properties: { Code: { S3Key: string }; Environment: unknown; Handler: string };
  };
  // The asset is staged as asset.<hash>/ next to the template; its zip key is <hash>.zip.
  const assetDir = join(app.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
  bundlePath = join(assetDir, `${fn.Properties.Handler.split('.')[0]}.mjs`);

  endpoint = await startAwsEndpoint({
    port: 0,
    dataDir: scratchDir('bundle-data-'),
    region: REGION,
  });
  // The environment CloudFormation would give the function, plus what the Lambda runtime sets.
  const env = (resolve(json, fn.Properties.Environment) as { Variables: Record<string, string> }).Variables;
  Object.assign(process.env, env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.url,
  });
  delete process.env.NODE_OPTIONS;
  const mod = (await import(pathToFileURL(bundlePath).href)) as { handler: Handler };
  handler = mod.handler;
}, 120_000);

afterAll(async () => {
  await endpoint?.close();
});

/** A proxy event for the route API Gateway matched. */
function event(
  method: string,
  resource: string,
  path: string,
  params: Record<string, string> | null,
  body?: unknown,
): APIGatewayProxyEvent {
  return toProxyEvent(
    {
      method,
      rawPath: path,
      rawQuery: '',
      rawHeaders: ['content-type', 'application/json'],
      body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
      sourceIp: '127.0.0.1',
    },
    {
      resource,
      pathParameters: params,
      requestId: `req-${Math.random().toString(16).slice(2)}`,
      callerArn: 'arn:aws:sts::111122223333:assumed-role/platform-dev/alice',
      stage: 'prod',
      domainName: 'api.example',
    },
  );
}

describe('user-API bundle', () => {
  it('is an ESM bundle that leaves @aws-sdk to the Lambda runtime', () => {
    // Act
    const code = readFileSync(bundlePath, 'utf8');

    // Assess
    expect(code).toMatch(/from\s*"@aws-sdk\/client-secrets-manager"/);
    expect(code).not.toMatch(/class SecretsManagerClient\b/);
  });

  it('stores a user secret through the local endpoint and reads it back', async () => {
    // Prepare
    const put = event(
      'PUT',
      '/v1/secrets/{key}',
      '/v1/secrets/GITHUB_TOKEN',
      { key: 'GITHUB_TOKEN' },
      { value: 'ghp_bundle' },
    );

    // Act
    const created = await handler(put);
    const read = await handler(
      event('GET', '/v1/secrets/{key}', '/v1/secrets/GITHUB_TOKEN', { key: 'GITHUB_TOKEN' }),
    );

    // Assess
    expect(created.statusCode).toBe(201);
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ key: 'GITHUB_TOKEN', value: 'ghp_bundle' });
  });

  it('refuses a reserved key with 403 reserved_key', async () => {
    // Act
    const res = await handler(
      event(
        'PUT',
        '/v1/secrets/{key}',
        '/v1/secrets/__thv_workloads_X',
        { key: '__thv_workloads_X' },
        { value: 'planted' },
      ),
    );

    // Assess
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'reserved_key' });
  });

  it('answers the unknown-scope catch-all route with 404 unknown_scope', async () => {
    // Act
    const res = await handler(
      event('GET', '/v1/scopes/{scope}/{proxy+}', '/v1/scopes/billing/secrets', {
        scope: 'billing',
        proxy: 'secrets',
      }),
    );

    // Assess
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'unknown_scope' });
  });
});
