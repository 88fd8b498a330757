/**
 * The key namespace (docs/design.md §1): reserved prefix, scopes, key validation, and the legacy prefix
 * table. This file is the single source of these rules: the runtime checks and the IAM policies in
 * `lib/` both import it.
 */
import { InvalidKeyError, ReservedKeyError, UnknownScopeError } from './errors.js';

/** Prefix of every system key. Compared case-insensitively by {@link isReserved}. */
export const RESERVED_PREFIX = '__thv_';

/** Scopes a deployment has unless it names its own. */
export const DEFAULT_SCOPES: readonly string[] = Object.freeze(['workloads', 'registry', 'auth', 'llm']);

/** A scope name: lower-case letter, then up to 31 lower-case letters or digits (never `_`). */
const SCOPE_PATTERN = /^[a-z][a-z0-9]{0,31}$/;

/** Characters a key may contain: Secrets Manager's name alphabet without `/`. */
const KEY_PATTERN = /^[A-Za-z0-9_+=.@-]+$/;

/** Longest key, user or system. */
export const MAX_KEY_LENGTH = 200;

/** Longest full Secrets Manager name (root + key). */
const MAX_SECRET_NAME_LENGTH = 256;

/** Largest secret value in bytes (UTF-8), Secrets Manager's own limit. */
export const MAX_VALUE_BYTES = 65_536;

/** Default name root in Secrets Manager. */
export const DEFAULT_ROOT = 'toolhive/';

/** A root: Secrets Manager name characters, ending in `/`, short enough to leave room for keys. */
const ROOT_PATTERN = /^[A-Za-z0-9_+=.@-][A-Za-z0-9_+=.@/-]{0,54}\/$/;

/** Tag key marking a system secret's scope (`thv:scope=<scope>`). */
export const SCOPE_TAG = 'thv:scope';

/** Tag key marking a user secret (`thv:owner=user`). */
export const OWNER_TAG = 'thv:owner';

/** Value of {@link OWNER_TAG} on every user secret. */
export const USER_OWNER = 'user';

/** One row of the legacy-key prefix table: bare keys starting with `prefix` belong to `scope`. */
export interface LegacyPrefix {
  /** Case-sensitive key prefix written before scoping existed. */
  readonly prefix: string;
  /** Scope the key moves into. */
  readonly scope: string;
}

/** The default legacy prefix table (docs/design.md §5); first match wins. */
export const DEFAULT_LEGACY_PREFIXES: readonly LegacyPrefix[] = Object.freeze([
  { prefix: 'BEARER_TOKEN_', scope: 'workloads' },
  { prefix: 'OAUTH_CLIENT_SECRET_', scope: 'workloads' },
  { prefix: 'OAUTH_REFRESH_TOKEN_', scope: 'workloads' },
  { prefix: 'registry-user-', scope: 'workloads' },
  { prefix: 'registry-default-', scope: 'workloads' },
  { prefix: 'BUILD_AUTH_FILE_', scope: 'workloads' },
  { prefix: 'REGISTRY_OAUTH_', scope: 'registry' },
]);

/** True when `key` starts with the reserved prefix in any letter case. */
export function isReserved(key: string): boolean {
  return key.slice(0, RESERVED_PREFIX.length).toLowerCase() === RESERVED_PREFIX;
}

/** The reason a key breaks the key rules, or undefined when it is valid. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (key.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters`;
  if (key.includes('/')) return 'must not contain "/"';
  // URL clients and gateways collapse these path segments, so such a key could not be addressed.
  if (key === '.' || key === '..') return 'must not be "." or ".."';
  if (!KEY_PATTERN.test(key)) return 'may contain only A-Z a-z 0-9 and _ + = . @ -';
  return undefined;
}

/** Throws {@link InvalidKeyError} unless `key` satisfies the key rules (reserved or not). */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined) throw new InvalidKeyError(key, problem);
}

/** Throws unless `key` is a valid user key: valid, and not reserved. */
export function assertUserKey(key: string): void {
  // Reserved is checked first so `__thv_` look-alikes get the stronger, more telling refusal.
  if (isReserved(key)) throw new ReservedKeyError(key);
  assertValidKey(key);
}

