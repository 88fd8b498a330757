/**
 * Template assertions: every broker role's exact statements, and the API (with API Gateway's own
 * error answers in the broker's error shape), key, functions, detection and outputs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Stack } from 'aws-cdk-lib/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES } from '../../core/index.js';
import { INVOKE_METHODS } from '../../lib/broker-api.js';
import { SecretBroker } from '../../lib/secret-broker.js';
import { SecretBrokerStack } from '../../lib/secret-broker-stack.js';
import {
  functionArn,
  invokeArn,
  keyArn,
  logGroupArn,
  roleArn,
  secretArn,
  stateMachineArn,
} from './support/arns.js';
import { FUNCTION_SECRET_ACTIONS } from './support/matrix.js';
import { identityPolicies, type RoleRef, resolve, type TemplateJson } from './support/policies.js';
import {
  ACCOUNT,
  logGroupOf,
  logicalId,
  REGION,
  stateMachineRoleOf,
  synthBroker,
  testApp,
} from './support/synth.js';

const BREAK_GLASS = roleArn('break-glass');
const MIGRATION = roleArn('migration');
const PASSED_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const { stack, template } = synthBroker({
  userRoleArns: [roleArn('platform-dev')],
  scopeCallerRoleArns: { workloads: [roleArn('workloads-svc')] },
  breakGlassRoleArns: [BREAK_GLASS],
  migrationRoleArn: MIGRATION,
});
// Every other optional setting changed, in a second stack synthesized once for the tests that need it.
const custom = synthBroker({
  legacyFallback: 'until-migrated',
  migrationFlagParameterName: '/broker/flag',
  throttling: { rateLimit: 7, burstLimit: 9 },
  encryptionKeyArn: PASSED_KEY,
});
const json = template.toJSON() as TemplateJson;
const broker = stack.broker;
const keyId = logicalId(broker.key);
const apiId = logicalId(broker.api);
const guardId = logicalId(broker.guardPolicy);
const userRoleGuardId = logicalId(broker.userRoleGuardPolicy);
/** The migration job's role: trusted by system secrets, the key policy and the tamper rule. */
const migrationJobRole = roleArn(logicalId(broker.migrationRole));
const userRoleId = logicalId(broker.userRole);
const scopeRoleId = (scope: string): string => logicalId(broker.scopeRoles.get(scope) ?? broker);
const statementsOf = (role: RoleRef) =>
  identityPolicies(json, role).map((p) => ({ name: p.name, statements: p.policy.Statement }));

