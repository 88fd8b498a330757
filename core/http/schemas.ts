/**
 * Every body, query and response of the HTTP API as zod schemas: the handlers parse with them and
 * the OpenAPI document is generated from them, so the two cannot drift apart.
 */
import * as z from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_BATCH_GET_KEYS, MAX_PAGE_SIZE } from '../index.js';

/** Largest `limit` a listing accepts (one Secrets Manager page). */
export const MAX_LIST_LIMIT = MAX_PAGE_SIZE;

/** Longest description Secrets Manager stores. */
const MAX_DESCRIPTION_LENGTH = 2048;

/** Longest page token accepted in `next`. */
const MAX_NEXT_TOKEN_LENGTH = 4096;

/** A string that UTF-8 can carry: no unpaired surrogate (`"\ud800"` in JSON). */
const unicodeText = () =>
  z.string().refine((s) => !/\p{Cs}/u.test(s), 'must be valid Unicode (no unpaired surrogates)');

/** Body of `PUT /v1/secrets/{key}` and `PUT /v1/scopes/{scope}/secrets/{name}`. */
export const PutSecretBody = z
  .object({
    value: unicodeText().meta({
      description:
        'The secret value: any string of at most 65,536 bytes in UTF-8 (larger is 413 value_too_large).',
    }),
    description: unicodeText()
      .max(MAX_DESCRIPTION_LENGTH)
      .optional()
      .meta({ description: 'Free text stored with the secret; keeps the previous one when absent.' }),
  })
  .strict();

/** Query of the listing routes. */
export const ListQuery = z
  .object({
    limit: z
      .string()
      .regex(/^[0-9]{1,3}$/, `must be a whole number from 1 to ${MAX_LIST_LIMIT}`)
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_LIST_LIMIT))
      .optional()
      .meta({
        description: `Page size, 1–${MAX_LIST_LIMIT} (default ${DEFAULT_PAGE_SIZE}). A page may hold fewer keys while \`next\` is set.`,
      }),
    next: z
      .string()
      .min(1)
      .max(MAX_NEXT_TOKEN_LENGTH)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a token returned as `next` by the previous page')
      .optional()
      .meta({ description: 'The `next` token of the previous page, as returned.' }),
  })
  .strict();

/** The Secrets Manager client request token alphabet and length. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9-]{32,64}$/;

/** An `Idempotency-Key` header: a Secrets Manager client request token. */
export const IdempotencyKey = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN, 'Idempotency-Key must be 32–64 characters of A-Z a-z 0-9 and -');

/** `GET /v1/secrets/{key}`: one secret with its value. */
export const SecretResponse = z.object({
  key: z.string(),
  value: z.string(),
  version: z.string().meta({ description: 'Opaque version id of the current value.' }),
  updatedAt: z.string().meta({ description: 'When the value was written (ISO 8601).' }),
});

/** `PUT`: the key written and the new version. */
export const PutSecretResponse = z.object({ key: z.string(), version: z.string() });

/** One row of a listing: never a value. */
export const KeySummary = z.object({
  key: z.string(),
  description: z.string().optional(),
  updatedAt: z.string().meta({ description: 'When the secret last changed (ISO 8601).' }),
});

/** The token of a listing's following page. */
const nextToken = z
  .string()
  .optional()
  .meta({ description: 'Pass as `next` to read the following page; absent on the last page.' });

/** A page of a listing. */
export const ListResponse = z.object({
  keys: z.array(KeySummary),
  next: nextToken,
});

/** When a deleted secret was deleted and when it will be purged for good. */
const deletionDates = {
  deletedAt: z.string().meta({ description: 'When the secret was deleted (ISO 8601).' }),
  purgeAt: z.string().meta({
    description:
      "When Secrets Manager purges it for good: the deletion plus the broker's recovery window (ISO 8601). Restorable until then.",
  }),
};

/** `GET /v1/deleted-secrets`: a page of deleted user keys, never a value. */
export const DeletedListResponse = z.object({
  items: z.array(z.object({ key: z.string(), ...deletionDates })),
  next: nextToken,
});

