/**
 * `npm run bench`: every figure in one run, each beside what a platform engineer would
 * use instead, written to bench/results.json (flat keys) and bench/REPORT.md. Loopback only, bounded
 * loops (a few minutes on 2 cores). Exits 1 when a target is missed or a section fails. Not a test.
 *
 * `npm run bench -- overhead npm-start` runs only the named sections (names: {@link SECTION_NAMES})
 * and prints their figures and verdicts without writing the report, which stays that of a whole run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measureBatch } from './batch.js';
import { measureBundles } from './bundles.js';
import { measureCli } from './cli.js';
import { measureCost, writeCostBlocks } from './cost.js';
import { runEnvironment } from './environment.js';
import { measureHttp, withNpmStart } from './http.js';
import { measureIam } from './iam.js';
import { measureListing } from './listing.js';
import { migrationFigures } from './migration.js';
import { measureNpmStart } from './npm-start.js';
import { measureOverhead } from './overhead.js';
import { type BenchRun, resultsJson, type Section, verdicts, writeReport } from './report.js';

const ROOT = new URL('../', import.meta.url);
const BENCH_DIR = new URL('./', import.meta.url);

/** The target keys each section measures: a failed section marks them skipped with its error. */
const SECTION_KEYS: Record<string, readonly string[]> = {
  'Handler overhead (in process)': ['overheadRatioP50', 'overheadRatioP99', 'scopeOverheadRatioP50'],
  'Bundles and cold start': ['maxBundleKb', 'importRatio', 'importRatioUser', 'importRatioScope'],
  'Listing at scale': ['listCallsRatio', 'list10kSeconds'],
  'npm start': ['npmStartMs'],
  'Local IAM enforcement': ['iamGetRatioP50', 'iamPutRatioP50'],
  'HTTP through npm start': ['httpRps1', 'httpRps8', 'httpRps32', 'httpP99Ms32', 'httpRpsRatio32'],
  'CLI start': ['cliStartRatio'],
  'Batch reads (exec)': ['batchGetRatio'],
  Migration: ['migrationKeysPerSecond', 'migrationQuotaFraction', 'migrationVsSequential'],
};

/** The names `npm run bench -- <name>...` takes, in run order. */
export const SECTION_NAMES = [
  'overhead',
  'bundles',
  'listing',
  'batch',
  'npm-start',
  'iam',
  'http',
  'migration',
  'cost',
] as const;
type SectionName = (typeof SECTION_NAMES)[number];

/** The sections named on the command line (all when none is), or throws naming the valid ones. */
export function chosenSections(args: readonly string[]): ReadonlySet<SectionName> {
  const unknown = args.filter((a) => !(SECTION_NAMES as readonly string[]).includes(a));
  if (unknown.length > 0)
    throw new Error(`unknown section ${unknown.join(', ')}: the sections are ${SECTION_NAMES.join(', ')}`);
  return new Set((args.length === 0 ? SECTION_NAMES : args) as SectionName[]);
}

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

/** Runs the chosen sections (all by default); a whole run writes the report. */
export async function main(args: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const chosen = chosenSections(args);
  const whole = chosen.size === SECTION_NAMES.length;
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const environment = runEnvironment(ROOT);
  if (chosen.has('http')) {
    // The CLI figure measures the shipped form: the compiled dist/, as `npm ci` leaves it.
    const build = spawnSync('npm', ['run', 'build', '--silent'], {
      cwd: fileURLToPath(ROOT),
      stdio: 'inherit',
    });
    if (build.status !== 0)
      console.error('bench: npm run build failed; the CLI figure will measure the tsx fallback');
  }

  const sections: Record<string, Section> = {};
  const add = async (name: SectionName, title: string, fn: () => Promise<Section>) => {
    if (chosen.has(name)) sections[title] = await section(title, fn);
  };
  await add('overhead', 'Handler overhead (in process)', () => measureOverhead());
  await add('bundles', 'Bundles and cold start', () =>
    measureBundles(ROOT, fileURLToPath(new URL('.out/bundles', BENCH_DIR))),
  );
  await add('listing', 'Listing at scale', () => measureListing());
  await add('batch', 'Batch reads (exec)', () => measureBatch());
  await add('npm-start', 'npm start', () => measureNpmStart(ROOT));
  await add('iam', 'Local IAM enforcement', () => measureIam());
  let cli: Section | undefined;
  await add('http', 'HTTP through npm start', () =>
    withNpmStart(ROOT, async (server) => {
      const http = await measureHttp(server);
      cli = await section('CLI start', () => measureCli(ROOT, server));
      return http;
    }),
  );
  if (chosen.has('http'))
    sections['CLI start'] = cli ?? {
      figures: {},
      skipped: { cliStartRatio: 'not run: npm start did not come up' },
    };
  await add('migration', 'Migration', () => migrationFigures());
  await add('cost', 'Cost', () => measureCost());

  const run: BenchRun = {
    startedAt,
    durationSeconds: (Date.now() - t0) / 1000,
    environment,
    sections,
  };
  if (whole) {
    writeReport(BENCH_DIR, run);
    // The cost table is computed from the figures just written, into REPORT.md and docs/deploy.md.
    writeCostBlocks(resultsJson(run));
  } else
    for (const [title, s] of Object.entries(sections)) {
      console.log(`${title}:`);
      for (const d of s.details ?? []) console.log(`  ${d}`);
      for (const [key, value] of Object.entries(s.figures)) console.log(`  ${key} = ${value}`);
    }
  // A partial run judges only the targets of the sections it ran.
  const ran = new Set(Object.keys(sections).flatMap((title) => SECTION_KEYS[title] ?? []));
  const all = verdicts(run).filter((v) => whole || ran.has(v.key));
  for (const v of all) {
    const figure = v.value === undefined ? v.margin : `${v.value} ${v.target.unit}`;
    console.log(
      `${v.status.padEnd(8)} ${v.key}: ${figure}${v.status === 'met' || v.status === 'missed' ? ` (${v.margin})` : ''}`,
    );
  }
  const missed = all.filter((v) => v.status === 'missed').length;
  const wrote = whole
    ? 'wrote bench/REPORT.md and bench/results.json'
    : `ran ${[...chosen].join(', ')} only, wrote no report`;
  console.log(
    `bench: ${missed === 0 ? 'every bounded target met' : `${missed} target(s) missed`}; ${wrote} in ${run.durationSeconds.toFixed(0)} s`,
  );
  if (missed > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
