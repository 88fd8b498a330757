import { createServer } from 'node:http';
import { Authorizer } from '../iam/authorize.js';
import { loadIamModel } from '../iam/model-cache.js';
import type { Principal } from '../iam/principals.js';
import { stackSettingsFromEnv } from '../iam/settings.js';
import type { IamModel } from '../iam/stack-model.js';
import { answerMalformedRequests, assertLoopbackListenHost, type Listening, listen } from '../loopback.js';
import { DEFAULT_REGION } from './arn.js';
import { HeldNames } from './deletion-lag.js';
import { type EndpointConditions, FaultInjector } from './faults.js';
import { protocolListener } from './http.js';
import { secretsManagerOperations } from './secretsmanager.js';
import { ssmOperations } from './ssm.js';
import { SqliteStore } from './store.js';

/** How to start the local AWS endpoint. */
export interface AwsEndpointOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Loopback address to listen on; anything else is refused. @default '127.0.0.1' */
  readonly host?: string;
  /** Directory of the SQLite database; created if missing. */
  readonly dataDir: string;
  /** Region in ARNs. @default 'us-east-1' */
  readonly region?: string;
  /** Share (0..1) of calls answered with ThrottlingException. @default 0 */
  readonly throttleRate?: number;
  /** Share (0..1) of calls answered with InternalServiceError (500). @default 0 */
  readonly faultRate?: number;
  /** `aws`: hold Secrets Manager calls to AWS's rate quotas (ThrottlingException beyond). @default 'off' */
  readonly quotas?: EndpointConditions['quotas'];
  /** Milliseconds every AWS call waits before it runs. @default 0 */
  readonly latencyMs?: number;
  /** Milliseconds a force-deleted secret's name stays taken (CreateSecret refused). @default 0 */
  readonly deletionLagMs?: number;
  /** CreateSecret calls refused on a force-deleted secret's name before it is free. @default 0 */
  readonly deletionLagCreates?: number;
  /** Monotonic milliseconds for the quota buckets. @default performance.now */
  readonly clock?: () => number;
  /** Sink for one line per request (operation, status, duration; never a body). @default no logging */
  readonly log?: ((line: string) => void) | undefined;
  /**
   * Enforce the stack's IAM (docs/design.md §6): each call authorized for the principal whose key signed it,
   * with the policies of the broker stack synthesized from `env` (the `BROKER_*` settings the
   * handlers run with). `false`: every call is served.
   * @default false
   */
  readonly iam?: false | { readonly env?: Readonly<Record<string, string | undefined>> };
}

/** A running endpoint: `url` is what to give the SDK as `endpoint`; `close` also closes the database. */
export interface AwsEndpoint extends Listening {
  /** Region in its ARNs: the region to give the SDK clients. */
  readonly region: string;
  /** When it enforces IAM: the stack's IAM and the principals whose keys it knows. */
  readonly iam?: { readonly model: IamModel; readonly principals: readonly Principal[] };
}

/** The per-request log `BROKER_AWS_LOG=1` turns on (one line on stdout per request), else none. */
export function requestLogFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ((line: string) => void) | undefined {
  return env.BROKER_AWS_LOG === '1' ? (line) => console.log(line) : undefined;
}

/** The endpoint conditions the `BROKER_AWS_*` variables set; throws with the variable's name on a bad value. */
export function conditionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Partial<EndpointConditions> {
  const integer = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(text)}`);
    return Number(text);
  };
  const quotas = env.BROKER_AWS_QUOTAS;
  if (quotas !== undefined && quotas !== '' && quotas !== 'aws' && quotas !== 'off')
    throw new Error(`BROKER_AWS_QUOTAS must be "aws" or "off", got ${JSON.stringify(quotas)}`);
  const variables = {
    latencyMs: 'BROKER_AWS_LATENCY_MS',
    deletionLagMs: 'BROKER_AWS_DELETION_LAG_MS',
    deletionLagCreates: 'BROKER_AWS_DELETION_LAG_CREATES',
  } as const;
  const out: Record<string, unknown> = { quotas: quotas || undefined };
  for (const [field, name] of Object.entries(variables)) {
    out[field] = integer(name);
    // Range checks are the control route's own (one place): a probe injector applies them.
    try {
      new FaultInjector({ [field]: out[field] });
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`);
    }
  }
  return Object.fromEntries(
    Object.entries(out).filter(([, v]) => v !== undefined),
  ) as Partial<EndpointConditions>;
}

/** Starts an HTTP server that speaks the Secrets Manager and SSM JSON protocols over a durable store. */
export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const host = options.host ?? '127.0.0.1';
  // Its keys are public (local/iam/credentials.ts): exposing it beyond this machine would expose every secret.
  assertLoopbackListenHost(host);
  const region = options.region ?? DEFAULT_REGION;
  const faults = new FaultInjector(
    {
      throttleRate: options.throttleRate,
      faultRate: options.faultRate,
      quotas: options.quotas,
      latencyMs: options.latencyMs,
      deletionLagMs: options.deletionLagMs,
      deletionLagCreates: options.deletionLagCreates,
    },
    Math.random,
    options.clock,
  );
  const held = new HeldNames(() => faults.current());
  const store = SqliteStore.open(options.dataDir);
  let authorizer: Authorizer | undefined;
  if (options.iam) {
    try {
      const settings = stackSettingsFromEnv(options.iam.env ?? process.env, region);
      authorizer = new Authorizer(await loadIamModel(settings), store);
    } catch (error) {
      store.close();
      throw error;
    }
  }
  const server = createServer(
    protocolListener({
      services: {
        secretsmanager: secretsManagerOperations(store, region, held),
        AmazonSSM: ssmOperations(store, region),
      },
      faults,
      commit: (fn) =>
        store.transaction(() => {
          store.secrets.purgeExpired(Date.now() / 1000);
          return fn();
        }),
      log: options.log ?? (() => {}),
      ...(authorizer === undefined ? {} : { guard: (request) => authorizer.guard(request) }),
    }),
  );
  answerMalformedRequests(server, (message) => ({ __type: 'SerializationException', message }));
  try {
    const listening = await listen(server, host, options.port ?? 0, () => store.close());
    return {
      ...listening,
      region,
      ...(authorizer === undefined
        ? {}
        : { iam: { model: authorizer.model, principals: authorizer.principals } }),
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
