/**
 * `secret export` / `scope <scope> export`: the dotenv quoting round-trips every value
 * (a shell reading the file back, checked with fast-check against a reader of the same POSIX
 * single-quote rules written here, and through real bash), JSON for any key, the 0600 file created
 * exclusively, and values kept out of every message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../cli/errors.js';
import { formatExport, shellQuote } from '../../cli/export-format.js';
import { run } from '../../cli/program.js';
import { fakeIo, stubFetch } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'thv-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllGlobals();
});

/**
 * Reads `KEY='…'` lines as a POSIX shell reads an assignment whose value is single-quoted words
 * and `\'` between them: inside quotes everything is literal up to the next `'`; outside, `\x` is x.
 */
function readShellAssignments(text: string): Map<string, string> {
  const values = new Map<string, string>();
  let at = 0;
  while (at < text.length) {
    const eq = text.indexOf('=', at);
    const key = text.slice(at, eq);
    let value = '';
    at = eq + 1;
    while (at < text.length && text[at] !== '\n') {
      if (text[at] === "'") {
        const close = text.indexOf("'", at + 1);
        if (close === -1) throw new Error('unterminated quote');
        value += text.slice(at + 1, close);
        at = close + 1;
      } else if (text[at] === '\\') {
        value += text[at + 1];
        at += 2;
      } else throw new Error(`unquoted character ${JSON.stringify(text[at])}`);
    }
    values.set(key, value);
    at += 1;
  }
  return values;
}

