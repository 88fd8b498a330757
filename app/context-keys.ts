/**
 * Which context keys are the operator's settings, and the nearest setting to one that is not: a
 * misspelt `-c recoveryWindowDay=14` would otherwise be ignored and the default silently kept.
 *
 * The CDK keeps its own values in the same context (`aws:cdk:*`, feature flags `@aws-cdk/…:…`,
 * lookups `availability-zones:account=…`, `cli-telemetry`, `acknowledged-issue-numbers`): every one
 * of them has a `:`, `/`, `@`, `.` or `-` in its name. Settings are camelCase words, so a key of
 * letters, digits and `_` only is judged as a setting; any other key is left to the CDK unless it
 * differs from a setting only in case, `-` or `_` (`-c recovery-window-days=14`).
 */

/** Loose spelling: what a hand-typed key may differ in without meaning another setting. */
const loose = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

/** A key spelt as settings are; the CDK never uses one. */
const SETTING_SPELLING = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Edit distance (insertions, deletions, substitutions) of `a` and `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The setting nearest to `key` (case and `-`/`_` ignored); ties go to the first in `known`. */
function nearest(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(loose(key), loose(name));
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}

/**
 * One problem per key of `keys` that is not one of `known` yet is the operator's: spelt as a
 * setting, or a setting but for case, `-` or `_`. Each names the nearest setting.
 */
export function unknownContextKeyProblems(keys: readonly string[], known: readonly string[]): string[] {
  const byLoose = new Map(known.map((k) => [loose(k), k]));
  return keys.flatMap((key) => {
    if (known.includes(key)) return [];
    const meant = byLoose.get(loose(key)) ?? (SETTING_SPELLING.test(key) ? nearest(key, known) : undefined);
    return meant === undefined ? [] : [`context key "${key}": not a setting; did you mean "${meant}"?`];
  });
}
