/**
 * Builds the API Gateway REST API proxy event (payload format 1.0) for a local HTTP request, with
 * the field shapes API Gateway uses (see core/http/routes.ts for what was established):
 * `path` and `pathParameters` stay percent-encoded exactly as received, `resource` is the resource
 * template, the query is split and decoded once, headers keep their case, and an empty body or
 * query or parameter set is `null`. A body that is not UTF-8 is passed base64-encoded, as API
 * Gateway does for binary media types.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT } from '../aws/arn.js';

/** The parts of an HTTP request an event is made from. */
export interface LocalRequest {
  /** HTTP method. */
  readonly method: string;
  /** Path as received, without the query string, still percent-encoded. */
  readonly rawPath: string;
  /** Query string as received, without `?` (may be empty). */
  readonly rawQuery: string;
  /** Header names and values in the order received, names in their original case. */
  readonly rawHeaders: readonly string[];
  /** The body bytes. */
  readonly body: Buffer;
  /** Client address. */
  readonly sourceIp: string;
}

/** What the local gateway knows that the request does not say. */
export interface EventContext {
  /** Resource template that matched, e.g. `/v1/secrets/{key}` or `/{proxy+}`. */
  readonly resource: string;
  /** Raw (still-encoded) values of the resource's parameters. */
  readonly pathParameters: Readonly<Record<string, string>> | null;
  /** Request id. */
  readonly requestId: string;
  /** Caller ARN the request is attributed to (IAM auth's `userArn`). */
  readonly callerArn: string;
  /**
   * Access key of a verified SigV4 signature (IAM auth's `accessKey`); null or absent when unsigned.
   * @default null
   */
  readonly accessKey?: string | null;
  /** Stage name. */
  readonly stage: string;
  /** Host the API answers on. */
  readonly domainName: string;
}

/** Builds the proxy event API Gateway would send for this request. */
export function toProxyEvent(request: LocalRequest, context: EventContext): APIGatewayProxyEvent {
  const headers = rawPairs(request.rawHeaders);
  const query = splitQuery(request.rawQuery);
  const bodyText = utf8OrUndefined(request.body);
  const now = new Date();
  const userAgent = lastValue(headers, 'user-agent');
  const user = context.callerArn.split('/').pop() ?? null;
  return {
    resource: context.resource,
    path: request.rawPath,
    httpMethod: request.method,
    headers: single(headers) ?? {},
    multiValueHeaders: multi(headers) ?? {},
    queryStringParameters: single(query),
    multiValueQueryStringParameters: multi(query),
    pathParameters: context.pathParameters === null ? null : { ...context.pathParameters },
    stageVariables: null,
    body: request.body.length === 0 ? null : (bodyText ?? request.body.toString('base64')),
    isBase64Encoded: request.body.length > 0 && bodyText === undefined,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      authorizer: undefined,
      domainName: context.domainName,
      domainPrefix: context.domainName.split('.')[0] ?? context.domainName,
      extendedRequestId: context.requestId,
      httpMethod: request.method,
      identity: {
        accessKey: context.accessKey ?? null,
        accountId: LOCAL_ACCOUNT,
        apiKey: null,
        apiKeyId: null,
        caller: user,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user,
        userAgent: userAgent ?? null,
        userArn: context.callerArn,
      },
      path: `/${context.stage}${request.rawPath}`,
      protocol: 'HTTP/1.1',
      requestId: context.requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: context.resource,
      stage: context.stage,
    },
  };
}

type Pairs = [string, string][];

/** Node's flat `[name, value, name, value, …]` list (`rawHeaders`) as pairs. */
export function rawPairs(raw: readonly string[]): Pairs {
  const out: Pairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const [name, value] = raw.slice(i, i + 2);
    if (name !== undefined && value !== undefined) out.push([name, value]);
  }
  return out;
}

/** Splits a query string into decoded pairs; `+` is kept (API Gateway does not turn it into a space). */
function splitQuery(rawQuery: string): Pairs {
  if (rawQuery.length === 0) return [];
  return rawQuery
    .split('&')
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf('=');
      const [name, value] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
      return [decodeOnce(name), decodeOnce(value)];
    });
}

function decodeOnce(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function lastValue(list: Pairs, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return list.filter(([k]) => k.toLowerCase() === wanted).pop()?.[1];
}

// Names come from the client, so the maps have no prototype: `__proto__`, `constructor` or
// `toString` are then ordinary own keys, as JSON.parse makes them in the event a function receives.
function single(list: Pairs): Record<string, string> | null {
  if (list.length === 0) return null;
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of list) out[k] = v;
  return out;
}

function multi(list: Pairs): Record<string, string[]> | null {
  if (list.length === 0) return null;
  const out: Record<string, string[]> = Object.create(null);
  for (const [k, v] of list) out[k] = [...(out[k] ?? []), v];
  return out;
}

// A byte-order mark is kept, as API Gateway keeps it. Stateless between calls (no `stream` option).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function utf8OrUndefined(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}
