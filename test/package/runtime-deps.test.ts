/**
 * The package's runtime dependencies are exactly what the construct (lib/index.ts, with the
 * lambda/ modules it reads constants from) imports at run time. The CLI (cli/main.ts) and the Lambda
 * code are bundled (Lambda provides the AWS SDK), so nothing only they import is a dependency. Read from the sources, so no build is needed to check it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

// A value import or re-export (`import type` and `export type` are erased), static or dynamic.
const IMPORT =
  /^\s*(?:import|export)\s+(?!type\s)[^;'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Packages (by name) that `entry` reaches at run time through its relative imports. */
function packagesReached(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (match[1] ?? match[2]) as string;
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
      else if (!spec.startsWith('node:'))
        packages.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  walk(join(REPO, entry));
  return packages;
}

describe('runtime dependencies', () => {
  const construct = packagesReached('lib/index.ts');
  const cli = packagesReached('cli/main.ts');

  it('the construct reaches only its peers and declared dependencies (no AWS SDK client)', () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.peerDependencies),
    ]);
    expect([...construct].filter((name) => !declared.has(name))).toEqual([]);
    expect([...construct].filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
  });

  it('every dependency is imported by the construct, and nothing else is one', () => {
    expect(Object.keys(manifest.dependencies).filter((name) => !construct.has(name))).toEqual([]);
  });

  it('the CLI needs no dependency of its own: the packages it imports are bundled into it', () => {
    // The CLI bundle (scripts/build-bundles.ts) carries commander and the AWS SDK clients, so a
    // consumer of the construct never installs them; they are build-time (dev) dependencies.
    const onlyCli = [...cli].filter((name) => !construct.has(name));
    expect(onlyCli.length).toBeGreaterThan(0);
    expect(onlyCli.filter((name) => name in manifest.dependencies)).toEqual([]);
    expect(onlyCli.filter((name) => !(name in manifest.devDependencies))).toEqual([]);
  });
});
