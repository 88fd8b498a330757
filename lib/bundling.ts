/**
 * How every broker Lambda bundle is built, as plain esbuild settings. The stack hands them to
 * NodejsFunction (lib/broker-function.ts) and `npm run bench` builds with the same ones, so the
 * bundle it measures is the bundle the stack ships. No CDK import: the bench loads this alone.
 */

/** esbuild settings of a broker function bundle (NodejsFunction runs esbuild with exactly these). */
export const LAMBDA_BUNDLE = {
  platform: 'node',
  target: 'node20',
  format: 'esm',
  mainFields: ['module', 'main'],
  // The Lambda runtime provides the AWS SDK v3.
  external: ['@aws-sdk/*'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  // Bundled CommonJS dependencies need a `require` for Node built-ins, which ESM output lacks (TOOLING.md).
  banner:
    "import { createRequire as __brokerCreateRequire } from 'node:module'; const require = __brokerCreateRequire(import.meta.url);",
} as const;
