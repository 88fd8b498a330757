/**
 * The managed policies for roles managed elsewhere: one for user access, one per scope.
 * Their statements come from the synthesized template and go through the IAM simulator, as if
 * each were the only policy (or the only broker policy) of a role; the routes come from the
 * handlers' route table, so routes added there are covered here too.
 */
import { describe, expect, it } from 'vitest';
import { type Method, SCOPE_ROUTES, USER_ROUTES } from '../../core/http/routes.js';
import { DEFAULT_SCOPES } from '../../core/index.js';
import { invokeArn, roleArn, secretArn } from './support/arns.js';
import { identityPolicies, type NamedPolicy, resolve, type TemplateJson } from './support/policies.js';
import { type Decision, simulate } from './support/simulate.js';
import { logicalId, synthBroker } from './support/synth.js';

const USER = roleArn('platform-dev');
const { stack, template } = synthBroker({ userRoleArns: [USER] });
const json = template.toJSON() as TemplateJson & { Outputs: Record<string, { Value: unknown }> };
const broker = stack.broker;
const apiId = logicalId(broker.api);
const EVERYTHING: NamedPolicy = {
  name: 'outside-policy',
  policy: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['secretsmanager:*', 'kms:*'], Resource: '*' }],
  },
};

const policyOf = (id: string): NamedPolicy => ({
  name: id,
  policy: resolve(json, json.Resources[id]?.Properties?.PolicyDocument) as NamedPolicy['policy'],
});
const userPolicy = policyOf(logicalId(broker.userAccessPolicy));
const scopePolicy = (scope: string): NamedPolicy => {
  const policy = broker.scopeAccessPolicies.get(scope);
  if (policy === undefined) throw new Error(`no access policy for ${scope}`);
  return policyOf(logicalId(policy));
};

/** Every method of the table's routes, as concrete request paths (a key, a version, a scope). */
function requests(routes: typeof USER_ROUTES, scope?: string): { label: string; resource: string }[] {
  return routes.flatMap((route) =>
    Object.keys(route.methods).map((method) => {
      const path = route.path
        .replace('{scope}', scope ?? '')
        .replace(/\{(key|name)\}/, 'GITHUB_TOKEN')
        .replace('{version}', 'previous');
      return { label: `${method} ${path}`, resource: invokeArn(apiId, path, method as Method) };
    }),
  );
}

const decide = (policies: NamedPolicy[], action: string, resource: string): Promise<Decision> =>
  simulate({ principalArn: USER, action, resource, identityPolicies: policies });

async function decisions(policies: NamedPolicy[], reqs: { label: string; resource: string }[]) {
  const out: Record<string, Decision> = {};
  for (const r of reqs) out[r.label] = await decide(policies, 'execute-api:Invoke', r.resource);
  return out;
}

const all = (reqs: { label: string }[], decision: Decision) =>
  Object.fromEntries(reqs.map((r) => [r.label, decision]));

describe('user access policy', () => {
  it('alone lets a role invoke every user route', async () => {
    // Prepare
    const reqs = requests(USER_ROUTES);
    // Act + Assess
    expect(await decisions([userPolicy], reqs)).toEqual(all(reqs, 'Allowed'));
  });

  it('alone lets a role invoke nothing on the scope routes', async () => {
    // Prepare
    const reqs = DEFAULT_SCOPES.flatMap((scope) => requests(SCOPE_ROUTES, scope));
    // Act + Assess
    expect(await decisions([userPolicy], reqs)).toEqual(all(reqs, 'ImplicitlyDenied'));
  });

  it.each(['secretsmanager:ListSecrets', 'secretsmanager:BatchGetSecretValue'])(
    'denies %s directly, even beside secretsmanager:* from elsewhere',
    async (action) => {
      // Act
      const alone = await decide([userPolicy], action, '*');
      const withEverything = await decide([userPolicy, EVERYTHING], action, '*');
      // Assess
      expect([alone, withEverything]).toEqual(['ExplicitlyDenied', 'ExplicitlyDenied']);
    },
  );

  it('carries the guard: a system secret stays denied beside secretsmanager:* from elsewhere', async () => {
    // Act
    const got = await decide(
      [userPolicy, EVERYTHING],
      'secretsmanager:GetSecretValue',
      secretArn('toolhive/__thv_workloads_BEARER_TOKEN_x-AbCdEf'),
    );
    // Assess
    expect(got).toBe('ExplicitlyDenied');
  });

  it('is what grantUserAccess attaches, with the perimeter beside it and nothing else', () => {
    // Act
    const granted = identityPolicies(json, { name: 'platform-dev' }).map((p) => p.name);
    // Assess: a granted role and a role given the two policies by hand hold the same statements.
    expect(granted).toEqual([userPolicy.name, logicalId(broker.perimeterPolicy)]);
  });
});

