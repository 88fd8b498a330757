/**
 * The tests' own model of the legacy-key rules (docs/design.md §1 and §5) and generators of names around
 * them. Written from the design text, never from the code's definitions, so a property checks
 * the code against an independent oracle rather than against itself.
 */
import fc from 'fast-check';

/** One row of a legacy prefix table, as the tests write it. */
export interface Row {
  readonly prefix: string;
  readonly scope: string;
}

/** docs/design.md §5's default table, copied from the design text. */
export const DESIGN_TABLE: readonly Row[] = [
  { prefix: 'BEARER_TOKEN_', scope: 'workloads' },
  { prefix: 'OAUTH_CLIENT_SECRET_', scope: 'workloads' },
  { prefix: 'OAUTH_REFRESH_TOKEN_', scope: 'workloads' },
  { prefix: 'registry-user-', scope: 'workloads' },
  { prefix: 'registry-default-', scope: 'workloads' },
  { prefix: 'BUILD_AUTH_FILE_', scope: 'workloads' },
  { prefix: 'REGISTRY_OAUTH_', scope: 'registry' },
];

/** docs/design.md §1's default scopes. */
export const DESIGN_SCOPES: readonly string[] = ['workloads', 'registry', 'auth', 'llm'];

/** Tag keys and the user owner value, as docs/design.md §2 spells them. */
export const OWNER = 'thv:owner';
export const SCOPE = 'thv:scope';

/** Reserved: starts with `__thv_` in any letter case. */
export const reservedO = (key: string): boolean => key.length >= 6 && /^__thv_$/i.test(key.slice(0, 6));

/** Valid key: 1–200 of `A-Z a-z 0-9 _ + = . @ -`, and not `.` or `..`. */
export const validO = (key: string): boolean =>
  /^[A-Za-z0-9_+=.@-]{1,200}$/.test(key) && key !== '.' && key !== '..';

/** The scope a bare key maps to: first row whose prefix it starts with, exact case; never a reserved key. */
export const tableScopeO = (key: string, table: readonly Row[]): string | undefined =>
  reservedO(key) ? undefined : table.find((r) => key.startsWith(r.prefix))?.scope;

/** The system key a legacy key moves to. */
export const movedO = (scope: string, key: string): string => `__thv_${scope}_${key}`;

/** True when `tags` carry a broker tag (owner of any value, or scope). */
export const brokerTaggedO = (tags: Readonly<Record<string, string>>): boolean =>
  Object.hasOwn(tags, OWNER) || Object.hasOwn(tags, SCOPE);

const KEY_CHARS = 'ABEKNORTZabekortz0189_+=.@-'.split('');

/** A run of key characters (may be empty). */
export const tail = (maxLength = 24, minLength = 0): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength, maxLength });

/** A valid key that is not `.` or `..` (may still be reserved-looking by chance: oracles decide). */
export const plainKey: fc.Arbitrary<string> = tail(30, 1).filter((k) => k !== '.' && k !== '..');

/** A scope name: lower-case letter, then up to 31 lower-case letters or digits. */
const scopeArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...DESIGN_SCOPES),
  fc
    .tuple(
      fc.constantFrom(...'abcxyz'.split('')),
      fc.string({ unit: fc.constantFrom(...'abcxyz0189'.split('')), maxLength: 31 }),
    )
    .map(([a, b]) => a + b),
);

/** A prefix table of 1–6 rows; short prefixes over a small alphabet so rows overlap and first-match matters. */
const tableArb: fc.Arbitrary<Row[]> = fc
  .array(
    fc.record({
      prefix: fc.oneof(
        fc.string({ unit: fc.constantFrom('A', 'B', 'a', '_', '-'), minLength: 1, maxLength: 4 }),
        fc.constantFrom(...DESIGN_TABLE.map((r) => r.prefix), 'TOKEN_', 'x', 'X-'),
        tail(12, 1),
      ),
      scope: scopeArb,
    }),
    { minLength: 1, maxLength: 6 },
  )
  .filter((rows) => rows.every((r) => validO(r.prefix) && !reservedO(r.prefix)));

