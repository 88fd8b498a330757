/**
 * The organization recipe of the security docs (an RCP on Secrets Manager and an SCP on the
 * broker's functions, migration, flag and roles), read from the page as written and decided by
 * the IAM simulator for principals the stack does not manage: an account admin with every right,
 * and the roles the recipe lets through. Expected decisions follow the recipe's promises.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NamedPolicy } from './support/policies.js';
import { type Decision, type OrgPolicies, simulate } from './support/simulate.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The JSON block marked `<!-- policy:<name> -->` in the README, or in docs/security.md before it is folded in. */
function policyBlock(name: string): NamedPolicy {
  for (const file of ['README.md', 'docs/security.md']) {
    const path = `${REPO}${file}`;
    if (!existsSync(path)) continue;
    const found = new RegExp(`<!-- policy:${name} -->\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(
      readFileSync(path, 'utf8'),
    )?.[1];
    if (found !== undefined) return { name, policy: JSON.parse(found) };
  }
  throw new Error(`no JSON block marked <!-- policy:${name} --> in README.md or docs/security.md`);
}

const ACCOUNT = '111122223333';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ADMIN = role('PlatformAdmin');
const SCOPE_ROLE = role('ThvSecretBroker-BrokerScopeworkloadsRoleBE41DA62-AbCdEfGhIjKl');
const USER_API_ROLE = role('ThvSecretBroker-BrokerUserApiRole066D4F0D-AbCdEfGhIjKl');
const MIGRATION_ROLE = role('ThvSecretBroker-BrokerMigrationStepsRole6DDA-AbCdEfGhIjKl');
const STATE_MACHINE_ROLE = role('ThvSecretBroker-BrokerMigrationStateMachineRo-AbCdEfGhIjKl');
const OPERATOR = role('BrokerOperators');
const BREAK_GLASS = role('BreakGlass');
const DEPLOY = role(`cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-eu-west-1`);

const secret = (name: string) => `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:${name}-AbCdEf`;
const fn = (name: string) => `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`;
const SCOPE_FUNCTION = fn('ThvSecretBroker-BrokerScopeworkloadsFunctio-AbCdEfGhIjKl');
const MIGRATION_FUNCTION = fn('ThvSecretBroker-BrokerMigrationStepsFunctio-AbCdEfGhIjKl');
const STATE_MACHINE = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:ThvSecretBroker-legacy-migration`;
const EXECUTION = `arn:aws:states:eu-west-1:${ACCOUNT}:execution:ThvSecretBroker-legacy-migration:run-1`;
const FLAG = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/ThvSecretBroker/migration-done`;

/** Every right from the principal's own policies: only the organization's policies stand in the way. */
const EVERY_RIGHT: NamedPolicy = {
  name: 'everything',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};
const FULL_ACCESS: NamedPolicy = { ...EVERY_RIGHT, name: 'FullAWSAccess' };
const SCPS: OrgPolicies[] = [
  { orgIdentifier: 'r-root', policies: [FULL_ACCESS] },
  { orgIdentifier: ACCOUNT, policies: [FULL_ACCESS, policyBlock('scp-broker')] },
];
const RCPS: OrgPolicies[] = [{ orgIdentifier: ACCOUNT, policies: [policyBlock('rcp-secrets')] }];

const decide = (
  principalArn: string,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<Decision> =>
  simulate({
    principalArn,
    action,
    resource,
    context,
    identityPolicies: [EVERY_RIGHT],
    serviceControlPolicies: SCPS,
    resourceControlPolicies: RCPS,
  });

const USER_TAG = { 'aws:ResourceTag/thv:owner': 'user' };
const SCOPE_TAG = { 'aws:ResourceTag/thv:scope': 'workloads' };

describe('the RCP on Secrets Manager', () => {
  it('keeps an account admin out of system secrets, legacy keys and the root, but not out of user keys', async () => {
    // Act
    const got = {
      systemRead: await decide(
        ADMIN,
        'secretsmanager:GetSecretValue',
        secret('toolhive/__thv_workloads_T'),
        SCOPE_TAG,
      ),
      systemDelete: await decide(
        ADMIN,
        'secretsmanager:DeleteSecret',
        secret('toolhive/__thv_workloads_T'),
        SCOPE_TAG,
      ),
      legacyRead: await decide(ADMIN, 'secretsmanager:GetSecretValue', secret('toolhive/BEARER_TOKEN_x')),
      plant: await decide(ADMIN, 'secretsmanager:CreateSecret', secret('toolhive/BEARER_TOKEN_y'), {
        'secretsmanager:Name': 'toolhive/BEARER_TOKEN_y',
      }),
      disown: await decide(ADMIN, 'secretsmanager:UntagResource', secret('toolhive/GITHUB_TOKEN'), {
        ...USER_TAG,
        'aws:TagKeys': ['thv:owner'],
      }),
      userRead: await decide(
        ADMIN,
        'secretsmanager:GetSecretValue',
        secret('toolhive/GITHUB_TOKEN'),
        USER_TAG,
      ),
      elsewhere: await decide(ADMIN, 'secretsmanager:GetSecretValue', secret('other/app-db')),
    };

    // Assess
    expect(got).toEqual({
      systemRead: 'ExplicitlyDenied',
      systemDelete: 'ExplicitlyDenied',
      legacyRead: 'ExplicitlyDenied',
      plant: 'ExplicitlyDenied',
      disown: 'ExplicitlyDenied',
      userRead: 'Allowed',
      elsewhere: 'Allowed',
    });
  });

  it('lets the broker roles and break-glass do their work', async () => {
    // Act
    const got = {
      scopeRead: await decide(
        SCOPE_ROLE,
        'secretsmanager:GetSecretValue',
        secret('toolhive/__thv_workloads_T'),
        SCOPE_TAG,
      ),
      userCreate: await decide(
        USER_API_ROLE,
        'secretsmanager:CreateSecret',
        secret('toolhive/GITHUB_TOKEN'),
        {
          'secretsmanager:Name': 'toolhive/GITHUB_TOKEN',
          'aws:RequestTag/thv:owner': 'user',
          'aws:TagKeys': ['thv:owner'],
        },
      ),
      migrationRead: await decide(
        MIGRATION_ROLE,
        'secretsmanager:GetSecretValue',
        secret('toolhive/BEARER_TOKEN_x'),
      ),
      breakGlass: await decide(
        BREAK_GLASS,
        'secretsmanager:GetSecretValue',
        secret('toolhive/__thv_auth_T'),
        {
          'aws:ResourceTag/thv:scope': 'auth',
        },
      ),
    };

    // Assess
    expect(got).toEqual({
      scopeRead: 'Allowed',
      userCreate: 'Allowed',
      migrationRead: 'Allowed',
      breakGlass: 'Allowed',
    });
  });
});

describe('the SCP on the broker functions, migration, flag and roles', () => {
  it('keeps an account admin out of every path around the API', async () => {
    // Act
    const got = {
      invokeScope: await decide(ADMIN, 'lambda:InvokeFunction', SCOPE_FUNCTION),
      invokeAlias: await decide(ADMIN, 'lambda:InvokeFunction', `${SCOPE_FUNCTION}:live`),
      updateCode: await decide(ADMIN, 'lambda:UpdateFunctionCode', SCOPE_FUNCTION),
      startMigration: await decide(ADMIN, 'states:StartExecution', STATE_MACHINE),
      stopMigration: await decide(ADMIN, 'states:StopExecution', EXECUTION),
      setFlag: await decide(ADMIN, 'ssm:PutParameter', FLAG),
      passRole: await decide(ADMIN, 'iam:PassRole', SCOPE_ROLE),
    };

    // Assess
    expect(Object.values(got)).toEqual(Array(7).fill('ExplicitlyDenied'));
  });

  it('leaves the flag readable and everything outside the broker alone', async () => {
    // Act
    const got = {
      readFlag: await decide(ADMIN, 'ssm:GetParameter', FLAG),
      otherFunction: await decide(ADMIN, 'lambda:InvokeFunction', fn('billing-api')),
      otherRole: await decide(ADMIN, 'iam:PassRole', role('billing-api')),
    };

    // Assess
    expect(got).toEqual({ readFlag: 'Allowed', otherFunction: 'Allowed', otherRole: 'Allowed' });
  });

  it('lets operators run the job, the job continue and set its flag, and the deploy role deploy', async () => {
    // Act
    const got = {
      plan: await decide(OPERATOR, 'lambda:InvokeFunction', MIGRATION_FUNCTION),
      start: await decide(OPERATOR, 'states:StartExecution', STATE_MACHINE),
      status: await decide(OPERATOR, 'states:DescribeExecution', EXECUTION),
      continueAsNew: await decide(STATE_MACHINE_ROLE, 'states:StartExecution', STATE_MACHINE),
      step: await decide(STATE_MACHINE_ROLE, 'lambda:InvokeFunction', MIGRATION_FUNCTION),
      flag: await decide(MIGRATION_ROLE, 'ssm:PutParameter', FLAG),
      deployCode: await decide(DEPLOY, 'lambda:UpdateFunctionCode', SCOPE_FUNCTION),
      deployRole: await decide(DEPLOY, 'iam:PassRole', SCOPE_ROLE),
    };

    // Assess
    expect(Object.values(got)).toEqual(Array(8).fill('Allowed'));
  });

  it('does not let an operator change the functions or write the flag', async () => {
    // Act
    const got = {
      updateCode: await decide(OPERATOR, 'lambda:UpdateFunctionCode', MIGRATION_FUNCTION),
      setFlag: await decide(OPERATOR, 'ssm:PutParameter', FLAG),
    };

    // Assess
    expect(got).toEqual({ updateCode: 'ExplicitlyDenied', setFlag: 'ExplicitlyDenied' });
  });
});