const keyUse = (names: string[]) => ({
  Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
  Condition: {
    StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` },
    StringLike: { 'kms:EncryptionContext:SecretARN': names.map(secretArn) },
  },
  Effect: 'Allow',
  Resource: keyArn(keyId),
});
const logWrite = (logGroupId: string) => ({
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Effect: 'Allow',
  Resource: logGroupArn(logGroupId),
});
const list = { Action: 'secretsmanager:ListSecrets', Effect: 'Allow', Resource: '*' };
// AWS requires `*` for it; each secret of the batch is authorized as the role's own GetSecretValue.
const batchGet = { Action: 'secretsmanager:BatchGetSecretValue', Effect: 'Allow', Resource: '*' };
/** One invoke ARN per method and path: never a `*` method, which would also match `/`. */
const invokeAll = (paths: string[]) =>
  paths.flatMap((path) => INVOKE_METHODS.map((method) => invokeArn(apiId, path, method)));
const CRUD = FUNCTION_SECRET_ACTIONS;

const GUARD_STATEMENTS = [
  {
    Action: 'secretsmanager:*',
    Effect: 'Deny',
    Resource: secretArn('toolhive/__thv_*'),
    Sid: 'DenySystemSecrets',
  },
  {
    Action: 'secretsmanager:CreateSecret',
    Condition: {
      StringLike: {
        'secretsmanager:Name': [
          '__thv_',
          '__thV_',
          '__tHv_',
          '__tHV_',
          '__Thv_',
          '__ThV_',
          '__THv_',
          '__THV_',
        ].map((p) => `toolhive/${p}*`),
      },
    },
    Effect: 'Deny',
    Resource: '*',
    Sid: 'DenyCreateReservedNames',
  },
  {
    Action: 'secretsmanager:*',
    Condition: { Null: { 'aws:ResourceTag/thv:scope': 'false' } },
    Effect: 'Deny',
    Resource: '*',
    Sid: 'DenyScopeTaggedSecrets',
  },
  {
    Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:UntagResource'],
    Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['thv:scope'] } },
    Effect: 'Deny',
    Resource: '*',
    Sid: 'DenyScopeTagging',
  },
  // No planting: a create under the root without thv:owner=user (a missing tag counts as another value).
  {
    Action: 'secretsmanager:CreateSecret',
    Condition: { StringNotEquals: { 'aws:RequestTag/thv:owner': 'user' } },
    Effect: 'Deny',
    Resource: secretArn('toolhive/*'),
    Sid: 'DenyUnownedCreatesUnderRoot',
  },
  {
    Action: 'secretsmanager:UntagResource',
    Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['thv:owner'] } },
    Effect: 'Deny',
    Resource: secretArn('toolhive/*'),
    Sid: 'DenyOwnerTagRemoval',
  },
  {
    Action: 'secretsmanager:TagResource',
    Condition: {
      'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['thv:owner'] },
      StringNotEquals: { 'aws:RequestTag/thv:owner': 'user' },
    },
    Effect: 'Deny',
    Resource: secretArn('toolhive/*'),
    Sid: 'DenyOwnerTagChanges',
  },
  {
    NotAction: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
    Condition: { Null: { 'aws:ResourceTag/thv:owner': 'true' } },
    Effect: 'Deny',
    Resource: secretArn('toolhive/*'),
    Sid: 'DenyUntaggedSecretsUnderRoot',
  },
];

const USER_ROLE_GUARD_STATEMENTS = [
  {
    Action: ['secretsmanager:ListSecrets', 'secretsmanager:BatchGetSecretValue'],
    Effect: 'Deny',
    Resource: '*',
    Sid: 'DenySecretListing',
  },
];

const perimeterId = logicalId(broker.perimeterPolicy);
const STATE_MACHINE = stateMachineArn('Broker-legacy-migration');
/** Every function of the broker, the job's starter (aws-cdk-lib's singleton provider) included. */
const BROKER_FUNCTIONS = [
  broker.migrationFunction,
  broker.userFunction,
  ...DEFAULT_SCOPES.map((s) => broker.scopeFunctions.get(s)),
].map((fn) => functionArn(logicalId(fn ?? broker)));
const BROKER_ROLES = [
  broker.migrationRole,
  stateMachineRoleOf(broker),
  broker.userRole,
  ...DEFAULT_SCOPES.map((s) => broker.scopeRoles.get(s)),
].map((role) => roleArn(logicalId(role ?? broker)));
const STARTER_ID = 'AWS679f53fac002430cb0da5b7982bd22872D164C4C';
/** docs/design.md §3: what a role given user or scope access is denied around the API, whatever else it holds. */
const PERIMETER_STATEMENTS = [
  {
    Action: 'secretsmanager:TagResource',
    Condition: { Null: { 'aws:ResourceTag/thv:owner': 'true' } },
    Effect: 'Deny',
    Resource: secretArn('toolhive/*'),
    Sid: 'DenyTaggingUntaggedSecrets',
  },
  {
    Action: 'lambda:*',
    Effect: 'Deny',
    Resource: [...BROKER_FUNCTIONS, functionArn(STARTER_ID)].flatMap((arn) => [arn, `${arn}:*`]),
    Sid: 'DenyBrokerFunctions',
  },
  {
    Action: 'states:*',
    Effect: 'Deny',
    Resource: [
      STATE_MACHINE,
      `${STATE_MACHINE}:*`,
      'arn:aws:states:eu-west-1:111122223333:execution:Broker-legacy-migration:*',
    ],
    Sid: 'DenyMigrationStateMachine',
  },
  {
    NotAction: [
      'ssm:GetParameter',
      'ssm:GetParameters',
      'ssm:GetParameterHistory',
      'ssm:DescribeParameters',
      'ssm:ListTagsForResource',
    ],
    Effect: 'Deny',
    Resource: 'arn:aws:ssm:eu-west-1:111122223333:parameter/Broker/migration-done',
    Sid: 'DenyMigrationFlagChanges',
  },
  {
    Action: 'iam:*',
    Effect: 'Deny',
    Resource: expect.arrayContaining([
      ...BROKER_ROLES,
      roleArn(logicalId(broker.api.node.findChild('CloudWatchRole') as iam.Role)),
      expect.stringMatching(/:role\/AWS679f53fac002430cb0da5b7982bd2287ServiceRole/),
    ]),
    Sid: 'DenyBrokerRoles',
  },
  {
    NotAction: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    Effect: 'Deny',
    Resource: keyArn(keyId),
    Sid: 'DenyKeyChanges',
  },
  {
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Condition: { StringNotEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
    Effect: 'Deny',
    Resource: keyArn(keyId),
    Sid: 'DenyKeyUseOutsideSecretsManager',
  },
];

/** The user function's secrets, by tag: never an untagged legacy key or a system secret. */
const USER_SECRET_STATEMENTS = [
  {
    Action: [
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecret',
      'secretsmanager:DeleteSecret',
      'secretsmanager:DescribeSecret',
      'secretsmanager:RestoreSecret',
    ],
    Condition: { StringEquals: { 'aws:ResourceTag/thv:owner': 'user' } },
    Effect: 'Allow',
    Resource: secretArn('toolhive/*'),
  },
  {
    Action: 'secretsmanager:CreateSecret',
    Condition: {
      StringEquals: { 'aws:RequestTag/thv:owner': 'user' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['thv:owner'] },
    },
    Effect: 'Allow',
    Resource: secretArn('toolhive/*'),
  },
  {
    Action: 'secretsmanager:TagResource',
    Condition: {
      StringEquals: { 'aws:RequestTag/thv:owner': 'user', 'aws:ResourceTag/thv:owner': 'user' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['thv:owner'] },
    },
    Effect: 'Allow',
    Resource: secretArn('toolhive/*'),
  },
];

describe('role statements', () => {
  it('gives the user-API role its log stream, tag-based user-secret access, ListSecrets, key use, the flag, and the guard', () => {
    // Prepare
    const logsId = logicalId(logGroupOf(broker.userFunction));

    // Act
    const policies = statementsOf({ logicalId: userRoleId });

    // Assess
    expect(policies).toEqual([
      {
        name: expect.stringMatching(/^BrokerUserApiRoleDefaultPolicy/),
        statements: [
          logWrite(logsId),
          ...USER_SECRET_STATEMENTS,
          list,
          batchGet,
          keyUse(['toolhive/*']),
          // It holds legacy names as reserved until the migration's flag is set.
          {
            Action: 'ssm:GetParameter',
            Effect: 'Allow',
            Resource: 'arn:aws:ssm:eu-west-1:111122223333:parameter/Broker/migration-done',
          },
        ],
      },
      { name: guardId, statements: GUARD_STATEMENTS },
    ]);
  });

  it.each(DEFAULT_SCOPES)(
    'gives the %s scope role CRUD and PutResourcePolicy on its own prefix only',
    (scope) => {
      // Prepare
      const fn = broker.scopeFunctions.get(scope);
      if (fn === undefined) throw new Error(`no function for ${scope}`);

      // Act
      const policies = statementsOf({ logicalId: scopeRoleId(scope) });

      // Assess
      expect(policies).toEqual([
        {
          name: expect.stringMatching(new RegExp(`^BrokerScope${scope}RoleDefaultPolicy`)),
          statements: [
            logWrite(logicalId(logGroupOf(fn))),
            {
              Action: [...CRUD, 'secretsmanager:PutResourcePolicy'],
              Effect: 'Allow',
              Resource: secretArn(`toolhive/__thv_${scope}_*`),
            },
            list,
            batchGet,
            keyUse([`toolhive/__thv_${scope}_*`]),
          ],
        },
      ]);
    },
  );

  it('gives a role passed to grantUserAccess the user access policy (each method of the user routes, both guards) and the perimeter, nothing else', () => {
    // Act
    const policies = statementsOf({ name: 'platform-dev' });

    // Assess: the two policies a role managed elsewhere attaches by hand.
    expect(policies).toEqual([
      {
        name: logicalId(broker.userAccessPolicy),
        statements: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            // The restore and version routes lie under /v1/secrets/* already.
            Resource: invokeAll(['/v1/secrets', '/v1/secrets/*', '/v1/deleted-secrets', '/v1/batch-get']),
          },
          ...GUARD_STATEMENTS,
          ...USER_ROLE_GUARD_STATEMENTS,
        ],
      },
      { name: perimeterId, statements: PERIMETER_STATEMENTS },
    ]);
  });

  it('gives a role passed to grantScopeAccess the access policy of that scope (each method of its routes, the guard) and the perimeter, nothing else', () => {
    // Act
    const policies = statementsOf({ name: 'workloads-svc' });

    // Assess: the two policies a service role managed elsewhere attaches by hand.
    expect(policies).toEqual([
      {
        name: logicalId(broker.scopeAccessPolicies.get('workloads') ?? broker),
        statements: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: invokeAll([
              '/v1/scopes/workloads/secrets',
              '/v1/scopes/workloads/secrets/*',
              '/v1/scopes/workloads/deleted-secrets',
              '/v1/scopes/workloads/batch-get',
            ]),
          },
          ...GUARD_STATEMENTS,
        ],
      },
      { name: perimeterId, statements: PERIMETER_STATEMENTS },
    ]);
  });

  it('keeps the guard and the user-role guard as policies of their own, for roles that do not use the broker', () => {
    // Act
    const statements = (id: string) => resolve(json, json.Resources[id]?.Properties?.PolicyDocument);

    // Assess
    expect([statements(guardId), statements(userRoleGuardId)]).toEqual([
      { Version: '2012-10-17', Statement: GUARD_STATEMENTS },
      { Version: '2012-10-17', Statement: USER_ROLE_GUARD_STATEMENTS },
    ]);
  });

  it('lets scope roles read and describe only untagged keys of their own legacy prefixes, and the flag, under until-migrated', () => {
    // Prepare
    const t = custom.template.toJSON() as TemplateJson;
    const role = custom.stack.broker.scopeRoles.get('registry');
    if (role === undefined) throw new Error('no registry role');

    // Act
    const statements = identityPolicies(t, { logicalId: logicalId(role) }).flatMap((p) => p.policy.Statement);

    // Assess
    expect(statements.slice(4)).toEqual([
      { ...keyUse(['toolhive/__thv_registry_*', 'toolhive/REGISTRY_OAUTH_*']), Resource: PASSED_KEY },
      {
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Condition: { Null: { 'aws:ResourceTag/thv:owner': 'true' } },
        Effect: 'Allow',
        Resource: secretArn('toolhive/REGISTRY_OAUTH_*'),
      },
      {
        Action: 'ssm:GetParameter',
        Effect: 'Allow',
        Resource: 'arn:aws:ssm:eu-west-1:111122223333:parameter/broker/flag',
      },
    ]);
  });

  it('lets no role but the broker functions, the migration job and its start assume their roles', () => {
    // Act
    const roles = template.findResources('AWS::IAM::Role');

    // Assess: the user and scope functions, the migration steps and the first-deploy start are
    // Lambda functions; the state machine role is assumed by Step Functions for this account only.
    const stateMachineRole = logicalId(stateMachineRoleOf(broker));
    const lambdaTrusted = Object.entries(roles)
      .filter(
        ([id]) => ![logicalId(broker.api.node.findChild('CloudWatchRole')), stateMachineRole].includes(id),
      )
      .map(
        ([, r]) =>
          (r as { Properties: { AssumeRolePolicyDocument: { Statement: unknown[] } } }).Properties
            .AssumeRolePolicyDocument.Statement,
      );
    expect(lambdaTrusted).toHaveLength(1 + DEFAULT_SCOPES.length + 2);
    for (const statements of lambdaTrusted) {
      expect(statements).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
    }
    const trust = resolve(json, roles[stateMachineRole]?.Properties.AssumeRolePolicyDocument.Statement);
    expect(trust).toEqual([
      expect.objectContaining({
        Principal: { Service: 'states.amazonaws.com' },
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': '111122223333' } }),
      }),
    ]);
  });
});

describe('grants against the adapter', () => {
  it('grants the function roles exactly the Secrets Manager calls the adapter makes', () => {
    // Prepare
    const dir = fileURLToPath(new URL('../../lambda/aws/', import.meta.url));
    const source = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const smImports =
      source.match(/import \{[^}]*\} from '@aws-sdk\/client-secrets-manager'/g)?.join('\n') ?? '';
    const called = [...smImports.matchAll(/\b(\w+)Command\b/g)].map((m) => `secretsmanager:${m[1]}`);
    // CreateSecret with Tags is also authorized as TagResource.
    const implied = /\bTags:/.test(source) ? ['secretsmanager:TagResource'] : [];

    // Act
    const granted = [broker.userRole, ...broker.scopeRoles.values()]
      .flatMap((role) => identityPolicies(json, { logicalId: logicalId(role) }))
      .flatMap((p) => p.policy.Statement)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => [s.Action].flat())
      .filter((a): a is string => typeof a === 'string' && a.startsWith('secretsmanager:'));

    // Assess
    expect([...new Set(granted)].sort()).toEqual([...new Set([...called, ...implied])].sort());
  });
});

describe('API', () => {
  it('requires AWS_IAM authorization on every method', () => {
    // Act
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));

    // Assess: the user routes' 14 methods and the catch-all, and 15 methods per scope (each route's own and ANY).
    expect(methods).toHaveLength(15 + 15 * DEFAULT_SCOPES.length);
    for (const method of methods) expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('has no method on the root resource', () => {
    // Act
    const onRoot = template.findResources('AWS::ApiGateway::Method', {
      Properties: { ResourceId: { 'Fn::GetAtt': [apiId, 'RootResourceId'] } },
    });

    // Assess
    expect(onRoot).toEqual({});
  });

  it.each(DEFAULT_SCOPES)(
    'sends every method under /v1/scopes/%s/secrets to that scope function',
    (scope) => {
      // Prepare
      const fnId = logicalId(broker.scopeFunctions.get(scope) ?? broker);
      const byPath = methodTargets();

      // Act
      const targets = Object.entries(byPath).filter(([path]) => path.startsWith(`/v1/scopes/${scope}/`));

      // Assess
      expect(targets.map(([path]) => path).sort()).toEqual(
        [
          `/v1/scopes/${scope}/secrets ANY`,
          `/v1/scopes/${scope}/secrets DELETE`,
          `/v1/scopes/${scope}/secrets GET`,
          `/v1/scopes/${scope}/secrets/{name} ANY`,
          `/v1/scopes/${scope}/secrets/{name} DELETE`,
          `/v1/scopes/${scope}/secrets/{name} GET`,
          `/v1/scopes/${scope}/secrets/{name} PUT`,
          `/v1/scopes/${scope}/deleted-secrets ANY`,
          `/v1/scopes/${scope}/deleted-secrets GET`,
          `/v1/scopes/${scope}/secrets/{name}/restore ANY`,
          `/v1/scopes/${scope}/secrets/{name}/restore POST`,
          `/v1/scopes/${scope}/secrets/{name}/versions/{version} ANY`,
          `/v1/scopes/${scope}/secrets/{name}/versions/{version} GET`,
          `/v1/scopes/${scope}/batch-get ANY`,
          `/v1/scopes/${scope}/batch-get POST`,
        ].sort(),
      );
      for (const [, target] of targets) expect(target).toBe(fnId);
    },
  );

  it('sends the user routes and the unknown-scope catch-all to the user function', () => {
    // Prepare
    const fnId = logicalId(broker.userFunction);

    // Act
    const targets = Object.entries(methodTargets()).filter(([path]) => !/^\/v1\/scopes\/[a-z]/.test(path));

    // Assess
    expect(Object.fromEntries(targets)).toEqual({
      '/v1/secrets GET': fnId,
      '/v1/secrets ANY': fnId,
      '/v1/secrets/{key} GET': fnId,
      '/v1/secrets/{key} ANY': fnId,
      '/v1/secrets/{key} PUT': fnId,
      '/v1/secrets/{key} DELETE': fnId,
      '/v1/deleted-secrets GET': fnId,
      '/v1/deleted-secrets ANY': fnId,
      '/v1/secrets/{key}/restore POST': fnId,
      '/v1/secrets/{key}/restore ANY': fnId,
      '/v1/secrets/{key}/versions/{version} GET': fnId,
      '/v1/secrets/{key}/versions/{version} ANY': fnId,
      '/v1/batch-get POST': fnId,
      '/v1/batch-get ANY': fnId,
      '/v1/scopes/{scope}/{proxy+} ANY': fnId,
    });
  });

  it('logs access, throttles, and never traces request data on the stage', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [
        Match.objectLike({
          DataTraceEnabled: false,
          LoggingLevel: 'ERROR',
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ],
    });
  });

  it('applies the throttling props to the stage', () => {
    // Assess
    custom.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 })],
    });
  });
});

describe('functions', () => {
  it('gives every function its own role and its own log group on nodejs24.x', () => {
    // Act: the broker's own functions (the first-deploy start is CDK's custom-resource function).
    const ids = [broker.userFunction, ...broker.scopeFunctions.values(), broker.migrationFunction].map((f) =>
      logicalId(f),
    );
    const fns = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([id]) => ids.includes(id))
      .map(([, f]) => f);

    // Assess
    expect(fns).toHaveLength(1 + DEFAULT_SCOPES.length + 1);
    const roles = fns.map((f) => JSON.stringify(f.Properties.Role));
    const logs = fns.map((f) => JSON.stringify(f.Properties.LoggingConfig.LogGroup));
    expect(new Set(roles).size).toBe(fns.length);
    expect(new Set(logs).size).toBe(fns.length);
    for (const f of fns) expect(f.Properties.Runtime).toBe('nodejs24.x');
  });

  it('tells each scope function its scope and the principals its system secrets allow', () => {
    // Prepare
    const fn = broker.scopeFunctions.get('llm');
    if (fn === undefined) throw new Error('no llm function');

    // Act
    const env = resolve(json, json.Resources[logicalId(fn)]?.Properties?.Environment) as {
      Variables: Record<string, string>;
    };

    // Assess
    expect(env.Variables).toMatchObject({
      BROKER_ROOT: 'toolhive/',
      BROKER_SCOPES: 'workloads,registry,auth,llm',
      BROKER_SERVED_SCOPES: 'llm',
      BROKER_KMS_KEY_ID: keyArn(keyId),
      BROKER_RECOVERY_WINDOW_DAYS: '7',
      BROKER_LEGACY_FALLBACK: 'never',
      BROKER_SYSTEM_POLICY_PRINCIPALS: [
        roleArn(scopeRoleId('llm')),
        migrationJobRole,
        MIGRATION,
        BREAK_GLASS,
      ].join(','),
    });
  });

  it('gives the user function no served scope and no system-secret principals', () => {
    // Act
    const env = resolve(json, json.Resources[logicalId(broker.userFunction)]?.Properties?.Environment) as {
      Variables: Record<string, string>;
    };

    // Assess
    expect(env.Variables.BROKER_SERVED_SCOPES).toBeUndefined();
    expect(env.Variables.BROKER_SYSTEM_POLICY_PRINCIPALS).toBeUndefined();
  });
});

describe('KMS key', () => {
  it('creates a key with rotation on that survives stack deletion', () => {
    // Assess
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it.each(DEFAULT_SCOPES)(
    'denies decrypting %s system secrets to all but that scope role, migration and break-glass',
    (scope) => {
      // Act
      const policy = resolve(json, json.Resources[keyId]?.Properties?.KeyPolicy) as {
        Statement: Record<string, unknown>[];
      };

      // Assess
      expect(policy.Statement).toContainEqual({
        Sid: `DenyDecrypt${scope}SystemSecrets`,
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        Resource: '*',
        Condition: {
          StringLike: { 'kms:EncryptionContext:SecretARN': secretArn(`toolhive/__thv_${scope}_*`) },
          ArnNotEquals: {
            'aws:PrincipalArn': [roleArn(scopeRoleId(scope)), migrationJobRole, MIGRATION, BREAK_GLASS],
          },
        },
      });
    },
  );

  it('uses a passed key instead of creating one', () => {
    // Assess
    custom.template.resourceCountIs('AWS::KMS::Key', 0);
    custom.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BROKER_KMS_KEY_ID: PASSED_KEY }) },
    });
  });

  it('takes a passed IKey in the construct', () => {
    // Prepare
    const s = new Stack(testApp(), 'S');
    const key = kms.Key.fromKeyArn(s, 'K', 'arn:aws:kms:eu-west-1:111122223333:key/k');

    // Act
    const b = new SecretBroker(s, 'B', { encryptionKey: key });

    // Assess
    expect(b.key).toBe(key);
  });
});

describe('grants', () => {
  it('gives a migration operator exactly what migrate plan, start and status call', () => {
    // Prepare
    const { stack: opStack, template: opTemplate } = synthBroker({
      migrationOperatorRoleArns: [roleArn('ops')],
    });
    const t = opTemplate.toJSON() as TemplateJson;
    const opBroker = opStack.broker;

    // Act
    const policies = identityPolicies(t, { name: 'ops' }).map((p) => p.policy.Statement);

    // Assess
    expect(policies).toEqual([
      [
        {
          Action: 'lambda:InvokeFunction',
          Effect: 'Allow',
          Resource: functionArn(logicalId(opBroker.migrationFunction)),
        },
        {
          Action: ['states:StartExecution', 'states:ListExecutions'],
          Effect: 'Allow',
          Resource: STATE_MACHINE,
        },
        {
          Action: 'states:DescribeExecution',
          Effect: 'Allow',
          Resource: 'arn:aws:states:eu-west-1:111122223333:execution:Broker-legacy-migration:*',
        },
        {
          Action: 'ssm:GetParameter',
          Effect: 'Allow',
          Resource: 'arn:aws:ssm:eu-west-1:111122223333:parameter/Broker/migration-done',
        },
      ],
    ]);
  });

  it('names no migration operator by default', () => {
    // Act
    const starters = Object.values(json.Resources).filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(resolve(json, r.Properties?.PolicyDocument)).includes('"states:StartExecution"'),
    );

    // Assess: only the stack's own first-deploy starter and the job's continuation start it.
    expect(starters.map((r) => JSON.stringify(r.Properties?.Roles))).toHaveLength(2);
  });

  it('refuses grantScopeAccess to a principal that cannot carry the deny policies', () => {
    // Act
    const act = () => broker.grantScopeAccess(new iam.ServicePrincipal('ec2.amazonaws.com'), 'workloads');

    // Assess
    expect(act).toThrow(
      /^Broker\/Broker: grantScopeAccess: the grantee's principal is not an IAM role, user or group/,
    );
  });

  it('attaches the scope access and perimeter policies to the role behind a grantee such as a function', () => {
    // Prepare
    const s = new SecretBrokerStack(testApp(), 'Broker', { env: { account: ACCOUNT, region: REGION } });
    const role = new iam.Role(s, 'Svc', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grantee: iam.IGrantable = { grantPrincipal: role };

    // Act
    s.broker.grantScopeAccess(grantee, 'auth');
    const t = Template.fromStack(s).toJSON() as TemplateJson;

    // Assess
    expect(identityPolicies(t, { logicalId: logicalId(role) }).map((p) => p.name)).toEqual([
      logicalId(s.broker.scopeAccessPolicies.get('auth') ?? s.broker),
      logicalId(s.broker.perimeterPolicy),
    ]);
  });

  it('refuses grantScopeAccess for a scope the broker does not have, naming its scopes', () => {
    // Prepare
    const role = new iam.Role(stack, 'Svc', { assumedBy: new iam.AccountRootPrincipal() });

    // Act
    const act = () => broker.grantScopeAccess(role, 'billing');

    // Assess
    expect(act).toThrow(
      /^Broker\/Broker: grantScopeAccess: scope "billing" is not one of this broker's scopes \(workloads, registry, auth, llm\)/,
    );
  });
});

describe('detection', () => {
  it('sends Secrets Manager calls on system names by anyone but the scope roles, the migration role and AWS itself to the topic', () => {
    // Prepare
    const rule = Object.values(template.findResources('AWS::Events::Rule'))[0];

    // Act
    const pattern = resolve(json, rule?.Properties.EventPattern) as { detail: Record<string, unknown> };

    // Assess
    const anyId = [
      { prefix: { 'equals-ignore-case': 'toolhive/__thv_' } },
      { prefix: { 'equals-ignore-case': secretArn('toolhive/__thv_') } },
    ];
    expect(rule?.Properties.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(pattern.detail.requestParameters).toEqual({
      $or: [
        { name: [{ prefix: { 'equals-ignore-case': 'toolhive/__thv_' } }] },
        { secretId: anyId },
        { secretIdList: anyId },
      ],
    });
    expect(pattern.detail.$or).toEqual([
      { userIdentity: { type: [{ 'anything-but': ['AssumedRole', 'AWSService'] }] } },
      {
        userIdentity: {
          sessionContext: {
            sessionIssuer: {
              arn: [
                {
                  'anything-but': [
                    ...DEFAULT_SCOPES.map((s) => roleArn(scopeRoleId(s))),
                    migrationJobRole,
                    MIGRATION,
                  ],
                },
              ],
            },
          },
        },
      },
    ]);
  });
});

describe('outputs', () => {
  it('outputs the API URL, both guard policy ARNs, the alarm topic ARN and the key ARN', () => {
    // Act
    const outputs = resolve(json, template.toJSON().Outputs) as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs).toMatchObject({
      ApiUrl: { Value: expect.stringMatching(new RegExp(`^https://${apiId}\\.execute-api\\.`)) },
      GuardPolicyArn: { Value: `arn:aws:iam::111122223333:policy/${guardId}` },
      UserRoleGuardPolicyArn: { Value: `arn:aws:iam::111122223333:policy/${userRoleGuardId}` },
      PerimeterPolicyArn: { Value: `arn:aws:iam::111122223333:policy/${perimeterId}` },
      AlarmTopicArn: { Value: logicalId(broker.alarmTopic) },
      KeyArn: { Value: keyArn(keyId) },
    });
  });
});

