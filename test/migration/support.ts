/**
 * The migration job as the tests run it: the state machine taken from the synthesized template,
 * every Task served by the real step handler, over the real SDK clients against the embedded
 * endpoint (with a request log, so tests can count what was written).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
  type Tag,
} from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type BrokerConfig, ENV, loadConfig } from '../../core/config.js';
import { readMigrationFlag } from '../../lambda/aws/migration-flag.js';
import { migrationRetryStrategy } from '../../lambda/aws/migration-retry.js';
import { SecretsManagerStore } from '../../lambda/aws/secrets-manager-store.js';
import { migrationStepsFor } from '../../lambda/migration/wiring.js';
import { type AwsEndpointOptions, startAwsEndpoint } from '../../local/aws/endpoint.js';
import {
  type AslDefinition,
  definitionFromTemplate,
  type TemplateJson,
} from '../../local/migration/definition.js';
import { type LocalExecution, runLocalMigration } from '../../local/migration/runner.js';
import { synthBroker } from '../stack/support/synth.js';
import { pages } from '../support/paging.js';

/** Root of the test brokers. */
export const ROOT = 'toolhive/';
/** The flag parameter of the test brokers. */
export const FLAG = '/test/migration-done';
/** Stand-in role ARNs of each scope's resource policy. */
export const PRINCIPALS = {
  workloads: ['arn:aws:iam::000000000000:role/workloads', 'arn:aws:iam::000000000000:role/migration'],
  registry: ['arn:aws:iam::000000000000:role/registry', 'arn:aws:iam::000000000000:role/migration'],
  auth: ['arn:aws:iam::000000000000:role/auth', 'arn:aws:iam::000000000000:role/migration'],
  llm: ['arn:aws:iam::000000000000:role/llm', 'arn:aws:iam::000000000000:role/migration'],
} as const;

let cached: AslDefinition | undefined;

/** The migration state machine of the default synthesized stack. */
export function synthesizedDefinition(): AslDefinition {
  cached ??= definitionFromTemplate(synthBroker().template.toJSON() as TemplateJson);
  return structuredClone(cached);
}

/** The definition with Discover's page cap lowered, so tests reach the continuation on few pages. */
export function withMaxPages(definition: AslDefinition, maxPages: number): AslDefinition {
  const copy = structuredClone(definition);
  const discover = copy.States.Discover as { Parameters: Record<string, unknown> };
  discover.Parameters.maxPages = maxPages;
  return copy;
}

/** A running embedded endpoint with clients, a store and a log of the operations it served. */
export interface MigrationRig {
  readonly url: string;
  readonly secretsManager: SecretsManagerClient;
  readonly ssm: SSMClient;
  /** The adapter over the endpoint, as the user function writes (tags and all). */
  readonly store: SecretsManagerStore;
  /** The broker configuration the job runs with. */
  readonly config: BrokerConfig;
  /** Every operation name the endpoint answered (e.g. `CreateSecret`), with its outcome. */
  readonly served: { op: string; outcome: string }[];
  /** Operations that change state, counted from {@link served} (successful only). */
  writes(): number;
  /** Runs the job once (and its continuations) through the synthesized definition. */
  run(options?: {
    definition?: AslDefinition;
    executionName?: string;
    secretsManager?: SecretsManagerClient;
    principalsByScope?: Readonly<Record<string, readonly string[]>>;
    /** The first execution's input (a crafted one, in tests of what the job trusts). */
    input?: Record<string, unknown>;
  }): Promise<LocalExecution[]>;
  /** The flag parameter's value. */
  flag(): Promise<string | undefined>;
  /** Creates a secret with exactly these tags (no resource policy), as a pre-broker writer would. */
  seed(key: string, value: string, tags?: Tag[]): Promise<void>;
  /** Every secret under the root: key → tags, with whether it has a resource policy. */
  snapshot(): Promise<Map<string, { tags: Record<string, string>; policy: boolean }>>;
  close(): Promise<void>;
}

