/**
 * The package's runtime dependencies are exactly what its two shipped entry points import at run
 * time: the construct (lib/index.ts, with the lambda/ modules it reads constants from) and the CLI
 * (cli/main.ts). The Lambda code is bundled and Lambda provides the AWS SDK, so nothing a handler
 * imports needs to be a dependency. Read from the sources, so no build is needed to check it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
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

  it('every dependency is imported by the construct or the CLI, and nothing else is one', () => {
    const used = new Set([...construct, ...cli]);
    // A dependency that a used package declares as its peer (commander for its typings) is used too.
    for (const name of [...used]) {
      const own = JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as {
        peerDependencies?: Record<string, string>;
      };
      for (const peer of Object.keys(own.peerDependencies ?? {})) used.add(peer);
    }
    expect(Object.keys(manifest.dependencies).filter((name) => !used.has(name))).toEqual([]);
    expect(
      [...cli].filter((name) => !(name in manifest.dependencies) && !(name in manifest.peerDependencies)),
    ).toEqual([]);
  });
});
