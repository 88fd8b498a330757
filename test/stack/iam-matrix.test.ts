/**
 * The IAM decision matrix over the policies of the synthesized template, simulated with
 * @cloud-copilot/iam-simulate (AGPL: a test-only devDependency), and the policy-mutation check:
 * every statement that names a Secrets Manager or execute-api action must decide some cell.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_LEGACY_PREFIXES,
  DEFAULT_SCOPES,
  type LegacyFallback,
  systemSecretResourcePolicy,
} from '../../lambda/core/index.js';
import { roleArn } from './support/arns.js';
import {
  type Decision,
  expectedDecision,
  type MatrixCell,
  type MatrixPrincipal,
  matrixRequests,
} from './support/matrix.js';
import {
  identityPolicies,
  type NamedPolicy,
  resolve,
  type Statement,
  type TemplateJson,
} from './support/policies.js';
import { ACCOUNT, logicalId, synthBroker } from './support/synth.js';

const BREAK_GLASS = roleArn('break-glass');
const MIGRATION = roleArn('migration');
const USER = roleArn('platform-dev');
const SERVICE = roleArn('workloads-svc');
const ADMIN = roleArn('platform-admin');
const EVERYTHING = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' }],
};

/** A statement chosen for removal: which policy, which index. */
interface Mutation {
  readonly policy: string;
  readonly index: number;
}

