/**
 * Stack props from CDK context (`cdk.json` or `-c key=value`), parsed with zod. `-c` values arrive
 * as strings, `cdk.json` values as JSON, so lists, numbers and tables accept both forms. Context
 * keys carry the same names as the stack props; an unknown key spelt like a setting is refused,
 * naming the nearest one, rather than ignored (app/context-keys.ts). This reads values into their
 * types only: the rules of the props themselves (ranges, ARNs, scope names, the legacy table, scope
 * callers of known scopes) are the stack's one validator's (`settingProblems` in lib/props.ts),
 * whose messages name each prop by the same name as its context key.
 */
import * as logs from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy } from 'aws-cdk-lib/core';
import * as z from 'zod';
import {
  defaultLegacyTableFor,
  droppedLegacyRowsNote,
  legacyTableSchema,
  splitList,
} from '../core/config.js';
import { LEGACY_FALLBACK_MODES } from '../core/index.js';
import type { SecretBrokerStackProps } from '../lib/secret-broker-stack.js';
import { unknownContextKeyProblems } from './context-keys.js';

/** Stack name used when the `stackName` context key is absent. */
const DEFAULT_STACK_NAME = 'ThvSecretBroker';

const fromJsonText = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

const stringList = z.preprocess(
  (value) => (typeof value === 'string' ? splitList(value) : value),
  z.array(z.string(), { error: 'expected a list of strings (JSON array, or comma-separated with -c)' }),
);

const fromNumberText = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;

const wholeNumber = z.preprocess(
  fromNumberText,
  z.number({ error: 'expected a number' }).int({ error: 'expected a whole number' }),
);

const positiveNumber = z.preprocess(
  fromNumberText,
  z.number({ error: 'expected a number' }).positive({ error: 'expected a positive number' }),
);

const booleanText = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean({ error: 'expected true or false' }),
);

const retentionDays = wholeNumber.refine(
  (n) => (Object.values(logs.RetentionDays) as unknown[]).includes(n),
  {
    error: `expected a CloudWatch Logs retention in days (${Object.values(logs.RetentionDays)
      .filter((v) => typeof v === 'number' && v > 0)
      .join(', ')})`,
  },
);

/** The schema of each context key the stack reads. */
const CONTEXT_SCHEMA = {
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, { error: 'expected a CloudFormation stack name' }),
  root: z.string({ error: 'expected a string ending in "/"' }),
  scopes: stringList,
  legacyFallback: z.enum(LEGACY_FALLBACK_MODES, {
    error: `expected ${LEGACY_FALLBACK_MODES.map((m) => JSON.stringify(m)).join(' or ')}`,
  }),
  legacyPrefixes: z.preprocess(fromJsonText, legacyTableSchema),
  recoveryWindowDays: wholeNumber,
  encryptionKeyArn: z.string(),
  keyRemovalPolicy: z.enum(['retain', 'destroy'], { error: 'expected "retain" or "destroy"' }),
  breakGlassRoleArns: stringList,
  migrationRoleArn: z.string(),
  migrationOperatorRoleArns: stringList,
  migrationFlagParameterName: z.string(),
  migrationStartOnDeploy: booleanText,
  throttlingRateLimit: positiveNumber,
  throttlingBurstLimit: wholeNumber,
  logRetentionDays: retentionDays,
  reservedKeyAlarmThreshold: wholeNumber,
  userRoleArns: stringList,
  scopeCallerRoleArns: z.preprocess(
    fromJsonText,
    z.record(z.string(), z.array(z.string()), {
      error: 'expected a JSON object of scope name to a list of role ARNs',
    }),
  ),
} as const;

/** A context key the stack reads. */
type ContextKey = keyof typeof CONTEXT_SCHEMA;

/** Every context key the stack reads (the settings docs/deploy.md lists). */
export const CONTEXT_KEYS: readonly string[] = Object.keys(CONTEXT_SCHEMA);

/** Stack id and props read from context. */
export interface StackFromContext {
  /** Stack name (and construct id). */
  readonly stackName: string;
  /** Props of the stack. */
  readonly props: SecretBrokerStackProps;
  /** What the user should be told once about how their settings were read; absent when nothing. */
  readonly notes?: readonly string[];
}

