/**
 * The stack's IAM model, synthesized once per distinct input: the settings, and the source of the
 * stack and of the rules it is built from (an edit to lib/ changes the policies). Kept in memory and
 * in `node_modules/.cache/thv-broker/iam-<hash>.json` (policies only, no secret), so `npm start` on
 * unchanged settings and code, and every test broker after the first, loads neither CDK nor the
 * synth (a synth costs seconds, a cache hit milliseconds).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IamModel, StackSettings } from './stack-model.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Where synthesized models are kept, one file per distinct input. */
const MODEL_CACHE_DIR = join(REPO, 'node_modules/.cache/thv-broker');
/** What the synthesized policies depend on besides the settings. */
const SOURCES = ['lib', 'core', 'local/iam/stack-model.ts', 'package-lock.json'];

function sourceFiles(path: string): string[] {
  const full = join(REPO, path);
  if (!existsSync(full)) return [];
  if (!path.endsWith('/') && /\.\w+$/.test(path)) return [full];
  return readdirSync(full, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The hash the model of `settings` is cached under. */
function modelKey(settings: StackSettings): string {
  const hash = createHash('sha256').update(JSON.stringify(settings));
  for (const file of SOURCES.flatMap(sourceFiles)) hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
}

const memory = new Map<string, IamModel>();

/**
 * The model of `settings`: from memory, else from the cache directory, else synthesized (building
 * the Lambda bundles first when they are missing or stale: synth reads them) and cached.
 */
export async function loadIamModel(settings: StackSettings, cacheDir = MODEL_CACHE_DIR): Promise<IamModel> {
  const key = modelKey(settings);
  const known = memory.get(key);
  if (known !== undefined) return known;
  const file = join(cacheDir, `iam-${key.slice(0, 32)}.json`);
  if (existsSync(file)) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as { key?: string; model?: IamModel };
      if (cached.key === key && cached.model !== undefined) {
        memory.set(key, cached.model);
        return cached.model;
      }
    } catch {
      // A foreign file is only a cache: synthesize again.
    }
  }
  const { ensureLambdaBundles } = await import('../../scripts/build-bundles.js');
  await ensureLambdaBundles();
  const { synthesizeIamModel } = await import('./stack-model.js');
  const model = synthesizeIamModel(settings);
  memory.set(key, model);
  mkdirSync(cacheDir, { recursive: true });
  // Written whole, then renamed: a broker starting at the same moment reads it whole or not at all.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify({ key, model }));
  renameSync(partial, file);
  return model;
}
