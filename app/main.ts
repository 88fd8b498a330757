/**
 * The CDK app: the broker stack from context, checked by cdk-nag's AwsSolutions pack (see app/app.ts).
 * In the clone it first rebuilds the prebuilt Lambda bundles when lambda/ changed since the last
 * `npm run build`, so `cdk synth` and `cdk deploy` never ship stale handler code.
 */
import type { App } from 'aws-cdk-lib/core';
import { ensureLambdaBundles } from '../scripts/build-bundles.js';
import { createApp } from './app.js';

await ensureLambdaBundles();

let app: App;
try {
  ({ app } = createApp());
} catch (error) {
  // A bad setting is the operator's to fix: show the message, not a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
app.synth();