describe('scope access policies', () => {
  it('exist for every scope', () => {
    // Assess
    expect([...broker.scopeAccessPolicies.keys()]).toEqual([...DEFAULT_SCOPES]);
  });

  it.each(DEFAULT_SCOPES)('%s: alone lets a role invoke exactly that scope’s routes', async (scope) => {
    // Prepare
    const own = requests(SCOPE_ROUTES, scope);
    const others = [
      ...requests(USER_ROUTES),
      ...DEFAULT_SCOPES.filter((s) => s !== scope).flatMap((s) => requests(SCOPE_ROUTES, s)),
    ];
    // Act
    const got = await decisions([scopePolicy(scope)], [...own, ...others]);
    // Assess
    expect(got).toEqual({ ...all(own, 'Allowed'), ...all(others, 'ImplicitlyDenied') });
  });
});

describe('scope access policies carry the guard', () => {
  it.each(DEFAULT_SCOPES)(
    '%s: a system secret and a planted key stay denied beside secretsmanager:* from elsewhere',
    async (scope) => {
      // Act
      const read = await decide(
        [scopePolicy(scope), EVERYTHING],
        'secretsmanager:GetSecretValue',
        secretArn(`toolhive/__thv_${scope}_TOKEN-AbCdEf`),
      );
      const plant = await simulate({
        principalArn: USER,
        action: 'secretsmanager:CreateSecret',
        resource: secretArn('toolhive/BEARER_TOKEN_planted-AbCdEf'),
        context: { 'secretsmanager:Name': 'toolhive/BEARER_TOKEN_planted' },
        identityPolicies: [scopePolicy(scope), EVERYTHING],
      });
      // Assess
      expect([read, plant]).toEqual(['ExplicitlyDenied', 'ExplicitlyDenied']);
    },
  );
});

describe('outputs for platform teams', () => {
  it('name the API id, the user access policy and each scope access policy', () => {
    // Act
    const outputs = Object.fromEntries(Object.entries(json.Outputs).map(([id, o]) => [id, o.Value]));
    // Assess
    expect(outputs).toMatchObject({
      ApiId: { Ref: apiId },
      UserAccessPolicyArn: { Ref: logicalId(broker.userAccessPolicy) },
      ScopeAccessPolicyArnWorkloads: { Ref: scopePolicy('workloads').name },
      ScopeAccessPolicyArnRegistry: { Ref: scopePolicy('registry').name },
      ScopeAccessPolicyArnAuth: { Ref: scopePolicy('auth').name },
      ScopeAccessPolicyArnLlm: { Ref: scopePolicy('llm').name },
    });
  });

  it('keeps every access policy and the perimeter under IAM’s 6,144-character limit for managed policies', () => {
    // Act
    const perimeter = policyOf(logicalId(broker.perimeterPolicy));
    const sizes = [userPolicy, ...DEFAULT_SCOPES.map(scopePolicy), perimeter].map(
      (p) => JSON.stringify(p.policy).length,
    );
    // Assess
    expect(sizes.filter((n) => n > 6144)).toEqual([]);
  });
});
