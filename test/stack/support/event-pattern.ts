/**
 * EventBridge event-pattern matching for the operators the tamper rule uses, written from the
 * EventBridge user guide ("Event patterns", "Content filtering"): every field of the pattern must
 * match; a leaf is an array of alternatives; `$or` holds alternative sub-patterns at its level; an
 * array in the event matches when any element does; a field missing from the event matches
 * nothing (there is no `exists: false` in the rule). An operator this file does not know throws,
 * so a rule that starts using one cannot pass by accident.
 */

/** An event or a pattern, as JSON. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `event` matches `pattern`. */
export function matchesPattern(pattern: Record<string, Json>, event: Record<string, Json>): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') {
      if (!Array.isArray(sub)) throw new Error('$or must be an array of patterns');
      return sub.some((alt) => isObject(alt) && matchesPattern(alt, event));
    }
    const value = event[key];
    if (value === undefined) return false;
    if (isObject(sub)) return isObject(value) && matchesPattern(sub, value);
    if (!Array.isArray(sub)) throw new Error(`pattern field ${key} must be an object or an array`);
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => sub.some((matcher) => matchesLeaf(matcher, v)));
  });
}

function matchesLeaf(matcher: Json, value: Json): boolean {
  if (!isObject(matcher)) return matcher === value;
  const [operator, ...more] = Object.keys(matcher);
  if (operator === undefined || more.length > 0)
    throw new Error('a matcher object holds exactly one operator');
  const arg = matcher[operator];
  switch (operator) {
    case 'prefix': {
      if (typeof value !== 'string') return false;
      if (typeof arg === 'string') return value.startsWith(arg);
      const ignoreCase = isObject(arg) ? arg['equals-ignore-case'] : undefined;
      if (typeof ignoreCase !== 'string')
        throw new Error('prefix takes a string or {"equals-ignore-case": string}');
      return value.toLowerCase().startsWith(ignoreCase.toLowerCase());
    }
    case 'anything-but': {
      const excluded = Array.isArray(arg) ? arg : [arg];
      if (excluded.some(isObject)) throw new Error('only anything-but over plain values is implemented');
      return !excluded.some((e) => e === value);
    }
    default:
      throw new Error(`event-pattern operator ${operator} is not implemented by this matcher`);
  }
}