/** `GET /v1/scopes/{scope}/deleted-secrets`: a page of the scope's deleted names, never a value. */
export const DeletedScopedListResponse = z.object({
  items: z.array(z.object({ name: z.string(), ...deletionDates })),
  next: nextToken,
});

/** `POST /v1/secrets/{key}/restore`: the key restored. */
export const RestoreResponse = z.object({ key: z.string(), restored: z.literal(true) });

/** `POST /v1/scopes/{scope}/secrets/{name}/restore`: the name restored. */
export const RestoreScopedResponse = z.object({ name: z.string(), restored: z.literal(true) });

/** Body of a restore: none, or an empty JSON object. */
export const RestoreBody = z.object({}).strict();

/**
 * The list of a batch read: 1–100 distinct strings. Whether each is a valid (and, on the user
 * routes, unreserved) key is the core's call, so its codes (invalid_key, reserved_key) answer.
 */
const batchNames = (what: string) =>
  z
    .array(z.string().min(1, `each ${what} must be non-empty`))
    .min(1, `name at least one ${what}`)
    .max(MAX_BATCH_GET_KEYS, `at most ${MAX_BATCH_GET_KEYS} ${what}s per request`)
    .refine((names) => new Set(names).size === names.length, `each ${what} at most once`)
    .meta({
      description: `1–${MAX_BATCH_GET_KEYS} distinct ${what}s. All-or-nothing: one refused, invalid or missing ${what} fails the request with its error, and no value is returned.`,
    });

/** Body of `POST /v1/batch-get`. */
export const BatchGetBody = z.object({ keys: batchNames('key') }).strict();

/** Body of `POST /v1/scopes/{scope}/batch-get`. */
export const BatchGetScopedBody = z.object({ names: batchNames('name') }).strict();

/** Answer of a batch read: every value asked for, by key (or scoped name). */
export const BatchGetResponse = z.object({
  values: z
    .record(z.string(), z.string())
    .meta({ description: 'Each requested key (or name) and its value.' }),
});

/** `DELETE /v1/scopes/{scope}/secrets`: how many keys the cleanup deleted. */
export const CleanupResponse = z.object({ deleted: z.number().int().min(0) });

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

/** The body of every error response. */
export const ErrorResponse = z.object({
  error: z.enum(Object.keys(ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]),
  message: z
    .string()
    .meta({ description: 'For the caller on 4xx; generic on 5xx (details are only logged).' }),
  requestId: z.string().meta({ description: 'Quote it when reporting a problem; it is in the audit log.' }),
});

/** Parsed body of a write. */
export type PutSecretBody = z.infer<typeof PutSecretBody>;
/** Parsed query of a listing. */
export type ListQuery = z.infer<typeof ListQuery>;
/** Body of a secret read. */
export type SecretResponse = z.infer<typeof SecretResponse>;
/** Body of a write's answer. */
export type PutSecretResponse = z.infer<typeof PutSecretResponse>;
/** Body of a listing page. */
export type ListResponse = z.infer<typeof ListResponse>;
/** Body of a deleted-key listing page. */
export type DeletedListResponse = z.infer<typeof DeletedListResponse>;
/** Body of a scope's deleted-name listing page. */
export type DeletedScopedListResponse = z.infer<typeof DeletedScopedListResponse>;
/** Body of a restore's answer. */
export type RestoreResponse = z.infer<typeof RestoreResponse>;
/** Body of a scoped restore's answer. */
export type RestoreScopedResponse = z.infer<typeof RestoreScopedResponse>;
/** Parsed body of a user batch read. */
export type BatchGetBody = z.infer<typeof BatchGetBody>;
/** Parsed body of a scoped batch read. */
export type BatchGetScopedBody = z.infer<typeof BatchGetScopedBody>;
/** Body of a batch read's answer. */
export type BatchGetResponse = z.infer<typeof BatchGetResponse>;
/** Body of a cleanup's answer. */
export type CleanupResponse = z.infer<typeof CleanupResponse>;
/** Body of an error. */
export type ErrorResponse = z.infer<typeof ErrorResponse>;
