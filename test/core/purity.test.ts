import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers } from '../support/imports.js';

const coreDir = join(import.meta.dirname, '../../lambda/core');

describe('lambda/core purity', () => {
  const files = readdirSync(coreDir).filter((f) => f.endsWith('.ts'));

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it.each(files)('%s imports only sibling core modules', (file) => {
    const imported = importSpecifiers(readFileSync(join(coreDir, file), 'utf8'));
    expect(imported.filter((s) => !s.startsWith('./'))).toEqual([]);
  });

  it('the import scanner sees an AWS import when there is one, bare or not', () => {
    const source =
      "import { X } from '@aws-sdk/client-ssm';\nimport '@aws-sdk/client-sts';\nexport * from './a.js';";
    expect(importSpecifiers(source)).toEqual(['@aws-sdk/client-ssm', '@aws-sdk/client-sts', './a.js']);
  });
});
