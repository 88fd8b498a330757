#!/usr/bin/env node
// Entry of the `thv-broker` command (package.json "bin"). It runs the compiled CLI in dist/ (built
// by `npm run build`, which `npm ci` and `npm install` run as `prepare`), so no TypeScript is
// compiled on a run. When dist/ is missing, or older than any of its sources (an edit since the
// build), it compiles cli/ on the fly with tsx instead, in this same process, so stdin, stdout,
// signals and the exit code stay the CLI's own either way.
import { readFileSync, statSync } from 'node:fs';

const dist = new URL('../dist/thv-broker.mjs', import.meta.url);

/** True when dist/ holds a build at least as new as every source file it was built from. */
function builtAndFresh() {
  try {
    const builtAt = statSync(dist).mtimeMs;
    const meta = JSON.parse(readFileSync(new URL('../dist/thv-broker.meta.json', import.meta.url), 'utf8'));
    return Object.keys(meta.inputs).every(
      (input) =>
        input.includes('node_modules/') ||
        statSync(new URL(`../${input}`, import.meta.url)).mtimeMs <= builtAt,
    );
  } catch {
    return false;
  }
}

if (builtAndFresh()) {
  await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
