/**
 * Invoke grants over generated scope lists (fast-check), simulated on the synthesized policies:
 * the user grant reaches no scope route and `grantScopeAccess(role, S)` reaches no route but S's,
 * whatever the scopes are called, route-segment names such as `v1`, `secrets` and `scopes` included;
 * and none of them can invoke any broker function directly, even with `lambda:*` from elsewhere.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVOKE_METHODS } from '../../lib/broker-api.js';
import { functionArn, invokeArn, roleArn } from './support/arns.js';
import { identityPolicies, type NamedPolicy, type TemplateJson } from './support/policies.js';
import { type Decision, simulate } from './support/simulate.js';
import { logicalId, synthBroker } from './support/synth.js';

const USER = roleArn('platform-dev');
const callerArn = (scope: string): string => roleArn(`svc-${scope}`);
/** Lambda rights from elsewhere (PowerUserAccess, most CI roles). */
const LAMBDA_EVERYWHERE: NamedPolicy = {
  name: 'outside-policy',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:*', Resource: '*' }] },
};

/** Scope names, weighted towards the ones that look like route segments. */
const scopeName = fc.oneof(
  fc.constantFrom('v1', 'secrets', 'scopes', 'secret', 'v', 'workloads'),
  fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/),
);
const scopeLists = fc.uniqueArray(scopeName, { minLength: 1, maxLength: 4 });

/** Every route of a broker with `scopes`, and the scope that owns it (undefined: a user route). */
function routes(scopes: readonly string[]): { path: string; owner: string | undefined }[] {
  return [
    { path: '/v1/secrets', owner: undefined },
    { path: '/v1/secrets/K', owner: undefined },
    ...scopes.flatMap((s) => [
      { path: `/v1/scopes/${s}/secrets`, owner: s },
      { path: `/v1/scopes/${s}/secrets/K`, owner: s },
    ]),
  ];
}

/** Every (principal, route, method) whose decision differs from "allowed exactly on its own routes". */
async function wrongDecisions(scopes: readonly string[]): Promise<string[]> {
  const { stack, template } = synthBroker({
    scopes,
    legacyPrefixes: [],
    userRoleArns: [USER],
    scopeCallerRoleArns: Object.fromEntries(scopes.map((s) => [s, [callerArn(s)]])),
  });
  const json = template.toJSON() as TemplateJson;
  const apiId = logicalId(stack.broker.api);
  const principals = [
    { arn: USER, name: 'platform-dev', scope: undefined as string | undefined },
    ...scopes.map((s) => ({ arn: callerArn(s), name: `svc-${s}`, scope: s as string | undefined })),
  ];
  const broker = stack.broker;
  const functions = [broker.userFunction, ...broker.scopeFunctions.values(), broker.migrationFunction].map(
    (fn) => functionArn(logicalId(fn)),
  );
  const wrong: string[] = [];
  for (const p of principals) {
    const policies = identityPolicies(json, { name: p.name });
    for (const fn of functions) {
      const got = await simulate({
        principalArn: p.arn,
        action: 'lambda:InvokeFunction',
        resource: fn,
        identityPolicies: [...policies, LAMBDA_EVERYWHERE],
      });
      if (got !== 'ExplicitlyDenied') wrong.push(`${p.name} invokes ${fn}: got ${got}`);
    }
    for (const route of routes(scopes)) {
      for (const method of INVOKE_METHODS) {
        const got = await simulate({
          principalArn: p.arn,
          action: 'execute-api:Invoke',
          resource: invokeArn(apiId, route.path, method),
          identityPolicies: policies,
        });
        const expected: Decision = route.owner === p.scope ? 'Allowed' : 'ImplicitlyDenied';
        if (got !== expected)
          wrong.push(`${p.name} ${method} ${route.path}: expected ${expected}, got ${got}`);
      }
    }
  }
  return wrong;
}

describe('invoke grants over generated scope lists', () => {
  it('reach exactly their own routes, for every method, and no broker function directly', async () => {
    await fc.assert(
      fc.asyncProperty(scopeLists, async (scopes) => {
        expect(await wrongDecisions(scopes)).toEqual([]);
      }),
      // Each run synthesizes a stack (no bundling); a few runs plus the named cases keep it fast.
      { numRuns: 6, examples: [[['v1', 'secrets', 'scopes']], [['v1']], [['secrets', 'workloads']]] },
    );
  });
});
