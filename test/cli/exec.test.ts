/** `thv-broker exec`'s command line: the ToolHive `--secret NAME,target=ENV` syntax and its checks. */
import { describe, expect, it } from 'vitest';
import { checkMappings, parseSecretSpec } from '../../cli/commands/exec.js';
import { UsageError } from '../../cli/errors.js';
import { run } from '../../cli/program.js';
import { MAX_BATCH_GET_KEYS } from '../../lambda/core/bulk.js';
import { fakeIo } from './support.js';

describe('parseSecretSpec', () => {
  it('reads a user secret and its variable', () => {
    // Act / Assess
    expect(parseSecretSpec('GITHUB_TOKEN,target=GH_TOKEN', '--secret')).toEqual({
      target: { kind: 'user' },
      name: 'GITHUB_TOKEN',
      env: 'GH_TOKEN',
    });
  });

  it('reads a scope secret, splitting at the first colon', () => {
    // Act / Assess
    expect(parseSecretSpec('workloads:BEARER_TOKEN_x,target=TOKEN', '--scope-secret')).toEqual({
      target: { kind: 'scope', scope: 'workloads' },
      name: 'BEARER_TOKEN_x',
      env: 'TOKEN',
    });
  });

  it('keeps an = in the name (a valid key character)', () => {
    // Act / Assess
    expect(parseSecretSpec('a=b,target=X', '--secret').name).toBe('a=b');
  });

  it.each([
    ['no target', 'NAME', '--secret'],
    ['an empty target', 'NAME,target=', '--secret'],
    ['another option than target', 'NAME,env=X', '--secret'],
    ['a target starting with a digit', 'NAME,target=1X', '--secret'],
    ['a target with a dash', 'NAME,target=GH-TOKEN', '--secret'],
    ['an empty name', ',target=X', '--secret'],
    ['no scope', 'NAME,target=X', '--scope-secret'],
    ['an empty scoped name', 'workloads:,target=X', '--scope-secret'],
  ] as const)('refuses %s', (_what, spec, option) => {
    // Act / Assess
    expect(() => parseSecretSpec(spec, option)).toThrow(UsageError);
  });
});

describe('checkMappings', () => {
  it('refuses two secrets for one variable', () => {
    // Prepare
    const mappings = [
      parseSecretSpec('A,target=X', '--secret'),
      parseSecretSpec('s:B,target=X', '--scope-secret'),
    ];
    // Act / Assess
    expect(() => checkMappings(mappings)).toThrow(/target X is given more than once/);
  });

  it('accepts one name under two variables', () => {
    // Prepare
    const mappings = [parseSecretSpec('A,target=X', '--secret'), parseSecretSpec('A,target=Y', '--secret')];
    // Act / Assess
    expect(() => checkMappings(mappings)).not.toThrow();
  });

  it('takes as many distinct names as one request does, and refuses one more', () => {
    // Prepare
    const names = (n: number) =>
      Array.from({ length: n }, (_, i) => parseSecretSpec(`K${i},target=V${i}`, '--secret'));
    // Act / Assess
    expect(() => checkMappings(names(MAX_BATCH_GET_KEYS))).not.toThrow();
    expect(() => checkMappings(names(MAX_BATCH_GET_KEYS + 1))).toThrow(UsageError);
  });
});

describe('exec --help', () => {
  it('shows the syntax and an example', async () => {
    // Prepare
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(['exec', '--help'], io);
    // Assess
    expect(code).toBe(0);
    expect(stdout.text).toContain('--secret <NAME,target=ENV>');
    expect(stdout.text).toContain('thv-broker exec --secret GITHUB_TOKEN,target=GH_TOKEN -- ');
  });
});
