/**
 * Every body, query and header of the HTTP API that a handler parses, as zod schemas, and the error
 * codes: the handlers parse with them and the OpenAPI document is generated from them, so the two
 * cannot drift apart. The answers' schemas are in ./responses.ts, which no function loads.
 */
import * as z from 'zod/mini';
import { DEFAULT_PAGE_SIZE, MAX_BATCH_GET_KEYS, MAX_PAGE_SIZE } from '../index.js';

/** Largest `limit` a listing accepts (one Secrets Manager page). */
export const MAX_LIST_LIMIT = MAX_PAGE_SIZE;

/** Longest description Secrets Manager stores. */
const MAX_DESCRIPTION_LENGTH = 2048;

/** Longest page token accepted in `next`. */
const MAX_NEXT_TOKEN_LENGTH = 4096;

/** `schema`, with the description the OpenAPI document shows for it. */
export const described = <S extends z.ZodMiniType>(schema: S, description: string): S => {
  z.globalRegistry.add(schema, { description });
  return schema;
};

/** True when `s` is text UTF-8 can carry: no unpaired surrogate (`"\ud800"` in JSON). */
const isWellFormed = (s: string): boolean => !/\p{Cs}/u.test(s);

/** A string that UTF-8 can carry. */
const unicodeText = (...checks: z.core.$ZodCheck<string>[]) =>
  z.string().check(z.refine(isWellFormed, 'must be valid Unicode (no unpaired surrogates)'), ...checks);

/** Body of `PUT /v1/secrets/{key}` and `PUT /v1/scopes/{scope}/secrets/{name}`. */
export const PutSecretBody = z.strictObject({
  value: described(
    unicodeText(),
    'The secret value: any string of at most 65,536 bytes in UTF-8 (larger is 413 value_too_large).',
  ),
  description: described(
    z.optional(unicodeText(z.maxLength(MAX_DESCRIPTION_LENGTH))),
    'Free text stored with the secret; keeps the previous one when absent.',
  ),
});

/**
 * A PUT body in its plain form, as {@link PutSecretBody} parses it: a JSON object whose only fields
 * are a well-formed string `value` and, optionally, a well-formed string `description` of at most
 * 2,048 characters. Anything else is undefined, and the schema judges it and words the refusal.
 * Every write runs this first: zod's object parse takes about 20 µs of CPU when a function runs
 * it right after an I/O wait, this check about one (bench/overhead.ts). It accepts nothing the
 * schema refuses and gives what the schema gives; test/http/schemas.test.ts holds it to that.
 */
export function plainPutBody(data: unknown): PutSecretBody | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { value, description } = data as { value?: unknown; description?: unknown };
  if (typeof value !== 'string' || !isWellFormed(value)) return undefined;
  if (description === undefined) return Object.keys(data).length === 1 ? { value } : undefined;
  if (typeof description !== 'string' || description.length > MAX_DESCRIPTION_LENGTH) return undefined;
  if (!isWellFormed(description) || Object.keys(data).length !== 2) return undefined;
  return { value, description };
}

/** Query of the listing routes. */
export const ListQuery = z.strictObject({
  limit: described(
    z.optional(
      z.pipe(
        z.pipe(
          z.string().check(z.regex(/^[0-9]{1,3}$/, `must be a whole number from 1 to ${MAX_LIST_LIMIT}`)),
          z.transform(Number),
        ),
        z.number().check(z.int(), z.minimum(1), z.maximum(MAX_LIST_LIMIT)),
      ),
    ),
    `Page size, 1–${MAX_LIST_LIMIT} (default ${DEFAULT_PAGE_SIZE}). A page may hold fewer keys while \`next\` is set.`,
  ),
  next: described(
    z.optional(
      z
        .string()
        .check(
          z.minLength(1),
          z.maxLength(MAX_NEXT_TOKEN_LENGTH),
          z.regex(/^[A-Za-z0-9_-]+$/, 'must be a token returned as `next` by the previous page'),
        ),
    ),
    'The `next` token of the previous page, as returned.',
  ),
});

/** The Secrets Manager client request token alphabet and length. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9-]{32,64}$/;

/** An `Idempotency-Key` header: a Secrets Manager client request token. */
export const IdempotencyKey = z
  .string()
  .check(z.regex(IDEMPOTENCY_KEY_PATTERN, 'Idempotency-Key must be 32–64 characters of A-Z a-z 0-9 and -'));

/** Body of a restore: none, or an empty JSON object. */
export const RestoreBody = z.strictObject({});

/**
 * The list of a batch read: 1–100 distinct strings. Whether each is a valid (and, on the user
 * routes, unreserved) key is the core's call, so its codes (invalid_key, reserved_key) answer.
 */
const batchNames = (what: string) =>
  described(
    z.array(z.string().check(z.minLength(1, `each ${what} must be non-empty`))).check(
      z.minLength(1, `name at least one ${what}`),
      z.maxLength(MAX_BATCH_GET_KEYS, `at most ${MAX_BATCH_GET_KEYS} ${what}s per request`),
      z.refine((names) => new Set(names).size === names.length, `each ${what} at most once`),
    ),
    `1–${MAX_BATCH_GET_KEYS} distinct ${what}s. All-or-nothing: one refused, invalid or missing ${what} fails the request with its error, and no value is returned.`,
  );

/** Body of `POST /v1/batch-get`. */
export const BatchGetBody = z.strictObject({ keys: batchNames('key') });

/** Body of `POST /v1/scopes/{scope}/batch-get`. */
export const BatchGetScopedBody = z.strictObject({ names: batchNames('name') });

/** Every error code a response can carry, with its HTTP status (docs/design.md §4, plus routing). */
export const ERROR_STATUS = {
  invalid_key: 400,
  invalid_body: 400,
  reserved_key: 403,
  // Answered by API Gateway itself when deployed (unsigned, denied, no such route), and by a batch
  // read when Secrets Manager denies the function's own role one of the keys.
  access_denied: 403,
  not_found: 404,
  unknown_scope: 404,
  method_not_allowed: 405,
  conflict: 409,
  not_deleted: 409,
  value_too_large: 413,
  throttled: 429,
  internal: 500,
} as const;

/** An error code of the HTTP API. */
export type ApiErrorCode = keyof typeof ERROR_STATUS;

/** Parsed body of a write. */
export type PutSecretBody = z.infer<typeof PutSecretBody>;
/** Parsed query of a listing. */
export type ListQuery = z.infer<typeof ListQuery>;
/** Parsed body of a user batch read. */
export type BatchGetBody = z.infer<typeof BatchGetBody>;
/** Parsed body of a scoped batch read. */
export type BatchGetScopedBody = z.infer<typeof BatchGetScopedBody>;
