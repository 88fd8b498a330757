/**
 * `thv-broker migrate … --local`: the synthesized state machine run on this machine against the AWS
 * endpoint of a running `npm start`, every Task served by the real step handler. The runs are
 * recorded in an SSM parameter of that endpoint, so `status` sees them from any process.
 */

import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { ENV, loadConfig } from '../../core/config.js';
import type { MigrationPlan, MigrationTotals } from '../../core/index.js';
import type { ExecutionInfo, MigrationBackend, MigrationProgress } from '../../core/migration-operator.js';
import { readMigrationFlag } from '../../lambda/aws/migration-flag.js';
import { migrationRetryStrategy } from '../../lambda/aws/migration-retry.js';
import { migrationStepsFor } from '../../lambda/migration/wiring.js';
import { DEFAULT_REGION, LOCAL_ACCOUNT } from '../aws/arn.js';
import { DEFAULT_AWS_PORT, LOCAL_MIGRATION_FLAG_PARAMETER } from '../env.js';
import { localScopeRoleArn } from '../gateway/api-server.js';
import { clientsAs, MIGRATION_PRINCIPAL, principalNamed, stackFunctionEnv } from '../iam/function-roles.js';
import { loadIamModel } from '../iam/model-cache.js';
import { principalsOf } from '../iam/principals.js';
import { iamEnabledFromEnv, stackSettingsFromEnv } from '../iam/settings.js';
import type { AslDefinition } from './definition.js';
import { runLocalMigration } from './runner.js';

