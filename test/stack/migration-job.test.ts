/** The MigrationJob construct in the synthesized template: state machine, role, first-deploy start. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ACCESS_RETRY, FIRST_EXECUTION_NAME } from '../../lib/migration-job.js';
import {
  type TemplateJson as DefinitionTemplate,
  definitionFromTemplate,
} from '../../local/migration/definition.js';
import { secretArn as arn } from './support/arns.js';
import { resolve, type TemplateJson } from './support/policies.js';
import { ACCOUNT, logicalId, migrationJobOf, REGION, synthBroker } from './support/synth.js';

const { stack, template } = synthBroker({ breakGlassRoleArns: [`arn:aws:iam::${ACCOUNT}:role/BreakGlass`] });
const migrationRole = { 'Fn::GetAtt': [logicalId(stack.broker.migrationRole), 'Arn'] };

/** Every statement of the policies attached to `roleLogicalId`. */
function statementsOf(roleLogicalId: string): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) =>
      ((p as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles ?? []).some(
        (r) => r.Ref === roleLogicalId,
      ),
    )
    .flatMap(
      (p) =>
        resolve(
          template.toJSON() as TemplateJson,
          (p as { Properties: { PolicyDocument: { Statement: unknown } } }).Properties.PolicyDocument
            .Statement,
        ) as Record<string, unknown>[],
    );
}

