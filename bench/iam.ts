/**
 * What local IAM enforcement costs a request: GET and PUT of a user key through the local API of two
 * brokers started in this process, one enforcing the stack's IAM (the default of `npm start`) and
 * one with `BROKER_IAM=off`, interleaved so both see the same machine. Decisions are cached per
 * principal, action, resource and context, so after the first request of a kind each call costs a
 * cache lookup, a SigV4 verification and the request context it is judged on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Broker, startBroker } from '../local/main.js';
import type { Section } from './report.js';
import { percentile, ratio, round } from './stats.js';

const ROUNDS = Number(process.env.BENCH_IAM_ROUNDS ?? 300);

async function timed(fn: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`bench request answered ${res.status}`);
  return performance.now() - started;
}

/** Measures GET and PUT with enforcement on against off. */
export async function measureIam(): Promise<Section> {
  const dirs: string[] = [];
  const brokers: Broker[] = [];
  try {
    for (const iam of [true, false]) {
      const dataDir = await mkdtemp(join(tmpdir(), `thv-bench-iam-${iam ? 'on' : 'off'}-`));
      dirs.push(dataDir);
      brokers.push(await startBroker({ port: 0, awsPort: 0, dataDir, env: {}, iam, log: () => {} }));
    }
    const [on, off] = brokers as [Broker, Broker];
    const url = (b: Broker) => `${b.url}/v1/secrets/BENCH_KEY`;
    const put = (b: Broker) => () =>
      fetch(url(b), {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{"value":"v"}',
      });
    const get = (b: Broker) => () => fetch(url(b));
    const samples = {
      onGet: [] as number[],
      offGet: [] as number[],
      onPut: [] as number[],
      offPut: [] as number[],
    };
    // Warm-up: the key exists on both, every decision of the path is cached, the JIT has run.
    for (let i = 0; i < 30; i++) for (const b of brokers) await timed(put(b)).then(() => timed(get(b)));
    for (let i = 0; i < ROUNDS; i++) {
      samples.onGet.push(await timed(get(on)));
      samples.offGet.push(await timed(get(off)));
      samples.onPut.push(await timed(put(on)));
      samples.offPut.push(await timed(put(off)));
    }
    const p50 = (s: number[]) => percentile(s, 50);
    return {
      figures: {
        iamGetRatioP50: ratio(p50(samples.onGet), p50(samples.offGet)),
        iamPutRatioP50: ratio(p50(samples.onPut), p50(samples.offPut)),
      },
      details: [
        `${ROUNDS} interleaved rounds: GET p50 ${round(p50(samples.onGet), 3)} ms enforced vs ${round(p50(samples.offGet), 3)} ms off; PUT p50 ${round(p50(samples.onPut), 3)} ms vs ${round(p50(samples.offPut), 3)} ms`,
      ],
    };
  } finally {
    for (const b of brokers) await b.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}
