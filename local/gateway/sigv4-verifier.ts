/**
 * SigV4 verification of the local API, as API Gateway does it for `AWS_IAM` routes: the request's
 * canonical form is rebuilt from what arrived on the wire, re-signed with @smithy/signature-v4's
 * own canonicalization and key derivation (service `execute-api`, the local region, the credential
 * the access key names), and the signature compared in constant time. Refusals carry API Gateway's
 * own error types and messages, so a client sees locally what it would see deployed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import {
  ALGORITHM_IDENTIFIER,
  getCanonicalHeaders,
  getSigningKey,
  SignatureV4Base,
} from '@smithy/signature-v4';
import { rawPairs } from './proxy-event.js';

/** The service every broker API signature is scoped to. */
const SIGNING_SERVICE = 'execute-api';

/** API Gateway's allowed clock skew between the signature date and the server's clock. */
export const MAX_SKEW_MS = 5 * 60 * 1000;

/** Longest validity of a query-signed (presigned) request, as SigV4 allows. */
const MAX_EXPIRES_S = 7 * 24 * 60 * 60;

/** A credential pair the local server accepts, and the identity a request signed with it gets. */
export interface LocalCredential {
  /** Access key id. */
  readonly accessKeyId: string;
  /** Secret access key. */
  readonly secretAccessKey: string;
  /** IAM ARN the caller is attributed to (requestContext.identity.userArn). */
  readonly callerArn: string;
}

/** The request as it arrived. */
export interface SignedRequestParts {
  /** HTTP method. */
  readonly method: string;
  /** Path as received, still percent-encoded, without the query. */
  readonly rawPath: string;
  /** Query string as received, without `?`. */
  readonly rawQuery: string;
  /** Header names and values in the order received (Node's `rawHeaders`). */
  readonly rawHeaders: readonly string[];
  /** Body bytes. */
  readonly body: Buffer;
}

/** Error types API Gateway puts in `x-amzn-ErrorType` for an authentication failure. */
export type SigV4ErrorType =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException';

/** What verification found: no signature at all, a valid one, or a refusal (403). */
export type SigV4Outcome =
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'verified'; readonly credential: LocalCredential }
  | { readonly kind: 'refused'; readonly errorType: SigV4ErrorType; readonly message: string };

/** Options of {@link verifySigV4}. */
export interface VerifyOptions {
  /** Region signatures must be scoped to. */
  readonly region: string;
  /** Service signatures must be scoped to. @default SIGNING_SERVICE (`execute-api`) */
  readonly service?: string;
  /** The credentials the server knows. */
  readonly credentials: readonly LocalCredential[];
  /** The server's clock. */
  readonly now: Date;
}

/** API Gateway's answer to a signature that does not match (its wording). */
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** API Gateway's answer to an access key it does not know (its wording). */
export const UNKNOWN_ACCESS_KEY = 'The security token included in the request is invalid.';

/** API Gateway's answer to an unsigned request on an `AWS_IAM` route (its wording). */
export const MISSING_AUTHENTICATION_TOKEN = 'Missing Authentication Token';

/** The pieces of a signature, from the Authorization header or the query. */
interface SignatureParts {
  readonly accessKeyId: string;
  readonly shortDate: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly longDate: string;
  /** Seconds a query-signed request stays valid; undefined for header auth. */
  readonly expiresS: number | undefined;
}

const refused = (errorType: SigV4ErrorType, message: string): SigV4Outcome => ({
  kind: 'refused',
  errorType,
  message,
});

/**
 * Verifies a request's SigV4 signature (Authorization header or `X-Amz-Signature` query). A request
 * with neither is `unsigned`: whether that is allowed is the caller's policy, not this function's.
 */
