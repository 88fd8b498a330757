/**
 * CLI start-up: `thv-broker secret get K` against `npm start`, as a whole process, vs what a
 * platform engineer would type instead, `aws secretsmanager get-secret-value` against the embedded
 * endpoint. Interleaved, median of {@link CLI_RUNS} each. Skipped with the reason when `aws` is absent.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildCliBundle } from '../scripts/build-bundles.js';
import { BENCH_KEY, type NpmStart, putBenchKey } from './http.js';
import type { Section } from './report.js';
import { median, ratio, round } from './stats.js';

/** Processes per command. */
const CLI_RUNS = 12;

/** Runs a command to completion; returns its wall time in ms and its stdout. */
function timedRun(command: string, args: string[], env: Record<string, string>, cwd: string) {
  const start = performance.now();
  const out = spawnSync(command, args, {
    env: { ...process.env, ...env },
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const ms = performance.now() - start;
  if (out.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${(out.stderr ?? '').slice(0, 300)}`);
  return { ms, stdout: out.stdout };
}

/** Why the comparison cannot run here, or undefined when the AWS CLI is installed. */
function awsCliMissing(): string | undefined {
  const probe = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'the AWS CLI (`aws`) is not installed on this machine';
}

/** Measures cliStartRatio. */
export async function measureCli(root: URL, server: NpmStart): Promise<Section> {
  const missing = awsCliMissing();
  if (missing !== undefined) return { figures: {}, skipped: { cliStartRatio: missing } };
  // bin/thv-broker.js runs dist/ only when it is as new as cli/ (else it compiles with tsx): build
  // it first, so what is timed is the compiled CLI a user runs, never an edit's stale fallback.
  await buildCliBundle();
  await putBenchKey(server);
  const cwd = fileURLToPath(root);
  const credentials = {
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
  const commands = {
    thv: {
      command: process.execPath,
      args: ['bin/thv-broker.js', 'secret', 'get', BENCH_KEY],
      env: { THV_BROKER_ENDPOINT: server.url },
    },
    aws: {
      command: 'aws',
      args: [
        'secretsmanager',
        'get-secret-value',
        '--secret-id',
        `toolhive/${BENCH_KEY}`,
        '--endpoint-url',
        server.awsUrl,
      ],
      env: { ...credentials, AWS_PAGER: '' },
    },
  } as const;
  const times: Record<keyof typeof commands, number[]> = { thv: [], aws: [] };
  for (const [name, c] of Object.entries(commands) as [
    keyof typeof commands,
    (typeof commands)[keyof typeof commands],
  ][]) {
    const { stdout } = timedRun(c.command, [...c.args], c.env, cwd);
    if (!stdout.includes('bench-value')) throw new Error(`${name} did not print the secret's value`);
  }
  for (let i = 0; i < CLI_RUNS; i += 1) {
    for (const [name, c] of Object.entries(commands) as [
      keyof typeof commands,
      (typeof commands)[keyof typeof commands],
    ][]) {
      times[name].push(timedRun(c.command, [...c.args], c.env, cwd).ms);
    }
  }
  const [thv, aws] = [median(times.thv), median(times.aws)];
  return {
    figures: {
      cliStartRatio: ratio(thv, aws),
      cliStartMs: round(thv, 1),
      awsCliStartMs: round(aws, 1),
    },
    described: {
      cliStartMs: 'median whole-process time of `thv-broker secret get K` (ms)',
      awsCliStartMs: 'median whole-process time of `aws secretsmanager get-secret-value` (ms)',
    },
    notes: {
      cliStartRatio:
        'bin/thv-broker.js runs dist/thv-broker.mjs (esbuild bundle of cli/, dependencies left in node_modules), built by `npm run build` (the `prepare` script `npm ci` runs).',
    },
    details: [
      `thv-broker secret get (dist/): median ${round(thv, 1)} ms of ${CLI_RUNS}`,
      `aws secretsmanager get-secret-value: median ${round(aws, 1)} ms of ${CLI_RUNS}`,
    ],
  };
}
