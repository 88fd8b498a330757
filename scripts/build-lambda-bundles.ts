/**
 * Builds the prebuilt Lambda bundles the stack deploys (`npm run build` runs this): one directory
 * per handler of HANDLER_ENTRIES, `dist/lambda-bundles/<handler>/index.mjs` and its source map,
 * with the esbuild settings of lib/bundling.ts. Each bundle's metafile sits beside its directory
 * (not inside: the directory is the Lambda asset), so freshness can be judged without a rebuild.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** Bundles one handler into a scratch directory, then swaps it in, so a reader never sees half a bundle. */
async function buildOne(root: string, handler: HandlerName): Promise<void> {
  const dir = join(root, LAMBDA_BUNDLES_DIR, handler);
  const scratch = `${dir}.tmp-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  const result = await build({
    ...lambdaBuildOptions(join(root, HANDLER_ENTRIES[handler]), join(scratch, BUNDLE_FILE)),
    // Paths in the metafile and the source map relative to the repository, not this machine.
    absWorkingDir: root,
    logLevel: 'warning',
  });
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(scratch, dir);
  } catch (error) {
    // Another build (a parallel test run) swapped its copy in first: same sources, same bundle.
    rmSync(scratch, { recursive: true, force: true });
    if (!statSync(join(dir, BUNDLE_FILE), { throwIfNoEntry: false })) throw error;
  }
  writeFileSync(metafilePath(root, handler), JSON.stringify(result.metafile));
}

/** Builds every handler's bundle under `root` (default: this repository). */
export async function buildLambdaBundles(root: string = REPO): Promise<void> {
  mkdirSync(join(root, LAMBDA_BUNDLES_DIR), { recursive: true });
  await Promise.all((Object.keys(HANDLER_ENTRIES) as HandlerName[]).map((h) => buildOne(root, h)));
}

/**
 * True when every bundle exists and is at least as new as each of its own source files, the
 * bundle settings and the lock file (a dependency upgrade).
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

/** Builds the bundles unless they are fresh; true when it built. */
export async function ensureLambdaBundles(root: string = REPO): Promise<boolean> {
  if (lambdaBundlesFresh(root)) return false;
  await buildLambdaBundles(root);
  return true;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildLambdaBundles();
}
