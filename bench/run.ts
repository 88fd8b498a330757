/**
 * `npm run bench`: measures the local broker (API server + handlers + adapter + embedded endpoint,
 * all in this process, over real HTTP) against the targets in `targets.ts`. Exits 1 on a miss.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startBroker } from '../local/main.js';
import { TARGETS, type Target } from './targets.js';

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Times `count` sequential calls of `fn`; returns sorted latencies in ms. */
async function timed(count: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

async function expectStatus(response: Promise<Response>, ok: number[]): Promise<void> {
  const r = await response;
  await r.arrayBuffer();
  if (!ok.includes(r.status)) throw new Error(`unexpected status ${r.status} from ${r.url}`);
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-bench-'));
  const broker = await startBroker({ port: 0, awsPort: 0, dataDir, log: () => {} });
  const results: [Target, number][] = [];
  try {
    const put = (path: string, value: string) =>
      fetch(`${broker.url}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value }),
      });

    const putTimes = await timed(300, (i) =>
      expectStatus(put(`/v1/secrets/bench-${i}`, `v-${i}`), [200, 201]),
    );
    results.push([TARGETS.putP99, percentile(putTimes, 99)]);
    console.log(`PUT p50 ${percentile(putTimes, 50).toFixed(1)} ms`);

    const getTimes = await timed(500, (i) =>
      expectStatus(fetch(`${broker.url}/v1/secrets/bench-${i % 300}`), [200]),
    );
    results.push([TARGETS.getP99, percentile(getTimes, 99)]);

    const total = 2_000;
    let issued = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (issued < total) {
          const i = issued++;
          await expectStatus(fetch(`${broker.url}/v1/secrets/bench-${i % 300}`), [200]);
        }
      }),
    );
    results.push([TARGETS.getThroughput, total / ((performance.now() - started) / 1000)]);

    for (let i = 300; i < 1_000; i++) await expectStatus(put(`/v1/secrets/bench-${i}`, 'v'), [200, 201]);
    for (let i = 0; i < 1_000; i++)
      await expectStatus(put(`/v1/scopes/workloads/secrets/sys-${i}`, 'v'), [200, 201]);
    const listTimes = await timed(50, () => expectStatus(fetch(`${broker.url}/v1/secrets?limit=100`), [200]));
    results.push([TARGETS.listP99, percentile(listTimes, 99)]);

    results.push([TARGETS.rss, process.memoryUsage().rss / 2 ** 20]);
  } finally {
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  let missed = 0;
  for (const [target, value] of results) {
    const ok = target.kind === 'max' ? value <= target.bound : value >= target.bound;
    if (!ok) missed++;
    const bound = `${target.kind === 'max' ? '≤' : '≥'} ${target.bound} ${target.unit}`;
    console.log(
      `${ok ? 'ok  ' : 'MISS'} ${target.name}: ${value.toFixed(1)} ${target.unit} (target ${bound})`,
    );
  }
  console.log(missed === 0 ? 'all targets met' : `${missed} target(s) missed`);
  process.exitCode = missed === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
