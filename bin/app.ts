/** The CDK app: the broker stack from context, checked by cdk-nag's AwsSolutions pack (see lib/app.ts). */
import type { App } from 'aws-cdk-lib/core';
import { createApp } from '../lib/app.js';

let app: App;
try {
  ({ app } = createApp());
} catch (error) {
  // A bad setting is the operator's to fix: show the message, not a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
app.synth();
