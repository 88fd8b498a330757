import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, ListQuery, PutSecretBody } from '../../core/http/schemas.js';
import { STATUS_OF_CODE } from '../support/api.js';

describe('PutSecretBody', () => {
  it.each([
    ['an extra field', { value: 'v', owner: 'me' }],
    ['a missing value', { description: 'd' }],
    ['a number value', { value: 1 }],
    ['a null value', { value: null }],
    ['an object value', { value: { nested: 'v' } }],
    ['a non-string description', { value: 'v', description: 7 }],
    ['a 2049-character description', { value: 'v', description: 'd'.repeat(2049) }],
    ['an array body', ['v']],
    ['a string body', 'v'],
    ['a value with an unpaired surrogate', JSON.parse('{"value":"a\\ud800b"}')],
  ])('refuses %s', (_what, body) => {
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
