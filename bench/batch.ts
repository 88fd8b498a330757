/**
 * Reading many secrets at once, as `thv-broker exec` does: one batch-get request through the user
 * handler against the same keys read one GET at a time (what a script without the bulk route
 * would do), interleaved, in process, against an embedded endpoint that answers each AWS call
 * after a fixed latency (Secrets Manager's own round trip, which is what the batch saves).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '../core/config.js';
import { storeFor } from '../lambda/handlers/deps.js';
import { createUserApiHandler } from '../lambda/http/user-api.js';
import { startAwsEndpoint } from '../local/aws/endpoint.js';
import { benchEvent as event } from './events.js';
import type { Section } from './report.js';
import { interleaved, percentile, ratio, round } from './stats.js';

/** Keys read per round: one BatchGetSecretValue call holds 20. */
const KEYS = 20;
const ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 40);
/** Per-call latency of the embedded endpoint, ms: a same-region Secrets Manager round trip. */
const AWS_LATENCY_MS = 5;

/** Measures `batchGetRatio`: one batch read of 20 keys vs 20 single reads, p50. */
export async function measureBatch(): Promise<Section> {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-bench-batch-'));
  const endpoint = await startAwsEndpoint({ port: 0, dataDir, latencyMs: AWS_LATENCY_MS });
  const client = new SecretsManagerClient({
    endpoint: endpoint.url,
    region: endpoint.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const config = loadConfig({});
    // The flag is set: no legacy name is held, so both sides make only the reads themselves.
    const handler = createUserApiHandler({
      config,
      store: storeFor(config, client),
      isMigrated: async () => true,
      log: () => {},
    });
    const keys = Array.from({ length: KEYS }, (_, i) => `BATCH_BENCH_${i}`);
    for (const key of keys) {
      const out = await handler(
        event('PUT', `/v1/secrets/${key}`, '/v1/secrets/{key}', { key }, JSON.stringify({ value: 'v' })),
      );
      if (out.statusCode >= 300) throw new Error(`setup PUT answered ${out.statusCode}`);
    }
    const batch = event('POST', '/v1/batch-get', '/v1/batch-get', {}, JSON.stringify({ keys }));
    const singles = keys.map((key) => event('GET', `/v1/secrets/${key}`, '/v1/secrets/{key}', { key }));
    const expectOk = (status: number) => {
      if (status >= 300) throw new Error(`handler answered ${status}`);
    };
    const viaBatch = async () => expectOk((await handler(batch)).statusCode);
    const oneByOne = async () => {
      for (const single of singles) expectOk((await handler(single)).statusCode);
    };
    await interleaved(4, viaBatch, oneByOne); // warm-up, thrown away
    const { a, b } = await interleaved(ROUNDS, viaBatch, oneByOne);
    const [batchMs, singlesMs] = [percentile(a, 50), percentile(b, 50)];
    return {
      figures: {
        batchGetRatio: ratio(batchMs, singlesMs),
        batchGetMs: round(batchMs, 1),
        singleGetsMs: round(singlesMs, 1),
      },
      described: {
        batchGetRatio: `${KEYS} keys in one batch-get request vs ${KEYS} GET requests, through the user handler, p50`,
        batchGetMs: `one batch-get of ${KEYS} keys (ms, p50)`,
        singleGetsMs: `${KEYS} sequential GETs (ms, p50)`,
      },
      details: [
        `embedded endpoint with ${AWS_LATENCY_MS} ms per AWS call; ${ROUNDS} interleaved rounds; a batch of ${KEYS} is one BatchGetSecretValue call`,
      ],
    };
  } finally {
    client.destroy();
    await endpoint.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
