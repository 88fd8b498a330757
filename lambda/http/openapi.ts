/**
 * The OpenAPI 3.0 document of the API, generated from the route table and the zod schemas the
 * handlers parse with. `scripts/openapi.ts` writes it to `openapi.json`; a test keeps that in step.
 */
import * as z from 'zod/mini';
import {
  BatchGetResponse,
  CleanupResponse,
  DeletedListResponse,
  DeletedScopedListResponse,
  ErrorResponse,
  KeySummary,
  ListResponse,
  PutSecretResponse,
  RestoreResponse,
  RestoreScopedResponse,
  SecretResponse,
} from '../../core/http/responses.js';
import { ALL_ROUTES, type Method, type RouteName } from '../../core/http/routes.js';
import {
  type ApiErrorCode,
  BatchGetBody,
  BatchGetScopedBody,
  ERROR_STATUS,
  IDEMPOTENCY_KEY_PATTERN,
  ListQuery,
  PutSecretBody,
} from '../../core/http/schemas.js';
import {
  DEFAULT_SCOPES,
  MAX_KEY_LENGTH,
  MAX_VALUE_BYTES,
  PREVIOUS_VERSION,
  RESERVED_PREFIX,
  scopePrefix,
  VERSION_ID_PATTERN,
} from '../../core/index.js';

/** Named schemas of the document, by component name. */
const COMPONENTS = {
  PutSecretBody,
  Secret: SecretResponse,
  PutSecretResult: PutSecretResponse,
  KeySummary,
  KeyPage: ListResponse,
  CleanupResult: CleanupResponse,
  DeletedKeyPage: DeletedListResponse,
  DeletedNamePage: DeletedScopedListResponse,
  RestoreResult: RestoreResponse,
  RestoreScopedResult: RestoreScopedResponse,
  BatchGetBody,
  BatchGetScopedBody,
  BatchGetResult: BatchGetResponse,
  Error: ErrorResponse,
} as const;

type ComponentName = keyof typeof COMPONENTS;

interface OperationDoc {
  readonly summary: string;
  readonly body?: ComponentName;
  readonly query?: boolean;
  readonly ok: Readonly<Record<number, { description: string; schema?: ComponentName }>>;
  readonly errors: readonly ApiErrorCode[];
}

const COMMON_ERRORS: readonly ApiErrorCode[] = ['method_not_allowed', 'throttled', 'internal'];

