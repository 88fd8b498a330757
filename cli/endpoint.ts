/**
 * Where the CLI sends its requests: the endpoint URL, whether it is the local server (plain,
 * unsigned HTTP) or a deployed API (HTTPS, SigV4), and the region to sign for.
 */
import { UsageError } from './errors.js';

/** The local server `npm start` runs. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8787';

/** Environment variable that overrides {@link DEFAULT_ENDPOINT}. */
export const ENDPOINT_ENV = 'THV_BROKER_ENDPOINT';

/**
 * The port variable `npm start` listens on (local/main.ts): when THV_BROKER_ENDPOINT is unset, the
 * CLI calls the local broker on that port, so one variable serves both without exporting a URL.
 */
export const PORT_ENV = 'BROKER_PORT';

/** Which setting chose the endpoint: named in connection errors, so the reader knows what to change. */
export type EndpointSource = '--endpoint' | typeof ENDPOINT_ENV | typeof PORT_ENV | 'default';

/** The endpoint URL as given, and the setting it came from. */
export interface EndpointSetting {
  /** The URL text, not yet checked. */
  readonly text: string;
  /** Where it came from. */
  readonly source: EndpointSource;
}

/**
 * The endpoint to call: `--endpoint`, else THV_BROKER_ENDPOINT, else the loopback URL on
 * BROKER_PORT (what `npm start` listens on), else {@link DEFAULT_ENDPOINT}. Empty variables count
 * as unset, as `npm start` treats them.
 */
export function chooseEndpoint(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): EndpointSetting {
  if (flag !== undefined) return { text: flag, source: '--endpoint' };
  const url = env[ENDPOINT_ENV];
  if (url) return { text: url, source: ENDPOINT_ENV };
  const port = env[PORT_ENV];
  if (port) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535)
      throw new UsageError(
        `${PORT_ENV} must be a port number (1-65535) to find the local broker, got ${JSON.stringify(port)}: fix it, or set ${ENDPOINT_ENV} / --endpoint`,
      );
    return { text: `http://127.0.0.1:${Number(port)}`, source: PORT_ENV };
  }
  return { text: DEFAULT_ENDPOINT, source: 'default' };
}

/** A parsed `--endpoint`. */
export interface Endpoint {
  /** Origin plus base path (the API Gateway stage), without a trailing slash. */
  readonly baseUrl: string;
  /** True for a loopback host: the local server, which takes unsigned requests. */
  readonly loopback: boolean;
  /** The parsed URL. */
  readonly url: URL;
  /**
   * The setting that chose it (for messages).
   * @default '--endpoint'
   */
  readonly source?: EndpointSource;
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
export function parseEndpoint(text: string, source: EndpointSource = '--endpoint'): Endpoint {
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
  return { baseUrl: `${url.origin}${basePath}`, loopback, url, source };
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

/**
 * What to do when `endpoint` cannot be reached: for loopback, start the local broker or point
 * elsewhere; always the settings that change the URL, and which one chose this one.
 */
export function unreachableHint(endpoint: Endpoint): string {
  const source = endpoint.source ?? '--endpoint';
  const chosenBy =
    source === 'default'
      ? `the default; ${ENDPOINT_ENV}, ${PORT_ENV} and --endpoint were unset`
      : `from ${source}`;
  const change = `set ${ENDPOINT_ENV} / --endpoint (or ${PORT_ENV} for the local broker's port)`;
  return endpoint.loopback
    ? `start it with \`npm start\`, or ${change} (this URL is ${chosenBy})`
    : `check the URL: ${change} (this URL is ${chosenBy})`;
}
