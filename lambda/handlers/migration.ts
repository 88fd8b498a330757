/** Lambda entry point of the legacy-key migration's steps. Config and clients are built once per cold start. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { lazySsmClient } from '../aws/migration-flag.js';
import { loadConfig } from '../config.js';
import { migrationStepsFor, scopePrincipalsFromEnv } from '../migration/wiring.js';

const config = loadConfig();

/** The Step Functions task handler: the event names its step. */
export const handler = migrationStepsFor(config, {
  // Adaptive retries slow the client down to the quota instead of spending the retry budget on it.
  secretsManager: new SecretsManagerClient({ retryMode: 'adaptive', maxAttempts: 10 }),
  // Loaded on first use: most invocations (the per-page steps) never touch the flag.
  ssm: lazySsmClient,
  principalsByScope: scopePrincipalsFromEnv(),
});
