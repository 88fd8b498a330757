/** Lambda entry point of the legacy-key migration's steps. Config and clients are built once per cold start. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { lazySsmClient } from '../aws/migration-flag.js';
import { loadConfig } from '../config.js';
import { migrationStepsFor, scopePrincipalsFromEnv } from '../migration/wiring.js';

const config = loadConfig();

/** The Step Functions task handler: the event names its step. */
export const handler = migrationStepsFor(config, {
  // Standard retries (exponential backoff, full jitter) on throttling. Adaptive mode was measured to
  // hold the job to half the quota: its client-side rate limiter backs off far more than the few
  // throttles at the quota's edge need (bench/REPORT.md, migration figures).
  secretsManager: new SecretsManagerClient({ retryMode: 'standard', maxAttempts: 10 }),
  // Loaded on first use: most invocations (the per-page steps) never touch the flag.
  ssm: lazySsmClient,
  principalsByScope: scopePrincipalsFromEnv(),
});