/** The stand-in ARN of the migration role on this machine, trusted by every local system secret. */
export const LOCAL_MIGRATION_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/thv-broker-local-migration`;

/** SSM parameter holding the recent local runs (names, status, times; never a value). */
export const LOCAL_RUNS_PARAMETER = '/thv-broker/local/migration-runs';

/** Options of the local backend. */
export interface LocalBackendOptions {
  /** The job's definition, from the synthesized template. */
  readonly definition: AslDefinition;
  /** The AWS endpoint of `npm start`. @default http://127.0.0.1:$BROKER_AWS_PORT (4566) */
  readonly awsEndpoint?: string;
  /** The environment (the `BROKER_*` settings `npm start` runs with). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Wait before a retry, in ms. @default 200 */
  readonly retryIntervalMs?: number;
}

/**
 * The local backend. Under IAM (unless BROKER_IAM=off, as for `npm start`) the steps sign with the
 * migration role's key and write the policies the stack gives the migration (its role ARNs), so
 * the endpoint authorizes them as it would the deployed job.
 */
export async function localMigrationBackend(options: LocalBackendOptions): Promise<MigrationBackend> {
  const env = options.env;
  const url = options.awsEndpoint ?? `http://127.0.0.1:${env.BROKER_AWS_PORT || DEFAULT_AWS_PORT}`;
  const endpoint = { url, region: DEFAULT_REGION };
  const retry = { retryStrategy: migrationRetryStrategy() };
  const model = iamEnabledFromEnv(env)
    ? await loadIamModel(stackSettingsFromEnv(env, DEFAULT_REGION))
    : undefined;
  // The record of local runs is this tool's own bookkeeping (Step Functions keeps it on AWS), not
  // a call of the job: it is made with a key the endpoint does not know, which acts as admin.
  const bookkeeping = clientsAs({ accessKeyId: 'local', secretAccessKey: 'local' }, endpoint, retry);
  const { secretsManager, ssm: jobSsm } =
    model === undefined
      ? bookkeeping
      : clientsAs(principalNamed(principalsOf(model), MIGRATION_PRINCIPAL), endpoint, retry);
  const ssm = bookkeeping.ssm;
  const stackEnv = model === undefined ? {} : stackFunctionEnv(model, MIGRATION_PRINCIPAL, env);
  const config = loadConfig({
    ...env,
    [ENV.servedScopes]: '',
    [ENV.migrationFlagParameter]: env[ENV.migrationFlagParameter] || LOCAL_MIGRATION_FLAG_PARAMETER,
  });
  const stackPrincipals = stackEnv[ENV.scopePolicyPrincipals];
  const steps = migrationStepsFor(config, {
    secretsManager,
    ssm: jobSsm,
    principalsByScope:
      stackPrincipals === undefined
        ? Object.fromEntries(
            config.scopes.map((scope) => [scope, [localScopeRoleArn(scope), LOCAL_MIGRATION_ROLE_ARN]]),
          )
        : (JSON.parse(stackPrincipals) as Record<string, string[]>),
  });
  const reachable = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const code =
        (error as { code?: string; cause?: { code?: string } }).code ??
        (error as { cause?: { code?: string } }).cause?.code;
      if (code === 'ECONNREFUSED')
        throw new Error(
          `no AWS endpoint answers at ${url}: start the broker with \`npm start\` (or set BROKER_AWS_PORT / --aws-endpoint)`,
        );
      throw error;
    }
  };
  const runs = async (): Promise<ExecutionInfo[]> => {
    try {
      const out = await ssm.send(new GetParameterCommand({ Name: LOCAL_RUNS_PARAMETER }));
      return JSON.parse(out.Parameter?.Value ?? '[]') as ExecutionInfo[];
    } catch (error) {
      if ((error as Error).name === 'ParameterNotFound') return [];
      throw error;
    }
  };
  const record = async (entries: readonly ExecutionInfo[]): Promise<void> => {
    const all = [...entries]
      .reverse()
      .concat(await runs())
      .slice(0, 20);
    await ssm.send(
      new PutParameterCommand({
        Name: LOCAL_RUNS_PARAMETER,
        Value: JSON.stringify(all),
        Type: 'String',
        Overwrite: true,
      }),
    );
  };

  return {
    plan: () =>
      reachable(async () => (await steps({ step: 'plan' })) as { plan: MigrationPlan; done: boolean }),
    start: ({ name, onProgress }) =>
      reachable(async () => {
        const executionName =
          name ??
          `legacy-migration-local-${new Date()
            .toISOString()
            .replace(/[^0-9]/g, '')
            .slice(0, 14)}`;
        let totals: MigrationTotals | undefined;
        // The last Discover's totals hold every earlier page; the current page's batches come on top.
        let batched = 0;
        let batchFailed = 0;
        const startedAt = new Date().toISOString();
        const executions = await runLocalMigration({
          definition: options.definition,
          steps: steps as (event: unknown) => Promise<unknown>,
          executionName,
          retryIntervalMs: options.retryIntervalMs ?? 200,
          // The embedded endpoint's listing never lags: no need to wait for it.
          waitMs: 0,
          onStep: (event, result) => {
            const e = event as { step?: string; carry?: { totals: MigrationTotals } };
            const r = result as {
              carry?: { totals: MigrationTotals };
              counts?: Record<string, number>;
              failed?: unknown[];
              stuck?: unknown[];
            };
            if (e.step === 'discover' && r.carry) {
              totals = r.carry.totals;
              batched = 0;
              batchFailed = 0;
            }
            if (e.step === 'finish' && e.carry) totals = e.carry.totals;
            if (e.step === 'migrate' && r.counts) {
              batched +=
                Object.values(r.counts).reduce((a, b) => a + b, 0) +
                (r.failed?.length ?? 0) +
                (r.stuck?.length ?? 0);
              batchFailed += r.failed?.length ?? 0;
            }
            if (e.step === 'discover' || e.step === 'migrate') {
              const t = totals;
              const done = t
                ? t.skipped +
                  t.failed +
                  t.stuck +
                  t.migrated +
                  t.alreadyScoped +
                  t.differs +
                  t.adopted +
                  t.missing
                : 0;
              const progress: MigrationProgress = {
                listed: t?.listed ?? 0,
                processed: done + batched,
                failed: (t?.failed ?? 0) + batchFailed,
              };
              onProgress?.(progress);
            }
          },
        });
        const stoppedAt = new Date().toISOString();
        const infos: ExecutionInfo[] = executions.map((x) => ({
          name: x.name,
          status: x.status,
          startedAt,
          stoppedAt,
          ...(x.error ? { error: `${x.error.name}: ${x.error.cause}` } : {}),
        }));
        await record(infos);
        // The job always runs (keys written after the flag are moved by a re-run); "already done"
        // is a run that found the flag set and had nothing to move.
        const last = executions.at(-1)?.output as { alreadyDone?: boolean } | undefined;
        const alreadyDone =
          executions.length === 1 && executions[0]?.status === 'SUCCEEDED' && last?.alreadyDone === true;
        return {
          executions: infos,
          ...(totals === undefined ? {} : { totals }),
          alreadyDone,
          finished: true,
        };
      }),
    status: () =>
      reachable(async () => ({
        flag: await readMigrationFlag(ssm, config.migrationFlagParameter as string),
        executions: await runs(),
      })),
  };
}
