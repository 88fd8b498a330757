/**
 * The API client's wire behaviour with a stubbed fetch: which requests are signed, how paths are
 * built, and how answers become results or errors.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrokerClient, pathSegment } from '../../cli/api-client.js';
import { createContext } from '../../cli/commands/context.js';
import { parseEndpoint } from '../../cli/endpoint.js';
import { ApiError, EXIT, TransportError, UnaddressableError } from '../../cli/errors.js';
import type { CliIo } from '../../cli/io.js';

type Seen = { url: string; init: RequestInit };
let seen: Seen[];
let answer: () => Response;

beforeEach(() => {
  seen = [];
  answer = () => Response.json({ keys: [] });
  vi.stubGlobal('fetch', async (url: URL, init: RequestInit) => {
    seen.push({ url: String(url), init });
    return answer();
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

const io = (env: Record<string, string> = {}): CliIo => ({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env,
});

const headersOf = (s: Seen | undefined) => new Headers(s?.init.headers);

describe('signing', () => {
  it('sends requests to a loopback endpoint unsigned', async () => {
    // Prepare
    const { client } = createContext({ endpoint: 'http://127.0.0.1:8787' }, io());
    // Act
    await client.listPage({ kind: 'user' });
    // Assess
    expect(headersOf(seen[0]).has('authorization')).toBe(false);
  });

  it("signs requests to a deployed API with the standard credential chain and the URL's region", async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-env');
    vi.stubEnv('AWS_PROFILE', '');
    const { client } = createContext(
      { endpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod' },
      io(),
    );
    // Act
    await client.listPage({ kind: 'user' });
    // Assess
    expect(seen[0]?.url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/v1/secrets');
    expect(headersOf(seen[0]).get('authorization')).toMatch(
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
    expect(seen[0]?.url).toBe('http://127.0.0.1:8787/v1/scopes/workloads/secrets/a%40b');
  });

  it('sends a PUT body with the value and description as JSON', async () => {
    // Prepare
    answer = () => Response.json({ key: 'K', version: 'v1' }, { status: 201 });
    // Act
    const result = await client.put({ kind: 'user' }, 'K', 'the value', 'desc');
    // Assess
    expect(JSON.parse(String(seen[0]?.init.body))).toEqual({ value: 'the value', description: 'desc' });
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
    answer = () => Response.json({ message: 'Missing Authentication Token' }, { status: 403 });
    // Act
    const error = await client.listPage({ kind: 'user' }).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ status: 403, code: undefined, message: 'Missing Authentication Token' });
  });

  it('does not show an error body that is not JSON, which could quote the request', async () => {
    // Prepare
    answer = () =>
      new Response('<html>bad request: {"value":"s3cr3t"}</html>', {
        status: 400,
        statusText: 'Bad Request',
      });
    // Act
    const error = await client.put({ kind: 'user' }, 'K', 's3cr3t').catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ status: 400, message: 'Bad Request' });
  });

  it('refuses a success answer of the wrong shape', async () => {
    // Prepare
    answer = () => Response.json({ nope: true });
    // Act / Assess
    await expect(client.listPage({ kind: 'user' })).rejects.toThrow(TransportError);
  });

  it('turns a network failure into a TransportError naming the endpoint', async () => {
    // Prepare
    answer = () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    };
    // Act / Assess
    await expect(client.listPage({ kind: 'user' })).rejects.toThrow(
      /cannot reach http:\/\/127.0.0.1:8787: fetch failed: connect ECONNREFUSED/,
    );
  });
});

describe('exit codes of API errors', () => {
  it.each([
    [404, 'not_found', EXIT.notFound],
    [404, 'unknown_scope', EXIT.refused],
    [403, 'reserved_key', EXIT.refused],
    [400, 'invalid_key', EXIT.refused],
    [400, 'invalid_body', EXIT.refused],
    [413, 'value_too_large', EXIT.refused],
    [405, 'method_not_allowed', EXIT.refused],
    [403, undefined, EXIT.refused],
    [409, 'conflict', EXIT.failed],
    [429, 'throttled', EXIT.failed],
    [500, 'internal', EXIT.failed],
    [502, undefined, EXIT.failed],
  ])('HTTP %i %s exits %i', (status, code, exitCode) => {
    expect(new ApiError(status, code, 'm', undefined).exitCode).toBe(exitCode);
  });
});
