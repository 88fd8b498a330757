/**
 * The outputs a deployment needs come from one call, `broker.addOutputs()`: a platform team's own
 * stack and the deployable stack get the same names, the names the CLI and the docs use.
 */
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib/core';
import { describe, expect, it } from 'vitest';
import { SecretBroker } from '../../lib/secret-broker.js';
import { ACCOUNT, REGION, synthBroker, testApp } from './support/synth.js';

type Outputs = Record<string, { Value: unknown; Description?: string }>;

/** RestApi's own endpoint output (`<path>Endpoint<hash>`), there with or without addOutputs. */
const isRestApiOwnOutput = (name: string): boolean => /^BrokerApiEndpoint[0-9A-F]{8}$/.test(name);

/** The outputs of `template` but RestApi's own. */
const outputsOf = (template: Template): Outputs =>
  Object.fromEntries(
    Object.entries((template.toJSON().Outputs ?? {}) as Outputs).filter(
      ([name]) => !isRestApiOwnOutput(name),
    ),
  );

/** A user's own stack holding the broker, as the construct snippet of docs/deploy.md builds it. */
function ownStack(build: (stack: Stack) => void): Outputs {
  const stack = new Stack(testApp(), 'Platform', { env: { account: ACCOUNT, region: REGION } });
  build(stack);
  return outputsOf(Template.fromStack(stack));
}

/** Every output name the CLI's error messages point at (`need(…, '--option', 'OutputName')`). */
function outputNamesTheCliAsksFor(): string[] {
  const source = readFileSync(new URL('../../cli/migration-aws.ts', import.meta.url), 'utf8');
  return [...source.matchAll(/need\([^,]+,\s*'[^']+',\s*'([A-Za-z]+)'\)/gs)].map((m) => m[1] as string);
}

const DOCUMENTED = [
  'ApiUrl',
  'ApiId',
  'UserAccessPolicyArn',
  'ScopeAccessPolicyArnWorkloads',
  'ScopeAccessPolicyArnRegistry',
  'GuardPolicyArn',
  'UserRoleGuardPolicyArn',
  'AlarmTopicArn',
  'KeyArn',
  'MigrationStateMachineArn',
  'PerimeterPolicyArn',
  'MigrationFunctionName',
  'MigrationFunctionArn',
  'MigrationFlagParameter',
];

describe('broker.addOutputs()', () => {
  it('gives a user stack every output a deployment needs, under the documented names', () => {
    // Act
    const outputs = ownStack((stack) =>
      new SecretBroker(stack, 'Broker', { scopes: ['workloads', 'registry'] }).addOutputs(),
    );
    // Assess
    expect(Object.keys(outputs).sort()).toEqual([...DOCUMENTED].sort());
  });

  it('names every output the CLI asks for', () => {
    // Prepare
    const asked = outputNamesTheCliAsksFor();
    // Act
    const outputs = ownStack((stack) => new SecretBroker(stack, 'Broker').addOutputs());
    // Assess
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((name) => !(name in outputs))).toEqual([]);
  });

  it('adds nothing unless called', () => {
    const outputs = ownStack((stack) => new SecretBroker(stack, 'Broker'));
    expect(outputs).toEqual({});
  });

  it('refuses a second call, naming the broker', () => {
    ownStack((stack) => {
      const broker = new SecretBroker(stack, 'Broker');
      broker.addOutputs();
      expect(() => broker.addOutputs()).toThrow(/Platform\/Broker already has its outputs/);
    });
  });
});

describe('the deployable stack', () => {
  it('has the same outputs as a user stack that calls addOutputs, with the same values', () => {
    // Act
    const { template } = synthBroker({ scopes: ['workloads', 'registry'] });
    const stackOutputs = outputsOf(template);
    const userOutputs = ownStack((stack) =>
      new SecretBroker(stack, 'Broker', { scopes: ['workloads', 'registry'] }).addOutputs(),
    );
    // Assess: same names; values differ only in the stack's name where it is part of one.
    expect(Object.keys(stackOutputs).sort()).toEqual(DOCUMENTED.sort());
    expect(JSON.stringify(stackOutputs)).toEqual(
      JSON.stringify(userOutputs).replaceAll('/Platform/', '/Broker/'),
    );
  });
});
