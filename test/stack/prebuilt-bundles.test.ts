/**
 * The stack's functions run the prebuilt bundles of `npm run build` (dist/lambda-bundles/), the same
 * files the package ships: synth stages them as they are, and names the fix when one is missing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleDirectory } from '../../lib/broker-function.js';
import { BUNDLE_FILE, LAMBDA_BUNDLES_DIR } from '../../lib/bundling.js';
import { logicalId, synthBroker, testApp } from './support/synth.js';

const REPO = join(import.meta.dirname, '..', '..');

describe('prebuilt Lambda bundles', () => {
  it("deploys each function's prebuilt bundle unchanged, handler index.handler", () => {
    // Prepare
    const app = testApp();
    const { stack, template } = synthBroker({}, app);
    const functions = [
      ['user', stack.broker.userFunction],
      ['scope', stack.broker.scopeFunctions.get('workloads')],
      ['migration', stack.broker.migrationFunction],
    ] as const;

    // Act
    const json = template.toJSON() as {
      Resources: Record<string, { Properties: { Handler: string; Code: { S3Key: string } } }>;
    };

    // Assess
    for (const [handler, fn] of functions) {
      const props = json.Resources[logicalId(fn ?? stack)]?.Properties;
      expect(props?.Handler).toBe('index.handler');
      const staged = join(app.outdir, `asset.${props?.Code.S3Key.replace(/\.zip$/, '')}`, BUNDLE_FILE);
      expect(readFileSync(staged, 'utf8')).toBe(
        readFileSync(join(REPO, LAMBDA_BUNDLES_DIR, handler, BUNDLE_FILE), 'utf8'),
      );
    }
  });

  it('stops synth with a message naming npm run build when a bundle is missing', () => {
    // Prepare
    const emptyRoot = mkdtempSync(join(tmpdir(), 'thv-no-bundles-'));

    // Act / Assess
    expect(() => bundleDirectory('user', emptyRoot)).toThrow(
      /Lambda bundle of the broker's user function is missing .*run `npm run build`/,
    );
  });
});
