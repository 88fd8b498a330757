/** The layering of docs/design.md §7: which folder may import which. */
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

/**
 * The arrows of docs/design.md §7, as the folders each top-level folder may import from (besides
 * itself): `core/` is shared by every room and imports none; what ships (`lib/`, the construct, and
 * the `lambda/` functions, bundled) reaches only into `core/`; the deployable app (`app/`) and the
 * desk (`local/`) sit above them. `bench/`, `scripts/` and `test/` may import anything.
 */
const ALLOWED: Record<string, string[]> = {
  core: [],
  lambda: ['core'],
  lib: ['core'],
  cli: ['core'],
  // The app rebuilds stale Lambda bundles before a synth in the clone (scripts/build-bundles.ts).
  app: ['core', 'lib', 'scripts'],
  // The desk runs the functions, and synthesizes the stack to enforce its IAM (§6) with the
  // build's settings (scripts/).
  local: ['core', 'lambda', 'lib', 'scripts'],
};

/** True for an import of zod's classic API, by any of its names. */
const isClassicZod = (specifier: string): boolean =>
  ['zod', 'zod/v4', 'zod/v3'].includes(specifier) || specifier.startsWith('zod/v4/classic');

describe('layering', () => {
  it('states an arrow for every top-level source folder', () => {
    const folders = readdirSync(repo, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .filter(
        (d) => !['node_modules', 'dist', 'docs', 'cdk.out', 'bench', 'scripts', 'test', 'bin'].includes(d),
      )
      .filter((d) => sources(d).length > 0);
    expect(folders.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder}/ imports from ${allowed.length === 0 ? 'no other folder' : allowed.map((d) => `${d}/`).join(', ')}`, () => {
      const files = sources(folder);
      expect(files.length).toBeGreaterThan(0);
      const offending = files.flatMap((f) =>
        importedFolders(f)
          .filter((d) => d !== folder && !allowed.includes(d))
          .map((d) => `${f} → ${d}/`),
      );
      expect(offending).toEqual([]);
    });
  }

  // What ships is compiled from these two folders alone; the functions and the CLI ship as bundles.
  it('the build compiles only core/ and lib/', () => {
    const build = JSON.parse(readFileSync(join(repo, 'tsconfig.build.json'), 'utf8'));
    expect(build.include).toEqual(['core', 'lib']);
  });

  it('sees an upward import when there is one', () => {
    const source =
      "import { x } from '../../lib/a.js';\nimport '../../cli/c.js';\nconst y = await import('../../local/b.js');";
    expect(importedFolders('lambda/http/x.ts', source)).toEqual(['lib', 'cli', 'local']);
  });

  // local/ is desk tooling, not in the published package ("files"): the evaluator may run there,
  // in the one file that wraps it, and nowhere that ships.
  it('keeps the IAM simulator (AGPL) out of shipped code and in one local file', () => {
    const users = ['core', 'lambda', 'lib', 'app', 'local', 'cli', 'bin'].flatMap((d) =>
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
    const users = ['core', 'lambda', 'lib', 'app', 'local', 'cli', 'bin'].flatMap((d) =>
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

  it('loads zod/mini, never zod’s classic API, in what runs at a cold start (functions, CLI)', () => {
    // The classic API answers to several names; the check must see each of them.
    expect(['zod', 'zod/v4', 'zod/v3', 'zod/v4/classic/external.js'].every(isClassicZod)).toBe(true);
    expect(['zod/mini', 'zod/v4/locales/en.js'].some(isClassicZod)).toBe(false);
    // Classic zod builds every schema with its whole method set and loads its locale: measured,
    // some 10 ms of every cold start (bench/REPORT.md, importRatio). The CDK app may use it.
    const classic = ['core', 'lambda', 'cli'].flatMap((d) =>
      sources(d).filter((f) => importSpecifiers(readFileSync(join(repo, f), 'utf8')).some(isClassicZod)),
    );
    expect(classic).toEqual([]);
  });
});
