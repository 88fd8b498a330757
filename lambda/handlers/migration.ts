/** Lambda entry point of the legacy-key migration's steps. Config and clients are built once per cold start. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../../core/config.js';
import { lazySsmClient } from '../aws/migration-flag.js';
import { migrationRetryStrategy } from '../aws/migration-retry.js';
import { withStepMetrics } from '../migration/metrics.js';
import { migrationStepsFor, scopePrincipalsFromEnv } from '../migration/wiring.js';

const config = loadConfig();

/** The Step Functions task handler: the event names its step; each invocation publishes its metrics. */
export const handler = withStepMetrics(
  migrationStepsFor(config, {
    // Short jittered retries on throttling keep the job at the quota (see migration-retry.ts).
    secretsManager: new SecretsManagerClient({ retryStrategy: migrationRetryStrategy() }),
    // Loaded on first use: most invocations (the per-page steps) never touch the flag.
    ssm: lazySsmClient,
    principalsByScope: scopePrincipalsFromEnv(),
  }),
);
