/**
 * Where the CLI sends its requests: the endpoint URL, whether it is the local server (plain,
 * unsigned HTTP) or a deployed API (HTTPS, SigV4), and the region to sign for.
 */
import { UsageError } from './errors.js';

/** The local server `npm start` runs. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8787';

/** Environment variable that overrides {@link DEFAULT_ENDPOINT}. */
export const ENDPOINT_ENV = 'THV_BROKER_ENDPOINT';

/** A parsed `--endpoint`. */
export interface Endpoint {
  /** Origin plus base path (the API Gateway stage), without a trailing slash. */
  readonly baseUrl: string;
  /** True for a loopback host: the local server, which takes unsigned requests. */
  readonly loopback: boolean;
  /** The parsed URL. */
  readonly url: URL;
}

// execute-api default endpoints: https://<api-id>.execute-api.<region>.amazonaws.com[.cn]/<stage>
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

/** True when `hostname` (as `URL.hostname` spells it) names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  const octets = host.split('.');
  return (
    octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)
  );
}

/** Parses and checks an endpoint URL; throws {@link UsageError} with the fix when it is unusable. */
export function parseEndpoint(text: string): Endpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `--endpoint ${JSON.stringify(text)} is not a URL; expected e.g. ${DEFAULT_ENDPOINT}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint must be an http:// or https:// URL, got ${url.protocol}`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new UsageError('--endpoint must not carry a query, fragment or user info');
  }
  const loopback = isLoopbackHost(url.hostname);
  // Secret values travel in request and response bodies: off this machine they need TLS.
  if (!loopback && url.protocol === 'http:') {
    throw new UsageError(`--endpoint ${url.origin} is not loopback: use https://`);
  }
  const basePath = url.pathname.replace(/\/+$/, '');
  return { baseUrl: `${url.origin}${basePath}`, loopback, url };
}

/** The region in an execute-api default host name, or undefined (custom domain, loopback). */
export function regionFromUrl(url: URL): string | undefined {
  return EXECUTE_API_HOST.exec(url.hostname.toLowerCase())?.[1];
}

/**
 * The region to sign for: `--region`, else the one in the URL (it is where the API lives, so it
 * beats a default region in the environment), else AWS_REGION / AWS_DEFAULT_REGION.
 */
export function resolveRegion(
  endpoint: Endpoint,
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const region = flag || regionFromUrl(endpoint.url) || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new UsageError(
      `cannot tell the AWS region of ${endpoint.baseUrl}: pass --region or set AWS_REGION`,
    );
  }
  return region;
}
