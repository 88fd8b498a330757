/**
 * Child process of the handler-overhead benchmark (bench/overhead.ts). It runs the real Lambda
 * entry modules (lambda/handlers/*.ts) in process against an embedded endpoint, next to the same
 * Secrets Manager calls made directly with an SDK client configured the same way. Its stdout (the
 * functions' audit lines, as in Lambda) goes nowhere; the results go to the parent over IPC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { startAwsEndpoint } from '../local/aws/endpoint.js';
import { benchEvent as event } from './events.js';
import { interleaved } from './stats.js';

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** Latencies of one operation: through the handler, and the same call made directly. */
export interface OverheadSamples {
  readonly handler: number[];
  readonly direct: number[];
}

/** What the child sends back. */
export type OverheadMessage =
  | {
      readonly ok: true;
      readonly results: Record<string, OverheadSamples>;
      readonly calls: Record<string, string>;
    }
  | { readonly ok: false; readonly error: string };

const ROLE = 'arn:aws:iam::000000000000:role/bench-workloads-role';

async function expectOk(handler: Handler, e: APIGatewayProxyEvent): Promise<void> {
  const out = await handler(e);
  if (out.statusCode >= 300) throw new Error(`handler answered ${out.statusCode}: ${out.body.slice(0, 200)}`);
}

async function main(): Promise<void> {
  const getRounds = Number(process.env.BENCH_GET_ROUNDS ?? 600);
  const putRounds = Number(process.env.BENCH_PUT_ROUNDS ?? 300);
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-bench-overhead-'));
  const endpoint = await startAwsEndpoint({ port: 0, dataDir });
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.url,
      AWS_ENDPOINT_URL_SSM: endpoint.url,
      AWS_REGION: endpoint.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      BROKER_MIGRATION_FLAG_PARAMETER: '/thv-broker/bench/migration-done',
      BROKER_SERVED_SCOPES: '',
    });
    // Each entry module reads its configuration from the environment once, at import, as in Lambda.
    const user = ((await import('../lambda/handlers/user-api.js')) as { handler: Handler }).handler;
    Object.assign(process.env, { BROKER_SERVED_SCOPES: 'workloads', BROKER_SYSTEM_POLICY_PRINCIPALS: ROLE });
    const scope = ((await import('../lambda/handlers/scope-api.js')) as { handler: Handler }).handler;
    const direct = new SecretsManagerClient({});

    const userGet = event('GET', '/v1/secrets/bench-key', '/v1/secrets/{key}', { key: 'bench-key' });
    const scopeGet = event(
      'GET',
      '/v1/scopes/workloads/secrets/bench-key',
      '/v1/scopes/workloads/secrets/{name}',
      {
        name: 'bench-key',
      },
    );
    const userPut = (i: number) =>
      event(
        'PUT',
        '/v1/secrets/bench-key',
        '/v1/secrets/{key}',
        { key: 'bench-key' },
        JSON.stringify({ value: `v${i}` }),
      );
    const scopePut = (i: number) =>
      event(
        'PUT',
        '/v1/scopes/workloads/secrets/bench-key',
        '/v1/scopes/workloads/secrets/{name}',
        { name: 'bench-key' },
        JSON.stringify({ value: `v${i}` }),
      );
    // Events are built before timing: turning an HTTP request into one is API Gateway's work, not
    // the handler's (the direct side likewise gets its input ready-made, as a command object).
    const userPuts = Array.from({ length: putRounds }, (_, i) => userPut(i));
    const scopePuts = Array.from({ length: putRounds }, (_, i) => scopePut(i));
    await expectOk(user, userPut(0));
    await expectOk(scope, scopePut(0));
    const userName = 'toolhive/bench-key';
    const scopeName = 'toolhive/__thv_workloads_bench-key';

    const ops = {
      userGet: [
        () => expectOk(user, userGet),
        () => direct.send(new GetSecretValueCommand({ SecretId: userName })),
      ],
      userPut: [
        (i: number) => expectOk(user, userPuts[i % putRounds] as APIGatewayProxyEvent),
        (i: number) => direct.send(new PutSecretValueCommand({ SecretId: userName, SecretString: `d${i}` })),
      ],
      scopeGet: [
        () => expectOk(scope, scopeGet),
        () => direct.send(new GetSecretValueCommand({ SecretId: scopeName })),
      ],
      scopePut: [
        (i: number) => expectOk(scope, scopePuts[i % putRounds] as APIGatewayProxyEvent),
        (i: number) => direct.send(new PutSecretValueCommand({ SecretId: scopeName, SecretString: `d${i}` })),
      ],
    } as const;
    const results: Record<string, OverheadSamples> = {};
    for (const [name, [viaHandler, viaSdk]] of Object.entries(ops)) {
      const rounds = name.endsWith('Get') ? getRounds : putRounds;
      await interleaved(Math.ceil(rounds / 5), viaHandler, viaSdk); // warm-up, thrown away
      const { a, b } = await interleaved(rounds, viaHandler, viaSdk);
      results[name] = { handler: a, direct: b };
    }
    direct.destroy();
    process.send?.({
      ok: true,
      results,
      calls: {
        userGet: 'GetSecretValue',
        userPut: 'PutSecretValue',
        scopeGet: 'GetSecretValue',
        scopePut: 'PutSecretValue',
      },
    } satisfies OverheadMessage);
  } finally {
    await endpoint.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Only as the forked child: importing this module (the bench's load test) runs nothing.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const message: OverheadMessage = {
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    };
    process.send?.(message);
    process.exitCode = 1;
  });
}
