/**
 * The route table and route matching for API Gateway REST API proxy events.
 *
 * What API Gateway puts in the event (REST API, Lambda proxy integration; payload format 1.0):
 * - `resource` is the resource template that matched, e.g. `/v1/secrets/{key}` (or `/{proxy+}`);
 *   it never holds request data and has no stage or custom-domain base path.
 * - `path` and `pathParameters` carry the path **as the client sent it, still percent-encoded**:
 *   `GET /v1/secrets/%5F%5Fthv_x` arrives as `pathParameters.key === '%5F%5Fthv_x'`, an encoded
 *   slash does not split a segment (`a%2Fb` matches `{key}` as `a%2Fb`), and `%252F` stays
 *   `%252F`. (HTTP APIs decode the path; REST APIs do not. Captures in aws/aws-sam-cli#771 and
 *   #3524, dherault/serverless-offline#265, aws/aws-lambda-dotnet#386, middleapi/standard-server#93.)
 * - `queryStringParameters` and headers arrive already decoded.
 * So the one decode of a key happens here ({@link decodeSegment}), after splitting into segments
 * and before validation: `%5F%5Fthv_x` → `__thv_x` (reserved), `a%2Fb` → `a/b` (invalid key),
 * `%255F` → `%5F` (invalid key: `%` is not a key character), never `_`.
 */

/** The operations of the API. */
export type RouteName =
  | 'listSecrets'
  | 'getSecret'
  | 'putSecret'
  | 'deleteSecret'
  | 'listDeletedSecrets'
  | 'restoreSecret'
  | 'getSecretVersion'
  | 'batchGetSecrets'
  | 'listScope'
  | 'cleanupScope'
  | 'getScoped'
  | 'putScoped'
  | 'deleteScoped'
  | 'listDeletedScoped'
  | 'restoreScoped'
  | 'getScopedVersion'
  | 'batchGetScoped';

/** HTTP methods the API serves. */
export type Method = 'GET' | 'PUT' | 'DELETE' | 'POST';

/** One resource template and the operation behind each of its methods. */
export interface RouteTemplate {
  /** API Gateway resource path, with `{param}` segments. */
  readonly path: string;
  /** Operation by method. */
  readonly methods: Readonly<Partial<Record<Method, RouteName>>>;
}

/**
 * User routes (the user-API function). No key can collide with an operation: new operations sit at
 * a fixed segment beside `secrets`, or one segment deeper than the key.
 */
export const USER_ROUTES: readonly RouteTemplate[] = [
  { path: '/v1/secrets', methods: { GET: 'listSecrets' } },
  { path: '/v1/secrets/{key}', methods: { GET: 'getSecret', PUT: 'putSecret', DELETE: 'deleteSecret' } },
  { path: '/v1/deleted-secrets', methods: { GET: 'listDeletedSecrets' } },
  { path: '/v1/secrets/{key}/restore', methods: { POST: 'restoreSecret' } },
  { path: '/v1/secrets/{key}/versions/{version}', methods: { GET: 'getSecretVersion' } },
  { path: '/v1/batch-get', methods: { POST: 'batchGetSecrets' } },
];

/** Scope routes (one scope-API function per scope). */
export const SCOPE_ROUTES: readonly RouteTemplate[] = [
  { path: '/v1/scopes/{scope}/secrets', methods: { GET: 'listScope', DELETE: 'cleanupScope' } },
  {
    path: '/v1/scopes/{scope}/secrets/{name}',
    methods: { GET: 'getScoped', PUT: 'putScoped', DELETE: 'deleteScoped' },
  },
  { path: '/v1/scopes/{scope}/deleted-secrets', methods: { GET: 'listDeletedScoped' } },
  { path: '/v1/scopes/{scope}/secrets/{name}/restore', methods: { POST: 'restoreScoped' } },
  { path: '/v1/scopes/{scope}/secrets/{name}/versions/{version}', methods: { GET: 'getScopedVersion' } },
  { path: '/v1/scopes/{scope}/batch-get', methods: { POST: 'batchGetScoped' } },
];

/** Every route of the API. */
export const ALL_ROUTES: readonly RouteTemplate[] = [...USER_ROUTES, ...SCOPE_ROUTES];

