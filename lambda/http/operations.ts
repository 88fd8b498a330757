/**
 * Pieces both functions share between "route matched" and "core called": route and key
 * parameter, and the list / get / put / delete / restore / version / deleted-listing / batch-read operations
 * over either provider. No rule of the core is restated here.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { BatchGetResponse, ListResponse, SecretResponse } from '../../core/http/responses.js';
import {
  decodeSegment,
  matchRoute,
  type RouteMatch,
  type RouteName,
  type RouteTemplate,
  rawSegments,
} from '../../core/http/routes.js';
import {
  BatchGetBody,
  BatchGetScopedBody,
  IdempotencyKey,
  ListQuery,
  PutSecretBody,
  plainPutBody,
  RestoreBody,
} from '../../core/http/schemas.js';
import {
  InvalidBodyError,
  InvalidKeyError,
  type KeyPage,
  type PageRequest,
  type PutResult,
  parseVersionRef,
  type SecretVersionRef,
  type SetOptions,
  type StoredSecret,
} from '../../core/index.js';
import type { RequestNotes } from './api-handler.js';
import { RouteError } from './errors.js';
import { header, parseJsonBody, parseQuery } from './request.js';
import { json, noContent } from './response.js';

/** A route match with an operation. */
export type MatchedRoute = RouteMatch & { readonly route: RouteName };

/** What the key-addressed routes need of a provider; `UserProvider` and `ScopedProvider` both fit. */
export interface KeyedProvider {
  /** Reads a secret. */
  get(key: string): Promise<StoredSecret>;
  /** Creates or updates a secret. */
  set(key: string, value: string, options?: SetOptions): Promise<PutResult>;
  /** Deletes a secret. */
  delete(key: string): Promise<void>;
  /** Lists keys, one page at a time. */
  list(options?: PageRequest): Promise<KeyPage>;
  /** Lists deleted keys with their deletion and purge times, one page at a time. */
  listDeleted(options?: PageRequest): Promise<KeyPage>;
  /** Restores a deleted secret. */
  restore(key: string): Promise<void>;
  /** Reads an earlier version of a secret. */
  getVersion(key: string, version: SecretVersionRef): Promise<StoredSecret>;
}

/** What a key is called in the answers of a route family: `key` on user routes, `name` on scope routes. */
export type KeyField = 'key' | 'name';

/** Raw segments of the request, or a 404 when the event names a parameter it does not carry. */
export function segmentsOf(event: APIGatewayProxyEvent): string[] {
  const segments = rawSegments(event);
  if (segments === undefined)
    throw new RouteError('not_found', `no route for ${event.httpMethod} ${event.path}`);
  return segments;
}

/** The template the segments match, whatever the method, or 404 `not_found`. */
export function shapeOf(
  event: APIGatewayProxyEvent,
  segments: readonly string[],
  templates: readonly RouteTemplate[],
): RouteMatch {
  const match = matchRoute(segments, event.httpMethod, templates);
  if (match === undefined)
    throw new RouteError('not_found', `no route for ${event.httpMethod} /${segments.join('/')}`);
  return match;
}

/** The operation of a matched template, or 405 `method_not_allowed`; records template and operation. */
export function operationOf(
  event: APIGatewayProxyEvent,
  match: RouteMatch,
  notes: RequestNotes,
): MatchedRoute {
  notes.route = match.template.path;
  if (match.route === undefined) {
    throw new RouteError(
      'method_not_allowed',
      `${event.httpMethod} is not allowed on ${match.template.path}; use ${match.allow.join(', ')}`,
      match.allow,
    );
  }
  notes.operation = match.route;
  return { ...match, route: match.route };
}

/** Decodes a key (or scoped name) parameter exactly once; bad percent-encoding is an invalid key. */
export function keyParam(match: RouteMatch, name: string, notes: RequestNotes): string {
  const raw = match.rawParams[name] ?? '';
  const key = decodeSegment(raw);
  notes.key = key ?? raw;
  if (key === undefined) throw new InvalidKeyError(raw, 'is not valid percent-encoding');
  return key;
}

/** `GET` of a collection: one page of keys. */
export async function serveList(
  provider: KeyedProvider,
  event: APIGatewayProxyEvent,
): Promise<APIGatewayProxyResult> {
  return json(200, listResponse(await provider.list(listRequest(event))));
}

/** `GET` of one secret, with only the documented fields. */
export async function serveGet(provider: KeyedProvider, key: string): Promise<APIGatewayProxyResult> {
  return json(200, secretResponse(key, await provider.get(key)));
}

/** `GET .../versions/{version}`: an earlier value, in the shape of a read. The key is judged before the version. */
export async function serveGetVersion(
  provider: KeyedProvider,
  key: string,
  match: RouteMatch,
  checkKey: (key: string) => unknown,
): Promise<APIGatewayProxyResult> {
  checkKey(key);
  const raw = match.rawParams.version ?? '';
  const version = parseVersionRef(decodeSegment(raw) ?? raw);
  return json(200, secretResponse(key, await provider.getVersion(key, version)));
}

