/**
 * The migration's speed: legacy keys through the synthesized state machine run locally,
 * every Task served by the real steps over the real SDK against the embedded endpoint.
 * - unthrottled: keys per second with no quota and no latency;
 * - at AWS's quotas with 20 ms per call: keys per second as a share of the quota-bound limit (one
 *   CreateSecret, one PutResourcePolicy, one DeleteSecret per key, each in its own 50/s group);
 * - beside it, under the same conditions, a sequential one-key-at-a-time loop (ToolHive's
 *   algorithm: the same per-key steps, concurrency 1), and the ratio.
 * Sizes are set by BENCH_MIGRATION_KEYS (unthrottled, default 10,000), BENCH_MIGRATION_QUOTA_KEYS
 * (default 1,500) and BENCH_MIGRATION_SEQUENTIAL_KEYS (default 100): the rates are steady-state.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ENV, loadConfig } from '../core/config.js';
import { DEFAULT_LEGACY_PREFIXES, runBatch } from '../core/index.js';
import { migrationRetryStrategy } from '../lambda/aws/migration-retry.js';
import { SecretsManagerStore } from '../lambda/aws/secrets-manager-store.js';
import { migrationStepsFor } from '../lambda/migration/wiring.js';
import { brokerTemplate } from '../lib/migration-template.js';
import { startAwsEndpoint } from '../local/aws/endpoint.js';
import { quotaBoundRate } from '../local/aws/quotas.js';
import { definitionFromTemplate } from '../local/migration/definition.js';
import { runLocalMigration } from '../local/migration/runner.js';

/** The migration section of the report: flat `migration*` figures and the notes that explain them. */
export interface MigrationFigures {
  readonly figures: Record<`migration${string}`, number>;
  readonly notes: Record<string, string>;
}

let template: unknown;
/** The synthesized stack's template, made once per process. */
const brokerTemplateOnce = (): unknown => {
  template ??= brokerTemplate();
  return template;
};

const ROOT = 'toolhive/';
const PRINCIPALS = { workloads: ['arn:aws:iam::000000000000:role/workloads'] };
const sizeOf = (name: string, fallback: number): number => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

/** An endpoint with `keys` untagged legacy keys, and the job's wiring over it. */
async function rig(keys: number, conditions: { quotas?: 'aws'; latencyMs?: number }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-bench-migration-'));
  const endpoint = await startAwsEndpoint({ port: 0, dataDir });
  const config = {
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    retryStrategy: migrationRetryStrategy(),
  };
  const secretsManager = new SecretsManagerClient(config);
  const ssm = new SSMClient(config);
  const names = Array.from({ length: keys }, (_, i) => `BEARER_TOKEN_${String(i).padStart(6, '0')}`);
  for (let i = 0; i < names.length; i += 50) {
    await Promise.all(
      names
        .slice(i, i + 50)
        .map((n) =>
          secretsManager.send(new CreateSecretCommand({ Name: `${ROOT}${n}`, SecretString: `v-${n}` })),
        ),
    );
  }
  // Conditions apply to the migration only, not to the seeding above.
  await fetch(`${endpoint.url}/_local/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-broker-local': '1' },
    body: JSON.stringify({ quotas: conditions.quotas ?? 'off', latencyMs: conditions.latencyMs ?? 0 }),
  }).then(async (r) => {
    if (!r.ok) throw new Error(`control route refused the conditions: ${r.status} ${await r.text()}`);
  });
  const brokerConfig = loadConfig({ [ENV.root]: ROOT, [ENV.migrationFlagParameter]: '/bench/flag' });
  return {
    names,
    secretsManager,
    steps: migrationStepsFor(brokerConfig, { secretsManager, ssm, principalsByScope: PRINCIPALS }),
    store: new SecretsManagerStore({
      client: secretsManager,
      root: ROOT,
      systemPolicyPrincipals: PRINCIPALS.workloads,
    }),
    async close() {
      secretsManager.destroy();
      ssm.destroy();
      await endpoint.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Keys per second of the state machine over `keys` legacy keys. */
async function jobRate(keys: number, conditions: { quotas?: 'aws'; latencyMs?: number }): Promise<number> {
  const r = await rig(keys, conditions);
  try {
    const definition = definitionFromTemplate(brokerTemplateOnce() as never);
    const started = performance.now();
    const runs = await runLocalMigration({
      definition,
      steps: r.steps as (event: unknown) => Promise<unknown>,
      executionName: 'bench',
      retryIntervalMs: 200,
      // The embedded endpoint does not lag: the wait before the final pass is for AWS.
      waitMs: 0,
    });
    const seconds = (performance.now() - started) / 1000;
    if (runs.some((x) => x.status !== 'SUCCEEDED'))
      throw new Error(
        `the benchmark migration did not succeed: ${runs
          .map((x) => x.error?.cause ?? x.status)
          .join('; ')
          .slice(0, 600)}`,
      );
    return keys / seconds;
  } finally {
    await r.close();
  }
}

/** Keys per second of the same per-key algorithm, one key at a time. */
async function sequentialRate(
  keys: number,
  conditions: { quotas?: 'aws'; latencyMs?: number },
): Promise<number> {
  const r = await rig(keys, conditions);
  try {
    const started = performance.now();
    const results = await runBatch(() => r.store, r.names, DEFAULT_LEGACY_PREFIXES, 1);
    const seconds = (performance.now() - started) / 1000;
    if (results.some((x) => x.outcome !== 'migrated'))
      throw new Error('the sequential loop did not migrate every key');
    return keys / seconds;
  } finally {
    await r.close();
  }
}

/** Measures the migration figures. */
export async function migrationFigures(): Promise<MigrationFigures> {
  const atQuota = { quotas: 'aws' as const, latencyMs: 20 };
  const unthrottled = await jobRate(sizeOf('BENCH_MIGRATION_KEYS', 10_000), {});
  const quotaRate = await jobRate(sizeOf('BENCH_MIGRATION_QUOTA_KEYS', 1_500), atQuota);
  const sequential = await sequentialRate(sizeOf('BENCH_MIGRATION_SEQUENTIAL_KEYS', 100), atQuota);
  const limit = quotaBoundRate(['CreateSecret', 'PutResourcePolicy', 'DeleteSecret']);
  const fraction = quotaRate / limit;
  return {
    figures: {
      migrationKeysPerSecond: unthrottled,
      migrationQuotaKeysPerSecond: quotaRate,
      migrationQuotaLimit: limit,
      migrationQuotaFraction: fraction,
      migrationSequentialKeysPerSecond: sequential,
      migrationVsSequential: quotaRate / sequential,
    },
    notes: {
      migrationQuotaFraction: `${quotaRate.toFixed(1)} of ${limit} keys/s. Every page's 100 keys contend for quotas of 50 a second, so most calls are throttled a few times and retried (lambda/aws/migration-retry.ts: bounded attempts, full-jitter waits of at most 500 ms, no shared retry quota). The waits are capped below the second a bucket takes to refill: with a 2 s cap the last keys of each page slept while the buckets filled and overflowed, and the job held about 0.85 of the limit. What is left is fixed per run: aws-local-stepfunctions validating the definition when the run starts (about half a second here; on AWS that happens at deploy), the listing, and the final pass. The SDK's own strategies, measured: adaptive mode held the job to about 0.5 of the limit (its client-side limiter backs off far more than the throttles need), standard mode to about 0.8 (500 ms throttling base, and a retry quota that sustained throttling empties).`,
    },
  };
}