const WRITE_OPS = new Set([
  'CreateSecret',
  'PutSecretValue',
  'UpdateSecret',
  'DeleteSecret',
  'RestoreSecret',
  'TagResource',
  'UntagResource',
  'PutResourcePolicy',
  'DeleteResourcePolicy',
  'PutParameter',
  'DeleteParameter',
]);

/** A secret's string value read straight from the endpoint, or undefined when it cannot be read. */
export async function readString(r: MigrationRig, key: string): Promise<string | undefined> {
  try {
    return (await r.secretsManager.send(new GetSecretValueCommand({ SecretId: `${ROOT}${key}` })))
      .SecretString;
  } catch {
    return undefined;
  }
}

/** Client settings for the endpoint, with the deployed function's retries. */
export function clientConfig(url: string) {
  return {
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    retryStrategy: migrationRetryStrategy(),
  };
}

/** Starts an embedded endpoint and the job's wiring over it. */
export async function migrationRig(endpointOptions: Partial<AwsEndpointOptions> = {}): Promise<MigrationRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-migration-'));
  const served: { op: string; outcome: string }[] = [];
  const endpoint = await startAwsEndpoint({
    port: 0,
    dataDir,
    ...endpointOptions,
    log: (line) => {
      // `<target> <status> [<error>] <ms>ms`
      const parts = line.split(' ');
      const target = parts[0] ?? '';
      served.push({ op: target.split('.').pop() ?? target, outcome: parts.slice(1, -1).join(' ') });
    },
  });
  const secretsManager = new SecretsManagerClient(clientConfig(endpoint.url));
  const ssm = new SSMClient(clientConfig(endpoint.url));
  const config = loadConfig({ [ENV.root]: ROOT, [ENV.migrationFlagParameter]: FLAG });
  const store = new SecretsManagerStore({ client: secretsManager, root: ROOT });
  const rig: MigrationRig = {
    url: endpoint.url,
    secretsManager,
    ssm,
    store,
    config,
    served,
    writes: () => served.filter((s) => WRITE_OPS.has(s.op) && s.outcome === '200').length,
    run: (options = {}) =>
      runLocalMigration({
        definition: options.definition ?? synthesizedDefinition(),
        steps: migrationStepsFor(config, {
          secretsManager: options.secretsManager ?? secretsManager,
          ssm,
          principalsByScope: options.principalsByScope ?? PRINCIPALS,
        }) as (event: unknown) => Promise<unknown>,
        executionName: options.executionName ?? 'legacy-migration-test',
        ...(options.input === undefined ? {} : { input: options.input }),
        retryIntervalMs: 0,
        waitMs: 0,
      }),
    flag: () => readMigrationFlag(ssm, FLAG),
    seed: async (key, value, tags = []) => {
      await secretsManager.send(
        new CreateSecretCommand({
          Name: `${ROOT}${key}`,
          SecretString: value,
          ...(tags.length ? { Tags: tags } : {}),
        }),
      );
    },
    snapshot: async () => {
      const all = new Map<string, { tags: Record<string, string>; policy: boolean }>();
      const listed = pages(
        (token) => secretsManager.send(new ListSecretsCommand({ MaxResults: 100, NextToken: token })),
        (out) => out.NextToken || undefined,
      );
      for await (const out of listed)
        for (const e of out.SecretList ?? []) {
          if (!e.Name?.startsWith(ROOT) || e.DeletedDate) continue;
          const policy = await secretsManager.send(new GetResourcePolicyCommand({ SecretId: e.Name }));
          all.set(e.Name.slice(ROOT.length), {
            tags: Object.fromEntries((e.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
            policy: policy.ResourcePolicy !== undefined,
          });
        }
      return all;
    },
    close: async () => {
      secretsManager.destroy();
      ssm.destroy();
      await endpoint.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return rig;
}
