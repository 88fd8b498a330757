/**
 * HTTP throughput of `npm start`'s server: autocannon GETs one secret at 1, 8 and 32 connections,
 * then does the same against a bare Node HTTP server answering the same JSON, so the figures come
 * with a ratio to the least a local HTTP service can cost on this machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, stopGroup, waitForOk } from './processes.js';
import type { Section } from './report.js';
import { ratio, round } from './stats.js';

/** Seconds of load per connection count. */
const LOAD_SECONDS = 5;

/** Connection counts of the figures. */
const CONNECTIONS = [1, 8, 32] as const;

/** One load run's throughput and p99. */
interface Load {
  readonly rps: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

async function load(
  url: string,
  connections: number,
  seconds: number,
  write?: { readonly body: string },
): Promise<Load> {
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    ...(write === undefined
      ? {}
      : { method: 'PUT' as const, body: write.body, headers: { 'content-type': 'application/json' } }),
  });
  return { rps: r.requests.average, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

/** Runs the loads against `url` after a short warm-up. */
async function loads(url: string): Promise<Map<number, Load>> {
  await load(url, 8, 2);
  const out = new Map<number, Load>();
  for (const c of CONNECTIONS) out.set(c, await load(url, c, LOAD_SECONDS));
  return out;
}

// A bare server: the least any HTTP service on this Node costs. Same body and content type.
const BARE_SERVER = `
const body = Buffer.from(process.env.BODY);
require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

/** Resident memory (MB) of the largest process in process group `pgid` (Linux /proc), or undefined. */
function largestRssMb(pgid: number): number | undefined {
  let largest: number | undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state, ppid, pgrp, ...
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp !== pgid) continue;
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]);
      if (Number.isFinite(kb)) largest = Math.max(largest ?? 0, kb / 1024);
    } catch {
      // the process ended meanwhile
    }
  }
  return largest;
}

/** `npm start` running on free loopback ports with a fresh data dir. */
export interface NpmStart {
  /** Base URL of the local API. */
  readonly url: string;
  /** Base URL of the embedded AWS endpoint. */
  readonly awsUrl: string;
  /** Resident memory of its server process now (MB), where /proc can tell. */
  rssMb(): number | undefined;
  /** Milliseconds from spawning `npm start` to its first answer (GET /v1/openapi.json, polled every 20 ms). */
  readonly startMs: number;
}

/** Runs `fn` with `npm start` running (its own process group, stopped afterwards). */
export async function withNpmStart<T>(root: URL, fn: (server: NpmStart) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'thv-bench-http-'));
  const [port, awsPort] = [await freePort(), await freePort()];
  const spawnedAt = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: fileURLToPath(root),
    env: {
      ...process.env,
      BROKER_PORT: String(port),
      BROKER_AWS_PORT: String(awsPort),
      BROKER_DATA_DIR: dataDir,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    // The audit lines go nowhere, as fast as the server writes them.
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForOk(`${url}/v1/openapi.json`, 60_000, 20);
    const startMs = performance.now() - spawnedAt;
    const pgid = child.pid as number;
    return await fn({ url, awsUrl: `http://127.0.0.1:${awsPort}`, rssMb: () => largestRssMb(pgid), startMs });
  } finally {
    await stopGroup(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The key every HTTP and CLI figure reads, and its value. */
export const BENCH_KEY = 'bench-key';
const BENCH_VALUE = 'bench-value';

/** Writes {@link BENCH_KEY} through the API. */
export async function putBenchKey(server: NpmStart): Promise<void> {
  const put = await fetch(`${server.url}/v1/secrets/${BENCH_KEY}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: BENCH_VALUE }),
  });
  await put.arrayBuffer();
  if (put.status !== 201 && put.status !== 200) throw new Error(`PUT answered ${put.status}`);
}

/** Measures the HTTP figures against a running `npm start`. */
export async function measureHttp(server: NpmStart): Promise<Section> {
  const barePort = await freePort();
  let bareServer: ChildProcess | undefined;
  try {
    await putBenchKey(server);
    const url = `${server.url}/v1/secrets/${BENCH_KEY}`;
    const sample = await fetch(url);
    const body = await sample.text();
    if (sample.status !== 200) throw new Error(`GET answered ${sample.status}`);
    const broker = await loads(url);
    const rssAfterGets = server.rssMb();
    // Writes: every acknowledged PUT is a durable (fsynced) SQLite commit in the embedded endpoint.
    const puts = await load(url, 8, LOAD_SECONDS, { body: JSON.stringify({ value: 'bench-value' }) });
    if (puts.non2xx > 0 || puts.errors > 0)
      throw new Error(`PUT load: ${puts.non2xx} non-2xx, ${puts.errors} errors`);

    bareServer = spawn(process.execPath, ['-e', BARE_SERVER], {
      env: { ...process.env, PORT: String(barePort), BODY: body },
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    });
    const bareUrl = `http://127.0.0.1:${barePort}/v1/secrets/${BENCH_KEY}`;
    await waitForOk(bareUrl);
    const bare = await loads(bareUrl);

    const figures: Record<string, number> = {};
    const described: Record<string, string> = {};
    const details: string[] = [];
    for (const c of CONNECTIONS) {
      const b = broker.get(c) as Load;
      const n = bare.get(c) as Load;
      if (b.non2xx > 0 || b.errors > 0)
        throw new Error(`npm start answered ${b.non2xx} non-2xx and ${b.errors} errors at ${c} connections`);
      figures[`httpRps${c}`] = round(b.rps, 0);
      figures[`httpRpsRatio${c}`] = ratio(b.rps, n.rps);
      described[`httpRpsRatio${c}`] = `npm start req/s vs the bare server at ${c} connection(s)`;
      figures[`bareRps${c}`] = round(n.rps, 0);
      described[`bareRps${c}`] = `bare Node HTTP server req/s at ${c} connection(s)`;
      details.push(
        `${c} connection(s), ${LOAD_SECONDS} s: npm start ${round(b.rps, 0)} req/s (p99 ${b.p99Ms} ms), bare server ${round(n.rps, 0)} req/s (p99 ${n.p99Ms} ms)`,
      );
    }
    figures.httpPutRps8 = round(puts.rps, 0);
    described.httpPutRps8 = 'PUT /v1/secrets/{key} (an update) through npm start, 8 connections (req/s)';
    figures.httpPutP99Ms8 = puts.p99Ms;
    described.httpPutP99Ms8 = 'p99 of those PUTs (ms)';
    details.push(`PUT, 8 connections, ${LOAD_SECONDS} s: ${round(puts.rps, 0)} req/s (p99 ${puts.p99Ms} ms)`);
    if (rssAfterGets !== undefined) {
      figures.npmStartRssMb = round(rssAfterGets, 0);
      described.npmStartRssMb = 'resident memory of the npm start server process after the GET loads (MB)';
    }
    figures.httpP99Ms32 = (broker.get(32) as Load).p99Ms;
    figures.bareP99Ms32 = (bare.get(32) as Load).p99Ms;
    described.bareP99Ms32 = 'bare Node HTTP server p99 at 32 connections (ms)';
    details.push(
      'npm start answers each GET through the whole local path: loopback check, proxy event, user handler, adapter, SDK client, embedded endpoint over HTTP, SQLite read, audit line; the bare server only writes a fixed body. autocannon runs in the bench process on the same 2 cores.',
    );
    return { figures, described, details };
  } finally {
    if (bareServer) await stopGroup(bareServer);
  }
}
