/**
 * The simulator drops `kms:EncryptionContext:<key>` conditions (it lists them among the context
 * keys it ignores, so a condition on them never matches). Secrets Manager's data keys carry
 * `SecretARN` (and `SecretVersionId`), and both the broker's key grants and its key policy's denies
 * condition on them; so such a condition is decided here, for the request's context, before the
 * policy goes to the simulator: a statement whose condition holds keeps its other conditions, one
 * whose condition fails is left out.
 */
import type { NamedPolicy, Statement } from './template-policies.js';

const PREFIX = 'kms:EncryptionContext:';

/** IAM's StringLike: `*` any run of characters, `?` one character. */
export const like = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('')}$`,
  ).test(value);

type Conditions = Record<string, Record<string, string | string[]>>;

/** Whether `operator` on `key` holds for `value` (absent: a positive operator never holds). */
function holds(operator: string, patterns: readonly string[], value: string | undefined): boolean {
  if (value === undefined) return false;
  if (operator === 'StringLike') return patterns.some((p) => like(p, value));
  if (operator === 'StringEquals') return patterns.includes(value);
  throw new Error(`unexpected ${operator} on an encryption context key`);
}

/** `statement` with its encryption-context conditions decided for `context`, or undefined when one fails. */
function bindStatement(
  statement: Statement,
  context: Readonly<Record<string, string>>,
): Statement | undefined {
  const conditions = statement.Condition as Conditions | undefined;
  if (conditions === undefined) return statement;
  const rest: Conditions = {};
  for (const [operator, keys] of Object.entries(conditions)) {
    const kept = { ...keys };
    for (const key of Object.keys(keys).filter((k) => k.startsWith(PREFIX))) {
      if (!holds(operator, [keys[key] as string | string[]].flat(), context[key])) return undefined;
      delete kept[key];
    }
    if (Object.keys(kept).length > 0) rest[operator] = kept;
  }
  const { Condition: _, ...bare } = statement;
  return Object.keys(rest).length > 0 ? { ...bare, Condition: rest } : bare;
}

/** The policy as IAM sees it for a data key with `context` (`kms:EncryptionContext:<key>` → value). */
export function bindEncryptionContext(
  policy: NamedPolicy['policy'],
  context: Readonly<Record<string, string>>,
): NamedPolicy['policy'] {
  return {
    ...policy,
    Statement: policy.Statement.flatMap((s): Statement[] => {
      const bound = bindStatement(s, context);
      return bound === undefined ? [] : [bound];
    }),
  };
}