/** A request matched to a template; `route` is absent when the template has no such method. */
export interface RouteMatch {
  /** The template that matched. */
  readonly template: RouteTemplate;
  /** The operation, or undefined for a method the template does not serve. */
  readonly route?: RouteName;
  /** Path parameters by name, still percent-encoded as they came off the wire. */
  readonly rawParams: Readonly<Record<string, string>>;
  /** Methods the template serves (for a 405's `Allow`). */
  readonly allow: readonly Method[];
}

const PARAM = /^\{([A-Za-z0-9_]+)(\+?)\}$/;

/** One part of a resource template: a literal segment, or a `{name}` / greedy `{name+}` parameter. */
type TemplatePart = { readonly literal: string } | { readonly param: string; readonly greedy: boolean };

/** The parts of a resource template such as `/v1/secrets/{key}`. */
function parseTemplate(path: string): readonly TemplatePart[] {
  return path
    .split('/')
    .slice(1)
    .map((part): TemplatePart => {
      const name = PARAM.exec(part)?.[1];
      return name === undefined ? { literal: part } : { param: name, greedy: part.endsWith('+}') };
    });
}

// Templates parsed once, not per request: the API's own when the module loads, and each other
// resource on first sight (a scope's routes are resources of their own, `/v1/scopes/<scope>/…`).
// A direct invoke may send any resource, so the cache stops growing at a bound.
const PARSED_ROUTES = new Map(ALL_ROUTES.map((t) => [t.path, parseTemplate(t.path)]));
const MAX_PARSED_ROUTES = 256;

/** The parts of `path`, parsed once. */
function templateParts(path: string): readonly TemplatePart[] {
  const known = PARSED_ROUTES.get(path);
  if (known !== undefined) return known;
  const parts = parseTemplate(path);
  if (PARSED_ROUTES.size < MAX_PARSED_ROUTES) PARSED_ROUTES.set(path, parts);
  return parts;
}

/**
 * The fields of API Gateway's proxy event that place a request (`APIGatewayProxyEvent` of
 * aws-lambda's types has them; restated so the core needs no AWS package).
 */
export interface RoutedEvent {
  readonly resource: string;
  readonly path: string;
  readonly pathParameters: { readonly [name: string]: string | undefined } | null;
}

/**
 * The request path as raw (still-encoded) segments, rebuilt from `resource` and `pathParameters`
 * so a custom domain's base path or the stage never gets in the way; falls back to `path` for
 * events without a resource. Undefined when a parameter the resource names is missing.
 */
export function rawSegments(event: RoutedEvent): string[] | undefined {
  const resource = event.resource;
  if (typeof resource !== 'string' || !resource.startsWith('/'))
    return (event.path ?? '').split('/').slice(1);
  const segments: string[] = [];
  for (const part of templateParts(resource)) {
    if ('literal' in part) {
      segments.push(part.literal);
      continue;
    }
    const value = event.pathParameters?.[part.param];
    if (value === undefined || value === null) return undefined;
    // A greedy `{proxy+}` value keeps its `/` separators; an encoded `%2F` stays inside its segment.
    if (part.greedy) segments.push(...value.split('/'));
    else segments.push(value);
  }
  return segments;
}

/** Matches raw segments against `templates`; undefined when no template has this shape. */
export function matchRoute(
  segments: readonly string[],
  method: string,
  templates: readonly RouteTemplate[],
): RouteMatch | undefined {
  for (const template of templates) {
    const rawParams = matchTemplate(template.path, segments);
    if (rawParams === undefined) continue;
    const allow = Object.keys(template.methods) as Method[];
    const route = template.methods[method as Method];
    return route === undefined ? { template, rawParams, allow } : { template, route, rawParams, allow };
  }
  return undefined;
}

function matchTemplate(path: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = templateParts(path);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const part = parts[i];
    if (part === undefined) return undefined;
    if ('literal' in part) {
      if (segment !== part.literal) return undefined;
    } else {
      if (segment.length === 0) return undefined;
      params[part.param] = segment;
    }
  }
  return params;
}

/** True for any path under `/v1/scopes`, which the user function never serves. */
export function isScopePath(segments: readonly string[]): boolean {
  return segments[0] === 'v1' && segments[1] === 'scopes';
}

/**
 * Decodes one raw path segment exactly once (percent-decoding, UTF-8); undefined when the
 * segment is not valid percent-encoding. Never called twice on the same text.
 */
export function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
