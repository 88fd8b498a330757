/**
 * Wiring from configuration to the AWS adapters, shared by the Lambda entry points and the local
 * server (which passes clients pointed at the local endpoint).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { BrokerConfig } from '../../core/config.js';
import { migrationFlagReader, type SsmClientSource } from '../aws/migration-flag.js';
import { SecretsManagerStore } from '../aws/secrets-manager-store.js';

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

/**
 * The migration-flag check (the user provider holds legacy names until it answers true; the
 * legacy fallback stops once it does), or undefined when no flag parameter is configured.
 */
export function migrationCheckFor(
  config: BrokerConfig,
  ssm: SsmClientSource,
): (() => Promise<boolean>) | undefined {
  if (config.migrationFlagParameter === undefined) return undefined;
  return migrationFlagReader(ssm, config.migrationFlagParameter);
}
