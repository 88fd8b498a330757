/**
 * Every answer of the HTTP API as zod schemas, for the OpenAPI document and the CLI, which checks
 * what a broker answers. Apart from ./schemas.ts so that a function does not build them at every
 * cold start: the handlers only write these shapes (typed by them), never parse them.
 */
import * as z from 'zod/mini';
import { type ApiErrorCode, described, ERROR_STATUS } from './schemas.js';

/** `GET /v1/secrets/{key}`: one secret with its value. */
export const SecretResponse = z.object({
  key: z.string(),
  value: z.string(),
  version: described(z.string(), 'Opaque version id of the current value.'),
  updatedAt: described(z.string(), 'When the value was written (ISO 8601).'),
});

/** `PUT`: the key written and the new version. */
export const PutSecretResponse = z.object({ key: z.string(), version: z.string() });

/** One row of a listing: never a value. */
export const KeySummary = z.object({
  key: z.string(),
  description: z.optional(z.string()),
  updatedAt: described(z.string(), 'When the secret last changed (ISO 8601).'),
});

/** The token of a listing's following page. */
const nextToken = described(
  z.optional(z.string()),
  'Pass as `next` to read the following page; absent on the last page.',
);

/** A page of a listing. */
export const ListResponse = z.object({
  keys: z.array(KeySummary),
  next: nextToken,
});

/** When a deleted secret was deleted and when it will be purged for good. */
const deletionDates = {
  deletedAt: described(z.string(), 'When the secret was deleted (ISO 8601).'),
  purgeAt: described(
    z.string(),
    "When Secrets Manager purges it for good: the deletion plus the broker's recovery window (ISO 8601). Restorable until then.",
  ),
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

/** Answer of a batch read: every value asked for, by key (or scoped name). */
export const BatchGetResponse = z.object({
  values: described(z.record(z.string(), z.string()), 'Each requested key (or name) and its value.'),
});

/** `DELETE /v1/scopes/{scope}/secrets`: how many keys the cleanup deleted. */
export const CleanupResponse = z.object({ deleted: z.number().check(z.int(), z.minimum(0)) });

/** The body of every error response. */
export const ErrorResponse = z.object({
  error: z.enum(Object.keys(ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]),
  message: described(z.string(), 'For the caller on 4xx; generic on 5xx (details are only logged).'),
  requestId: described(z.string(), 'Quote it when reporting a problem; it is in the audit log.'),
});

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
/** Body of a batch read's answer. */
export type BatchGetResponse = z.infer<typeof BatchGetResponse>;
/** Body of a cleanup's answer. */
export type CleanupResponse = z.infer<typeof CleanupResponse>;
/** Body of an error. */
export type ErrorResponse = z.infer<typeof ErrorResponse>;
