import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidBodyError,
  InvalidKeyError,
  ReservedKeyError,
  SecretNotFoundError,
  ThrottledError,
  UnknownScopeError,
  ValueTooLargeError,
} from '../../core/index.js';
import { INTERNAL_MESSAGE, mapError, RouteError } from '../../lambda/http/errors.js';

describe('mapError', () => {
  it.each([
    [new InvalidKeyError('a/b', 'must not contain "/"'), 400, 'invalid_key'],
    [new InvalidBodyError('bad'), 400, 'invalid_body'],
    [new ReservedKeyError('__thv_x'), 403, 'reserved_key'],
    [new SecretNotFoundError('K'), 404, 'not_found'],
    [new UnknownScopeError('nope'), 404, 'unknown_scope'],
    [new RouteError('method_not_allowed', 'no', ['GET']), 405, 'method_not_allowed'],
    [new ConflictError('raced'), 409, 'conflict'],
    [new ValueTooLargeError(70_000, 65_536), 413, 'value_too_large'],
    [new ThrottledError('slow down'), 429, 'throttled'],
  ])('maps %s to its status and code', (error, status, code) => {
    // Act
    const mapped = mapError(error, 'req-1');
    // Assess
    expect([mapped.status, mapped.body.error]).toEqual([status, code]);
  });

  it('keeps a broker error message for the caller', () => {
    // Act
    const mapped = mapError(new SecretNotFoundError('K'), 'req-1');
    // Assess
    expect(mapped.body).toEqual({
      error: 'not_found',
      message: 'secret "K" was not found',
      requestId: 'req-1',
    });
  });

  it('answers an unknown error with a generic 500 that carries only the request id', () => {
    // Act
    const mapped = mapError(new Error('db password is hunter2'), 'req-9');
    // Assess
    expect([mapped.status, mapped.body]).toEqual([
      500,
      { error: 'internal', message: INTERNAL_MESSAGE, requestId: 'req-9' },
    ]);
  });

  it('keeps the detail of an unknown error for the log only', () => {
    // Act
    const mapped = mapError(new TypeError('boom'), 'req-9');
    // Assess
    expect([mapped.detail?.name, mapped.detail?.message]).toEqual(['TypeError', 'boom']);
  });

  it('answers a thrown non-error with a generic 500', () => {
    // Act
    const mapped = mapError('just a string', 'req-2');
    // Assess
    expect(mapped.body.error).toBe('internal');
  });

  it('names the allowed methods in an Allow header on 405', () => {
    // Act
    const mapped = mapError(new RouteError('method_not_allowed', 'no', ['GET', 'DELETE']), 'r');
    // Assess
    expect(mapped.headers).toEqual({ allow: 'GET, DELETE' });
  });
});
