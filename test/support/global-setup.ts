/**
 * vitest globalSetup: the stack tests synthesize functions from the prebuilt Lambda bundles, so
 * build them once before any test file runs when they are missing or older than lambda/ (a fresh
 * clone built them at `npm ci`; an edit since then would otherwise test stale handler code).
 */
import { ensureLambdaBundles } from '../../scripts/build-bundles.js';

/** Builds the bundles unless they are fresh. */
export default async function setup(): Promise<void> {
  await ensureLambdaBundles();
}
