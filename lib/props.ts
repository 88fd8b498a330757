/**
 * Props of the {@link SecretBroker} construct and their synth-time validation. The rules themselves
 * (root, scope names, legacy table) come from `core`, so synth and run time agree.
 */
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy, Token } from 'aws-cdk-lib/core';
import {
  DEFAULT_RECOVERY_WINDOW_DAYS,
  legacyFallbackProblem,
  recoveryWindowProblem,
} from '../core/config.js';
import {
  DEFAULT_LEGACY_FALLBACK,
  DEFAULT_LEGACY_PREFIXES,
  DEFAULT_ROOT,
  DEFAULT_SCOPES,
  type LegacyFallback,
  type LegacyPrefix,
  legacyTableProblems,
  rootProblems,
  scopeListProblems,
} from '../core/index.js';
import type { MigrationTuning } from './migration-job.js';

/** Stage throttling of the broker API. */
export interface ApiThrottling {
  /**
   * Steady-state requests per second across the stage.
   * @default 50
   */
  readonly rateLimit?: number;
  /**
   * Burst capacity, in requests.
   * @default 100
   */
  readonly burstLimit?: number;
}

/** Props of the {@link SecretBroker} construct. */
export interface SecretBrokerProps {
  /**
   * Secrets Manager name root of every broker secret; ends in `/`.
   * @default 'toolhive/'
   */
  readonly root?: string;
  /**
   * Scopes of system secrets; one scope function and one set of scope routes each.
   * @default ['workloads', 'registry', 'auth', 'llm']
   */
  readonly scopes?: readonly string[];
  /**
   * Whether a scoped get may fall back to a bare legacy key. `until-migrated` also lets the scope
   * roles read the legacy keys of their scope and the migration flag parameter.
   * @default 'never'
   */
  readonly legacyFallback?: LegacyFallback;
  /**
   * Legacy-key prefix table of the migration (first match wins).
   * @default DEFAULT_LEGACY_PREFIXES (docs/design.md §5)
   */
  readonly legacyPrefixes?: readonly LegacyPrefix[];
  /**
   * Recovery window of deletes through the API, in days (7–30).
   * @default 7
   */
  readonly recoveryWindowDays?: number;
  /**
   * Customer-managed KMS key for every broker secret. A key passed in keeps its own key policy:
   * the stack then cannot add the key-policy deny that limits decryption of system secrets.
   * @default - a new key with rotation on, retained when the stack is deleted
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Removal policy of the key the stack creates (ignored when `encryptionKey` is passed).
   * @default RemovalPolicy.RETAIN
   */
  readonly keyRemovalPolicy?: RemovalPolicy;
  /**
   * IAM role ARNs that keep access to system secrets for emergencies: allowed by the resource
   * policy of every system secret and by the key policy. They still need their own IAM allow.
   * @default - none
   */
  readonly breakGlassRoleArns?: readonly string[];
  /**
   * Role of the legacy-key migration job; allowed by system secrets' resource policy and the key
   * policy, and not reported by tamper detection. Hook for the migration (a later issue).
   * @default - no migration role
   */
  readonly migrationRole?: iam.IRole;
  /**
   * Roles that may run the legacy-key migration (`thv-broker migrate plan|start|status`): invoke
   * its function, start, list and describe its executions, read its flag. Nobody else may; a role
   * given user or scope access cannot be one (its perimeter policy denies the job).
   * @default - none: the job runs only on first deploy, and a platform admin grants operators later
   */
  readonly migrationOperatorRoles?: readonly iam.IRole[];
  /**
   * SSM parameter name of the migration's done-flag (read by the scope functions when
   * `legacyFallback` is `until-migrated`).
   * @default `/<stack name>/migration-done`
   */
  readonly migrationFlagParameterName?: string;
  /**
   * Stage throttling of the API.
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttling?: ApiThrottling;
  /**
   * Retention of the function and access log groups.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Tuning of the legacy-key migration job: batches migrated at once, keys per batch, and whether
   * the stack starts it on first deploy.
   * @default - 10 batches of 10 keys at once, started on first deploy
   */
  readonly migration?: MigrationTuning;
  /**
   * The alarm on `reserved_key` refusals (someone asking the user routes for system secrets) goes
   * off, to the alarm topic, when more than this many arrive within five minutes. `0` alarms on
   * the first one.
   * @default 10
   */
  readonly reservedKeyAlarmThreshold?: number;
  /**
   * Set the account's API Gateway CloudWatch role (`AWS::ApiGateway::Account`), which stage logging
   * needs. It is one setting per account and region, not per API: two stacks that both set it take
   * turns owning it, and deleting one leaves the role in place (it is retained). Turn it off where
   * the account already has the role (another broker, or a platform baseline).
   * @default true
   */
  readonly apiGatewayAccountRole?: boolean;
}

/** {@link SecretBrokerProps} with defaults applied, after validation. */
export interface ResolvedBrokerProps {
  /** Name root. */
  readonly root: string;
  /** Scopes. */
  readonly scopes: readonly string[];
  /** Legacy fallback mode. */
  readonly legacyFallback: LegacyFallback;
  /** Legacy prefix table. */
  readonly legacyPrefixes: readonly LegacyPrefix[];
  /** Recovery window in days. */
  readonly recoveryWindowDays: number;
  /** Key removal policy. */
  readonly keyRemovalPolicy: RemovalPolicy;
  /** Break-glass role ARNs. */
  readonly breakGlassRoleArns: readonly string[];
  /** Migration flag parameter name, or undefined to derive it from the stack name. */
  readonly migrationFlagParameterName: string | undefined;
  /** Stage rate limit. */
  readonly rateLimit: number;
  /** Stage burst limit. */
  readonly burstLimit: number;
  /** Log retention. */
  readonly logRetention: logs.RetentionDays;
  /** Refusals of reserved keys in five minutes above which the alarm goes off. */
  readonly reservedKeyAlarmThreshold: number;
  /** Whether the construct sets the account's API Gateway CloudWatch role. */
  readonly apiGatewayAccountRole: boolean;
}

