/**
 * `npm start`: the whole broker on this machine. Starts the embedded AWS endpoint (Secrets Manager
 * and SSM over SQLite) and the local API in front of the same handlers the stack deploys, both on
 * loopback, with the real SDK clients pointed at the endpoint.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { droppedLegacyRowsNote, ENV, loadConfig, splitList } from '../core/config.js';
import { type LogSink, stdoutSink } from '../lambda/http/audit-log.js';
import { DEFAULT_REGION } from './aws/arn.js';
import {
  type AwsEndpointOptions,
  conditionsFromEnv,
  requestLogFromEnv,
  startAwsEndpoint,
} from './aws/endpoint.js';
import { lockDataDir } from './data-lock.js';
import { DEFAULT_AWS_PORT, DEFAULT_DATA_DIR, dataDirFromEnv, portFromEnv } from './env.js';
import { type ApiServer, OPENAPI_PATH, startApiServer } from './gateway/api-server.js';
import { sigV4Banner, sigV4SettingsFromEnv } from './gateway/sigv4-settings.js';
import { clientsAs, functionPrincipal, principalNamed, stackFunctionEnv } from './iam/function-roles.js';
import type { Principal } from './iam/principals.js';
import { iamBanner, iamEnabledFromEnv } from './iam/settings.js';
import { makePrivateDir } from './private-files.js';

/** The key the functions sign with when IAM is off: any key is served then. */
const LOCAL_UNCHECKED_KEY = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Default port of the local API (`BROKER_PORT`). */
export const DEFAULT_PORT = 8787;

/** Options of {@link startBroker}. */
export interface BrokerOptions {
  /**
   * Port of the API; 0 picks a free one.
   * @default 8787
   */
  readonly port?: number;
  /**
   * Port of the AWS endpoint; 0 picks a free one.
   * @default 4566
   */
  readonly awsPort?: number;
  /**
   * Directory of the durable store.
   * @default '.broker-data/'
   */
  readonly dataDir?: string;
  /**
   * Loopback address for both servers.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * The functions' environment (`BROKER_ROOT`, `BROKER_SCOPES`, ...).
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Where the audit lines go.
   * @default stdout
   */
  readonly log?: LogSink;
  /**
   * Conditions of the local AWS endpoint: fault injection (shares of calls answered with
   * throttling or a 500), AWS's rate quotas, a per-call latency, the lag of a forced delete.
   * @default no faults, no quotas, no latency, no lag
   */
  readonly faults?: Pick<
    AwsEndpointOptions,
    'throttleRate' | 'faultRate' | 'quotas' | 'latencyMs' | 'deletionLagMs' | 'deletionLagCreates'
  >;
  /**
   * Where the AWS endpoint's per-request lines go (operation, status, duration).
   * @default not logged
   */
  readonly awsLog?: ((line: string) => void) | undefined;
  /**
   * Enforce the stack's IAM on the AWS endpoint, each function running under its own role's key
   * (docs/design.md §6).
   * @default true, unless `env` has BROKER_IAM=off
   */
  readonly iam?: boolean;
}

/** A running local broker. */
export interface Broker {
  /** Base URL of the API. */
  readonly url: string;
  /** Base URL of the AWS endpoint (usable as any AWS SDK's or CLI's endpoint URL). */
  readonly awsUrl: string;
  /** Absolute path of the data directory. */
  readonly dataDir: string;
  /** The principals of the AWS endpoint, when it enforces IAM (their keys act as them). */
  readonly principals?: readonly Principal[];
  /** Stops the API, then the endpoint. */
  close(): Promise<void>;
}

/** A server could not listen because another process has its port. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    /** The variable that sets the port (`BROKER_PORT`, `BROKER_AWS_PORT`). */
    readonly variable: string,
    what: string,
  ) {
    super(
      `port ${port} (${what}) is already in use: set ${variable} to a free port (0 picks one), ` +
        `e.g. ${variable}=${port < 65_535 ? port + 1 : 0} npm start`,
    );
    this.name = 'PortInUseError';
  }
}

