/**
 * The IAM decision matrix over the policies of the synthesized template, simulated with
 * @cloud-copilot/iam-simulate (AGPL: a test-only devDependency), and the policy-mutation check:
 * every statement that names a Secrets Manager, execute-api, KMS, Lambda, Step Functions, SSM or
 * IAM action must decide some cell (so each deny around the API is shown to matter).
 *
 * KMS: the simulator drops `kms:EncryptionContext:SecretARN` (it lists it among the context keys it
 * ignores, so a condition on it never matches). Each KMS cell therefore binds that condition
 * itself, for the secret whose data key the cell uses, before simulating; and a test below asserts
 * the condition's presence and value on every KMS statement of the template.
 */

import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Stack } from 'aws-cdk-lib/core';
import * as cr from 'aws-cdk-lib/custom-resources';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_LEGACY_PREFIXES,
  DEFAULT_SCOPES,
  type LegacyFallback,
  systemSecretResourcePolicy,
} from '../../core/index.js';
import { bindEncryptionContext, like } from '../../local/iam/encryption-context.js';
import { executionArn, functionArn, keyArn, parameterArn, roleArn, stateMachineArn } from './support/arns.js';
import {
  type Decision,
  expectedDecision,
  type MatrixCell,
  type MatrixPrincipal,
  type MatrixRequest,
  type MatrixRules,
  type MatrixTargets,
  matrixRequests,
} from './support/matrix.js';
import {
  identityPolicies,
  type NamedPolicy,
  resolve,
  type Statement,
  type TemplateJson,
} from './support/policies.js';
import { simulate } from './support/simulate.js';
import { logicalId, stateMachineRoleOf, synthBroker } from './support/synth.js';

const BREAK_GLASS = roleArn('break-glass');
const MIGRATION = roleArn('migration');
const USER = roleArn('platform-dev');
const SERVICE = roleArn('workloads-svc');
const ADMIN = roleArn('platform-admin');
const OPERATOR = roleArn('migration-operator');
/**
 * Rights a role may have from elsewhere (PowerUserAccess, most CI roles): everything on Secrets
 * Manager, KMS, Lambda, Step Functions and SSM, and IAM (PassRole) too.
 */
const EVERYTHING = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['secretsmanager:*', 'kms:*', 'lambda:*', 'states:*', 'ssm:*', 'iam:*'],
      Resource: '*',
    },
  ],
};
const SECRET_ARN_KEY = 'kms:EncryptionContext:SecretARN';

/** A statement chosen for removal: which policy, which index. */
interface Mutation {
  readonly policy: string;
  readonly index: number;
}

/** One mutation's outcome, for the printed report. */
interface MutationReport {
  readonly policy: string;
  readonly sid: string;
  readonly caught: boolean;
  readonly first?: string;
}

const describeCell = (c: MatrixCell, got: Decision): string =>
  `${c.principal.label} | ${c.request.label}: expected ${c.expected}, got ${got}`;

const without = (policy: NamedPolicy, mutation: Mutation | undefined): NamedPolicy =>
  mutation?.policy !== policy.name
    ? policy
    : {
        name: policy.name,
        policy: {
          ...policy.policy,
          Statement: policy.policy.Statement.filter((_, i) => i !== mutation.index),
        },
      };

/**
 * The policy as IAM sees it for a data key of the secret `arn`: a condition on its SecretARN
 * encryption context is decided by local/iam/encryption-context.ts (the simulator cannot).
 */
const bindSecretArn = (policy: NamedPolicy, arn: string): NamedPolicy => ({
  name: policy.name,
  policy: bindEncryptionContext(policy.policy, { [SECRET_ARN_KEY]: arn }),
});

