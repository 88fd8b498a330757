/**
 * Wiring of the migration steps to the AWS adapters, shared by the Lambda entry point and the
 * local runner (which passes clients pointed at the local endpoint).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod/mini';
import { type BrokerConfig, ENV } from '../../core/config.js';
import type { MigrationStore } from '../../core/index.js';
import {
  readMigrationFlag,
  type SsmClientSource,
  ssmClientOnce,
  writeMigrationFlag,
} from '../aws/migration-flag.js';
import { storeFor } from '../handlers/deps.js';
import { createMigrationSteps, type MigrationStepsDeps } from './steps.js';

/** Environment variable with each scope's resource-policy principals, as JSON `{"<scope>": ["<arn>", …]}`. */
const SCOPE_POLICY_PRINCIPALS_ENV = ENV.scopePolicyPrincipals;

const principalsSchema = z.record(z.string(), z.array(z.string().check(z.minLength(1))));

/**
 * Reads {@link SCOPE_POLICY_PRINCIPALS_ENV}; throws naming the variable when it is unset or not
 * that JSON (the stack always sets it: without it every moved secret would lack its policy).
 */
export function scopePrincipalsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string[]> {
  try {
    return principalsSchema.parse(JSON.parse(env[SCOPE_POLICY_PRINCIPALS_ENV] ?? ''));
  } catch {
    throw new Error(
      `${SCOPE_POLICY_PRINCIPALS_ENV}: must be JSON like {"workloads": ["arn:aws:iam::…:role/…"]}`,
    );
  }
}

/** What the migration steps need besides the broker's configuration. */
export interface MigrationWiring {
  readonly secretsManager: SecretsManagerClient;
  /** The SSM client, or a source that makes it on first use (only the first and last steps read or write the flag). */
  readonly ssm: SSMClient | SsmClientSource;
  /** Each scope's resource-policy principals (its own role first, then the migration and break-glass roles). */
  readonly principalsByScope: Readonly<Record<string, readonly string[]>>;
  /** Overrides of batch size and concurrency. */
  readonly tuning?: Pick<MigrationStepsDeps, 'batchSize' | 'itemConcurrency'>;
}

/** The migration's step dispatcher for `config`. */
export function migrationStepsFor(config: BrokerConfig, wiring: MigrationWiring) {
  const flagName = config.migrationFlagParameter;
  if (flagName === undefined) throw new Error('the migration needs BROKER_MIGRATION_FLAG_PARAMETER');
  const bare = storeFor({ ...config, systemPolicyPrincipals: [] }, wiring.secretsManager);
  // Only scopes with principals get a store: a system secret written with no resource policy would
  // fail open, so a key bound for any other scope fails (and the flag stays unset) instead.
  const scoped = new Map<string, MigrationStore>(
    config.scopes
      .filter((scope) => (wiring.principalsByScope[scope] ?? []).length > 0)
      .map((scope) => [
        scope,
        storeFor(
          { ...config, systemPolicyPrincipals: [...(wiring.principalsByScope[scope] ?? [])] },
          wiring.secretsManager,
        ),
      ]),
  );
  const ssm = ssmClientOnce(wiring.ssm);
  return createMigrationSteps({
    storeFor: (scope) => {
      if (scope === undefined) return bare;
      const store = scoped.get(scope);
      if (store === undefined)
        throw new Error(
          `no resource-policy principals for scope "${scope}" (${SCOPE_POLICY_PRINCIPALS_ENV})`,
        );
      return store;
    },
    legacyPrefixes: config.legacyPrefixes,
    flag: {
      read: async () => readMigrationFlag(await ssm(), flagName),
      write: async (value) => writeMigrationFlag(await ssm(), flagName, value),
    },
    ...wiring.tuning,
  });
}
