/**
 * `thv-broker exec`'s command line: the lists of `--secret` / `--scope-secret` (ToolHive's
 * `NAME,target=ENV` as the one-item case), variable naming (`--toolhive` as ToolHive reads it),
 * whole targets, and the batch reads they become.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkMappings, nameVariables, parseSecretList } from '../../cli/commands/exec-spec.js';
import { UsageError } from '../../cli/errors.js';
import { run } from '../../cli/program.js';
import { MAX_BATCH_GET_KEYS } from '../../core/bulk.js';
import { fakeIo, stubFetch } from './support.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

const user = { kind: 'user' } as const;
const scope = (name: string) => ({ kind: 'scope', scope: name }) as const;

describe('parseSecretList', () => {
  it("reads ToolHive's NAME,target=ENV", () => {
    expect(parseSecretList('GITHUB_TOKEN,target=GH_TOKEN', '--secret')).toEqual([
      { target: user, name: 'GITHUB_TOKEN', env: 'GH_TOKEN' },
    ]);
  });

  it('reads a list, each name with or without its own target', () => {
    expect(parseSecretList('A,B,target=X,C', '--secret')).toEqual([
      { target: user, name: 'A' },
      { target: user, name: 'B', env: 'X' },
      { target: user, name: 'C' },
    ]);
  });

  it('reads a scope list: names without SCOPE: take the scope before them', () => {
    expect(parseSecretList('workloads:A,target=T,B,registry:C,D', '--scope-secret')).toEqual([
      { target: scope('workloads'), name: 'A', env: 'T' },
      { target: scope('workloads'), name: 'B' },
      { target: scope('registry'), name: 'C' },
      { target: scope('registry'), name: 'D' },
    ]);
  });

  it('keeps an = in a name (a valid key character) that does not start with target=', () => {
    expect(parseSecretList('a=b,target=X', '--secret')).toEqual([{ target: user, name: 'a=b', env: 'X' }]);
  });

  it.each([
    ['an empty target', 'NAME,target=', '--secret'],
    ['a target starting with a digit', 'NAME,target=1X', '--secret'],
    ['a target with a dash', 'NAME,target=GH-TOKEN', '--secret'],
    ['a target first', 'target=X', '--secret'],
    ['two targets for one name', 'A,target=X,target=Y', '--secret'],
    ['an empty name', ',target=X', '--secret'],
    ['a trailing comma', 'A,', '--secret'],
    ['no scope first', 'NAME,target=X', '--scope-secret'],
    ['an empty scope', ':NAME', '--scope-secret'],
    ['an empty scoped name', 'workloads:,target=X', '--scope-secret'],
  ] as const)('refuses %s', (_what, spec, option) => {
    expect(() => parseSecretList(spec, option)).toThrow(UsageError);
  });
});

describe('nameVariables', () => {
  it('names a secret after itself unless target= names it', () => {
    expect(nameVariables(parseSecretList('A,B,target=X', '--secret'), false).map((m) => m.env)).toEqual([
      'A',
      'X',
    ]);
  });

  it('refuses names that are not variable names, listing every one, unless target= names them', () => {
    const requests = parseSecretList('ok,a-b,c.d,e@f,target=E', '--secret');
    expect(() => nameVariables(requests, false)).toThrow(
      /not valid environment variable names .*: a-b, c\.d; give each a variable with NAME,target=ENV, or pass --toolhive/,
    );
  });

  it('names every variable TOOLHIVE_SECRET_<name> with --toolhive, the name verbatim', () => {
    expect(
      nameVariables(parseSecretList('GITHUB_TOKEN,my-key.v2@x,lower', '--secret'), true).map((m) => m.env),
    ).toEqual(['TOOLHIVE_SECRET_GITHUB_TOKEN', 'TOOLHIVE_SECRET_my-key.v2@x', 'TOOLHIVE_SECRET_lower']);
  });

  it('refuses target= with --toolhive (the name is what ToolHive looks up)', () => {
    expect(() => nameVariables(parseSecretList('A,target=X', '--secret'), true)).toThrow(/drop target=/);
  });

  it('refuses a name holding = with --toolhive (an environment entry is NAME=VALUE)', () => {
    expect(() => nameVariables(parseSecretList('a=b', '--secret'), true)).toThrow(/names with "=".*a=b/);
  });
});

describe('checkMappings', () => {
  it('refuses two secrets for one variable', () => {
    const mappings = nameVariables(
      [...parseSecretList('A,target=X', '--secret'), ...parseSecretList('s:B,target=X', '--scope-secret')],
      false,
    );
    expect(() => checkMappings(mappings)).toThrow(/target X is given more than once/);
  });

  it('refuses one name of two targets under the same variable', () => {
    const mappings = nameVariables(
      [...parseSecretList('A', '--secret'), ...parseSecretList('s:A', '--scope-secret')],
      false,
    );
    expect(() => checkMappings(mappings)).toThrow(/target A is given more than once/);
  });

  it('keeps one of a secret asked for twice under the same variable', () => {
    const mappings = nameVariables(parseSecretList('A,A', '--secret'), false);
    expect(checkMappings(mappings)).toEqual([{ target: user, name: 'A', env: 'A' }]);
  });

  it('accepts one name under two variables', () => {
    const mappings = nameVariables(parseSecretList('A,target=X,A,target=Y', '--secret'), false);
    expect(checkMappings(mappings)).toHaveLength(2);
  });
});

describe('exec against a stubbed broker', () => {
  /** Answers listings with `keys` and batch reads with `v-<name>` for every name asked. */
  function broker(keys: Record<string, string[]>) {
    return stubFetch((request) => {
      const path = request.url.pathname;
      if (request.method === 'GET') {
        const target = path === '/v1/secrets' ? 'user' : (path.split('/')[3] ?? '');
        const all = keys[target] ?? [];
        return Response.json({ keys: all.map((key) => ({ key, updatedAt: '2026-01-01T00:00:00.000Z' })) });
      }
      const body = JSON.parse(request.body ?? '{}') as { keys?: string[]; names?: string[] };
      const names = body.keys ?? body.names ?? [];
      return Response.json({ values: Object.fromEntries(names.map((n) => [n, `v-${n}`])) });
    });
  }
  const printEnv = (...names: string[]) => [
    '--',
    process.execPath,
    '-e',
    `for (const n of ${JSON.stringify(names)}) console.log(n + '=' + process.env[n])`,
  ];

  it('reads a list of keys per flag with one request, each as its own variable', async () => {
    // Prepare
    const seen = broker({});
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(
      ['exec', '--secret', 'A,B,target=X', '--secret', 'C', ...printEnv('A', 'X', 'C')],
      io,
    );
    // Assess
    expect(code, stdout.text).toBe(0);
    expect(stdout.text).toBe('A=v-A\nX=v-B\nC=v-C\n');
    expect(seen.map((r) => [r.url.pathname, JSON.parse(r.body ?? '{}')])).toEqual([
      ['/v1/batch-get', { keys: ['A', 'B', 'C'] }],
    ]);
  });

  it('reads every key of a scope with --scope-all, one batch read per 100 names', async () => {
    // Prepare
    const names = Array.from({ length: MAX_BATCH_GET_KEYS + 5 }, (_, i) => `K${i}`);
    const seen = broker({ workloads: names });
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(['exec', '--scope-all', 'workloads', ...printEnv('K0', 'K104')], io);
    // Assess
    expect(code, stdout.text).toBe(0);
    expect(stdout.text).toBe('K0=v-K0\nK104=v-K104\n');
    const reads = seen.filter((r) => r.method === 'POST');
    expect(reads.map((r) => r.url.pathname)).toEqual([
      '/v1/scopes/workloads/batch-get',
      '/v1/scopes/workloads/batch-get',
    ]);
    expect(reads.map((r) => (JSON.parse(r.body ?? '{}') as { names: string[] }).names.length)).toEqual([
      MAX_BATCH_GET_KEYS,
      5,
    ]);
  });

  it('reads every user key with --all-secrets', async () => {
    // Prepare
    broker({ user: ['A', 'B'] });
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(['exec', '--all-secrets', ...printEnv('A', 'B')], io);
    // Assess
    expect(code, stdout.text).toBe(0);
    expect(stdout.text).toBe('A=v-A\nB=v-B\n');
  });

  it('refuses a whole scope holding names that are not variables, naming them, without --toolhive', async () => {
    // Prepare
    const seen = broker({ workloads: ['OK', 'my-key'] });
    const { io, stdout, stderr } = fakeIo();
    // Act
    const code = await run(['exec', '--scope-all', 'workloads', ...printEnv('OK')], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr.text).toContain('my-key');
    expect(stdout.text).toBe('');
    expect(seen.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('sets TOOLHIVE_SECRET_<name> for every key of a scope with --toolhive', async () => {
    // Prepare
    broker({ workloads: ['my-key.v2@x'] });
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(
      ['exec', '--toolhive', '--scope-all', 'workloads', ...printEnv('TOOLHIVE_SECRET_my-key.v2@x')],
      io,
    );
    // Assess
    expect(code, stdout.text).toBe(0);
    expect(stdout.text).toBe('TOOLHIVE_SECRET_my-key.v2@x=v-my-key.v2@x\n');
  });
});

describe('exec --help', () => {
  it('shows the list syntax and examples', async () => {
    // Prepare
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(['exec', '--help'], io);
    // Assess
    expect(code).toBe(0);
    expect(stdout.text).toContain('--secret <NAME[,target=ENV][,NAME...]>');
    expect(stdout.text).toContain('thv-broker exec --secret GITHUB_TOKEN,target=GH_TOKEN -- ');
    expect(stdout.text).toContain('--scope-all <scope>');
    expect(stdout.text).toContain('--toolhive');
  });
});