describe('the migration job', () => {
  it('is a Standard state machine with full logging and tracing, in JSONPath', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      StateMachineName: 'Broker-legacy-migration',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
    const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).not.toContain('JSONata');
  });

  it('retries every Lambda step on MigrationAccessDeniedError for about four minutes (IAM on a first deploy), without jitter', () => {
    const definition = definitionFromTemplate(template.toJSON() as DefinitionTemplate);
    const map = definition.States.MigrateBatches as { ItemProcessor: { States: Record<string, unknown> } };
    const lambdaTasks = {
      ...Object.fromEntries(Object.entries(definition.States).filter(([n]) => n !== 'ContinueAsNew')),
      ...map.ItemProcessor.States,
    } as Record<string, { Type: string; Retry?: Record<string, unknown>[] }>;
    const names = Object.entries(lambdaTasks)
      .filter(([, st]) => st.Type === 'Task')
      .map(([n]) => n)
      .sort();
    expect(names).toEqual(['CheckFlag', 'Discover', 'Finish', 'MigrateBatch', 'ReportFailedBatch']);
    for (const name of names) {
      expect(lambdaTasks[name]?.Retry, name).toContainEqual({
        ErrorEquals: ['MigrationAccessDeniedError'],
        IntervalSeconds: 15,
        MaxAttempts: 4,
        BackoffRate: 2,
      });
    }
    // 15 + 30 + 60 + 120 s: bounded, then the execution fails with the step's message.
    expect(ACCESS_RETRY).toEqual({ intervalSeconds: 15, maxAttempts: 4, backoffRate: 2 });
  });

  it('waits out ListSecrets’ lag before the final pass, and has no shortcut past the listing when the flag is set', () => {
    const definition = definitionFromTemplate(template.toJSON() as DefinitionTemplate);
    expect(definition.States.SettleListing).toEqual({ Type: 'Wait', Seconds: 300, Next: 'Finish' });
    expect(definition.States.CheckFlag).toMatchObject({ Next: 'Discover' });
    expect(Object.keys(definition.States)).not.toContain('AlreadyDone');
    expect(definition.States.ContinueAsNew).toMatchObject({
      Parameters: { 'Input.$': 'States.JsonToString($.continuation)', 'Name.$': '$.nextName' },
    });
  });

  it('starts the job once on first deploy under a fixed execution name', () => {
    const starts = Object.values(template.findResources('Custom::AWS')).map((r) =>
      JSON.stringify((r as { Properties: { Create: unknown } }).Properties.Create),
    );
    expect(starts).toHaveLength(1);
    expect(starts[0]).toContain(`\\"name\\":\\"${FIRST_EXECUTION_NAME}\\"`);
    expect(starts[0]).toContain('\\"action\\":\\"startExecution\\"');
    expect(starts[0]).toContain('ExecutionAlreadyExists');
    expect(JSON.stringify(template.findResources('Custom::AWS'))).not.toContain('"Update"');
  });

  it('gives the migration role only the Secrets Manager rights its legacy table needs', () => {
    const statements = statementsOf(logicalId(stack.broker.migrationRole)).filter((s) =>
      JSON.stringify(s.Action).includes('secretsmanager:'),
    );
    const untagged = { Null: { 'aws:ResourceTag/thv:owner': 'true', 'aws:ResourceTag/thv:scope': 'true' } };
    // Each row of the legacy table writes only `<root>__thv_<its scope>_<its prefix>*`.
    const workloadsScoped = [
      'BEARER_TOKEN_',
      'OAUTH_CLIENT_SECRET_',
      'OAUTH_REFRESH_TOKEN_',
      'registry-user-',
      'registry-default-',
      'BUILD_AUTH_FILE_',
    ].map((p) => arn(`toolhive/__thv_workloads_${p}*`));
    const registryScoped = [arn('toolhive/__thv_registry_REGISTRY_OAUTH_*')];
    expect(statements).toEqual([
      {
        Sid: 'ReadAndDeleteLegacyKeys',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DeleteSecret'],
        Resource: [
          'BEARER_TOKEN_',
          'OAUTH_CLIENT_SECRET_',
          'OAUTH_REFRESH_TOKEN_',
          'registry-user-',
          'registry-default-',
          'BUILD_AUTH_FILE_',
          'REGISTRY_OAUTH_',
        ].map((p) => arn(`toolhive/${p}*`)),
        Condition: untagged,
      },
      {
        Sid: 'ReadAndProtectScopedKeys',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutResourcePolicy'],
        Resource: [...workloadsScoped, ...registryScoped],
      },
      {
        Sid: 'WriteScopedKeysWorkloads',
        Effect: 'Allow',
        Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
        Resource: workloadsScoped,
        Condition: {
          StringEquals: { 'aws:RequestTag/thv:scope': 'workloads' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['thv:scope'] },
        },
      },
      {
        Sid: 'WriteScopedKeysRegistry',
        Effect: 'Allow',
        Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
        Resource: registryScoped[0],
        Condition: {
          StringEquals: { 'aws:RequestTag/thv:scope': 'registry' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['thv:scope'] },
        },
      },
      {
        Sid: 'DescribeKeys',
        Effect: 'Allow',
        Action: 'secretsmanager:DescribeSecret',
        Resource: arn('toolhive/*'),
      },
      {
        Sid: 'AdoptUntaggedKeys',
        Effect: 'Allow',
        Action: 'secretsmanager:TagResource',
        Resource: arn('toolhive/*'),
        Condition: {
          ...untagged,
          StringEquals: { 'aws:RequestTag/thv:owner': 'user' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['thv:owner'] },
        },
      },
      { Sid: 'ListSecrets', Effect: 'Allow', Action: 'secretsmanager:ListSecrets', Resource: '*' },
    ]);
  });

  it('lets the migration role read and write the flag parameter only', () => {
    const ssm = statementsOf(logicalId(stack.broker.migrationRole)).filter((s) =>
      JSON.stringify(s.Action).includes('ssm:'),
    );
    expect(ssm).toEqual([
      {
        Sid: 'MigrationFlag',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:PutParameter'],
        Resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/Broker/migration-done`,
      },
    ]);
  });

  it("writes each scope's system secrets with the same principals as that scope's own function", () => {
    const fn = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: 'thv secret broker: legacy-key migration steps' },
    });
    const env = JSON.stringify(Object.values(fn)[0]);
    for (const [scope, scopeRole] of stack.broker.scopeRoles) {
      expect(env).toContain(`\\"${scope}\\":[\\"`);
      expect(env).toContain(logicalId(scopeRole));
    }
    expect(env).toContain(logicalId(stack.broker.migrationRole));
    expect(env).toContain('BreakGlass');
  });

  it('trusts the migration role in every scope function’s resource policy and the tamper rule', () => {
    for (const fn of stack.broker.scopeFunctions.values()) {
      const resource = template.toJSON().Resources[logicalId(fn)];
      const principals = resource.Properties.Environment.Variables.BROKER_SYSTEM_POLICY_PRINCIPALS;
      expect(JSON.stringify(principals)).toContain(JSON.stringify(migrationRole));
    }
    expect(JSON.stringify(template.findResources('AWS::Events::Rule'))).toContain(
      logicalId(stack.broker.migrationRole),
    );
  });

  it('hands its batch size to Discover, with the page cap the history model gives for that size', () => {
    const discoverOf = (t: typeof template) =>
      (
        definitionFromTemplate(t.toJSON() as DefinitionTemplate).States.Discover as {
          Parameters: { batchSize: number; maxPages: number };
        }
      ).Parameters;
    const big = synthBroker({ migration: { batchSize: 50 } });
    expect(discoverOf(template)).toMatchObject({
      batchSize: 10,
      maxPages: migrationJobOf(stack.broker).maxPagesPerExecution,
    });
    expect(discoverOf(big.template)).toMatchObject({
      batchSize: 50,
      maxPages: migrationJobOf(big.stack.broker).maxPagesPerExecution,
    });
    // Fewer, bigger batches per page make a page cost fewer history events: more pages fit.
    expect(migrationJobOf(big.stack.broker).maxPagesPerExecution).toBeGreaterThan(
      migrationJobOf(stack.broker).maxPagesPerExecution,
    );
  });

  it('refuses a batch size or concurrency out of range, naming the prop', () => {
    expect(() => synthBroker({ migration: { batchSize: 0 } })).toThrow(
      /^Broker: invalid SecretBrokerStack props:\n- migration batchSize: must be a whole number from 1 to 100, got 0$/,
    );
    expect(() => synthBroker({ migration: { maxConcurrency: 100 } })).toThrow(
      /^Broker: invalid SecretBrokerStack props:\n- migration maxConcurrency: must be a whole number from 1 to 40, got 100$/,
    );
  });

  it('does not start the job when startOnDeploy is off', () => {
    const { template: off } = synthBroker({ migration: { startOnDeploy: false } });
    off.resourceCountIs('Custom::AWS', 0);
  });

  it('names the job, its function and its flag in the stack outputs the CLI asks for', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.MigrationStateMachineArn?.Value).toEqual({
      Ref: logicalId(stack.broker.migrationStateMachine),
    });
    expect(outputs.MigrationFunctionName?.Value).toEqual({
      Ref: logicalId(stack.broker.migrationFunction),
    });
    expect(outputs.MigrationFlagParameter?.Value).toBe('/Broker/migration-done');
  });
});