/** Default of {@link SecretBrokerProps.reservedKeyAlarmThreshold}. */
export const DEFAULT_RESERVED_KEY_ALARM_THRESHOLD = 10;

/** Default stage throttling. */
const DEFAULT_THROTTLING = { rateLimit: 50, burstLimit: 100 } as const;

/**
 * An IAM role ARN (with optional path), the only principal form the resource policy names. IAM
 * allows `,` in role names; it is refused here because the functions get the ARNs as a comma list.
 */
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=.@/-]+$/;

/** The problem with `arn` given for `setting` when it is not an IAM role ARN, else undefined. */
export function roleArnProblem(setting: string, arn: string): string | undefined {
  return ROLE_ARN_PATTERN.test(arn)
    ? undefined
    : `${setting}: ${JSON.stringify(arn)} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`;
}

/** An SSM parameter name: absolute, SSM's alphabet, at most 1011 characters after the slash. */
const PARAMETER_NAME_PATTERN = /^\/[A-Za-z0-9_.\-/]{1,1011}$/;

const literal = (value: unknown): boolean => !Token.isUnresolved(value);

/** Applies defaults and validates; throws one `Error` listing every problem with the fix. */
export function resolveBrokerProps(props: SecretBrokerProps): ResolvedBrokerProps {
  const problems: string[] = [];
  const root = props.root ?? DEFAULT_ROOT;
  if (!literal(root)) problems.push('root: must be a literal string (it shapes IAM policies at synth time)');
  else problems.push(...rootProblems(root).map((p) => `root: ${p}`));

  const scopes = props.scopes ?? DEFAULT_SCOPES;
  if (scopes.some((s) => !literal(s)))
    problems.push('scopes: must be literal strings (each one becomes a function)');
  else problems.push(...scopeListProblems(scopes).map((p) => `scopes: ${p}`));

  const legacyFallback = props.legacyFallback ?? DEFAULT_LEGACY_FALLBACK;
  const fallbackProblem = legacyFallbackProblem(legacyFallback);
  if (fallbackProblem !== undefined) {
    problems.push(`legacyFallback: ${fallbackProblem}, got ${JSON.stringify(legacyFallback)}`);
  }

  const legacyPrefixes = props.legacyPrefixes ?? DEFAULT_LEGACY_PREFIXES;
  problems.push(...legacyTableProblems(legacyPrefixes, scopes).map((p) => `legacyPrefixes: ${p}`));

  const recoveryWindowDays = props.recoveryWindowDays ?? DEFAULT_RECOVERY_WINDOW_DAYS;
  const windowProblem = literal(recoveryWindowDays) ? recoveryWindowProblem(recoveryWindowDays) : undefined;
  if (windowProblem !== undefined)
    problems.push(`recoveryWindowDays: ${windowProblem}, got ${recoveryWindowDays}`);

  const breakGlassRoleArns = props.breakGlassRoleArns ?? [];
  problems.push(
    ...breakGlassRoleArns.filter(literal).flatMap((arn) => roleArnProblem('breakGlassRoleArns', arn) ?? []),
  );

  const flag = props.migrationFlagParameterName;
  if (flag !== undefined && literal(flag) && !PARAMETER_NAME_PATTERN.test(flag)) {
    problems.push(
      `migrationFlagParameterName: ${JSON.stringify(flag)} must start with "/" and use only A-Z a-z 0-9 _ . - /`,
    );
  }

  const rateLimit = props.throttling?.rateLimit ?? DEFAULT_THROTTLING.rateLimit;
  const burstLimit = props.throttling?.burstLimit ?? DEFAULT_THROTTLING.burstLimit;
  if (literal(rateLimit) && !(Number.isFinite(rateLimit) && rateLimit > 0)) {
    problems.push(`throttling.rateLimit: must be a positive number of requests per second, got ${rateLimit}`);
  }
  if (literal(burstLimit) && !(Number.isInteger(burstLimit) && burstLimit > 0)) {
    problems.push(`throttling.burstLimit: must be a positive whole number of requests, got ${burstLimit}`);
  }

  const reservedKeyAlarmThreshold = props.reservedKeyAlarmThreshold ?? DEFAULT_RESERVED_KEY_ALARM_THRESHOLD;
  if (
    literal(reservedKeyAlarmThreshold) &&
    !(Number.isInteger(reservedKeyAlarmThreshold) && reservedKeyAlarmThreshold >= 0)
  ) {
    problems.push(
      `reservedKeyAlarmThreshold: must be a whole number of refusals (0 or more) in five minutes, got ${reservedKeyAlarmThreshold}`,
    );
  }

  if (problems.length > 0) throw new Error(`invalid SecretBroker props:\n- ${problems.join('\n- ')}`);
  return {
    root,
    scopes,
    legacyFallback,
    legacyPrefixes,
    recoveryWindowDays,
    keyRemovalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
    breakGlassRoleArns,
    migrationFlagParameterName: flag,
    rateLimit,
    burstLimit,
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    reservedKeyAlarmThreshold,
    apiGatewayAccountRole: props.apiGatewayAccountRole ?? true,
  };
}
