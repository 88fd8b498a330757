/** SigV4 signing of requests to a deployed API: the signature is exactly what SignatureV4 computes. */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { type OutgoingRequest, sigV4Signer, toHttpRequest } from '../../cli/signer.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const signingDate = new Date('2026-11-30T10:00:00Z');
const request: OutgoingRequest = {
  method: 'PUT',
  url: new URL(
    'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/v1/scopes/workloads/secrets/BEARER_TOKEN_%40x?limit=5',
  ),
  headers: { accept: 'application/json', 'content-type': 'application/json' },
  body: '{"value":"s3cr3t"}',
};

/** What an independent SignatureV4 gives for the same request. */
async function reSign(req: OutgoingRequest, options: { region?: string; service?: string } = {}) {
  const signer = new SignatureV4({
    service: options.service ?? 'execute-api',
    region: options.region ?? 'eu-west-1',
    credentials,
    sha256: Sha256,
  });
  return signer.sign(toHttpRequest(req), { signingDate });
}

describe('sigV4Signer', () => {
  it('produces the Authorization header a re-sign of the same request gives', async () => {
    // Prepare
    const sign = sigV4Signer({ region: 'eu-west-1', credentials, now: () => signingDate });
    // Act
    const headers = await sign(request);
    // Assess
    const expected = await reSign(request);
    expect(headers.authorization).toBe(expected.headers.authorization);
    expect(headers['x-amz-date']).toBe('20261130T100000Z');
  });

  it('signs for execute-api in the given region', async () => {
    // Prepare
    const sign = sigV4Signer({ region: 'eu-west-1', credentials, now: () => signingDate });
    // Act
    const headers = await sign(request);
    // Assess
    expect(headers.authorization).toContain(
      'Credential=AKIDEXAMPLE/20261130/eu-west-1/execute-api/aws4_request',
    );
    expect(headers.authorization).not.toBe(
      (await reSign(request, { region: 'us-east-1' })).headers.authorization,
    );
    expect(headers.authorization).not.toBe(
      (await reSign(request, { service: 'secretsmanager' })).headers.authorization,
    );
  });

  it('covers the body: a different body gives a different signature', async () => {
    // Prepare
    const sign = sigV4Signer({ region: 'eu-west-1', credentials, now: () => signingDate });
    // Act
    const headers = await sign(request);
    // Assess
    const tampered = await reSign({ ...request, body: '{"value":"other"}' });
    expect(headers.authorization).not.toBe(tampered.headers.authorization);
  });

  it('covers the query: a different limit gives a different signature', async () => {
    // Prepare
    const sign = sigV4Signer({ region: 'eu-west-1', credentials, now: () => signingDate });
    // Act
    const headers = await sign(request);
    // Assess
    const url = new URL(request.url);
    url.searchParams.set('limit', '6');
    expect(headers.authorization).not.toBe((await reSign({ ...request, url })).headers.authorization);
  });

  it('sends the session token of temporary credentials', async () => {
    // Prepare
    const sign = sigV4Signer({
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken: 'TOKEN' },
      now: () => signingDate,
    });
    // Act
    const headers = await sign(request);
    // Assess
    expect(headers['x-amz-security-token']).toBe('TOKEN');
    expect(headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
  });

  it('leaves Host to fetch, which sends the value that was signed', async () => {
    // Prepare
    const sign = sigV4Signer({ region: 'eu-west-1', credentials, now: () => signingDate });
    // Act
    const headers = await sign(request);
    // Assess
    expect(Object.keys(headers)).not.toContain('host');
    expect(headers.authorization).toMatch(/SignedHeaders=[^,]*host/);
  });
});
