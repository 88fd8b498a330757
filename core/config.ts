/**
 * Run-time configuration of the broker functions, read from environment variables once per cold
 * start. The stack sets these variables; `npm start` sets the same ones for its local handlers.
 */
import * as z from 'zod/mini';
import {
  DEFAULT_LEGACY_FALLBACK,
  DEFAULT_LEGACY_PREFIXES,
  DEFAULT_ROOT,
  DEFAULT_SCOPES,
  LEGACY_FALLBACK_MODES,
  type LegacyFallback,
  type LegacyPrefix,
  legacyTableProblems,
  rootProblems,
  scopeListProblems,
} from './index.js';

/** Names of the environment variables, the one contract between the stack and the functions. */
export const ENV = {
  root: 'BROKER_ROOT',
  scopes: 'BROKER_SCOPES',
  servedScopes: 'BROKER_SERVED_SCOPES',
  kmsKeyId: 'BROKER_KMS_KEY_ID',
  recoveryWindowDays: 'BROKER_RECOVERY_WINDOW_DAYS',
  legacyFallback: 'BROKER_LEGACY_FALLBACK',
  legacyPrefixes: 'BROKER_LEGACY_PREFIXES',
  migrationFlagParameter: 'BROKER_MIGRATION_FLAG_PARAMETER',
  systemPolicyPrincipals: 'BROKER_SYSTEM_POLICY_PRINCIPALS',
  /** The migration function's map of scope to its system secrets' policy principals (JSON). */
  scopePolicyPrincipals: 'BROKER_SCOPE_POLICY_PRINCIPALS',
} as const;

/** Default recovery window of API deletes, in days. */
export const DEFAULT_RECOVERY_WINDOW_DAYS = 7;

/** The broker's run-time configuration. */
export interface BrokerConfig {
  /** Secrets Manager name root, ending in `/`. */
  readonly root: string;
  /** Every scope of the deployment. */
  readonly scopes: readonly string[];
  /** Scopes this function serves (a scope function serves its own; the user function none). */
  readonly servedScopes: readonly string[];
  /** KMS key id or ARN for new secrets; absent means Secrets Manager's default key. */
  readonly kmsKeyId?: string;
  /** Recovery window of API deletes, 7–30 days. */
  readonly recoveryWindowDays: number;
  /** Legacy fallback mode of scoped gets. */
  readonly legacyFallback: LegacyFallback;
  /** Legacy prefix table. */
  readonly legacyPrefixes: readonly LegacyPrefix[];
  /** SSM parameter that marks the migration done; needed by `until-migrated`. */
  readonly migrationFlagParameter?: string;
  /** ARNs allowed by the resource policy on system secrets; empty means no policy is attached. */
  readonly systemPolicyPrincipals: readonly string[];
}

/** Splits a comma-separated list, trimming items and dropping empty ones. */
export const splitList = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** The legacy prefix table as JSON: an array of `{"prefix","scope"}` objects. */
export const legacyTableSchema = z.array(z.strictObject({ prefix: z.string(), scope: z.string() }), {
  error: 'expected a JSON array of {"prefix","scope"} objects',
});

/**
 * The legacy prefix table of a deployment that set its scope list but no table: the default rows
 * whose scope it has. A deployment without `workloads` has nowhere to move `BEARER_TOKEN_` keys,
 * so those rows are `dropped` (such keys stay user keys) rather than refused one error per row.
 */
export function defaultLegacyTableFor(scopes: readonly string[]): {
  readonly table: readonly LegacyPrefix[];
  readonly dropped: readonly LegacyPrefix[];
} {
  return {
    table: DEFAULT_LEGACY_PREFIXES.filter((row) => scopes.includes(row.scope)),
    dropped: DEFAULT_LEGACY_PREFIXES.filter((row) => !scopes.includes(row.scope)),
  };
}

/**
 * The one line that tells a user which default rows were left out, and the exact setting to type
 * to choose the table themselves; `setting` spells it (`-c legacyPrefixes=…`, `BROKER_LEGACY_PREFIXES=…`).
 * Undefined when nothing was dropped.
 */
