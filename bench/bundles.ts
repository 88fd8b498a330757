/**
 * Cold start: the prebuilt Lambda bundles the stack deploys (`dist/lambda-bundles/`, rebuilt first
 * when stale, see scripts/build-bundles.ts) plus a bare Secrets-Manager-only handler built
 * with the same settings (lib/bundling.ts), then times fresh `node` processes that import each one,
 * interleaved, and profiles one import of each (`--cpu-prof`) to show where the time goes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_FILE, HANDLER_ENTRIES, LAMBDA_BUNDLES_DIR } from '../lib/bundling.js';
import { ensureLambdaBundles, lambdaBuildOptions } from '../scripts/build-bundles.js';
import type { Section } from './report.js';
import { median, pairedRatio, round } from './stats.js';

const cap = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** Processes per bundle (the issue asks for the median of at least 10). */
const IMPORT_RUNS = 31;

/** One built bundle. */
interface Bundle {
  readonly name: string;
  /** Entry file, relative to the repository. */
  readonly entry: string;
  readonly file: string;
  readonly bytes: number;
  /** Modules it imports at load time (`import` statements) that are not bundled. */
  readonly staticExternals: string[];
  /** Modules it loads only on demand (`import()`). */
  readonly lazyExternals: string[];
  readonly env: Record<string, string>;
}

/** Builds `entry` into `outDir` with the stack's settings. */
async function buildBundle(
  root: URL,
  entry: string,
  outDir: string,
  name: string,
): Promise<Omit<Bundle, 'env'>> {
  const file = `${outDir}/${name}.mjs`;
  const result = await build({
    ...lambdaBuildOptions(fileURLToPath(new URL(entry, root)), file),
    logLevel: 'silent',
  });
  return describe(name, entry, file, result.metafile as Metafile);
}

/** Size and external imports of a built bundle, from its metafile. */
function describe(name: string, entry: string, file: string, metafile: Metafile): Omit<Bundle, 'env'> {
  const externals = (kind: string) => [
    ...new Set(
      Object.values(metafile.outputs)
        .flatMap((o) => o.imports)
        .filter((i) => i.external && i.kind === kind && !i.path.startsWith('node:'))
        .map((i) => i.path),
    ),
  ];
  return {
    name,
    entry,
    file,
    bytes: statSync(file).size,
    staticExternals: externals('import-statement'),
    lazyExternals: externals('dynamic-import'),
  };
}

/** The stack's prebuilt bundle of `name`, as `npm run build` wrote it. */
function prebuilt(root: URL, name: keyof typeof HANDLER_ENTRIES): Omit<Bundle, 'env'> {
  const dir = fileURLToPath(new URL(`${LAMBDA_BUNDLES_DIR}/`, root));
  const metafile = JSON.parse(readFileSync(`${dir}/${name}.meta.json`, 'utf8')) as Metafile;
  return describe(name, HANDLER_ENTRIES[name], `${dir}/${name}/${BUNDLE_FILE}`, metafile);
}

/** The environment of one import process: what the stack gives the function, and no more. */
function functionEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    BROKER_MIGRATION_FLAG_PARAMETER: '/thv-broker/bench/migration-done',
    ...extra,
  };
}

