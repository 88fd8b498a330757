/**
 * Props of the {@link SecretBroker} construct and the deployable stack, and their one validator
 * ({@link settingProblems}), run at construction by both. The rules themselves (root, scope names,
 * legacy table) come from `core`, so synth and run time agree.
 */
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy, Token } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
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
  MAX_PAGE_SIZE,
  rootProblems,
  scopeListProblems,
} from '../core/index.js';
import { DEFAULT_BATCH_SIZE } from '../core/migration-events.js';
import { constructError } from './construct-error.js';

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

/** Tuning of the legacy-key migration job (docs/design.md §5). */
export interface MigrationTuning {
  /**
   * Batches of one page migrated at once (the state machine's inline Map's MaxConcurrency), 1–40.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Keys per batch (one Map iteration, one Lambda invocation), 1–100.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Start the job once on the stack's first deploy.
   * @default true
   */
  readonly startOnDeploy?: boolean;
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
   * An extra migration role, trusted like the job's own (`SecretBroker.migrationRole`): allowed by
   * system secrets' resource policy and the key policy, and not reported by tamper detection. The
   * broker's own job needs none.
   * @default - no extra migration role
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

/**
 * What the deployable stack takes by ARN where the construct takes constructs and grant calls, so
 * the stack needs no code (`-c` context keys of the same names).
 */
export interface BrokerArnProps {
  /**
   * ARN of an existing KMS key for the broker's secrets.
   * @default - the stack creates a key with rotation on
   */
  readonly encryptionKeyArn?: string;
  /**
   * ARN of an extra migration role, trusted like the job's own (the construct's `migrationRole` prop).
   * @default - no extra migration role
   */
  readonly migrationRoleArn?: string;
  /**
   * Existing roles that may run the legacy-key migration (`thv-broker migrate plan|start|status`).
   * @default - none
   */
  readonly migrationOperatorRoleArns?: readonly string[];
  /**
   * Existing roles of people and user-facing clients: each gets the user access and perimeter
   * policies (`grantUserAccess`).
   * @default - none
   */
  readonly userRoleArns?: readonly string[];
  /**
   * Existing service roles by scope: each gets that scope's access policy and the perimeter
   * (`grantScopeAccess`), so that scope's routes only.
   * @default - none
   */
  readonly scopeCallerRoleArns?: Readonly<Record<string, readonly string[]>>;
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
  /** Migration job tuning. */
  readonly migration: Required<MigrationTuning>;
  /** Refusals of reserved keys in five minutes above which the alarm goes off. */
  readonly reservedKeyAlarmThreshold: number;
  /** Whether the construct sets the account's API Gateway CloudWatch role. */
  readonly apiGatewayAccountRole: boolean;
}

/** Default of {@link SecretBrokerProps.reservedKeyAlarmThreshold}. */
export const DEFAULT_RESERVED_KEY_ALARM_THRESHOLD = 10;

/** Default stage throttling. */
const DEFAULT_THROTTLING = { rateLimit: 50, burstLimit: 100 } as const;

/** Default migration tuning. */
const DEFAULT_MIGRATION = { maxConcurrency: 10, batchSize: DEFAULT_BATCH_SIZE, startOnDeploy: true } as const;

/** Largest MaxConcurrency of the migration's inline Map. */
const MAX_MIGRATION_CONCURRENCY = 40;

/**
 * An IAM role ARN (with optional path), the only principal form the resource policy names. IAM
 * allows `,` in role names; it is refused here because the functions get the ARNs as a comma list.
 */
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=.@/-]+$/;

/** A KMS key ARN (an alias ARN names no key policy the stack could rely on). */
const KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** The problem with `arn` given for `setting` when it is not an IAM role ARN, else undefined. */
function roleArnProblem(setting: string, arn: string): string | undefined {
  return ROLE_ARN_PATTERN.test(arn)
    ? undefined
    : `${setting}: ${JSON.stringify(arn)} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`;
}

