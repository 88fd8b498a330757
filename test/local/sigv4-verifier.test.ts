/**
 * The local gateway's SigV4 verifier: requests signed by @smithy/signature-v4 (the signer the SDKs
 * and the CLI use) verify, and every kind of tampering, a stale or future date, a missing signed
 * header or a wrong scope is refused with API Gateway's error type.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import {
  type LocalCredential,
  MAX_SKEW_MS,
  SIGNATURE_MISMATCH,
  type SignedRequestParts,
  UNKNOWN_ACCESS_KEY,
  verifySigV4,
} from '../../local/gateway/sigv4-verifier.js';

const credential: LocalCredential = {
  accessKeyId: 'AKIDTEST',
  secretAccessKey: 'test-secret',
  callerArn: 'arn:aws:iam::000000000000:user/test',
};
const NOW = new Date('2026-12-02T12:00:00Z');
const options = { region: 'us-east-1', credentials: [credential], now: NOW };

interface Req {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

function httpRequest(req: Req): HttpRequest {
  return new HttpRequest({
    method: req.method ?? 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 8787,
    path: req.path ?? '/v1/secrets/GITHUB_TOKEN',
    query: req.query ?? {},
    headers: { host: '127.0.0.1:8787', ...req.headers },
    ...(req.body === undefined ? {} : { body: req.body }),
  });
}

function signer(over: { secret?: string; region?: string; service?: string; applyChecksum?: boolean } = {}) {
  return new SignatureV4({
    service: over.service ?? 'execute-api',
    region: over.region ?? 'us-east-1',
    credentials: {
      accessKeyId: credential.accessKeyId,
      secretAccessKey: over.secret ?? credential.secretAccessKey,
    },
    sha256: Sha256,
    ...(over.applyChecksum === undefined ? {} : { applyChecksum: over.applyChecksum }),
  });
}

/** A signed request as it arrives on the wire (the query encoded as a client would put it in a URL). */
function onTheWire(signed: HttpRequest): SignedRequestParts {
  const rawHeaders = Object.entries(signed.headers).flat();
  const rawQuery = Object.entries(signed.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  const body = signed.body === undefined ? Buffer.alloc(0) : Buffer.from(String(signed.body));
  return { method: signed.method, rawPath: signed.path, rawQuery, rawHeaders, body };
}

async function signed(req: Req = {}, at: Date = NOW, over: Parameters<typeof signer>[0] = {}) {
  return onTheWire((await signer(over).sign(httpRequest(req), { signingDate: at })) as HttpRequest);
}

const put = { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":"v"}' };

describe('verifySigV4', () => {
  it('verifies a signed GET and names its credential', async () => {
    // Act
    const outcome = await verifySigV4(await signed(), options);
    // Assess
    expect(outcome).toEqual({ kind: 'verified', credential });
  });

  it('verifies a signed PUT with a body and its x-amz-content-sha256', async () => {
    // Act
    const outcome = await verifySigV4(await signed(put), options);
    // Assess
    expect(outcome.kind).toBe('verified');
  });

  it('verifies a PUT signed without x-amz-content-sha256 (the body is hashed, as curl signs)', async () => {
    // Act
    const outcome = await verifySigV4(await signed(put, NOW, { applyChecksum: false }), options);
    // Assess
    expect(outcome.kind).toBe('verified');
  });

  it('verifies a query and a path that the signer encodes once more', async () => {
    // Act
    const outcome = await verifySigV4(
      await signed({ path: '/v1/secrets/a%2Bb', query: { limit: '5', next: 'x y+z/=' } }),
      options,
    );
    // Assess
    expect(outcome.kind).toBe('verified');
  });

  it('verifies a query-signed (presigned) request', async () => {
    // Arrange
    const presigned = await signer().presign(httpRequest({}), { signingDate: NOW, expiresIn: 60 });
    // Act
    const outcome = await verifySigV4(onTheWire(presigned as HttpRequest), options);
    // Assess
    expect(outcome.kind).toBe('verified');
  });

  it('treats a request without any signature as unsigned', async () => {
    // Act
    const outcome = await verifySigV4(
      onTheWire(httpRequest({ headers: { authorization: 'Bearer x' } })),
      options,
    );
    // Assess
    expect(outcome).toEqual({ kind: 'unsigned' });
  });

  const tamperings: [string, (r: SignedRequestParts) => SignedRequestParts][] = [
    ['method', (r) => ({ ...r, method: 'DELETE' })],
    ['path', (r) => ({ ...r, rawPath: '/v1/secrets/OTHER' })],
    ['query', (r) => ({ ...r, rawQuery: 'limit=6' })],
    [
      'signed header value',
      (r) => ({ ...r, rawHeaders: swapHeader(r.rawHeaders, 'content-type', 'text/plain') }),
    ],
    ['signature', (r) => ({ ...r, rawHeaders: swapSignature(r.rawHeaders) })],
  ];
  for (const [what, tamper] of tamperings) {
    it(`refuses a request whose ${what} changed after signing`, async () => {
      // Arrange
      const request = tamper(await signed({ ...put, query: { limit: '5' } }, NOW, { applyChecksum: false }));
      // Act
      const outcome = await verifySigV4(request, options);
      // Assess
      expect(outcome).toMatchObject({ kind: 'refused', errorType: 'InvalidSignatureException' });
      expect(outcome.kind === 'refused' && outcome.message.startsWith(SIGNATURE_MISMATCH)).toBe(true);
    });
  }

  it('refuses a tampered body signed without x-amz-content-sha256', async () => {
    // Arrange
    const request = await signed(put, NOW, { applyChecksum: false });
    // Act
    const outcome = await verifySigV4({ ...request, body: Buffer.from('{"value":"evil"}') }, options);
    // Assess
    expect(outcome).toMatchObject({ kind: 'refused', errorType: 'InvalidSignatureException' });
  });

  it('refuses a tampered body whose x-amz-content-sha256 still names the old one', async () => {
    // Arrange
    const request = await signed(put);
    // Act
    const outcome = await verifySigV4({ ...request, body: Buffer.from('{"value":"evil"}') }, options);
    // Assess
    expect(outcome).toMatchObject({ kind: 'refused', errorType: 'InvalidSignatureException' });
    expect(outcome.kind === 'refused' && outcome.message).toContain('x-amz-content-sha256');
  });

  it('refuses a signature made with another secret key', async () => {
    // Act
    const outcome = await verifySigV4(await signed({}, NOW, { secret: 'wrong' }), options);
    // Assess
    expect(outcome).toMatchObject({ kind: 'refused', errorType: 'InvalidSignatureException' });
  });

  it('refuses an access key it does not know', async () => {
    // Act
    const outcome = await verifySigV4(await signed(), { ...options, credentials: [] });
    // Assess
    expect(outcome).toEqual({
      kind: 'refused',
      errorType: 'UnrecognizedClientException',
      message: UNKNOWN_ACCESS_KEY,
    });
  });

  it('accepts a date within five minutes of its clock', async () => {
    // Act
    const outcome = await verifySigV4(
      await signed({}, new Date(NOW.getTime() - MAX_SKEW_MS + 1000)),
      options,
    );
    // Assess
    expect(outcome.kind).toBe('verified');
  });

  it('refuses a signature more than five minutes old', async () => {
    // Act
    const outcome = await verifySigV4(
      await signed({}, new Date(NOW.getTime() - MAX_SKEW_MS - 1000)),
      options,
    );
    // Assess
    expect(outcome).toMatchObject({ kind: 'refused', errorType: 'InvalidSignatureException' });
    expect(outcome.kind === 'refused' && outcome.message).toMatch(/^Signature expired: /);
  });

  it('refuses a signature dated more than five minutes ahead', async () => {
    // Act
    const outcome = await verifySigV4(
      await signed({}, new Date(NOW.getTime() + MAX_SKEW_MS + 1000)),
      options,
    );
    // Assess
    expect(outcome.kind === 'refused' && outcome.message).toMatch(/^Signature not yet current: /);
  });

  it('refuses a presigned request past its X-Amz-Expires', async () => {
    // Arrange
    const presigned = await signer().presign(httpRequest({}), { signingDate: NOW, expiresIn: 60 });
    // Act
    const outcome = await verifySigV4(onTheWire(presigned as HttpRequest), {
      ...options,
      now: new Date(NOW.getTime() + 61_000),
    });
    // Assess
    expect(outcome.kind === 'refused' && outcome.message).toMatch(/^Signature expired: /);
  });

  it('refuses a request that lacks a header it signed', async () => {
    // Arrange
    const request = await signed({ headers: { 'x-custom': 'a' } });
    // Act
    const outcome = await verifySigV4(
      { ...request, rawHeaders: dropHeader(request.rawHeaders, 'x-custom') },
      options,
    );
    // Assess
    expect(outcome).toMatchObject({ kind: 'refused', errorType: 'InvalidSignatureException' });
    expect(outcome.kind === 'refused' && outcome.message).toContain('missing from the request: x-custom');
  });

  it('refuses a signature that does not sign Host', async () => {
    // Arrange
    const request = onTheWire(
      (await signer().sign(httpRequest({}), {
        signingDate: NOW,
        unsignableHeaders: new Set(['host']),
      })) as HttpRequest,
    );
    // Act
    const outcome = await verifySigV4(request, options);
    // Assess
    expect(outcome).toMatchObject({ kind: 'refused', errorType: 'IncompleteSignatureException' });
  });

  it('refuses a signature scoped to another region', async () => {
    // Act
    const outcome = await verifySigV4(await signed({}, NOW, { region: 'eu-west-1' }), options);
    // Assess
    expect(outcome.kind === 'refused' && outcome.message).toMatch(
      /^Credential should be scoped to a valid region/,
    );
  });

  it('refuses a signature scoped to another service', async () => {
    // Act
    const outcome = await verifySigV4(await signed({}, NOW, { service: 's3' }), options);
    // Assess
    expect(outcome.kind === 'refused' && outcome.message).toMatch(
      /^Credential should be scoped to correct service/,
    );
  });

  it('refuses an Authorization header without its parts', async () => {
    // Arrange
    const request = onTheWire(
      httpRequest({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDTEST' } }),
    );
    // Act
    const outcome = await verifySigV4(request, options);
    // Assess
    expect(outcome).toMatchObject({ kind: 'refused', errorType: 'IncompleteSignatureException' });
  });

  it('never puts the secret key or a session token in a refusal', async () => {
    // Arrange
    const withToken = new SignatureV4({
      service: 'execute-api',
      region: 'us-east-1',
      credentials: { ...credential, secretAccessKey: 'wrong', sessionToken: 'TOKEN-VALUE' },
      sha256: Sha256,
    });
    const request = onTheWire((await withToken.sign(httpRequest({}), { signingDate: NOW })) as HttpRequest);
    // Act
    const outcome = await verifySigV4(request, options);
    // Assess
    expect(outcome.kind).toBe('refused');
    expect(JSON.stringify(outcome)).not.toMatch(/test-secret|TOKEN-VALUE/);
  });

  it('never echoes a session token given twice in the query', async () => {
    // Arrange: a presigned request whose query repeats the token parameter (raw query, as sent)
    const presigned = await signer({ secret: 'wrong' }).presign(httpRequest({}), { signingDate: NOW });
    const request = onTheWire(presigned as HttpRequest);
    const repeated = {
      ...request,
      rawQuery: `${request.rawQuery}&X-Amz-Security-Token=FIRST-TOKEN&X-Amz-Security-Token=SECOND-TOKEN`,
    };
    // Act
    const outcome = await verifySigV4(repeated, options);
    // Assess
    expect(outcome.kind).toBe('refused');
    expect(JSON.stringify(outcome)).not.toMatch(/FIRST-TOKEN|SECOND-TOKEN/);
  });
});

function swapHeader(raw: readonly string[], name: string, value: string): string[] {
  return raw.map((v, i) => (i % 2 === 1 && raw[i - 1]?.toLowerCase() === name ? value : v));
}

function dropHeader(raw: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (raw[i]?.toLowerCase() !== name) out.push(raw[i] as string, raw[i + 1] as string);
  return out;
}

function swapSignature(raw: readonly string[]): string[] {
  return raw.map((v) =>
    v.replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`),
  );
}
