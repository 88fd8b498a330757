/**
 * Wiring from configuration to the AWS adapters, shared by the Lambda entry points and the local
 * server (which passes clients pointed at the local endpoint).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { migrationFlagReader } from '../aws/migration-flag.js';
import { SecretsManagerStore } from '../aws/secrets-manager-store.js';
import type { BrokerConfig } from '../config.js';

/** The Secrets Manager store a function with `config` uses. */
export function storeFor(config: BrokerConfig, client: SecretsManagerClient): SecretsManagerStore {
  return new SecretsManagerStore({
    client,
    root: config.root,
    ...(config.kmsKeyId === undefined ? {} : { kmsKeyId: config.kmsKeyId }),
    recoveryWindowDays: config.recoveryWindowDays,
    systemPolicyPrincipals: config.systemPolicyPrincipals,
  });
}

/** The migration-flag check for the legacy fallback, or undefined when the fallback is off. */
export function migrationCheckFor(
  config: BrokerConfig,
  ssm: () => SSMClient,
): (() => Promise<boolean>) | undefined {
  if (config.legacyFallback !== 'until-migrated' || config.migrationFlagParameter === undefined)
    return undefined;
  return migrationFlagReader(ssm(), config.migrationFlagParameter);
}
