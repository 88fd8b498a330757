/**
 * IAM Identity Center roles are refused at synth by every grant that would attach to them, with
 * the way in (the managed policy in the permission set) in the message.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { Stack } from 'aws-cdk-lib/core';
import { describe, expect, it } from 'vitest';
import { SecretBroker } from '../../lib/secret-broker.js';
import { ACCOUNT, REGION, synthBroker, testApp } from './support/synth.js';

const SSO_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Developers_0123456789abcdef`;

function broker(): { stack: Stack; broker: SecretBroker } {
  const stack = new Stack(testApp(), 'Platform', { env: { account: ACCOUNT, region: REGION } });
  return { stack, broker: new SecretBroker(stack, 'Broker') };
}

describe('IAM Identity Center roles', () => {
  it('refuses grantUserAccess to a role imported by ARN, naming the output to attach instead', () => {
    // Prepare
    const { stack, broker: b } = broker();
    const role = iam.Role.fromRoleArn(stack, 'Sso', SSO_ROLE_ARN);
    // Act
    const act = () => b.grantUserAccess(role);
    // Assess
    expect(act).toThrow(
      /^Platform\/Broker: grantUserAccess: .*AWSReservedSSO_Developers_0123456789abcdef is an IAM Identity Center role/,
    );
    expect(act).toThrow(/stack output UserAccessPolicyArn .* to the permission set instead/);
  });

  it('refuses grantScopeAccess to a role imported by name, naming that scope’s output', () => {
    // Prepare
    const { stack, broker: b } = broker();
    const role = iam.Role.fromRoleName(stack, 'Sso', 'AWSReservedSSO_Runners_abcdef0123456789');
    // Act
    const act = () => b.grantScopeAccess(role, 'workloads');
    // Assess
    expect(act).toThrow(
      /^Platform\/Broker: grantScopeAccess: AWSReservedSSO_Runners_abcdef0123456789 is an IAM Identity Center role/,
    );
    expect(act).toThrow(/ScopeAccessPolicyArnWorkloads/);
  });

  it('refuses a role on the Identity Center path whatever its name', () => {
    const { stack, broker: b } = broker();
    const role = iam.Role.fromRoleArn(
      stack,
      'Sso',
      `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/Renamed`,
    );
    expect(() => b.grantUserAccess(role)).toThrow(/IAM Identity Center role/);
  });

  it('refuses one in the stack’s userRoleArns at synth', () => {
    expect(() => synthBroker({ userRoleArns: [SSO_ROLE_ARN] })).toThrow(/IAM Identity Center role/);
  });

  it('still grants an ordinary role, and one whose name only mentions SSO', () => {
    const { stack, broker: b } = broker();
    b.grantUserAccess(iam.Role.fromRoleArn(stack, 'Dev', `arn:aws:iam::${ACCOUNT}:role/Developers`));
    b.grantScopeAccess(
      iam.Role.fromRoleArn(stack, 'Runner', `arn:aws:iam::${ACCOUNT}:role/my-AWSReservedSSO_x`),
      'workloads',
    );
  });
});