/** The matrix of one deployment: its cells, a simulator over its policies, and its broker statements. */
function buildMatrix(legacyFallback: LegacyFallback) {
  const { stack, template } = synthBroker({
    userRoleArns: [USER],
    scopeCallerRoleArns: { workloads: [SERVICE] },
    breakGlassRoleArns: [BREAK_GLASS],
    migrationRoleArn: MIGRATION,
    migrationOperatorRoleArns: [OPERATOR],
    legacyFallback,
  });
  const json = template.toJSON() as TemplateJson;
  const broker = stack.broker;
  const roleOf = (scope: string) => logicalId(broker.scopeRoles.get(scope) ?? broker);
  const scopeRoleArns = new Map(DEFAULT_SCOPES.map((scope) => [scope, roleArn(roleOf(scope))]));
  // The migration job's own role, and the role passed by ARN the stack still trusts.
  const migrationRole = broker.migrationRole;
  const migrationArns = [roleArn(logicalId(migrationRole)), MIGRATION];
  const keyId = logicalId(broker.key);
  const perimeterId = logicalId(broker.perimeterPolicy);
  const stateMachineName = String(
    json.Resources[logicalId(broker.migrationStateMachine)]?.Properties?.StateMachineName,
  );
  // The job's starter: aws-cdk-lib's singleton provider behind every AwsCustomResource of the stack.
  const starter = Stack.of(broker).node.tryFindChild(
    `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
  ) as lambda.Function;
  const fnTarget = (label: string, fn: lambda.IFunction, migration = false) => ({
    label,
    arn: functionArn(logicalId(fn)),
    migration,
  });
  const targets: MatrixTargets = {
    functions: [
      fnTarget('the user function', broker.userFunction),
      ...DEFAULT_SCOPES.map((scope) =>
        fnTarget(`the ${scope} function`, broker.scopeFunctions.get(scope) as lambda.IFunction),
      ),
      fnTarget('the migration function', broker.migrationFunction, true),
      fnTarget('the migration starter', starter),
    ],
    stateMachineArn: stateMachineArn(stateMachineName),
    executionArn: executionArn(stateMachineName, 'legacy-migration-v1'),
    flagArn: parameterArn(broker.migrationFlagParameterName),
    roles: [
      { label: 'the user function role', arn: roleArn(logicalId(broker.userRole)) },
      ...DEFAULT_SCOPES.map((scope) => ({ label: `the ${scope} role`, arn: scopeRoleArns.get(scope) ?? '' })),
      { label: 'the migration role', arn: migrationArns[0] as string },
      { label: 'the state machine role', arn: roleArn(logicalId(stateMachineRoleOf(broker))) },
      { label: 'the starter role', arn: roleArn(logicalId(starter.role as iam.IRole)) },
    ],
  };

  const principals: MatrixPrincipal[] = [
    {
      label: 'user-API role',
      kind: 'user-api',
      arn: roleArn(logicalId(broker.userRole)),
      template: { logicalId: logicalId(broker.userRole) },
    },
    ...DEFAULT_SCOPES.map(
      (scope): MatrixPrincipal => ({
        label: `${scope} scope role`,
        kind: 'scope',
        scope,
        arn: scopeRoleArns.get(scope) ?? '',
        template: { logicalId: roleOf(scope) },
      }),
    ),
    { label: 'grantUserAccess role', kind: 'user', arn: USER, template: { name: 'platform-dev' } },
    {
      label: 'grantUserAccess role with outside secretsmanager:*',
      kind: 'user',
      arn: USER,
      template: { name: 'platform-dev' },
      outside: EVERYTHING,
    },
    {
      label: 'grantScopeAccess(workloads) role',
      kind: 'service',
      scope: 'workloads',
      arn: SERVICE,
      template: { name: 'workloads-svc' },
    },
    {
      label: 'grantScopeAccess(workloads) role with outside secretsmanager:*',
      kind: 'service',
      scope: 'workloads',
      arn: SERVICE,
      template: { name: 'workloads-svc' },
      outside: EVERYTHING,
    },
    {
      label: 'developer (UserAccessPolicy + PerimeterPolicy, everything from elsewhere)',
      kind: 'developer',
      arn: roleArn('developer'),
      policies: [logicalId(broker.userAccessPolicy), perimeterId],
      outside: EVERYTHING,
    },
    ...DEFAULT_SCOPES.map(
      (scope): MatrixPrincipal => ({
        label: `service:${scope} (ScopeAccessPolicy-${scope} + PerimeterPolicy, everything from elsewhere)`,
        kind: 'scope-service',
        scope,
        arn: roleArn(`service-${scope}`),
        policies: [logicalId(broker.scopeAccessPolicies.get(scope) ?? broker), perimeterId],
        outside: EVERYTHING,
      }),
    ),
    {
      label: 'migration operator',
      kind: 'operator',
      arn: OPERATOR,
      template: { name: 'migration-operator' },
    },
    { label: 'account admin (everything)', kind: 'admin', arn: ADMIN, outside: EVERYTHING },
    {
      label: 'break-glass (everything)',
      kind: 'break-glass',
      arn: BREAK_GLASS,
      outside: EVERYTHING,
    },
    {
      label: 'migration job role',
      kind: 'migration',
      arn: roleArn(logicalId(migrationRole)),
      template: { logicalId: logicalId(migrationRole) },
    },
  ];

  /** The principals each scope's system secrets allow, as the scope function is told at run time. */
  const systemPolicyPrincipals = (scope: string): string[] => {
    const fn = broker.scopeFunctions.get(scope);
    if (fn === undefined) throw new Error(`no function for ${scope}`);
    const env = resolve(json, json.Resources[logicalId(fn)]?.Properties?.Environment) as {
      Variables: Record<string, string>;
    };
    return (env.Variables.BROKER_SYSTEM_POLICY_PRINCIPALS ?? '').split(',');
  };

  /** The run-time resource policy of each scope's system secrets, built by the core from the template's env. */
  const resourcePolicies: NamedPolicy[] = DEFAULT_SCOPES.map((scope) => ({
    name: `resource-policy:${scope}`,
    policy: JSON.parse(JSON.stringify(systemSecretResourcePolicy(systemPolicyPrincipals(scope)))),
  }));
  const keyPolicy: NamedPolicy = {
    name: 'key-policy',
    policy: resolve(json, json.Resources[keyId]?.Properties?.KeyPolicy) as NamedPolicy['policy'],
  };

  // From the design, not from the template: the scope's own role, the migration role, break-glass.
  const trusted = (scope: string) => [scopeRoleArns.get(scope) ?? '', ...migrationArns, BREAK_GLASS];
  const rules: MatrixRules = {
    allowedBySystemPolicy: trusted,
    allowedToDecrypt: trusted,
    legacyReads: legacyFallback === 'until-migrated' ? DEFAULT_LEGACY_PREFIXES : [],
    legacyTable: DEFAULT_LEGACY_PREFIXES,
    scopes: DEFAULT_SCOPES,
  };
  const requests = matrixRequests(DEFAULT_SCOPES, logicalId(broker.api), keyArn(keyId), targets);
  const cells: MatrixCell[] = principals.flatMap((principal) =>
    requests.map((request) => ({
      principal,
      request,
      expected: expectedDecision(principal, request, rules),
    })),
  );

  const identityOf = new Map<MatrixPrincipal, NamedPolicy[]>(
    principals.map((p) => [
      p,
      [
        ...(p.template === undefined ? [] : identityPolicies(json, p.template)),
        ...(p.policies ?? []).map((id) => ({
          name: id,
          policy: resolve(json, json.Resources[id]?.Properties?.PolicyDocument) as NamedPolicy['policy'],
        })),
        ...(p.outside === undefined
          ? []
          : [{ name: 'outside-policy', policy: p.outside as NamedPolicy['policy'] }]),
      ],
    ]),
  );

  const resourcePolicyOf = (request: MatrixRequest): NamedPolicy | undefined => {
    if (request.kmsSecret !== undefined || request.target?.kind === 'key') return keyPolicy;
    // A secret that CreateSecret is about to make has no resource policy yet.
    if (request.secret?.policyScope === undefined || request.action === 'secretsmanager:CreateSecret')
      return undefined;
    return resourcePolicies.find((p) => p.name === `resource-policy:${request.secret?.policyScope}`);
  };

  const decide = (cell: MatrixCell, mutation?: Mutation): Promise<Decision> => {
    const { principal, request } = cell;
    // A call on the key with no secret's data key carries no SecretARN context: no condition on it holds.
    const bind = (p: NamedPolicy) =>
      request.kmsSecret !== undefined
        ? bindSecretArn(p, request.kmsSecret.arn)
        : request.target?.kind === 'key'
          ? bindSecretArn(p, 'no-secret')
          : p;
    const identity = (identityOf.get(principal) ?? []).map((p) => bind(without(p, mutation)));
    const resourcePolicy = resourcePolicyOf(request);
    return simulate({
      principalArn: principal.arn,
      action: request.action,
      resource: request.resource,
      context: request.context,
      identityPolicies: identity,
      ...(resourcePolicy === undefined
        ? {}
        : { resourcePolicy: bind(without(resourcePolicy, mutation)).policy }),
    });
  };

  /** Every statement of a broker policy (identity, resource or key) naming a Secrets Manager, execute-api or KMS action. */
  const brokerStatements = (): { mutation: Mutation; statement: Statement }[] => {
    const policies = new Map<string, NamedPolicy>();
    for (const list of identityOf.values()) {
      for (const p of list) if (json.Resources[p.name] !== undefined) policies.set(p.name, p);
    }
    for (const p of [...resourcePolicies, keyPolicy]) policies.set(p.name, p);
    const named = (s: Statement): boolean =>
      [s.Action, s.NotAction]
        .flat()
        .some(
          (a) => typeof a === 'string' && /^(secretsmanager|execute-api|kms|lambda|states|ssm|iam):/.test(a),
        );
    return [...policies.values()].flatMap((p) =>
      p.policy.Statement.map((statement, index) => ({
        mutation: { policy: p.name, index },
        statement,
      })).filter((s) => named(s.statement)),
    );
  };

  /** Cells a mutation of `policy` can change: those whose principal or resource carries it. */
  const touchedBy =
    (policy: string) =>
    (c: MatrixCell): boolean => {
      if (policy === 'key-policy')
        return c.request.kmsSecret !== undefined || c.request.target?.kind === 'key';
      if (policy.startsWith('resource-policy:'))
        return `resource-policy:${c.request.secret?.policyScope}` === policy;
      return (identityOf.get(c.principal) ?? []).some((p) => p.name === policy);
    };

  /** Removes each broker statement in turn and looks for a cell that then gets a wrong decision. */
  const mutate = async (): Promise<MutationReport[]> => {
    const report: MutationReport[] = [];
    for (const { mutation, statement } of brokerStatements()) {
      // Only a cell whose action the statement names and whose expected decision is the statement's
      // own effect can flip when the statement goes (a removed Deny can only lose an explicit deny, a
      // removed Allow only an allow), given that every cell has its expected decision (tested above).
      const listed = [statement.Action ?? statement.NotAction].flat() as string[];
      const effect: Decision = statement.Effect === 'Deny' ? 'ExplicitlyDenied' : 'Allowed';
      const canFlip = (c: MatrixCell): boolean => {
        const matches = listed.some((a) => like(a, c.request.action));
        return (statement.NotAction === undefined ? matches : !matches) && c.expected === effect;
      };
      const affected = cells.filter(touchedBy(mutation.policy)).filter(canFlip);
      let first: string | undefined;
      // In growing chunks, stopping at the first wrong decision: one is enough to show the statement matters.
      for (let i = 0, size = 10; i < affected.length && first === undefined; i += size, size = 200) {
        const chunk = affected.slice(i, i + size);
        const got = await Promise.all(chunk.map((c) => decide(c, mutation)));
        const flipped = chunk.findIndex((c, j) => c.expected !== got[j]);
        if (flipped >= 0) first = describeCell(chunk[flipped] as MatrixCell, got[flipped] as Decision);
      }
      report.push({
        policy: mutation.policy,
        sid: String(
          statement.Sid ?? `#${mutation.index} ${[statement.Action ?? statement.NotAction].flat().join(',')}`,
        ).slice(0, 90),
        caught: first !== undefined,
        ...(first === undefined ? {} : { first }),
      });
    }
    return report;
  };

  return { principals, cells, decide, mutate, json };
}

