/**
 * `npm run bench`: every figure of issue 9 in one run, each beside what a platform engineer would
 * use instead, written to bench/results.json (flat keys) and bench/REPORT.md. Loopback only, bounded
 * loops (a few minutes on 2 cores). Exits 1 when a target is missed or a section fails. Not a test.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measureBatch } from './batch.js';
import { measureBundles } from './bundles.js';
import { measureCli } from './cli.js';
import { measureCost, writeCostBlocks } from './cost.js';
import { runEnvironment } from './environment.js';
import { measureHttp, withNpmStart } from './http.js';
import { measureListing } from './listing.js';
import { migrationFigures } from './migration.js';
import { measureOverhead } from './overhead.js';
import { type BenchRun, resultsJson, type Section, verdicts, writeReport } from './report.js';

const ROOT = new URL('../', import.meta.url);
const BENCH_DIR = new URL('./', import.meta.url);

/** The target keys each section measures: a failed section marks them skipped with its error. */
const SECTION_KEYS: Record<string, readonly string[]> = {
  'Handler overhead (in process)': ['overheadRatioP50', 'overheadRatioP99', 'scopeOverheadRatioP50'],
  'Bundles and cold start': ['maxBundleKb', 'importRatio', 'importRatioUser', 'importRatioScope'],
  'Listing at scale': ['listCallsRatio', 'list10kSeconds'],
  'HTTP through npm start': ['httpRps1', 'httpRps8', 'httpRps32', 'httpP99Ms32', 'httpRpsRatio32'],
  'CLI start': ['cliStartRatio'],
  'Batch reads (exec)': ['batchGetRatio'],
};

/** Runs one section, turning a failure into skipped figures that say why. */
async function section(title: string, fn: () => Promise<Section>): Promise<Section> {
  console.log(`bench: ${title} ...`);
  const started = Date.now();
  try {
    const result = await fn();
    console.log(`bench: ${title} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    const message = `failed: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`bench: ${title} ${message}`);
    process.exitCode = 1;
    return { figures: {}, skipped: Object.fromEntries((SECTION_KEYS[title] ?? []).map((k) => [k, message])) };
  }
}

/** Runs every section and writes the report. */
export async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const environment = runEnvironment(ROOT);
  // The CLI figure measures the shipped form: the compiled dist/, as `npm ci` leaves it.
  const build = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: fileURLToPath(ROOT),
    stdio: 'inherit',
  });
  if (build.status !== 0)
    console.error('bench: npm run build failed; the CLI figure will measure the tsx fallback');

  const sections: Record<string, Section> = {};
  const add = async (title: string, fn: () => Promise<Section>) => {
    sections[title] = await section(title, fn);
  };
  await add('Handler overhead (in process)', () => measureOverhead());
  await add('Bundles and cold start', () =>
    measureBundles(ROOT, fileURLToPath(new URL('.out/bundles', BENCH_DIR))),
  );
  await add('Listing at scale', () => measureListing());
  await add('Batch reads (exec)', () => measureBatch());
  let cli: Section | undefined;
  await add('HTTP through npm start', () =>
    withNpmStart(ROOT, async (server) => {
      const http = await measureHttp(server);
      cli = await section('CLI start', () => measureCli(ROOT, server));
      return http;
    }),
  );
  sections['CLI start'] = cli ?? {
    figures: {},
    skipped: { cliStartRatio: 'not run: npm start did not come up' },
  };
  sections.Migration = await migrationFigures();
  await add('Cost', () => measureCost());

  const run: BenchRun = {
    startedAt,
    durationSeconds: (Date.now() - t0) / 1000,
    environment,
    sections,
  };
  writeReport(BENCH_DIR, run);
  // The cost table is computed from the figures just written, into REPORT.md and docs/deploy.md.
  writeCostBlocks(resultsJson(run));
  const all = verdicts(run);
  for (const v of all) {
    const figure = v.value === undefined ? v.margin : `${v.value} ${v.target.unit}`;
    console.log(
      `${v.status.padEnd(8)} ${v.key}: ${figure}${v.status === 'met' || v.status === 'missed' ? ` (${v.margin})` : ''}`,
    );
  }
  const missed = all.filter((v) => v.status === 'missed').length;
  console.log(
    `bench: ${missed === 0 ? 'every bounded target met' : `${missed} target(s) missed`}; wrote bench/REPORT.md and bench/results.json in ${run.durationSeconds.toFixed(0)} s`,
  );
  if (missed > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