/** One mutation's outcome, for the printed report. */
interface MutationReport {
  readonly policy: string;
  readonly sid: string;
  readonly caught: number;
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

/** The matrix of one deployment: its cells, a simulator over its policies, and its broker statements. */
function buildMatrix(legacyFallback: LegacyFallback) {
  const { stack, template } = synthBroker({
    userRoleArns: [USER],
    scopeCallerRoleArns: { workloads: [SERVICE] },
    breakGlassRoleArns: [BREAK_GLASS],
    migrationRoleArn: MIGRATION,
    legacyFallback,
  });
  const json = template.toJSON() as TemplateJson;
  const broker = stack.broker;
  const roleOf = (scope: string) => logicalId(broker.scopeFunctions.get(scope)?.role ?? broker);
  const scopeRoleArns = new Map(DEFAULT_SCOPES.map((scope) => [scope, roleArn(roleOf(scope))]));

  const principals: MatrixPrincipal[] = [
    {
      label: 'user-API role',
      kind: 'user-api',
      arn: roleArn(logicalId(broker.userFunction.role)),
      source: { template: { logicalId: logicalId(broker.userFunction.role) } },
    },
    ...DEFAULT_SCOPES.map(
      (scope): MatrixPrincipal => ({
        label: `${scope} scope role`,
        kind: 'scope',
        scope,
        arn: scopeRoleArns.get(scope) ?? '',
        source: { template: { logicalId: roleOf(scope) } },
      }),
    ),
    {
      label: 'grantUserAccess role',
      kind: 'user',
      arn: USER,
      source: { template: { name: 'platform-dev' } },
    },
    {
      label: 'grantScopeAccess(workloads) role',
      kind: 'service',
      scope: 'workloads',
      arn: SERVICE,
      source: { template: { name: 'workloads-svc' } },
    },
    { label: 'account admin (secretsmanager:*)', kind: 'admin', arn: ADMIN, source: { outside: EVERYTHING } },
    {
      label: 'break-glass (secretsmanager:*)',
      kind: 'break-glass',
      arn: BREAK_GLASS,
      source: { outside: EVERYTHING },
    },
  ];

  /** The principals each scope's system secrets allow, as the scope function is told at run time. */
  const systemPolicyPrincipals = (scope: string): string[] => {
    const fn = broker.scopeFunctions.get(scope);
    if (fn === undefined) throw new Error(`no function for ${scope}`);
    const env = resolve(json, json.Resources[logicalId(fn.function)]?.Properties?.Environment) as {
      Variables: Record<string, string>;
    };
    return (env.Variables.BROKER_SYSTEM_POLICY_PRINCIPALS ?? '').split(',');
  };

  /** The run-time resource policy of each scope's system secrets, built by the core from the template's env. */
  const resourcePolicies: NamedPolicy[] = DEFAULT_SCOPES.map((scope) => ({
    name: `resource-policy:${scope}`,
    policy: JSON.parse(JSON.stringify(systemSecretResourcePolicy(systemPolicyPrincipals(scope)))),
  }));

  // From the design, not from the template: the scope's own role, the migration role, break-glass.
  const rules = {
    allowedBySystemPolicy: (scope: string) => [scopeRoleArns.get(scope) ?? '', MIGRATION, BREAK_GLASS],
    legacyReads: legacyFallback === 'until-migrated' ? DEFAULT_LEGACY_PREFIXES : [],
  };
  const cells: MatrixCell[] = principals.flatMap((principal) =>
    matrixRequests(DEFAULT_SCOPES, logicalId(broker.api.api)).map((request) => ({
      principal,
      request,
      expected: expectedDecision(principal, request, rules),
    })),
  );

  const identityOf = new Map<MatrixPrincipal, NamedPolicy[]>(
    principals.map((p) => [
      p,
      'template' in p.source
        ? identityPolicies(json, p.source.template)
        : [{ name: `${p.label}-policy`, policy: p.source.outside as NamedPolicy['policy'] }],
    ]),
  );

  const decide = async (cell: MatrixCell, mutation?: Mutation): Promise<Decision> => {
    const { principal, request } = cell;
    const identity = (identityOf.get(principal) ?? []).map((p) => without(p, mutation));
    // A secret that CreateSecret is about to make has no resource policy yet.
    const resourcePolicy =
      request.secret?.policyScope === undefined || request.action === 'secretsmanager:CreateSecret'
        ? undefined
        : resourcePolicies.find((p) => p.name === `resource-policy:${request.secret?.policyScope}`);
    const result = await runSimulation(
      {
        request: {
          principal: principal.arn,
          action: request.action,
          resource: { resource: request.resource, accountId: ACCOUNT },
          contextVariables: {
            'aws:PrincipalArn': principal.arn,
            'aws:PrincipalAccount': ACCOUNT,
            ...request.context,
          },
        },
        identityPolicies: identity.map((p) => ({ name: p.name, policy: p.policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(resourcePolicy === undefined ? {} : { resourcePolicy: without(resourcePolicy, mutation).policy }),
      },
      {},
    );
    if (result.resultType === 'error') {
      throw new Error(`${principal.label} / ${request.label}: ${JSON.stringify(result.errors)}`);
    }
    return (result as { overallResult: Decision }).overallResult;
  };

  /** Every statement of a broker policy (identity or resource) that names a Secrets Manager or execute-api action. */
  const brokerStatements = (): { mutation: Mutation; statement: Statement }[] => {
    const policies = new Map<string, NamedPolicy>();
    for (const list of identityOf.values()) {
      for (const p of list) if (json.Resources[p.name] !== undefined) policies.set(p.name, p);
    }
    for (const p of resourcePolicies) policies.set(p.name, p);
    const named = (s: Statement): boolean =>
      [s.Action, s.NotAction]
        .flat()
        .some((a) => typeof a === 'string' && /^(secretsmanager|execute-api):/.test(a));
    return [...policies.values()].flatMap((p) =>
      p.policy.Statement.map((statement, index) => ({
        mutation: { policy: p.name, index },
        statement,
      })).filter((s) => named(s.statement)),
    );
  };

  /** Cells a mutation of `policy` can change: those whose principal or secret carries it. */
  const touchedBy =
    (policy: string) =>
    (c: MatrixCell): boolean =>
      policy.startsWith('resource-policy:')
        ? `resource-policy:${c.request.secret?.policyScope}` === policy
        : (identityOf.get(c.principal) ?? []).some((p) => p.name === policy);

  /** Removes each broker statement in turn and counts the cells that then get a wrong decision. */
  const mutate = async (): Promise<MutationReport[]> => {
    const report: MutationReport[] = [];
    for (const { mutation, statement } of brokerStatements()) {
      const affected = cells.filter(touchedBy(mutation.policy));
      const got = await Promise.all(affected.map((c) => decide(c, mutation)));
      const flipped = affected.flatMap((c, i) =>
        c.expected === got[i] ? [] : [describeCell(c, got[i] as Decision)],
      );
      report.push({
        policy: mutation.policy,
        sid: String(statement.Sid ?? `#${mutation.index} ${[statement.Action].flat().join(',')}`).slice(
          0,
          90,
        ),
        caught: flipped.length,
        ...(flipped[0] === undefined ? {} : { first: flipped[0] }),
      });
    }
    return report;
  };

  return { principals, cells, decide, mutate };
}

describe.each(['never', 'until-migrated'] as const)(
  'IAM decision matrix, legacyFallback %s',
  (legacyFallback) => {
    const matrix = buildMatrix(legacyFallback);
    let decisions: Decision[] = [];
    beforeAll(async () => {
      decisions = await Promise.all(matrix.cells.map((c) => matrix.decide(c)));
    });

    it('gives every cell the decision DESIGN §3 expects', () => {
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
      expect(wrong).toEqual([]);
    });

    it('has cells of all three decisions for the user-API role', () => {
      // Act
      const userApi = new Set(
        matrix.cells.flatMap((c, i) => (c.principal.kind === 'user-api' ? [decisions[i]] : [])),
      );

      // Assess
      expect([...userApi].sort()).toEqual(['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied']);
    });

    it('notices the removal of every Secrets Manager and execute-api statement of every broker policy', async () => {
      // Act
      const report = await matrix.mutate();

      // Assess
      console.log(
        `policy mutation (${legacyFallback}): ${report.filter((r) => r.caught > 0).length} of ${report.length} statements caught`,
      );
      for (const r of report) {
        const verdict = r.caught > 0 ? 'caught' : 'MISSED';
        console.log(
          `  ${verdict} ${String(r.caught).padStart(4)} cells  ${r.policy}  ${r.sid}${r.first ? `  e.g. ${r.first}` : ''}`,
        );
      }
      // user-API: CRUD + list; each scope: CRUD + list, and under until-migrated a legacy read for
      // each scope the legacy table names; the guard's four denies; two grants; a resource policy per scope.
      const legacyReads =
        legacyFallback === 'until-migrated'
          ? new Set(DEFAULT_LEGACY_PREFIXES.map((row) => row.scope)).size
          : 0;
      expect(report).toHaveLength(
        2 + 2 * DEFAULT_SCOPES.length + legacyReads + 4 + 2 + DEFAULT_SCOPES.length,
      );
      expect(report.filter((r) => r.caught === 0).map((r) => `${r.policy} ${r.sid}`)).toEqual([]);
    });
  },
);
