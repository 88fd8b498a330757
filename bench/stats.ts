/** Small statistics over latency samples (milliseconds), shared by every benchmark. */
import { performance } from 'node:perf_hooks';

/** The p-th percentile (0–100) of `samples` by nearest rank; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** The median of `samples`. */
export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** `value / baseline`, rounded to 3 decimals (a ratio is what the targets bound). */
export const ratio = (value: number, baseline: number): number => round(value / baseline, 3);

/**
 * The median over rounds of `times[i] / baseline[i]`, where each round measured both a moment
 * apart (bench/bundles.ts: the bare handler's import, then every bundle's). On this shared 2-core
 * machine the speed of a bare import drifted by a quarter from one minute to the next (98 to 131 ms
 * across three runs); a ratio of two separate medians takes in that drift, a ratio per round
 * mostly cancels it. Rounded to 3 decimals, as {@link ratio}.
 */
export function pairedRatio(times: readonly number[], baseline: readonly number[]): number {
  return round(median(times.map((t, i) => t / (baseline[i] as number))), 3);
}

/** Rounds to `digits` decimals. */
export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Milliseconds `fn` takes. */
async function elapsedMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Runs `a` and `b` alternately `count` times (the order swapped every round, so neither always
 * runs on a warmer cache) and returns each one's latencies.
 */
export async function interleaved(
  count: number,
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < count; i += 1) {
    if (i % 2 === 0) {
      out.a.push(await elapsedMs(() => a(i)));
      out.b.push(await elapsedMs(() => b(i)));
    } else {
      out.b.push(await elapsedMs(() => b(i)));
      out.a.push(await elapsedMs(() => a(i)));
    }
  }
  return out;
}
