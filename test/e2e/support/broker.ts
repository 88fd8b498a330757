/**
 * A real local broker for end-to-end tests: `startBroker` (what `npm start` runs) on free ports
 * over a fresh temporary data directory, with its audit lines captured instead of printed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Broker, startBroker } from '../../../local/main.js';

/** A broker under test; `restart` keeps the data directory, `close` removes it. */
export interface TestBroker {
  /** Base URL of the API (changes on restart: ports are picked afresh). */
  readonly url: string;
  /** Base URL of the local AWS endpoint. */
  readonly awsUrl: string;
  /** Every audit line the broker wrote, across restarts. */
  readonly logLines: readonly string[];
  /** Stops the broker and starts a new one on the same data directory. */
  restart(): Promise<void>;
  /** Stops the broker and deletes its data directory. */
  close(): Promise<void>;
}

/** Starts a broker on free ports with a temporary data directory. */
export async function startTestBroker(): Promise<TestBroker> {
  const dataDir = await mkdtemp(join(tmpdir(), 'thv-broker-e2e-'));
  const logLines: string[] = [];
  const start = () =>
    // iam: the stack's own IAM, each function under its role (docs/design.md §6).
    startBroker({ port: 0, awsPort: 0, dataDir, env: {}, iam: true, log: (line) => logLines.push(line) });
  let broker: Broker = await start();
  return {
    get url() {
      return broker.url;
    },
    get awsUrl() {
      return broker.awsUrl;
    },
    logLines,
    async restart() {
      await broker.close();
      broker = await start();
    },
    async close() {
      await broker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
