/**
 * The API client's wire behaviour with a stubbed fetch: which requests are signed, how paths are
 * built, and how answers become results or errors.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrokerClient, pathSegment } from '../../cli/api-client.js';
import { createContext } from '../../cli/commands/context.js';
import { parseEndpoint } from '../../cli/endpoint.js';
import { ApiError, EXIT, NotBrokerError, UnaddressableError } from '../../cli/errors.js';
import { type ApiErrorCode, ERROR_STATUS } from '../../core/http/schemas.js';
import { fakeIo, type SeenRequest, stubFetch } from './support.js';

let seen: SeenRequest[];
let answer: () => Response;

beforeEach(() => {
  answer = () => Response.json({ keys: [] });
  seen = stubFetch(() => answer());
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe('signing', () => {
  it('sends requests to a loopback endpoint unsigned', async () => {
    // Prepare
    const { client } = createContext({ endpoint: 'http://127.0.0.1:8787' }, fakeIo().io);
    // Act
    await client.listPage({ kind: 'user' });
    // Assess
    expect(seen[0]?.headers.has('authorization')).toBe(false);
  });

  it("signs requests to a deployed API with the standard credential chain and the URL's region", async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-env');
    vi.stubEnv('AWS_PROFILE', '');
    const { client } = createContext(
      { endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod' },
      fakeIo().io,
    );
    // Act
    await client.listPage({ kind: 'user' });
    // Assess
    expect(seen[0]?.url.href).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/v1/secrets');
    expect(seen[0]?.headers.get('authorization')).toMatch(
      /Credential=AKIDFROMENV\/\d{8}\/eu-west-1\/execute-api\/aws4_request/,
    );
  });
});

describe('requests', () => {
  const client = new BrokerClient({ endpoint: parseEndpoint('http://127.0.0.1:8787') });

  it('encodes a key once into its path segment', async () => {
    // Prepare
    answer = () => Response.json({ key: 'a@b', value: 'v', version: '1', updatedAt: 't' });
    // Act
    await client.get({ kind: 'scope', scope: 'workloads' }, 'a@b');
    // Assess
    expect(seen[0]?.url.href).toBe('http://127.0.0.1:8787/v1/scopes/workloads/secrets/a%40b');
  });

  it('sends a PUT body with the value and description as JSON', async () => {
    // Prepare
    answer = () => Response.json({ key: 'K', version: 'v1' }, { status: 201 });
    // Act
    const result = await client.put({ kind: 'user' }, 'K', 'the value', 'desc');
    // Assess
    expect(JSON.parse(String(seen[0]?.body))).toEqual({ value: 'the value', description: 'desc' });
    expect(result).toEqual({ key: 'K', version: 'v1', created: true });
  });

  it('reports 200 on PUT as an update', async () => {
    // Prepare
    answer = () => Response.json({ key: 'K', version: 'v2' }, { status: 200 });
    // Act
    const result = await client.put({ kind: 'user' }, 'K', 'v');
    // Assess
    expect(result.created).toBe(false);
  });

  it.each(['', '.', '..'])('refuses the key %j before sending anything', async (key) => {
    // Act / Assess
    await expect(client.get({ kind: 'user' }, key)).rejects.toThrow(UnaddressableError);
    expect(seen).toEqual([]);
  });

  it('keeps dot-like keys that are not whole dot segments', () => {
    expect(pathSegment('key', '...')).toBe('...');
    expect(pathSegment('key', '.env')).toBe('.env');
  });
});

describe('answers', () => {
  const client = new BrokerClient({ endpoint: parseEndpoint('http://127.0.0.1:8787') });

  it('turns a broker error into an ApiError with code, message and request id', async () => {
    // Prepare
    answer = () =>
      Response.json({ error: 'reserved_key', message: 'key is reserved', requestId: 'r-1' }, { status: 403 });
    // Act
    const error = await client.get({ kind: 'user' }, '__thv_x').catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 403,
      code: 'reserved_key',
      message: 'key is reserved',
      requestId: 'r-1',
    });
  });

  it("keeps API Gateway's own error message when the body is not the broker's", async () => {
    // Prepare
    answer = () =>
      Response.json(
        { message: 'Missing Authentication Token' },
        { status: 403, headers: { 'x-amzn-requestid': 'r-2' } },
      );
    // Act
    const error = await client.listPage({ kind: 'user' }).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ status: 403, code: undefined, message: 'Missing Authentication Token' });
  });

  it('calls an error body that is not JSON not the broker, without showing it (it could quote the request)', async () => {
    // Prepare
    answer = () =>
      new Response('<html>bad request: {"value":"s3cr3t"}</html>', {
        status: 400,
        statusText: 'Bad Request',
      });
    // Act
    const error = await client.put({ kind: 'user' }, 'K', 's3cr3t').catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(NotBrokerError);
    expect((error as Error).message).toContain('HTTP 400');
    expect((error as Error).message).not.toContain('s3cr3t');
  });

  it('refuses a success answer of the wrong shape', async () => {
    // Prepare
    answer = () => Response.json({ nope: true });
    // Act / Assess
    await expect(client.listPage({ kind: 'user' })).rejects.toThrow(NotBrokerError);
  });

  it('turns a network failure into a TransportError naming the endpoint', async () => {
    // Prepare
    answer = () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });
    };
    // Act / Assess
    await expect(client.listPage({ kind: 'user' })).rejects.toThrow(
      /^cannot reach the broker at http:\/\/127.0.0.1:8787 \(connection refused\): start it with `npm start`/,
    );
  });
});

describe('exit codes of API errors', () => {
  // Typed over every code the API can send, so a new code does not compile until it has an exit code.
  const exitOfCode: Record<ApiErrorCode, number> = {
    invalid_key: EXIT.refused,
    invalid_body: EXIT.refused,
    reserved_key: EXIT.refused,
    access_denied: EXIT.refused,
    not_found: EXIT.notFound,
    unknown_scope: EXIT.refused,
    method_not_allowed: EXIT.refused,
    conflict: EXIT.failed,
    not_deleted: EXIT.refused,
    value_too_large: EXIT.refused,
    throttled: EXIT.failed,
    internal: EXIT.failed,
  };

  it.each(Object.entries(ERROR_STATUS) as [ApiErrorCode, number][])(
    '%s (HTTP %i) exits as documented',
    (code, status) => {
      expect(new ApiError(status, code, 'm', undefined).exitCode).toBe(exitOfCode[code]);
    },
  );

  it.each([
    [403, EXIT.refused],
    [502, EXIT.failed],
  ])('HTTP %i without a broker code exits %i', (status, exitCode) => {
    expect(new ApiError(status, undefined, 'm', undefined).exitCode).toBe(exitCode);
  });
});
