/**
 * Role ARNs of another account: a grant is an identity policy attached by role name in the deploy
 * account, so a role ARN is only granted in its own account. Known account: the synth stops. Unknown
 * (env-agnostic) account: a template Rule fails the deployment before any resource is created.
 */

import { Template } from 'aws-cdk-lib/assertions';
import type { App } from 'aws-cdk-lib/core';
import { describe, expect, it } from 'vitest';
import { SecretBrokerStack } from '../../lib/secret-broker-stack.js';
import { resolve, type TemplateJson } from './support/policies.js';
import { synthBroker, testApp } from './support/synth.js';

const FOREIGN = 'arn:aws:iam::444455556666:role/Developers';

/** Template rules of an env-agnostic stack (the account is only known at deploy time). */
function agnosticRules(props: ConstructorParameters<typeof SecretBrokerStack>[2]) {
  const app: App = testApp();
  const stack = new SecretBrokerStack(app, 'Agnostic', props);
  return (
    (Template.fromStack(stack).toJSON() as { Rules?: Record<string, { Assertions: unknown[] }> }).Rules ?? {}
  );
}

describe('role ARNs of another account', () => {
  it('stops the synth when the deploy account is known and the role is elsewhere, naming the role', () => {
    // Act
    const act = () => synthBroker({ userRoleArns: [FOREIGN] });

    // Assess
    expect(act).toThrow(
      /^Broker: invalid SecretBrokerStack props: these roles are not in account 111122223333[\s\S]*userRoleArns arn:aws:iam::444455556666:role\/Developers/,
    );
  });

  it('stops the synth for a scope caller of another account too', () => {
    expect(() => synthBroker({ scopeCallerRoleArns: { workloads: [FOREIGN] } })).toThrow(
      /scopeCallerRoleArns\.workloads arn:aws:iam::444455556666:role\/Developers/,
    );
  });

  it('adds a template rule that asserts the deploy account and names the roles', () => {
    // Act
    const rules = agnosticRules({ userRoleArns: [FOREIGN], scopeCallerRoleArns: { workloads: [FOREIGN] } });

    // Assess: evaluated with Ref AWS::AccountId as CloudFormation does before creating anything.
    const rule = rules.RolesInAccount444455556666;
    expect(rule?.Assertions).toEqual([
      {
        Assert: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '444455556666'] },
        AssertDescription: expect.stringMatching(
          /userRoleArns arn:aws:iam::444455556666:role\/Developers; scopeCallerRoleArns\.workloads arn:aws:iam::444455556666:role\/Developers/,
        ),
      },
    ]);
  });

  it.each([
    ['444455556666', true],
    ['111122223333', false],
  ])('lets a deployment into account %s pass the rule: %s', (account, passes) => {
    // Prepare
    const rules = agnosticRules({ userRoleArns: [FOREIGN] });
    const assertion = rules.RolesInAccount444455556666?.Assertions[0] as { Assert: unknown };

    // Act: resolve the pseudo parameter as that account's deployment would.
    const [left, right] = (
      resolve(
        { Resources: {} },
        JSON.parse(JSON.stringify(assertion.Assert).replace('{"Ref":"AWS::AccountId"}', `"${account}"`)),
      ) as {
        'Fn::Equals': [string, string];
      }
    )['Fn::Equals'];

    // Assess
    expect(left === right).toBe(passes);
  });

  it('adds no account rule when no role ARN is granted', () => {
    expect(Object.keys(agnosticRules({})).filter((id) => id.startsWith('RolesInAccount'))).toEqual([]);
  });

  it('grants roles of the deploy account with the rule holding', () => {
    // Act
    const { template } = synthBroker({ userRoleArns: ['arn:aws:iam::111122223333:role/Developers'] });

    // Assess
    const rules = (template.toJSON() as TemplateJson & { Rules: Record<string, unknown> }).Rules;
    expect(rules.RolesInAccount111122223333).toBeDefined();
  });
});