const envName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
/** Values full of what quoting gets wrong: quotes, newlines, $, backslashes, backquotes, any text. */
const nasty = fc.oneof(
  fc.string({
    unit: fc.constantFrom("'", '"', '\n', '\r', '$', '\\', '`', ' ', '#', '=', 'a', '$(x)', "\\'"),
  }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
);

describe('dotenv quoting', () => {
  it('round-trips any value through a POSIX single-quote reader', () => {
    fc.assert(
      fc.property(fc.dictionary(envName, nasty, { minKeys: 1 }), (entries) => {
        const values = new Map(Object.entries(entries));
        expect(readShellAssignments(formatExport(values, 'dotenv'))).toEqual(values);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any value through bash: set -a; . FILE', () => {
    // Environment values cannot hold NUL, so bash gets everything else.
    const noNul = nasty.map((v) => v.replaceAll('\0', ''));
    fc.assert(
      fc.property(fc.dictionary(envName, noNul, { minKeys: 1, maxKeys: 8 }), (entries) => {
        const values = new Map(
          Object.entries(entries).filter(
            ([k]) =>
              !/^(BASH|SHELL|PATH|HOME|PWD|IFS|PS\d|UID|EUID|PPID|OPT|SHLVL|_|RANDOM|SECONDS|LINENO|HOST|GROUPS|FUNCNAME|COMP|HIST|MAIL|TERM|LANG|LC_)/i.test(
                k,
              ),
          ),
        );
        const file = join(dir, 'roundtrip.env');
        writeFileSync(file, formatExport(values, 'dotenv'));
        const script = `set -a; . "$1"; set +a; exec "$2" -e 'const n=JSON.parse(process.argv[1]);process.stdout.write(JSON.stringify(n.map(k=>process.env[k])))' "$3"`;
        const out = execFileSync(
          'bash',
          ['-c', script, 'bash', file, process.execPath, JSON.stringify([...values.keys()])],
          {
            env: { PATH: process.env.PATH ?? '' },
          },
        );
        expect(JSON.parse(out.toString('utf8'))).toEqual([...values.values()]);
      }),
      { numRuns: 10 },
    );
  });

  it("writes a ' as '\\'' and nothing else specially", () => {
    expect(shellQuote(`it's $HOME\n"\\"`)).toBe(`'it'\\''s $HOME\n"\\"'`);
  });
});

describe('export against a stubbed broker', () => {
  const VALUES: Record<string, string> = { A: "value-a 'q' $x", B: 'line1\nline2', 'my-key': 'dash-value' };
  function broker(keys: string[]) {
    return stubFetch((request) => {
      if (request.method === 'GET')
        return Response.json({ keys: keys.map((key) => ({ key, updatedAt: '2026-01-01T00:00:00.000Z' })) });
      const body = JSON.parse(request.body ?? '{}') as { keys?: string[]; names?: string[] };
      const names = body.keys ?? body.names ?? [];
      return Response.json({ values: Object.fromEntries(names.map((n) => [n, VALUES[n] ?? `v-${n}`])) });
    });
  }

  it('prints every key as dotenv on stdout by default, sorted', async () => {
    // Prepare
    broker(['B', 'A']);
    const { io, stdout, stderr } = fakeIo();
    // Act
    const code = await run(['secret', 'export'], io);
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(stdout.text).toBe(`A='value-a '\\''q'\\'' $x'\nB='line1\nline2'\n`);
    expect(stderr.text).toBe('');
  });

  it('prints the --key ones only, as JSON for any key name', async () => {
    // Prepare
    const seen = broker(['A', 'B', 'my-key']);
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(
      ['scope', 'workloads', 'export', '--format', 'json', '--key', 'my-key', '--key', 'A'],
      io,
    );
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(JSON.parse(stdout.text)).toEqual({ A: VALUES.A, 'my-key': 'dash-value' });
    expect(seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual(['POST /v1/scopes/workloads/batch-get']);
  });

  it('refuses dotenv for keys that are not variable names, naming each, reading no value', async () => {
    // Prepare
    const seen = broker(['A', 'my-key', 'x.y']);
    const { io, stdout, stderr } = fakeIo();
    // Act
    const code = await run(['secret', 'export'], io);
    // Assess
    expect(code).toBe(EXIT.usage);
    expect(stderr.text).toContain('not valid variable names for dotenv: my-key, x.y');
    expect(stdout.text).toBe('');
    expect(seen.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('refuses an unknown --format', async () => {
    const { io, stderr } = fakeIo();
    expect(await run(['secret', 'export', '--format', 'yaml'], io)).toBe(EXIT.usage);
    expect(stderr.text).toContain('Allowed choices are dotenv, json');
  });

  it('writes --output as a new 0600 file, printing only the keys', async () => {
    // Prepare
    broker(['A', 'B']);
    const file = join(dir, 'new.env');
    const { io, stdout, stderr } = fakeIo();
    // Act
    const code = await run(['secret', 'export', '--output', file], io);
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readShellAssignments(readFileSync(file, 'utf8'))).toEqual(
      new Map([
        ['A', VALUES.A],
        ['B', VALUES.B],
      ]),
    );
    expect(stdout.text).toBe(`wrote 2 secrets to ${file} (dotenv, mode 0600)\n`);
    expect(stdout.text + stderr.text).not.toContain('value-a');
  });

  it('is 0600 even under a umask that would leave files readable to all', async () => {
    // Prepare
    broker(['A']);
    const file = join(dir, 'umask.env');
    const previous = process.umask(0);
    // Act
    try {
      expect(await run(['secret', 'export', '--output', file], fakeIo().io)).toBe(EXIT.ok);
    } finally {
      process.umask(previous);
    }
    // Assess
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite an existing file without --force, leaving it as it was', async () => {
    // Prepare
    broker(['A']);
    const file = join(dir, 'exists.env');
    writeFileSync(file, 'keep me', { mode: 0o644 });
    const { io, stderr } = fakeIo();
    // Act
    const code = await run(['secret', 'export', '--output', file], io);
    // Assess
    expect(code).toBe(EXIT.usage);
    expect(stderr.text).toContain('exists: pass --force to replace it');
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('does not write through a symlink at the path', async () => {
    // Prepare
    broker(['A']);
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'untouched');
    const link = join(dir, 'link.env');
    symlinkSync(target, link);
    // Act
    const code = await run(['secret', 'export', '--output', link], fakeIo().io);
    // Assess
    expect(code).toBe(EXIT.usage);
    expect(readFileSync(target, 'utf8')).toBe('untouched');
  });

  it('replaces an existing file with a new 0600 one under --force', async () => {
    // Prepare
    broker(['A']);
    const file = join(dir, 'replace.env');
    writeFileSync(file, 'old', { mode: 0o644 });
    // Act
    const code = await run(
      ['secret', 'export', '--format', 'json', '--output', file, '--force'],
      fakeIo().io,
    );
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ A: VALUES.A });
  });

  it('names the path, never a value, when the file cannot be written', async () => {
    // Prepare
    broker(['A']);
    const file = join(dir, 'no-such-dir', 'x.env');
    const { io, stdout, stderr } = fakeIo();
    // Act
    const code = await run(['secret', 'export', '--output', file], io);
    // Assess
    expect(code).toBe(EXIT.usage);
    expect(stderr.text).toBe(`thv-broker: cannot write ${file}: ENOENT\n`);
    expect(stdout.text).toBe('');
  });
});