/** An SSM parameter name: absolute, SSM's alphabet, at most 1011 characters after the slash. */
const PARAMETER_NAME_PATTERN = /^\/[A-Za-z0-9_.\-/]{1,1011}$/;

const literal = (value: unknown): boolean => !Token.isUnresolved(value);

/** `props` with every default applied (before validation). */
function withDefaults(props: SecretBrokerProps): ResolvedBrokerProps {
  return {
    root: props.root ?? DEFAULT_ROOT,
    scopes: props.scopes ?? DEFAULT_SCOPES,
    legacyFallback: props.legacyFallback ?? DEFAULT_LEGACY_FALLBACK,
    legacyPrefixes: props.legacyPrefixes ?? DEFAULT_LEGACY_PREFIXES,
    recoveryWindowDays: props.recoveryWindowDays ?? DEFAULT_RECOVERY_WINDOW_DAYS,
    keyRemovalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
    breakGlassRoleArns: props.breakGlassRoleArns ?? [],
    migrationFlagParameterName: props.migrationFlagParameterName,
    rateLimit: props.throttling?.rateLimit ?? DEFAULT_THROTTLING.rateLimit,
    burstLimit: props.throttling?.burstLimit ?? DEFAULT_THROTTLING.burstLimit,
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    migration: {
      maxConcurrency: props.migration?.maxConcurrency ?? DEFAULT_MIGRATION.maxConcurrency,
      batchSize: props.migration?.batchSize ?? DEFAULT_MIGRATION.batchSize,
      startOnDeploy: props.migration?.startOnDeploy ?? DEFAULT_MIGRATION.startOnDeploy,
    },
    reservedKeyAlarmThreshold: props.reservedKeyAlarmThreshold ?? DEFAULT_RESERVED_KEY_ALARM_THRESHOLD,
    apiGatewayAccountRole: props.apiGatewayAccountRole ?? true,
  };
}

/**
 * Every prop rule of the broker, in one place: one line per problem, naming the prop and the fix.
 * Takes the construct's props and, for the deployable stack, the ARNs it takes instead of roles.
 */
function settingProblems(props: SecretBrokerProps & BrokerArnProps): string[] {
  const problems: string[] = [];
  const {
    root,
    scopes,
    legacyFallback,
    legacyPrefixes,
    recoveryWindowDays,
    breakGlassRoleArns,
    migrationFlagParameterName: flag,
    rateLimit,
    burstLimit,
    migration,
    reservedKeyAlarmThreshold,
  } = withDefaults(props);
  if (!literal(root)) problems.push('root: must be a literal string (it shapes IAM policies at synth time)');
  else problems.push(...rootProblems(root).map((p) => `root: ${p}`));

  if (scopes.some((s) => !literal(s)))
    problems.push('scopes: must be literal strings (each one becomes a function)');
  else problems.push(...scopeListProblems(scopes).map((p) => `scopes: ${p}`));

  const fallbackProblem = legacyFallbackProblem(legacyFallback);
  if (fallbackProblem !== undefined) {
    problems.push(`legacyFallback: ${fallbackProblem}, got ${JSON.stringify(legacyFallback)}`);
  }

  problems.push(...legacyTableProblems(legacyPrefixes, scopes).map((p) => `legacyPrefixes: ${p}`));

  const windowProblem = literal(recoveryWindowDays) ? recoveryWindowProblem(recoveryWindowDays) : undefined;
  if (windowProblem !== undefined)
    problems.push(`recoveryWindowDays: ${windowProblem}, got ${recoveryWindowDays}`);

  problems.push(
    ...breakGlassRoleArns.filter(literal).flatMap((arn) => roleArnProblem('breakGlassRoleArns', arn) ?? []),
  );

  if (flag !== undefined && literal(flag) && !PARAMETER_NAME_PATTERN.test(flag)) {
    problems.push(
      `migrationFlagParameterName: ${JSON.stringify(flag)} must start with "/" and use only A-Z a-z 0-9 _ . - /`,
    );
  }

  if (literal(rateLimit) && !(Number.isFinite(rateLimit) && rateLimit > 0)) {
    problems.push(`throttling.rateLimit: must be a positive number of requests per second, got ${rateLimit}`);
  }
  if (literal(burstLimit) && !(Number.isInteger(burstLimit) && burstLimit > 0)) {
    problems.push(`throttling.burstLimit: must be a positive whole number of requests, got ${burstLimit}`);
  }

  // Literal numbers only: the state machine's shape and its page cap are computed from them.
  const { batchSize, maxConcurrency } = migration;
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= MAX_PAGE_SIZE))
    problems.push(`migration batchSize: must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${batchSize}`);
  if (
    !(Number.isInteger(maxConcurrency) && maxConcurrency >= 1 && maxConcurrency <= MAX_MIGRATION_CONCURRENCY)
  )
    problems.push(
      `migration maxConcurrency: must be a whole number from 1 to ${MAX_MIGRATION_CONCURRENCY}, got ${maxConcurrency}`,
    );

  if (
    literal(reservedKeyAlarmThreshold) &&
    !(Number.isInteger(reservedKeyAlarmThreshold) && reservedKeyAlarmThreshold >= 0)
  ) {
    problems.push(
      `reservedKeyAlarmThreshold: must be a whole number of refusals (0 or more) in five minutes, got ${reservedKeyAlarmThreshold}`,
    );
  }

  problems.push(...arnProblems(props, scopes));
  return problems;
}

