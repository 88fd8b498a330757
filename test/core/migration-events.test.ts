import { describe, expect, it } from 'vitest';
import { parseStep } from '../../core/migration-events.js';

describe('parseStep', () => {
  it('names the field at fault in English', () => {
    // The schemas are zod/mini's, which carries no messages of its own: without the English map
    // every problem would read "Invalid input".
    expect(() => parseStep({ step: 'migrate', batch: [7] })).toThrow(
      'not a migration step event: batch.0: Invalid input: expected string, received number',
    );
    expect(() => parseStep({ step: 'migrate', batch: ['k'], extra: 1 })).toThrow(
      'not a migration step event: (root): Unrecognized key: "extra"',
    );
  });

  it('accepts a batch of bare keys', () => {
    expect(parseStep({ step: 'migrate', batch: ['BEARER_TOKEN_a'] })).toEqual({
      step: 'migrate',
      batch: ['BEARER_TOKEN_a'],
    });
  });
});
