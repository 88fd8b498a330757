/**
 * The stack outputs every later step of a deployment reads (the CLI's `--endpoint`, `migrate`
 * options, the policy ARNs a role managed elsewhere attaches), added by one call so a platform
 * team's own stack and the deployable stack produce the same names from the same code.
 */
import { CfnOutput } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import type { SecretBroker } from './secret-broker.js';

/** Output name → the output, as {@link addBrokerOutputs} made them. */
export type BrokerOutputs = ReadonlyMap<string, CfnOutput>;

/** Id of the construct that holds the outputs below the broker. */
const OUTPUTS_ID = 'Outputs';

/** Output name of a scope's access policy: `workloads` → `ScopeAccessPolicyArnWorkloads`. */
export const scopeAccessOutputName = (scope: string): string =>
  // Scope names are lower-case letters and digits (SCOPE_PATTERN), so this is a valid logical id.
  `ScopeAccessPolicyArn${scope.charAt(0).toUpperCase()}${scope.slice(1)}`;

/**
 * Adds the broker's outputs under their documented names (the output's logical id is the name, so
 * `aws cloudformation describe-stacks` shows `ApiUrl`, not a path hash). One broker per stack
 * (its state machine and flag are named after the stack), so a second call throws.
 */
export function addBrokerOutputs(broker: SecretBroker): BrokerOutputs {
  if (broker.node.tryFindChild(OUTPUTS_ID) !== undefined)
    throw new Error(`addOutputs: ${broker.node.path} already has its outputs; call addOutputs once`);
  const holder = new Construct(broker, OUTPUTS_ID);
  const values: [name: string, value: string, description: string][] = [
    ['ApiUrl', broker.apiUrl, 'Base URL for thv-broker --endpoint (THV_BROKER_ENDPOINT)'],
    [
      'ApiId',
      broker.api.restApiId,
      'REST API id (the execute-api resource of IAM policies and SigV4-signed calls)',
    ],
    [
      'UserAccessPolicyArn',
      broker.userAccessPolicy.managedPolicyArn,
      'Attach to a role managed elsewhere, or to an IAM Identity Center permission set, to give it the user routes and the guard (what grantUserAccess gives)',
    ],
    ...[...broker.scopeAccessPolicies].map(
      ([scope, policy]) =>
        [
          scopeAccessOutputName(scope),
          policy.managedPolicyArn,
          `Attach to a service role managed elsewhere, or to a permission set, to give it the routes of scope ${scope} only`,
        ] as [string, string, string],
    ),
    [
      'GuardPolicyArn',
      broker.guardPolicy.managedPolicyArn,
      'Attach to existing user roles to deny them system secrets',
    ],
    [
      'PerimeterPolicyArn',
      broker.perimeterPolicy.managedPolicyArn,
      'Attach beside UserAccessPolicyArn or a ScopeAccessPolicyArn: denies the broker functions, migration, flag, key and roles',
    ],
    [
      'UserRoleGuardPolicyArn',
      broker.userRoleGuardPolicy.managedPolicyArn,
      'Attach with GuardPolicyArn to existing user roles to deny them listing and adopting secrets',
    ],
    [
      'AlarmTopicArn',
      broker.alarmTopic.topicArn,
      'Subscribe to be told when a system secret is touched outside the broker',
    ],
    [
      'KeyArn',
      broker.key.keyArn,
      'KMS key of the broker secrets (pass it as encryptionKeyArn to a replacement stack)',
    ],
    [
      'MigrationStateMachineArn',
      broker.migrationStateMachine.stateMachineArn,
      'thv-broker migrate start|status --state-machine-arn',
    ],
    ['MigrationFunctionName', broker.migrationFunction.functionName, 'thv-broker migrate plan --function'],
    [
      'MigrationFunctionArn',
      broker.migrationFunction.functionArn,
      'The migration steps function (lambda:InvokeFunction on it lets migrate plan run)',
    ],
    [
      'MigrationFlagParameter',
      broker.migrationFlagParameterName,
      'thv-broker migrate status --flag-parameter (set to "done …" when the migration finished)',
    ],
  ];
  const outputs = new Map<string, CfnOutput>();
  for (const [name, value, description] of values) {
    const output = new CfnOutput(holder, name, { value, description });
    // The documented name, whatever the construct path: the CLI and the docs name outputs by it.
    output.overrideLogicalId(name);
    outputs.set(name, output);
  }
  return outputs;
}
