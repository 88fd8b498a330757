import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertKnownScope,
  assertUserKey,
  DEFAULT_LEGACY_PREFIXES,
  DEFAULT_SCOPES,
  InvalidKeyError,
  isReserved,
  keyProblem,
  legacyScopeOf,
  legacyTableProblems,
  ReservedKeyError,
  rootProblems,
  scopeListProblems,
  systemKey,
  UnknownScopeError,
} from '../../core/index.js';

describe('isReserved', () => {
  it.each(['__thv_x', '__THV_x', '__Thv_workloads_a', '__thv_'])('treats %s as reserved', (key) => {
    expect(isReserved(key)).toBe(true);
  });

  it.each(['thv_x', '_thv_x', 'x__thv_', '__th', 'GITHUB_TOKEN', '__thvx'])(
    'treats %s as a user key',
    (key) => {
      expect(isReserved(key)).toBe(false);
    },
  );
});

describe('keyProblem', () => {
  it.each([
    ['', 'empty'],
    ['a'.repeat(201), 'at most 200'],
    ['a/b', '"/"'],
    ['arn:aws:secretsmanager:us-east-1:1:secret:x', 'may contain only'],
    ['has space', 'may contain only'],
    ['tab\there', 'may contain only'],
    ['caf\u00e9', 'may contain only'],
    ['%5F%5Fthv_x', 'may contain only'],
    ['.', '"." or ".."'],
    ['..', '"." or ".."'],
  ])('rejects %j (%s)', (key, reason) => {
    expect(keyProblem(key)).toContain(reason);
  });

  it.each(['GITHUB_TOKEN', 'my-api-key', 'a.b@c+d=e', 'a'.repeat(200)])('accepts %s', (key) => {
    expect(keyProblem(key)).toBeUndefined();
  });
});

describe('assertUserKey', () => {
  it('refuses a reserved key with ReservedKeyError', () => {
    expect(() => assertUserKey('__THV_auth_x')).toThrow(ReservedKeyError);
  });

  it('refuses an invalid key with InvalidKeyError', () => {
    expect(() => assertUserKey('a/b')).toThrow(InvalidKeyError);
  });

  it('names the key in the message and keeps it printable', () => {
    expect(() => assertUserKey('bad\u0000key')).toThrow(/"bad\?key"/);
  });
});

describe('systemKey', () => {
  it('builds __thv_<scope>_<name>', () => {
    expect(systemKey('workloads', 'BEARER_TOKEN_github')).toBe('__thv_workloads_BEARER_TOKEN_github');
  });

  it('refuses a name that makes the key longer than 200 characters', () => {
    expect(() => systemKey('workloads', 'a'.repeat(190))).toThrow(InvalidKeyError);
  });
});

describe('assertKnownScope', () => {
  it('accepts a listed scope', () => {
    expect(() => assertKnownScope('llm', DEFAULT_SCOPES)).not.toThrow();
  });

  it.each(['other', 'LLM', 'work_loads', ''])('refuses %j', (scope) => {
    expect(() => assertKnownScope(scope, DEFAULT_SCOPES)).toThrow(UnknownScopeError);
  });
});

describe('legacyScopeOf', () => {
  it.each([
    ['BEARER_TOKEN_github', 'workloads'],
    ['registry-user-x', 'workloads'],
    ['REGISTRY_OAUTH_ab12', 'registry'],
    ['bearer_token_github', undefined],
    ['GITHUB_TOKEN', undefined],
    ['__thv_workloads_BEARER_TOKEN_x', undefined],
  ])('maps %s to %s', (key, scope) => {
    expect(legacyScopeOf(key)).toBe(scope);
  });
});

describe('configuration checks', () => {
  it('accepts the default scopes', () => {
    expect(scopeListProblems(DEFAULT_SCOPES)).toEqual([]);
  });

  it('reports a scope with an underscore', () => {
    expect(scopeListProblems(['work_loads'])).toHaveLength(1);
  });

  it('reports a duplicate scope', () => {
    expect(scopeListProblems(['auth', 'auth'])[0]).toContain('twice');
  });

  it('reports an empty scope list', () => {
    expect(scopeListProblems([])).toHaveLength(1);
  });

  it.each(['toolhive/', 'team-a/secrets/'])('accepts root %s', (root) => {
    expect(rootProblems(root)).toEqual([]);
  });

  it.each(['toolhive', '', '/', 'a b/', `${'a'.repeat(56)}/`])('reports root %j', (root) => {
    expect(rootProblems(root)).toHaveLength(1);
  });

  it('accepts the default legacy table against the default scopes', () => {
    expect(legacyTableProblems(DEFAULT_LEGACY_PREFIXES, DEFAULT_SCOPES)).toEqual([]);
  });

  it('reports a legacy row whose scope is not listed', () => {
    expect(legacyTableProblems([{ prefix: 'X_', scope: 'nope' }], DEFAULT_SCOPES)).toHaveLength(1);
  });

  it('reports a legacy row under the reserved prefix', () => {
    expect(legacyTableProblems([{ prefix: '__THV_x', scope: 'auth' }], DEFAULT_SCOPES)).toHaveLength(1);
  });
});

describe('rootProblems and the reserved prefix', () => {
  it.each(['__thv_/', '__THV_/', 'a__Thv_b/', 'team/__thV_/', 'x/y__tHV_/'])(
    'reports root %j, which holds the reserved prefix in some case',
    (root) => {
      expect(rootProblems(root)).toEqual([expect.stringContaining('reserved prefix')]);
    },
  );

  it.each(['__thv/', 'thv_/', '_thv_/', '__th_v_/', 'toolhive/thv/'])('accepts root %j', (root) => {
    expect(rootProblems(root)).toEqual([]);
  });

  it('refuses exactly the well-formed roots that hold __thv_ in any case', () => {
    const piece = fc.oneof(
      fc.string({
        unit: fc.constantFrom('a', 'Z', '0', '_', '-', '.', 't', 'h', 'v', 'T', 'H', 'V'),
        maxLength: 6,
      }),
      fc.constantFrom('__thv_', '__THV_', '__tHv_', '__Thv_', '_thv_', '__thv'),
    );
    const root = fc
      .array(
        fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join('')),
        { minLength: 1, maxLength: 3 },
      )
      .map((segments) => `${segments.join('/')}/`)
      .filter((r) => /^[A-Za-z0-9_+=.@-][A-Za-z0-9_+=.@/-]{0,54}\/$/.test(r));
    fc.assert(
      fc.property(root, (r) => {
        expect(rootProblems(r).length > 0).toBe(r.toLowerCase().includes('__thv_'));
      }),
      { numRuns: 1000 },
    );
  });
});
