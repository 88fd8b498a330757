/**
 * Whether the local endpoint enforces the stack's IAM (`BROKER_IAM`, on unless `off`), and the
 * settings of the stack it enforces: the ones the local handlers run with.
 */
import { ENV, loadConfig } from '../../core/config.js';
import { LOCAL_ACCOUNT } from '../aws/arn.js';
import { LOCAL_MIGRATION_FLAG_PARAMETER } from '../env.js';
import type { StackSettings } from './stack-model.js';

/** The variable that turns enforcement off (`BROKER_IAM=off`). */
const IAM_ENV = 'BROKER_IAM';

type Env = Readonly<Record<string, string | undefined>>;

/** True unless `BROKER_IAM=off`; throws on a value that is neither `on` nor `off`. */
export function iamEnabledFromEnv(env: Env = process.env): boolean {
  const value = env[IAM_ENV] ?? '';
  if (value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`${IAM_ENV} must be "on" or "off", got ${JSON.stringify(value)}`);
}

/** The settings of the stack whose IAM the endpoint enforces, from the `BROKER_*` environment. */
export function stackSettingsFromEnv(env: Env, region: string): StackSettings {
  const config = loadConfig({ ...env, [ENV.servedScopes]: '' });
  return {
    config: {
      root: config.root,
      scopes: config.scopes,
      legacyFallback: config.legacyFallback,
      legacyPrefixes: config.legacyPrefixes,
      recoveryWindowDays: config.recoveryWindowDays,
    },
    place: { account: LOCAL_ACCOUNT, region },
    flagParameter: env[ENV.migrationFlagParameter] || LOCAL_MIGRATION_FLAG_PARAMETER,
  };
}

/** The startup line that says whether IAM is enforced, and how to change it. */
export function iamBanner(enabled: boolean): string {
  return enabled
    ? `IAM: on, every AWS call is authorized with the stack's own policies (each function under its role; \`npx thv-broker local credentials --list\` for the principals); ${IAM_ENV}=off turns it off`
    : `IAM: off (${IAM_ENV}=off), every AWS call is served; unset ${IAM_ENV} to enforce the stack's policies`;
}
