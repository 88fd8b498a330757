/**
 * Tamper detection, proven on the synthesized rule: its state and event pattern are taken from the
 * template and evaluated against CloudTrail events in AWS's documented shape, for reads, writes and
 * batch reads of system secrets by each kind of principal.
 */
import { describe, expect, it } from 'vitest';
import { roleArn, secretArn } from './support/arns.js';
import { batchGetCalls, type Call, type Caller, cloudTrailEvent } from './support/cloudtrail.js';
import { matchesPattern } from './support/event-pattern.js';
import { resolve, type TemplateJson } from './support/policies.js';
import { logicalId, synthBroker } from './support/synth.js';

const BREAK_GLASS = roleArn('break-glass');
const MIGRATION = roleArn('migration');
const { stack, template } = synthBroker({ breakGlassRoleArns: [BREAK_GLASS], migrationRoleArn: MIGRATION });
const json = template.toJSON() as TemplateJson;
const broker = stack.broker;
const rule = resolve(json, json.Resources[logicalId(broker.tamperRule)]?.Properties) as {
  State: string;
  EventPattern: Parameters<typeof matchesPattern>[0];
};

/**
 * Whether the rule raises the alarm for `event`. `ENABLED` rules never receive CloudTrail's
 * read-only management events; `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` receives them too.
 */
function alarms(event: Record<string, unknown>): boolean {
  const detail = event.detail as { readOnly: boolean };
  const delivered =
    rule.State === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' ||
    (rule.State === 'ENABLED' && !detail.readOnly);
  return delivered && matchesPattern(rule.EventPattern, event as Parameters<typeof matchesPattern>[1]);
}

const SYSTEM = 'toolhive/__thv_workloads_BEARER_TOKEN_github';
const SYSTEM_ARN = secretArn(`${SYSTEM}-AbCdEf`);
const USER_SECRET = 'toolhive/GITHUB_TOKEN';

const reads: [string, Call[]][] = [
  [
    'GetSecretValue by name',
    [{ eventName: 'GetSecretValue', requestParameters: { secretId: SYSTEM }, readOnly: true }],
  ],
  [
    'DescribeSecret by ARN',
    [{ eventName: 'DescribeSecret', requestParameters: { secretId: SYSTEM_ARN }, readOnly: true }],
  ],
  [
    'GetResourcePolicy',
    [{ eventName: 'GetResourcePolicy', requestParameters: { secretId: SYSTEM }, readOnly: true }],
  ],
  [
    'ListSecretVersionIds',
    [{ eventName: 'ListSecretVersionIds', requestParameters: { secretId: SYSTEM_ARN }, readOnly: true }],
  ],
  [
    'GetSecretValue of a look-alike spelling',
    [
      {
        eventName: 'GetSecretValue',
        requestParameters: { secretId: 'toolhive/__THV_workloads_X' },
        readOnly: true,
      },
    ],
  ],
];
const writes: [string, Call[]][] = [
  [
    'PutSecretValue',
    [
      {
        eventName: 'PutSecretValue',
        requestParameters: { secretId: SYSTEM, clientRequestToken: 't' },
        readOnly: false,
      },
    ],
  ],
  [
    'CreateSecret',
    [
      {
        eventName: 'CreateSecret',
        requestParameters: { name: 'toolhive/__thv_registry_X' },
        readOnly: false,
      },
    ],
  ],
  [
    'DeleteResourcePolicy by ARN',
    [{ eventName: 'DeleteResourcePolicy', requestParameters: { secretId: SYSTEM_ARN }, readOnly: false }],
  ],
];
const batches: [string, Call[]][] = [
  [
    'BatchGetSecretValue by id list',
    batchGetCalls({ secretIdList: [USER_SECRET, SYSTEM] }, [secretArn(`${USER_SECRET}-q1w2e3`), SYSTEM_ARN]),
  ],
  [
    'BatchGetSecretValue by filter',
    batchGetCalls({ filters: [{ key: 'name', values: ['toolhive/'] }] }, [SYSTEM_ARN]),
  ],
];
const everyCall = [...reads, ...writes, ...batches];

const outsiders: [string, Caller][] = [
  ['the user function role', { kind: 'role', roleArn: roleArn(logicalId(broker.userRole)) }],
  ['a platform user (IAM user)', { kind: 'iam-user', userName: 'alice' }],
  [
    'a platform user (SSO role)',
    { kind: 'role', roleArn: roleArn('aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developers_0123') },
  ],
  ['a break-glass role', { kind: 'role', roleArn: BREAK_GLASS }],
  ['the account root', { kind: 'root' }],
];
const insiders: [string, Caller][] = [
  [
    "the scope's own role",
    { kind: 'role', roleArn: roleArn(logicalId(broker.scopeRoles.get('workloads') ?? broker)) },
  ],
  ['the migration job role', { kind: 'role', roleArn: roleArn(logicalId(broker.migrationRole)) }],
  ['the migration role passed by ARN', { kind: 'role', roleArn: MIGRATION }],
];

describe('tamper detection rule', () => {
  it('receives read-only management events too', () => {
    expect(rule.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
  });

  describe.each(outsiders)('by %s', (_, caller) => {
    it.each(everyCall)('alarms on %s of a system secret', (_label, calls) => {
      // Act
      const raised = calls.map((call) => alarms(cloudTrailEvent(caller, call)));

      // Assess: at least one of the entries the call writes raises it.
      expect(raised).toContain(true);
    });

    it('stays quiet on calls on a user secret', () => {
      const call: Call = {
        eventName: 'GetSecretValue',
        requestParameters: { secretId: USER_SECRET },
        readOnly: true,
      };
      expect(alarms(cloudTrailEvent(caller, call))).toBe(false);
    });
  });

  describe.each(insiders)('by %s', (_, caller) => {
    it.each(everyCall)('stays quiet on %s of a system secret', (_label, calls) => {
      expect(calls.map((call) => alarms(cloudTrailEvent(caller, call)))).not.toContain(true);
    });
  });

  it('alarms on every per-secret GetSecretValue entry a batch read of a system secret writes', () => {
    // Prepare: a batch by filter names no secret itself; only its per-secret entries do.
    const [batch, ...perSecret] = batchGetCalls({ filters: [{ key: 'name', values: ['toolhive/'] }] }, [
      SYSTEM_ARN,
    ]);
    const caller: Caller = { kind: 'iam-user', userName: 'alice' };

    // Act / Assess
    expect(batch && alarms(cloudTrailEvent(caller, batch))).toBe(false);
    expect(perSecret.map((call) => alarms(cloudTrailEvent(caller, call)))).toEqual([true]);
  });
});

describe('event-pattern matcher', () => {
  it('refuses an operator it does not implement', () => {
    expect(() => matchesPattern({ a: [{ wildcard: 'x*' }] }, { a: 'xy' })).toThrow(/not implemented/);
  });

  it('matches nothing on a field the event lacks, even with anything-but', () => {
    expect(matchesPattern({ a: [{ 'anything-but': ['x'] }] }, { b: 'y' })).toBe(false);
  });

  it('matches an array field when any element matches', () => {
    expect(matchesPattern({ a: [{ prefix: { 'equals-ignore-case': 'AB' } }] }, { a: ['zz', 'abc'] })).toBe(
      true,
    );
  });
});