export async function verifySigV4(
  request: SignedRequestParts,
  options: VerifyOptions,
): Promise<SigV4Outcome> {
  const headers = headerMap(request.rawHeaders);
  const query = queryPairs(request.rawQuery);
  const authorization = headers.get('authorization');
  const headerSigned = authorization?.startsWith(`${ALGORITHM_IDENTIFIER} `) === true;
  const querySigned = query.some(([name]) => name === 'X-Amz-Signature');
  if (!headerSigned && !querySigned) return { kind: 'unsigned' };
  if (headerSigned && querySigned)
    return refused(
      'IncompleteSignatureException',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified',
    );
  const parsed =
    headerSigned && authorization !== undefined
      ? fromAuthorization(authorization, headers)
      : fromQuery(query);
  if (typeof parsed === 'string') return refused('IncompleteSignatureException', parsed);

  const scopeProblem = scopeCheck(parsed, options.region, options.service ?? SIGNING_SERVICE);
  if (scopeProblem !== undefined) return refused('InvalidSignatureException', scopeProblem);
  if (!parsed.signedHeaders.includes('host'))
    return refused(
      'IncompleteSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  const absent = parsed.signedHeaders.filter((name) => !headers.has(name));
  if (absent.length > 0)
    return refused(
      'InvalidSignatureException',
      `${SIGNATURE_MISMATCH} (signed header${absent.length > 1 ? 's' : ''} missing from the request: ${absent.join(', ')})`,
    );
  const timeProblem = clockCheck(parsed, options.now);
  if (timeProblem !== undefined) return refused('InvalidSignatureException', timeProblem);

  const credential = options.credentials.find((c) => c.accessKeyId === parsed.accessKeyId);
  if (credential === undefined) return refused('UnrecognizedClientException', UNKNOWN_ACCESS_KEY);

  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const claimedHash = headers.get('x-amz-content-sha256');
  // The body is covered only through this hash: a claimed hash that is not the body's (or
  // UNSIGNED-PAYLOAD) would let a tampered body through under a valid signature.
  if (claimedHash !== undefined && claimedHash !== bodyHash)
    return refused(
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed " +
        '(the local broker verifies every body: UNSIGNED-PAYLOAD is not accepted).',
    );

  const canonical = canonicalRequest(request, headers, query, parsed.signedHeaders, bodyHash);
  const scope = `${parsed.shortDate}/${parsed.region}/${parsed.service}/${parsed.terminator}`;
  const stringToSign = [
    ALGORITHM_IDENTIFIER,
    parsed.longDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  const key = await getSigningKey(Sha256, credential, parsed.shortDate, parsed.region, parsed.service);
  const hmac = new Sha256(key);
  hmac.update(stringToSign);
  const expected = Buffer.from(await hmac.digest());
  const given = Buffer.from(parsed.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    // API Gateway shows both strings so a client can find its mistake; neither holds the secret key.
    return refused(
      'InvalidSignatureException',
      `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${redactToken(canonical)}'\n\n` +
        `The String-to-Sign should have been\n'${stringToSign}'\n`,
    );
  }
  return { kind: 'verified', credential };
}

/** Subclass only to reach the signer's canonical-request builder (path and query encoding). */
class CanonicalRequestBuilder extends SignatureV4Base {
  constructor() {
    // execute-api, like every service but S3, encodes the path once more when signing.
    super({
      service: SIGNING_SERVICE,
      region: '',
      credentials: { accessKeyId: '', secretAccessKey: '' },
      sha256: Sha256,
    });
  }

  build(request: HttpRequest, headers: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }
}

const builder = new CanonicalRequestBuilder();

function canonicalRequest(
  request: SignedRequestParts,
  headers: ReadonlyMap<string, string>,
  query: readonly [string, string][],
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  const signed: Record<string, string> = Object.create(null);
  for (const name of signedHeaders) signed[name] = headers.get(name) ?? '';
  const queryBag: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of query) {
    const seen = queryBag[name];
    queryBag[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const http = new HttpRequest({
    method: request.method,
    path: request.rawPath,
    query: queryBag,
    headers: signed,
  });
  const canonicalHeaders = getCanonicalHeaders(http, undefined, new Set(signedHeaders)) as Record<
    string,
    string
  >;
  return builder.build(http, canonicalHeaders, payloadHash);
}

/** Header values by lower-case name, repeated headers joined with `,` (as SigV4 canonicalizes them). */
function headerMap(raw: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const [rawName, rawValue] of rawPairs(raw)) {
    const name = rawName.toLowerCase();
    const value = rawValue.trim();
    const seen = map.get(name);
    map.set(name, seen === undefined ? value : `${seen},${value}`);
  }
  return map;
}

/** The query's pairs, each name and value percent-decoded once (`+` stays `+`). */
function queryPairs(rawQuery: string): [string, string][] {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
    });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const LONG_DATE = /^\d{8}T\d{6}Z$/;

function fromAuthorization(
  authorization: string,
  headers: ReadonlyMap<string, string>,
): SignatureParts | string {
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM_IDENTIFIER.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const problems: string[] = [];
  for (const name of ['Credential', 'Signature', 'SignedHeaders'])
    if (!fields.get(name)) problems.push(`Authorization header requires '${name}' parameter.`);
  const longDate = headers.get('x-amz-date');
  if (longDate === undefined)
    problems.push(
      "Authorization header requires existence of a 'X-Amz-Date' header (the local broker reads no 'Date' header).",
    );
  if (problems.length > 0 || longDate === undefined) return problems.join(' ');
  const field = (name: string) => fields.get(name) ?? '';
  return signatureParts(field('Credential'), field('SignedHeaders'), field('Signature'), longDate, undefined);
}

function fromQuery(query: readonly [string, string][]): SignatureParts | string {
  const get = (name: string) => query.find(([n]) => n === name)?.[1];
  const problems: string[] = [];
  if (get('X-Amz-Algorithm') !== ALGORITHM_IDENTIFIER)
    problems.push(`X-Amz-Algorithm must be ${ALGORITHM_IDENTIFIER}.`);
  for (const name of ['X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Date', 'X-Amz-Expires'])
    if (!get(name)) problems.push(`The query string requires '${name}'.`);
  const expires = Number(get('X-Amz-Expires'));
  if (get('X-Amz-Expires') && !(Number.isInteger(expires) && expires >= 1 && expires <= MAX_EXPIRES_S))
    problems.push(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_EXPIRES_S}.`);
  if (problems.length > 0) return problems.join(' ');
  return signatureParts(
    get('X-Amz-Credential') ?? '',
    get('X-Amz-SignedHeaders') ?? '',
    get('X-Amz-Signature') ?? '',
    get('X-Amz-Date') ?? '',
    expires,
  );
}

function signatureParts(
  credential: string,
  signedHeaders: string,
  signature: string,
  longDate: string,
  expiresS: number | undefined,
): SignatureParts | string {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((p) => p === ''))
    return `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'.`;
  if (!LONG_DATE.test(longDate))
    return `X-Amz-Date must be in the ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z', got '${longDate}'.`;
  if (!/^[0-9a-f]{64}$/.test(signature)) return 'The signature must be 64 lower-case hexadecimal digits.';
  const [accessKeyId, shortDate, region, service, terminator] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    accessKeyId,
    shortDate,
    region,
    service,
    terminator,
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()),
    signature,
    longDate,
    expiresS,
  };
}

