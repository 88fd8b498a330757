/** cdk-nag AwsSolutions checks: zero unacknowledged findings, and each acknowledgement names one rule. */
import * as iam from 'aws-cdk-lib/aws-iam';
import { Validations } from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { roleArn } from './support/arns.js';
import { synthBroker } from './support/synth.js';

const findings = (props: Parameters<typeof synthBroker>[0]) => {
  const { stack } = synthBroker(props);
  return new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
};

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the default stack', () => {
    // Act
    const violations = findings({});

    // Assess
    expect(violations).toEqual([]);
  });

  it('finds nothing unacknowledged with granted roles, break-glass and the legacy fallback', () => {
    // Act
    const violations = findings({
      userRoleArns: [roleArn('platform-dev')],
      scopeCallerRoleArns: { registry: [roleArn('registry-svc')] },
      breakGlassRoleArns: [roleArn('break-glass')],
      legacyFallback: 'until-migrated',
    });

    // Assess
    expect(violations).toEqual([]);
  });

  it('still reports a wildcard grant that nobody acknowledged', () => {
    // Prepare
    const { stack } = synthBroker({});
    stack.broker.userFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }),
    );

    // Act
    const violations = new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);

    // Assess
    expect(violations).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]']);
  });

  it('gives every acknowledgement a single rule id and a reason', () => {
    // Prepare
    const { stack } = synthBroker({ userRoleArns: [roleArn('platform-dev')] });

    // Act
    const acks = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));

    // Assess
    expect(acks.length).toBeGreaterThan(0);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/^(Annotation::)?AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      expect(reason.length).toBeGreaterThan(30);
    }
  });
});
