/** cdk-nag AwsSolutions checks: zero unacknowledged findings, and each acknowledgement names one rule. */
import * as iam from 'aws-cdk-lib/aws-iam';
import { type Stack, Validations } from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { roleArn } from './support/arns.js';
import { synthBroker } from './support/synth.js';

const findings = (stack: Stack) =>
  new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

// The stack with every acknowledgement the constructs make: granted roles, break-glass, the legacy fallback.
const { stack: granted } = synthBroker({
  userRoleArns: [roleArn('platform-dev')],
  scopeCallerRoleArns: { registry: [roleArn('registry-svc')] },
  breakGlassRoleArns: [roleArn('break-glass')],
  legacyFallback: 'until-migrated',
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the default stack', () => {
    // Act
    const violations = findings(synthBroker({}).stack);

    // Assess
    expect(violations).toEqual([]);
  });

  it('finds nothing unacknowledged with granted roles, break-glass and the legacy fallback', () => {
    // Act
    const violations = findings(granted);

    // Assess
    expect(violations).toEqual([]);
  });

  it('still reports a wildcard grant that nobody acknowledged', () => {
    // Prepare
    const { stack } = synthBroker({});
    stack.broker.userRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }),
    );

    // Act
    const violations = new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);

    // Assess
    expect(violations).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]']);
  });

  it('gives every acknowledgement a single rule id and a reason', () => {
    // Act
    const acks = granted.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));

    // Assess: besides the wildcard-resource (IAM5) ones, exactly the API's four, the topic's one and the
    // migration's first-deploy starter's two (the CDK's own provider function).
    const rules = acks.map(([id]) => id.replace(/^Annotation::/, ''));
    expect(rules.filter((id) => !id.startsWith('AwsSolutions-IAM5[')).sort()).toEqual([
      'AwsSolutions-APIG2',
      'AwsSolutions-APIG3',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'AwsSolutions-L1',
      'AwsSolutions-SNS2',
    ]);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/^(Annotation::)?AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      expect(reason.length).toBeGreaterThan(30);
    }
  });
});