/** `GET` of the deleted keys: one page, each with when it was deleted and will be purged. */
export async function serveListDeleted(
  provider: KeyedProvider,
  event: APIGatewayProxyEvent,
  field: KeyField,
): Promise<APIGatewayProxyResult> {
  const page = await provider.listDeleted(listRequest(event));
  const items = page.keys.map((k) => ({
    [field]: k.key,
    deletedAt: k.deletedAt ?? '',
    purgeAt: k.purgeAt ?? '',
  }));
  return json(200, withNext({ items }, page.next));
}

/**
 * `POST .../restore`: no body, or an empty JSON object. The key is judged before the body, as on
 * a write, so a refused key is refused whatever was sent.
 */
export async function serveRestore(
  provider: KeyedProvider,
  key: string,
  event: APIGatewayProxyEvent,
  field: KeyField,
  checkKey: (key: string) => unknown,
): Promise<APIGatewayProxyResult> {
  checkKey(key);
  if ((event.body ?? '') !== '') parseJsonBody(event, RestoreBody);
  await provider.restore(key);
  return json(200, { [field]: key, restored: true });
}

/** What the batch-read routes need of a provider. */
export interface BatchProvider {
  /** Reads several secrets, all or nothing. */
  getMany(keys: readonly string[]): Promise<readonly StoredSecret[]>;
}

/**
 * `POST .../batch-get`: body `{keys}` (user routes) or `{names}` (scope routes), answer
 * `{values: {NAME: value}}`. The provider judges every key before it reads any, and fails the
 * whole request on the first refused or missing one.
 */
export async function serveBatchGet(
  provider: BatchProvider,
  event: APIGatewayProxyEvent,
  field: KeyField,
): Promise<APIGatewayProxyResult> {
  const names =
    field === 'key'
      ? parseJsonBody(event, BatchGetBody).keys
      : parseJsonBody(event, BatchGetScopedBody).names;
  const secrets = await provider.getMany(names);
  // fromEntries defines own properties, so a key such as `__proto__` is answered like any other.
  const body: BatchGetResponse = { values: Object.fromEntries(secrets.map((s) => [s.key, s.value])) };
  return json(200, body);
}

/** A secret as a read answers it: only the documented fields. */
function secretResponse(key: string, secret: StoredSecret): SecretResponse {
  return { key, value: secret.value, version: secret.version, updatedAt: secret.updatedAt };
}

/**
 * `PUT` of one secret: 201 when created, 200 when updated. `checkKey` judges the key before the
 * body is read, so a refused key is refused whatever was sent.
 */
export async function servePut(
  provider: KeyedProvider,
  key: string,
  event: APIGatewayProxyEvent,
  checkKey: (key: string) => unknown,
): Promise<APIGatewayProxyResult> {
  checkKey(key);
  const { value, options } = writeRequest(event);
  const result = await provider.set(key, value, options);
  return json(result.created ? 201 : 200, { key, version: result.version });
}

/** `DELETE` of one secret: 204. */
export async function serveDelete(provider: KeyedProvider, key: string): Promise<APIGatewayProxyResult> {
  await provider.delete(key);
  return noContent();
}

/** Parses a write: the body, and the optional `Idempotency-Key` header as the request token. */
function writeRequest(event: APIGatewayProxyEvent): { value: string; options: SetOptions } {
  const body = parseJsonBody(event, PutSecretBody, plainPutBody);
  const token = header(event, 'idempotency-key');
  const parsedToken = token === undefined ? undefined : IdempotencyKey.safeParse(token);
  if (parsedToken !== undefined && !parsedToken.success)
    throw new InvalidBodyError(parsedToken.error.issues[0]?.message ?? 'invalid Idempotency-Key');
  return {
    value: body.value,
    options: {
      ...(body.description === undefined ? {} : { description: body.description }),
      ...(parsedToken === undefined ? {} : { requestToken: parsedToken.data }),
    },
  };
}

/** Parses a listing's query into provider options; the page token is unwrapped. */
function listRequest(event: APIGatewayProxyEvent): PageRequest {
  const query = parseQuery(event, ListQuery);
  return {
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.next === undefined ? {} : { next: Buffer.from(query.next, 'base64url').toString('utf8') }),
  };
}

/**
 * A listing page as the API shows it. The store's page token is wrapped in base64url so that it
 * survives a query string unchanged whatever the client's or the gateway's URL encoding does.
 */
function listResponse(page: KeyPage): ListResponse {
  const keys = page.keys.map((k) => ({
    key: k.key,
    ...(k.description === undefined ? {} : { description: k.description }),
    updatedAt: k.updatedAt,
  }));
  return withNext({ keys }, page.next);
}

/** A page body with the store's token wrapped as `next` (see {@link listResponse}), when there is one. */
function withNext<T extends object>(body: T, next: string | undefined): T & { next?: string } {
  return next === undefined ? body : { ...body, next: Buffer.from(next, 'utf8').toString('base64url') };
}