/**
 * Reads every context key the stack knows from the app's whole context; throws one `Error` naming
 * each bad key. Absent keys keep the props' defaults.
 */
export function stackFromContext(context: Readonly<Record<string, unknown>>): StackFromContext {
  const values: Partial<Record<ContextKey, unknown>> = {};
  const problems: string[] = unknownContextKeyProblems(Object.keys(context), CONTEXT_KEYS);
  for (const key of Object.keys(CONTEXT_SCHEMA) as ContextKey[]) {
    const raw = context[key];
    if (raw === undefined) continue;
    const parsed = CONTEXT_SCHEMA[key].safeParse(raw);
    if (parsed.success) values[key] = parsed.data;
    else problems.push(keyProblem(key, parsed.error.issues.map((i) => i.message).join('; '), raw));
  }
  const v = values as { [K in ContextKey]?: z.output<(typeof CONTEXT_SCHEMA)[K]> };
  if (problems.length > 0) throw new Error(`invalid context:\n- ${problems.join('\n- ')}`);

  const throttling = {
    ...(v.throttlingRateLimit === undefined ? {} : { rateLimit: v.throttlingRateLimit }),
    ...(v.throttlingBurstLimit === undefined ? {} : { burstLimit: v.throttlingBurstLimit }),
  };
  // `-c scopes=billing` alone keeps the default legacy rows of the scopes it has, and says so once,
  // instead of one error per default row about a key the user never set.
  const legacyNote =
    v.scopes === undefined || v.legacyPrefixes !== undefined
      ? undefined
      : droppedLegacyRowsNote(v.scopes, (table) => `-c legacyPrefixes='${table}'`);
  const legacyPrefixes =
    legacyNote === undefined || v.scopes === undefined
      ? v.legacyPrefixes
      : defaultLegacyTableFor(v.scopes).table;
  const props: SecretBrokerStackProps = {
    ...(v.root === undefined ? {} : { root: v.root }),
    ...(v.scopes === undefined ? {} : { scopes: v.scopes }),
    ...(v.legacyFallback === undefined ? {} : { legacyFallback: v.legacyFallback }),
    ...(legacyPrefixes === undefined ? {} : { legacyPrefixes }),
    ...(v.recoveryWindowDays === undefined ? {} : { recoveryWindowDays: v.recoveryWindowDays }),
    ...(v.encryptionKeyArn === undefined ? {} : { encryptionKeyArn: v.encryptionKeyArn }),
    ...(v.keyRemovalPolicy === undefined
      ? {}
      : {
          keyRemovalPolicy: v.keyRemovalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
        }),
    ...(v.breakGlassRoleArns === undefined ? {} : { breakGlassRoleArns: v.breakGlassRoleArns }),
    ...(v.migrationRoleArn === undefined ? {} : { migrationRoleArn: v.migrationRoleArn }),
    ...(v.migrationOperatorRoleArns === undefined
      ? {}
      : { migrationOperatorRoleArns: v.migrationOperatorRoleArns }),
    ...(v.migrationFlagParameterName === undefined
      ? {}
      : { migrationFlagParameterName: v.migrationFlagParameterName }),
    ...(v.migrationStartOnDeploy === undefined
      ? {}
      : { migration: { startOnDeploy: v.migrationStartOnDeploy } }),
    ...(Object.keys(throttling).length === 0 ? {} : { throttling }),
    ...(v.logRetentionDays === undefined ? {} : { logRetention: v.logRetentionDays as logs.RetentionDays }),
    ...(v.reservedKeyAlarmThreshold === undefined
      ? {}
      : { reservedKeyAlarmThreshold: v.reservedKeyAlarmThreshold }),
    ...(v.userRoleArns === undefined ? {} : { userRoleArns: v.userRoleArns }),
    ...(v.scopeCallerRoleArns === undefined ? {} : { scopeCallerRoleArns: v.scopeCallerRoleArns }),
  };
  return {
    stackName: v.stackName ?? DEFAULT_STACK_NAME,
    props,
    ...(legacyNote === undefined ? {} : { notes: [legacyNote] }),
  };
}

const keyProblem = (key: string, message: string, raw: unknown): string =>
  `context key "${key}": ${message} (got ${JSON.stringify(raw)})`;
