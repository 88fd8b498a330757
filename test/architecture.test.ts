/** The layering of docs/design.md §7: arrows point down only. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers } from './support/imports.js';

const repo = join(import.meta.dirname, '..');
/** Every .ts file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(repo, join(e.parentPath, e.name)));
}

/** The repository paths a file imports, by relative specifier. */
function importedPaths(file: string, text = readFileSync(join(repo, file), 'utf8')): string[] {
  return importSpecifiers(text)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(repo, join(repo, file, '..', s)));
}

/** The top-level folders a file imports from. */
function importedFolders(file: string, text?: string): string[] {
  return importedPaths(file, text).map((p) => p.split('/')[0] ?? '');
}

const forbidden: Record<string, string[]> = {
  lambda: ['lib', 'local', 'cli', 'bin', 'test'],
  lib: ['local', 'cli', 'bin', 'test'],
  // local/ may import lib/: the desk synthesizes the stack to enforce its IAM (docs/design.md §6).
  local: ['cli', 'bin', 'test'],
  cli: ['lib', 'local', 'bin', 'test'],
};

describe('layering', () => {
  for (const [folder, banned] of Object.entries(forbidden)) {
    it(`${folder}/ imports none of ${banned.join(', ')}`, () => {
      const files = sources(folder);
      expect(files.length).toBeGreaterThan(0);
      const offending = files.flatMap((f) =>
        importedFolders(f)
          .filter((d) => banned.includes(d))
          .map((d) => `${f} → ${d}/`),
      );
      expect(offending).toEqual([]);
    });
  }

  // The CLI ships without the Lambda adapters: the key rules and the response schemas only, whose
  // imports are zod at most, so no AWS SDK client comes along.
  it('cli/ imports from lambda/ only the pure core and the HTTP schemas', () => {
    const allowed = (p: string) => p.startsWith('lambda/core/') || p === 'lambda/http/schemas.js';
    const offending = [...sources('cli'), 'lambda/http/schemas.ts'].flatMap((f) =>
      importedPaths(f)
        .filter((p) => p.startsWith('lambda/') && !allowed(p))
        .map((p) => `${f} → ${p}`),
    );
    expect(offending).toEqual([]);
  });

  it('sees an upward import when there is one', () => {
    const source =
      "import { x } from '../../lib/a.js';\nimport '../../cli/c.js';\nconst y = await import('../../local/b.js');";
    expect(importedFolders('lambda/http/x.ts', source)).toEqual(['lib', 'cli', 'local']);
  });

  // local/ is desk tooling, not in the published package ("files"): the evaluator may run there,
  // in the one file that wraps it, and nowhere that ships.
  it('keeps the IAM simulator (AGPL) out of shipped code and in one local file', () => {
    const users = ['lambda', 'lib', 'local', 'cli', 'bin'].flatMap((d) =>
      readdirSync(join(repo, d), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name))
        .map((e) => relative(repo, join(e.parentPath, e.name)))
        .filter((f) => readFileSync(join(repo, f), 'utf8').includes('@cloud-copilot/iam-simulate')),
    );
    expect(users).toEqual(['local/iam/evaluate.ts']);
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).not.toContain('@cloud-copilot/iam-simulate');
    expect(manifest.files.some((f: string) => f.startsWith('local') || f.startsWith('dist/local'))).toBe(
      false,
    );
  });

  it('keeps aws-local-stepfunctions (a dev dependency) to the local runner only', () => {
    const users = ['lambda', 'lib', 'local', 'cli', 'bin'].flatMap((d) =>
      readdirSync(join(repo, d), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name))
        .map((e) => relative(repo, join(e.parentPath, e.name)))
        .filter((f) =>
          importSpecifiers(readFileSync(join(repo, f), 'utf8')).includes('aws-local-stepfunctions'),
        ),
    );
    expect(users).toEqual(['local/migration/runner.ts']);
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).not.toContain('aws-local-stepfunctions');
  });
});
