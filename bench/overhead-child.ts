/**
 * Child process of the handler-overhead benchmark (bench/overhead.ts). It runs the real Lambda
 * entry modules (lambda/handlers/*.ts) in process, next to the same Secrets Manager calls made
 * directly with an SDK client configured the same way, both against the embedded endpoint running
 * in a process of its own (as Secrets Manager is to a Lambda function; `BENCH_ENDPOINT=in-process`
 * runs it on this thread instead, as the bench did before: see the note in bench/overhead.ts).
 * Its stdout (the functions' audit lines, as in Lambda) goes nowhere; the results go to the
 * parent over IPC.
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
import { loadConfig } from '../core/config.js';
import type { SecretStore } from '../core/index.js';
import { stdoutSink } from '../lambda/http/audit-log.js';
import { createScopeApiHandler } from '../lambda/http/scope-api.js';
import { createUserApiHandler } from '../lambda/http/user-api.js';
import { DEFAULT_REGION } from '../local/aws/arn.js';
import { startAwsEndpoint } from '../local/aws/endpoint.js';
import { benchEvent as event } from './events.js';
import { startEndpointProcess } from './processes.js';
import { interleaved, percentile } from './stats.js';

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
      /** Microseconds of the handler's own work per GET, over a store that answers at once. */
      readonly ownUs: Record<string, number>;
    }
  | { readonly ok: false; readonly error: string };

const ROLE = 'arn:aws:iam::000000000000:role/bench-workloads-role';

async function expectOk(handler: Handler, e: APIGatewayProxyEvent): Promise<void> {
  const out = await handler(e);
  if (out.statusCode >= 300) throw new Error(`handler answered ${out.statusCode}: ${out.body.slice(0, 200)}`);
}

/**
 * The direct side answers as the least function serving the call would (bench/fixtures/bare-handler.ts,
 * also the cold-start baseline): an API Gateway result with a JSON body. Without it the direct side
 * was a bare SDK call, and the handler alone paid for producing an answer at all.
 */
const answer = (body: unknown): APIGatewayProxyResult => ({ statusCode: 200, body: JSON.stringify(body) });

/** A store that answers every read at once with one fixed secret: the handler's own work, no I/O. */
const instantStore = {
  get: async (key: string) => ({
    key,
    value: 'bench-value',
    version: 'v1',
    updatedAt: new Date(0).toISOString(),
  }),
} as unknown as SecretStore;

/**
 * Mean microseconds of `handler` per request over {@link instantStore}: route, key checks, the
 * provider, the response and the audit line (written to this process's stdout, as in the timed
 * runs). The median of 5 batches, after a warm-up.
 */
async function ownWorkUs(handler: Handler, e: APIGatewayProxyEvent): Promise<number> {
  const batch = 4_000;
  const means: number[] = [];
  for (let b = 0; b < 6; b++) {
    const started = performance.now();
    for (let i = 0; i < batch; i++) await expectOk(handler, e);
    if (b > 0) means.push(((performance.now() - started) * 1000) / batch);
  }
  return percentile(means, 50);
}

/** A full garbage collection, when node runs with --expose-gc (bench/overhead.ts starts it so). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function main(): Promise<void> {
  const getRounds = Number(process.env.BENCH_GET_ROUNDS ?? 2000);
  const putRounds = Number(process.env.BENCH_PUT_ROUNDS ?? 1000);
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-bench-overhead-'));
  const endpoint =
    process.env.BENCH_ENDPOINT === 'in-process'
      ? await startAwsEndpoint({ port: 0, dataDir, region: DEFAULT_REGION }).then((e) => ({
          url: e.url,
          stop: () => e.close(),
        }))
      : await startEndpointProcess(dataDir);
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.url,
      AWS_ENDPOINT_URL_SSM: endpoint.url,
      AWS_REGION: DEFAULT_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      BROKER_MIGRATION_FLAG_PARAMETER: '/thv-broker/bench/migration-done',
      BROKER_SERVED_SCOPES: '',
    });
    // Each entry module reads its configuration from the environment once, at import, as in Lambda.
    const user = ((await import('../lambda/handlers/user-api.js')) as { handler: Handler }).handler;
    Object.assign(process.env, { BROKER_SERVED_SCOPES: 'workloads', BROKER_SYSTEM_POLICY_PRINCIPALS: ROLE });
    const scope = ((await import('../lambda/handlers/scope-api.js')) as { handler: Handler }).handler;
    const scopeConfig = loadConfig();
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

    const directGet = (name: string) => async () => {
      const out = await direct.send(new GetSecretValueCommand({ SecretId: name }));
      return answer({ key: out.Name, value: out.SecretString });
    };
    // The direct side reads its value from a JSON body as the least function serving a write
    // would (a function is handed the request's body as text); the text is made before timing.
    const directBodies = Array.from({ length: putRounds }, (_, i) => JSON.stringify({ value: `d${i}` }));
    const directPut = (name: string) => async (i: number) => {
      const { value } = JSON.parse(directBodies[i % putRounds] as string) as { value: string };
      const out = await direct.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
      return answer({ key: out.Name, version: out.VersionId });
    };
    const ops = {
      userGet: [() => expectOk(user, userGet), directGet(userName)],
      userPut: [
        (i: number) => expectOk(user, userPuts[i % putRounds] as APIGatewayProxyEvent),
        directPut(userName),
      ],
      scopeGet: [() => expectOk(scope, scopeGet), directGet(scopeName)],
      scopePut: [
        (i: number) => expectOk(scope, scopePuts[i % putRounds] as APIGatewayProxyEvent),
        directPut(scopeName),
      ],
      // The direct call against itself, timed the same way: what the harness reads as a difference
      // where there is none, the noise floor of this run's ratios.
      directGet: [directGet(userName), directGet(userName)],
      directPut: [directPut(userName), directPut(userName)],
    } as const;
    const results: Record<string, OverheadSamples> = {};
    for (const [name, [viaHandler, viaSdk]] of Object.entries(ops)) {
      const rounds = name.endsWith('Get') ? getRounds : putRounds;
      await interleaved(Math.ceil(rounds / 5), viaHandler, viaSdk); // warm-up, thrown away
      // A full collection first: the garbage the previous operation left (hundreds of PUTs) is
      // otherwise marked during this one, in steps V8 charges to whichever side allocates more.
      collectGarbage();
      const { a, b } = await interleaved(rounds, viaHandler, viaSdk);
      results[name] = { handler: a, direct: b };
    }
    direct.destroy();
    const userConfig = { ...scopeConfig, servedScopes: [] };
    const ownUs = {
      userGet: await ownWorkUs(
        createUserApiHandler({ config: userConfig, store: instantStore, log: stdoutSink }),
        userGet,
      ),
      scopeGet: await ownWorkUs(
        createScopeApiHandler({ config: scopeConfig, store: instantStore, log: stdoutSink }),
        scopeGet,
      ),
    };
    process.send?.({
      ok: true,
      results,
      ownUs,
      calls: {
        userGet: 'GetSecretValue',
        userPut: 'PutSecretValue',
        scopeGet: 'GetSecretValue',
        scopePut: 'PutSecretValue',
      },
    } satisfies OverheadMessage);
  } finally {
    await endpoint.stop();
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
