import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, ListQuery, PutSecretBody, plainPutBody } from '../../core/http/schemas.js';
import { STATUS_OF_CODE } from '../support/api.js';

/** PUT bodies the schema refuses, by what is wrong with them (the plain-body check leaves each to it). */
const REFUSED_BODIES: readonly (readonly [string, unknown])[] = [
  ['an extra field', { value: 'v', owner: 'me' }],
  ['a missing value', { description: 'd' }],
  ['a number value', { value: 1 }],
  ['a null value', { value: null }],
  ['an object value', { value: { nested: 'v' } }],
  ['a null description', { value: 'v', description: null }],
  ['a non-string description', { value: 'v', description: 7 }],
  ['a 2049-character description', { value: 'v', description: 'd'.repeat(2049) }],
  ['an array body', ['v']],
  ['a string body', 'v'],
  ['a null body', null],
  ['a value with an unpaired surrogate', JSON.parse('{"value":"a\\ud800b"}')],
  ['a description with an unpaired surrogate', JSON.parse('{"value":"v","description":"\\udc00"}')],
  ['a value only under __proto__', JSON.parse('{"__proto__":{"value":"v"}}')],
];

describe('PutSecretBody', () => {
  it.each(REFUSED_BODIES)('refuses %s', (_what, body) => {
    // Act
    const result = PutSecretBody.safeParse(body);
    // Assess
    expect(result.success).toBe(false);
  });

  it('accepts an empty value (size and content are the core’s business)', () => {
    // Act
    const result = PutSecretBody.safeParse({ value: '' });
    // Assess
    expect(result.success).toBe(true);
  });

  it('accepts a value with characters outside the BMP', () => {
    // Act
    const result = PutSecretBody.safeParse({ value: 'key 🔑 ü' });
    // Assess
    expect(result.success).toBe(true);
  });
});

/** Strings of any UTF-16 code units: unpaired surrogates, pairs, ASCII, empty. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({
    unit: fc.integer({ min: 0xd7fe, max: 0xe001 }).map((c) => String.fromCharCode(c)),
    maxLength: 4,
  }),
  fc.constantFrom('d'.repeat(2048), 'd'.repeat(2049), '🔑'.repeat(1024), '🔑'.repeat(1025)),
);

/** Bodies near the plain form: value, description and stray fields of every JSON type, in plain objects and not. */
const nearPutBodies = fc
  .tuple(
    fc.oneof({ arbitrary: fc.string(), weight: 3 }, anyText, fc.jsonValue({ maxDepth: 1 })),
    fc.option(fc.oneof({ arbitrary: fc.string(), weight: 3 }, anyText, fc.jsonValue({ maxDepth: 1 })), {
      nil: undefined,
      freq: 1,
    }),
    fc.option(
      fc.tuple(fc.constantFrom('stray', 'Value', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 1 })),
      {
        nil: undefined,
        freq: 2,
      },
    ),
    fc.constantFrom('object', 'object', 'object', 'parsed', 'parsed', 'parsed', 'array', 'no prototype'),
  )
  .map(([value, description, stray, form]) => {
    const body: Record<string, unknown> = { value };
    if (description !== undefined) body.description = description;
    if (stray !== undefined) Object.defineProperty(body, stray[0], { value: stray[1], enumerable: true });
    if (form === 'parsed') return JSON.parse(JSON.stringify(body)) as unknown;
    if (form === 'array') return [body];
    if (form === 'no prototype') return Object.assign(Object.create(null) as object, body);
    return body;
  });

describe('plainPutBody', () => {
  it('answers the plain bodies itself, as the schema parses them', () => {
    // Arrange
    const bodies = [{ value: '' }, { value: 'v' }, { value: 'key 🔑 ü', description: 'd'.repeat(2048) }];
    // Act
    const answers = bodies.map((body) => plainPutBody(body));
    // Assess
    expect(answers).toStrictEqual(bodies.map((body) => PutSecretBody.parse(body)));
  });

  it.each(REFUSED_BODIES)('leaves %s to the schema', (_what, body) => {
    // Act
    const answer = plainPutBody(body);
    // Assess
    expect(answer).toBeUndefined();
  });

  it('accepts only what the schema accepts, and gives what the schema gives (property)', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.oneof({ arbitrary: nearPutBodies, weight: 4 }, fc.jsonValue({ maxDepth: 2 })),
        (body) => {
          // Act
          const answer = plainPutBody(body);
          // Assess
          if (answer === undefined) return;
          answered += 1;
          const parsed = PutSecretBody.safeParse(body);
          expect(parsed.success).toBe(true);
          expect(answer).toStrictEqual(parsed.data);
        },
      ),
      { numRuns: 2000 },
    );
    // The property holds on answers, not only on refusals.
    expect(answered).toBeGreaterThan(100);
  });
});

describe('ListQuery', () => {
  it.each(['0', '101', '-1', '1.5', 'ten', '', '0100'])('refuses limit=%s', (limit) => {
    // Act
    const result = ListQuery.safeParse({ limit });
    // Assess
    expect(result.success).toBe(false);
  });

  it.each([
    ['1', 1],
    ['100', 100],
    ['050', 50],
  ])('reads limit=%s as %d', (limit, expected) => {
    // Act
    const result = ListQuery.parse({ limit });
    // Assess
    expect(result.limit).toBe(expected);
  });

  it('refuses a next token outside base64url', () => {
    // Act
    const result = ListQuery.safeParse({ next: 'a+b/c=' });
    // Assess
    expect(result.success).toBe(false);
  });
});

describe('ERROR_STATUS', () => {
  it('gives every documented error code its docs/design.md §4 status', () => {
    // Assess
    // The contract's table, plus the code only API Gateway itself answers with.
    expect(ERROR_STATUS).toEqual(STATUS_OF_CODE);
  });
});