/** The default table half of the time, a generated one otherwise. */
export const anyTable: fc.Arbitrary<readonly Row[]> = fc.oneof(fc.constant(DESIGN_TABLE), tableArb);

/** Flips the letter case of the character at `at` (modulo the length). */
const flipAt = (s: string, at: number): string => {
  if (s.length === 0) return s;
  const i = at % s.length;
  const c = s.charAt(i);
  const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
  return s.slice(0, i) + flipped + s.slice(i + 1);
};

const casedReserved = fc.constantFrom('__thv_', '__THV_', '__Thv_', '__tHv_', '__thV_', '__THv_', '__tHV_');

/**
 * Names around `table`: its legacy names, look-alikes (case variants, a character in front,
 * the prefix without its last character), reserved variants, unicode, and keys near 200 characters.
 * Which of them the table really matches is for {@link tableScopeO} to say, not the generator.
 */
export function namesAround(table: readonly Row[]): fc.Arbitrary<string> {
  const row = fc.constantFrom(...table);
  const prefix = row.map((r) => r.prefix);
  return fc.oneof(
    // Legacy names, exactly as the platform wrote them.
    { weight: 4, arbitrary: fc.tuple(prefix, tail()).map(([p, t]) => p + t) },
    // Case variants: all lower, all upper, one character flipped.
    { weight: 1, arbitrary: fc.tuple(prefix, tail()).map(([p, t]) => p.toLowerCase() + t) },
    { weight: 1, arbitrary: fc.tuple(prefix, tail()).map(([p, t]) => p.toUpperCase() + t) },
    { weight: 2, arbitrary: fc.tuple(prefix, fc.nat(), tail()).map(([p, i, t]) => flipAt(p, i) + t) },
    // A character in front (`XBEARER_TOKEN_y`), the prefix without its last character (`BEARER_TOKEN`).
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('X', 'x', '_', '-', '0'), prefix, tail())
        .map(([c, p, t]) => c + p + t),
    },
    { weight: 2, arbitrary: fc.tuple(prefix, tail(3)).map(([p, t]) => p.slice(0, -1) + t) },
    // Reserved variants, some with a legacy name inside.
    {
      weight: 2,
      arbitrary: fc
        .tuple(casedReserved, fc.option(scopeArb), prefix, tail())
        .map(([r, s, p, t]) => `${r}${s === null ? '' : `${s}_`}${p}${t}`),
    },
    // Unicode and other characters no key may hold, also after a legacy prefix.
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(prefix, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }))
        .map(([p, t]) => p + t),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(prefix, fc.constantFrom('/x', ' x', ':x', '\u0000', '\u0415'))
        .map(([p, t]) => p + t),
    },
    // Near the length limits: the bare key around 200, and the scoped key around 200.
    {
      weight: 2,
      arbitrary: fc.tuple(row, fc.integer({ min: -2, max: 2 }), fc.boolean()).map(([r, d, scoped]) => {
        const total = (scoped ? 200 - `__thv_${r.scope}_`.length : 200) + d;
        return r.prefix + 'a'.repeat(Math.max(0, total - r.prefix.length));
      }),
    },
    // Keys with no relation to the table.
    { weight: 2, arbitrary: plainKey },
  );
}

/** Tags a secret may carry: none, a foreign tag, the owner tag with its right and wrong values, a scope tag. */
export const tagsArb: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constant({ team: 'platform' }) },
  { weight: 3, arbitrary: fc.constant({ [OWNER]: 'user' }) },
  { weight: 1, arbitrary: fc.constantFrom('User', 'admin', '', 'system').map((v) => ({ [OWNER]: v })) },
  { weight: 2, arbitrary: scopeArb.map((s) => ({ [SCOPE]: s })) },
  { weight: 1, arbitrary: fc.constant({ [OWNER]: 'user', [SCOPE]: 'workloads' }) },
);
