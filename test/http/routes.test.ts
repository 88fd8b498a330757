import { describe, expect, it } from 'vitest';
import { decodeSegment, matchRoute, rawSegments, SCOPE_ROUTES, USER_ROUTES } from '../../core/http/routes.js';

describe('rawSegments', () => {
  it('reads every resource right, however many distinct ones it has seen (the parse cache is bounded)', () => {
    // A scope's routes are resources of their own; a direct invoke may send any resource at all.
    for (let i = 0; i < 600; i++) {
      const event = {
        resource: `/v1/scopes/s${i}/secrets/{name}`,
        path: `/v1/scopes/s${i}/secrets/n${i}`,
        pathParameters: { name: `n${i}` },
      };
      expect(rawSegments(event)).toEqual(['v1', 'scopes', `s${i}`, 'secrets', `n${i}`]);
    }
  });

  it('rebuilds the path from the resource and the still-encoded path parameters', () => {
    // Prepare
    const event = {
      resource: '/v1/secrets/{key}',
      path: '/base/v1/secrets/a%2Fb',
      pathParameters: { key: 'a%2Fb' },
    };
    // Act
    const segments = rawSegments(event);
    // Assess
    expect(segments).toEqual(['v1', 'secrets', 'a%2Fb']);
  });

  it('ignores a custom-domain base path that only event.path carries', () => {
    // Prepare
    const event = { resource: '/v1/secrets', path: '/broker/v1/secrets', pathParameters: null };
    // Act
    const segments = rawSegments(event);
    // Assess
    expect(segments).toEqual(['v1', 'secrets']);
  });

  it('splits a greedy proxy parameter on its real slashes only', () => {
    // Prepare
    const event = {
      resource: '/v1/{proxy+}',
      path: '/v1/secrets/a%2Fb',
      pathParameters: { proxy: 'secrets/a%2Fb' },
    };
    // Act
    const segments = rawSegments(event);
    // Assess
    expect(segments).toEqual(['v1', 'secrets', 'a%2Fb']);
  });

  it('keeps a literal scope segment of a per-scope resource', () => {
    // Prepare
    const event = {
      resource: '/v1/scopes/workloads/secrets/{name}',
      path: '',
      pathParameters: { name: 'T' },
    };
    // Act
    const segments = rawSegments(event);
    // Assess
    expect(segments).toEqual(['v1', 'scopes', 'workloads', 'secrets', 'T']);
  });

  it('is undefined when the resource names a parameter the event lacks', () => {
    // Prepare
    const event = { resource: '/v1/secrets/{key}', path: '/v1/secrets/x', pathParameters: null };
    // Act
    const segments = rawSegments(event);
    // Assess
    expect(segments).toBeUndefined();
  });

  it('falls back to the path when there is no resource', () => {
    // Prepare
    const event = { resource: '', path: '/v1/secrets/x', pathParameters: null };
    // Act
    const segments = rawSegments(event);
    // Assess
    expect(segments).toEqual(['v1', 'secrets', 'x']);
  });
});

describe('matchRoute', () => {
  it('names the operation of a served method', () => {
    // Act
    const match = matchRoute(['v1', 'secrets', 'K'], 'PUT', USER_ROUTES);
    // Assess
    expect([match?.route, match?.rawParams]).toEqual(['putSecret', { key: 'K' }]);
  });

  it('lists the allowed methods when the method is not served', () => {
    // Act
    const match = matchRoute(['v1', 'scopes', 'auth', 'secrets'], 'PUT', SCOPE_ROUTES);
    // Assess
    expect([match?.route, match?.allow]).toEqual([undefined, ['GET', 'DELETE']]);
  });

  it('does not match an empty key segment', () => {
    // Act
    const match = matchRoute(['v1', 'secrets', ''], 'GET', USER_ROUTES);
    // Assess
    expect(match).toBeUndefined();
  });
});

describe('decodeSegment', () => {
  it('decodes once', () => {
    // Act
    const decoded = decodeSegment('%2541');
    // Assess
    expect(decoded).toBe('%41');
  });

  it('is undefined for malformed encoding', () => {
    // Act
    const decoded = decodeSegment('%E0%A4%A');
    // Assess
    expect(decoded).toBeUndefined();
  });
});
