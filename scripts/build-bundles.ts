/**
 * The esbuild half of `npm run build` (tsc is the other): the prebuilt Lambda bundles the stack
 * deploys, one directory per handler of HANDLER_ENTRIES (`dist/lambda-bundles/<handler>/index.mjs`
 * and its source map, with the settings of lib/bundling.ts), and the CLI (`dist/thv-broker.mjs`,
 * its dependencies left in node_modules so it starts fast). Each bundle's metafile sits beside it
 * (not inside a Lambda directory: that directory is the asset), so freshness can be judged
 * without a rebuild.
 *
 * Tests, `cdk synth` and CLI runs read these files while a build may be running (`npm pack` in the
 * pack test rebuilds), so each file is replaced by a rename, never rewritten in place, and an
 * unchanged file is only touched.
 */
import { mkdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import {
  BUNDLE_FILE,
  HANDLER_ENTRIES,
  type HandlerName,
  LAMBDA_BUNDLE,
  LAMBDA_BUNDLES_DIR,
} from '../lib/bundling.js';

/** The repository this script belongs to. */
const REPO = fileURLToPath(new URL('..', import.meta.url));

/** The CLI bundle that bin/thv-broker.js runs, and its metafile (bin checks freshness with it). */
const CLI_BUNDLE = 'dist/thv-broker.mjs';
const CLI_METAFILE = 'dist/thv-broker.meta.json';

/** Where `handler`'s metafile is written. */
const metafilePath = (root: string, handler: HandlerName): string =>
  join(root, LAMBDA_BUNDLES_DIR, `${handler}.meta.json`);

/** esbuild's options for bundling `entry` into `outfile` with the settings of {@link LAMBDA_BUNDLE}. */
export function lambdaBuildOptions(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: LAMBDA_BUNDLE.platform,
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    external: [...LAMBDA_BUNDLE.external],
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourcemap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    banner: { js: LAMBDA_BUNDLE.banner },
    metafile: true,
  } satisfies BuildOptions;
}

/** Writes `contents` to `file` by a rename (atomic for readers); an identical file is only touched. */
function replaceFile(file: string, contents: Uint8Array | string): void {
  const bytes = typeof contents === 'string' ? Buffer.from(contents) : Buffer.from(contents);
  let current: Buffer | undefined;
  try {
    current = readFileSync(file);
  } catch {
    current = undefined;
  }
  if (current?.equals(bytes)) {
    const now = new Date();
    utimesSync(file, now, now);
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  const scratch = `${file}.tmp-${process.pid}`;
  writeFileSync(scratch, bytes);
  renameSync(scratch, file);
}

/** Runs esbuild in memory and puts its outputs and metafile (a path) in place with {@link replaceFile}. */
async function bundle(root: string, options: BuildOptions, metafile: string): Promise<void> {
  const result = await build({
    ...options,
    // Paths in the metafile and the source map relative to the repository, not this machine.
    absWorkingDir: root,
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  for (const out of result.outputFiles) replaceFile(out.path, out.contents);
  replaceFile(metafile, JSON.stringify(result.metafile));
}

/** Builds every handler's bundle under `root` (default: this repository). */
export async function buildLambdaBundles(root: string = REPO): Promise<void> {
  await Promise.all(
    (Object.keys(HANDLER_ENTRIES) as HandlerName[]).map((handler) =>
      bundle(
        root,
        lambdaBuildOptions(
          join(root, HANDLER_ENTRIES[handler]),
          join(root, LAMBDA_BUNDLES_DIR, handler, BUNDLE_FILE),
        ),
        metafilePath(root, handler),
      ),
    ),
  );
}

/** Builds the CLI bundle under `root`. */
export async function buildCliBundle(root: string = REPO): Promise<void> {
  await bundle(
    root,
    {
      entryPoints: [join(root, 'cli/main.ts')],
      outfile: join(root, CLI_BUNDLE),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      // Its dependencies are bundled in, so installing the construct does not install the CLI's
      // AWS SDK clients and commander (dev dependencies of this package).
      mainFields: ['module', 'main'],
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    },
    join(root, CLI_METAFILE),
  );
}

/**
 * True when every Lambda bundle exists and is at least as new as each of its own source files,
 * the bundle settings and the lock file (a dependency upgrade).
 */
export function lambdaBundlesFresh(root: string = REPO): boolean {
  try {
    return (Object.keys(HANDLER_ENTRIES) as HandlerName[]).every((handler) => {
      const builtAt = statSync(join(root, LAMBDA_BUNDLES_DIR, handler, BUNDLE_FILE)).mtimeMs;
      const meta = JSON.parse(readFileSync(metafilePath(root, handler), 'utf8')) as {
        inputs: Record<string, unknown>;
      };
      const inputs = Object.keys(meta.inputs).filter((input) => !input.includes('node_modules/'));
      return [...inputs, 'lib/bundling.ts', 'package-lock.json'].every(
        (input) => statSync(join(root, input)).mtimeMs <= builtAt,
      );
    });
  } catch {
    // A missing bundle, metafile or source (a renamed file) all mean: build again.
    return false;
  }
}

/** Builds the Lambda bundles unless they are fresh; true when it built. */
export async function ensureLambdaBundles(root: string = REPO): Promise<boolean> {
  if (lambdaBundlesFresh(root)) return false;
  await buildLambdaBundles(root);
  return true;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await Promise.all([buildLambdaBundles(), buildCliBundle()]);
}
