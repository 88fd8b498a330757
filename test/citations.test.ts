/**
 * Every citation in the code, the tests and the docs resolves inside the repository: a cited
 * `docs/…` page exists, a cited `docs/design.md §N` is a section of it, a relative Markdown link
 * names a file that exists, and nothing cites what a clone does not contain (the design notes,
 * tooling notes or issue numbers of the team's tracker).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', 'dist', 'cdk.out', '.git']);

/** Every tracked-looking text file of the repository (sources, docs, configs). */
function textFiles(dir = repo): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name) || e.name.startsWith('.cdk.out') || e.name.startsWith('.vitest')) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return textFiles(path);
    return /\.(ts|js|mjs|md|json)$/.test(e.name) && e.name !== 'package-lock.json'
      ? [relative(repo, path)]
      : [];
  });
}

const files = textFiles();
const read = (file: string) => readFileSync(join(repo, file), 'utf8');
const designSections = new Set([...read('docs/design.md').matchAll(/^## §(\d+)\./gm)].map((m) => m[1] ?? ''));

/** `[what, where]` for each match of `pattern` in every file but the ones `except` names. */
function citations(pattern: RegExp, except: (file: string) => boolean = () => false): [string, string][] {
  return files
    .filter((f) => !except(f) && f !== 'test/citations.test.ts')
    .flatMap((f) => [...read(f).matchAll(pattern)].map((m): [string, string] => [m[1] ?? m[0], f]));
}

describe('citations', () => {
  it('finds the design sections and files to check', () => {
    expect([...designSections].sort()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(files.length).toBeGreaterThan(100);
  });

  it('cites only design sections that exist', () => {
    const cited = citations(/docs\/design\.md §(\d+)/g);
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter(([n]) => !designSections.has(n))).toEqual([]);
  });

  it('cites only docs pages that exist', () => {
    const cited = citations(/\bdocs\/([a-z-]+\.md)/g);
    expect(cited.filter(([page]) => !existsSync(join(repo, 'docs', page)))).toEqual([]);
  });

  it('links, in Markdown, only to files that exist', () => {
    const links = files
      .filter((f) => f.endsWith('.md'))
      .flatMap((f) =>
        [...read(f).matchAll(/\]\(([^)#\s]+)(#[^)\s]*)?\)/g)]
          .map((m) => m[1] ?? '')
          .filter((target) => !/^[a-z]+:/.test(target))
          .map((target): [string, string] => [target, f]),
      );
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter(([target, f]) => !existsSync(join(repo, dirname(f), target)))).toEqual([]);
  });

  it('cites nothing a clone does not contain', () => {
    const outside = citations(
      /\b(DESIGN(?:\.md)? ?§\d*|TOOLING\.md|STYLE\.md|[Ii]ssue #?\d+)/g,
      (f) => f === 'CHANGELOG.md',
    );
    expect(outside).toEqual([]);
  });
});
