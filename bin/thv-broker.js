#!/usr/bin/env node
// Entry of the `thv-broker` command (package.json "bin"). It runs the compiled CLI in dist/ (built
// by `npm run build`, which `npm ci` and `npm install` run as `prepare`), so no TypeScript is
// compiled on a run. In a clone, when dist/ is missing or older than any of its sources (an edit
// since the build), it compiles cli/ on the fly with tsx instead, in this same process, so stdin,
// stdout, signals and the exit code stay the CLI's own either way. The installed package has no
// sources and no tsx: it always runs dist/. This file is also where the parts that the CLI may not
// import are plugged in: `migrate … --local` needs the stack (lib/) and the local runner (local/),
// loaded only when that command runs, and only a clone has local mode.
import { existsSync, readFileSync, statSync } from 'node:fs';

// Node opens its inspector (a debugger on 127.0.0.1:9229, able to read every value in memory) when
// the process receives SIGUSR1, unless a listener is installed. This is the first statement, so
// the window is as small as it gets; `exec` passes SIGUSR1 on to its command (cli/child.ts).
process.on('SIGUSR1', () => {});

// The SDK's notice about Node versions is the operator's business, not every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const dist = new URL('../dist/thv-broker.mjs', import.meta.url);
/** A clone has the sources (and tsx, a dev dependency); the installed package has dist/ only. */
const clone = existsSync(new URL('../cli/main.ts', import.meta.url));

/**
 * True when dist/ holds a build at least as new as every source file it was built from. The same
 * rule as lambdaBundlesFresh in scripts/build-bundles.ts, written again here because this file is
 * plain JavaScript that runs before tsx is loaded.
 */
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

let tsx;
async function typescript() {
  tsx ??= import('tsx/esm/api').then(({ register }) => register());
  await tsx;
}

// Only a clone has local mode; without it, `migrate --local` says so (cli/commands/migrate.ts).
const extensions = existsSync(new URL('../local/migration/backend.ts', import.meta.url))
  ? {
      async localMigration(options) {
        await typescript();
        const [{ localMigrationBackend }, { definitionFromTemplate }, { brokerTemplate }] = await Promise.all(
          [
            import('../local/migration/backend.ts'),
            import('../local/migration/definition.ts'),
            import('../lib/migration-template.ts'),
          ],
        );
        return localMigrationBackend({ ...options, definition: definitionFromTemplate(brokerTemplate()) });
      },
      async localPrincipals(env) {
        await typescript();
        const { localPrincipals } = await import('../local/iam/principals.ts');
        return localPrincipals(env);
      },
    }
  : {};

let cli;
if (!clone || builtAndFresh()) {
  cli = await import(dist.href);
} else {
  await typescript();
  cli = await import('../cli/main.ts');
}
await cli.main(extensions);
