/**
 * `-c scopes=billing` without `-c legacyPrefixes`: the default legacy rows of scopes the deployment
 * does not have are left out (a deployment without `workloads` has nowhere to move `BEARER_TOKEN_`
 * keys), the synth goes through, and one note says so with the exact `-c legacyPrefixes=…` to type.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app/app.js';
import { stackFromContext } from '../../app/context.js';
import { DEFAULT_LEGACY_PREFIXES } from '../../core/index.js';
import { scratchDir } from './support/synth.js';

const REGISTRY_ROWS = DEFAULT_LEGACY_PREFIXES.filter((row) => row.scope === 'registry');
const WORKLOADS_ROWS = DEFAULT_LEGACY_PREFIXES.filter((row) => row.scope === 'workloads');

describe('a scope list without a legacy table', () => {
  it('keeps no default row for -c scopes=billing and says once what to type', () => {
    // Act
    const { props, notes } = stackFromContext({ scopes: 'billing' });
    // Assess
    expect(props.legacyPrefixes).toEqual([]);
    expect(notes).toHaveLength(1);
    expect(notes?.[0]).toContain("-c legacyPrefixes='[]'");
    expect(notes?.[0]).toMatch(
      /BEARER_TOKEN_.*REGISTRY_OAUTH_ to workloads, registry, which are not in the scope list/,
    );
  });

  it('keeps the rows of the scopes it has, naming the exact table in the note', () => {
    // Act
    const { props, notes } = stackFromContext({ scopes: 'workloads,billing' });
    // Assess
    expect(props.legacyPrefixes).toEqual(WORKLOADS_ROWS);
    expect(notes).toEqual([expect.stringContaining(`-c legacyPrefixes='${JSON.stringify(WORKLOADS_ROWS)}'`)]);
    expect(notes?.[0]).toContain('maps REGISTRY_OAUTH_ to registry, which is not');
  });

  it('takes the table the note names without a note', () => {
    // Act
    const { props, notes } = stackFromContext({
      scopes: 'registry',
      legacyPrefixes: JSON.stringify(REGISTRY_ROWS),
    });
    // Assess
    expect(props.legacyPrefixes).toEqual(REGISTRY_ROWS);
    expect(notes).toBeUndefined();
  });

  it('leaves a scope list that has every default scope as it was', () => {
    // Act
    const result = stackFromContext({ scopes: 'workloads,registry,auth,llm,billing' });
    // Assess
    expect(result.props.legacyPrefixes).toBeUndefined();
    expect(result.notes).toBeUndefined();
  });

  it('synthesizes -c scopes=billing with the note as one info annotation', () => {
    // Prepare
    const outdir = scratchDir('app-billing-');
    // Act
    const { app, stack } = createApp({
      context: { 'aws:cdk:bundling-stacks': [], scopes: 'billing' },
      outdir,
    });
    app.synth();
    // Assess
    expect(
      Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('legacy prefix table')),
    ).toHaveLength(1);
  });
});