describe('gateway responses', () => {
  const responses = Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::ApiGateway::GatewayResponse')
    .map(
      (r) =>
        r.Properties as {
          ResponseType: string;
          StatusCode?: string;
          ResponseTemplates: Record<string, string>;
        },
    );

  /** The body API Gateway would send, with its one variable filled in. */
  const bodyOf = (type: string): { error: string; message: string; requestId: string } => {
    const body = responses.find((r) => r.ResponseType === type)?.ResponseTemplates['application/json'];
    if (body === undefined) throw new Error(`no JSON gateway response for ${type}`);
    return JSON.parse(body.replace('$context.requestId', 'req-1'));
  };

  it.each([
    ['MISSING_AUTHENTICATION_TOKEN', 'access_denied'],
    ['INVALID_SIGNATURE', 'access_denied'],
    ['EXPIRED_TOKEN', 'access_denied'],
    ['ACCESS_DENIED', 'access_denied'],
    ['THROTTLED', 'throttled'],
    ['QUOTA_EXCEEDED', 'throttled'],
    ['REQUEST_TOO_LARGE', 'value_too_large'],
    ['DEFAULT_5XX', 'internal'],
  ])('answers %s with error %s and the request id', (type, code) => {
    expect(bodyOf(type)).toMatchObject({ error: code, requestId: 'req-1' });
  });

  it('keeps API Gateway status codes', () => {
    expect(responses.filter((r) => r.StatusCode !== undefined)).toEqual([]);
  });

  it('echoes nothing from the request', () => {
    const templates = responses.flatMap((r) => Object.values(r.ResponseTemplates));
    expect(templates.filter((t) => /\$input|\$context\.error|\$util/.test(t))).toEqual([]);
  });
});

/** `"<path> <METHOD>"` → logical id of the function the method invokes. */
function methodTargets(): Record<string, string> {
  const resources = json.Resources;
  const pathOf = (id: string): string => {
    const r = resources[id]?.Properties as { ParentId: unknown; PathPart: string } | undefined;
    if (r === undefined) return '';
    const parent = r.ParentId as { Ref?: string };
    return `${parent.Ref === undefined ? '' : pathOf(parent.Ref)}/${r.PathPart}`;
  };
  const out: Record<string, string> = {};
  for (const m of Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Method')) {
    const p = m.Properties as {
      HttpMethod: string;
      ResourceId: { Ref: string };
      Integration: { Uri: unknown };
    };
    const fn = JSON.stringify(p.Integration.Uri).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/)?.[1] ?? '?';
    out[`${pathOf(p.ResourceId.Ref)} ${p.HttpMethod}`] = fn;
  }
  return out;
}
