/**
 * Reading a proxy event's inputs: headers, query and JSON body, each parsed with its zod schema.
 * Every failure is an `InvalidBodyError` (400) or `ValueTooLargeError` (413) whose message names
 * the field at fault and never echoes the input (JSON.parse's own messages quote the body).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type * as z from 'zod/mini';
import { IN_ENGLISH } from '../../core/english.js';
import { InvalidBodyError, ValueTooLargeError } from '../../core/index.js';

/**
 * Largest raw body accepted, in bytes: a 65,536-byte value written entirely as `\uXXXX` escapes,
 * plus room for a description. Checked before parsing so a huge body costs nothing.
 */
export const MAX_BODY_BYTES = 512 * 1024;

type EventInputs = Pick<
  APIGatewayProxyEvent,
  'headers' | 'queryStringParameters' | 'multiValueQueryStringParameters' | 'body' | 'isBase64Encoded'
>;

/**
 * A header's value, looked up case-insensitively; undefined when absent. Only names of the right
 * length are lowered: it runs more than once on every request.
 */
export function header(event: Pick<EventInputs, 'headers'>, name: string): string | undefined {
  const headers = event.headers;
  if (headers === null || headers === undefined) return undefined;
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.length !== wanted.length || key.toLowerCase() !== wanted) continue;
    const value = headers[key];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Parses the query string with `schema`; a parameter given twice is refused. */
export function parseQuery<S extends z.ZodMiniType>(event: EventInputs, schema: S): z.infer<S> {
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if ((values?.length ?? 0) > 1)
      throw new InvalidBodyError(`query parameter ${JSON.stringify(name)} is given more than once`);
  }
  const result = schema.safeParse({ ...(event.queryStringParameters ?? {}) }, IN_ENGLISH);
  if (!result.success) throw new InvalidBodyError(`invalid query: ${describeIssues(result.error, 'query')}`);
  return result.data;
}

/**
 * Parses a JSON body with `schema`: size, encoding, content type, syntax, then shape. `plain`, when
 * given, answers the common case without the schema (see `plainPutBody` in core/http/schemas.ts);
 * what it leaves undefined goes to the schema.
 */
export function parseJsonBody<S extends z.ZodMiniType>(
  event: EventInputs,
  schema: S,
  plain?: (data: unknown) => z.infer<S> | undefined,
): z.infer<S> {
  const text = bodyText(event);
  const contentType = header(event, 'content-type');
  if (contentType !== undefined && !isJson(contentType)) {
    throw new InvalidBodyError('the body must be JSON: send Content-Type: application/json');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InvalidBodyError('the body is not valid JSON');
  }
  const quick = plain?.(data);
  if (quick !== undefined) return quick;
  const result = schema.safeParse(data, IN_ENGLISH);
  if (!result.success) throw new InvalidBodyError(`invalid body: ${describeIssues(result.error, 'body')}`);
  return result.data;
}

function bodyText(event: EventInputs): string {
  const raw = event.body ?? '';
  if (raw.length === 0) throw new InvalidBodyError('a JSON body is required');
  // Base64 is 4/3 of the bytes; a UTF-16 length bounds UTF-8 bytes from below, so check both ways.
  const bytes = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw, 'utf8');
  if (bytes > MAX_BODY_BYTES) throw new ValueTooLargeError(bytes, MAX_BODY_BYTES);
  if (!event.isBase64Encoded) return raw;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw) || raw.length % 4 !== 0)
    throw new InvalidBodyError('the body is not valid base64');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.from(raw, 'base64'));
  } catch {
    throw new InvalidBodyError('the body is not valid UTF-8');
  }
}

function isJson(contentType: string): boolean {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** Says what is wrong with each field, by path; zod's messages name types, not input values. */
function describeIssues(error: z.core.$ZodError, root: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${[root, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
}
