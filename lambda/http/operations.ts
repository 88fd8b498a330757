/**
 * Pieces both functions share between "route matched" and "core called": the key parameter, the
 * listing page token, and the response shapes. No rule of the core is restated here.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidBodyError, InvalidKeyError, type KeyPage, type StoredSecret } from '../core/index.js';
import type { RequestNotes } from './api-handler.js';
import { RouteError } from './errors.js';
import { header, parseJsonBody, parseQuery } from './request.js';
import {
  decodeSegment,
  matchRoute,
  type RouteMatch,
  type RouteName,
  type RouteTemplate,
  rawSegments,
} from './routes.js';
import {
  IdempotencyKey,
  ListQuery,
  type ListResponse,
  PutSecretBody,
  type SecretResponse,
} from './schemas.js';

/** A route match with an operation. */
export type MatchedRoute = RouteMatch & { readonly route: RouteName };

/** Raw segments of the request, or a 404 when the event names a parameter it does not carry. */
export function segmentsOf(event: APIGatewayProxyEvent): string[] {
  const segments = rawSegments(event);
  if (segments === undefined)
    throw new RouteError('not_found', `no route for ${event.httpMethod} ${event.path}`);
  return segments;
}

/** The matched route, or 404 `not_found` / 405 `method_not_allowed`; records the template. */
export function routeOf(
  event: APIGatewayProxyEvent,
  segments: readonly string[],
  templates: readonly RouteTemplate[],
  notes: RequestNotes,
): MatchedRoute {
  const match = matchRoute(segments, event.httpMethod, templates);
  if (match === undefined)
    throw new RouteError('not_found', `no route for ${event.httpMethod} /${segments.join('/')}`);
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

/** Parses a write: the body, and the optional `Idempotency-Key` header as the request token. */
export function writeRequest(event: APIGatewayProxyEvent): {
  value: string;
  options: { description?: string; requestToken?: string };
} {
  const body = parseJsonBody(event, PutSecretBody);
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
export function listRequest(event: APIGatewayProxyEvent): { limit?: number; next?: string } {
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
export function listResponse(page: KeyPage): ListResponse {
  const keys = page.keys.map((k) => ({
    key: k.key,
    ...(k.description === undefined ? {} : { description: k.description }),
    updatedAt: k.updatedAt,
  }));
  return page.next === undefined
    ? { keys }
    : { keys, next: Buffer.from(page.next, 'utf8').toString('base64url') };
}

/** A secret as the API shows it (only the documented fields). */
export function secretResponse(key: string, secret: StoredSecret): SecretResponse {
  return { key, value: secret.value, version: secret.version, updatedAt: secret.updatedAt };
}
