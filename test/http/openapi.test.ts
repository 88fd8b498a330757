import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, ERROR_STATUS, openApiText } from '../../lambda/http/index.js';

describe('openapi.json', () => {
  it('matches the document generated from the schemas (run `npm run openapi` when this fails)', () => {
    // Prepare
    const committed = readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8');
    // Act
    const generated = openApiText();
    // Assess
    expect(committed).toBe(generated);
  });

  it('documents every route of docs/design.md §4', () => {
    // Act
    const paths = buildOpenApiDocument().paths as Record<string, Record<string, unknown>>;
    // Assess
    expect(Object.entries(paths).map(([path, ops]) => `${path} ${Object.keys(ops).join(',')}`)).toEqual([
      '/v1/secrets get',
      '/v1/secrets/{key} get,put,delete',
      '/v1/deleted-secrets get',
      '/v1/secrets/{key}/restore post',
      '/v1/secrets/{key}/versions/{version} get',
      '/v1/batch-get post',
      '/v1/scopes/{scope}/secrets get,delete',
      '/v1/scopes/{scope}/secrets/{name} get,put,delete',
      '/v1/scopes/{scope}/deleted-secrets get',
      '/v1/scopes/{scope}/secrets/{name}/restore post',
      '/v1/scopes/{scope}/secrets/{name}/versions/{version} get',
      '/v1/scopes/{scope}/batch-get post',
    ]);
  });

  it('lists every error code in the Error schema', () => {
    // Act
    const schemas = (
      buildOpenApiDocument().components as {
        schemas: Record<string, { properties: { error: { enum: string[] } } }>;
      }
    ).schemas;
    // Assess
    expect(schemas.Error?.properties.error.enum).toEqual(Object.keys(ERROR_STATUS));
  });
});
