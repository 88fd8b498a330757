import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ListQuery, PutSecretBody, plainPutBody } from '../../core/http/schemas.js';
import { InvalidBodyError, ValueTooLargeError } from '../../core/index.js';
import { header, MAX_BODY_BYTES, parseJsonBody, parseQuery } from '../../lambda/http/request.js';
import { proxyEvent } from './events.js';

const put = (body: string | null, headers?: Record<string, string>, isBase64Encoded = false) =>
  proxyEvent({
    method: 'PUT',
    resource: '/v1/secrets/{key}',
    path: '/v1/secrets/K',
    body,
    isBase64Encoded,
    ...(headers ? { headers } : {}),
  });

const list = (query: Record<string, string | string[]>) =>
  proxyEvent({ method: 'GET', resource: '/v1/secrets', path: '/v1/secrets', query });

describe('parseJsonBody', () => {
  it('parses a value and a description', () => {
    // Act
    const body = parseJsonBody(put('{"value":"v","description":"d"}'), PutSecretBody);
    // Assess
    expect(body).toEqual({ value: 'v', description: 'd' });
  });

  it('takes a plain body from the plain check and leaves the rest to the schema and its words', () => {
    // Act
    const plain = parseJsonBody(put('{"value":"v"}'), PutSecretBody, plainPutBody);
    const act = () => parseJsonBody(put('{"value":"v","owner":"me"}'), PutSecretBody, plainPutBody);
    // Assess
    expect(plain).toStrictEqual({ value: 'v' });
    expect(act).toThrow(new InvalidBodyError('invalid body: body: Unrecognized key: "owner"'));
  });

  it('refuses malformed JSON without quoting the body', () => {
    // Act
    const act = () => parseJsonBody(put('{"value": hunter2'), PutSecretBody);
    // Assess
    expect(act).toThrow(new InvalidBodyError('the body is not valid JSON'));
  });

  it('refuses a missing body', () => {
    // Act
    const act = () => parseJsonBody(put(null), PutSecretBody);
    // Assess
    expect(act).toThrow(InvalidBodyError);
  });

  it('refuses a non-JSON content type', () => {
    // Act
    const act = () => parseJsonBody(put('{"value":"v"}', { 'Content-Type': 'text/plain' }), PutSecretBody);
    // Assess
    expect(act).toThrow(/Content-Type: application\/json/);
  });

  it('accepts application/json with a charset in any case', () => {
    // Act
    const body = parseJsonBody(
      put('{"value":"v"}', { 'content-type': 'Application/JSON; charset=utf-8' }),
      PutSecretBody,
    );
    // Assess
    expect(body.value).toBe('v');
  });

  it('decodes a base64-encoded body', () => {
    // Prepare
    const encoded = Buffer.from('{"value":"ü"}', 'utf8').toString('base64');
    // Act
    const body = parseJsonBody(put(encoded, undefined, true), PutSecretBody);
    // Assess
    expect(body.value).toBe('ü');
  });

  it('refuses a base64 body that is not base64', () => {
    // Act
    const act = () => parseJsonBody(put('not base64!', undefined, true), PutSecretBody);
    // Assess
    expect(act).toThrow(new InvalidBodyError('the body is not valid base64'));
  });

  it('refuses a base64 body that is not UTF-8', () => {
    // Act
    const act = () =>
      parseJsonBody(put(Buffer.from([0xff, 0xfe, 0x7b]).toString('base64'), undefined, true), PutSecretBody);
    // Assess
    expect(act).toThrow(new InvalidBodyError('the body is not valid UTF-8'));
  });

  it('refuses a raw body over the limit as too large before parsing it', () => {
    // Act
    const act = () => parseJsonBody(put('x'.repeat(MAX_BODY_BYTES + 1)), PutSecretBody);
    // Assess
    expect(act).toThrow(ValueTooLargeError);
  });

  it('names the field at fault without echoing its value', () => {
    // Act
    const act = () => parseJsonBody(put('{"value":12345678}'), PutSecretBody);
    // Assess
    expect(act).toThrow(/^invalid body: body\.value: Invalid input: expected string, received number$/);
  });
});

describe('header', () => {
  /** The lookup by its definition: the first own name equal to `name` once both are lowered. */
  const byDefinition = (headers: Record<string, string | undefined>, name: string) =>
    Object.entries(headers).find(
      ([key, value]) => key.toLowerCase() === name.toLowerCase() && value !== undefined,
    )?.[1];

  it('finds a header whatever the case it was sent in', () => {
    // Arrange
    const event = put('{}', { Host: 'h', 'IDEMPOTENCY-Key': 'k1' });
    // Act
    const found = [header(event, 'idempotency-key'), header(event, 'Content-Type'), header(event, 'host')];
    // Assess
    expect(found).toEqual(['k1', undefined, 'h']);
  });

  it('answers as its definition for any names, Unicode case mappings included (property)', () => {
    // Names whose lower case is the wanted one, or differs from it in length (İ lowers to two units).
    const name = fc.oneof(
      fc.constantFrom(
        'content-type',
        'idempotency-key',
        'Content-Type',
        'IDEMPOTENCY-KEY',
        'idempotency-\u212aey',
      ),
      fc.constantFrom('İdempotency-key', 'idempotency-keİ', 'ıdempotency-key', 'content-typeİ'),
      fc.string({ unit: 'binary', maxLength: 16 }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(name, fc.option(fc.string(), { nil: undefined }), { maxKeys: 6 }),
        fc.constantFrom('idempotency-key', 'content-type', 'Content-Type'),
        (headers, wanted) => {
          // Act
          const found = header({ headers: headers as Record<string, string> }, wanted);
          // Assess
          expect(found).toBe(byDefinition(headers, wanted));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('parseQuery', () => {
  it('reads limit as a number and next as given', () => {
    // Act
    const query = parseQuery(list({ limit: '10', next: 'abc' }), ListQuery);
    // Assess
    expect(query).toEqual({ limit: 10, next: 'abc' });
  });

  it('accepts no query at all', () => {
    // Act
    const query = parseQuery(list({}), ListQuery);
    // Assess
    expect(query).toEqual({});
  });

  it('refuses a parameter given twice', () => {
    // Act
    const act = () => parseQuery(list({ limit: ['1', '2'] }), ListQuery);
    // Assess
    expect(act).toThrow(/given more than once/);
  });

  it('refuses an unknown parameter', () => {
    // Act
    const act = () => parseQuery(list({ page: '2' }), ListQuery);
    // Assess
    expect(act).toThrow(InvalidBodyError);
  });
});