describe.each(['never', 'until-migrated'] as const)(
  'IAM decision matrix, legacyFallback %s',
  (legacyFallback) => {
    const matrix = buildMatrix(legacyFallback);
    let decisions: Decision[] = [];
    beforeAll(async () => {
      decisions = [];
      for (let i = 0; i < matrix.cells.length; i += 500) {
        decisions.push(...(await Promise.all(matrix.cells.slice(i, i + 500).map((c) => matrix.decide(c)))));
      }
    });

    it('gives every cell the decision docs/design.md §3 expects', () => {
      // Act
      const wrong = matrix.cells.flatMap((c, i) =>
        c.expected === decisions[i] ? [] : [describeCell(c, decisions[i] as Decision)],
      );

      // Assess
      const counts: Record<string, number> = {};
      for (const d of decisions) counts[d] = (counts[d] ?? 0) + 1;
      const perPrincipal = matrix.cells.length / matrix.principals.length;
      console.log(
        `IAM matrix (${legacyFallback}): ${matrix.principals.length} principals × ${perPrincipal} requests = ${matrix.cells.length} cells ${JSON.stringify(counts)}`,
      );
      expect(wrong.slice(0, 40)).toEqual([]);
    });

    it('has cells of all three decisions for the user-API role', () => {
      // Act
      const userApi = new Set(
        matrix.cells.flatMap((c, i) => (c.principal.kind === 'user-api' ? [decisions[i]] : [])),
      );

      // Assess
      expect([...userApi].sort()).toEqual(['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied']);
    });

    it('keeps every untagged legacy key and every system secret out of the user-API role in IAM itself', () => {
      // Act
      const reached = matrix.cells.flatMap((c, i) =>
        c.principal.kind === 'user-api' &&
        decisions[i] === 'Allowed' &&
        c.request.secret !== undefined &&
        (Object.keys(c.request.secret.tags).length === 0 || 'thv:scope' in c.request.secret.tags) &&
        c.request.action !== 'secretsmanager:CreateSecret'
          ? [c.request.label]
          : [],
      );

      // Assess
      expect(reached).toEqual([]);
    });

    it('lets the user-API role restore only user keys, and scope roles only their own scope', () => {
      // Prepare: the restore cells, by principal and secret.
      const restore = (principal: string, secret: string): Decision | undefined => {
        const i = matrix.cells.findIndex(
          (c) => c.principal.label === principal && c.request.label === `RestoreSecret on ${secret}`,
        );
        return i < 0 ? undefined : decisions[i];
      };

      // Act
      const got = {
        userKey: restore('user-API role', 'user secret'),
        systemKey: restore('user-API role', 'workloads secret'),
        untaggedKey: restore('user-API role', 'untagged pre-broker user key'),
        legacyKey: restore('user-API role', 'untagged legacy workloads key'),
        ownScope: restore('workloads scope role', 'workloads secret'),
        otherScope: restore('workloads scope role', 'registry secret'),
        userKeyFromScope: restore('workloads scope role', 'user secret'),
      };

      // Assess
      expect(got).toEqual({
        userKey: 'Allowed',
        systemKey: 'ExplicitlyDenied',
        untaggedKey: 'ExplicitlyDenied',
        legacyKey: 'ExplicitlyDenied',
        ownScope: 'Allowed',
        otherScope: 'ExplicitlyDenied',
        userKeyFromScope: 'ImplicitlyDenied',
      });
    });

    it("lets the functions batch-read only what they may read one by one: BatchGetSecretValue on *, each secret's GetSecretValue decides", () => {
      // Prepare: the batch-read cells, by principal and request label.
      const cell = (principal: string, label: string): Decision | undefined => {
        const i = matrix.cells.findIndex((c) => c.principal.label === principal && c.request.label === label);
        return i < 0 ? undefined : decisions[i];
      };
      const perSecret = (principal: string, secret: string) =>
        cell(principal, `GetSecretValue (per-secret check of BatchGetSecretValue) on ${secret}`);

      // Act
      const got = {
        userApiBatch: cell('user-API role', 'secretsmanager:BatchGetSecretValue'),
        userApiUserKey: perSecret('user-API role', 'user secret'),
        userApiSystemKey: perSecret('user-API role', 'workloads secret'),
        userApiUntaggedKey: perSecret('user-API role', 'untagged pre-broker user key'),
        userApiLegacyKey: perSecret('user-API role', 'untagged legacy workloads key'),
        scopeBatch: cell('workloads scope role', 'secretsmanager:BatchGetSecretValue'),
        scopeOwn: perSecret('workloads scope role', 'workloads secret'),
        scopeOther: perSecret('workloads scope role', 'registry secret'),
        scopeUserKey: perSecret('workloads scope role', 'user secret'),
      };

      // Assess
      expect(got).toEqual({
        userApiBatch: 'Allowed',
        userApiUserKey: 'Allowed',
        userApiSystemKey: 'ExplicitlyDenied',
        userApiUntaggedKey: 'ExplicitlyDenied',
        userApiLegacyKey: 'ExplicitlyDenied',
        scopeBatch: 'Allowed',
        scopeOwn: 'Allowed',
        scopeOther: 'ExplicitlyDenied',
        scopeUserKey: 'ImplicitlyDenied',
      });
    });

    it('binds every KMS statement to the SecretARN encryption context, which the simulator cannot check', () => {
      // Act: every KMS statement of the template but the key policy's account statement.
      const kmsStatements = Object.entries(matrix.json.Resources).flatMap(([, r]) => {
        const doc = (r.Properties?.PolicyDocument ?? r.Properties?.KeyPolicy) as
          | { Statement?: unknown[] }
          | undefined;
        // The perimeter's identity denies hold for every use of the key, whatever the secret: left out.
        return (resolve(matrix.json, doc?.Statement ?? []) as Statement[]).filter(
          (s) =>
            (s.Effect === 'Allow' || s.Principal !== undefined) &&
            [s.Action].flat().some((a) => typeof a === 'string' && a.startsWith('kms:') && a !== 'kms:*'),
        );
      });

      // Assess
      expect(kmsStatements.length).toBeGreaterThan(DEFAULT_SCOPES.length);
      for (const s of kmsStatements) {
        const like = (s.Condition as { StringLike?: Record<string, unknown> } | undefined)?.StringLike ?? {};
        expect([like[SECRET_ARN_KEY]].flat()).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:111122223333:secret:toolhive\//),
          ]),
        );
      }
    });

    it('notices the removal of every Secrets Manager, execute-api, KMS, Lambda, Step Functions, SSM and IAM statement of every broker policy', async () => {
      // Act
      const report = await matrix.mutate();

      // Assess
      console.log(
        `policy mutation (${legacyFallback}): ${report.filter((r) => r.caught).length} of ${report.length} statements caught`,
      );
      for (const r of report) {
        console.log(
          `  ${r.caught ? 'caught' : 'MISSED'}  ${r.policy}  ${r.sid}${r.first ? `  e.g. ${r.first}` : ''}`,
        );
      }
      // user-API: 3 tag-based grants + list + batch read + key use + flag read; each scope: CRUD +
      // list + batch read + key use, and under until-migrated a legacy read and a flag read for each
      // scope the legacy table names; the guard's eight denies (on the user-API role), the
      // perimeter's seven; the user access policy (invoke + guard + user-role guard) and each scope
      // access policy (invoke + guard), which the granted roles carry too (the grants attach them);
      // the operator's four grants; a resource policy per scope; the key policy's account statement
      // and one decrypt deny per scope; the migration role's statements.
      const scopes = DEFAULT_SCOPES.length;
      const legacyScopes =
        legacyFallback === 'until-migrated'
          ? new Set(DEFAULT_LEGACY_PREFIXES.map((row) => row.scope)).size
          : 0;
      const guard = 8;
      // The migration role: legacy read/delete, scoped read/protect, one create/tag per scope of the
      // table, describe, adoption, list, flag, key use.
      const migration = 7 + new Set(DEFAULT_LEGACY_PREFIXES.map((row) => row.scope)).size;
      expect(report).toHaveLength(
        7 +
          4 * scopes +
          2 * legacyScopes +
          guard +
          7 +
          (1 + guard + 1) +
          scopes * (1 + guard) +
          4 +
          scopes +
          1 +
          scopes +
          migration,
      );
      expect(report.filter((r) => !r.caught).map((r) => `${r.policy} ${r.sid}`)).toEqual([]);
    }, 300_000);
  },
);
