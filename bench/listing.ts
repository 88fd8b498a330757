/**
 * Listing at scale, through the local API (`startBroker`, real HTTP, real adapter, embedded
 * endpoint): how many ListSecrets calls a full user listing costs when the store also holds many
 * system secrets, against the same listing without them; and how long 10,000 user keys take.
 * Stores are seeded through the endpoint's own CreateSecret in one transaction (the rows are the
 * ones the broker writes; only the fsync per secret is saved, to keep the run short).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../core/config.js';
import { storeFor } from '../lambda/handlers/deps.js';
import { createUserApiHandler } from '../lambda/http/user-api.js';
import { secretsManagerOperations } from '../local/aws/secretsmanager.js';
import { ssmOperations } from '../local/aws/ssm.js';
import { SqliteStore } from '../local/aws/store.js';
import { LOCAL_MIGRATION_FLAG_PARAMETER } from '../local/env.js';
import { startBroker } from '../local/main.js';
import { benchEvent } from './events.js';
import type { Section } from './report.js';
import { ratio, round } from './stats.js';

/** How one store is filled: user keys spread evenly among system secrets. */
interface Layout {
  readonly users: number;
  readonly system: number;
}

const ROOT = 'toolhive/';

/** Creates the secrets of `layout` in a fresh data dir, marks the migration done, returns the dir. */
function seed(layout: Layout): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-bench-list-'));
  const store = SqliteStore.open(dataDir);
  try {
    const sm = secretsManagerOperations(store, 'us-east-1');
    const ssm = ssmOperations(store, 'us-east-1');
    const create = sm.CreateSecret as (body: Record<string, unknown>) => unknown;
    const every =
      layout.users === 0 ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(layout.system / layout.users));
    store.transaction(() => {
      let user = 0;
      for (let i = 0; i < layout.system || user < layout.users; i += 1) {
        if (i < layout.system) {
          create({
            Name: `${ROOT}__thv_workloads_SYSTEM_${i}`,
            SecretString: 's',
            Tags: [{ Key: 'thv:scope', Value: 'workloads' }],
          });
        }
        if (user < layout.users && (i % every === every - 1 || i >= layout.system)) {
          create({
            Name: `${ROOT}user-key-${user}`,
            SecretString: 'u',
            Tags: [{ Key: 'thv:owner', Value: 'user' }],
          });
          user += 1;
        }
      }
      // Steady state: the legacy migration has run (until then a user listing also reads the flag).
      (ssm.PutParameter as (body: Record<string, unknown>) => unknown)({
        Name: LOCAL_MIGRATION_FLAG_PARAMETER,
        Value: 'done {}',
        Type: 'String',
      });
    });
  } finally {
    store.close();
  }
  return dataDir;
}

/** Lists every user key through the API; returns the key count, ListSecrets calls and seconds. */
async function listAll(
  layout: Layout,
): Promise<{ keys: number; calls: number; pages: number; seconds: number }> {
  const dataDir = seed(layout);
  let calls = 0;
  let counting = false;
  const broker = await startBroker({
    port: 0,
    awsPort: 0,
    dataDir,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    log: () => {},
    awsLog: (line) => {
      if (counting && line.includes('ListSecrets')) calls += 1;
    },
  });
  try {
    counting = true;
    const started = performance.now();
    let keys = 0;
    let pages = 0;
    let next: string | undefined;
    do {
      const url = `${broker.url}/v1/secrets?limit=100${next === undefined ? '' : `&next=${encodeURIComponent(next)}`}`;
      const res = await fetch(url);
      if (res.status !== 200)
        throw new Error(`listing answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      const page = (await res.json()) as { keys: unknown[]; next?: string };
      keys += page.keys.length;
      pages += 1;
      next = page.next;
    } while (next !== undefined && pages < 10_000);
    const seconds = (performance.now() - started) / 1000;
    counting = false;
    if (keys !== layout.users) throw new Error(`listing found ${keys} user keys, expected ${layout.users}`);
    return { keys, calls, pages, seconds };
  } finally {
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The Filters a user listing sends with ListSecrets: the user handler run once over a stand-in client. */
async function userListingFilters(): Promise<string> {
  const seen: unknown[] = [];
  const client = {
    send: async (command: { input: unknown }) => {
      seen.push(command.input);
      return { SecretList: [] };
    },
  } as unknown as SecretsManagerClient;
  const config = loadConfig({});
  const handler = createUserApiHandler({ config, store: storeFor(config, client), log: () => {} });
  await handler(benchEvent('GET', '/v1/secrets', '/v1/secrets'));
  const filters = seen.map((input) => (input as { Filters?: unknown }).Filters).find((f) => f !== undefined);
  return JSON.stringify(filters ?? null);
}

/** Measures listCallsRatio and list10kSeconds. */
export async function measureListing(): Promise<Section> {
  const alone = await listAll({ users: 100, system: 0 });
  const beside = await listAll({ users: 100, system: 10_000 });
  const big = await listAll({ users: 10_000, system: 10_000 });
  const filters = await userListingFilters();
  const figures = {
    listCallsRatio: ratio(beside.calls, alone.calls),
    list10kSeconds: round(big.seconds, 2),
    listCalls100: alone.calls,
    listCalls100Beside10k: beside.calls,
    list100Beside10kMs: round(beside.seconds * 1000, 1),
  };
  const notes: Record<string, string> = {
    listCallsRatio: `A user listing sends ListSecrets Filters ${filters}.${
      filters.includes('tag-key')
        ? ''
        : ' With a name filter alone every system secret under the root matches it, so they come back to the function, which drops them and pages on.'
    }`,
  };
  return {
    figures,
    described: {
      listCalls100: 'ListSecrets calls to list 100 user keys, no system secrets',
      listCalls100Beside10k: 'ListSecrets calls to list 100 user keys beside 10,000 system secrets',
      list100Beside10kMs: 'time to list 100 user keys beside 10,000 system secrets (ms)',
    },
    notes,
    details: [
      `100 user keys alone: ${alone.pages} API page(s), ${alone.calls} ListSecrets call(s), ${round(alone.seconds * 1000, 1)} ms`,
      `100 user keys beside 10,000 system secrets: ${beside.pages} API page(s), ${beside.calls} ListSecrets call(s), ${round(beside.seconds * 1000, 1)} ms`,
      `10,000 user keys beside 10,000 system secrets: ${big.pages} API pages, ${big.calls} ListSecrets calls, ${round(big.seconds, 2)} s`,
      `adapter's ListSecrets Filters: ${filters}`,
    ],
  };
}
