/**
 * What a new user sees: every subcommand's help shows the global options, and a listing for people
 * is sorted with a header row (scripts get JSON in the broker's order).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/program.js';
import { fakeIo, stubFetch } from './support.js';

const GLOBAL_OPTIONS = ['--endpoint <url>', '--region <region>', '--json'];

describe('subcommand help', () => {
  it.each([
    [['secret', 'list', '--help']],
    [['secret', 'get', '--help']],
    [['secret', 'set', '--help']],
    [['secret', 'delete', '--help']],
    [['secret', '--help']],
    [['scope', 'workloads', 'list', '--help']],
    [['scope', 'workloads', 'cleanup', '--help']],
    [['scope', '--help']],
  ])('%j shows the global options', async (argv) => {
    // Prepare
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(argv, io);
    // Assess
    expect(code).toBe(0);
    for (const option of GLOBAL_OPTIONS) expect(stdout.text).toContain(option);
  });

  it('names the scope in the usage line of a scope subcommand', async () => {
    // Prepare
    const { io, stdout } = fakeIo();
    // Act
    await run(['scope', 'workloads', 'get', '--help'], io);
    // Assess
    expect(stdout.text).toMatch(/^Usage: thv-broker scope workloads get \[options\] <name>$/m);
  });
});

describe('listing for people', () => {
  const keys = ['b-key', 'A_KEY', 'a.key', 'Z', '_under'].map((key) => ({
    key,
    updatedAt: '2026-12-01T00:00:00Z',
  }));

  beforeEach(() => {
    stubFetch(() => Response.json({ keys }));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each([[['secret', 'list']], [['scope', 'workloads', 'list']]])(
    '%j prints a header row, then the keys sorted',
    async (argv) => {
      // Prepare
      const { io, stdout } = fakeIo();
      // Act
      await run(argv, io);
      // Assess
      const lines = stdout.text.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^KEY +UPDATED +DESCRIPTION$/);
      expect(lines.slice(1).map((line) => line.split(' ')[0])).toEqual([
        'A_KEY',
        'Z',
        '_under',
        'a.key',
        'b-key',
      ]);
    },
  );

  it('prints only the header row for an empty listing', async () => {
    // Prepare
    vi.unstubAllGlobals();
    stubFetch(() => Response.json({ keys: [] }));
    const { io, stdout } = fakeIo();
    // Act
    await run(['secret', 'list'], io);
    // Assess
    expect(stdout.text).toBe('KEY  UPDATED  DESCRIPTION\n');
  });

  it('keeps the broker order and no header in JSON', async () => {
    // Prepare
    const { io, stdout } = fakeIo();
    // Act
    await run(['--json', 'secret', 'list'], io);
    // Assess
    expect(JSON.parse(stdout.text)).toEqual({ keys });
  });
});
