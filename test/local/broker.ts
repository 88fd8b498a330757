/** Starts the local broker for a test on free ports with a temporary data directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Broker, type BrokerOptions, startBroker } from '../../local/main.js';

/** A broker under test, with every audit line it wrote. */
export interface TestBroker extends Broker {
  /** Audit lines written so far. */
  readonly lines: string[];
  /** Sends a request and reads the answer. */
  call(
    method: string,
    path: string,
    init?: { body?: string; json?: unknown; headers?: Record<string, string> },
  ): Promise<Answer>;
  /** Stops the broker and removes its data directory. */
  dispose(): Promise<void>;
}

/** A response as tests look at it. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/** Starts a broker on free ports; pass `dataDir` to reuse one. */
export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'broker-test-'));
  const lines: string[] = [];
  const broker = await startBroker({
    port: 0,
    awsPort: 0,
    env: {},
    // The stack's own IAM, each function under its role (docs/design.md §6); a test may turn it off.
    iam: true,
    log: (l) => lines.push(l),
    ...options,
    dataDir,
  });
  return {
    ...broker,
    lines,
    async call(method, path, init = {}) {
      const body = init.json === undefined ? init.body : JSON.stringify(init.json);
      const headers = {
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      };
      const res = await fetch(`${broker.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await res.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON (e.g. 204)
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async dispose() {
      await broker.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
