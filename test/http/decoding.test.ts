/**
 * A key is percent-decoded exactly once between the wire and validation. API Gateway (REST API,
 * proxy integration) hands `pathParameters` over still encoded, as the client sent them; these
 * events are built that way (see core/http/routes.ts for the sources).
 */
import { describe, expect, it } from 'vitest';
import { createScopeApiHandler, createUserApiHandler } from '../../lambda/http/index.js';
import { bodyOf, fixture, proxyEvent, scopedEvent, secretEvent } from './events.js';

function userApi() {
  const { store, config, lines } = fixture();
  return { store, handler: createUserApiHandler({ config, store, log: (l) => lines.push(l) }) };
}

describe('decoding a key from the path', () => {
  it('refuses %5F%5Fthv_x as the reserved key __thv_x', async () => {
    // Prepare
    const { handler } = userApi();
    // Act
    const result = await handler(secretEvent('GET', '%5F%5Fthv_x'));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([403, 'reserved_key']);
  });

  it('refuses an encoded reserved key in mixed case and mixed encoding', async () => {
    // Prepare
    const { handler } = userApi();
    // Act
    const result = await handler(secretEvent('PUT', '%5f_%54HV_x', { value: 'v' }));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([403, 'reserved_key']);
  });

  it('never lets an encoded reserved key reach the store', async () => {
    // Prepare
    const { handler, store } = userApi();
    // Act
    await handler(secretEvent('PUT', '%5F%5Fthv_workloads_TOKEN', { value: 'v' }));
    // Assess
    expect(store.touched).toEqual([]);
  });

  it('turns %2F into a slash, which is an invalid key', async () => {
    // Prepare
    const { handler } = userApi();
    // Act
    const result = await handler(secretEvent('GET', 'a%2Fb'));
    // Assess
    expect([result.statusCode, bodyOf(result).error, bodyOf(result).message]).toEqual([
      400,
      'invalid_key',
      'key "a/b" is invalid: must not contain "/"',
    ]);
  });

  it('decodes a double-encoded key only once, leaving an invalid key', async () => {
    // Prepare
    const { handler } = userApi();
    // Act
    const result = await handler(secretEvent('GET', '%255F%255Fthv_x'));
    // Assess
    expect([result.statusCode, bodyOf(result).error, String(bodyOf(result).message)]).toEqual([
      400,
      'invalid_key',
      'key "%5F%5Fthv_x" is invalid: may contain only A-Z a-z 0-9 and _ + = . @ -',
    ]);
  });

  it('keeps %252F as %2F, not a slash', async () => {
    // Prepare
    const { handler } = userApi();
    // Act
    const result = await handler(secretEvent('GET', 'a%252Fb'));
    // Assess
    expect(String(bodyOf(result).message)).toContain('"a%2Fb"');
  });

  it('reads a valid key sent percent-encoded as the decoded key', async () => {
    // Prepare
    const { handler } = userApi();
    await handler(secretEvent('PUT', 'GITHUB_TOKEN', { value: 'v1' }));
    // Act
    const result = await handler(secretEvent('GET', 'GITHUB%5FTOKEN'));
    // Assess
    expect(bodyOf(result).key).toBe('GITHUB_TOKEN');
  });

  it('answers invalid_key for malformed percent-encoding', async () => {
    // Prepare
    const { handler } = userApi();
    // Act
    const result = await handler(secretEvent('GET', 'bad%zzkey'));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'invalid_key']);
  });

  it('answers invalid_key for percent-encoding that is not UTF-8', async () => {
    // Prepare
    const { handler } = userApi();
    // Act
    const result = await handler(secretEvent('GET', '%C3'));
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'invalid_key']);
  });

  it('decodes a scoped name once, so %252F stays an invalid name', async () => {
    // Prepare
    const { store, config, lines } = fixture({ BROKER_SERVED_SCOPES: 'workloads' });
    const handler = createScopeApiHandler({ config, store, log: (l) => lines.push(l) });
    // Act
    const result = await handler(scopedEvent('GET', 'workloads', 'x%252Fy'));
    // Assess
    expect([result.statusCode, String(bodyOf(result).message)]).toEqual([
      400,
      'key "x%2Fy" is invalid: may contain only A-Z a-z 0-9 and _ + = . @ -',
    ]);
  });

  it('takes the key from a greedy {proxy+} resource with an encoded slash kept in its segment', async () => {
    // Prepare
    const { handler } = userApi();
    const event = proxyEvent({
      method: 'GET',
      resource: '/{proxy+}',
      path: '/v1/secrets/a%2Fb',
      pathParameters: { proxy: 'v1/secrets/a%2Fb' },
    });
    // Act
    const result = await handler(event);
    // Assess
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'invalid_key']);
  });
});
