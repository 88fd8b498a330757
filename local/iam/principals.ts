/**
 * Who can call the local endpoint (docs/design.md §6): each function role of the synthesized stack, and the
 * callers built only from what the stack hands platform teams: `developer` (the `UserAccessPolicy`
 * and the `PerimeterPolicy` beside it, plus broad rights granted elsewhere in the account),
 * `service:<scope>` (`ScopeAccessPolicy-<scope>` and the perimeter, plus the same rights) and `admin` (the account's administrator, no broker guard: what wrote the
 * legacy keys before the broker existed).
 */
import { DEFAULT_REGION } from '../aws/arn.js';
import type { LocalCredential } from '../gateway/sigv4-verifier.js';
import { localAccessKeyId, localSecretAccessKey } from './credentials.js';
import { loadIamModel } from './model-cache.js';
import { stackSettingsFromEnv } from './settings.js';
import type { IamModel } from './stack-model.js';
import type { NamedPolicy } from './template-policies.js';

/** A principal of the local account, with the key pair that acts as it. */
export interface Principal extends LocalCredential {
  /** Its name (`admin`, `developer`, `service:<scope>`, `user-function`, `scope-function:<scope>`, `migration`). */
  readonly name: string;
  /** Its role's ARN (`aws:PrincipalArn`, what resource and key policies name). */
  readonly roleArn: string;
  /** Its identity policies. */
  readonly policies: readonly NamedPolicy[];
  /** What it stands for, one line. */
  readonly description: string;
}

/** Name of the principal an unknown access key (or an unsigned request) acts as. */
export const ADMIN = 'admin';

/** Session name of every local principal's assumed-role ARN (what refusals name). */
const LOCAL_SESSION = 'thv-broker-local';

/** The rights from elsewhere that `developer` and `service:<scope>` hold besides the stack's policy. */
const OUTSIDE_RIGHTS: NamedPolicy = {
  name: 'outside-rights',
  policy: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['secretsmanager:*', 'kms:*', 'lambda:*', 'states:*', 'ssm:*'],
        Resource: '*',
      },
    ],
  },
};

const ADMINISTRATOR: NamedPolicy = {
  name: 'AdministratorAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

function principal(
  model: IamModel,
  name: string,
  roleArn: string,
  policies: readonly NamedPolicy[],
  description: string,
): Principal {
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  return {
    name,
    roleArn,
    policies,
    description,
    accessKeyId: localAccessKeyId(name),
    secretAccessKey: localSecretAccessKey(name),
    callerArn: `arn:aws:sts::${model.account}:assumed-role/${roleName}/${LOCAL_SESSION}`,
  };
}

/** What a role of the stack runs, in a line. */
function roleDescription(name: string): string {
  if (name === 'user-function') return "the user function's role (the user routes run as it)";
  if (name.startsWith('scope-function:'))
    return `scope ${name.slice('scope-function:'.length)}'s function role (its routes run as it)`;
  return "the migration steps' role (migrate --local runs as it)";
}

const roleOf = (model: IamModel, name: string): string => `arn:aws:iam::${model.account}:role/${name}`;

/** Every principal of the local account, the stack's roles first. */
export function principalsOf(model: IamModel): Principal[] {
  const scopes = Object.keys(model.scopeAccessPolicies);
  return [
    ...model.roles.map((r) =>
      principal(model, r.principal, r.roleArn, r.policies, roleDescription(r.principal)),
    ),
    principal(
      model,
      'developer',
      roleOf(model, 'developer'),
      [model.userAccessPolicy, model.perimeterPolicy, OUTSIDE_RIGHTS],
      'UserAccessPolicy and PerimeterPolicy plus secretsmanager:*, kms:*, lambda:*, states:*, ssm:* on *',
    ),
    ...scopes.map((s) =>
      principal(
        model,
        `service:${s}`,
        roleOf(model, `service-${s}`),
        [model.scopeAccessPolicies[s] as NamedPolicy, model.perimeterPolicy, OUTSIDE_RIGHTS],
        `ScopeAccessPolicy-${s} and PerimeterPolicy plus secretsmanager:*, kms:*, lambda:*, states:*, ssm:* on *`,
      ),
    ),
    principal(model, ADMIN, roleOf(model, 'admin'), [ADMINISTRATOR], 'everything, no broker guard'),
  ];
}

/** The principals of the local endpoint for the `BROKER_*` settings in `env` (what `thv-broker local credentials` prints). */
export async function localPrincipals(
  env: Readonly<Record<string, string | undefined>>,
): Promise<Principal[]> {
  return principalsOf(await loadIamModel(stackSettingsFromEnv(env, DEFAULT_REGION)));
}
