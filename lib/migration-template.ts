/**
 * The broker stack's synthesized template, for `thv-broker migrate start --local`: the same
 * definition `cdk synth` writes (bundling skipped: the local run serves every Task in process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib/core';
import { SecretBrokerStack } from './secret-broker-stack.js';

/** The default broker stack's template as JSON. */
export function brokerTemplate(): unknown {
  const outdir = mkdtempSync(join(tmpdir(), 'thv-broker-synth-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new SecretBrokerStack(app, 'ThvSecretBroker');
    return app.synth().getStackArtifact(stack.artifactId).template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