/** True when `scope` is a syntactically valid scope name. */
function isValidScopeName(scope: string): boolean {
  return SCOPE_PATTERN.test(scope);
}

/** Throws {@link UnknownScopeError} unless `scope` is valid and in `scopes`. */
export function assertKnownScope(scope: string, scopes: readonly string[]): void {
  if (!isValidScopeName(scope) || !scopes.includes(scope)) throw new UnknownScopeError(scope);
}

/** The key prefix of every system key in `scope`, e.g. `__thv_workloads_`. */
export function scopePrefix(scope: string): string {
  return `${RESERVED_PREFIX}${scope}_`;
}

/** The system key for `name` in `scope`; throws {@link InvalidKeyError} if the result is invalid. */
export function systemKey(scope: string, name: string): string {
  const nameProblem = keyProblem(name);
  if (nameProblem !== undefined) throw new InvalidKeyError(name, nameProblem);
  const key = `${scopePrefix(scope)}${name}`;
  if (key.length > MAX_KEY_LENGTH) {
    throw new InvalidKeyError(
      name,
      `must be at most ${MAX_KEY_LENGTH - scopePrefix(scope).length} characters in scope "${scope}"`,
    );
  }
  return key;
}

/** The scope a bare legacy key belongs to under `table` (first match wins), or undefined. */
export function legacyScopeOf(
  key: string,
  table: readonly LegacyPrefix[] = DEFAULT_LEGACY_PREFIXES,
): string | undefined {
  if (isReserved(key)) return undefined;
  return table.find((row) => key.startsWith(row.prefix))?.scope;
}

/** The problems with a scope list (empty when it is fine); used at synth time and at start-up. */
export function scopeListProblems(scopes: readonly string[]): string[] {
  const problems: string[] = [];
  if (scopes.length === 0) problems.push('at least one scope is required');
  for (const scope of scopes) {
    if (!isValidScopeName(scope))
      problems.push(`scope ${JSON.stringify(scope)} must match ${SCOPE_PATTERN.source}`);
  }
  const dupes = scopes.filter((s, i) => scopes.indexOf(s) !== i);
  if (dupes.length > 0) problems.push(`scopes are listed twice: ${[...new Set(dupes)].join(', ')}`);
  return problems;
}

/** The problems with a root (empty when it is fine). */
export function rootProblems(root: string): string[] {
  if (!ROOT_PATTERN.test(root)) {
    return [
      `root ${JSON.stringify(root)} must be at most 56 characters of A-Z a-z 0-9 _ + = . @ - / and end with "/"`,
    ];
  }
  // A root under the reserved prefix would put another broker's user keys where IAM denies system ones.
  if (root.toLowerCase().includes(RESERVED_PREFIX)) {
    return [
      `root ${JSON.stringify(root)} must not contain the reserved prefix "${RESERVED_PREFIX}" (any case)`,
    ];
  }
  if (root.length + MAX_KEY_LENGTH > MAX_SECRET_NAME_LENGTH) {
    return [
      `root ${JSON.stringify(root)} leaves no room for ${MAX_KEY_LENGTH}-character keys within ${MAX_SECRET_NAME_LENGTH}`,
    ];
  }
  return [];
}

/** The problems with a legacy prefix table against a scope list (empty when it is fine). */
export function legacyTableProblems(table: readonly LegacyPrefix[], scopes: readonly string[]): string[] {
  const problems: string[] = [];
  for (const row of table) {
    if (row.prefix.length === 0 || keyProblem(row.prefix) !== undefined) {
      problems.push(`legacy prefix ${JSON.stringify(row.prefix)} must be a non-empty run of key characters`);
    } else if (isReserved(row.prefix)) {
      problems.push(`legacy prefix ${JSON.stringify(row.prefix)} must not start with the reserved prefix`);
    }
    if (!scopes.includes(row.scope)) {
      problems.push(
        `legacy prefix ${JSON.stringify(row.prefix)} maps to scope ${JSON.stringify(row.scope)}, which is not in the scope list`,
      );
    }
  }
  return problems;
}
