import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const coreDir = join(import.meta.dirname, '../../lambda/core');
const importPattern =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module specifier a source file imports or re-exports. */
function specifiers(source: string): string[] {
  return [...source.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? '');
}

describe('lambda/core purity', () => {
  const files = readdirSync(coreDir).filter((f) => f.endsWith('.ts'));

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it.each(files)('%s imports only sibling core modules', (file) => {
    const imported = specifiers(readFileSync(join(coreDir, file), 'utf8'));
    expect(imported.filter((s) => !s.startsWith('./'))).toEqual([]);
  });

  it('the import scanner sees an AWS import when there is one', () => {
    expect(
      specifiers("import { X } from '@aws-sdk/client-secrets-manager';\nexport * from './a.js';"),
    ).toEqual(['@aws-sdk/client-secrets-manager', './a.js']);
  });
});
