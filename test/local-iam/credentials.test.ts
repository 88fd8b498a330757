/** The local principals' keys are derived from their names: the same everywhere, as docs/local-iam.md says. */
import { describe, expect, it } from 'vitest';
import { localAccessKeyId, localSecretAccessKey } from '../../local/iam/credentials.js';

describe('local principal keys', () => {
  it('are the documented, stable pair for a name', () => {
    expect(localAccessKeyId('admin')).toBe('AKIAGS3P5X7NBXBT2CA3');
    expect(localAccessKeyId('developer')).toBe('AKIA24ZT5TULN2JNFFG5');
    expect(localSecretAccessKey('admin')).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  it('differ between principals', () => {
    const names = ['admin', 'developer', 'user-function', 'migration', 'service:llm', 'scope-function:llm'];
    expect(new Set(names.map(localAccessKeyId)).size).toBe(names.length);
    expect(new Set(names.map(localSecretAccessKey)).size).toBe(names.length);
  });
});