const OPERATIONS: Readonly<Record<RouteName, OperationDoc>> = {
  listSecrets: {
    summary: 'List user keys (never a value, never a reserved key), one page at a time',
    query: true,
    ok: { 200: { description: 'A page of keys', schema: 'KeyPage' } },
    errors: ['invalid_body', ...COMMON_ERRORS],
  },
  getSecret: {
    summary: 'Read a user secret',
    ok: { 200: { description: 'The secret', schema: 'Secret' } },
    errors: ['invalid_key', 'reserved_key', 'not_found', ...COMMON_ERRORS],
  },
  putSecret: {
    summary: 'Create or update a user secret',
    body: 'PutSecretBody',
    ok: {
      200: { description: 'Updated', schema: 'PutSecretResult' },
      201: { description: 'Created', schema: 'PutSecretResult' },
    },
    errors: ['invalid_key', 'invalid_body', 'reserved_key', 'conflict', 'value_too_large', ...COMMON_ERRORS],
  },
  deleteSecret: {
    summary: 'Delete a user secret (restorable during the recovery window)',
    ok: { 204: { description: 'Deleted' } },
    errors: ['invalid_key', 'reserved_key', 'not_found', ...COMMON_ERRORS],
  },
  listDeletedSecrets: {
    summary:
      'List deleted user keys with when they were deleted and will be purged (never a value, never a reserved key)',
    query: true,
    ok: { 200: { description: 'A page of deleted keys', schema: 'DeletedKeyPage' } },
    errors: ['invalid_body', ...COMMON_ERRORS],
  },
  restoreSecret: {
    summary: 'Restore a deleted user secret (value, versions and description) before it is purged',
    ok: { 200: { description: 'Restored', schema: 'RestoreResult' } },
    errors: ['invalid_key', 'invalid_body', 'reserved_key', 'not_found', 'not_deleted', ...COMMON_ERRORS],
  },
  getSecretVersion: {
    summary: `Read an earlier value of a user secret: "${PREVIOUS_VERSION}" or a version id`,
    ok: { 200: { description: 'That version of the secret', schema: 'Secret' } },
    errors: ['invalid_key', 'invalid_body', 'reserved_key', 'not_found', ...COMMON_ERRORS],
  },
  batchGetSecrets: {
    summary:
      'Read several user secrets in one request (all-or-nothing: one reserved, invalid or missing key fails it, with no value returned)',
    body: 'BatchGetBody',
    ok: { 200: { description: 'Every value asked for, by key', schema: 'BatchGetResult' } },
    errors: ['invalid_key', 'invalid_body', 'reserved_key', 'not_found', 'value_too_large', ...COMMON_ERRORS],
  },
  listScope: {
    summary: "List a scope's names (prefix stripped), one page at a time",
    query: true,
    ok: { 200: { description: 'A page of names', schema: 'KeyPage' } },
    errors: ['invalid_body', 'unknown_scope', ...COMMON_ERRORS],
  },
  cleanupScope: {
    summary: 'Delete every secret of the scope, and nothing else',
    ok: { 200: { description: 'How many were deleted', schema: 'CleanupResult' } },
    errors: ['unknown_scope', ...COMMON_ERRORS],
  },
  getScoped: {
    summary: 'Read a system secret of the scope',
    ok: { 200: { description: 'The secret, named without the scope prefix', schema: 'Secret' } },
    errors: ['invalid_key', 'unknown_scope', 'not_found', ...COMMON_ERRORS],
  },
  putScoped: {
    summary: 'Create or update a system secret of the scope',
    body: 'PutSecretBody',
    ok: {
      200: { description: 'Updated', schema: 'PutSecretResult' },
      201: { description: 'Created', schema: 'PutSecretResult' },
    },
    errors: ['invalid_key', 'invalid_body', 'unknown_scope', 'conflict', 'value_too_large', ...COMMON_ERRORS],
  },
  deleteScoped: {
    summary: 'Delete a system secret of the scope',
    ok: { 204: { description: 'Deleted' } },
    errors: ['invalid_key', 'unknown_scope', 'not_found', ...COMMON_ERRORS],
  },
  listDeletedScoped: {
    summary:
      "List the scope's deleted names (prefix stripped) with when they were deleted and will be purged",
    query: true,
    ok: { 200: { description: 'A page of deleted names', schema: 'DeletedNamePage' } },
    errors: ['invalid_body', 'unknown_scope', ...COMMON_ERRORS],
  },
  restoreScoped: {
    summary: 'Restore a deleted system secret of the scope before it is purged',
    ok: { 200: { description: 'Restored', schema: 'RestoreScopedResult' } },
    errors: ['invalid_key', 'invalid_body', 'unknown_scope', 'not_found', 'not_deleted', ...COMMON_ERRORS],
  },
  getScopedVersion: {
    summary: `Read an earlier value of a system secret of the scope: "${PREVIOUS_VERSION}" or a version id`,
    ok: { 200: { description: 'That version, named without the scope prefix', schema: 'Secret' } },
    errors: ['invalid_key', 'invalid_body', 'unknown_scope', 'not_found', ...COMMON_ERRORS],
  },
  batchGetScoped: {
    summary:
      'Read several system secrets of the scope in one request (all-or-nothing: one invalid or missing name fails it, with no value returned)',
    body: 'BatchGetScopedBody',
    ok: {
      200: {
        description: 'Every value asked for, by name (without the scope prefix)',
        schema: 'BatchGetResult',
      },
    },
    errors: [
      'invalid_key',
      'invalid_body',
      'unknown_scope',
      'not_found',
      'value_too_large',
      ...COMMON_ERRORS,
    ],
  },
};

