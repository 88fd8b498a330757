import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers } from '../support/imports.js';

const coreDir = join(import.meta.dirname, '../../core');

describe('core purity', () => {
  const files = readdirSync(coreDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  // zod is the one package: the schemas of the HTTP contract and the environment are zod's (its
  // mini API, and its English messages).
  it.each(files)('%s imports only core modules and zod', (file) => {
    const imported = importSpecifiers(readFileSync(join(coreDir, file), 'utf8'));
    const outside = imported.filter((s) => {
      if (s === 'zod/mini' || s === 'zod/v4/locales/en.js') return false;
      if (!s.startsWith('.')) return true;
      return relative(coreDir, join(coreDir, file, '..', s)).startsWith('..');
    });
    expect(outside).toEqual([]);
  });

  it('the import scanner sees an AWS import when there is one, bare or not', () => {
    const source =
      "import { X } from '@aws-sdk/client-ssm';\nimport '@aws-sdk/client-sts';\nexport * from './a.js';";
    expect(importSpecifiers(source)).toEqual(['@aws-sdk/client-ssm', '@aws-sdk/client-sts', './a.js']);
  });
});