/** `error`, or a {@link PortInUseError} naming `variable` when it says the port is taken. */
function portError(error: unknown, port: number, variable: string, what: string): unknown {
  return (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
    ? new PortInUseError(port, variable, what)
    : error;
}

/**
 * Takes the data directory (refusing one another broker holds), then starts the AWS endpoint, then
 * the API in front of it.
 */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  makePrivateDir(dataDir);
  const lock = lockDataDir(dataDir);
  const awsPort = options.awsPort ?? DEFAULT_AWS_PORT;
  const env = options.env ?? process.env;
  let endpoint: Awaited<ReturnType<typeof startAwsEndpoint>>;
  try {
    endpoint = await startAwsEndpoint({
      port: awsPort,
      host,
      dataDir,
      iam: (options.iam ?? iamEnabledFromEnv(env)) && { env },
      ...options.faults,
      ...(options.awsLog === undefined ? {} : { log: options.awsLog }),
    });
  } catch (error) {
    lock.release();
    throw portError(error, awsPort, 'BROKER_AWS_PORT', 'the local AWS endpoint');
  }
  const shared = clientsAs(LOCAL_UNCHECKED_KEY, endpoint);
  const { iam } = endpoint;
  // Under IAM each function signs with its own role's key and gets the stack's variables for it.
  const own = new Map(
    iam === undefined
      ? []
      : ['user', ...loadConfig({ ...env, [ENV.servedScopes]: '' }).scopes].map((target) => [
          target,
          {
            clients: clientsAs(principalNamed(iam.principals, functionPrincipal(target)), endpoint),
            env: stackFunctionEnv(iam.model, target, env),
          },
        ]),
  );
  const allClients = [shared, ...[...own.values()].map((f) => f.clients)];
  const destroyClients = (): void => {
    for (const c of allClients) {
      c.secretsManager.destroy();
      c.ssm.destroy();
    }
  };
  let api: ApiServer;
  const port = options.port ?? DEFAULT_PORT;
  try {
    api = await startApiServer({
      port,
      host,
      clients: shared,
      functions: (target) => own.get(target),
      region: endpoint.region,
      ...(options.env === undefined ? {} : { env: options.env }),
      log: options.log ?? stdoutSink,
    });
  } catch (error) {
    destroyClients();
    await endpoint.close();
    lock.release();
    throw portError(error, port, 'BROKER_PORT', 'the local API');
  }
  let closing: Promise<void> | undefined;
  return {
    url: api.url,
    awsUrl: endpoint.url,
    dataDir,
    ...(iam === undefined ? {} : { principals: iam.principals }),
    close() {
      closing ??= (async () => {
        await api.close();
        destroyClients();
        await endpoint.close();
        lock.release();
      })();
      return closing;
    },
  };
}

/** What `BROKER_SCOPES` without `BROKER_LEGACY_PREFIXES` left out of the default legacy table, if anything. */
export function legacyTableNote(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env[ENV.scopes] === undefined || env[ENV.legacyPrefixes] !== undefined) return undefined;
  return droppedLegacyRowsNote(splitList(env[ENV.scopes]), (table) => `${ENV.legacyPrefixes}='${table}'`);
}

async function main(): Promise<void> {
  // The SDK warns on every start that future releases will need Node 22; the pinned ones run on 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const broker = await startBroker({
    port: portFromEnv('BROKER_PORT', DEFAULT_PORT),
    awsPort: portFromEnv('BROKER_AWS_PORT', DEFAULT_AWS_PORT),
    dataDir: dataDirFromEnv(),
    awsLog: requestLogFromEnv(),
    faults: conditionsFromEnv(),
  });
  console.log(`thv-secret-broker listening on ${broker.url} (OpenAPI: ${broker.url}${OPENAPI_PATH})`);
  console.log(`local AWS endpoint (Secrets Manager, SSM) on ${broker.awsUrl}`);
  console.log(`data in ${broker.dataDir}`);
  console.log(sigV4Banner(sigV4SettingsFromEnv(process.env), DEFAULT_REGION));
  console.log(iamBanner(broker.principals !== undefined));
  const note = legacyTableNote(process.env);
  if (note !== undefined) console.log(`note: ${note}`);
  const stop = (signal: string): void => {
    console.log(`${signal}: stopping`);
    broker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(`could not start the broker: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
