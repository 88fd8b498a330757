/**
 * The bad-input battery as tables: each row is one request a careless or hostile caller could
 * send, and the documented error it must get. Rows are generated from small lists so a new kind
 * of bad input is one line.
 */
import type { ErrorCode } from '../../support/api.js';

/** One request of the battery and the error it must get. */
export interface BadInput {
  /** What the row tests, shown as the test name. */
  readonly name: string;
  /** HTTP method. */
  readonly method: string;
  /** Path (and query), sent byte for byte. */
  readonly path: string;
  /** Raw body, if any. */
  readonly body?: string | undefined;
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The documented error code it must get. */
  readonly code: ErrorCode;
}

/** Marker inside every value the battery sends, searched for in responses and logs. */
export const BATTERY_VALUE = 'battery-secret-value-7f3a';

/** A user key and a scoped name that are valid, so only the body is wrong. */
const WRITE_PATHS = ['/v1/secrets/battery-key', '/v1/scopes/workloads/secrets/battery-name'] as const;

const MALFORMED_JSON: readonly [string, string][] = [
  ['an empty body', ''],
  ['a lone brace', '{'],
  ['plain text', `value=${BATTERY_VALUE}`],
  ['single quotes', `{'value':'${BATTERY_VALUE}'}`],
  ['a missing value after the colon', '{"value":}'],
  ['a trailing comma', `{"value":"${BATTERY_VALUE}",}`],
  ['trailing garbage', `{"value":"${BATTERY_VALUE}"}x`],
  ['two objects', `{"value":"${BATTERY_VALUE}"}{"value":"b"}`],
  ['JSON null', 'null'],
  ['a JSON array', `["${BATTERY_VALUE}"]`],
  ['a JSON string', `"${BATTERY_VALUE}"`],
  ['a JSON number', '42'],
  ['an unterminated string', `{"value":"${BATTERY_VALUE}`],
];

const WRONG_TYPES: readonly [string, unknown][] = [
  ['value as a number', { value: 42 }],
  ['value as a boolean', { value: true }],
  ['value as null', { value: null }],
  ['value as an array', { value: [BATTERY_VALUE] }],
  ['value as an object', { value: { secret: BATTERY_VALUE } }],
  ['description as a number', { value: BATTERY_VALUE, description: 7 }],
  ['description as null', { value: BATTERY_VALUE, description: null }],
  ['description as an array', { value: BATTERY_VALUE, description: ['d'] }],
];

const MISSING_FIELDS: readonly [string, unknown][] = [
  ['an empty object', {}],
  ['only a description', { description: 'no value' }],
  ['value in the wrong case', { Value: BATTERY_VALUE }],
];