const PARAMETERS: Readonly<Record<string, { description: string; schema: Record<string, unknown> }>> = {
  key: {
    description: `User key, percent-encoded once: 1–${MAX_KEY_LENGTH} characters of A-Z a-z 0-9 _ + = . @ -, not starting with "${RESERVED_PREFIX}" in any case.`,
    schema: { type: 'string' },
  },
  scope: {
    description: `A scope of the deployment, e.g. ${DEFAULT_SCOPES.join(', ')}.`,
    schema: { type: 'string' },
  },
  name: {
    description: `Name within the scope (stored as ${scopePrefix('<scope>')}<name>), percent-encoded once; same characters as a key.`,
    schema: { type: 'string' },
  },
  version: {
    description: `"${PREVIOUS_VERSION}" (the value the last write replaced, Secrets Manager's AWSPREVIOUS) or a version id as returned in \`version\`; anything else is 400 invalid_body, an unknown one 404 not_found.`,
    schema: { type: 'string', pattern: `^(${PREVIOUS_VERSION}|${VERSION_ID_PATTERN.source.slice(1, -1)})$` },
  },
};

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // `$id` is JSON Schema, not an OpenAPI 3.0 schema keyword.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $id: _id, ...schema }]) => [id, schema]));
}

function queryParameters(): unknown[] {
  return Object.entries(ListQuery.shape).map(([name, schema]) => {
    const { description, ...json } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' });
    return { name, in: 'query', required: false, description, schema: json };
  });
}

function errorResponses(codes: readonly ApiErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes)
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      { description: list.join(' or '), content: { 'application/json': { schema: ref('Error') } } },
    ]),
  );
}

function operation(route: RouteName, path: string): Record<string, unknown> {
  const doc = OPERATIONS[route];
  const pathParams = [...path.matchAll(/\{([a-z]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    ...PARAMETERS[name ?? ''],
  }));
  // Only writes take a request token; a batch read has a body but nothing to make idempotent.
  const headers =
    doc.body !== 'PutSecretBody'
      ? []
      : [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              'Optional client request token (32–64 of A-Z a-z 0-9 -): a retry with the same token and value is not a new version.',
            schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
          },
        ];
  const ok = Object.fromEntries(
    Object.entries(doc.ok).map(([status, { description, schema }]) => [
      status,
      schema === undefined
        ? { description }
        : { description, content: { 'application/json': { schema: ref(schema) } } },
    ]),
  );
  return {
    operationId: route,
    summary: doc.summary,
    parameters: [...pathParams, ...(doc.query ? queryParameters() : []), ...headers],
    ...(doc.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: ref(doc.body) } } } }),
    // Any deployed route can be refused by API Gateway before a handler runs.
    responses: { ...ok, ...errorResponses([...doc.errors, 'access_denied']) },
  };
}

/** The OpenAPI 3.0 document of the broker API. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths = Object.fromEntries(
    ALL_ROUTES.map((template) => [
      template.path,
      Object.fromEntries(
        (Object.entries(template.methods) as [Method, RouteName][]).map(([method, route]) => [
          method.toLowerCase(),
          operation(route, template.path),
        ]),
      ),
    ]),
  );
  return {
    openapi: '3.0.3',
    info: {
      title: 'thv-secret-broker',
      version: '1',
      description: [
        'User secrets and scoped system secrets in AWS Secrets Manager, kept apart by design.',
        'Every route needs AWS IAM (SigV4) authorization when deployed; `npm start` serves it on loopback without.',
        `Values are strings of at most ${MAX_VALUE_BYTES} bytes. Errors are {"error","message","requestId"}.`,
      ].join(' '),
    },
    servers: [{ url: 'http://127.0.0.1:8787', description: 'the local broker (npm start)' }],
    security: [{ sigv4: [] }],
    paths,
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 (service execute-api)',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
      schemas: componentSchemas(),
    },
  };
}

/** The document as the committed `openapi.json` text (2-space JSON, trailing newline). */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
