/**
 * Whatever a client puts in the Authorization header, the signature query parameters or the path,
 * the verifier answers (never throws, which the gateway would turn into a 502), and it never
 * verifies a request it did not see signed with the known secret.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifySigV4 } from '../../local/gateway/sigv4-verifier.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const options = {
  region: 'us-east-1',
  credentials: [
    { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret', callerArn: 'arn:aws:iam::0:user/t' },
  ],
  now: NOW,
};

// Pieces a hostile or broken client might combine into a signature.
const piece = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'AKIDTEST/20261202/us-east-1/execute-api/aws4_request',
    'AKIDTEST/20261202/us-east-1/execute-api',
    '__proto__',
    'host;x-amz-date',
    'host;__proto__;constructor',
    '0'.repeat(64),
    '20261202T120000Z',
    '%',
    '%E0%A4%A',
  ),
);

describe('verifySigV4 on arbitrary input', () => {
  it('answers every Authorization header without throwing and never verifies one', async () => {
    await fc.assert(
      fc.asyncProperty(
        piece,
        piece,
        piece,
        piece,
        fc.string(),
        async (credential, signed, signature, date, path) => {
          // Act
          const outcome = await verifySigV4(
            {
              method: 'GET',
              rawPath: `/${path}`,
              rawQuery: '',
              rawHeaders: [
                'Host',
                '127.0.0.1:8787',
                'X-Amz-Date',
                date,
                'Authorization',
                `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signed}, Signature=${signature}`,
              ],
              body: Buffer.alloc(0),
            },
            options,
          );
          // Assess
          expect(outcome.kind).toBe('refused');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers every query signature without throwing and never verifies one', async () => {
    await fc.assert(
      fc.asyncProperty(
        piece,
        piece,
        piece,
        piece,
        fc.string(),
        async (credential, signed, signature, date, expires) => {
          // Arrange
          const q = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`;
          const rawQuery = [
            q('X-Amz-Algorithm', 'AWS4-HMAC-SHA256'),
            q('X-Amz-Credential', credential),
            q('X-Amz-Date', date),
            q('X-Amz-Expires', expires),
            q('X-Amz-SignedHeaders', signed),
            q('X-Amz-Signature', signature),
          ].join('&');
          // Act
          const outcome = await verifySigV4(
            {
              method: 'GET',
              rawPath: '/v1/secrets',
              rawQuery,
              rawHeaders: ['Host', '127.0.0.1:8787'],
              body: Buffer.alloc(0),
            },
            options,
          );
          // Assess
          expect(outcome.kind).toBe('refused');
        },
      ),
      { numRuns: 300 },
    );
  });
});