const EXTRA_FIELDS: readonly [string, unknown][] = [
  ['an unknown field', { value: BATTERY_VALUE, extra: 1 }],
  ['a key field that could redirect the write', { value: BATTERY_VALUE, key: '__thv_workloads_X' }],
  ['a scope field', { value: BATTERY_VALUE, scope: 'auth' }],
  ['tags', { value: BATTERY_VALUE, tags: [{ Key: 'thv:scope', Value: 'workloads' }] }],
  [
    'a SecretId',
    { value: BATTERY_VALUE, SecretId: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:toolhive/x' },
  ],
];

const OVERSIZED_BODIES: readonly [string, unknown, ErrorCode][] = [
  ['a 65,537-byte ASCII value', { value: 'x'.repeat(65_537) }, 'value_too_large'],
  ['a 65,538-byte value of 2-byte characters', { value: 'é'.repeat(32_769) }, 'value_too_large'],
  [
    'a 65,537-byte value of 4-byte characters plus one byte',
    { value: `${'🔑'.repeat(16_384)}x` },
    'value_too_large',
  ],
  [
    'a description of 2,049 characters',
    { value: BATTERY_VALUE, description: 'd'.repeat(2_049) },
    'invalid_body',
  ],
  ['a 600 KB value (over the request body limit)', { value: 'x'.repeat(600 * 1024) }, 'value_too_large'],
];

/** Idempotency-Key headers outside the client request token alphabet and length (32–64). */
const BAD_IDEMPOTENCY_KEYS: readonly [string, string][] = [
  ['a too-short Idempotency-Key', 'short'],
  ['an Idempotency-Key with punctuation', `${'x'.repeat(31)}!`],
  ['a too-long Idempotency-Key', 'k'.repeat(65)],
];

/** Keys that are reserved after exactly one decode, in every case and encoding. */
const RESERVED_KEYS = [
  '__thv_x',
  '__THV_x',
  '__Thv_x',
  '__tHv_x',
  '__thv_',
  '__thv_workloads_BEARER_TOKEN_github',
  '%5F%5Fthv_x',
  '%5f%5fTHV_x',
  '%5F_thv_x',
  '_%5fthv_x',
  '__%74hv_x',
  '%5F%5F%74%68%76%5F',
];

/** Keys that must be refused as invalid (on user and scope routes alike). */
const INVALID_KEYS: readonly [string, string][] = [
  ['a double-encoded reserved key (never decoded twice)', '%255F%255Fthv_x'],
  ['a double-encoded reserved key in upper case', '%255f%255fTHV_x'],
  ['a full ARN', 'arn:aws:secretsmanager:us-east-1:000000000000:secret:GITHUB_TOKEN-AbCdEf'],
  ['a partial ARN', 'secret:GITHUB_TOKEN'],
  ['an encoded ARN', encodeURIComponent('arn:aws:secretsmanager:us-east-1:000000000000:secret:toolhive/x')],
  ['an encoded slash', 'a%2Fb'],
  ['a root-prefixed name', 'toolhive%2FGITHUB_TOKEN'],
  ['a dot-dot segment', '..'],
  ['an encoded dot-dot segment', '%2E%2E'],
  ['a lower-case encoded dot-dot segment', '%2e%2e'],
  ['a dot segment', '.'],
  ['an encoded backslash path', '..%5C..%5Cetc'],
  ['a space', 'a%20b'],
  ['a NUL byte', 'a%00b'],
  ['a newline', 'a%0Ab'],
  ['a non-ASCII letter', '%C3%A9'],
  ['a lone percent sign', '%'],
  ['broken percent-encoding', 'a%ZZ'],
  ['invalid UTF-8', '%E0%A4%A'],
  ['a 201-character key', 'k'.repeat(201)],
  ['a 1,000-character key', 'k'.repeat(1_000)],
];

/** Scope names the deployment does not have. */
const UNKNOWN_SCOPES = [
  'payments',
  'WORKLOADS',
  'Workloads',
  'workloads_x',
  '__thv_',
  'user',
  'a%2Fb',
  '%2E%2E',
  's'.repeat(33),
  'llm2',
];

/** Requests with a wrong method on a known path. */
const WRONG_METHODS: readonly [string, string][] = [
  ['POST', '/v1/secrets'],
  ['PUT', '/v1/secrets'],
  ['DELETE', '/v1/secrets'],
  ['PATCH', '/v1/secrets'],
  ['POST', '/v1/secrets/battery-key'],
  ['PATCH', '/v1/secrets/battery-key'],
  ['POST', '/v1/scopes/workloads/secrets'],
  ['PUT', '/v1/scopes/workloads/secrets'],
  ['PATCH', '/v1/scopes/workloads/secrets'],
  ['POST', '/v1/scopes/workloads/secrets/battery-name'],
  ['PATCH', '/v1/scopes/workloads/secrets/battery-name'],
];

/** Bad `limit`/`next` query strings. */
const BAD_QUERIES: readonly [string, string][] = [
  ['limit 0', 'limit=0'],
  ['a negative limit', 'limit=-1'],
  ['limit 101', 'limit=101'],
  ['limit 1000', 'limit=1000'],
  ['a non-numeric limit', 'limit=abc'],
  ['a fractional limit', 'limit=1.5'],
  ['an exponent limit', 'limit=1e2'],
  ['an empty limit', 'limit='],
  ['limit given twice', 'limit=5&limit=6'],
  ['an empty next', 'next='],
  ['next with punctuation', 'next=!!!'],
  ['next with a space', 'next=a%20b'],
  ['a 5,000-character next', `next=${'A'.repeat(5_000)}`],
  ['a forged next', 'next=AAAAAAAA'],
  ['an unknown parameter', 'prefix=__thv_'],
];

/** Paths that match no route. */
const UNKNOWN_PATHS = [
  '/v1/secret',
  '/v2/secrets',
  '/v1/secrets/a/b',
  '/v1/secrets/arn:aws:secretsmanager:us-east-1:000000000000:secret:toolhive/GITHUB_TOKEN-AbCdEf',
  '/v1/scopes/workloads',
  '/v1/scopes/workloads/secrets/a/b',
];

/** One row. */
function row(
  name: string,
  method: string,
  path: string,
  code: ErrorCode,
  body?: string,
  headers?: Record<string, string>,
): BadInput {
  return { name, method, path, code, body, headers };
}

/** The whole battery. */
export function badInputs(): BadInput[] {
  const rows: BadInput[] = [];
  const goodBody = JSON.stringify({ value: BATTERY_VALUE });
  for (const path of WRITE_PATHS) {
    for (const [what, body] of MALFORMED_JSON)
      rows.push(row(`PUT ${path} with ${what}`, 'PUT', path, 'invalid_body', body));
    for (const [what, body] of [...WRONG_TYPES, ...MISSING_FIELDS, ...EXTRA_FIELDS]) {
      rows.push(row(`PUT ${path} with ${what}`, 'PUT', path, 'invalid_body', JSON.stringify(body)));
    }
    for (const [what, body, code] of OVERSIZED_BODIES) {
      rows.push(row(`PUT ${path} with ${what}`, 'PUT', path, code, JSON.stringify(body)));
    }
    for (const [what, key] of BAD_IDEMPOTENCY_KEYS) {
      rows.push(
        row(`PUT ${path} with ${what}`, 'PUT', path, 'invalid_body', goodBody, { 'idempotency-key': key }),
      );
    }
  }
  const tooLongInScope = 'n'.repeat(200 - '__thv_workloads_'.length + 1);
  // DELETE rows come before PUT rows so a write wrongly accepted is not undone by a later row.
  for (const method of ['GET', 'DELETE', 'PUT']) {
    const body = method === 'PUT' ? goodBody : undefined;
    for (const key of RESERVED_KEYS) {
      rows.push(
        row(`${method} reserved user key ${key}`, method, `/v1/secrets/${key}`, 'reserved_key', body),
      );
    }
    for (const [what, key] of INVALID_KEYS) {
      rows.push(row(`${method} user key: ${what}`, method, `/v1/secrets/${key}`, 'invalid_key', body));
      rows.push(
        row(
          `${method} scoped name: ${what}`,
          method,
          `/v1/scopes/workloads/secrets/${key}`,
          'invalid_key',
          body,
        ),
      );
    }
    rows.push(
      row(
        `${method} a scoped name too long once prefixed`,
        method,
        `/v1/scopes/workloads/secrets/${tooLongInScope}`,
        'invalid_key',
        body,
      ),
    );
    for (const scope of UNKNOWN_SCOPES) {
      const shown = scope.slice(0, 40);
      rows.push(
        row(
          `${method} name in unknown scope ${shown}`,
          method,
          `/v1/scopes/${scope}/secrets/battery-name`,
          'unknown_scope',
          body,
        ),
      );
    }
  }
  for (const scope of UNKNOWN_SCOPES) {
    const shown = scope.slice(0, 40);
    rows.push(
      row(`GET listing of unknown scope ${shown}`, 'GET', `/v1/scopes/${scope}/secrets`, 'unknown_scope'),
    );
    rows.push(
      row(
        `DELETE cleanup of unknown scope ${shown}`,
        'DELETE',
        `/v1/scopes/${scope}/secrets`,
        'unknown_scope',
      ),
    );
  }
  for (const [method, path] of WRONG_METHODS)
    rows.push(row(`${method} ${path}`, method, path, 'method_not_allowed'));
  for (const list of ['/v1/secrets', '/v1/scopes/workloads/secrets']) {
    for (const [what, query] of BAD_QUERIES)
      rows.push(row(`GET ${list} with ${what}`, 'GET', `${list}?${query}`, 'invalid_body'));
  }
  for (const path of UNKNOWN_PATHS) rows.push(row(`GET unknown path ${path}`, 'GET', path, 'not_found'));
  rows.push(...restoreAndVersionRows());
  return rows;
}

/** Versions that are neither `previous` nor a version id (32–64 of A-Z a-z 0-9 _ -). */
const BAD_VERSIONS: readonly [string, string][] = [
  ['the current stage by name', 'AWSCURRENT'],
  ['the previous stage by its AWS name', 'AWSPREVIOUS'],
  ['previous in upper case', 'PREVIOUS'],
  ['a 31-character id', 'v'.repeat(31)],
  ['a 65-character id', 'v'.repeat(65)],
  ['an id with punctuation', `${'v'.repeat(32)}!`],
  ['an encoded slash', `${'v'.repeat(16)}%2F${'v'.repeat(16)}`],
  ['a dot-dot segment', '%2E%2E'],
  ['previous with a trailing space', 'previous%20'],
  ['broken percent-encoding', '%ZZ'],
];

/** The restore and version routes: the same key rules, and their own inputs. */
function restoreAndVersionRows(): BadInput[] {
  const rows: BadInput[] = [];
  const routes = [
    ['POST', (base: string) => `${base}/restore`],
    ['GET', (base: string) => `${base}/versions/previous`],
  ] as const;
  for (const [method, at] of routes) {
    for (const key of RESERVED_KEYS)
      rows.push(
        row(`${method} ${at('reserved user key')} ${key}`, method, at(`/v1/secrets/${key}`), 'reserved_key'),
      );
    for (const [what, key] of INVALID_KEYS) {
      // A dot-dot or dot segment would be collapsed by a URL parser, not by the raw sender: kept.
      rows.push(row(`${method} ${at('user key')}: ${what}`, method, at(`/v1/secrets/${key}`), 'invalid_key'));
      rows.push(
        row(
          `${method} ${at('scoped name')}: ${what}`,
          method,
          at(`/v1/scopes/workloads/secrets/${key}`),
          'invalid_key',
        ),
      );
    }
    for (const scope of UNKNOWN_SCOPES.slice(0, 4))
      rows.push(
        row(
          `${method} ${at(`unknown scope ${scope}`)}`,
          method,
          at(`/v1/scopes/${scope}/secrets/n`),
          'unknown_scope',
        ),
      );
  }
  for (const base of ['/v1/secrets/battery-key', '/v1/scopes/workloads/secrets/battery-name']) {
    for (const [what, version] of BAD_VERSIONS)
      rows.push(row(`GET ${base} version: ${what}`, 'GET', `${base}/versions/${version}`, 'invalid_body'));
    for (const [what, body] of [
      ['a value in the body', JSON.stringify({ value: BATTERY_VALUE })],
      ['a body that is not JSON', `value=${BATTERY_VALUE}`],
      ['a JSON array body', `["${BATTERY_VALUE}"]`],
    ] as const)
      rows.push(row(`POST ${base}/restore with ${what}`, 'POST', `${base}/restore`, 'invalid_body', body));
    for (const method of ['GET', 'PUT', 'DELETE'])
      rows.push(row(`${method} ${base}/restore`, method, `${base}/restore`, 'method_not_allowed'));
    for (const method of ['POST', 'PUT', 'DELETE'])
      rows.push(
        row(`${method} ${base}/versions/previous`, method, `${base}/versions/previous`, 'method_not_allowed'),
      );
    for (const tail of ['/versions', '/versions/previous/x', '/restore/x', '/version/previous'])
      rows.push(row(`GET unknown path ${base}${tail}`, 'GET', `${base}${tail}`, 'not_found'));
  }
  for (const list of ['/v1/deleted-secrets', '/v1/scopes/workloads/deleted-secrets']) {
    for (const [what, query] of BAD_QUERIES)
      rows.push(row(`GET ${list} with ${what}`, 'GET', `${list}?${query}`, 'invalid_body'));
    for (const method of ['POST', 'PUT', 'DELETE'])
      rows.push(row(`${method} ${list}`, method, list, 'method_not_allowed'));
    rows.push(row(`GET unknown path ${list}/x`, 'GET', `${list}/x`, 'not_found'));
  }
  for (const scope of UNKNOWN_SCOPES)
    rows.push(
      row(
        `GET deleted listing of unknown scope ${scope.slice(0, 40)}`,
        'GET',
        `/v1/scopes/${scope}/deleted-secrets`,
        'unknown_scope',
      ),
    );
  return rows;
}
