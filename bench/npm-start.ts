/**
 * `npm start`'s time to its first answer: from spawning it (npm, tsx, the broker's modules, the
 * SQLite store, both servers) to the first 200 of GET /v1/openapi.json, each time on fresh free
 * ports and a fresh data directory. What a developer waits for after typing it.
 */
import { withNpmStart } from './http.js';
import type { Section } from './report.js';
import { median, round } from './stats.js';

/** Starts `npm start` `BENCH_NPM_START_RUNS` times (default 3), one after another. */
export async function measureNpmStart(root: URL): Promise<Section> {
  const runs = Number(process.env.BENCH_NPM_START_RUNS ?? 3);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await withNpmStart(root, async (server) => server.startMs));
  return {
    figures: { npmStartMs: round(median(times), 0) },
    details: [
      `${runs} start(s), each on a fresh data directory: ${times.map((t) => `${round(t, 0)} ms`).join(', ')} (the first may include tsx compiling the sources into its cache)`,
    ],
  };
}