function scopeCheck(parts: SignatureParts, region: string, service: string): string | undefined {
  if (parts.terminator !== 'aws4_request')
    return `Credential should be scoped with a valid terminator: 'aws4_request', not '${parts.terminator}'.`;
  if (parts.service !== service) return `Credential should be scoped to correct service: '${service}'.`;
  if (parts.region !== region)
    return `Credential should be scoped to a valid region, not '${parts.region}' (the local broker signs for '${region}').`;
  if (parts.shortDate !== parts.longDate.slice(0, 8))
    return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parts.shortDate}' != '${parts.longDate.slice(0, 8)}', from '${parts.longDate}'.`;
  return undefined;
}

/** Basic ISO-8601 (`20261202T193000Z`), as signatures carry dates. */
function basic(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

function clockCheck(parts: SignatureParts, now: Date): string | undefined {
  const d = parts.longDate;
  const signedAt = Date.parse(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );
  if (Number.isNaN(signedAt)) return `X-Amz-Date is not a date: '${d}'.`;
  const nowMs = now.getTime();
  if (signedAt > nowMs + MAX_SKEW_MS)
    return `Signature not yet current: ${d} is still later than ${basic(new Date(nowMs + MAX_SKEW_MS))} (${basic(now)} + 5 min.)`;
  const validUntil = parts.expiresS === undefined ? signedAt + MAX_SKEW_MS : signedAt + parts.expiresS * 1000;
  if (nowMs > validUntil)
    return parts.expiresS === undefined
      ? `Signature expired: ${d} is now earlier than ${basic(new Date(nowMs - MAX_SKEW_MS))} (${basic(now)} - 5 min.)`
      : `Signature expired: ${d} plus ${parts.expiresS} s is now earlier than ${basic(now)}.`;
  return undefined;
}

/** The canonical request with a session token's value hidden: it is a credential, even if not ours. */
function redactToken(canonical: string): string {
  return canonical
    .replace(/^(x-amz-security-token:).*$/gm, '$1<redacted>')
    .replace(/(X-Amz-Security-Token=)[^&\n]*/g, '$1<redacted>');
}