/** One fresh process: wall time to start, import and exit; and the CPU time it used up to the import. */
interface ImportTime {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Starts a fresh `node` that imports `file` and exits. */
function importOnce(file: string, env: Record<string, string>, extraArgs: string[] = []): ImportTime {
  // CPU time is what the import costs with the machine's other load taken out; wall time is the figure.
  const script = `await import(${JSON.stringify(pathToFileURL(file).href)}); const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000));`;
  const start = performance.now();
  const out = spawnSync(process.execPath, [...extraArgs, '--input-type=module', '-e', script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wallMs = performance.now() - start;
  if (out.status !== 0) throw new Error(`importing ${file} failed: ${out.stderr.toString().slice(0, 500)}`);
  return { wallMs, cpuMs: Number(out.stdout.toString()) };
}

/** Self time of one CPU profile, by package (or `node:` built-in), largest first. */
function profileByPackage(profileFile: string): [string, number][] {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as {
    nodes: { id: number; callFrame: { url: string; functionName: string }; children?: number[] }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const packageOf = (url: string): string | undefined => {
    if (url === '') return undefined;
    const tail = url.split('node_modules/').at(-1) as string;
    if (url.includes('node_modules/')) {
      const parts = tail.split('/');
      return tail.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
    }
    if (url.startsWith('node:')) return 'node: built-ins and the module loader';
    return 'the bundle itself';
  };
  // Inclusive time: each sample counts once for every package on its stack.
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const pkg = packageOf(byId.get(at)?.callFrame.url ?? '');
      if (pkg !== undefined && !seen.has(pkg)) {
        seen.add(pkg);
        totals.set(pkg, (totals.get(pkg) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      }
    }
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

/** Builds the bundles, measures sizes and import times, profiles one import of each. */
export async function measureBundles(root: URL, outDir: string): Promise<Section> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await ensureLambdaBundles(fileURLToPath(root));
  const scopeEnv = {
    BROKER_SERVED_SCOPES: 'workloads',
    BROKER_SYSTEM_POLICY_PRINCIPALS: 'arn:aws:iam::123456789012:role/bench-scope-role',
  };
  // What the stack gives each function beyond the common variables.
  const envOf: Record<keyof typeof HANDLER_ENTRIES, Record<string, string>> = {
    user: {},
    scope: scopeEnv,
    migration: {
      BROKER_SCOPE_POLICY_PRINCIPALS: JSON.stringify({
        workloads: [scopeEnv.BROKER_SYSTEM_POLICY_PRINCIPALS],
      }),
    },
  };
  const bundles: Bundle[] = [];
  for (const name of Object.keys(HANDLER_ENTRIES) as (keyof typeof HANDLER_ENTRIES)[]) {
    bundles.push({ ...prebuilt(root, name), env: functionEnv(envOf[name]) });
  }
  const bare = {
    ...(await buildBundle(root, 'bench/fixtures/bare-handler.ts', outDir, 'bare')),
    env: functionEnv({}),
  };

  // Warm the file cache, then interleave, each round starting one later (bare, user, scope,
  // migration; user, scope, migration, bare; …), so no import always follows the same one.
  const all = [bare, ...bundles];
  for (const b of all) importOnce(b.file, b.env);
  const times = new Map<string, number[]>(all.map((b) => [b.name, []]));
  const cpu = new Map<string, number[]>(all.map((b) => [b.name, []]));
  for (let i = 0; i < IMPORT_RUNS; i += 1) {
    for (const b of [...all.slice(i % all.length), ...all.slice(0, i % all.length)]) {
      const t = importOnce(b.file, b.env);
      times.get(b.name)?.push(t.wallMs);
      cpu.get(b.name)?.push(t.cpuMs);
    }
  }
  const bareMedian = median(times.get('bare') ?? []);

  const profileDir = `${outDir}/profiles`;
  const figures: Record<string, number> = {};
  const described: Record<string, string> = {};
  const details: string[] = [
    `bare handler: ${round(bare.bytes / 1000, 1)} KB, import median ${round(bareMedian, 1)} ms over ${IMPORT_RUNS} processes (a bare \`node -e 0\` is part of every figure)`,
  ];
  for (const b of bundles) {
    const m = median(times.get(b.name) ?? []);
    const key = `importRatio${cap(b.name)}`;
    figures[key] = pairedRatio(times.get(b.name) ?? [], times.get('bare') ?? []);
    described[key] =
      `fresh \`node\` importing the ${b.name} bundle vs the bare handler in the same round, median over ${IMPORT_RUNS} rounds of the wall-time ratio`;
    figures[`bundleKb${cap(b.name)}`] = round(b.bytes / 1000, 1);
    described[`bundleKb${cap(b.name)}`] = `size of the ${b.name} bundle (KB = 1,000 bytes)`;
    figures[`importMs${cap(b.name)}`] = round(m, 1);
    described[`importMs${cap(b.name)}`] = `median whole-process import time of the ${b.name} bundle (ms)`;
    const c = median(cpu.get(b.name) ?? []);
    figures[`importCpuRatio${cap(b.name)}`] = pairedRatio(cpu.get(b.name) ?? [], cpu.get('bare') ?? []);
    described[`importCpuRatio${cap(b.name)}`] =
      `CPU time (user + system) of the same processes, ${b.name} bundle vs bare handler, median: the import cost with the machine's other load taken out`;
    const dir = `${profileDir}/${b.name}`;
    importOnce(b.file, b.env, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100']);
    const profileFile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    const top = profileFile === undefined ? [] : profileByPackage(`${dir}/${profileFile}`).slice(0, 6);
    details.push(
      `${b.name}: ${round(b.bytes / 1000, 1)} KB, import median ${round(m, 1)} ms wall (×${figures[key]}), ${round(c, 1)} ms CPU (×${figures[`importCpuRatio${cap(b.name)}`]}); loads at import: ${b.staticExternals.join(', ') || 'nothing external'}; on demand only: ${b.lazyExternals.join(', ') || 'nothing'}`,
      `${b.name} profile (inclusive ms by package, one import): ${top.map(([p, ms]) => `${p} ${ms.toFixed(1)}`).join('; ')}`,
    );
  }
  figures.importRatio = Math.max(...bundles.map((b) => figures[`importRatio${cap(b.name)}`] ?? 0));
  figures.maxBundleKb = Math.max(...bundles.map((b) => round(b.bytes / 1000, 1)));
  figures.importMsBare = round(bareMedian, 1);
  described.importMsBare = 'median whole-process import time of the bare Secrets-Manager-only handler (ms)';

  const notes: Record<string, string> = {};
  for (const b of bundles) {
    const key = `importRatio${cap(b.name)}`;
    const extra = b.staticExternals.filter((m) => m !== '@aws-sdk/client-secrets-manager');
    if ((figures[key] ?? 0) > 1.25)
      notes[key] =
        extra.length > 0
          ? `The ${b.name} bundle (${b.entry}) loads ${extra.join(', ')} at import, which the bare handler does not (see the profile line under Raw numbers); a client it needs only in some invocations can be loaded on first use (\`import()\`), as the user and scope handlers load the SSM client.`
          : `The ${b.name} bundle loads no more SDK modules than the bare handler; the extra time is its own code (see the profile line under Raw numbers).`;
  }
  const worst = bundles.find((b) => figures[`importRatio${cap(b.name)}`] === figures.importRatio);
  if (worst && notes[`importRatio${cap(worst.name)}`])
    notes.importRatio = notes[`importRatio${cap(worst.name)}`] as string;
  details.push(`CPU profiles: ${profileDir}/<bundle>/*.cpuprofile (open in Chrome DevTools)`);
  return { figures, described, notes, details };
}
