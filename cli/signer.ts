/**
 * SigV4 signing for a deployed broker API (service `execute-api`). The local server takes
 * unsigned requests, so the API client only signs when the endpoint is not loopback.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4, type SignatureV4Init } from '@smithy/signature-v4';

/** Service name API Gateway expects in the credential scope. */
const SIGNING_SERVICE = 'execute-api';

/** A request about to be sent, in the shape both fetch and the signer understand. */
export interface OutgoingRequest {
  /** HTTP method. */
  readonly method: string;
  /** Full URL, query included. */
  readonly url: URL;
  /** Headers to send (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** Body text, if any. */
  readonly body?: string;
}

/** Returns the headers to send for a request (the request's own plus any signature headers). */
export type RequestSigner = (request: OutgoingRequest) => Promise<Record<string, string>>;

/** Options of {@link sigV4Signer}. */
export interface SigV4SignerOptions {
  /** Region of the API. */
  readonly region: string;
  /**
   * Credentials or a provider of them.
   * @default the standard AWS credential chain (env, SSO, profiles, IMDS…)
   */
  readonly credentials?: SignatureV4Init['credentials'];
  /**
   * Clock for the signature date; tests fix it to compare signatures.
   * @default the current time
   */
  readonly now?: () => Date;
}

/** The request as the Smithy signer sees it; exported so tests can re-sign the very same request. */
export function toHttpRequest(request: OutgoingRequest): HttpRequest {
  const { url } = request;
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  return new HttpRequest({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname,
    query,
    headers: { ...request.headers, host: url.host },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
}

/** A {@link RequestSigner} that adds SigV4 headers for `execute-api` in `options.region`. */
export function sigV4Signer(options: SigV4SignerOptions): RequestSigner {
  const signer = new SignatureV4({
    service: SIGNING_SERVICE,
    region: options.region,
    credentials: options.credentials ?? fromNodeProviderChain(),
    sha256: Sha256,
  });
  const now = options.now ?? (() => new Date());
  return async (request) => {
    const signed = await signer.sign(toHttpRequest(request), { signingDate: now() });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      // fetch derives Host from the URL itself (the same value that was signed).
      if (name.toLowerCase() !== 'host') headers[name.toLowerCase()] = value;
    }
    return headers;
  };
}
