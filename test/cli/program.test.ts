/**
 * The command line in-process, against a stubbed fetch: argument handling, value input, cleanup
 * confirmation, listing pagination, output formats and the exit codes they end with.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { restoreDoubleDash } from '../../cli/commands/scope.js';
import { EXIT } from '../../cli/errors.js';
import { redactOptionValues, run } from '../../cli/program.js';
import { FakeTty, fakeIo, type SeenRequest, stubFetch } from './support.js';

let seen: SeenRequest[];
let respond: (request: SeenRequest) => Response;

beforeEach(() => {
  respond = () => Response.json({ key: 'K', version: 'v1' }, { status: 201 });
  seen = stubFetch((request) => respond(request));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const bodyOf = (i: number) => JSON.parse(seen[i]?.body ?? 'null') as unknown;

describe('secret set', () => {
  it('writes the piped value without its trailing newline', async () => {
    // Prepare
    const { io, stdout } = fakeIo({ input: 'piped-value\n' });
    // Act
    const code = await run(['secret', 'set', 'K'], io);
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(bodyOf(0)).toEqual({ value: 'piped-value' });
    expect(stdout.text).toBe('created K (version v1)\n');
  });

  it('writes a value typed at a hidden prompt when stdin is a terminal', async () => {
    // Prepare
    const tty = new FakeTty();
    const { io, stderr } = fakeIo({ tty });
    // Act
    const done = run(['secret', 'set', 'K'], io);
    await vi.waitFor(() => expect(stderr.text).toContain('Value for K'));
    tty.write('typed-value\r');
    // Assess
    expect(await done).toBe(EXIT.ok);
    expect(bodyOf(0)).toEqual({ value: 'typed-value' });
    expect(stderr.text).not.toContain('typed-value');
  });

  it('refuses stdin that is not UTF-8 text, sending nothing', async () => {
    // Prepare
    const { io, stderr } = fakeIo({ input: Buffer.from([0xff, 0xfe, 0x00]) });
    // Act
    const code = await run(['secret', 'set', 'K'], io);
    // Assess
    expect(code).toBe(EXIT.usage);
    expect(stderr.text).toContain('not UTF-8');
    expect(seen).toEqual([]);
  });

  it('refuses a value in argv before reading stdin or sending anything', async () => {
    // Prepare
    const { io, stderr } = fakeIo({ input: 'piped' });
    // Act
    const code = await run(['secret', 'set', 'K', 'argv-value'], io);
    // Assess
    expect(code).toBe(EXIT.usage);
    expect(stderr.text).toContain('pipe it on stdin');
    expect(stderr.text).not.toContain('argv-value');
    expect(seen).toEqual([]);
  });

  it('sends the description', async () => {
    // Prepare
    const { io } = fakeIo({ input: 'v' });
    // Act
    await run(['secret', 'set', 'K', '--description', 'for CI'], io);
    // Assess
    expect(bodyOf(0)).toEqual({ value: 'v', description: 'for CI' });
  });
});

describe('secret get', () => {
  beforeEach(() => {
    respond = () => Response.json({ key: 'K', value: 'the-value', version: '1', updatedAt: 't' });
  });

  it('prints the bare value when stdout is a pipe', async () => {
    // Prepare
    const { io, stdout } = fakeIo();
    // Act
    await run(['secret', 'get', 'K'], io);
    // Assess
    expect(stdout.text).toBe('the-value');
  });

  it('ends the value with a newline on a terminal', async () => {
    // Prepare
    const { io, stdout } = fakeIo({ ttyOut: true });
    // Act
    await run(['secret', 'get', 'K'], io);
    // Assess
    expect(stdout.text).toBe('the-value\n');
  });
});

describe('secret list', () => {
  const page = (keys: string[], next?: string) =>
    Response.json({
      keys: keys.map((key) => ({ key, updatedAt: '2026-11-30T00:00:00Z' })),
      next,
    });

  it('follows next through empty pages until the last page', async () => {
    // Prepare
    respond = (request) => {
      const next = request.url.searchParams.get('next');
      if (next === null) return page(['A', 'B'], 't1');
      if (next === 't1') return page([], 't2');
      return page(['C']);
    };
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(['--json', 'secret', 'list'], io);
    // Assess
    expect(code).toBe(EXIT.ok);
    expect((JSON.parse(stdout.text) as { keys: { key: string }[] }).keys.map((k) => k.key)).toEqual([
      'A',
      'B',
      'C',
    ]);
    expect(seen.map((s) => s.url.searchParams.get('next'))).toEqual([null, 't1', 't2']);
  });

  it('asks for no more than --limit and stops there', async () => {
    // Prepare
    respond = (request) =>
      page(['A', 'B', 'C'].slice(0, Number(request.url.searchParams.get('limit'))), 'more');
    const { io, stdout } = fakeIo();
    // Act
    await run(['secret', 'list', '--limit', '2'], io);
    // Assess
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url.searchParams.get('limit')).toBe('2');
    expect(stdout.text.trim().split('\n')).toHaveLength(3); // the header row and two keys
  });

  it('fails with exit 4 when the server repeats a page token', async () => {
    // Prepare
    respond = () => page(['A'], 'same');
    const { io, stderr } = fakeIo();
    // Act
    const code = await run(['secret', 'list'], io);
    // Assess
    expect(code).toBe(EXIT.failed);
    expect(stderr.text).toContain('repeated a page token');
  });

  it.each(['0', '-1', '1.5', 'ten'])('refuses --limit %s as a usage error', async (limit) => {
    // Prepare
    const { io } = fakeIo();
    // Act
    const code = await run(['secret', 'list', '--limit', limit], io);
    // Assess
    expect(code).toBe(EXIT.usage);
    expect(seen).toEqual([]);
  });

  it('prints a header row and aligned columns, sorted by key, for people', async () => {
    // Prepare
    respond = () =>
      Response.json({
        keys: [
          { key: 'LONG_KEY', updatedAt: 't1', description: 'd' },
          { key: 'K', updatedAt: 't2' },
        ],
      });
    const { io, stdout } = fakeIo();
    // Act
    await run(['secret', 'list'], io);
    // Assess
    expect(stdout.text).toBe('KEY       UPDATED  DESCRIPTION\nK         t2\nLONG_KEY  t1       d\n');
  });
});

describe('scope', () => {
  it("routes the scope commands to the scope's paths", async () => {
    // Prepare
    respond = () => Response.json({ key: 'N', value: 'v', version: '1', updatedAt: 't' });
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(['scope', 'workloads', 'get', 'N'], io);
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(seen[0]?.url.pathname).toBe('/v1/scopes/workloads/secrets/N');
    expect(stdout.text).toBe('v');
  });

  it('takes a name that starts with a dash after --', async () => {
    // Prepare
    respond = () => new Response(null, { status: 204 });
    const { io } = fakeIo();
    // Act
    const code = await run(['scope', 'auth', 'delete', '--', '-dash'], io);
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(seen[0]?.url.pathname).toBe('/v1/scopes/auth/secrets/-dash');
  });

  it('accepts global options after the scope command', async () => {
    // Prepare
    respond = () => Response.json({ deleted: 2 });
    const { io, stdout } = fakeIo();
    // Act
    await run(['scope', 'llm', 'cleanup', '--yes', '--json', '--endpoint', 'http://localhost:9999'], io);
    // Assess
    expect(seen[0]?.url.href).toBe('http://localhost:9999/v1/scopes/llm/secrets');
    expect(JSON.parse(stdout.text)).toEqual({ scope: 'llm', deleted: 2 });
  });

  it('cleans up after the scope name is typed at the terminal', async () => {
    // Prepare
    respond = () => Response.json({ deleted: 1 });
    const tty = new FakeTty();
    const { io, stderr } = fakeIo({ tty });
    // Act
    const done = run(['scope', 'registry', 'cleanup'], io);
    await vi.waitFor(() => expect(stderr.text).toContain('Type the scope name'));
    tty.write('registry\n');
    // Assess
    expect(await done).toBe(EXIT.ok);
    expect(seen.map((s) => s.method)).toEqual(['DELETE']);
  });

  it('aborts a cleanup when the typed name does not match, deleting nothing', async () => {
    // Prepare
    const tty = new FakeTty();
    const { io, stderr } = fakeIo({ tty });
    // Act
    const done = run(['scope', 'registry', 'cleanup'], io);
    await vi.waitFor(() => expect(stderr.text).toContain('Type the scope name'));
    tty.write('y\n');
    // Assess
    expect(await done).toBe(EXIT.usage);
    expect(seen).toEqual([]);
  });

  it('shows the scope help with exit 0', async () => {
    // Prepare
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(['scope', '--help'], io);
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(stdout.text).toContain('thv-broker scope <scope> <command>');
  });
});

describe('global options', () => {
  it('uses THV_BROKER_ENDPOINT when --endpoint is absent', async () => {
    // Prepare
    respond = () => Response.json({ keys: [] });
    const { io } = fakeIo({ env: { THV_BROKER_ENDPOINT: 'http://127.0.0.1:1234' } });
    // Act
    await run(['secret', 'list'], io);
    // Assess
    expect(seen[0]?.url.origin).toBe('http://127.0.0.1:1234');
  });

  it('refuses a plain-http endpoint off this machine with exit 1', async () => {
    // Prepare
    const { io, stderr } = fakeIo();
    // Act
    const code = await run(['--endpoint', 'http://broker.example.com', 'secret', 'list'], io);
    // Assess
    expect(code).toBe(EXIT.usage);
    expect(stderr.text).toContain('use https://');
    expect(seen).toEqual([]);
  });
});

describe('--json errors', () => {
  const lastLine = (text: string) => JSON.parse(text.trim().split('\n').at(-1) ?? '') as unknown;

  it.each([
    ['usage', ['--json', 'secret', 'set', 'K', 'argv-value'], EXIT.usage],
    ['invalid_key', ['--json', 'secret', 'get', '..'], EXIT.refused],
    ['transport', ['--json', 'secret', 'list'], EXIT.failed],
  ])('names the error %s on stderr for scripts', async (error, argv, exitCode) => {
    // Prepare
    respond = () => {
      throw new TypeError('fetch failed');
    };
    const { io, stderr } = fakeIo({ input: 'v' });
    // Act
    const code = await run(argv, io);
    // Assess
    expect(code).toBe(exitCode);
    expect(lastLine(stderr.text)).toEqual({ error, message: expect.any(String) });
  });

  it('names an interrupted prompt interrupted', async () => {
    // Prepare
    const tty = new FakeTty();
    const { io, stderr } = fakeIo({ tty });
    // Act
    const done = run(['--json', 'secret', 'set', 'K'], io);
    await vi.waitFor(() => expect(stderr.text).toContain('Value for K'));
    tty.write('\u0003');
    // Assess
    expect(await done).toBe(EXIT.interrupted);
    expect(lastLine(stderr.text)).toEqual({ error: 'interrupted', message: 'interrupted' });
    expect(seen).toEqual([]);
  });
});

describe('redactOptionValues', () => {
  it('keeps the option name and drops what follows =', () => {
    expect(redactOptionValues("error: unknown option '--token=s3cr3t'\n")).toBe(
      "error: unknown option '--token=…'\n",
    );
  });

  it('leaves messages without an = value alone', () => {
    expect(redactOptionValues("error: unknown option '--token'\n")).toBe("error: unknown option '--token'\n");
  });
});

describe('restoreDoubleDash', () => {
  it('puts back a -- that commander dropped before trailing operands', () => {
    expect(restoreDoubleDash(['auth', 'get', '-x'], ['scope', 'auth', 'get', '--', '-x'])).toEqual([
      'auth',
      'get',
      '--',
      '-x',
    ]);
  });

  it('leaves arguments alone when there was no --', () => {
    expect(restoreDoubleDash(['auth', 'get', 'x'], ['scope', 'auth', 'get', 'x'])).toEqual([
      'auth',
      'get',
      'x',
    ]);
  });
});
