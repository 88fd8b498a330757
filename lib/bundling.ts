/**
 * How every broker Lambda bundle is built and where it lands, as plain esbuild settings and paths.
 * `npm run build` (scripts/build-bundles.ts) bundles each handler with them into
 * `dist/lambda-bundles/<handler>/`, the stack (lib/broker-function.ts) deploys those directories
 * as they are, and `npm run bench` measures the same files. No CDK import: the build and the
 * bench load this alone.
 */

/** Handler entry files, relative to the repository root; each becomes one bundle directory. */
export const HANDLER_ENTRIES = {
  user: 'lambda/handlers/user-api.ts',
  scope: 'lambda/handlers/scope-api.ts',
  migration: 'lambda/handlers/migration.ts',
} as const;

/** A broker handler's name: the key of its entry and the name of its bundle directory. */
export type HandlerName = keyof typeof HANDLER_ENTRIES;

/** Folder of the bundle directories, relative to the package root (git-ignored; shipped in the package). */
export const LAMBDA_BUNDLES_DIR = 'dist/lambda-bundles';

/** File name of a bundle inside its directory; the function's handler is `index.handler`. */
export const BUNDLE_FILE = 'index.mjs';

/** esbuild settings of a broker function bundle. */
export const LAMBDA_BUNDLE = {
  platform: 'node',
  // The oldest Node the bundles must run on, not the deployed runtime (Node 24, in
  // lib/broker-function.ts): the tests and the bench run these same files on the desk's Node 20,
  // and node20 output runs unchanged on 24. Raise it only when the desk moves to a newer Node.
  target: 'node20',
  format: 'esm',
  mainFields: ['module', 'main'],
  // The Lambda runtime provides the AWS SDK v3.
  external: ['@aws-sdk/*'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  // Bundled CommonJS dependencies need a `require` for Node built-ins, which ESM output lacks (ESM output has no `require`).
  banner:
    "import { createRequire as __brokerCreateRequire } from 'node:module'; const require = __brokerCreateRequire(import.meta.url);",
} as const;