export function droppedLegacyRowsNote(
  scopes: readonly string[],
  setting: (tableJson: string) => string,
): string | undefined {
  const { table, dropped } = defaultLegacyTableFor(scopes);
  if (dropped.length === 0) return undefined;
  const missing = [...new Set(dropped.map((row) => row.scope))].join(', ');
  return (
    `the default legacy prefix table maps ${dropped.map((row) => row.prefix).join(', ')} to ` +
    `${missing}, which ${missing.includes(',') ? 'are' : 'is'} not in the scope list: those rows are left out ` +
    `(such keys stay user keys). To set the table yourself, pass ${setting(JSON.stringify(table))}`
  );
}

/** The problem with a recovery window (days), or undefined when it is a whole number from 7 to 30. */
export function recoveryWindowProblem(days: number): string | undefined {
  return Number.isInteger(days) && days >= 7 && days <= 30
    ? undefined
    : 'must be a whole number of days from 7 to 30';
}

/** The problem with a legacy fallback mode, or undefined when it is one of the modes. */
export function legacyFallbackProblem(mode: string): string | undefined {
  return (LEGACY_FALLBACK_MODES as readonly string[]).includes(mode)
    ? undefined
    : `must be one of ${LEGACY_FALLBACK_MODES.join(', ')}`;
}

/** Reads and validates the configuration; throws an `Error` naming the variable at fault. */
export function loadConfig(env: Record<string, string | undefined> = process.env): BrokerConfig {
  const problems: string[] = [];
  const root = env[ENV.root] ?? DEFAULT_ROOT;
  problems.push(...rootProblems(root).map((p) => `${ENV.root}: ${p}`));

  const scopes = env[ENV.scopes] === undefined ? [...DEFAULT_SCOPES] : splitList(env[ENV.scopes]);
  problems.push(...scopeListProblems(scopes).map((p) => `${ENV.scopes}: ${p}`));

  const servedScopes = splitList(env[ENV.servedScopes]);
  for (const s of servedScopes) {
    if (!scopes.includes(s))
      problems.push(`${ENV.servedScopes}: scope ${JSON.stringify(s)} is not in ${ENV.scopes}`);
  }

  const windowText = env[ENV.recoveryWindowDays] ?? String(DEFAULT_RECOVERY_WINDOW_DAYS);
  const recoveryWindowDays = Number(windowText);
  const windowProblem = recoveryWindowProblem(recoveryWindowDays);
  if (windowProblem !== undefined) {
    problems.push(`${ENV.recoveryWindowDays}: ${windowProblem}, got ${JSON.stringify(windowText)}`);
  }

  const fallbackText = env[ENV.legacyFallback] ?? DEFAULT_LEGACY_FALLBACK;
  const legacyFallback = fallbackText as LegacyFallback;
  const fallbackProblem = legacyFallbackProblem(fallbackText);
  if (fallbackProblem !== undefined) {
    problems.push(`${ENV.legacyFallback}: ${fallbackProblem}, got ${JSON.stringify(fallbackText)}`);
  }

  // A scope list without a table keeps the default rows of its own scopes (droppedLegacyRowsNote).
  let legacyPrefixes: readonly LegacyPrefix[] = defaultLegacyTableFor(scopes).table;
  const tableText = env[ENV.legacyPrefixes];
  if (tableText !== undefined) {
    try {
      legacyPrefixes = legacyTableSchema.parse(JSON.parse(tableText));
    } catch {
      problems.push(`${ENV.legacyPrefixes}: must be a JSON array of {"prefix","scope"} objects`);
    }
  }
  problems.push(...legacyTableProblems(legacyPrefixes, scopes).map((p) => `${ENV.legacyPrefixes}: ${p}`));

  const migrationFlagParameter = env[ENV.migrationFlagParameter] || undefined;
  if (legacyFallback === 'until-migrated' && migrationFlagParameter === undefined) {
    problems.push(`${ENV.migrationFlagParameter}: is required when ${ENV.legacyFallback} is until-migrated`);
  }

  if (problems.length > 0) throw new Error(`invalid broker configuration:\n- ${problems.join('\n- ')}`);
  const kmsKeyId = env[ENV.kmsKeyId] || undefined;
  return {
    root,
    scopes,
    servedScopes,
    ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
    recoveryWindowDays,
    legacyFallback,
    legacyPrefixes,
    ...(migrationFlagParameter === undefined ? {} : { migrationFlagParameter }),
    systemPolicyPrincipals: splitList(env[ENV.systemPolicyPrincipals]),
  };
}
