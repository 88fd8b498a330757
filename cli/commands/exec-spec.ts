/**
 * The grammar of `exec --secret` and `--scope-secret`, and how each requested secret is named in
 * the command's environment (as itself, as `target=ENV`, or as ToolHive reads it).
 *
 *   --secret        LIST    LIST := ITEM ("," ITEM)*    ITEM := NAME | "target=" ENV
 *   --scope-secret  LIST    ITEM := SCOPE ":" NAME | NAME | "target=" ENV
 *
 * A `target=ENV` item names the variable of the name just before it (ToolHive's own
 * `NAME,target=ENV` is the one-item case); a name without one becomes a variable of its own name.
 * In `--scope-secret`, a name without `SCOPE:` belongs to the scope of the item before it. Keys and
 * scopes never contain `,` or `:` (core/namespace.ts), so the split is unambiguous; the one
 * name a list cannot carry is a key that itself begins with `target=`.
 */
import type { Target } from '../api-client.js';
import { isEnvName } from '../env-name.js';
import { UsageError } from '../errors.js';

/**
 * The prefix of ToolHive's environment secrets provider. stacklok/toolhive pkg/secrets/environment.go:
 *
 *     envVar := e.prefix + name
 *     value := os.Getenv(envVar)
 *     if value == "" { return "", fmt.Errorf("secret not found: %s", name) }
 *
 * with `prefix: EnvVarPrefix` and `EnvVarPrefix = "TOOLHIVE_SECRET_"` (pkg/secrets/types.go): the name
 * verbatim, no case change, no character replaced. Every other provider falls back to it
 * (pkg/secrets/fallback.go, unless TOOLHIVE_DISABLE_ENV_FALLBACK=true).
 */
const TOOLHIVE_PREFIX = 'TOOLHIVE_SECRET_';

/** Which option a list came from, for messages. */
export type SpecOption = '--secret' | '--scope-secret';

/** One secret asked for: whose, which name, and the variable given with `target=` (if any). */
export interface SecretRequest {
  /** User routes, or one scope's routes. */
  readonly target: Target;
  /** The key (user) or name within the scope. */
  readonly name: string;
  /** The variable named with `target=`; undefined: named after the secret. */
  readonly env?: string;
}

/** One secret and the variable it becomes. */
export interface SecretMapping extends SecretRequest {
  /** The environment variable of the command that gets the value. */
  readonly env: string;
}

/** Parses one `--secret` or `--scope-secret` list; throws a {@link UsageError} naming the item at fault. */
export function parseSecretList(spec: string, option: SpecOption): SecretRequest[] {
  const requests: { target: Target; name: string; env?: string }[] = [];
  let scope: string | undefined;
  for (const item of spec.split(',')) {
    const last = requests.at(-1);
    if (item.startsWith('target=')) {
      if (last === undefined || last.env !== undefined)
        throw new UsageError(
          `${option} ${JSON.stringify(spec)}: target= must follow the name it names (NAME,target=ENV)`,
        );
      last.env = checkedEnvName(item.slice('target='.length), option);
      continue;
    }
    let name = item;
    if (option === '--scope-secret') {
      const colon = item.indexOf(':');
      if (colon !== -1) {
        scope = item.slice(0, colon);
        name = item.slice(colon + 1);
        if (scope === '') throw new UsageError(`${option} needs SCOPE:NAME: the scope before ":" is empty`);
      }
      if (scope === undefined)
        throw new UsageError(`${option} needs SCOPE:NAME first (e.g. workloads:${item || 'NAME'})`);
    }
    if (name === '') throw new UsageError(`${option} ${JSON.stringify(spec)}: a name is empty`);
    requests.push({ target: scope === undefined ? { kind: 'user' } : { kind: 'scope', scope }, name });
  }
  return requests;
}

function checkedEnvName(env: string, option: SpecOption): string {
  if (!isEnvName(env))
    throw new UsageError(
      `${option}: target ${JSON.stringify(env)} is not a valid environment variable name (letters, digits, _; not starting with a digit)`,
    );
  return env;
}

/**
 * The variable of each request: its `target=`, else its own name, or with `toolhive` always
 * `TOOLHIVE_SECRET_<name>`. Throws a {@link UsageError} listing every name that cannot be a variable
 * as asked, so one run shows them all.
 */
export function nameVariables(requests: readonly SecretRequest[], toolhive: boolean): SecretMapping[] {
  const mappings = requests.map((r) => ({
    ...r,
    env: r.env ?? (toolhive ? TOOLHIVE_PREFIX + r.name : r.name),
  }));
  if (toolhive) {
    if (requests.some((r) => r.env !== undefined))
      throw new UsageError(
        '--toolhive names each variable TOOLHIVE_SECRET_<name>, as ToolHive reads it: drop target= here (give it to thv run --secret NAME,target=ENV instead)',
      );
    // An environment entry is NAME=VALUE: a name holding "=" would be cut there by every reader.
    const cut = unique(requests.filter((r) => r.name.includes('=')).map((r) => r.name));
    if (cut.length > 0)
      throw new UsageError(
        `names with "=" cannot be environment variable names, not even for ToolHive: ${cut.join(', ')}`,
      );
    return mappings;
  }
  const invalid = unique(mappings.filter((m) => !isEnvName(m.env)).map((m) => m.name));
  if (invalid.length > 0)
    throw new UsageError(
      `not valid environment variable names (letters, digits, _; not starting with a digit): ${invalid.join(', ')}; ` +
        'give each a variable with NAME,target=ENV, or pass --toolhive to set TOOLHIVE_SECRET_<name> for any name',
    );
  return mappings;
}

/**
 * Drops repeats of the same secret under the same variable (`--secret A --all-secrets` asks for A
 * twice) and refuses two different secrets for one variable.
 */
export function checkMappings(mappings: readonly SecretMapping[]): SecretMapping[] {
  const byEnv = new Map<string, SecretMapping>();
  for (const m of mappings) {
    const seen = byEnv.get(m.env);
    if (seen === undefined) byEnv.set(m.env, m);
    else if (labelOf(seen.target) !== labelOf(m.target) || seen.name !== m.name)
      throw new UsageError(`target ${m.env} is given more than once`);
  }
  return [...byEnv.values()];
}

/** `user` or `scope:<scope>`: one batch-read route each. */
export function labelOf(target: Target): string {
  return target.kind === 'user' ? 'user' : `scope:${target.scope}`;
}

const unique = (names: readonly string[]) => [...new Set(names)];
