/**
 * The local broker in process, for every suite that needs one: `startBroker` (what `npm start` runs)
 * on free ports over a temporary data directory, enforcing the stack's IAM with each function under
 * its own role (docs/design.md §6), with its audit lines and its AWS endpoint's request lines
 * captured instead of printed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Principal } from '../../local/iam/principals.js';
import { type Broker, type BrokerOptions, startBroker } from '../../local/main.js';
import { secretsManagerClient } from './endpoints.js';

/**
 * What a test may set: any option of `startBroker` but where the lines go. The harness's defaults
 * are port 0 for both servers, an empty environment, IAM enforced and a fresh temporary data
 * directory; a `dataDir` the test gives is kept when the broker closes.
 */
export type TestBrokerOptions = Omit<BrokerOptions, 'log' | 'awsLog'>;

/** A broker under test; `restart` keeps the data directory, `close` removes it unless the test gave it. */
export interface TestBroker {
  /** Base URL of the API (changes on restart: ports are picked afresh). */
  readonly url: string;
  /** Base URL of the local AWS endpoint. */
  readonly awsUrl: string;
  /** Absolute path of the data directory. */
  readonly dataDir: string;
  /** The AWS endpoint's principals, when it enforces IAM. */
  readonly principals: readonly Principal[] | undefined;
  /** Every audit line the broker wrote, across restarts. */
  readonly auditLines: readonly string[];
  /** Every request line of the AWS endpoint (operation, status, duration), across restarts. */
  readonly awsLines: readonly string[];
  /** A Secrets Manager client of the AWS endpoint signed as the principal `name`; closed with the broker. */
  clientAs(name: string): SecretsManagerClient;
  /** Stops the broker and starts a new one on the same data directory and options. */
  restart(): Promise<void>;
  /** Stops the broker and deletes its data directory (unless the test gave it). */
  close(): Promise<void>;
}

/** Starts a broker on free ports with a temporary data directory (see {@link TestBrokerOptions}). */
export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'thv-broker-test-')));
  const auditLines: string[] = [];
  const awsLines: string[] = [];
  const clients: SecretsManagerClient[] = [];
  const start = () =>
    startBroker({
      port: 0,
      awsPort: 0,
      env: {},
      iam: true,
      ...options,
      dataDir,
      log: (line) => auditLines.push(line),
      awsLog: (line) => awsLines.push(line),
    });
  let broker: Broker = await start();
  return {
    get url() {
      return broker.url;
    },
    get awsUrl() {
      return broker.awsUrl;
    },
    get dataDir() {
      return broker.dataDir;
    },
    get principals() {
      return broker.principals;
    },
    auditLines,
    awsLines,
    clientAs(name) {
      const principal = broker.principals?.find((p) => p.name === name);
      if (principal === undefined) throw new Error(`the broker has no principal ${name} (is IAM off?)`);
      const client = secretsManagerClient(broker.awsUrl, principal);
      clients.push(client);
      return client;
    },
    async restart() {
      await broker.close();
      broker = await start();
    },
    async close() {
      for (const client of clients.splice(0)) client.destroy();
      await broker.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