/** The problems of the ARN props of {@link BrokerArnProps}, given the broker's `scopes`. */
function arnProblems(props: BrokerArnProps, scopes: readonly string[]): string[] {
  const roleArns: (readonly [string, string])[] = [
    ...(props.userRoleArns ?? []).map((arn) => ['userRoleArns', arn] as const),
    ...Object.entries(props.scopeCallerRoleArns ?? {}).flatMap(([s, arns]) =>
      arns.map((arn) => [`scopeCallerRoleArns.${s}`, arn] as const),
    ),
    ...(props.migrationRoleArn === undefined ? [] : [['migrationRoleArn', props.migrationRoleArn] as const]),
    ...(props.migrationOperatorRoleArns ?? []).map((arn) => ['migrationOperatorRoleArns', arn] as const),
  ];
  const keyArn = props.encryptionKeyArn;
  return [
    ...roleArns.flatMap(([setting, arn]) => roleArnProblem(setting, arn) ?? []),
    ...(keyArn !== undefined && literal(keyArn) && !KEY_ARN_PATTERN.test(keyArn)
      ? [
          `encryptionKeyArn: ${JSON.stringify(keyArn)} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)`,
        ]
      : []),
    ...Object.keys(props.scopeCallerRoleArns ?? {})
      .filter((s) => !scopes.includes(s))
      .map(
        (s) =>
          `scopeCallerRoleArns: scope ${JSON.stringify(s)} is not one of this broker's scopes (${scopes.join(', ')}); add it to "scopes" or remove it`,
      ),
  ];
}

/**
 * Throws, at construction, one `Error` that names `construct`'s path and lists every problem of
 * `props` ({@link settingProblems}); `kind` names the props (`SecretBroker`, `SecretBrokerStack`).
 */
export function validateProps(
  construct: IConstruct,
  kind: string,
  props: SecretBrokerProps & BrokerArnProps,
): void {
  const problems = settingProblems(props);
  if (problems.length > 0)
    throw constructError(construct, `invalid ${kind} props:\n- ${problems.join('\n- ')}`);
}

/** Validates `props` of the broker `construct` ({@link validateProps}) and applies the defaults. */
export function resolveBrokerProps(construct: IConstruct, props: SecretBrokerProps): ResolvedBrokerProps {
  validateProps(construct, 'SecretBroker', props);
  return withDefaults(props);
}
